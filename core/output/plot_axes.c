/*
 * plot_axes.c — the y axis of a chart: its range and enough ticks to read
 * a value off it.
 *
 * The speed-up chart has both axes logarithmic (base 2), so the ideal
 * y = x is a straight line, and so is a constant efficiency; the time
 * chart is log-log, so the ideal Tb/x is straight too. The efficiency
 * chart is linear in y, up to a little above 1 so that the ideal is never
 * drawn on the frame. The range covers the points, their bars and the
 * ideal over the measured worker counts. Ticks are listed explicitly: a
 * log axis left to gnuplot over less than a decade shows two.
 */
#include "plot_int.h"

#include <math.h>

/* Fewest and most ticks wanted on an axis. */
#define MIN_TICKS 4
#define MAX_TICKS 14

/* Widens [*lo, *hi] to hold v when v is a number (> 0 on a log axis). */
static void take(double v, bool log_axis, double *lo, double *hi)
{
	if (!isfinite(v) || (log_axis && v <= 0))
		return;
	*lo = v < *lo ? v : *lo;
	*hi = v > *hi ? v : *hi;
}

/* The range of the chart's values, bars and ideal; false when empty. */
static bool data_range(const struct chart *c, bool log_axis, double *lo,
		       double *hi)
{
	double v[3];

	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t k = 0; k < c->g->nrows; k++) {
		pb_plot_row_values(c, c->g->rows[k], v);
		for (int j = 0; j < 3; j++)
			take(v[j], log_axis, lo, hi);
	}
	if (c->kind == K_SPEEDUP) {
		take(c->wmin, true, lo, hi);
		take(c->wmax, true, lo, hi);
	} else if (c->kind == K_TIME && isfinite(c->tb)) {
		take(c->tb / c->wmin, true, lo, hi);
		take(c->tb / c->wmax, true, lo, hi);
	} else if (c->kind == K_EFFICIENCY) {
		take(1, false, lo, hi);
	}
	return *lo <= *hi;
}

/* A step of 1, 2, 2.5 or 5 times a power of ten near span / 6. */
static double nice_step(double span)
{
	double raw = span / 6, mag = pow(10, floor(log10(raw)));
	double m = raw / mag;

	return mag * (m < 1.5	 ? 1
		      : m < 2.25 ? 2
		      : m < 3.5	 ? 2.5
		      : m < 7.5	 ? 5
				 : 10);
}

/* Linear ticks over [lo, hi]; their count. */
static size_t linear_ticks(double lo, double hi, double *t, size_t max)
{
	double step = nice_step(hi - lo);
	size_t n = 0;

	if (!(step > 0))
		return 0;
	for (double k = ceil(lo / step); k * step <= hi * (1 + 1e-9) && n < max;
	     k++)
		t[n++] = fabs(k * step) < step * 1e-9 ? 0 : k * step;
	return n;
}

/*
 * Ticks m * base^k within [lo, hi] for the sparsest set of mantissas m
 * that gives MIN_TICKS; linear ticks when even the densest gives fewer.
 */
static size_t log_ticks(double lo, double hi, double base, double *t,
			size_t max)
{
	static const double b2[][5] = {{1}, {1, 1.5}, {1, 1.25, 1.5, 1.75}};
	static const double b10[][12] = {
	    {1},
	    {1, 2, 5},
	    {1, 1.5, 2, 3, 5, 7},
	    {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9}};
	size_t nsets = base == 2 ? PB_COUNT(b2) : PB_COUNT(b10);

	for (size_t set = 0; set < nsets; set++) {
		const double *m = base == 2 ? b2[set] : b10[set];
		size_t nm = base == 2 ? PB_COUNT(b2[0]) : PB_COUNT(b10[0]);
		size_t n = 0;
		double k0 = floor(log(lo) / log(base)) - 1;
		double k1 = ceil(log(hi) / log(base)) + 1;
		for (double k = k0; k <= k1; k++)
			for (size_t j = 0; j < nm && (j == 0 || m[j] > 0);
			     j++) {
				double v = m[j] * pow(base, k);
				if (v >= lo * (1 - 1e-9) &&
				    v <= hi * (1 + 1e-9) && n < max)
					t[n++] = v;
			}
		if (n >= MIN_TICKS)
			return n;
	}
	return linear_ticks(lo, hi, t, max);
}

void pb_plot_yaxis(const struct chart *c, struct pb_buf *b)
{
	bool log_axis = c->kind == K_SPEEDUP || c->kind == K_TIME;
	double lo, hi, t[64];
	size_t n;

	if (!data_range(c, log_axis, &lo, &hi)) {
		pb_buf_printf(b, "set autoscale y");
		return;
	}
	if (log_axis) {
		if (hi / lo < 1.5) { /* a flat series: show some room */
			double mid = sqrt(lo * hi);
			lo = mid / 1.25;
			hi = mid * 1.25;
		}
		lo /= 1.12;
		hi *= 1.12;
	} else {
		/* From 0 (the values are >= 0) to above the highest. */
		lo = lo < 0 ? lo * 1.1 : 0;
		hi = hi > 0 ? hi * 1.1 : 1;
	}
	n = log_axis ? log_ticks(lo, hi, c->kind == K_SPEEDUP ? 2 : 10, t,
				 PB_COUNT(t))
		     : linear_ticks(lo, hi, t, PB_COUNT(t));
	if (n > MAX_TICKS) { /* many decades: every other tick */
		size_t k = 0;
		for (size_t j = 0; j < n; j += 2)
			t[k++] = t[j];
		n = k;
	}
	pb_buf_printf(b, "set yrange [%.6g:%.6g]\nset format y '%%g'\n", lo,
		      hi);
	pb_buf_printf(b, "set ytics (");
	for (size_t k = 0; k < n; k++)
		pb_buf_printf(b, "%s%.6g", k ? ", " : "", t[k]);
	pb_buf_printf(b, ")");
}
