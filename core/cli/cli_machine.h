/*
 * cli_machine.h — what `run` records of the machine in meta.json: load
 * averages at the start and the end, the CPU frequency governor, the
 * count of contended rows and the capacity the probe measured; and the
 * capacity.csv the probe writes.
 */
#ifndef PB_CLI_MACHINE_H
#define PB_CLI_MACHINE_H

#include <jansson.h>

#include "run/runner.h"

/*
 * A new object for pb_meta.extra: load_average_start and cpu_governor
 * (null where the machine does not say). NULL when out of memory.
 */
json_t *cli_machine_start(void);

/* Adds load_average_end, contended_rows and capacity from t to extra. */
void cli_machine_end(json_t *extra, const struct pb_runner_totals *t);

/* Opens dir/capacity.csv for the probe (appending on a resume). */
int cli_machine_open_capacity(const char *dir, struct pb_capacity_csv *csv,
			      struct pb_err *err);

/*
 * Prints the Warnings of dir/report.md (its "- " lines: the sanity
 * warnings of the analysis and the report) to stderr; nothing when there
 * are none or the report cannot be read.
 */
void cli_print_warnings(const char *dir);

#endif
