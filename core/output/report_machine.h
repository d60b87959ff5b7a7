/*
 * report_machine.h — the section of report.md on the machine during the
 * run (report_machine.c).
 */
#ifndef PB_REPORT_MACHINE_H
#define PB_REPORT_MACHINE_H

#include "report_state.h"

/*
 * Appends the section on the machine during the run (contended rows) to
 * r->out, and the warnings it raises to r->warn.
 */
void pb_report_machine(struct report *r);

#endif
