/*
 * suggest.c — closest-name suggestions (see suggest.h).
 */
#include "suggest.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Words longer than this are never close to a key name: no suggestion. */
#define WORD_MAX 64

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

/* Optimal string alignment distance, case-insensitive; a, b <= WORD_MAX. */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d[WORD_MAX + 1][WORD_MAX + 1];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			size_t cost = ca != cb;
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
				       d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 &&
			    ca == tolower((unsigned char)b[j - 2]) &&
			    cb == tolower((unsigned char)a[i - 2]) &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	return d[la][lb];
}

const char *pb_suggest(const char *word, const char *const *cands, size_t n)
{
	size_t lw = strlen(word), best_d = (size_t)-1;
	const char *best = NULL;

	if (lw == 0 || lw > WORD_MAX)
		return NULL;
	for (size_t k = 0; k < n; k++) {
		size_t lc = strlen(cands[k]);
		if (lc > WORD_MAX)
			continue;
		size_t d = distance(word, lw, cands[k], lc);
		/* "strategy" -> "strategies" (3 edits of 10) is still close. */
		size_t limit = 1 + (lw > lc ? lw : lc) / 3;
		if (d <= limit && d < best_d && d < lc) {
			best = cands[k];
			best_d = d;
		}
	}
	return best;
}

void pb_suggest_hint(const char *word, const char *const *cands, size_t n,
		     char *buf, size_t len)
{
	const char *close = pb_suggest(word, cands, n);
	size_t used;

	if (!len)
		return;
	if (close) {
		snprintf(buf, len, "did you mean '%s'?", close);
		return;
	}
	if (n == 0) {
		snprintf(buf, len, "there are none");
		return;
	}
	used = (size_t)snprintf(buf, len, "expected one of: ");
	for (size_t k = 0; k < n && used < len; k++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 k ? ", " : "", cands[k]);
}
