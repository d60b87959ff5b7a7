/*
 * v2_sum.c — TEST-ONLY workload whose hook table has the version 2 layout,
 * smaller than this host's (version 3 appended `check`): the host must read
 * it with the missing tail as zeros (no check hook) and run it. Tasks
 * write task + 1; the sum is the metric.
 */
#include "common.h"

/* struct pb_workload_hooks as version 2 declared it. */
struct hooks_v2 {
	uint32_t size;
	int (*setup)(const struct pb_args *, struct pb_host *, void **,
		     size_t *, struct pb_err *);
	int (*worker_init)(void *, unsigned, void **, struct pb_err *);
	int (*run_task)(void *, void *, size_t, void *, struct pb_err *);
	void (*worker_fini)(void *, void *);
	int (*reduce)(void *, const void *, size_t, struct pb_metric_value *,
		      struct pb_err *);
	int (*verify)(void *, const void *, size_t,
		      const struct pb_metric_value *, struct pb_err *);
	void (*teardown)(void *);
};

static const struct pb_param params[] = {{PBT_TASKS_PARAM}};

static const struct pb_metric metrics[] = {
    {"sum", "", "sum of task + 1 over the tasks", 0},
};

static const struct hooks_v2 hooks_v2 = {
    .size = sizeof(struct hooks_v2),
    .setup = pbt_setup_stateless,
    .run_task = pbt_run_task_plus_one,
    .reduce = pbt_reduce_sum,
    .teardown = pbt_teardown,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "v2_sum",
		     "test only: a version 2 (smaller) hook table", "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(uint64_t),
    .workload = (const struct pb_workload_hooks *)(const void *)&hooks_v2,
};
