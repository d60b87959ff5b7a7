/*
 * probe.c — a round's capacity probe (see probe.h).
 */
#include "probe.h"

#include <math.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "capacity.h"
#include "lib/machine.h"

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

static void tally(struct pb_probe *p, unsigned threads, double speedup,
		  bool contended)
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
	c->n_contended += contended;
	c->sum += speedup;
	c->min = speedup < c->min ? speedup : c->min;
	c->max = speedup > c->max ? speedup : c->max;
}

/* The CPU seconds this process (the probe's threads) has used. */
static double own_cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return NAN;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/*
 * Measures 1 thread, then each of counts[0 .. n-1], into rows (rows[0]:
 * 1 thread); the count of rows measured, 0 when 1 thread failed.
 */
static size_t measure(struct pb_probe *p, const unsigned *counts, size_t n,
		      struct pb_capacity_row *rows)
{
	struct pb_err ignored;
	size_t m = 0;
	double t1, tk;

	rows[0].started_s = now_s() - p->t0;
	if (pb_capacity_probe(1, p->iters, &t1, &ignored) != PB_OK || !(t1 > 0))
		return 0;
	rows[m++] = (struct pb_capacity_row){.started_s = rows[0].started_s,
					     .threads = 1,
					     .wall_s = t1,
					     .speedup = 1};
	for (size_t k = 0; k < n; k++) {
		double start = now_s() - p->t0;
		if (pb_capacity_probe(counts[k], p->iters, &tk, &ignored) !=
			PB_OK ||
		    !(tk > 0))
			continue;
		rows[m++] =
		    (struct pb_capacity_row){.started_s = start,
					     .threads = counts[k],
					     .wall_s = tk,
					     .speedup = counts[k] * t1 / tk};
	}
	return m;
}

int pb_probe_round(struct pb_probe *p, const struct pb_experiment *e,
		   unsigned round, long cell, struct pb_err *err)
{
	unsigned counts[PB_PROBE_MAX_COUNTS];
	struct pb_capacity_row rows[PB_PROBE_MAX_COUNTS];
	size_t n = thread_counts(e, counts);

	if (!p->csv)
		return PB_OK;
	if (!p->iters)
		p->iters =
		    pb_capacity_calibrate(p->target_s > 0 ? p->target_s : 0.05);
	struct pb_cpu_times a = pb_cpu_times_now();
	double own = own_cpu_s();
	size_t m = measure(p, counts, n, rows);
	struct pb_cpu_times b = pb_cpu_times_now();
	double other = pb_other_cpu_s(&a, &b, own_cpu_s() - own);
	bool contended = pb_is_contended(other, b.at - a.at, e->contention);

	for (size_t k = 0; k < m; k++) {
		rows[k].experiment = e->name;
		rows[k].round = round;
		rows[k].cell = cell;
		rows[k].other_cpu_s = other;
		rows[k].contended = contended;
		tally(p, rows[k].threads, rows[k].speedup, contended);
		if (pb_capacity_csv_write(p->csv, &rows[k], err))
			return PB_ERROR;
	}
	return PB_OK;
}
