/*
 * textbuf.c — text buffers, CSV and JSON quoting, failure-safe appends.
 */
#include "textbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

static bool reserve(struct pb_buf *buf, size_t more)
{
	if (buf->oom)
		return false;
	if (buf->len + more + 1 <= buf->cap)
		return true;
	size_t cap = buf->cap ? buf->cap : 256;
	while (cap < buf->len + more + 1)
		cap *= 2;
	char *data = realloc(buf->data, cap);
	if (!data) {
		buf->oom = true;
		return false;
	}
	buf->data = data;
	buf->cap = cap;
	return true;
}

void pb_buf_printf(struct pb_buf *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(buf, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t)n;
}

static bool needs_quotes(const char *s)
{
	size_t n = strlen(s);
	return strpbrk(s, ",\"\r\n") || (n && (s[0] == ' ' || s[n - 1] == ' '));
}

void pb_buf_csv_field(struct pb_buf *buf, const char *field)
{
	if (!needs_quotes(field)) {
		pb_buf_printf(buf, "%s", field);
		return;
	}
	pb_buf_printf(buf, "\"");
	for (const char *p = field; *p; p++)
		pb_buf_printf(buf, *p == '"' ? "\"\"" : "%c", *p);
	pb_buf_printf(buf, "\"");
}

void pb_buf_json_string(struct pb_buf *buf, const char *s)
{
	pb_buf_printf(buf, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			pb_buf_printf(buf, "\\%c", *p);
		else if (*p == '\n')
			pb_buf_printf(buf, "\\n");
		else if (*p == '\t')
			pb_buf_printf(buf, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			pb_buf_printf(buf, "\\u%04x", *p);
		else
			pb_buf_printf(buf, "%c", *p);
	}
	pb_buf_printf(buf, "\"");
}

void pb_buf_free(struct pb_buf *buf)
{
	free(buf->data);
	*buf = (struct pb_buf){0};
}

int pb_append_all(int fd, const char *path, const struct pb_buf *buf,
		  struct pb_err *err)
{
	off_t start = lseek(fd, 0, SEEK_END);

	if (buf->oom)
		return pb_fail(err, "%s: out of memory formatting a row", path);
	if (pb_write_all(fd, buf->data, buf->len) != 0) {
		int e = errno;
		if (start >= 0 && ftruncate(fd, start) != 0)
			return pb_fail(err,
				       "%s: write failed (%s) and the partial "
				       "row could not be removed",
				       path, strerror(e));
		return pb_fail(err, "%s: cannot write: %s", path, strerror(e));
	}
	return PB_OK;
}
