/*
 * test_counters.c — core/lib/counters.c: kernel counters over a span,
 * inherited by threads and children; unknown names refused, unavailable
 * events tolerated.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/counters.h"

/* Touches n pages of fresh memory: about n page faults. */
static void touch_pages(size_t n)
{
	long page = sysconf(_SC_PAGESIZE);
	volatile char *p = malloc(n * (size_t)page);

	cr_assert_not_null(p);
	for (size_t i = 0; i < n; i++)
		p[i * (size_t)page] = 1;
	free((void *)p);
}

static uint64_t faults_for(size_t pages)
{
	static const char *const names[] = {"page-faults"};
	struct pb_counters c;
	struct pb_err err = {{0}};
	uint64_t v = 0;

	cr_assert_eq(pb_counters_open(&c, names, 1, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_geq(c.fd[0], 0, "page-faults unavailable: %s",
		      strerror(c.open_errno[0]));
	pb_counters_start(&c);
	touch_pages(pages);
	pb_counters_stop(&c);
	cr_assert(pb_counters_read(&c, 0, &v));
	pb_counters_close(&c);
	return v;
}

Test(counters, page_faults_grow_with_the_memory_touched)
{
	uint64_t small = faults_for(64), large = faults_for(4096);

	cr_assert_geq(large, 4096 / 2, "large: %llu",
		      (unsigned long long)large);
	cr_assert_gt(large, small * 4, "small %llu, large %llu",
		     (unsigned long long)small, (unsigned long long)large);
}

Test(counters, a_forked_childs_events_are_counted)
{
	static const char *const names[] = {"page-faults", "task-clock"};
	struct pb_counters c;
	struct pb_err err = {{0}};
	uint64_t faults = 0, clock = 0;
	pid_t pid;

	cr_assert_eq(pb_counters_open(&c, names, 2, &err), PB_OK, "%s",
		     err.msg);
	pb_counters_start(&c);
	pid = fork();
	if (pid == 0) {
		touch_pages(4096);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, NULL, 0), pid);
	pb_counters_stop(&c);
	cr_assert(pb_counters_read(&c, 0, &faults));
	cr_assert(pb_counters_read(&c, 1, &clock));
	pb_counters_close(&c);
	cr_assert_geq(faults, 4096 / 2, "faults %llu",
		      (unsigned long long)faults);
	cr_assert_gt(clock, 0);
}

/*
 * Hardware events: on this VM they are absent (ENOENT); where they exist
 * they count. Either way opening never fails.
 */
Test(counters, a_hardware_event_is_counted_or_says_why_not)
{
	static const char *const names[] = {"instructions"};
	struct pb_counters c;
	struct pb_err err = {{0}};
	uint64_t v = 0;

	cr_assert_eq(pb_counters_open(&c, names, 1, &err), PB_OK, "%s",
		     err.msg);
	pb_counters_start(&c);
	touch_pages(16);
	pb_counters_stop(&c);
	if (c.fd[0] < 0) {
		cr_assert_neq(c.open_errno[0], 0);
		cr_assert_not(pb_counters_read(&c, 0, &v));
	} else {
		cr_assert(pb_counters_read(&c, 0, &v));
		cr_assert_gt(v, 0);
	}
	pb_counters_close(&c);
	pb_counters_close(&c); /* safe twice */
}

Test(counters, an_unknown_event_is_refused_with_the_known_ones)
{
	static const char *const names[] = {"task-clock", "cycels"};
	struct pb_counters c;
	struct pb_err err = {{0}};

	cr_assert_eq(pb_counters_open(&c, names, 2, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "'cycels'"), "%s", err.msg);
	cr_assert(strstr(err.msg, "cycles"), "%s", err.msg);
	cr_assert_eq(c.fd[0], -1, "closed after the refusal");
}

Test(counters, column_names_use_underscores)
{
	char col[32];
	struct pb_err err = {{0}};

	cr_assert_eq(
	    pb_counter_column("cpu-migrations", col, sizeof(col), &err), PB_OK);
	cr_assert_str_eq(col, "counter_cpu_migrations");
	cr_assert_eq(pb_counter_column("cpu-migrations", col, 12, &err),
		     PB_ERROR);
	cr_assert(pb_counter_known("branch-misses"));
	cr_assert_not(pb_counter_known("branch_misses"));
}
