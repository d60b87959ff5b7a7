/*
 * test_spin.c — the spin workload: the two ways to give the split, fixed
 * work verified under every strategy, verify catching skipped work, and the
 * parameter errors. No assertion on timing: the machine is shared.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "pbtest.h"

/* Mirrors struct spin_result of the plugin. */
struct result {
	uint64_t iterations, value;
};

static const struct pb_workload_hooks *hooks(void)
{
	return pbt_plugin(PB_KIND_WORKLOAD, "spin")->workload;
}

static struct pb_args args_of(const char *params, struct pb_arena *arena)
{
	return pbt_args(pbt_plugin(PB_KIND_WORKLOAD, "spin"), params, arena);
}

static struct pb_value *value_of(struct pb_args *args, const char *name)
{
	for (size_t k = 0; k < args->n; k++)
		if (strcmp(args->params[k].name, name) == 0)
			return (struct pb_value *)&args->values[k];
	cr_assert_fail("no parameter %s", name);
	return NULL;
}

static int setup(const struct pb_args *args, void **state, size_t *ntasks,
		 struct pb_err *err)
{
	struct pb_host host = {.size = sizeof(host), .seed = 1, .cores = 2};
	return hooks()->setup(args, &host, state, ntasks, err);
}

static void expect_setup_error(struct pb_args *args, const char *want)
{
	struct pb_err err = {{0}};
	void *state = NULL;
	size_t n = 0;

	cr_assert_eq(setup(args, &state, &n, &err), PB_ERROR,
		     "setup accepted what should fail with '%s'", want);
	cr_assert(strstr(err.msg, want), "message '%s' lacks '%s'", err.msg,
		  want);
}

static void expect_ok(const char *params, const char *strategy,
		      const char *sparams, unsigned workers,
		      struct pb_measure *m)
{
	pbt_run("spin", params, strategy, sparams, workers, m);
	cr_assert_eq(m->status, PB_STATUS_OK, "%s under %s x%u: %s", params,
		     strategy, workers, m->message);
}

Test(spin, task_and_serial_time)
{
	struct pb_measure m;

	expect_ok("tasks=4; task_time=1ms; serial_time=2ms", "serial", "", 1,
		  &m);
	cr_assert_float_eq(pbt_metric("spin", &m, "work_s"), 0.006, 1e-12);
	cr_assert_float_eq(pbt_metric("spin", &m, "serial_s"), 0.002, 1e-12);
	cr_assert_float_eq(pbt_metric("spin", &m, "task_s"), 0.001, 1e-12);
	double rate = pbt_metric("spin", &m, "rate");
	cr_assert(isfinite(rate) && rate > 1e6, "calibrated rate %g", rate);
}

Test(spin, total_time_and_serial_fraction)
{
	struct pb_measure m;

	expect_ok("tasks=4; total_time=40ms; serial_fraction=0.25", "serial",
		  "", 1, &m);
	cr_assert_float_eq(pbt_metric("spin", &m, "work_s"), 0.040, 1e-12);
	cr_assert_float_eq(pbt_metric("spin", &m, "serial_s"), 0.010, 1e-12);
	cr_assert_float_eq(pbt_metric("spin", &m, "task_s"), 0.0075, 1e-12);
}

Test(spin, zero_time_tasks_measure_only_overhead)
{
	struct pb_measure m;

	expect_ok("tasks=100; task_time=0", "pthreads", "", 2, &m);
	cr_assert_eq(pbt_metric("spin", &m, "work_s"), 0.0);
}

/* Calibration happens once per process: repetitions do the same work. */
Test(spin, calibration_is_cached_per_process)
{
	struct pb_measure a, b;

	expect_ok("tasks=1; task_time=1ms", "serial", "", 1, &a);
	expect_ok("tasks=1; task_time=1ms", "serial", "", 1, &b);
	cr_assert_eq(pbt_metric("spin", &a, "rate"),
		     pbt_metric("spin", &b, "rate"));
}

Test(spin, given_rate_is_used)
{
	struct pb_measure m;

	expect_ok("tasks=2; task_time=1ms; rate=2.5e8", "serial", "", 1, &m);
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
		if (!pb_registry_find(pbt_registry(), PB_KIND_STRATEGY,
				      strategies[s]))
			continue;
		for (unsigned w = 1; w <= 3; w++) {
			expect_ok(params, strategies[s], "", w, &m);
			cr_assert_eq(pbt_metric("spin", &m, "work_s"), 0.008);
		}
	}
}

/* Runs every task and reduce in this thread. */
static void run_all(const char *params, void **state, struct result **r,
		    size_t *n, struct pb_metric_value *m)
{
	struct pb_arena arena = {0};
	struct pb_args args = args_of(params, &arena);
	struct pb_err err = {{0}};

	cr_assert_eq(setup(&args, state, n, &err), PB_OK, "%s", err.msg);
	*r = calloc(*n, sizeof(**r));
	cr_assert_not_null(*r);
	for (size_t k = 0; k < *n; k++)
		cr_assert_eq(hooks()->run_task(*state, NULL, k, &(*r)[k], &err),
			     PB_OK);
	cr_assert_eq(hooks()->reduce(*state, *r, *n, m, &err), PB_OK);
	pb_arena_free(&arena);
}

static void expect_wrong(void *state, const struct result *r, size_t n,
			 const struct pb_metric_value *m, const char *want)
{
	struct pb_err err = {{0}};

	cr_assert_eq(hooks()->verify(state, r, n, m, &err), PB_ERROR,
		     "verify accepted a corrupted result (want '%s')", want);
	cr_assert(strstr(err.msg, want), "message '%s' lacks '%s'", err.msg,
		  want);
}

Test(spin, verify_catches_skipped_work)
{
	struct pb_metric_value m[4] = {0};
	struct pb_err err = {{0}};
	struct result *r, t;
	void *state;
	size_t n;

	run_all("tasks=4; task_time=1ms; rate=1e8", &state, &r, &n, m);
	cr_assert_eq(hooks()->verify(state, r, n, m, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(r[0].iterations, 100000);
	r[2].iterations--;
	expect_wrong(state, r, n, m, "task 2 ran 99999 iterations");
	r[2].iterations++;
	r[1].value ^= 1;
	expect_wrong(state, r, n, m, "task 1 ended its loop");
	r[1].value ^= 1;
	t = r[0];
	r[0] = r[3];
	r[3] = t;
	expect_wrong(state, r, n, m, "task 0 ended its loop");
	hooks()->teardown(state);
	free(r);
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
	struct pb_arena arena = {0};
	struct pb_args args = args_of("", &arena);

	value_of(&args, "tasks")->u.i = 0;
	expect_setup_error(&args, "tasks is 0: expected at least 1");
	value_of(&args, "tasks")->u.i = 4;
	value_of(&args, "task_time")->u.f = -1;
	expect_setup_error(&args, "task_time is -1 s");
	value_of(&args, "task_time")->u.f = NAN;
	expect_setup_error(&args, "task_time is nan s");
	value_of(&args, "task_time")->u.f = 0.01;
	value_of(&args, "serial_time")->u.f = -0.5;
	expect_setup_error(&args, "serial_time is -0.5 s");
	value_of(&args, "serial_time")->u.f = 0;
	value_of(&args, "total_time")->u.f = 1;
	value_of(&args, "serial_fraction")->u.f = 1.5;
	expect_setup_error(&args, "serial_fraction is 1.5: expected 0 to 1");
	value_of(&args, "serial_fraction")->u.f = 0.5;
	value_of(&args, "rate")->u.f = -3;
	expect_setup_error(&args, "rate is -3");
	pb_arena_free(&arena);
}
