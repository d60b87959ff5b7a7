/* Test-only: a strategy whose parameter default does not parse. */
#include <parabench/plugin.h>

static int execute(const struct pb_job *j, int32_t *s, struct pb_err *e)
{
	(void)j, (void)s, (void)e;
	return PB_OK;
}

static const struct pb_param params[] = {
    {"chunk", PB_INT, "lots", 1, 10, NULL, "bad default"},
};
static const struct pb_strategy_hooks hooks = {
    .size = sizeof(struct pb_strategy_hooks), .execute = execute};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_STRATEGY, "broken_default", "test", "1"),
    .params = params,
    .nparams = 1,
    .strategy = &hooks,
};
