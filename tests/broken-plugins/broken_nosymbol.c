/* Test-only: a shared object without the parabench symbol (registry tests). */
int parabench_plugin_typo = 1;
