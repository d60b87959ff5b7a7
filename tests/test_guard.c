/*
 * test_guard.c — the guard (run/guard.h), with this test as the runner:
 * it runs detached (a session of its own, its name, nothing open but its
 * socket, at "/"); when its socket reaches end of file it ends the cell
 * last handed over with everything below it, in a cgroup or not; it
 * ignores the signals that end a runner; a cell process can go on without
 * it; and it leaves nothing behind.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pbt_files.h"
#include "pbt_procs.h"
#include "pbtest.h"
#include "run/cellgroup.h"
#include "run/guard.h"

TestSuite(guard, .timeout = 60);

/* Waits (bounded) until the guard has named itself: it is detached. */
static void wait_detached(pid_t guard)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)guard);
	for (int tries = 0; tries < 10000; tries++) {
		char *comm = pbt_read(path);
		bool named = strcmp(comm, "parabench-guard\n") == 0;
		free(comm);
		if (named)
			return;
		usleep(1000); /* polling for a condition, bounded */
	}
	cr_assert_fail("the guard never named itself");
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;

	cr_assert_not_null(d, "%s: %s", dir, strerror(errno));
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int pidfd_of(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	cr_assert_geq(fd, 0, "pidfd_open %d: %s", (int)pid, strerror(errno));
	return fd;
}

/* In the fake cell: a daemon (setsid, double fork) that ignores the
 * signals a runner's death could bring, and says its pid on fd. */
static void start_daemon(int fd)
{
	pid_t mid = fork();

	if (mid == 0) {
		setsid();
		if (fork() == 0) {
			signal(SIGHUP, SIG_IGN);
			signal(SIGTERM, SIG_IGN);
			signal(SIGINT, SIG_IGN);
			dprintf(fd, "%d\n", (int)getpid());
			for (;;)
				pause();
		}
		_exit(0);
	}
	while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
		;
}

/*
 * Forks a fake cell process, as supervise.c makes one: a subreaper that
 * joins g (when not NULL) and hands itself over to the guard, then says
 * 'y' (handed over) or 'n' on a pipe, starts a daemon that says its pid
 * there, and waits. Returns the pipe's read end; the cell's pid in *cell.
 */
static int fake_cell(struct pb_cellgroup *g, pid_t *cell)
{
	int fds[2];

	cr_assert_eq(pipe(fds), 0);
	*cell = fork();
	cr_assert_geq(*cell, 0);
	if (*cell == 0) {
		close(fds[0]);
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		bool joined = g && pb_cellgroup_join(g);
		bool handed = pb_guard_hand_over(joined ? g->dir : "");
		if (write(fds[1], handed ? "y" : "n", 1) != 1)
			_exit(1);
		if (!handed)
			_exit(0);
		start_daemon(fds[1]);
		for (;;)
			pause();
	}
	if (g)
		pb_cellgroup_forked(g);
	close(fds[1]);
	return fds[0];
}

static char said(int fd)
{
	char c = 0;

	cr_assert_eq(read(fd, &c, 1), 1, "the fake cell said nothing");
	return c;
}

/*
 * A fake cell in g (or none) with its daemon; stopping the guard, as a
 * runner's death would, ends both, and nothing is left.
 */
static void guard_ends_a_cell(struct pb_cellgroup *g)
{
	pid_t cell;

	pbt_adopt_orphans();
	int fd = fake_cell(g, &cell);
	cr_assert_eq(said(fd), 'y', "handed over");
	int daemon = pidfd_of(pbt_read_pid(fd));
	int cellfd = pidfd_of(cell);
	pb_guard_stop();
	pbt_assert_ends(daemon, 10, "the daemon");
	pbt_assert_ends(cellfd, 10, "the cell");
	pbt_assert_children_gone(10, "after the guard");
	close(daemon);
	close(cellfd);
	close(fd);
}

Test(guard, runs_detached_and_stops_without_a_trace)
{
	char path[64], cwd[16] = "";
	int fds = pbt_count_fds();
	struct pb_err err = {{0}};

	cr_assert_eq(pb_guard_start(&err), PB_OK, "%s", err.msg);
	pid_t guard = pb_guard_pid();
	cr_assert_gt(guard, 0);
	cr_assert_eq(pb_guard_start(&err), PB_OK);
	cr_assert_eq(pb_guard_pid(), guard, "one guard at a time");
	wait_detached(guard);
	cr_assert_eq(getsid(guard), guard, "a session of its own");
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)guard);
	cr_assert_eq(count_entries(path), 4, "only 0-2 and its socket open");
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)guard);
	cr_assert_eq(readlink(path, cwd, sizeof(cwd) - 1), 1);
	cr_assert_str_eq(cwd, "/");
	pb_guard_stop();
	cr_assert_eq(pb_guard_pid(), 0);
	cr_assert_eq(pbt_count_fds(), fds, "no descriptor left");
	pbt_assert_no_child("after the guard");
}

Test(guard, ends_a_cell_and_its_daemon_without_a_cgroup)
{
	struct pb_err err = {{0}};

	cr_assert_eq(pb_guard_start(&err), PB_OK, "%s", err.msg);
	guard_ends_a_cell(NULL);
}

Test(guard, ends_a_cell_and_its_daemon_in_a_cgroup)
{
	struct pb_cellgroup g;
	struct pb_err err = {{0}};
	char dir[sizeof(g.dir)];

	if (!pb_cellgroup_create(&g))
		cr_skip("no writable cgroup v2 here");
	memcpy(dir, g.dir, sizeof(dir));
	cr_assert_eq(pb_guard_start(&err), PB_OK, "%s", err.msg);
	guard_ends_a_cell(&g);
	cr_assert_neq(access(dir, F_OK), 0, "the guard removed %s", dir);
}

Test(guard, ignores_the_signals_that_end_a_runner)
{
	static const int sigs[] = {SIGHUP,  SIGINT,  SIGTERM,
				   SIGQUIT, SIGPIPE, SIGUSR1};
	struct pb_err err = {{0}};

	cr_assert_eq(pb_guard_start(&err), PB_OK, "%s", err.msg);
	wait_detached(pb_guard_pid());
	for (size_t k = 0; k < PB_COUNT(sigs); k++)
		cr_assert_eq(kill(pb_guard_pid(), sigs[k]), 0);
	/* Still there to do its job. */
	guard_ends_a_cell(NULL);
}

Test(guard, a_cell_goes_on_without_a_guard)
{
	struct pb_err err = {{0}};
	pid_t cell;
	int status;

	/* None started: nothing to hand over to. */
	cr_assert_not(pb_guard_hand_over(""));
	/* One that died: the hand-over fails, with no SIGPIPE. */
	cr_assert_eq(pb_guard_start(&err), PB_OK, "%s", err.msg);
	int guard = pidfd_of(pb_guard_pid());
	cr_assert_eq(kill(pb_guard_pid(), SIGKILL), 0);
	pbt_assert_ends(guard, 10, "the guard");
	int fd = fake_cell(NULL, &cell);
	cr_assert_eq(said(fd), 'n');
	cr_assert_eq(waitpid(cell, &status, 0), cell);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x",
		  status);
	pb_guard_stop();
	pbt_assert_no_child("after the guard");
	close(guard);
	close(fd);
}

Test(guard, refuses_a_cgroup_path_that_does_not_fit)
{
	char *big = malloc(PATH_MAX + 2);
	pid_t cell;
	struct pb_err err = {{0}};

	cr_assert_not_null(big);
	memset(big, 'a', PATH_MAX + 1);
	big[PATH_MAX + 1] = '\0';
	cr_assert_eq(pb_guard_start(&err), PB_OK, "%s", err.msg);
	cell = fork();
	if (cell == 0)
		_exit(pb_guard_hand_over(big) ? 1 : 0);
	int status;
	cr_assert_eq(waitpid(cell, &status, 0), cell);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "a path that does not fit is not handed over");
	pb_guard_stop();
	pbt_assert_no_child("after the guard");
	free(big);
}
