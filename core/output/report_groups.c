/*
 * report_groups.c — the Results section of report.md: for each group its
 * baseline, its table of cells, its Amdahl fits and its charts; and the
 * warnings its cells raise, collected for the Warnings section.
 */
#include "report_groups.h"

#include <math.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "lib/path.h"
#include "plot.h"
#include "report_counters.h"
#include "report_md.h"

/* Thresholds of the warnings. */
#define HIGH_CV 0.05 /* runs that vary by more than 5% are worth a word */
#define SHORT_S 1e-3

static const char *sum(const struct report *r, size_t row, const char *col)
{
	return pb_csv_get(&r->v->summary, row, col);
}

static double sumnum(const struct report *r, size_t row, const char *col)
{
	return pb_csv_num(&r->v->summary, row, col);
}

/* The unit that suits seconds v: its divisor and name. */
static double time_unit(double v, const char **unit)
{
	double a = fabs(v);

	if (a >= 1 || a == 0) {
		*unit = "s";
		return 1;
	}
	if (a >= 1e-3) {
		*unit = "ms";
		return 1e-3;
	}
	if (a >= 1e-6) {
		*unit = "µs";
		return 1e-6;
	}
	*unit = "ns";
	return 1e-9;
}

/* Decimals that give x (in its unit, 1 <= x < 1000) 4 significant digits. */
static int decimals4(double x)
{
	x = fabs(x);
	return x >= 100 ? 1 : x >= 10 ? 2 : 3;
}

static void fmt_time(struct pb_buf *b, double v)
{
	const char *unit;
	double d = time_unit(v, &unit);

	if (isnan(v))
		pb_buf_printf(b, "–");
	else
		pb_buf_printf(b, "%.*f %s", decimals4(v / d), v / d, unit);
}

/* ---- Groups ----------------------------------------------------------- */

static void interval(struct report *r, size_t row, struct pb_buf *b)
{
	double med = sumnum(r, row, "median_s");
	double lo = sumnum(r, row, "ci_lo_s"), hi = sumnum(r, row, "ci_hi_s");
	const char *unit;
	double d = time_unit(med, &unit);

	if (isnan(lo) || isnan(hi)) {
		pb_buf_printf(b, "–");
		return;
	}
	int dec = decimals4(med / d);

	pb_buf_printf(b, "%.*f–%.*f %s%s", dec, lo / d, dec, hi / d, unit,
		      strcmp(sum(r, row, "ci_method"), "order-statistic") ? " †"
									  : "");
}

static void not_ok(struct report *r, size_t row, struct pb_buf *b)
{
	static const char *const cols[] = {"n_failed", "n_crashed", "n_timeout",
					   "n_wrong"};
	size_t any = 0;

	for (size_t k = 0; k < PB_COUNT(cols); k++) {
		double n = sumnum(r, row, cols[k]);
		if (n > 0)
			pb_buf_printf(b, "%s%g %s", any++ ? ", " : "", n,
				      cols[k] + 2);
	}
}

/* A metric's median: a number in 4 significant digits, or its text. */
static void metric_value(struct report *r, size_t row, const char *col,
			 struct pb_buf *b)
{
	const char *v = sum(r, row, col);
	double x;

	if (!*v)
		pb_buf_printf(b, "–");
	else if (pb_csv_number(v, &x))
		pb_buf_printf(b, "%.4g", x);
	else
		pb_report_cell_text(b, v);
}

static void table_row(struct report *r, const struct pb_view_group *g,
		      size_t row)
{
	struct pb_buf *b = &r->out;
	double sp = sumnum(r, row, "speedup");

	pb_buf_printf(b, "| ");
	pb_report_cell_text(b, sum(r, row, "series"));
	pb_buf_printf(b, " | %s | %s | ", sum(r, row, "workers"),
		      sum(r, row, "n"));
	fmt_time(b, sumnum(r, row, "median_s"));
	pb_buf_printf(b, " | ");
	interval(r, row, b);
	if (isnan(sp))
		pb_buf_printf(b, " | – | – | ");
	else
		pb_buf_printf(b, " | %.2f (%.2f–%.2f) | %.2f | ", sp,
			      sumnum(r, row, "speedup_lo"),
			      sumnum(r, row, "speedup_hi"),
			      sumnum(r, row, "efficiency"));
	not_ok(r, row, b);
	for (size_t k = 0; k < g->nmetrics; k++) {
		pb_buf_printf(b, " | ");
		metric_value(r, row, g->metrics[k].col, b);
	}
	pb_buf_printf(b, " |\n");
}

/* The metrics' headers: "estimate", "gbps (GB/s)". */
static void metric_headers(struct report *r, const struct pb_view_group *g)
{
	for (size_t k = 0; k < g->nmetrics; k++) {
		pb_buf_printf(&r->out, " ");
		pb_report_cell_text(&r->out, g->metrics[k].name);
		if (*g->metrics[k].unit) {
			pb_buf_printf(&r->out, " (");
			pb_report_cell_text(&r->out, g->metrics[k].unit);
			pb_buf_printf(&r->out, ")");
		}
		pb_buf_printf(&r->out, " |");
	}
	pb_buf_printf(&r->out, "\n|---|---:|---:|---:|---:|---:|---:|---|");
	for (size_t k = 0; k < g->nmetrics; k++)
		pb_buf_printf(&r->out, "---:|");
	pb_buf_printf(&r->out, "\n");
}

/* The cells of g with rows not ok: each distinct message, with a count. */
static void group_failures(struct report *r, const struct pb_view_group *g)
{
	struct pb_buf *b = &r->out;
	bool any = false;

	for (size_t k = 0; k < g->nrows; k++) {
		size_t row = g->rows[k];
		const struct pb_failure *f = pb_failures_find(
		    r->fails, g->experiment, (long)sumnum(r, row, "cell"));
		if (!f)
			continue;
		if (!any)
			pb_buf_printf(b, "Rows not ok, with the first line of "
					 "their message (runs.csv has it "
					 "whole):\n\n");
		any = true;
		pb_buf_printf(b, "- cell %s (", sum(r, row, "cell"));
		pb_report_cell_text(b, sum(r, row, "series"));
		pb_buf_printf(b, ", %s worker%s): ", sum(r, row, "workers"),
			      strcmp(sum(r, row, "workers"), "1") ? "s" : "");
		not_ok(r, row, b);
		for (size_t m = 0; m < f->nmsgs; m++) {
			pb_buf_printf(b, "%s%zu× ", m ? "; " : " — ",
				      f->msgs[m].count);
			pb_report_cell_text(b, f->msgs[m].text);
		}
		pb_buf_printf(b, "\n");
	}
	if (any)
		pb_buf_printf(b, "\n");
}

static void group_table(struct report *r, const struct pb_view_group *g)
{
	struct pb_buf *b = &r->out;

	if (g->base >= 0 && !isnan(sumnum(r, (size_t)g->base, "median_s"))) {
		pb_buf_printf(b, "Baseline: %s at %u worker%s, median ",
			      g->baseline_strategy, g->baseline_workers,
			      g->baseline_workers == 1 ? "" : "s");
		fmt_time(b, sumnum(r, (size_t)g->base, "median_s"));
		pb_buf_printf(b, ".\n\n");
	} else {
		pb_buf_printf(b,
			      "No usable baseline (%s at %u worker%s) in "
			      "this group: no speed-up.\n\n",
			      g->baseline_strategy, g->baseline_workers,
			      g->baseline_workers == 1 ? "" : "s");
	}
	pb_buf_printf(b, "| series | workers | ok runs | median | 95%% "
			 "interval | speed-up (interval) | efficiency | "
			 "not ok |");
	metric_headers(r, g);
	for (size_t s = 0; s < g->nseries; s++)
		for (size_t k = 0; k < g->series[s].nrows; k++)
			table_row(r, g, g->series[s].rows[k]);
	for (size_t k = 0; k < g->nrows; k++) {
		if (!strcmp(sum(r, g->rows[k], "ci_method"), "min-max")) {
			pb_buf_printf(b, "\n† min–max: under 6 ok runs, no "
					 "order-statistic interval reaches "
					 "95%% (see Methods).\n");
			break;
		}
	}
	pb_buf_printf(b, "\n");
}

/* Decimals that show the standard error to one significant digit. */
static int decimals_for(double se)
{
	int d = 2;

	while (d < 5 && se > 0 && se < 0.95 * pow(10, -d))
		d++;
	return d;
}

/* "s = 0.21 ± 0.01 (95%: 0.18–0.24): at most 4.8× (95%: 4.2–5.6)". */
static void reading(struct pb_buf *b, const struct pb_csv *f, size_t row)
{
	double s = pb_csv_num(f, row, "serial_fraction");
	double se = pb_csv_num(f, row, "serial_fraction_se");
	double mx = pb_csv_num(f, row, "max_speedup");
	double lo = pb_csv_num(f, row, "max_speedup_lo");
	const char *hi = pb_csv_get(f, row, "max_speedup_hi");
	const char *shape = pb_csv_get(f, row, "shape");
	int d = decimals_for(se);

	if (!strcmp(shape, "exact (2 points)")) {
		pb_buf_printf(b,
			      "s = %.2f, exact (2 points): the curve passes "
			      "through both, so no error and no limit",
			      s);
		return;
	}
	pb_buf_printf(b, "s = %.*f", d, s);
	if (!isnan(se))
		pb_buf_printf(b, " ± %.*f (95%%: %.*f–%.*f)", d, se, d,
			      pb_csv_num(f, row, "serial_fraction_lo"), d,
			      pb_csv_num(f, row, "serial_fraction_hi"));
	if (isnan(mx))
		return;
	pb_buf_printf(b, ": at most %.1f× with any number of workers", mx);
	if (!isnan(lo) && !strcmp(hi, "inf"))
		pb_buf_printf(b, " (95%%: %.1f× or more)", lo);
	else if (!isnan(lo))
		pb_buf_printf(b, " (95%%: %.1f–%.1f×)", lo,
			      pb_csv_num(f, row, "max_speedup_hi"));
}

static void fit_line(struct report *r, const struct pb_view_series *se)
{
	const struct pb_csv *f = &r->v->fits;
	size_t row = (size_t)se->fit;
	double r2 = pb_csv_num(f, row, "r2");
	const char *note = pb_csv_get(f, row, "note");
	const char *shape = pb_csv_get(f, row, "shape");
	struct pb_buf *b = &r->out;

	pb_buf_printf(b, "- **");
	pb_report_cell_text(b, se->label);
	pb_buf_printf(b, "**: ");
	if (!strcmp(shape, "exact (2 points)")) {
		reading(b, f, row);
	} else if (!strcmp(shape, "fit")) {
		reading(b, f, row);
		pb_buf_printf(b, " (%s points", pb_csv_get(f, row, "n_points"));
		if (!isnan(r2))
			pb_buf_printf(b, ", R² = %.4f", r2);
		pb_buf_printf(b, ")");
	} else if (*shape) {
		pb_report_cell_text(b, shape);
	} else {
		pb_buf_printf(b, "no fit");
	}
	if (!strncmp(note, "exact (2 points)", 16))
		note += 16 + (note[16] == ';') + (note[17] == ' ');
	if (*note) {
		pb_buf_printf(b, ". Note: ");
		pb_report_cell_text(b, note);
	}
	pb_buf_printf(b, "\n");
}

static void group_fits(struct report *r, const struct pb_view_group *g)
{
	pb_buf_printf(&r->out, "Amdahl fits, T(p) = a + b/p over the cell "
			       "medians; s is the serial fraction:\n\n");
	for (size_t s = 0; s < g->nseries; s++) {
		if (g->series[s].control) {
			pb_buf_printf(&r->out, "- **");
			pb_report_cell_text(&r->out, g->series[s].label);
			pb_buf_printf(&r->out,
				      "**: the control (it ignores workers): "
				      "drawn, not fitted\n");
		} else if (g->series[s].fit >= 0) {
			fit_line(r, &g->series[s]);
		}
	}
	pb_buf_printf(&r->out, "\n");
}

static void group_charts(struct report *r, const struct pb_view_group *g)
{
	static const char *const kinds[][2] = {{"speedup", "speed-up"},
					       {"time", "wall time"},
					       {"efficiency", "efficiency"}};
	char name[512], path[PB_PATH_MAX];

	/* A name or path that does not fit is a chart plot never made. */
	for (size_t k = 0; k < PB_COUNT(kinds); k++) {
		if (pb_chart_name(kinds[k][0], g->id, name, sizeof(name)) ||
		    pb_path_fmt(path, sizeof(path), NULL, "%s/charts/%s.png",
				r->dir, name))
			continue;
		if (access(path, R_OK) == 0)
			pb_buf_printf(&r->out, "![%s](charts/%s.png)\n\n",
				      kinds[k][1], name);
	}
	for (size_t k = 0; k < g->nmetrics; k++) {
		char kind[600];
		if (pb_chart_metric_kind(g->metrics[k].name, kind,
					 sizeof(kind)) ||
		    pb_chart_name(kind, g->id, name, sizeof(name)) ||
		    pb_path_fmt(path, sizeof(path), NULL, "%s/charts/%s.png",
				r->dir, name))
			continue;
		if (access(path, R_OK) == 0)
			pb_buf_printf(&r->out, "![%s](charts/%s.png)\n\n", name,
				      name);
	}
}

/* ---- Warnings --------------------------------------------------------- */

/* Appends "; " before every part but the first. */
static void part(struct pb_buf *b)
{
	if (b->len)
		pb_buf_printf(b, "; ");
}

static void cell_warnings(struct report *r, const struct pb_view_group *g,
			  size_t row)
{
	struct pb_buf *w = &r->warn, rest = {0}, bad = {0};
	double n = sumnum(r, row, "n"), out = sumnum(r, row, "outliers");
	double cv = sumnum(r, row, "cv"), med = sumnum(r, row, "median_s");

	if (out > 0)
		pb_buf_printf(&rest,
			      "%g outlier%s among %g runs (modified "
			      "z-score > 3.5)",
			      out, out == 1 ? "" : "s", n);
	if (cv > HIGH_CV) {
		part(&rest);
		pb_buf_printf(&rest,
			      "cv %.2f (> %.2f): the runs vary a lot; "
			      "use more repetitions or a quieter "
			      "machine",
			      cv, HIGH_CV);
	}
	not_ok(r, row, &bad);
	if (bad.len) {
		part(&rest);
		pb_buf_printf(&rest, "rows not ok: %s", bad.data);
	}
	if (med < SHORT_S) {
		part(&rest);
		pb_buf_printf(&rest, "median ");
		fmt_time(&rest, med);
		pb_buf_printf(&rest, " is shorter than the timer can honestly "
				     "measure (under 1 ms): give it more work");
	}
	if (rest.len) {
		pb_buf_printf(w, "- %s cell %s (", g->id, sum(r, row, "cell"));
		pb_report_cell_text(w, sum(r, row, "series"));
		pb_buf_printf(w, ", %s worker%s): ", sum(r, row, "workers"),
			      strcmp(sum(r, row, "workers"), "1") ? "s" : "");
		pb_report_cell_text(w, rest.data);
		pb_buf_printf(w, "\n");
	}
	pb_buf_free(&rest);
	pb_buf_free(&bad);
}

static void group_warnings(struct report *r, const struct pb_view_group *g)
{
	unsigned over = 0;

	for (size_t k = 0; k < g->nrows; k++) {
		double w = sumnum(r, g->rows[k], "workers");
		cell_warnings(r, g, g->rows[k]);
		if (g->cores && w > g->cores && (over == 0 || w < over))
			over = (unsigned)w;
	}
	if (over)
		pb_buf_printf(&r->warn,
			      "- %s: %u workers and more exceed the "
			      "machine's %u cores: such points measure "
			      "oversubscription, not Amdahl (%s)\n",
			      g->id, over, g->cores,
			      g->fit_oversubscribed
				  ? "fitted, as fit_oversubscribed asks"
				  : "left out of the fits; "
				    "fit_oversubscribed: true fits them");
	if (g->base >= 0 && isnan(sumnum(r, (size_t)g->base, "median_s")))
		pb_buf_printf(&r->warn,
			      "- %s: the baseline cell (%s) has no ok run: no "
			      "speed-up or efficiency\n",
			      g->id, sum(r, (size_t)g->base, "cell"));
	if (g->base < 0)
		pb_buf_printf(&r->warn,
			      "- %s: no baseline cell (%s at %u "
			      "worker%s): no speed-up or "
			      "efficiency\n",
			      g->id, g->baseline_strategy, g->baseline_workers,
			      g->baseline_workers == 1 ? "" : "s");
}

void pb_report_groups(struct report *r)
{
	pb_buf_printf(&r->out, "## Results\n\n");
	for (size_t k = 0; k < r->v->ngroups; k++) {
		const struct pb_view_group *g = &r->v->groups[k];
		pb_buf_printf(&r->out, "### %s", g->id);
		if (g->label[0]) {
			pb_buf_printf(&r->out, ": ");
			pb_report_cell_text(&r->out, g->label);
		}
		pb_buf_printf(&r->out,
			      "\n\nExperiment `%s`, workload `%s`.\n\n",
			      g->experiment, g->workload);
		group_table(r, g);
		group_failures(r, g);
		pb_report_counters(r, g);
		group_fits(r, g);
		group_charts(r, g);
		group_warnings(r, g);
	}
	if (!r->v->ngroups)
		pb_buf_printf(&r->out, "runs.csv holds no rows yet.\n\n");
}
