/*
 * pbt_files.c — source-tree paths, scratch folders and whole files for
 * the tests (see pbt_files.h).
 */
#include "pbt_files.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "pbtest.h"
#include "run/supervise.h"

#ifndef PB_SOURCE_DIR
#define PB_SOURCE_DIR "."
#endif

/* The scratch folder of this process (Criterion runs a test per process). */
static char scratch[64];

const char *pbt_source_path(const char *name)
{
	static char path[4096];

	if (access(name, R_OK) == 0)
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", PB_SOURCE_DIR, name);
	return path;
}

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in = open(from, O_RDONLY), out;

	cr_assert(in >= 0, "open %s: %s", from, strerror(errno));
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert(out >= 0, "create %s: %s", to, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		cr_assert_eq(write(out, buf, (size_t)n), n, "write %s", to);
	cr_assert_eq(n, 0, "read %s: %s", from, strerror(errno));
	close(in);
	close(out);
}

void pbt_copy_tree(const char *from, const char *to)
{
	char a[4096], b[4096];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(from);

	cr_assert(d, "no folder %s: %s", from, strerror(errno));
	cr_assert(mkdir(to, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", to,
		  strerror(errno));
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(a, sizeof(a), "%s/%s", from, e->d_name);
		snprintf(b, sizeof(b), "%s/%s", to, e->d_name);
		cr_assert_eq(stat(a, &st), 0, "stat %s", a);
		if (S_ISDIR(st.st_mode))
			pbt_copy_tree(a, b);
		else
			copy_file(a, b);
	}
	closedir(d);
}

const char *pbt_scratch_new(void)
{
	pbt_scratch_remove();
	snprintf(scratch, sizeof(scratch), "%s", pbt_tmpdir());
	return scratch;
}

const char *pbt_scratch_data(const char *name)
{
	char src[4096];

	pbt_fmt(src, "%s/%s", pbt_source_path("tests/data"), name);
	pbt_copy_tree(src, pbt_scratch_new());
	return scratch;
}

void pbt_scratch_remove(void)
{
	if (scratch[0])
		pb_remove_tree(scratch);
	scratch[0] = '\0';
}

void pbt_write_in(const char *dir, const char *name, const char *text)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	pbt_write(path, text);
}

char *pbt_read(const char *path)
{
	struct pb_err err = {{0}};
	char *text;
	size_t len;

	cr_assert_eq(pb_read_whole_file(path, &text, &len, &err), PB_OK, "%s",
		     err.msg);
	return text;
}

bool pbt_file_has(const char *path, const char *needle)
{
	char *text = pbt_read(path);
	bool has = strstr(text, needle) != NULL;

	free(text);
	return has;
}
