/*
 * pbt_procs.c — process trees, orphans and gate FIFOs for the tests (see
 * pbt_procs.h).
 */
#define _GNU_SOURCE
#include "pbt_procs.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pbtest.h"
#include "run/proctree.h"

#define MAX_PROCS 65536

/* The parent of pid and whether it is a zombie; false when gone. */
static bool parent_of(pid_t pid, pid_t *ppid, bool *zombie)
{
	char state;

	if (!pb_proc_stat(pid, &state, ppid))
		return false;
	*zombie = state == 'Z';
	return true;
}

size_t pbt_descendants(pid_t root, pid_t *out, size_t max)
{
	static pid_t pid[MAX_PROCS], ppid[MAX_PROCS];
	size_t n = 0, found = 0;
	DIR *d = opendir("/proc");

	cr_assert_not_null(d);
	for (struct dirent *e; n < MAX_PROCS && (e = readdir(d));) {
		char *end;
		long p = strtol(e->d_name, &end, 10);
		bool zombie;
		if (*end || p <= 0 || !parent_of((pid_t)p, &ppid[n], &zombie) ||
		    zombie)
			continue;
		pid[n++] = (pid_t)p;
	}
	closedir(d);
	/* Breadth first: out[] grows as parents are found in it. */
	for (size_t k = 0; k < n && found < max; k++)
		if (ppid[k] == root)
			out[found++] = pid[k];
	for (size_t at = 0; at < found; at++)
		for (size_t k = 0; k < n && found < max; k++)
			if (ppid[k] == out[at])
				out[found++] = pid[k];
	return found;
}

void pbt_adopt_orphans(void)
{
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0, "%s",
		     strerror(errno));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void pbt_assert_children_gone(double seconds, const char *what)
{
	double end = now_s() + seconds;

	for (;;) {
		pid_t got = waitpid(-1, NULL, WNOHANG);
		if (got > 0)
			continue;
		if (got < 0 && errno == ECHILD)
			return;
		if (got < 0 && errno == EINTR)
			continue;
		if (now_s() > end)
			break;
		usleep(10000); /* polling, bounded: not a timing assumption */
	}
	pid_t left[64];
	size_t n = pbt_descendants(getpid(), left, PB_COUNT(left));
	char names[1024] = "";
	for (size_t k = 0; k < n; k++) {
		char path[64], comm[64] = "?";
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)left[k]);
		FILE *f = fopen(path, "r");
		if (f && fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		if (f)
			fclose(f);
		size_t len = strlen(names);
		snprintf(names + len, sizeof(names) - len, " %d (%s)",
			 (int)left[k], comm);
		kill(left[k], SIGKILL);
	}
	while (waitpid(-1, NULL, 0) > 0)
		;
	cr_assert_fail("%s: %zu processes still alive after %gs:%s", what, n,
		       seconds, names);
}

int pbt_gate_open(const char *path)
{
	cr_assert_eq(mkfifo(path, 0600), 0, "mkfifo %s: %s", path,
		     strerror(errno));
	int fd = open(path, O_RDWR | O_CLOEXEC);
	cr_assert_geq(fd, 0, "open %s: %s", path, strerror(errno));
	return fd;
}

void pbt_gate_expect(int fd, char want)
{
	struct pollfd p = {fd, POLLIN, 0};
	char got = 0;

	cr_assert_eq(poll(&p, 1, 30000), 1, "no signal '%c' from the gate",
		     want);
	cr_assert_eq(read(fd, &got, 1), 1);
	cr_assert_eq(got, want, "the gate said '%c', expected '%c'", got, want);
}

pid_t pbt_read_pid(int fd)
{
	char line[32];
	size_t n = 0;

	while (n < sizeof(line) - 1 && (n == 0 || line[n - 1] != '\n')) {
		struct pollfd p = {fd, POLLIN, 0};
		cr_assert_eq(poll(&p, 1, 30000), 1, "no pid arrived");
		ssize_t got = read(fd, line + n, 1);
		cr_assert_eq(got, 1, "read: %s", strerror(errno));
		n++;
	}
	line[n] = '\0';
	char *end;
	long pid = strtol(line, &end, 10);
	cr_assert(pid > 0 && *end == '\n', "not a pid: '%s'", line);
	return (pid_t)pid;
}

void pbt_assert_ends(int pidfd, double seconds, const char *what)
{
	struct pollfd p = {pidfd, POLLIN, 0};

	if (poll(&p, 1, (int)(seconds * 1000)) == 1)
		return;
	syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	cr_assert_fail("%s: still running after %gs", what, seconds);
}

pid_t pbt_parabench_start(const char *const *argv)
{
	char prog[4096];
	const char *args[32] = {prog};

	snprintf(prog, sizeof(prog), "%s/parabench", pbt_build());
	for (size_t k = 0; argv[k] && k < 30; k++)
		args[k + 1] = argv[k];
	pid_t test = getpid();
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* A failed assertion ends the test: the runner goes with it
		 * (and its guard ends the cell), instead of waiting forever
		 * at a gate. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != test)
			_exit(127);
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execv(prog, (char *const *)args);
		_exit(127);
	}
	return pid;
}
