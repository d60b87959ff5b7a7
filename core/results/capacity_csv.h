/*
 * capacity_csv.h — the writer of capacity.csv: one row per thread count
 * of each capacity probe (run/capacity.h), appended and flushed as it is
 * measured. Columns: experiment, round, started_s, threads, wall_s,
 * speedup (threads * wall at 1 thread / wall at this count: what the
 * machine gave, threads when it gave all). docs/results.md describes it.
 */
#ifndef PB_CAPACITY_CSV_H
#define PB_CAPACITY_CSV_H

#include <parabench/plugin.h>

struct pb_capacity_csv {
	int fd;
	char path[4096];
};

/* Opens (creates, with its header) path; an existing file is appended. */
int pb_capacity_csv_open(struct pb_capacity_csv *w, const char *path,
			 struct pb_err *err);

/* Appends one row. */
int pb_capacity_csv_write(struct pb_capacity_csv *w, const char *experiment,
			  unsigned round, double started_s, unsigned threads,
			  double wall_s, double speedup, struct pb_err *err);

/* Closes the file. Safe on a closed or zeroed writer with fd -1. */
int pb_capacity_csv_close(struct pb_capacity_csv *w, struct pb_err *err);

#endif
