/*
 * file.c — whole-file I/O (see file.h).
 */
#define _GNU_SOURCE /* mkostemp */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "path.h"

int pb_write_all(int fd, const void *buf, size_t len)
{
	const char *b = buf;

	while (len > 0) {
		ssize_t n = write(fd, b, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads all of fd into a growing buffer; -1 with errno (or ENOMEM/EFBIG). */
static int read_fd(int fd, size_t max, char **text, size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL;

	for (;;) {
		if (n + 1 >= cap) {
			size_t grown_cap = cap ? cap * 2 : 65536;
			char *grown = realloc(buf, grown_cap);
			if (!grown) {
				free(buf);
				errno = ENOMEM;
				return -1;
			}
			buf = grown;
			cap = grown_cap;
		}
		ssize_t got = read(fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			free(buf);
			errno = e;
			return -1;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (max && n > max) {
			free(buf);
			errno = EFBIG;
			return -1;
		}
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

/* Fills err for why (an errno value) and leaves errno set to it. */
static int read_failed(const char *path, size_t max, int why,
		       struct pb_err *err)
{
	if (why == EISDIR)
		pb_fail(err, "%s: is a folder", path);
	else if (why == EFBIG)
		pb_fail(err, "%s: larger than %zu bytes", path, max);
	else if (why == ENOMEM)
		pb_fail(err, "%s: out of memory reading it", path);
	else
		pb_fail(err, "%s: cannot read: %s", path, strerror(why));
	errno = why;
	return PB_ERROR;
}

int pb_read_file(const char *path, size_t max, char **text, size_t *len,
		 struct pb_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), why = 0;
	struct stat st;

	if (fd < 0) {
		why = errno;
		pb_fail(err, "%s: cannot open: %s", path, strerror(why));
		errno = why;
		return PB_ERROR;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		why = EISDIR;
	else if (read_fd(fd, max, text, len) != 0)
		why = errno;
	close(fd);
	return why ? read_failed(path, max, why, err) : PB_OK;
}

int pb_read_whole_file(const char *path, char **text, size_t *len,
		       struct pb_err *err)
{
	return pb_read_file(path, 0, text, len, err);
}

int pb_write_file_atomic(const char *path, const char *text, size_t len,
			 struct pb_err *err)
{
	char tmp[PB_PATH_MAX];
	int fd, e;

	if (pb_path_fmt(tmp, sizeof(tmp), err, "%s.XXXXXX", path))
		return PB_ERROR;
	/* mkostemp opens with O_CREAT|O_EXCL: it never follows a link. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return pb_fail(err,
			       "%s: cannot create a temporary file beside "
			       "it: %s",
			       path, strerror(errno));
	if (pb_write_all(fd, text, len) != 0 || fsync(fd) != 0 ||
	    fchmod(fd, 0644) != 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		return pb_fail(err, "%s: cannot write: %s", tmp, strerror(e));
	}
	if (close(fd) != 0) {
		e = errno;
		unlink(tmp);
		return pb_fail(err, "%s: cannot write: %s", tmp, strerror(e));
	}
	if (rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		return pb_fail(err, "%s: cannot rename to %s: %s", tmp, path,
			       strerror(e));
	}
	return PB_OK;
}
