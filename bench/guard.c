/*
 * guard.c — the driver of bench/guard.sh: what the guard (core/run/guard.h)
 * adds to each isolated repetition.
 *
 *   guard PLUGIN_DIR TEST_PLUGIN_DIR
 *
 * One repetition of the `empty` test workload (1 task, serial, no
 * warm-up) in a cell process of its own, through pb_supervise_cell as the
 * runner makes it (no cgroup, so that only the guard differs), timed with
 * and without a guard running. The two alternate in short blocks, so
 * that both meet the same background load; each guarded block starts a
 * guard (and waits until it has detached) and the first repetitions of
 * every block are left out: right after the guard's fork the runner's
 * memory is shared with it (copy on write), which slows the next few
 * repetitions, and a guard that runs for the whole run pays that once.
 * Beside them,
 * in the same loop: fork + waitpid of a child that exits at once, the
 * cost of a process here.
 *
 * Prints one TSV line per figure (see bench/run.sh): the guarded
 * repetition against the unguarded one, and the difference of their
 * medians against fork + waitpid. Exits 1 with a message when a plugin
 * cannot be loaded or a repetition fails.
 */
#define _GNU_SOURCE /* program_invocation_short_name */
#include <errno.h>
#include <sched.h>
#include <sys/wait.h>

/* bench_job.h's job helpers are for the strategy drivers: unused here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "bench_job.h"
#pragma GCC diagnostic pop
#include "bench_util.h"
#include "run/guard.h"
#include "run/supervise.h"

#define BLOCKS 160
#define PER_BLOCK 10
#define SKIP 2

static int check_row(void *ctx, unsigned rep, const struct pb_measure *m,
		     struct pb_err *err)
{
	(void)ctx;
	(void)rep;
	(void)err;
	if (m->status != PB_STATUS_OK)
		die("a repetition failed: %s", m->message);
	return PB_OK;
}

/* Seconds of one isolated repetition of job. */
static double one_rep(const struct pb_cell_job *job)
{
	struct pb_err err = {{0}};
	double t = bench_now_s();

	if (pb_supervise_cell(job, &err))
		die("%s", err.msg);
	return bench_now_s() - t;
}

static double one_fork(void)
{
	double t = bench_now_s();
	pid_t pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(0);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return bench_now_s() - t;
}

/* Waits until the guard has named itself: done detaching, idle. */
static void wait_detached(pid_t guard)
{
	char path[64], comm[32];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)guard);
	for (int tries = 0; tries < 100000; tries++) {
		FILE *f = fopen(path, "r");
		bool named = f && fgets(comm, sizeof(comm), f) &&
			     strcmp(comm, "parabench-guard\n") == 0;
		if (f)
			fclose(f);
		if (named)
			return;
		sched_yield();
	}
	die("the guard never detached");
}

static void figure(const char *name, double value, const char *ref,
		   double ref_value, const char *note)
{
	printf("%s\t%.2f\tus\t%s\t%.2f\t%s\tlower\n", name, value * 1e6, ref,
	       ref_value * 1e6, note);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static double on[BLOCKS * PER_BLOCK], off[BLOCKS * PER_BLOCK],
	    forks[BLOCKS * PER_BLOCK];
	static const unsigned reps[] = {1};
	size_t non = 0, noff = 0, nforks = 0;
	struct pb_err err = {{0}};

	if (argc != 3)
		die("usage: guard PLUGIN_DIR TEST_PLUGIN_DIR");
	const struct pb_plugin *empty =
	    load(argv[2], "empty", PB_KIND_WORKLOAD, NULL);
	const struct pb_plugin *serial =
	    load(argv[1], "serial", PB_KIND_STRATEGY, NULL);
	struct pb_experiment exp = {.name = "guard", .seed = 1, .dir = "."};
	struct pb_cell cell = {
	    .id = 1,
	    .exp = &exp,
	    .spec = {.workload = empty,
		     .wargs = args_of(empty, "tasks=1"),
		     .strategy = serial,
		     .sargs = args_of(serial, NULL),
		     .workers = 1},
	};
	struct pb_cell_job job = {.cell = &cell,
				  .reps = reps,
				  .nreps = 1,
				  .isolate = true,
				  .on_measure = check_row};

	pb_supervise_init(false);
	one_rep(&job); /* warm-up: pages, caches */
	for (int b = 0; b < BLOCKS; b++) {
		bool guarded = b % 2;
		if (guarded && pb_guard_start(&err))
			die("%s", err.msg);
		if (guarded)
			wait_detached(pb_guard_pid());
		for (int k = 0; k < PER_BLOCK; k++) {
			double t = one_rep(&job);
			if (k >= SKIP && guarded)
				on[non++] = t;
			else if (k >= SKIP)
				off[noff++] = t;
			forks[nforks++] = one_fork();
		}
		pb_guard_stop();
	}
	double m_on = bench_median(on, non), m_off = bench_median(off, noff);
	figure("isolated_rep_guarded", m_on, "isolated_rep_unguarded_us", m_off,
	       "<= 1.05x unguarded");
	figure("guard_added_per_rep", m_on - m_off, "raw_fork_waitpid_us",
	       bench_median(forks, nforks), "<= 0.1x raw fork");
	pb_registry_free(&reg);
	pb_arena_free(&arena);
	return 0;
}
