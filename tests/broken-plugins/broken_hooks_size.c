/* Test-only: workload hooks without their size (.size left out). */
#include "broken_common.h"

static const struct pb_workload_hooks hooks = {BRK_WORKLOAD_HOOKS};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "broken_hooks_size", "test", "1"),
    .result_size = 1,
    .workload = &hooks,
};
