/*
 * outdir.c — making results folders (see outdir.h).
 */
#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/path.h"

int pb_mkdirs(const char *path, struct pb_err *err)
{
	char tmp[PB_PATH_MAX];

	if (!path[0])
		return pb_fail(err, "bad folder path ''");
	if (pb_path_fmt(tmp, sizeof(tmp), err, "%s", path))
		return PB_ERROR;
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
	return pb_path_fmt(buf, len, err, "%s", out);
}

static int make_new(const char *name, char *buf, size_t len, struct pb_err *err)
{
	char parent[PB_PATH_MAX], stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	if (!pb_path_component_ok(name) || name[0] == '.')
		return pb_fail(err,
			       "'%s' cannot name a results folder; expected "
			       "one path component not starting with '.'",
			       name);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	if (pb_path_join(parent, sizeof(parent), "results", name, err) ||
	    pb_mkdirs(parent, err))
		return PB_ERROR;
	for (int k = 1; k < 1000; k++) {
		if (k == 1 ? pb_path_join(buf, len, parent, stamp, err)
			   : pb_path_fmt(buf, len, err, "%s/%s-%d", parent,
					 stamp, k))
			return PB_ERROR;
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
