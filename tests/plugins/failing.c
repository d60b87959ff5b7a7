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
#include "common.h"

enum { P_TASKS, P_FAIL_TASK, P_FAIL_WORKER };

static const struct pb_param params[] = {
    [P_TASKS] = {PBT_TASKS_PARAM},
    [P_FAIL_TASK] = {"fail_task", PB_INT, "5", -1, 1e9, NULL,
		     "the task that returns an error (below tasks); -1: none"},
    [P_FAIL_WORKER] = {"fail_worker", PB_INT, "-1", -1, 4096, NULL,
		       "the worker whose worker_init fails; -1: none"},
};

static const struct pb_metric metrics[] = {
    {"sum", "", "sum of task + 1 over the tasks", 0},
};

static int failing_setup(const struct pb_args *args, struct pb_host *host,
			 void **state, size_t *ntasks, struct pb_err *err)
{
	(void)host;
	return pbt_setup_task(args, P_FAIL_TASK, "fail", state, ntasks, err);
}

static int failing_worker_init(void *state, unsigned worker,
			       void **worker_state, struct pb_err *err)
{
	const struct pbt_state *st = state;

	if ((long long)worker == st->v[P_FAIL_WORKER])
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
	const struct pbt_state *st = state;

	(void)worker;
	if ((long long)task == st->v[P_FAIL_TASK])
		return pb_fail(err, "task %zu failed on purpose", task);
	return pbt_put_task_plus_one(task, result);
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = failing_setup,
    .worker_init = failing_worker_init,
    .run_task = failing_run_task,
    .worker_fini = failing_worker_fini,
    .reduce = pbt_reduce_sum,
    .teardown = pbt_teardown,
};

PBT_TEST_WORKLOAD("failing", "test only: task fail_task returns an error",
		  "1.0", sizeof(uint64_t));
