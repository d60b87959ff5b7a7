/*
 * report_counters.c — a group's counters table in report.md (see
 * report_counters.h).
 */
#include "report_counters.h"

#include <stdlib.h>
#include <string.h>

#include "report_md.h"

/* Whether column c of summary.csv has a value in some row of g. */
static bool counted(const struct pb_csv *s, const struct pb_view_group *g,
		    size_t c)
{
	for (size_t k = 0; k < g->nrows; k++)
		if (*pb_csv_at(s, g->rows[k], c))
			return true;
	return false;
}

/*
 * The counter columns (and ipc) of g with a value, in file order but
 * cpu-migrations first: it sits beside the affinity setting.
 */
static size_t counter_columns(const struct pb_csv *s,
			      const struct pb_view_group *g, size_t *cols)
{
	long mig = pb_csv_column(s, "counter_cpu_migrations");
	size_t n = 0;

	if (mig >= 0 && counted(s, g, (size_t)mig))
		cols[n++] = (size_t)mig;
	for (size_t c = 0; c < s->ncols; c++)
		if ((strncmp(s->header[c], "counter_", 8) == 0 ||
		     strcmp(s->header[c], "ipc") == 0) &&
		    (long)c != mig && counted(s, g, c))
			cols[n++] = c;
	return n;
}

static void header(struct pb_buf *b, const struct pb_csv *s, const size_t *cols,
		   size_t n, long aff)
{
	pb_buf_printf(b,
		      "Kernel counters over the timed span (median of the "
		      "ok runs; empty where the machine could not count "
		      "them):\n\n| series | workers |%s",
		      aff >= 0 ? " affinity |" : "");
	for (size_t k = 0; k < n; k++) {
		const char *name = s->header[cols[k]];
		pb_buf_printf(b, " %s |",
			      strncmp(name, "counter_", 8) ? name : name + 8);
	}
	pb_buf_printf(b, "\n|---|---:|%s", aff >= 0 ? "---|" : "");
	for (size_t k = 0; k < n; k++)
		pb_buf_printf(b, "---:|");
	pb_buf_printf(b, "\n");
}

void pb_report_counters(struct report *r, const struct pb_view_group *g)
{
	const struct pb_csv *s = &r->v->summary;
	struct pb_buf *b = &r->out;
	size_t *cols = calloc(s->ncols + 1, sizeof(*cols));
	long aff = pb_csv_column(s, "param_affinity");
	size_t n;

	if (!cols) {
		b->oom = true;
		return;
	}
	n = counter_columns(s, g, cols);
	if (n)
		header(b, s, cols, n, aff);
	for (size_t se = 0; n && se < g->nseries; se++) {
		for (size_t k = 0; k < g->series[se].nrows; k++) {
			size_t row = g->series[se].rows[k];
			pb_buf_printf(b, "| ");
			pb_report_cell_text(b, pb_csv_get(s, row, "series"));
			pb_buf_printf(b, " | %s |",
				      pb_csv_get(s, row, "workers"));
			if (aff >= 0) {
				pb_buf_printf(b, " ");
				pb_report_cell_text(
				    b, pb_csv_at(s, row, (size_t)aff));
				pb_buf_printf(b, " |");
			}
			for (size_t c = 0; c < n; c++)
				pb_buf_printf(b, " %s |",
					      pb_csv_at(s, row, cols[c]));
			pb_buf_printf(b, "\n");
		}
	}
	if (n)
		pb_buf_printf(b, "\n");
	free(cols);
}
