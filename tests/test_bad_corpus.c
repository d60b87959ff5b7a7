/*
 * test_bad_corpus.c — every file of tests/bad/ is refused with one clear,
 * located message.
 *
 * tests/bad/expected.tsv lists each file as `file<TAB>line<TAB>substring`.
 * Each file goes through pb_experiment_load, which must fail with exactly
 * one line that starts with "path:LINE:" and contains the substring. The
 * manifest and the folder must list the same files. A few inputs too big
 * to commit (a 10 MB line, 10,000 nested lists, a file beyond the size
 * limit) are GENERATED here into a private temporary folder.
 *
 * The corpus folder is $PB_BAD_DIR, or tests/bad beside this source file.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "experiment/experiment.h"
#include "pbt_bad_cases.h"
#include "pbt_files.h"
#include "pbtest.h"

#define MIN_CORPUS 50

static void corpus_dir(char *buf, size_t len)
{
	const char *env = getenv("PB_BAD_DIR");
	const char *slash = strrchr(__FILE__, '/');

	if (env && *env)
		snprintf(buf, len, "%s", env);
	else if (slash)
		snprintf(buf, len, "%.*s/bad", (int)(slash - __FILE__),
			 __FILE__);
	else
		snprintf(buf, len, "bad");
}

/* Loads path and checks the one-line message; returns false on mismatch. */
static bool check_refused(const char *path, unsigned line, const char *want)
{
	struct pb_experiment_file f;
	struct pb_err err = {{0}};
	char prefix[4200];
	int rc = pb_experiment_load(path, pbt_registry(), &f, &err);

	snprintf(prefix, sizeof(prefix), "%s:%u:", path, line);
	cr_expect_eq(rc, PB_ERROR, "%s: accepted", path);
	if (rc != PB_ERROR) {
		pb_experiment_free(&f);
		return false;
	}
	cr_expect_null(f.arena.head, "%s: arena left after failure", path);
	cr_expect(strncmp(err.msg, prefix, strlen(prefix)) == 0,
		  "%s: message does not start with '%s': %s", path, prefix,
		  err.msg);
	cr_expect(strstr(err.msg, want), "%s: message lacks '%s': %s", path,
		  want, err.msg);
	cr_expect_null(strchr(err.msg, '\n'), "%s: several lines: %s", path,
		       err.msg);
	return strncmp(err.msg, prefix, strlen(prefix)) == 0 &&
	       strstr(err.msg, want) && !strchr(err.msg, '\n');
}

/* Splits one manifest line in place; false when it is malformed. */
static bool split_entry(char *line, char **file, unsigned *lineno, char **want)
{
	char *t1 = strchr(line, '\t'), *t2, *end;

	if (!t1 || !(t2 = strchr(t1 + 1, '\t')))
		return false;
	*t1 = *t2 = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	t2[1 + strcspn(t2 + 1, "\r\n")] = '\0';
	*file = line;
	*lineno = (unsigned)strtoul(t1 + 1, &end, 10);
	*want = t2 + 1;
	return *end == '\0' && **want;
}

Test(bad_corpus, every_listed_file_is_refused_as_expected)
{
	char dir[4096], path[4200], line[1024];
	size_t n = 0, ok = 0;
	FILE *tsv;

	corpus_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/expected.tsv", dir);
	tsv = fopen(path, "r");
	cr_assert_not_null(tsv, "cannot open %s", path);
	while (fgets(line, sizeof(line), tsv)) {
		char *file, *want;
		unsigned lineno;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		cr_assert(split_entry(line, &file, &lineno, &want),
			  "malformed manifest line %zu", n + 1);
		pbt_fmt(path, "%s/%s", dir, file);
		n++;
		ok += check_refused(path, lineno, want);
	}
	fclose(tsv);
	cr_assert_geq(n, MIN_CORPUS, "only %zu corpus files", n);
	cr_assert_eq(ok, n, "%zu of %zu corpus files as expected", ok, n);
}

/* A file in the folder but not in the manifest would go untested. */
Test(bad_corpus, manifest_lists_every_file)
{
	char dir[4096], path[4200], line[1024];
	struct dirent *e;
	DIR *d;
	FILE *tsv;

	corpus_dir(dir, sizeof(dir));
	d = opendir(dir);
	cr_assert_not_null(d);
	snprintf(path, sizeof(path), "%s/expected.tsv", dir);
	while ((e = readdir(d))) {
		bool listed = false;
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' ||
		    strcmp(e->d_name, "expected.tsv") == 0)
			continue;
		tsv = fopen(path, "r");
		cr_assert_not_null(tsv);
		while (!listed && fgets(line, sizeof(line), tsv))
			listed = strncmp(line, e->d_name, len) == 0 &&
				 line[len] == '\t';
		fclose(tsv);
		cr_expect(listed, "%s is not in expected.tsv", e->d_name);
	}
	closedir(d);
}

/* ---- GENERATED cases: too big to commit ---------------------------------- */

static char tmpdir[64];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pb-bad-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char path[128];
	DIR *d = opendir(tmpdir);

	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.') {
			pbt_fmt(path, "%s/%s", tmpdir, e->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(tmpdir);
}

TestSuite(bad_generated, .init = make_tmpdir, .fini = remove_tmpdir);

/* GENERATED: each case of tests/support/pbt_bad_cases.c. */
static void check_case(enum pbt_bad_case_id id)
{
	const struct pbt_bad_case *c = pbt_bad_case(id);
	cr_assert(
	    check_refused(pbt_bad_case_write(c, tmpdir), c->line, c->want),
	    "%s", c->name);
}

Test(bad_generated, ten_megabyte_value)
{
	check_case(PBT_BAD_LONG_VALUE);
}

Test(bad_generated, ten_megabyte_list)
{
	check_case(PBT_BAD_LONG_LIST);
}

Test(bad_generated, ten_thousand_nested_lists)
{
	check_case(PBT_BAD_DEEP_LISTS);
}

Test(bad_generated, ten_thousand_nested_mappings)
{
	check_case(PBT_BAD_DEEP_MAPS);
}

Test(bad_generated, file_beyond_the_size_limit)
{
	check_case(PBT_BAD_HUGE_FILE);
}
