/* Test-only: a version 2 descriptor smaller than version 2's (registry
 * tests). */
#include <parabench/plugin.h>

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    .magic = PB_MAGIC,
    .abi_version = PB_ABI_VERSION,
    .struct_size = 24,
    .kind = PB_KIND_STRATEGY,
    .name = "broken_size",
};
