/*
 * msg.h — bounded messages. A message (an error, a note, a status line)
 * may be cut to fit its buffer, and then says so; a path or a value never
 * is (see path.h and file.h). Formatting a message through pb_msg_fmt
 * makes the cut explicit where a bare snprintf would hide it.
 */
#ifndef PB_MSG_H
#define PB_MSG_H

#include <stddef.h>

/*
 * Formats a message into buf (cap bytes, cap >= 4). When it does not fit,
 * it is cut at a UTF-8 character boundary and ends in "...". Returns buf.
 */
__attribute__((format(printf, 3, 4))) char *pb_msg_fmt(char *buf, size_t cap,
						       const char *fmt, ...);

#endif
