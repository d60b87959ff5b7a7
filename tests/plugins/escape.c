/*
 * escape.c — TEST-ONLY workload whose task 0 starts a process that only
 * the runner's guard can end once the runner is killed, then waits until
 * it is killed itself, so that a test can kill the runner mid-repetition.
 *
 * The process is a daemon made the classic way (fork, setsid, fork again;
 * the middle process exits and is reaped): no parent-death signal, a
 * session of its own, SIGTERM, SIGINT and SIGHUP ignored. Once up, it
 * writes its pid and a newline to `fifo` (a FIFO the test holds open for
 * reading; "" writes nothing), then waits forever. Other tasks write
 * task + 1.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

enum { P_TASKS, P_FIFO };

static const struct pb_param params[] = {
    [P_TASKS] = {"tasks", PB_INT, "1", 1, 1e6, NULL, "number of tasks"},
    [P_FIFO] = {"fifo", PB_STRING, "", 0, 0, NULL,
		"FIFO the daemon writes its pid to (\"\": none)"},
};

static const struct pb_metric metrics[] = {
    {"sum", "", "sum of task + 1 over the tasks", 0},
};

struct escape {
	char fifo[4096];
};

static int escape_setup(const struct pb_args *args, struct pb_host *host,
			void **state, size_t *ntasks, struct pb_err *err)
{
	struct escape *e = calloc(1, sizeof(*e));

	(void)host;
	if (!e)
		return pb_fail(err, "out of memory");
	snprintf(e->fifo, sizeof(e->fifo), "%s", args->values[P_FIFO].u.s);
	*state = e;
	*ntasks = (size_t)args->values[P_TASKS].u.i;
	return PB_OK;
}

static int escape_run_task(void *state, void *worker, size_t task, void *result,
			   struct pb_err *err)
{
	const struct escape *e = state;
	int status;

	if (task != 0)
		return pbt_run_task_plus_one(state, worker, task, result, err);
	pid_t mid = fork();
	if (mid < 0)
		return pb_fail(err, "fork failed");
	if (mid == 0) {
		setsid();
		if (fork() == 0)
			pbt_be_daemon(e->fifo);
		_exit(0);
	}
	while (waitpid(mid, &status, 0) < 0)
		;
	for (;;)
		pause(); /* until the test kills the runner */
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = escape_setup,
    .run_task = escape_run_task,
    .reduce = pbt_reduce_sum,
    .teardown = pbt_teardown,
};

PBT_TEST_WORKLOAD("escape",
		  "test only: task 0 leaves a daemon, then waits to be killed",
		  "1.0", sizeof(uint64_t));
