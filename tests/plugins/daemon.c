/*
 * daemon.c — TEST-ONLY workload whose task 0 starts `daemons` daemons the
 * classic way (fork, setsid, fork again, the middle process exits and is
 * reaped; the daemon closes what it inherited, as daemon(3) does), which
 * then wait forever, ignoring SIGTERM, SIGINT and SIGHUP. Nothing of theirs may outlive the repetition: the runner
 * must kill them and say so in the row. Tasks write task + 1.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

enum { P_TASKS, P_DAEMONS };

static const struct pb_param params[] = {
    [P_TASKS] = {PBT_TASKS_PARAM},
    [P_DAEMONS] = {"daemons", PB_INT, "1", 0, 64, NULL,
		   "daemons task 0 starts"},
};

static const struct pb_metric metrics[] = {
    {"sum", "", "sum of task + 1 over the tasks", 0},
};

static int daemon_setup(const struct pb_args *args, struct pb_host *host,
			void **state, size_t *ntasks, struct pb_err *err)
{
	struct pbt_state *st = calloc(1, sizeof(*st));

	(void)host;
	if (!st)
		return pb_fail(err, "out of memory");
	st->tasks = (size_t)args->values[P_TASKS].u.i;
	st->v[P_DAEMONS] = (long long)args->values[P_DAEMONS].u.i;
	*state = st;
	*ntasks = st->tasks;
	return PB_OK;
}

/* One daemon; PB_OK once its middle process has been reaped. */
static int start_daemon(struct pb_err *err)
{
	int status;
	pid_t mid = fork();

	if (mid < 0)
		return pb_fail(err, "fork failed");
	if (mid == 0) {
		setsid();
		if (fork() == 0)
			pbt_be_daemon("");
		_exit(0);
	}
	while (waitpid(mid, &status, 0) < 0)
		;
	return PB_OK;
}

static int daemon_run_task(void *state, void *worker, size_t task, void *result,
			   struct pb_err *err)
{
	const struct pbt_state *st = state;

	if (task == 0)
		for (long long k = 0; k < st->v[P_DAEMONS]; k++)
			if (start_daemon(err))
				return PB_ERROR;
	return pbt_run_task_plus_one(state, worker, task, result, err);
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = daemon_setup,
    .run_task = daemon_run_task,
    .reduce = pbt_reduce_sum,
    .teardown = pbt_teardown,
};

PBT_TEST_WORKLOAD("daemon", "test only: task 0 starts daemons", "1.0",
		  sizeof(uint64_t));
