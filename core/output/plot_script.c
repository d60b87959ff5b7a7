/*
 * plot_script.c — the text of a chart's data file and of its script,
 * from the plots/ templates.
 *
 * A template is plain gnuplot with placeholders: an at-sign, capitals or
 * '_', an at-sign. Each is replaced by text made here; a placeholder this
 * code does not know is an error naming the template, so a typo in a
 * template cannot silently drop part of a chart. Everything put into a
 * script or data file — in a command or in a comment — goes through
 * pb_gp_string (gp_text.h), file names included; the rest is fixed
 * words and numbers.
 *
 * Each strategy name has one colour and one marker in every chart of a
 * run (its place among the run's strategy names, pb_view.strategies),
 * from the Okabe–Ito palette, which colour-blind readers can tell apart;
 * several series of one strategy in a group differ by their dashes.
 */
#include "plot_int.h"

#include <math.h>
#include <stdlib.h>

#include "gp_text.h"
#include "lib/csv_read.h"

/* Okabe & Ito (2008), yellow last: it is faint on white. */
static const char *const colors[] = {"#E69F00", "#56B4E9", "#009E73",
				     "#0072B2", "#D55E00", "#CC79A7",
				     "#000000", "#F0E442"};
/* Filled circle, square, triangle, diamond, inverted triangle, pentagon,
 * then open ones: as many shapes as colours. */
static const int markers[] = {7, 5, 9, 13, 11, 15, 6, 4};

/* ---- Values ----------------------------------------------------------- */

double pb_plot_row_num(const struct chart *c, size_t row, const char *col)
{
	return pb_csv_num(&c->v->summary, row, col);
}

void pb_plot_row_values(const struct chart *c, size_t row, double out[3])
{
	double w = pb_plot_row_num(c, row, "workers");

	switch (c->kind) {
	case K_SPEEDUP:
		out[0] = pb_plot_row_num(c, row, "speedup");
		out[1] = pb_plot_row_num(c, row, "speedup_lo");
		out[2] = pb_plot_row_num(c, row, "speedup_hi");
		break;
	case K_TIME:
		out[0] = pb_plot_row_num(c, row, "median_s");
		out[1] = pb_plot_row_num(c, row, "ci_lo_s");
		out[2] = pb_plot_row_num(c, row, "ci_hi_s");
		break;
	case K_EFFICIENCY:
		out[0] = pb_plot_row_num(c, row, "efficiency");
		out[1] = pb_plot_row_num(c, row, "speedup_lo") / w;
		out[2] = pb_plot_row_num(c, row, "speedup_hi") / w;
		break;
	default:
		out[0] = pb_plot_row_num(c, row, c->metric);
		out[1] = out[2] = NAN;
	}
	/* Log axes: a value of 0 has no place on them. */
	for (int k = 0; k < 3 && (c->kind == K_TIME || c->kind == K_SPEEDUP);
	     k++)
		out[k] = out[k] > 0 ? out[k] : NAN;
}

bool pb_plot_has_data(const struct chart *c)
{
	double v[3];

	for (size_t k = 0; k < c->g->nrows; k++) {
		pb_plot_row_values(c, c->g->rows[k], v);
		if (isfinite(v[0]))
			return true;
	}
	return false;
}

/* The fit of series s when a curve is to be drawn: a and b. */
static bool series_fit(const struct chart *c, size_t s, double *a, double *b)
{
	const struct pb_view_series *se = &c->g->series[s];

	if (se->fit < 0 || !se->curve || c->kind == K_METRIC ||
	    (c->kind != K_TIME && !isfinite(c->tb)))
		return false;
	*a = pb_csv_num(&c->v->fits, (size_t)se->fit, "a_s");
	*b = pb_csv_num(&c->v->fits, (size_t)se->fit, "b_s");
	return isfinite(*a) && isfinite(*b);
}

/* ---- The data file ----------------------------------------------------- */

static void dat_value(struct pb_buf *b, double v)
{
	if (isfinite(v))
		pb_buf_printf(b, " %.9g", v);
	else
		pb_buf_printf(b, " ?");
}

/* A row of summary.csv with its worker count, for sorting. */
struct wrow {
	double w;
	size_t row;
};

static int cmp_wrow(const void *x, const void *y)
{
	const struct wrow *a = x, *b = y;

	if (a->w != b->w)
		return a->w < b->w ? -1 : 1;
	return (a->row > b->row) - (a->row < b->row);
}

/* The rows of series s, sorted by workers; false when out of memory. */
static bool sorted_rows(const struct chart *c, size_t s, size_t *rows)
{
	const struct pb_view_series *se = &c->g->series[s];
	struct wrow *t = malloc((se->nrows + 1) * sizeof(*t));

	if (!t)
		return false;
	for (size_t k = 0; k < se->nrows; k++)
		t[k] = (struct wrow){pb_plot_row_num(c, se->rows[k], "workers"),
				     se->rows[k]};
	qsort(t, se->nrows, sizeof(*t), cmp_wrow);
	for (size_t k = 0; k < se->nrows; k++)
		rows[k] = t[k].row;
	free(t);
	return true;
}

void pb_plot_dat_text(const struct chart *c, struct pb_buf *b, size_t *rows)
{
	pb_buf_printf(b, "# ");
	pb_gp_stringf(b, "%s.dat", c->name);
	pb_buf_printf(b, ": the data of a chart, from summary.csv\n"
			 "# workers value low high oversubscribed\n");
	for (size_t s = 0; s < c->g->nseries; s++) {
		const struct pb_view_series *se = &c->g->series[s];
		pb_buf_printf(b, "%s# index %zu: ", s ? "\n\n" : "", s);
		pb_gp_string(b, se->label);
		pb_buf_printf(b, "\n");
		if (!sorted_rows(c, s, rows)) {
			b->oom = true;
			return;
		}
		for (size_t k = 0; k < se->nrows; k++) {
			double v[3], w = pb_plot_row_num(c, rows[k], "workers");
			pb_plot_row_values(c, rows[k], v);
			pb_buf_printf(b, "%g", w);
			dat_value(b, v[0]);
			dat_value(b, v[1]);
			dat_value(b, v[2]);
			pb_buf_printf(b, " %d\n",
				      c->g->cores && w > c->g->cores);
		}
	}
}

/* ---- Pieces of the script ---------------------------------------------- */

/* More distinct worker counts than this get gnuplot's own ticks. */
#define MAX_LISTED_XTICS 16

static void xtics(const struct chart *c, struct pb_buf *b)
{
	if (c->nwl > MAX_LISTED_XTICS) {
		pb_buf_printf(b, "set xtics");
		return;
	}
	pb_buf_printf(b, "set xtics (");
	for (size_t k = 0; k < c->nwl; k++)
		pb_buf_printf(b, "%s%u", k ? ", " : "", c->wl[k]);
	pb_buf_printf(b, ")");
}

/* The chart's first worker count above n, or 0. */
static unsigned first_above(const struct chart *c, unsigned n)
{
	for (size_t k = 0; k < c->nwl; k++)
		if (c->wl[k] > n)
			return c->wl[k];
	return 0;
}

bool pb_plot_beyond_node(const struct chart *c)
{
	unsigned w = c->g->node_cores ? first_above(c, c->g->node_cores) : 0;

	return w && (!c->g->cores || w <= c->g->cores);
}

/* A shaded band from x = from to x = to (0: the right edge), with a label
 * at height y of the graph. Halfway edges: see marks. */
static void band(struct pb_buf *b, int id, double from, double to,
		 const char *color, const char *y, const char *text)
{
	pb_buf_printf(b, "set object %d rect from first %.6g, graph 0 to ", id,
		      from);
	if (to > 0)
		pb_buf_printf(b, "first %.6g, graph 1", to);
	else
		pb_buf_printf(b, "graph 1, graph 1");
	pb_buf_printf(b,
		      " fc rgb '%s' fs solid 1.0 noborder behind\n"
		      "set label %d ",
		      color, id);
	pb_gp_string(b, text);
	pb_buf_printf(b,
		      " at first %.6g, graph %s left textcolor rgb '#666666'\n",
		      from, y);
}

/*
 * Shades the worker counts above the machine's cores, and, lighter, those
 * beyond one NUMA node but within the cores. Each band starts halfway
 * (on the log axis) between its limit and the next count; its label sits
 * away from the key, which is at the bottom of efficiency charts.
 */
static void marks(const struct chart *c, struct pb_buf *b)
{
	unsigned cores = c->g->cores, node = c->g->node_cores;
	unsigned above = cores ? first_above(c, cores) : 0;
	double edge = sqrt((double)cores * above);
	bool eff = c->kind == K_EFFICIENCY;
	char text[96];

	if (pb_plot_beyond_node(c)) {
		snprintf(text, sizeof(text),
			 " beyond one NUMA node (%u core%s)", node,
			 node == 1 ? "" : "s");
		band(b, 2, sqrt((double)node * first_above(c, node)),
		     above ? edge : 0, "#f6f6f6", eff ? "0.89" : "0.10", text);
	}
	if (!above)
		return;
	snprintf(text, sizeof(text), " more workers than cores (%u)", cores);
	band(b, 1, edge, 0, "#eeeeee", eff ? "0.95" : "0.04", text);
}

static void defs(const struct chart *c, struct pb_buf *b)
{
	double a, bb;

	if (isfinite(c->tb))
		pb_buf_printf(
		    b, "Tb = %.17g  # the median of the baseline, s\n", c->tb);
	for (size_t s = 0; s < c->g->nseries; s++)
		if (series_fit(c, s, &a, &bb)) {
			pb_buf_printf(b, "a%zu = %.17g; b%zu = %.17g  # ", s, a,
				      s, bb);
			pb_gp_string(b, c->g->series[s].label);
			pb_buf_printf(b, ": T(p) = a + b/p\n");
		}
}

/* The Amdahl curve of series s, only over the worker counts fitted. */
static void fit_expr(const struct chart *c, size_t s, struct pb_buf *b)
{
	const struct pb_view_series *se = &c->g->series[s];

	pb_buf_printf(b, "(x >= %.6g && x <= %.6g ? ", se->fit_lo, se->fit_hi);
	if (c->kind == K_TIME)
		pb_buf_printf(b, "a%zu + b%zu/x", s, s);
	else if (c->kind == K_SPEEDUP)
		pb_buf_printf(b, "Tb/(a%zu + b%zu/x)", s, s);
	else
		pb_buf_printf(b, "Tb/(a%zu + b%zu/x)/x", s, s);
	pb_buf_printf(b, " : 1/0)");
}

/* "pthreads: s = 0.20 ± 0.02", "serial (control)", "fork: not ...". */
static void series_title(const struct chart *c, size_t s, struct pb_buf *b)
{
	const struct pb_view_series *se = &c->g->series[s];
	const struct pb_csv *f = &c->v->fits;
	size_t row = se->fit < 0 ? 0 : (size_t)se->fit;
	const char *shape = se->fit < 0 ? "" : pb_csv_get(f, row, "shape");
	double sf = se->fit < 0 ? NAN : pb_csv_num(f, row, "serial_fraction");
	double se_ =
	    se->fit < 0 ? NAN : pb_csv_num(f, row, "serial_fraction_se");

	if (se->control)
		pb_gp_stringf(b, "%s (control)", se->label);
	else if (c->kind == K_METRIC || !*shape || !strcmp(shape, "no fit"))
		pb_gp_string(b, se->label);
	else if (!strcmp(shape, "not Amdahl-shaped"))
		pb_gp_stringf(b, "%s: not Amdahl-shaped", se->label);
	else if (!strcmp(shape, "exact (2 points)"))
		pb_gp_stringf(b, "%s: s = %.2f, exact (2 points)", se->label,
			      sf);
	else if (isfinite(se_))
		pb_gp_stringf(b, "%s: s = %.2f ± %.2f", se->label, sf, se_);
	else
		pb_gp_stringf(b, "%s: s = %.2f", se->label, sf);
}

/* The colour and marker of series s, the same for its strategy anywhere. */
static void style(const struct chart *c, size_t s, const char **color, int *pt,
		  int *dt)
{
	const struct pb_view_series *se = &c->g->series[s];
	size_t n = PB_COUNT(colors);

	*color = colors[se->style % n];
	*pt = markers[(se->style + se->style / n) % PB_COUNT(markers)];
	*dt = 1 + (int)(se->nth % 5);
}

static void plot_series(const struct chart *c, size_t s, struct pb_buf *b)
{
	const char *color;
	int pt, dt;
	double a, bb;

	style(c, s, &color, &pt, &dt);
	pb_buf_printf(b, "%s", s ? ", \\\n     " : "plot ");
	pb_gp_stringf(b, "%s.dat", c->name);
	if (c->kind == K_METRIC)
		pb_buf_printf(b, " index %zu using 1:2 with linespoints ", s);
	else
		pb_buf_printf(b, " index %zu using 1:2:3:4 with yerrorlines ",
			      s);
	pb_buf_printf(b, "lc rgb '%s' dt %d lw 2 pt %d ps 1.2 title ", color,
		      dt, pt);
	series_title(c, s, b);
	pb_buf_printf(b, ", \\\n     ");
	pb_gp_stringf(b, "%s.dat", c->name);
	pb_buf_printf(b,
		      " index %zu using 1:($5 > 0 ? $2 : 1/0) with points "
		      "lc rgb '%s' pt 6 ps 2.4 lw 1.5 notitle",
		      s, color);
	if (series_fit(c, s, &a, &bb)) {
		pb_buf_printf(b, ", \\\n     ");
		fit_expr(c, s, b);
		pb_buf_printf(b,
			      " with lines lc rgb '%s' dt (10,6) lw 2 "
			      "notitle",
			      color);
	}
}

static void plot_command(const struct chart *c, struct pb_buf *b)
{
	static const char *const ideal[K_N] = {"x", "Tb/x", "1", NULL};
	static const char *const ideal_title[K_N] = {
	    "ideal (y = x)", "ideal (baseline / workers)", "ideal (1)", NULL};
	bool any_fit = false;
	double a, bb;

	for (size_t s = 0; s < c->g->nseries; s++) {
		plot_series(c, s, b);
		any_fit |= series_fit(c, s, &a, &bb);
	}
	if (ideal[c->kind] && (c->kind != K_TIME || isfinite(c->tb))) {
		pb_buf_printf(b,
			      ", \\\n     %s with lines lc rgb '#555555' "
			      "dt 3 lw 1.5 title ",
			      ideal[c->kind]);
		pb_gp_string(b, ideal_title[c->kind]);
	}
	/* The legend names only what is drawn. */
	if (any_fit)
		pb_buf_printf(b, ", \\\n     NaN with lines lc rgb '#555555' "
				 "dt (10,6) lw 2 title 'Amdahl fit (dashed)'");
	if (c->g->cores && c->wmax > c->g->cores)
		pb_buf_printf(b, ", \\\n     NaN with points lc rgb '#555555' "
				 "pt 6 ps 2.4 title 'more workers than "
				 "cores'");
	pb_buf_printf(b, "\n");
}

static void title(const struct chart *c, struct pb_buf *b)
{
	static const char *const what[K_N] = {"speed-up", "wall time",
					      "efficiency", "metric"};
	const char *w = c->kind == K_METRIC ? c->metric + 7 : what[c->kind];

	if (c->g->label[0])
		pb_gp_stringf(b, "%s (%s): %s", c->g->experiment, c->g->label,
			      w);
	else
		pb_gp_stringf(b, "%s: %s", c->g->experiment, w);
}

static void ylabel(const struct chart *c, struct pb_buf *b)
{
	if (c->kind == K_TIME) {
		pb_gp_string(b, "median wall time (s)");
		return;
	}
	if (c->kind == K_METRIC) {
		pb_gp_stringf(b, "%s (%s), median", c->metric + 7, c->unit);
		return;
	}
	pb_gp_stringf(
	    b, "%sspeed-up over %s (%u worker%s)%s",
	    c->kind == K_SPEEDUP ? "" : "efficiency: ", c->g->baseline_strategy,
	    c->g->baseline_workers, c->g->baseline_workers == 1 ? "" : "s",
	    c->kind == K_SPEEDUP ? "" : " / workers");
}

/* The text for placeholder key, or false when the key is unknown. */
static bool fill(const struct chart *c, const char *key, size_t len,
		 struct pb_buf *b)
{
#define IS(k) (len == strlen(k) && memcmp(key, k, len) == 0)
	if (IS("HEADER")) {
		pb_buf_printf(b,
			      "made by parabench plot from plots/%s.gp. "
			      "Re-render it in this folder with: gnuplot ",
			      pb_plot_kind_names[c->kind]);
		pb_gp_stringf(b, "%s.gp", c->name);
	} else if (IS("DAT"))
		pb_gp_stringf(b, "%s.dat", c->name);
	else if (IS("PNG"))
		pb_gp_stringf(b, "%s.png", c->name);
	else if (IS("SVG"))
		pb_gp_stringf(b, "%s.svg", c->name);
	else if (IS("TITLE"))
		title(c, b);
	else if (IS("YLABEL"))
		ylabel(c, b);
	else if (IS("XTICS"))
		xtics(c, b);
	else if (IS("YAXIS"))
		pb_plot_yaxis(c, b);
	else if (IS("XMIN"))
		pb_buf_printf(b, "%.6g", c->wmin / 1.3);
	else if (IS("XMAX"))
		pb_buf_printf(b, "%.6g", c->wmax * 1.3);
	else if (IS("MARKS"))
		marks(c, b);
	else if (IS("CAPTION"))
		pb_plot_caption(c, b);
	else if (IS("DEFS"))
		defs(c, b);
	else if (IS("PLOT"))
		plot_command(c, b);
	else
		return false;
	return true;
#undef IS
}

int pb_plot_fill_template(const struct chart *c, const char *tpl,
			  const char *tpl_path, struct pb_buf *b,
			  struct pb_err *err)
{
	for (const char *p = tpl; *p;) {
		size_t len = 0;
		if (*p == '@')
			len = strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
		if (!len || p[len + 1] != '@') {
			pb_buf_printf(b, "%c", *p++);
			continue;
		}
		if (!fill(c, p + 1, len, b))
			return pb_fail(err,
				       "%s: unknown placeholder @%.*s@; "
				       "known: HEADER DAT PNG SVG TITLE YLABEL "
				       "XTICS YAXIS XMIN XMAX MARKS CAPTION "
				       "DEFS PLOT",
				       tpl_path, (int)len, p + 1);
		p += len + 2;
	}
	return PB_OK;
}
