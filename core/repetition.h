/*
 * repetition.h — one measured repetition of one cell, in this process.
 *
 * setup (untimed) -> execute + reduce (timed: wall clock, CPU, RSS,
 * context switches) -> verify (untimed) -> teardown (always, once setup
 * succeeded). The outcome is a fixed-size plain struct so that an isolated
 * cell process can send it to the runner through a pipe as it is.
 */
#ifndef PB_REPETITION_H
#define PB_REPETITION_H

#include <parabench/plugin.h>

#include "registry.h"

/* What one cell runs: a workload and a strategy with their arguments. */
struct pb_cell_spec {
	const struct pb_plugin *workload;
	struct pb_args wargs;
	const struct pb_plugin *strategy;
	struct pb_args sargs;
	unsigned workers;
};

/* The measurements and outcome of one repetition. */
struct pb_measure {
	enum pb_status status;
	double wall_s, user_s, sys_s;
	long max_rss_kb, vol_ctx, invol_ctx;
	size_t nmetrics;
	struct pb_metric_value metrics[PB_MAX_METRICS];
	char message[PB_ERR_MAX];
};

/*
 * Runs one repetition of spec and fills m; never fails as a call: every
 * problem is recorded in m->status and m->message ("setup: ...").
 */
void pb_repetition_run(const struct pb_cell_spec *spec, struct pb_host *host,
		       struct pb_measure *m);

/* The word written to runs.csv for a status: ok, failed, crashed, ... */
const char *pb_status_name(enum pb_status status);

#endif
