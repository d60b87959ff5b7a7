/*
 * compare.h — two results folders compared cell by cell: is B faster or
 * slower than A, and is the difference real? (`parabench compare A B`.)
 *
 * Cells are matched by experiment, workload, strategy, workers and the
 * values of every parameter (param_ columns, by name; empty ones left
 * out), whatever their cell numbers. For each matched cell, from the ok
 * wall times of runs.csv: both medians; the ratio B / A (above 1: B is
 * slower) with a 95% percentile-bootstrap interval (2,000 resamples of
 * each sample, a fixed seed, so the same folders give the same figures);
 * and the two-sided Mann–Whitney U p-value (mannwhitney.h), as Google
 * Benchmark's compare.py gives it. A cell is *slower* or *faster* when
 * p < 0.05, else *no change*; with fewer than 2 ok runs on a side it is
 * *too few runs*. Cells present in only one folder are listed.
 */
#ifndef PB_COMPARE_H
#define PB_COMPARE_H

#include <parabench/plugin.h>

#include "lib/arena.h"

/* The significance level of the verdicts. */
#define PB_COMPARE_ALPHA 0.05

/* What names a cell, in either folder. */
struct pb_cmp_key {
	const char *experiment, *workload, *strategy;
	unsigned workers;
	const char *params; /* "samples=1e8, tasks=64", "" without */
};

/* One cell present in both folders. */
struct pb_cmp_cell {
	struct pb_cmp_key key;
	size_t na, nb;		   /* ok runs */
	size_t bad_a, bad_b;	   /* runs not ok */
	double med_a, med_b;	   /* medians, s; NaN without ok runs */
	double ratio;		   /* med_b / med_a */
	double ratio_lo, ratio_hi; /* 95% bootstrap interval */
	double p;		   /* Mann–Whitney U, two-sided */
	bool exact;		   /* p from the exact distribution */
	const char
	    *verdict; /* "slower", "faster", "no change", "too few runs" */
};

/* The comparison of two folders. */
struct pb_comparison {
	size_t n, n_only_a, n_only_b;
	struct pb_cmp_cell *cells; /* in A's cell order */
	struct pb_cmp_key *only_a, *only_b;
	bool forced;	   /* the experiments differ; --force compared them */
	char differs[512]; /* how the experiments differ, "" when they match */
	struct pb_arena arena; /* owns everything above */
};

/*
 * Compares results folder b against a (runs.csv and experiments.csv of
 * each). Folders whose experiments differ (other names, or another
 * workload under a name) are refused with a message saying how, unless
 * force. Fails naming the file and line on bad input. Free with
 * pb_comparison_free; on failure out holds nothing to free.
 */
int pb_compare_dirs(const char *a, const char *b, bool force,
		    struct pb_comparison *out, struct pb_err *err);

/*
 * The 95% percentile-bootstrap interval of median(y) / median(x), with
 * resamples drawn from a generator seeded with seed. Fails only when out
 * of memory.
 */
int pb_ratio_interval(const double *x, size_t nx, const double *y, size_t ny,
		      uint64_t seed, double *lo, double *hi,
		      struct pb_err *err);

/* Frees the comparison. Safe on a zeroed or freed one. */
void pb_comparison_free(struct pb_comparison *c);

#endif
