/*
 * gp_text.c — gnuplot string literals (see gp_text.h).
 */
#include "gp_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* The length of the valid UTF-8 sequence at s, or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned min;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void pb_gp_string(struct pb_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	pb_buf_printf(b, "'");
	while (*p) {
		size_t n = utf8_len(p);
		if (*p == '\'')
			pb_buf_printf(b, "''");
		else if (n == 0 || *p < 0x20 || *p == 0x7f)
			pb_buf_printf(b, " ");
		else
			pb_buf_printf(b, "%.*s", (int)n, (const char *)p);
		p += n ? n : 1;
	}
	pb_buf_printf(b, "'");
}

void pb_gp_stringf(struct pb_buf *b, const char *fmt, ...)
{
	va_list ap, again;
	char *text;
	int n;

	va_start(ap, fmt);
	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	text = n < 0 ? NULL : malloc((size_t)n + 1);
	if (text)
		vsnprintf(text, (size_t)n + 1, fmt, again);
	va_end(again);
	if (!text) {
		b->oom = true;
		return;
	}
	pb_gp_string(b, text);
	free(text);
}
