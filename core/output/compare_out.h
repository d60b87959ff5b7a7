/*
 * compare_out.h — the files of `parabench compare`: compare.csv (one row
 * per matched cell) and compare.md (the same as a table people read, with
 * the cells found in only one folder and how to read the figures).
 */
#ifndef PB_COMPARE_OUT_H
#define PB_COMPARE_OUT_H

#include "analysis/compare.h"

/*
 * The threshold of a regression check: a cell counts as a regression
 * when it got slower by more than this fraction (0.05 for 5%) with
 * p < PB_COMPARE_ALPHA. Negative: no check.
 */
bool pb_compare_regressed(const struct pb_cmp_cell *c, double threshold);

/*
 * Writes dir/compare.csv and dir/compare.md atomically for comparison c
 * of folders a and b. Fails naming the file.
 */
int pb_compare_write(const struct pb_comparison *c, const char *a,
		     const char *b, double threshold, const char *dir,
		     struct pb_err *err);

#endif
