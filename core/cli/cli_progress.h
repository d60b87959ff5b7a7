/*
 * cli_progress.h — progress of a run on stderr: a redrawn bar on a
 * terminal, one plain line per cell (per round, interleaved) otherwise,
 * nothing with --quiet.
 */
#ifndef PB_CLI_PROGRESS_H
#define PB_CLI_PROGRESS_H

#include <stdio.h>

#include "run/runner.h"

enum cli_progress_mode { PROGRESS_QUIET, PROGRESS_LINES, PROGRESS_BAR };

struct cli_progress {
	enum cli_progress_mode mode;
	bool color; /* ANSI colours, unless NO_COLOR is set */
	FILE *out;
	double start; /* CLOCK_MONOTONIC seconds */
	size_t cell_ok, cell_bad;
	double cell_wall; /* summed wall of the cell's ok rows */
	size_t nwarned;
	const char *warned[PB_MAX_COUNTERS]; /* counters already warned of */
};

/* Chooses the mode from --quiet and whether stderr is a terminal. */
void cli_progress_init(struct cli_progress *p, bool quiet);

/* The runner's on_event callback; ctx is a struct cli_progress. */
void cli_progress_event(void *ctx, const struct pb_run_event *ev);

/* Ends the bar's line, if one is drawn. */
void cli_progress_finish(struct cli_progress *p);

#endif
