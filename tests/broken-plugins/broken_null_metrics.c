/* Test-only: three metrics declared, but no table (issue 13.16). */
#include "broken_common.h"

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks), BRK_WORKLOAD_HOOKS};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "broken_null_metrics", "test", "1"),
    .metrics = NULL,
    .nmetrics = 3,
    .result_size = 1,
    .workload = &hooks,
};
