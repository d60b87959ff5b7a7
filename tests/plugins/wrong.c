/*
 * wrong.c — TEST-ONLY workload whose verify always rejects the answer.
 *
 * Built by the Makefile into $BUILD/test-plugins/ for the tests and never
 * installed. Every task writes task + 1 and succeeds; verify fails with a
 * message, so every strategy must record the repetition as `wrong`.
 */
#include <parabench/plugin.h>
#include <stdlib.h>

enum { P_TASKS };

static const struct pb_param params[] = {
    [P_TASKS] = {"tasks", PB_INT, "8", 1, 1e9, NULL, "number of tasks"},
};

static const struct pb_metric metrics[] = {
    {"sum", "", "sum of task + 1 over the tasks"},
};

static int wrong_setup(const struct pb_args *args, struct pb_host *host,
		       void **state, size_t *ntasks, struct pb_err *err)
{
	(void)host;
	(void)err;
	*state = NULL;
	*ntasks = (size_t)args->values[P_TASKS].u.i;
	return PB_OK;
}

static int wrong_run_task(void *state, void *worker, size_t task, void *result,
			  struct pb_err *err)
{
	uint64_t value = task + 1;

	(void)state;
	(void)worker;
	(void)err;
	memcpy(result, &value, sizeof(value));
	return PB_OK;
}

static int wrong_reduce(void *state, const void *results, size_t ntasks,
			struct pb_metric_value *m, struct pb_err *err)
{
	const uint64_t *r = results;
	uint64_t sum = 0;

	(void)state;
	(void)err;
	for (size_t k = 0; k < ntasks; k++)
		sum += r[k];
	m[0].value = (double)sum;
	return PB_OK;
}

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

static void wrong_teardown(void *state)
{
	(void)state;
}

static const struct pb_workload_hooks hooks = {
    .setup = wrong_setup,
    .run_task = wrong_run_task,
    .reduce = wrong_reduce,
    .verify = wrong_verify,
    .teardown = wrong_teardown,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "wrong",
		     "test only: verify rejects every answer", "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(uint64_t),
    .workload = &hooks,
};
