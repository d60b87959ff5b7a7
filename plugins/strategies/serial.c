/*
 * serial.c — every task in order in the calling thread: the baseline that
 * every speed-up is measured against. It ignores the worker count, so its
 * flat line across worker counts is the control in the charts.
 */
#include <parabench/plugin.h>

static int serial_execute(const struct pb_job *job, int32_t *status,
			  struct pb_err *err)
{
	void *ws;
	int rc;

	*status = PB_STATUS_FAILED;
	if (pb_job_worker_init(job, 0, &ws, err))
		return PB_ERROR;
	rc = PB_OK;
	for (size_t i = 0; i < job->ntasks && rc == PB_OK; i++)
		rc = pb_job_run_task(job, ws, i, err);
	pb_job_worker_fini(job, ws);
	return rc;
}

static const struct pb_strategy_hooks hooks = {
    .size = sizeof(struct pb_strategy_hooks), .execute = serial_execute};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_STRATEGY, "serial",
		     "all tasks in order on the calling thread (baseline)",
		     "1.0"),
    .strategy = &hooks,
};
