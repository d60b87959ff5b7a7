/*
 * test_outdir.c — results folders are new every time and never reused.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/supervise.h"
#include "results/outdir.h"

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

	cr_assert_eq(pb_outdir_create("pi-scaling", NULL, a, sizeof(a), &err),
		     PB_OK, "%s", err.msg);
	cr_assert_eq(strncmp(a, "results/pi-scaling/", 19), 0, "%s", a);
	cr_assert_eq(strlen(a), 19 + 15, "%s", a); /* yyyymmdd-HHMMSS */
	cr_assert_eq(pb_outdir_create("pi-scaling", NULL, b, sizeof(b), &err),
		     PB_OK);
	cr_assert_str_neq(a, b, "a second run gets a folder of its own");
}

Test(outdir, given_folder_may_be_new_or_empty)
{
	char buf[256];
	struct pb_err err = {{0}};

	cr_assert_eq(
	    pb_outdir_create("x", "new/deep/dir", buf, sizeof(buf), &err),
	    PB_OK, "%s", err.msg);
	cr_assert_str_eq(buf, "new/deep/dir");
	cr_assert_eq(mkdir("empty", 0755), 0);
	cr_assert_eq(pb_outdir_create("x", "empty", buf, sizeof(buf), &err),
		     PB_OK, "%s", err.msg);
}

Test(outdir, refuses_a_non_empty_folder)
{
	char buf[256];
	struct pb_err err = {{0}};

	cr_assert_eq(mkdir("full", 0755), 0);
	FILE *f = fopen("full/runs.csv", "w");
	fputs("precious\n", f);
	fclose(f);
	cr_assert_eq(pb_outdir_create("x", "full", buf, sizeof(buf), &err),
		     PB_ERROR);
	cr_assert(strstr(err.msg, "--out full: folder is not empty"), "%s",
		  err.msg);
	cr_assert_eq(access("full/runs.csv", F_OK), 0, "nothing removed");
}

Test(outdir, refuses_a_file)
{
	char buf[256];
	struct pb_err err = {{0}};
	FILE *f = fopen("plain", "w");
	fclose(f);
	cr_assert_eq(pb_outdir_create("x", "plain", buf, sizeof(buf), &err),
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
