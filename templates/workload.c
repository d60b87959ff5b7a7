/*
 * @NAME@.c — a parabench workload (written by `parabench new workload`).
 *
 * It sums k * k for k in 0..n-1, split into `tasks` tasks of equal ranges,
 * and checks the answer against the closed form. Replace the arithmetic
 * with your own work; keep the shape. The guide: docs/writing-plugins.md
 * (installed in share/doc/parabench/); the contract: <parabench/plugin.h>.
 *
 * Build: make        Run: parabench run @NAME@.yaml --plugin-dir .
 */
#include <parabench/plugin.h>
#include <stdint.h>
#include <stdlib.h>

/* Parameters: the host parses, range-checks and fills in defaults. */
enum { P_N, P_TASKS };
static const struct pb_param params[] = {
    [P_N] = {"n", PB_INT, "1e7", 1, 3e9, NULL, "numbers to square and sum"},
    [P_TASKS] = {"tasks", PB_INT, "16", 1, 1e6, NULL, "number of tasks"},
};

/* Metrics: one runs.csv column each (metric_<name>). */
enum { M_SUM, M_RATE };
static const struct pb_metric metrics[] = {
    [M_SUM] = {"sum", "", "sum of k * k (mod 2^64)", 0},
    [M_RATE] = {"numbers_per_s", "1/s", "numbers per timed second",
		PB_METRIC_PER_SECOND},
};

/* What setup prepares; every hook gets it back. */
struct state {
	uint64_t n, tasks;
};

/* What one task writes: plain data, no pointers. */
struct result {
	uint64_t sum;
};

/* REQUIRED. Untimed, once per repetition: read parameters, make inputs. */
static int setup(const struct pb_args *args, struct pb_host *host, void **state,
		 size_t *ntasks, struct pb_err *err)
{
	struct state *st = malloc(sizeof(*st));

	(void)host; /* host->seed for random inputs; host->own_path for files */
	if (!st)
		return pb_fail(err, "out of memory");
	st->n = (uint64_t)args->values[P_N].u.i;
	st->tasks = (uint64_t)args->values[P_TASKS].u.i;
	*state = st;
	*ntasks = (size_t)st->tasks;
	return PB_OK;
}

/* OPTIONAL. Per-worker resources, in the worker's thread or process. */
static int worker_init(void *state, unsigned worker, void **worker_state,
		       struct pb_err *err)
{
	(void)state, (void)worker, (void)err;
	*worker_state = NULL;
	return PB_OK;
}

/* REQUIRED. Timed. Task i, deterministic, safe from threads and forks. */
static int run_task(void *state, void *worker_state, size_t task, void *result,
		    struct pb_err *err)
{
	const struct state *st = state;
	uint64_t lo = st->n * task / st->tasks;
	uint64_t hi = st->n * (task + 1) / st->tasks;
	struct result r = {0};

	(void)worker_state, (void)err;
	for (uint64_t k = lo; k < hi; k++)
		r.sum += k * k;
	memcpy(result, &r, sizeof(r));
	return PB_OK;
}

/* OPTIONAL. Frees what worker_init made, in the same thread/process. */
static void worker_fini(void *state, void *worker_state)
{
	(void)state, (void)worker_state;
}

/* REQUIRED. Timed. Combines the results into the metrics. */
static int reduce(void *state, const void *results, size_t ntasks,
		  struct pb_metric_value *m, struct pb_err *err)
{
	const struct state *st = state;
	const struct result *r = results;
	uint64_t sum = 0;

	(void)err;
	for (size_t k = 0; k < ntasks; k++)
		sum += r[k].sum;
	m[M_SUM].value = (double)sum;
	m[M_RATE].value = (double)st->n; /* the host divides by the span */
	return PB_OK;
}

/* OPTIONAL. Untimed. Is the answer right? An error marks the row wrong. */
static int verify(void *state, const void *results, size_t ntasks,
		  const struct pb_metric_value *m, struct pb_err *err)
{
	const struct state *st = state;
	const struct result *r = results;
	uint64_t n = st->n, sum = 0, want;

	(void)m;
	for (size_t k = 0; k < ntasks; k++)
		sum += r[k].sum;
	/* (n-1)n(2n-1)/6 mod 2^64, dividing before multiplying. */
	uint64_t a = n - 1, b = n, c = 2 * n - 1;
	if (a % 2 == 0)
		a /= 2;
	else
		b /= 2;
	if (a % 3 == 0)
		a /= 3;
	else if (b % 3 == 0)
		b /= 3;
	else
		c /= 3;
	want = a * b * c;
	if (sum != want)
		return pb_fail(err, "sum %llu, expected %llu",
			       (unsigned long long)sum,
			       (unsigned long long)want);
	return PB_OK;
}

/* REQUIRED. Untimed. Undoes setup, whatever happened since. */
static void teardown(void *state)
{
	free(state);
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = setup,
    .worker_init = worker_init,
    .run_task = run_task,
    .worker_fini = worker_fini,
    .reduce = reduce,
    .verify = verify,
    .teardown = teardown,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "@NAME@", "sum of squares (example)",
		     "0.1"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(struct result),
    .workload = &hooks,
};
