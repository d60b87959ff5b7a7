/*
 * abi_v1.h — the frozen layout of plugin ABI version 1, which the host still
 * loads: the structs as include/parabench/plugin.h declared them before
 * they carried their sizes. Never change a member here.
 */
#ifndef PB_ABI_V1_H
#define PB_ABI_V1_H

#include <parabench/plugin.h>

/* The hooks of a version 1 workload: no size member. */
struct pb_v1_workload_hooks {
	int (*setup)(const struct pb_args *args, struct pb_host *host,
		     void **state, size_t *ntasks, struct pb_err *err);
	int (*worker_init)(void *state, unsigned worker, void **worker_state,
			   struct pb_err *err);
	int (*run_task)(void *state, void *worker_state, size_t task,
			void *result, struct pb_err *err);
	void (*worker_fini)(void *state, void *worker_state);
	int (*reduce)(void *state, const void *results, size_t ntasks,
		      struct pb_metric_value *metrics, struct pb_err *err);
	int (*verify)(void *state, const void *results, size_t ntasks,
		      const struct pb_metric_value *metrics,
		      struct pb_err *err);
	void (*teardown)(void *state);
};

/* The job a version 1 strategy reads. */
struct pb_v1_job {
	const struct pb_v1_workload_hooks *hooks;
	void *state;
	size_t ntasks;
	size_t result_size;
	void *results;
	unsigned workers;
	const struct pb_args *args;
};

struct pb_v1_strategy_hooks {
	int (*execute)(const struct pb_v1_job *job, int32_t *status,
		       struct pb_err *err);
};

/* Version 1's metric: no flags. */
struct pb_v1_metric {
	const char *name;
	const char *unit;
	const char *help;
};

/* Version 1's descriptor; struct_size had to equal its size exactly. */
struct pb_v1_plugin {
	uint64_t magic;
	uint32_t abi_version;
	uint32_t struct_size;
	uint32_t kind; /* an enum, int-sized without -fshort-enums */
	const char *name;
	const char *summary;
	const char *version;
	const struct pb_param *params; /* the same layout as version 2's */
	size_t nparams;
	const struct pb_v1_metric *metrics;
	size_t nmetrics;
	size_t result_size;
	const struct pb_v1_workload_hooks *workload;
	const struct pb_v1_strategy_hooks *strategy;
	void *reserved[8];
};

#endif
