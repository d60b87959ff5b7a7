/*
 * counters.h — kernel event counters (perf_event_open) over a repetition's
 * timed span.
 *
 * The counters are opened in the cell's process before its workers exist,
 * inherited by every thread and forked child made afterwards, enabled when
 * execute begins and disabled once reduce returns. An event the machine does
 * not have (hardware events on most VMs) is not an error: its value stays
 * unknown and the reason is kept for one warning.
 */
#ifndef PB_COUNTERS_H
#define PB_COUNTERS_H

#include <parabench/plugin.h>
#include <stdbool.h>
#include <stdint.h>

#define PB_MAX_COUNTERS 16

/* The opened counters of one repetition. */
struct pb_counters {
	unsigned n;
	const char *names[PB_MAX_COUNTERS]; /* borrowed from the caller */
	int fd[PB_MAX_COUNTERS];	    /* -1: unavailable */
	int open_errno[PB_MAX_COUNTERS];    /* why, when fd is -1 */
};

/* True when name is one of the events pb_counters_open knows. */
bool pb_counter_known(const char *name);

/* The known event names, comma-separated, for messages. */
const char *pb_counter_names(void);

/*
 * Opens one disabled, inherited counter per name for the calling process.
 * Never fails for an unavailable event (see open_errno); fails only for an
 * unknown name or more than PB_MAX_COUNTERS. Close with pb_counters_close.
 */
int pb_counters_open(struct pb_counters *c, const char *const *names,
		     unsigned n, struct pb_err *err);

/* Resets and enables every available counter: the timed span begins. */
void pb_counters_start(struct pb_counters *c);

/* Disables every available counter: the timed span ends. */
void pb_counters_stop(struct pb_counters *c);

/*
 * Reads counter i into *value (scaled when the kernel multiplexed it).
 * false when the counter is unavailable or cannot be read.
 */
bool pb_counters_read(const struct pb_counters *c, unsigned i, uint64_t *value);

/* Closes every counter; safe twice. */
void pb_counters_close(struct pb_counters *c);

/*
 * The column name of a counter in runs.csv: "counter_" and the event name
 * with '-' written as '_'. Fails when it does not fit in len.
 */
int pb_counter_column(const char *name, char *buf, size_t len,
		      struct pb_err *err);

#endif
