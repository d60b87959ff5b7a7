/*
 * analyze_fields.h — the small helpers every step of the analysis
 * shares: allocation, runs.csv fields, number parsing and formatting
 * (analyze_fields.c).
 */
#ifndef PB_ANALYZE_FIELDS_H
#define PB_ANALYZE_FIELDS_H

#include "analyze_state.h"
#include "lib/textbuf.h"

/* n (at least 1) objects of size bytes from a's arena; NULL if no memory. */
void *pb_an_alloc(struct analysis *a, size_t n, size_t size);

/* The field of runs.csv at row, col (a column found by runs_columns). */
const char *pb_an_field(const struct analysis *a, size_t row, long col);

/* Appends ",value" with digits significant digits, or "," when v is NaN. */
void pb_an_num(struct pb_buf *b, double v, int digits);

/* Writes v in the fewest digits (15 to 17) that read back exactly. */
void pb_an_shortest(double v, char *t, size_t len);

/* Appends "," and s as a CSV field (quoted when it needs to be). */
void pb_an_text(struct pb_buf *b, const char *s);

/* True when s is a whole integer field in [lo, hi]; then *out is it. */
bool pb_an_parse_uint(const char *s, unsigned long lo, unsigned long hi,
		      unsigned long *out);

#endif
