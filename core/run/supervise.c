/*
 * supervise.c — the repetitions of one cell, in-process or in a cell
 * process of its own (see supervise.h).
 *
 * Protocol, cell process -> runner, over one pipe: messages of a fixed
 * header (type, repetition, payload length) and a payload.
 *   MSG_START   rep (0 for a warm-up) begins: the runner restarts the clock
 *               of the timeout.
 *   MSG_PATH    setup made this path (own_path): remove it if the cell dies.
 *   MSG_MEASURE the struct pb_measure of rep.
 * The runner watches the pipe and a pidfd of the cell process with ppoll(),
 * so neither a silent hang nor grandchildren holding the pipe open (which
 * would delay EOF) can fool it; SIGINT and SIGTERM are blocked but during
 * ppoll, so an interruption can never land between the check of
 * pb_interrupted and the wait.
 *
 * Nothing a cell starts outlives it or the runner: the cell process dies
 * with the runner (parent-death signal); each cell runs in a cgroup of its
 * own where one can be made (cellgroup.h), killed whole when the cell ends;
 * the cell process, a subreaper, kills and reaps every process re-parented
 * to it after each repetition, counting them in the row's message; the
 * runner, a subreaper too, does the same when the cell process has ended
 * (orphans.h); and when the runner is killed, its guard ends the cell
 * process with what it started (guard.h).
 */
#define _GNU_SOURCE
#include "supervise.h"
#include "cellgroup.h"
#include "guard.h"
#include "orphans.h"
#include "repetition.h"

#include "lib/file.h"
#include "lib/path.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t pb_interrupted;

/* pb_supervise_init was called: every child of ours but the cell process
 * is an orphan left behind. */
static bool reaper;
static bool use_cgroups;

enum msg_type { MSG_START = 1, MSG_PATH, MSG_MEASURE };

struct msg_header {
	uint32_t type, rep, len;
};

#define MAX_OWNED 64

/* What the runner knows of a cell process while it runs. */
struct supervisor {
	const struct pb_cell_job *job;
	pid_t pid;
	int rfd, pidfd;
	size_t next;	  /* index into job->reps of the next expected row */
	bool started;	  /* a MSG_START arrived */
	unsigned current; /* repetition in progress; 0 = a warm-up */
	double deadline;  /* CLOCK_MONOTONIC seconds; 0 = none */
	bool asked_to_stop;
	bool killed_to_stop; /* killed for a second interrupt: no rows */
	char *owned[MAX_OWNED];
	size_t nowned;
	struct pb_cellgroup group;
	size_t left_behind; /* found when the cell process ended */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct pb_host make_host(const struct pb_cell *cell,
				void (*own_path)(struct pb_host *,
						 const char *),
				void *opaque)
{
	return (struct pb_host){
	    .size = sizeof(struct pb_host),
	    .abi_version = PB_ABI_VERSION,
	    .opaque = opaque,
	    .own_path = own_path,
	    .seed = cell->exp->seed,
	    .cores = (unsigned)sysconf(_SC_NPROCESSORS_ONLN),
	    .dir = cell->exp->dir,
	};
}

/* In the runner: kills and reaps what the plugins left behind. */
static size_t sweep(void)
{
	return reaper ? pb_orphans_reap(pb_guard_pid()) : 0;
}

/* Says in m's message that n processes were left behind. */
static void note_left_behind(struct pb_measure *m, size_t n)
{
	size_t len = strnlen(m->message, sizeof(m->message) - 1);

	if (n == 0)
		return;
	snprintf(m->message + len, sizeof(m->message) - len,
		 "%s%zu process%s left behind by the plugins (killed)",
		 len ? "; " : "", n, n == 1 ? "" : "es");
}

/* ---- In the runner's own process (--no-isolate) ---------------------- */

static void own_path_here(struct pb_host *host, const char *path)
{
	(void)host;
	(void)path; /* nothing can outlive us here: teardown removes it */
}

static int run_here(const struct pb_cell_job *job, struct pb_err *err)
{
	struct pb_host host = make_host(job->cell, own_path_here, NULL);
	struct pb_measure m;

	size_t left = 0; /* by warm-ups: told in the next row */

	for (unsigned w = 0; w < job->warmup && !pb_interrupted; w++) {
		pb_repetition_run(&job->cell->spec, &host, &m);
		left += sweep();
	}
	for (size_t k = 0; k < job->nreps && !pb_interrupted; k++) {
		pb_repetition_run(&job->cell->spec, &host, &m);
		note_left_behind(&m, left + sweep());
		left = 0;
		if (job->on_measure(job->ctx, job->reps[k], &m, err))
			return PB_ERROR;
	}
	return PB_OK;
}

/* ---- In the cell process --------------------------------------------- */

static int child_fd = -1;
static volatile sig_atomic_t child_stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	child_stop = 1;
}

/* Writes all of a message, or ends the process: the runner is gone. */
static void send_msg(uint32_t type, uint32_t rep, const void *data,
		     uint32_t len)
{
	struct msg_header h = {type, rep, len};
	char buf[sizeof(h) + sizeof(struct pb_measure)];
	size_t total = sizeof(h) + len;

	/* One write per message, so nothing interleaves within a message. */
	if (total > sizeof(buf))
		_exit(70);
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), data, len);
	if (pb_write_all(child_fd, buf, total) != 0)
		_exit(71);
}

/*
 * Sends a path setup made. A path of PB_PATH_MAX bytes or more cannot name
 * a file (the kernel refuses such paths), so it is not sent: the runner
 * never learns, and never removes, a shorter path cut from it.
 */
static void own_path_child(struct pb_host *host, const char *path)
{
	size_t n = strnlen(path, PB_PATH_MAX);

	(void)host;
	if (n < PB_PATH_MAX)
		send_msg(MSG_PATH, 0, path, (uint32_t)n + 1);
}

static void child_signals(void)
{
	struct sigaction sa = {.sa_handler = on_stop_signal};

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

static __attribute__((noreturn)) void child_main(const struct pb_cell_job *job,
						 int fd, pid_t runner,
						 struct pb_cellgroup *group,
						 const sigset_t *mask)
{
	struct pb_host host = make_host(job->cell, own_path_child, NULL);
	struct pb_measure m;

	/* Die with the runner, whatever kills it (kill -9 included). If it
	 * died before this was set, we were re-parented already: leave. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != runner)
		_exit(72);
	/* A session of our own, not only a process group: a group that the
	 * runner's death orphans gets SIGHUP and SIGCONT from the kernel if
	 * a member is stopped, which would end or wake us before the guard
	 * is done; a group in another session than its parent's never does. */
	setsid();
	bool grouped = pb_cellgroup_join(group);
	/* Without a cgroup, the guard finds what we started below us: stop,
	 * rather than die, when the runner dies (guard.h). */
	if (pb_guard_hand_over(grouped ? group->dir : "") && !grouped &&
	    (prctl(PR_SET_PDEATHSIG, SIGSTOP) != 0 || getppid() != runner))
		_exit(72);
	child_fd = fd;
	child_signals();
	/* SIGUSR1 was blocked from before fork until its handler was set: a
	 * stop request sent at once is now delivered, not deadly. */
	sigprocmask(SIG_SETMASK, mask, NULL);
	/* Orphans of the plugins' processes (a daemon) become ours: after a
	 * repetition, teardown included, every child we have is one. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	size_t left = 0; /* by warm-ups: told in the next row */
	for (unsigned w = 0; w < job->warmup && !child_stop; w++) {
		send_msg(MSG_START, 0, NULL, 0);
		pb_repetition_run(&job->cell->spec, &host, &m);
		left += pb_orphans_reap(0);
	}
	for (size_t k = 0; k < job->nreps && !child_stop; k++) {
		send_msg(MSG_START, job->reps[k], NULL, 0);
		pb_repetition_run(&job->cell->spec, &host, &m);
		note_left_behind(&m, left + pb_orphans_reap(0));
		left = 0;
		send_msg(MSG_MEASURE, job->reps[k], &m, sizeof(m));
	}
	_exit(0);
}

/* ---- In the runner, supervising -------------------------------------- */

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) == 0 || errno == ENOENT ? 0 : -1;
	return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

int pb_remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? PB_OK : PB_ERROR;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) == 0 ? PB_OK : PB_ERROR;
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0
		   ? PB_OK
		   : PB_ERROR;
}

void pb_supervise_init(bool cgroups)
{
	reaper = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
	use_cgroups = cgroups;
}

/* Reads exactly len bytes; false at EOF or error. */
static bool read_all(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

/* A row for a repetition the cell process could not measure. */
static int lost_row(struct supervisor *s, unsigned rep, enum pb_status st,
		    const char *why, struct pb_err *err)
{
	struct pb_measure m;

	pb_measure_init(&m, &s->job->cell->spec);
	m.status = st;
	snprintf(m.message, sizeof(m.message), "%s", why);
	return s->job->on_measure(s->job->ctx, rep, &m, err);
}

/* Handles one message; false when the pipe is at EOF or garbled. */
static bool take_message(struct supervisor *s, int *rc, struct pb_err *err)
{
	struct msg_header h;
	struct pb_measure m;
	char path[PB_PATH_MAX];

	if (!read_all(s->rfd, &h, sizeof(h)))
		return false;
	if (h.type == MSG_START) {
		s->started = true;
		s->current = h.rep;
		s->deadline =
		    s->job->timeout_s > 0 ? now_s() + s->job->timeout_s : 0;
		return true;
	}
	if (h.type == MSG_PATH && h.len > 0 && h.len <= sizeof(path)) {
		if (!read_all(s->rfd, path, h.len))
			return false;
		/* Exactly one string, whole: never a cut path to remove. */
		if (path[h.len - 1] != '\0' || strlen(path) != h.len - 1)
			return false;
		if (s->nowned < MAX_OWNED)
			s->owned[s->nowned++] = strdup(path);
		return true;
	}
	if (h.type == MSG_MEASURE && h.len == sizeof(m) &&
	    read_all(s->rfd, &m, sizeof(m)) && s->next < s->job->nreps) {
		s->next++;
		m.message[sizeof(m.message) - 1] = '\0';
		if (*rc == PB_OK)
			*rc = s->job->on_measure(s->job->ctx, h.rep, &m, err);
		return true;
	}
	return false;
}

static void kill_group(struct supervisor *s)
{
	kill(-s->pid, SIGKILL);
	kill(s->pid, SIGKILL);
}

/*
 * Reaps the cell process, then ends everything it left: its cgroup, its
 * process group, and every orphan re-parented to us (counted in
 * s->left_behind). Returns the cell process's wait status.
 */
static int reap(struct supervisor *s)
{
	int status = 0;

	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	pb_cellgroup_kill(&s->group);
	/* Grandchildren left behind die with the group, then are ours. */
	kill(-s->pid, SIGKILL);
	while (waitpid(-s->pid, NULL, 0) > 0 || errno == EINTR)
		;
	if (reaper)
		s->left_behind = pb_orphans_reap(pb_guard_pid());
	pb_cellgroup_remove(&s->group);
	return status;
}

static void describe_death(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by SIG%s (%s)",
			 sigabbrev_np(WTERMSIG(status))
			     ? sigabbrev_np(WTERMSIG(status))
			     : "?",
			 strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d",
			 WEXITSTATUS(status));
	else
		snprintf(buf, len, "ended (wait status %#x)", status);
}

/* Rows for the repetitions the cell process did not deliver. */
static int settle(struct supervisor *s, enum pb_status st, const char *what,
		  struct pb_err *err)
{
	char why[PB_ERR_MAX], where[64];
	int rc = PB_OK;

	if (!s->started)
		snprintf(where, sizeof(where), "start-up");
	else if (s->current == 0)
		snprintf(where, sizeof(where), "a warm-up repetition");
	else
		snprintf(where, sizeof(where), "repetition %u", s->current);
	for (bool first = true; s->next < s->job->nreps && rc == PB_OK;
	     first = false) {
		unsigned rep = s->job->reps[s->next++];
		if (first && s->left_behind)
			snprintf(why, sizeof(why),
				 "cell process %s during %s; %zu process%s "
				 "left behind by the plugins (killed)",
				 what, where, s->left_behind,
				 s->left_behind == 1 ? "" : "es");
		else if (first)
			snprintf(why, sizeof(why), "cell process %s during %s",
				 what, where);
		else
			snprintf(why, sizeof(why),
				 "not run: the cell process %s during %s", what,
				 where);
		rc = lost_row(s, rep, st, why, err);
	}
	return rc;
}

static void remove_owned(struct supervisor *s)
{
	for (size_t k = 0; k < s->nowned; k++) {
		if (s->owned[k])
			pb_remove_tree(s->owned[k]);
		free(s->owned[k]);
	}
	s->nowned = 0;
}

/* The time left until the deadline into ts; NULL when there is none. */
static struct timespec *poll_timeout(const struct supervisor *s,
				     struct timespec *ts)
{
	if (s->deadline <= 0)
		return NULL;
	double left = s->deadline - now_s();
	if (left < 0)
		left = 0;
	ts->tv_sec = (time_t)left;
	ts->tv_nsec = (long)((left - (double)ts->tv_sec) * 1e9);
	return ts;
}

/* Passes an interruption on: first ask the cell to stop, then kill it. */
static void forward_interrupt(struct supervisor *s)
{
	if (pb_interrupted >= 2) {
		kill_group(s);
		s->killed_to_stop = true;
	} else if (pb_interrupted == 1 && !s->asked_to_stop) {
		kill(s->pid, SIGUSR1);
		s->asked_to_stop = true;
	}
}

/* Watches the cell process until it ends; returns how it ended. */
static int supervise(struct supervisor *s, struct pb_err *err)
{
	struct pollfd fds[2] = {{s->rfd, POLLIN, 0}, {s->pidfd, POLLIN, 0}};
	bool timed_out = false, eof = false;
	int rc = PB_OK;
	sigset_t stops, open_mask;
	struct timespec ts;

	/* Interruptions arrive only inside ppoll, which then returns. */
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigprocmask(SIG_BLOCK, &stops, &open_mask);
	while (!eof) {
		forward_interrupt(s);
		int n = ppoll(fds, 2, poll_timeout(s, &ts), &open_mask);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			timed_out = true;
			kill_group(s);
			break;
		}
		if (fds[0].revents) {
			eof = !take_message(s, &rc, err);
			if (eof) /* exited, or garbled the pipe: end it */
				kill_group(s);
		} else if (fds[1].revents)
			break; /* exited; the pipe may still hold messages */
	}
	/* Drain what the process wrote before it ended. */
	fcntl(s->rfd, F_SETFL, O_NONBLOCK);
	while (!timed_out && !eof && take_message(s, &rc, err))
		;
	sigprocmask(SIG_SETMASK, &open_mask, NULL);
	int status = reap(s);
	char what[160];
	if (timed_out) {
		snprintf(what, sizeof(what), "exceeded the timeout of %gs",
			 s->job->timeout_s);
		if (rc == PB_OK)
			rc = settle(s, PB_STATUS_TIMEOUT, what, err);
	} else if (!s->killed_to_stop &&
		   (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
		    (s->next < s->job->nreps && !pb_interrupted))) {
		describe_death(status, what, sizeof(what));
		if (rc == PB_OK)
			rc = settle(s, PB_STATUS_CRASHED, what, err);
	}
	remove_owned(s);
	return rc;
}

static int run_isolated(const struct pb_cell_job *job, struct pb_err *err)
{
	struct supervisor s = {.job = job, .rfd = -1, .pidfd = -1};
	pid_t runner = getpid();
	sigset_t usr1, mask;
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) != 0)
		return pb_fail(err, "cannot make a pipe for a cell: %s",
			       strerror(errno));
	if (!use_cgroups || !pb_cellgroup_create(&s.group))
		s.group = (struct pb_cellgroup){.procs_fd = -1};
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &mask);
	s.pid = fork();
	if (s.pid != 0)
		sigprocmask(SIG_SETMASK, &mask, NULL);
	if (s.pid < 0) {
		int e = errno;
		close(fds[0]);
		close(fds[1]);
		pb_cellgroup_forked(&s.group);
		pb_cellgroup_remove(&s.group);
		return pb_fail(err, "cannot fork a cell process: %s",
			       strerror(e));
	}
	if (s.pid == 0) {
		close(fds[0]);
		child_main(job, fds[1], runner, &s.group, &mask);
	}
	pb_cellgroup_forked(&s.group);
	/* No setpgid here: the child's setsid would fail on a group leader.
	 * Until it runs, the child has no process of its own to kill. */
	close(fds[1]);
	s.rfd = fds[0];
	s.pidfd = (int)syscall(SYS_pidfd_open, s.pid, 0);
	if (s.pidfd < 0) {
		int e = errno; /* kill and wait below may change errno */
		kill_group(&s);
		reap(&s);
		close(s.rfd);
		return pb_fail(err,
			       "pidfd_open: %s (Linux 5.3 or later is needed; "
			       "--no-isolate runs without it)",
			       strerror(e));
	}
	int rc = supervise(&s, err);
	close(s.pidfd);
	close(s.rfd);
	return rc;
}

int pb_supervise_cell(const struct pb_cell_job *job, struct pb_err *err)
{
	return job->isolate ? run_isolated(job, err) : run_here(job, err);
}
