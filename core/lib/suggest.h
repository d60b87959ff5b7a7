/*
 * suggest.h — "did you mean ...?" for misspelt keys, parameters and plugins.
 *
 * Candidates are ranked by optimal-string-alignment distance (Levenshtein
 * plus swapped neighbours), ignoring case; a candidate is suggested only
 * when it is close relative to the lengths of both words.
 */
#ifndef PB_SUGGEST_H
#define PB_SUGGEST_H

#include <stddef.h>

/* The candidate closest to word, or NULL when none is close enough. */
const char *pb_suggest(const char *word, const char *const *cands, size_t n);

/*
 * Writes a hint for an unknown word into buf: "did you mean 'x'?" when a
 * candidate is close, else "expected one of: a, b, c" (or "there are none"
 * when n is 0). Truncates to len.
 */
void pb_suggest_hint(const char *word, const char *const *cands, size_t n,
		     char *buf, size_t len);

#endif
