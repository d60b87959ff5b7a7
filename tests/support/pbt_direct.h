/*
 * pbt_direct.h — a workload driven by calling its hooks directly, in the
 * test's own thread, as a strategy would: for tests that change parameter
 * values behind the host's back, corrupt results before verify, or look
 * at what setup made before teardown.
 *
 *   struct pbt_direct d;
 *   pbt_direct_run_all(&d, "primes", "limit=1e5; tasks=4");
 *   ((struct result *)d.results)[1].count++;
 *   pbt_direct_expect_wrong(&d, "count");
 *   pbt_direct_teardown(&d);
 */
#ifndef PBT_DIRECT_H
#define PBT_DIRECT_H

#include <limits.h>
#include <parabench/plugin.h>

#include "lib/arena.h"
#include "plugin/registry.h"

/* One workload's args, state and results; fields are the test's to read. */
struct pbt_direct {
	const struct pb_plugin *p;
	const struct pb_workload_hooks *h;
	struct pb_arena arena; /* owns args */
	struct pb_args args;   /* may be changed (pbt_value) before setup */
	struct pb_host host;   /* seed 1, 2 cores; own_path fills owned */
	char owned[PATH_MAX];  /* the last path setup gave own_path, or "" */
	void *state;	       /* setup's state */
	void *results;	       /* ntasks * result_size bytes, zeroed by setup */
	size_t ntasks;
	struct pb_metric_value m[PB_MAX_METRICS]; /* filled by reduce */
	struct pb_err err;			  /* the last hook's message */
	bool set_up; /* setup succeeded: teardown is due */
};

/*
 * Makes d ready for setup: workload's plugin, args from its defaults and
 * params (as pbt_args reads them), a host. Fails the test on a missing
 * plugin or a bad parameter. Free with pbt_direct_teardown.
 */
void pbt_direct_init(struct pbt_direct *d, const char *workload,
		     const char *params);

/*
 * Calls setup with d's args; on success allocates d->results (zeroed) and
 * sets d->set_up. Returns setup's code; its message is in d->err.
 */
int pbt_direct_setup(struct pbt_direct *d);

/* pbt_direct_init, then pbt_direct_setup, failing the test unless ok. */
void pbt_direct_start(struct pbt_direct *d, const char *workload,
		      const char *params);

/*
 * Calls setup with d's args and asserts that it fails with a message that
 * holds want (kept in d->err). d stays ready for another try.
 */
void pbt_direct_expect_setup_error(struct pbt_direct *d, const char *want);

/*
 * Runs every task in order on one worker (worker_init, run_task...,
 * worker_fini: the optional hooks when present, worker_fini only after a
 * successful worker_init), then reduce with the
 * metrics initialised as the host does (NaN, ""). Returns the first
 * failing hook's code, with its message in d->err.
 */
int pbt_direct_run(struct pbt_direct *d);

/* pbt_direct_start, then pbt_direct_run, failing the test unless ok. */
void pbt_direct_run_all(struct pbt_direct *d, const char *workload,
			const char *params);

/* Calls verify on d's results and metrics; its code (d->err says why). */
int pbt_direct_verify(struct pbt_direct *d);

/*
 * Asserts that verify rejects d's results and metrics (as the test changed
 * them) with a message that holds want.
 */
void pbt_direct_expect_wrong(struct pbt_direct *d, const char *want);

/* Calls teardown if setup succeeded, then frees results and args. */
void pbt_direct_teardown(struct pbt_direct *d);

#endif
