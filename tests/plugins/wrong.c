/*
 * wrong.c — TEST-ONLY workload whose verify always rejects the answer.
 *
 * Built by the Makefile into $BUILD/test-plugins/ for the tests and never
 * installed. Every task writes task + 1 and succeeds; verify fails with a
 * message, so every strategy must record the repetition as `wrong`.
 */
#include "common.h"

enum { P_TASKS };

static const struct pb_param params[] = {
    [P_TASKS] = {PBT_TASKS_PARAM},
};

static const struct pb_metric metrics[] = {
    {"sum", "", "sum of task + 1 over the tasks", 0},
};

static int wrong_verify(void *state, const void *results, size_t ntasks,
			const struct pb_metric_value *m, struct pb_err *err)
{
	(void)state;
	(void)results;
	return pb_fail(err,
		       "sum %.0f over %zu tasks rejected on purpose (the "
		       "'wrong' test workload rejects every answer)",
		       m[0].value, ntasks);
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = pbt_setup_stateless,
    .run_task = pbt_run_task_plus_one,
    .reduce = pbt_reduce_sum,
    .verify = wrong_verify,
    .teardown = pbt_teardown,
};

PBT_TEST_WORKLOAD("wrong", "test only: verify rejects every answer", "1.0",
		  sizeof(uint64_t));
