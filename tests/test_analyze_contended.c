/*
 * test_analyze_contended.c — rows flagged `contended` in runs.csv: left
 * out of a cell's statistics while at least 3 clean rows remain, used
 * (and said so) otherwise; summary.csv's n_contended and contended_used;
 * the report's section and warning; a bad flag refused.
 */
#include <criterion/criterion.h>
#include <unistd.h>

#include "analysis/analyze.h"
#include "lib/csv_read.h"
#include "output/report.h"
#include "pbt_files.h"

static const char *exps =
    "experiment,workload,workload_params,strategy_params,"
    "baseline_strategy,baseline_workers,fit_oversubscribed,repetitions,"
    "warmup,cores\n"
    "e,w,,,serial,1,false,3,1,2\n";

/* Cell 1: 3 clean rows (1.0, 1.2, 1.1) and 2 contended (5, 6).
 * Cell 2: 2 clean rows (2.0, 2.2) and 1 contended (9): all used.
 * Cell 3: an empty flag is clean. */
static const char *runs =
    "experiment,cell,workload,strategy,workers,repetition,status,wall_s,"
    "contended,message\n"
    "e,1,w,serial,1,1,ok,1.0,0,\n"
    "e,2,w,serial,2,1,ok,2.0,0,\n"
    "e,1,w,serial,1,2,ok,5.0,1,\n"
    "e,2,w,serial,2,2,ok,9.0,1,\n"
    "e,1,w,serial,1,3,ok,1.2,0,\n"
    "e,1,w,serial,1,4,ok,6.0,1,\n"
    "e,2,w,serial,2,3,ok,2.2,0,\n"
    "e,1,w,serial,1,5,ok,1.1,0,\n"
    "e,3,w,serial,3,1,ok,3.0,,\n"
    "e,1,w,serial,1,6,failed,0,1,boom\n";

static const char *dir;

static void setup(void)
{
	dir = pbt_scratch_new();
	pbt_write_in(dir, "experiments.csv", exps);
}

TestSuite(analyze_contended, .init = setup, .fini = pbt_scratch_remove);

static void summary(struct pb_csv *s)
{
	struct pb_err err = {{0}};
	char path[4096];

	pbt_write_in(dir, "runs.csv", runs);
	cr_assert_eq(pb_analyze_dir(dir, &err), PB_OK, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	cr_assert_eq(pb_csv_read(path, 0, s, &err), PB_OK, "%s", err.msg);
	cr_assert_eq(s->nrows, 3);
}

#define EQ(row, col, want)                                                     \
	cr_assert_str_eq(pb_csv_get(&s, row, col), want, "row %d %s", row, col)

Test(analyze_contended, left_out_while_three_clean_rows_remain)
{
	struct pb_csv s;

	summary(&s);
	EQ(0, "n", "3");
	EQ(0, "n_contended", "2");
	EQ(0, "contended_used", "false");
	cr_assert_float_eq(pb_csv_num(&s, 0, "median_s"), 1.1, 1e-12);
	cr_assert_float_eq(pb_csv_num(&s, 0, "max_s"), 1.2, 1e-12);
	EQ(0, "n_failed", "1"); /* a failed row counts as failed only */
	pb_csv_free(&s);
}

Test(analyze_contended, used_with_a_flag_when_too_few_clean_rows)
{
	struct pb_csv s;

	summary(&s);
	EQ(1, "n", "3");
	EQ(1, "n_contended", "1");
	EQ(1, "contended_used", "true");
	cr_assert_float_eq(pb_csv_num(&s, 1, "median_s"), 2.2, 1e-12);
	cr_assert_float_eq(pb_csv_num(&s, 1, "max_s"), 9.0, 1e-12);
	/* speed-up against the baseline's clean median */
	cr_assert_float_eq(pb_csv_num(&s, 1, "speedup"), 1.1 / 2.2, 1e-6);
	EQ(2, "n_contended", "0");
	EQ(2, "contended_used", "false");
	pb_csv_free(&s);
}

Test(analyze_contended, the_report_says_which_rows_were_left_out)
{
	struct pb_csv s;
	struct pb_err err = {{0}};
	char path[4096];

	summary(&s);
	pb_csv_free(&s);
	cr_assert_eq(pb_report_dir(dir, &err), PB_OK, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	char *md = pbt_read(path);
	cr_assert(strstr(md, "## The machine during the run"), "%s", md);
	cr_assert(strstr(md, "3 ok rows of runs.csv were measured while "
			     "other processes"),
		  "%s", md);
	cr_assert(strstr(md, "2 are left out"), "%s", md);
	const char *warn = strstr(md, "## Warnings");
	cr_assert(warn && strstr(warn, "cell 2 ("), "%s", md);
	cr_assert(strstr(warn, "too few clean rows"), "%s", md);
	free(md);
}

Test(analyze_contended, a_bad_flag_is_refused)
{
	struct pb_err err = {{0}};

	pbt_write_in(dir, "runs.csv",
		     "experiment,cell,workload,strategy,workers,repetition,"
		     "status,wall_s,contended,message\n"
		     "e,1,w,serial,1,1,ok,1.0,yes,\n");
	cr_assert_eq(pb_analyze_dir(dir, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "runs.csv:2: contended 'yes'; expected 0 "
				  "or 1"),
		  "%s", err.msg);
}
