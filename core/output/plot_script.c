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
 */
#include "plot_int.h"

#include <math.h>
#include <stdlib.h>

#include "gp_text.h"

#include "lib/csv_read.h"

/* Distinguishable on white, also in grey print; cycled beyond eight. */
static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c",
				     "#ff7f0e", "#9467bd", "#8c564b",
				     "#e377c2", "#17becf"};

/* ---- Values ----------------------------------------------------------- */

double pb_plot_row_num(const struct chart *c, size_t row, const char *col)
{
	return pb_csv_num(&c->v->summary, row, col);
}

/* The value and its interval of one summary row for this chart's kind. */
static void row_values(const struct chart *c, size_t row, double out[3])
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
	default:
		out[0] = pb_plot_row_num(c, row, "efficiency");
		out[1] = pb_plot_row_num(c, row, "speedup_lo") / w;
		out[2] = pb_plot_row_num(c, row, "speedup_hi") / w;
	}
	/* The time axis is logarithmic: a time of 0 has no place on it. */
	for (int k = 0; k < 3 && c->kind == K_TIME; k++)
		out[k] = out[k] > 0 ? out[k] : NAN;
}

bool pb_plot_has_data(const struct chart *c)
{
	double v[3];

	for (size_t k = 0; k < c->g->nrows; k++) {
		row_values(c, c->g->rows[k], v);
		if (isfinite(v[0]) && (c->kind != K_TIME || v[0] > 0))
			return true;
	}
	return false;
}

/* The fit of series s: a and b when fits.csv has both, else false. */
static bool series_fit(const struct chart *c, size_t s, double *a, double *b)
{
	long f = c->g->series[s].fit;

	if (f < 0)
		return false;
	*a = pb_csv_num(&c->v->fits, (size_t)f, "a_s");
	*b = pb_csv_num(&c->v->fits, (size_t)f, "b_s");
	return isfinite(*a) && isfinite(*b);
}

/* ---- Text of the data file and the script ------------------------------ */

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
			row_values(c, rows[k], v);
			pb_buf_printf(b, "%g", w);
			dat_value(b, v[0]);
			dat_value(b, v[1]);
			dat_value(b, v[2]);
			pb_buf_printf(b, " %d\n",
				      c->g->cores && w > c->g->cores);
		}
	}
}

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

/* Shades the worker counts above the machine's cores, if any. */
static void marks(const struct chart *c, struct pb_buf *b)
{
	unsigned above = 0, cores = c->g->cores;

	for (size_t k = 0; cores && k < c->nwl && !above; k++)
		if (c->wl[k] > cores)
			above = c->wl[k];
	if (!above)
		return;
	/* Halfway between cores and the next count, on the log axis. */
	double edge = sqrt((double)cores * above);
	pb_buf_printf(b,
		      "set object 1 rect from first %.6g, graph 0 to "
		      "graph 1, graph 1 fc rgb '#eeeeee' fs solid 1.0 "
		      "noborder behind\n"
		      "set label 1 ",
		      edge);
	pb_gp_stringf(b, " more workers than cores (%u)", cores);
	/* Away from the key: it sits at the bottom of efficiency charts. */
	pb_buf_printf(b,
		      " at first %.6g, graph %s left "
		      "textcolor rgb '#666666'\n",
		      edge, c->kind == K_EFFICIENCY ? "0.95" : "0.04");
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

/* The Amdahl curve of series s in this chart's quantity. */
static const char *fit_expr(const struct chart *c, size_t s, char *buf,
			    size_t len)
{
	if (c->kind == K_TIME)
		snprintf(buf, len, "a%zu + b%zu/x", s, s);
	else if (c->kind == K_SPEEDUP)
		snprintf(buf, len, "Tb/(a%zu + b%zu/x)", s, s);
	else
		snprintf(buf, len, "Tb/(a%zu + b%zu/x)/x", s, s);
	return buf;
}

static void series_title(const struct chart *c, size_t s, struct pb_buf *b)
{
	const struct pb_view_series *se = &c->g->series[s];
	double sf = se->fit < 0 ? NAN
				: pb_csv_num(&c->v->fits, (size_t)se->fit,
					     "serial_fraction");

	if (isfinite(sf))
		pb_gp_stringf(b, "%s: s = %.2f", se->label, sf);
	else
		pb_gp_string(b, se->label);
}

static void plot_series(const struct chart *c, size_t s, struct pb_buf *b)
{
	const char *color = colors[s % PB_COUNT(colors)];
	char expr[64];
	double a, bb;

	pb_buf_printf(b, "%s", s ? ", \\\n     " : "plot ");
	pb_gp_stringf(b, "%s.dat", c->name);
	pb_buf_printf(b,
		      " index %zu using 1:2:3:4 with yerrorlines "
		      "lc rgb '%s' lw 2 pt 7 ps 1.1 title ",
		      s, color);
	series_title(c, s, b);
	pb_buf_printf(b, ", \\\n     ");
	pb_gp_stringf(b, "%s.dat", c->name);
	pb_buf_printf(b,
		      " index %zu using 1:($5 > 0 ? $2 : 1/0) with points "
		      "lc rgb '%s' pt 6 ps 2.4 lw 1.5 notitle",
		      s, color);
	if (series_fit(c, s, &a, &bb) && (c->kind == K_TIME || isfinite(c->tb)))
		pb_buf_printf(b,
			      ", \\\n     %s with lines lc rgb '%s' "
			      "dt (8,5) lw 1.5 notitle",
			      fit_expr(c, s, expr, sizeof(expr)), color);
}

static void plot_command(const struct chart *c, struct pb_buf *b)
{
	static const char *const ideal[K_N] = {"x", "Tb/x", "1"};
	static const char *const ideal_title[K_N] = {
	    "ideal (y = x)", "ideal (baseline / workers)", "ideal (1)"};

	for (size_t s = 0; s < c->g->nseries; s++)
		plot_series(c, s, b);
	if (c->kind != K_TIME || isfinite(c->tb)) {
		pb_buf_printf(b,
			      ", \\\n     %s with lines lc rgb '#555555' "
			      "dt 3 lw 1.5 title ",
			      ideal[c->kind]);
		pb_gp_string(b, ideal_title[c->kind]);
	}
	pb_buf_printf(b, ", \\\n     NaN with lines lc rgb '#555555' "
			 "dt (8,5) lw 1.5 title 'Amdahl fit (dashed)'");
	if (c->g->cores && c->wmax > c->g->cores)
		pb_buf_printf(b, ", \\\n     NaN with points lc rgb '#555555' "
				 "pt 6 ps 2.4 title 'more workers than "
				 "cores'");
	pb_buf_printf(b, "\n");
}

static void title(const struct chart *c, struct pb_buf *b)
{
	static const char *const what[K_N] = {"speed-up", "wall time",
					      "efficiency"};

	if (c->g->label[0])
		pb_gp_stringf(b, "%s (%s): %s", c->g->experiment, c->g->label,
			      what[c->kind]);
	else
		pb_gp_stringf(b, "%s: %s", c->g->experiment, what[c->kind]);
}

static void ylabel(const struct chart *c, struct pb_buf *b)
{
	if (c->kind == K_TIME) {
		pb_gp_string(b, "median wall time (s)");
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
	else if (IS("XMIN"))
		pb_buf_printf(b, "%.6g", c->wmin / 1.3);
	else if (IS("XMAX"))
		pb_buf_printf(b, "%.6g", c->wmax * 1.3);
	else if (IS("MARKS"))
		marks(c, b);
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
			return pb_fail(
			    err,
			    "%s: unknown placeholder @%.*s@; "
			    "known: HEADER DAT PNG SVG TITLE YLABEL XTICS "
			    "XMIN XMAX MARKS DEFS PLOT",
			    tpl_path, (int)len, p + 1);
		p += len + 2;
	}
	return PB_OK;
}
