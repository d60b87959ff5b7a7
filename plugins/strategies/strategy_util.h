/*
 * strategy_util.h — what the strategies share, header-only: a plugin links
 * to nothing of the host's, so everything here is static inline.
 *
 *   struct pbs_outcome, pbs_fail   the first failure of an execution and
 *                                  its status (later ones are consequences)
 *   pbs_judge_wait                 the wording of a worker's wait status
 *   pbs_die_with_parent            a forked worker's parent-death setup
 *   PBS_PARAM_SCHEDULE/CHUNK       the common parameters, and what they
 *   pbs_dynamic, pbs_chunk,        mean in every strategy: schedule
 *   pbs_share                      static|dynamic, chunk 0 = automatic
 *
 * A strategy's parameter table starts with the two common parameters, at
 * positions PBS_P_SCHEDULE and PBS_P_CHUNK. Define _GNU_SOURCE before
 * the first include (sigabbrev_np).
 */
#ifndef PB_STRATEGY_UTIL_H
#define PB_STRATEGY_UTIL_H

#include <parabench/plugin.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* The exit status of a worker that lost its parent or its pipe to it. */
#define PBS_EXIT_LOST 125

/* ---- Failures ---------------------------------------------------------- */

/* How an execution ended: the first failure wins. Zero it to start. */
struct pbs_outcome {
	bool failed;
	enum pb_status status; /* FAILED or CRASHED, once failed */
	struct pb_err err;
};

/*
 * Records a failure with status and a message, unless one is already
 * recorded (the first failure is the cause; later ones its consequences).
 * The message is bounded by PB_ERR_MAX: it is a message, not a value.
 */
__attribute__((format(printf, 3, 4))) static inline void pbs_fail(
    struct pbs_outcome *o, enum pb_status status, const char *fmt, ...)
{
	va_list ap;

	if (o->failed)
		return;
	o->failed = true;
	o->status = status;
	va_start(ap, fmt);
	vsnprintf(o->err.msg, sizeof(o->err.msg), fmt, ap);
	va_end(ap);
}

/*
 * Judges the wait status st of worker w (0-based) of W: a signal or a
 * non-zero exit is recorded as CRASHED, worded alike in every strategy,
 * with `doing` saying what the worker was doing ("while running task 3").
 * Returns true when it recorded a failure, false for a clean exit(0),
 * which the caller judges further (did it finish its tasks?).
 */
static inline bool pbs_judge_wait(struct pbs_outcome *o, int st, unsigned w,
				  unsigned W, const char *doing)
{
	if (WIFSIGNALED(st)) {
		int sig = WTERMSIG(st);
		const char *abbrev = sigabbrev_np(sig);

		pbs_fail(o, PB_STATUS_CRASHED,
			 "worker %u of %u was killed by signal SIG%s (%s) %s",
			 w + 1, W, abbrev ? abbrev : "?", strsignal(sig),
			 doing);
		return true;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		pbs_fail(o, PB_STATUS_CRASHED,
			 "worker %u of %u exited with status %d %s", w + 1, W,
			 WIFEXITED(st) ? WEXITSTATUS(st) : -1, doing);
		return true;
	}
	return false;
}

/* ---- Forked workers ----------------------------------------------------- */

/*
 * Called first thing in a forked worker, with the pid its parent had
 * before the fork (getpid() there): the worker gets SIGKILL when its
 * parent dies, whatever kills it. If the parent died before that was set
 * up, the worker has been re-parented already: it exits at once, with
 * PBS_EXIT_LOST, instead of running on as an orphan.
 */
static inline void pbs_die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(PBS_EXIT_LOST);
}

/* ---- The common parameters ---------------------------------------------- */

enum { PBS_P_SCHEDULE, PBS_P_CHUNK, PBS_NPARAMS };

/* chunk 0: ceil(tasks / (PBS_AUTO_GRANTS x workers)), as Pool.map does. */
#define PBS_AUTO_GRANTS 4

/* The schedule parameter; dynamic_help says how this strategy hands out. */
#define PBS_PARAM_SCHEDULE(dynamic_help)                                       \
	{                                                                      \
		.name = "schedule", .type = PB_ENUM,                           \
		.default_value = "dynamic", .choices = "static|dynamic",       \
		.help = "dynamic: " dynamic_help                               \
			"; static: contiguous equal shares"                    \
	}

/* The chunk parameter with its default (text), the same range everywhere. */
#define PBS_PARAM_CHUNK(default_text)                                          \
	{                                                                      \
		.name = "chunk", .type = PB_INT,                               \
		.default_value = default_text, .min = 0, .max = 1e9,           \
		.help = "task indices a worker takes at a time (dynamic); 0: " \
			"ceil(tasks / (4 x workers)), as Pool.map"             \
	}

/* True when the job's schedule is dynamic. */
static inline bool pbs_dynamic(const struct pb_job *job)
{
	return strcmp(job->args->values[PBS_P_SCHEDULE].u.s, "dynamic") == 0;
}

/*
 * The job's chunk, never 0: the parameter, or for 0 (automatic)
 * ceil(tasks / (4 x workers)) — the chunksize multiprocessing.Pool.map
 * picks: four takes per worker, few hand-outs and still some balance.
 */
static inline uint64_t pbs_chunk(const struct pb_job *job)
{
	int64_t v = job->args->values[PBS_P_CHUNK].u.i;
	uint64_t share =
	    PBS_AUTO_GRANTS * (uint64_t)(job->workers ? job->workers : 1);
	uint64_t chunk = v > 0 ? (uint64_t)v : 0;

	if (chunk == 0)
		chunk = (job->ntasks + share - 1) / share;
	return chunk ? chunk : 1;
}

/* The static share of worker w of W over n tasks: [*lo, *hi). */
static inline void pbs_share(uint64_t n, uint64_t W, uint64_t w, uint64_t *lo,
			     uint64_t *hi)
{
	*lo = w * n / W;
	*hi = (w + 1) * n / W;
}

#endif /* PB_STRATEGY_UTIL_H */
