/*
 * auto_reps.h — when `repetitions: auto` stops measuring a cell: after at
 * least PB_AUTO_MIN repetitions, once the 95% interval of the median (the
 * order-statistic interval of analysis/stats.h, which needs 6 runs) lies
 * within `precision` of the median on both sides, or after
 * max_repetitions, or once the cell's timed seconds reach max_time.
 */
#ifndef PB_AUTO_REPS_H
#define PB_AUTO_REPS_H

#include <stddef.h>

#define PB_AUTO_MIN 5

/* Why a cell stopped; PB_AUTO_GO_ON: it has not. */
enum pb_auto_stop {
	PB_AUTO_GO_ON,
	PB_AUTO_PRECISION,
	PB_AUTO_MAX_REPETITIONS,
	PB_AUTO_MAX_TIME,
};

/* The settings of one experiment. */
struct pb_auto_rule {
	double precision;	  /* relative half-width, e.g. 0.02 */
	unsigned max_repetitions; /* >= PB_AUTO_MIN */
	double max_time_s;	  /* 0: no bound */
};

/*
 * The decision after nrun repetitions (ok or not) of a cell whose clean
 * ok wall times are walls[0..n-1] (reordered in place) and whose timed
 * seconds add up to spent.
 */
enum pb_auto_stop pb_auto_decide(const struct pb_auto_rule *rule, double *walls,
				 size_t n, unsigned nrun, double spent);

/* "precision", "max_repetitions", "max_time", or "" to go on. */
const char *pb_auto_stop_name(enum pb_auto_stop stop);

#endif
