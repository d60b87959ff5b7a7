/*
 * test_e2e_charts.c — the real parabench binary on what people read and
 * share: the charts and report of a run, with hostile names in the
 * experiment file.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "lib/textbuf.h"
#include "pbt_files.h"
#include "pbt_gnuplot.h"
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

TestSuite(e2e_charts, .init = enter_tmp, .fini = leave_tmp, .timeout = 60);

static const char *test_plugins(void)
{
	static char dir[4096];

	snprintf(dir, sizeof(dir), "%s/test-plugins", pbt_build());
	return dir;
}

/* Runs gnuplot on every .gp of folder charts, there, as a user would. */
static void rerender_all(const char *charts)
{
	DIR *d = opendir(charts);
	struct dirent *e;

	cr_assert(d);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 3, ".gp"))
			continue;
		pid_t pid = fork();
		cr_assert(pid >= 0);
		if (pid == 0) {
			if (chdir(charts) != 0 ||
			    !freopen("/dev/null", "w", stdout) ||
			    !freopen("/dev/null", "w", stderr))
				_exit(126);
			execlp("gnuplot", "gnuplot", e->d_name, (char *)NULL);
			_exit(127);
		}
		int status;
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			  "gnuplot %s failed", e->d_name);
	}
	closedir(d);
}

/* Issue 13.1: a strategy parameter that ends a gnuplot comment. */
static const char hostile_yaml[] =
    "name: tags\n"
    "description: \"d'\\nsystem 'touch X' #`touch X`\"\n"
    "workload: pi\n"
    "params: { samples: 1e4, tasks: 2 }\n"
    "strategies: [serial, tagged]\n"
    "strategy_params: { tag: [\"a\", \"b\\nsystem 'touch X' #\"] }\n"
    "workers: [1, 2]\n"
    "repetitions: 2\n"
    "warmup: 0\n";

Test(e2e_charts, hostile_strategy_parameter_runs_nothing)
{
	static const char *const bad[] = {"system", "touch", NULL};
	struct pbt_proc p;

	if (access("/usr/bin/gnuplot", X_OK) != 0)
		cr_skip_test("gnuplot is not installed");
	pbt_write("t.yaml", hostile_yaml);
	pbt_parabench(&p, (const char *[]){"run", "t.yaml", "--out", "res",
					   "--quiet", "--plugin-dir",
					   test_plugins(), NULL});
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	pbt_proc_free(&p);
	cr_assert(pbt_file_has("res/charts/speedup-tags-1.gp",
			       "'tagged (tag=b system ''touch X'' #)"));
	pbt_assert_gp_inert("res/charts", bad);
	cr_assert_neq(access("X", F_OK), 0, "the name ran a command");
	cr_assert_neq(access("res/charts/X", F_OK), 0, "it ran in charts/");
	/* Re-rendering the saved scripts, and plotting again, as safe. */
	rerender_all("res/charts");
	pbt_parabench(&p, (const char *[]){"plot", "res", NULL});
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	pbt_proc_free(&p);
	cr_assert_neq(access("X", F_OK), 0);
	cr_assert_neq(access("res/charts/X", F_OK), 0);
}

/* ---- parabench compare -------------------------------------------------- */

static const char pi_yaml[] = "name: pi-cmp\n"
			      "workload: pi\n"
			      "params: { samples: 2e5, tasks: 4 }\n"
			      "strategies: [serial, pthreads]\n"
			      "workers: [1, 2]\n"
			      "repetitions: 5\n"
			      "warmup: 0\n";

static void run_into(const char *yaml_name, const char *yaml, const char *out)
{
	struct pbt_proc p;

	pbt_write(yaml_name, yaml);
	pbt_parabench(&p, (const char *[]){"run", yaml_name, "--out", out,
					   "--quiet", "--no-report", NULL});
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	pbt_proc_free(&p);
}

/*
 * Folder dir, made by hand like a run's: pi-cmp's four cells, five ok
 * runs each, with times that vary by +-1% around 1/w + 0.1 s, times k.
 * (Real runs of a few milliseconds vary by more than 30%: a test on them
 * would depend on the machine's timing.)
 */
static void synthetic(const char *dir, double k)
{
	static const char *const strategies[] = {"serial", "serial", "pthreads",
						 "pthreads"};
	struct pb_buf b = {0};

	cr_assert_eq(mkdir(dir, 0755), 0);
	pb_buf_printf(&b, "experiment,cell,workload,strategy,workers,"
			  "repetition,status,wall_s,param_samples,message\n");
	for (int c = 0; c < 4; c++)
		for (int r = 0; r < 5; r++)
			pb_buf_printf(&b,
				      "pi-cmp,%d,pi,%s,%d,%d,ok,%.9f,2e5,\n",
				      c + 1, strategies[c], c % 2 + 1, r + 1,
				      k * (1.0 / (c % 2 + 1) + 0.1) *
					  (1 + 0.005 * (r - 2)));
	cr_assert_not(b.oom);
	pbt_write_in(dir, "runs.csv", b.data);
	pbt_write_in(dir, "experiments.csv",
		     "experiment,workload,workload_params,strategy_params,"
		     "baseline_strategy,baseline_workers,fit_oversubscribed,"
		     "cores\npi-cmp,pi,samples,,serial,1,false,2\n");
	pb_buf_free(&b);
}

Test(e2e_charts, compare_identical_folders_is_no_change)
{
	struct pbt_proc p;

	run_into("pi.yaml", pi_yaml, "a");
	pbt_parabench(&p, (const char *[]){"compare", "a", "a", "--threshold",
					   "5%", NULL});
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	cr_assert(strstr(p.out, "4 cells compared: 0 slower, 0 faster"), "%s",
		  p.out);
	pbt_proc_free(&p);
	/* Without --out: in the current folder. */
	cr_assert(pbt_file_has("compare.csv", ",no change,false\n"));
	cr_assert_not(pbt_file_has("compare.csv", ",slower,"));
	cr_assert(
	    pbt_file_has("compare.md", "| pi-cmp / pthreads / 2 workers"));
}

Test(e2e_charts, compare_scaled_by_1_3_is_a_regression)
{
	struct pbt_proc p;
	struct pb_csv t;
	struct pb_err err = {{0}};

	synthetic("a", 1);
	synthetic("b", 1.3);
	pbt_parabench(&p, (const char *[]){"compare", "a", "b", "--threshold",
					   "5%", "--out", "cmp", NULL});
	cr_assert_eq(p.status, 1, "exit %d: %s", p.status, p.err);
	cr_assert(strstr(p.out, "4 slower by more than 5%"), "%s", p.out);
	pbt_proc_free(&p);
	cr_assert_eq(pb_csv_read("cmp/compare.csv", 0, &t, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(t.nrows, 4);
	for (size_t r = 0; r < t.nrows; r++) {
		cr_assert_str_eq(pb_csv_get(&t, r, "verdict"), "slower");
		cr_assert_str_eq(pb_csv_get(&t, r, "regression"), "true");
		cr_assert_lt(pb_csv_num(&t, r, "p_value"), 0.05);
		cr_assert_float_eq(pb_csv_num(&t, r, "ratio"), 1.3, 1e-3);
	}
	pb_csv_free(&t);
	cr_assert(pbt_file_has("cmp/compare.md", "slower (regression)"));
	/* A 50% threshold lets a 30% slow-down pass. */
	pbt_parabench(&p, (const char *[]){"compare", "a", "b", "--threshold",
					   "50", "--out", "cmp", NULL});
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	pbt_proc_free(&p);
}

Test(e2e_charts, compare_refuses_other_experiments)
{
	struct pbt_proc p;
	char other[sizeof(pi_yaml) + 8];

	run_into("pi.yaml", pi_yaml, "a");
	snprintf(other, sizeof(other), "%s", pi_yaml);
	memcpy(strstr(other, "pi-cmp"), "pi-xyz", 6);
	run_into("other.yaml", other, "c");
	pbt_parabench(&p, (const char *[]){"compare", "a", "c", NULL});
	cr_assert_eq(p.status, 2, "exit %d: %s", p.status, p.err);
	cr_assert(strstr(p.err, "runs of different experiments"), "%s", p.err);
	cr_assert(strstr(p.err, "--force"), "%s", p.err);
	pbt_proc_free(&p);
	cr_assert_neq(access("compare.csv", F_OK), 0);
	pbt_parabench(&p,
		      (const char *[]){"compare", "a", "c", "--force", NULL});
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	cr_assert(strstr(p.out, "4 only in A, 4 only in B"), "%s", p.out);
	pbt_proc_free(&p);
	/* Bad usage. */
	pbt_parabench(&p, (const char *[]){"compare", "a", NULL});
	cr_assert_eq(p.status, 2);
	pbt_proc_free(&p);
	pbt_parabench(&p, (const char *[]){"compare", "a", "a", "--threshold",
					   "five", NULL});
	cr_assert_eq(p.status, 2);
	cr_assert(strstr(p.err, "--threshold 'five'"), "%s", p.err);
	pbt_proc_free(&p);
}

/* ---- Failures, named at the end of a run and in the report -------------- */

static const char failing_yaml[] = "name: fails\n"
				   "workload: failing\n"
				   "params: { tasks: 8, fail_task: 5 }\n"
				   "strategies: [serial, pthreads]\n"
				   "workers: [1, 2]\n"
				   "repetitions: 2\n"
				   "warmup: 0\n";

Test(e2e_charts, failed_cells_are_named_with_their_message)
{
	struct pbt_proc p;

	pbt_write("f.yaml", failing_yaml);
	pbt_parabench(&p,
		      (const char *[]){"run", "f.yaml", "--out", "res",
				       "--plugin-dir", test_plugins(), NULL});
	cr_assert_eq(p.status, 1, "exit %d: %s", p.status, p.err);
	cr_assert(strstr(p.err, "not ok: fails cell 1 (serial, 1 worker): 2 "
				"failed: serial: task 5 failed on purpose\n"),
		  "%s", p.err);
	cr_assert(strstr(p.err, "not ok: fails cell 4 (pthreads, 2 "
				"workers): 2 failed: pthreads: task 5"),
		  "%s", p.err);
	pbt_proc_free(&p);
	cr_assert(pbt_file_has("res/report.md",
			       "- cell 2 (serial, 2 workers): 2 failed — 2× "
			       "serial: task 5 failed on purpose\n"));
}
