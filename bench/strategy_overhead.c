/*
 * strategy_overhead.c — the driver of bench/strategy_overhead.sh: what a
 * strategy costs by itself, and how well pi scales to two workers.
 *
 *   strategy_overhead PLUGIN_DIR TEST_PLUGIN_DIR [PI_SAMPLES]
 *
 * Overhead: the median wall time of one execute call of serial, pthreads,
 * fork and shm running the `empty` test workload (tasks that write one
 * byte), at 1, 2, 4 and 8 workers and 1 and 1000 tasks, next to the median
 * cost of the raw primitives measured in the same run: W x pthread_create
 * + join of a thread that does nothing, W x fork + waitpid of a child that
 * _exits at once. Serial has no primitive; its reference is a plain loop
 * of run_task calls.
 *
 * Speed-up: pi with PI_SAMPLES (default 2e9) samples, 64 tasks, timed
 * once under serial and once under pthreads, fork and shm with 2 workers
 * (execute + reduce, as the runner times it). Before it, the ceiling: pi's
 * kernel on two bare threads against one, which says what this machine's
 * two CPUs give at the moment (a shared or busy second CPU gives less).
 *
 * Prints one TSV line per figure: figure, value, unit, reference name,
 * reference value, target note. Exits 1 (with a message on stderr) only
 * when a plugin cannot be loaded or a run fails.
 */
#define _GNU_SOURCE /* program_invocation_short_name */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_job.h"
#include "bench_util.h"

/* Time spent on one group of probes, and the repetition bounds. */
#define BUDGET_S 1.0
#define MIN_REPS 15
#define MAX_REPS 2000

/* ---- Medians --------------------------------------------------------- */

/* Something measured: fn(arg), its times, and their median. */
struct probe {
	void (*fn)(void *);
	void *arg;
	int n;
	double t[MAX_REPS];
};

static double median(struct probe *p)
{
	return bench_median(p->t, (size_t)p->n);
}

/*
 * Runs the probes in turns, one call each per round, until the time budget
 * is spent: a figure and its reference then meet the same background load
 * (the machine is shared and noisy), which keeps their ratio honest.
 */
static void measure(struct probe *probes, size_t n)
{
	double start = bench_now_s();

	for (size_t k = 0; k < n; k++) {
		probes[k].fn(probes[k].arg); /* warm-up */
		probes[k].n = 0;
	}
	for (int round = 0; round < MAX_REPS; round++) {
		if (round >= MIN_REPS && bench_now_s() - start > BUDGET_S)
			break;
		for (size_t k = 0; k < n; k++) {
			double a = bench_now_s();
			probes[k].fn(probes[k].arg);
			probes[k].t[probes[k].n++] = bench_now_s() - a;
		}
	}
}

static void exec_once(void *p)
{
	job_execute(p);
}

static void direct_once(void *p)
{
	const struct pb_job *job = p;
	struct pb_err err = {{0}};

	for (size_t i = 0; i < job->ntasks; i++)
		if (pb_job_run_task(job, NULL, i, &err))
			die("run_task %zu: %s", i, err.msg);
}

static void *noop(void *arg)
{
	return arg;
}

static void threads_once(void *p)
{
	unsigned w = *(unsigned *)p;
	pthread_t t[64];

	for (unsigned k = 0; k < w; k++)
		if (pthread_create(&t[k], NULL, noop, NULL))
			die("pthread_create failed");
	for (unsigned k = 0; k < w; k++)
		pthread_join(t[k], NULL);
}

static void forks_once(void *p)
{
	unsigned w = *(unsigned *)p;
	pid_t pid[64];

	for (unsigned k = 0; k < w; k++) {
		pid[k] = fork();
		if (pid[k] < 0)
			die("fork: %s", strerror(errno));
		if (pid[k] == 0)
			_exit(0);
	}
	for (unsigned k = 0; k < w; k++)
		while (waitpid(pid[k], NULL, 0) < 0 && errno == EINTR)
			;
}

/* ---- Figures --------------------------------------------------------- */

static void figure(const char *name, double value, const char *unit,
		   const char *ref, double ref_value, const char *note)
{
	printf("%s\t%.2f\t%s\t%s\t%.2f\t%s\n", name, value, unit, ref,
	       ref_value, note);
	fflush(stdout);
}

/* A strategy measured by overheads() and the primitive it is held to. */
struct row {
	const char *label, *plugin, *settings;
	enum { REF_DIRECT, REF_THREADS, REF_FORKS } ref;
	bool only_1000; /* only worth measuring with 1000 tasks */
};

static const struct row rows[] = {
    {"serial", "serial", NULL, REF_DIRECT, false},
    {"pthreads", "pthreads", NULL, REF_THREADS, false},
    {"fork", "fork", NULL, REF_FORKS, false},
    {"shm", "shm", NULL, REF_FORKS, false},
    /* What batching buys: results leave in one write, not 1000. */
    {"fork_static", "fork", "schedule=static", REF_FORKS, true},
};

#define NREFS 3
#define NPROBES (NREFS + PB_COUNT(rows))

/* Measures every row at w workers and `tasks` tasks, with the references. */
static void overhead_group(const struct pb_plugin *empty,
			   const struct pb_plugin *const *plugin, unsigned w,
			   const char *tasks)
{
	static struct probe probe[NPROBES];
	struct bench_job jobs[PB_COUNT(rows)], direct;
	char wset[64], name[128], ref[NREFS][64];
	size_t n = NREFS;

	snprintf(wset, sizeof(wset), "tasks=%s", tasks);
	job_setup(&direct, empty, NULL, wset, plugin[0], NULL, 1);
	probe[REF_DIRECT] =
	    (struct probe){.fn = direct_once, .arg = &direct.job};
	probe[REF_THREADS] = (struct probe){.fn = threads_once, .arg = &w};
	probe[REF_FORKS] = (struct probe){.fn = forks_once, .arg = &w};
	snprintf(ref[REF_DIRECT], sizeof(ref[0]), "direct_run_task_calls_t%s",
		 tasks);
	snprintf(ref[REF_THREADS], sizeof(ref[0]),
		 "raw_pthread_create_join_x%u", w);
	snprintf(ref[REF_FORKS], sizeof(ref[0]), "raw_fork_waitpid_x%u", w);
	for (size_t r = 0; r < PB_COUNT(rows); r++) {
		if (rows[r].only_1000 && strcmp(tasks, "1000") != 0)
			continue;
		job_setup(&jobs[r], empty, NULL, wset, plugin[r],
			  rows[r].settings, w);
		probe[n++] = (struct probe){.fn = exec_once, .arg = &jobs[r]};
	}
	measure(probe, n);
	n = NREFS;
	for (size_t r = 0; r < PB_COUNT(rows); r++) {
		const struct row *row = &rows[r];
		if (row->only_1000 && strcmp(tasks, "1000") != 0)
			continue;
		snprintf(name, sizeof(name), "overhead_%s_w%u_t%s", row->label,
			 w, tasks);
		figure(name, median(&probe[n++]) * 1e6, "us", ref[row->ref],
		       median(&probe[row->ref]) * 1e6,
		       row->ref == REF_DIRECT
			   ? "baseline (ignores workers; no target)"
			   : "<= 2x raw");
		job_free(&jobs[r]);
	}
	job_free(&direct);
}

static void overheads(const char *test_dir, const char *dir)
{
	static const unsigned workers[] = {1, 2, 4, 8};
	static const char *const tasks[] = {"1", "1000"};
	const struct pb_plugin *empty =
	    load(test_dir, "empty", PB_KIND_WORKLOAD, NULL);
	const struct pb_plugin *plugin[PB_COUNT(rows)];

	for (size_t r = 0; r < PB_COUNT(rows); r++)
		plugin[r] = load(dir, rows[r].plugin, PB_KIND_STRATEGY, NULL);
	for (size_t i = 0; i < PB_COUNT(workers); i++)
		for (size_t k = 0; k < PB_COUNT(tasks); k++)
			overhead_group(empty, plugin, workers[i], tasks[k]);
}

/* Seconds of one execute + reduce of pi under strategy with w workers. */
static double pi_once(const struct pb_plugin *pi,
		      const struct pb_plugin *strategy, unsigned w,
		      const char *samples)
{
	struct pb_metric_value m[PB_MAX_METRICS];
	struct pb_err err = {{0}};
	struct bench_job b;
	char wset[64];
	double t;

	snprintf(wset, sizeof(wset), "samples=%s", samples);
	job_setup(&b, pi, NULL, wset, strategy, NULL, w);
	t = bench_now_s();
	job_execute(&b);
	if (pi->workload->reduce(b.state, b.job.results, b.job.ntasks, m, &err))
		die("pi reduce: %s", err.msg);
	t = bench_now_s() - t;
	job_free(&b);
	return t;
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
 * What two CPUs give here: pi's own kernel, one task alone, then two equal
 * tasks on two bare threads at once (no strategy involved). On a machine
 * whose second CPU is shared or busy this is well below 2, and no strategy
 * can beat it.
 */
static void ceiling(const struct pb_plugin *pi, const struct pb_plugin *serial)
{
	struct bench_job b;
	struct kernel_arg a[2];
	pthread_t t;
	double one, two;

	job_setup(&b, pi, NULL, "samples=4e8; tasks=2", serial, NULL, 1);
	if (b.job.ntasks < 2)
		die("pi made %zu tasks, expected at least 2", b.job.ntasks);
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
	figure("pi_kernel_two_thread_ceiling_w2", 2 * one / two, "x",
	       "pi_kernel_one_task_s", one,
	       "reference: the most 2 workers can gain on this machine now");
}

static void speedups(const char *dir, const char *samples)
{
	static const char *const names[] = {"pthreads", "fork", "shm"};
	const struct pb_plugin *pi = load(dir, "pi", PB_KIND_WORKLOAD, NULL);
	const struct pb_plugin *serial =
	    load(dir, "serial", PB_KIND_STRATEGY, NULL);
	double base;
	char name[128], ref[128];

	ceiling(pi, serial);
	base = pi_once(pi, serial, 1, samples);
	snprintf(ref, sizeof(ref), "pi_serial_%s_s", samples);
	for (size_t k = 0; k < PB_COUNT(names); k++) {
		const struct pb_plugin *s =
		    load(dir, names[k], PB_KIND_STRATEGY, NULL);
		double t = pi_once(pi, s, 2, samples);
		snprintf(name, sizeof(name), "pi_speedup_%s_w2_%s", names[k],
			 samples);
		figure(name, base / t, "x", ref, base, ">= 1.9");
	}
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4)
		die("usage: strategy_overhead PLUGIN_DIR TEST_PLUGIN_DIR "
		    "[PI_SAMPLES]");
	overheads(argv[2], argv[1]);
	speedups(argv[1], argc == 4 ? argv[3] : "2e9");
	pb_registry_free(&reg);
	pb_arena_free(&arena);
	return 0;
}
