/*
 * test_e2e_python.c — the python workload through the parabench binary:
 * a missing script or function refused by validate and run at the line and
 * column where it is written, a script found next to its experiment file
 * whatever the current folder, SystemExit and os._exit as crashed rows with
 * the run going on, an exception's script:line in runs.csv, and no
 * interpreter state carried from one cell to the next.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "pbt_files.h"
#include "pbtest.h"

static void enter_tmp(void)
{
	cr_assert_eq(chdir(pbt_scratch_new()), 0);
	cr_assert_eq(mkdir("exp", 0700), 0);
}

static void leave_tmp(void)
{
	cr_assert_eq(chdir("/"), 0);
	pbt_scratch_remove();
}

TestSuite(e2e_python, .init = enter_tmp, .fini = leave_tmp, .timeout = 120);

static const char script[] = "import os, sys\n"
			     "sys.pb_loads = getattr(sys, 'pb_loads', 0) + 1\n"
			     "\n"
			     "def loads(task, ntasks):\n"
			     "    return sys.pb_loads\n"
			     "\n"
			     "def leave(task, ntasks):\n"
			     "    sys.exit(5)\n"
			     "\n"
			     "def vanish(task, ntasks):\n"
			     "    os._exit(0)\n"
			     "\n"
			     "def boom(task, ntasks):\n"
			     "    raise KeyError(task)\n";

static void read_csv(const char *path, struct pb_csv *t)
{
	struct pb_err err = {{0}};
	cr_assert_eq(pb_csv_read(path, 0, t, &err), PB_OK, "%s", err.msg);
}

/* Runs parabench with argv and expects status. */
static void expect_status(const char *const *argv, int status,
			  struct pbt_proc *p)
{
	pbt_parabench(p, argv);
	cr_assert_eq(p->status, status, "exit %d\nstdout: %s\nstderr: %s",
		     p->status, p->out, p->err);
}

/* Validates exp/bad.yaml (yaml) and expects one message starting so. */
static void expect_invalid(const char *yaml, const char *start,
			   const char *also)
{
	struct pbt_proc p;

	pbt_write("exp/bad.yaml", yaml);
	expect_status((const char *[]){"validate", "exp/bad.yaml", NULL}, 2,
		      &p);
	cr_assert(strncmp(p.err, start, strlen(start)) == 0,
		  "%s\nexpected the start: %s", p.err, start);
	cr_assert(strstr(p.err, also), "%s\nexpected: %s", p.err, also);
	cr_assert_eq(strchr(p.err, '\n'), p.err + strlen(p.err) - 1,
		     "exactly one line: %s", p.err);
	pbt_proc_free(&p);
	expect_status((const char *[]){"run", "exp/bad.yaml", NULL}, 2, &p);
	cr_assert(strncmp(p.err, start, strlen(start)) == 0, "%s", p.err);
	cr_assert_neq(access("results", F_OK), 0, "run made results");
	pbt_proc_free(&p);
}

Test(e2e_python, a_missing_script_or_function_is_refused_where_written)
{
	pbt_write("exp/s.py", script);
	expect_invalid("workload: python\n"
		       "strategies: [serial]\n"
		       "params:\n"
		       "  script: nothere.py\n",
		       "parabench: exp/bad.yaml:4:11: script: nothere.py not "
		       "found",
		       "/exp/nothere.py");
	expect_invalid("workload: python\n"
		       "strategies: [serial]\n"
		       "params:\n"
		       "  script: s.py\n"
		       "  function: [loads, laeve]\n",
		       "parabench: exp/bad.yaml:5:13: function: s.py defines "
		       "no function 'laeve'; did you mean 'leave'?",
		       "it defines: boom, leave, loads, vanish");
	expect_invalid("experiments:\n"
		       "  - workload: python\n"
		       "    strategies: [serial]\n"
		       "    params: {script: s.py, function: loads, args: "
		       "[x=(]}\n",
		       "parabench: exp/bad.yaml:4:51: args: args entry 'x=(': "
		       "'(' is not a Python literal",
		       "a number such as 1_000_000");
}

/* Runs exp/e.yaml from the scratch folder into res; returns runs.csv. */
static void run_experiment(const char *yaml, int status, struct pb_csv *t)
{
	struct pbt_proc p;

	pbt_write("exp/s.py", script);
	pbt_write("exp/e.yaml", yaml);
	expect_status((const char *[]){"run", "exp/e.yaml", "--out", "res",
				       "--quiet", "--no-report", NULL},
		      status, &p);
	pbt_proc_free(&p);
	read_csv("res/runs.csv", t);
}

Test(e2e_python, system_exit_and_os_exit_are_crashed_rows_and_the_run_goes_on)
{
	struct pb_csv t;

	run_experiment("workload: python\n"
		       "params: {script: s.py, function: [leave, vanish, "
		       "loads], tasks: 3}\n"
		       "strategies: [serial, pthreads]\n"
		       "repetitions: 1\n"
		       "warmup: 0\n",
		       1, &t);
	cr_assert_eq(t.nrows, 6);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *fn = pb_csv_get(&t, r, "param_function");
		const char *msg = pb_csv_get(&t, r, "message");
		if (strcmp(fn, "loads") == 0) {
			cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok",
					 "%s", msg);
			cr_assert_eq(pb_csv_num(&t, r, "metric_result"), 3);
			continue;
		}
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "crashed",
				 "%s: %s", fn, msg);
		cr_assert(strstr(msg, strcmp(fn, "leave") == 0
					  ? "exited with status 5"
					  : "exited with status 0"),
			  "%s: %s", fn, msg);
	}
	pb_csv_free(&t);
}

Test(e2e_python, an_exception_is_a_failed_row_with_script_and_line)
{
	struct pb_csv t;

	run_experiment("workload: python\n"
		       "params: {script: s.py, function: boom}\n"
		       "strategies: [serial, fork]\n"
		       "workers: 2\n"
		       "repetitions: 1\n",
		       1, &t);
	cr_assert_eq(t.nrows, 2);
	/* Under fork either worker's first task may fail first. */
	for (size_t r = 0; r < t.nrows; r++) {
		const char *msg = pb_csv_get(&t, r, "message");
		unsigned task;
		char tail[64] = "";
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "failed");
		cr_assert(strstr(msg, ": task "), "%s", msg);
		cr_assert_eq(sscanf(strstr(msg, ": task ") + 7,
				    "%u: KeyError: %*u %63[^\n]", &task, tail),
			     2, "%s", msg);
		cr_assert_str_eq(tail, "(s.py:14, in boom)", "%s", msg);
	}
	pb_csv_free(&t);
}

/*
 * sys.pb_loads counts the loads of the script in one process: one per
 * setup, warm-ups included. A cell's process never serves another cell:
 * sequentially, a cell's warm-up and repetitions share one process;
 * interleaved, each repetition has its own, the warm-up going with the
 * first.
 */
Test(e2e_python, no_interpreter_state_passes_between_cells)
{
	const char *order[] = {"sequential", "interleaved"};

	for (size_t o = 0; o < PB_COUNT(order); o++) {
		char yaml[512];
		struct pb_csv t;
		snprintf(yaml, sizeof(yaml),
			 "workload: python\n"
			 "params: {script: s.py, function: loads, tasks: 4}\n"
			 "strategies: [serial, pthreads, fork]\n"
			 "workers: [1, 2]\n"
			 "repetitions: 2\n"
			 "warmup: 1\n"
			 "order: %s\n",
			 order[o]);
		cr_assert_eq(system("rm -rf res"), 0);
		run_experiment(yaml, 0, &t);
		cr_assert_eq(t.nrows, 12);
		for (size_t r = 0; r < t.nrows; r++) {
			double rep = pb_csv_num(&t, r, "repetition");
			double loads = o == 0 ? 1 + rep : rep == 1 ? 2 : 1;
			cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok");
			cr_assert_eq(pb_csv_num(&t, r, "metric_result"),
				     4 * loads, "%s: row %zu, repetition %g",
				     order[o], r, rep);
		}
		pb_csv_free(&t);
	}
}

/* The notebook's experiment passes every check, its script included. */
Test(e2e_python, the_notebooks_experiment_validates)
{
	struct pbt_proc p;
	char path[4200];

	snprintf(path, sizeof(path), "%s/python-gil.yaml",
		 pbt_source_path("experiments"));
	expect_status((const char *[]){"validate", path, NULL}, 0, &p);
	cr_assert(strstr(p.out, "valid: 4 experiments, 36 cells"), "%s", p.out);
	pbt_proc_free(&p);
}
