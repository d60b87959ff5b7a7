/*
 * runs_csv.h — the writer of runs.csv: one row per measured repetition,
 * appended whole and flushed to the kernel as soon as it is measured.
 * The columns are described in docs/results.md.
 */
#ifndef PB_RUNS_CSV_H
#define PB_RUNS_CSV_H

#include "experiment/cells.h"
#include "lib/arena.h"
#include "lib/textbuf.h"
#include "measure.h"

struct pb_runs_csv {
	int fd;
	const char *path;
	size_t nparams, nmetrics;
	const char **params;  /* param_<name> columns, in order */
	const char **metrics; /* metric_<name> columns, in order */
	bool affinity;	      /* a param_affinity column */
	size_t ncounters;
	const char **counters; /* counter_<event> columns, in order */
	struct pb_arena arena; /* owns path and the column tables */
};

/*
 * Opens path for the cells' columns. A new file gets the header; with
 * append, an existing file is kept (its header must match, else an error
 * names the first differing column).
 */
int pb_runs_csv_open(struct pb_runs_csv *w, const char *path,
		     const struct pb_cells *cells, bool append,
		     struct pb_err *err);

/* Appends the header line runs.csv has for these cells to b. */
int pb_runs_csv_header(const struct pb_cells *cells, struct pb_buf *b,
		       struct pb_err *err);

/* Appends the row of repetition rep (1-based) of cell. */
int pb_runs_csv_write(struct pb_runs_csv *w, const struct pb_cell *cell,
		      unsigned rep, const struct pb_measure *m,
		      struct pb_err *err);

/* Closes the file (fsync first, so a finished run survives a crash). */
int pb_runs_csv_close(struct pb_runs_csv *w, struct pb_err *err);

#endif
