/*
 * report_counters.h — the kernel counters of a group's cells in report.md
 * (report_counters.c): one table when the experiment asked for counters.
 */
#ifndef PB_REPORT_COUNTERS_H
#define PB_REPORT_COUNTERS_H

#include "report_state.h"

/*
 * Appends to r->out a table of g's cells with the median of every counter
 * column that has a value (and IPC where cycles and instructions were
 * both counted), under the series (strategy and affinity) and workers;
 * with an `affinity` axis, its setting and the migrations come first.
 * Appends nothing when the group has no counted value.
 */
void pb_report_counters(struct report *r, const struct pb_view_group *g);

#endif
