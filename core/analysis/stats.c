/*
 * stats.c — means, medians, spreads, the median's interval and outliers
 * (see stats.h for the methods and why).
 */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void pb_sort_doubles(double *x, size_t n)
{
	qsort(x, n, sizeof(*x), cmp_double);
}

/*
 * Both work on x - x[0]: repeated timings are close together, and the
 * shift keeps equal values exactly equal to their mean (stddev 0, not
 * 1e-16) and loses fewer digits to cancellation.
 */
double pb_mean(const double *x, size_t n)
{
	double sum = 0;

	for (size_t k = 0; k < n; k++)
		sum += x[k] - x[0];
	return x[0] + sum / (double)n;
}

double pb_stddev(const double *x, size_t n)
{
	double m, ss = 0;

	if (n < 2)
		return NAN;
	m = pb_mean(x, n) - x[0];
	for (size_t k = 0; k < n; k++)
		ss += (x[k] - x[0] - m) * (x[k] - x[0] - m);
	return sqrt(ss / (double)(n - 1));
}

double pb_median_sorted(const double *sorted, size_t n)
{
	if (n % 2)
		return sorted[n / 2];
	return (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

double pb_median_inplace(double *x, size_t n)
{
	pb_sort_doubles(x, n);
	return pb_median_sorted(x, n);
}

/* P(B = i) for B ~ Binomial(n, 1/2), in log space so any n works. */
static double binom_half_pmf(size_t n, size_t i)
{
	return exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
		   lgamma((double)(n - i) + 1) + (double)n * log(0.5));
}

bool pb_median_ci_ranks(size_t n, double target, size_t *lo, size_t *hi,
			double *coverage)
{
	double cdf = binom_half_pmf(n, 0); /* P(B <= j - 1) */
	size_t j = 1;

	*lo = 1;
	*hi = n;
	*coverage = n < 2 ? 0 : 1 - 2 * cdf;
	if (*coverage < target)
		return false;
	/* Narrow (j + 1) while the interval still covers the target. */
	while (j + 1 <= (n + 1) / 2) {
		double next = cdf + binom_half_pmf(n, j);
		if (1 - 2 * next < target)
			break;
		cdf = next;
		j++;
		*coverage = 1 - 2 * cdf;
	}
	*lo = j;
	*hi = n - j + 1;
	return true;
}

size_t pb_count_outliers(const double *x, size_t n, double threshold)
{
	double *dev = malloc(n * sizeof(*dev) + 1);
	double med, mad;
	size_t count = 0;

	if (!dev)
		return (size_t)-1;
	memcpy(dev, x, n * sizeof(*dev));
	med = pb_median_inplace(dev, n);
	for (size_t k = 0; k < n; k++)
		dev[k] = fabs(x[k] - med);
	mad = pb_median_inplace(dev, n);
	free(dev);
	if (mad == 0)
		return 0;
	for (size_t k = 0; k < n; k++)
		count += fabs(0.6745 * (x[k] - med) / mad) > threshold;
	return count;
}

int pb_stats_compute(const double *x, size_t n, struct pb_stats *out,
		     struct pb_err *err)
{
	double *s;
	size_t lo, hi;

	if (n == 0)
		return pb_fail(err, "no values to summarise");
	s = malloc(n * sizeof(*s));
	if (!s)
		return pb_fail(err, "out of memory summarising %zu values", n);
	memcpy(s, x, n * sizeof(*s));
	pb_sort_doubles(s, n);
	*out = (struct pb_stats){.n = n};
	out->mean = pb_mean(x, n);
	out->median = pb_median_sorted(s, n);
	out->stddev = pb_stddev(x, n);
	out->cv = n > 1 && out->mean != 0 ? out->stddev / out->mean : NAN;
	out->min = s[0];
	out->max = s[n - 1];
	out->ci_95 =
	    pb_median_ci_ranks(n, PB_CI_TARGET, &lo, &hi, &out->ci_level);
	out->ci_lo = s[lo - 1];
	out->ci_hi = s[hi - 1];
	free(s);
	out->outliers = pb_count_outliers(x, n, PB_OUTLIER_Z);
	if (out->outliers == (size_t)-1)
		return pb_fail(err, "out of memory counting outliers");
	return PB_OK;
}
