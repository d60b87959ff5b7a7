/*
 * pbt_gnuplot.c — the gnuplot files of a charts folder checked for text
 * outside quotes (see pbt_gnuplot.h).
 */
#include "pbt_gnuplot.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "lib/textbuf.h"
#include "pbt_files.h"

/* Checks one file; text is its whole content. */
static void check_file(const char *path, const char *text,
		       const char *const *bad)
{
	struct pb_buf outside = {0};
	size_t line = 1, qline = 0;
	bool quoted = false;

	for (const char *p = text; *p; p++) {
		if (*p == '\n') {
			cr_assert_not(quoted,
				      "%s:%zu: a quoted literal spans lines",
				      path, qline);
			line++;
		}
		if (*p == '\'') {
			if (quoted && p[1] == '\'') {
				p++;
				continue;
			}
			quoted = !quoted;
			qline = line;
			pb_buf_printf(&outside, "'");
			continue;
		}
		if (!quoted)
			pb_buf_printf(&outside, "%c", *p);
	}
	cr_assert_not(quoted, "%s: a quoted literal is not closed", path);
	cr_assert_not(outside.oom);
	for (size_t k = 0; bad[k]; k++)
		cr_assert_null(strstr(outside.data ? outside.data : "", bad[k]),
			       "%s: '%s' outside quotes:\n%s", path, bad[k],
			       outside.data);
	pb_buf_free(&outside);
}

void pbt_assert_gp_inert(const char *charts, const char *const *bad)
{
	DIR *d = opendir(charts);
	struct dirent *e;
	size_t scripts = 0;
	char path[8192];

	cr_assert(d, "cannot open %s", charts);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		bool gp = len > 3 && !strcmp(e->d_name + len - 3, ".gp");
		bool dat = len > 4 && !strcmp(e->d_name + len - 4, ".dat");
		if (!gp && !dat)
			continue;
		scripts += gp;
		snprintf(path, sizeof(path), "%s/%s", charts, e->d_name);
		char *text = pbt_read(path);
		check_file(path, text, bad);
		free(text);
	}
	closedir(d);
	cr_assert_gt(scripts, 0, "no .gp file in %s", charts);
}
