/*
 * failures.h — the cells of a results folder that had rows not ok, with
 * why: read straight from runs.csv, so the report and the end of `run`
 * can say what went wrong without sending anyone to the message column.
 */
#ifndef PB_FAILURES_H
#define PB_FAILURES_H

#include <parabench/plugin.h>

#include "lib/arena.h"

/* One distinct message (its first line) and how many rows gave it. */
struct pb_failure_msg {
	const char *text;
	size_t count;
};

/* One cell with rows not ok. */
struct pb_failure {
	const char *experiment, *strategy;
	long cell;
	unsigned workers;
	size_t failed, crashed, timeout, wrong; /* rows per status */
	size_t nmsgs;
	struct pb_failure_msg *msgs; /* most frequent first */
};

/* The cells with rows not ok, sorted by experiment, then cell number. */
struct pb_failures {
	size_t n;
	struct pb_failure *cells;
	struct pb_arena arena; /* owns everything above */
};

/*
 * Reads dir/runs.csv (a row cut short at its end ignored) into out.
 * Fails naming the file when it cannot be read or lacks a column it
 * needs. Free with pb_failures_free; on failure out holds nothing.
 */
int pb_failures_read(const char *dir, struct pb_failures *out,
		     struct pb_err *err);

/* The failures of cell number cell of experiment, or NULL (binary search). */
const struct pb_failure *pb_failures_find(const struct pb_failures *f,
					  const char *experiment, long cell);

/* Frees the list. Safe on a zeroed or freed one. */
void pb_failures_free(struct pb_failures *f);

#endif
