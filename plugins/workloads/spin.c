/*
 * spin.c — a calibration workload whose speed-up is known in advance.
 *
 * Each of `tasks` tasks burns task_time of CPU in a busy loop (never sleep);
 * reduce burns serial_time more, in the one thread that reduces. With W
 * workers the ideal time is serial_time + ceil(tasks / W) * task_time: an
 * Amdahl curve with serial fraction serial_time / work, which checks the
 * harness itself (timing, strategies, the fit).
 *
 * Fixed work, not fixed time: setup converts durations into iteration
 * counts of the loop, from a rate measured against CLOCK_THREAD_CPUTIME_ID
 * (untimed; once per process, then cached, so every repetition of a cell
 * does the same work). Thread CPU time is immune to preemption, so the rate
 * is the loop's own speed even on a busy machine. Tasks then run a fixed
 * count: when workers outnumber cores they share the CPU and take longer,
 * as real work would — a loop that watched the clock would instead finish
 * "on time" and fake a speed-up. For work identical across cells and runs,
 * pass the `rate` reported in runs.csv back as a parameter.
 *
 * The loop is a 64-bit LCG, one dependent multiply-add per iteration behind
 * an empty asm barrier, so the compiler can neither drop nor shorten it.
 * Each task writes its count and final value; verify recomputes that value
 * by LCG jump-ahead in O(log n), so a task that skipped work is caught.
 *
 * Two ways to give the split (not both):
 *   task_time + serial_time                 (durations per task and serial)
 *   total_time + serial_fraction            serial = f * total,
 *                                           task = (1 - f) * total / tasks
 */
#include <math.h>
#include <parabench/plugin.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define LCG_A 6364136223846793005ULL /* Knuth's MMIX multiplier */
#define LCG_C 1442695040888963407ULL
#define DEFAULT_TASK_TIME 0.010 /* must match the task_time default */
#define MAX_TIME 86400.0

enum { P_TASKS, P_TASK_TIME, P_SERIAL_TIME, P_TOTAL_TIME, P_FRACTION, P_RATE };

static const struct pb_param params[] = {
    [P_TASKS] = {"tasks", PB_INT, "16", 1, 1e9, NULL, "number of tasks"},
    [P_TASK_TIME] = {"task_time", PB_DURATION, "10ms", 0, MAX_TIME, NULL,
		     "busy CPU time of each task"},
    [P_SERIAL_TIME] = {"serial_time", PB_DURATION, "0", 0, MAX_TIME, NULL,
		       "busy CPU time of the serial part, run in reduce"},
    [P_TOTAL_TIME] = {"total_time", PB_DURATION, "0", 0, MAX_TIME, NULL,
		      "if > 0: busy time of the whole run, split by "
		      "serial_fraction (instead of task_time, serial_time)"},
    [P_FRACTION] = {"serial_fraction", PB_FLOAT, "0", 0, 1, NULL,
		    "with total_time: the share of it that is serial"},
    [P_RATE] = {"rate", PB_FLOAT, "0", 0, 1e12, NULL,
		"loop iterations per CPU second; 0: calibrate in setup"},
};

enum { M_WORK, M_SERIAL, M_TASK, M_RATE };

static const struct pb_metric metrics[] = {
    [M_WORK] = {"work_s", "s", "nominal busy time: tasks and serial part"},
    [M_SERIAL] = {"serial_s", "s", "nominal busy time of the serial part"},
    [M_TASK] = {"task_s", "s", "nominal busy time of one task"},
    [M_RATE] = {"rate", "1/s",
		"loop iterations per CPU second the counts came from"},
};

struct spin_state {
	size_t tasks;
	double task_s, serial_s, rate;
	uint64_t task_iters, serial_iters;
	uint64_t serial_value; /* what reduce's loop computed */
};

struct spin_result {
	uint64_t iterations, value;
};

/* Runs the busy loop n times from x and returns where it ended. */
static uint64_t spin(uint64_t x, uint64_t n)
{
	for (uint64_t k = 0; k < n; k++) {
		x = x * LCG_A + LCG_C;
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

/* Where n steps of the LCG lead from x, in O(log n) (Brown's jump-ahead). */
static uint64_t spin_jump(uint64_t x, uint64_t n)
{
	uint64_t a = LCG_A, c = LCG_C, acc_a = 1, acc_c = 0;

	for (; n; n >>= 1) {
		if (n & 1) {
			acc_a *= a;
			acc_c = acc_c * a + c;
		}
		c *= a + 1;
		a *= a;
	}
	return acc_a * x + acc_c;
}

/* Every task starts from its own value, so swapped results show. */
static uint64_t task_seed(size_t task)
{
	return 0x9e3779b97f4a7c15ULL * (task + 1);
}

static double thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU seconds of one run of n iterations. */
static double time_spin(uint64_t n, uint64_t *sink)
{
	double t0 = thread_cpu_s();

	*sink ^= spin(*sink, n);
	return thread_cpu_s() - t0;
}

/*
 * Iterations per CPU second: the fastest of 8 runs of at least 2 ms each
 * (the fastest is the loop undisturbed by caches or interrupts of others).
 * About 20 ms.
 */
static double calibrate(void)
{
	uint64_t n = 1 << 14, sink = 1;
	double best = 0;

	while (time_spin(n, &sink) < 2e-3 && n < (1ULL << 40))
		n *= 2;
	for (int k = 0; k < 8; k++) {
		double dt = time_spin(n, &sink);
		if (dt > 0 && n / dt > best)
			best = n / dt;
	}
	return best;
}

static pthread_mutex_t rate_lock = PTHREAD_MUTEX_INITIALIZER;
static double cached_rate;

/* The calibrated rate, measured at the first call of this process. */
static double process_rate(void)
{
	double rate;

	pthread_mutex_lock(&rate_lock);
	if (cached_rate == 0)
		cached_rate = calibrate();
	rate = cached_rate;
	pthread_mutex_unlock(&rate_lock);
	return rate;
}

/* Works out task_s and serial_s from either style, refusing a mix. */
static int split_time(const struct pb_value *v, struct spin_state *st,
		      struct pb_err *err)
{
	double total = v[P_TOTAL_TIME].u.f, f = v[P_FRACTION].u.f;

	st->task_s = v[P_TASK_TIME].u.f;
	st->serial_s = v[P_SERIAL_TIME].u.f;
	if (!(f >= 0 && f <= 1))
		return pb_fail(err, "serial_fraction is %g: expected 0 to 1",
			       f);
	if (!(total >= 0 && total <= MAX_TIME))
		return pb_fail(err, "total_time is %g s: expected 0 to %g s",
			       total, MAX_TIME);
	if (total == 0) {
		if (f != 0)
			return pb_fail(err,
				       "serial_fraction (%g) needs total_time: "
				       "give total_time to split, or use "
				       "task_time and serial_time",
				       f);
		return PB_OK;
	}
	if (fabs(st->task_s - DEFAULT_TASK_TIME) > 1e-12 || st->serial_s != 0)
		return pb_fail(err,
			       "give either total_time with serial_fraction, "
			       "or task_time with serial_time, not both "
			       "(total_time %g s, task_time %g s, serial_time "
			       "%g s)",
			       total, st->task_s, st->serial_s);
	st->serial_s = f * total;
	st->task_s = (1 - f) * total / (double)st->tasks;
	return PB_OK;
}

static int check_args(const struct pb_value *v, struct pb_err *err)
{
	if (v[P_TASKS].u.i < 1)
		return pb_fail(err, "tasks is %lld: expected at least 1",
			       (long long)v[P_TASKS].u.i);
	if (!(v[P_TASK_TIME].u.f >= 0 && v[P_TASK_TIME].u.f <= MAX_TIME))
		return pb_fail(err, "task_time is %g s: expected 0 to %g s",
			       v[P_TASK_TIME].u.f, MAX_TIME);
	if (!(v[P_SERIAL_TIME].u.f >= 0 && v[P_SERIAL_TIME].u.f <= MAX_TIME))
		return pb_fail(err, "serial_time is %g s: expected 0 to %g s",
			       v[P_SERIAL_TIME].u.f, MAX_TIME);
	if (!(v[P_RATE].u.f >= 0 && v[P_RATE].u.f <= 1e12))
		return pb_fail(err,
			       "rate is %g: expected 0 (calibrate) to 1e12 "
			       "iterations per second",
			       v[P_RATE].u.f);
	return PB_OK;
}

/*
 * Checks the parameters, works out the split and turns it into iteration
 * counts (calibrating first when rate is 0). Untimed.
 */
static int spin_setup(const struct pb_args *args, struct pb_host *host,
		      void **state, size_t *ntasks, struct pb_err *err)
{
	const struct pb_value *v = args->values;
	struct spin_state *st;

	(void)host;
	if (check_args(v, err))
		return PB_ERROR;
	st = calloc(1, sizeof(*st));
	if (!st)
		return pb_fail(err, "out of memory");
	st->tasks = (size_t)v[P_TASKS].u.i;
	if (split_time(v, st, err)) {
		free(st);
		return PB_ERROR;
	}
	st->rate = v[P_RATE].u.f > 0 ? v[P_RATE].u.f : process_rate();
	st->task_iters = (uint64_t)llround(st->task_s * st->rate);
	st->serial_iters = (uint64_t)llround(st->serial_s * st->rate);
	*state = st;
	*ntasks = st->tasks;
	return PB_OK;
}

static int spin_run_task(void *state, void *worker, size_t task, void *result,
			 struct pb_err *err)
{
	const struct spin_state *st = state;
	struct spin_result *r = result;

	(void)worker;
	(void)err;
	r->iterations = st->task_iters;
	r->value = spin(task_seed(task), st->task_iters);
	return PB_OK;
}

/* The serial part: runs after every task, in the reducing thread. */
static int spin_reduce(void *state, const void *results, size_t ntasks,
		       struct pb_metric_value *m, struct pb_err *err)
{
	struct spin_state *st = state;

	(void)results;
	(void)err;
	st->serial_value = spin(task_seed(ntasks), st->serial_iters);
	m[M_WORK].value = (double)ntasks * st->task_s + st->serial_s;
	m[M_SERIAL].value = st->serial_s;
	m[M_TASK].value = st->task_s;
	m[M_RATE].value = st->rate;
	return PB_OK;
}

/* Right when every task and the serial part ran all their iterations. */
static int spin_verify(void *state, const void *results, size_t ntasks,
		       const struct pb_metric_value *m, struct pb_err *err)
{
	const struct spin_state *st = state;
	const struct spin_result *r = results;

	(void)m;
	if (ntasks != st->tasks)
		return pb_fail(err, "%zu results, expected %zu", ntasks,
			       st->tasks);
	for (size_t k = 0; k < ntasks; k++) {
		if (r[k].iterations != st->task_iters)
			return pb_fail(err,
				       "task %zu ran %llu iterations, "
				       "expected %llu",
				       k, (unsigned long long)r[k].iterations,
				       (unsigned long long)st->task_iters);
		if (r[k].value != spin_jump(task_seed(k), st->task_iters))
			return pb_fail(err,
				       "task %zu ended its loop at %#llx, "
				       "expected %#llx: it skipped work",
				       k, (unsigned long long)r[k].value,
				       (unsigned long long)spin_jump(
					   task_seed(k), st->task_iters));
	}
	if (st->serial_value != spin_jump(task_seed(ntasks), st->serial_iters))
		return pb_fail(err,
			       "the serial part did not run its %llu "
			       "iterations",
			       (unsigned long long)st->serial_iters);
	return PB_OK;
}

static void spin_teardown(void *state)
{
	free(state);
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = spin_setup,
    .run_task = spin_run_task,
    .reduce = spin_reduce,
    .verify = spin_verify,
    .teardown = spin_teardown,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "spin",
		     "calibrated busy loops with a serial part: a known "
		     "Amdahl curve to check the harness",
		     "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(struct spin_result),
    .workload = &hooks,
};
