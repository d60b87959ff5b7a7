/*
 * tagged.c — TEST-ONLY strategy with a free-text parameter.
 *
 * It runs every task in order, like serial, and takes a `tag` of any text.
 * It exists so that text chosen by whoever wrote an experiment file (a
 * strategy parameter value, shown in chart legends and the report) can be
 * fed through a whole run: the tests give it hostile tags.
 */
#include <parabench/plugin.h>

static const struct pb_param params[] = {
    {"tag", PB_STRING, "plain", 0, 0, NULL, "any text; only labels series"},
};

static int tagged_execute(const struct pb_job *job, int32_t *status,
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
    .size = sizeof(struct pb_strategy_hooks), .execute = tagged_execute};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_STRATEGY, "tagged",
		     "test only: tasks in order, with a free-text tag", "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .strategy = &hooks,
};
