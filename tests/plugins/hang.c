/*
 * hang.c — TEST-ONLY workload: task `hang_task` never returns.
 *
 * Built by the Makefile into $BUILD/test-plugins/ for the tests and never
 * installed. It sleeps in pause() forever (signals that are caught only
 * wake it to sleep again), so only the runner's cell timeout, which kills
 * the cell's process group, ends it. The other tasks write task + 1.
 */
#include <unistd.h>

#include "common.h"

enum { P_TASKS, P_HANG_TASK };

static const struct pb_param params[] = {
    [P_TASKS] = {PBT_TASKS_PARAM},
    [P_HANG_TASK] = {"hang_task", PB_INT, "3", 0, 1e9, NULL,
		     "the task that never returns (below tasks)"},
};

static const struct pb_metric metrics[] = {
    {"sum", "", "sum of task + 1 over the tasks", 0},
};

static int hang_setup(const struct pb_args *args, struct pb_host *host,
		      void **state, size_t *ntasks, struct pb_err *err)
{
	(void)host;
	return pbt_setup_task(args, P_HANG_TASK, "hang", state, ntasks, err);
}

static int hang_run_task(void *state, void *worker, size_t task, void *result,
			 struct pb_err *err)
{
	const struct pbt_state *st = state;

	(void)worker;
	(void)err;
	if ((long long)task == st->v[P_HANG_TASK])
		for (;;)
			pause();
	return pbt_put_task_plus_one(task, result);
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = hang_setup,
    .run_task = hang_run_task,
    .reduce = pbt_reduce_sum,
    .teardown = pbt_teardown,
};

PBT_TEST_WORKLOAD("hang", "test only: task hang_task never returns", "1.0",
		  sizeof(uint64_t));
