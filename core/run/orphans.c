/*
 * orphans.c — finding, killing and reaping this process's children (see
 * orphans.h).
 *
 * The children come from /proc/self/task/<tid>/children (a re-parented
 * orphan may hang under any thread), or, where the kernel lacks that file,
 * from the parent field of every /proc/<pid>/stat.
 */
#define _GNU_SOURCE
#include "orphans.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/path.h"

#define MAX_BATCH 256

/* Children listed in one task's children file; false if it is missing. */
static bool add_task_children(const char *tid, pid_t *out, size_t *n)
{
	char path[64];
	FILE *f;
	long pid;

	struct pb_err why;
	if (pb_path_fmt(path, sizeof(path), &why, "/proc/self/task/%s/children",
			tid) ||
	    !(f = fopen(path, "re")))
		return false;
	while (*n < MAX_BATCH && fscanf(f, "%ld", &pid) == 1)
		out[(*n)++] = (pid_t)pid;
	fclose(f);
	return true;
}

/* The state and parent of pid from /proc/<pid>/stat; false if gone. */
static bool stat_of(pid_t pid, char *state, pid_t *ppid)
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

/* Every process whose parent is us, from /proc/<pid>/stat. */
static void scan_all(pid_t *out, size_t *n)
{
	DIR *d = opendir("/proc");
	pid_t me = getpid();

	if (!d)
		return;
	for (struct dirent *e; *n < MAX_BATCH && (e = readdir(d));) {
		char *end, state;
		long pid = strtol(e->d_name, &end, 10);
		pid_t ppid;
		if (*end || pid <= 0)
			continue;
		if (stat_of((pid_t)pid, &state, &ppid) && ppid == me)
			out[(*n)++] = (pid_t)pid;
	}
	closedir(d);
}

/* This process's children, at most MAX_BATCH of them. */
static size_t list_children(pid_t *out)
{
	DIR *d = opendir("/proc/self/task");
	size_t n = 0;
	bool have_files = d != NULL;

	for (struct dirent *e; d && (e = readdir(d));)
		if (e->d_name[0] != '.' &&
		    !add_task_children(e->d_name, out, &n))
			have_files = false;
	if (d)
		closedir(d);
	if (!have_files) {
		n = 0;
		scan_all(out, &n);
	}
	return n;
}

size_t pb_orphans_reap(pid_t keep)
{
	pid_t pids[MAX_BATCH];
	size_t killed = 0;

	for (;;) {
		size_t n = list_children(pids), reaped = 0;
		for (size_t k = 0; k < n; k++) {
			char state;
			pid_t ppid;
			if (pids[k] == keep)
				continue;
			if (stat_of(pids[k], &state, &ppid) && state != 'Z')
				killed++;
			kill(pids[k], SIGKILL);
			pid_t got;
			while ((got = waitpid(pids[k], NULL, 0)) < 0 &&
			       errno == EINTR)
				;
			reaped += got == pids[k];
		}
		/* Done when no child is left, or none could be reaped. */
		if (reaped == 0)
			return killed;
	}
}
