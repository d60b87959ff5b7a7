/*
 * test_pi.c — the pi workload: right answers, bit-identical across
 * strategies and worker counts, verify catching a bad estimate.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "pbtest.h"

Test(pi, estimate_is_verified_ok)
{
	struct pb_measure m;
	pbt_run("pi", "samples=1e6; tasks=16", "serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	cr_assert_float_eq(pbt_metric("pi", &m, "estimate"), M_PI, 0.01);
	cr_assert_eq(pbt_metric("pi", &m, "samples"), 1e6);
}

Test(pi, uneven_split_draws_every_sample)
{
	struct pb_measure m;
	pbt_run("pi", "samples=1000003; tasks=7", "serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	cr_assert_eq(pbt_metric("pi", &m, "samples"), 1000003.0);
}

Test(pi, bit_identical_across_strategies_and_workers)
{
	struct pb_measure ref, m;
	const char *sched[] = {"schedule=dynamic; chunk=1",
			       "schedule=dynamic; chunk=5", "schedule=static"};

	pbt_run("pi", "samples=2e6; tasks=37; seed=42", "serial", "", 1, &ref);
	cr_assert_eq(ref.status, PB_STATUS_OK, "%s", ref.message);
	double want = pbt_metric("pi", &ref, "estimate");
	for (unsigned w = 1; w <= 8; w++)
		for (size_t s = 0; s < 3; s++) {
			pbt_run("pi", "samples=2e6; tasks=37; seed=42",
				"pthreads", sched[s], w, &m);
			cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
			double got = pbt_metric("pi", &m, "estimate");
			cr_assert(memcmp(&got, &want, sizeof(got)) == 0,
				  "pthreads %s workers=%u: %.17g != %.17g",
				  sched[s], w, got, want);
		}
}

Test(pi, seed_changes_estimate)
{
	struct pb_measure a, b;
	pbt_run("pi", "samples=1e5; tasks=4; seed=1", "serial", "", 1, &a);
	pbt_run("pi", "samples=1e5; tasks=4; seed=2", "serial", "", 1, &b);
	cr_assert_neq(pbt_metric("pi", &a, "estimate"),
		      pbt_metric("pi", &b, "estimate"));
}

Test(pi, more_tasks_than_samples_fails_setup)
{
	struct pb_measure m;
	pbt_run("pi", "samples=3; tasks=4", "serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED);
	cr_assert(strstr(m.message, "setup: tasks (4) exceeds samples (3)"),
		  "%s", m.message);
}

Test(pi, workers_beyond_tasks)
{
	struct pb_measure m;
	pbt_run("pi", "samples=1e4; tasks=2", "pthreads", "", 16, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	cr_assert_eq(pbt_metric("pi", &m, "samples"), 1e4);
}
