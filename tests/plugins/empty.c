/*
 * empty.c — TEST-ONLY workload whose tasks do (almost) nothing.
 *
 * Built by the Makefile into $BUILD/test-plugins/ for the tests and never
 * installed; bench/strategy_overhead.sh uses it to measure what a strategy
 * costs by itself. Each task writes one byte, the low byte of its index, so
 * that verify can check that a strategy moved every result to its own slot:
 * one byte per task keeps the transport cost minimal. `tasks` may be 0, to
 * test strategies on an empty job.
 */
#include "common.h"

enum { P_TASKS };

static const struct pb_param params[] = {
    [P_TASKS] = {"tasks", PB_INT, "1", 0, 1e9, NULL,
		 "number of tasks (0 allowed)"},
};

static const struct pb_metric metrics[] = {
    {"tasks", "", "number of results reduced", 0},
};

static int empty_run_task(void *state, void *worker, size_t task, void *result,
			  struct pb_err *err)
{
	(void)state;
	(void)worker;
	(void)err;
	*(uint8_t *)result = (uint8_t)task;
	return PB_OK;
}

static int empty_reduce(void *state, const void *results, size_t ntasks,
			struct pb_metric_value *m, struct pb_err *err)
{
	(void)state;
	(void)results;
	(void)err;
	m[0].value = (double)ntasks;
	return PB_OK;
}

/* Right when result k holds the low byte of k, for every k. */
static int empty_verify(void *state, const void *results, size_t ntasks,
			const struct pb_metric_value *m, struct pb_err *err)
{
	const uint8_t *r = results;

	(void)state;
	(void)m;
	for (size_t k = 0; k < ntasks; k++)
		if (r[k] != (uint8_t)k)
			return pb_fail(err,
				       "result of task %zu is %u, expected %u: "
				       "the strategy lost or misplaced it",
				       k, r[k], (uint8_t)k);
	return PB_OK;
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = pbt_setup_stateless,
    .run_task = empty_run_task,
    .reduce = empty_reduce,
    .verify = empty_verify,
    .teardown = pbt_teardown,
};

PBT_TEST_WORKLOAD("empty",
		  "test only: tasks that do nothing (strategy overhead)", "1.0",
		  1);
