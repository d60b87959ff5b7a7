/*
 * analyze_int.h — what the files of the analysis share.
 *
 * Internal to core/analyze*.c; the public interface is analyze.h (which
 * also says the words and the columns). analyze.c runs the analysis:
 * analyze_load.c reads runs.csv and experiments.csv, analyze_cells.c
 * sorts the rows into cells, groups and series, analyze_summary.c and
 * analyze_fits.c format summary.csv and fits.csv. analyze_view.c reads
 * both back for plot and report.
 *
 * Everything the analysis allocates lives in its arena (struct
 * analysis), freed by pb_analyze_dir. Functions that can fail return
 * PB_OK, or PB_ERROR with err filled with a message naming the file and
 * line.
 */
#ifndef PB_ANALYZE_INT_H
#define PB_ANALYZE_INT_H

#include "analyze.h"
#include "fit.h"
#include "lib/textbuf.h"
#include "stats.h"

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
	double *wall; /* counts[ST_OK] ok wall times */
	bool has_stats;
	struct pb_stats st;
	size_t group, series;
	double speedup, sp_lo, sp_hi, eff, kf;
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
	long c_exp, c_cell, c_workload, c_strategy, c_workers, c_status, c_wall;
	size_t nparams, nmetrics;
	size_t *params, *metrics; /* runs.csv columns */
	size_t nexps;
	struct exp_info *exp;
	size_t *order;	       /* runs.csv rows, sorted */
	unsigned char *status; /* per position of order */
	double *walls;	       /* ok wall times, cell after cell */
	double *fit_p, *fit_t; /* scratch of fit_series, ncells each */
	size_t ncells, ngroups, nseries;
	struct cell *cells;
	struct group *groups;
	struct series *series;
	unsigned meta_cores;
};

/* ---- analyze.c: allocation, fields, formatting --------------------------- */

/* n (at least 1) objects of size bytes from a's arena; NULL if no memory. */
void *pb_an_alloc(struct analysis *a, size_t n, size_t size);

/* The field of runs.csv at row, col (a column found by runs_columns). */
const char *pb_an_field(const struct analysis *a, size_t row, long col);

/* Appends ",value" with digits significant digits, or "," when v is NaN. */
void pb_an_num(struct pb_buf *b, double v, int digits);

/* Writes v in the fewest digits (15 to 17) that read back exactly. */
void pb_an_shortest(double v, char *t, size_t len);

/* Appends "," and s as a CSV field (quoted when it needs to be). */
void pb_an_text(struct pb_buf *b, const char *s);

/* ---- analyze_load.c ------------------------------------------------------ */

/* True when s is a whole integer field in [lo, hi]; then *out is it. */
bool pb_an_parse_uint(const char *s, unsigned long lo, unsigned long hi,
		      unsigned long *out);

/* The core count dir/meta.json gives, or 0: only a fallback, never fatal. */
unsigned pb_an_meta_cores(const char *dir);

/*
 * The text of key in dir/meta.json, a copy in arena, or "" when there is
 * no such file or key (NULL only when out of memory).
 */
const char *pb_an_meta_text(const char *dir, const char *key,
			    struct pb_arena *arena);

/*
 * Reads a->dir's runs.csv (a cut-short last row dropped), experiments.csv
 * and meta.json's core count into a, resolving the columns. Fails naming
 * the file, line and what was expected.
 */
int pb_an_load_inputs(struct analysis *a, struct pb_err *err);

/* ---- analyze_cells.c ----------------------------------------------------- */

/*
 * Sorts the rows of runs.csv into cells (a->order, a->cells) and computes
 * each cell's statistics over its ok rows. Fails on an unknown experiment,
 * a bad cell number, status, worker count or wall time, or a cell whose
 * rows disagree on strategy or workers.
 */
int pb_an_build_cells(struct analysis *a, struct pb_err *err);

/*
 * Finds the groups and series of the cells, labels the series, finds each
 * group's baseline and fills the cells' speed-up columns. Fails only when
 * out of memory.
 */
int pb_an_structure(struct analysis *a, struct pb_err *err);

/* ---- analyze_fits.c ------------------------------------------------------ */

/* Fits series s (its fit, fitted and note); uses a->fit_p and a->fit_t. */
void pb_an_fit_series(struct analysis *a, size_t s);

/*
 * Appends fits.csv, header and one row per series, to b; role is scratch
 * of a->runs.ncols bytes. Out of memory shows as b->oom.
 */
void pb_an_fits_csv(const struct analysis *a, unsigned char *role,
		    struct pb_buf *b);

/* ---- analyze_summary.c --------------------------------------------------- */

/*
 * Appends summary.csv, header and one row per cell, to b; uses a->fit_p
 * as scratch. Out of memory shows as b->oom.
 */
void pb_an_summary_csv(struct analysis *a, struct pb_buf *b);

#endif
