/*
 * test_e2e_command.c — the command workload through the parabench binary:
 * a program that cannot run refused by validate where it is written, a
 * program next to the experiment file run from another folder, and a
 * failing command as a failed row in runs.csv with the run going on.
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

TestSuite(e2e_command, .init = enter_tmp, .fini = leave_tmp, .timeout = 60);

Test(e2e_command, a_program_that_cannot_run_is_refused_where_written)
{
	struct pbt_proc p;
	const char *want = "parabench: exp/bad.yaml:3:19: command: "
			   "./gone.sh cannot be run: No such file";

	pbt_write("exp/bad.yaml", "workload: command\n"
				  "strategies: [serial]\n"
				  "params: {command: [./gone.sh, '{task}']}\n");
	pbt_parabench(&p, (const char *[]){"validate", "exp/bad.yaml", NULL});
	cr_assert_eq(p.status, 2, "%s", p.err);
	cr_assert(strncmp(p.err, want, strlen(want)) == 0, "%s\nexpected: %s",
		  p.err, want);
	pbt_proc_free(&p);
}

Test(e2e_command, runs_next_to_the_experiment_file_and_fails_rows_by_exit)
{
	struct pbt_proc p;
	struct pb_csv t;
	struct pb_err err = {{0}};

	pbt_write("exp/prog.sh", "#!/bin/sh\n"
				 "[ \"$1\" = fail ] && { echo bad input >&2; "
				 "exit 2; }\n"
				 "echo result $(($1 * 10))\n");
	cr_assert_eq(chmod("exp/prog.sh", 0700), 0);
	pbt_write("exp/e.yaml", "workload: command\n"
				"params:\n"
				"  command: [[./prog.sh, '{task}'], "
				"[./prog.sh, fail]]\n"
				"  tasks: 4\n"
				"  result: last-number\n"
				"strategies: [serial, fork]\n"
				"workers: 2\n"
				"repetitions: 1\n"
				"warmup: 0\n");
	pbt_parabench(&p, (const char *[]){"run", "exp/e.yaml", "--out", "res",
					   "--quiet", "--no-report", NULL});
	cr_assert_eq(p.status, 1, "%s", p.err);
	pbt_proc_free(&p);
	cr_assert_eq(pb_csv_read("res/runs.csv", 0, &t, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(t.nrows, 4);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *cmd = pb_csv_get(&t, r, "param_command");
		if (strstr(cmd, "fail")) {
			cr_assert_str_eq(pb_csv_get(&t, r, "status"), "failed");
			/* fork's two workers race to the first failure */
			cr_assert(strstr(pb_csv_get(&t, r, "message"),
					 ": ./prog.sh exited with "
					 "status 2: bad input"),
				  "%s", pb_csv_get(&t, r, "message"));
		} else {
			cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok",
					 "%s", pb_csv_get(&t, r, "message"));
			cr_assert_eq(pb_csv_num(&t, r, "metric_result"), 60);
		}
	}
	pb_csv_free(&t);
}
