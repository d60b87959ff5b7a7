/*
 * test_fit.c — the Amdahl fit and the Karp–Flatt metric.
 *
 * Synthetic timings T(p) = T1 (s + (1 - s)/p) with multiplicative noise
 * from a fixed-seed generator (xorshift64*, so the test is the same on
 * every run) must give back s within 0.01. Exact cases are worked by hand
 * in the comments.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>

#include "analysis/fit.h"
#include "analysis/stats.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* Uniform in [0, 1): xorshift64* with a fixed seed. */
static double uniform(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (double)((rng * 0x2545f4914f6cdd1dULL) >> 11) /
	       9007199254740992.0;
}

/* Medians of reps noisy runs per worker count, as the analysis fits. */
static void synthetic(double s, double t1, double noise, const double *p,
		      size_t n, double *medians)
{
	double runs[9];

	for (size_t k = 0; k < n; k++) {
		for (size_t r = 0; r < 9; r++) {
			double e = (2 * uniform() - 1) * noise;
			runs[r] = t1 * (s + (1 - s) / p[k]) * (1 + e);
		}
		medians[k] = pb_median_inplace(runs, 9);
	}
}

Test(fit, recovers_serial_fraction_from_noisy_timings)
{
	const double p[] = {1, 2, 3, 4, 6, 8, 12, 16};
	const double truth[] = {0.02, 0.1, 0.2, 0.35, 0.5, 0.8};
	double t[8];
	struct pb_fit f;

	for (size_t k = 0; k < PB_COUNT(truth); k++) {
		/* +-2% per run, uniform: a typical cv for a quiet machine */
		synthetic(truth[k], 2.0, 0.02, p, 8, t);
		pb_amdahl_fit(p, t, 8, &f);
		cr_assert(f.ok, "%s", f.note);
		cr_assert_not(f.exact);
		cr_assert_float_eq(f.s, truth[k], 0.01, "s = %g, want %g", f.s,
				   truth[k]);
		cr_assert(isfinite(f.s_se) && f.s_se > 0 && f.s_se < 0.02,
			  "se %g", f.s_se);
		cr_assert_gt(f.r2, 0.99);
		cr_assert_float_eq(f.max_speedup, 1 / f.s, 1e-9);
		cr_assert_eq(f.n_points, 8);
		cr_assert_eq(f.n_workers, 8);
	}
}

Test(fit, standard_error_covers_the_truth_mostly)
{
	/*
	 * With 4 points the residuals have 2 degrees of freedom, so a 95%
	 * interval is s +- 4.303 se (Student's t, df 2; +-2 se would cover
	 * only about 82%). Over 200 noisy series demand at least 90% inside,
	 * leaving the fixed seed some room.
	 */
	const double p[] = {1, 2, 4, 8};
	double t[4];
	struct pb_fit f;
	int inside = 0;

	for (int k = 0; k < 200; k++) {
		synthetic(0.25, 1.0, 0.05, p, 4, t);
		pb_amdahl_fit(p, t, 4, &f);
		inside += fabs(f.s - 0.25) <= 4.303 * f.s_se;
	}
	cr_assert_geq(inside, 180, "only %d of 200 within t se", inside);
}

Test(fit, noise_free_points_fit_exactly)
{
	/* T = 0.5 + 1.5/p: s = 0.5 / 2 = 0.25, limit 4 */
	const double p[] = {1, 2, 4, 8};
	double t[4];
	struct pb_fit f;

	for (int k = 0; k < 4; k++)
		t[k] = 0.5 + 1.5 / p[k];
	pb_amdahl_fit(p, t, 4, &f);
	cr_assert(f.ok);
	cr_assert_float_eq(f.a, 0.5, 1e-12);
	cr_assert_float_eq(f.b, 1.5, 1e-12);
	cr_assert_float_eq(f.s, 0.25, 1e-12);
	cr_assert_float_eq(f.max_speedup, 4, 1e-9);
	cr_assert_float_eq(f.r2, 1, 1e-12);
	cr_assert_float_eq(f.s_se, 0, 1e-7);
	cr_assert_str_eq(f.note, "");
}

Test(fit, two_points_are_exact)
{
	/* (1, 1.0), (2, 0.6): b = 0.4 / 0.5 = 0.8, a = 0.2, s = 0.2 */
	const double p[] = {1, 2}, t[] = {1.0, 0.6};
	struct pb_fit f;

	pb_amdahl_fit(p, t, 2, &f);
	cr_assert(f.ok);
	cr_assert(f.exact);
	cr_assert_float_eq(f.a, 0.2, 1e-12);
	cr_assert_float_eq(f.b, 0.8, 1e-12);
	cr_assert_float_eq(f.s, 0.2, 1e-12);
	cr_assert(f.shaped);
	/* A line through two points says nothing of the limit. */
	cr_assert(isnan(f.max_speedup));
	cr_assert(isnan(f.r2));
	cr_assert(isnan(f.s_se));
	cr_assert(isnan(f.s_lo));
	cr_assert_str_eq(f.note, "exact (2 points)");
}

Test(fit, one_worker_count_is_no_fit)
{
	const double p[] = {4, 4, 4}, t[] = {1, 1.1, 0.9};
	struct pb_fit f;

	pb_amdahl_fit(p, t, 3, &f);
	cr_assert_not(f.ok);
	cr_assert(isnan(f.s));
	cr_assert(strstr(f.note, "one worker count"), "%s", f.note);
	pb_amdahl_fit(p, t, 0, &f);
	cr_assert_not(f.ok);
	cr_assert_str_eq(f.note, "no points");
}

Test(fit, bad_points_are_refused)
{
	const double p[] = {0, 2}, t[] = {1, 0.5};
	const double p2[] = {1, 2}, t2[] = {1, NAN};
	struct pb_fit f;

	pb_amdahl_fit(p, t, 2, &f);
	cr_assert_not(f.ok);
	cr_assert(strstr(f.note, "bad point 1"), "%s", f.note);
	pb_amdahl_fit(p2, t2, 2, &f);
	cr_assert_not(f.ok);
	cr_assert(strstr(f.note, "bad point 2"), "%s", f.note);
}

Test(fit, super_linear_has_no_limit)
{
	/* (1, 1.0), (2, 0.4): b = 1.2, a = -0.2, s = -0.2 */
	const double p[] = {1, 2}, t[] = {1.0, 0.4};
	struct pb_fit f;

	pb_amdahl_fit(p, t, 2, &f);
	cr_assert(f.ok);
	cr_assert_float_eq(f.s, -0.2, 1e-12);
	cr_assert_not(f.shaped);
	cr_assert(isnan(f.max_speedup));
	cr_assert(strstr(f.note, "exact (2 points); not Amdahl-shaped: "
				 "fitted s = -0.2 < 0"),
		  "%s", f.note);
}

Test(fit, slower_with_workers_is_noted)
{
	/* (1, 1.0), (2, 1.2): b = -0.4, a = 1.4, s = 1.4 */
	const double p[] = {1, 2}, t[] = {1.0, 1.2};
	struct pb_fit f;

	pb_amdahl_fit(p, t, 2, &f);
	cr_assert_float_eq(f.s, 1.4, 1e-12);
	cr_assert_not(f.shaped);
	cr_assert(strstr(f.note, "not Amdahl-shaped: fitted s = 1.4 > 1"), "%s",
		  f.note);
}

Test(fit, karp_flatt_known_cases)
{
	/* S = 1/0.6 on 2: (0.6 - 0.5) / 0.5 = 0.2 */
	cr_assert_float_eq(pb_karp_flatt(1 / 0.6, 2), 0.2, 1e-12);
	/* S = 4.71 on 8: (1/4.71 - 1/8) / (7/8) = 0.0997876857749 (python) */
	cr_assert_float_eq(pb_karp_flatt(4.71, 8), 0.0997876857749, 1e-12);
	/* ideal speed-up: no serial part */
	cr_assert_float_eq(pb_karp_flatt(4, 4), 0, 1e-15);
	cr_assert(isnan(pb_karp_flatt(1, 1)));
	cr_assert(isnan(pb_karp_flatt(0, 4)));
	cr_assert(isnan(pb_karp_flatt(NAN, 4)));
	/* undefined outside 1 <= S <= p: e would leave [0, 1] */
	cr_assert(isnan(pb_karp_flatt(0.9, 4)));
	cr_assert(isnan(pb_karp_flatt(4.5, 4)));
	cr_assert_float_eq(pb_karp_flatt(1, 4), 1, 1e-15);
}

Test(fit, karp_flatt_equals_amdahl_s_on_amdahl_data)
{
	/* Under Amdahl with s, e = s for every p. */
	for (double p = 2; p <= 64; p *= 2) {
		double sp = 1 / (0.15 + 0.85 / p);
		cr_assert_float_eq(pb_karp_flatt(sp, p), 0.15, 1e-12);
	}
}

Test(fit, interval_of_s_uses_students_t)
{
	/* df 2: t = 4.303; df 40: within 0.001 of 2.021 (tables) */
	cr_assert_float_eq(pb_t975(2), 4.303, 1e-9);
	cr_assert_float_eq(pb_t975(40), 2.021, 1e-3);
	cr_assert_float_eq(pb_t975(1000), 1.962, 1e-3);
	cr_assert(isnan(pb_t975(0)));
}
