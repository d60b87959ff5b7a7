/*
 * pbtest.h — helpers for the Criterion tests: the plugins of this build and
 * one-call repetitions of a workload under a strategy, in this process.
 *
 * Tests find the build through PB_BUILD (set by `make test`); the plugins
 * come from $PB_BUILD/plugins and $PB_BUILD/test-plugins.
 */
#ifndef PB_TEST_H
#define PB_TEST_H

#include <parabench/plugin.h>

#include "arena.h"
#include "registry.h"
#include "repetition.h"

/* The build folder (PB_BUILD, default "build"). */
const char *pbt_build(void);

/* The registry of every plugin of this build, test plugins included. */
const struct pb_registry *pbt_registry(void);

/* The plugin of that kind and name; fails the test when it is missing. */
const struct pb_plugin *pbt_plugin(enum pb_kind kind, const char *name);

/*
 * Builds complete args for plugin p: defaults, overridden by params, a
 * ';'-separated list of name=value ("samples=1e6; numbers=[1e6, 2e6]").
 * Fails the test on a bad name or value. Memory is owned by arena.
 */
struct pb_args pbt_args(const struct pb_plugin *p, const char *params,
			struct pb_arena *arena);

/*
 * Runs one repetition of workload (with wparams) under strategy (with
 * sparams) on workers workers, as the runner does, and fills m.
 */
void pbt_run(const char *workload, const char *wparams, const char *strategy,
	     const char *sparams, unsigned workers, struct pb_measure *m);

/* The value of metric name in m (a measure of workload); fails if absent. */
double pbt_metric(const char *workload, const struct pb_measure *m,
		  const char *name);

/* The text of a list-valued metric (empty when the value is numeric). */
const char *pbt_metric_text(const char *workload, const struct pb_measure *m,
			    const char *name);

/* Paths that setup registered with host->own_path during the last pbt_run. */
size_t pbt_owned_paths(const char ***paths);

/* What one run of a program gave. */
struct pbt_proc {
	int status;	 /* exit status, or 128 + signal */
	char *out, *err; /* everything it printed; free with pbt_proc_free */
};

/*
 * Runs $PB_BUILD/parabench with argv (NULL-terminated, without the program
 * name) in the current directory, with no standard input, and waits.
 */
void pbt_parabench(struct pbt_proc *p, const char *const *argv);

/* Frees what pbt_parabench captured. */
void pbt_proc_free(struct pbt_proc *p);

/* Writes text to path (a test fixture); fails the test on error. */
void pbt_write(const char *path, const char *text);

/* A new private folder under /tmp; the caller removes it (pb_remove_tree). */
char *pbt_tmpdir(void);

/* Number of open file descriptors of this process. */
int pbt_count_fds(void);

#endif
