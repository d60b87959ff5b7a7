/*
 * path.h — checked path building: a path that does not fit is an error,
 * never a shorter path. Also the test for a safe single path component
 * (a folder or file name made from user text).
 */
#ifndef PB_PATH_H
#define PB_PATH_H

#include <parabench/plugin.h>
#include <stdbool.h>
#include <stddef.h>

/* The size of a path buffer: the longest path the kernel takes, plus NUL. */
#define PB_PATH_MAX 4096

/*
 * Writes dir "/" name into out (cap bytes). PB_ERROR, with err naming the
 * start of the path and its length, when it does not fit; out is then the
 * empty string, never a shorter path.
 */
int pb_path_join(char *out, size_t cap, const char *dir, const char *name,
		 struct pb_err *err);

/*
 * Formats a path (or any text whose truncation would change its meaning)
 * into out (cap bytes). PB_ERROR, with err saying so, when it does not fit;
 * out is then the empty string.
 */
__attribute__((format(printf, 4, 5))) int pb_path_fmt(char *out, size_t cap,
						      struct pb_err *err,
						      const char *fmt, ...);

/*
 * True when name is safe as one path component made from user text: not
 * empty, not "." or "..", no '/', no control character, at most 255 bytes.
 */
bool pb_path_component_ok(const char *name);

#endif
