/*
 * test_e2e_auto.c — `repetitions: auto` through the real binary: it
 * stops once the interval is tight (a precision no machine can miss), at
 * max_repetitions (a precision none can meet), at max_time, and records
 * why in runs.csv and summary.csv; --repetitions auto works alike.
 */
#include <criterion/criterion.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "pbt_files.h"
#include "pbtest.h"

static void enter_tmp(void)
{
	cr_assert_eq(chdir(pbt_scratch_new()), 0);
}

static void leave_tmp(void)
{
	cr_assert_eq(chdir("/"), 0);
	pbt_scratch_remove();
}

TestSuite(e2e_auto, .init = enter_tmp, .fini = leave_tmp, .timeout = 120);

/* Runs a one-cell experiment with the extra keys; its runs and summary. */
static void run(const char *keys, const char *flag, struct pb_csv *runs,
		struct pb_csv *sum)
{
	struct pbt_proc p;
	struct pb_err err = {{0}};
	char yaml[512];

	snprintf(yaml, sizeof(yaml),
		 "name: auto\nworkload: pi\nparams: {samples: 1e5, tasks: 2}\n"
		 "strategies: [serial]\nwarmup: 0\n%s",
		 keys);
	pbt_write("a.yaml", yaml);
	pbt_parabench(
	    &p, (const char *[]){"run", "a.yaml", "--out", "res", "--quiet",
				 flag ? "--repetitions" : NULL, flag, NULL});
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	pbt_proc_free(&p);
	cr_assert_eq(pb_csv_read("res/runs.csv", 0, runs, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(pb_csv_read("res/summary.csv", 0, sum, &err), PB_OK, "%s",
		     err.msg);
}

/* Only the last row names why the cell stopped. */
static void assert_stop(const struct pb_csv *t, const char *why)
{
	for (size_t r = 0; r < t->nrows; r++)
		cr_assert_str_eq(pb_csv_get(t, r, "stop"),
				 r + 1 == t->nrows ? why : "", "row %zu", r);
}

Test(e2e_auto, stops_when_the_interval_is_tight)
{
	struct pb_csv t, s;

	/* 1000% of the median: any 6 positive runs are within it. */
	run("repetitions: auto\nprecision: 10\n", NULL, &t, &s);
	cr_assert_eq(t.nrows, 6);
	assert_stop(&t, "precision");
	cr_assert_str_eq(pb_csv_get(&s, 0, "stopped_by"), "precision");
	cr_assert_str_eq(pb_csv_get(&s, 0, "n_run"), "6");
	pb_csv_free(&t);
	pb_csv_free(&s);
}

Test(e2e_auto, stops_at_max_repetitions)
{
	struct pb_csv t, s;

	/* A billionth of the median: no two runs agree that closely. */
	run("repetitions: auto\nprecision: 1e-9\nmax_repetitions: 8\n", NULL,
	    &t, &s);
	cr_assert_eq(t.nrows, 8);
	assert_stop(&t, "max_repetitions");
	cr_assert_str_eq(pb_csv_get(&s, 0, "stopped_by"), "max_repetitions");
	pb_csv_free(&t);
	pb_csv_free(&s);
}

Test(e2e_auto, stops_at_max_time_after_five)
{
	struct pb_csv t, s;

	run("precision: 1e-9\nmax_time: 1ns\n", "auto", &t, &s);
	cr_assert_eq(t.nrows, 5);
	assert_stop(&t, "max_time");
	cr_assert_str_eq(pb_csv_get(&s, 0, "stopped_by"), "max_time");
	pb_csv_free(&t);
	pb_csv_free(&s);
}

Test(e2e_auto, sequential_order_stops_alike)
{
	struct pb_csv t, s;

	run("repetitions: auto\nprecision: 10\norder: sequential\n", NULL, &t,
	    &s);
	cr_assert_eq(t.nrows, 6);
	assert_stop(&t, "precision");
	pb_csv_free(&t);
	pb_csv_free(&s);
}
