/*
 * pbtest.h — helpers for the Criterion tests: the plugins of this build,
 * their args, one-call repetitions of a workload under a strategy in this
 * process, runs of the parabench binary, and small process checks.
 *
 * Tests find the build through PB_BUILD (set by `make test`); the plugins
 * come from $PB_BUILD/plugins and $PB_BUILD/test-plugins. Every helper
 * fails the running test (a Criterion assertion) rather than return an
 * error. More helpers, by topic, beside this file:
 *   pbt_direct.h     calling a workload's hooks directly (setup, tasks,
 *                    reduce, verify) to test what a host would refuse
 *   pbt_leftovers.h  what a run leaves behind: descriptors, children,
 *                    /dev/shm entries, shared mappings
 *   pbt_files.h      source-tree paths, scratch folders filled from
 *                    tests/data, whole-file reads and writes
 */
#ifndef PB_TEST_H
#define PB_TEST_H

#include <parabench/plugin.h>

#include "lib/arena.h"
#include "plugin/registry.h"
#include "run/repetition.h"

/* The build folder (PB_BUILD, default "build"). */
const char *pbt_build(void);

/* The registry of every plugin of this build, test plugins included. */
const struct pb_registry *pbt_registry(void);

/* The plugin of that kind and name; fails the test when it is missing. */
const struct pb_plugin *pbt_plugin(enum pb_kind kind, const char *name);

/*
 * Builds complete args for plugin p: defaults, overridden by params, a
 * ';'-separated list of name=value ("samples=1e6; numbers=[1e6, 2e6]").
 * A list is [a, b, ...]. A value, or a list element, in double quotes is
 * taken as it stands, ';' ',' '[' ']' and spaces included, with \" for a
 * quote and \\ for a backslash: url="http://h/a;b", urls=["a,b", c].
 * Spaces around unquoted text are dropped. Fails the test on a bad name,
 * value or quote. Memory is owned by arena.
 */
struct pb_args pbt_args(const struct pb_plugin *p, const char *params,
			struct pb_arena *arena);

/*
 * The writable value of parameter name in args, for setting values a host
 * would refuse (tasks=0) before calling setup directly. Points into args'
 * arena. Fails the test when there is no such parameter.
 */
struct pb_value *pbt_value(struct pb_args *args, const char *name);

/*
 * Runs one repetition of workload (with wparams) under strategy (with
 * sparams) on workers workers, as the runner does, and fills m.
 */
void pbt_run(const char *workload, const char *wparams, const char *strategy,
	     const char *sparams, unsigned workers, struct pb_measure *m);

/*
 * pbt_run, failing the test unless the repetition ended `ok`; the message
 * names the workload, strategy, parameters and workers.
 */
void pbt_run_ok(const char *workload, const char *wparams, const char *strategy,
		const char *sparams, unsigned workers, struct pb_measure *m);

/* True when this build has a strategy plugin of that name. */
bool pbt_have_strategy(const char *name);

/*
 * Why the mpi strategy cannot run in this build's tests, or NULL when it
 * can: not built (no Open MPI headers, or MPI=0), or a sanitizer build
 * (Open MPI's libraries are not instrumented and trip the sanitizers).
 */
const char *pbt_mpi_skip_reason(void);

/* The value of metric name in m (a measure of workload); fails if absent. */
double pbt_metric(const char *workload, const struct pb_measure *m,
		  const char *name);

/* The text of a list-valued metric (empty when the value is numeric). */
const char *pbt_metric_text(const char *workload, const struct pb_measure *m,
			    const char *name);

/* Paths that setup registered with host->own_path during the last pbt_run. */
size_t pbt_owned_paths(const char ***paths);

/*
 * Asserts that m ended `crashed` with a message holding both a and b
 * (e.g. "SIGSEGV" and "task 3"); the failure shows the status and message.
 */
void pbt_assert_crashed(const struct pb_measure *m, const char *a,
			const char *b);

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

/*
 * A new private folder under /tmp, in a static buffer that the next call
 * overwrites; the caller removes the folder (pb_remove_tree).
 */
char *pbt_tmpdir(void);

/* Number of open file descriptors of this process. */
int pbt_count_fds(void);

/* Number of threads of this process. */
int pbt_count_threads(void);

/*
 * Asserts that this process has no child left, running or a zombie:
 * waitpid must fail with ECHILD. what (e.g. the run) starts the message.
 */
void pbt_assert_no_child(const char *what);

#endif
