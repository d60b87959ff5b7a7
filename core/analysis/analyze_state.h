/*
 * analyze_state.h — the state of one analysis (pb_analyze_dir): types only.
 *
 * The analysis is split by step, each file with a header of its own that
 * declares what it provides: analyze_load (read runs.csv, experiments.csv,
 * meta.json), analyze_cells (rows into cells, groups and series),
 * analyze_fits and analyze_summary (fits.csv, summary.csv), with the
 * small helpers they share in analyze_fields. analyze.c calls the steps in
 * order; no step calls back into it. analyze_view reads the results back
 * for plot and report (public interface: analyze.h).
 *
 * Everything the analysis allocates lives in its arena (struct
 * analysis), freed by pb_analyze_dir. Functions that can fail return
 * PB_OK, or PB_ERROR with err filled with a message naming the file and
 * line.
 */
#ifndef PB_ANALYZE_STATE_H
#define PB_ANALYZE_STATE_H

#include "analyze.h"
#include "fit.h"
#include "lib/arena.h"
#include "lib/csv_read.h"
#include "stats.h"

/*
 * Contended rows are left out of a cell's statistics when at least this
 * many clean ok rows remain; otherwise all ok rows are used, and said so.
 */
#define PB_MIN_CLEAN 3

/* The status of a runs.csv row (words in analyze_cells.c). */
enum { ST_OK, ST_FAILED, ST_CRASHED, ST_TIMEOUT, ST_WRONG, ST_N };

/* What experiments.csv says of one experiment, resolved to columns. */
struct exp_info {
	const char *name;
	size_t nw, ns;
	size_t *wcols, *scols; /* runs.csv columns of its params */
	const char *base_strategy;
	unsigned base_workers;
	bool fit_over;
	unsigned cores; /* 0: unknown */
};

/* One cell: its runs.csv rows and what is computed of them. */
struct cell {
	size_t exp;
	long id;
	unsigned workers;
	size_t row0;	     /* its first runs.csv row: the keys */
	size_t first, nrows; /* its slice of analysis.order */
	size_t counts[ST_N];
	double *wall;	     /* counts[ST_OK] ok wall times, clean ones first */
	size_t n_contended;  /* ok rows flagged contended */
	bool used_contended; /* fewer than PB_MIN_CLEAN clean: all used */
	bool has_stats;
	struct pb_stats st;
	size_t group, series;
	double speedup, sp_lo, sp_hi, eff, kf;
	double vs_capacity; /* speedup / the machine's capacity; NaN none */
	double capacity;    /* that capacity; NaN: no probe at its count */
	const char *capacity_basis; /* which probes gave it (static text) */
};

/* One group: cells of an experiment with equal workload params. */
struct group {
	size_t exp, cell0;
	long base; /* cell index of the baseline, or -1 */
	char *id;
};

/* One series: cells of a group with equal strategy and its params. */
struct series {
	size_t group, cell0;
	char *label;
	bool control; /* ignores workers (PB_CONTROL_STRATEGY): never fitted */
	size_t n_within; /* points fitted with workers <= cores */
	struct pb_fit fit;
	char fitted[256]; /* worker counts fitted, ';'-separated */
	char note[512];
};

/* The state of one pb_analyze_dir call. */
struct analysis {
	const char *dir;
	struct pb_csv runs, exps;
	struct pb_arena arena;
	long c_exp, c_cell, c_workload, c_strategy, c_workers, c_status, c_wall,
	    c_rep;
	long c_contended; /* -1: runs.csv predates the column */
	size_t nparams, nmetrics;
	size_t *params, *metrics; /* runs.csv columns (metrics: counters too) */
	long c_cycles, c_instructions; /* counter columns, or -1: no ipc */
	size_t nexps;
	struct exp_info *exp;
	size_t *order;	       /* runs.csv rows, sorted */
	unsigned char *status; /* per position of order */
	double *walls;	       /* ok wall times, cell after cell */
	double *fit_p, *fit_t; /* scratch of fit_series (ncells each) and of
				  metric medians (fit_p: a cell's rows) */
	size_t max_cell_rows;  /* rows of the largest cell */
	size_t ncells, ngroups, nseries;
	struct cell *cells;
	struct group *groups;
	struct series *series;
	unsigned meta_cores;
};

#endif
