/*
 * cells.h — the matrix of an experiment file, expanded into cells.
 *
 * A cell is one combination of workload parameter values, strategy,
 * strategy parameter values, affinity and worker count. Order is stable: for each
 * experiment in file order; workload parameter combinations with the first
 * parameter of the table varying slowest, each axis in the order written;
 * then strategies in the order written; then each strategy's parameter
 * combinations (same rule); then affinity policies, then worker counts, in
 * the order written.
 * Serial, too, runs at every worker count: its flat line is the control.
 */
#ifndef PB_CELLS_H
#define PB_CELLS_H

#include "experiment.h"
#include "plugin/registry.h"

/* What one cell runs: a workload and a strategy with their arguments. */
struct pb_cell_spec {
	const struct pb_plugin *workload;
	struct pb_args wargs;
	const struct pb_plugin *strategy;
	struct pb_args sargs;
	unsigned workers;
	enum pb_affinity affinity;   /* where worker w runs */
	size_t ncounters;	     /* kernel counters over the timed span */
	const char *const *counters; /* event names, owned by the experiment */
};

struct pb_cell {
	size_t id; /* 1-based, across the whole file */
	const struct pb_experiment *exp;
	struct pb_cell_spec spec; /* args point into the cell list's arena */
};

struct pb_cells {
	struct pb_arena arena; /* owns the cells and their value arrays */
	size_t n;
	struct pb_cell *items;
};

/* The number of cells f expands to, without expanding (saturates). */
size_t pb_cells_count(const struct pb_experiment_file *f);

/*
 * Expands every experiment of f into out. Values are shared with f, which
 * must outlive out. Fails only when out of memory or when the count exceeds
 * PB_MAX_CELLS (the loader already refuses that, with a location).
 */
int pb_cells_expand(const struct pb_experiment_file *f, struct pb_cells *out,
		    struct pb_err *err);

/*
 * Calls the workload's check hook, where it has one, once for each
 * combination of workload parameter values of cells (expanded from f), in
 * this process. The first refusal fails, located where the parameter it
 * names is written: "path:line:column: what is wrong; what was expected".
 */
int pb_cells_check(const struct pb_experiment_file *f,
		   const struct pb_cells *cells, struct pb_err *err);

/* Frees the cells. Safe on a zeroed or freed list. */
void pb_cells_free(struct pb_cells *cells);

#endif
