/*
 * report.h — report.md: what a person reads after a run.
 *
 * Sections: the run (file, host, times, status), the environment table
 * from meta.json, the experiment as run (fenced YAML), then per group a
 * table of its cells (median, interval, speed-up with its interval,
 * efficiency, rows not ok, the median of each workload metric with its
 * unit), the cells with rows not ok and each distinct first line of
 * their messages with a count (from runs.csv), the Amdahl fits with a
 * one-line reading ("s = 0.21 ± 0.01 (95%: ...): at most 4.8× ..."), the
 * charts that exist in charts/ (relative PNG links), then the warnings
 * (outliers, cv > 0.1, rows not ok, medians under 1 ms, worker counts
 * above the cores, groups without a baseline, odd fits) and the methods.
 */
#ifndef PB_REPORT_H
#define PB_REPORT_H

#include <parabench/plugin.h>

/*
 * Writes dir/report.md atomically from meta.json, experiments.csv,
 * summary.csv, fits.csv (analysing runs.csv first when those two are
 * missing or stale) and the charts present. A missing meta.json is noted
 * in the report; a malformed one, or any other unreadable input, fails
 * naming the file.
 */
int pb_report_dir(const char *dir, struct pb_err *err);

#endif
