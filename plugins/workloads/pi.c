/*
 * pi.c — Monte Carlo estimate of pi, the notebook's CPU-bound example.
 *
 * Each task draws its share of the samples from its own xoshiro256+
 * generator, seeded by splitmix64 from (seed, task index), and counts the
 * points inside the quarter circle. The estimate therefore depends only on
 * (samples, tasks, seed): every strategy and worker count gives the same
 * bits.
 *
 * Scalar kernel: one 64-bit draw per sample, split into two 32-bit
 * coordinates (32 bits of resolution bias the estimate by < 1e-9, far below
 * the statistical error of any feasible sample count).
 */
#include <math.h>
#include <parabench/plugin.h>
#include <stdlib.h>

enum { P_SAMPLES, P_TASKS, P_SEED };

static const struct pb_param params[] = {
    [P_SAMPLES] = {"samples", PB_INT, "1e7", 1, 1e15, NULL,
		   "total number of random points"},
    [P_TASKS] = {"tasks", PB_INT, "64", 1, 1e9, NULL,
		 "number of tasks the samples are split into"},
    [P_SEED] = {"seed", PB_INT, "1", 0, 9.2e18, NULL,
		"generator seed; the estimate is a function of it"},
};

enum { M_ESTIMATE, M_ABS_ERROR, M_SAMPLES };

static const struct pb_metric metrics[] = {
    [M_ESTIMATE] = {"estimate", "", "the estimate of pi"},
    [M_ABS_ERROR] = {"abs_error", "", "|estimate - pi|"},
    [M_SAMPLES] = {"samples", "", "points drawn"},
};

struct pi_state {
	uint64_t samples, tasks, seed;
};

struct pi_result {
	uint64_t inside, drawn;
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* Counts points inside the unit quarter circle among n draws. */
static uint64_t count_inside(uint64_t s[4], uint64_t n)
{
	const double limit = 18446744073709551616.0; /* 2^64 */
	uint64_t inside = 0;

	for (uint64_t k = 0; k < n; k++) {
		uint64_t r = s[0] + s[3]; /* xoshiro256+ */
		uint64_t t = s[1] << 17;
		s[2] ^= s[0];
		s[3] ^= s[1];
		s[1] ^= s[2];
		s[0] ^= s[3];
		s[2] ^= t;
		s[3] = rotl(s[3], 45);
		double x = (double)(r >> 32), y = (double)(r & 0xffffffffu);
		inside += x * x + y * y < limit;
	}
	return inside;
}

static int pi_setup(const struct pb_args *args, struct pb_host *host,
		    void **state, size_t *ntasks, struct pb_err *err)
{
	struct pi_state *st = malloc(sizeof(*st));

	(void)host;
	if (!st)
		return pb_fail(err, "out of memory");
	st->samples = (uint64_t)args->values[P_SAMPLES].u.i;
	st->tasks = (uint64_t)args->values[P_TASKS].u.i;
	st->seed = (uint64_t)args->values[P_SEED].u.i;
	if (st->tasks > st->samples) {
		pb_fail(err,
			"tasks (%llu) exceeds samples (%llu): every task "
			"needs at least one sample",
			(unsigned long long)st->tasks,
			(unsigned long long)st->samples);
		free(st);
		return PB_ERROR;
	}
	*state = st;
	*ntasks = st->tasks;
	return PB_OK;
}

static int pi_run_task(void *state, void *worker, size_t task, void *result,
		       struct pb_err *err)
{
	const struct pi_state *st = state;
	struct pi_result *r = result;
	uint64_t x = st->seed ^ (0xd1342543de82ef95ULL * (task + 1));
	uint64_t s[4];

	(void)worker;
	(void)err;
	for (int k = 0; k < 4; k++)
		s[k] = splitmix64(&x);
	r->drawn = st->samples / st->tasks + (task < st->samples % st->tasks);
	r->inside = count_inside(s, r->drawn);
	return PB_OK;
}

static int pi_reduce(void *state, const void *results, size_t ntasks,
		     struct pb_metric_value *m, struct pb_err *err)
{
	const struct pi_result *r = results;
	uint64_t inside = 0, drawn = 0;

	(void)state;
	for (size_t k = 0; k < ntasks; k++) {
		inside += r[k].inside;
		drawn += r[k].drawn;
	}
	if (drawn == 0)
		return pb_fail(err, "no samples were drawn");
	m[M_ESTIMATE].value = 4.0 * (double)inside / (double)drawn;
	m[M_ABS_ERROR].value = fabs(m[M_ESTIMATE].value - M_PI);
	m[M_SAMPLES].value = (double)drawn;
	return PB_OK;
}

/* Right when within 6 standard errors of pi (a false alarm: ~2e-9). */
static int pi_verify(void *state, const void *results, size_t ntasks,
		     const struct pb_metric_value *m, struct pb_err *err)
{
	const struct pi_state *st = state;
	double p = M_PI / 4, n = m[M_SAMPLES].value;
	double se = 4 * sqrt(p * (1 - p) / n);

	(void)results;
	(void)ntasks;
	if (n != (double)st->samples)
		return pb_fail(err, "drew %.0f samples, expected %llu", n,
			       (unsigned long long)st->samples);
	if (m[M_ABS_ERROR].value > 6 * se)
		return pb_fail(err,
			       "estimate %.9f is %.1f standard errors from "
			       "pi; expected at most 6",
			       m[M_ESTIMATE].value, m[M_ABS_ERROR].value / se);
	return PB_OK;
}

static void pi_teardown(void *state)
{
	free(state);
}

static const struct pb_workload_hooks hooks = {
    .setup = pi_setup,
    .run_task = pi_run_task,
    .reduce = pi_reduce,
    .verify = pi_verify,
    .teardown = pi_teardown,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "pi",
		     "Monte Carlo estimate of pi (CPU-bound)", "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(struct pi_result),
    .workload = &hooks,
};
