/*
 * test_report.c — report.md from the hand-made results folder (copied to
 * a temporary folder first), and the flat meta.json reader it relies on
 * (meta_read.c): good documents, escapes, and refusals with positions.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "results/meta_read.h"
#include "pbt_files.h"
#include "output/plot.h"
#include "output/report.h"

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
	HAS(md, "| plugins | spin 1.0; serial 1.0; pthreads 1.0; fork 1.0 |");
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
	HAS(md, "- **fork**: s = 0.101 ± 0.007: at most 9.9x with any number "
		"of workers (4 points, R² = 0.9997)");
	HAS(md, "- **pthreads (schedule=static)**: s = 0.20 (exact: two worker "
		"counts, no error estimate): at most 5.0x");
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
	HAS(md, "cv 0.90 (> 0.1)");
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
		     "{\n  \"host\": \"h\",\n  \"cores\": [2]\n}\n");
	cr_assert_eq(pb_report_dir(tmp, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "meta.json:3:12: a nested array"), "%s",
		  err.msg);
}

Test(report, no_runs_fails_naming_the_file)
{
	struct pb_err err = {{0}};

	tmp = pbt_scratch_new();
	cr_assert_eq(pb_report_dir(tmp, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "runs.csv: cannot open"), "%s", err.msg);
}

/* ---- meta_read -------------------------------------------------------- */

static void meta_ok(const char *text, struct pb_meta_doc *doc)
{
	struct pb_err err = {{0}};
	cr_assert_eq(pb_meta_parse("m.json", text, strlen(text), doc, &err),
		     PB_OK, "%s", err.msg);
}

static void meta_fails(const char *text, const char *want)
{
	struct pb_meta_doc doc;
	struct pb_err err = {{0}};

	cr_assert_eq(pb_meta_parse("m.json", text, strlen(text), &doc, &err),
		     PB_ERROR, "accepted: %s", text);
	cr_assert(strstr(err.msg, want), "got: %s", err.msg);
	cr_assert_eq(doc.n, 0);
}

Test(meta_read, values_of_every_kind)
{
	struct pb_meta_doc d;

	meta_ok(" {\"a\": \"text\", \"n\": -12.5e3, \"t\": true,\n"
		"\"f\": false, \"z\": null, \"i\": 2} \n",
		&d);
	cr_assert_eq(d.n, 6);
	cr_assert_str_eq(pb_meta_get(&d, "a"), "text");
	cr_assert_str_eq(pb_meta_get(&d, "n"), "-12.5e3");
	cr_assert_str_eq(pb_meta_get(&d, "t"), "true");
	cr_assert_str_eq(pb_meta_get(&d, "f"), "false");
	cr_assert_str_eq(pb_meta_get(&d, "z"), "null");
	cr_assert_str_eq(pb_meta_get(&d, "i"), "2");
	cr_assert_null(pb_meta_get(&d, "missing"));
	pb_meta_doc_free(&d);
	pb_meta_doc_free(&d);
}

Test(meta_read, escapes_and_unicode)
{
	struct pb_meta_doc d;

	meta_ok("{\"s\": \"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t "
		"\\u00e9 \\u20ac \\ud83d\\ude00\"}",
		&d);
	cr_assert_str_eq(pb_meta_get(&d, "s"),
			 "q\" b\\ s/ \b\f\n\r\t é € \xf0\x9f\x98\x80");
	pb_meta_doc_free(&d);
}

Test(meta_read, empty_object_and_repeated_key)
{
	struct pb_meta_doc d;

	meta_ok("{}", &d);
	cr_assert_eq(d.n, 0);
	pb_meta_doc_free(&d);
	meta_ok("{\"k\": \"1\", \"k\": \"2\"}", &d);
	cr_assert_str_eq(pb_meta_get(&d, "k"), "2");
	pb_meta_doc_free(&d);
}

Test(meta_read, the_real_writer_output)
{
	struct pb_meta_doc d;
	struct pb_err err = {{0}};
	char path[4096];

	snprintf(path, sizeof(path), "%s/results-basic/meta.json",
		 pbt_source_path("tests/data"));
	cr_assert_eq(pb_meta_read(path, &d, &err), PB_OK, "%s", err.msg);
	cr_assert_str_eq(pb_meta_get(&d, "cores"), "2");
	cr_assert(strstr(pb_meta_get(&d, "experiment_text"),
			 "\n  - name: oversub\n"));
	pb_meta_doc_free(&d);
}

Test(meta_read, refusals_with_positions)
{
	meta_fails("", "m.json:1:1: expected '{'");
	meta_fails("[1]", "m.json:1:1: expected '{'");
	meta_fails("{\"a\": {\"b\": 1}}", "m.json:1:7: a nested object");
	meta_fails("{\"a\" 1}", "m.json:1:6: expected ':' after the key");
	meta_fails("{a: 1}", "m.json:1:2: expected a key");
	meta_fails("{\"a\": 1,}", "m.json:1:9: expected a key");
	meta_fails("{\"a\": 1 \"b\": 2}", "expected ',' or '}'");
	meta_fails("{\"a\": 1} x", "text after the object");
	meta_fails("{\"a\": tru}", "expected a value");
	meta_fails("{\"a\": -}", "a malformed number");
	meta_fails("{\"a\": 1.}", "a malformed number");
	meta_fails("{\"a\": \"x", "ends inside a string");
	meta_fails("{\"a\": \"x\ny\"}", "m.json:1:9: a control character");
	meta_fails("{\"a\": \"\\q\"}", "unknown escape");
	meta_fails("{\"a\": \"\\u12g4\"}", "four hex digits");
	meta_fails("{\"a\": \"\\ud83d\"}", "followed by a low one");
	meta_fails("{\"a\": \"\\ude00\"}", "lone low surrogate");
	meta_fails("{\"a\": \"\\u0000\"}", "\\u0000 is not supported");
	meta_fails("{\n\n  \"a\": [", "m.json:3:8: a nested array");
}

Test(meta_read, missing_file_is_named)
{
	struct pb_meta_doc d;
	struct pb_err err = {{0}};

	cr_assert_eq(pb_meta_read("/nonexistent/meta.json", &d, &err),
		     PB_ERROR);
	cr_assert(strstr(err.msg, "/nonexistent/meta.json: cannot open"), "%s",
		  err.msg);
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
