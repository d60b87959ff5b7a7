/*
 * experiment.h — an experiment file, parsed and validated.
 *
 * An experiment file (YAML, read with libyaml's document API) holds one
 * experiment, or several under `experiments:` whose entries override the
 * top-level keys (fio's [global] idea). Every value is checked against the
 * plugins' own parameter tables before anything runs, and every error
 * names file:line:column (1-based) and says what was expected.
 *
 * A list value of a workload parameter, of a strategy parameter, of
 * `strategies` or of `workers` is a matrix axis; for list-typed parameters
 * (PB_INT_LIST, PB_STRING_LIST) a plain list is one value and a list of
 * lists is an axis.
 */
#ifndef PB_EXPERIMENT_H
#define PB_EXPERIMENT_H

#include <parabench/plugin.h>

#include "lib/arena.h"
#include "lib/topology.h"
#include "plugin/registry.h"

/* Limits that keep a typo from asking for the impossible. */
#define PB_MAX_WORKERS 4096
#define PB_MAX_CELLS 1000000
#define PB_MAX_REPETITIONS 100000

/* Where something was written: 1-based line and column. */
struct pb_mark {
	unsigned line, column;
};

/* The values one parameter takes: one, or several (a matrix axis). */
struct pb_axis {
	size_t n;
	struct pb_value *values;
	struct pb_mark mark;
};

/* A strategy of an experiment, with one axis per parameter, table order. */
struct pb_strategy_use {
	const struct pb_plugin *plugin;
	struct pb_axis *params;
};

/* The order repetitions run in (key `order`). */
enum pb_order {
	PB_ORDER_INTERLEAVED, /* round by round, cells shuffled each round */
	PB_ORDER_SEQUENTIAL,  /* cell by cell, all repetitions of one first */
};

struct pb_experiment {
	const char *name;	 /* [A-Za-z0-9_.-]+, unique in the file */
	const char *description; /* "" when absent */
	const struct pb_plugin *workload;
	struct pb_axis *wparams; /* workload->nparams axes, table order */
	size_t nstrategies;
	struct pb_strategy_use *strategies; /* in the order written */
	size_t nworkers;
	unsigned *workers;	       /* as written, each 1..PB_MAX_WORKERS */
	unsigned repetitions;	       /* default 3, >= 1 */
	unsigned warmup;	       /* default 1, >= 0 */
	const char *baseline_strategy; /* PB_DEFAULT_BASELINE_STRATEGY */
	unsigned baseline_workers;     /* default 1 */
	double timeout_s;	       /* per cell; 0 = none (default) */
	uint64_t seed;		       /* default 1 */
	bool fit_oversubscribed;       /* default false */
	enum pb_order order;	       /* default interleaved */
	size_t naffinity;
	enum pb_affinity *affinity; /* an axis; default [none] */
	bool affinity_written;	    /* the key was written: param_affinity */
	size_t ncounters;
	const char *const *counters; /* event names; default none */
	double contention;     /* CPUs others may use unflagged; default 0.1 */
	bool repetitions_auto; /* `repetitions: auto` (run/auto_reps.h) */
	double precision;      /* auto: default 0.02 */
	unsigned max_repetitions; /* auto: default 30 */
	double max_time_s;	  /* auto: per cell; 0 (default) = none */
	double wait_idle_s;  /* wait for quiet before each repetition; 0 off */
	struct pb_mark mark; /* where the experiment starts */
	const char *dir;     /* the file's folder (absolute when resolvable):
			    relative paths in parameters start there */
};

/* A loaded file: its text, its experiments and the arena that owns both. */
struct pb_experiment_file {
	struct pb_arena arena;
	const char *path;
	const char *text; /* the file's bytes, NUL-terminated */
	size_t text_len;
	size_t n;
	struct pb_experiment *items;
};

/*
 * Reads and validates the experiment file at path against the plugins of
 * reg. On failure, err holds one message "path:line:column: what is wrong;
 * what was expected" and out holds nothing that needs freeing.
 */
int pb_experiment_load(const char *path, const struct pb_registry *reg,
		       struct pb_experiment_file *out, struct pb_err *err);

/* At most this many errors of one file are kept (in line order). */
#define PB_EXP_MAX_ERRORS 20

/* Every error found in an experiment file, in line order. */
struct pb_exp_errors {
	size_t n;     /* kept: the first PB_EXP_MAX_ERRORS in line order */
	size_t total; /* found */
	struct pb_exp_error {
		unsigned line, column; /* 0 when the file as a whole */
		struct pb_err err;     /* "path:line:column: what; expected" */
	} items[PB_EXP_MAX_ERRORS];
};

/*
 * pb_experiment_load, reporting every error it finds in one pass into
 * errs (in line order, at most PB_EXP_MAX_ERRORS; errs->total counts all)
 * instead of the first only. An error that would only follow from another
 * (a baseline when strategies failed) is not reported.
 */
int pb_experiment_load_all(const char *path, const struct pb_registry *reg,
			   struct pb_experiment_file *out,
			   struct pb_exp_errors *errs);

/*
 * The same from text in memory (len bytes, need not be NUL-terminated);
 * path only names the text in messages. The fuzzer's entry point.
 */
int pb_experiment_parse(const char *path, const char *text, size_t len,
			const struct pb_registry *reg,
			struct pb_experiment_file *out, struct pb_err *err);

/*
 * Makes the folder of file_path the experiments' dir (for a resumed run,
 * whose file is a copy in the results folder). Fails only out of memory.
 */
int pb_experiment_set_dir(struct pb_experiment_file *f, const char *file_path,
			  struct pb_err *err);

/* Frees everything the file owns. Safe on a zeroed or freed file. */
void pb_experiment_free(struct pb_experiment_file *f);

#endif
