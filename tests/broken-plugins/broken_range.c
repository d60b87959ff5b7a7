/* Test-only: a number parameter with the version 1 "0, 0" range. */
#include "broken_common.h"

static const struct pb_param params[] = {
    {"chunk", PB_INT, "1", 0, 0, NULL, "unbounded the old way"},
};
static const struct pb_strategy_hooks hooks = {
    .size = sizeof(struct pb_strategy_hooks), .execute = brk_execute};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_STRATEGY, "broken_range", "test", "1"),
    .params = params,
    .nparams = PB_COUNT(params),
    .strategy = &hooks,
};
