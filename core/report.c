/*
 * report.c — report.md from the analysis and meta.json (see report.h).
 *
 * The report is built in one text buffer and written atomically. Warnings
 * are collected in a second buffer while the group sections are written,
 * then appended after them.
 */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "analyze.h"
#include "csv_read.h"
#include "meta_read.h"
#include "plot.h"
#include "textbuf.h"

/* Thresholds of the warnings. */
#define HIGH_CV 0.1
#define SHORT_S 1e-3

struct report {
	const char *dir;
	const struct pb_view *v;
	const struct pb_meta_doc *meta; /* NULL when meta.json is missing */
	struct pb_buf out, warn;
};

static const char *meta(const struct report *r, const char *key)
{
	const char *v = r->meta ? pb_meta_get(r->meta, key) : NULL;
	return v ? v : "";
}

static const char *sum(const struct report *r, size_t row, const char *col)
{
	return pb_csv_get(&r->v->summary, row, col);
}

static double sumnum(const struct report *r, size_t row, const char *col)
{
	return pb_csv_num(&r->v->summary, row, col);
}

/* Text for a Markdown table cell: no newlines, pipes escaped. */
static void cell_text(struct pb_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			pb_buf_printf(b, "\\|");
		else
			pb_buf_printf(b, "%c",
				      *s == '\n' || *s == '\r' ? ' ' : *s);
	}
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

/* ---- Heading, environment, experiment --------------------------------- */

static void heading(struct report *r)
{
	struct pb_buf *b = &r->out;
	const char *status = meta(r, "status");

	pb_buf_printf(b, "# parabench report: ");
	for (size_t k = 0; k < r->v->exps.nrows; k++) {
		pb_buf_printf(b, "%s", k ? ", " : "");
		cell_text(b, pb_csv_get(&r->v->exps, k, "experiment"));
	}
	pb_buf_printf(b, "\n\n");
	if (!r->meta) {
		pb_buf_printf(b, "meta.json was not found in this folder: the "
				 "environment of the run is unknown.\n\n");
		return;
	}
	pb_buf_printf(b, "Run of `%s` on %s, from %s to %s (%s).\n\n",
		      meta(r, "experiment_file"), meta(r, "host"),
		      meta(r, "started_utc"),
		      *meta(r, "ended_utc") ? meta(r, "ended_utc") : "?",
		      *status ? status : "status unknown");
	if (*status && strcmp(status, "complete"))
		pb_buf_printf(b,
			      "> **This run is %s**: the figures cover "
			      "only the repetitions measured so far.\n\n",
			      status);
}

static void env_row(struct report *r, const char *name, const char *key)
{
	pb_buf_printf(&r->out, "| %s | ", name);
	cell_text(&r->out, meta(r, key));
	pb_buf_printf(&r->out, " |\n");
}

static void environment(struct report *r)
{
	static const char *const rows[][2] = {
	    {"host", "host"},
	    {"CPU", "cpu_model"},
	    {"logical cores", "cores"},
	    {"kernel", "kernel"},
	    {"architecture", "machine"},
	    {"compiler", "compiler"},
	    {"compiler flags", "cflags"},
	    {"parabench", "parabench_version"},
	    {"git commit", "git_commit"},
	    {"plugins", "plugins"},
	    {"command line", "command_line"},
	    {"started (UTC)", "started_utc"},
	    {"ended (UTC)", "ended_utc"},
	    {"status", "status"},
	};

	if (!r->meta)
		return;
	pb_buf_printf(&r->out, "## Environment\n\n| | |\n|---|---|\n");
	for (size_t k = 0; k < PB_COUNT(rows); k++)
		if (pb_meta_get(r->meta, rows[k][1]))
			env_row(r, rows[k][0], rows[k][1]);
	pb_buf_printf(&r->out, "\n");
}

/* The longest run of backticks in s: the fence must be longer. */
static size_t longest_backticks(const char *s)
{
	size_t best = 0, run = 0;

	for (; *s; s++) {
		run = *s == '`' ? run + 1 : 0;
		best = run > best ? run : best;
	}
	return best;
}

static void experiment_text(struct report *r)
{
	const char *text = meta(r, "experiment_text");
	char *file = NULL, path[4096];
	size_t len, fence;

	if (!*text) {
		snprintf(path, sizeof(path), "%s/experiment.yaml", r->dir);
		if (pb_read_whole_file(path, &file, &len, NULL) == PB_OK)
			text = file;
	}
	if (!*text)
		goto out;
	fence = longest_backticks(text) + 1;
	fence = fence < 3 ? 3 : fence;
	pb_buf_printf(&r->out, "## Experiment as run\n\n");
	if (*meta(r, "experiment_file"))
		pb_buf_printf(&r->out, "`%s`:\n\n", meta(r, "experiment_file"));
	pb_buf_printf(&r->out, "%.*syaml\n%s%s%.*s\n\n", (int)fence,
		      "``````````````````````````````````````", text,
		      text[strlen(text) - 1] == '\n' ? "" : "\n", (int)fence,
		      "``````````````````````````````````````");
out:
	free(file);
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

static void table_row(struct report *r, size_t row)
{
	struct pb_buf *b = &r->out;
	double sp = sumnum(r, row, "speedup");

	pb_buf_printf(b, "| ");
	cell_text(b, sum(r, row, "series"));
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
	pb_buf_printf(b, " |\n");
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
			 "not ok |\n"
			 "|---|---:|---:|---:|---:|---:|---:|---|\n");
	for (size_t s = 0; s < g->nseries; s++)
		for (size_t k = 0; k < g->series[s].nrows; k++)
			table_row(r, g->series[s].rows[k]);
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

/* "s = 0.21 ± 0.01: at most 4.8x with any number of workers". */
static void reading(struct pb_buf *b, double s, double se, double maxs,
		    const char *note)
{
	int d = decimals_for(se);

	pb_buf_printf(b, "s = %.*f", d, s);
	if (!isnan(se))
		pb_buf_printf(b, " ± %.*f", d, se);
	else if (strncmp(note, "exact", 5) == 0)
		pb_buf_printf(b, " (exact: two worker counts, no error "
				 "estimate)");
	if (s <= 0)
		pb_buf_printf(b, ": faster than Amdahl's law allows "
				 "(super-linear); no limit to read off");
	else if (s >= 0.995)
		pb_buf_printf(b,
			      ": the time does not fall with workers "
			      "(at most %.2fx)",
			      maxs);
	else
		pb_buf_printf(b,
			      ": at most %.1fx with any number of "
			      "workers",
			      maxs);
}

static void fit_line(struct report *r, const struct pb_view_series *se)
{
	const struct pb_csv *f = &r->v->fits;
	size_t row = (size_t)se->fit;
	double s = pb_csv_num(f, row, "serial_fraction");
	double r2 = pb_csv_num(f, row, "r2");
	const char *note = pb_csv_get(f, row, "note");
	struct pb_buf *b = &r->out;

	pb_buf_printf(b, "- **");
	cell_text(b, se->label);
	pb_buf_printf(b, "**: ");
	if (isnan(s)) {
		pb_buf_printf(b, "no fit");
	} else {
		reading(b, s, pb_csv_num(f, row, "serial_fraction_se"),
			pb_csv_num(f, row, "max_speedup"), note);
		pb_buf_printf(b, " (%s points", pb_csv_get(f, row, "n_points"));
		if (!isnan(r2))
			pb_buf_printf(b, ", R² = %.4f", r2);
		pb_buf_printf(b, ")");
	}
	if (*note && strcmp(note, "exact"))
		pb_buf_printf(b, ". Note: %s",
			      note + (strncmp(note, "exact; ", 7) ? 0 : 7));
	pb_buf_printf(b, "\n");
}

static void group_fits(struct report *r, const struct pb_view_group *g)
{
	pb_buf_printf(&r->out, "Amdahl fits, T(p) = a + b/p over the cell "
			       "medians; s is the serial fraction:\n\n");
	for (size_t s = 0; s < g->nseries; s++)
		if (g->series[s].fit >= 0)
			fit_line(r, &g->series[s]);
	pb_buf_printf(&r->out, "\n");
}

static void group_charts(struct report *r, const struct pb_view_group *g)
{
	static const char *const kinds[][2] = {{"speedup", "speed-up"},
					       {"time", "wall time"},
					       {"efficiency", "efficiency"}};
	char name[512], path[8192];

	for (size_t k = 0; k < PB_COUNT(kinds); k++) {
		pb_chart_name(kinds[k][0], g->id, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/charts/%s.png", r->dir, name);
		if (access(path, R_OK) == 0)
			pb_buf_printf(&r->out, "![%s](charts/%s.png)\n\n",
				      kinds[k][1], name);
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
			      "cv %.2f (> %.1f): the runs vary a lot; "
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
		cell_text(w, sum(r, row, "series"));
		pb_buf_printf(w, ", %s worker%s): ", sum(r, row, "workers"),
			      strcmp(sum(r, row, "workers"), "1") ? "s" : "");
		cell_text(w, rest.data);
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

/* The warnings collected, and where to read more on rows not ok. */
static void warnings(struct report *r)
{
	pb_buf_printf(&r->out, "## Warnings\n\n");
	if (!r->warn.len) {
		pb_buf_printf(&r->out, "None.\n\n");
		return;
	}
	pb_buf_printf(&r->out,
		      "%s\nRows not ok are left out of every "
		      "statistic; the message column of runs.csv "
		      "says why each failed.\n\n",
		      r->warn.data);
}

static void methods(struct report *r)
{
	pb_buf_printf(
	    &r->out,
	    "## Methods\n\n"
	    "- Statistics use the `ok` rows of runs.csv only; the others "
	    "are counted.\n"
	    "- The 95%% interval of the median is the distribution-free "
	    "order-statistic interval [x(j), x(n-j+1)] with coverage of at "
	    "least 95%% (binomial, no assumption on the distribution's "
	    "shape). With fewer than 6 ok runs no such interval exists; "
	    "then min–max is shown, marked †, with its lower coverage "
	    "1 - 2^(1-n) (75%% for 3 runs) in summary.csv's ci_level.\n"
	    "- Speed-up is the baseline's median over the cell's; its "
	    "interval divides the ends of the two intervals (conservative). "
	    "Efficiency is speed-up / workers; summary.csv also gives the "
	    "Karp–Flatt serial fraction.\n"
	    "- The Amdahl fit is least squares of T(p) = a + b/p over the "
	    "cell medians of a series; s = a/(a+b), ± is its standard error "
	    "(delta method), the limit is 1/s. Two worker counts give an "
	    "exact fit without an error estimate. Points with more workers "
	    "than cores are left out unless `fit_oversubscribed: true`. The "
	    "serial strategy is fitted too, as a control: s near 1.\n"
	    "- Outliers: modified z-score 0.6745 (x - median) / MAD above "
	    "3.5 (Iglewicz and Hoaglin); they stay in the statistics.\n");
}

static void groups(struct report *r)
{
	pb_buf_printf(&r->out, "## Results\n\n");
	for (size_t k = 0; k < r->v->ngroups; k++) {
		const struct pb_view_group *g = &r->v->groups[k];
		pb_buf_printf(&r->out, "### %s", g->id);
		if (g->label[0]) {
			pb_buf_printf(&r->out, ": ");
			cell_text(&r->out, g->label);
		}
		pb_buf_printf(&r->out,
			      "\n\nExperiment `%s`, workload `%s`.\n\n",
			      g->experiment, g->workload);
		group_table(r, g);
		group_fits(r, g);
		group_charts(r, g);
		group_warnings(r, g);
	}
	if (!r->v->ngroups)
		pb_buf_printf(&r->out, "runs.csv holds no rows yet.\n\n");
}

static int load_meta(const char *dir, struct pb_meta_doc *doc, bool *have,
		     struct pb_err *err)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/meta.json", dir);
	*have = access(path, F_OK) == 0;
	if (!*have)
		return PB_OK;
	return pb_meta_read(path, doc, err);
}

int pb_report_dir(const char *dir, struct pb_err *err)
{
	struct pb_view v;
	struct pb_meta_doc doc = {0};
	struct report r = {.dir = dir, .v = &v};
	char path[4096];
	bool have_meta;
	int rc = PB_ERROR;

	if (pb_view_load(dir, &v, err))
		return PB_ERROR;
	if (load_meta(dir, &doc, &have_meta, err))
		goto out;
	r.meta = have_meta ? &doc : NULL;
	heading(&r);
	environment(&r);
	experiment_text(&r);
	groups(&r);
	if (r.meta && strcmp(meta(&r, "status"), "complete"))
		pb_buf_printf(&r.warn, "- the run is %s, not complete\n",
			      *meta(&r, "status") ? meta(&r, "status")
						  : "of unknown status");
	warnings(&r);
	methods(&r);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	if (r.out.oom || r.warn.oom)
		pb_fail(err, "out of memory writing %s", path);
	else
		rc = pb_write_file_atomic(path, r.out.data, r.out.len, err);
out:
	pb_buf_free(&r.out);
	pb_buf_free(&r.warn);
	pb_meta_doc_free(&doc);
	pb_view_free(&v);
	return rc;
}
