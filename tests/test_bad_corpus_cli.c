/*
 * test_bad_corpus_cli.c — the real binary refuses every bad experiment file
 * the way a user sees it: `parabench run FILE` exits with status 2, prints
 * nothing on stdout and exactly one line on stderr, "parabench: FILE:LINE:"
 * followed by the message of tests/bad/expected.tsv, and creates nothing in
 * its working directory (no results/ folder).
 *
 * test_bad_corpus.c checks the same files through the loader; this file
 * checks the path from the command line to the exit status. The inputs too
 * big to commit (a 10 MB line, 10,000 nested lists, a file beyond the size
 * limit) are GENERATED into a private temporary folder.
 *
 * Layout of that folder: in/ holds generated inputs, run/ is the working
 * directory of parabench and must stay empty. The corpus folder is
 * $PB_BAD_DIR, or tests/bad of the source tree this test was built from.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pbt_bad_cases.h"
#include "pbt_files.h"
#include "pbtest.h"
#include "run/supervise.h"

#define MIN_CORPUS 50

static char root[64];

static void enter_tmp(void)
{
	snprintf(root, sizeof(root), "%s", pbt_tmpdir());
	cr_assert_eq(chdir(root), 0);
	cr_assert_eq(mkdir("in", 0700), 0);
	cr_assert_eq(mkdir("run", 0700), 0);
	cr_assert_eq(chdir("run"), 0);
}

static void leave_tmp(void)
{
	cr_assert_eq(chdir("/"), 0);
	pb_remove_tree(root);
}

TestSuite(bad_cli, .init = enter_tmp, .fini = leave_tmp, .timeout = 120);

static void corpus_dir(char *buf, size_t len)
{
	const char *env = getenv("PB_BAD_DIR");

	if (env && *env)
		snprintf(buf, len, "%s", env);
	else
		snprintf(buf, len, "%s/tests/bad", PB_SOURCE_DIR);
}

/* True when the working directory (run/) holds nothing at all. */
static bool workdir_empty(void)
{
	DIR *d = opendir(".");
	struct dirent *e;
	bool empty = true;

	cr_assert_not_null(d);
	while (empty && (e = readdir(d)))
		empty =
		    strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(d);
	return empty;
}

/* True when err is one line, "parabench: PATH:LINE:...WANT...\n". */
static bool one_located_line(const char *err, const char *path, unsigned line,
			     const char *want)
{
	char prefix[4200];
	const char *nl = strchr(err, '\n');

	snprintf(prefix, sizeof(prefix), "parabench: %s:%u:", path, line);
	if (!nl || nl[1] != '\0')
		return false;
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		return false;
	return strstr(err, want) && strstr(err, want) < nl;
}

/*
 * Runs `parabench run path` in run/ and checks status, stdout, stderr and
 * the working directory; reports a mismatch without stopping the test.
 */
static bool check_refused(const char *path, unsigned line, const char *want)
{
	struct pbt_proc p;
	bool located, empty, ok;

	pbt_parabench(&p, (const char *[]){"run", path, NULL});
	located = one_located_line(p.err, path, line, want);
	empty = workdir_empty();
	ok = p.status == 2 && p.out[0] == '\0' && located && empty;
	cr_expect(ok,
		  "%s: exit %d (expected 2)%s%s\nstdout: %s\nstderr: %s"
		  "expected one line 'parabench: %s:%u:...%s...'",
		  path, p.status, empty ? "" : ", wrote into its working dir",
		  p.out[0] ? ", printed on stdout" : "", p.out, p.err, path,
		  line, want);
	pbt_proc_free(&p);
	return ok;
}

/* Splits one manifest line in place; false when it is malformed. */
static bool split_entry(char *line, char **file, unsigned *lineno, char **want)
{
	char *t1 = strchr(line, '\t'), *t2, *end;

	if (!t1 || !(t2 = strchr(t1 + 1, '\t')))
		return false;
	*t1 = *t2 = '\0';
	t2[1 + strcspn(t2 + 1, "\r\n")] = '\0';
	*file = line;
	*lineno = (unsigned)strtoul(t1 + 1, &end, 10);
	*want = t2 + 1;
	return *end == '\0' && **want;
}

/*
 * The corpus runs in SHARDS tests, file k in shard k % SHARDS, so that
 * Criterion spreads it over the cores (a sanitizer build makes each run of
 * parabench slower).
 */
#define SHARDS 4

ParameterizedTestParameters(bad_cli, every_corpus_file_is_refused)
{
	static int shards[SHARDS] = {0, 1, 2, 3};

	return cr_make_param_array(int, shards, SHARDS);
}

ParameterizedTest(int *shard, bad_cli, every_corpus_file_is_refused)
{
	char dir[4096], path[4200], line[1024];
	size_t n = 0, mine = 0, ok = 0;
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
		if (n++ % SHARDS != (size_t)*shard)
			continue;
		pbt_fmt(path, "%s/%s", dir, file);
		mine++;
		ok += check_refused(path, lineno, want);
	}
	fclose(tsv);
	cr_assert_geq(n, MIN_CORPUS, "only %zu corpus files", n);
	cr_assert_eq(ok, mine, "shard %d: %zu of %zu corpus files as expected",
		     *shard, ok, mine);
}

/* ---- GENERATED cases: too big to commit ---------------------------------- */

/* GENERATED: each case of tests/support/pbt_bad_cases.c. */
static void check_case(enum pbt_bad_case_id id)
{
	const struct pbt_bad_case *c = pbt_bad_case(id);
	cr_assert(
	    check_refused(pbt_bad_case_write(c, "../in"), c->line, c->want),
	    "%s", c->name);
}

Test(bad_cli, ten_megabyte_value)
{
	check_case(PBT_BAD_LONG_VALUE);
}

Test(bad_cli, ten_megabyte_list)
{
	check_case(PBT_BAD_LONG_LIST);
}

Test(bad_cli, ten_thousand_nested_lists)
{
	check_case(PBT_BAD_DEEP_LISTS);
}

Test(bad_cli, ten_thousand_nested_mappings)
{
	check_case(PBT_BAD_DEEP_MAPS);
}

Test(bad_cli, file_beyond_the_size_limit)
{
	check_case(PBT_BAD_HUGE_FILE);
}
