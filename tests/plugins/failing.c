/*
 * failing.c — TEST-ONLY workload: task `fail_task` returns PB_ERROR.
 *
 * Built by the Makefile into $BUILD/test-plugins/ for the tests and never
 * installed. The task's message, "task 5 failed on purpose" by default,
 * must reach the row unchanged under every strategy, with status `failed`.
 * With fail_worker >= 0, worker_init of that worker fails too (set
 * fail_task=-1 to have it fail alone), to test the strategies' worker_init
 * error path. worker_init allocates a little
 * per-worker state that worker_fini frees, so leak checkers see whether a
 * strategy pairs them.
 */
#include <parabench/plugin.h>
#include <stdlib.h>

enum { P_TASKS, P_FAIL_TASK, P_FAIL_WORKER };

static const struct pb_param params[] = {
    [P_TASKS] = {"tasks", PB_INT, "8", 1, 1e9, NULL, "number of tasks"},
    [P_FAIL_TASK] = {"fail_task", PB_INT, "5", -1, 1e9, NULL,
		     "the task that returns an error (below tasks); -1: none"},
    [P_FAIL_WORKER] = {"fail_worker", PB_INT, "-1", -1, 4096, NULL,
		       "the worker whose worker_init fails; -1: none"},
};

static const struct pb_metric metrics[] = {
    {"sum", "", "sum of task + 1 over the tasks"},
};

struct failing_state {
	size_t tasks;
	long long fail_task, fail_worker;
};

static int failing_setup(const struct pb_args *args, struct pb_host *host,
			 void **state, size_t *ntasks, struct pb_err *err)
{
	struct failing_state *st;

	(void)host;
	if (args->values[P_FAIL_TASK].u.i >= args->values[P_TASKS].u.i)
		return pb_fail(err,
			       "fail_task (%lld) must be below tasks (%lld), "
			       "or nothing would fail",
			       (long long)args->values[P_FAIL_TASK].u.i,
			       (long long)args->values[P_TASKS].u.i);
	st = malloc(sizeof(*st));
	if (!st)
		return pb_fail(err, "out of memory");
	st->tasks = (size_t)args->values[P_TASKS].u.i;
	st->fail_task = (long long)args->values[P_FAIL_TASK].u.i;
	st->fail_worker = (long long)args->values[P_FAIL_WORKER].u.i;
	*state = st;
	*ntasks = st->tasks;
	return PB_OK;
}

static int failing_worker_init(void *state, unsigned worker,
			       void **worker_state, struct pb_err *err)
{
	const struct failing_state *st = state;

	if ((long long)worker == st->fail_worker)
		return pb_fail(
		    err, "worker_init of worker %u failed on purpose", worker);
	*worker_state = malloc(16);
	if (!*worker_state)
		return pb_fail(err, "out of memory");
	return PB_OK;
}

static void failing_worker_fini(void *state, void *worker_state)
{
	(void)state;
	free(worker_state);
}

static int failing_run_task(void *state, void *worker, size_t task,
			    void *result, struct pb_err *err)
{
	const struct failing_state *st = state;
	uint64_t value = task + 1;

	(void)worker;
	if ((long long)task == st->fail_task)
		return pb_fail(err, "task %zu failed on purpose", task);
	memcpy(result, &value, sizeof(value));
	return PB_OK;
}

static int failing_reduce(void *state, const void *results, size_t ntasks,
			  struct pb_metric_value *m, struct pb_err *err)
{
	const uint64_t *r = results;
	uint64_t sum = 0;

	(void)state;
	(void)err;
	for (size_t k = 0; k < ntasks; k++)
		sum += r[k];
	m[0].value = (double)sum;
	return PB_OK;
}

static void failing_teardown(void *state)
{
	free(state);
}

static const struct pb_workload_hooks hooks = {
    .setup = failing_setup,
    .worker_init = failing_worker_init,
    .run_task = failing_run_task,
    .worker_fini = failing_worker_fini,
    .reduce = failing_reduce,
    .teardown = failing_teardown,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "failing",
		     "test only: task fail_task returns an error", "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(uint64_t),
    .workload = &hooks,
};
