/*
 * supervise.h — running the repetitions of one cell, isolated or not.
 *
 * Isolated (the default), the cell runs in a forked process of its own, in
 * a session (so a process group) of its own: setup, warm-ups, measured
 * repetitions and
 * teardown all happen there, so timing is unchanged by isolation. Each
 * measurement comes back through a pipe. The runner enforces the timeout of
 * each repetition by killing the cell's whole process group, and turns a
 * death or a timeout into rows, keeping every row already measured. Paths
 * the workload registered with own_path are removed if the cell dies.
 * The cell process dies with the runner; what the plugins leave behind is
 * killed (see pb_supervise_init), and, when a guard runs (guard.h), even
 * when the runner is killed.
 */
#ifndef PB_SUPERVISE_H
#define PB_SUPERVISE_H

#include <signal.h>

#include "experiment/cells.h"
#include "results/measure.h"

/*
 * Set by the CLI's SIGINT/SIGTERM handler: 1 = stop after the repetition
 * in progress, 2 or more = stop now.
 */
extern volatile sig_atomic_t pb_interrupted;

struct pb_cell_job {
	const struct pb_cell *cell;
	const unsigned *reps; /* repetition numbers to measure, ascending */
	size_t nreps;
	unsigned warmup;
	double timeout_s; /* per repetition, warm-ups included; 0 = none */
	bool isolate;
	/* Receives each outcome, in order; a non-zero return stops the cell
	 * and is returned (with err filled) from pb_cell_exec. */
	int (*on_measure)(void *ctx, unsigned rep, const struct pb_measure *m,
			  struct pb_err *err);
	void *ctx;
};

/*
 * Runs job; calls on_measure once for each repetition that was measured,
 * crashed or timed out. Repetitions skipped because of an interruption get
 * no call. Fails only when on_measure fails or no process could be made.
 */
int pb_supervise_cell(const struct pb_cell_job *job, struct pb_err *err);

/*
 * Makes the calling process the reaper of orphaned descendants, so that
 * the processes of a killed cell, and any a plugin left behind (a daemon),
 * are killed and reaped by the runner after each repetition and cell:
 * from then on, every child of the caller but a cell process is taken for
 * a left-behind orphan. With cgroups, each cell process runs in a cgroup
 * v2 of its own where one can be made (cellgroup.h). Call once.
 */
void pb_supervise_init(bool cgroups);

/* Removes path recursively without following links; for own_path. */
int pb_remove_tree(const char *path);

#endif
