/*
 * test_mpi_bind.c — the mpi strategy's binding helper
 * (plugins/strategies/mpi/bind.h), without MPI: CPU lists worded, the sets
 * learnt from a bind service with the caller's own set given back (also
 * after the service failed), nothing bound under a service that does
 * nothing or a host without one, and a rank bound as a whole (every
 * thread), or failing with the worker, the CPUs and the reason.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <pthread.h>
#include <unistd.h>

#include "../plugins/strategies/mpi/bind.h"

static cpu_set_t set_of(const int *cpus, size_t n)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	for (size_t k = 0; k < n; k++)
		CPU_SET(cpus[k], &s);
	return s;
}

Test(mpi_bind, cpu_lists_are_ranges)
{
	char buf[64];
	cpu_set_t s = set_of((const int[]){0, 2, 3, 4, 5, 9}, 6);

	cr_assert_str_eq(pbm_cpu_list(&s, buf, sizeof(buf)), "0,2-5,9");
	CPU_ZERO(&s);
	cr_assert_str_eq(pbm_cpu_list(&s, buf, sizeof(buf)), "none");
	CPU_SET(CPU_SETSIZE - 1, &s);
	cr_assert_str_eq(pbm_cpu_list(&s, buf, sizeof(buf)), "1023");
}

Test(mpi_bind, a_long_cpu_list_is_cut_with_dots)
{
	char buf[12];
	cpu_set_t s;

	CPU_ZERO(&s);
	for (int c = 0; c < 40; c += 2)
		CPU_SET(c, &s);
	cr_assert_str_eq(pbm_cpu_list(&s, buf, sizeof(buf)), "0,2,4,6...");
}

/* A bind service: worker w goes to CPU w % the CPUs this test may use. */
static int n_allowed;
static int allowed[CPU_SETSIZE];
static unsigned calls;
static int fail_at = -1;

static void learn_allowed(void)
{
	cpu_set_t own;

	cr_assert_eq(sched_getaffinity(0, sizeof(own), &own), 0);
	n_allowed = 0;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &own))
			allowed[n_allowed++] = c;
	calls = 0;
	fail_at = -1;
}

static int one_cpu_each(const struct pb_job *job, unsigned w,
			struct pb_err *err)
{
	cpu_set_t s = set_of(&allowed[w % (unsigned)n_allowed], 1);

	(void)job;
	calls++;
	if ((int)w == fail_at) {
		sched_setaffinity(0, sizeof(s), &s); /* half done, then fails */
		return pb_fail(err, "worker %u: cannot bind on purpose", w);
	}
	if (sched_setaffinity(0, sizeof(s), &s) != 0)
		return pb_fail(err, "worker %u: %s", w, strerror(errno));
	return PB_OK;
}

static int does_nothing(const struct pb_job *job, unsigned w,
			struct pb_err *err)
{
	(void)job, (void)w, (void)err;
	calls++;
	return PB_OK;
}

static void assert_own_set_back(const cpu_set_t *before)
{
	cpu_set_t now;

	cr_assert_eq(sched_getaffinity(0, sizeof(now), &now), 0);
	cr_assert(CPU_EQUAL(&now, before), "the caller's set was not restored");
}

TestSuite(mpi_bind, .init = learn_allowed);

Test(mpi_bind, sets_come_from_the_service_and_the_caller_keeps_its_own)
{
	struct pb_job job = {.size = sizeof(job), .bind_worker = one_cpu_each};
	struct pb_err err = {{0}};
	cpu_set_t sets[5], own;
	bool bound = false;

	cr_assert_eq(sched_getaffinity(0, sizeof(own), &own), 0);
	cr_assert_eq(pbm_cpu_sets(&job, 5, sets, &bound, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(calls, 5);
	for (unsigned w = 0; w < 5; w++) {
		cpu_set_t want = set_of(&allowed[w % (unsigned)n_allowed], 1);
		cr_assert(CPU_EQUAL(&sets[w], &want), "worker %u", w);
	}
	cr_assert_eq(bound, n_allowed > 1, "one CPU each differs from all");
	assert_own_set_back(&own);
}

Test(mpi_bind, a_service_that_binds_nothing_leaves_ranks_unbound)
{
	struct pb_job job = {.size = sizeof(job), .bind_worker = does_nothing};
	struct pb_err err = {{0}};
	cpu_set_t sets[3], own;
	bool bound = true;

	cr_assert_eq(sched_getaffinity(0, sizeof(own), &own), 0);
	cr_assert_eq(pbm_cpu_sets(&job, 3, sets, &bound, &err), PB_OK);
	cr_assert_eq(calls, 3);
	cr_assert_not(bound);
	for (unsigned w = 0; w < 3; w++)
		cr_assert(CPU_EQUAL(&sets[w], &own), "worker %u", w);
}

Test(mpi_bind, no_service_binds_nothing)
{
	/* A version 2 host: its job ends before bind_worker. */
	struct pb_job job = {.size = offsetof(struct pb_job, bind_worker),
			     .bind_worker = one_cpu_each};
	struct pb_err err = {{0}};
	cpu_set_t sets[2];
	bool bound = true;

	cr_assert_eq(pbm_cpu_sets(&job, 2, sets, &bound, &err), PB_OK);
	cr_assert_not(bound);
	cr_assert_eq(calls, 0, "a member the host does not have was read");
	job.size = sizeof(job);
	job.bind_worker = NULL;
	cr_assert_eq(pbm_cpu_sets(&job, 2, sets, &bound, &err), PB_OK);
	cr_assert_not(bound);
}

Test(mpi_bind, a_failing_service_fails_with_its_message_and_restores)
{
	struct pb_job job = {.size = sizeof(job), .bind_worker = one_cpu_each};
	struct pb_err err = {{0}};
	cpu_set_t sets[4], own;
	bool bound;

	cr_assert_eq(sched_getaffinity(0, sizeof(own), &own), 0);
	fail_at = 2;
	cr_assert_eq(pbm_cpu_sets(&job, 4, sets, &bound, &err), PB_ERROR);
	cr_assert_str_eq(err.msg, "worker 2: cannot bind on purpose");
	cr_assert_eq(calls, 3, "no worker after the failing one");
	assert_own_set_back(&own);
}

/* A thread that reports its id, then waits until told to end. */
struct sleeper {
	int ready[2], done[2];
};

static void *sleep_until_told(void *arg)
{
	struct sleeper *s = arg;
	pid_t tid = gettid();
	char c;

	/* No assertion here: the main thread's reads fail instead. */
	if (write(s->ready[1], &tid, sizeof(tid)) == sizeof(tid))
		while (read(s->done[0], &c, 1) < 0 && errno == EINTR)
			;
	return NULL;
}

Test(mpi_bind, a_rank_binds_every_thread_it_has)
{
	struct sleeper s;
	struct pb_err err = {{0}};
	cpu_set_t want = set_of(&allowed[n_allowed - 1], 1), got;
	pthread_t th;
	pid_t tid;

	cr_assert_eq(pipe(s.ready), 0);
	cr_assert_eq(pipe(s.done), 0);
	cr_assert_eq(pthread_create(&th, NULL, sleep_until_told, &s), 0);
	cr_assert_eq(read(s.ready[0], &tid, sizeof(tid)), sizeof(tid));
	cr_assert_eq(pbm_bind_self(&want, 3, &err), PB_OK, "%s", err.msg);
	cr_assert_eq(sched_getaffinity(0, sizeof(got), &got), 0);
	cr_assert(CPU_EQUAL(&got, &want), "the calling thread");
	cr_assert_eq(sched_getaffinity(tid, sizeof(got), &got), 0);
	cr_assert(CPU_EQUAL(&got, &want), "the other thread");
	cr_assert_eq(write(s.done[1], "x", 1), 1);
	cr_assert_eq(pthread_join(th, NULL), 0);
}

Test(mpi_bind, a_rank_that_cannot_bind_says_where_and_why)
{
	struct pb_err err = {{0}};
	cpu_set_t own, none;

	/* No machine has CPU 1023 and nothing else online. */
	none = set_of((const int[]){CPU_SETSIZE - 1}, 1);
	if (sysconf(_SC_NPROCESSORS_CONF) >= CPU_SETSIZE)
		cr_skip_test("this machine has CPU %d", CPU_SETSIZE - 1);
	cr_assert_eq(sched_getaffinity(0, sizeof(own), &own), 0);
	cr_assert_eq(pbm_bind_self(&none, 3, &err), PB_ERROR);
	cr_assert_str_eq(err.msg,
			 "worker 3: cannot bind to CPU 1023: Invalid argument");
	assert_own_set_back(&own);
}
