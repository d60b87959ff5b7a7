/*
 * pthreads.c — tasks spread over POSIX threads of the cell's process.
 *
 * schedule: dynamic — threads claim `chunk` task indices at a time from one
 *           shared atomic counter: balances uneven tasks, one atomic add per
 *           chunk. chunk 0 is automatic, as in every strategy
 *           (strategy_util.h): ceil(tasks / (4 x workers)).
 * schedule: static  — thread w runs the contiguous share
 *           [w*n/W, (w+1)*n/W): no shared counter at all, like OpenMP's
 *           schedule(static); `chunk` is not used.
 * Every worker is a thread of its own (the calling thread only waits), so
 * the cost of creating `workers` threads is part of what is measured.
 * The first task error stops the claiming of new chunks and is reported.
 */
#define _GNU_SOURCE
#include <parabench/plugin.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "strategy_util.h"

static const struct pb_param params[] = {
    [PBS_P_SCHEDULE] = PBS_PARAM_SCHEDULE("claim chunks from a shared counter"),
    [PBS_P_CHUNK] = PBS_PARAM_CHUNK("1"),
};

struct shared {
	const struct pb_job *job;
	bool dynamic;
	size_t chunk;
	atomic_size_t next;
	atomic_bool stop;
	pthread_mutex_t lock; /* guards err and failed */
	struct pb_err err;
	bool failed;
};

struct worker {
	struct shared *sh;
	unsigned index;
	pthread_t thread;
};

static void fail_once(struct shared *sh, const struct pb_err *err)
{
	pthread_mutex_lock(&sh->lock);
	if (!sh->failed) {
		sh->failed = true;
		sh->err = *err;
	}
	pthread_mutex_unlock(&sh->lock);
	atomic_store(&sh->stop, true);
}

/* Runs tasks [lo, hi) unless another worker failed. */
static int run_range(struct shared *sh, void *ws, size_t lo, size_t hi,
		     struct pb_err *err)
{
	for (size_t i = lo; i < hi; i++) {
		if (atomic_load_explicit(&sh->stop, memory_order_relaxed))
			return PB_OK;
		if (pb_job_run_task(sh->job, ws, i, err))
			return PB_ERROR;
	}
	return PB_OK;
}

static int run_worker(struct worker *w, void *ws, struct pb_err *err)
{
	struct shared *sh = w->sh;
	size_t n = sh->job->ntasks, W = sh->job->workers;

	if (!sh->dynamic)
		return run_range(sh, ws, n * w->index / W,
				 n * (w->index + 1) / W, err);
	for (;;) {
		size_t lo = atomic_fetch_add(&sh->next, sh->chunk);
		if (lo >= n)
			return PB_OK;
		size_t hi = lo + sh->chunk < n ? lo + sh->chunk : n;
		if (run_range(sh, ws, lo, hi, err))
			return PB_ERROR;
	}
}

static void *thread_main(void *arg)
{
	struct worker *w = arg;
	struct pb_err err = {{0}};
	void *ws;

	if (pb_job_worker_init(w->sh->job, w->index, &ws, &err)) {
		fail_once(w->sh, &err);
		return NULL;
	}
	if (run_worker(w, ws, &err))
		fail_once(w->sh, &err);
	pb_job_worker_fini(w->sh->job, ws);
	return NULL;
}

static int pthreads_execute(const struct pb_job *job, int32_t *status,
			    struct pb_err *err)
{
	struct shared sh = {
	    .job = job,
	    .dynamic = pbs_dynamic(job),
	    .chunk = (size_t)pbs_chunk(job),
	    .lock = PTHREAD_MUTEX_INITIALIZER,
	};
	struct worker *w = calloc(job->workers, sizeof(*w));
	unsigned started = 0;
	int rc;

	*status = PB_STATUS_FAILED;
	if (!w)
		return pb_fail(err, "out of memory for %u threads",
			       job->workers);
	atomic_init(&sh.next, 0);
	atomic_init(&sh.stop, false);
	for (; started < job->workers; started++) {
		w[started] = (struct worker){.sh = &sh, .index = started};
		rc = pthread_create(&w[started].thread, NULL, thread_main,
				    &w[started]);
		if (rc) {
			/* Threads already started may be failing too: the
			 * lock, as for them (fail_once). */
			struct pb_err why;
			pb_fail(&why, "cannot create thread %u of %u: %s",
				started + 1, job->workers, strerror(rc));
			fail_once(&sh, &why);
			break;
		}
	}
	for (unsigned k = 0; k < started; k++)
		pthread_join(w[k].thread, NULL);
	free(w);
	pthread_mutex_destroy(&sh.lock);
	if (sh.failed) {
		*err = sh.err;
		return PB_ERROR;
	}
	return PB_OK;
}

static const struct pb_strategy_hooks hooks = {
    .size = sizeof(struct pb_strategy_hooks), .execute = pthreads_execute};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_STRATEGY, "pthreads",
		     "tasks spread over POSIX threads sharing memory", "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .strategy = &hooks,
};
