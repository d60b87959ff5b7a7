/*
 * crash.c — TEST-ONLY workload: task `crash_task` dies by SIGSEGV.
 *
 * Built by the Makefile into $BUILD/test-plugins/ for the tests and never
 * installed. Under a process strategy (fork, shm) the cell must end
 * `crashed` with a message naming SIGSEGV and the task; under serial or
 * pthreads it kills the process running the cell, which only the runner's
 * cell isolation survives. The other tasks write task + 1.
 */
#include <signal.h>
#include <sys/resource.h>

#include "common.h"

enum { P_TASKS, P_CRASH_TASK };

static const struct pb_param params[] = {
    [P_TASKS] = {PBT_TASKS_PARAM},
    [P_CRASH_TASK] = {"crash_task", PB_INT, "3", 0, 1e9, NULL,
		      "the task that raises SIGSEGV (below tasks)"},
};

static const struct pb_metric metrics[] = {
    {"sum", "", "sum of task + 1 over the tasks that ran", 0},
};

static int crash_setup(const struct pb_args *args, struct pb_host *host,
		       void **state, size_t *ntasks, struct pb_err *err)
{
	(void)host;
	return pbt_setup_task(args, P_CRASH_TASK, "crash", state, ntasks, err);
}

/*
 * Dies by a real SIGSEGV even when a handler is installed (sanitizers
 * install one), and without writing a core file.
 */
static void die_by_sigsegv(void)
{
	struct rlimit no_core = {0, 0};
	sigset_t set;

	setrlimit(RLIMIT_CORE, &no_core);
	signal(SIGSEGV, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGSEGV);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGSEGV);
	abort(); /* not reached */
}

static int crash_run_task(void *state, void *worker, size_t task, void *result,
			  struct pb_err *err)
{
	const struct pbt_state *st = state;

	(void)worker;
	(void)err;
	if ((long long)task == st->v[P_CRASH_TASK])
		die_by_sigsegv();
	return pbt_put_task_plus_one(task, result);
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = crash_setup,
    .run_task = crash_run_task,
    .reduce = pbt_reduce_sum,
    .teardown = pbt_teardown,
};

PBT_TEST_WORKLOAD("crash", "test only: task crash_task dies by SIGSEGV", "1.0",
		  sizeof(uint64_t));
