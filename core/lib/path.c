/*
 * path.c — checked path building (see path.h).
 */
#include "path.h"

#include <stdarg.h>
#include <stdio.h>

/* Fills err for a path of need bytes that did not fit in cap. */
static int too_long(char *out, size_t cap, size_t need, struct pb_err *err)
{
	/* The message shows the path's start: it is a message, bounded. */
	pb_fail(err, "%.80s...: the path is %zu bytes long; at most %zu fit",
		out, need, cap ? cap - 1 : 0);
	if (cap)
		out[0] = '\0';
	return PB_ERROR;
}

int pb_path_fmt(char *out, size_t cap, struct pb_err *err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, cap, fmt, ap);
	va_end(ap);
	if (n < 0) {
		if (cap)
			out[0] = '\0';
		return pb_fail(err, "cannot format a path from '%s'", fmt);
	}
	if ((size_t)n >= cap)
		return too_long(out, cap, (size_t)n, err);
	return PB_OK;
}

int pb_path_join(char *out, size_t cap, const char *dir, const char *name,
		 struct pb_err *err)
{
	return pb_path_fmt(out, cap, err, "%s/%s", dir, name);
}

bool pb_path_component_ok(const char *name)
{
	size_t n = 0;

	if (!name || !*name || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p == '/' || *p < 0x20 || *p == 0x7f)
			return false;
		n++;
	}
	return n <= 255;
}
