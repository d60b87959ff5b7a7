/*
 * primes.c — sum of the primes up to N, the notebook's second CPU-bound
 * example.
 *
 * Every task sums and counts the primes of one range [lo, hi]:
 *   numbers: [1e6, 2e6, 3e6]  one task per number, range [2, number] — the
 *                             notebook's uneven tasks (the last is over half
 *                             of the work);
 *   limit + tasks             (numbers empty) [2, limit] cut into `tasks`
 *                             ranges of equal length.
 * method: trial is the notebook's 6k±1 trial division, method: sieve a
 * segmented sieve of Eratosthenes over odd numbers.
 *
 * Bounds: numbers and limit are at most 1e12. The sum of the primes up to
 * 1e12 is about 1.8e22, beyond uint64 (which holds the sums only up to about
 * N = 2.9e10), so sums are carried in 128 bits (two uint64 words in the
 * result, so that results need no 16-byte alignment).
 *
 * verify recomputes the sums with a third, independent method: the
 * Lucy_Hedgehog prime-sum recurrence, O(N^3/4) time and O(sqrt N) memory
 * (a plain sieve would need N/16 bytes: 62 GB at 1e12). It checks every task
 * when that costs at most VERIFY_BUDGET steps, and the total otherwise.
 */
#include <math.h>
#include <parabench/plugin.h>
#include <stdlib.h>

typedef unsigned __int128 u128;

#define MAX_N 1e12
/* The sum metric's text holds at most this many characters. */
#define TEXT_MAX (PB_METRIC_TEXT_MAX - 1)
/* Odd numbers per sieve segment: 32 KiB of marks, about an L1 cache. */
#define SEGMENT 32768
/* Lucy_Hedgehog steps (about N^3/4 each) verify spends on per-task checks. */
#define VERIFY_BUDGET 4e8

enum { P_METHOD, P_NUMBERS, P_LIMIT, P_TASKS };

static const struct pb_param params[] = {
    [P_METHOD] = {"method", PB_ENUM, "trial", 0, 0, "trial|sieve",
		  "trial: the notebook's 6k+-1 trial division; sieve: a "
		  "segmented sieve of Eratosthenes"},
    [P_NUMBERS] = {"numbers", PB_INT_LIST, "[]", 2, MAX_N, NULL,
		   "one task per number, summing the primes <= it (the "
		   "notebook: [1e6, 2e6, 3e6]); empty: use limit and tasks"},
    [P_LIMIT] = {"limit", PB_INT, "3e6", 2, MAX_N, NULL,
		 "when numbers is empty: sum the primes in [2, limit]"},
    [P_TASKS] = {"tasks", PB_INT, "64", 1, 1e9, NULL,
		 "when numbers is empty: equal ranges [2, limit] is cut into"},
};

enum { M_SUM, M_COUNT };

static const struct pb_metric metrics[] = {
    [M_SUM] = {"sum", "",
	       "sum of the primes; with numbers, one sum per number (a;b;c)"},
    [M_COUNT] = {"count", "", "primes counted, over all tasks"},
};

/* Task i covers [lo[i], hi[i]]. */
struct primes_state {
	bool sieve;
	bool by_number; /* tasks come from `numbers` */
	size_t ntasks;
	uint64_t *lo, *hi;
};

/* Plain data: no 128-bit member, so no alignment beyond 8 is needed. */
struct primes_result {
	uint64_t sum_lo, sum_hi; /* the 128-bit sum, low and high words */
	uint64_t count;
	uint64_t lo, hi; /* the range summed, checked by verify */
};

struct tally {
	u128 sum;
	uint64_t count;
};

/* floor(sqrt(n)), exact for every uint64. */
static uint64_t isqrt(uint64_t n)
{
	uint64_t r = (uint64_t)sqrtl((long double)n);

	while (r > 0 && r > n / r)
		r--;
	while ((r + 1) <= n / (r + 1))
		r++;
	return r;
}

/* Writes n in decimal into buf (at least 40 bytes); returns the length. */
static int u128_format(u128 n, char *buf)
{
	char tmp[40];
	int len = 0;

	do {
		tmp[len++] = (char)('0' + (int)(n % 10));
		n /= 10;
	} while (n);
	for (int k = 0; k < len; k++)
		buf[k] = tmp[len - 1 - k];
	buf[len] = '\0';
	return len;
}

/* ---- Trial division --------------------------------------------------- */

/*
 * The notebook's is_prime. Two copies: 32-bit division is the cheaper
 * instruction, and every n below 2^32 (all the notebook's numbers) takes it.
 */
static bool is_prime_u32(uint32_t n)
{
	if (n <= 3)
		return n >= 2;
	if (n % 2 == 0 || n % 3 == 0)
		return false;
	for (uint32_t i = 5; (uint64_t)i * i <= n; i += 6)
		if (n % i == 0 || n % (i + 2) == 0)
			return false;
	return true;
}

static bool is_prime_u64(uint64_t n)
{
	if (n <= 3)
		return n >= 2;
	if (n % 2 == 0 || n % 3 == 0)
		return false;
	for (uint64_t i = 5; i * i <= n; i += 6)
		if (n % i == 0 || n % (i + 2) == 0)
			return false;
	return true;
}

static void trial_range(uint64_t lo, uint64_t hi, struct tally *t)
{
	uint64_t n = lo;

	for (; n <= hi && n <= UINT32_MAX; n++)
		if (is_prime_u32((uint32_t)n)) {
			t->sum += n;
			t->count++;
		}
	for (; n <= hi; n++)
		if (is_prime_u64(n)) {
			t->sum += n;
			t->count++;
		}
}

/* ---- Segmented sieve -------------------------------------------------- */

/*
 * The odd primes <= root, by a plain sieve; *np gets their number. The
 * caller frees the array. NULL when out of memory.
 */
static uint64_t *odd_primes_upto(uint64_t root, size_t *np)
{
	unsigned char *composite = calloc(root + 1, 1);
	/* pi(x) < 1.26 x / ln x: root / 2 + 1 is a safe, simple bound. */
	uint64_t *p = malloc((root / 2 + 1) * sizeof(*p));
	size_t n = 0;

	if (!composite || !p) {
		free(composite);
		free(p);
		return NULL;
	}
	for (uint64_t i = 3; i <= root; i += 2) {
		if (composite[i])
			continue;
		p[n++] = i;
		for (uint64_t j = i * i; j <= root; j += 2 * i)
			composite[j] = 1;
	}
	free(composite);
	*np = n;
	return p;
}

/*
 * Marks the odd composites of the segment of odd numbers first, first+2, ...
 * (count of them); next[k] is the next odd multiple of primes[k] to strike,
 * carried from segment to segment.
 */
static void strike(unsigned char *mark, uint64_t first, size_t count,
		   const uint64_t *primes, uint64_t *next, size_t np)
{
	uint64_t last = first + 2 * (count - 1);

	for (size_t k = 0; k < np && primes[k] * primes[k] <= last; k++) {
		uint64_t m = next[k];
		for (; m <= last; m += 2 * primes[k])
			mark[(m - first) / 2] = 1;
		next[k] = m;
	}
}

/* The first odd multiple of p that is >= max(p*p, from). */
static uint64_t first_multiple(uint64_t p, uint64_t from)
{
	uint64_t m = p * p;

	if (m < from) {
		m = (from + p - 1) / p * p;
		if (m % 2 == 0)
			m += p;
	}
	return m;
}

static int sieve_range(uint64_t lo, uint64_t hi, struct tally *t,
		       struct pb_err *err)
{
	size_t np = 0;
	uint64_t *primes = odd_primes_upto(isqrt(hi), &np);
	uint64_t *next = malloc((np + 1) * sizeof(*next));
	unsigned char *mark = malloc(SEGMENT);
	uint64_t first = lo < 3 ? 3 : lo | 1;
	int rc = PB_OK;

	if (!primes || !next || !mark) {
		rc = pb_fail(err, "out of memory sieving [%llu, %llu]",
			     (unsigned long long)lo, (unsigned long long)hi);
		goto out;
	}
	if (lo <= 2 && hi >= 2) {
		t->sum += 2;
		t->count++;
	}
	for (size_t k = 0; k < np; k++)
		next[k] = first_multiple(primes[k], first);
	for (; first <= hi; first += 2 * SEGMENT) {
		size_t count = (hi - first) / 2 + 1;
		uint64_t sum = 0; /* < 1e12 * 32768: fits */
		if (count > SEGMENT)
			count = SEGMENT;
		memset(mark, 0, count);
		strike(mark, first, count, primes, next, np);
		for (size_t j = 0; j < count; j++)
			if (!mark[j]) {
				sum += first + 2 * j;
				t->count++;
			}
		t->sum += sum;
	}
out:
	free(primes);
	free(next);
	free(mark);
	return rc;
}

/* ---- Lucy_Hedgehog, for verify ---------------------------------------- */

static u128 triangle(uint64_t v)
{
	return (u128)v * (v + 1) / 2;
}

/*
 * The sum and count of the primes <= n in O(n^3/4) steps. S(v) starts as the
 * sum of 2..v and, prime p by prime p, loses the numbers whose least prime
 * factor is p: S(v) -= p * (S(v / p) - S(p - 1)). Only the values v = n / k
 * are needed: small[v] holds S(v) for v <= r, large[k] holds S(n / k).
 */
static int lucy(uint64_t n, struct tally *t, struct pb_err *err)
{
	uint64_t r = isqrt(n);
	u128 *small_s = malloc((r + 1) * sizeof(u128));
	u128 *large_s = malloc((r + 1) * sizeof(u128));
	uint64_t *small_c = malloc((r + 1) * sizeof(uint64_t));
	uint64_t *large_c = malloc((r + 1) * sizeof(uint64_t));
	int rc = PB_OK;

	*t = (struct tally){0, 0};
	if (!small_s || !large_s || !small_c || !large_c) {
		rc = pb_fail(err, "out of memory checking the primes <= %llu",
			     (unsigned long long)n);
		goto out;
	}
	if (n < 2)
		goto out;
	for (uint64_t v = 1; v <= r; v++) {
		small_s[v] = triangle(v) - 1;
		small_c[v] = v - 1;
		large_s[v] = triangle(n / v) - 1;
		large_c[v] = n / v - 1;
	}
	for (uint64_t p = 2; p <= r; p++) {
		if (small_c[p] == small_c[p - 1])
			continue; /* p is not prime */
		u128 sp = small_s[p - 1];
		uint64_t cp = small_c[p - 1], p2 = p * p;
		uint64_t kmax = n / p2 < r ? n / p2 : r;
		for (uint64_t k = 1; k <= kmax; k++) {
			uint64_t kp = k * p;
			u128 s = kp <= r ? large_s[kp] : small_s[n / kp];
			uint64_t c = kp <= r ? large_c[kp] : small_c[n / kp];
			large_s[k] -= p * (s - sp);
			large_c[k] -= c - cp;
		}
		for (uint64_t v = r; v >= p2; v--) {
			small_s[v] -= p * (small_s[v / p] - sp);
			small_c[v] -= small_c[v / p] - cp;
		}
	}
	*t = (struct tally){large_s[1], large_c[1]};
out:
	free(small_s);
	free(large_s);
	free(small_c);
	free(large_c);
	return rc;
}

/* ---- Setup ------------------------------------------------------------ */

static int check_numbers(const struct pb_value *v, struct pb_err *err)
{
	size_t text = 0;

	for (size_t k = 0; k < v->u.ints.n; k++) {
		int64_t n = v->u.ints.v[k];
		char digits[40];
		if (n < 2 || n > (int64_t)MAX_N)
			return pb_fail(err,
				       "numbers[%zu] is %lld: expected 2 to "
				       "1e12 (the sums are exact only so far)",
				       k, (long long)n);
		/* The sum of the primes <= n is below n(n+1)/2. */
		text += (size_t)u128_format(triangle((uint64_t)n), digits) + 1;
	}
	if (text - 1 > TEXT_MAX)
		return pb_fail(
		    err,
		    "numbers has %zu entries whose sums may need %zu "
		    "characters in the sum metric, which holds %d: "
		    "give fewer numbers, or use limit and tasks",
		    v->u.ints.n, text - 1, TEXT_MAX);
	return PB_OK;
}

static int check_limit(int64_t limit, int64_t tasks, struct pb_err *err)
{
	if (limit < 2 || limit > (int64_t)MAX_N)
		return pb_fail(err, "limit is %lld: expected 2 to 1e12",
			       (long long)limit);
	if (tasks < 1)
		return pb_fail(err, "tasks is %lld: expected at least 1",
			       (long long)tasks);
	if (tasks > limit - 1)
		return pb_fail(err,
			       "tasks (%lld) exceeds the %lld numbers in "
			       "[2, limit]: every task needs at least one",
			       (long long)tasks, (long long)(limit - 1));
	return PB_OK;
}

/* Fills the task ranges of st from the checked arguments. */
static int make_ranges(struct primes_state *st, const struct pb_args *args,
		       struct pb_err *err)
{
	const struct pb_value *numbers = &args->values[P_NUMBERS];
	uint64_t limit = (uint64_t)args->values[P_LIMIT].u.i;

	st->by_number = numbers->u.ints.n > 0;
	st->ntasks = st->by_number ? numbers->u.ints.n
				   : (size_t)args->values[P_TASKS].u.i;
	st->lo = malloc(st->ntasks * sizeof(*st->lo));
	st->hi = malloc(st->ntasks * sizeof(*st->hi));
	if (!st->lo || !st->hi)
		return pb_fail(err, "out of memory for %zu task ranges",
			       st->ntasks);
	for (size_t i = 0; i < st->ntasks; i++) {
		if (st->by_number) {
			st->lo[i] = 2;
			st->hi[i] = (uint64_t)numbers->u.ints.v[i];
			continue;
		}
		/* 128 bits: (limit - 1) * i reaches 1e21. */
		u128 span = limit - 1;
		st->lo[i] = 2 + (uint64_t)(span * i / st->ntasks);
		st->hi[i] = 1 + (uint64_t)(span * (i + 1) / st->ntasks);
	}
	return PB_OK;
}

static void primes_teardown(void *state)
{
	struct primes_state *st = state;

	if (!st)
		return;
	free(st->lo);
	free(st->hi);
	free(st);
}

/*
 * Checks the parameters (again: a host may not have range-checked them) and
 * builds the task ranges. Fails with a message naming the parameter.
 */
static int primes_setup(const struct pb_args *args, struct pb_host *host,
			void **state, size_t *ntasks, struct pb_err *err)
{
	const struct pb_value *numbers = &args->values[P_NUMBERS];
	struct primes_state *st;

	(void)host;
	if (numbers->u.ints.n > 0 ? check_numbers(numbers, err)
				  : check_limit(args->values[P_LIMIT].u.i,
						args->values[P_TASKS].u.i, err))
		return PB_ERROR;
	st = calloc(1, sizeof(*st));
	if (!st)
		return pb_fail(err, "out of memory");
	st->sieve = strcmp(args->values[P_METHOD].u.s, "sieve") == 0;
	if (make_ranges(st, args, err)) {
		primes_teardown(st);
		return PB_ERROR;
	}
	*state = st;
	*ntasks = st->ntasks;
	return PB_OK;
}

/* ---- Tasks, reduce, verify -------------------------------------------- */

static int primes_run_task(void *state, void *worker, size_t task, void *result,
			   struct pb_err *err)
{
	const struct primes_state *st = state;
	struct primes_result *r = result;
	struct tally t = {0, 0};
	uint64_t lo = st->lo[task], hi = st->hi[task];

	(void)worker;
	if (st->sieve) {
		if (sieve_range(lo, hi, &t, err))
			return PB_ERROR;
	} else {
		trial_range(lo, hi, &t);
	}
	*r = (struct primes_result){
	    .sum_lo = (uint64_t)t.sum,
	    .sum_hi = (uint64_t)(t.sum >> 64),
	    .count = t.count,
	    .lo = lo,
	    .hi = hi,
	};
	return PB_OK;
}

static u128 result_sum(const struct primes_result *r)
{
	return (u128)r->sum_hi << 64 | r->sum_lo;
}

/* Writes "a;b;c", one sum per task, into text (checked to fit in setup). */
static void sums_text(const struct primes_result *r, size_t n, char *text)
{
	char digits[40];
	size_t used = 0;

	for (size_t k = 0; k < n; k++) {
		int len = u128_format(result_sum(&r[k]), digits);
		if (used + (k > 0) + (size_t)len > TEXT_MAX)
			break;
		if (k > 0)
			text[used++] = ';';
		memcpy(text + used, digits, (size_t)len + 1);
		used += (size_t)len;
	}
}

/*
 * sum: the total as a number (exact below 2^53) and, as text, the exact
 * total or, with numbers, one exact sum per number.
 */
static int primes_reduce(void *state, const void *results, size_t ntasks,
			 struct pb_metric_value *m, struct pb_err *err)
{
	const struct primes_state *st = state;
	const struct primes_result *r = results;
	u128 total = 0;
	uint64_t count = 0;

	(void)err;
	for (size_t k = 0; k < ntasks; k++) {
		total += result_sum(&r[k]);
		count += r[k].count;
	}
	m[M_SUM].value = (double)total;
	m[M_COUNT].value = (double)count;
	if (st->by_number)
		sums_text(r, ntasks, m[M_SUM].text);
	else
		u128_format(total, m[M_SUM].text);
	return PB_OK;
}

/* Lucy_Hedgehog steps for the tallies of [2, e] at every endpoint e. */
static double verify_cost(const struct primes_state *st)
{
	double cost = 0;

	for (size_t k = 0; k < st->ntasks; k++)
		cost += pow((double)st->hi[k], 0.75);
	return cost;
}

static int wrong(struct pb_err *err, const char *what, struct tally got,
		 struct tally want)
{
	char g[40], w[40];

	u128_format(got.sum, g);
	u128_format(want.sum, w);
	return pb_fail(err,
		       "%s: sum %s and count %llu, but the Lucy_Hedgehog "
		       "method gives sum %s and count %llu",
		       what, g, (unsigned long long)got.count, w,
		       (unsigned long long)want.count);
}

/* Checks each task against prefix tallies: [lo, hi] = P(hi) - P(lo - 1). */
static int verify_tasks(const struct primes_state *st,
			const struct primes_result *r, struct pb_err *err)
{
	struct tally below = {0, 0}, upto;
	char what[128];

	for (size_t k = 0; k < st->ntasks; k++) {
		/* Ranges are [2, n] or consecutive: P(lo - 1) is known. */
		if (st->by_number || k == 0)
			below = (struct tally){0, 0};
		if (lucy(st->hi[k], &upto, err))
			return PB_ERROR;
		struct tally want = {upto.sum - below.sum,
				     upto.count - below.count};
		struct tally got = {result_sum(&r[k]), r[k].count};
		if (got.sum != want.sum || got.count != want.count) {
			snprintf(what, sizeof(what),
				 "task %zu (the primes in [%llu, %llu])", k,
				 (unsigned long long)st->lo[k],
				 (unsigned long long)st->hi[k]);
			return wrong(err, what, got, want);
		}
		below = upto;
	}
	return PB_OK;
}

/* Checks only the total: [2, limit] is one Lucy_Hedgehog run. */
static int verify_total(const struct primes_state *st,
			const struct primes_result *r, struct pb_err *err)
{
	struct tally want, got = {0, 0};
	char what[128];

	if (lucy(st->hi[st->ntasks - 1], &want, err))
		return PB_ERROR;
	for (size_t k = 0; k < st->ntasks; k++) {
		got.sum += result_sum(&r[k]);
		got.count += r[k].count;
	}
	if (got.sum == want.sum && got.count == want.count)
		return PB_OK;
	snprintf(what, sizeof(what), "the primes in [2, %llu]",
		 (unsigned long long)st->hi[st->ntasks - 1]);
	return wrong(err, what, got, want);
}

/*
 * Right when every task summed its own range and the sums agree with the
 * Lucy_Hedgehog method: per task when affordable (always with numbers),
 * else the total.
 */
static int primes_verify(void *state, const void *results, size_t ntasks,
			 const struct pb_metric_value *m, struct pb_err *err)
{
	const struct primes_state *st = state;
	const struct primes_result *r = results;

	(void)m;
	if (ntasks != st->ntasks)
		return pb_fail(err, "%zu results, expected %zu", ntasks,
			       st->ntasks);
	for (size_t k = 0; k < ntasks; k++)
		if (r[k].lo != st->lo[k] || r[k].hi != st->hi[k])
			return pb_fail(err,
				       "result %zu covers [%llu, %llu], "
				       "expected [%llu, %llu]",
				       k, (unsigned long long)r[k].lo,
				       (unsigned long long)r[k].hi,
				       (unsigned long long)st->lo[k],
				       (unsigned long long)st->hi[k]);
	if (st->by_number || verify_cost(st) <= VERIFY_BUDGET)
		return verify_tasks(st, r, err);
	return verify_total(st, r, err);
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = primes_setup,
    .run_task = primes_run_task,
    .reduce = primes_reduce,
    .verify = primes_verify,
    .teardown = primes_teardown,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "primes",
		     "sum of the primes up to N by trial division or a sieve "
		     "(CPU-bound, uneven tasks)",
		     "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(struct primes_result),
    .workload = &hooks,
};
