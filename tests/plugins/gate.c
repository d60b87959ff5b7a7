/*
 * gate.c — TEST-ONLY workload that tells a test when it is mid-task, so
 * that tests interrupt or kill a run at a known point, without sleeps.
 *
 * When `fifo` names a FIFO that the test holds open for reading, each task
 * writes "r" to it (ready: the task is running), then waits for a caught
 * signal — the runner's request to stop, which a cell process catches —
 * writes "s" (stopping), and returns; with `hang: true` it then waits
 * forever instead, so that only a kill ends it. A worker process that
 * catches no signal waits until it is killed. Every task waits so: give a
 * worker one task (a second one would wait for a request already spent). Without a reader (or with
 * fifo ""), tasks only write task + 1, so a resumed run goes through.
 */
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "common.h"

enum { P_TASKS, P_FIFO, P_HANG };

static const struct pb_param params[] = {
    [P_TASKS] = {"tasks", PB_INT, "1", 1, 1e6, NULL, "number of tasks"},
    [P_FIFO] = {"fifo", PB_STRING, "", 0, 0, NULL,
		"FIFO to signal on (\"\": none)"},
    [P_HANG] = {"hang", PB_BOOL, "false", 0, 0, NULL,
		"after the stop request, wait forever"},
};

static const struct pb_metric metrics[] = {
    {"sum", "", "sum of task + 1 over the tasks", 0},
};

struct gate {
	char fifo[4096];
	bool hang;
};

static int gate_setup(const struct pb_args *args, struct pb_host *host,
		      void **state, size_t *ntasks, struct pb_err *err)
{
	struct gate *g = calloc(1, sizeof(*g));

	(void)host;
	if (!g)
		return pb_fail(err, "out of memory");
	snprintf(g->fifo, sizeof(g->fifo), "%s", args->values[P_FIFO].u.s);
	g->hang = args->values[P_HANG].u.b;
	*state = g;
	*ntasks = (size_t)args->values[P_TASKS].u.i;
	return PB_OK;
}

static void say(int fd, const char *what)
{
	if (write(fd, what, 1) != 1)
		(void)0; /* the test is gone: nothing to tell */
}

static int gate_run_task(void *state, void *worker, size_t task, void *result,
			 struct pb_err *err)
{
	const struct gate *g = state;
	sigset_t all, old;
	int fd =
	    g->fifo[0] ? open(g->fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC) : -1;

	if (fd >= 0) {
		/* Blocked from before "r" to inside sigsuspend: a stop
		 * request sent as soon as the test reads "r" is not lost. */
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		say(fd, "r");
		sigsuspend(&old);
		say(fd, "s");
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		while (g->hang)
			pause();
		close(fd);
	}
	return pbt_run_task_plus_one(state, worker, task, result, err);
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = gate_setup,
    .run_task = gate_run_task,
    .reduce = pbt_reduce_sum,
    .teardown = pbt_teardown,
};

PBT_TEST_WORKLOAD("gate", "test only: tasks tell a FIFO when they run", "1.0",
		  sizeof(uint64_t));
