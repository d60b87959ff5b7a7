/*
 * parabench/plugin.h — the plugin ABI: the only header a plugin includes.
 *
 * A plugin is one shared object that exports one symbol, PB_PLUGIN_SYMBOL,
 * a const struct pb_plugin. It is either a WORKLOAD (what is computed, split
 * into ntasks independent tasks with fixed-size plain-data results) or a
 * STRATEGY (how tasks 0..ntasks-1 are spread over workers).
 *
 * Rules of the ABI, in the spirit of sqlite3ext.h:
 *   - struct pb_plugin begins with a magic number, the ABI version and its own
 *     size; the loader refuses any mismatch and names both versions.
 *   - members are only ever appended; each says the version that added it.
 *   - a plugin never links against the host's symbols: everything it needs
 *     from the host comes through the structs below or the static inline
 *     helpers at the end of this file. Build plugins with -Wl,-z,defs.
 *   - hooks never print and never exit: they return PB_OK or an error code
 *     and describe the problem in a struct pb_err the host shows the user.
 *
 * A minimal workload, see plugins/workloads/pi.c for a real one:
 *
 *   static const struct pb_param params[] = {
 *       {"samples", PB_INT, "1e7", 1, 1e15, NULL, "total samples"},
 *   };
 *   PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
 *       PB_PLUGIN_HEADER(PB_WORKLOAD, "mine", "one line summary", "1.0"),
 *       .params = params, .nparams = PB_COUNT(params), ...
 *   };
 */
#ifndef PARABENCH_PLUGIN_H
#define PARABENCH_PLUGIN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "PARABNCH" in ASCII: a symbol that merely shares our name reads garbage. */
#define PB_MAGIC 0x48434e4241524150ULL
/* Bumped when a member changes meaning; appending members does not bump it. */
#define PB_ABI_VERSION 1
#define PB_PLUGIN_SYMBOL parabench_plugin
#define PB_PLUGIN_SYMBOL_NAME "parabench_plugin"

#define PB_EXPORT __attribute__((visibility("default")))
#define PB_COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* Return codes of every hook. */
enum pb_rc {
	PB_OK = 0,
	PB_ERROR = -1, /* the operation failed; err says why */
};

/* The outcome of one measured repetition, as written to runs.csv. */
enum pb_status {
	PB_STATUS_OK = 0,  /* ran and verified */
	PB_STATUS_FAILED,  /* a hook reported an error */
	PB_STATUS_CRASHED, /* a process died (signal, unexpected exit) */
	PB_STATUS_TIMEOUT, /* the cell's timeout expired */
	PB_STATUS_WRONG,   /* ran, but verify rejected the answer */
};

/* An error message from a hook. Fixed size so a forked child can send it. */
#define PB_ERR_MAX 1024
struct pb_err {
	char msg[PB_ERR_MAX];
};

/* Formats an error message into err (truncating) and returns PB_ERROR. */
__attribute__((format(printf, 2, 3))) static inline int pb_fail(
    struct pb_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return PB_ERROR;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return PB_ERROR;
}

/* ---- Parameters ------------------------------------------------------- */

/*
 * Parameter types. Every value can be written in an experiment file; the
 * host parses and range-checks it before any hook sees it.
 */
enum pb_type {
	PB_INT,	  /* int64: 10_000_000, 1e7, -3 */
	PB_FLOAT, /* double: 0.25, 1e-3 */
	PB_SIZE, /* int64 bytes: 4k, 250M, 1GiB (k/M/G/T = 1024^n; kB/MB = 1000^n) */
	PB_DURATION,	/* double seconds: 20ms, 1.5s, 2m, 250us */
	PB_STRING,	/* any text */
	PB_ENUM,	/* one of pb_param.choices, passed as its text */
	PB_BOOL,	/* true/false, yes/no, on/off */
	PB_INT_LIST,	/* a YAML list of ints is one value: [1e6, 2e6] */
	PB_STRING_LIST, /* a YAML list of strings is one value */
};

/*
 * One entry of a plugin's parameter table.
 *   default_value: text parsed like an experiment value; NULL makes the
 *                  parameter required. For lists, e.g. "[1e6, 2e6]" or "[]".
 *   min, max:      inclusive bounds for INT, FLOAT, SIZE, DURATION and for
 *                  each element of INT_LIST; min == max == 0 means unbounded.
 *   choices:       for ENUM, the allowed words separated by '|'.
 */
struct pb_param {
	const char *name;
	enum pb_type type;
	const char *default_value;
	double min;
	double max;
	const char *choices;
	const char *help;
};

/* A parsed parameter value; strings and lists are owned by the host. */
struct pb_value {
	enum pb_type type;
	union {
		int64_t i;     /* INT, SIZE */
		double f;      /* FLOAT, DURATION (seconds) */
		bool b;	       /* BOOL */
		const char *s; /* STRING, ENUM */
		struct {
			size_t n;
			const int64_t *v;
		} ints; /* INT_LIST */
		struct {
			size_t n;
			const char *const *v;
		} strings; /* STRING_LIST */
	} u;
};

/*
 * The values of a plugin's parameters for one cell: values[k] belongs to
 * params[k], in table order, always complete (defaults filled in), so a
 * plugin may index values by its own enum of parameter positions.
 */
struct pb_args {
	size_t n;
	const struct pb_param *params;
	const struct pb_value *values;
};

/* ---- Workloads -------------------------------------------------------- */

/* A metric a workload reports; each becomes a metric_<name> CSV column. */
struct pb_metric {
	const char *name;
	const char *unit; /* "s", "B", "GB/s", "" for a pure number */
	const char *help;
};

/*
 * One metric's value as reduce fills it. The host initialises value to NaN
 * and text to "". A non-empty text is written instead of value: use it for
 * list-valued metrics ("37550402023;142913828922").
 */
#define PB_METRIC_TEXT_MAX 256
struct pb_metric_value {
	double value;
	char text[PB_METRIC_TEXT_MAX];
};

/*
 * What the host offers setup. Appended to only.
 *   own_path: setup calls it for every file or folder it creates that must
 *             not outlive the cell. If the cell's process dies before
 *             teardown, the host removes these paths (recursively) itself.
 *             teardown should still remove them in the normal case.
 *   seed:     the experiment's seed, for workloads without a seed parameter.
 */
struct pb_host {
	uint32_t size;
	void *opaque;
	void (*own_path)(struct pb_host *host, const char *path);
	uint64_t seed;
	unsigned cores; /* logical cores online */
};

/*
 * The hooks of a workload. Call order, per repetition:
 *   setup -> [worker_init -> run_task* -> worker_fini] per worker
 *         -> reduce -> verify -> teardown
 * Only the part between the first worker_init and the end of reduce is
 * timed. A cell may run several repetitions; each has its own setup.
 */
struct pb_workload_hooks {
	/*
	 * REQUIRED. Prepares inputs (files, a server, tables) and decides the
	 * number of tasks. *state is the workload's own, passed back to every
	 * other hook. Untimed. Runs once per repetition in the cell's process.
	 */
	int (*setup)(const struct pb_args *args, struct pb_host *host,
		     void **state, size_t *ntasks, struct pb_err *err);

	/*
	 * OPTIONAL. Per-worker resources (a curl handle, a buffer), made in the
	 * worker's own thread or process before its first task. *worker is
	 * passed to run_task; NULL if absent.
	 */
	int (*worker_init)(void *state, unsigned worker, void **worker_state,
			   struct pb_err *err);

	/*
	 * REQUIRED. Does task `task` and writes exactly result_size bytes of
	 * plain data (no pointers) to result. Called concurrently from many
	 * threads, or from forked children: it must only read shared state.
	 * Deterministic for given parameters and task index, so that every
	 * strategy and worker count gives a bit-identical answer.
	 */
	int (*run_task)(void *state, void *worker_state, size_t task,
			void *result, struct pb_err *err);

	/* OPTIONAL. Frees what worker_init made, in the same thread/process. */
	void (*worker_fini)(void *state, void *worker_state);

	/*
	 * REQUIRED. Combines results[0..ntasks-1] (each result_size bytes) and
	 * fills metrics[k] for the plugin's metrics[k]. Runs in the cell process
	 * after every task finished; timed.
	 */
	int (*reduce)(void *state, const void *results, size_t ntasks,
		      struct pb_metric_value *metrics, struct pb_err *err);

	/*
	 * OPTIONAL. Checks the answer. PB_OK if right; PB_ERROR with a message
	 * saying what was expected otherwise, which records the row as `wrong`.
	 * Untimed.
	 */
	int (*verify)(void *state, const void *results, size_t ntasks,
		      const struct pb_metric_value *metrics,
		      struct pb_err *err);

	/*
	 * REQUIRED. Removes what setup made and frees state; called after every
	 * successful setup, whatever happened since. Must not fail.
	 */
	void (*teardown)(void *state);
};

/* ---- Strategies ------------------------------------------------------- */

/*
 * One execution a strategy carries out: run tasks 0..ntasks-1 of a workload
 * on `workers` workers and fill results. All pointers are owned by the host.
 */
struct pb_job {
	const struct pb_workload_hooks *hooks;
	void *state;
	size_t ntasks;
	size_t result_size;
	void *results; /* ntasks * result_size bytes, zeroed */
	unsigned workers;
	const struct pb_args *args; /* the strategy's own parameters */
};

/*
 * What execute says went wrong, beyond its message. A strategy that runs
 * tasks in processes reports PB_STATUS_CRASHED when one died by a signal or
 * exited unexpectedly (name the signal and the task when known), and
 * PB_STATUS_FAILED when a task reported an error (pass on its message).
 */
struct pb_strategy_hooks {
	/*
	 * REQUIRED. Runs every task exactly once and returns PB_OK, or returns
	 * PB_ERROR with *status (FAILED or CRASHED) and err filled. Must leave
	 * no thread, process, descriptor or mapping behind, in every case.
	 * Timed: its cost is part of what parabench measures.
	 */
	int (*execute)(const struct pb_job *job, enum pb_status *status,
		       struct pb_err *err);
};

/* ---- The descriptor --------------------------------------------------- */

enum pb_kind {
	PB_KIND_WORKLOAD = 1,
	PB_KIND_STRATEGY = 2,
};

/* The one exported symbol. Members are appended only; see the top. */
struct pb_plugin {
	uint64_t magic;	      /* PB_MAGIC */
	uint32_t abi_version; /* PB_ABI_VERSION the plugin was built with */
	uint32_t struct_size; /* sizeof(struct pb_plugin) it was built with */
	enum pb_kind kind;
	const char *name;    /* [a-z0-9_]+, unique among loaded plugins */
	const char *summary; /* one line, shown by `parabench list` */
	const char *version; /* the plugin's own version, kept in meta.json */

	const struct pb_param *params;
	size_t nparams;

	/* Workloads only. */
	const struct pb_metric *metrics;
	size_t nmetrics;
	size_t result_size; /* bytes each task writes, > 0 */
	const struct pb_workload_hooks *workload;

	/* Strategies only. */
	const struct pb_strategy_hooks *strategy;

	void *reserved[8]; /* zero; room to grow without changing the size */
};

/* Fills the first members of a descriptor. */
#define PB_PLUGIN_HEADER(kind_, name_, summary_, version_)                     \
	.magic = PB_MAGIC, .abi_version = PB_ABI_VERSION,                      \
	.struct_size = sizeof(struct pb_plugin), .kind = (kind_),              \
	.name = (name_), .summary = (summary_), .version = (version_)

/* ---- Helpers (static inline: no link to the host) --------------------- */

/* The value of the parameter called name, or NULL when there is none. */
static inline const struct pb_value *pb_arg(const struct pb_args *args,
					    const char *name)
{
	for (size_t k = 0; k < args->n; k++)
		if (strcmp(args->params[k].name, name) == 0)
			return &args->values[k];
	return NULL;
}

/* Prepares worker w of a job: calls the optional worker_init hook. */
static inline int pb_job_worker_init(const struct pb_job *job, unsigned w,
				     void **worker_state, struct pb_err *err)
{
	*worker_state = NULL;
	if (!job->hooks->worker_init)
		return PB_OK;
	return job->hooks->worker_init(job->state, w, worker_state, err);
}

/* Runs task i of a job into its slot of job->results. */
static inline int pb_job_run_task(const struct pb_job *job, void *worker_state,
				  size_t i, struct pb_err *err)
{
	char *slot = (char *)job->results + i * job->result_size;
	return job->hooks->run_task(job->state, worker_state, i, slot, err);
}

/* Releases worker state: calls the optional worker_fini hook. */
static inline void pb_job_worker_fini(const struct pb_job *job,
				      void *worker_state)
{
	if (job->hooks->worker_fini)
		job->hooks->worker_fini(job->state, worker_state);
}

#ifdef __cplusplus
}
#endif
#endif /* PARABENCH_PLUGIN_H */
