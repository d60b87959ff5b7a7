/*
 * file.h — whole-file I/O, the one home of each job: read a whole file,
 * write all of a buffer, replace a file atomically.
 */
#ifndef PB_FILE_H
#define PB_FILE_H

#include <parabench/plugin.h>
#include <stddef.h>

/*
 * Writes all len bytes of buf to fd, through short writes and EINTR.
 * Returns 0, or -1 with errno set (ENOSPC for a write that wrote nothing).
 * The one write-all loop: safe in a forked child (no allocation).
 */
int pb_write_all(int fd, const void *buf, size_t len);

/*
 * Reads the whole file at path into a NUL-terminated buffer the caller
 * frees (free()); *len excludes the NUL, and NUL bytes inside are kept.
 * Refuses a folder, and a file longer than max bytes (0: no limit).
 * Fails with err reading "PATH: reason" ("PATH: cannot open: ...") and
 * errno saying why: open's or read's, EISDIR for a folder, EFBIG beyond
 * max, ENOMEM.
 */
int pb_read_file(const char *path, size_t max, char **text, size_t *len,
		 struct pb_err *err);

/* pb_read_file without a size limit. */
int pb_read_whole_file(const char *path, char **text, size_t *len,
		       struct pb_err *err);

/*
 * Replaces path with text atomically: a new temporary file beside it made
 * by mkstemp (O_CREAT|O_EXCL, so a symlink planted there is never
 * followed), written, fsync'ed, given mode 0644, then renamed over path
 * (which replaces a symlink at path rather than writing through it). On
 * failure path is untouched and no temporary file is left.
 */
int pb_write_file_atomic(const char *path, const char *text, size_t len,
			 struct pb_err *err);

#endif
