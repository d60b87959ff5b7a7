/* Test-only: a metric name that would split runs.csv (issue 13.17). */
#include "broken_common.h"

static const struct pb_metric metrics[] = {
    {"ok", "", "fine", 0},
    {"a,b\nc", "", "a comma and a newline", 0},
};
static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks), BRK_WORKLOAD_HOOKS};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "broken_metric_name", "test", "1"),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = 1,
    .workload = &hooks,
};
