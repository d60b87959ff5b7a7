/*
 * hang.c — TEST-ONLY workload: task `hang_task` never returns.
 *
 * Built by the Makefile into $BUILD/test-plugins/ for the tests and never
 * installed. It sleeps in pause() forever (signals that are caught only
 * wake it to sleep again), so only the runner's cell timeout, which kills
 * the cell's process group, ends it. The other tasks write task + 1.
 */
#include <parabench/plugin.h>
#include <stdlib.h>
#include <unistd.h>

enum { P_TASKS, P_HANG_TASK };

static const struct pb_param params[] = {
    [P_TASKS] = {"tasks", PB_INT, "8", 1, 1e9, NULL, "number of tasks"},
    [P_HANG_TASK] = {"hang_task", PB_INT, "3", 0, 1e9, NULL,
		     "the task that never returns (below tasks)"},
};

static const struct pb_metric metrics[] = {
    {"sum", "", "sum of task + 1 over the tasks"},
};

struct hang_state {
	size_t tasks, hang_task;
};

static int hang_setup(const struct pb_args *args, struct pb_host *host,
		      void **state, size_t *ntasks, struct pb_err *err)
{
	struct hang_state *st;

	(void)host;
	if (args->values[P_HANG_TASK].u.i >= args->values[P_TASKS].u.i)
		return pb_fail(err,
			       "hang_task (%lld) must be below tasks (%lld), "
			       "or nothing would hang",
			       (long long)args->values[P_HANG_TASK].u.i,
			       (long long)args->values[P_TASKS].u.i);
	st = malloc(sizeof(*st));
	if (!st)
		return pb_fail(err, "out of memory");
	st->tasks = (size_t)args->values[P_TASKS].u.i;
	st->hang_task = (size_t)args->values[P_HANG_TASK].u.i;
	*state = st;
	*ntasks = st->tasks;
	return PB_OK;
}

static int hang_run_task(void *state, void *worker, size_t task, void *result,
			 struct pb_err *err)
{
	const struct hang_state *st = state;
	uint64_t value = task + 1;

	(void)worker;
	(void)err;
	if (task == st->hang_task)
		for (;;)
			pause();
	memcpy(result, &value, sizeof(value));
	return PB_OK;
}

static int hang_reduce(void *state, const void *results, size_t ntasks,
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

static void hang_teardown(void *state)
{
	free(state);
}

static const struct pb_workload_hooks hooks = {
    .setup = hang_setup,
    .run_task = hang_run_task,
    .reduce = hang_reduce,
    .teardown = hang_teardown,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "hang",
		     "test only: task hang_task never returns", "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(uint64_t),
    .workload = &hooks,
};
