/*
 * mpi_overhead.c — the driver of bench/mpi_overhead.sh: what the mpi
 * strategy costs by itself next to fork, and how well pi scales to two
 * ranks.
 *
 *   mpi_overhead PLUGIN_DIR TEST_PLUGIN_DIR [PI_SAMPLES]
 *
 * Overhead: the median wall time of one execute call of mpi and of fork
 * running the `empty` test workload (1000 tasks that write one byte) at
 * 1, 2 and 4 workers, the two taken in turns so that both meet the same
 * background load; beside mpi's, the median of its `spawn` metric (until
 * every rank was ready). An execute of mpi is what every cell pays per
 * repetition: MPI's start in a process of its own, the spawn, the end.
 *
 * Speed-up: pi with PI_SAMPLES (default 4e9) samples, 64 tasks, timed
 * once under serial and once under mpi and fork with 2 workers (execute +
 * reduce, as the runner times it), beside the ceiling measured just
 * before: pi's kernel on two bare threads against one (what the machine's
 * two CPUs give at the moment; a busy shared machine gives less).
 *
 * Prints one TSV line per figure (see bench/run.sh). Exits 1 with a
 * message when a plugin cannot be loaded or a run fails.
 */
#define _GNU_SOURCE /* program_invocation_short_name */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench_job.h"
#include "bench_util.h"

#define OVERHEAD_REPS 7

/* Seconds of one execute (+ reduce when reduce_too) of b. */
static double run(struct bench_job *b, bool reduce_too)
{
	struct pb_metric_value m[PB_MAX_METRICS];
	struct pb_err err = {{0}};
	double t = bench_now_s();

	job_execute(b);
	if (reduce_too && b->workload->workload->reduce(
			      b->state, b->job.results, b->job.ntasks, m, &err))
		die("%s reduce: %s", b->workload->name, err.msg);
	return bench_now_s() - t;
}

static void figure(const char *name, double value, const char *unit,
		   const char *ref, double ref_value, const char *note)
{
	printf("%s\t%.3f\t%s\t%s\t%.3f\t%s\n", name, value, unit, ref,
	       ref_value, note);
	fflush(stdout);
}

static void overheads(const char *dir, const char *test_dir)
{
	static const unsigned workers[] = {1, 2, 4};
	const char *path;
	const struct pb_plugin *empty =
	    load(test_dir, "empty", PB_KIND_WORKLOAD, &path);
	const struct pb_plugin *mpi = load(dir, "mpi", PB_KIND_STRATEGY, NULL);
	const struct pb_plugin *fork =
	    load(dir, "fork", PB_KIND_STRATEGY, NULL);

	for (size_t i = 0; i < PB_COUNT(workers); i++) {
		struct bench_job m, f;
		double tm[OVERHEAD_REPS], tf[OVERHEAD_REPS],
		    spawn[OVERHEAD_REPS];
		char name[96], ref[96];
		unsigned w = workers[i];

		job_setup(&m, empty, path, "tasks=1000", mpi, NULL, w);
		job_setup(&f, empty, path, "tasks=1000", fork, NULL, w);
		run(&m, false); /* warm-up: the page cache, the loader */
		run(&f, false);
		for (int r = 0; r < OVERHEAD_REPS; r++) {
			tm[r] = run(&m, false);
			spawn[r] = m.metrics[0].value;
			tf[r] = run(&f, false);
		}
		snprintf(ref, sizeof(ref), "overhead_fork_w%u_t1000_ms", w);
		snprintf(name, sizeof(name), "overhead_mpi_w%u_t1000", w);
		figure(name, bench_median(tm, OVERHEAD_REPS) * 1e3, "ms", ref,
		       bench_median(tf, OVERHEAD_REPS) * 1e3,
		       "no target: the cost of starting ranks per cell");
		snprintf(name, sizeof(name), "spawn_mpi_w%u", w);
		figure(name, bench_median(spawn, OVERHEAD_REPS) * 1e3, "ms",
		       ref, bench_median(tf, OVERHEAD_REPS) * 1e3,
		       "no target: the spawn metric, part of the overhead");
		job_free(&m);
		job_free(&f);
	}
}

struct kernel_arg {
	const struct pb_job *job;
	size_t task;
};

static void *kernel_thread(void *p)
{
	struct kernel_arg *a = p;
	struct pb_err err = {{0}};

	if (pb_job_run_task(a->job, NULL, a->task, &err))
		die("pi task %zu: %s", a->task, err.msg);
	return NULL;
}

/*
 * What two CPUs give here now (the machine is shared): pi's kernel, one
 * task alone, then two equal tasks on two bare threads at once. No
 * strategy can beat it; the speed-ups are measured against it.
 */
static double ceiling(const struct pb_plugin *pi, const char *path,
		      const struct pb_plugin *serial)
{
	struct bench_job b;
	struct kernel_arg a[2];
	pthread_t t;
	double one, two;

	job_setup(&b, pi, path, "samples=4e8", serial, NULL, 1);
	a[0] = (struct kernel_arg){&b.job, 0};
	a[1] = (struct kernel_arg){&b.job, 1};
	one = bench_now_s();
	kernel_thread(&a[0]);
	one = bench_now_s() - one;
	two = bench_now_s();
	if (pthread_create(&t, NULL, kernel_thread, &a[1]))
		die("pthread_create failed");
	kernel_thread(&a[0]);
	pthread_join(t, NULL);
	two = bench_now_s() - two;
	job_free(&b);
	return 2 * one / two;
}

static void speedups(const char *dir, const char *samples)
{
	const char *path;
	const struct pb_plugin *pi = load(dir, "pi", PB_KIND_WORKLOAD, &path);
	const struct pb_plugin *strategies[] = {
	    load(dir, "serial", PB_KIND_STRATEGY, NULL),
	    load(dir, "mpi", PB_KIND_STRATEGY, NULL),
	    load(dir, "fork", PB_KIND_STRATEGY, NULL)};
	double t[3], cap = ceiling(pi, path, strategies[0]);
	char set[64], name[96], ref[96];

	snprintf(set, sizeof(set), "samples=%s", samples);
	for (size_t k = 0; k < 3; k++) {
		struct bench_job b;
		job_setup(&b, pi, path, set, strategies[k], NULL, k ? 2 : 1);
		t[k] = run(&b, true);
		job_free(&b);
	}
	/* Against what two CPUs give now: the ratio is the share of it. */
	snprintf(ref, sizeof(ref), "pi_kernel_two_thread_ceiling_w2");
	snprintf(name, sizeof(name), "pi_speedup_mpi_w2_%s", samples);
	figure(name, t[0] / t[1], "x", ref, cap, ">= 1.8");
	snprintf(name, sizeof(name), "pi_speedup_fork_w2_%s", samples);
	figure(name, t[0] / t[2], "x", ref, cap,
	       "no target: fork beside mpi, same run");
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4)
		die("usage: mpi_overhead PLUGIN_DIR TEST_PLUGIN_DIR "
		    "[PI_SAMPLES]");
	overheads(argv[1], argv[2]);
	speedups(argv[1], argc == 4 ? argv[3] : "4e9");
	pb_registry_free(&reg);
	pb_arena_free(&arena);
	return 0;
}
