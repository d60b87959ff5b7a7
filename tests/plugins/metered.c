/*
 * metered.c — TEST-ONLY strategy: runs the tasks in order, like serial, and
 * reports what the host gave it through struct pb_job's appended members
 * as metrics of its own, so a test can read them back from runs.csv.
 *
 * Built by the Makefile into $BUILD/test-plugins/ and never installed.
 *   strategy_tasks    tasks it ran
 *   strategy_wparams  parameters of the workload it was given
 *   strategy_seed     the host's seed
 *   strategy_owns     1 when host->own_path is there to call
 */
#include <parabench/plugin.h>

enum { M_TASKS, M_WPARAMS, M_SEED, M_OWNS };

static const struct pb_metric metrics[] = {
    [M_TASKS] = {"strategy_tasks", "", "tasks the strategy ran", 0},
    [M_WPARAMS] = {"strategy_wparams", "",
		   "workload parameters the strategy was given", 0},
    [M_SEED] = {"strategy_seed", "", "the host's seed", 0},
    [M_OWNS] = {"strategy_owns", "", "1 when host->own_path is set", 0},
};

static int metered_execute(const struct pb_job *job, int32_t *status,
			   struct pb_err *err)
{
	void *ws;

	*status = PB_STATUS_FAILED;
	if (!job->workload || !job->workload_args || !job->host ||
	    !job->metrics)
		return pb_fail(err, "the host left a pb_job member NULL");
	if (job->workload->workload != job->hooks)
		return pb_fail(err,
			       "pb_job.workload is not the job's workload");
	if (!job->workload_path || !strstr(job->workload_path, ".so"))
		return pb_fail(err,
			       "pb_job.workload_path is not a plugin file");
	if (pb_job_worker_init(job, 0, &ws, err))
		return PB_ERROR;
	for (size_t i = 0; i < job->ntasks; i++)
		if (pb_job_run_task(job, ws, i, err)) {
			pb_job_worker_fini(job, ws);
			return PB_ERROR;
		}
	pb_job_worker_fini(job, ws);
	job->metrics[M_TASKS].value = (double)job->ntasks;
	job->metrics[M_WPARAMS].value = (double)job->workload_args->n;
	job->metrics[M_SEED].value = (double)job->host->seed;
	job->metrics[M_OWNS].value = job->host->own_path != NULL;
	return PB_OK;
}

static const struct pb_strategy_hooks hooks = {
    .size = sizeof(struct pb_strategy_hooks), .execute = metered_execute};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_STRATEGY, "metered",
		     "test only: serial, reporting what pb_job gave it as "
		     "metrics",
		     "1.0"),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .strategy = &hooks,
};
