/*
 * analyze_fits.h — the Amdahl fit of each series, and fits.csv
 * (analyze_fits.c).
 */
#ifndef PB_ANALYZE_FITS_H
#define PB_ANALYZE_FITS_H

#include "analyze_state.h"
#include "lib/textbuf.h"

/* Fits series s (its fit, fitted and note); uses a->fit_p and a->fit_t. */
void pb_an_fit_series(struct analysis *a, size_t s);

/*
 * Appends fits.csv, header and one row per series, to b; role is scratch
 * of a->runs.ncols bytes. Out of memory shows as b->oom.
 */
void pb_an_fits_csv(const struct analysis *a, unsigned char *role,
		    struct pb_buf *b);

#endif
