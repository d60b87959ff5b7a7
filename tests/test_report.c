/*
 * test_report.c — report.md from the hand-made results folder (copied to
 * a temporary folder first).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "output/plot.h"
#include "output/report.h"
#include "pbt_files.h"

static const char *tmp; /* the scratch folder */

/* dir/report.md, made by pb_report_dir; the caller frees it. */
static char *report(void)
{
	struct pb_err err = {{0}};
	char path[4096];

	cr_assert_eq(pb_report_dir(tmp, &err), PB_OK, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/report.md", tmp);
	return pbt_read(path);
}

#define HAS(text, needle)                                                      \
	cr_assert(strstr(text, needle), "report lacks: %s", needle)

TestSuite(report, .fini = pbt_scratch_remove);

Test(report, sections_tables_and_fits)
{
	tmp = pbt_scratch_data("results-basic");
	char *md = report();

	HAS(md, "# parabench report: scaling, oversub\n");
	HAS(md, "## Environment\n");
	HAS(md, "| host | testhost |");
	HAS(md, "| logical cores | 2 |");
	HAS(md, "| plugins | spin 1.0 (workload), serial 1.0 (strategy), "
		"pthreads 1.0 (strategy), fork 1.0 (strategy) |");
	HAS(md, "## Experiment as run\n");
	/* The text holds ``` so the fence is four backticks. */
	HAS(md, "````yaml\nexperiments:\n  - name: scaling\n");
	HAS(md, "# a ``` fence inside the text\n````\n");
	HAS(md, "### scaling-1: work=1000\n");
	HAS(md, "### oversub-1\n");
	HAS(md, "Baseline: serial at 1 worker, median 1.000 s.");
	HAS(md, "| pthreads (schedule=static) | 2 | 3 | 600.0 ms | "
		"590.0–610.0 ms † | 1.67 (1.61–1.73) | 0.83 | 1 crashed |");
	HAS(md, "| serial | 1 | 6 | 1.000 s | 0.980–1.020 s | ");
	HAS(md, "- **fork**: s = 0.101 ± 0.007 (95%: 0.072–0.131) (4 points, "
		"R² = 0.9997). Note: no limit: 2 points within the 2 cores");
	HAS(md, "- **pthreads (schedule=static)**: s = 0.20, exact (2 points): "
		"the curve passes through both, so no error and no limit. ");
	HAS(md, "- **serial**: the control (it ignores workers): drawn, not "
		"fitted");
	cr_assert_null(strstr(md, "at most 5.0"));
	HAS(md, "No usable baseline (serial at 1 worker) in this group");
	HAS(md, "## Methods\n");
	HAS(md, "order-statistic interval");
	free(md);
}

Test(report, warnings)
{
	tmp = pbt_scratch_data("results-basic");
	char *md = report();

	HAS(md, "## Warnings\n");
	HAS(md, "1 outlier among 10 runs");
	HAS(md, "cv 0.90 (> 0.05)");
	HAS(md, "rows not ok: 1 failed");
	HAS(md, "rows not ok: 1 timeout");
	HAS(md, "median 500.0 µs is shorter than the timer can honestly "
		"measure");
	HAS(md, "scaling-1: 4 workers and more exceed the machine's 2 cores");
	HAS(md, "scaling-2: no baseline cell");
	cr_assert_null(strstr(md, "This run is"));
	free(md);
}

Test(report, charts_linked_only_when_drawn)
{
	tmp = pbt_scratch_data("results-basic");
	char *md = report();
	cr_assert_null(strstr(md, "![speed-up]"));
	free(md);

	if (!pb_plot_available())
		cr_skip_test("gnuplot is not installed");
	struct pb_err err = {{0}};
	cr_assert_eq(pb_plot_dir(tmp, pbt_source_path("plots"), &err), PB_OK,
		     "%s", err.msg);
	md = report();
	HAS(md, "![speed-up](charts/speedup-scaling-1.png)");
	HAS(md, "![wall time](charts/time-scaling-2.png)");
	HAS(md, "![efficiency](charts/efficiency-oversub-1.png)");
	cr_assert_null(strstr(md, "charts/speedup-scaling-2.png"));
	free(md);
}

Test(report, interrupted_run_is_flagged)
{
	tmp = pbt_scratch_data("results-basic");
	pbt_write_in(tmp, "meta.json",
		     "{\"status\": \"interrupted\", \"host\": \"h\", "
		     "\"experiment_text\": \"name: x\\n\"}");
	char *md = report();
	HAS(md, "> **This run is interrupted**");
	HAS(md, "- the run is interrupted, not complete");
	HAS(md, "```yaml\nname: x\n```");
	free(md);
}

Test(report, missing_meta_is_noted_and_yaml_read_from_the_folder)
{
	char path[4096];

	tmp = pbt_scratch_data("results-basic");
	snprintf(path, sizeof(path), "%s/meta.json", tmp);
	cr_assert_eq(unlink(path), 0);
	pbt_write_in(tmp, "experiment.yaml", "name: from-the-folder\n");
	char *md = report();
	HAS(md, "meta.json was not found");
	HAS(md, "```yaml\nname: from-the-folder\n```");
	cr_assert_null(strstr(md, "## Environment"));
	HAS(md, "### oversub-1");
	free(md);
}

Test(report, malformed_meta_fails_with_position)
{
	struct pb_err err = {{0}};

	tmp = pbt_scratch_data("results-basic");
	pbt_write_in(tmp, "meta.json",
		     "{\n  \"host\": \"h\",\n  \"cores\": [2\n}\n");
	cr_assert_eq(pb_report_dir(tmp, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "meta.json:4:1: "), "%s", err.msg);
}

Test(report, no_runs_fails_naming_the_file)
{
	struct pb_err err = {{0}};

	tmp = pbt_scratch_new();
	cr_assert_eq(pb_report_dir(tmp, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "runs.csv: cannot open"), "%s", err.msg);
}

Test(report, baseline_without_ok_runs_is_warned)
{
	tmp = pbt_scratch_new();
	pbt_write_in(tmp, "runs.csv",
		     "experiment,cell,workload,strategy,workers,repetition,"
		     "status,wall_s,message\n"
		     "e,1,w,serial,1,1,crashed,0,\"killed by signal 9\"\n"
		     "e,2,w,threads,2,1,ok,0.5,\n");
	pbt_write_in(tmp, "experiments.csv",
		     "experiment,workload,workload_params,strategy_params,"
		     "baseline_strategy,baseline_workers,fit_oversubscribed,"
		     "cores\n"
		     "e,w,,,serial,1,false,2\n");
	char *md = report();
	HAS(md, "e-1: the baseline cell (1) has no ok run");
	HAS(md, "No usable baseline (serial at 1 worker)");
	HAS(md, "| serial | 1 | 0 | – | – | – | – | 1 crashed |");
	HAS(md, "meta.json was not found");
	free(md);
}

Test(report, metrics_with_units_and_failure_messages)
{
	tmp = pbt_scratch_data("results-basic");
	char *md = report();

	/* The workload's metrics: median per cell, the unit in the header. */
	HAS(md, "| not ok | estimate (GB/s) | primes |\n");
	HAS(md, "| 0.50 |  | 3.14 | 2;3;5 |\n");
	/* Each cell's rows not ok with their message's first line. */
	HAS(md, "- cell 3 (serial, 4 workers): 1 failed — 1× setup: cannot "
		"open \"x\", really\n");
	HAS(md, "- cell 5 (pthreads (schedule=static), 2 workers): 1 crashed "
		"— 1× task 3: killed by signal 11 (SIGSEGV)\n");
	/* Only the first line: the second stays in runs.csv. */
	cr_assert_null(strstr(md, "second line"));
	free(md);
}
