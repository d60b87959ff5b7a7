/*
 * proctree.c — children, state and parent of a process, from /proc (see
 * proctree.h).
 */
#define _GNU_SOURCE
#include "proctree.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/path.h"

/*
 * Adds the children listed in one task's children file; false when the
 * kernel lacks that file (a task that has just ended is no such case).
 */
static bool add_task_children(pid_t pid, const char *tid, pid_t *out, size_t *n,
			      size_t max)
{
	char path[64], task[64];
	FILE *f;
	long child;

	struct pb_err why;
	if (pb_path_fmt(task, sizeof(task), &why, "/proc/%d/task/%s", (int)pid,
			tid) ||
	    pb_path_join(path, sizeof(path), task, "children", &why))
		return false;
	if (!(f = fopen(path, "re")))
		return access(task, F_OK) != 0;
	while (*n < max && fscanf(f, "%ld", &child) == 1)
		out[(*n)++] = (pid_t)child;
	fclose(f);
	return true;
}

bool pb_proc_stat(pid_t pid, char *state, pid_t *ppid)
{
	char path[64], buf[512];
	FILE *f;
	size_t len;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid); /* fits */
	if (!(f = fopen(path, "re")))
		return false;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	/* "pid (comm) S ppid ...": comm may hold spaces and parentheses. */
	char *end = strrchr(buf, ')');
	int parent;
	if (!end || sscanf(end + 1, " %c %d", state, &parent) != 2)
		return false;
	*ppid = (pid_t)parent;
	return true;
}

/* Every process whose parent is pid, from /proc/<n>/stat. */
static size_t scan_all(pid_t pid, pid_t *out, size_t max)
{
	DIR *d = opendir("/proc");
	size_t n = 0;

	if (!d)
		return 0;
	for (struct dirent *e; n < max && (e = readdir(d));) {
		char *end, state;
		long p = strtol(e->d_name, &end, 10);
		pid_t ppid;
		if (*end || p <= 0)
			continue;
		if (pb_proc_stat((pid_t)p, &state, &ppid) && ppid == pid)
			out[n++] = (pid_t)p;
	}
	closedir(d);
	return n;
}

size_t pb_proc_children(pid_t pid, pid_t *out, size_t max)
{
	char path[64];
	DIR *d;
	size_t n = 0;
	bool have_files;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid); /* fits */
	d = opendir(path);
	if (!d)
		return 0; /* gone */
	have_files = true;
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.' &&
		    !add_task_children(pid, e->d_name, out, &n, max))
			have_files = false;
	closedir(d);
	return have_files ? n : scan_all(pid, out, max);
}
