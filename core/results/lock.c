/*
 * lock.c — claiming and locking a results folder (see lock.h).
 */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include "lib/path.h"

static const char lock_name[] = "run.lock";

/* Replaces the file's text with our pid. */
static int write_pid(int fd, const char *path, struct pb_err *err)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)n, 0) != n)
		return pb_fail(err, "%s: cannot write: %s", path,
			       strerror(errno));
	return PB_OK;
}

static int lock_path(const char *dir, char *path, size_t len,
		     struct pb_err *err)
{
	return pb_path_join(path, len, dir, lock_name, err);
}

int pb_lock_claim(const char *dir, struct pb_dir_lock *l, struct pb_err *err)
{
	char path[PB_PATH_MAX];

	l->fd = -1;
	if (lock_path(dir, path, sizeof(path), err))
		return PB_ERROR;
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0644);
	if (fd < 0 && errno == EEXIST)
		return pb_fail(err,
			       "%s: another run claimed this folder (it has "
			       "a %s); parabench never overwrites results, "
			       "name a new or empty folder",
			       dir, lock_name);
	if (fd < 0)
		return pb_fail(err, "%s: cannot create: %s", path,
			       strerror(errno));
	/* Waits only for a --resume that looked in meanwhile and will refuse. */
	while (flock(fd, LOCK_EX) != 0)
		if (errno != EINTR) {
			pb_fail(err, "%s: cannot lock: %s", path,
				strerror(errno));
			close(fd);
			return PB_ERROR;
		}
	if (write_pid(fd, path, err)) {
		close(fd);
		return PB_ERROR;
	}
	l->fd = fd;
	return PB_OK;
}

/* The pid written in the lock file, or 0. */
static long holder(int fd)
{
	char text[32];
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);

	if (n <= 0)
		return 0;
	text[n] = '\0';
	return strtol(text, NULL, 10);
}

int pb_lock_take(const char *dir, struct pb_dir_lock *l, struct pb_err *err)
{
	char path[PB_PATH_MAX];

	l->fd = -1;
	if (lock_path(dir, path, sizeof(path), err))
		return PB_ERROR;
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return pb_fail(err, "%s: cannot open: %s", path,
			       strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		long pid = errno == EWOULDBLOCK ? holder(fd) : -1;
		if (pid > 0)
			pb_fail(err, "a run is in progress in %s (pid %ld)",
				dir, pid);
		else if (pid == 0)
			pb_fail(err, "a run is in progress in %s", dir);
		else
			pb_fail(err, "%s: cannot lock: %s", path,
				strerror(errno));
		close(fd);
		return PB_ERROR;
	}
	if (write_pid(fd, path, err)) {
		close(fd);
		return PB_ERROR;
	}
	l->fd = fd;
	return PB_OK;
}

void pb_lock_release(struct pb_dir_lock *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
