/*
 * analyze_fields.c — the helpers the steps of the analysis share (see
 * analyze_fields.h).
 */
#include "analyze_fields.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

void *pb_an_alloc(struct analysis *a, size_t n, size_t size)
{
	return pb_arena_alloc(&a->arena, (n ? n : 1) * size);
}

const char *pb_an_field(const struct analysis *a, size_t row, long col)
{
	return pb_csv_at(&a->runs, row, (size_t)col);
}

/* ",value" with digits significant digits, or "," when v is NaN. */
void pb_an_num(struct pb_buf *b, double v, int digits)
{
	if (isnan(v))
		pb_buf_printf(b, ",");
	else
		pb_buf_printf(b, ",%.*g", digits, v);
}

/* v in the fewest digits (15 to 17) that read back exactly. */
void pb_an_shortest(double v, char *t, size_t len)
{
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(t, len, "%.*g", digits, v);
		if (strtod(t, NULL) == v)
			break;
	}
}

void pb_an_text(struct pb_buf *b, const char *s)
{
	pb_buf_printf(b, ",");
	pb_buf_csv_field(b, s);
}

bool pb_an_parse_uint(const char *s, unsigned long lo, unsigned long hi,
		      unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}
