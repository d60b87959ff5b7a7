/*
 * listy.c — TEST-ONLY workload with list-typed and assorted parameters.
 *
 * It exists so that the experiment loader's handling of list values (a
 * list of scalars is one value, a list of lists an axis), sizes, durations,
 * floats, booleans and required parameters can be tested without depending
 * on real workloads. Each task writes its index; nothing is measured.
 */
#include <parabench/plugin.h>

enum { P_NUMBERS, P_WORDS, P_BLOCK, P_PAUSE, P_RATIO, P_VERBOSE, P_LABEL };

static const struct pb_param params[] = {
    [P_NUMBERS] = {"numbers", PB_INT_LIST, "[1, 2]", 0, 1e9, NULL,
		   "integers, each 0..1e9"},
    [P_WORDS] = {"words", PB_STRING_LIST, "[]", 0, 0, NULL, "any texts"},
    [P_BLOCK] = {"block", PB_SIZE, "4k", 1, 1073741824.0, NULL,
		 "a size up to 1GiB"},
    [P_PAUSE] = {"pause", PB_DURATION, "0", 0, 60, NULL,
		 "a duration up to a minute"},
    [P_RATIO] = {"ratio", PB_FLOAT, "0.5", 0, 1, NULL, "a fraction"},
    [P_VERBOSE] = {"verbose", PB_BOOL, "false", 0, 0, NULL, "a flag"},
    [P_LABEL] = {"label", PB_STRING, NULL, 0, 0, NULL,
		 "required: a text with no default"},
};

static int listy_setup(const struct pb_args *args, struct pb_host *host,
		       void **state, size_t *ntasks, struct pb_err *err)
{
	(void)host;
	(void)err;
	*state = NULL;
	*ntasks = args->values[P_NUMBERS].u.ints.n;
	return PB_OK;
}

static int listy_run_task(void *state, void *worker, size_t task, void *result,
			  struct pb_err *err)
{
	(void)state;
	(void)worker;
	(void)err;
	*(uint64_t *)result = task;
	return PB_OK;
}

static int listy_reduce(void *state, const void *results, size_t ntasks,
			struct pb_metric_value *m, struct pb_err *err)
{
	(void)state;
	(void)results;
	(void)m;
	(void)ntasks;
	(void)err;
	return PB_OK;
}

static void listy_teardown(void *state)
{
	(void)state;
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = listy_setup,
    .run_task = listy_run_task,
    .reduce = listy_reduce,
    .teardown = listy_teardown,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "listy",
		     "test only: list-typed and assorted parameters", "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .result_size = sizeof(uint64_t),
    .workload = &hooks,
};
