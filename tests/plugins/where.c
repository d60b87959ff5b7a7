/*
 * where.c — TEST-ONLY workload that reports where its workers ran and
 * touches memory.
 *
 * Each task first touches `kib` KiB of fresh memory (one write per page:
 * page faults grow with it), then records the worker that ran it and the
 * CPU set that worker's thread was allowed at that moment
 * (sched_getaffinity). reduce writes, as metric `cpus`, one entry per
 * worker in worker order: "w0=0x1;w1=0x2" (CPUs 0-63 as a hex mask).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

enum { P_TASKS, P_KIB };

static const struct pb_param params[] = {
    [P_TASKS] = {PBT_TASKS_PARAM},
    [P_KIB] = {"kib", PB_INT, "0", 0, 1 << 20, NULL,
	       "KiB of fresh memory each task touches"},
};

static const struct pb_metric metrics[] = {
    {"cpus", "", "each worker's allowed CPUs, as w<k>=<hex mask>", 0},
};

struct where_result {
	uint32_t worker;
	uint32_t pad;
	uint64_t mask; /* allowed CPUs 0..63 */
};

static int where_setup(const struct pb_args *args, struct pb_host *host,
		       void **state, size_t *ntasks, struct pb_err *err)
{
	struct pbt_state *st = calloc(1, sizeof(*st));

	(void)host;
	if (!st)
		return pb_fail(err, "out of memory");
	st->tasks = (size_t)args->values[P_TASKS].u.i;
	st->v[P_KIB] = (long long)args->values[P_KIB].u.i;
	*state = st;
	*ntasks = st->tasks;
	return PB_OK;
}

static int where_worker_init(void *state, unsigned worker, void **ws,
			     struct pb_err *err)
{
	(void)state;
	(void)err;
	*ws = (void *)(uintptr_t)(worker + 1);
	return PB_OK;
}

static void touch(long long kib)
{
	size_t bytes = (size_t)kib * 1024;
	long page = sysconf(_SC_PAGESIZE);
	volatile char *p = bytes ? malloc(bytes) : NULL;

	for (size_t k = 0; p && k < bytes; k += (size_t)page)
		p[k] = 1;
	free((void *)p);
}

static int where_run_task(void *state, void *ws, size_t task, void *result,
			  struct pb_err *err)
{
	struct pbt_state *st = state;
	struct where_result r = {0};
	cpu_set_t set;

	(void)task;
	touch(st->v[P_KIB]);
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return pb_fail(err, "sched_getaffinity failed");
	/* worker_init not called: the strategy broke the contract */
	r.worker = ws ? (uint32_t)((uintptr_t)ws - 1) : UINT32_MAX;
	for (int c = 0; c < 64; c++)
		if (CPU_ISSET(c, &set))
			r.mask |= 1ull << c;
	memcpy(result, &r, sizeof(r));
	return PB_OK;
}

static int where_reduce(void *state, const void *results, size_t ntasks,
			struct pb_metric_value *m, struct pb_err *err)
{
	const struct where_result *r = results;
	uint32_t last = 0;
	size_t used = 0;

	(void)state;
	for (size_t k = 0; k < ntasks; k++) {
		if (r[k].worker == UINT32_MAX)
			return pb_fail(err, "task %zu ran without worker_init",
				       k);
		last = r[k].worker > last ? r[k].worker : last;
	}
	/* one entry per worker that ran a task, in worker order */
	for (uint32_t w = 0; ntasks && w <= last; w++) {
		for (size_t k = 0; k < ntasks; k++) {
			if (r[k].worker != w)
				continue;
			used += (size_t)snprintf(
			    m[0].text + used, sizeof(m[0].text) - used,
			    "%sw%u=0x%llx", used ? ";" : "", w,
			    (unsigned long long)r[k].mask);
			break;
		}
		if (used >= sizeof(m[0].text))
			return pb_fail(err, "too many workers to list");
	}
	return PB_OK;
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = where_setup,
    .worker_init = where_worker_init,
    .run_task = where_run_task,
    .reduce = where_reduce,
    .teardown = pbt_teardown,
};

PBT_TEST_WORKLOAD("where", "test only: where workers ran; memory touched",
		  "1.0", sizeof(struct where_result));
