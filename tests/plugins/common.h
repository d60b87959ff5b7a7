/*
 * common.h — what the TEST-ONLY workloads in tests/plugins share: the
 * `tasks` parameter, a state that holds the parameters' integer values, a
 * setup that refuses a misbehaving task beyond tasks, tasks that write
 * task + 1, a reduce that sums them, and the descriptor.
 *
 * Each plugin stays one .c file built into its own .so, so everything here
 * is static (inline): a plugin links nothing from the host or from another
 * plugin. A plugin that includes this file declares, before using
 * PBT_TEST_WORKLOAD, `params`, `metrics` and `hooks` as usual; parameter 0
 * is always `tasks`.
 */
#ifndef PBT_PLUGINS_COMMON_H
#define PBT_PLUGINS_COMMON_H

#include <fcntl.h>
#include <parabench/plugin.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Parameter 0 of the test workloads, written {PBT_TASKS_PARAM}. */
#define PBT_TASKS_PARAM "tasks", PB_INT, "8", 1, 1e9, NULL, "number of tasks"

/* The most parameters a workload set up by pbt_setup_task may have. */
#define PBT_MAX_PARAMS 4

/* The state pbt_setup_task makes: every parameter's value, by position. */
struct pbt_state {
	size_t tasks;		     /* parameter 0 */
	long long v[PBT_MAX_PARAMS]; /* v[k]: the value of parameter k */
};

/*
 * setup of a workload whose parameters are all PB_INT, parameter 0 being
 * `tasks` and parameter `task` the one task that misbehaves (-1: none).
 * Refuses a task at or beyond tasks, "<name> (3) must be below tasks (2),
 * or nothing would <verb>"; else makes a struct pbt_state, which
 * pbt_teardown frees.
 */
static inline int pbt_setup_task(const struct pb_args *args, size_t task,
				 const char *verb, void **state, size_t *ntasks,
				 struct pb_err *err)
{
	struct pbt_state *st;

	if (args->values[task].u.i >= args->values[0].u.i)
		return pb_fail(err,
			       "%s (%lld) must be below tasks (%lld), "
			       "or nothing would %s",
			       args->params[task].name,
			       (long long)args->values[task].u.i,
			       (long long)args->values[0].u.i, verb);
	st = calloc(1, sizeof(*st));
	if (!st)
		return pb_fail(err, "out of memory");
	st->tasks = (size_t)args->values[0].u.i;
	for (size_t k = 0; k < args->n; k++)
		st->v[k] = (long long)args->values[k].u.i;
	*state = st;
	*ntasks = st->tasks;
	return PB_OK;
}

/* setup of a workload without state: `tasks` (parameter 0) tasks. */
static inline int pbt_setup_stateless(const struct pb_args *args,
				      struct pb_host *host, void **state,
				      size_t *ntasks, struct pb_err *err)
{
	(void)host;
	(void)err;
	*state = NULL;
	*ntasks = (size_t)args->values[0].u.i;
	return PB_OK;
}

/* Writes task + 1 as the task's uint64_t result; returns PB_OK. */
static inline int pbt_put_task_plus_one(size_t task, void *result)
{
	uint64_t value = task + 1;

	memcpy(result, &value, sizeof(value));
	return PB_OK;
}

/* run_task of a workload whose tasks only write task + 1. */
static inline int pbt_run_task_plus_one(void *state, void *worker, size_t task,
					void *result, struct pb_err *err)
{
	(void)state;
	(void)worker;
	(void)err;
	return pbt_put_task_plus_one(task, result);
}

/* reduce: metric 0 is the sum of the uint64_t results. */
static inline int pbt_reduce_sum(void *state, const void *results,
				 size_t ntasks, struct pb_metric_value *m,
				 struct pb_err *err)
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

/* teardown: frees the state (NULL for a stateless workload). */
static inline void pbt_teardown(void *state)
{
	free(state);
}

/*
 * The exported descriptor of a test workload named name_, from the
 * plugin's own `params`, `metrics` and `hooks`; at most PBT_MAX_PARAMS
 * parameters, so that struct pbt_state can hold them.
 */
/*
 * Becomes a daemon's last process, as daemon(3) leaves it: fds 0-2 on
 * /dev/null and nothing else of its parent's held; it ignores the signals
 * that end a session. When fifo is not "", says its pid there first.
 * Then waits forever: only SIGKILL ends it.
 */
#ifdef _GNU_SOURCE /* close_range: a plugin that uses this defines it */
static inline __attribute__((noreturn)) void pbt_be_daemon(const char *fifo)
{
	int null = open("/dev/null", O_RDWR);

	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	close_range(3, ~0U, 0);
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	int fd = fifo[0] ? open(fifo, O_WRONLY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		dprintf(fd, "%d\n", (int)getpid());
		close(fd);
	}
	for (;;)
		pause();
}
#endif

#define PBT_TEST_WORKLOAD(name_, summary_, version_, result_size_)             \
	_Static_assert(PB_COUNT(params) <= PBT_MAX_PARAMS,                     \
		       "too many parameters for struct pbt_state");            \
	PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {                  \
	    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, name_, summary_, version_),     \
	    .params = params,                                                  \
	    .nparams = PB_COUNT(params),                                       \
	    .metrics = metrics,                                                \
	    .nmetrics = PB_COUNT(metrics),                                     \
	    .result_size = result_size_,                                       \
	    .workload = &hooks,                                                \
	}

#endif
