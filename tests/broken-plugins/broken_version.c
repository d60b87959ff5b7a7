/* Test-only: an ABI version that never existed (0). */
#include <parabench/plugin.h>

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    .magic = PB_MAGIC,
    .abi_version = 0,
    .struct_size = sizeof(struct pb_plugin),
    .kind = PB_KIND_STRATEGY,
    .name = "broken_version",
};
