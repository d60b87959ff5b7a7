/*
 * report_groups.h — the Results section of report.md, one part per group
 * (report_groups.c).
 */
#ifndef PB_REPORT_GROUPS_H
#define PB_REPORT_GROUPS_H

#include "report_state.h"

/*
 * Appends the Results section to r->out, a part per group (table, fits,
 * charts found in r->dir/charts), and the groups' warnings to r->warn.
 * Out of memory shows as r->out.oom or r->warn.oom.
 */
void pb_report_groups(struct report *r);

#endif
