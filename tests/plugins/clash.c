/*
 * clash.c — TEST-ONLY strategy with a parameter called `tasks`, as most
 * workloads have: an experiment that pairs them must be refused, since
 * both would be the one param_tasks column of runs.csv (issue 13.19).
 */
#include <parabench/plugin.h>

static const struct pb_param params[] = {
    {"tasks", PB_INT, "1", 1, 64, NULL, "a name a workload uses too"},
};

static int execute(const struct pb_job *job, int32_t *status,
		   struct pb_err *err)
{
	void *ws;
	int rc = PB_OK;

	*status = PB_STATUS_FAILED;
	if (pb_job_worker_init(job, 0, &ws, err))
		return PB_ERROR;
	for (size_t i = 0; i < job->ntasks && rc == PB_OK; i++)
		rc = pb_job_run_task(job, ws, i, err);
	pb_job_worker_fini(job, ws);
	return rc;
}

static const struct pb_strategy_hooks hooks = {
    .size = sizeof(struct pb_strategy_hooks), .execute = execute};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_STRATEGY, "clash",
		     "test only: a parameter named like a workload's", "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .strategy = &hooks,
};
