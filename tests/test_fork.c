/*
 * test_fork.c — the fork strategy: crashes and early exits named with the
 * signal or status and the task, results moved intact through the pipes in
 * every schedule and chunk size, the host's signal mask and stdio left
 * alone, and nothing left behind after any run.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "pbtest.h"

#define MAX_SHM 256

/* What a run could leave behind, counted before and after it. */
struct leftovers {
	int fds;
	int shared_maps;
	size_t nshm;
	char shm[MAX_SHM][256];
};

/* Shared anonymous mappings show as "/dev/zero (deleted)". */
static int count_shared_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096];
	int n = 0;

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "/dev/zero") != NULL ||
		     strstr(line, "/dev/shm/") != NULL;
	fclose(f);
	return n;
}

static void snapshot(struct leftovers *l)
{
	DIR *d = opendir("/dev/shm");
	struct dirent *e;

	l->nshm = 0;
	/* Criterion's own entries (bxf*) come and go with parallel tests. */
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && strncmp(e->d_name, "bxf", 3) != 0 &&
		    l->nshm < MAX_SHM)
			snprintf(l->shm[l->nshm++], sizeof(l->shm[0]), "%s",
				 e->d_name);
	if (d)
		closedir(d);
	l->shared_maps = count_shared_maps();
	l->fds = pbt_count_fds();
}

static bool had_shm(const struct leftovers *l, const char *name)
{
	for (size_t k = 0; k < l->nshm; k++)
		if (strcmp(l->shm[k], name) == 0)
			return true;
	return false;
}

static void assert_no_leftovers(const struct leftovers *before,
				const char *what)
{
	struct leftovers now;

	snapshot(&now);
	cr_assert_eq(now.fds, before->fds,
		     "%s: %d descriptors before, %d after", what, before->fds,
		     now.fds);
	errno = 0;
	cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1,
		     "%s: a child process is left", what);
	cr_assert_eq(errno, ECHILD, "%s: waitpid: %s", what, strerror(errno));
	for (size_t k = 0; k < now.nshm; k++)
		cr_assert(had_shm(before, now.shm[k]),
			  "%s: new /dev/shm entry %s", what, now.shm[k]);
	cr_assert_eq(now.shared_maps, before->shared_maps,
		     "%s: %d shared mappings before, %d after", what,
		     before->shared_maps, now.shared_maps);
}

/* pbt_run, asserting that the run left nothing behind. */
static void run_clean(const char *workload, const char *wparams,
		      const char *strategy, const char *sparams,
		      unsigned workers, struct pb_measure *m)
{
	struct leftovers before;
	char what[256];

	/* Load the plugins first: loading is not what is checked. */
	pbt_plugin(PB_KIND_WORKLOAD, workload);
	pbt_plugin(PB_KIND_STRATEGY, strategy);
	snapshot(&before);
	pbt_run(workload, wparams, strategy, sparams, workers, m);
	snprintf(what, sizeof(what), "%s [%s] under %s [%s], %u workers",
		 workload, wparams, strategy, sparams, workers);
	assert_no_leftovers(&before, what);
}

static void assert_crashed(const struct pb_measure *m, const char *a,
			   const char *b)
{
	cr_assert_eq(m->status, PB_STATUS_CRASHED, "status %s: %s",
		     pb_status_name(m->status), m->message);
	cr_assert(strstr(m->message, a) && strstr(m->message, b),
		  "expected '%s' and '%s' in: %s", a, b, m->message);
}

Test(fork, crash_names_signal_and_task, .timeout = 30)
{
	struct pb_measure m;

	for (unsigned w = 1; w <= 4; w++) {
		run_clean("crash", "", "fork", "chunk=1", w, &m);
		assert_crashed(&m, "SIGSEGV (Segmentation fault)", "task 3");
		cr_assert(strstr(m.message, "fork: worker "), "%s", m.message);
	}
}

Test(fork, crash_in_first_and_last_task, .timeout = 30)
{
	struct pb_measure m;

	run_clean("crash", "tasks=5; crash_task=0", "fork", "", 2, &m);
	assert_crashed(&m, "SIGSEGV", "while running task 0");
	run_clean("crash", "tasks=5; crash_task=4", "fork", "", 2, &m);
	assert_crashed(&m, "SIGSEGV", "while running task 4");
}

Test(fork, crash_with_one_task_per_static_share, .timeout = 30)
{
	struct pb_measure m;

	run_clean("crash", "", "fork", "schedule=static", 8, &m);
	assert_crashed(&m, "SIGSEGV", "while running task 3");
}

/* Results leave in batches: the parent can only name the batch's range. */
Test(fork, crash_inside_a_batch_names_the_range, .timeout = 30)
{
	struct pb_measure m;

	run_clean("crash", "", "fork", "schedule=static", 2, &m);
	assert_crashed(&m, "SIGSEGV", "one of tasks 0..3");
	run_clean("crash", "", "fork", "schedule=dynamic; chunk=4", 1, &m);
	assert_crashed(&m, "SIGSEGV", "one of tasks 0..3");
}

Test(fork, crash_among_many_tasks, .timeout = 30)
{
	struct pb_measure m;

	run_clean("crash", "tasks=3000; crash_task=2500", "fork", "chunk=1", 3,
		  &m);
	assert_crashed(&m, "SIGSEGV", "while running task 2500");
}

Test(fork, default_chunk_names_the_range_of_the_crash, .timeout = 30)
{
	struct pb_measure m;

	/* chunk 0 = ceil(3000 / (4 x 3)) = 250 tasks a grant, as Pool.map */
	run_clean("crash", "tasks=3000; crash_task=2500", "fork", "", 3, &m);
	assert_crashed(&m, "SIGSEGV", "one of tasks 2500..2749");
}

Test(fork, exit_in_task_names_status_and_task, .timeout = 30)
{
	struct pb_measure m;

	for (unsigned w = 1; w <= 3; w++) {
		run_clean("exits", "", "fork", "chunk=1", w, &m);
		assert_crashed(&m, "exited with status 3", "task 3");
	}
}

Test(fork, exit_zero_in_task_is_a_crash, .timeout = 30)
{
	struct pb_measure m;

	run_clean("exits", "exit_status=0", "fork", "", 2, &m);
	assert_crashed(&m,
		       "exited with status 0 before sending all its "
		       "results",
		       "task 3");
}

Test(fork, task_error_stops_the_others, .timeout = 30)
{
	struct pb_measure m;

	run_clean("failing", "tasks=100000; fail_task=3", "fork", "", 2, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED, "%s", m.message);
	cr_assert_str_eq(m.message, "fork: task 3 failed on purpose");
}

/* Many small messages: they straddle every read and batch boundary. */
Test(fork, results_intact_through_the_pipes, .timeout = 60)
{
	static const char *const sched[] = {
	    "schedule=dynamic; chunk=1", "schedule=dynamic; chunk=7",
	    "schedule=dynamic; chunk=5000", "schedule=static"};
	struct pb_measure m;

	for (size_t s = 0; s < PB_COUNT(sched); s++)
		for (unsigned w = 1; w <= 3; w++) {
			run_clean("empty", "tasks=40000", "fork", sched[s], w,
				  &m);
			cr_assert_eq(m.status, PB_STATUS_OK,
				     "%s workers=%u: %s", sched[s], w,
				     m.message);
			cr_assert_eq(pbt_metric("empty", &m, "tasks"), 40000.0);
		}
}

Test(fork, many_workers, .timeout = 30)
{
	struct pb_measure m;

	run_clean("empty", "tasks=1000", "fork", "", 64, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	run_clean("crash", "tasks=100; crash_task=50", "fork", "", 64, &m);
	assert_crashed(&m, "SIGSEGV", "task 50");
}

Test(fork, chunk_larger_than_the_job, .timeout = 30)
{
	struct pb_measure m;

	run_clean("empty", "tasks=10", "fork", "chunk=1000000000", 3, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
}

/*
 * A grant written to a child that already died raises SIGPIPE: here the
 * second grant of worker 21 goes out after it crashed at its first task,
 * while 43 more children were forked. The signal must be consumed, and the
 * mask restored.
 */
Test(fork, grant_to_a_dead_child_leaves_no_sigpipe, .timeout = 30)
{
	struct pb_measure m;
	sigset_t mask, pending;

	for (int k = 0; k < 5; k++) {
		run_clean("crash", "tasks=200; crash_task=20", "fork", "", 64,
			  &m);
		assert_crashed(&m, "SIGSEGV", "task 20");
	}
	pthread_sigmask(SIG_SETMASK, NULL, &mask);
	sigpending(&pending);
	cr_assert_not(sigismember(&mask, SIGPIPE));
	cr_assert_not(sigismember(&pending, SIGPIPE));
}

/* Children end with _exit: the parent's unwritten stdio data stays its own. */
Test(fork, children_do_not_flush_parent_stdio, .timeout = 30)
{
	struct pb_measure m;
	char text[64] = {0};
	FILE *f = tmpfile();

	cr_assert_not_null(f);
	setvbuf(f, NULL, _IOFBF, 4096);
	fputs("once\n", f);
	run_clean("empty", "tasks=10", "fork", "", 4, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	fflush(f);
	rewind(f);
	cr_assert_eq(fread(text, 1, sizeof(text) - 1, f), 5);
	cr_assert_str_eq(text, "once\n");
	fclose(f);
}
