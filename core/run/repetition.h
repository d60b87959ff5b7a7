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

#include "experiment/cells.h"
#include "results/measure.h"

/*
 * Runs one repetition of spec and fills m; never fails as a call: every
 * problem is recorded in m->status and m->message ("setup: ...").
 */
void pb_repetition_run(const struct pb_cell_spec *spec, struct pb_host *host,
		       struct pb_measure *m);

#endif
