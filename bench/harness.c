/*
 * harness.c — the measuring driver of bench/harness.sh: times commands and
 * watches a running parabench from outside, so the figures of the harness's
 * own cost and of the runner's load test come from the real binary.
 *
 * Usage:
 *   harness fork N [SO]...       seconds per fork()+waitpid() of a child
 *                                that exits at once: the median of 7
 *                                batches of N (the cost isolation adds to
 *                                a cell, at the least); with the shared
 *                                objects SO loaded first, so the address
 *                                space copied and torn down is as big as
 *                                the runner's with its plugins
 *   harness time N CMD [ARG]...  median wall seconds of N runs of CMD
 *                                (stdout and stderr to /dev/null); "nan"
 *                                when a run cannot start or exits non-zero;
 *                                an ARG holding "%d" gets the run's number
 *                                there (a fresh --out folder per run)
 *   harness watch READY CMD [ARG]...
 *                                runs CMD once and samples its
 *                                /proc/<pid>/status and /proc/<pid>/fd
 *                                every 2 ms; prints key=value pairs (see
 *                                print_watch)
 *
 * watch splits the samples taken after the file READY exists (the runner
 * has written its first output, so start-up is over) into quarters and
 * compares the first with the last: a runner with flat memory and no
 * descriptor leak shows the same RSS and the same descriptor count in both.
 * The fewest descriptors of a quarter are taken, so a cell's pipe that is
 * open for a moment does not count; VmHWM is the peak RSS of the runner
 * alone (wait4's ru_maxrss would include the cell processes it forks).
 *
 * Prints results on stdout, errors on stderr; exits 2 on bad usage, 1 when
 * the command could not be run at all.
 */
#define _GNU_SOURCE
#include "bench_util.h"
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define BATCHES 7
#define MAX_RUNS 1000
#define MAX_SAMPLES (1 << 20)
#define SAMPLE_NS 2000000L

/* One look at the watched process. */
struct sample {
	long rss_kb, hwm_kb;
	int fds;
	bool ready;
};

/* Reaps pid; returns its wait status, or -1 when waitpid fails. */
static int reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* dlopens every path of so[]; the handles stay open until exit. */
static int load_objects(char **so)
{
	for (; *so; so++)
		if (!dlopen(*so, RTLD_NOW | RTLD_LOCAL)) {
			fprintf(stderr, "harness: %s\n", dlerror());
			return 1;
		}
	return 0;
}

static int cmd_fork(long n, char **so)
{
	double batch[BATCHES];

	if (load_objects(so))
		return 1;

	for (int b = 0; b < BATCHES; b++) {
		double t = bench_now_s();
		for (long k = 0; k < n; k++) {
			pid_t pid = fork();
			if (pid < 0) {
				perror("harness: fork");
				return 1;
			}
			if (pid == 0)
				_exit(0);
			reap(pid);
		}
		batch[b] = (bench_now_s() - t) / (double)n;
	}
	printf("%.9f\n", bench_median(batch, BATCHES));
	return 0;
}

/*
 * Starts argv with stdout on /dev/null, and stderr too when quiet (watch
 * keeps the runner's error messages); returns the pid, or -1 with a
 * message on stderr.
 */
static pid_t start(char **argv, bool quiet)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (quiet)
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		fprintf(stderr, "harness: cannot start %s: %s\n", argv[0],
			strerror(rc));
		return -1;
	}
	return pid;
}

static bool exited_ok(int status)
{
	return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * Fills run[] from argv with "%d" in an argument replaced by k (in buf,
 * room for one such argument); the other arguments are argv's own.
 */
static void number_args(char **argv, char **run, long k, char *buf, size_t size)
{
	size_t i;

	for (i = 0; argv[i]; i++) {
		char *at = strstr(argv[i], "%d");
		run[i] = argv[i];
		if (at) {
			snprintf(buf, size, "%.*s%ld%s", (int)(at - argv[i]),
				 argv[i], k, at + 2);
			run[i] = buf;
		}
	}
	run[i] = NULL;
}

static int cmd_time(long n, int argc, char **argv)
{
	static double t[MAX_RUNS];
	char **run = calloc((size_t)argc + 1, sizeof(*run));
	char buf[4096];
	int rc = 0;

	if (!run) {
		fprintf(stderr, "harness: out of memory\n");
		return 1;
	}
	for (long k = 0; k < n; k++) {
		number_args(argv, run, k, buf, sizeof(buf));
		double t0 = bench_now_s();
		pid_t pid = start(run, true);
		if (pid < 0) {
			rc = 1;
			goto out;
		}
		int status = reap(pid);
		t[k] = bench_now_s() - t0;
		if (!exited_ok(status)) {
			fprintf(stderr, "harness: %s failed (status %#x)\n",
				argv[0], status);
			printf("nan\n");
			goto out;
		}
	}
	printf("%.6f\n", bench_median(t, (size_t)n));
out:
	free(run);
	return rc;
}

/* Reads VmRSS and VmHWM of pid into s; false once the process is gone. */
static bool read_status(pid_t pid, struct sample *s)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	s->rss_kb = s->hwm_kb = -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "VmRSS:", 6))
			s->rss_kb = strtol(line + 6, NULL, 10);
		else if (!strncmp(line, "VmHWM:", 6))
			s->hwm_kb = strtol(line + 6, NULL, 10);
	}
	fclose(f);
	/* A zombie has no memory lines: it is gone for our purpose. */
	return s->rss_kb >= 0 && s->hwm_kb >= 0;
}

/* The number of open descriptors of pid, or -1 once it is gone. */
static int count_fds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* A wait status as a shell shows it: 128 + signal when killed; -1 unknown. */
static int exit_code(int status)
{
	if (status < 0)
		return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

/* The fewest descriptors and the largest RSS of s[0..n-1]. */
static void quarter(const struct sample *s, size_t n, int *fds, long *rss)
{
	*fds = -1;
	*rss = -1;
	for (size_t k = 0; k < n; k++) {
		if (*fds < 0 || s[k].fds < *fds)
			*fds = s[k].fds;
		if (s[k].rss_kb > *rss)
			*rss = s[k].rss_kb;
	}
}

/*
 * Prints, for the samples s[0..n-1] of one run, as key=value pairs:
 *   wall_s status samples peak_kb rss_early_kb rss_late_kb fd_early fd_late
 *   fd_max
 * early and late are the first and last quarter of the samples taken once
 * READY existed (all samples when it never appeared).
 */
static void print_watch(const struct sample *s, size_t n, double wall,
			int status)
{
	size_t first = 0, q;
	int fd_early = -1, fd_late = -1, fd_max = -1;
	long rss_early = -1, rss_late = -1, peak = -1;

	while (first < n && !s[first].ready)
		first++;
	if (first == n)
		first = 0;
	q = (n - first + 3) / 4;
	if (n > first) {
		quarter(s + first, q, &fd_early, &rss_early);
		quarter(s + n - q, q, &fd_late, &rss_late);
	}
	/*
	 * The kernel batches RSS counter updates per thread, so a VmRSS
	 * read can exceed a later VmHWM: the peak is the largest of both.
	 */
	for (size_t k = 0; k < n; k++) {
		peak = s[k].hwm_kb > peak ? s[k].hwm_kb : peak;
		peak = s[k].rss_kb > peak ? s[k].rss_kb : peak;
		if (k >= first && s[k].fds > fd_max)
			fd_max = s[k].fds;
	}
	printf("wall_s=%.6f status=%d samples=%zu peak_kb=%ld rss_early_kb=%ld "
	       "rss_late_kb=%ld fd_early=%d fd_late=%d fd_max=%d\n",
	       wall, exit_code(status), n - first, peak, rss_early, rss_late,
	       fd_early, fd_late, fd_max);
}

static int cmd_watch(const char *ready, char **argv)
{
	const struct timespec pause = {0, SAMPLE_NS};
	struct sample *s = malloc(MAX_SAMPLES * sizeof(*s));
	struct sample cur;
	size_t n = 0;
	bool seen = false;
	struct stat st;
	double t0;
	pid_t pid;
	int rc = 1;

	if (!s) {
		fprintf(stderr, "harness: out of memory\n");
		return 1;
	}
	t0 = bench_now_s();
	pid = start(argv, false);
	if (pid < 0)
		goto out;
	for (;;) {
		nanosleep(&pause, NULL);
		if (!read_status(pid, &cur))
			break;
		cur.fds = count_fds(pid);
		seen = seen || stat(ready, &st) == 0;
		cur.ready = seen;
		/* Keep a look only if the process was whole for all of it. */
		if (cur.fds < 0 || !read_status(pid, &cur))
			break;
		if (n < MAX_SAMPLES)
			s[n++] = cur;
	}
	int status = reap(pid);
	print_watch(s, n, bench_now_s() - t0, status);
	rc = 0;
out:
	free(s);
	return rc;
}

static int usage(void)
{
	fprintf(stderr, "usage: harness fork N [SO]... | time N CMD [ARG]... | "
			"watch READY CMD [ARG]...\n");
	return 2;
}

int main(int argc, char **argv)
{
	long n;

	if (argc < 3)
		return usage();
	if (!strcmp(argv[1], "watch") && argc >= 4)
		return cmd_watch(argv[2], argv + 3);
	n = strtol(argv[2], NULL, 10);
	if (n < 1 || n > MAX_RUNS * 100)
		return usage();
	if (!strcmp(argv[1], "fork"))
		return cmd_fork(n, argv + 3);
	if (!strcmp(argv[1], "time") && argc >= 4 && n <= MAX_RUNS)
		return cmd_time(n, argc - 3, argv + 3);
	return usage();
}
