/*
 * test_pi.c — the pi workload: right answers, bit-identical across
 * strategies and worker counts, verify catching a bad estimate; the scalar
 * kernel's recorded estimates; the simd kernel's estimate identical on every
 * instruction-set path PB_PI_SIMD forces, and its bad values refused.
 *
 * Criterion runs each test in a process of its own, so a test's setenv of
 * PB_PI_SIMD does not leak into the next. Tests that do not set it run with
 * the caller's (e.g. PB_PI_SIMD=avx2 under valgrind).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "pbtest.h"
#include "plugin/value.h"

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

/* ---- Kernels ---------------------------------------------------------- */

/*
 * Estimates of the scalar kernel recorded before the simd kernel existed:
 * 785264 of 1e6 points inside, and 1571182 of 2e6. They must never change.
 */
Test(pi, scalar_estimates_unchanged)
{
	struct pb_measure m;

	pbt_run("pi", "samples=1e6; tasks=16; seed=1", "serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	cr_assert_eq(pbt_metric("pi", &m, "estimate"), 4.0 * 785264 / 1e6,
		     "%.17g", pbt_metric("pi", &m, "estimate"));
	cr_assert_eq(pbt_metric("pi", &m, "simd_width"), 1.0);
	pbt_run("pi", "samples=2e6; tasks=37; seed=42; kernel=scalar",
		"pthreads", "", 3, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	cr_assert_eq(pbt_metric("pi", &m, "estimate"), 4.0 * 1571182 / 2e6,
		     "%.17g", pbt_metric("pi", &m, "estimate"));
}

Test(pi, scalar_kernel_ignores_simd_override)
{
	struct pb_measure m;

	setenv("PB_PI_SIMD", "no-such-path", 1);
	pbt_run("pi", "samples=1e6; tasks=16; seed=1", "serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	cr_assert_eq(pbt_metric("pi", &m, "estimate"), 4.0 * 785264 / 1e6);
}

Test(pi, simd_estimate_is_verified_ok)
{
	struct pb_measure m, scalar;

	pbt_run("pi", "samples=1e6; tasks=16; kernel=simd", "serial", "", 1,
		&m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	cr_assert_float_eq(pbt_metric("pi", &m, "estimate"), M_PI, 0.01);
	cr_assert_eq(pbt_metric("pi", &m, "samples"), 1e6);
	double w = pbt_metric("pi", &m, "simd_width");
	cr_assert(w == 1 || w == 2 || w == 4 || w == 8, "simd_width %g", w);
	/* Another generator stream: another estimate, as documented. */
	pbt_run("pi", "samples=1e6; tasks=16", "serial", "", 1, &scalar);
	cr_assert_neq(pbt_metric("pi", &m, "estimate"),
		      pbt_metric("pi", &scalar, "estimate"));
}

Test(pi, simd_seed_changes_estimate)
{
	struct pb_measure a, b;
	pbt_run("pi", "samples=1e5; tasks=4; seed=1; kernel=simd", "serial", "",
		1, &a);
	pbt_run("pi", "samples=1e5; tasks=4; seed=2; kernel=simd", "serial", "",
		1, &b);
	cr_assert_eq(a.status, PB_STATUS_OK, "%s", a.message);
	cr_assert_eq(b.status, PB_STATUS_OK, "%s", b.message);
	cr_assert_neq(pbt_metric("pi", &a, "estimate"),
		      pbt_metric("pi", &b, "estimate"));
}

static void assert_same_estimate(const struct pb_measure *m, double want,
				 const char *what)
{
	cr_assert_eq(m->status, PB_STATUS_OK, "%s: %s", what, m->message);
	double got = pbt_metric("pi", m, "estimate");
	cr_assert(memcmp(&got, &want, sizeof(got)) == 0, "%s: %.17g != %.17g",
		  what, got, want);
}

Test(pi, simd_bit_identical_across_strategies_and_workers)
{
	const char *wp = "samples=2000011; tasks=37; seed=42; kernel=simd";
	const char *strategies[] = {"pthreads", "fork", "shm"};
	const char *sched[] = {"schedule=dynamic", "schedule=static"};
	struct pb_measure ref, m;
	char what[128];

	pbt_run("pi", wp, "serial", "", 1, &ref);
	cr_assert_eq(ref.status, PB_STATUS_OK, "%s", ref.message);
	double want = pbt_metric("pi", &ref, "estimate");
	for (size_t s = 0; s < PB_COUNT(strategies); s++)
		for (size_t k = 0; k < PB_COUNT(sched); k++)
			for (unsigned w = 1; w <= 5; w += 2) {
				snprintf(what, sizeof(what), "%s %s workers=%u",
					 strategies[s], sched[k], w);
				pbt_run("pi", wp, strategies[s], sched[k], w,
					&m);
				assert_same_estimate(&m, want, what);
			}
}

/* Width each path reports, and whether this CPU can run it. */
static const struct {
	const char *name;
	double width;
} isa_paths[] = {{"avx512", 8}, {"avx2", 4}, {"sse2", 2}, {"portable", 1}};

static bool cpu_runs(const char *path)
{
#if defined(__x86_64__)
	if (strcmp(path, "avx512") == 0)
		return __builtin_cpu_supports("avx512f");
	if (strcmp(path, "avx2") == 0)
		return __builtin_cpu_supports("avx2");
	return true;
#else
	return strcmp(path, "portable") == 0;
#endif
}

/* Every path gives the same bits; an unsupported one fails clearly. */
static void check_every_path(const char *wp)
{
	struct pb_measure m;
	double want = NAN;
	char what[160];

	for (size_t k = 0; k < PB_COUNT(isa_paths); k++) {
		const char *name = isa_paths[k].name;
		snprintf(what, sizeof(what), "PB_PI_SIMD=%s %s", name, wp);
		setenv("PB_PI_SIMD", name, 1);
		pbt_run("pi", wp, "serial", "", 1, &m);
		if (!cpu_runs(name)) {
			cr_assert_eq(m.status, PB_STATUS_FAILED, "%s", what);
			cr_assert(strstr(m.message, "cannot run"), "%s: %s",
				  what, m.message);
			continue;
		}
		cr_assert_eq(m.status, PB_STATUS_OK, "%s: %s", what, m.message);
		cr_assert_eq(pbt_metric("pi", &m, "simd_width"),
			     isa_paths[k].width, "%s", what);
		if (isnan(want))
			want = pbt_metric("pi", &m, "estimate");
		assert_same_estimate(&m, want, what);
	}
	setenv("PB_PI_SIMD", "auto", 1);
	pbt_run("pi", wp, "serial", "", 1, &m);
	assert_same_estimate(&m, want, "PB_PI_SIMD=auto");
}

Test(pi, simd_every_isa_path_gives_identical_estimate)
{
	check_every_path("samples=1000003; tasks=7; seed=5; kernel=simd");
	/* Fewer samples than lanes: only the tail loop draws. */
	check_every_path("samples=13; tasks=3; seed=9; kernel=simd");
}

Test(pi, simd_auto_picks_best_path)
{
	struct pb_measure m;
	double best = 1;

	for (size_t k = PB_COUNT(isa_paths); k-- > 0;)
		if (cpu_runs(isa_paths[k].name))
			best = isa_paths[k].width;
	unsetenv("PB_PI_SIMD");
	pbt_run("pi", "samples=1e4; kernel=simd", "serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	cr_assert_eq(pbt_metric("pi", &m, "simd_width"), best);
	setenv("PB_PI_SIMD", "", 1);
	pbt_run("pi", "samples=1e4; kernel=simd", "serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	cr_assert_eq(pbt_metric("pi", &m, "simd_width"), best);
}

Test(pi, bad_simd_override_fails_setup)
{
	const char *bad[] = {"avx3", "AVX2", " sse2", "sse2,avx2"};
	struct pb_measure m;
	char want[160];

	for (size_t k = 0; k < PB_COUNT(bad); k++) {
		setenv("PB_PI_SIMD", bad[k], 1);
		pbt_run("pi", "samples=1e4; kernel=simd", "serial", "", 1, &m);
		cr_assert_eq(m.status, PB_STATUS_FAILED, "%s", bad[k]);
		snprintf(want, sizeof(want),
			 "setup: PB_PI_SIMD=%s is not a simd path; expected "
			 "auto, avx512, avx2, sse2 or portable",
			 bad[k]);
		cr_assert_str_eq(m.message, want);
	}
}

Test(pi, unknown_kernel_is_rejected)
{
	const struct pb_plugin *p = pbt_plugin(PB_KIND_WORKLOAD, "pi");
	struct pb_arena arena = {0};
	struct pb_value v;
	struct pb_err err = {{0}};
	size_t k = 0;

	while (strcmp(p->params[k].name, "kernel"))
		k++;
	cr_assert_eq(pb_value_parse(&p->params[k], "vector", &arena, &v, &err),
		     PB_ERROR);
	cr_assert(strstr(err.msg, "scalar"), "%s", err.msg);
	pb_arena_free(&arena);
}
