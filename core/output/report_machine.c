/*
 * report_machine.c — the section of report.md on the machine during the
 * run: rows measured while other processes were busy (runs.csv
 * `contended`), which cells left them out and which had to use them.
 */
#include "report_machine.h"
#include "report_md.h"

#include "lib/csv_read.h"

static const char *sum(const struct report *r, size_t row, const char *col)
{
	return pb_csv_get(&r->v->summary, row, col);
}

/* "pi-1 pthreads workers=2" for summary row `row`, into b. */
static void cell_name(const struct report *r, size_t row, struct pb_buf *b)
{
	pb_buf_printf(b, "cell %s (", sum(r, row, "cell"));
	pb_report_cell_text(b, sum(r, row, "group"));
	pb_buf_printf(b, " ");
	pb_report_cell_text(b, sum(r, row, "series"));
	pb_buf_printf(b, ", %s workers)", sum(r, row, "workers"));
}

/* The cells with contended rows, as a list; warnings for those used. */
static void contended_cells(struct report *r, size_t total)
{
	const struct pb_csv *s = &r->v->summary;
	size_t left_out = 0, used = 0;

	for (size_t row = 0; row < s->nrows; row++) {
		double n = pb_csv_num(s, row, "n_contended");
		if (!(n > 0))
			continue;
		bool in = strcmp(sum(r, row, "contended_used"), "true") == 0;
		left_out += in ? 0 : (size_t)n;
		used += in ? (size_t)n : 0;
		if (!in)
			continue;
		pb_buf_printf(&r->warn, "- ");
		cell_name(r, row, &r->warn);
		pb_buf_printf(&r->warn,
			      ": %.0f of its ok rows were measured while "
			      "other processes were busy, and too few clean "
			      "rows remained, so its figures include them; "
			      "run it again on a quieter machine, or with "
			      "--wait-idle or more repetitions\n",
			      n);
	}
	pb_buf_printf(&r->out,
		      "%zu ok row%s of runs.csv %s measured while other "
		      "processes used more CPU than `contention` allows "
		      "(column `contended`). ",
		      total, total == 1 ? "" : "s",
		      total == 1 ? "was" : "were");
	if (used == 0)
		pb_buf_printf(&r->out,
			      "They are left out of every median, interval "
			      "and fit: each of their cells kept at least 3 "
			      "clean rows.\n\n");
	else
		pb_buf_printf(&r->out,
			      "%zu are left out (their cells kept at least 3 "
			      "clean rows); %zu are used because their cells "
			      "had fewer (see Warnings).\n\n",
			      left_out, used);
}

void pb_report_machine(struct report *r)
{
	const struct pb_csv *s = &r->v->summary;
	size_t total = 0;

	if (pb_csv_column(s, "n_contended") < 0)
		return; /* a summary.csv from before the column */
	for (size_t row = 0; row < s->nrows; row++) {
		double n = pb_csv_num(s, row, "n_contended");
		total += n > 0 ? (size_t)n : 0;
	}
	pb_buf_printf(&r->out, "## The machine during the run\n\n");
	if (total == 0)
		pb_buf_printf(&r->out,
			      "No row was measured while other processes "
			      "used more CPU than `contention` allows.\n\n");
	else
		contended_cells(r, total);
}
