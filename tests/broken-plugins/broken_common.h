/*
 * broken_common.h — the hooks the refused test plugins share: a strategy
 * that runs nothing and a workload of one task. Each broken plugin gets
 * its descriptor wrong in exactly one way.
 */
#ifndef PBT_BROKEN_COMMON_H
#define PBT_BROKEN_COMMON_H

#include <parabench/plugin.h>

static inline int brk_execute(const struct pb_job *j, int32_t *s,
			      struct pb_err *e)
{
	(void)j, (void)s, (void)e;
	return PB_OK;
}

static inline int brk_setup(const struct pb_args *a, struct pb_host *h,
			    void **s, size_t *n, struct pb_err *e)
{
	(void)a, (void)h, (void)e;
	*s = NULL;
	*n = 1;
	return PB_OK;
}

static inline int brk_run_task(void *s, void *w, size_t i, void *r,
			       struct pb_err *e)
{
	(void)s, (void)w, (void)i, (void)e;
	*(char *)r = 1;
	return PB_OK;
}

static inline int brk_reduce(void *s, const void *r, size_t n,
			     struct pb_metric_value *m, struct pb_err *e)
{
	(void)s, (void)r, (void)n, (void)m, (void)e;
	return PB_OK;
}

static inline void brk_teardown(void *s)
{
	(void)s;
}

#define BRK_WORKLOAD_HOOKS                                                     \
	.setup = brk_setup, .run_task = brk_run_task, .reduce = brk_reduce,    \
	.teardown = brk_teardown

#endif
