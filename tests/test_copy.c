/*
 * test_copy.c — the copy workload: every method and split gives verified,
 * byte-identical copies under serial and pthreads (and fork/shm when they
 * are built); verify catches a corrupted or short destination; the private
 * folder is gone after success and after failures, while files it did not
 * make are never deleted; bad parameters, a missing or unwritable dir and a
 * lack of free space are refused with clear messages, creating nothing.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pbt_direct.h"
#include "pbt_files.h"
#include "pbtest.h"
#include "plugin/value.h"

static const char *methods[] = {"readwrite", "copy_file_range", "sendfile",
				"mmap"};

/* True when path no longer exists. */
static bool gone(const char *path)
{
	struct stat sb;
	return stat(path, &sb) != 0 && errno == ENOENT;
}

/* Runs copy and checks: ok, every byte counted, the folder removed. */
static void run_ok(const char *params, const char *strategy, unsigned workers,
		   double bytes)
{
	struct pb_measure m;
	const char **paths;

	pbt_run_ok("copy", params, strategy, "", workers, &m);
	cr_assert_eq(pbt_metric("copy", &m, "bytes"), bytes, "%s", params);
	cr_assert_gt(pbt_metric("copy", &m, "gb_per_s"), 0, "%s", params);
	cr_assert_float_eq(pbt_metric("copy", &m, "gb_per_s"),
			   bytes / 1e9 / m.wall_s, 1e-9 * bytes / m.wall_s,
			   "gb_per_s is bytes over the host's span: %s",
			   params);
	cr_assert_eq(pbt_owned_paths(&paths), 1, "one folder is registered");
	cr_assert(strstr(paths[0], "/parabench-copy-"), "%s", paths[0]);
	cr_assert(gone(paths[0]), "%s was left behind", paths[0]);
}

Test(copy, every_method_split_files_serial)
{
	char params[256];
	for (size_t k = 0; k < PB_COUNT(methods); k++) {
		snprintf(params, sizeof(params), "files=2; size=1M; method=%s",
			 methods[k]);
		run_ok(params, "serial", 1, 2 << 20);
	}
}

Test(copy, every_method_split_blocks_pthreads)
{
	char params[256];
	for (size_t k = 0; k < PB_COUNT(methods); k++) {
		snprintf(params, sizeof(params),
			 "files=2; size=1M; split=blocks; block=256k; "
			 "method=%s",
			 methods[k]);
		run_ok(params, "pthreads", 4, 2 << 20);
	}
}

/* Sizes that are not multiples of 8, blocks not on page boundaries. */
Test(copy, odd_sizes_and_unaligned_blocks)
{
	char params[256];
	for (size_t k = 0; k < PB_COUNT(methods); k++) {
		snprintf(params, sizeof(params),
			 "files=3; size=1000003; split=blocks; block=100001; "
			 "buffer=4099; method=%s",
			 methods[k]);
		run_ok(params, "pthreads", 3, 3 * 1000003.0);
		snprintf(params, sizeof(params),
			 "files=1; size=5; buffer=3; method=%s", methods[k]);
		run_ok(params, "serial", 1, 5);
	}
}

Test(copy, fsync_every_method)
{
	char params[256];
	for (size_t k = 0; k < PB_COUNT(methods); k++) {
		snprintf(params, sizeof(params),
			 "files=2; size=256k; fsync=true; method=%s",
			 methods[k]);
		run_ok(params, "pthreads", 2, 2 * 262144.0);
		snprintf(params, sizeof(params),
			 "files=1; size=256k; split=blocks; block=64k; "
			 "fsync=true; method=%s",
			 methods[k]);
		run_ok(params, "serial", 1, 262144);
	}
}

Test(copy, process_strategies_when_built)
{
	const char *names[] = {"fork", "shm"};
	int ran = 0;

	for (size_t k = 0; k < PB_COUNT(names); k++) {
		if (!pbt_have_strategy(names[k]))
			continue;
		run_ok("files=2; size=1M; method=copy_file_range", names[k], 2,
		       2 << 20);
		run_ok("files=2; size=1M; split=blocks; block=256k", names[k],
		       3, 2 << 20);
		ran++;
	}
	if (!ran)
		cr_skip("neither the fork nor the shm strategy is built yet");
}

Test(copy, no_descriptor_left_open)
{
	int before = pbt_count_fds();
	run_ok("files=2; size=64k; split=blocks; block=16k", "pthreads", 4,
	       2 * 65536.0);
	run_ok("files=2; size=64k; method=mmap", "serial", 1, 2 * 65536.0);
	cr_assert_eq(pbt_count_fds(), before);
}

/* ---- Calling the hooks directly ----------------------------------------- */

/* Overwrites one byte of folder/name at offset. */
static void poke(const char *folder, const char *name, off_t offset, char c)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", folder, name);
	int fd = open(path, O_WRONLY);
	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(pwrite(fd, &c, 1, offset), 1);
	close(fd);
}

Test(copy, verify_catches_a_corrupted_destination)
{
	struct pbt_direct d;

	pbt_direct_run_all(&d, "copy", "files=2; size=1M; method=sendfile");
	cr_assert_eq(pbt_direct_verify(&d), PB_OK, "%s", d.err.msg);
	struct stat sb;
	cr_assert_eq(stat(d.owned, &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0700, "folder mode %o",
		     sb.st_mode & 07777);
	/* The copy is right; now flip byte 300000 of the second copy. */
	poke(d.owned, "dst-1", 300000, 0);
	poke(d.owned, "dst-1", 300001, 1);
	cr_assert_eq(pbt_direct_verify(&d), PB_ERROR);
	cr_assert(strstr(d.err.msg, "dst-1 differs from its source at byte "
				    "3000"),
		  "%s", d.err.msg);
	pbt_direct_teardown(&d);
	cr_assert(gone(d.owned), "%s was left behind", d.owned);
}

Test(copy, verify_catches_a_short_destination)
{
	struct pbt_direct d;
	char path[PATH_MAX];

	pbt_direct_run_all(&d, "copy",
			   "files=1; size=100k; split=blocks; block=32k");
	pbt_fmt(path, "%s/dst-0", d.owned);
	cr_assert_eq(truncate(path, 1000), 0);
	cr_assert_eq(pbt_direct_verify(&d), PB_ERROR);
	cr_assert(strstr(d.err.msg, "has 1000 bytes; expected 102400"), "%s",
		  d.err.msg);
	pbt_direct_teardown(&d);
	cr_assert(gone(d.owned));
}

Test(copy, verify_catches_a_missing_byte_count)
{
	struct pbt_direct d;

	pbt_direct_run_all(&d, "copy", "files=2; size=4k");
	d.m[0].value -= 1; /* metric `bytes` */
	cr_assert_eq(pbt_direct_verify(&d), PB_ERROR);
	cr_assert(strstr(d.err.msg, "copied 8191 bytes; expected 8192"), "%s",
		  d.err.msg);
	pbt_direct_teardown(&d);
	cr_assert(gone(d.owned));
}

Test(copy, failing_task_is_reported_and_cleaned_up)
{
	struct pbt_direct d;
	char path[PATH_MAX];

	pbt_direct_start(&d, "copy", "files=2; size=64k");
	pbt_fmt(path, "%s/src-1", d.owned);
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(pbt_direct_run(&d), PB_ERROR);
	cr_assert(strstr(d.err.msg, "cannot open source "), "%s", d.err.msg);
	cr_assert(strstr(d.err.msg, "src-1: No such file or directory"), "%s",
		  d.err.msg);
	pbt_direct_teardown(&d);
	cr_assert(gone(d.owned), "%s was left behind", d.owned);
}

Test(copy, teardown_never_deletes_what_it_did_not_make)
{
	struct pbt_direct d;
	char path[PATH_MAX];

	pbt_direct_run_all(&d, "copy", "files=1; size=4k");
	pbt_fmt(path, "%s/someone-elses-file", d.owned);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	cr_assert_geq(fd, 0);
	close(fd);
	pbt_direct_teardown(&d);
	/* Its own files are gone; the stranger and so the folder stay. */
	cr_assert_eq(access(path, F_OK), 0,
		     "a file it did not make was "
		     "deleted");
	pbt_fmt(path, "%s/src-0", d.owned);
	cr_assert(gone(path));
	pbt_fmt(path, "%s/someone-elses-file", d.owned);
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(rmdir(d.owned), 0);
}

/* Setup fails half-way (a file size limit makes write fail with EFBIG). */
Test(copy, setup_failure_leaves_nothing)
{
	struct pbt_direct d;
	struct rlimit old, small = {.rlim_cur = 100000, .rlim_max = 0};

	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	small.rlim_max = old.rlim_max;
	signal(SIGXFSZ, SIG_IGN);
	pbt_direct_init(&d, "copy", "files=2; size=1M");
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	int rc = pbt_direct_setup(&d);
	setrlimit(RLIMIT_FSIZE, &old);
	cr_assert_eq(rc, PB_ERROR);
	cr_assert(strstr(d.err.msg, "cannot write source file "), "%s",
		  d.err.msg);
	cr_assert(strstr(d.err.msg, "File too large"), "%s", d.err.msg);
	cr_assert(d.owned[0], "setup registered its folder first");
	cr_assert(gone(d.owned), "%s was left behind", d.owned);
	pbt_direct_teardown(&d);
}

/* ---- Refusals --------------------------------------------------------- */

/* A fresh empty folder for `dir`, removed by rmdir_empty. */
static void fresh_dir(char *path)
{
	snprintf(path, PATH_MAX, "%s", pbt_tmpdir());
}

/* Asserts that dir is empty, then removes it. */
static void rmdir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	cr_assert_eq(n, 0, "%s is not empty: something was created", path);
	cr_assert_eq(rmdir(path), 0);
}

/* Runs copy and expects a setup failure whose message holds want. */
static void refused(const char *params, const char *want)
{
	struct pb_measure m;
	const char **paths;

	pbt_run("copy", params, "serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED, "%s: %s", params, m.message);
	cr_assert(strncmp(m.message, "setup: ", 7) == 0, "%s", m.message);
	cr_assert(strstr(m.message, want), "%s\nexpected: %s", m.message, want);
	cr_assert_eq(pbt_owned_paths(&paths), 0, "nothing may be created");
}

Test(copy, not_enough_space_is_refused_creating_nothing)
{
	char dir[PATH_MAX], params[PATH_MAX + 64], want[PATH_MAX + 64];

	fresh_dir(dir);
	snprintf(params, sizeof(params), "size=1e15; dir=%s", dir);
	pbt_fmt(want,
		"not enough free space in '%s': 2 files "
		"of 1000000000000000 bytes and their "
		"copies need 3.7 PiB",
		dir);
	refused(params, want);
	rmdir_empty(dir);
}

Test(copy, absurd_total_does_not_overflow)
{
	refused("files=100000; size=1e18; dir=/tmp",
		"not enough free space in '/tmp': 100000 files of "
		"1000000000000000000 bytes and their copies need 16.0 EiB");
}

Test(copy, missing_dir_is_refused)
{
	refused("dir=/nonexistent/parabench-test",
		"dir '/nonexistent/parabench-test': No such file or "
		"directory; expected an existing writable folder");
}

Test(copy, dir_that_is_a_file_is_refused)
{
	refused("dir=/etc/hostname", "dir '/etc/hostname' is not a folder");
}

Test(copy, too_many_tasks_are_refused)
{
	refused("size=250M; split=blocks; block=1",
		"make more than 10000000 tasks; expected a larger block");
}

/*
 * Root ignores permission bits (access(W_OK) and mkdir succeed in a 0500
 * folder), so as root the test first drops to the user `nobody`; this test
 * runs in a process of its own, which Criterion throws away afterwards.
 */
Test(copy, unwritable_dir_is_refused)
{
	char dir[PATH_MAX], params[PATH_MAX + 64], want[PATH_MAX + 64];

	pbt_registry(); /* load plugins while we still may read them */
	if (geteuid() == 0 &&
	    (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)))
		cr_skip("running as root and cannot drop to nobody: %s",
			strerror(errno));
	fresh_dir(dir);
	cr_assert_eq(chmod(dir, 0500), 0);
	snprintf(params, sizeof(params), "files=1; size=4k; dir=%s", dir);
	snprintf(want, sizeof(want),
		 "dir '%s' is not writable: Permission "
		 "denied",
		 dir);
	refused(params, want);
	cr_assert_eq(chmod(dir, 0700), 0);
	rmdir_empty(dir);
}

/* A relative dir is made absolute: the runner may remove it elsewhere. */
Test(copy, relative_dir_registers_an_absolute_folder)
{
	char dir[PATH_MAX], params[PATH_MAX + 64];
	const char **paths;
	struct pb_measure m;

	fresh_dir(dir);
	cr_assert_eq(chdir(dir), 0);
	snprintf(params, sizeof(params), "files=1; size=4k; dir=.");
	pbt_run_ok("copy", params, "serial", "", 1, &m);
	cr_assert_eq(pbt_owned_paths(&paths), 1);
	cr_assert(strncmp(paths[0], dir, strlen(dir)) == 0, "%s not in %s",
		  paths[0], dir);
	cr_assert_eq(chdir("/"), 0);
	rmdir_empty(dir);
}

Test(copy, empty_dir_means_tmpdir)
{
	char dir[PATH_MAX];
	const char **paths;
	struct pb_measure m;

	fresh_dir(dir);
	setenv("TMPDIR", dir, 1);
	pbt_run("copy", "files=1; size=4k", "serial", "", 1, &m);
	unsetenv("TMPDIR");
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	cr_assert_eq(pbt_owned_paths(&paths), 1);
	cr_assert(strncmp(paths[0], dir, strlen(dir)) == 0, "%s not in %s",
		  paths[0], dir);
	rmdir_empty(dir);
}

/* The table's ranges refuse a zero size or file count before setup. */
Test(copy, table_refuses_zero_size_and_files)
{
	const struct pb_plugin *p = pbt_plugin(PB_KIND_WORKLOAD, "copy");
	struct pb_arena arena = {0};
	struct pb_value v;
	struct pb_err why = {{0}};

	for (size_t k = 0; k < p->nparams; k++) {
		const char *name = p->params[k].name;
		if (strcmp(name, "size") && strcmp(name, "files") &&
		    strcmp(name, "block") && strcmp(name, "buffer"))
			continue;
		cr_assert_eq(
		    pb_value_parse(&p->params[k], "0", &arena, &v, &why),
		    PB_ERROR, "%s=0 accepted", name);
		cr_assert(strstr(why.msg, "out of range"), "%s", why.msg);
		cr_assert_eq(
		    pb_value_parse(&p->params[k], "-1", &arena, &v, &why),
		    PB_ERROR, "%s=-1 accepted", name);
	}
	pb_arena_free(&arena);
}

/* Setup itself refuses them too, for hosts that skip the table check. */
Test(copy, setup_refuses_zero_size_and_files)
{
	struct pbt_direct d;

	pbt_direct_init(&d, "copy", "");
	pbt_value(&d.args, "size")->u.i = 0;
	pbt_direct_expect_setup_error(&d,
				      "size is 0 bytes; expected at least 1");
	cr_assert_eq(d.owned[0], '\0');
	pbt_direct_teardown(&d);

	pbt_direct_init(&d, "copy", "");
	pbt_value(&d.args, "files")->u.i = -3;
	pbt_direct_expect_setup_error(&d, "files is -3; expected at least 1");
	cr_assert_eq(d.owned[0], '\0');
	pbt_direct_teardown(&d);
}

Test(copy, bad_enum_values_are_refused_by_the_table)
{
	const struct pb_plugin *p = pbt_plugin(PB_KIND_WORKLOAD, "copy");
	struct pb_arena arena = {0};
	struct pb_value v;
	struct pb_err why = {{0}};

	for (size_t k = 0; k < p->nparams; k++)
		if (strcmp(p->params[k].name, "method") == 0) {
			cr_assert_eq(pb_value_parse(&p->params[k], "splice",
						    &arena, &v, &why),
				     PB_ERROR);
			cr_assert(strstr(why.msg, "readwrite|copy_file_range|"
						  "sendfile|mmap"),
				  "%s", why.msg);
		}
	pb_arena_free(&arena);
}
