/*
 * mannwhitney.c — ranks, U, and its p-value, exact or normal (see
 * mannwhitney.h).
 */
#include "mannwhitney.h"

#include <math.h>
#include <stdlib.h>

/* The smaller sample size below which p is exact (scipy's rule). */
#define EXACT_BELOW 8

struct obs {
	double v;
	int from; /* 0: x, 1: y */
};

static int cmp_obs(const void *a, const void *b)
{
	double x = ((const struct obs *)a)->v, y = ((const struct obs *)b)->v;
	return (x > y) - (x < y);
}

/*
 * P(U <= u) and P(U >= u) under the null, from the counts of U over all
 * C(n1 + n2, n1) orderings: the coefficients of the Gaussian binomial
 * prod_{k=1..n1} (1 - q^(n2+k)) / (1 - q^k), built a factor at a time.
 */
static int exact_p(size_t n1, size_t n2, double u, double *p)
{
	size_t deg = n1 * n2;
	double *c = calloc(deg + 1, sizeof(double)), total = 0, lo = 0, hi = 0;

	if (!c)
		return PB_ERROR;
	c[0] = 1;
	for (size_t k = 1; k <= n1; k++) {
		/* times (1 - q^(n2+k)), from the top down */
		for (size_t d = deg; d >= n2 + k; d--)
			c[d] -= c[d - n2 - k];
		/* divided by (1 - q^k): running sums with stride k */
		for (size_t d = k; d <= deg; d++)
			c[d] += c[d - k];
	}
	for (size_t d = 0; d <= deg; d++) {
		total += c[d];
		lo += (double)d <= u + 1e-9 ? c[d] : 0;
		hi += (double)d >= u - 1e-9 ? c[d] : 0;
	}
	free(c);
	*p = fmin(1, 2 * fmin(lo, hi) / total);
	return PB_OK;
}

int pb_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
		    struct pb_utest *out, struct pb_err *err)
{
	size_t n = nx + ny;
	struct obs *o;
	double r1 = 0, ties = 0;
	bool tied = false;

	*out = (struct pb_utest){.u = NAN, .p = 1};
	if (!nx || !ny)
		return PB_OK;
	o = malloc(n * sizeof(*o));
	if (!o)
		return pb_fail(err, "out of memory testing %zu values", n);
	for (size_t k = 0; k < nx; k++)
		o[k] = (struct obs){x[k], 0};
	for (size_t k = 0; k < ny; k++)
		o[nx + k] = (struct obs){y[k], 1};
	qsort(o, n, sizeof(*o), cmp_obs);
	/* Average ranks over runs of equal values. */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && o[j].v == o[i].v)
			j++;
		double t = (double)(j - i), rank = (double)(i + j + 1) / 2;
		for (size_t k = i; k < j; k++)
			r1 += o[k].from == 0 ? rank : 0;
		ties += t * t * t - t;
		tied |= j - i > 1;
		i = j;
	}
	free(o);
	out->u = r1 - (double)nx * ((double)nx + 1) / 2;
	if ((nx < EXACT_BELOW || ny < EXACT_BELOW) && !tied) {
		out->exact = true;
		if (exact_p(nx, ny, out->u, &out->p))
			return pb_fail(err, "out of memory testing %zu values",
				       n);
		return PB_OK;
	}
	double mu = (double)nx * (double)ny / 2;
	double var = (double)nx * (double)ny / 12 *
		     ((double)n + 1 - ties / ((double)n * ((double)n - 1)));
	if (!(var > 0))
		return PB_OK; /* every value equal: nothing to tell */
	double z = fmax(0, fabs(out->u - mu) - 0.5) / sqrt(var);
	out->p = fmin(1, erfc(z / sqrt(2)));
	return PB_OK;
}
