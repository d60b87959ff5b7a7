/* Test-only: a descriptor with a foreign magic number (registry tests). */
#include <parabench/plugin.h>

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    .magic = 0x1234,
    .abi_version = PB_ABI_VERSION,
    .struct_size = sizeof(struct pb_plugin),
    .kind = PB_KIND_STRATEGY,
    .name = "broken_magic",
};
