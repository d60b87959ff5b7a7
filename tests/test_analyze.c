/*
 * test_analyze.c — runs.csv + experiments.csv -> summary.csv + fits.csv,
 * end to end on the hand-made folder tests/data/results-basic (copied to
 * a fresh temporary folder first: tests never write into tests/data), and
 * the refusals of bad input.
 *
 * The folder (generated once by a short Python script, then kept as data):
 *   experiment "scaling", cores 2, fit_oversubscribed false, baseline
 *   serial/1; groups work=1000 (cells 1-9) and work=2000 (cells 10-11,
 *   pthreads only, so no baseline);
 *   experiment "oversub", cores 2, fit_oversubscribed true, baseline
 *   fork/1, medians 2.00, 1.12, 0.64, 0.43 s at 1, 2, 4, 8 workers.
 * Expected numbers below were computed with python3's statistics module
 * (mean, median, stdev, linear_regression, correlation) and math.comb for
 * the binomial coverage, independently of the C code.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/analyze.h"
#include "lib/csv_read.h"
#include "pbt_files.h"

static const char *tmp; /* the scratch folder */

static void read_csv(const char *name, struct pb_csv *csv)
{
	char path[4096];
	struct pb_err err = {{0}};

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	cr_assert_eq(pb_csv_read(path, 0, csv, &err), PB_OK, "%s", err.msg);
}

/* The row of summary.csv for cell id. */
static size_t cell_row(const struct pb_csv *s, const char *id)
{
	for (size_t r = 0; r < s->nrows; r++)
		if (strcmp(pb_csv_get(s, r, "cell"), id) == 0)
			return r;
	cr_assert_fail("no summary row for cell %s", id);
	return 0;
}

static size_t fit_row(const struct pb_csv *f, const char *series,
		      const char *group)
{
	for (size_t r = 0; r < f->nrows; r++)
		if (!strcmp(pb_csv_get(f, r, "series"), series) &&
		    !strcmp(pb_csv_get(f, r, "group"), group))
			return r;
	cr_assert_fail("no fit for %s in %s", series, group);
	return 0;
}

#define NUM(csv, row, col) pb_csv_num(csv, row, col)
#define EQ(csv, row, col, want)                                                \
	cr_assert_str_eq(pb_csv_get(csv, row, col), want, "%s", col)

static void analyze_ok(void)
{
	struct pb_err err = {{0}};
	cr_assert_eq(pb_analyze_dir(tmp, &err), PB_OK, "%s", err.msg);
}

/* name (summary.csv, fits.csv) of a scratch copy of results-basic. */
static void analyze_basic(const char *name, struct pb_csv *csv)
{
	tmp = pbt_scratch_data("results-basic");
	analyze_ok();
	read_csv(name, csv);
}

TestSuite(analyze, .fini = pbt_scratch_remove);

Test(analyze, summary_statistics_of_a_cell)
{
	struct pb_csv s;

	analyze_basic("summary.csv", &s);
	cr_assert_eq(s.nrows, 15);
	size_t r = cell_row(&s, "1");
	EQ(&s, r, "experiment", "scaling");
	EQ(&s, r, "group", "scaling-1");
	EQ(&s, r, "series", "serial");
	EQ(&s, r, "param_work", "1000");
	EQ(&s, r, "n", "6");
	/* python: statistics.mean/median/stdev of the six times */
	cr_assert_float_eq(NUM(&s, r, "mean_s"), 1.0, 1e-9);
	cr_assert_float_eq(NUM(&s, r, "median_s"), 1.0, 1e-9);
	cr_assert_float_eq(NUM(&s, r, "stddev_s"), 0.0141421356, 1e-9);
	cr_assert_float_eq(NUM(&s, r, "cv"), 0.0141421, 1e-6);
	cr_assert_float_eq(NUM(&s, r, "min_s"), 0.98, 1e-9);
	cr_assert_float_eq(NUM(&s, r, "max_s"), 1.02, 1e-9);
	/* n = 6: ranks 1..6, coverage 1 - 2/64 = 0.96875 */
	cr_assert_float_eq(NUM(&s, r, "ci_lo_s"), 0.98, 1e-9);
	cr_assert_float_eq(NUM(&s, r, "ci_hi_s"), 1.02, 1e-9);
	cr_assert_float_eq(NUM(&s, r, "ci_level"), 0.96875, 1e-6);
	EQ(&s, r, "ci_method", "order-statistic");
	EQ(&s, r, "speedup", "1");
	EQ(&s, r, "speedup_lo", "1");
	EQ(&s, r, "karp_flatt", "");
	EQ(&s, r, "metric_estimate", "3");
	EQ(&s, r, "metric_primes", "2;3;5");
	pb_csv_free(&s);
}

Test(analyze, outliers_interval_and_small_samples)
{
	struct pb_csv s;

	analyze_basic("summary.csv", &s);
	size_t r = cell_row(&s, "4");
	EQ(&s, r, "series", "pthreads (schedule=static)");
	EQ(&s, r, "n", "10");
	/* python: mean 1.4, median 1, stdev 1.26496377, cv 0.903546 */
	cr_assert_float_eq(NUM(&s, r, "mean_s"), 1.4, 1e-9);
	cr_assert_float_eq(NUM(&s, r, "stddev_s"), 1.26496377, 1e-8);
	cr_assert_float_eq(NUM(&s, r, "cv"), 0.903546, 1e-6);
	/* n = 10: ranks 2 and 9 of .98 .99 .99 1 1 1 1.01 1.01 1.02 5 */
	cr_assert_float_eq(NUM(&s, r, "ci_lo_s"), 0.99, 1e-9);
	cr_assert_float_eq(NUM(&s, r, "ci_hi_s"), 1.02, 1e-9);
	cr_assert_float_eq(NUM(&s, r, "ci_level"), 0.978515625, 1e-6);
	/* MAD 0.01: 5.0 scores 269.8, 0.98 scores 1.35 */
	EQ(&s, r, "outliers", "1");
	r = cell_row(&s, "2");
	EQ(&s, r, "n", "3");
	EQ(&s, r, "ci_method", "min-max");
	cr_assert_float_eq(NUM(&s, r, "ci_level"), 0.75, 1e-9);
	cr_assert_float_eq(NUM(&s, r, "ci_lo_s"), 0.99, 1e-9);
	cr_assert_float_eq(NUM(&s, r, "ci_hi_s"), 1.01, 1e-9);
	pb_csv_free(&s);
}

Test(analyze, speedup_efficiency_karp_flatt)
{
	struct pb_csv s;

	analyze_basic("summary.csv", &s);
	size_t r = cell_row(&s, "5");
	/* 1.00 / 0.60; 0.98 / 0.61; 1.02 / 0.59 (by hand) */
	cr_assert_float_eq(NUM(&s, r, "speedup"), 1.0 / 0.6, 1e-5);
	cr_assert_float_eq(NUM(&s, r, "speedup_lo"), 0.98 / 0.61, 1e-5);
	cr_assert_float_eq(NUM(&s, r, "speedup_hi"), 1.02 / 0.59, 1e-5);
	cr_assert_float_eq(NUM(&s, r, "efficiency"), 1.0 / 1.2, 1e-5);
	/* (0.6 - 0.5) / 0.5 */
	cr_assert_float_eq(NUM(&s, r, "karp_flatt"), 0.2, 1e-5);
	r = cell_row(&s, "6");
	cr_assert_float_eq(NUM(&s, r, "speedup"), 2.5, 1e-5);
	/* (0.4 - 0.25) / 0.75 */
	cr_assert_float_eq(NUM(&s, r, "karp_flatt"), 0.2, 1e-5);
	pb_csv_free(&s);
}

Test(analyze, status_counts_exclude_rows)
{
	struct pb_csv s;

	analyze_basic("summary.csv", &s);
	size_t r = cell_row(&s, "3");
	EQ(&s, r, "n", "3");
	EQ(&s, r, "n_failed", "1");
	EQ(&s, r, "outliers", "0"); /* MAD 0: nothing to judge by */
	cr_assert_float_eq(NUM(&s, r, "mean_s"), 1.0, 1e-9);
	r = cell_row(&s, "5");
	EQ(&s, r, "n_crashed", "1");
	cr_assert_float_eq(NUM(&s, r, "min_s"), 0.59, 1e-9);
	EQ(&s, cell_row(&s, "6"), "n_timeout", "1");
	EQ(&s, cell_row(&s, "8"), "n_wrong", "1");
	EQ(&s, cell_row(&s, "8"), "n_failed", "0");
	pb_csv_free(&s);
}

Test(analyze, group_without_baseline_has_no_speedup)
{
	struct pb_csv s;

	analyze_basic("summary.csv", &s);
	size_t r = cell_row(&s, "10");
	EQ(&s, r, "group", "scaling-2");
	EQ(&s, r, "series", "pthreads");
	EQ(&s, r, "speedup", "");
	EQ(&s, r, "efficiency", "");
	EQ(&s, r, "karp_flatt", "");
	cr_assert_float_eq(NUM(&s, r, "median_s"), 0.0005, 1e-12);
	pb_csv_free(&s);
}

Test(analyze, fits_exact_excluded_and_least_squares)
{
	struct pb_csv f;

	analyze_basic("fits.csv", &f);
	/* 5 series, but serial is the control: not fitted */
	cr_assert_eq(f.nrows, 4);
	for (size_t k = 0; k < f.nrows; k++)
		cr_assert_str_neq(pb_csv_get(&f, k, "strategy"), "serial");
	/* static: 1.00 at 1, 0.60 at 2 -> a 0.2, b 0.8; 4 > 2 cores out */
	size_t r = fit_row(&f, "pthreads (schedule=static)", "scaling-1");
	EQ(&f, r, "n_points", "2");
	EQ(&f, r, "param_schedule", "static");
	EQ(&f, r, "param_work", "1000");
	cr_assert_float_eq(NUM(&f, r, "serial_fraction"), 0.2, 1e-6);
	/* Two points: exact, and no limit (1/s = 5 would be a guess). */
	EQ(&f, r, "shape", "exact (2 points)");
	EQ(&f, r, "max_speedup", "");
	EQ(&f, r, "max_speedup_lo", "");
	EQ(&f, r, "r2", "");
	EQ(&f, r, "serial_fraction_se", "");
	EQ(&f, r, "workers_fitted", "1;2");
	cr_assert(strstr(pb_csv_get(&f, r, "note"), "exact (2 points)"));
	cr_assert(strstr(pb_csv_get(&f, r, "note"), "left out workers 4"));
	/* oversub: 4 points fitted; python statistics.linear_regression */
	r = fit_row(&f, "fork", "oversub-1");
	EQ(&f, r, "n_points", "4");
	EQ(&f, r, "workers_fitted", "1;2;4;8");
	cr_assert_float_eq(NUM(&f, r, "a_s"), 0.202608696, 1e-8);
	cr_assert_float_eq(NUM(&f, r, "b_s"), 1.80243478, 1e-7);
	cr_assert_float_eq(NUM(&f, r, "serial_fraction"), 0.101049527, 1e-6);
	cr_assert_float_eq(NUM(&f, r, "serial_fraction_se"), 0.0068506495,
			   1e-6);
	/* 4 points, but only 1 and 2 are within the 2 cores: no limit. */
	EQ(&f, r, "shape", "fit");
	EQ(&f, r, "max_speedup", "");
	cr_assert_float_eq(NUM(&f, r, "r2"), 0.999680735, 1e-6);
	cr_assert(strstr(pb_csv_get(&f, r, "note"),
			 "no limit: 2 points within the 2 cores"),
		  "%s", pb_csv_get(&f, r, "note"));
	pb_csv_free(&f);
}

Test(analyze, view_groups_series_and_baselines)
{
	struct pb_view v;
	struct pb_err err = {{0}};

	tmp = pbt_scratch_data("results-basic");
	/* No summary.csv yet: the view runs the analysis itself. */
	cr_assert_eq(pb_view_load(tmp, &v, &err), PB_OK, "%s", err.msg);
	cr_assert_eq(v.ngroups, 3);
	cr_assert_str_eq(v.groups[0].id, "scaling-1");
	/* Only what tells the groups of an experiment apart. */
	cr_assert_str_eq(v.groups[0].label, "work=1000");
	cr_assert_str_eq(v.groups[2].label, "");
	cr_assert_eq(v.groups[0].nseries, 3);
	cr_assert_eq(v.groups[0].cores, 2);
	cr_assert_eq(v.groups[0].nrows, 9);
	cr_assert_str_eq(
	    pb_csv_get(&v.summary, (size_t)v.groups[0].base, "cell"), "1");
	cr_assert_eq(v.groups[1].base, -1);
	cr_assert_str_eq(v.groups[2].id, "oversub-1");
	cr_assert(v.groups[2].fit_oversubscribed);
	cr_assert_str_eq(v.groups[2].baseline_strategy, "fork");
	for (size_t g = 0; g < v.ngroups; g++)
		for (size_t s = 0; s < v.groups[g].nseries; s++)
			cr_assert_eq(v.groups[g].series[s].fit >= 0,
				     !v.groups[g].series[s].control);
	cr_assert(v.groups[0].series[0].control);
	cr_assert_str_eq(v.groups[0].series[0].label, "serial");
	pb_view_free(&v);
}

Test(analyze, same_result_twice)
{
	struct pb_csv a, b;

	tmp = pbt_scratch_data("results-basic");
	analyze_ok();
	read_csv("summary.csv", &a);
	analyze_ok();
	read_csv("summary.csv", &b);
	cr_assert_eq(a.nrows, b.nrows);
	cr_assert_eq(a.ncols, b.ncols);
	for (size_t r = 0; r < a.nrows; r++)
		for (size_t k = 0; k < a.ncols; k++)
			cr_assert_str_eq(pb_csv_at(&a, r, k),
					 pb_csv_at(&b, r, k));
	pb_csv_free(&a);
	pb_csv_free(&b);
}

static const char *exps_ok =
    "experiment,workload,workload_params,strategy_params,"
    "baseline_strategy,baseline_workers,fit_oversubscribed,repetitions,"
    "warmup,cores\n"
    "e,w,,,serial,1,false,3,1,2\n";
static const char *runs_head =
    "experiment,cell,workload,strategy,workers,repetition,status,wall_s,"
    "message\n";

static void analyze_fails(const char *runs, const char *exps, const char *want)
{
	struct pb_err err = {{0}};
	char path[4096];

	tmp = pbt_scratch_new();
	pbt_write_in(tmp, "runs.csv", runs);
	if (exps)
		pbt_write_in(tmp, "experiments.csv", exps);
	cr_assert_eq(pb_analyze_dir(tmp, &err), PB_ERROR);
	cr_assert(strstr(err.msg, want), "got: %s", err.msg);
	snprintf(path, sizeof(path), "%s/summary.csv", tmp);
	cr_assert_neq(access(path, F_OK), 0, "summary.csv written anyway");
}

/* The analysis of runs (with exps_ok) succeeds and writes summary.csv. */
static void analyze_passes(const char *runs)
{
	struct pb_err err = {{0}};
	char path[4096];

	tmp = pbt_scratch_new();
	pbt_write_in(tmp, "runs.csv", runs);
	pbt_write_in(tmp, "experiments.csv", exps_ok);
	cr_assert_eq(pb_analyze_dir(tmp, &err), PB_OK, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/summary.csv", tmp);
	cr_assert_eq(access(path, F_OK), 0);
}

Test(analyze, refuses_unknown_status)
{
	char runs[512];
	snprintf(runs, sizeof(runs), "%se,1,w,serial,1,1,fine,1.0,\n",
		 runs_head);
	analyze_fails(runs, exps_ok, "runs.csv:2: status 'fine'");
}

Test(analyze, refuses_bad_wall_time)
{
	char runs[512];
	snprintf(runs, sizeof(runs), "%se,1,w,serial,1,1,ok,fast,\n",
		 runs_head);
	analyze_fails(runs, exps_ok, "runs.csv:2: wall_s 'fast'");
}

Test(analyze, refuses_unknown_experiment)
{
	char runs[512];
	snprintf(runs, sizeof(runs), "%sother,1,w,serial,1,1,ok,1,\n",
		 runs_head);
	analyze_fails(runs, exps_ok, "experiment 'other' is not in");
}

Test(analyze, refuses_a_repetition_twice_naming_both_lines)
{
	char runs[512];
	snprintf(runs, sizeof(runs),
		 "%se,1,w,serial,1,1,ok,1,\ne,1,w,serial,1,2,ok,1,\n"
		 "e,1,w,serial,1,3,ok,1,\ne,1,w,serial,1,2,ok,1.5,\n",
		 runs_head);
	analyze_fails(runs, exps_ok,
		      "runs.csv:3 and 5: both are repetition 2 of cell 1 of "
		      "experiment 'e'");
}

Test(analyze, the_same_repetition_of_other_cells_is_no_duplicate)
{
	char runs[512];
	snprintf(runs, sizeof(runs),
		 "%se,1,w,serial,1,1,ok,1,\ne,2,w,serial,2,1,ok,1,\n",
		 runs_head);
	analyze_passes(runs);
}

Test(analyze, refuses_bad_repetition)
{
	char runs[512];
	snprintf(runs, sizeof(runs), "%se,1,w,serial,1,first,ok,1,\n",
		 runs_head);
	analyze_fails(runs, exps_ok, "runs.csv:2: repetition 'first'");
}

Test(analyze, refuses_missing_column)
{
	analyze_fails("experiment,cell\ne,1\n", exps_ok,
		      "no column 'workload'");
}

Test(analyze, refuses_missing_experiments_csv)
{
	char runs[512];
	snprintf(runs, sizeof(runs), "%se,1,w,serial,1,1,ok,1,\n", runs_head);
	analyze_fails(runs, NULL, "experiments.csv: cannot open");
}

Test(analyze, refuses_param_missing_from_runs)
{
	char runs[512];
	snprintf(runs, sizeof(runs), "%se,1,w,serial,1,1,ok,1,\n", runs_head);
	analyze_fails(runs,
		      "experiment,workload_params,strategy_params,"
		      "baseline_strategy,baseline_workers,fit_oversubscribed\n"
		      "e,size,,serial,1,false\n",
		      "names 'size', but runs.csv has no column param_size");
}

Test(analyze, refuses_mixed_cell_keys)
{
	char runs[512];
	snprintf(runs, sizeof(runs),
		 "%se,1,w,serial,1,1,ok,1,\ne,1,w,serial,2,2,ok,1,\n",
		 runs_head);
	analyze_fails(runs, exps_ok, "runs.csv:3: cell 1 has another");
}

Test(analyze, refuses_bad_worker_count)
{
	char runs[512];
	snprintf(runs, sizeof(runs), "%se,1,w,serial,0,1,ok,1,\n", runs_head);
	analyze_fails(runs, exps_ok, "workers '0'");
}

Test(analyze, all_rows_failed_gives_empty_statistics)
{
	struct pb_csv s;
	char runs[512];

	tmp = pbt_scratch_new();
	snprintf(runs, sizeof(runs),
		 "%se,1,w,serial,1,1,crashed,0,boom\n"
		 "e,2,w,serial,2,1,ok,1.0,\n",
		 runs_head);
	pbt_write_in(tmp, "runs.csv", runs);
	pbt_write_in(tmp, "experiments.csv", exps_ok);
	analyze_ok();
	read_csv("summary.csv", &s);
	EQ(&s, 0, "n", "0");
	EQ(&s, 0, "median_s", "");
	EQ(&s, 0, "n_crashed", "1");
	EQ(&s, 1, "speedup", ""); /* the baseline has no ok row */
	pb_csv_free(&s);
}

Test(analyze, partial_last_row_is_ignored)
{
	struct pb_csv s;
	char runs[512];

	tmp = pbt_scratch_new();
	snprintf(runs, sizeof(runs),
		 "%se,1,w,serial,1,1,ok,1.0,\ne,1,w,serial,1,2,ok,2.",
		 runs_head);
	pbt_write_in(tmp, "runs.csv", runs);
	pbt_write_in(tmp, "experiments.csv", exps_ok);
	analyze_ok();
	read_csv("summary.csv", &s);
	EQ(&s, 0, "n", "1");
	pb_csv_free(&s);
}

/* Sets the modification time of tmp/name to t seconds since the epoch. */
static void set_mtime(const char *name, time_t t)
{
	char path[4096];
	struct timespec ts[2] = {{t, 0}, {t, 0}};

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0, "%s", path);
}

Test(analyze, view_reanalyses_only_when_stale)
{
	struct pb_view v;
	struct pb_err err = {{0}};

	tmp = pbt_scratch_data("results-basic");
	analyze_ok();
	/* A summary.csv newer than runs.csv is taken as it is ... */
	pbt_write_in(tmp, "summary.csv", "not,our,columns\n");
	set_mtime("runs.csv", 1000000000);
	set_mtime("experiments.csv", 1000000000);
	cr_assert_eq(pb_view_load(tmp, &v, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "summary.csv: no column 'experiment'"), "%s",
		  err.msg);
	/* ... one older than runs.csv is made again. */
	set_mtime("summary.csv", 999999999);
	cr_assert_eq(pb_view_load(tmp, &v, &err), PB_OK, "%s", err.msg);
	cr_assert_eq(v.ngroups, 3);
	pb_view_free(&v);
}

Test(analyze, refuses_bad_experiments_fields)
{
	char runs[512];
	const char *head = "experiment,workload_params,strategy_params,"
			   "baseline_strategy,baseline_workers,"
			   "fit_oversubscribed,cores\n";
	char exps[512];

	snprintf(runs, sizeof(runs), "%se,1,w,serial,1,1,ok,1,\n", runs_head);
	snprintf(exps, sizeof(exps), "%se,,,serial,one,false,2\n", head);
	analyze_fails(runs, exps,
		      "experiments.csv:2: baseline_workers 'one'; expected "
		      "a worker count");
	pbt_scratch_remove();
	snprintf(exps, sizeof(exps), "%se,,,serial,1,maybe,2\n", head);
	analyze_fails(runs, exps,
		      "fit_oversubscribed 'maybe'; expected "
		      "true or false");
	pbt_scratch_remove();
	snprintf(exps, sizeof(exps), "%se,,,serial,1,false,-2\n", head);
	analyze_fails(runs, exps, "cores '-2'");
	pbt_scratch_remove();
	analyze_fails(runs, "experiment,workload_params\ne,\n",
		      "experiments.csv: no column 'strategy_params'");
}

/* node_cores is a count like cores; an old file without it still works. */
Test(analyze, refuses_bad_node_cores)
{
	char runs[512], exps[512];
	const char *head = "experiment,workload_params,strategy_params,"
			   "baseline_strategy,baseline_workers,"
			   "fit_oversubscribed,cores,node_cores\n";
	static const char *const bad[] = {"-1", "four", "4.5", "1e99"};
	struct pb_err err = {{0}};

	snprintf(runs, sizeof(runs), "%se,1,w,serial,1,1,ok,1,\n", runs_head);
	for (size_t k = 0; k < PB_COUNT(bad); k++) {
		char want[128];

		snprintf(exps, sizeof(exps), "%se,,,serial,1,false,8,%s\n",
			 head, bad[k]);
		snprintf(want, sizeof(want),
			 "/experiments.csv:2: node_cores '%s'; expected a "
			 "count of cores",
			 bad[k]);
		analyze_fails(runs, exps, want);
		pbt_scratch_remove();
	}
	snprintf(exps, sizeof(exps), "%se,,,serial,1,false,8,4\n", head);
	tmp = pbt_scratch_new();
	pbt_write_in(tmp, "runs.csv", runs);
	pbt_write_in(tmp, "experiments.csv", exps);
	cr_assert_eq(pb_analyze_dir(tmp, &err), PB_OK, "%s", err.msg);
	pbt_scratch_remove();
	analyze_passes(runs); /* exps_ok: no node_cores column */
}

/* Four points within 8 cores: a limit, with the interval s's implies. */
static const char limit_runs[] =
    "experiment,cell,workload,strategy,workers,repetition,status,wall_s,"
    "message\n"
    "e,1,w,serial,1,1,ok,1.0,\n"
    "e,2,w,serial,2,1,ok,1.0,\n"
    "e,3,w,threads,1,1,ok,1.0,\n"
    "e,4,w,threads,2,1,ok,0.61,\n"
    "e,5,w,threads,4,1,ok,0.39,\n"
    "e,6,w,threads,8,1,ok,0.31,\n"
    "e,7,w,slower,1,1,ok,1.0,\n"
    "e,8,w,slower,2,1,ok,1.2,\n"
    "e,9,w,slower,4,1,ok,1.3,\n";
static const char limit_exps[] =
    "experiment,workload,workload_params,strategy_params,"
    "baseline_strategy,baseline_workers,fit_oversubscribed,cores\n"
    "e,w,,,serial,1,false,8\n";

Test(analyze, limit_only_with_three_points_and_with_its_interval)
{
	struct pb_csv f, s;

	tmp = pbt_scratch_new();
	pbt_write_in(tmp, "runs.csv", limit_runs);
	pbt_write_in(tmp, "experiments.csv", limit_exps);
	analyze_ok();
	read_csv("fits.csv", &f);
	cr_assert_eq(f.nrows, 2);
	/* python: statistics.linear_regression on 1/p, delta-method se,
	 * t(0.975, 2) = 4.303 */
	size_t r = fit_row(&f, "threads", "e-1");
	EQ(&f, r, "shape", "fit");
	cr_assert_float_eq(NUM(&f, r, "serial_fraction"), 0.203195554, 1e-6);
	cr_assert_float_eq(NUM(&f, r, "serial_fraction_se"), 0.0110635744,
			   1e-6);
	cr_assert_float_eq(NUM(&f, r, "serial_fraction_lo"), 0.155588993, 1e-5);
	cr_assert_float_eq(NUM(&f, r, "serial_fraction_hi"), 0.250802115, 1e-5);
	cr_assert_float_eq(NUM(&f, r, "max_speedup"), 4.92136752, 1e-4);
	cr_assert_float_eq(NUM(&f, r, "max_speedup_lo"), 3.98720721, 1e-4);
	cr_assert_float_eq(NUM(&f, r, "max_speedup_hi"), 6.42718986, 1e-4);
	/* Slower with workers: s > 1 is no fraction. */
	r = fit_row(&f, "slower", "e-1");
	EQ(&f, r, "shape", "not Amdahl-shaped");
	EQ(&f, r, "serial_fraction", "");
	EQ(&f, r, "max_speedup", "");
	cr_assert(strstr(pb_csv_get(&f, r, "note"), "not Amdahl-shaped"));
	pb_csv_free(&f);
	/* Karp–Flatt only where defined: not for the control, nor for a
	 * speed-up below 1. */
	read_csv("summary.csv", &s);
	EQ(&s, cell_row(&s, "2"), "karp_flatt", "");
	EQ(&s, cell_row(&s, "8"), "karp_flatt", "");
	cr_assert_float_eq(NUM(&s, cell_row(&s, "4"), "karp_flatt"),
			   (1 / (1 / 0.61) - 0.5) / 0.5, 1e-5);
	pb_csv_free(&s);
}

Test(analyze, never_writes_through_a_planted_symlink)
{
	char victim[4096], link[4096];

	/* Issue 13: a summary.csv.tmp link made analyze overwrite its target. */
	tmp = pbt_scratch_data("results-basic");
	pbt_write_in(tmp, "victim", "precious\n");
	snprintf(victim, sizeof(victim), "%s/victim", tmp);
	snprintf(link, sizeof(link), "%s/summary.csv.tmp", tmp);
	cr_assert_eq(symlink(victim, link), 0);
	snprintf(link, sizeof(link), "%s/fits.csv", tmp);
	cr_assert_eq(symlink(victim, link), 0);
	analyze_ok();
	cr_assert(pbt_file_has(victim, "precious"));
	cr_assert_not(pbt_file_has(victim, "cell"));
	snprintf(link, sizeof(link), "%s/summary.csv", tmp);
	cr_assert(pbt_file_has(link, "cell"));
}
