/*
 * plot_caption.c — the caption under every chart: what a point is, what
 * its bars are (with their real coverage when n is small), how many runs
 * each point stands for, and the machine (host, cores, the cores of a
 * NUMA node) with what its shading means.
 *
 * Three lines of small text in the bottom margin (four when a band beyond
 * one NUMA node is shaded), each a quoted literal (gp_text.h): the host
 * name comes from meta.json.
 */
#include "plot_int.h"

#include <math.h>

#include "gp_text.h"

/* The range of n and the bars' methods over the chart's rows. */
struct ns {
	double nmin, nmax;
	size_t order_stat, min_max; /* rows of each ci_method */
	double min_cover;	    /* lowest coverage of a min-max row */
};

static struct ns count_runs(const struct chart *c)
{
	struct ns r = {INFINITY, -INFINITY, 0, 0, 1};

	for (size_t k = 0; k < c->g->nrows; k++) {
		size_t row = c->g->rows[k];
		double n = pb_plot_row_num(c, row, "n");
		const char *m = pb_csv_get(&c->v->summary, row, "ci_method");
		if (!(n > 0))
			continue;
		r.nmin = n < r.nmin ? n : r.nmin;
		r.nmax = n > r.nmax ? n : r.nmax;
		if (!strcmp(m, "min-max")) {
			double cov = pb_plot_row_num(c, row, "ci_level");
			r.min_max++;
			r.min_cover = cov < r.min_cover ? cov : r.min_cover;
		} else {
			r.order_stat++;
		}
	}
	return r;
}

static void point_text(const struct chart *c, const struct ns *r,
		       struct pb_buf *t)
{
	static const char *const what[K_N] = {
	    "speed-up, median of the baseline / median of the cell",
	    "the median wall time of the cell",
	    "efficiency, speed-up / workers",
	    "the median of the metric over the ok runs of the cell"};

	pb_buf_printf(t, "Each point: %s; ", what[c->kind]);
	if (r->nmin > r->nmax)
		pb_buf_printf(t, "no ok runs.");
	else if (r->nmin == r->nmax)
		pb_buf_printf(t, "n = %g runs per point.", r->nmin);
	else
		pb_buf_printf(t, "n = %g to %g runs per point.", r->nmin,
			      r->nmax);
}

static void bars_text(const struct chart *c, const struct ns *r,
		      struct pb_buf *t)
{
	const char *of = c->kind == K_TIME ? "of the median"
					   : "of both medians (baseline, cell)";

	if (c->kind == K_METRIC) {
		pb_buf_printf(t, "No bars: the median only.");
		return;
	}
	if (!r->min_max)
		pb_buf_printf(t, "Bars: the 95%% order-statistic interval %s.",
			      of);
	else if (!r->order_stat)
		pb_buf_printf(t,
			      "Bars: min to max of the runs %s: they hold the "
			      "median with only %.0f%% probability (n < 6).",
			      of, 100 * r->min_cover);
	else
		pb_buf_printf(t,
			      "Bars: 95%% order-statistic interval %s; min to "
			      "max where n < 6 (covers only %.0f%%).",
			      of, 100 * r->min_cover);
}

/*
 * The host and its cores. What the shading means goes here too, unless a
 * band beyond one NUMA node needs a line of its own (shade_text).
 */
static void machine_text(const struct chart *c, struct pb_buf *t)
{
	pb_buf_printf(t, "Host %s, ", *c->v->host ? c->v->host : "unknown");
	if (c->g->cores)
		pb_buf_printf(t, "%u cores", c->g->cores);
	else
		pb_buf_printf(t, "cores unknown");
	if (c->g->node_cores)
		pb_buf_printf(t, ", %u in the smallest NUMA node",
			      c->g->node_cores);
	if (!pb_plot_beyond_node(c) && c->g->cores && c->wmax > c->g->cores)
		pb_buf_printf(t, "; shaded: more workers than cores");
	if (c->kind != K_METRIC)
		pb_buf_printf(t, ". Dashed: Amdahl fit, over the worker "
				 "counts it was fitted on.");
	else
		pb_buf_printf(t, ".");
}

/* The two shades, when some worker counts are beyond one NUMA node. */
static void shade_text(const struct chart *c, struct pb_buf *t)
{
	pb_buf_printf(t,
		      "Shaded light: beyond one NUMA node, some workers "
		      "on another node's cores%s",
		      c->kind == K_METRIC ? "" : " (fitted: real cores)");
	if (c->g->cores && c->wmax > c->g->cores)
		pb_buf_printf(t, "; dark: more workers than cores");
	pb_buf_printf(t, ".");
}

/* One caption line: label number id, at height y of the screen. */
static void line(struct pb_buf *b, int id, double y, const struct pb_buf *t)
{
	pb_buf_printf(b, "set label %d ", id);
	pb_gp_string(b, t->data ? t->data : "");
	pb_buf_printf(b,
		      " at screen 0.01, screen %.3f left font ',9' "
		      "textcolor rgb '#333333'\n",
		      y);
}

void pb_plot_caption(const struct chart *c, struct pb_buf *b)
{
	struct ns r = count_runs(c);
	struct pb_buf t[4] = {{0}};
	int n = pb_plot_beyond_node(c) ? 4 : 3;

	point_text(c, &r, &t[0]);
	bars_text(c, &r, &t[1]);
	machine_text(c, &t[2]);
	if (n == 4)
		shade_text(c, &t[3]);
	/* Each line takes 0.033 of the screen; the last sits at 0.019. */
	pb_buf_printf(b, "set bmargin %s\n", n == 4 ? "9.5" : "8");
	for (int k = 0; k < n; k++) {
		b->oom |= t[k].oom;
		line(b, 101 + k, 0.019 + 0.033 * (n - 1 - k), &t[k]);
		pb_buf_free(&t[k]);
	}
}
