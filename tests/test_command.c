/*
 * test_command.c — the command workload: {task}, {ntasks} and {seed}
 * replaced in every word, the last number of the output as the result,
 * the same sum under every strategy, a non-zero exit or a signal as a
 * failed row with the last line of standard error, commands run in the
 * host's dir, check refusing a program that cannot run, and nothing left
 * behind (no child, no descriptor).
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pbt_direct.h"
#include "pbt_files.h"
#include "pbtest.h"

static const char *dir;

static void make_dir(void)
{
	dir = pbt_scratch_new();
}

TestSuite(command, .init = make_dir, .fini = pbt_scratch_remove, .timeout = 60);

/* The parameters: command is sh -c script, then more. */
static const char *sh(const char *script, const char *more)
{
	static char buf[4096];
	snprintf(buf, sizeof(buf), "command=[sh, -c, \"%s\"]%s%s", script,
		 more[0] ? "; " : "", more);
	return buf;
}

Test(command, placeholders_are_replaced_in_every_word)
{
	struct pb_measure m;
	char params[1024], path[PATH_MAX];

	snprintf(params, sizeof(params),
		 "command=[sh, -c, \"printf '%%s' \\\"$1\\\" > %s/out-{task}\","
		 " sh, \"t={task} n={ntasks} s={seed} {task}{task} {other} "
		 "{task\"]; tasks=3",
		 dir);
	pbt_run_ok("command", params, "serial", "", 1, &m);
	for (int t = 0; t < 3; t++) {
		char want[128];
		snprintf(path, sizeof(path), "%s/out-%d", dir, t);
		snprintf(want, sizeof(want), "t=%d n=3 s=1 %d%d {other} {task",
			 t, t, t);
		char *got = pbt_read(path);
		cr_assert_str_eq(got, want);
		free(got);
	}
	cr_assert(isnan(pbt_metric("command", &m, "result")),
		  "no result without last-number");
	cr_assert_gt(pbt_metric("command", &m, "tasks_per_s"), 0);
}

Test(command, the_last_number_printed_is_the_result)
{
	const char *outputs[][2] = {
	    {"echo 12 apples; echo then 3.5e2 units", "350"},
	    {"echo took 1.25s", "1.25"},
	    {"echo x=-4", "-4"},
	    {"printf 'version 1.2.3'", "2.3"},
	    {"echo 7; echo; echo", "7"},
	};

	for (size_t k = 0; k < PB_COUNT(outputs); k++) {
		struct pb_measure m;
		pbt_run_ok("command",
			   sh(outputs[k][0], "tasks=2; result=last-number"),
			   "serial", "", 1, &m);
		cr_assert_eq(pbt_metric("command", &m, "result"),
			     2 * strtod(outputs[k][1], NULL), "%s",
			     outputs[k][0]);
	}
}

Test(command, no_number_fails_the_row)
{
	struct pb_measure m;

	pbt_run("command", sh("echo nothing here", "result=last-number"),
		"serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED);
	cr_assert(strstr(m.message, "task 0: sh printed no number"), "%s",
		  m.message);
}

Test(command, same_sum_under_every_strategy)
{
	const char *strategies[] = {"serial", "pthreads", "fork", "shm"};

	for (size_t k = 0; k < PB_COUNT(strategies); k++) {
		struct pb_measure m;
		if (!pbt_have_strategy(strategies[k]))
			continue;
		pbt_run_ok("command",
			   sh("echo $(({task} * {task}))",
			      "tasks=9; result=last-number"),
			   strategies[k], "", 3, &m);
		cr_assert_eq(pbt_metric("command", &m, "result"), 204, "%s",
			     strategies[k]);
	}
}

Test(command, a_failing_command_fails_the_row_with_its_last_error_line)
{
	struct pb_measure m;

	pbt_run("command",
		sh("echo first >&2; echo 'the last line' >&2; echo >&2; "
		   "exit $(({task} + 3))",
		   "tasks=2"),
		"pthreads", "schedule=static", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED);
	cr_assert(
	    strstr(m.message, "task 0: sh exited with status 3: the last line"),
	    "%s", m.message);

	pbt_run("command", sh("kill -TERM $$", "tasks=1"), "serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED);
	cr_assert(strstr(m.message, "task 0: sh was killed by SIGTERM"), "%s",
		  m.message);

	pbt_run("command", "command=[false]", "fork", "", 2, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED);
	cr_assert(strstr(m.message, "false exited with status 1"), "%s",
		  m.message);
}

Test(command, a_long_error_output_keeps_its_last_line)
{
	struct pb_measure m;

	pbt_run("command",
		sh("i=0; while [ $i -lt 3000 ]; do echo noise $i >&2; "
		   "i=$((i+1)); done; echo final words >&2; exit 9",
		   "tasks=1"),
		"serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED);
	cr_assert(strstr(m.message, "exited with status 9: final words"), "%s",
		  m.message);
}

Test(command, commands_run_in_the_hosts_dir)
{
	struct pbt_direct d;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/n.txt", dir);
	pbt_write(path, "answer: 42\n");
	snprintf(path, sizeof(path), "%s/prog.sh", dir);
	pbt_write(path, "#!/bin/sh\ncat n.txt\n");
	cr_assert_eq(chmod(path, 0700), 0);
	cr_assert_eq(chdir("/"), 0);
	pbt_direct_init(&d, "command",
			"command=[./prog.sh]; tasks=3; result=last-number");
	d.host.dir = dir;
	cr_assert_eq(pbt_direct_setup(&d), PB_OK, "%s", d.err.msg);
	cr_assert_eq(pbt_direct_run(&d), PB_OK, "%s", d.err.msg);
	cr_assert_eq(d.m[0].value, 3 * 42);
	pbt_direct_teardown(&d);
}

/* Calls check on params with host dir d; expects refusal holding want. */
static void expect_refused(const char *params, const char *d, const char *want)
{
	struct pbt_direct x;
	struct pb_err err = {{0}};
	const char *param = NULL;

	pbt_direct_init(&x, "command", params);
	x.host.dir = d;
	cr_assert_eq(x.h->check(&x.args, &x.host, &param, &err), PB_ERROR, "%s",
		     params);
	cr_assert_str_eq(param, "command");
	cr_assert(strstr(err.msg, want), "%s\nexpected: %s", err.msg, want);
	pbt_direct_expect_setup_error(&x, want);
	pbt_direct_teardown(&x);
}

Test(command, check_refuses_a_program_that_cannot_run)
{
	char path[PATH_MAX];

	expect_refused("command=[no-such-program-here, x]", dir,
		       "no program no-such-program-here on PATH");
	expect_refused("command=[./missing.sh]", dir,
		       "./missing.sh cannot be run: No such file");
	expect_refused("command=[]", dir, "the command is empty");
	snprintf(path, sizeof(path), "%s/plain.txt", dir);
	pbt_write(path, "not a program\n");
	expect_refused("command=[./plain.txt]", dir,
		       "./plain.txt cannot be run: Permission denied");
}

Test(command, leaves_no_child_and_no_descriptor)
{
	struct pb_measure m;
	int fds = pbt_count_fds();

	pbt_run_ok("command", sh("echo {task}", "tasks=20; result=last-number"),
		   "pthreads", "", 4, &m);
	cr_assert_eq(pbt_metric("command", &m, "result"), 190);
	pbt_run("command", sh("exit 1", "tasks=5"), "pthreads", "", 4, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED);
	cr_assert_eq(pbt_count_fds(), fds);
	pbt_assert_no_child("command");
}
