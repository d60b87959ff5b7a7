/*
 * @NAME@.c — a parabench strategy (written by `parabench new strategy`).
 *
 * It runs the tasks on `workers` threads, each taking one contiguous block
 * of task indices (a static schedule). Replace the scheduling with your
 * own; keep the rules of <parabench/plugin.h> ("What a strategy must do"):
 * every task once, worker_init before a worker's first task and
 * worker_fini after its last, in that worker, and nothing left behind.
 *
 * Build: make        Run: parabench run @NAME@.yaml --plugin-dir .
 */
#include <parabench/plugin.h>
#include <pthread.h>
#include <stdlib.h>

/* One worker: its block of tasks and how it ended. */
struct worker {
	const struct pb_job *job;
	unsigned index;
	size_t first, last; /* tasks first..last-1 */
	int rc;
	struct pb_err err;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	void *ws;

	w->rc = pb_job_worker_init(w->job, w->index, &ws, &w->err);
	if (w->rc != PB_OK)
		return NULL;
	for (size_t i = w->first; i < w->last && w->rc == PB_OK; i++)
		w->rc = pb_job_run_task(w->job, ws, i, &w->err);
	pb_job_worker_fini(w->job, ws);
	return NULL;
}

/* REQUIRED. Timed. Runs every task once; on failure says why. */
static int execute(const struct pb_job *job, int32_t *status,
		   struct pb_err *err)
{
	unsigned n = job->workers;
	struct worker *w = calloc(n, sizeof(*w));
	pthread_t *t = calloc(n, sizeof(*t));
	unsigned started = 0;
	int rc = PB_OK;

	*status = PB_STATUS_FAILED;
	if (!w || !t) {
		free(w);
		free(t);
		return pb_fail(err, "out of memory for %u workers", n);
	}
	for (unsigned k = 0; k < n; k++) {
		w[k] = (struct worker){.job = job,
				       .index = k,
				       .first = job->ntasks * k / n,
				       .last = job->ntasks * (k + 1) / n};
		if (pthread_create(&t[k], NULL, work, &w[k])) {
			rc = pb_fail(err, "cannot start worker %u", k);
			break;
		}
		started++;
	}
	for (unsigned k = 0; k < started; k++) {
		pthread_join(t[k], NULL);
		if (rc == PB_OK && w[k].rc != PB_OK) {
			rc = PB_ERROR;
			*err = w[k].err;
		}
	}
	free(w);
	free(t);
	return rc;
}

static const struct pb_strategy_hooks hooks = {
    .size = sizeof(struct pb_strategy_hooks),
    .execute = execute,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_STRATEGY, "@NAME@",
		     "threads with contiguous blocks of tasks (example)",
		     "0.1"),
    .strategy = &hooks,
};
