/* Test-only: a descriptor whose reserved members are not zero. */
#include "broken_common.h"

static const struct pb_strategy_hooks hooks = {
    .size = sizeof(struct pb_strategy_hooks), .execute = brk_execute};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_STRATEGY, "broken_reserved", "test", "1"),
    .strategy = &hooks,
    .reserved = {0, 0, 5, 0},
};
