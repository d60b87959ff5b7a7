/*
 * measure.h — what one repetition measured and how it ended: the fixed-size
 * plain struct an isolated cell process sends through a pipe as it is, and
 * from which runs.csv writes one row.
 */
#ifndef PB_MEASURE_H
#define PB_MEASURE_H

#include <parabench/plugin.h>

#include "experiment/cells.h"
#include "lib/counters.h"
#include "plugin/registry.h"

/* The measurements and outcome of one repetition. */
struct pb_measure {
	enum pb_status status;
	double wall_s, user_s, sys_s;
	long max_rss_kb, vol_ctx, invol_ctx;
	size_t nmetrics; /* the workload's, then the strategy's */
	struct pb_metric_value metrics[2 * PB_MAX_METRICS];
	char message[PB_ERR_MAX];
	/* Kernel counters over the timed span, in the cell's order. */
	uint32_t ncounters;
	uint32_t counter_ok;		    /* bit k: counters[k] is known */
	uint64_t counters[PB_MAX_COUNTERS]; /* valid where counter_ok */
	int counter_errno[PB_MAX_COUNTERS]; /* why not, where not ok */
	/* The machine over the timed span (lib/machine.h); has_span is false
	 * when the timed part never ran (setup failed, the cell died). */
	bool has_span;
	double span_start;  /* CLOCK_MONOTONIC seconds when it began */
	double other_cpu_s; /* other processes' CPU seconds; NaN: unknown */
	double steal_s;	    /* NaN: unknown */
	/* Filled by the runner before the row is written. */
	double started_s; /* span_start, in seconds since the run began */
	bool contended;	  /* others took more than `contention` CPUs */
	const char *stop; /* repetitions: auto: why the cell stopped, or "" */
};

/*
 * Zeroes m and readies its metric slots for spec: the workload's, then the
 * strategy's, every value NaN (not measured).
 */
void pb_measure_init(struct pb_measure *m, const struct pb_cell_spec *spec);

/* The word written to runs.csv for a status: ok, failed, crashed, ... */
const char *pb_status_name(enum pb_status status);

#endif
