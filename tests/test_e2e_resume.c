/*
 * test_e2e_resume.c — results folders that a second run or a resume
 * cannot corrupt, through the real binary: the folder claimed and locked
 * for the whole run, a resume refused while the run goes on, a saved
 * experiment edited, other repetitions, a last line without its newline,
 * duplicate rows; and a refused resume writes nothing and exits 2.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "pbt_files.h"
#include "pbtest.h"
#include "results/meta.h"
#include "results/meta_read.h"

static void enter_tmp(void)
{
	cr_assert_eq(chdir(pbt_scratch_new()), 0);
}

static void leave_tmp(void)
{
	cr_assert_eq(chdir("/"), 0);
	pbt_scratch_remove();
}

TestSuite(resume, .init = enter_tmp, .fini = leave_tmp, .timeout = 60);

/* 4 cells (2 strategies x 2 worker counts), 2 repetitions each. */
static const char pi_yaml[] = "name: pi-r\n"
			      "workload: pi\n"
			      "params:\n"
			      "  samples: 2e4\n"
			      "  tasks: 4\n"
			      "strategies: [serial, pthreads]\n"
			      "workers: [1, 2]\n"
			      "repetitions: 2\n"
			      "warmup: 0\n";

static void run_expect(const char *const *argv, int status, struct pbt_proc *p)
{
	pbt_parabench(p, argv);
	cr_assert_eq(p->status, status,
		     "exit %d, not %d\nstdout: %s\nstderr: %s", p->status,
		     status, p->out, p->err);
}

/* A complete run of pi_yaml into res, with extra arguments. */
static void first_run(const char *reps)
{
	struct pbt_proc p;

	pbt_write("pi.yaml", pi_yaml);
	if (reps)
		run_expect((const char *[]){"run", "pi.yaml", "--out", "res",
					    "--quiet", "--no-report",
					    "--repetitions", reps, NULL},
			   0, &p);
	else
		run_expect((const char *[]){"run", "pi.yaml", "--out", "res",
					    "--quiet", "--no-report", NULL},
			   0, &p);
	pbt_proc_free(&p);
}

static void read_csv(const char *path, struct pb_csv *t)
{
	struct pb_err err = {{0}};
	cr_assert_eq(pb_csv_read(path, 0, t, &err), PB_OK, "%s", err.msg);
}

/* runs.csv without its last n rows (as an interrupted run leaves it). */
static void drop_rows(int n)
{
	char *text = pbt_read("res/runs.csv");
	size_t len = strlen(text);

	for (int k = 0; k < n; k++) {
		len--; /* the line end of the last row */
		while (len > 0 && text[len - 1] != '\n')
			len--;
	}
	text[len] = '\0';
	pbt_write("res/runs.csv", text);
	free(text);
}

/* Every (cell, repetition) of runs.csv once; returns the row count. */
static size_t check_unique_rows(unsigned cells, unsigned reps)
{
	struct pb_csv t;
	bool seen[8][8] = {{0}};

	read_csv("res/runs.csv", &t); /* strict: a glued row fails here */
	for (size_t r = 0; r < t.nrows; r++) {
		int cell = (int)pb_csv_num(&t, r, "cell");
		int rep = (int)pb_csv_num(&t, r, "repetition");
		cr_assert(cell >= 1 && cell <= (int)cells && rep >= 1 &&
			      rep <= (int)reps,
			  "row %zu: cell %d repetition %d", r, cell, rep);
		cr_assert_not(seen[cell][rep], "cell %d repetition %d twice",
			      cell, rep);
		seen[cell][rep] = true;
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok");
	}
	size_t n = t.nrows;
	pb_csv_free(&t);
	return n;
}

/* The files a refused resume must leave as they were. */
struct snapshot {
	char *meta, *runs, *yaml;
};

static void take(struct snapshot *s)
{
	s->meta = pbt_read("res/meta.json");
	s->runs = pbt_read("res/runs.csv");
	s->yaml = pbt_read("res/experiment.yaml");
}

static void assert_unchanged(struct snapshot *s)
{
	char *meta = pbt_read("res/meta.json");
	char *runs = pbt_read("res/runs.csv");
	char *yaml = pbt_read("res/experiment.yaml");

	cr_assert_str_eq(meta, s->meta, "meta.json was rewritten");
	cr_assert_str_eq(runs, s->runs, "runs.csv was rewritten");
	cr_assert_str_eq(yaml, s->yaml, "experiment.yaml was rewritten");
	free(meta), free(runs), free(yaml);
	free(s->meta), free(s->runs), free(s->yaml);
}

/* A resume that must be refused (exit 2) with want in its message. */
static void refused(const char *const *argv, const char *want)
{
	struct pbt_proc p;
	struct snapshot s;

	take(&s);
	run_expect(argv, 2, &p);
	cr_assert(strstr(p.err, want), "want: %s\ngot: %s", want, p.err);
	assert_unchanged(&s);
	pbt_proc_free(&p);
}

static const char *const resume_argv[] = {"run",     "--resume",    "res",
					  "--quiet", "--no-report", NULL};

Test(resume, an_edited_saved_experiment_is_refused_saying_what_changed)
{
	char *yaml, want[256], then[65], now[65];
	static const char edited[] = "name: pi-r\n"
				     "workload: pi\n"
				     "params:\n"
				     "  samples: 3e4\n"
				     "  tasks: 4\n"
				     "strategies: [serial, pthreads]\n"
				     "workers: [1, 2]\n"
				     "repetitions: 2\n"
				     "warmup: 0\n";

	first_run(NULL);
	drop_rows(3);
	/* Same cells, other work: without the hash, two experiments mix. */
	pbt_write("res/experiment.yaml", edited);
	yaml = pbt_read("res/experiment.yaml");
	pb_sha256_hex(pi_yaml, strlen(pi_yaml), then);
	pb_sha256_hex(yaml, strlen(yaml), now);
	free(yaml);
	snprintf(want, sizeof(want), "(SHA-256 then %s, now %s)", then, now);
	refused(resume_argv, "res/experiment.yaml changed since the run");
	refused(resume_argv, want);
	refused(resume_argv, "the first difference is on line 4: then '  "
			     "samples: 2e4', now '  samples: 3e4'");
}

Test(resume, the_runs_own_repetitions_are_kept)
{
	struct pbt_proc p;
	struct pb_meta_doc m;
	struct pb_err err = {{0}};

	first_run("1"); /* the experiment says 2; the run was made with 1 */
	drop_rows(2);
	run_expect(resume_argv, 0, &p);
	pbt_proc_free(&p);
	cr_assert_eq(check_unique_rows(4, 1), 4, "one repetition per cell");
	cr_assert_eq(pb_meta_read("res/meta.json", &m, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(json_integer_value(pb_meta_value(&m, "repetitions")), 1);
	cr_assert_str_eq(pb_meta_get(&m, "status"), "complete");
	pb_meta_doc_free(&m);
}

Test(resume, other_repetitions_are_refused_before_any_write)
{
	first_run("1");
	drop_rows(1);
	refused((const char *[]){"run", "--resume", "res", "--repetitions", "3",
				 NULL},
		"the run was made with --repetitions 1, not 3");
}

Test(resume, repetitions_given_to_a_run_made_without_are_refused)
{
	first_run(NULL);
	drop_rows(1);
	refused((const char *[]){"run", "--resume", "res", "-r", "1", NULL},
		"the run was made without --repetitions");
}

Test(resume, a_last_row_without_its_newline_is_kept_and_mended)
{
	struct pbt_proc p;
	char *text;

	first_run(NULL);
	drop_rows(3);
	text = pbt_read("res/runs.csv");
	text[strlen(text) - 1] = '\0'; /* a whole row, its newline lost */
	pbt_write("res/runs.csv", text);
	free(text);
	run_expect(resume_argv, 0, &p);
	pbt_proc_free(&p);
	cr_assert_eq(check_unique_rows(4, 2), 8, "3 rows added, none glued");
}

Test(resume, a_torn_last_row_with_every_field_is_measured_again)
{
	struct pbt_proc p;
	char *text, *cut;

	first_run(NULL);
	drop_rows(3);
	text = pbt_read("res/runs.csv");
	/* The last row's status cut to "o", its newline missing. */
	cut = text + strlen(text) - 1;
	while (cut > text && cut[-1] != '\n')
		cut--;
	char *st = strstr(cut, ",ok,");
	cr_assert_not_null(st);
	memmove(st + 2, st + 3, strlen(st + 3) + 1);
	text[strlen(text) - 1] = '\0';
	pbt_write("res/runs.csv", text);
	free(text);
	run_expect(resume_argv, 0, &p);
	pbt_proc_free(&p);
	cr_assert_eq(check_unique_rows(4, 2), 8, "the torn row measured anew");
}

Test(resume, a_duplicate_row_is_refused_naming_both_lines)
{
	char *text;
	FILE *f;

	first_run(NULL);
	drop_rows(2);
	text = pbt_read("res/runs.csv");
	f = fopen("res/runs.csv", "a");
	/* Line 2 again, as line 8. */
	fprintf(
	    f, "%.*s",
	    (int)(strchr(strchr(text, '\n') + 1, '\n') - strchr(text, '\n')),
	    strchr(text, '\n') + 1);
	fclose(f);
	free(text);
	refused(resume_argv, "res/runs.csv:2 and 8: both are repetition");
}

Test(resume, a_changed_header_is_refused_before_any_write)
{
	char *text;

	first_run(NULL);
	drop_rows(1);
	text = pbt_read("res/runs.csv");
	memcpy(text, "exper1ment", 10);
	pbt_write("res/runs.csv", text);
	free(text);
	refused(resume_argv, "the header of runs.csv differs");
}

Test(resume, a_capacity_csv_of_another_version_is_refused_before_any_write)
{
	first_run(NULL);
	drop_rows(1);
	pbt_write("res/capacity.csv",
		  "experiment,round,started_s,threads,wall_s,speedup\n"
		  "pi-r,1,0.1,1,0.05,1\n");
	refused(resume_argv, "capacity.csv: its header is not this version's");
	char *cap = pbt_read("res/capacity.csv");
	cr_assert_str_eq(cap, "experiment,round,started_s,threads,wall_s,"
			      "speedup\npi-r,1,0.1,1,0.05,1\n");
	free(cap);
}

Test(resume, a_folder_of_an_older_parabench_is_refused)
{
	char *meta;

	first_run(NULL);
	drop_rows(1);
	meta = pbt_read("res/meta.json");
	char *key = strstr(meta, "\"experiment_sha256\"");
	cr_assert_not_null(key);
	memcpy(key, "\"experiment_sha257\"", 19);
	pbt_write("res/meta.json", meta);
	free(meta);
	refused(resume_argv, "meta.json records no experiment_sha256");
}

Test(resume, not_a_results_folder)
{
	struct pbt_proc p;

	mkdir("empty", 0755);
	run_expect((const char *[]){"run", "--resume", "empty", NULL}, 2, &p);
	cr_assert(strstr(p.err, "not the results folder of a run"), "%s",
		  p.err);
	cr_assert_neq(access("empty/run.lock", F_OK), 0, "nothing written");
	pbt_proc_free(&p);
}

/* Starts a run in the background (output to files); returns its pid. */
static pid_t start_run(const char *const *argv)
{
	char prog[4096];
	const char *args[16] = {prog};

	snprintf(prog, sizeof(prog), "%s/parabench", pbt_build());
	for (size_t k = 0; argv[k] && k < 14; k++)
		args[k + 1] = argv[k];
	pid_t pid = fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		freopen("bg-err.txt", "w", stderr);
		execv(prog, (char *const *)args);
		_exit(127);
	}
	return pid;
}

/* Waits for path to exist (the run writes it before any cell runs). */
static void wait_for(const char *path)
{
	struct timespec tick = {0, 10 * 1000 * 1000};

	for (int tries = 0; tries < 3000; tries++) {
		if (access(path, F_OK) == 0)
			return;
		nanosleep(&tick, NULL);
	}
	cr_assert_fail("%s never appeared", path);
}

/* Interrupts the run until it has ended (a signal may land early). */
static void stop_run(pid_t pid)
{
	struct timespec tick = {0, 50 * 1000 * 1000};
	int status;

	for (;;) {
		kill(pid, SIGINT);
		pid_t got = waitpid(pid, &status, WNOHANG);
		cr_assert_neq(got, -1);
		if (got == pid)
			return;
		nanosleep(&tick, NULL);
	}
}

Test(resume, a_run_in_progress_keeps_its_folder)
{
	char plugins[4096], want[128];
	struct pbt_proc p;
	struct snapshot s;

	/* The cell hangs until the run is interrupted. */
	snprintf(plugins, sizeof(plugins), "%s/test-plugins", pbt_build());
	pbt_write("h.yaml", "name: h\nworkload: hang\n"
			    "params: {tasks: 2, hang_task: 0}\n"
			    "strategies: [serial]\nrepetitions: 1\nwarmup: 0\n"
			    "timeout: 60s\n");
	pid_t pid = start_run((const char *[]){"run", "h.yaml", "--out", "res",
					       "--no-report", "--plugin-dir",
					       plugins, NULL});
	wait_for("res/runs.csv");
	take(&s);
	/* A second run into the same folder: refused, nothing replaced. */
	pbt_write("pi.yaml", pi_yaml);
	run_expect((const char *[]){"run", "pi.yaml", "--out", "res", NULL}, 2,
		   &p);
	cr_assert(strstr(p.err, "--out res: "), "%s", p.err);
	pbt_proc_free(&p);
	/* A resume while it runs: refused, naming the run's pid. */
	snprintf(want, sizeof(want), "a run is in progress in res (pid %ld)",
		 (long)pid);
	run_expect((const char *[]){"run", "--resume", "res", "--plugin-dir",
				    plugins, NULL},
		   2, &p);
	cr_assert(strstr(p.err, want), "want: %s\ngot: %s", want, p.err);
	pbt_proc_free(&p);
	assert_unchanged(&s);
	stop_run(pid);
}
