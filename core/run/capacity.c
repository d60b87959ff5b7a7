/*
 * capacity.c — the calibrated busy loop of the capacity probe (see
 * capacity.h).
 */
#include "capacity.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct probe {
	pthread_mutex_t lock;
	pthread_cond_t go;
	bool started; /* set once every thread exists (or one failed) */
	uint64_t iters;
};

/*
 * The loop: a 64-bit LCG kept in a register; the result leaves as the
 * thread's return value (read by nobody, but the compiler cannot know),
 * so the work cannot be dropped and no two threads write one variable.
 */
static void *spin(void *arg)
{
	struct probe *p = arg;
	uint64_t x = (uint64_t)(uintptr_t)&x, iters;

	pthread_mutex_lock(&p->lock);
	while (!p->started)
		pthread_cond_wait(&p->go, &p->lock);
	iters = p->iters;
	pthread_mutex_unlock(&p->lock);
	for (uint64_t k = 0; k < iters; k++)
		x = x * 6364136223846793005u + 1442695040888963407u;
	return (void *)(uintptr_t)x;
}

int pb_capacity_probe(unsigned threads, uint64_t iters, double *wall_s,
		      struct pb_err *err)
{
	struct probe p = {.lock = PTHREAD_MUTEX_INITIALIZER,
			  .go = PTHREAD_COND_INITIALIZER,
			  .iters = iters};
	pthread_t *tid = calloc(threads ? threads : 1, sizeof(*tid));
	unsigned made = 0;
	int e = 0;

	if (!tid)
		return pb_fail(err, "out of memory");
	while (made < threads &&
	       (e = pthread_create(&tid[made], NULL, spin, &p)) == 0)
		made++;
	pthread_mutex_lock(&p.lock);
	if (made < threads)
		p.iters = 0; /* the threads made end at once */
	p.started = true;
	double t0 = now_s();
	pthread_cond_broadcast(&p.go);
	pthread_mutex_unlock(&p.lock);
	for (unsigned k = 0; k < made; k++)
		pthread_join(tid[k], NULL);
	*wall_s = now_s() - t0;
	free(tid);
	if (made < threads)
		return pb_fail(err,
			       "capacity probe: cannot start thread %u: %s",
			       made + 1, strerror(e));
	return PB_OK;
}

uint64_t pb_capacity_calibrate(double target_s)
{
	uint64_t iters = 1u << 20;
	double best = 0, t;
	struct pb_err err;

	/* The fastest of three: outside load only ever slows the loop. */
	for (int k = 0; k < 3; k++)
		if (pb_capacity_probe(1, iters, &t, &err) == PB_OK &&
		    (best == 0 || t < best))
			best = t;
	if (!(best > 0))
		return 100000;
	double want = (double)iters * target_s / best;
	return want < 100000 ? 100000 : (uint64_t)want;
}
