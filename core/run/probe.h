/*
 * probe.h — the capacity probe of a run: once per round (once per cell in
 * sequential order), what 1 thread and each worker count of the
 * experiment (at most the core count) achieve on this machine now,
 * written to capacity.csv and summed up for meta.json.
 */
#ifndef PB_PROBE_H
#define PB_PROBE_H

#include "experiment/experiment.h"
#include "results/capacity_csv.h"

#define PB_PROBE_MAX_COUNTS 32

/* The capacity measured at one thread count over the whole run. */
struct pb_probe_count {
	unsigned threads;
	size_t n;
	size_t n_contended;   /* probes while others used the CPUs */
	double sum, min, max; /* of the speed-ups */
};

/* The probe's state over a run. */
struct pb_probe {
	struct pb_capacity_csv *csv; /* NULL: no probe */
	double t0;		     /* CLOCK_MONOTONIC start of the run */
	double target_s;	     /* seconds one probe takes (0.05) */
	uint64_t iters;		     /* calibrated at the first probe */
	size_t ncounts;
	struct pb_probe_count counts[PB_PROBE_MAX_COUNTS];
};

/*
 * Runs the probe for experiment e in round: 1 thread, then every distinct
 * worker count of e from 2 up to the core count, and flags it contended
 * when other processes used more than e's `contention` CPUs meanwhile.
 * cell is the cell it runs before in sequential order (-1 in interleaved
 * order, where a round's probe serves every cell). A thread that cannot
 * be made skips that count; fails only when capacity.csv cannot be
 * written.
 */
int pb_probe_round(struct pb_probe *p, const struct pb_experiment *e,
		   unsigned round, long cell, struct pb_err *err);

#endif
