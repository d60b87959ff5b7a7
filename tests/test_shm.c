/*
 * test_shm.c — the shm strategy: crashes and early exits named with the
 * signal or status and the task (exact in every schedule, from the
 * worker's slot in the shared mapping), results intact in every schedule
 * and chunk size, and nothing left behind: no descriptor, child process,
 * /dev/shm entry or shared mapping.
 */
#include <criterion/criterion.h>

#include "pbt_leftovers.h"
#include "pbtest.h"

Test(shm, crash_names_signal_and_task, .timeout = 30)
{
	struct pb_measure m;

	for (unsigned w = 1; w <= 4; w++) {
		pbt_run_clean("crash", "", "shm", "", w, &m);
		pbt_assert_crashed(&m, "SIGSEGV (Segmentation fault)",
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
			pbt_run_clean("crash", "tasks=9; crash_task=7", "shm",
				      sched[s], w, &m);
			pbt_assert_crashed(&m, "SIGSEGV",
					   "while running task 7");
		}
}

Test(shm, crash_among_many_tasks, .timeout = 30)
{
	struct pb_measure m;

	pbt_run_clean("crash", "tasks=30000; crash_task=29999", "shm", "", 3,
		      &m);
	pbt_assert_crashed(&m, "SIGSEGV", "while running task 29999");
}

Test(shm, exit_in_task_names_status_and_task, .timeout = 30)
{
	struct pb_measure m;

	for (unsigned w = 1; w <= 3; w++) {
		pbt_run_clean("exits", "", "shm", "", w, &m);
		pbt_assert_crashed(&m, "exited with status 3", "task 3");
	}
}

Test(shm, exit_zero_in_task_is_a_crash, .timeout = 30)
{
	struct pb_measure m;

	pbt_run_clean("exits", "exit_status=0", "shm", "schedule=static", 2,
		      &m);
	pbt_assert_crashed(&m,
			   "exited with status 0 before finishing its tasks",
			   "while running task 3");
}

Test(shm, task_error_stops_the_others, .timeout = 30)
{
	struct pb_measure m;

	pbt_run_clean("failing", "tasks=100000; fail_task=3", "shm", "", 2, &m);
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
			pbt_run_clean("empty", "tasks=100000", "shm", sched[s],
				      w, &m);
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

	pbt_run_clean("empty", "tasks=1000", "shm", "", 64, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	pbt_run_clean("crash", "tasks=100; crash_task=50", "shm", "", 64, &m);
	pbt_assert_crashed(&m, "SIGSEGV", "while running task 50");
}

Test(shm, chunk_larger_than_the_job, .timeout = 30)
{
	struct pb_measure m;

	pbt_run_clean("empty", "tasks=10", "shm", "chunk=1000000000", 3, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
}

/* Children end with _exit: the parent's unwritten stdio data stays its own. */
Test(shm, children_do_not_flush_parent_stdio, .timeout = 30)
{
	pbt_assert_children_keep_stdio("shm");
}
