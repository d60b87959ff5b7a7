/*
 * shm.c — tasks spread over forked child processes that share one memory
 * mapping: no pipe carries data.
 *
 * Before forking, the parent maps one anonymous MAP_SHARED region. It has no
 * name, so nothing appears in /dev/shm and nothing needs unlinking: it is
 * gone with its last mapping, even when every process dies. It holds
 *   struct board        the next-task counter and the stop flag, each on a
 *                       cache line of its own;
 *   struct slot[W]      per worker: what it is doing (state, current task),
 *                       how many tasks it finished, its error text;
 *   results[n]          result_size bytes each, written in place by the
 *                       tasks, copied to job->results by the parent at the
 *                       end (the host's array is private to the parent).
 *
 * schedule: dynamic — a child claims `chunk` task indices with one
 *           atomic_fetch_add on the shared counter; chunk 0 is automatic,
 *           as in every strategy (strategy_util.h).
 * schedule: static  — child w runs [w*n/W, (w+1)*n/W); no counter.
 *
 * Synchronisation: atomics only, no futex, no process-shared mutex, no
 * spinning. Nobody ever waits for another worker's progress: claiming is
 * one atomic add (~0.08 us on this machine when the line is shared), and
 * the only thing the parent waits for is the end of each child, which
 * waitpid() already is, with the kernel waking the parent. A futex or mutex
 * would only add wake-ups, each ~20 us here (the other CPU must be woken),
 * and a spinning parent would take a CPU from the workers. No fence is
 * needed for the results either: a child's exit and the parent's waitpid
 * order every store the child made before the parent's reads.
 *
 * Failure: a task error goes into the worker's slot, the worker raises the
 * stop flag (siblings stop claiming after their current task) and exits;
 * execute is FAILED with the task's own message. A child killed by a
 * signal, exiting non-zero, or exiting before it marked itself done makes
 * it CRASHED, naming the signal and, from the slot, the task it was
 * running. The parent waits for the children in worker order, so it sees a
 * crash once the workers before it ended (their tasks go on meanwhile);
 * on any failure it raises the stop flag, kills the children still there
 * and reaps every one. The mapping is unmapped on every path.
 *
 * Children end with _exit(): no atexit handler of the host runs and no
 * stdio buffer of the parent is flushed a second time.
 * The wait status of each child is how a crash is told from a clean end, so
 * the cell's process must not reap children behind our back (SIGCHLD set
 * to SIG_IGN, or a handler calling waitpid(-1)).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <parabench/plugin.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "strategy_util.h"

static const struct pb_param params[] = {
    [PBS_P_SCHEDULE] =
	PBS_PARAM_SCHEDULE("claim chunks from a shared atomic counter"),
    [PBS_P_CHUNK] = PBS_PARAM_CHUNK("1"),
};

#define LINE 64
#define ALIGN_UP(x) (((x) + LINE - 1) & ~(size_t)(LINE - 1))

struct board {
	_Alignas(LINE) atomic_uint_fast64_t next;
	_Alignas(LINE) atomic_bool stop;
};

/* What a worker is doing; the zeroed mapping starts at S_FORKED. */
enum slot_state { S_FORKED, S_INIT, S_RUN, S_FINI, S_DONE, S_FAILED };

struct slot {
	_Alignas(LINE) atomic_int state;
	atomic_uint_fast64_t current; /* the task it runs, in S_RUN */
	uint64_t done;		      /* tasks it finished */
	char err[PB_ERR_MAX];	      /* its error, in S_FAILED */
};

/* The mapping and where its parts are. */
struct region {
	void *base;
	size_t size;
	struct board *board;
	struct slot *slots;
	char *results;
};

/* Maps the shared region for job; PB_ERROR with err filled otherwise. */
static int region_map(struct region *r, const struct pb_job *job,
		      struct pb_err *err)
{
	size_t slots = ALIGN_UP(sizeof(struct board));
	size_t results = ALIGN_UP(slots + job->workers * sizeof(struct slot));
	size_t bytes = job->ntasks * job->result_size; /* the host's fits */

	if (bytes > SIZE_MAX - results)
		return pb_fail(err,
			       "%zu results of %zu bytes do not fit in "
			       "one mapping",
			       job->ntasks, job->result_size);
	r->size = results + bytes;
	r->base = mmap(NULL, r->size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r->base == MAP_FAILED)
		return pb_fail(err, "cannot map %zu shared bytes: %s", r->size,
			       strerror(errno));
	r->board = r->base;
	r->slots = (struct slot *)((char *)r->base + slots);
	r->results = (char *)r->base + results;
	return PB_OK;
}

/* ---- The child side -------------------------------------------------- */

/* Runs tasks [lo, hi) into the mapping until done, stopped or failed. */
static int run_range(const struct pb_job *job, void *ws, const struct region *r,
		     struct slot *s, uint64_t lo, uint64_t hi)
{
	struct pb_err err = {{0}};

	for (uint64_t i = lo; i < hi; i++) {
		if (atomic_load_explicit(&r->board->stop, memory_order_relaxed))
			return PB_OK;
		atomic_store_explicit(&s->current, i, memory_order_relaxed);
		if (pb_job_run_task(job, ws, i, &err)) {
			memcpy(s->err, err.msg, sizeof(s->err));
			s->err[sizeof(s->err) - 1] = '\0';
			return PB_ERROR;
		}
		s->done++;
	}
	return PB_OK;
}

static int run_worker(const struct pb_job *job, void *ws,
		      const struct region *r, unsigned w, bool dynamic,
		      uint64_t chunk)
{
	struct slot *s = &r->slots[w];
	uint64_t n = job->ntasks, W = job->workers;

	if (!dynamic)
		return run_range(job, ws, r, s, w * n / W, (w + 1) * n / W);
	for (;;) {
		uint64_t lo = atomic_fetch_add_explicit(&r->board->next, chunk,
							memory_order_relaxed);
		if (lo >= n)
			return PB_OK;
		uint64_t hi = n - lo > chunk ? lo + chunk : n;
		if (run_range(job, ws, r, s, lo, hi))
			return PB_ERROR;
	}
}

static void mark_failed(const struct region *r, struct slot *s)
{
	atomic_store(&s->state, S_FAILED);
	atomic_store(&r->board->stop, true);
}

__attribute__((noreturn)) static void child_main(const struct pb_job *job,
						 const struct region *r,
						 unsigned w, bool dynamic,
						 uint64_t chunk, pid_t parent)
{
	struct pb_job mine = *job;
	struct slot *s = &r->slots[w];
	struct pb_err err = {{0}};
	void *ws;

	pbs_die_with_parent(parent);
	mine.results = r->results;
	atomic_store(&s->state, S_INIT);
	if (pb_job_worker_init(&mine, w, &ws, &err)) {
		memcpy(s->err, err.msg, sizeof(s->err));
		s->err[sizeof(s->err) - 1] = '\0';
		mark_failed(r, s);
		_exit(0);
	}
	atomic_store(&s->state, S_RUN);
	if (run_worker(&mine, ws, r, w, dynamic, chunk))
		mark_failed(r, s);
	else
		atomic_store(&s->state, S_FINI);
	pb_job_worker_fini(&mine, ws);
	if (atomic_load(&s->state) == S_FINI)
		atomic_store(&s->state, S_DONE);
	_exit(0);
}

/* ---- The parent side ------------------------------------------------- */

struct team {
	const struct pb_job *job;
	struct region r;
	pid_t *pids;
	unsigned nc; /* children forked */
	struct pbs_outcome o;
};

/* Says what a child was doing, from its slot. */
static void where(const struct slot *s, char *buf, size_t len)
{
	switch (atomic_load(&s->state)) {
	case S_FORKED:
		snprintf(buf, len, "before worker_init");
		break;
	case S_INIT:
		snprintf(buf, len, "before its first task (in worker_init)");
		break;
	case S_RUN:
		snprintf(buf, len, "while running task %llu",
			 (unsigned long long)atomic_load(&s->current));
		break;
	case S_FINI:
		snprintf(buf, len, "after its last task (in worker_fini)");
		break;
	default:
		snprintf(buf, len, "after its tasks");
	}
}

/* Judges how child w ended, from its wait status and its slot. */
static void judge(struct team *t, unsigned w, int st)
{
	const struct slot *s = &t->r.slots[w];
	unsigned W = t->job->workers;
	char doing[128];

	where(s, doing, sizeof(doing));
	if (pbs_judge_wait(&t->o, st, w, W, doing))
		return;
	if (atomic_load(&s->state) == S_FAILED)
		pbs_fail(&t->o, PB_STATUS_FAILED, "%s", s->err);
	else if (atomic_load(&s->state) != S_DONE)
		pbs_fail(
		    &t->o, PB_STATUS_CRASHED,
		    "worker %u of %u exited with status 0 before finishing "
		    "its tasks, %s",
		    w + 1, W, doing);
}

/* Kills the children from w on, once something failed. */
static void kill_from(struct team *t, unsigned w)
{
	atomic_store(&t->r.board->stop, true);
	for (; w < t->nc; w++)
		kill(t->pids[w], SIGKILL);
}

/* Reaps every child in worker order, judging each until one failed. */
static void reap_all(struct team *t)
{
	bool killed = t->o.failed;

	if (killed)
		kill_from(t, 0);
	for (unsigned w = 0; w < t->nc; w++) {
		int st = 0;
		while (waitpid(t->pids[w], &st, 0) < 0 && errno == EINTR)
			;
		if (killed)
			continue;
		judge(t, w, st);
		if (t->o.failed) {
			kill_from(t, w + 1);
			killed = true;
		}
	}
}

/* Forks the workers; stops at the first that cannot be forked. */
static void spawn_all(struct team *t, bool dynamic, uint64_t chunk)
{
	pid_t parent = getpid();

	for (unsigned w = 0; w < t->job->workers; w++) {
		pid_t pid = fork();
		if (pid < 0) {
			pbs_fail(&t->o, PB_STATUS_FAILED,
				 "cannot fork worker %u of %u: %s", w + 1,
				 t->job->workers, strerror(errno));
			return;
		}
		if (pid == 0)
			child_main(t->job, &t->r, w, dynamic, chunk, parent);
		t->pids[t->nc++] = pid;
	}
}

/* Checks that the children ran every task, then copies the results. */
static void gather(struct team *t)
{
	const struct pb_job *job = t->job;
	uint64_t done = 0;

	for (unsigned w = 0; w < t->nc; w++)
		done += t->r.slots[w].done;
	if (done != job->ntasks) {
		pbs_fail(&t->o, PB_STATUS_CRASHED,
			 "the workers finished %llu of %zu tasks",
			 (unsigned long long)done, job->ntasks);
		return;
	}
	memcpy(job->results, t->r.results, job->ntasks * job->result_size);
}

static int shm_execute(const struct pb_job *job, int32_t *status,
		       struct pb_err *err)
{
	struct team t = {.job = job, .o = {.status = PB_STATUS_FAILED}};
	bool dynamic = pbs_dynamic(job);
	uint64_t chunk = pbs_chunk(job);

	*status = PB_STATUS_FAILED;
	if (job->workers == 0)
		return pb_fail(err, "no workers to run %zu tasks on",
			       job->ntasks);
	t.pids = calloc(job->workers, sizeof(*t.pids));
	if (!t.pids)
		return pb_fail(err, "out of memory for %u workers",
			       job->workers);
	if (region_map(&t.r, job, err)) {
		free(t.pids);
		return PB_ERROR;
	}
	spawn_all(&t, dynamic, chunk);
	reap_all(&t);
	if (!t.o.failed)
		gather(&t);
	munmap(t.r.base, t.r.size);
	free(t.pids);
	*status = t.o.status;
	if (t.o.failed)
		*err = t.o.err;
	return t.o.failed ? PB_ERROR : PB_OK;
}

static const struct pb_strategy_hooks hooks = {
    .size = sizeof(struct pb_strategy_hooks), .execute = shm_execute};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_STRATEGY, "shm",
		     "tasks spread over forked processes sharing one memory "
		     "mapping (atomic task counter)",
		     "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .strategy = &hooks,
};
