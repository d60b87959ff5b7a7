/*
 * test_fork.c — the fork strategy: crashes and early exits named with the
 * signal or status and the task, results moved intact through the pipes in
 * every schedule and chunk size, the host's signal mask and stdio left
 * alone, and nothing left behind after any run.
 */
#include <criterion/criterion.h>
#include <signal.h>

#include "pbt_leftovers.h"
#include "pbtest.h"

Test(fork, crash_names_signal_and_task, .timeout = 30)
{
	struct pb_measure m;

	for (unsigned w = 1; w <= 4; w++) {
		pbt_run_clean("crash", "", "fork", "chunk=1", w, &m);
		pbt_assert_crashed(&m, "SIGSEGV (Segmentation fault)",
				   "task 3");
		cr_assert(strstr(m.message, "fork: worker "), "%s", m.message);
	}
}

Test(fork, crash_in_first_and_last_task, .timeout = 30)
{
	struct pb_measure m;

	pbt_run_clean("crash", "tasks=5; crash_task=0", "fork", "", 2, &m);
	pbt_assert_crashed(&m, "SIGSEGV", "while running task 0");
	pbt_run_clean("crash", "tasks=5; crash_task=4", "fork", "", 2, &m);
	pbt_assert_crashed(&m, "SIGSEGV", "while running task 4");
}

Test(fork, crash_with_one_task_per_static_share, .timeout = 30)
{
	struct pb_measure m;

	pbt_run_clean("crash", "", "fork", "schedule=static", 8, &m);
	pbt_assert_crashed(&m, "SIGSEGV", "while running task 3");
}

/* Results leave in batches: the parent can only name the batch's range. */
Test(fork, crash_inside_a_batch_names_the_range, .timeout = 30)
{
	struct pb_measure m;

	pbt_run_clean("crash", "", "fork", "schedule=static", 2, &m);
	pbt_assert_crashed(&m, "SIGSEGV", "one of tasks 0..3");
	pbt_run_clean("crash", "", "fork", "schedule=dynamic; chunk=4", 1, &m);
	pbt_assert_crashed(&m, "SIGSEGV", "one of tasks 0..3");
}

Test(fork, crash_among_many_tasks, .timeout = 30)
{
	struct pb_measure m;

	pbt_run_clean("crash", "tasks=3000; crash_task=2500", "fork", "chunk=1",
		      3, &m);
	pbt_assert_crashed(&m, "SIGSEGV", "while running task 2500");
}

Test(fork, default_chunk_names_the_range_of_the_crash, .timeout = 30)
{
	struct pb_measure m;

	/* chunk 0 = ceil(3000 / (4 x 3)) = 250 tasks a grant, as Pool.map */
	pbt_run_clean("crash", "tasks=3000; crash_task=2500", "fork", "", 3,
		      &m);
	pbt_assert_crashed(&m, "SIGSEGV", "one of tasks 2500..2749");
}

Test(fork, exit_in_task_names_status_and_task, .timeout = 30)
{
	struct pb_measure m;

	for (unsigned w = 1; w <= 3; w++) {
		pbt_run_clean("exits", "", "fork", "chunk=1", w, &m);
		pbt_assert_crashed(&m, "exited with status 3", "task 3");
	}
}

Test(fork, exit_zero_in_task_is_a_crash, .timeout = 30)
{
	struct pb_measure m;

	pbt_run_clean("exits", "exit_status=0", "fork", "", 2, &m);
	pbt_assert_crashed(&m,
			   "exited with status 0 before sending all its "
			   "results",
			   "task 3");
}

Test(fork, task_error_stops_the_others, .timeout = 30)
{
	struct pb_measure m;

	pbt_run_clean("failing", "tasks=100000; fail_task=3", "fork", "", 2,
		      &m);
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
			pbt_run_clean("empty", "tasks=40000", "fork", sched[s],
				      w, &m);
			cr_assert_eq(m.status, PB_STATUS_OK,
				     "%s workers=%u: %s", sched[s], w,
				     m.message);
			cr_assert_eq(pbt_metric("empty", &m, "tasks"), 40000.0);
		}
}

Test(fork, many_workers, .timeout = 30)
{
	struct pb_measure m;

	pbt_run_clean("empty", "tasks=1000", "fork", "", 64, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	pbt_run_clean("crash", "tasks=100; crash_task=50", "fork", "", 64, &m);
	pbt_assert_crashed(&m, "SIGSEGV", "task 50");
}

Test(fork, chunk_larger_than_the_job, .timeout = 30)
{
	struct pb_measure m;

	pbt_run_clean("empty", "tasks=10", "fork", "chunk=1000000000", 3, &m);
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
		pbt_run_clean("crash", "tasks=200; crash_task=20", "fork", "",
			      64, &m);
		pbt_assert_crashed(&m, "SIGSEGV", "task 20");
	}
	pthread_sigmask(SIG_SETMASK, NULL, &mask);
	sigpending(&pending);
	cr_assert_not(sigismember(&mask, SIGPIPE));
	cr_assert_not(sigismember(&pending, SIGPIPE));
}

/* Children end with _exit: the parent's unwritten stdio data stays its own. */
Test(fork, children_do_not_flush_parent_stdio, .timeout = 30)
{
	pbt_assert_children_keep_stdio("fork");
}
