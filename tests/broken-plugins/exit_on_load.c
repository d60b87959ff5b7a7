/*
 * Test-only: a valid strategy whose constructor calls exit(0), as a
 * careless library might: the program must end with status 2 and name
 * this file, never exit 0 with nothing done.
 */
#include <parabench/plugin.h>
#include <stdlib.h>

__attribute__((constructor)) static void leave(void)
{
	exit(0);
}

static int execute(const struct pb_job *j, int32_t *s, struct pb_err *e)
{
	(void)j, (void)s, (void)e;
	return PB_OK;
}

static const struct pb_strategy_hooks hooks = {
    .size = sizeof(struct pb_strategy_hooks), .execute = execute};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_STRATEGY, "exit_on_load", "test", "1"),
    .strategy = &hooks,
};
