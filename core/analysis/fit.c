/*
 * fit.c — least squares of T = a + b/p and the Karp–Flatt metric (see
 * fit.h).
 */
#include "fit.h"

#include <math.h>
#include <stdlib.h>

#include "lib/msg.h"

/* Sums of the regression of y on x: what a, b and their errors need. */
struct sums {
	double n, xbar, ybar, sxx, sxy, syy;
};

static struct sums regression_sums(const double *x, const double *y, size_t n)
{
	struct sums s = {.n = (double)n};

	for (size_t k = 0; k < n; k++) {
		s.xbar += x[k] / s.n;
		s.ybar += y[k] / s.n;
	}
	for (size_t k = 0; k < n; k++) {
		double dx = x[k] - s.xbar, dy = y[k] - s.ybar;
		s.sxx += dx * dx;
		s.sxy += dx * dy;
		s.syy += dy * dy;
	}
	return s;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* The number of distinct values of w (n log n); 0 when out of memory. */
static size_t distinct_workers(const double *w, size_t n)
{
	double *t = malloc((n + 1) * sizeof(*t));
	size_t count = 0;

	if (!t)
		return 0;
	memcpy(t, w, n * sizeof(*t));
	qsort(t, n, sizeof(*t), cmp_double);
	for (size_t k = 0; k < n; k++)
		count += k == 0 || t[k] != t[k - 1];
	free(t);
	return count;
}

/*
 * R² and the standard error of s from the residuals. s = a/(a+b) has the
 * gradient (b, -a)/(a+b)², so Var(s) = g' Cov(a, b) g with Cov from
 * sigma² (X'X)^-1, sigma² = RSS / (n - 2).
 */
static void fit_errors(const double *x, const double *y, size_t n,
		       const struct sums *sm, struct pb_fit *f)
{
	double rss = 0, sigma2, var_a, var_b, cov_ab, t1, ga, gb;

	for (size_t k = 0; k < n; k++) {
		double r = y[k] - (f->a + f->b * x[k]);
		rss += r * r;
	}
	if (sm->syy > 0)
		f->r2 = 1 - rss / sm->syy;
	else
		f->r2 = rss == 0 ? 1 : NAN;
	sigma2 = rss / (double)(n - 2);
	var_b = sigma2 / sm->sxx;
	var_a = sigma2 * (1 / sm->n + sm->xbar * sm->xbar / sm->sxx);
	cov_ab = -sm->xbar * sigma2 / sm->sxx;
	t1 = f->a + f->b;
	if (!(t1 > 0))
		return;
	ga = f->b / (t1 * t1);
	gb = -f->a / (t1 * t1);
	f->s_se = sqrt(
	    fmax(0, ga * ga * var_a + gb * gb * var_b + 2 * ga * gb * cov_ab));
}

double pb_t975(size_t df)
{
	static const double t[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447,
				   2.365,  2.306, 2.262, 2.228, 2.201, 2.179,
				   2.160,  2.145, 2.131, 2.120, 2.110, 2.101,
				   2.093,  2.086, 2.080, 2.074, 2.069, 2.064,
				   2.060,  2.056, 2.052, 2.048, 2.045, 2.042};

	if (df == 0)
		return NAN;
	if (df <= PB_COUNT(t))
		return t[df - 1];
	/* Within 0.001 of the quantile from df 30 on. */
	return 1.95996 + 2.44 / (double)df;
}

/* s's interval and the limit with its interval, for an Amdahl-shaped s. */
static void limits(struct pb_fit *f)
{
	f->shaped = f->s >= 0 && f->s <= 1;
	if (!f->shaped)
		return;
	/* Two points pass exactly through any line: no limit to read off. */
	if (f->n_points > 2 && f->s > 0)
		f->max_speedup = 1 / f->s;
	if (f->n_points > 2 && isfinite(f->s_se)) {
		double t = pb_t975(f->n_points - 2);
		f->s_lo = f->s - t * f->s_se;
		f->s_hi = f->s + t * f->s_se;
		f->max_lo = f->s_hi > 0 ? 1 / f->s_hi : NAN;
		f->max_hi = f->s_lo > 0 ? 1 / f->s_lo : INFINITY;
	}
}

static void serial_fraction(struct pb_fit *f)
{
	double t1 = f->a + f->b;

	if (!(t1 > 0)) {
		snprintf(f->note, sizeof(f->note),
			 "fitted T(1) is not "
			 "positive: Amdahl's law does not describe these "
			 "times");
		f->s_se = NAN;
		return;
	}
	f->s = f->a / t1;
	limits(f);
	if (f->s < 0)
		snprintf(f->note, sizeof(f->note),
			 "not Amdahl-shaped: fitted s = %.3g < 0, faster than "
			 "linear (super-linear)",
			 f->s);
	else if (f->s > 1)
		snprintf(f->note, sizeof(f->note),
			 "not Amdahl-shaped: fitted s = %.3g > 1, the time "
			 "grows with workers",
			 f->s);
}

static bool points_ok(const double *w, const double *t, size_t n,
		      struct pb_fit *f)
{
	for (size_t k = 0; k < n; k++) {
		if (!(w[k] >= 1) || !isfinite(w[k]) || !isfinite(t[k]) ||
		    t[k] < 0) {
			snprintf(f->note, sizeof(f->note),
				 "bad point %zu: "
				 "workers %g, time %g s",
				 k + 1, w[k], t[k]);
			return false;
		}
	}
	return true;
}

void pb_amdahl_fit(const double *workers, const double *seconds, size_t n,
		   struct pb_fit *out)
{
	double *x;
	struct sums sm;

	*out = (struct pb_fit){.n_points = n,
			       .a = NAN,
			       .b = NAN,
			       .s = NAN,
			       .s_se = NAN,
			       .s_lo = NAN,
			       .s_hi = NAN,
			       .max_speedup = NAN,
			       .max_lo = NAN,
			       .max_hi = NAN,
			       .r2 = NAN};
	if (!points_ok(workers, seconds, n, out))
		return;
	out->n_workers = distinct_workers(workers, n);
	if (out->n_workers < 2) {
		snprintf(out->note, sizeof(out->note), "%s",
			 n ? "one worker count: nothing to fit" : "no points");
		return;
	}
	x = malloc(n * sizeof(*x));
	if (!x) {
		snprintf(out->note, sizeof(out->note), "out of memory");
		return;
	}
	for (size_t k = 0; k < n; k++)
		x[k] = 1 / workers[k];
	sm = regression_sums(x, seconds, n);
	out->ok = true;
	out->b = sm.sxy / sm.sxx;
	out->a = sm.ybar - out->b * sm.xbar;
	out->exact = n == 2;
	if (!out->exact)
		fit_errors(x, seconds, n, &sm, out);
	free(x);
	serial_fraction(out);
	if (out->exact) {
		char why[sizeof(out->note)];
		snprintf(why, sizeof(why), "%s", out->note);
		/* A note is a message: bounded, and cut visibly. */
		pb_msg_fmt(out->note, sizeof(out->note), "exact (2 points)%s%s",
			   why[0] ? "; " : "", why);
	}
}

double pb_karp_flatt(double speedup, double workers)
{
	if (!(workers > 1) || !(speedup >= 1) || !(speedup <= workers))
		return NAN;
	return (1 / speedup - 1 / workers) / (1 - 1 / workers);
}
