/*
 * test_spin.c — the spin workload: the two ways to give the split, fixed
 * work verified under every strategy, verify catching skipped work, and the
 * parameter errors. No assertion on timing: the machine is shared.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "pbt_direct.h"
#include "pbtest.h"

/* Mirrors struct spin_result of the plugin. */
struct result {
	uint64_t iterations, value;
};

Test(spin, task_and_serial_time)
{
	struct pb_measure m;

	pbt_run_ok("spin", "tasks=4; task_time=1ms; serial_time=2ms", "serial",
		   "", 1, &m);
	cr_assert_float_eq(pbt_metric("spin", &m, "work_s"), 0.006, 1e-12);
	cr_assert_float_eq(pbt_metric("spin", &m, "serial_s"), 0.002, 1e-12);
	cr_assert_float_eq(pbt_metric("spin", &m, "task_s"), 0.001, 1e-12);
	double rate = pbt_metric("spin", &m, "rate");
	cr_assert(isfinite(rate) && rate > 1e6, "calibrated rate %g", rate);
}

Test(spin, total_time_and_serial_fraction)
{
	struct pb_measure m;

	pbt_run_ok("spin", "tasks=4; total_time=40ms; serial_fraction=0.25",
		   "serial", "", 1, &m);
	cr_assert_float_eq(pbt_metric("spin", &m, "work_s"), 0.040, 1e-12);
	cr_assert_float_eq(pbt_metric("spin", &m, "serial_s"), 0.010, 1e-12);
	cr_assert_float_eq(pbt_metric("spin", &m, "task_s"), 0.0075, 1e-12);
}

Test(spin, zero_time_tasks_measure_only_overhead)
{
	struct pb_measure m;

	pbt_run_ok("spin", "tasks=100; task_time=0", "pthreads", "", 2, &m);
	cr_assert_eq(pbt_metric("spin", &m, "work_s"), 0.0);
}

/* Calibration happens once per process: repetitions do the same work. */
Test(spin, calibration_is_cached_per_process)
{
	struct pb_measure a, b;

	pbt_run_ok("spin", "tasks=1; task_time=1ms", "serial", "", 1, &a);
	pbt_run_ok("spin", "tasks=1; task_time=1ms", "serial", "", 1, &b);
	cr_assert_eq(pbt_metric("spin", &a, "rate"),
		     pbt_metric("spin", &b, "rate"));
}

Test(spin, given_rate_is_used)
{
	struct pb_measure m;

	pbt_run_ok("spin", "tasks=2; task_time=1ms; rate=2.5e8", "serial", "",
		   1, &m);
	cr_assert_eq(pbt_metric("spin", &m, "rate"), 2.5e8);
}

/* verify checks every task's final loop value: OK means identical work. */
Test(spin, verified_under_every_strategy)
{
	const char *strategies[] = {"serial", "pthreads", "fork", "shm"};
	const char *params = "tasks=7; task_time=1ms; serial_time=1ms; "
			     "rate=1e8";
	struct pb_measure m;

	for (size_t s = 0; s < PB_COUNT(strategies); s++) {
		if (!pbt_have_strategy(strategies[s]))
			continue;
		for (unsigned w = 1; w <= 3; w++) {
			pbt_run_ok("spin", params, strategies[s], "", w, &m);
			cr_assert_eq(pbt_metric("spin", &m, "work_s"), 0.008);
		}
	}
}

Test(spin, verify_catches_skipped_work)
{
	struct pbt_direct d;
	struct result t;

	pbt_direct_run_all(&d, "spin", "tasks=4; task_time=1ms; rate=1e8");
	struct result *r = d.results;
	cr_assert_eq(pbt_direct_verify(&d), PB_OK, "%s", d.err.msg);
	cr_assert_eq(r[0].iterations, 100000);
	r[2].iterations--;
	pbt_direct_expect_wrong(&d, "task 2 ran 99999 iterations");
	r[2].iterations++;
	r[1].value ^= 1;
	pbt_direct_expect_wrong(&d, "task 1 ended its loop");
	r[1].value ^= 1;
	t = r[0];
	r[0] = r[3];
	r[3] = t;
	pbt_direct_expect_wrong(&d, "task 0 ended its loop");
	pbt_direct_teardown(&d);
}

Test(spin, mixing_the_two_styles_is_refused)
{
	struct pb_measure m;

	pbt_run("spin", "total_time=1s; task_time=5ms", "serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED);
	cr_assert(strstr(m.message, "setup: give either total_time with "
				    "serial_fraction, or task_time with "
				    "serial_time, not both"),
		  "%s", m.message);
	pbt_run("spin", "total_time=1s; serial_time=5ms", "serial", "", 1, &m);
	cr_assert(strstr(m.message, "not both"), "%s", m.message);
	pbt_run("spin", "serial_fraction=0.5", "serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED);
	cr_assert(strstr(m.message, "serial_fraction (0.5) needs total_time"),
		  "%s", m.message);
}

Test(spin, parameter_errors)
{
	struct pbt_direct d;

	pbt_direct_init(&d, "spin", "");
	pbt_value(&d.args, "tasks")->u.i = 0;
	pbt_direct_expect_setup_error(&d, "tasks is 0: expected at least 1");
	pbt_value(&d.args, "tasks")->u.i = 4;
	pbt_value(&d.args, "task_time")->u.f = -1;
	pbt_direct_expect_setup_error(&d, "task_time is -1 s");
	pbt_value(&d.args, "task_time")->u.f = NAN;
	pbt_direct_expect_setup_error(&d, "task_time is nan s");
	pbt_value(&d.args, "task_time")->u.f = 0.01;
	pbt_value(&d.args, "serial_time")->u.f = -0.5;
	pbt_direct_expect_setup_error(&d, "serial_time is -0.5 s");
	pbt_value(&d.args, "serial_time")->u.f = 0;
	pbt_value(&d.args, "total_time")->u.f = 1;
	pbt_value(&d.args, "serial_fraction")->u.f = 1.5;
	pbt_direct_expect_setup_error(
	    &d, "serial_fraction is 1.5: expected 0 to 1");
	pbt_value(&d.args, "serial_fraction")->u.f = 0.5;
	pbt_value(&d.args, "rate")->u.f = -3;
	pbt_direct_expect_setup_error(&d, "rate is -3");
	pbt_direct_teardown(&d);
}
