/*
 * analyze_summary.h — summary.csv, one row per cell (analyze_summary.c).
 */
#ifndef PB_ANALYZE_SUMMARY_H
#define PB_ANALYZE_SUMMARY_H

#include "analyze_state.h"
#include "lib/textbuf.h"

/*
 * Appends summary.csv, header and one row per cell, to b; uses a->fit_p
 * as scratch. Out of memory shows as b->oom.
 */
void pb_an_summary_csv(struct analysis *a, struct pb_buf *b);

#endif
