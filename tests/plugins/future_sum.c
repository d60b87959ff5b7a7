/*
 * future_sum.c — TEST-ONLY workload as a later ABI version (ours + 1) might build
 * it: its descriptor, hook table and parameter entries are larger than
 * this host's, and every byte the host does not know is zero, so it must
 * load (the copy_struct_from_user rule). It reads its parameters through
 * pb_arg, which follows the host's stride. Tasks write task + 1.
 */
#include "common.h"

/* The version 3 layouts: version 2's, each with a zero member appended. */
struct param_v3 {
	struct pb_param v2;
	uint64_t added_in_3;
};
struct hooks_v3 {
	struct pb_workload_hooks v2;
	void (*added_in_3)(void);
};
struct plugin_v3 {
	struct pb_plugin v2;
	uint64_t added_in_3[2];
};

static const struct param_v3 params_v3[] = {
    {{"tasks", PB_INT, "8", 1, 1e6, NULL, "number of tasks"}, 0},
    {{"scale", PB_INT, "1", 1, PB_NO_MAX, NULL, "multiplies the sum"}, 0},
};

static const struct pb_metric metrics[] = {
    {"sum", "", "scale times the sum of task + 1", 0},
};

static int setup(const struct pb_args *args, struct pb_host *host, void **state,
		 size_t *ntasks, struct pb_err *err)
{
	struct pbt_state *st = calloc(1, sizeof(*st));

	(void)host;
	if (!st)
		return pb_fail(err, "out of memory");
	st->tasks = (size_t)pb_arg(args, "tasks")->u.i;
	st->v[1] = (long long)pb_arg(args, "scale")->u.i;
	*state = st;
	*ntasks = st->tasks;
	return PB_OK;
}

static int reduce(void *state, const void *results, size_t ntasks,
		  struct pb_metric_value *m, struct pb_err *err)
{
	const struct pbt_state *st = state;
	int rc = pbt_reduce_sum(state, results, ntasks, m, err);

	m[0].value *= (double)st->v[1];
	return rc;
}

static const struct hooks_v3 hooks = {
    .v2 = {.size = sizeof(struct hooks_v3),
	   .setup = setup,
	   .run_task = pbt_run_task_plus_one,
	   .reduce = reduce,
	   .teardown = pbt_teardown},
};

PB_EXPORT const struct plugin_v3 PB_PLUGIN_SYMBOL = {
    .v2 = {.magic = PB_MAGIC,
	   .abi_version = PB_ABI_VERSION + 1,
	   .struct_size = sizeof(struct plugin_v3),
	   .kind = PB_KIND_WORKLOAD,
	   .param_size = sizeof(struct param_v3),
	   .metric_size = sizeof(struct pb_metric),
	   .name = "future_sum",
	   .summary = "test only: a larger (version 3) layout",
	   .version = "1.0",
	   .params = &params_v3[0].v2,
	   .nparams = PB_COUNT(params_v3),
	   .metrics = metrics,
	   .nmetrics = PB_COUNT(metrics),
	   .result_size = sizeof(uint64_t),
	   .workload = &hooks.v2},
};
