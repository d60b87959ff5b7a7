/*
 * test_e2e_contention.c — the machine's state in runs.csv, through the
 * real binary: rows measured while this test keeps every core busy with
 * processes of its own are flagged contended, with other_cpu_s near that
 * load; a `contention` no load can reach flags nothing.
 *
 * No timing is assumed: the busy processes say they run (a byte each on a
 * pipe) before the run starts, and spin until the run is over, so every
 * repetition overlaps them. Other work on a shared machine only adds to
 * what the rows see, so the lower bounds hold whatever else runs.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "pbt_files.h"
#include "pbtest.h"

static void enter_tmp(void)
{
	cr_assert_eq(chdir(pbt_scratch_new()), 0);
}

static void leave_tmp(void)
{
	cr_assert_eq(chdir("/"), 0);
	pbt_scratch_remove();
}

TestSuite(e2e_contention, .init = enter_tmp, .fini = leave_tmp, .timeout = 120);

#define MAX_BUSY 64

struct busy {
	int n;
	pid_t pid[MAX_BUSY];
};

/*
 * Starts n processes that spin; returns once every one of them runs. They
 * die with the test's process too, should a failed assertion end it before
 * stop_busy: a spinning orphan would load every test after it.
 */
static void start_busy(struct busy *b, int n)
{
	pid_t self = getpid();
	int fds[2];
	char byte;

	cr_assert(n >= 1 && n <= MAX_BUSY);
	cr_assert_eq(pipe(fds), 0);
	b->n = n;
	for (int k = 0; k < n; k++) {
		b->pid[k] = fork();
		cr_assert_geq(b->pid[k], 0);
		if (b->pid[k] == 0) {
			volatile unsigned long x = 0;
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 ||
			    getppid() != self)
				_exit(1);
			close(fds[0]);
			if (write(fds[1], "x", 1) != 1)
				_exit(1);
			close(fds[1]);
			for (;;)
				x++;
		}
	}
	close(fds[1]);
	for (int k = 0; k < n; k++)
		cr_assert_eq(read(fds[0], &byte, 1), 1);
	close(fds[0]);
}

static void stop_busy(struct busy *b)
{
	for (int k = 0; k < b->n; k++)
		kill(b->pid[k], SIGKILL);
	for (int k = 0; k < b->n; k++)
		waitpid(b->pid[k], NULL, 0);
}

static void run(const char *extra, struct pb_csv *t)
{
	struct pbt_proc p;
	struct pb_err err = {{0}};
	char yaml[512];

	/* At least 50 ms a repetition on an idle machine: long enough that
	 * /proc/stat's 10 ms resolution cannot hide one busy core. */
	snprintf(yaml, sizeof(yaml),
		 "name: busy\nworkload: pi\n"
		 "params: {samples: 1e8, tasks: 8}\n"
		 "strategies: [serial, pthreads]\nworkers: [1, 2]\n"
		 "repetitions: 2\nwarmup: 0\n%s",
		 extra);
	pbt_write("busy.yaml", yaml);
	pbt_parabench(&p, (const char *[]){"run", "busy.yaml", "--out", "res",
					   "--quiet", "--no-report", NULL});
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	pbt_proc_free(&p);
	cr_assert_eq(pb_csv_read("res/runs.csv", 0, t, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(t->nrows, 8);
}

Test(e2e_contention, rows_beside_busy_cores_are_flagged)
{
	struct busy b;
	struct pb_csv t;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	start_busy(&b, (int)cores);
	run("", &t);
	stop_busy(&b);
	for (size_t r = 0; r < t.nrows; r++) {
		double wall = pb_csv_num(&t, r, "wall_s");
		double other = pb_csv_num(&t, r, "other_cpu_s");
		double workers = pb_csv_num(&t, r, "workers");
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok");
		cr_assert_str_eq(pb_csv_get(&t, r, "contended"), "1",
				 "row %zu: other_cpu_s %g over %g s", r, other,
				 wall);
		/* `cores` spinning processes beside w workers get at least
		 * cores * cores / (cores + w) CPUs under a fair scheduler,
		 * 1 CPU or more for w <= cores; half of that is the bound,
		 * less 10 ms of /proc/stat's resolution. At most: every CPU
		 * for the whole span. */
		double floor = cores * cores / (cores + workers);
		cr_assert_geq(other, 0.5 * floor * wall - 0.01,
			      "row %zu: other_cpu_s %g, wall %g", r, other,
			      wall);
		cr_assert_leq(other, cores * wall * 1.1 + 0.02,
			      "row %zu: other_cpu_s %g, wall %g", r, other,
			      wall);
		cr_assert_geq(pb_csv_num(&t, r, "started_s"), 0);
		cr_assert(!isnan(pb_csv_num(&t, r, "steal_s")));
	}
	/* started_s grows with the rows: they are written as measured. */
	for (size_t r = 1; r < t.nrows; r++)
		cr_assert_gt(pb_csv_num(&t, r, "started_s"),
			     pb_csv_num(&t, r - 1, "started_s"));
	pb_csv_free(&t);
}

Test(e2e_contention, a_threshold_no_load_reaches_flags_nothing)
{
	struct busy b;
	struct pb_csv t;

	start_busy(&b, 1);
	run("contention: 4096\n", &t);
	stop_busy(&b);
	for (size_t r = 0; r < t.nrows; r++) {
		cr_assert_str_eq(pb_csv_get(&t, r, "contended"), "0");
		cr_assert_gt(pb_csv_num(&t, r, "other_cpu_s"), 0);
	}
	pb_csv_free(&t);
}

Test(e2e_contention, the_terminal_ends_with_the_warnings)
{
	struct busy b;
	struct pbt_proc p;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	/* Every row contended, 2 repetitions: too few clean rows, so the
	 * report warns, and the run repeats its warnings on stderr. */
	pbt_write("w.yaml", "name: w\nworkload: pi\n"
			    "params: {samples: 1e8, tasks: 8}\n"
			    "strategies: [serial]\nworkers: [1]\n"
			    "repetitions: 2\nwarmup: 0\n");
	start_busy(&b, (int)cores);
	pbt_parabench(&p,
		      (const char *[]){"run", "w.yaml", "--out", "res", NULL});
	stop_busy(&b);
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	const char *w = strstr(p.err, "warnings (see report.md):\n");
	cr_assert(w, "%s", p.err);
	cr_assert(strstr(w, "too few clean rows"), "%s", p.err);
	pbt_proc_free(&p);
}

Test(e2e_contention, wait_idle_waits_then_measures_anyway)
{
	struct busy b;
	struct pbt_proc p;
	struct pb_csv t;
	struct pb_err err = {{0}};
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	/* The cores stay busy: every wait ends at its limit, the rows are
	 * measured all the same and flagged. */
	pbt_write("w.yaml", "name: w\nworkload: pi\n"
			    "params: {samples: 1e8, tasks: 8}\n"
			    "strategies: [serial]\nworkers: [1]\n"
			    "repetitions: 2\nwarmup: 0\n");
	start_busy(&b, (int)cores);
	pbt_parabench(&p, (const char *[]){"run", "w.yaml", "--out", "res",
					   "--no-report", "--wait-idle=0.3s",
					   NULL});
	stop_busy(&b);
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	cr_assert(strstr(p.err, "waiting for other processes ("), "%s", p.err);
	cr_assert(strstr(p.err, "at most 0.3s"), "%s", p.err);
	pbt_proc_free(&p);
	cr_assert_eq(pb_csv_read("res/runs.csv", 0, &t, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(t.nrows, 2);
	for (size_t r = 0; r < t.nrows; r++)
		cr_assert_str_eq(pb_csv_get(&t, r, "contended"), "1");
	pb_csv_free(&t);
}

Test(e2e_contention, a_bad_wait_idle_is_bad_usage)
{
	struct pbt_proc p;

	pbt_write("w.yaml", "name: w\nworkload: pi\nstrategies: [serial]\n");
	pbt_parabench(&p, (const char *[]){"run", "w.yaml", "--out", "res",
					   "--wait-idle=0", NULL});
	cr_assert_eq(p.status, 2, "%s", p.err);
	cr_assert(strstr(p.err, "--wait-idle=0: expected a duration"), "%s",
		  p.err);
	pbt_proc_free(&p);
	cr_assert_neq(access("res", F_OK), 0, "nothing created");
}
