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
#include "common.h"

enum { P_TASKS, P_EXIT_TASK, P_EXIT_STATUS };

static const struct pb_param params[] = {
    [P_TASKS] = {PBT_TASKS_PARAM},
    [P_EXIT_TASK] = {"exit_task", PB_INT, "3", 0, 1e9, NULL,
		     "the task that calls exit() (below tasks)"},
    [P_EXIT_STATUS] = {"exit_status", PB_INT, "3", 0, 255, NULL,
		       "the status it passes to exit()"},
};

static const struct pb_metric metrics[] = {
    {"sum", "", "sum of task + 1 over the tasks", 0},
};

static int exits_setup(const struct pb_args *args, struct pb_host *host,
		       void **state, size_t *ntasks, struct pb_err *err)
{
	(void)host;
	return pbt_setup_task(args, P_EXIT_TASK, "exit", state, ntasks, err);
}

static int exits_run_task(void *state, void *worker, size_t task, void *result,
			  struct pb_err *err)
{
	const struct pbt_state *st = state;

	(void)worker;
	(void)err;
	if ((long long)task == st->v[P_EXIT_TASK])
		exit((int)st->v[P_EXIT_STATUS]);
	return pbt_put_task_plus_one(task, result);
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = exits_setup,
    .run_task = exits_run_task,
    .reduce = pbt_reduce_sum,
    .teardown = pbt_teardown,
};

PBT_TEST_WORKLOAD("exits", "test only: task exit_task calls exit()", "1.0",
		  sizeof(uint64_t));
