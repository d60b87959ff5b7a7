/*
 * test_stats.c — the statistics of a cell against values computed
 * independently: python3's statistics module (mean, median, stdev) and
 * exact binomial sums with math.comb / fractions (the coverage of the
 * median's order-statistic interval). The numbers are pasted below with
 * the expression that produced them.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "analysis/stats.h"

/* python3: x = [2.5, 3.1, 2.9, 3.3, 2.7, 3.0, 10.0] */
static const double x7[] = {2.5, 3.1, 2.9, 3.3, 2.7, 3.0, 10.0};

Test(stats, mean_median_stddev_match_python)
{
	struct pb_stats s;
	struct pb_err err = {{0}};

	cr_assert_eq(pb_stats_compute(x7, 7, &s, &err), PB_OK, "%s", err.msg);
	cr_assert_eq(s.n, 7);
	/* statistics.mean(x), .median(x), .stdev(x), stdev/mean */
	cr_assert_float_eq(s.mean, 3.92857142857, 1e-10);
	cr_assert_float_eq(s.median, 3.0, 1e-12);
	cr_assert_float_eq(s.stddev, 2.68992830494, 1e-10);
	cr_assert_float_eq(s.cv, 0.684709023075, 1e-10);
	cr_assert_eq(s.min, 2.5);
	cr_assert_eq(s.max, 10.0);
}

Test(stats, even_count_median_and_small_times)
{
	/* python3: y below; mean 0.0123875, median 0.01235,
	 * stdev 0.000387067731245 */
	const double y[] = {0.0123, 0.0119, 0.0131, 0.0122,
			    0.0127, 0.0125, 0.0120, 0.0124};
	struct pb_stats s;

	cr_assert_eq(pb_stats_compute(y, 8, &s, NULL), PB_OK);
	cr_assert_float_eq(s.mean, 0.0123875, 1e-15);
	cr_assert_float_eq(s.median, 0.01235, 1e-15);
	cr_assert_float_eq(s.stddev, 0.000387067731245, 1e-14);
}

Test(stats, input_is_not_reordered)
{
	double x[7];
	struct pb_stats s;

	memcpy(x, x7, sizeof(x));
	cr_assert_eq(pb_stats_compute(x, 7, &s, NULL), PB_OK);
	cr_assert(memcmp(x, x7, sizeof(x)) == 0);
}

Test(stats, equal_values_have_zero_spread)
{
	const double x[] = {0.7, 0.7, 0.7};
	struct pb_stats s;

	cr_assert_eq(pb_stats_compute(x, 3, &s, NULL), PB_OK);
	cr_assert_eq(s.mean, 0.7);
	cr_assert_eq(s.stddev, 0.0);
	cr_assert_eq(s.cv, 0.0);
	cr_assert_eq(s.outliers, 0);
}

Test(stats, one_value)
{
	const double x[] = {1.5};
	struct pb_stats s;

	cr_assert_eq(pb_stats_compute(x, 1, &s, NULL), PB_OK);
	cr_assert_eq(s.median, 1.5);
	cr_assert(isnan(s.stddev));
	cr_assert(isnan(s.cv));
	cr_assert_eq(s.ci_lo, 1.5);
	cr_assert_eq(s.ci_hi, 1.5);
	cr_assert_eq(s.ci_level, 0.0);
	cr_assert_not(s.ci_95);
}

Test(stats, no_values_is_an_error)
{
	struct pb_stats s;
	struct pb_err err = {{0}};

	cr_assert_eq(pb_stats_compute(x7, 0, &s, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "no values"), "%s", err.msg);
}

Test(stats, zero_mean_has_no_cv)
{
	const double x[] = {-1, 1};
	struct pb_stats s;

	cr_assert_eq(pb_stats_compute(x, 2, &s, NULL), PB_OK);
	cr_assert(isnan(s.cv));
}

/* Exact coverage 1 - 2 sum_{i<j} C(n,i) / 2^n, from python3 fractions. */
static void check_ranks(size_t n, size_t lo, size_t hi, double cover)
{
	size_t l, h;
	double c;

	cr_assert(pb_median_ci_ranks(n, 0.95, &l, &h, &c), "n=%zu", n);
	cr_assert_eq(l, lo, "n=%zu: lower rank %zu, want %zu", n, l, lo);
	cr_assert_eq(h, hi, "n=%zu: upper rank %zu, want %zu", n, h, hi);
	cr_assert_float_eq(c, cover, 1e-9, "n=%zu: coverage %.12g", n, c);
}

Test(stats, order_statistic_ranks_match_exact_binomial)
{
	check_ranks(6, 1, 6, 0.96875);
	check_ranks(10, 2, 9, 0.978515625);
	check_ranks(20, 6, 15, 0.958610534668);
	check_ranks(100, 40, 61, 0.964799799782);
	check_ranks(1000, 469, 532, 0.9537088026395019);
	check_ranks(100000, 49690, 50311, 0.9504442853304751);
}

Test(stats, too_few_runs_give_min_max_with_true_coverage)
{
	size_t l, h;
	double c;

	/* n = 5: 1 - 2/32 = 0.9375 < 0.95 */
	cr_assert_not(pb_median_ci_ranks(5, 0.95, &l, &h, &c));
	cr_assert_eq(l, 1);
	cr_assert_eq(h, 5);
	cr_assert_float_eq(c, 0.9375, 1e-12);
	/* n = 3: 1 - 2/8 */
	cr_assert_not(pb_median_ci_ranks(3, 0.95, &l, &h, &c));
	cr_assert_float_eq(c, 0.75, 1e-12);
	cr_assert_not(pb_median_ci_ranks(2, 0.95, &l, &h, &c));
	cr_assert_float_eq(c, 0.5, 1e-12);
}

Test(stats, interval_uses_sorted_ranks)
{
	/* n = 10 -> ranks 2 and 9 of the sorted sample */
	const double x[] = {9, 3, 7, 1, 10, 5, 2, 8, 4, 6};
	struct pb_stats s;

	cr_assert_eq(pb_stats_compute(x, 10, &s, NULL), PB_OK);
	cr_assert_eq(s.ci_lo, 2);
	cr_assert_eq(s.ci_hi, 9);
	cr_assert(s.ci_95);
	cr_assert_eq(s.median, 5.5);
}

Test(stats, outliers_by_modified_z_score)
{
	/* x7: median 3, MAD 0.3 (python); scores -1.12 .. 15.74: one */
	cr_assert_eq(pb_count_outliers(x7, 7, 3.5), 1);
	/* both sides: 0.6745 * |-8 - 1| / 0.01 and 10 likewise */
	const double y[] = {1.0, 1.01, 0.99, 1.0, 1.02, 0.98, -8.0, 10.0};
	cr_assert_eq(pb_count_outliers(y, 8, 3.5), 2);
	/* the threshold matters: 15.74 is below 20 */
	cr_assert_eq(pb_count_outliers(x7, 7, 20), 0);
}

Test(stats, no_outliers_without_spread)
{
	/* MAD 0 (most values equal): nothing to judge by */
	const double x[] = {1, 1, 1, 1, 2};
	cr_assert_eq(pb_count_outliers(x, 5, 3.5), 0);
}

Test(stats, outliers_counted_in_summary)
{
	struct pb_stats s;

	cr_assert_eq(pb_stats_compute(x7, 7, &s, NULL), PB_OK);
	cr_assert_eq(s.outliers, 1);
}

Test(stats, median_helpers)
{
	const double sorted[] = {1, 2, 3, 4};
	double x[] = {5, 1, 3};

	cr_assert_eq(pb_median_sorted(sorted, 4), 2.5);
	cr_assert_eq(pb_median_sorted(sorted, 3), 2);
	cr_assert_eq(pb_median_inplace(x, 3), 3);
	cr_assert_eq(x[0], 1);
	cr_assert(isnan(pb_stddev(x, 1)));
	cr_assert_eq(pb_mean(sorted, 4), 2.5);
}
