/*
 * python.c — the benchmark driver of bench/python.sh: figures of the python
 * workload, run through the real plugins (pb_repetition_run, as the runner
 * does), each beside a reference measured in the same run, printed as TSV
 *   figure  value  unit  reference-name  reference-value  target-note
 *
 * call:   one task calling python_tasks.empty under serial (200,000 tasks,
 *         wall time per task) against a call of the same function from a
 *         Python loop, timed inside Python.
 * GIL:    CPU-bound pure Python (python_tasks.cpu, 8 tasks) at 1 and 2
 *         workers under pthreads and under fork; the speed-up of 2 workers
 *         over 1 under each, beside C's pi at 1 and 2 workers under the
 *         same strategy (what the machine gives when nothing serialises);
 *         fork's also against 0.9 x C's, which holds on a busy machine.
 * sleep:  python_tasks.nap (10 tasks of 20 ms) at 1 and 5 threads, against
 *         the ideal 5.
 * Repetitions alternate between the cells; figures are medians of REPS.
 *
 * Usage: python SCRIPT  (SCRIPT: python_tasks.py; reads PB_BUILD; prints
 * to stdout, notes to stderr)
 */
#define _GNU_SOURCE
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "plugin/registry.h"
#include "plugin/value.h"
#include "run/repetition.h"

#include "driver_args.h"

#define REPS 3
#define CALLS 200000
#define CPU_ARGS "tasks=8; args=[n=1_000_000]"
#define PI_ARGS "samples=1.2e8; tasks=16"
#define NAP_ARGS "tasks=10; args=[delay=0.02]"

static struct pb_registry reg;
static struct pb_host host = {
    .size = sizeof(struct pb_host), .abi_version = PB_ABI_VERSION, .seed = 1};
static const char *script;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of v[0..n-1]; NaN if any is NaN. */
static double median(double *v, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (isnan(v[k]))
			return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One repetition; fills m. PB_ERROR (with a note) unless it was ok. */
static int run_once(const char *workload, const char *wparams,
		    const char *strategy, unsigned workers,
		    struct pb_measure *m)
{
	struct pb_arena arena = {0};
	struct pb_err err = {{0}};
	struct pb_cell_spec spec = {.workers = workers};
	int rc = PB_ERROR;

	spec.workload = pb_registry_find(&reg, PB_KIND_WORKLOAD, workload);
	spec.strategy = pb_registry_find(&reg, PB_KIND_STRATEGY, strategy);
	if (!spec.workload || !spec.strategy) {
		fprintf(stderr, "python: no plugin %s or %s\n", workload,
			strategy);
		goto out;
	}
	if (make_args(spec.workload, wparams, &arena, &spec.wargs, &err) ||
	    make_args(spec.strategy, "", &arena, &spec.sargs, &err)) {
		fprintf(stderr, "python: %s\n", err.msg);
		goto out;
	}
	pb_repetition_run(&spec, &host, m);
	if (m->status != PB_STATUS_OK)
		fprintf(stderr, "python: %s %s: %s\n", workload, wparams,
			m->message);
	else
		rc = PB_OK;
out:
	pb_arena_free(&arena);
	return rc;
}

/* Wall seconds of one ok repetition of the python workload, else NaN. */
static double py(const char *function, const char *more, const char *strategy,
		 unsigned workers, double *result)
{
	char params[PATH_MAX + 256];
	struct pb_measure m;

	snprintf(params, sizeof(params), "script=%s; function=%s; %s", script,
		 function, more);
	if (run_once("python", params, strategy, workers, &m))
		return NAN;
	if (result)
		*result = m.metrics[0].value; /* result */
	return m.wall_s;
}

static double pi(const char *strategy, unsigned workers)
{
	struct pb_measure m;
	return run_once("pi", PI_ARGS, strategy, workers, &m) ? NAN : m.wall_s;
}

static void call_figures(void)
{
	double task_us[REPS], loop_us[REPS], ns = NAN;

	for (int r = 0; r < REPS; r++) {
		char more[64];
		snprintf(more, sizeof(more), "tasks=%d", CALLS);
		task_us[r] = py("empty", more, "serial", 1, NULL) / CALLS * 1e6;
		snprintf(more, sizeof(more), "tasks=1; args=[n=%d]", CALLS);
		loop_us[r] =
		    isnan(py("calls_in_python", more, "serial", 1, &ns))
			? NAN
			: ns / 1e3;
	}
	printf("python_empty_task_serial\t%.3f\tus\tcall_from_a_python_loop\t"
	       "%.3f\t<= 2 us\n",
	       median(task_us, REPS), median(loop_us, REPS));
}

static void gil_figures(void)
{
	const char *strategies[] = {"pthreads", "fork"};
	const char *notes[] = {"<= 1.15x (the GIL)",
			       ">= 1.8x (a GIL per process)"};
	double py_up[2][REPS], c_up[2][REPS];

	for (int r = 0; r < REPS; r++)
		for (int s = 0; s < 2; s++) {
			const char *st = strategies[s];
			double p1 = py("cpu", CPU_ARGS, st, 1, NULL);
			double p2 = py("cpu", CPU_ARGS, st, 2, NULL);
			double c1 = pi(st, 1), c2 = pi(st, 2);
			py_up[s][r] = p1 / p2;
			c_up[s][r] = c1 / c2;
			fprintf(stderr,
				"python: %s: Python %.3f s -> %.3f s, C pi "
				"%.3f s -> %.3f s\n",
				st, p1, p2, c1, c2);
		}
	for (int s = 0; s < 2; s++)
		printf("python_cpu_speedup_%s_2workers\t%.2f\tx\tc_pi_%s_"
		       "2workers\t%.2f\t%s\tnone\n",
		       strategies[s], median(py_up[s], REPS), strategies[s],
		       median(c_up[s], REPS), notes[s]);
	/* The same, against what C got from the machine in this run. */
	printf("python_cpu_speedup_fork_2workers_vs_c\t%.2f\tx\tc_pi_fork_"
	       "2workers\t%.2f\t>= 0.9x the speed-up of c_pi\n",
	       median(py_up[1], REPS), median(c_up[1], REPS));
}

static void sleep_figures(void)
{
	double up[REPS];

	for (int r = 0; r < REPS; r++)
		up[r] = py("nap", NAP_ARGS, "pthreads", 1, NULL) /
			py("nap", NAP_ARGS, "pthreads", 5, NULL);
	printf("python_sleep_speedup_pthreads_5workers\t%.2f\tx\tideal\t5\t"
	       ">= 4x (sleep releases the GIL)\n",
	       median(up, REPS));
}

static int load(const char *build)
{
	const char *names[] = {"python", "pi", "serial", "pthreads", "fork"};
	char path[PATH_MAX];
	struct pb_err err = {{0}};

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		snprintf(path, sizeof(path), "%s/plugins/%s.so", build,
			 names[k]);
		if (pb_registry_load_file(&reg, path, &err)) {
			fprintf(stderr, "python: %s\n", err.msg);
			return PB_ERROR;
		}
	}
	return PB_OK;
}

int main(int argc, char **argv)
{
	const char *build = getenv("PB_BUILD");

	if (argc != 2 || !build || !*build || load(build)) {
		fprintf(stderr, "usage: PB_BUILD=DIR python SCRIPT (a build "
				"folder with plugins/)\n");
		return 1;
	}
	script = argv[1];
	host.cores = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	call_figures();
	gil_figures();
	sleep_figures();
	pb_registry_free(&reg);
	return 0;
}
