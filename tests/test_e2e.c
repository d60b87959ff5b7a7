/*
 * test_e2e.c — the real parabench binary on real experiment files: exit
 * statuses, the results folder, and runs.csv read back column by column.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "pbt_files.h"
#include "pbt_procs.h"
#include "pbtest.h"
#include "results/meta_read.h"
#include "run/supervise.h"

static void enter_tmp(void)
{
	cr_assert_eq(chdir(pbt_scratch_new()), 0);
}

static void leave_tmp(void)
{
	cr_assert_eq(chdir("/"), 0);
	pbt_scratch_remove();
}

TestSuite(e2e, .init = enter_tmp, .fini = leave_tmp, .timeout = 60);

static const char pi_yaml[] = "name: pi-e2e\n"
			      "workload: pi\n"
			      "params:\n"
			      "  samples: [2e5, 4e5]\n"
			      "  tasks: 8\n"
			      "strategies: [serial, pthreads]\n"
			      "workers: [1, 2]\n"
			      "repetitions: 2\n"
			      "warmup: 0\n";

static void run_ok(const char *const *argv, struct pbt_proc *p)
{
	pbt_parabench(p, argv);
	cr_assert_eq(p->status, 0, "exit %d\nstdout: %s\nstderr: %s", p->status,
		     p->out, p->err);
}

static void read_csv(const char *path, struct pb_csv *t)
{
	struct pb_err err = {{0}};
	cr_assert_eq(pb_csv_read(path, 0, t, &err), PB_OK, "%s", err.msg);
}

Test(e2e, run_writes_runs_csv_column_by_column)
{
	struct pbt_proc p;
	struct pb_csv t;
	static const char *columns[] = {"experiment",
					"cell",
					"workload",
					"strategy",
					"workers",
					"repetition",
					"status",
					"wall_s",
					"user_s",
					"sys_s",
					"max_rss_kb",
					"vol_ctx",
					"invol_ctx",
					"param_samples",
					"param_tasks",
					"param_seed",
					"param_kernel",
					"param_schedule",
					"param_chunk",
					"metric_estimate",
					"metric_abs_error",
					"metric_samples",
					"metric_simd_width",
					"started_s",
					"other_cpu_s",
					"steal_s",
					"contended",
					"stop",
					"message"};

	pbt_write("pi.yaml", pi_yaml);
	run_ok((const char *[]){"run", "pi.yaml", "--out", "res", "--quiet",
				"--no-report", NULL},
	       &p);
	cr_assert(strstr(p.out, "results: res"), "%s", p.out);
	read_csv("res/runs.csv", &t);
	cr_assert_eq(t.ncols, PB_COUNT(columns));
	for (size_t k = 0; k < t.ncols; k++)
		cr_assert_str_eq(t.header[k], columns[k]);
	/* 2 sample sizes x 2 strategies x 2 worker counts x 2 repetitions,
	 * interleaved: each (cell, repetition) once, in any order. */
	cr_assert_eq(t.nrows, 16);
	bool seen[9][3] = {{0}};
	for (size_t r = 0; r < t.nrows; r++) {
		size_t cell = (size_t)pb_csv_num(&t, r, "cell");
		size_t rep = (size_t)pb_csv_num(&t, r, "repetition");
		bool serial = ((cell - 1) / 2) % 2 == 0, small = cell <= 4;
		cr_assert(cell >= 1 && cell <= 8 && rep >= 1 && rep <= 2);
		cr_assert_not(seen[cell][rep], "cell %zu rep %zu twice", cell,
			      rep);
		seen[cell][rep] = true;
		cr_assert_str_eq(pb_csv_get(&t, r, "experiment"), "pi-e2e");
		cr_assert_str_eq(pb_csv_get(&t, r, "workload"), "pi");
		cr_assert_str_eq(pb_csv_get(&t, r, "strategy"),
				 serial ? "serial" : "pthreads");
		cr_assert_eq(pb_csv_num(&t, r, "workers"), (cell - 1) % 2 + 1);
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok");
		cr_assert_gt(pb_csv_num(&t, r, "wall_s"), 0);
		cr_assert_geq(pb_csv_num(&t, r, "user_s"), 0);
		cr_assert_gt(pb_csv_num(&t, r, "max_rss_kb"), 0);
		cr_assert_eq(pb_csv_num(&t, r, "param_samples"),
			     small ? 2e5 : 4e5);
		cr_assert_eq(pb_csv_num(&t, r, "param_tasks"), 8);
		cr_assert_eq(pb_csv_num(&t, r, "param_seed"), 1);
		cr_assert_str_eq(pb_csv_get(&t, r, "param_kernel"), "scalar");
		cr_assert_str_eq(pb_csv_get(&t, r, "param_chunk"),
				 serial ? "" : "1");
		cr_assert_str_eq(pb_csv_get(&t, r, "param_schedule"),
				 serial ? "" : "dynamic");
		cr_assert_float_eq(pb_csv_num(&t, r, "metric_estimate"), M_PI,
				   0.02);
		cr_assert_eq(pb_csv_num(&t, r, "metric_samples"),
			     small ? 2e5 : 4e5);
		cr_assert_str_eq(pb_csv_get(&t, r, "message"), "");
		/* Same parameters, same estimate, whatever the strategy. */
		for (size_t o = 0; o < t.nrows; o++)
			if (pb_csv_num(&t, o, "param_samples") ==
			    pb_csv_num(&t, r, "param_samples"))
				cr_assert_eq(
				    pb_csv_num(&t, r, "metric_estimate"),
				    pb_csv_num(&t, o, "metric_estimate"));
	}
	pb_csv_free(&t);
	pbt_proc_free(&p);
}

Test(e2e, run_writes_meta_and_experiment_files)
{
	struct pbt_proc p;
	struct pb_meta_doc m;
	struct pb_csv e;
	struct pb_err err = {{0}};

	pbt_write("pi.yaml", pi_yaml);
	run_ok((const char *[]){"run", "pi.yaml", "--out", "res", "--quiet",
				"--no-report", "--repetitions", "1", NULL},
	       &p);
	cr_assert_eq(pb_meta_read("res/meta.json", &m, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_str_eq(pb_meta_get(&m, "status"), "complete");
	cr_assert_str_eq(pb_meta_get(&m, "experiment_file"), "pi.yaml");
	cr_assert_str_eq(pb_meta_get(&m, "experiment_text"), pi_yaml);
	cr_assert_gt(strlen(pb_meta_get(&m, "ended_utc")), 0);
	long long cores;
	cr_assert(pb_meta_int(&m, "cores", 1, 1 << 30, &cores));
	json_t *plugin, *pi = NULL;
	size_t k;
	json_array_foreach(pb_meta_value(&m, "plugins"), k, plugin)
	{
		if (strcmp(json_string_value(json_object_get(plugin, "name")),
			   "pi") == 0)
			pi = plugin;
	}
	cr_assert_not_null(pi, "no pi in meta.json's plugins");
	cr_assert_str_eq(json_string_value(json_object_get(pi, "kind")),
			 "workload");
	cr_assert(
	    strstr(json_string_value(json_object_get(pi, "version")), "1."));
	cr_assert(
	    strstr(json_string_value(json_object_get(pi, "file")), "/pi.so"));
	cr_assert_eq(json_integer_value(pb_meta_value(&m, "repetitions")), 1);
	cr_assert(strstr(pb_meta_get(&m, "command_line"), "--repetitions 1"));
	pb_meta_doc_free(&m);
	read_csv("res/experiments.csv", &e);
	cr_assert_eq(e.nrows, 1);
	cr_assert_str_eq(pb_csv_get(&e, 0, "workload_params"),
			 "samples;tasks;seed;kernel");
	cr_assert_str_eq(pb_csv_get(&e, 0, "baseline_strategy"), "serial");
	cr_assert_str_eq(pb_csv_get(&e, 0, "repetitions"), "1");
	pb_csv_free(&e);
	cr_assert_eq(access("res/experiment.yaml", R_OK), 0);
	pbt_proc_free(&p);
}

Test(e2e, default_folder_is_results_name_time)
{
	struct pbt_proc p;

	pbt_write("pi.yaml", pi_yaml);
	run_ok((const char *[]){"run", "pi.yaml", "--quiet", "--no-report",
				"-r", "1", NULL},
	       &p);
	cr_assert(strstr(p.out, "results: results/pi-e2e/"), "%s", p.out);
	pbt_proc_free(&p);
}

Test(e2e, dry_run_lists_cells_and_creates_nothing)
{
	struct pbt_proc p;

	pbt_write("pi.yaml", pi_yaml);
	run_ok((const char *[]){"run", "pi.yaml", "--dry-run", NULL}, &p);
	cr_assert(strstr(p.out, "8 cells, 16 measured repetitions"), "%s",
		  p.out);
	cr_assert(strstr(p.out, "samples=400000"), "%s", p.out);
	cr_assert_neq(access("results", F_OK), 0);
	pbt_proc_free(&p);
}

Test(e2e, validate_good_and_bad)
{
	struct pbt_proc p;

	pbt_write("pi.yaml", pi_yaml);
	run_ok((const char *[]){"validate", "pi.yaml", NULL}, &p);
	cr_assert(strstr(p.out, "valid: 1 experiment, 8 cells"), "%s", p.out);
	pbt_proc_free(&p);

	pbt_write("bad.yaml", "workload: pi\nstrategies: [serial]\n"
			      "params:\n  samples: lots\n");
	pbt_parabench(&p, (const char *[]){"validate", "bad.yaml", NULL});
	cr_assert_eq(p.status, 2);
	cr_assert(strncmp(p.err, "parabench: bad.yaml:4:12: ", 26) == 0, "%s",
		  p.err);
	cr_assert_eq(strchr(p.err, '\n'), p.err + strlen(p.err) - 1,
		     "exactly one line: %s", p.err);
	pbt_proc_free(&p);
}

Test(e2e, bad_input_exits_2_and_creates_nothing)
{
	struct pbt_proc p;

	pbt_write("bad.yaml", "workload: pie\nstrategies: [serial]\n");
	pbt_parabench(&p, (const char *[]){"run", "bad.yaml", NULL});
	cr_assert_eq(p.status, 2, "%s", p.err);
	cr_assert(strstr(p.err, "bad.yaml:1:11:"), "%s", p.err);
	cr_assert(strstr(p.err, "pi"), "lists what exists: %s", p.err);
	cr_assert_neq(access("results", F_OK), 0);
	pbt_proc_free(&p);

	pbt_parabench(&p, (const char *[]){"run", "missing.yaml", NULL});
	cr_assert_eq(p.status, 2);
	cr_assert(strstr(p.err, "missing.yaml"), "%s", p.err);
	pbt_proc_free(&p);
}

Test(e2e, bad_usage_exits_2)
{
	struct pbt_proc p;
	const char *const cases[][4] = {
	    {"frobnicate", NULL},
	    {"run", NULL},
	    {"run", "a.yaml", "b.yaml", NULL},
	    {"run", "--repetitions", "0", NULL},
	    {"run", "--bogus", NULL},
	    {"list", "extra", NULL},
	};

	for (size_t k = 0; k < PB_COUNT(cases); k++) {
		pbt_parabench(&p, cases[k]);
		cr_assert_eq(p.status, 2, "%s: exit %d", cases[k][0], p.status);
		cr_assert_gt(strlen(p.err), 0, "says why");
		pbt_proc_free(&p);
	}
}

Test(e2e, help_and_version)
{
	struct pbt_proc p;

	run_ok((const char *[]){"--version", NULL}, &p);
	cr_assert(strstr(p.out, "parabench "), "%s", p.out);
	pbt_proc_free(&p);
	run_ok((const char *[]){"run", "--help", NULL}, &p);
	cr_assert(strstr(p.out, "--dry-run"), "%s", p.out);
	pbt_proc_free(&p);
}

Test(e2e, list_shows_plugins_and_parameters)
{
	struct pbt_proc p;

	run_ok((const char *[]){"list", NULL}, &p);
	cr_assert(strstr(p.out, "workloads:"), "%s", p.out);
	cr_assert(strstr(p.out, "  pi 1."), "%s", p.out);
	cr_assert(strstr(p.out, "samples"), "%s", p.out);
	cr_assert(strstr(p.out, "  serial 1.0"), "%s", p.out);
	cr_assert(strstr(p.out, "  pthreads 1.0"), "%s", p.out);
	cr_assert(strstr(p.out, "one of static|dynamic"), "%s", p.out);
	cr_assert(strstr(p.out, "metric estimate"), "%s", p.out);
	pbt_proc_free(&p);
}

Test(e2e, out_never_overwrites)
{
	struct pbt_proc p;

	pbt_write("pi.yaml", pi_yaml);
	mkdir("res", 0755);
	pbt_write("res/keep", "x");
	pbt_parabench(&p,
		      (const char *[]){"run", "pi.yaml", "--out", "res", NULL});
	cr_assert_eq(p.status, 2, "bad usage: %s", p.err);
	cr_assert(strstr(p.err, "not empty"), "%s", p.err);
	cr_assert_neq(access("res/runs.csv", F_OK), 0);
	pbt_proc_free(&p);
}

static const char crash_yaml[] = "name: crashy\n"
				 "workload: crash\n"
				 "params: { tasks: 4, crash_task: 1 }\n"
				 "strategies: [serial, pthreads]\n"
				 "repetitions: 2\n"
				 "warmup: 0\n"
				 "experiments:\n"
				 "  - name: crashes\n"
				 "  - name: hangs\n"
				 "    workload: hang\n"
				 "    params: { tasks: 4, hang_task: 1 }\n"
				 "    timeout: 200ms\n"
				 "  - name: fine\n"
				 "    workload: pi\n"
				 "    params: { samples: 1e4, tasks: 2 }\n";

Test(e2e, crashes_and_hangs_are_rows_and_the_run_goes_on)
{
	struct pbt_proc p;
	struct pb_csv t;
	char plugins[4096];

	snprintf(plugins, sizeof(plugins), "%s/test-plugins", pbt_build());
	pbt_write("c.yaml", crash_yaml);
	pbt_parabench(&p, (const char *[]){"run", "c.yaml", "--out", "res",
					   "--quiet", "--no-report",
					   "--plugin-dir", plugins, NULL});
	cr_assert_eq(p.status, 1, "some cell not ok: %s", p.err);
	read_csv("res/runs.csv", &t);
	cr_assert_eq(t.nrows, 12);
	for (size_t r = 0; r < 4; r++) {
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "crashed");
		cr_assert(strstr(pb_csv_get(&t, r, "message"), "SIGSEGV"), "%s",
			  pb_csv_get(&t, r, "message"));
	}
	for (size_t r = 4; r < 8; r++) {
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "timeout");
		cr_assert(strstr(pb_csv_get(&t, r, "message"), "0.2s"), "%s",
			  pb_csv_get(&t, r, "message"));
	}
	for (size_t r = 8; r < 12; r++)
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok");
	pb_csv_free(&t);
	pbt_proc_free(&p);
}

static const char gate_yaml[] = "name: gated\n"
				"workload: gate\n"
				"params: { tasks: 1, fifo: gate.fifo }\n"
				"strategies: [serial]\n"
				"workers: [1, 2, 3]\n"
				"repetitions: 3\n"
				"warmup: 0\n";

/*
 * The gate test plugin tells the test through gate.fifo when a task is
 * running ('r') and when its cell process was asked to stop ('s'), so each
 * signal lands at a known point, with no sleep.
 */
Test(e2e, interrupt_keeps_rows_and_resume_completes)
{
	struct pbt_proc p;
	struct pb_meta_doc m;
	struct pb_csv t;
	struct pb_err err = {{0}};
	char plugins[4096];
	int status;

	snprintf(plugins, sizeof(plugins), "%s/test-plugins", pbt_build());
	pbt_write("gate.yaml", gate_yaml);
	int gate = pbt_gate_open("gate.fifo");
	pid_t pid = pbt_parabench_start(
	    (const char *[]){"run", "gate.yaml", "--out", "res", "--no-report",
			     "--plugin-dir", plugins, NULL});
	pbt_gate_expect(gate, 'r'); /* the first repetition is running */
	kill(pid, SIGINT);
	pbt_gate_expect(gate, 's'); /* its cell was asked to stop */
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	cr_assert_eq(WEXITSTATUS(status), 130);
	close(gate); /* no reader: the gate lets every task through */
	cr_assert_eq(pb_meta_read("res/meta.json", &m, &err), PB_OK);
	cr_assert_str_eq(pb_meta_get(&m, "status"), "interrupted");
	pb_meta_doc_free(&m);
	read_csv("res/runs.csv", &t);
	cr_assert_eq(t.nrows, 1, "the repetition in progress, and no other");
	cr_assert_str_eq(pb_csv_get(&t, 0, "status"), "ok", "%s",
			 pb_csv_get(&t, 0, "message"));
	pb_csv_free(&t);

	run_ok((const char *[]){"run", "--resume", "res", "--quiet",
				"--no-report", "--plugin-dir", plugins, NULL},
	       &p);
	read_csv("res/runs.csv", &t);
	cr_assert_eq(t.nrows, 9, "the missing rows were added");
	bool seen[4][4] = {{0}};
	for (size_t r = 0; r < t.nrows; r++) {
		int cell = (int)pb_csv_num(&t, r, "cell");
		int rep = (int)pb_csv_num(&t, r, "repetition");
		cr_assert(cell >= 1 && cell <= 3 && rep >= 1 && rep <= 3);
		cr_assert_not(seen[cell][rep], "row %d/%d twice", cell, rep);
		seen[cell][rep] = true;
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok");
	}
	pb_csv_free(&t);
	cr_assert_eq(pb_meta_read("res/meta.json", &m, &err), PB_OK);
	cr_assert_str_eq(pb_meta_get(&m, "status"), "complete");
	pb_meta_doc_free(&m);
	pbt_proc_free(&p);
}

Test(e2e, a_second_interrupt_stops_at_once)
{
	struct pb_csv t;
	int status;
	char plugins[4096];

	/* The stuck cell ignores the first request: only the second signal
	 * can end it before its 60 s timeout. */
	snprintf(plugins, sizeof(plugins), "%s/test-plugins", pbt_build());
	pbt_write("h.yaml", "name: h\nworkload: pi\n"
			    "params: {samples: 1e4, tasks: 1}\n"
			    "strategies: [serial]\nrepetitions: 1\nwarmup: 0\n"
			    "experiments:\n  - name: quick\n"
			    "  - name: stuck\n    workload: gate\n"
			    "    params: {fifo: gate.fifo, hang: true}\n"
			    "    timeout: 60s\n");
	int gate = pbt_gate_open("gate.fifo");
	pid_t pid = pbt_parabench_start(
	    (const char *[]){"run", "h.yaml", "--out", "res", "--no-report",
			     "--plugin-dir", plugins, NULL});
	pbt_gate_expect(gate, 'r'); /* quick is done, stuck is running */
	kill(pid, SIGINT);
	pbt_gate_expect(gate, 's'); /* the first signal was handled */
	kill(pid, SIGINT);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130, "status %#x",
		  status);
	close(gate);
	read_csv("res/runs.csv", &t);
	cr_assert_eq(t.nrows, 1, "the quick row is kept, the stuck one not");
	cr_assert_str_eq(pb_csv_get(&t, 0, "status"), "ok");
	cr_assert_str_eq(pb_csv_get(&t, 0, "experiment"), "quick");
	pb_csv_free(&t);
}

Test(e2e, a_closed_stdout_is_no_crash)
{
	int fds[2], status;
	char prog[4096];

	snprintf(prog, sizeof(prog), "%s/parabench", pbt_build());
	cr_assert_eq(pipe(fds), 0);
	close(fds[0]); /* nobody reads: writes get EPIPE (or SIGPIPE) */
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		freopen("/dev/null", "w", stderr);
		execl(prog, prog, "list", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "killed by signal %d", WTERMSIG(status));
	cr_assert_eq(WEXITSTATUS(status), 1, "an output error, said so");
}

Test(e2e, resume_refuses_a_changed_experiment_file)
{
	struct pbt_proc p;

	pbt_write("pi.yaml", pi_yaml);
	run_ok((const char *[]){"run", "pi.yaml", "--out", "res", "--quiet",
				"--no-report", "-r", "1", NULL},
	       &p);
	pbt_proc_free(&p);
	pbt_write("pi.yaml", "# edited\n");
	pbt_parabench(&p, (const char *[]){"run", "--resume", "res", NULL});
	cr_assert_eq(p.status, 2);
	cr_assert(strstr(p.err, "pi.yaml changed since the run"), "%s", p.err);
	pbt_proc_free(&p);
}

/* Runs parabench with files limited to limit bytes: a disk that fills. */
static int run_with_fsize_limit(rlim_t limit, const char *const *argv)
{
	char prog[4096];
	const char *args[16] = {prog};
	int status;

	snprintf(prog, sizeof(prog), "%s/parabench", pbt_build());
	for (size_t k = 0; argv[k] && k < 14; k++)
		args[k + 1] = argv[k];
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit rl = {limit, limit};
		setrlimit(RLIMIT_FSIZE, &rl);
		freopen("/dev/null", "w", stdout);
		freopen("err.txt", "w", stderr);
		execv(prog, (char *const *)args);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Test(e2e, a_full_disk_is_a_clear_error_and_leaves_whole_rows)
{
	struct pb_csv t;
	char *text;
	size_t len;
	struct pb_err err = {{0}};

	pbt_write("pi.yaml", pi_yaml);
	/*
	 * Room for meta.json (a few KiB: it lists every plugin file) and
	 * for some rows of runs.csv, not all 160 (about 150 bytes each).
	 */
	int status = run_with_fsize_limit(
	    8000, (const char *[]){"run", "pi.yaml", "--out", "res", "--quiet",
				   "--no-report", "--repetitions", "20", NULL});
	cr_assert_eq(status, 1);
	cr_assert_eq(pb_read_whole_file("err.txt", &text, &len, &err), PB_OK);
	cr_assert(strstr(text, "res/runs.csv: cannot write: File too large"),
		  "%s", text);
	free(text);
	read_csv("res/runs.csv", &t); /* strict: no torn row */
	cr_assert_gt(t.nrows, 0);
	cr_assert_lt(t.nrows, 160);
	for (size_t r = 0; r < t.nrows; r++)
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok");
	pb_csv_free(&t);
}

Test(e2e, an_unwritable_results_folder_is_named)
{
	struct pbt_proc p;

	pbt_write("pi.yaml", pi_yaml);
	pbt_parabench(&p, (const char *[]){"run", "pi.yaml", "--out",
					   "/proc/parabench-test", NULL});
	cr_assert_neq(p.status, 0);
	cr_assert(strstr(p.err, "/proc/parabench-test"), "%s", p.err);
	pbt_proc_free(&p);
}
