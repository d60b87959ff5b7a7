/* Test-only: two parameters declared, but no table (issue 13.16). */
#include "broken_common.h"

static const struct pb_strategy_hooks hooks = {
    .size = sizeof(struct pb_strategy_hooks), .execute = brk_execute};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_STRATEGY, "broken_null_params", "test", "1"),
    .params = NULL,
    .nparams = 2,
    .strategy = &hooks,
};
