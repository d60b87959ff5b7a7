/*
 * test_outdir.c — results folders are new every time and never reused:
 * made, claimed exclusively (run.lock, even by two processes at once) and
 * locked against a --resume while the run goes on.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "results/outdir.h"
#include "run/supervise.h"

static char base[] = "/tmp/pbtest-outdir-XXXXXX";

static void setup_dir(void)
{
	cr_assert_not_null(mkdtemp(base));
	cr_assert_eq(chdir(base), 0);
}

static void teardown_dir(void)
{
	cr_assert_eq(chdir("/"), 0);
	pb_remove_tree(base);
}

TestSuite(outdir, .init = setup_dir, .fini = teardown_dir);

Test(outdir, default_is_results_name_utc_stamp)
{
	char a[256], b[256];
	struct pb_err err = {{0}};
	struct pb_dir_lock lock;

	cr_assert_eq(
	    pb_outdir_create("pi-scaling", NULL, a, sizeof(a), &lock, &err),
	    PB_OK, "%s", err.msg);
	cr_assert_eq(strncmp(a, "results/pi-scaling/", 19), 0, "%s", a);
	cr_assert_eq(strlen(a), 19 + 15, "%s", a); /* yyyymmdd-HHMMSS */
	cr_assert_eq(
	    pb_outdir_create("pi-scaling", NULL, b, sizeof(b), &lock, &err),
	    PB_OK);
	cr_assert_str_neq(a, b, "a second run gets a folder of its own");
	pb_lock_release(&lock);
}

Test(outdir, given_folder_may_be_new_or_empty)
{
	char buf[256];
	struct pb_err err = {{0}};
	struct pb_dir_lock lock;

	cr_assert_eq(pb_outdir_create("x", "new/deep/dir", buf, sizeof(buf),
				      &lock, &err),
		     PB_OK, "%s", err.msg);
	cr_assert_str_eq(buf, "new/deep/dir");
	cr_assert_eq(mkdir("empty", 0755), 0);
	cr_assert_eq(
	    pb_outdir_create("x", "empty", buf, sizeof(buf), &lock, &err),
	    PB_OK, "%s", err.msg);
}

Test(outdir, refuses_a_non_empty_folder)
{
	char buf[256];
	struct pb_err err = {{0}};
	struct pb_dir_lock lock;

	cr_assert_eq(mkdir("full", 0755), 0);
	FILE *f = fopen("full/runs.csv", "w");
	fputs("precious\n", f);
	fclose(f);
	cr_assert_eq(
	    pb_outdir_create("x", "full", buf, sizeof(buf), &lock, &err),
	    PB_ERROR);
	cr_assert(strstr(err.msg, "--out full: folder is not empty"), "%s",
		  err.msg);
	cr_assert_eq(access("full/runs.csv", F_OK), 0, "nothing removed");
}

Test(outdir, refuses_a_file)
{
	char buf[256];
	struct pb_err err = {{0}};
	struct pb_dir_lock lock;
	FILE *f = fopen("plain", "w");
	fclose(f);
	cr_assert_eq(
	    pb_outdir_create("x", "plain", buf, sizeof(buf), &lock, &err),
	    PB_ERROR);
	cr_assert(strstr(err.msg, "not a folder"), "%s", err.msg);
}

Test(outdir, mkdirs_names_the_failing_component)
{
	struct pb_err err = {{0}};
	FILE *f = fopen("blocker", "w");
	fclose(f);
	cr_assert_eq(pb_mkdirs("blocker/sub/dir", &err), PB_ERROR);
	cr_assert(strstr(err.msg, "blocker/sub"), "%s", err.msg);
}

Test(outdir, the_claim_holds_against_a_folder_emptied_meanwhile)
{
	char buf[256];
	struct pb_err err = {{0}};
	struct pb_dir_lock first, second;

	cr_assert_eq(mkdir("out", 0755), 0);
	cr_assert_eq(pb_lock_claim("out", &first, &err), PB_OK, "%s", err.msg);
	/* A second run that found the folder empty just before: refused. */
	cr_assert_eq(pb_lock_claim("out", &second, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "out: another run claimed this folder"), "%s",
		  err.msg);
	cr_assert_eq(second.fd, -1);
	cr_assert_eq(
	    pb_outdir_create("x", "out", buf, sizeof(buf), &second, &err),
	    PB_ERROR);
	pb_lock_release(&first);
	pb_lock_release(&first);
}

/* Two processes claim one empty folder at once: exactly one gets it. */
Test(outdir, two_processes_racing_for_a_folder_one_wins)
{
	for (int round = 0; round < 20; round++) {
		char dir[32], buf[256];
		int go[2], status;
		struct pb_err err = {{0}};
		struct pb_dir_lock lock;

		snprintf(dir, sizeof(dir), "race-%d", round);
		cr_assert_eq(mkdir(dir, 0755), 0);
		cr_assert_eq(pipe(go), 0);
		pid_t pid = fork();
		if (pid == 0) {
			char c;
			close(go[1]);
			if (read(go[0], &c, 1) != 1)
				_exit(3);
			_exit(pb_outdir_create("x", dir, buf, sizeof(buf),
					       &lock, &err) == PB_OK
				  ? 0
				  : 1);
		}
		close(go[0]);
		cr_assert_eq(write(go[1], "g", 1), 1);
		close(go[1]);
		bool mine = pb_outdir_create("x", dir, buf, sizeof(buf), &lock,
					     &err) == PB_OK;
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) < 2);
		bool theirs = WEXITSTATUS(status) == 0;
		cr_assert_neq(mine, theirs, "round %d: %s", round,
			      mine ? "both claimed the folder"
				   : "neither claimed it");
		if (mine)
			pb_lock_release(&lock);
	}
}

Test(outdir, a_held_lock_refuses_a_resume_naming_the_pid)
{
	struct pb_err err = {{0}};
	struct pb_dir_lock run, resume;
	char want[128];

	cr_assert_eq(mkdir("res", 0755), 0);
	cr_assert_eq(pb_lock_claim("res", &run, &err), PB_OK, "%s", err.msg);
	cr_assert_eq(pb_lock_take("res", &resume, &err), PB_ERROR);
	snprintf(want, sizeof(want), "a run is in progress in res (pid %ld)",
		 (long)getpid());
	cr_assert_str_eq(err.msg, want);
	cr_assert_eq(resume.fd, -1);
	pb_lock_release(&run);
	/* Once the run is over, the resume gets the lock. */
	cr_assert_eq(pb_lock_take("res", &resume, &err), PB_OK, "%s", err.msg);
	pb_lock_release(&resume);
}

Test(outdir, an_old_folder_without_a_lock_file_gets_one)
{
	struct pb_err err = {{0}};
	struct pb_dir_lock l;

	cr_assert_eq(mkdir("old", 0755), 0);
	cr_assert_eq(pb_lock_take("old", &l, &err), PB_OK, "%s", err.msg);
	cr_assert_eq(access("old/run.lock", F_OK), 0);
	pb_lock_release(&l);
}

Test(outdir, a_lock_file_that_is_a_link_is_refused)
{
	struct pb_err err = {{0}};
	struct pb_dir_lock l;

	cr_assert_eq(mkdir("d", 0755), 0);
	cr_assert_eq(symlink("../victim", "d/run.lock"), 0);
	cr_assert_eq(pb_lock_take("d", &l, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "d/run.lock: cannot open"), "%s", err.msg);
	cr_assert_neq(access("victim", F_OK), 0, "the link was followed");
}
