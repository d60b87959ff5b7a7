/*
 * probe.c — a round's capacity probe (see probe.h).
 */
#include "probe.h"

#include <time.h>
#include <unistd.h>

#include "capacity.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The thread counts to probe beside 1: e's worker counts, capped at the
 * core count, each once, ascending. */
static size_t thread_counts(const struct pb_experiment *e, unsigned *out)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = 0;

	for (size_t k = 0; k < e->nworkers; k++) {
		unsigned t = e->workers[k];
		if (cores > 0 && t > (unsigned)cores)
			t = (unsigned)cores;
		bool seen = t < 2;
		for (size_t j = 0; j < n && !seen; j++)
			seen = out[j] == t;
		if (!seen && n < PB_PROBE_MAX_COUNTS - 1)
			out[n++] = t;
	}
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0 && out[b - 1] > out[b]; b--) {
			unsigned t = out[b];
			out[b] = out[b - 1];
			out[b - 1] = t;
		}
	return n;
}

static void tally(struct pb_probe *p, unsigned threads, double speedup)
{
	struct pb_probe_count *c = NULL;

	for (size_t k = 0; k < p->ncounts && !c; k++)
		if (p->counts[k].threads == threads)
			c = &p->counts[k];
	if (!c) {
		if (p->ncounts == PB_PROBE_MAX_COUNTS)
			return;
		c = &p->counts[p->ncounts++];
		*c = (struct pb_probe_count){
		    .threads = threads, .min = speedup, .max = speedup};
	}
	c->n++;
	c->sum += speedup;
	c->min = speedup < c->min ? speedup : c->min;
	c->max = speedup > c->max ? speedup : c->max;
}

int pb_probe_round(struct pb_probe *p, const struct pb_experiment *e,
		   unsigned round, struct pb_err *err)
{
	unsigned counts[PB_PROBE_MAX_COUNTS];
	size_t n = thread_counts(e, counts);
	struct pb_err ignored;
	double t1, tk;

	if (!p->csv)
		return PB_OK;
	if (!p->iters)
		p->iters =
		    pb_capacity_calibrate(p->target_s > 0 ? p->target_s : 0.05);
	double start = now_s() - p->t0;
	if (pb_capacity_probe(1, p->iters, &t1, &ignored) != PB_OK || !(t1 > 0))
		return PB_OK;
	tally(p, 1, 1);
	if (pb_capacity_csv_write(p->csv, e->name, round, start, 1, t1, 1, err))
		return PB_ERROR;
	for (size_t k = 0; k < n; k++) {
		start = now_s() - p->t0;
		if (pb_capacity_probe(counts[k], p->iters, &tk, &ignored) !=
			PB_OK ||
		    !(tk > 0))
			continue;
		double speedup = counts[k] * t1 / tk;
		tally(p, counts[k], speedup);
		if (pb_capacity_csv_write(p->csv, e->name, round, start,
					  counts[k], tk, speedup, err))
			return PB_ERROR;
	}
	return PB_OK;
}
