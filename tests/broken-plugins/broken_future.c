/*
 * Test-only: a descriptor from a later ABI version (ours + 1), larger,
 * whose bytes beyond ours are not zero: it uses something this host lacks.
 */
#include "broken_common.h"

static const struct pb_strategy_hooks hooks = {
    .size = sizeof(struct pb_strategy_hooks), .execute = brk_execute};

/* Version 3's descriptor, as a later header might declare it. */
struct pb_plugin_v3 {
	struct pb_plugin v2;
	uint64_t added_in_3[2];
};

PB_EXPORT const struct pb_plugin_v3 PB_PLUGIN_SYMBOL = {
    .v2 = {.magic = PB_MAGIC,
	   .abi_version = PB_ABI_VERSION + 1,
	   .struct_size = sizeof(struct pb_plugin_v3),
	   .kind = PB_KIND_STRATEGY,
	   .param_size = sizeof(struct pb_param),
	   .metric_size = sizeof(struct pb_metric),
	   .name = "broken_future",
	   .strategy = &hooks},
    .added_in_3 = {0, 7},
};
