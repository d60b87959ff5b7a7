/*
 * test_e2e_procs.c — the real parabench binary and its processes and
 * standard streams: closed fds 0-2, lost output, a plugin that ends the
 * program while loading.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
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

TestSuite(e2e_procs, .init = enter_tmp, .fini = leave_tmp, .timeout = 60);

static const char noisy_yaml[] = "name: noisy\n"
				 "workload: noisy\n"
				 "params: { tasks: 3 }\n"
				 "strategies: [serial]\n"
				 "repetitions: 2\n"
				 "warmup: 0\n";

/*
 * Runs parabench with argv; stdout and stderr go to out.txt and err.txt,
 * except that fd `closed` (1 or 2; -1 none) is closed; stdin is closed
 * too when closed is 0. Returns the exit status (128 + signal).
 */
static int run_closed(int closed, const char *const *argv)
{
	char prog[4096];
	const char *args[24] = {prog};
	int status;

	snprintf(prog, sizeof(prog), "%s/parabench", pbt_build());
	for (size_t k = 0; argv[k] && k < 22; k++)
		args[k + 1] = argv[k];
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int out = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int err = open("err.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(out, 1);
		dup2(err, 2);
		close(out);
		close(err);
		if (closed >= 0)
			close(closed);
		execv(prog, (char *const *)args);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static const char *test_plugins(void)
{
	static char dir[4096];

	snprintf(dir, sizeof(dir), "%s/test-plugins", pbt_build());
	return dir;
}

/* runs.csv of res, read strictly: every row whole, each one ok. */
static void assert_clean_runs_csv(size_t rows)
{
	struct pb_csv t;
	struct pb_err err = {{0}};

	cr_assert_eq(pb_csv_read("res/runs.csv", 0, &t, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(t.nrows, rows);
	for (size_t r = 0; r < t.nrows; r++)
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok");
	pb_csv_free(&t);
	cr_assert_not(pbt_file_has("res/runs.csv", "noise"));
	cr_assert_not(pbt_file_has("res/runs.csv", "cells"));
	cr_assert_not(pbt_file_has("res/meta.json", "noise"));
}

Test(e2e_procs, a_closed_stderr_keeps_runs_csv_clean)
{
	pbt_write("n.yaml", noisy_yaml);
	int st = run_closed(2, (const char *[]){"run", "n.yaml", "--out", "res",
						"--plugin-dir", test_plugins(),
						NULL});
	cr_assert_eq(st, 0, "exit %d", st);
	assert_clean_runs_csv(2);
	cr_assert(pbt_file_has("out.txt", "results: res"));
}

Test(e2e_procs, a_closed_stdout_keeps_runs_csv_clean_and_is_an_error)
{
	pbt_write("n.yaml", noisy_yaml);
	int st = run_closed(1, (const char *[]){"run", "n.yaml", "--out", "res",
						"--quiet", "--plugin-dir",
						test_plugins(), NULL});
	/* The run is whole; only the closing "results:" line was lost. */
	cr_assert_eq(st, 1, "exit %d", st);
	assert_clean_runs_csv(2);
	cr_assert(pbt_file_has("err.txt", "cannot write to standard output"));
}

Test(e2e_procs, a_closed_stdin_is_no_file)
{
	pbt_write("n.yaml", noisy_yaml);
	int st = run_closed(0, (const char *[]){"run", "n.yaml", "--out", "res",
						"--quiet", "--plugin-dir",
						test_plugins(), NULL});
	cr_assert_eq(st, 0, "exit %d", st);
	assert_clean_runs_csv(2);
}

Test(e2e_procs, lost_output_is_an_error)
{
	static const char *const cmds[][8] = {
	    {"list", NULL},
	    {"validate", "n.yaml", "--plugin-dir", NULL},
	    {"run", "n.yaml", "--dry-run", "--plugin-dir", NULL},
	    {"--version", NULL},
	    {"run", "--help", NULL},
	};

	pbt_write("n.yaml", noisy_yaml);
	for (size_t k = 0; k < PB_COUNT(cmds); k++) {
		const char *argv[8] = {0};
		for (size_t a = 0; cmds[k][a]; a++)
			argv[a] = cmds[k][a];
		for (size_t a = 0; argv[a]; a++)
			if (!argv[a + 1] &&
			    strcmp(argv[a], "--plugin-dir") == 0)
				argv[a + 1] = test_plugins();
		/* stdout closed, then stdout on a full disk */
		int st = run_closed(1, argv);
		cr_assert_eq(st, 1, "%s >&-: exit %d", argv[0], st);
		cr_assert(pbt_file_has("err.txt",
				       "cannot write to standard "
				       "output: Bad file descriptor"),
			  "%s", argv[0]);
		pid_t pid = fork();
		if (pid == 0) {
			int full = open("/dev/full", O_WRONLY);
			dup2(full, 1);
			freopen("err.txt", "w", stderr);
			char prog[4096];
			snprintf(prog, sizeof(prog), "%s/parabench",
				 pbt_build());
			const char *args[9] = {prog};
			memcpy(args + 1, argv, sizeof(argv[0]) * 7);
			execv(prog, (char *const *)args);
			_exit(127);
		}
		cr_assert_eq(waitpid(pid, &st, 0), pid);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1,
			  "%s >/dev/full: status %#x", argv[0], st);
		cr_assert(pbt_file_has("err.txt", "No space left on device"),
			  "%s", argv[0]);
	}
	cr_assert_neq(access("results", F_OK), 0);
}

/* A folder holding only the broken plugin name, as a --plugin-dir. */
static const char *broken_dir(const char *name)
{
	char from[4096], to[4096];

	mkdir("broken", 0755);
	snprintf(from, sizeof(from), "%s/broken-plugins/%s.so", pbt_build(),
		 name);
	snprintf(to, sizeof(to), "broken/%s.so", name);
	cr_assert_eq(symlink(from, to), 0);
	return "broken";
}

Test(e2e_procs, a_plugin_that_exits_while_loading_is_named)
{
	const char *dir = broken_dir("exit_on_load");
	static const char *const cmds[][6] = {
	    {"list", "--plugin-dir", NULL},
	    {"validate", "n.yaml", "--plugin-dir", NULL},
	    {"run", "n.yaml", "--out", "res", "--plugin-dir", NULL},
	};

	pbt_write("n.yaml", noisy_yaml);
	for (size_t k = 0; k < PB_COUNT(cmds); k++) {
		const char *argv[7] = {0};
		size_t a = 0;
		for (; cmds[k][a]; a++)
			argv[a] = cmds[k][a];
		argv[a] = dir;
		int st = run_closed(-1, argv);
		cr_assert_eq(st, 2, "%s: exit %d", argv[0], st);
		char *err = pbt_read("err.txt");
		cr_assert(strstr(err,
				 "broken/exit_on_load.so: the plugin ended "
				 "the program while it was loaded"),
			  "%s", err);
		free(err);
	}
	cr_assert_neq(access("res", F_OK), 0, "no results folder");
}
