/*
 * exits.c — TEST-ONLY workload: task `exit_task` calls exit(exit_status).
 *
 * Built by the Makefile into $BUILD/test-plugins/ for the tests and never
 * installed. exit() (not _exit) on purpose: it runs the atexit handlers and
 * flushes stdio of whatever process runs the task, as a careless plugin
 * would. Under fork or shm the cell must end `crashed` naming the exit
 * status and the task (also for exit status 0: the worker left early);
 * under serial or pthreads it ends the cell's process. The other tasks
 * write task + 1.
 */
#include <parabench/plugin.h>
#include <stdlib.h>

enum { P_TASKS, P_EXIT_TASK, P_EXIT_STATUS };

static const struct pb_param params[] = {
    [P_TASKS] = {"tasks", PB_INT, "8", 1, 1e9, NULL, "number of tasks"},
    [P_EXIT_TASK] = {"exit_task", PB_INT, "3", 0, 1e9, NULL,
		     "the task that calls exit() (below tasks)"},
    [P_EXIT_STATUS] = {"exit_status", PB_INT, "3", 0, 255, NULL,
		       "the status it passes to exit()"},
};

static const struct pb_metric metrics[] = {
    {"sum", "", "sum of task + 1 over the tasks"},
};

struct exits_state {
	size_t tasks, exit_task;
	int exit_status;
};

static int exits_setup(const struct pb_args *args, struct pb_host *host,
		       void **state, size_t *ntasks, struct pb_err *err)
{
	struct exits_state *st;

	(void)host;
	if (args->values[P_EXIT_TASK].u.i >= args->values[P_TASKS].u.i)
		return pb_fail(err,
			       "exit_task (%lld) must be below tasks (%lld), "
			       "or nothing would exit",
			       (long long)args->values[P_EXIT_TASK].u.i,
			       (long long)args->values[P_TASKS].u.i);
	st = malloc(sizeof(*st));
	if (!st)
		return pb_fail(err, "out of memory");
	st->tasks = (size_t)args->values[P_TASKS].u.i;
	st->exit_task = (size_t)args->values[P_EXIT_TASK].u.i;
	st->exit_status = (int)args->values[P_EXIT_STATUS].u.i;
	*state = st;
	*ntasks = st->tasks;
	return PB_OK;
}

static int exits_run_task(void *state, void *worker, size_t task, void *result,
			  struct pb_err *err)
{
	const struct exits_state *st = state;
	uint64_t value = task + 1;

	(void)worker;
	(void)err;
	if (task == st->exit_task)
		exit(st->exit_status);
	memcpy(result, &value, sizeof(value));
	return PB_OK;
}

static int exits_reduce(void *state, const void *results, size_t ntasks,
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

static void exits_teardown(void *state)
{
	free(state);
}

static const struct pb_workload_hooks hooks = {
    .setup = exits_setup,
    .run_task = exits_run_task,
    .reduce = exits_reduce,
    .teardown = exits_teardown,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "exits",
		     "test only: task exit_task calls exit()", "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(uint64_t),
    .workload = &hooks,
};
