/*
 * fork.c — tasks spread over forked child processes that talk to the
 * parent through pipes: the multiprocessing.Pool model, without pickling.
 *
 * Each of `workers` children is made with fork() and has a result pipe
 * (child -> parent) and, under the dynamic schedule, a grant pipe
 * (parent -> child). Every worker is a process of its own (the calling
 * thread only hands out work and collects results), so the cost of
 * `workers` forks is part of what is measured.
 *
 * schedule: dynamic — the parent grants `chunk` task indices at a time.
 *           A child holds at most two grants, the one it runs and the next,
 *           so it never waits for the parent's answer (double buffering);
 *           the price is that near the end a child may hold one chunk an
 *           idle sibling could have run. A chunk's results, sent together
 *           when it ends, are the child's request for another grant. When
 *           no task is left the parent closes the grant pipe: end of work.
 * schedule: static  — child w runs [w*n/W, (w+1)*n/W) and needs no grant
 *           pipe; it sends its results in batches of up to BATCH_BYTES.
 *
 * Result pipe messages: a struct msg_head, then its payload. READY (after
 * worker_init), RESULT (task index, then result_size raw bytes), ERROR (task
 * index, then the pb_err text). Children run their tasks in order and send
 * results in order, so when a child dies the parent knows the task it was
 * running: the first one of its grants whose result did not arrive. That is
 * exact when results leave one task at a time (dynamic, chunk 1, or a
 * one-task share); otherwise the message names the range.
 *
 * A task error makes execute FAILED with the task's own message; a child
 * killed by a signal, exiting non-zero, or closing its pipe before all its
 * results arrived makes it CRASHED. Either way the other children are
 * killed, and every child is reaped before execute returns.
 *
 * Cost: each chunk is a round trip through two pipes, about 2.5 us on the
 * 2-core test machine (bench/strategy_overhead.sh: 1000 empty tasks take
 * ~2.4 ms at chunk 1, ~0.2 ms static). Hence the default chunk here is 0,
 * automatic (the same in every strategy, strategy_util.h):
 * ceil(tasks / (4 x workers)), the chunksize multiprocessing.Pool.map
 * picks, four grants per child, few round trips and still some balance.
 *
 * Children end with _exit(): no atexit handler of the host runs and no
 * stdio buffer of the parent is flushed a second time. SIGPIPE is blocked in
 * the calling thread during execute, since a grant may go to a child that
 * has just died (the EPIPE is handled); children get the old mask back.
 * The wait status of each child is how a crash is told from a clean end, so
 * the cell's process must not reap children behind our back (SIGCHLD set
 * to SIG_IGN, or a handler calling waitpid(-1)).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <parabench/plugin.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "strategy_util.h"

static const struct pb_param params[] = {
    [PBS_P_SCHEDULE] =
	PBS_PARAM_SCHEDULE("chunks granted through a pipe on request"),
    [PBS_P_CHUNK] = PBS_PARAM_CHUNK("0"),
};

/* Bytes a child gathers before a write; also the parent's read size. */
#define BATCH_BYTES 16384
#define NO_TASK UINT64_MAX

enum msg_type { MSG_READY = 1, MSG_RESULT, MSG_ERROR };

struct msg_head {
	uint32_t type;
	uint32_t len; /* payload bytes that follow */
	uint64_t task;
};

/* Tasks [lo, hi), granted to a child. */
struct grant {
	uint64_t lo, hi;
};

struct child {
	pid_t pid;
	int grant_fd;  /* parent's write end; -1 when closed (or static) */
	int result_fd; /* parent's read end; -1 after end of file */
	bool ready;    /* worker_init succeeded */
	bool errored;  /* sent ERROR: it ends by itself, is not killed */
	bool reaped;   /* waitpid returned for it */
	struct grant held[2]; /* granted, results still due; oldest first */
	unsigned nheld;
	uint64_t next; /* next result due: inside held[0] */
	char *in;      /* bytes read but not yet parsed */
	size_t in_len;
};

/* The parent's view of one execution; children get a copy at fork. */
struct pool {
	const struct pb_job *job;
	bool dynamic;
	uint64_t chunk, next_grant;
	size_t received; /* results arrived */
	size_t buf_cap;	 /* >= the largest message */
	char *out;	 /* a child's send buffer (allocated before fork) */
	struct child *c;
	struct pollfd *pfd;
	unsigned nc; /* children forked */
	pid_t parent;
	sigset_t old_mask;
	bool got_epipe;
	struct pbs_outcome o;
};

/* Writes all of buf, through short writes and EINTR; -1 with errno. */
static int write_full(int fd, const void *buf, size_t len)
{
	const char *b = buf;

	while (len > 0) {
		ssize_t n = write(fd, b, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads up to len bytes, stopping early only at end of file. */
static ssize_t read_full(int fd, void *buf, size_t len)
{
	char *b = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, b + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* ---- The child side -------------------------------------------------- */

struct sender {
	int fd;
	char *buf;
	size_t len, cap;
};

static void send_flush(struct sender *s)
{
	if (s->len && write_full(s->fd, s->buf, s->len))
		_exit(PBS_EXIT_LOST); /* the parent is gone or gave up on us */
	s->len = 0;
}

/* Appends a header for a payload of len bytes; returns the payload room. */
static char *send_head(struct sender *s, uint32_t type, uint64_t task,
		       size_t len)
{
	struct msg_head h = {.type = type, .len = (uint32_t)len, .task = task};

	if (s->len + sizeof(h) + len > s->cap)
		send_flush(s);
	memcpy(s->buf + s->len, &h, sizeof(h));
	s->len += sizeof(h) + len;
	return s->buf + s->len - len;
}

static void send_error(struct sender *s, uint64_t task, const struct pb_err *e)
{
	size_t len = strnlen(e->msg, sizeof(e->msg) - 1);

	memcpy(send_head(s, MSG_ERROR, task, len), e->msg, len);
	send_flush(s);
}

/* Runs tasks [lo, hi) into the send buffer; PB_ERROR after sending one. */
static int run_range(const struct pb_job *job, void *ws, struct sender *s,
		     uint64_t lo, uint64_t hi)
{
	struct pb_err err = {{0}};

	for (uint64_t i = lo; i < hi; i++) {
		char *slot = send_head(s, MSG_RESULT, i, job->result_size);
		memset(slot, 0, job->result_size); /* results start zeroed */
		if (job->hooks->run_task(job->state, ws, i, slot, &err)) {
			s->len -= sizeof(struct msg_head) + job->result_size;
			send_error(s, i, &err);
			return PB_ERROR;
		}
	}
	return PB_OK;
}

/* Runs granted chunks until the parent closes the grant pipe. */
static int run_grants(const struct pb_job *job, void *ws, struct sender *s,
		      int grant_fd)
{
	struct grant g;

	for (;;) {
		ssize_t n = read_full(grant_fd, &g, sizeof(g));
		if (n == 0)
			return PB_OK;
		if (n != (ssize_t)sizeof(g))
			_exit(PBS_EXIT_LOST);
		if (run_range(job, ws, s, g.lo, g.hi))
			return PB_ERROR;
		send_flush(s); /* the results are the request for more */
	}
}

/* Closes the parent's ends of every pipe this child inherited. */
static void close_inherited(const struct pool *p)
{
	for (unsigned k = 0; k < p->nc; k++) {
		if (p->c[k].grant_fd >= 0)
			close(p->c[k].grant_fd);
		if (p->c[k].result_fd >= 0)
			close(p->c[k].result_fd);
	}
}

__attribute__((noreturn)) static void child_main(struct pool *p, unsigned w,
						 int grant_fd, int result_fd)
{
	const struct pb_job *job = p->job;
	struct sender s = {result_fd, p->out, 0, p->buf_cap};
	struct pb_err err = {{0}};
	uint64_t n = job->ntasks, W = job->workers;
	void *ws;

	pbs_die_with_parent(p->parent);
	pthread_sigmask(SIG_SETMASK, &p->old_mask, NULL);
	close_inherited(p);
	if (pb_job_worker_init(job, w, &ws, &err)) {
		send_error(&s, NO_TASK, &err);
		_exit(0);
	}
	send_head(&s, MSG_READY, NO_TASK, 0);
	send_flush(&s);
	/* A task error has been sent to the parent: it ends the same way. */
	if (p->dynamic)
		run_grants(job, ws, &s, grant_fd);
	else if (run_range(job, ws, &s, w * n / W, (w + 1) * n / W) == PB_OK)
		send_flush(&s);
	pb_job_worker_fini(job, ws);
	_exit(0);
}

/* ---- The parent side ------------------------------------------------- */

/* Grants the next chunk to c, or closes its grant pipe when none is left. */
static void grant_more(struct pool *p, struct child *c)
{
	uint64_t n = p->job->ntasks;
	struct grant g;

	if (c->grant_fd < 0)
		return;
	if (p->next_grant >= n) {
		close(c->grant_fd);
		c->grant_fd = -1;
		return;
	}
	g.lo = p->next_grant;
	g.hi = n - g.lo > p->chunk ? g.lo + p->chunk : n;
	p->next_grant = g.hi;
	if (c->nheld == 0)
		c->next = g.lo;
	c->held[c->nheld++] = g;
	if (write_full(c->grant_fd, &g, sizeof(g))) {
		/* The child died: its result pipe's end of file tells how. */
		p->got_epipe |= errno == EPIPE;
		close(c->grant_fd);
		c->grant_fd = -1;
	}
}

/* Forks worker w with its pipes; PB_ERROR (and p failed) if it cannot. */
static int spawn(struct pool *p, unsigned w)
{
	int gp[2] = {-1, -1}, rp[2] = {-1, -1};
	struct child *c = &p->c[w];
	pid_t pid;

	if ((p->dynamic && pipe2(gp, O_CLOEXEC)) || pipe2(rp, O_CLOEXEC)) {
		pbs_fail(&p->o, PB_STATUS_FAILED,
			 "cannot create the pipes of worker %u of %u: %s (each "
			 "worker takes 2 descriptors; lower workers or raise "
			 "ulimit -n)",
			 w + 1, p->job->workers, strerror(errno));
		goto fail;
	}
	c->in = malloc(p->buf_cap);
	if (!c->in) {
		pbs_fail(&p->o, PB_STATUS_FAILED, "out of memory for worker %u",
			 w + 1);
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		pbs_fail(&p->o, PB_STATUS_FAILED,
			 "cannot fork worker %u of %u: %s", w + 1,
			 p->job->workers, strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		close(rp[0]);
		if (gp[1] >= 0)
			close(gp[1]);
		child_main(p, w, gp[0], rp[1]);
	}
	if (gp[0] >= 0)
		close(gp[0]);
	close(rp[1]);
	c->pid = pid;
	c->grant_fd = gp[1];
	c->result_fd = rp[0];
	p->pfd[w] = (struct pollfd){.fd = rp[0], .events = POLLIN};
	p->nc++;
	return PB_OK;
fail:
	for (int k = 0; k < 2; k++) {
		if (gp[k] >= 0)
			close(gp[k]);
		if (rp[k] >= 0)
			close(rp[k]);
	}
	return PB_ERROR;
}

/* Says what a child was doing, from the results that arrived. */
static void where(const struct child *c, char *buf, size_t len)
{
	if (!c->ready)
		snprintf(buf, len, "before its first task (in worker_init)");
	else if (c->nheld == 0)
		snprintf(buf, len, "after its last task");
	else if (c->held[0].hi - c->next == 1)
		snprintf(buf, len, "while running task %llu",
			 (unsigned long long)c->next);
	else
		snprintf(buf, len,
			 "while running one of tasks %llu..%llu (results "
			 "travel in batches)",
			 (unsigned long long)c->next,
			 (unsigned long long)c->held[0].hi - 1);
}

/* Reaps child w after its end of file and judges how it ended. */
static void reap(struct pool *p, unsigned w)
{
	struct child *c = &p->c[w];
	char doing[128];
	int st = 0;

	while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
		;
	c->reaped = true;
	where(c, doing, sizeof(doing));
	if (pbs_judge_wait(&p->o, st, w, p->job->workers, doing))
		return;
	if (!c->ready || c->nheld > 0)
		pbs_fail(
		    &p->o, PB_STATUS_CRASHED,
		    "worker %u of %u exited with status 0 before sending all "
		    "its results, %s",
		    w + 1, p->job->workers, doing);
}

/* Takes in one result of child c; PB_ERROR for a result out of turn. */
static int take_result(struct pool *p, struct child *c,
		       const struct msg_head *h, const char *payload)
{
	size_t rs = p->job->result_size;

	if (c->nheld == 0 || h->task != c->next || h->len != rs)
		return PB_ERROR;
	memcpy((char *)p->job->results + h->task * rs, payload, rs);
	p->received++;
	if (++c->next < c->held[0].hi)
		return PB_OK;
	c->held[0] = c->held[1];
	c->next = c->held[0].lo;
	c->nheld--;
	if (p->dynamic)
		grant_more(p, c);
	return PB_OK;
}

static int take_message(struct pool *p, unsigned w, const struct msg_head *h,
			const char *payload)
{
	struct child *c = &p->c[w];

	switch (h->type) {
	case MSG_READY:
		c->ready = true;
		return h->len == 0 ? PB_OK : PB_ERROR;
	case MSG_RESULT:
		return take_result(p, c, h, payload);
	case MSG_ERROR:
		c->errored = true;
		pbs_fail(&p->o, PB_STATUS_FAILED, "%.*s", (int)h->len, payload);
		return PB_OK;
	}
	return PB_ERROR;
}

/* Parses the complete messages in child w's buffer. */
static void parse(struct pool *p, unsigned w)
{
	struct child *c = &p->c[w];
	size_t at = 0;
	struct msg_head h;

	while (!p->o.failed && c->in_len - at >= sizeof(h)) {
		memcpy(&h, c->in + at, sizeof(h));
		if (sizeof(h) + h.len > p->buf_cap ||
		    (h.type == MSG_ERROR && h.len >= PB_ERR_MAX)) {
			pbs_fail(&p->o, PB_STATUS_CRASHED,
				 "worker %u sent a malformed message (type %u, "
				 "%u bytes)",
				 w + 1, h.type, h.len);
			return;
		}
		if (c->in_len - at < sizeof(h) + h.len)
			break;
		if (take_message(p, w, &h, c->in + at + sizeof(h)))
			pbs_fail(
			    &p->o, PB_STATUS_CRASHED,
			    "worker %u sent a message out of turn (type %u, "
			    "task %llu)",
			    w + 1, h.type, (unsigned long long)h.task);
		at += sizeof(h) + h.len;
	}
	memmove(c->in, c->in + at, c->in_len - at);
	c->in_len -= at;
}

/* Reads what child w sent; at end of file, reaps it. */
static void pump(struct pool *p, unsigned w)
{
	struct child *c = &p->c[w];
	ssize_t n =
	    read(c->result_fd, c->in + c->in_len, p->buf_cap - c->in_len);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		c->in_len += (size_t)n;
		parse(p, w);
		return;
	}
	if (n < 0)
		pbs_fail(&p->o, PB_STATUS_CRASHED,
			 "cannot read from worker %u: %s", w + 1,
			 strerror(errno));
	close(c->result_fd);
	c->result_fd = -1;
	p->pfd[w].fd = -1;
	reap(p, w); /* how it died explains a cut message best */
	if (c->in_len)
		pbs_fail(&p->o, PB_STATUS_CRASHED,
			 "worker %u ended in the middle of a message", w + 1);
}

/*
 * Gives worker w its first work right after its fork, so that it starts
 * while its siblings are being forked: its static share, or one chunk.
 */
static void plan_first(struct pool *p, unsigned w)
{
	uint64_t n = p->job->ntasks, W = p->job->workers;
	struct child *c = &p->c[w];

	if (p->dynamic) {
		grant_more(p, c);
		return;
	}
	c->held[0] = (struct grant){w * n / W, (w + 1) * n / W};
	c->next = c->held[0].lo;
	c->nheld = c->held[0].lo < c->held[0].hi;
}

/* Collects messages until every child has closed its pipe or one failed. */
static void collect(struct pool *p)
{
	unsigned open = p->nc;

	while (open > 0 && !p->o.failed) {
		int r = poll(p->pfd, p->nc, -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			pbs_fail(&p->o, PB_STATUS_FAILED, "poll: %s",
				 strerror(errno));
			return;
		}
		for (unsigned w = 0; w < p->nc && !p->o.failed; w++) {
			if (p->pfd[w].fd < 0 || !p->pfd[w].revents)
				continue;
			pump(p, w);
			open -= p->pfd[w].fd < 0;
		}
	}
}

/* Kills (unless it ends by itself) and reaps every child still there. */
static void reap_all(struct pool *p)
{
	for (unsigned w = 0; w < p->nc; w++) {
		struct child *c = &p->c[w];
		if (!c->reaped && !c->errored)
			kill(c->pid, SIGKILL);
		if (c->grant_fd >= 0)
			close(c->grant_fd);
		if (c->result_fd >= 0)
			close(c->result_fd);
		c->grant_fd = c->result_fd = -1;
	}
	for (unsigned w = 0; w < p->nc; w++)
		while (!p->c[w].reaped && waitpid(p->c[w].pid, NULL, 0) < 0 &&
		       errno == EINTR)
			;
}

static int pool_alloc(struct pool *p, const struct pb_job *job)
{
	size_t rs = job->result_size;

	if (rs > UINT32_MAX - sizeof(struct msg_head) - BATCH_BYTES)
		return pb_fail(&p->o.err,
			       "result_size %zu is too large for a "
			       "pipe message",
			       rs);
	p->buf_cap = sizeof(struct msg_head) +
		     (rs > PB_ERR_MAX ? rs : PB_ERR_MAX) + BATCH_BYTES;
	p->out = malloc(p->buf_cap);
	p->c = calloc(job->workers, sizeof(*p->c));
	p->pfd = calloc(job->workers, sizeof(*p->pfd));
	if (!p->out || !p->c || !p->pfd)
		return pb_fail(&p->o.err, "out of memory for %u workers",
			       job->workers);
	return PB_OK;
}

static void pool_free(struct pool *p)
{
	for (unsigned w = 0; p->c && w < p->job->workers; w++)
		free(p->c[w].in);
	free(p->c);
	free(p->pfd);
	free(p->out);
}

/* Blocks SIGPIPE in this thread for the duration of execute. */
static void block_sigpipe(struct pool *p)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, &p->old_mask);
}

/* Consumes the SIGPIPE our own writes raised, then restores the mask. */
static void restore_sigpipe(struct pool *p)
{
	const struct timespec zero = {0, 0};
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	if (p->got_epipe)
		while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &p->old_mask, NULL);
}

static int fork_execute(const struct pb_job *job, int32_t *status,
			struct pb_err *err)
{
	struct pool p = {
	    .job = job,
	    .dynamic = pbs_dynamic(job),
	    .chunk = pbs_chunk(job),
	    .parent = getpid(),
	    .o = {.status = PB_STATUS_FAILED},
	};

	if (job->workers == 0) {
		pb_fail(&p.o.err, "no workers to run %zu tasks on",
			job->ntasks);
		p.o.failed = true;
		goto out;
	}
	if (pool_alloc(&p, job)) {
		p.o.failed = true;
		goto out;
	}
	block_sigpipe(&p);
	for (unsigned w = 0; w < job->workers && !spawn(&p, w); w++)
		plan_first(&p, w);
	/* The second grant of each child: it never waits for the parent. */
	for (unsigned w = 0; p.dynamic && w < p.nc; w++)
		grant_more(&p, &p.c[w]);
	collect(&p);
	reap_all(&p);
	restore_sigpipe(&p);
	if (!p.o.failed && p.received != job->ntasks)
		pbs_fail(&p.o, PB_STATUS_CRASHED,
			 "only %zu of %zu results arrived from the workers",
			 p.received, job->ntasks);
out:
	pool_free(&p);
	*status = p.o.status;
	if (p.o.failed)
		*err = p.o.err;
	return p.o.failed ? PB_ERROR : PB_OK;
}

static const struct pb_strategy_hooks hooks = {
    .size = sizeof(struct pb_strategy_hooks), .execute = fork_execute};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_STRATEGY, "fork",
		     "tasks spread over forked processes; work and results "
		     "travel through pipes",
		     "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .strategy = &hooks,
};
