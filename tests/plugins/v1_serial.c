/*
 * v1_serial.c — TEST-ONLY strategy built against the frozen version 1
 * header: its job and hook table have no size members, so the host must
 * hand it both in the version 1 layout. Runs every task in order, calling
 * worker_init and worker_fini as a strategy must.
 */
#include "abi_v1/parabench/plugin.h"

static int execute(const struct pb_job *job, enum pb_status *status,
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

static const struct pb_strategy_hooks hooks = {.execute = execute};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_STRATEGY, "v1_serial",
		     "test only: a version 1 strategy", "1.0"),
    .strategy = &hooks,
};
