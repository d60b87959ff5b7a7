/*
 * mannwhitney.h — the Mann–Whitney U test (Wilcoxon rank-sum) of two
 * samples, two-sided, as Google Benchmark's compare.py runs it through
 * scipy.stats.mannwhitneyu: the exact distribution of U when a sample
 * has fewer than 8 values and there are no ties, else the normal
 * approximation with the tie correction and a continuity correction of
 * 1/2. Pure functions, no I/O.
 *
 * The test asks whether a value of one sample tends to be larger than a
 * value of the other; it assumes nothing of the distributions' shape.
 * With very few runs no difference can reach p < 0.05: 3 against 3 gives
 * at least p = 0.1, 4 against 4 at least 0.029.
 */
#ifndef PB_MANNWHITNEY_H
#define PB_MANNWHITNEY_H

#include <parabench/plugin.h>

/* What one test found. */
struct pb_utest {
	double u; /* U of the first sample: pairs (x, y) with x > y, ties 1/2 */
	double p; /* two-sided p-value; 1 when nothing can be told */
	bool exact; /* p from the exact distribution */
};

/*
 * Tests x[0..nx) against y[0..ny) (finite values). Either sample empty:
 * p = 1. Fails only when out of memory.
 */
int pb_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
		    struct pb_utest *out, struct pb_err *err);

#endif
