/*
 * test_supervise.c — cell isolation: every repetition gets a row; crashes,
 * exits and hangs are recorded as such; nothing is left behind; an
 * interruption stops after the repetition in progress.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pbt_files.h"
#include "pbtest.h"
#include "run/supervise.h"

#define MAX_ROWS 16

struct rows {
	size_t n;
	unsigned rep[MAX_ROWS];
	struct pb_measure m[MAX_ROWS];
	size_t interrupt_after; /* set pb_interrupted after this many rows */
};

static int collect(void *ctx, unsigned rep, const struct pb_measure *m,
		   struct pb_err *err)
{
	struct rows *r = ctx;

	(void)err;
	cr_assert_lt(r->n, MAX_ROWS);
	r->rep[r->n] = rep;
	r->m[r->n++] = *m;
	if (r->interrupt_after && r->n == r->interrupt_after)
		pb_interrupted = 1;
	return PB_OK;
}

static struct pb_arena arena;
static struct pb_experiment exp_;
static struct pb_cell cell;

static void make_cell(const char *workload, const char *wparams,
		      const char *strategy, unsigned workers)
{
	exp_ = (struct pb_experiment){.name = "t", .seed = 1};
	cell = (struct pb_cell){.id = 1, .exp = &exp_};
	cell.spec.workload = pbt_plugin(PB_KIND_WORKLOAD, workload);
	cell.spec.strategy = pbt_plugin(PB_KIND_STRATEGY, strategy);
	cell.spec.wargs = pbt_args(cell.spec.workload, wparams, &arena);
	cell.spec.sargs = pbt_args(cell.spec.strategy, "", &arena);
	cell.spec.workers = workers;
}

static void exec(struct rows *r, unsigned nreps, unsigned warmup,
		 double timeout, bool isolate)
{
	static const unsigned reps[] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct pb_cell_job job = {
	    .cell = &cell,
	    .reps = reps,
	    .nreps = nreps,
	    .warmup = warmup,
	    .timeout_s = timeout,
	    .isolate = isolate,
	    .on_measure = collect,
	    .ctx = r,
	};
	struct pb_err err = {{0}};

	cr_assert_eq(pb_supervise_cell(&job, &err), PB_OK, "%s", err.msg);
}

static void init(void)
{
	pb_supervise_init(true);
	pb_interrupted = 0;
}

static void fini(void)
{
	pb_arena_free(&arena);
}

TestSuite(supervise, .init = init, .fini = fini);

Test(supervise, isolated_rows_match_in_process_rows)
{
	struct rows iso = {0}, here = {0};
	int fds = pbt_count_fds();

	make_cell("pi", "samples=1e5; tasks=8", "pthreads", 2);
	exec(&iso, 3, 1, 0, true);
	exec(&here, 2, 0, 0, false);
	cr_assert_eq(iso.n, 3);
	cr_assert_eq(here.n, 2);
	for (size_t k = 0; k < iso.n; k++) {
		cr_assert_eq(iso.rep[k], k + 1);
		cr_assert_eq(iso.m[k].status, PB_STATUS_OK, "%s",
			     iso.m[k].message);
		cr_assert_gt(iso.m[k].wall_s, 0);
		cr_assert_eq(iso.m[k].metrics[0].value,
			     here.m[0].metrics[0].value,
			     "same estimate in and out of isolation");
	}
	cr_assert_eq(pbt_count_fds(), fds, "no descriptor leaked");
	pbt_assert_no_child("after the cell");
}

Test(supervise, segfault_under_threads_is_a_crashed_row_per_repetition)
{
	struct rows r = {0};
	int fds = pbt_count_fds();

	make_cell("crash", "tasks=8; crash_task=3", "pthreads", 2);
	exec(&r, 3, 0, 0, true);
	cr_assert_eq(r.n, 3, "every repetition gets its row");
	cr_assert_eq(r.m[0].status, PB_STATUS_CRASHED);
	cr_assert(strstr(r.m[0].message, "killed by SIGSEGV"), "%s",
		  r.m[0].message);
	cr_assert(strstr(r.m[0].message, "during repetition 1"), "%s",
		  r.m[0].message);
	cr_assert_eq(r.m[2].status, PB_STATUS_CRASHED);
	cr_assert(strstr(r.m[2].message, "not run"), "%s", r.m[2].message);
	cr_assert_eq(pbt_count_fds(), fds);
	pbt_assert_no_child("after the cell");
}

Test(supervise, crash_in_warmup_is_named)
{
	struct rows r = {0};

	make_cell("crash", "tasks=4; crash_task=0", "serial", 1);
	exec(&r, 2, 1, 0, true);
	cr_assert_eq(r.n, 2);
	cr_assert(strstr(r.m[0].message, "during a warm-up repetition"), "%s",
		  r.m[0].message);
	pbt_assert_no_child("after the cell");
}

Test(supervise, exit_inside_a_task_is_crashed_with_its_status)
{
	struct rows r = {0};

	make_cell("exits", "tasks=4; exit_task=1; exit_status=3", "serial", 1);
	exec(&r, 2, 0, 0, true);
	cr_assert_eq(r.n, 2);
	cr_assert_eq(r.m[0].status, PB_STATUS_CRASHED);
	cr_assert(strstr(r.m[0].message, "exited with status 3"), "%s",
		  r.m[0].message);
	pbt_assert_no_child("after the cell");
}

Test(supervise, hang_is_killed_at_the_timeout)
{
	struct rows r = {0};
	int fds = pbt_count_fds();

	make_cell("hang", "tasks=4; hang_task=2", "pthreads", 2);
	exec(&r, 2, 0, 0.3, true);
	cr_assert_eq(r.n, 2);
	cr_assert_eq(r.m[0].status, PB_STATUS_TIMEOUT);
	cr_assert(strstr(r.m[0].message, "exceeded the timeout of 0.3s"), "%s",
		  r.m[0].message);
	cr_assert_eq(r.m[1].status, PB_STATUS_TIMEOUT);
	cr_assert_eq(pbt_count_fds(), fds);
	pbt_assert_no_child("after the cell");
}

Test(supervise, wrong_and_failed_rows_are_not_crashes)
{
	struct rows r = {0};

	make_cell("wrong", "", "serial", 1);
	exec(&r, 2, 0, 0, true);
	cr_assert_eq(r.n, 2);
	cr_assert_eq(r.m[0].status, PB_STATUS_WRONG, "%s", r.m[0].message);
	cr_assert_eq(r.m[1].status, PB_STATUS_WRONG);
	cr_assert(strncmp(r.m[0].message, "verify: ", 8) == 0, "%s",
		  r.m[0].message);

	struct rows f = {0};
	make_cell("failing", "", "pthreads", 2);
	exec(&f, 1, 0, 0, true);
	cr_assert_eq(f.m[0].status, PB_STATUS_FAILED, "%s", f.m[0].message);
	cr_assert(strstr(f.m[0].message, "failed on purpose"), "%s",
		  f.m[0].message);
}

/* Entries of folder dir, "." and ".." left out. */
static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	size_t n = 0;

	cr_assert_not_null(d, "%s: %s", dir, strerror(errno));
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

Test(supervise, paths_of_a_dead_cell_are_removed)
{
	struct rows r = {0};
	char params[4200], *under = pbt_tmpdir();

	/* In a folder of this test's own: other runs cannot add to it. */
	snprintf(params, sizeof(params), "die=true; under=\"%s\"", under);
	make_cell("litter", params, "serial", 1);
	exec(&r, 1, 0, 0, true);
	cr_assert_eq(r.m[0].status, PB_STATUS_CRASHED);
	cr_assert(strstr(r.m[0].message, "SIGKILL"), "%s", r.m[0].message);
	cr_assert_eq(entries(under), 0, "the dead cell's folder was removed");
	pb_remove_tree(under);
}

Test(supervise, a_path_too_long_is_never_cut_and_removed)
{
	struct rows r = {0};
	char params[4200], keep[4200], *under = pbt_tmpdir();

	/* Cut at 4095 bytes, the registered path would name under/keep. */
	snprintf(keep, sizeof(keep), "%s/keep", under);
	cr_assert_eq(mkdir(keep, 0700), 0);
	pbt_write_in(keep, "precious", "x");
	snprintf(params, sizeof(params),
		 "die=true; long_path=true; under=\"%s\"", under);
	make_cell("litter", params, "serial", 1);
	exec(&r, 1, 0, 0, true);
	cr_assert_eq(r.m[0].status, PB_STATUS_CRASHED, "%s", r.m[0].message);
	cr_assert_eq(entries(under), 1, "the dead cell's folder was removed");
	cr_assert_eq(entries(keep), 1, "keep and its file are still there");
	pb_remove_tree(under);
}

Test(supervise, a_behaving_cell_cleans_up_itself)
{
	struct rows r = {0};

	make_cell("litter", "die=false", "serial", 1);
	exec(&r, 1, 0, 0, true);
	cr_assert_eq(r.m[0].status, PB_STATUS_OK, "%s", r.m[0].message);
	cr_assert_neq(access(r.m[0].metrics[0].text, F_OK), 0);
}

Test(supervise, interruption_stops_after_the_repetition_in_progress)
{
	struct rows r = {.interrupt_after = 1};

	make_cell("pi", "samples=2e6; tasks=4", "serial", 1);
	exec(&r, 8, 0, 0, true);
	cr_assert_geq(r.n, 1);
	cr_assert_lt(r.n, 8, "the cell stopped early");
	for (size_t k = 0; k < r.n; k++)
		cr_assert_eq(r.m[k].status, PB_STATUS_OK,
			     "no crashed rows for an interruption: %s",
			     r.m[k].message);
	pbt_assert_no_child("after the cell");
}

Test(supervise, interruption_in_process_too)
{
	struct rows r = {.interrupt_after = 2};

	make_cell("pi", "samples=1e5; tasks=4", "serial", 1);
	exec(&r, 8, 0, 0, false);
	cr_assert_eq(r.n, 2);
}

/* Every misbehaving plugin, under every strategy, through isolation. */
Test(supervise, misbehaviour_under_every_strategy, .timeout = 60)
{
	static const char *strategies[] = {"serial", "pthreads", "fork", "shm"};
	static const struct {
		const char *workload, *params;
		enum pb_status status;
		const char *says;
		double timeout; /* short only where a hang is the point */
	} cases[] = {
	    {"crash", "tasks=4; crash_task=1", PB_STATUS_CRASHED, "SIGSEGV",
	     30},
	    {"exits", "tasks=4; exit_task=1", PB_STATUS_CRASHED, "status 3",
	     30},
	    {"hang", "tasks=4; hang_task=1", PB_STATUS_TIMEOUT,
	     "timeout of 0.2s", 0.2},
	    {"failing", "tasks=8; fail_task=5", PB_STATUS_FAILED,
	     "task 5 failed on purpose", 30},
	    {"wrong", "", PB_STATUS_WRONG, "verify: ", 30},
	};
	int fds = pbt_count_fds();

	for (size_t s = 0; s < PB_COUNT(strategies); s++)
		for (size_t c = 0; c < PB_COUNT(cases); c++) {
			struct rows r = {0};
			make_cell(cases[c].workload, cases[c].params,
				  strategies[s], 2);
			exec(&r, 2, 0, cases[c].timeout, true);
			cr_assert_eq(r.n, 2, "%s/%s", cases[c].workload,
				     strategies[s]);
			cr_assert_eq(r.m[0].status, cases[c].status,
				     "%s/%s: %s", cases[c].workload,
				     strategies[s], r.m[0].message);
			cr_assert(strstr(r.m[0].message, cases[c].says),
				  "%s/%s: %s", cases[c].workload, strategies[s],
				  r.m[0].message);
			pbt_assert_no_child("after the cell");
		}
	cr_assert_eq(pbt_count_fds(), fds, "no descriptor leaked");
}
