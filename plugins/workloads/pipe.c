/*
 * pipe.c — inter-process communication through pipes: the notebook's Pipe
 * example, measured the way lmbench's bw_pipe and lat_pipe do.
 *
 * Each task makes its own pipes and a peer at the other end: a forked
 * process (peer: process, the default) or a thread (peer: thread).
 *   mode: stream    the peer writes `bytes` in `message`-sized writes of a
 *                   buffer filled with a pattern of the task; the task reads
 *                   them all (with `message`-sized reads, like dd bs=) and
 *                   checksums what arrived.
 *   mode: pingpong  `round_trips` 1-byte exchanges over two pipes: the task
 *                   writes a byte, the peer answers with that byte plus one.
 * A task's transfer time runs from just before it starts its peer to the
 * last byte received: starting the peer is part of the pattern (the
 * notebook's Process + Pipe); a fork costs ~0.1 ms here, about 1% of a
 * 64M transfer, less for bigger ones.
 * Each result holds the task's CLOCK_MONOTONIC start and end, so reduce can
 * compute the aggregate rate over the span of all transfers even when they
 * ran in other processes.
 *
 * The checksum is a Fletcher-like pair over little-endian 64-bit words
 * (a += w, b += a, mod 2^64) in 8 interleaved lanes (word k in lane k % 8),
 * so that it vectorises: order-sensitive, independent of how reads cut the
 * stream, and at ~70 GB/s far from limiting the rate (one lane ran at
 * ~23 GB/s, which cost the receiver a quarter of its speed). verify
 * recomputes it from the pattern.
 *
 * Peers: a forked peer keeps only its own pipe ends (close_range), so it
 * holds no other task's pipe open and cannot delay that task's EOF, and does
 * only async-signal-safe work (the parent may have threads). It reports a
 * failed write through its exit status (the errno). SIGPIPE is blocked where
 * this file writes, so a vanished reader is an EPIPE error, not a killed
 * process; a SIGPIPE raised that way is consumed before the mask is
 * restored. Every fd is made with O_CLOEXEC, every peer is reaped or joined,
 * also when the task fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <parabench/plugin.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { P_MODE, P_PEER, P_TASKS, P_BYTES, P_MESSAGE, P_ROUND_TRIPS };

static const struct pb_param params[] = {
    [P_MODE] = {"mode", PB_ENUM, "stream", 0, 0, "stream|pingpong",
		"stream: the peer sends `bytes`; pingpong: `round_trips` "
		"1-byte exchanges"},
    [P_PEER] = {"peer", PB_ENUM, "process", 0, 0, "process|thread",
		"the other end of each task's pipes: a forked process or a "
		"thread"},
    [P_TASKS] = {"tasks", PB_INT, "4", 1, 1e6, NULL,
		 "number of tasks, each with its own pipes and peer"},
    [P_BYTES] = {"bytes", PB_SIZE, "64M", 1, 1099511627776.0, NULL,
		 "stream: bytes each task receives"},
    [P_MESSAGE] = {"message", PB_SIZE, "64k", 1, 1073741824.0, NULL,
		   "stream: size of each write (and read)"},
    [P_ROUND_TRIPS] = {"round_trips", PB_INT, "10000", 1, 1e9, NULL,
		       "pingpong: exchanges each task makes"},
};

enum { M_GB_PER_S, M_BYTES, M_US_PER_RT, M_ROUND_TRIPS };

static const struct pb_metric metrics[] = {
    [M_GB_PER_S] = {"gb_per_s", "GB/s",
		    "stream: bytes of all tasks / the timed span",
		    PB_METRIC_PER_SECOND},
    [M_BYTES] = {"bytes", "B", "stream: bytes received, all tasks"},
    [M_US_PER_RT] = {"us_per_round_trip", "us",
		     "pingpong: the timed span / round trips of all tasks (one "
		     "trip's latency when one pipe is busy at a time)",
		     PB_METRIC_SECONDS_EACH},
    [M_ROUND_TRIPS] = {"round_trips", "", "pingpong: exchanges, all tasks"},
};

struct pipe_state {
	bool pingpong, thread_peer;
	size_t tasks;
	uint64_t bytes, round_trips;
	size_t message; /* write size, at most bytes */
};

/* Plain data, the same under every strategy: the host times the span. */
struct pipe_result {
	uint64_t amount; /* bytes (stream) or round trips (pingpong) */
	uint64_t sum_a, sum_b;
};

/* ---- Checksum and pattern --------------------------------------------- */

/* Checksum lanes: word k of the stream goes to lane k % 8. */
#define LANES 8
typedef uint64_t u64x2 __attribute__((vector_size(16)));

struct cksum {
	u64x2 a[LANES / 2], b[LANES / 2];
	uint64_t pending; /* bytes of a word not yet complete */
	unsigned npending;
	unsigned lane;	       /* the lane of the next word */
	uint64_t sum_a, sum_b; /* set by ck_final */
};

static inline void ck_word(struct cksum *c, uint64_t w)
{
	unsigned v = c->lane / 2, e = c->lane % 2;

	c->a[v][e] += w;
	c->b[v][e] += c->a[v][e];
	c->lane = (c->lane + 1) % LANES;
}

/* Eight words at once: what ck_word does to each lane, vectorised. */
static void ck_blocks(struct cksum *c, const unsigned char *p, size_t blocks)
{
	u64x2 a0 = c->a[0], a1 = c->a[1], a2 = c->a[2], a3 = c->a[3];
	u64x2 b0 = c->b[0], b1 = c->b[1], b2 = c->b[2], b3 = c->b[3];

	for (; blocks; blocks--, p += 8 * LANES) {
		u64x2 w0, w1, w2, w3;
		memcpy(&w0, p, 16); /* x86-64 and arm64 are little-endian */
		memcpy(&w1, p + 16, 16);
		memcpy(&w2, p + 32, 16);
		memcpy(&w3, p + 48, 16);
		a0 += w0, a1 += w1, a2 += w2, a3 += w3;
		b0 += a0, b1 += a1, b2 += a2, b3 += a3;
	}
	c->a[0] = a0, c->a[1] = a1, c->a[2] = a2, c->a[3] = a3;
	c->b[0] = b0, c->b[1] = b1, c->b[2] = b2, c->b[3] = b3;
}

/* Adds n bytes; the outcome does not depend on how a stream is cut. */
static void ck_update(struct cksum *c, const unsigned char *p, size_t n)
{
	uint64_t w;

	for (; n && c->npending; p++, n--) {
		c->pending |= (uint64_t)*p << (8 * c->npending);
		if (++c->npending == 8) {
			ck_word(c, c->pending);
			c->pending = 0;
			c->npending = 0;
		}
	}
	for (; n >= 8 && c->lane; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		ck_word(c, w);
	}
	ck_blocks(c, p, n / (8 * LANES));
	p += n / (8 * LANES) * (8 * LANES);
	n %= 8 * LANES;
	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		ck_word(c, w);
	}
	for (; n; p++, n--)
		c->pending |= (uint64_t)*p << (8 * c->npending++);
}

/* Ends the stream: the last partial word, marked by its length; folds. */
static void ck_final(struct cksum *c)
{
	if (c->npending)
		ck_word(c, c->pending ^ ((uint64_t)c->npending << 56));
	c->pending = 0;
	c->npending = 0;
	c->sum_a = c->sum_b = 0;
	for (unsigned l = 0; l < LANES; l++) {
		c->sum_a += c->a[l / 2][l % 2] * (2 * l + 1);
		c->sum_b += c->b[l / 2][l % 2] * (2 * l + 1);
	}
}

/* Fills buf with the pattern of task (xorshift64*). */
static void fill_pattern(unsigned char *buf, size_t n, size_t task)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL * (task + 1);

	for (size_t k = 0; k < n; k += 8) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		uint64_t w = x * 0x2545f4914f6cdd1dULL;
		memcpy(buf + k, &w, n - k < 8 ? n - k : 8);
	}
}

/* The byte the task sends in round trip k; the peer answers it plus one. */
static unsigned char ping_byte(size_t task, uint64_t k)
{
	return (unsigned char)(task * 7 + k * 13);
}

/* ---- Blocking I/O that survives EINTR and short transfers ------------- */

/* Writes all n bytes; 0 or the errno. Async-signal-safe. */
static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One read, retried on EINTR: bytes read, 0 at EOF, -errno on error. */
static ssize_t read_some(int fd, void *p, size_t n)
{
	for (;;) {
		ssize_t r = read(fd, p, n);
		if (r >= 0)
			return r;
		if (errno != EINTR)
			return -errno;
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Blocks SIGPIPE in this thread; *old gets the previous mask. */
static void block_sigpipe(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

/* Discards a SIGPIPE our writes raised, then restores the mask. */
static void restore_sigpipe(const sigset_t *old)
{
	const struct timespec zero = {0, 0};
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	for (;;) /* until none is pending: -1 with EAGAIN */
		if (sigtimedwait(&set, NULL, &zero) < 0 && errno != EINTR)
			break;
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* ---- The peer --------------------------------------------------------- */

/* What the peer does; its fds are its own to close. */
struct peer_job {
	bool pingpong;
	int rfd, wfd; /* stream: wfd only; pingpong: both */
	const unsigned char *buf;
	size_t message;
	uint64_t bytes;
	int rc; /* thread peer: 0 or the errno of its failure */
};

/* Sends the stream: the buffer over and over. 0 or errno. Signal-safe. */
static int peer_stream(const struct peer_job *j)
{
	for (uint64_t left = j->bytes; left;) {
		size_t n = left < j->message ? (size_t)left : j->message;
		int rc = write_all(j->wfd, j->buf, n);
		if (rc)
			return rc;
		left -= n;
	}
	return 0;
}

/* Answers every byte with that byte plus one, until EOF. Signal-safe. */
static int peer_echo(const struct peer_job *j)
{
	unsigned char b;

	for (;;) {
		ssize_t r = read_some(j->rfd, &b, 1);
		if (r == 0)
			return 0;
		if (r < 0)
			return (int)-r;
		b++;
		int rc = write_all(j->wfd, &b, 1);
		if (rc)
			return rc;
	}
}

static int peer_main(const struct peer_job *j)
{
	return j->pingpong ? peer_echo(j) : peer_stream(j);
}

static void *peer_thread(void *arg)
{
	struct peer_job *j = arg;
	sigset_t old;

	block_sigpipe(&old);
	j->rc = peer_main(j);
	close_fd(&j->wfd); /* the task's EOF */
	close_fd(&j->rfd);
	restore_sigpipe(&old);
	return NULL;
}

/*
 * In a forked peer: closes every fd but 0-2 and the peer's own, which may be
 * -1. Without close_range (Linux < 5.9) the others stay open, which only
 * delays other tasks' EOF until this peer exits.
 */
static void close_others(int a, int b)
{
	int keep[2] = {a < b ? a : b, a < b ? b : a};
	unsigned lo = 3;

	for (int k = 0; k < 2; k++) {
		if (keep[k] < 0)
			continue;
		if ((unsigned)keep[k] > lo)
			close_range(lo, (unsigned)keep[k] - 1, 0);
		if ((unsigned)keep[k] + 1 > lo)
			lo = (unsigned)keep[k] + 1;
	}
	close_range(lo, ~0U, 0);
}

struct peer {
	bool thread;
	bool started;
	pid_t pid;
	pthread_t tid;
	struct peer_job job;
};

/*
 * Starts the peer on p->job. The peer's fds change hands: a thread closes
 * them itself, a process has its own copies, so the task's are closed here.
 * Either way p->job's fds are -1 for the task afterwards, also on failure.
 */
static int peer_start(struct peer *p, struct pb_err *err)
{
	int rc;

	if (p->thread) {
		rc = pthread_create(&p->tid, NULL, peer_thread, &p->job);
		if (rc) {
			close_fd(&p->job.rfd);
			close_fd(&p->job.wfd);
			return pb_fail(err, "cannot start the peer thread: %s",
				       strerror(rc));
		}
		p->started = true;
		return PB_OK;
	}
	pid_t parent = getpid();
	p->pid = fork();
	if (p->pid == 0) {
		sigset_t set;
		/* Die with the task's process, whatever kills it; if it died
		 * before that was set up, we were re-parented: leave. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 ||
		    getppid() != parent)
			_exit(125);
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		sigprocmask(SIG_BLOCK, &set, NULL);
		close_others(p->job.rfd, p->job.wfd);
		_exit(peer_main(&p->job));
	}
	rc = errno;
	close_fd(&p->job.rfd);
	close_fd(&p->job.wfd);
	if (p->pid < 0)
		return pb_fail(err, "cannot fork the peer process: %s",
			       strerror(rc));
	p->started = true;
	return PB_OK;
}

/*
 * Waits for the peer and says how it ended: PB_OK when it succeeded, else
 * PB_ERROR with why filled ("peer process 123 was killed by signal 9").
 */
static int peer_finish(struct peer *p, char *why, size_t len)
{
	int status;

	if (!p->started)
		return PB_OK;
	p->started = false;
	if (p->thread) {
		pthread_join(p->tid, NULL);
		if (p->job.rc == 0)
			return PB_OK;
		snprintf(why, len, "peer thread failed: %s",
			 strerror(p->job.rc));
		return PB_ERROR;
	}
	while (waitpid(p->pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, len, "cannot reap peer process %d: %s",
				 (int)p->pid, strerror(errno));
			return PB_ERROR;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return PB_OK;
	if (WIFSIGNALED(status))
		snprintf(
		    why, len, "peer process %d was killed by signal %d (%s)",
		    (int)p->pid, WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(why, len, "peer process %d failed: %s", (int)p->pid,
			 strerror(WEXITSTATUS(status)));
	return PB_ERROR;
}

/* ---- The tasks -------------------------------------------------------- */

/*
 * Reads the stream into r. PB_ERROR with a message on a read error, an
 * early EOF or extra bytes.
 */
static int receive(int fd, unsigned char *buf, size_t size, uint64_t bytes,
		   struct pipe_result *r, struct pb_err *err)
{
	struct cksum c = {0};
	ssize_t n = 0;

	while (r->amount < bytes) {
		uint64_t left = bytes - r->amount;
		n = read_some(fd, buf, left < size ? (size_t)left : size);
		if (n <= 0)
			break;
		ck_update(&c, buf, (size_t)n);
		r->amount += (uint64_t)n;
	}
	ck_final(&c);
	r->sum_a = c.sum_a;
	r->sum_b = c.sum_b;
	if (r->amount == bytes)
		n = read_some(fd, buf, 1); /* must be EOF */
	if (n < 0)
		return pb_fail(err, "read from the pipe: %s",
			       strerror((int)-n));
	if (r->amount < bytes)
		return pb_fail(err, "the pipe closed after %llu of %llu bytes",
			       (unsigned long long)r->amount,
			       (unsigned long long)bytes);
	if (n > 0)
		return pb_fail(err, "the peer sent more than %llu bytes",
			       (unsigned long long)bytes);
	return PB_OK;
}

/* A task failed: the peer's fate, if it failed, says most. */
static int task_failed(struct peer *p, struct pb_err *err)
{
	char why[512] = "";
	struct pb_err mine = *err;

	if (peer_finish(p, why, sizeof(why)))
		return pb_fail(err, "%s; the task: %s", why, mine.msg);
	return PB_ERROR;
}

static int stream_task(const struct pipe_state *st, size_t task,
		       struct pipe_result *r, bool thread, struct pb_err *err)
{
	unsigned char *out = malloc(st->message), *in = malloc(st->message);
	struct peer p = {.thread = thread};
	int fds[2] = {-1, -1}, rc = PB_ERROR;
	char why[512] = "";

	if (!out || !in) {
		pb_fail(err, "out of memory for two %zu-byte buffers",
			st->message);
		goto out;
	}
	fill_pattern(out, st->message, task);
	if (pipe2(fds, O_CLOEXEC)) {
		pb_fail(err, "cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	p.job = (struct peer_job){.rfd = -1,
				  .wfd = fds[1],
				  .buf = out,
				  .message = st->message,
				  .bytes = st->bytes};
	fds[1] = -1; /* the peer's now */
	if (peer_start(&p, err))
		goto out;
	if (receive(fds[0], in, st->message, st->bytes, r, err)) {
		close_fd(&fds[0]); /* a peer still writing gets EPIPE */
		task_failed(&p, err);
		goto out;
	}
	close_fd(&fds[0]);
	if (peer_finish(&p, why, sizeof(why))) {
		pb_fail(err, "%s", why);
		goto out;
	}
	rc = PB_OK;
out:
	close_fd(&fds[0]);
	close_fd(&fds[1]);
	free(out);
	free(in);
	return rc;
}

/* The task's side of the round trips. */
static int ping(int wfd, int rfd, size_t task, uint64_t trips,
		struct pipe_result *r, struct pb_err *err)
{
	struct cksum c = {0};
	int rc = PB_OK;

	for (uint64_t k = 0; k < trips; k++) {
		unsigned char b = ping_byte(task, k);
		int werr = write_all(wfd, &b, 1);
		if (werr) {
			rc = pb_fail(err,
				     "write to the pipe in round trip "
				     "%llu: %s",
				     (unsigned long long)k + 1, strerror(werr));
			break;
		}
		ssize_t n = read_some(rfd, &b, 1);
		if (n <= 0) {
			rc = pb_fail(err, "%s in round trip %llu of %llu",
				     n == 0 ? "the pipe closed"
					    : strerror((int)-n),
				     (unsigned long long)k + 1,
				     (unsigned long long)trips);
			break;
		}
		ck_update(&c, &b, 1);
		r->amount++;
	}
	ck_final(&c);
	r->sum_a = c.sum_a;
	r->sum_b = c.sum_b;
	return rc;
}

static int pingpong_task(const struct pipe_state *st, size_t task,
			 struct pipe_result *r, bool thread, struct pb_err *err)
{
	int down[2] = {-1, -1}, up[2] = {-1, -1}, rc = PB_ERROR;
	struct peer p = {.thread = thread};
	char why[512] = "";
	sigset_t old;

	block_sigpipe(&old); /* before fork: the peer inherits it */
	if (pipe2(down, O_CLOEXEC) || pipe2(up, O_CLOEXEC)) {
		pb_fail(err, "cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	p.job =
	    (struct peer_job){.pingpong = true, .rfd = down[0], .wfd = up[1]};
	down[0] = up[1] = -1; /* the peer's now */
	if (peer_start(&p, err))
		goto out;
	if (ping(down[1], up[0], task, st->round_trips, r, err)) {
		close_fd(&down[1]);
		close_fd(&up[0]);
		task_failed(&p, err);
		goto out;
	}
	close_fd(&down[1]); /* the peer's EOF: it exits */
	if (peer_finish(&p, why, sizeof(why))) {
		pb_fail(err, "%s", why);
		goto out;
	}
	rc = PB_OK;
out:
	close_fd(&down[0]);
	close_fd(&down[1]);
	close_fd(&up[0]);
	close_fd(&up[1]);
	restore_sigpipe(&old);
	return rc;
}

static int pipe_run_task(void *state, void *worker, size_t task, void *result,
			 struct pb_err *err)
{
	const struct pipe_state *st = state;
	struct pipe_result *r = result;

	(void)worker;
	*r = (struct pipe_result){0};
	if (st->pingpong)
		return pingpong_task(st, task, r, st->thread_peer, err);
	return stream_task(st, task, r, st->thread_peer, err);
}

/* ---- Setup, reduce, verify -------------------------------------------- */

static int check_args(const struct pb_value *v, struct pb_err *err)
{
	if (v[P_TASKS].u.i < 1)
		return pb_fail(err, "tasks is %lld: expected at least 1",
			       (long long)v[P_TASKS].u.i);
	if (v[P_BYTES].u.i < 1)
		return pb_fail(err, "bytes is %lld: expected at least 1",
			       (long long)v[P_BYTES].u.i);
	if (v[P_MESSAGE].u.i < 1 || v[P_MESSAGE].u.i > (1LL << 30))
		return pb_fail(err, "message is %lld bytes: expected 1 to 1G",
			       (long long)v[P_MESSAGE].u.i);
	if (v[P_ROUND_TRIPS].u.i < 1)
		return pb_fail(err, "round_trips is %lld: expected at least 1",
			       (long long)v[P_ROUND_TRIPS].u.i);
	return PB_OK;
}

static int pipe_setup(const struct pb_args *args, struct pb_host *host,
		      void **state, size_t *ntasks, struct pb_err *err)
{
	const struct pb_value *v = args->values;
	struct pipe_state *st;

	(void)host;
	if (check_args(v, err))
		return PB_ERROR;
	st = calloc(1, sizeof(*st));
	if (!st)
		return pb_fail(err, "out of memory");
	st->pingpong = strcmp(v[P_MODE].u.s, "pingpong") == 0;
	st->thread_peer = strcmp(v[P_PEER].u.s, "thread") == 0;
	st->tasks = (size_t)v[P_TASKS].u.i;
	st->bytes = (uint64_t)v[P_BYTES].u.i;
	st->round_trips = (uint64_t)v[P_ROUND_TRIPS].u.i;
	st->message = (uint64_t)v[P_MESSAGE].u.i < st->bytes
			  ? (size_t)v[P_MESSAGE].u.i
			  : (size_t)st->bytes;
	*state = st;
	*ntasks = st->tasks;
	return PB_OK;
}

static int pipe_reduce(void *state, const void *results, size_t ntasks,
		       struct pb_metric_value *m, struct pb_err *err)
{
	const struct pipe_state *st = state;
	const struct pipe_result *r = results;
	uint64_t amount = 0;

	for (size_t k = 0; k < ntasks; k++)
		amount += r[k].amount;
	if (amount == 0)
		return pb_fail(err, "nothing went through a pipe");
	/* Both rates are the host's: it divides by (or into) the span. */
	if (st->pingpong) {
		m[M_US_PER_RT].value = (double)amount / 1e6;
		m[M_ROUND_TRIPS].value = (double)amount;
	} else {
		m[M_GB_PER_S].value = (double)amount / 1e9;
		m[M_BYTES].value = (double)amount;
	}
	return PB_OK;
}

/* The checksum the task should have computed. */
static int expected_sums(const struct pipe_state *st, size_t task,
			 struct cksum *c, struct pb_err *err)
{
	*c = (struct cksum){0};
	if (st->pingpong) {
		for (uint64_t k = 0; k < st->round_trips; k++) {
			unsigned char b = ping_byte(task, k) + 1;
			ck_update(c, &b, 1);
		}
		ck_final(c);
		return PB_OK;
	}
	unsigned char *buf = malloc(st->message);
	if (!buf)
		return pb_fail(err, "out of memory for a %zu-byte buffer",
			       st->message);
	fill_pattern(buf, st->message, task);
	for (uint64_t left = st->bytes; left;) {
		size_t n = left < st->message ? (size_t)left : st->message;
		ck_update(c, buf, n);
		left -= n;
	}
	ck_final(c);
	free(buf);
	return PB_OK;
}

/* Right when every task got all its bytes (or answers), intact. */
static int pipe_verify(void *state, const void *results, size_t ntasks,
		       const struct pb_metric_value *m, struct pb_err *err)
{
	const struct pipe_state *st = state;
	const struct pipe_result *r = results;
	uint64_t want = st->pingpong ? st->round_trips : st->bytes;
	const char *unit = st->pingpong ? "round trips" : "bytes";
	struct cksum c;

	(void)m;
	if (ntasks != st->tasks)
		return pb_fail(err, "%zu results, expected %zu", ntasks,
			       st->tasks);
	for (size_t k = 0; k < ntasks; k++) {
		if (r[k].amount != want)
			return pb_fail(err,
				       "task %zu got %llu %s, expected %llu", k,
				       (unsigned long long)r[k].amount, unit,
				       (unsigned long long)want);
		if (expected_sums(st, k, &c, err))
			return PB_ERROR;
		if (r[k].sum_a != c.sum_a || r[k].sum_b != c.sum_b)
			return pb_fail(err,
				       "task %zu: the checksum of what arrived "
				       "is %016llx:%016llx, expected "
				       "%016llx:%016llx: data were corrupted "
				       "or reordered",
				       k, (unsigned long long)r[k].sum_a,
				       (unsigned long long)r[k].sum_b,
				       (unsigned long long)c.sum_a,
				       (unsigned long long)c.sum_b);
	}
	return PB_OK;
}

static void pipe_teardown(void *state)
{
	free(state);
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = pipe_setup,
    .run_task = pipe_run_task,
    .reduce = pipe_reduce,
    .verify = pipe_verify,
    .teardown = pipe_teardown,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "pipe",
		     "bandwidth and round-trip latency of pipes to a peer "
		     "process or thread (IPC)",
		     "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(struct pipe_result),
    .workload = &hooks,
};
