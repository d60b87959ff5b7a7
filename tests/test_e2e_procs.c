/*
 * test_e2e_procs.c — the real parabench binary and its processes and
 * standard streams: closed fds 0-2, lost output, a plugin that ends the
 * program while loading; nothing outliving a runner killed with kill -9.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "pbt_files.h"
#include "pbt_procs.h"
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

/* ---- Nothing outlives the runner or its cell ---------------------------- */

static void gate_yaml(const char *strategy, unsigned workers, unsigned tasks)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "name: gated\nworkload: gate\n"
		 "params: { tasks: %u, fifo: gate.fifo }\n"
		 "strategies: [%s]\nworkers: [%u]\n"
		 "repetitions: 3\nwarmup: 0\ntimeout: 5s\n",
		 tasks, strategy, workers);
	pbt_write("g.yaml", text);
}

/* kill -9 of the runner while every worker is inside a task. */
static void kill_runner_mid_cell(const char *strategy, unsigned ready)
{
	pid_t below[64];

	pbt_adopt_orphans();
	gate_yaml(strategy, 2, 2);
	int gate = pbt_gate_open("gate.fifo");
	pid_t pid = pbt_parabench_start(
	    (const char *[]){"run", "g.yaml", "--out", "res", "--plugin-dir",
			     test_plugins(), NULL});
	for (unsigned k = 0; k < ready; k++)
		pbt_gate_expect(gate, 'r');
	size_t n = pbt_descendants(pid, below, PB_COUNT(below));
	cr_assert_geq(n,
		      1 + (ready > 1 && strcmp(strategy, "pthreads") ? 2 : 0),
		      "%s: the cell (and its workers) run", strategy);
	cr_assert_eq(kill(pid, SIGKILL), 0);
	cr_assert_eq(waitpid(pid, NULL, 0), pid);
	pbt_assert_children_gone(10, strategy);
	close(gate);
}

Test(e2e_procs, kill_9_of_the_runner_ends_a_serial_cell)
{
	kill_runner_mid_cell("serial", 1);
}

Test(e2e_procs, kill_9_of_the_runner_ends_a_pthreads_cell)
{
	kill_runner_mid_cell("pthreads", 2);
}

Test(e2e_procs, kill_9_of_the_runner_ends_a_fork_cell_and_its_workers)
{
	kill_runner_mid_cell("fork", 2);
}

Test(e2e_procs, kill_9_of_the_runner_ends_a_shm_cell_and_its_workers)
{
	kill_runner_mid_cell("shm", 2);
}

/*
 * Runs the experiment file f, waits (bounded) until the runner has want
 * descendants (the cell, its workers and what they started), kills the
 * runner with SIGKILL and waits for every one of them to be gone.
 */
static void kill_runner_with_descendants(const char *f, size_t want)
{
	pid_t below[64];
	size_t n = 0;

	pbt_adopt_orphans();
	pid_t pid = pbt_parabench_start(
	    (const char *[]){"run", f, "--out", "res", NULL});
	for (int tries = 0; tries < 3000 && n < want; tries++) {
		n = pbt_descendants(pid, below, PB_COUNT(below));
		if (n < want)
			usleep(10000); /* polling, bounded */
	}
	cr_assert_eq(kill(pid, SIGKILL), 0);
	cr_assert_eq(waitpid(pid, NULL, 0), pid);
	pbt_assert_children_gone(10, f);
	/* Checked last, so that a failure leaves nothing running. */
	cr_assert_eq(n, want, "%s: %zu processes below the runner", f, n);
}

Test(e2e_procs, kill_9_of_the_runner_ends_the_pipe_peers_too)
{
	/* The guard, the cell, 2 workers and their 2 peers. */
	pbt_write("p.yaml", "name: peers\nworkload: pipe\n"
			    "params: { mode: pingpong, tasks: 2, "
			    "round_trips: 1e9 }\n"
			    "strategies: [fork]\nworkers: [2]\n"
			    "repetitions: 1\nwarmup: 0\ntimeout: 5m\n");
	kill_runner_with_descendants("p.yaml", 6);
}

Test(e2e_procs, kill_9_of_the_runner_ends_the_commands_too)
{
	/* The guard, the cell, 2 workers and the program each started. */
	pbt_write("c.yaml", "name: cmds\nworkload: command\n"
			    "params: { command: [sleep, '300'], tasks: 2 }\n"
			    "strategies: [fork]\nworkers: [2]\n"
			    "repetitions: 1\nwarmup: 0\ntimeout: 5m\n");
	kill_runner_with_descendants("c.yaml", 6);
}

/* Runs the daemon plugin under strategy; every row says 1 was killed. */
static void run_daemons(const char *strategy, const char *extra)
{
	char text[512];
	struct pbt_proc p;
	struct pb_csv t;
	struct pb_err err = {{0}};

	pbt_adopt_orphans();
	snprintf(text, sizeof(text),
		 "name: d\nworkload: daemon\nparams: { tasks: 2 }\n"
		 "strategies: [%s]\nworkers: [2]\nrepetitions: 2\n"
		 "warmup: 1\n",
		 strategy);
	pbt_write("d.yaml", text);
	pbt_parabench(&p,
		      (const char *[]){"run", "d.yaml", "--out", "res",
				       "--quiet", "--no-report", "--plugin-dir",
				       test_plugins(), extra, NULL});
	cr_assert_eq(p.status, 0, "%s: exit %d: %s", strategy, p.status, p.err);
	cr_assert_eq(pb_csv_read("res/runs.csv", 0, &t, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(t.nrows, 2);
	for (size_t r = 0; r < t.nrows; r++)
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok");
	/* The warm-up's daemon is counted in the first row. */
	cr_assert_str_eq(pb_csv_get(&t, 0, "message"),
			 "2 processes left behind by the plugins (killed)",
			 "%s", strategy);
	cr_assert_str_eq(pb_csv_get(&t, 1, "message"),
			 "1 process left behind by the plugins (killed)", "%s",
			 strategy);
	pb_csv_free(&t);
	pbt_proc_free(&p);
	pbt_assert_children_gone(5, strategy);
}

Test(e2e_procs, daemons_of_a_plugin_are_killed_and_counted)
{
	run_daemons("serial", NULL);
}

Test(e2e_procs, daemons_of_workers_are_killed_and_counted)
{
	run_daemons("fork", NULL);
}

Test(e2e_procs, daemons_are_killed_without_cgroups_too)
{
	setenv("PARABENCH_NO_CGROUP", "1", 1);
	run_daemons("fork", NULL);
}

Test(e2e_procs, daemons_are_killed_without_isolation_too)
{
	run_daemons("pthreads", "--no-isolate");
}

/*
 * The cgroup2 mount point (a static buffer) when one is mounted writable
 * here and cgroups are not turned off; NULL otherwise.
 */
static const char *cgroup_mount(void)
{
	static char mnt[4096];
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/self/mountinfo", "r");

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, " - cgroup2 ") &&
			sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1;
	if (f)
		fclose(f);
	if (!found || access(mnt, W_OK) != 0 || getenv("PARABENCH_NO_CGROUP"))
		return NULL;
	return mnt;
}

Test(e2e_procs, a_cell_runs_in_a_cgroup_of_its_own_where_one_can_be_made)
{
	pid_t below[8];
	char path[64], want[64], dir[8192], *cg, *line;
	const char *mnt = cgroup_mount();
	int status;

	if (!mnt)
		cr_skip(
		    "no writable cgroup v2 here: the subreaper sweep alone");
	pbt_write("g.yaml",
		  "name: g\nworkload: gate\n"
		  "params: { fifo: gate.fifo }\n"
		  "strategies: [serial]\nrepetitions: 1\nwarmup: 0\n");
	int gate = pbt_gate_open("gate.fifo");
	pid_t pid = pbt_parabench_start(
	    (const char *[]){"run", "g.yaml", "--out", "res", "--plugin-dir",
			     test_plugins(), NULL});
	pbt_gate_expect(gate, 'r');
	/* The guard and the cell; only the cell is in a cgroup of its own. */
	cr_assert_eq(pbt_descendants(pid, below, PB_COUNT(below)), 2);
	snprintf(want, sizeof(want), "/parabench-%d-", (int)pid);
	cg = NULL;
	for (size_t k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)below[k]);
		char *text = pbt_read(path);
		if (strstr(text, want)) {
			cr_assert_null(cg, "two processes in cell cgroups");
			cg = text;
		} else
			free(text);
	}
	cr_assert_not_null(cg, "no process in a cgroup %s*", want);
	cr_assert_not_null(line = strstr(cg, "0::"), "%s", cg);
	line[strcspn(line, "\n")] = '\0';
	snprintf(dir, sizeof(dir), "%s%s", mnt, line + 3);
	free(cg);
	cr_assert_eq(access(dir, F_OK), 0, "%s", dir);
	kill(pid, SIGINT); /* the gate lets the task go; the run ends */
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130);
	close(gate);
	cr_assert_neq(access(dir, F_OK), 0, "%s is removed", dir);
}

/* ---- The guard: nothing outlives a runner killed with kill -9 ---------- */

/*
 * Runs the experiment file f, whose plugin leaves a process that ignores
 * its parent's death and writes its pid to leave.fifo; kills the runner
 * with SIGKILL once that process is up, and asserts that it ends, and
 * that nothing is left, the guard included (the test adopts orphans, so
 * whatever the runner left is its child). Returns that process's cgroup
 * file, read while it ran (the caller frees it).
 */
static char *kill_runner_leaving(const char *f, const char *what)
{
	char path[64];

	pbt_adopt_orphans();
	int fifo = pbt_gate_open("leave.fifo");
	pid_t runner = pbt_parabench_start((const char *[]){
	    "run", f, "--out", "res", "--plugin-dir", test_plugins(), NULL});
	pid_t left = pbt_read_pid(fifo);
	int pidfd = (int)syscall(SYS_pidfd_open, left, 0);
	cr_assert_geq(pidfd, 0, "%s: pid %d: %s", what, (int)left,
		      strerror(errno));
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)left);
	char *cgroup = pbt_read(path);
	cr_assert_eq(kill(runner, SIGKILL), 0);
	cr_assert_eq(waitpid(runner, NULL, 0), runner);
	pbt_assert_children_gone(10, what);
	pbt_assert_ends(pidfd, 10, what);
	close(pidfd);
	close(fifo);
	return cgroup;
}

/* A daemon left by task 0 under strategy: gone after kill -9. */
static char *kill_runner_leaving_a_daemon(const char *strategy)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "name: esc\nworkload: escape\n"
		 "params: { tasks: 2, fifo: leave.fifo }\n"
		 "strategies: [%s]\nworkers: [2]\nrepetitions: 1\n"
		 "warmup: 0\ntimeout: 5m\n",
		 strategy);
	pbt_write("e.yaml", text);
	return kill_runner_leaving("e.yaml", strategy);
}

/* The folder of the cgroup named in a /proc/<pid>/cgroup text. */
static void cgroup_dir(const char *mnt, const char *text, char *dir, size_t len)
{
	const char *line = strstr(text, "0::");

	cr_assert_not_null(line, "%s", text);
	snprintf(dir, len, "%s%.*s", mnt, (int)strcspn(line + 3, "\n"),
		 line + 3);
}

Test(e2e_procs, kill_9_of_the_runner_ends_a_daemon_in_a_cgroup)
{
	const char *mnt = cgroup_mount();
	char dir[8192];

	if (!mnt)
		cr_skip("no writable cgroup v2 here");
	char *cg = kill_runner_leaving_a_daemon("serial");
	cgroup_dir(mnt, cg, dir, sizeof(dir));
	cr_assert(strstr(dir, "/parabench-"), "the daemon was in %s", dir);
	/* The guard removed it before it exited (and it has exited). */
	cr_assert_neq(access(dir, F_OK), 0, "%s is left", dir);
	free(cg);
}

Test(e2e_procs, kill_9_of_the_runner_ends_a_daemon_without_cgroups)
{
	setenv("PARABENCH_NO_CGROUP", "1", 1);
	free(kill_runner_leaving_a_daemon("serial"));
}

Test(e2e_procs, kill_9_of_the_runner_ends_a_workers_daemon_without_cgroups)
{
	setenv("PARABENCH_NO_CGROUP", "1", 1);
	free(kill_runner_leaving_a_daemon("fork"));
}

/* A command's own child (no parent-death signal): gone after kill -9. */
static void kill_runner_leaving_a_commands_child(void)
{
	pbt_write("c.yaml",
		  "name: cmd\nworkload: command\n"
		  "params: { command: [sh, -c, "
		  "'sleep 300 & echo $! > leave.fifo; wait'], tasks: 1 }\n"
		  "strategies: [serial]\nrepetitions: 1\nwarmup: 0\n"
		  "timeout: 5m\n");
	free(kill_runner_leaving("c.yaml", "sleep started by sh"));
}

Test(e2e_procs, kill_9_of_the_runner_ends_a_commands_child_in_a_cgroup)
{
	if (!cgroup_mount())
		cr_skip("no writable cgroup v2 here");
	kill_runner_leaving_a_commands_child();
}

Test(e2e_procs, kill_9_of_the_runner_ends_a_commands_child_without_cgroups)
{
	setenv("PARABENCH_NO_CGROUP", "1", 1);
	kill_runner_leaving_a_commands_child();
}
