/*
 * bench_util.h — what every bench driver measures with: a monotonic clock
 * in seconds and the median of a sample. Header-only (static inline): each
 * driver is one translation unit, built by its .sh beside it.
 */
#ifndef PB_BENCH_UTIL_H
#define PB_BENCH_UTIL_H

#include <math.h>
#include <stdlib.h>
#include <time.h>

/* CLOCK_MONOTONIC, in seconds. */
static inline double bench_now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n-1] (sorts v); NaN if any is NaN or n is 0. */
static inline double bench_median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	for (size_t k = 0; k < n; k++)
		if (isnan(v[k]))
			return NAN;
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
