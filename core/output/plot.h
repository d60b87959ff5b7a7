/*
 * plot.h — the charts of a results folder, drawn by gnuplot.
 *
 * For each group (see analyze.h) up to three charts: speedup-<group>,
 * time-<group> and efficiency-<group>, and one metric-<name>-<group> for
 * each workload metric that has a unit (experiments.csv metric_units),
 * each as .png and .svg (900x660, white, a caption under the plot), in
 * DIR/charts/. Beside each lie the .gp script (a template of
 * plots/ filled in) and the .dat file it reads, with relative paths, so
 * `gnuplot speedup-<group>.gp` in that folder renders it again after an
 * edit. The Amdahl curves are computed here from fits.csv and only drawn
 * by gnuplot: it fits nothing and writes no fit.log. Its output goes to
 * charts/gnuplot.log.
 *
 * A chart needs data: speed-up and efficiency charts are left out for a
 * group without a baseline.
 */
#ifndef PB_PLOT_H
#define PB_PLOT_H

#include <parabench/plugin.h>

/* True when a gnuplot executable is on PATH. */
bool pb_plot_available(void);

/*
 * Draws every chart of the results folder dir from summary.csv and
 * fits.csv (analysing runs.csv first when those are missing or stale),
 * with the templates of templates_dir (speedup.gp, time.gp,
 * efficiency.gp). Runs gnuplot once per chart, without a shell, in
 * dir/charts, and checks its exit status and that both images are
 * non-empty. Without gnuplot the scripts and data are still written and
 * the error says how to install it (the caller may treat that as a
 * warning: pb_plot_available() tells the two cases apart). Fails naming
 * the chart and quoting gnuplot's last words otherwise.
 */
int pb_plot_dir(const char *dir, const char *templates_dir, struct pb_err *err);

/*
 * The file name, without extension, of chart kind ("speedup", "time",
 * "efficiency") of group: "<kind>-<group>" with anything but
 * [A-Za-z0-9_.-] made '_'. The report links the charts by this name.
 */
int pb_chart_name(const char *kind, const char *group, char *buf, size_t len);

/*
 * The kind of the chart of a metric: "metric-<name>", for pb_chart_name.
 * Both return PB_ERROR, and leave buf empty, when the name does not fit:
 * a chart name is a file name, never cut.
 */
int pb_chart_metric_kind(const char *metric, char *buf, size_t len);

#endif
