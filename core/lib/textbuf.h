/*
 * textbuf.h — growing text buffers, CSV and JSON quoting, and appends that
 * never leave a half-written row behind.
 */
#ifndef PB_TEXTBUF_H
#define PB_TEXTBUF_H

#include <parabench/plugin.h>
#include <stddef.h>

#include "file.h" /* pb_write_file_atomic, for the writers of text */

/* A growing text buffer; owns its memory. */
struct pb_buf {
	char *data;
	size_t len, cap;
	bool oom; /* set once an append failed; the text is then incomplete */
};

/* Appends formatted text. On failure sets buf->oom and leaves it as is. */
__attribute__((format(printf, 2, 3))) void pb_buf_printf(struct pb_buf *buf,
							 const char *fmt, ...);

/* Appends one CSV field, quoted when it holds , " CR LF or edge spaces. */
void pb_buf_csv_field(struct pb_buf *buf, const char *field);

/* Appends s as a JSON string literal, quotes and escapes included. */
void pb_buf_json_string(struct pb_buf *buf, const char *s);

/* Frees the buffer's memory; it may be reused afterwards. */
void pb_buf_free(struct pb_buf *buf);

/*
 * Appends the whole buffer to fd with write(2), retrying short writes and
 * EINTR. When a write fails part-way, truncates the file back to where it
 * stood, so no partial row remains. path names the file in the message.
 */
int pb_append_all(int fd, const char *path, const struct pb_buf *buf,
		  struct pb_err *err);

#endif
