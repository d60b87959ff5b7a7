/*
 * pbt_leftovers.h — what a run may leave behind in the test's process:
 * open descriptors, child processes, /dev/shm entries and shared mappings.
 * A snapshot before a run and pbt_assert_no_leftovers after it check that
 * a strategy cleaned up, whatever happened to the run.
 */
#ifndef PBT_LEFTOVERS_H
#define PBT_LEFTOVERS_H

#include <stddef.h>

#include "run/repetition.h"

#define PBT_MAX_SHM 256

/* What a run could leave behind, counted at one moment (about 64 KiB). */
struct pbt_snapshot {
	int fds;	 /* open descriptors */
	int shared_maps; /* mappings of /dev/zero (shared anonymous) or /dev/shm */
	size_t nshm;	 /* entries of /dev/shm, Criterion's own left out */
	char shm[PBT_MAX_SHM][256];
};

/* Fills s with what this process holds now; fails the test on error. */
void pbt_snapshot(struct pbt_snapshot *s);

/*
 * Asserts that nothing was added since before: the same descriptor and
 * shared-mapping counts, no child process, no new /dev/shm entry. what
 * (e.g. the run's parameters) starts every failure message.
 */
void pbt_assert_no_leftovers(const struct pbt_snapshot *before,
			     const char *what);

/*
 * pbt_run (see pbtest.h), then pbt_assert_no_leftovers against a snapshot
 * taken just before the run, after both plugins were loaded.
 */
void pbt_run_clean(const char *workload, const char *wparams,
		   const char *strategy, const char *sparams, unsigned workers,
		   struct pb_measure *m);

/*
 * Runs the empty workload (10 tasks, 4 workers) under strategy, a process
 * strategy, while a fully buffered stdio stream of the test holds unwritten
 * data, and asserts that the data reaches its file once: the children must
 * end with _exit and leave the parent's buffers alone. Uses pbt_run_clean.
 */
void pbt_assert_children_keep_stdio(const char *strategy);

#endif
