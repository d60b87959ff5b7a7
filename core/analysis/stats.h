/*
 * stats.h — the statistics of one cell's wall times: pure functions on
 * arrays of doubles, no I/O.
 *
 * The interval of the median is the distribution-free order-statistic
 * interval: [x(j), x(n-j+1)] of the sorted sample, with the largest j whose
 * coverage 1 - 2 P(B <= j-1), B ~ Binomial(n, 1/2), is at least 95%. It
 * assumes only independent runs from one continuous distribution, and it
 * needs no random numbers. From n = 6 on such a j exists (n = 6 gives
 * min..max at 96.9%); below, no order-statistic interval reaches 95%, so
 * the interval given is min..max with its true, lower coverage
 * 1 - 2^(1-n) (n = 3: 75%), flagged by ci_95 = false.
 *
 * Outliers are counted with Iglewicz and Hoaglin's modified z-score,
 * M = 0.6745 (x - median) / MAD, flagging |M| > 3.5. (hyperfine uses the
 * same score, with a looser threshold.) With MAD = 0 — more than half the
 * runs identical — there is no spread to judge by and none is counted.
 */
#ifndef PB_STATS_H
#define PB_STATS_H

#include <parabench/plugin.h>

/* The statistics of one sample. */
struct pb_stats {
	size_t n;
	double mean, median;
	double stddev; /* sample standard deviation (n - 1); NaN when n < 2 */
	double cv;     /* stddev / mean; NaN when n < 2 or mean == 0 */
	double min, max;
	double ci_lo, ci_hi; /* interval of the median, see the top */
	double ci_level;     /* its exact coverage, 0..1 */
	bool ci_95;	     /* true: an order-statistic interval >= 95% */
	size_t outliers;     /* |modified z| > 3.5 */
};

/* The 95% target of the median's interval. */
#define PB_CI_TARGET 0.95
/* The modified z-score above which a run counts as an outlier. */
#define PB_OUTLIER_Z 3.5

/*
 * Computes every statistic of x[0..n-1] (n >= 1, finite values; x is not
 * changed). Fails on n == 0 or when out of memory.
 */
int pb_stats_compute(const double *x, size_t n, struct pb_stats *out,
		     struct pb_err *err);

/* The arithmetic mean of x (n >= 1). */
double pb_mean(const double *x, size_t n);

/* The sample standard deviation (divisor n - 1); NaN when n < 2. */
double pb_stddev(const double *x, size_t n);

/* The median of an ascending array (mean of the middle two when even). */
double pb_median_sorted(const double *sorted, size_t n);

/*
 * The median of x, which is sorted in place (n >= 1). For callers that own
 * a scratch copy.
 */
double pb_median_inplace(double *x, size_t n);

/*
 * The order-statistic interval of the median for n runs: 1-based ranks
 * *lo <= *hi of the sorted sample, and the interval's coverage. Returns
 * true when the coverage reaches target; otherwise gives 1..n (min..max)
 * and its coverage and returns false. n >= 1.
 */
bool pb_median_ci_ranks(size_t n, double target, size_t *lo, size_t *hi,
			double *coverage);

/*
 * The number of values of x with |0.6745 (x - median) / MAD| > threshold;
 * 0 when MAD is 0. Fails only when out of memory (returns (size_t)-1).
 */
size_t pb_count_outliers(const double *x, size_t n, double threshold);

/* Sorts x ascending in place. */
void pb_sort_doubles(double *x, size_t n);

#endif
