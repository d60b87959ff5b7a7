/*
 * noisy.c — TEST-ONLY workload whose tasks print a line to stdout and to
 * stderr, as a careless plugin would: with the runner's stdout or stderr
 * closed, the lines must not land in a file of the results folder.
 * Tasks write task + 1.
 */
#include <stdio.h>

#include "common.h"

enum { P_TASKS };

static const struct pb_param params[] = {
    [P_TASKS] = {PBT_TASKS_PARAM},
};

static const struct pb_metric metrics[] = {
    {"sum", "", "sum of task + 1 over the tasks", 0},
};

static int noisy_run_task(void *state, void *worker, size_t task, void *result,
			  struct pb_err *err)
{
	printf("noise from task %zu\n", task);
	fflush(stdout);
	fprintf(stderr, "noise from task %zu\n", task);
	return pbt_run_task_plus_one(state, worker, task, result, err);
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = pbt_setup_stateless,
    .run_task = noisy_run_task,
    .reduce = pbt_reduce_sum,
    .teardown = pbt_teardown,
};

PBT_TEST_WORKLOAD("noisy", "test only: tasks print to stdout and stderr", "1.0",
		  sizeof(uint64_t));
