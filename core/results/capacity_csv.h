/*
 * capacity_csv.h — the writer of capacity.csv: one row per thread count
 * of each capacity probe (run/capacity.h), appended and flushed as it is
 * measured. Columns: experiment, round, cell, started_s, threads, wall_s,
 * speedup (threads * wall at 1 thread / wall at this count: what the
 * machine gave, threads when it gave all), other_cpu_s, contended.
 * docs/results.md describes it.
 */
#ifndef PB_CAPACITY_CSV_H
#define PB_CAPACITY_CSV_H

#include <parabench/plugin.h>
#include <stdbool.h>

struct pb_capacity_csv {
	int fd;
	char path[4096];
};

/* One row of capacity.csv. */
struct pb_capacity_row {
	const char *experiment;
	unsigned round;
	long cell; /* the cell it ran before (sequential order); -1: none */
	double started_s, wall_s, speedup;
	unsigned threads;
	double other_cpu_s; /* over the whole probe; NaN: unknown */
	bool contended;
};

/*
 * Opens (creates, with its header) path. An existing file is appended to
 * when its header is this version's, and refused otherwise (a resume of a
 * run made by another version).
 */
int pb_capacity_csv_open(struct pb_capacity_csv *w, const char *path,
			 struct pb_err *err);

/*
 * Checks that the file at path, when there is one with anything in it,
 * has this version's header (what pb_capacity_csv_open would append to).
 */
int pb_capacity_csv_check(const char *path, struct pb_err *err);

/* Appends one row. */
int pb_capacity_csv_write(struct pb_capacity_csv *w,
			  const struct pb_capacity_row *row,
			  struct pb_err *err);

/* Closes the file. Safe on a closed or zeroed writer with fd -1. */
int pb_capacity_csv_close(struct pb_capacity_csv *w, struct pb_err *err);

#endif
