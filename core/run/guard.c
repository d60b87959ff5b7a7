/*
 * guard.c — the guard process (see guard.h).
 *
 * Protocol, cell process -> guard, one SOCK_SEQPACKET packet per cell
 * process: its pid and its cgroup's path (NUL-terminated; "" for none),
 * with a pidfd of it as SCM_RIGHTS. The runner itself never writes: its
 * end only has to close. The pidfd is what makes the pid safe to act on:
 * every signal goes through it, and what /proc says of the pid is believed
 * only while the pidfd shows the process not yet reaped (until then, its
 * pid cannot name another process).
 */
#define _GNU_SOURCE
#include "guard.h"
#include "cellgroup.h"
#include "proctree.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* What a cell process hands over. */
struct hand_over {
	int32_t pid;
	char cgroup[PATH_MAX];
};

/* In the runner: the guard and the runner's end of its socket. */
static pid_t guard_pid;
static int guard_fd = -1;

/* ---- In the guard ---------------------------------------------------- */

/* The cell process last handed over. */
struct cell {
	int pidfd; /* -1: none yet */
	pid_t pid;
	char cgroup[PATH_MAX];
};

#define MAX_TREE 4096
/*
 * How often the guard takes the hand-overs waiting. It is not woken for
 * each (that would add a wake-up to each repetition): they queue in the
 * socket, which holds about 270 of them (with the default buffer size),
 * and a repetition takes 150 us at the very least, so that at most about
 * 70 arrive in the meantime. If it is full all the same, a cell process
 * goes on unguarded (pb_guard_hand_over).
 */
#define DRAIN_MS 10
/* Bounds, in 1 ms steps, on waiting for the cell process to stop and on
 * killing what is below it (a process in D state may take long to die). */
#define MAX_WAITS 10000

static void pause_1ms(void)
{
	struct timespec ts = {0, 1000 * 1000};
	nanosleep(&ts, NULL);
}

/* True while the process pidfd names is not reaped: its pid names it. */
static bool unreaped(int pidfd)
{
	return pidfd_send_signal(pidfd, 0, NULL, 0) == 0;
}

/* Waits until the cell process has stopped (or ended), asking again. */
static void wait_stopped(const struct cell *c)
{
	for (int k = 0; k < MAX_WAITS; k++) {
		char state;
		pid_t ppid;
		/* Again each time: a SIGCONT may have come in between. */
		if (pidfd_send_signal(c->pidfd, SIGSTOP, NULL, 0) != 0 ||
		    !pb_proc_stat(c->pid, &state, &ppid) ||
		    strchr("TtZX", state))
			return;
		pause_1ms();
	}
}

static bool in_tree(const pid_t *tree, size_t n, pid_t pid)
{
	for (size_t k = 0; k < n; k++)
		if (tree[k] == pid)
			return true;
	return false;
}

/*
 * Kills every live process below root, found at once before any is
 * killed; returns how many there were. A pid is signalled through a pidfd
 * opened before /proc confirms that its parent is in the tree, so a pid
 * reused meanwhile (by a process with another parent) is left alone.
 */
static size_t kill_below(pid_t root)
{
	static pid_t tree[MAX_TREE];
	size_t n = 1, alive = 0;

	tree[0] = root;
	for (size_t at = 0; at < n && n < MAX_TREE; at++)
		n += pb_proc_children(tree[at], tree + n, MAX_TREE - n);
	for (size_t k = 1; k < n; k++) {
		int fd = pidfd_open(tree[k], 0);
		char state;
		pid_t ppid;
		if (fd < 0)
			continue;
		if (pb_proc_stat(tree[k], &state, &ppid) && state != 'Z' &&
		    in_tree(tree, n, ppid)) {
			pidfd_send_signal(fd, SIGKILL, NULL, 0);
			alive++;
		}
		close(fd);
	}
	return alive;
}

/*
 * Ends a cell process that has no cgroup, and everything below it. It has
 * stopped (or is about to) rather than died with the runner, and it is a
 * child subreaper: every process it started is still below it, and a
 * process killed below it leaves its children to it, for the next pass.
 */
static void end_tree(const struct cell *c)
{
	if (!unreaped(c->pidfd))
		return; /* the runner reaped it: the cell is over */
	wait_stopped(c);
	for (int pass = 0;
	     pass < MAX_WAITS && unreaped(c->pidfd) && kill_below(c->pid) > 0;
	     pass++)
		pause_1ms();
	pidfd_send_signal(c->pidfd, SIGKILL, NULL, 0);
}

/* Ends the cell last handed over, if it still runs. */
static void end_cell(const struct cell *c)
{
	if (c->cgroup[0]) {
		struct pb_cellgroup g = {.procs_fd = -1};
		memcpy(g.dir, c->cgroup, sizeof(g.dir));
		pb_cellgroup_kill(&g); /* nothing if the runner removed it */
		pb_cellgroup_remove(&g);
	}
	if (c->pidfd >= 0)
		end_tree(c);
}

/*
 * Takes one hand-over waiting into c (a garbled one is dropped). Returns
 * 1 when it took one, 0 when none is waiting, -1 at the end of file (or
 * on an error that leaves nothing more to read).
 */
static int receive(int fd, struct cell *c)
{
	struct hand_over msg;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {&msg, sizeof(msg)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf)};
	const size_t head = offsetof(struct hand_over, cgroup);
	ssize_t n;
	int pidfd = -1;

	while ((n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT)) < 0 &&
	       errno == EINTR)
		;
	if (n < 0)
		return errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return -1;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&pidfd, CMSG_DATA(cm), sizeof(int));
	if (pidfd < 0 || (size_t)n <= head ||
	    (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
	    !memchr(msg.cgroup, '\0', (size_t)n - head)) {
		if (pidfd >= 0)
			close(pidfd);
		return 1;
	}
	if (c->pidfd >= 0)
		close(c->pidfd);
	c->pidfd = pidfd;
	c->pid = (pid_t)msg.pid;
	memcpy(c->cgroup, msg.cgroup, strlen(msg.cgroup) + 1);
	return 1;
}

/* Out of reach of what ends the runner: see guard.h. */
static void detach(int fd)
{
	static const int ignored[] = {SIGHUP,  SIGINT,	SIGQUIT, SIGTERM,
				      SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM,
				      SIGTSTP, SIGTTIN, SIGTTOU};
	sigset_t none;

	setsid();
	for (size_t k = 0; k < sizeof(ignored) / sizeof(ignored[0]); k++)
		signal(ignored[k], SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Only the socket, as fd 3; 0-2 on /dev/null (0-2 are open in the
	 * runner, so fd is 3 or more). */
	if (fd != 3 && dup2(fd, 3) != 3)
		_exit(1);
	close_range(4, ~0U, 0);
	int null = open("/dev/null", O_RDWR);
	for (int k = 0; null >= 0 && k < 3; k++)
		dup2(null, k);
	if (null > 2)
		close(null);
	if (chdir("/") != 0)
		(void)0; /* then it stays where it was: harmless */
	/* Last: the name says that all of the above is done. */
	prctl(PR_SET_NAME, "parabench-guard");
}

static __attribute__((noreturn)) void guard_main(int fd)
{
	struct cell c = {.pidfd = -1};

	detach(fd);
	for (;;) {
		int got;
		while ((got = receive(3, &c)) == 1)
			;
		if (got < 0)
			break;
		/* Asking for no event, it wakes at the end of file (POLLHUP)
		 * but not for a hand-over: those wait for the next round. */
		struct pollfd p = {3, 0, 0};
		poll(&p, 1, DRAIN_MS);
	}
	end_cell(&c);
	_exit(0);
}

/* ---- In the runner --------------------------------------------------- */

int pb_guard_start(struct pb_err *err)
{
	int sv[2];

	if (guard_pid > 0)
		return PB_OK;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return pb_fail(err, "cannot make a socket for the guard: %s",
			       strerror(errno));
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return pb_fail(err, "cannot fork the guard: %s", strerror(e));
	}
	if (pid == 0) {
		close(sv[0]);
		guard_main(sv[1]);
	}
	close(sv[1]);
	guard_pid = pid;
	guard_fd = sv[0];
	return PB_OK;
}

void pb_guard_stop(void)
{
	if (guard_pid <= 0)
		return;
	close(guard_fd);
	guard_fd = -1;
	while (waitpid(guard_pid, NULL, 0) < 0 && errno == EINTR)
		;
	guard_pid = 0;
}

pid_t pb_guard_pid(void)
{
	return guard_pid;
}

/* ---- In a cell process ----------------------------------------------- */

bool pb_guard_hand_over(const char *cgroup)
{
	struct hand_over msg; /* only the part sent is filled in */
	size_t len = strnlen(cgroup, sizeof(msg.cgroup));
	int fd = guard_fd, pidfd;
	bool ok = false;

	/* The guard is the runner's child, not ours. */
	guard_fd = -1;
	guard_pid = 0;
	if (fd < 0)
		return false;
	if (len < sizeof(msg.cgroup) &&
	    (pidfd = pidfd_open(getpid(), 0)) >= 0) {
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} ctl;
		size_t size = offsetof(struct hand_over, cgroup) + len + 1;
		struct iovec iov = {&msg, size};
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = ctl.buf,
				    .msg_controllen = sizeof(ctl.buf)};
		memset(&ctl, 0, sizeof(ctl));
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pidfd, sizeof(int));
		msg.pid = (int32_t)getpid();
		memcpy(msg.cgroup, cgroup, len + 1);
		/* Never wait: a guard that cannot take it at once is of no
		 * use, and the cell must not hang on it. */
		ok = sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) ==
		     (ssize_t)size;
		close(pidfd);
	}
	close(fd);
	return ok;
}
