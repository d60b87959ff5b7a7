/*
 * status42.c — TEST-ONLY strategy that fails with a status outside
 * PB_STATUS_FAILED and PB_STATUS_CRASHED (42): the host must record the
 * repetition as failed, naming the strategy (issue 13.18).
 */
#include <parabench/plugin.h>

static int execute(const struct pb_job *job, int32_t *status,
		   struct pb_err *err)
{
	(void)job;
	*status = 42;
	return pb_fail(err, "gave up on purpose");
}

static const struct pb_strategy_hooks hooks = {
    .size = sizeof(struct pb_strategy_hooks), .execute = execute};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_STRATEGY, "status42",
		     "test only: fails with status 42", "1.0"),
    .strategy = &hooks,
};
