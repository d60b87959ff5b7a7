/*
 * outdir.c — making results folders (see outdir.h).
 */
#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int pb_mkdirs(const char *path, struct pb_err *err)
{
	char tmp[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(tmp))
		return pb_fail(err, "bad folder path '%s'", path);
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return pb_fail(err, "%s: cannot create folder: %s", tmp,
				       strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		return pb_fail(err, "%s: cannot create folder: %s", tmp,
			       strerror(errno));
	return PB_OK;
}

static bool is_empty_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return false;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

static int use_given(const char *out, char *buf, size_t len, struct pb_err *err)
{
	struct stat st;

	if (stat(out, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return pb_fail(err,
				       "--out %s: exists and is not a "
				       "folder; name a new or empty folder",
				       out);
		if (!is_empty_dir(out))
			return pb_fail(err,
				       "--out %s: folder is not empty; "
				       "parabench never overwrites results, "
				       "name a new or empty folder",
				       out);
	} else if (pb_mkdirs(out, err)) {
		return PB_ERROR;
	}
	if (access(out, W_OK) != 0)
		return pb_fail(err, "--out %s: folder is not writable: %s", out,
			       strerror(errno));
	snprintf(buf, len, "%s", out);
	return PB_OK;
}

static int make_new(const char *name, char *buf, size_t len, struct pb_err *err)
{
	char parent[4096], stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(parent, sizeof(parent), "results/%s", name);
	if (pb_mkdirs(parent, err))
		return PB_ERROR;
	for (int k = 1; k < 1000; k++) {
		if (k == 1)
			snprintf(buf, len, "%s/%s", parent, stamp);
		else
			snprintf(buf, len, "%s/%s-%d", parent, stamp, k);
		if (mkdir(buf, 0755) == 0)
			return PB_OK;
		if (errno != EEXIST)
			return pb_fail(err, "%s: cannot create folder: %s", buf,
				       strerror(errno));
	}
	return pb_fail(err, "%s: too many runs in the same second", parent);
}

int pb_outdir_create(const char *name, const char *out, char *buf, size_t len,
		     struct pb_dir_lock *lock, struct pb_err *err)
{
	lock->fd = -1;
	if (out ? use_given(out, buf, len, err) : make_new(name, buf, len, err))
		return PB_ERROR;
	/* The emptiness check above is advice; this claim is the rule. */
	struct pb_err why;
	if (pb_lock_claim(buf, lock, &why))
		return pb_fail(err, "%s%s", out ? "--out " : "", why.msg);
	return PB_OK;
}
