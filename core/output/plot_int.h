/*
 * plot_int.h — what the files of the charts share.
 *
 * Internal to core/output/plot*.c; the public interface is plot.h. plot.c
 * makes the charts of a results folder: plot_script.c writes the text of
 * each chart's .dat and .gp files, with its y axis from plot_axes.c and
 * its caption from plot_caption.c; plot_gnuplot.c runs gnuplot on them.
 */
#ifndef PB_PLOT_INT_H
#define PB_PLOT_INT_H

#include "analysis/analyze.h"
#include "lib/textbuf.h"
#include "plot.h"

/*
 * The kinds of chart, and their names ("speedup", "time", "efficiency",
 * "metric"): each has its template plots/<name>.gp.
 */
enum kind { K_SPEEDUP, K_TIME, K_EFFICIENCY, K_METRIC, K_N };
extern const char *const pb_plot_kind_names[K_N];

/* One chart being made. */
struct chart {
	const struct pb_view *v;
	const struct pb_view_group *g;
	enum kind kind;
	char name[512];
	double tb; /* the baseline's median seconds, NaN without one */
	unsigned wmin, wmax;
	unsigned *wl; /* the group's distinct worker counts, ascending */
	size_t nwl;
	const char *metric; /* K_METRIC: its summary.csv column */
	const char *unit;   /* K_METRIC: its unit */
};

/* ---- plot_script.c ------------------------------------------------------- */

/* The number in column col of summary row row (NaN when empty). */
double pb_plot_row_num(const struct chart *c, size_t row, const char *col);

/*
 * The value of summary row row for the chart's kind, and its interval:
 * NaN where there is none (and for values <= 0 on a log axis).
 */
void pb_plot_row_values(const struct chart *c, size_t row, double out[3]);

/* True when some row of the chart's group has a value of its kind. */
bool pb_plot_has_data(const struct chart *c);

/*
 * True when some worker count of the chart is beyond one NUMA node but
 * within the cores: that band is shaded, lighter than oversubscription.
 */
bool pb_plot_beyond_node(const struct chart *c);

/*
 * Appends the chart's .dat text to b: one gnuplot index per series, rows
 * sorted by workers. rows is scratch of at least g->nrows entries.
 */
void pb_plot_dat_text(const struct chart *c, struct pb_buf *b, size_t *rows);

/*
 * Appends template tpl (read from tpl_path) to b with its placeholders
 * filled in for chart c. Fails naming tpl_path and the placeholder when
 * one is unknown.
 */
int pb_plot_fill_template(const struct chart *c, const char *tpl,
			  const char *tpl_path, struct pb_buf *b,
			  struct pb_err *err);

/* ---- plot_axes.c and plot_caption.c --------------------------------------- */

/* Appends the y range and ticks of chart c: "set yrange ...", "set ytics". */
void pb_plot_yaxis(const struct chart *c, struct pb_buf *b);

/*
 * Appends the caption under chart c: what a point is, what its bars are
 * and their coverage, n per point, the host and its cores, and what the
 * shading means (a line of its own when a band beyond one NUMA node is
 * shaded).
 */
void pb_plot_caption(const struct chart *c, struct pb_buf *b);

/* ---- plot_gnuplot.c ------------------------------------------------------ */

/*
 * Runs gnuplot on names[0..n).gp in charts (dir is the results folder,
 * for the message), logging to charts/gnuplot.log; stops at the first
 * failure. Fails saying how to install gnuplot when it is missing, or
 * naming the script and quoting the log when gnuplot fails, times out or
 * makes no image.
 */
int pb_plot_render_all(const char *dir, const char *charts, char **names,
		       size_t n, struct pb_err *err);

#endif
