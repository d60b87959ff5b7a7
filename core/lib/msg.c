/*
 * msg.c — bounded messages (see msg.h).
 */
#include "msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

char *pb_msg_fmt(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (cap == 0)
		return buf;
	va_start(ap, fmt);
	n = vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	if (n < 0) {
		buf[0] = '\0';
		return buf;
	}
	if ((size_t)n < cap || cap < 4)
		return buf;
	/* Cut: back to a character boundary, then the mark of the cut. */
	size_t end = cap - 4;
	while (end > 0 && ((unsigned char)buf[end] & 0xc0) == 0x80)
		end--;
	memcpy(buf + end, "...", 4);
	return buf;
}
