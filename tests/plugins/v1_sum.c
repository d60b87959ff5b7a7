/*
 * v1_sum.c — TEST-ONLY workload built against a frozen copy of the version
 * 1 header (abi_v1/parabench/plugin.h: no sizes in the hook tables, enums
 * in the descriptor, min == max == 0 for an unbounded range). The host must
 * still load and run it: tasks write task + 1, reduce sums them, and
 * `offset` (unbounded the version 1 way) is added to the sum.
 */
#include "abi_v1/parabench/plugin.h"

#include <stdlib.h>

enum { P_TASKS, P_OFFSET };

static const struct pb_param params[] = {
    [P_TASKS] = {"tasks", PB_INT, "8", 1, 1e6, NULL, "number of tasks"},
    [P_OFFSET] = {"offset", PB_INT, "0", 0, 0, NULL,
		  "added to the sum; unbounded (min == max == 0)"},
};

static const struct pb_metric metrics[] = {
    {"sum", "", "offset + the sum of task + 1"},
};

static int setup(const struct pb_args *args, struct pb_host *host, void **state,
		 size_t *ntasks, struct pb_err *err)
{
	int64_t *offset = malloc(sizeof(*offset));

	(void)host;
	if (!offset)
		return pb_fail(err, "out of memory");
	*offset = pb_arg(args, "offset")->u.i;
	*state = offset;
	*ntasks = (size_t)args->values[P_TASKS].u.i;
	return PB_OK;
}

static int run_task(void *state, void *worker, size_t task, void *result,
		    struct pb_err *err)
{
	uint64_t v = task + 1;

	(void)state, (void)worker, (void)err;
	memcpy(result, &v, sizeof(v));
	return PB_OK;
}

static int reduce(void *state, const void *results, size_t ntasks,
		  struct pb_metric_value *m, struct pb_err *err)
{
	const uint64_t *r = results;
	double sum = (double)*(const int64_t *)state;

	(void)err;
	for (size_t k = 0; k < ntasks; k++)
		sum += (double)r[k];
	m[0].value = sum;
	return PB_OK;
}

static void teardown(void *state)
{
	free(state);
}

static const struct pb_workload_hooks hooks = {
    .setup = setup,
    .run_task = run_task,
    .reduce = reduce,
    .teardown = teardown,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "v1_sum",
		     "test only: a version 1 workload", "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(uint64_t),
    .workload = &hooks,
};
