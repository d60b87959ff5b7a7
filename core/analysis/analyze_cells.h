/*
 * analyze_cells.h — runs.csv rows into cells, groups and series, with
 * their statistics and speed-ups (analyze_cells.c).
 */
#ifndef PB_ANALYZE_CELLS_H
#define PB_ANALYZE_CELLS_H

#include "analyze_state.h"

/*
 * Sorts the rows of runs.csv into cells (a->order, a->cells) and computes
 * each cell's statistics over its ok rows. Fails on an unknown experiment,
 * a bad cell number, repetition, status, worker count or wall time, a cell
 * whose rows disagree on strategy or workers, or two rows of one
 * repetition of a cell (naming both lines).
 */
int pb_an_build_cells(struct analysis *a, struct pb_err *err);

/*
 * Finds the groups and series of the cells, labels the series, finds each
 * group's baseline and fills the cells' speed-up columns. Fails only when
 * out of memory.
 */
int pb_an_structure(struct analysis *a, struct pb_err *err);

#endif
