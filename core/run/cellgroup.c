/*
 * cellgroup.c — a cgroup v2 per cell process (see cellgroup.h).
 *
 * The cgroup2 mount comes from /proc/self/mountinfo and this process's
 * cgroup from the "0::" line of /proc/self/cgroup; the cell's cgroup is a
 * child of it. No controller is enabled in it: it only groups processes.
 */
#define _GNU_SOURCE
#include "cellgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/path.h"

/* The folder of this process's own cgroup v2 into base; false if none. */
static bool own_cgroup(char *base, size_t len)
{
	char line[PATH_MAX + 512], mnt[PATH_MAX] = "", root[PATH_MAX] = "";
	char path[PATH_MAX] = "";
	FILE *f = fopen("/proc/self/mountinfo", "re");

	while (f && !mnt[0] && fgets(line, sizeof(line), f)) {
		char r[PATH_MAX], m[PATH_MAX], *sep = strstr(line, " - ");
		/* id parent dev root mountpoint ... - fstype source opts */
		if (sep && strncmp(sep, " - cgroup2 ", 11) == 0 &&
		    sscanf(line, "%*s %*s %*s %4095s %4095s", r, m) == 2 &&
		    !strchr(m, '\\') && !strchr(r, '\\')) {
			memcpy(mnt, m, sizeof(mnt)); /* both PATH_MAX */
			memcpy(root, r, sizeof(root));
		}
	}
	if (f)
		fclose(f);
	f = fopen("/proc/self/cgroup", "re");
	while (f && !path[0] && fgets(line, sizeof(line), f))
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			if (strlen(line + 3) < sizeof(path))
				memcpy(path, line + 3, strlen(line + 3) + 1);
		}
	if (f)
		fclose(f);
	if (!mnt[0] || path[0] != '/')
		return false;
	/* The mount shows the hierarchy from root on (cgroup namespaces). */
	size_t rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
	if (rl &&
	    (strncmp(path, root, rl) != 0 || (path[rl] && path[rl] != '/')))
		return false;
	struct pb_err why;
	if (pb_path_fmt(base, len, &why, "%s%s", mnt, path + rl))
		return false;
	/* "/" as the own cgroup leaves a trailing slash: drop it. */
	size_t n = strlen(base);
	if (n > 1 && base[n - 1] == '/')
		base[n - 1] = '\0';
	return true;
}

/*
 * Removes the empty cgroups of runners that are gone: a runner killed
 * with SIGKILL cannot remove its last one. A cgroup still holding
 * processes, or of a live runner, is left alone.
 */
static void remove_stale(const char *base)
{
	DIR *d = opendir(base);
	char path[PATH_MAX + 256];

	for (struct dirent *e; d && (e = readdir(d));) {
		int pid;
		unsigned n;
		char end;
		if (sscanf(e->d_name, "parabench-%d-%u%c", &pid, &n, &end) !=
			2 ||
		    pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		struct pb_err why;
		if (pb_path_join(path, sizeof(path), base, e->d_name, &why) ==
		    0)
			rmdir(path);
	}
	if (d)
		closedir(d);
}

bool pb_cellgroup_create(struct pb_cellgroup *g)
{
	static unsigned serial;
	char base[PATH_MAX], file[PATH_MAX + 32];

	g->dir[0] = '\0';
	g->procs_fd = -1;
	if (!own_cgroup(base, sizeof(base)))
		return false;
	if (serial == 0)
		remove_stale(base);
	struct pb_err why;
	if (pb_path_fmt(g->dir, sizeof(g->dir), &why, "%s/parabench-%d-%u",
			base, (int)getpid(), ++serial) ||
	    pb_path_join(file, sizeof(file), g->dir, "cgroup.procs", &why) ||
	    mkdir(g->dir, 0755) != 0) {
		g->dir[0] = '\0';
		return false;
	}
	if (pb_path_join(file, sizeof(file), g->dir, "cgroup.kill", &why) ==
		0 &&
	    access(file, W_OK) == 0 &&
	    pb_path_join(file, sizeof(file), g->dir, "cgroup.procs", &why) == 0)
		g->procs_fd = open(file, O_WRONLY | O_CLOEXEC);
	if (g->procs_fd < 0) { /* no cgroup.kill (Linux < 5.14): none */
		rmdir(g->dir);
		g->dir[0] = '\0';
		return false;
	}
	return true;
}

bool pb_cellgroup_join(struct pb_cellgroup *g)
{
	if (g->procs_fd < 0)
		return false;
	/* "0" is the writer itself. A failure leaves the cell where the
	 * runner is; the subreaper sweep still ends what escapes. */
	bool joined = write(g->procs_fd, "0", 1) == 1;
	close(g->procs_fd);
	g->procs_fd = -1;
	return joined;
}

void pb_cellgroup_forked(struct pb_cellgroup *g)
{
	if (g->procs_fd >= 0)
		close(g->procs_fd);
	g->procs_fd = -1;
}

/* True when the cgroup's cgroup.events says "populated 0". */
static bool is_empty(int events_fd)
{
	char buf[256];
	ssize_t n = pread(events_fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return true; /* gone or unreadable: nothing to wait for */
	buf[n] = '\0';
	return strstr(buf, "populated 0") != NULL;
}

void pb_cellgroup_kill(struct pb_cellgroup *g)
{
	char file[PATH_MAX + 32];

	if (!g->dir[0])
		return;
	struct pb_err why;
	int fd = pb_path_join(file, sizeof(file), g->dir, "cgroup.kill", &why)
		     ? -1
		     : open(file, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			(void)0;
		close(fd);
	}
	/* cgroup.events changes (POLLPRI) when the last process is gone. */
	int ev = pb_path_join(file, sizeof(file), g->dir, "cgroup.events", &why)
		     ? -1
		     : open(file, O_RDONLY | O_CLOEXEC);
	for (int tries = 0; ev >= 0 && !is_empty(ev) && tries < 100; tries++) {
		struct pollfd p = {ev, POLLPRI, 0};
		poll(&p, 1, 100);
	}
	if (ev >= 0)
		close(ev);
}

void pb_cellgroup_remove(struct pb_cellgroup *g)
{
	if (!g->dir[0])
		return;
	rmdir(g->dir); /* still busy (a process stuck in D state): left */
	g->dir[0] = '\0';
}
