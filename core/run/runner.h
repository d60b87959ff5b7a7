/*
 * runner.h — running every cell of an experiment file, writing runs.csv.
 *
 * The experiments of a file run one after another, each in its `order`:
 *
 *   interleaved (the default): in rounds. Round r measures repetition r of
 *     every cell of the experiment that lacks it, and the machine's
 *     capacity (probe.h), in an order shuffled from the experiment's seed
 *     and r (schedule.h: cells 0..n-1, the probe n), so that a burst of
 *     outside load or a slow drift spreads over every cell instead of
 *     landing on one. Each repetition runs in a process of its own (setup,
 *     timed part, verify, teardown); a cell's warm-ups run in the same
 *     process right before its first measured repetition.
 *   sequential: cell by cell, all the missing repetitions of a cell in one
 *     process, its warm-ups first; the capacity probe before each cell.
 *
 * Missing repetitions are all of them, unless a resumed run already has
 * some. Each outcome is appended to runs.csv at once. A cell that fails,
 * crashes or hangs is recorded and the run goes on. Only an output error
 * stops the run.
 */
#ifndef PB_RUNNER_H
#define PB_RUNNER_H

#include "experiment/cells.h"
#include "probe.h"
#include "results/runs_csv.h"

enum pb_run_event_kind {
	PB_EV_CELL_START, /* sequential order: a cell begins */
	PB_EV_REP_DONE,
	PB_EV_CELL_DONE,
	PB_EV_ROUND_START, /* interleaved order: a round begins */
	PB_EV_ROUND_DONE,
	PB_EV_WAITING, /* --wait-idle: the machine is busy, waiting */
};

/* What the runner tells its caller (the CLI draws progress from it). */
struct pb_run_event {
	enum pb_run_event_kind kind;
	const struct pb_cell *cell;
	size_t cell_index; /* 0-based position among cells */
	size_t ncells;
	unsigned rep;			  /* PB_EV_REP_DONE */
	const struct pb_measure *measure; /* PB_EV_REP_DONE */
	size_t reps_done, reps_total;	  /* over the whole run */
	unsigned round, nrounds;	  /* interleaved order: 1-based */
	double busy_cpus, wait_limit_s;	  /* PB_EV_WAITING */
};

struct pb_runner_opts {
	bool isolate;
	unsigned repetitions; /* 0: as each experiment says */
	bool auto_reps;	      /* --repetitions auto (run/auto_reps.h) */
	double wait_idle_s;   /* --wait-idle; 0: as each experiment says */
	/* Resume: true when runs.csv already holds that row. NULL: none. */
	bool (*have_row)(void *ctx, size_t cell_id, unsigned rep);
	void *have_ctx;
	void (*on_event)(void *ctx, const struct pb_run_event *ev);
	void *event_ctx;
	/* capacity.csv; NULL: no capacity probe. */
	struct pb_capacity_csv *capacity;
	/*
	 * Seconds since the run began (meta.json's started_utc), from which
	 * started_s counts: a resumed run's rows go on from where the first
	 * invocation's left off. 0: it begins now.
	 */
	double started_ago_s;
};

struct pb_runner_totals {
	size_t rows, ok, not_ok;
	size_t contended;      /* rows flagged contended */
	struct pb_probe probe; /* the capacity measured, per thread count */
	bool interrupted;
};

/* Runs the cells; fails only when runs.csv cannot be written. */
int pb_runner_run(const struct pb_cells *cells,
		  const struct pb_runner_opts *opts, struct pb_runs_csv *csv,
		  struct pb_runner_totals *totals, struct pb_err *err);

#endif
