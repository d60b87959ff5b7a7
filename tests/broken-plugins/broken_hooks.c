/* Test-only: a workload lacking its required run_task hook. */
#include <parabench/plugin.h>
#include <stddef.h>

static int setup(const struct pb_args *a, struct pb_host *h, void **s,
		 size_t *n, struct pb_err *e)
{
	(void)a, (void)h, (void)e;
	*s = NULL;
	*n = 1;
	return PB_OK;
}

static int reduce(void *s, const void *r, size_t n, struct pb_metric_value *m,
		  struct pb_err *e)
{
	(void)s, (void)r, (void)n, (void)m, (void)e;
	return PB_OK;
}

static void teardown(void *s)
{
	(void)s;
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = setup,
    .reduce = reduce,
    .teardown = teardown};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "broken_hooks", "test", "1"),
    .result_size = 1,
    .workload = &hooks,
};
