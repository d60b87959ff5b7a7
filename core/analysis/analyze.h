/*
 * analyze.h — from runs.csv and experiments.csv to summary.csv and
 * fits.csv, and the read-back view of both that plot and report use.
 *
 * Words. A *cell* is one (experiment, cell number) of runs.csv. A *group*
 * is the cells of one experiment with the same values of its workload
 * parameters (experiments.csv workload_params): cells comparable for
 * speed-up. Its id is "<experiment>-<k>", k counting groups from 1 in cell
 * order. A *series* is the cells of a group with the same strategy and
 * strategy parameter values: one line in a chart, one Amdahl fit. Its
 * label is the strategy's name, followed by its parameter values in
 * parentheses when the group has several series of that strategy.
 *
 * Only `ok` rows enter the statistics; the others are counted per status.
 * Of the ok rows, those flagged contended are left out when at least 3
 * clean ones remain (see n_contended below).
 * The *baseline* of a group is its first cell (in cell order) whose
 * strategy and workers are the experiment's baseline_strategy and
 * baseline_workers; without one (or when it has no ok row) the speed-up
 * columns stay empty.
 *
 * summary.csv, one row per cell, in cell order:
 *   experiment, group, series, cell, workload, strategy, workers,
 *   every param_<name> column of runs.csv,
 *   n (ok rows used), mean_s, median_s, stddev_s, cv, min_s, max_s,
 *   ci_lo_s, ci_hi_s  the interval of the median (see stats.h),
 *   ci_level          its exact coverage (>= 0.95 for order-statistic),
 *   ci_method         "order-statistic", or "min-max" when n < 6 and no
 *                     order-statistic interval reaches 95%,
 *   outliers          runs with modified z-score > 3.5,
 *   speedup           baseline median / cell median,
 *   speedup_lo, speedup_hi  baseline ci_lo / cell ci_hi, baseline ci_hi /
 *                     cell ci_lo: conservative (both intervals at once);
 *                     exactly 1 for the baseline cell itself,
 *   efficiency        speedup / workers,
 *   karp_flatt        (1/speedup - 1/p) / (1 - 1/p) where defined:
 *                     workers > 1, 1 <= speedup <= workers, not the control,
 *   metric_<name>     the median over ok rows (for a text metric: the text
 *                     when every ok row agrees, else empty),
 *   n_failed, n_crashed, n_timeout, n_wrong,
 *   n_contended       ok rows flagged contended (runs.csv `contended`):
 *                     left out of every statistic above when at least 3
 *                     clean ok rows remain (n counts the rows used),
 *   contended_used    true when fewer remained and the contended rows
 *                     were used all the same (the report warns),
 *   speedup_vs_capacity  speedup / capacity: what the strategy made of
 *                     what the machine gave,
 *   capacity          the median of the probes of capacity.csv at the
 *                     cell's worker count (capped as the probe was) in
 *                     the rounds of its kept rows (analyze_capacity.h),
 *   capacity_basis    which probes: rounds, run, rounds_contended or
 *                     run_contended,
 *   n_run             the cell's rows in runs.csv, whatever their status,
 *   stopped_by        repetitions: auto: precision (reached),
 *                     max_repetitions or max_time (not reached); empty
 *                     otherwise.
 *
 * fits.csv, one row per series but the control: T(p) = a + b/p fitted by
 * least squares to the series' cell medians (one point per cell, so each
 * worker count weighs the same whatever its repetitions; see fit.h).
 * Points with more workers than the experiment's cores are left out unless
 * fit_oversubscribed; points beyond one NUMA node (experiments.csv
 * node_cores) but within the cores are real cores and are fitted. The
 * control (PB_CONTROL_STRATEGY, which ignores workers) gets no row: its
 * flat line is drawn, not fitted.
 *   experiment, group, series, workload, the workload param_ columns,
 *   strategy, the strategy param_ columns, n_points,
 *   shape             "fit", "exact (2 points)" (no error, no limit),
 *                     "not Amdahl-shaped" (s outside [0, 1]) or "no fit",
 *   serial_fraction, serial_fraction_se, serial_fraction_lo/_hi (95%,
 *                     Student's t): empty when not Amdahl-shaped,
 *   max_speedup       1/s, with max_speedup_lo/_hi (from s's interval;
 *                     "inf" when it reaches 0): only with at least 3
 *                     points within the core count and not exact,
 *   r2, a_s, b_s, workers_fitted (";"-separated), note (why there is no
 *   fit or no limit, the fitted s when it is no fraction, which worker
 *   counts were left out).
 */
#ifndef PB_ANALYZE_H
#define PB_ANALYZE_H

#include <parabench/plugin.h>

#include "lib/csv_read.h"
#include "plugin/registry.h"

/*
 * The strategy that ignores workers: the baseline's control. Its series is
 * drawn (flat, as a check that the method works) but never fitted, and
 * has no Karp–Flatt fraction.
 */
#define PB_CONTROL_STRATEGY PB_DEFAULT_BASELINE_STRATEGY

/*
 * Reads dir/runs.csv, dir/experiments.csv and (for the core count, when
 * experiments.csv lacks it) dir/meta.json, and writes dir/summary.csv and
 * dir/fits.csv atomically. Fails naming the file, line and what was
 * expected on bad input, or the path on an I/O error; then neither file
 * is written. A last runs.csv row cut short by a killed run is ignored.
 */
int pb_analyze_dir(const char *dir, struct pb_err *err);

/* One series of a group in the view. */
struct pb_view_series {
	const char *label; /* the series column */
	const char *strategy;
	size_t nrows;
	size_t *rows; /* its rows of summary.csv, in file order */
	long fit;     /* its row of fits.csv, or -1 */
	bool control; /* PB_CONTROL_STRATEGY: drawn, never fitted */
	bool curve;   /* its fit is Amdahl-shaped: a curve may be drawn */
	double fit_lo, fit_hi; /* the worker counts fitted, NaN without */
	size_t style;	       /* its strategy's place in pb_view.strategies */
	size_t nth; /* among the group's series of its strategy: 0, 1.. */
};

/* A workload metric with a value in some cell of a group. */
struct pb_view_metric {
	const char *col;  /* its summary.csv column, "metric_<name>" */
	const char *name; /* col + 7 */
	const char *unit; /* from experiments.csv metric_units; "" if none */
};

/* One group in the view. */
struct pb_view_group {
	const char *id; /* the group column */
	const char *experiment;
	const char *workload;
	char *label;	/* "samples=1e8, tasks=64", "" without params */
	long exp_row;	/* row of experiments.csv */
	long base;	/* summary row of the baseline cell, or -1 */
	unsigned cores; /* of the machine that ran it; 0 unknown */
	/* Cores of its smallest NUMA node, below cores; 0: one node or
	 * unknown (experiments.csv node_cores). */
	unsigned node_cores;
	bool fit_oversubscribed;
	const char *baseline_strategy;
	unsigned baseline_workers;
	size_t nrows;
	size_t *rows; /* its rows of summary.csv, in file order */
	size_t nseries;
	struct pb_view_series *series;
	size_t nmetrics;
	struct pb_view_metric *metrics; /* in summary.csv column order */
};

/* The analysis as written, grouped for charts and the report. */
struct pb_view {
	struct pb_csv summary, fits, exps;
	size_t ngroups;
	struct pb_view_group *groups;
	size_t nstrategies;
	const char **strategies; /* every strategy name, sorted: styles */
	const char *host;	 /* from meta.json, "" when unknown */
	struct pb_arena arena;	 /* owns groups, series, labels and row lists */
};

/*
 * Loads dir/summary.csv, dir/fits.csv and dir/experiments.csv into out,
 * grouped. When summary.csv or fits.csv is missing or older than runs.csv,
 * runs pb_analyze_dir first, so plot and report work from runs.csv alone.
 * Free with pb_view_free; on failure out holds nothing to free.
 */
int pb_view_load(const char *dir, struct pb_view *out, struct pb_err *err);

/* Frees the view. Safe on a zeroed or freed view. */
void pb_view_free(struct pb_view *view);

#endif
