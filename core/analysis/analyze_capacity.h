/*
 * analyze_capacity.h — each cell's speed-up against the capacity the
 * machine gave (capacity.csv, written by the run's probe): the cell's
 * speed-up divided by the median speed-up the probe measured at the
 * cell's worker count (at most the largest count it probed: the CPUs
 * online) in the rounds the cell's kept rows ran in.
 */
#ifndef PB_ANALYZE_CAPACITY_H
#define PB_ANALYZE_CAPACITY_H

#include "analyze_state.h"

/*
 * Reads a->dir/capacity.csv, when there is one, and fills each cell's
 * vs_capacity (NaN where there is no speed-up or no probe at its worker
 * count; a cell of 1 worker divides by 1). Fails on a malformed file,
 * naming its line.
 */
int pb_an_capacity(struct analysis *a, struct pb_err *err);

#endif
