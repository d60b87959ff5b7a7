/*
 * test_shm.c — the shm strategy: crashes and early exits named with the
 * signal or status and the task (exact in every schedule, from the
 * worker's slot in the shared mapping), results intact in every schedule
 * and chunk size, and nothing left behind: no descriptor, child process,
 * /dev/shm entry or shared mapping.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
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

Test(shm, crash_names_signal_and_task, .timeout = 30)
{
	struct pb_measure m;

	for (unsigned w = 1; w <= 4; w++) {
		run_clean("crash", "", "shm", "", w, &m);
		assert_crashed(&m, "SIGSEGV (Segmentation fault)",
			       "while running task 3");
		cr_assert(strstr(m.message, "shm: worker "), "%s", m.message);
	}
}

/* The slot names the task in every schedule, unlike fork's batches. */
Test(shm, crash_names_task_in_every_schedule, .timeout = 30)
{
	static const char *const sched[] = {"schedule=static",
					    "schedule=dynamic; chunk=4",
					    "schedule=dynamic; chunk=1000"};
	struct pb_measure m;

	for (size_t s = 0; s < PB_COUNT(sched); s++)
		for (unsigned w = 1; w <= 3; w++) {
			run_clean("crash", "tasks=9; crash_task=7", "shm",
				  sched[s], w, &m);
			assert_crashed(&m, "SIGSEGV", "while running task 7");
		}
}

Test(shm, crash_among_many_tasks, .timeout = 30)
{
	struct pb_measure m;

	run_clean("crash", "tasks=30000; crash_task=29999", "shm", "", 3, &m);
	assert_crashed(&m, "SIGSEGV", "while running task 29999");
}

Test(shm, exit_in_task_names_status_and_task, .timeout = 30)
{
	struct pb_measure m;

	for (unsigned w = 1; w <= 3; w++) {
		run_clean("exits", "", "shm", "", w, &m);
		assert_crashed(&m, "exited with status 3", "task 3");
	}
}

Test(shm, exit_zero_in_task_is_a_crash, .timeout = 30)
{
	struct pb_measure m;

	run_clean("exits", "exit_status=0", "shm", "schedule=static", 2, &m);
	assert_crashed(&m, "exited with status 0 before finishing its tasks",
		       "while running task 3");
}

Test(shm, task_error_stops_the_others, .timeout = 30)
{
	struct pb_measure m;

	run_clean("failing", "tasks=100000; fail_task=3", "shm", "", 2, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED, "%s", m.message);
	cr_assert_str_eq(m.message, "shm: task 3 failed on purpose");
}

Test(shm, results_intact_in_the_mapping, .timeout = 60)
{
	static const char *const sched[] = {
	    "schedule=dynamic; chunk=1", "schedule=dynamic; chunk=7",
	    "schedule=dynamic; chunk=5000", "schedule=static"};
	struct pb_measure m;

	for (size_t s = 0; s < PB_COUNT(sched); s++)
		for (unsigned w = 1; w <= 3; w++) {
			run_clean("empty", "tasks=100000", "shm", sched[s], w,
				  &m);
			cr_assert_eq(m.status, PB_STATUS_OK,
				     "%s workers=%u: %s", sched[s], w,
				     m.message);
			cr_assert_eq(pbt_metric("empty", &m, "tasks"),
				     100000.0);
		}
}

Test(shm, many_workers, .timeout = 30)
{
	struct pb_measure m;

	run_clean("empty", "tasks=1000", "shm", "", 64, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	run_clean("crash", "tasks=100; crash_task=50", "shm", "", 64, &m);
	assert_crashed(&m, "SIGSEGV", "while running task 50");
}

Test(shm, chunk_larger_than_the_job, .timeout = 30)
{
	struct pb_measure m;

	run_clean("empty", "tasks=10", "shm", "chunk=1000000000", 3, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
}

/* Children end with _exit: the parent's unwritten stdio data stays its own. */
Test(shm, children_do_not_flush_parent_stdio, .timeout = 30)
{
	struct pb_measure m;
	char text[64] = {0};
	FILE *f = tmpfile();

	cr_assert_not_null(f);
	setvbuf(f, NULL, _IOFBF, 4096);
	fputs("once\n", f);
	run_clean("empty", "tasks=10", "shm", "", 4, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	fflush(f);
	rewind(f);
	cr_assert_eq(fread(text, 1, sizeof(text) - 1, f), 5);
	cr_assert_str_eq(text, "once\n");
	fclose(f);
}
