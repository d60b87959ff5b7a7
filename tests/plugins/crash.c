/*
 * crash.c — TEST-ONLY workload: task `crash_task` dies by SIGSEGV.
 *
 * Built by the Makefile into $BUILD/test-plugins/ for the tests and never
 * installed. Under a process strategy (fork, shm) the cell must end
 * `crashed` with a message naming SIGSEGV and the task; under serial or
 * pthreads it kills the process running the cell, which only the runner's
 * cell isolation survives. The other tasks write task + 1.
 */
#include <parabench/plugin.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>

enum { P_TASKS, P_CRASH_TASK };

static const struct pb_param params[] = {
    [P_TASKS] = {"tasks", PB_INT, "8", 1, 1e9, NULL, "number of tasks"},
    [P_CRASH_TASK] = {"crash_task", PB_INT, "3", 0, 1e9, NULL,
		      "the task that raises SIGSEGV (below tasks)"},
};

static const struct pb_metric metrics[] = {
    {"sum", "", "sum of task + 1 over the tasks that ran"},
};

struct crash_state {
	size_t tasks, crash_task;
};

static int crash_setup(const struct pb_args *args, struct pb_host *host,
		       void **state, size_t *ntasks, struct pb_err *err)
{
	struct crash_state *st;

	(void)host;
	if (args->values[P_CRASH_TASK].u.i >= args->values[P_TASKS].u.i)
		return pb_fail(err,
			       "crash_task (%lld) must be below tasks (%lld), "
			       "or nothing would crash",
			       (long long)args->values[P_CRASH_TASK].u.i,
			       (long long)args->values[P_TASKS].u.i);
	st = malloc(sizeof(*st));
	if (!st)
		return pb_fail(err, "out of memory");
	st->tasks = (size_t)args->values[P_TASKS].u.i;
	st->crash_task = (size_t)args->values[P_CRASH_TASK].u.i;
	*state = st;
	*ntasks = st->tasks;
	return PB_OK;
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
	const struct crash_state *st = state;
	uint64_t value = task + 1;

	(void)worker;
	(void)err;
	if (task == st->crash_task)
		die_by_sigsegv();
	memcpy(result, &value, sizeof(value));
	return PB_OK;
}

static int crash_reduce(void *state, const void *results, size_t ntasks,
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

static void crash_teardown(void *state)
{
	free(state);
}

static const struct pb_workload_hooks hooks = {
    .setup = crash_setup,
    .run_task = crash_run_task,
    .reduce = crash_reduce,
    .teardown = crash_teardown,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "crash",
		     "test only: task crash_task dies by SIGSEGV", "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(uint64_t),
    .workload = &hooks,
};
