/*
 * test_primes.c — the primes workload: the notebook's known sums by both
 * methods, bit-identical answers across strategies, verify catching wrong
 * results (also beyond 64 bits), and every parameter error.
 */
#include <criterion/criterion.h>

#include "pbt_direct.h"
#include "pbtest.h"
#include "plugin/value.h"

/* The notebook's numbers and their sums; counts are pi(n). */
#define NOTEBOOK "numbers=[1e6, 2e6, 3e6]"
#define NOTEBOOK_SUMS "37550402023;142913828922;312471072265"
#define NOTEBOOK_TOTAL (37550402023.0 + 142913828922.0 + 312471072265.0)
#define NOTEBOOK_COUNT (78498.0 + 148933.0 + 216816.0)

/* Mirrors struct primes_result of the plugin (plain data, 5 words). */
struct result {
	uint64_t sum_lo, sum_hi, count, lo, hi;
};

Test(primes, notebook_sums_by_trial_division)
{
	struct pb_measure m;

	pbt_run_ok("primes", NOTEBOOK, "serial", "", 1, &m);
	cr_assert_str_eq(pbt_metric_text("primes", &m, "sum"), NOTEBOOK_SUMS);
	cr_assert_eq(pbt_metric("primes", &m, "sum"), NOTEBOOK_TOTAL);
	cr_assert_eq(pbt_metric("primes", &m, "count"), NOTEBOOK_COUNT);
}

Test(primes, notebook_sums_by_sieve)
{
	struct pb_measure m;

	pbt_run_ok("primes", NOTEBOOK "; method=sieve", "serial", "", 1, &m);
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
		pbt_run_ok("primes", params, "serial", "", 1, &m);
		cr_assert_str_eq(pbt_metric_text("primes", &m, "sum"),
				 "37550402023");
		cr_assert_eq(pbt_metric("primes", &m, "count"), 78498.0);
	}
}

/* Many small ranges: verify checks each one, so a boundary slip shows. */
Test(primes, many_small_ranges_each_verified)
{
	struct pb_measure m;

	pbt_run_ok("primes", "limit=100003; tasks=997; method=sieve", "serial",
		   "", 1, &m);
	pbt_run_ok("primes", "limit=100003; tasks=997; method=trial", "serial",
		   "", 1, &m);
	cr_assert_eq(pbt_metric("primes", &m, "count"),
		     9593.0); /* 100003 is prime */
}

Test(primes, smallest_inputs)
{
	struct pb_measure m;

	pbt_run_ok("primes", "numbers=[2, 3, 4, 5]; method=sieve", "serial", "",
		   1, &m);
	cr_assert_str_eq(pbt_metric_text("primes", &m, "sum"), "2;5;5;10");
	pbt_run_ok("primes", "numbers=[2, 3, 4, 5]", "serial", "", 1, &m);
	cr_assert_str_eq(pbt_metric_text("primes", &m, "sum"), "2;5;5;10");
	pbt_run_ok("primes", "limit=3; tasks=2; method=sieve", "serial", "", 1,
		   &m);
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

	pbt_run_ok("primes", params, "serial", "", 1, &ref);
	snprintf(want, sizeof(want), "%s",
		 pbt_metric_text("primes", &ref, "sum"));
	double count = pbt_metric("primes", &ref, "count");
	for (size_t s = 0; s < PB_COUNT(strategies); s++) {
		if (!pbt_have_strategy(strategies[s]))
			continue;
		for (unsigned w = 1; w <= 4; w++) {
			const char *sp = s == 0 ? sched[w % 2] : "";
			pbt_run_ok("primes", params, strategies[s], sp, w, &m);
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

Test(primes, verify_catches_corrupted_results)
{
	struct pbt_direct d;

	pbt_direct_run_all(&d, "primes", NOTEBOOK "; method=sieve");
	struct result *r = d.results;
	cr_assert_eq(d.ntasks, 3);
	cr_assert_eq(pbt_direct_verify(&d), PB_OK, "%s", d.err.msg);
	r[1].sum_lo += 2;
	pbt_direct_expect_wrong(
	    &d, "task 1 (the primes in [2, 2000000]): sum 142913828924");
	r[1].sum_lo -= 2;
	r[2].count--;
	pbt_direct_expect_wrong(&d, "count 216815");
	r[2].count++;
	r[0].hi = 999999;
	pbt_direct_expect_wrong(&d, "result 0 covers [2, 999999]");
	r[0].hi = 1000000;
	cr_assert_eq(pbt_direct_verify(&d), PB_OK);
	pbt_direct_teardown(&d);
}

Test(primes, verify_catches_a_swapped_range)
{
	struct pbt_direct d;
	struct result t;

	pbt_direct_run_all(&d, "primes", "limit=1e5; tasks=4");
	struct result *r = d.results;
	t = r[1];
	r[1] = r[2];
	r[2] = t;
	pbt_direct_expect_wrong(&d, "result 1 covers");
	pbt_direct_teardown(&d);
}

/*
 * Sums beyond 64 bits: the sum of the primes <= 1e11 (OEIS A046731) needs
 * 68 bits. A made-up result holding it must pass verify, a changed one fail.
 */
Test(primes, verify_is_exact_beyond_64_bits)
{
	struct pbt_direct d;
	unsigned __int128 want =
	    (unsigned __int128)201467077743ULL * 1000000000ULL + 744681014ULL;
	struct result *r;

	pbt_direct_start(&d, "primes", "numbers=[1e11]");
	cr_assert_eq(d.ntasks, 1);
	r = d.results;
	*r = (struct result){(uint64_t)want, (uint64_t)(want >> 64), 4118054813,
			     2, 100000000000};
	cr_assert_eq(r->sum_hi, 10); /* the sum >> 64 */
	cr_assert_eq(pbt_direct_verify(&d), PB_OK, "%s", d.err.msg);
	cr_assert_eq(d.h->reduce(d.state, r, 1, d.m, &d.err), PB_OK);
	cr_assert_str_eq(d.m[0].text, "201467077743744681014");
	r->sum_hi++;
	pbt_direct_expect_wrong(&d, "gives sum 201467077743744681014");
	pbt_direct_teardown(&d);
}

/* Above the per-task budget verify checks the total (pi(1e10) = 455052511). */
Test(primes, verify_checks_total_of_a_large_limit)
{
	struct pbt_direct d;

	pbt_direct_start(&d, "primes", "limit=1e10; tasks=64");
	cr_assert_eq(d.ntasks, 64);
	struct result *r = d.results;
	for (size_t k = 0; k < d.ntasks; k++) {
		uint64_t span = 10000000000ULL - 1;
		r[k] = (struct result){0, 0, 0, 2 + span * k / 64,
				       1 + span * (k + 1) / 64};
	}
	r[0].sum_lo = 2220822432581729238ULL; /* sum of primes <= 1e10 */
	r[0].count = 455052511;
	cr_assert_eq(pbt_direct_verify(&d), PB_OK, "%s", d.err.msg);
	r[63].count = 1;
	pbt_direct_expect_wrong(&d, "the primes in [2, 10000000000]");
	pbt_direct_teardown(&d);
}

/* The switch from 32- to 64-bit trial division, against the sieve. */
Test(primes, trial_and_sieve_agree_across_2_to_the_32)
{
	struct pbt_direct t, s;
	struct result a, b;
	size_t k;

	pbt_direct_start(&t, "primes", "limit=4295000000; tasks=200000");
	pbt_direct_start(&s, "primes",
			 "limit=4295000000; tasks=200000; method=sieve");
	k = (size_t)((4294967296.0 - 2) * 200000 / (4295000000.0 - 1));
	cr_assert_eq(t.h->run_task(t.state, NULL, k, &a, &t.err), PB_OK);
	cr_assert_eq(s.h->run_task(s.state, NULL, k, &b, &s.err), PB_OK);
	cr_assert(a.lo <= 4294967296ULL && a.hi >= 4294967296ULL,
		  "task %zu covers [%llu, %llu]", k, (unsigned long long)a.lo,
		  (unsigned long long)a.hi);
	cr_assert_gt(a.count, 0);
	cr_assert(memcmp(&a, &b, sizeof(a)) == 0,
		  "trial: %llu primes, sieve: %llu",
		  (unsigned long long)a.count, (unsigned long long)b.count);
	pbt_direct_teardown(&t);
	pbt_direct_teardown(&s);
}

Test(primes, parameter_errors)
{
	struct pbt_direct d;
	int64_t bad_low[] = {10, 1}, bad_high[] = {1000000000001};

	pbt_direct_init(&d, "primes", "numbers=[10, 20]");
	pbt_value(&d.args, "numbers")->u.ints.v = bad_low;
	pbt_direct_expect_setup_error(&d,
				      "numbers[1] is 1: expected 2 to 1e12");
	pbt_value(&d.args, "numbers")->u.ints.v = bad_high;
	pbt_value(&d.args, "numbers")->u.ints.n = 1;
	pbt_direct_expect_setup_error(&d, "numbers[0] is 1000000000001");
	pbt_direct_teardown(&d);

	pbt_direct_init(&d, "primes", "limit=10");
	pbt_value(&d.args, "limit")->u.i = 1;
	pbt_direct_expect_setup_error(&d, "limit is 1: expected 2 to 1e12");
	pbt_value(&d.args, "limit")->u.i = 2000000000000;
	pbt_direct_expect_setup_error(&d, "limit is 2000000000000");
	pbt_value(&d.args, "limit")->u.i = 10;
	pbt_value(&d.args, "tasks")->u.i = 0;
	pbt_direct_expect_setup_error(&d, "tasks is 0: expected at least 1");
	pbt_value(&d.args, "tasks")->u.i = -5;
	pbt_direct_expect_setup_error(&d, "tasks is -5");
	pbt_direct_teardown(&d);
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
