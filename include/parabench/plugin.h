/*
 * parabench/plugin.h — the plugin ABI, version 3: the only header a plugin
 * includes. The guide is docs/writing-plugins.md (installed under
 * share/doc/parabench); `parabench new workload NAME` writes a skeleton.
 *
 * A plugin is one shared object that exports one symbol, PB_PLUGIN_SYMBOL,
 * a const struct pb_plugin. It is either a WORKLOAD (what is computed, split
 * into ntasks independent tasks with fixed-size plain-data results) or a
 * STRATEGY (how tasks 0..ntasks-1 are spread over workers).
 *
 * ---- The versioning promise -------------------------------------------
 *
 *   - Structs that may grow carry their size: struct pb_plugin
 *     (struct_size), struct pb_workload_hooks and struct pb_strategy_hooks
 *     (size), the parameter and metric tables (the descriptor's param_size
 *     and metric_size), and what the host hands over: struct pb_host,
 *     struct pb_job and struct pb_args (size).
 *   - Members are only ever appended; each says the version that added it,
 *     and PB_ABI_VERSION grows by one with every release that appends.
 *   - The host reads a plugin's struct as Linux reads openat2's struct
 *     open_how (copy_struct_from_user): a smaller struct, from a plugin
 *     built against an older header, is accepted with its missing tail
 *     read as zeros; a larger one, from a newer header, is accepted when
 *     every byte this host does not know is zero, and refused otherwise
 *     with a message naming the plugin, both sizes and both versions.
 *   - So a member's zero value always means "absent" or "the old
 *     behaviour", and a plugin reads a member the host added after
 *     version 2 only when the host's struct is large enough: PB_HAS().
 *   - Inside these structs: fixed-width integers, never enums (an enum's
 *     size depends on compiler flags such as -fshort-enums).
 *   - reserved members must be zero; the loader checks.
 *   - struct pb_value, struct pb_metric_value and struct pb_err never
 *     change: they travel in arrays and through pipes.
 *   - Version 1 plugins (the layout before sizes) still load: the host
 *     translates them.
 *   - A plugin never links against the host's symbols: everything it needs
 *     from the host comes through the structs below or the static inline
 *     helpers at the end of this file. Build plugins with -Wl,-z,defs.
 *   - Hooks never print and never exit: they return PB_OK or PB_ERROR and
 *     describe the problem in a struct pb_err the host shows the user.
 *
 * ---- Where each hook runs -----------------------------------------------
 *
 * Every cell (one workload setting x strategy x worker count) runs in its
 * own process, forked by parabench; a crash or hang there is recorded and
 * the experiment goes on. In that process, for each repetition:
 *
 *   hook          process / thread                    timed  required
 *   setup         cell process, main thread           no     yes
 *   execute       cell process, main thread           yes    yes (strategy)
 *    worker_init  the worker's thread or process      yes    no
 *    run_task     the worker's thread or process      yes    yes
 *    worker_fini  same thread/process as worker_init  yes    no
 *   reduce        cell process, main thread           yes    yes
 *   verify        cell process, main thread           no     no
 *   teardown      cell process, main thread           no     yes
 *   check         runner process, before any cell    no     no
 *
 * The timed span runs from just before execute to just after reduce; it is
 * the wall_s column of runs.csv, and what PB_METRIC_PER_SECOND divides by.
 *
 * What a strategy must do, in execute:
 *   - run every task 0..ntasks-1 exactly once and fill job->results;
 *   - in each worker, call pb_job_worker_init before its first task and
 *     pb_job_worker_fini after its last, in the same thread or process
 *     (workloads keep per-worker resources there: a connection, a buffer);
 *     pb_job_worker_init first binds the worker to its CPU when the
 *     experiment asks for an `affinity` (job->bind_worker), so a strategy
 *     never needs to know where its workers go;
 *   - leave no thread, process, descriptor or mapping behind, in every case;
 *   - on failure return PB_ERROR with *status PB_STATUS_FAILED (a hook
 *     failed: pass on its message) or PB_STATUS_CRASHED (a worker process
 *     died: name the signal and the task). Any other status is recorded as
 *     failed, with a message naming the strategy.
 *
 * ntasks == 0 is legal: setup may decide there is nothing to do. execute
 * then returns PB_OK without calling run_task (it may skip worker_init
 * too), and reduce sees ntasks == 0.
 *
 * Fork rules. A strategy may fork after setup, and setup may have started
 * threads (a local server, say). In a forked child only the forking thread
 * exists: run_task must not wait for another thread of its own process nor
 * take a lock such a thread may hold; it may talk to the server over a
 * socket. The child gets a copy of the state: what it writes there, the
 * parent never sees; results travel back only through the result slot. A
 * strategy's child ends with _exit, never exit (no atexit handlers, no
 * second flush of stdio buffers).
 *
 * The seed. host->seed is the experiment's `seed` (default 1); a workload
 * parameter called `seed` is filled from it unless the experiment sets the
 * parameter. Randomness in task i comes from (seed, i) alone, never from
 * the worker, the thread, the time or the address: every strategy and
 * worker count then gives the same answer, bit for bit.
 *
 * ---- A minimal workload (this compiles as written; a test checks) --------
 *
 *   #include <parabench/plugin.h>
 *   #include <stdint.h>
 *   #include <stdlib.h>
 *
 *   static const struct pb_param params[] = {
 *       {"tasks", PB_INT, "8", 1, 1e6, NULL, "number of tasks"},
 *       {"n", PB_INT, "1000", 1, PB_NO_MAX, NULL, "numbers per task"},
 *   };
 *   static const struct pb_metric metrics[] = {
 *       {"sum", "", "sum of every number", 0},
 *       {"numbers_per_s", "1/s", "numbers summed per second",
 *        PB_METRIC_PER_SECOND},
 *   };
 *
 *   static int setup(const struct pb_args *args, struct pb_host *host,
 *                    void **state, size_t *ntasks, struct pb_err *err)
 *   {
 *       int64_t *n = malloc(sizeof(*n));
 *       (void)host;
 *       if (!n)
 *           return pb_fail(err, "out of memory");
 *       *n = pb_arg(args, "n")->u.i;
 *       *state = n;
 *       *ntasks = (size_t)pb_arg(args, "tasks")->u.i;
 *       return PB_OK;
 *   }
 *
 *   static int run_task(void *state, void *worker, size_t task,
 *                       void *result, struct pb_err *err)
 *   {
 *       int64_t n = *(const int64_t *)state, sum = 0;
 *       (void)worker, (void)err;
 *       for (int64_t k = 0; k < n; k++)
 *           sum += (int64_t)task * n + k;
 *       memcpy(result, &sum, sizeof(sum));
 *       return PB_OK;
 *   }
 *
 *   static int reduce(void *state, const void *results, size_t ntasks,
 *                     struct pb_metric_value *m, struct pb_err *err)
 *   {
 *       const int64_t *r = results;
 *       double sum = 0;
 *       (void)err;
 *       for (size_t k = 0; k < ntasks; k++)
 *           sum += (double)r[k];
 *       m[0].value = sum;
 *       m[1].value = (double)ntasks * (double)*(const int64_t *)state;
 *       return PB_OK;
 *   }
 *
 *   static void teardown(void *state) { free(state); }
 *
 *   static const struct pb_workload_hooks hooks = {
 *       .size = sizeof(struct pb_workload_hooks),
 *       .setup = setup, .run_task = run_task, .reduce = reduce,
 *       .teardown = teardown,
 *   };
 *
 *   PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
 *       PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "mine", "sums numbers", "1.0"),
 *       .params = params, .nparams = PB_COUNT(params),
 *       .metrics = metrics, .nmetrics = PB_COUNT(metrics),
 *       .result_size = sizeof(int64_t),
 *       .workload = &hooks,
 *   };
 *
 * Build: cc -shared -fPIC $(pkg-config --cflags parabench) mine.c -o mine.so
 * ---- end of the example ----
 */
#ifndef PARABENCH_PLUGIN_H
#define PARABENCH_PLUGIN_H

#include <math.h>
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
/* Grows by one with each release that appends members (see the top). */
#define PB_ABI_VERSION 3
#define PB_PLUGIN_SYMBOL parabench_plugin
#define PB_PLUGIN_SYMBOL_NAME "parabench_plugin"

#define PB_EXPORT __attribute__((visibility("default")))
#define PB_COUNT(array) (sizeof(array) / sizeof((array)[0]))

/*
 * True when the host's struct *s (which carries its size in s->size) is
 * large enough to hold member m: read members added after version 2 only
 * when this holds.
 */
#define PB_HAS(s, m)                                                           \
	((s)->size >= offsetof(__typeof__(*(s)), m) + sizeof((s)->m))

/* Return codes of every hook. */
enum pb_rc {
	PB_OK = 0,
	PB_ERROR = -1, /* the operation failed; err says why */
};

/* The outcome of one measured repetition (an int32_t across the ABI). */
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
 * Parameter types (a uint32_t across the ABI). Every value can be written
 * in an experiment file; the host parses and range-checks it before any
 * hook sees it.
 */
enum pb_type {
	PB_INT,	  /* int64: 10_000_000, 1e7, -3 */
	PB_FLOAT, /* double: 0.25, 1e-3 */
	PB_SIZE, /* int64 bytes: 4k, 250M, 1GiB (k/M/G/T = 1024^n; kB/MB = 1000^n) */
	PB_DURATION,	/* double seconds: 20ms, 1.5s, 2m, 250us */
	PB_STRING,	/* any text */
	PB_ENUM,	/* one of pb_param.choices: text and index */
	PB_BOOL,	/* true/false, yes/no, on/off */
	PB_INT_LIST,	/* a YAML list of ints is one value: [1e6, 2e6] */
	PB_STRING_LIST, /* a YAML list of strings is one value */
};

/* Bounds of an unbounded range: write them, the host never guesses. */
#define PB_NO_MIN (-HUGE_VAL)
#define PB_NO_MAX HUGE_VAL

/*
 * One entry of a plugin's parameter table (stride: the descriptor's
 * param_size). Every member is from version 1; type was an enum there.
 *   default_value: text parsed like an experiment value; NULL makes the
 *                  parameter required. For lists, e.g. "[1e6, 2e6]" or "[]".
 *   min, max:      inclusive bounds for INT, FLOAT, SIZE, DURATION and for
 *                  each element of INT_LIST; PB_NO_MIN / PB_NO_MAX for none.
 *                  Ignored for the other types. (Version 1's min == max == 0
 *                  meant unbounded; version 2 refuses it for numbers.)
 *   choices:       for ENUM, the allowed words separated by '|'.
 */
struct pb_param {
	const char *name; /* [a-z0-9_]+, unique in the table */
	uint32_t type;	  /* enum pb_type */
	const char *default_value;
	double min;
	double max;
	const char *choices;
	const char *help;
};

/*
 * A parsed parameter value; strings and lists are owned by the host. Never
 * changes size (values[] is indexed by position).
 */
struct pb_value {
	uint32_t type;	/* (1) enum pb_type */
	uint32_t index; /* (2) ENUM: position of u.s in choices, from 0 */
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
 * parameter k of the plugin's table, in table order, always complete
 * (defaults filled in), so a plugin may index values by its own enum of
 * parameter positions. Read parameter k's entry with pb_arg_param (the
 * host's table may have another stride than the plugin's).
 */
struct pb_args {
	size_t n;		       /* (1) */
	const struct pb_param *params; /* (1) stride: param_size */
	const struct pb_value *values; /* (1) */
	uint32_t size;		       /* (2) sizeof(struct pb_args) */
	uint32_t param_size;	       /* (2) bytes between params[k] */
};

/* ---- Workloads -------------------------------------------------------- */

/* Flags of a metric (pb_metric.flags). */
enum {
	/*
	 * reduce fills an amount (bytes, items); runs.csv gets amount divided
	 * by the timed span in seconds. Scale the amount for the unit: bytes
	 * / 1e9 for "GB/s".
	 */
	PB_METRIC_PER_SECOND = 1u << 0,
	/*
	 * reduce fills a count (round trips); runs.csv gets the timed span in
	 * seconds divided by the count. Scale the count for the unit: count /
	 * 1e6 for "us".
	 */
	PB_METRIC_SECONDS_EACH = 1u << 1,
};

/*
 * A metric a workload reports; each becomes a metric_<name> CSV column
 * (stride: the descriptor's metric_size).
 */
struct pb_metric {
	const char *name; /* (1) [a-z0-9_]+, unique among the metrics */
	const char *unit; /* (1) "s", "B", "GB/s", "" for a pure number */
	const char *help; /* (1) */
	uint32_t flags;	  /* (2) PB_METRIC_*; 0: written as reduce fills it */
};

/*
 * One metric's value as reduce fills it. The host initialises value to NaN
 * and text to "". A non-empty text is written instead of value: use it for
 * list-valued metrics ("37550402023;142913828922"). Never changes size.
 */
#define PB_METRIC_TEXT_MAX 256
struct pb_metric_value {
	double value;
	char text[PB_METRIC_TEXT_MAX];
};

/*
 * What the host offers setup.
 *   own_path: setup calls it for every file or folder it creates that must
 *             not outlive the cell. If the cell's process dies before
 *             teardown, the host removes these paths (recursively) itself.
 *             teardown should still remove them in the normal case.
 *   seed:     the experiment's seed (see "The seed" at the top).
 */
struct pb_host {
	uint32_t size;	      /* (1) sizeof(struct pb_host) of the host */
	uint32_t abi_version; /* (2) PB_ABI_VERSION of the host */
	void *opaque;	      /* (1) the host's; do not touch */
	void (*own_path)(struct pb_host *host, const char *path); /* (1) */
	uint64_t seed;						  /* (1) */
	uint32_t cores; /* (1) logical cores online */
	/*
	 * (3) The experiment file's folder (absolute when it could be
	 * resolved), for parameters that name files relative to it; NULL when
	 * there is none. Read it when PB_HAS(host, dir).
	 */
	const char *dir;
};

/*
 * The hooks of a workload. Call order, per repetition:
 *   setup -> [worker_init -> run_task* -> worker_fini] per worker
 *         -> reduce -> verify -> teardown
 * See "Where each hook runs" at the top. Every hook but check is from
 * version 1.
 */
struct pb_workload_hooks {
	/* (2) sizeof(struct pb_workload_hooks): always set it. */
	uint32_t size;

	/*
	 * REQUIRED. Prepares inputs (files, a server, tables) and decides the
	 * number of tasks (0 is legal). *state is the workload's own, passed
	 * back to every other hook. Untimed.
	 */
	int (*setup)(const struct pb_args *args, struct pb_host *host,
		     void **state, size_t *ntasks, struct pb_err *err);

	/*
	 * OPTIONAL. Per-worker resources (a curl handle, a buffer), made in the
	 * worker's own thread or process before its first task. *worker_state
	 * is passed to run_task; NULL if the hook is absent.
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
	 * Untimed. Metrics flagged PB_METRIC_PER_SECOND or _SECONDS_EACH still
	 * hold what reduce wrote.
	 */
	int (*verify)(void *state, const void *results, size_t ntasks,
		      const struct pb_metric_value *metrics,
		      struct pb_err *err);

	/*
	 * REQUIRED. Removes what setup made and frees state; called after every
	 * successful setup, whatever happened since. Must not fail.
	 */
	void (*teardown)(void *state);

	/*
	 * OPTIONAL (3). Checks args before anything runs (`parabench validate`
	 * and `run`) for what the parameter table cannot say: that a file
	 * exists, that a name is defined in it. Called in the runner's process
	 * once per combination of workload parameter values; must not call
	 * host->own_path and must leave nothing behind. On PB_ERROR, *param
	 * names the parameter at fault (NULL: none in particular), so that the
	 * host can point at where it is written.
	 */
	int (*check)(const struct pb_args *args, const struct pb_host *host,
		     const char **param, struct pb_err *err);
};

/* ---- Strategies ------------------------------------------------------- */

/*
 * One execution a strategy carries out: run tasks 0..ntasks-1 of a workload
 * on `workers` workers and fill results. All pointers are owned by the host;
 * hooks is the host's copy (its size member is the host's).
 */
struct pb_job {
	uint32_t size;			       /* (2) sizeof(struct pb_job) */
	uint32_t workers;		       /* (1) >= 1 */
	const struct pb_workload_hooks *hooks; /* (1) */
	void *state;			       /* (1) */
	size_t ntasks;			       /* (1) may be 0 */
	size_t result_size;		       /* (1) */
	void *results;		    /* (1) ntasks * result_size bytes, zeroed */
	const struct pb_args *args; /* (1) the strategy's own parameters */

	/*
	 * (2) What a strategy needs to rebuild the workload in another
	 * program (the mpi strategy's ranks load the same plugin and run its
	 * setup themselves), and its own metrics.
	 *   workload:      the workload's descriptor, as the host holds it (in
	 *                  the host's layout, so not inside the plugin file).
	 *   workload_args: the workload's parameters for this cell.
	 *   host:          the host given to setup: seed, own_path (for what
	 *                  the strategy makes that must not outlive the cell).
	 *   metrics:       one slot per metric of the strategy's descriptor
	 *                  (NaN until set), or NULL when it declares none.
	 *   workload_path: the file the workload was loaded from.
	 */
	const struct pb_plugin *workload;
	const struct pb_args *workload_args;
	struct pb_host *host;
	struct pb_metric_value *metrics;
	const char *workload_path;

	/*
	 * (3) Binds the calling thread (and so a forked worker process) as
	 * worker w to the CPU the experiment's `affinity` gives it; returns
	 * PB_OK without doing anything under `affinity: none`. Callable from
	 * the worker's own thread or process. pb_job_worker_init calls it,
	 * so a strategy that uses that helper need not. NULL: no binding.
	 */
	int (*bind_worker)(const struct pb_job *job, unsigned w,
			   struct pb_err *err);
	void *bind_ctx; /* (3) the host's, for bind_worker */
};

struct pb_strategy_hooks {
	/* (2) sizeof(struct pb_strategy_hooks): always set it. */
	uint32_t size;

	/*
	 * REQUIRED (1). Runs every task exactly once and returns PB_OK, or
	 * returns PB_ERROR with *status (PB_STATUS_FAILED or _CRASHED) and err
	 * filled. See "What a strategy must do" at the top. Timed: its cost
	 * is part of what parabench measures.
	 */
	int (*execute)(const struct pb_job *job, int32_t *status,
		       struct pb_err *err);
};

/* ---- The descriptor --------------------------------------------------- */

/* Plugin kinds (pb_plugin.kind, a uint32_t). */
enum pb_kind {
	PB_KIND_WORKLOAD = 1,
	PB_KIND_STRATEGY = 2,
};

/* The one exported symbol. Members are appended only; see the top. */
struct pb_plugin {
	uint64_t magic;	      /* (1) PB_MAGIC */
	uint32_t abi_version; /* (1) PB_ABI_VERSION the plugin was built with */
	uint32_t struct_size; /* (1) its sizeof(struct pb_plugin) */
	uint32_t kind;	      /* (1) enum pb_kind (an enum in version 1) */
	uint32_t param_size;  /* (2) sizeof(struct pb_param) */
	const char *name;     /* (1) [a-z0-9_]+, unique among loaded plugins */
	const char *summary;  /* (1) one line, shown by `parabench list` */
	const char *version;  /* (1) the plugin's own, kept in meta.json */

	const struct pb_param *params; /* (1) NULL when nparams is 0 */
	size_t nparams;		       /* (1) */

	/*
	 * Workloads; strategies may declare metrics too (e.g. mpi's start-up
	 * time), filled through pb_job.metrics. A strategy's metric shares
	 * the CSV column of a workload metric of the same name; give it a
	 * name no workload is likely to use.
	 */
	const struct pb_metric *metrics; /* (1) NULL when nmetrics is 0 */
	size_t nmetrics;		 /* (1) at most 32 */
	/* Workloads only. */
	size_t result_size; /* (1) bytes each task writes, > 0 */
	const struct pb_workload_hooks *workload; /* (1) */

	/* Strategies only. */
	const struct pb_strategy_hooks *strategy; /* (1) */

	uint32_t metric_size; /* (2) sizeof(struct pb_metric) */
	uint32_t reserved32;  /* (2) zero */
	uint64_t reserved[4]; /* (2) zero */
};

/* Fills the first members of a descriptor, sizes included. */
#define PB_PLUGIN_HEADER(kind_, name_, summary_, version_)                     \
	.magic = PB_MAGIC, .abi_version = PB_ABI_VERSION,                      \
	.struct_size = sizeof(struct pb_plugin), .kind = (kind_),              \
	.param_size = sizeof(struct pb_param),                                 \
	.metric_size = sizeof(struct pb_metric), .name = (name_),              \
	.summary = (summary_), .version = (version_)

/* ---- Helpers (static inline: no link to the host) --------------------- */

/* Entry k of the parameter table of args (args->n entries). */
static inline const struct pb_param *pb_arg_param(const struct pb_args *args,
						  size_t k)
{
	size_t stride =
	    args->param_size ? args->param_size : sizeof(struct pb_param);
	return (const struct pb_param *)((const char *)args->params +
					 k * stride);
}

/* The value of the parameter called name, or NULL when there is none. */
static inline const struct pb_value *pb_arg(const struct pb_args *args,
					    const char *name)
{
	for (size_t k = 0; k < args->n; k++)
		if (strcmp(pb_arg_param(args, k)->name, name) == 0)
			return &args->values[k];
	return NULL;
}

/*
 * Prepares worker w of a job: binds it where the experiment says (see
 * bind_worker), then calls the optional worker_init hook.
 */
static inline int pb_job_worker_init(const struct pb_job *job, unsigned w,
				     void **worker_state, struct pb_err *err)
{
	*worker_state = NULL;
	if (job->size > offsetof(struct pb_job, bind_worker) &&
	    job->bind_worker && job->bind_worker(job, w, err) != PB_OK)
		return PB_ERROR;
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
