/*
 * report_machine.c — the section of report.md on the machine during the
 * run: rows measured while other processes were busy (runs.csv
 * `contended`), which cells left them out and which had to use them; the
 * capacity the probe measured (capacity.csv), with a warning when it fell
 * below 90% of the ideal; each cell's speed-up beside its speed-up against
 * that capacity.
 */
#include "report_machine.h"
#include "report_md.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "analysis/stats.h"
#include "lib/csv_read.h"
#include "lib/path.h"

/* Below this share of the ideal, the machine counts as short of capacity. */
#define LOW_CAPACITY 0.9

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
			      "run it again on a quieter machine or with "
			      "more repetitions\n",
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

/* The capacity rows of experiment name at threads: median, min, count,
 * and how many of them were contended. */
static size_t capacity_of(const struct pb_csv *t, const char *name,
			  unsigned threads, double *x, double *median,
			  double *min, size_t *contended)
{
	size_t n = 0;

	*contended = 0;
	for (size_t row = 0; row < t->nrows; row++)
		if (strcmp(pb_csv_get(t, row, "experiment"), name) == 0 &&
		    pb_csv_num(t, row, "threads") == (double)threads) {
			x[n++] = pb_csv_num(t, row, "speedup");
			*contended +=
			    strcmp(pb_csv_get(t, row, "contended"), "1") == 0;
		}
	if (!n)
		return 0;
	*median = pb_median_inplace(x, n);
	*min = x[0]; /* sorted by pb_median_inplace */
	return n;
}

/* The capacity table of one experiment, and a warning when it is low. */
static void capacity_table(struct report *r, const struct pb_csv *t,
			   const char *name, double *x)
{
	unsigned seen[64];
	size_t nseen = 0;

	pb_buf_printf(&r->out, "Capacity of the machine during `");
	pb_report_cell_text(&r->out, name);
	pb_buf_printf(&r->out,
		      "` (capacity.csv: k threads of a fixed busy loop "
		      "against one, each round):\n\n| threads | median "
		      "speed-up | lowest | probes | contended | of ideal |\n"
		      "|--:|--:|--:|--:|--:|--:|\n");
	for (size_t row = 0; row < t->nrows; row++) {
		double th = pb_csv_num(t, row, "threads"), med = NAN, min = NAN;
		bool dup = false;
		if (strcmp(pb_csv_get(t, row, "experiment"), name) || th < 2)
			continue;
		for (size_t k = 0; k < nseen; k++)
			dup |= seen[k] == (unsigned)th;
		if (dup || nseen == PB_COUNT(seen))
			continue;
		seen[nseen++] = (unsigned)th;
		size_t busy;
		size_t n =
		    capacity_of(t, name, (unsigned)th, x, &med, &min, &busy);
		pb_buf_printf(&r->out,
			      "| %u | %.2f | %.2f | %zu | %zu | %.0f%% |\n",
			      (unsigned)th, med, min, n, busy, 100 * med / th);
		if (med < LOW_CAPACITY * th) {
			pb_buf_printf(&r->warn, "- experiment ");
			pb_report_cell_text(&r->warn, name);
			pb_buf_printf(&r->warn,
				      ": the machine gave %u threads only "
				      "%.2fx of one (%.0f%% of ideal, median "
				      "of %zu probes): other work or a "
				      "hypervisor took CPU time; compare "
				      "speedup_vs_capacity rather than "
				      "speedup\n",
				      (unsigned)th, med, 100 * med / th, n);
		}
	}
	pb_buf_printf(&r->out, "\n");
}

/* Speed-up beside speed-up against capacity, for cells of 2+ workers. */
static void versus_table(struct report *r)
{
	const struct pb_csv *s = &r->v->summary;
	bool any = false;

	for (size_t row = 0; row < s->nrows; row++) {
		double sp = pb_csv_num(s, row, "speedup");
		double vs = pb_csv_num(s, row, "speedup_vs_capacity");
		if (pb_csv_num(s, row, "workers") < 2 || isnan(sp) || isnan(vs))
			continue;
		if (!any)
			pb_buf_printf(&r->out,
				      "| cell | workers | speed-up | capacity "
				      "| probes | against capacity |\n"
				      "|---|--:|--:|--:|---|--:|\n");
		any = true;
		pb_buf_printf(&r->out, "| ");
		cell_name(r, row, &r->out);
		pb_buf_printf(&r->out, " | %s | %.2f | %.2f | ",
			      sum(r, row, "workers"), sp,
			      pb_csv_num(s, row, "capacity"));
		pb_report_cell_text(&r->out, sum(r, row, "capacity_basis"));
		pb_buf_printf(&r->out, " | %.2f |\n", vs);
	}
	if (any)
		pb_buf_printf(
		    &r->out,
		    "\nAgainst capacity: the speed-up divided by "
		    "what the probe's threads achieved at that "
		    "worker count (capped at the CPUs online); 1 means "
		    "the strategy used all the machine gave. The "
		    "capacity is the median of the probes of the "
		    "rounds the cell's kept rows ran in (`rounds`), "
		    "clean probes first; `run`: those rounds had "
		    "none, so the whole run's; `_contended`: only "
		    "probes measured while other work ran.\n\n");
}

static void capacity(struct report *r)
{
	char path[PB_PATH_MAX];
	struct pb_csv t;
	struct pb_err err;

	if (pb_path_join(path, sizeof(path), r->dir, "capacity.csv", &err) ||
	    access(path, F_OK) != 0 ||
	    pb_csv_read(path, PB_CSV_DROP_PARTIAL_TAIL, &t, &err))
		return;
	double *x = calloc(t.nrows + 1, sizeof(double));
	for (size_t k = 0; x && k < r->v->exps.nrows; k++)
		capacity_table(r, &t, pb_csv_get(&r->v->exps, k, "experiment"),
			       x);
	free(x);
	pb_csv_free(&t);
	versus_table(r);
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
	capacity(r);
}
