/*
 * test_pthreads.c — the pthreads strategy when a thread cannot be created
 * while the threads already started fail: one error, written under the
 * lock (ThreadSanitizer, `make test SANITIZE=thread`, sees any race).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "pbtest.h"

/* The address space this process uses now, in bytes. */
static rlim_t address_space(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long kb = 0;

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmSize: %lu kB", &kb) == 1)
			break;
	fclose(f);
	cr_assert_gt(kb, 0);
	return (rlim_t)kb * 1024;
}

/*
 * Leaves this test's process room for about 16 more stacks of 8 MiB, then
 * runs `failing` on 64 threads, wparams saying which task fails: the first
 * threads run (and fail) well before a creation fails. In the test's own
 * process, not a child: ThreadSanitizer ignores the child of a process
 * with threads (Criterion has one), and Criterion runs each test in a
 * process of its own, which the limit ends with.
 */
static void run_short_of_stacks(const char *wparams, struct pb_measure *m)
{
	/* Load the plugins before the limit: dlopen needs room too. */
	pbt_plugin(PB_KIND_WORKLOAD, "failing");
	pbt_plugin(PB_KIND_STRATEGY, "pthreads");
	rlim_t room = address_space() + ((rlim_t)136 << 20);
	struct rlimit rl = {room, room};
	cr_assert_eq(setrlimit(RLIMIT_AS, &rl), 0);
	pbt_run("failing", wparams, "pthreads", "schedule=static", 64, m);
}

Test(pthreads, a_thread_that_cannot_be_created_is_a_failure, .timeout = 30)
{
	struct pb_measure m;

	run_short_of_stacks("tasks=640; fail_task=-1", &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED, "%s", m.message);
	cr_assert(strstr(m.message, "cannot create thread "), "%s", m.message);
	cr_assert(strstr(m.message, " of 64: "), "%s", m.message);
}

Test(pthreads, a_thread_that_cannot_be_created_while_others_fail, .timeout = 30)
{
	struct pb_measure m;

	/* Started threads fail at once while more are being created. */
	run_short_of_stacks("tasks=640; fail_task=0", &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED, "%s", m.message);
	/* Either failure may come first; the message is one of them, whole. */
	cr_assert(strstr(m.message, "cannot create thread ") ||
		      strstr(m.message, "task 0 failed on purpose"),
		  "%s", m.message);
}
