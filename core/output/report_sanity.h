/*
 * report_sanity.h — warnings on figures that cannot be right as they
 * stand (report_sanity.c), for the Warnings section of report.md and so
 * for the end of the terminal output of `run`.
 */
#ifndef PB_REPORT_SANITY_H
#define PB_REPORT_SANITY_H

#include "report_state.h"

/*
 * Appends to r->warn, naming the cells and the likely cause: a speed-up
 * above the worker count or the core count; the control (a strategy that
 * ignores workers) varying across worker counts beyond its intervals; a
 * fitted serial fraction outside [0, 1].
 */
void pb_report_sanity(struct report *r);

#endif
