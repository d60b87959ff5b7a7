/*
 * test_primes.c — the primes workload: the notebook's known sums by both
 * methods, bit-identical answers across strategies, verify catching wrong
 * results (also beyond 64 bits), and every parameter error.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "pbtest.h"
#include "value.h"

/* The notebook's numbers and their sums; counts are pi(n). */
#define NOTEBOOK "numbers=[1e6, 2e6, 3e6]"
#define NOTEBOOK_SUMS "37550402023;142913828922;312471072265"
#define NOTEBOOK_TOTAL (37550402023.0 + 142913828922.0 + 312471072265.0)
#define NOTEBOOK_COUNT (78498.0 + 148933.0 + 216816.0)

/* Mirrors struct primes_result of the plugin (plain data, 5 words). */
struct result {
	uint64_t sum_lo, sum_hi, count, lo, hi;
};

static const struct pb_workload_hooks *hooks(void)
{
	return pbt_plugin(PB_KIND_WORKLOAD, "primes")->workload;
}

static struct pb_args args_of(const char *params, struct pb_arena *arena)
{
	return pbt_args(pbt_plugin(PB_KIND_WORKLOAD, "primes"), params, arena);
}

/* The writable value of parameter name in args (for values a host refuses). */
static struct pb_value *value_of(struct pb_args *args, const char *name)
{
	for (size_t k = 0; k < args->n; k++)
		if (strcmp(args->params[k].name, name) == 0)
			return (struct pb_value *)&args->values[k];
	cr_assert_fail("no parameter %s", name);
	return NULL;
}

static int setup(const struct pb_args *args, void **state, size_t *ntasks,
		 struct pb_err *err)
{
	struct pb_host host = {.size = sizeof(host), .seed = 1, .cores = 2};
	return hooks()->setup(args, &host, state, ntasks, err);
}

/* Setup must fail with a message containing want. */
static void expect_setup_error(struct pb_args *args, const char *want)
{
	struct pb_err err = {{0}};
	void *state = NULL;
	size_t n = 0;

	cr_assert_eq(setup(args, &state, &n, &err), PB_ERROR,
		     "setup accepted what should fail with '%s'", want);
	cr_assert(strstr(err.msg, want), "message '%s' lacks '%s'", err.msg,
		  want);
}

static void expect_ok(const char *params, const char *strategy,
		      const char *sparams, unsigned workers,
		      struct pb_measure *m)
{
	pbt_run("primes", params, strategy, sparams, workers, m);
	cr_assert_eq(m->status, PB_STATUS_OK, "%s under %s: %s", params,
		     strategy, m->message);
}

static bool have_strategy(const char *name)
{
	return pb_registry_find(pbt_registry(), PB_KIND_STRATEGY, name);
}

Test(primes, notebook_sums_by_trial_division)
{
	struct pb_measure m;

	expect_ok(NOTEBOOK, "serial", "", 1, &m);
	cr_assert_str_eq(pbt_metric_text("primes", &m, "sum"), NOTEBOOK_SUMS);
	cr_assert_eq(pbt_metric("primes", &m, "sum"), NOTEBOOK_TOTAL);
	cr_assert_eq(pbt_metric("primes", &m, "count"), NOTEBOOK_COUNT);
}

Test(primes, notebook_sums_by_sieve)
{
	struct pb_measure m;

	expect_ok(NOTEBOOK "; method=sieve", "serial", "", 1, &m);
	cr_assert_str_eq(pbt_metric_text("primes", &m, "sum"), NOTEBOOK_SUMS);
	cr_assert_eq(pbt_metric("primes", &m, "count"), NOTEBOOK_COUNT);
}

Test(primes, limit_split_into_ranges_gives_same_total)
{
	const char *methods[] = {"trial", "sieve"};
	char params[128];
	struct pb_measure m;

	for (size_t k = 0; k < 2; k++) {
		snprintf(params, sizeof(params),
			 "limit=1e6; tasks=7; method=%s", methods[k]);
		expect_ok(params, "serial", "", 1, &m);
		cr_assert_str_eq(pbt_metric_text("primes", &m, "sum"),
				 "37550402023");
		cr_assert_eq(pbt_metric("primes", &m, "count"), 78498.0);
	}
}

/* Many small ranges: verify checks each one, so a boundary slip shows. */
Test(primes, many_small_ranges_each_verified)
{
	struct pb_measure m;

	expect_ok("limit=100003; tasks=997; method=sieve", "serial", "", 1, &m);
	expect_ok("limit=100003; tasks=997; method=trial", "serial", "", 1, &m);
	cr_assert_eq(pbt_metric("primes", &m, "count"),
		     9593.0); /* 100003 is prime */
}

Test(primes, smallest_inputs)
{
	struct pb_measure m;

	expect_ok("numbers=[2, 3, 4, 5]; method=sieve", "serial", "", 1, &m);
	cr_assert_str_eq(pbt_metric_text("primes", &m, "sum"), "2;5;5;10");
	expect_ok("numbers=[2, 3, 4, 5]", "serial", "", 1, &m);
	cr_assert_str_eq(pbt_metric_text("primes", &m, "sum"), "2;5;5;10");
	expect_ok("limit=3; tasks=2; method=sieve", "serial", "", 1, &m);
	cr_assert_eq(pbt_metric("primes", &m, "sum"), 5.0);
	cr_assert_eq(pbt_metric("primes", &m, "count"), 2.0);
}

/* The exact text and count under every strategy and worker count. */
static void same_answer_everywhere(const char *params)
{
	const char *strategies[] = {"pthreads", "fork", "shm"};
	const char *sched[] = {"schedule=dynamic", "schedule=static"};
	struct pb_measure ref, m;
	char want[PB_METRIC_TEXT_MAX];

	expect_ok(params, "serial", "", 1, &ref);
	snprintf(want, sizeof(want), "%s",
		 pbt_metric_text("primes", &ref, "sum"));
	double count = pbt_metric("primes", &ref, "count");
	for (size_t s = 0; s < PB_COUNT(strategies); s++) {
		if (!have_strategy(strategies[s]))
			continue;
		for (unsigned w = 1; w <= 4; w++) {
			const char *sp = s == 0 ? sched[w % 2] : "";
			expect_ok(params, strategies[s], sp, w, &m);
			cr_assert_str_eq(pbt_metric_text("primes", &m, "sum"),
					 want, "%s, %u workers", strategies[s],
					 w);
			double got = pbt_metric("primes", &m, "count");
			cr_assert(memcmp(&got, &count, sizeof(got)) == 0);
		}
	}
}

Test(primes, bit_identical_across_strategies)
{
	same_answer_everywhere("numbers=[1e5, 3e5, 2e5]");
	same_answer_everywhere("limit=3e5; tasks=13; method=sieve");
}

/* Runs every task of params, then reduce, in this thread. */
static void run_all(const char *params, void **state, struct result **r,
		    size_t *n, struct pb_metric_value *m)
{
	struct pb_arena arena = {0};
	struct pb_args args = args_of(params, &arena);
	struct pb_err err = {{0}};

	cr_assert_eq(setup(&args, state, n, &err), PB_OK, "%s", err.msg);
	*r = calloc(*n, sizeof(**r));
	cr_assert_not_null(*r);
	for (size_t k = 0; k < *n; k++)
		cr_assert_eq(hooks()->run_task(*state, NULL, k, &(*r)[k], &err),
			     PB_OK, "%s", err.msg);
	for (size_t k = 0; k < 2; k++)
		m[k].value = 0;
	cr_assert_eq(hooks()->reduce(*state, *r, *n, m, &err), PB_OK);
	pb_arena_free(&arena);
}

static void expect_wrong(void *state, const struct result *r, size_t n,
			 const struct pb_metric_value *m, const char *want)
{
	struct pb_err err = {{0}};

	cr_assert_eq(hooks()->verify(state, r, n, m, &err), PB_ERROR,
		     "verify accepted a corrupted result (want '%s')", want);
	cr_assert(strstr(err.msg, want), "message '%s' lacks '%s'", err.msg,
		  want);
}

Test(primes, verify_catches_corrupted_results)
{
	struct pb_metric_value m[2] = {0};
	struct pb_err err = {{0}};
	struct result *r;
	void *state;
	size_t n;

	run_all(NOTEBOOK "; method=sieve", &state, &r, &n, m);
	cr_assert_eq(n, 3);
	cr_assert_eq(hooks()->verify(state, r, n, m, &err), PB_OK, "%s",
		     err.msg);
	r[1].sum_lo += 2;
	expect_wrong(state, r, n, m,
		     "task 1 (the primes in [2, 2000000]): sum 142913828924");
	r[1].sum_lo -= 2;
	r[2].count--;
	expect_wrong(state, r, n, m, "count 216815");
	r[2].count++;
	r[0].hi = 999999;
	expect_wrong(state, r, n, m, "result 0 covers [2, 999999]");
	r[0].hi = 1000000;
	cr_assert_eq(hooks()->verify(state, r, n, m, &err), PB_OK);
	hooks()->teardown(state);
	free(r);
}

Test(primes, verify_catches_a_swapped_range)
{
	struct pb_metric_value m[2] = {0};
	struct result *r, t;
	void *state;
	size_t n;

	run_all("limit=1e5; tasks=4", &state, &r, &n, m);
	t = r[1];
	r[1] = r[2];
	r[2] = t;
	expect_wrong(state, r, n, m, "result 1 covers");
	hooks()->teardown(state);
	free(r);
}

/*
 * Sums beyond 64 bits: the sum of the primes <= 1e11 (OEIS A046731) needs
 * 68 bits. A made-up result holding it must pass verify, a changed one fail.
 */
Test(primes, verify_is_exact_beyond_64_bits)
{
	struct pb_arena arena = {0};
	struct pb_args args = args_of("numbers=[1e11]", &arena);
	struct pb_metric_value m[2] = {0};
	struct pb_err err = {{0}};
	unsigned __int128 want =
	    (unsigned __int128)201467077743ULL * 1000000000ULL + 744681014ULL;
	struct result r = {(uint64_t)want, (uint64_t)(want >> 64), 4118054813,
			   2, 100000000000};
	void *state;
	size_t n;

	cr_assert_eq(r.sum_hi, 10); /* the sum >> 64 */
	cr_assert_eq(setup(&args, &state, &n, &err), PB_OK, "%s", err.msg);
	cr_assert_eq(hooks()->verify(state, &r, 1, m, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(hooks()->reduce(state, &r, 1, m, &err), PB_OK);
	cr_assert_str_eq(m[0].text, "201467077743744681014");
	r.sum_hi++;
	expect_wrong(state, &r, 1, m, "gives sum 201467077743744681014");
	hooks()->teardown(state);
	pb_arena_free(&arena);
}

/* Above the per-task budget verify checks the total (pi(1e10) = 455052511). */
Test(primes, verify_checks_total_of_a_large_limit)
{
	struct pb_arena arena = {0};
	struct pb_args args = args_of("limit=1e10; tasks=64", &arena);
	struct pb_metric_value m[2] = {0};
	struct pb_err err = {{0}};
	struct result r[64];
	void *state;
	size_t n;

	cr_assert_eq(setup(&args, &state, &n, &err), PB_OK, "%s", err.msg);
	cr_assert_eq(n, 64);
	for (size_t k = 0; k < n; k++) {
		uint64_t span = 10000000000ULL - 1;
		r[k] = (struct result){0, 0, 0, 2 + span * k / 64,
				       1 + span * (k + 1) / 64};
	}
	r[0].sum_lo = 2220822432581729238ULL; /* sum of primes <= 1e10 */
	r[0].count = 455052511;
	cr_assert_eq(hooks()->verify(state, r, n, m, &err), PB_OK, "%s",
		     err.msg);
	r[63].count = 1;
	expect_wrong(state, r, n, m, "the primes in [2, 10000000000]");
	hooks()->teardown(state);
	pb_arena_free(&arena);
}

/* The switch from 32- to 64-bit trial division, against the sieve. */
Test(primes, trial_and_sieve_agree_across_2_to_the_32)
{
	struct pb_arena arena = {0};
	struct pb_err err = {{0}};
	struct result a, b;
	void *ts, *ss;
	size_t n, k;

	struct pb_args ta = args_of("limit=4295000000; tasks=200000", &arena);
	struct pb_args sa =
	    args_of("limit=4295000000; tasks=200000; method=sieve", &arena);
	cr_assert_eq(setup(&ta, &ts, &n, &err), PB_OK, "%s", err.msg);
	cr_assert_eq(setup(&sa, &ss, &n, &err), PB_OK, "%s", err.msg);
	k = (size_t)((4294967296.0 - 2) * 200000 / (4295000000.0 - 1));
	cr_assert_eq(hooks()->run_task(ts, NULL, k, &a, &err), PB_OK);
	cr_assert_eq(hooks()->run_task(ss, NULL, k, &b, &err), PB_OK);
	cr_assert(a.lo <= 4294967296ULL && a.hi >= 4294967296ULL,
		  "task %zu covers [%llu, %llu]", k, (unsigned long long)a.lo,
		  (unsigned long long)a.hi);
	cr_assert_gt(a.count, 0);
	cr_assert(memcmp(&a, &b, sizeof(a)) == 0,
		  "trial: %llu primes, sieve: %llu",
		  (unsigned long long)a.count, (unsigned long long)b.count);
	hooks()->teardown(ts);
	hooks()->teardown(ss);
	pb_arena_free(&arena);
}

Test(primes, parameter_errors)
{
	struct pb_arena arena = {0};
	struct pb_args args = args_of("numbers=[10, 20]", &arena);
	int64_t bad_low[] = {10, 1}, bad_high[] = {1000000000001};

	value_of(&args, "numbers")->u.ints.v = bad_low;
	expect_setup_error(&args, "numbers[1] is 1: expected 2 to 1e12");
	value_of(&args, "numbers")->u.ints.v = bad_high;
	value_of(&args, "numbers")->u.ints.n = 1;
	expect_setup_error(&args, "numbers[0] is 1000000000001");

	args = args_of("limit=10", &arena);
	value_of(&args, "limit")->u.i = 1;
	expect_setup_error(&args, "limit is 1: expected 2 to 1e12");
	value_of(&args, "limit")->u.i = 2000000000000;
	expect_setup_error(&args, "limit is 2000000000000");
	value_of(&args, "limit")->u.i = 10;
	value_of(&args, "tasks")->u.i = 0;
	expect_setup_error(&args, "tasks is 0: expected at least 1");
	value_of(&args, "tasks")->u.i = -5;
	expect_setup_error(&args, "tasks is -5");
	pb_arena_free(&arena);
}

Test(primes, more_tasks_than_numbers_fails_setup)
{
	struct pb_measure m;

	pbt_run("primes", "limit=10; tasks=10", "serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED);
	cr_assert(strstr(m.message, "setup: tasks (10) exceeds the 9 numbers "
				    "in [2, limit]"),
		  "%s", m.message);
}

Test(primes, too_many_numbers_for_the_sum_text)
{
	struct pb_measure m;
	char params[512] = "numbers=[1e6";

	for (int k = 0; k < 29; k++)
		strcat(params, ", 1e6");
	strcat(params, "]");
	pbt_run("primes", params, "serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED);
	cr_assert(strstr(m.message, "numbers has 30 entries"), "%s", m.message);
}

/* The host refuses out-of-range values from the declared bounds. */
Test(primes, declared_bounds_refuse_bad_values)
{
	const struct pb_plugin *p = pbt_plugin(PB_KIND_WORKLOAD, "primes");
	struct pb_arena arena = {0};
	struct pb_err why = {{0}};
	struct pb_value v;
	const char *items[] = {"1e6", "1"};

	for (size_t k = 0; k < p->nparams; k++) {
		const struct pb_param *q = &p->params[k];
		if (strcmp(q->name, "numbers") == 0)
			cr_assert_eq(
			    pb_value_from_items(q, items, 2, &arena, &v, &why),
			    PB_ERROR);
		if (strcmp(q->name, "limit") == 0)
			cr_assert_eq(
			    pb_value_parse(q, "2e12", &arena, &v, &why),
			    PB_ERROR);
		if (strcmp(q->name, "method") == 0)
			cr_assert_eq(
			    pb_value_parse(q, "wheel", &arena, &v, &why),
			    PB_ERROR);
	}
	pb_arena_free(&arena);
}
