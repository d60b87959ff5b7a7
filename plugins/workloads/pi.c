/*
 * pi.c — Monte Carlo estimate of pi, the notebook's CPU-bound example.
 *
 * Every task draws its share of the samples and counts the points inside the
 * quarter circle. Its generators are seeded by splitmix64 from (seed, task
 * index) only, so the estimate depends only on (samples, tasks, seed,
 * kernel): every strategy and worker count gives the same bits.
 *
 * kernel: scalar (the default, the reference) — one xoshiro256+ stream per
 * task, one 64-bit draw per sample split into two 32-bit coordinates tested
 * in double precision (32 bits of resolution bias the estimate by < 1e-9,
 * far below the statistical error of any feasible sample count).
 *
 * kernel: simd — the notebook's point that vectorisation can gain more than
 * threads. Each task runs 8 independent xoshiro256+ lanes; lane l draws
 * samples l, l + 8, l + 16, ... of the task. A draw r gives x = r >> 32 and
 * y = r mod 2^32, and the point is inside when x^2 + y^2 < 2^64, decided
 * exactly in 64-bit integers: x^2 and y^2 come from the 32x32->64 multiply
 * every x86-64 vector unit has (pmuludq), and the sum is < 2^64 exactly when
 * the 64-bit addition does not carry. Integer arithmetic has no rounding or
 * contraction to differ between instruction sets, so every path below gives
 * the same counts, lane for lane. (32-bit coordinates bias the estimate by
 * about 4 * 2^-32 = 1e-9, against 6 standard errors of 1e-4 at 1e10
 * samples; float's 24-bit coordinates would bias it by about 2e-7, also
 * harmless, but cost conversions and rounding the integer test avoids.)
 *
 *   avx512    one 512-bit vector of 8 lanes          simd_width 8
 *   avx2      two 256-bit vectors of 4 lanes         simd_width 4
 *   sse2      four 128-bit vectors of 2 lanes        simd_width 2
 *   portable  plain C over the 8 lanes (any CPU)     simd_width 1
 *
 * The build has no -march: the avx512 and avx2 functions are compiled for
 * their instruction sets alone (target attributes) and chosen at setup by
 * the CPU's features, best first. The environment variable PB_PI_SIMD
 * (avx512, avx2, sse2, portable; empty or "auto" = best supported) forces a
 * path, e.g. PB_PI_SIMD=avx2 under valgrind, which rejects AVX-512. It is
 * read at every setup, never cached, and ignored by the scalar kernel.
 * The metric simd_width says which path ran (1 for the scalar kernel).
 */
#include <math.h>
#include <parabench/plugin.h>
#include <stdlib.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

enum { P_SAMPLES, P_TASKS, P_SEED, P_KERNEL };

static const struct pb_param params[] = {
    [P_SAMPLES] = {"samples", PB_INT, "1e7", 1, PB_NO_MAX, NULL,
		   "total number of random points"},
    [P_TASKS] = {"tasks", PB_INT, "64", 1, 1e9, NULL,
		 "number of tasks the samples are split into"},
    [P_SEED] = {"seed", PB_INT, "1", 0, 9.2e18, NULL,
		"generator seed; the estimate is a function of it"},
    [P_KERNEL] = {"kernel", PB_ENUM, "scalar", 0, 0, "scalar|simd",
		  "scalar: one generator per task, the reference; simd: 8 "
		  "generator lanes per task in vector instructions (best the "
		  "CPU has; force with PB_PI_SIMD=avx512|avx2|sse2|portable)"},
};

enum { M_ESTIMATE, M_ABS_ERROR, M_SAMPLES, M_SIMD_WIDTH };

static const struct pb_metric metrics[] = {
    [M_ESTIMATE] = {"estimate", "", "the estimate of pi"},
    [M_ABS_ERROR] = {"abs_error", "", "|estimate - pi|"},
    [M_SAMPLES] = {"samples", "", "points drawn"},
    [M_SIMD_WIDTH] = {"simd_width", "",
		      "lanes per vector instruction of the kernel that ran: "
		      "8 avx512, 4 avx2, 2 sse2, 1 portable or scalar"},
};

/* Generator lanes of the simd kernel: fixed, whatever the vector width. */
#define LANES 8

/*
 * Runs `steps` draws on each of the LANES generators of s (s[k][l] is word
 * k of lane l), updating s, and adds each lane's inside count to inside[l].
 */
typedef void (*lanes_fn)(uint64_t s[4][LANES], uint64_t steps,
			 uint64_t inside[LANES]);

struct pi_state {
	uint64_t samples, tasks, seed;
	lanes_fn lanes; /* NULL: the scalar kernel */
	unsigned width;
};

struct pi_result {
	uint64_t inside, drawn;
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* One xoshiro256+ draw from lane l of s. */
static inline uint64_t xoshiro_next(uint64_t s[4][LANES], int l)
{
	uint64_t r = s[0][l] + s[3][l];
	uint64_t t = s[1][l] << 17;

	s[2][l] ^= s[0][l];
	s[3][l] ^= s[1][l];
	s[1][l] ^= s[2][l];
	s[0][l] ^= s[3][l];
	s[2][l] ^= t;
	s[3][l] = rotl(s[3][l], 45);
	return r;
}

/* ---- Scalar kernel (the reference; its results must never change) ----- */

/* Counts points inside the unit quarter circle among n draws. */
static uint64_t count_inside(uint64_t s[4], uint64_t n)
{
	const double limit = 18446744073709551616.0; /* 2^64 */
	uint64_t inside = 0;

	for (uint64_t k = 0; k < n; k++) {
		uint64_t r = s[0] + s[3]; /* xoshiro256+ */
		uint64_t t = s[1] << 17;
		s[2] ^= s[0];
		s[3] ^= s[1];
		s[1] ^= s[2];
		s[0] ^= s[3];
		s[2] ^= t;
		s[3] = rotl(s[3], 45);
		double x = (double)(r >> 32), y = (double)(r & 0xffffffffu);
		inside += x * x + y * y < limit;
	}
	return inside;
}

/* ---- Simd kernel: one lanes_fn per instruction set -------------------- */

/* 1 when draw r is inside: x^2 + y^2 < 2^64, i.e. the sum does not carry. */
static inline uint64_t draw_inside(uint64_t r)
{
	uint64_t xx = (r >> 32) * (r >> 32);
	uint64_t yy = (r & 0xffffffffu) * (r & 0xffffffffu);
	return xx + yy >= xx;
}

/* Plain C; the definition the vector paths must match bit for bit. */
static void lanes_portable(uint64_t s[4][LANES], uint64_t steps,
			   uint64_t inside[LANES])
{
	for (uint64_t k = 0; k < steps; k++)
		for (int l = 0; l < LANES; l++)
			inside[l] += draw_inside(xoshiro_next(s, l));
}

#if defined(__x86_64__)
/*
 * The vector paths hold the 8 lanes of each state word s[k] in registers:
 * avx512 all 8 in one, avx2 lanes 0-3 and 4-7 in two, sse2 lanes 2j and
 * 2j + 1 in register j. The 64-bit sum of two squares carries exactly when
 * it is (unsigned) smaller than x^2.
 */
__attribute__((target("avx512f"))) static void lanes_avx512(
    uint64_t s[4][LANES], uint64_t steps, uint64_t inside[LANES])
{
	__m512i s0 = _mm512_loadu_si512(s[0]), s1 = _mm512_loadu_si512(s[1]);
	__m512i s2 = _mm512_loadu_si512(s[2]), s3 = _mm512_loadu_si512(s[3]);
	__m512i acc = _mm512_loadu_si512(inside);
	const __m512i one = _mm512_set1_epi64(1);

	for (uint64_t k = 0; k < steps; k++) {
		__m512i r = _mm512_add_epi64(s0, s3);
		__m512i t = _mm512_slli_epi64(s1, 17);
		s2 = _mm512_xor_si512(s2, s0);
		s3 = _mm512_xor_si512(s3, s1);
		s1 = _mm512_xor_si512(s1, s2);
		s0 = _mm512_xor_si512(s0, s3);
		s2 = _mm512_xor_si512(s2, t);
		s3 = _mm512_rol_epi64(s3, 45);
		__m512i x = _mm512_srli_epi64(r, 32);
		__m512i xx = _mm512_mul_epu32(x, x);
		__m512i sum = _mm512_add_epi64(xx, _mm512_mul_epu32(r, r));
		__mmask8 in = _mm512_cmpge_epu64_mask(sum, xx);
		acc = _mm512_mask_add_epi64(acc, in, acc, one);
	}
	_mm512_storeu_si512(s[0], s0);
	_mm512_storeu_si512(s[1], s1);
	_mm512_storeu_si512(s[2], s2);
	_mm512_storeu_si512(s[3], s3);
	_mm512_storeu_si512(inside, acc);
}

/*
 * AVX2 has only a signed 64-bit compare: with the sign bits flipped it
 * orders unsigned values, and counting the carries (outside) saves an op.
 */
__attribute__((target("avx2"))) static inline __m256i step_avx2(__m256i s[4],
								__m256i outside)
{
	const __m256i sign = _mm256_set1_epi64x((long long)(1ULL << 63));
	__m256i r = _mm256_add_epi64(s[0], s[3]);
	__m256i t = _mm256_slli_epi64(s[1], 17);

	s[2] = _mm256_xor_si256(s[2], s[0]);
	s[3] = _mm256_xor_si256(s[3], s[1]);
	s[1] = _mm256_xor_si256(s[1], s[2]);
	s[0] = _mm256_xor_si256(s[0], s[3]);
	s[2] = _mm256_xor_si256(s[2], t);
	s[3] = _mm256_or_si256(_mm256_slli_epi64(s[3], 45),
			       _mm256_srli_epi64(s[3], 19));
	__m256i x = _mm256_srli_epi64(r, 32);
	__m256i xx = _mm256_mul_epu32(x, x);
	__m256i sum = _mm256_add_epi64(xx, _mm256_mul_epu32(r, r));
	__m256i carry = _mm256_cmpgt_epi64(_mm256_xor_si256(xx, sign),
					   _mm256_xor_si256(sum, sign));
	return _mm256_sub_epi64(outside, carry); /* carry is 0 or -1 */
}

__attribute__((target("avx2"))) static void lanes_avx2(uint64_t s[4][LANES],
						       uint64_t steps,
						       uint64_t inside[LANES])
{
	__m256i lo[4], hi[4], out_lo = _mm256_setzero_si256(), out_hi = out_lo;

	for (int k = 0; k < 4; k++) {
		lo[k] = _mm256_loadu_si256((const __m256i *)&s[k][0]);
		hi[k] = _mm256_loadu_si256((const __m256i *)&s[k][4]);
	}
	for (uint64_t k = 0; k < steps; k++) {
		out_lo = step_avx2(lo, out_lo);
		out_hi = step_avx2(hi, out_hi);
	}
	for (int k = 0; k < 4; k++) {
		_mm256_storeu_si256((__m256i *)&s[k][0], lo[k]);
		_mm256_storeu_si256((__m256i *)&s[k][4], hi[k]);
	}
	uint64_t out[LANES];
	_mm256_storeu_si256((__m256i *)&out[0], out_lo);
	_mm256_storeu_si256((__m256i *)&out[4], out_hi);
	for (int l = 0; l < LANES; l++)
		inside[l] += steps - out[l];
}

/*
 * SSE2 has no 64-bit compare at all: the carry out of a + b = sum is the
 * top bit of (a & b) | ((a | b) & ~sum).
 */
static inline __m128i step_sse2(__m128i s[4], __m128i outside)
{
	__m128i r = _mm_add_epi64(s[0], s[3]);
	__m128i t = _mm_slli_epi64(s[1], 17);

	s[2] = _mm_xor_si128(s[2], s[0]);
	s[3] = _mm_xor_si128(s[3], s[1]);
	s[1] = _mm_xor_si128(s[1], s[2]);
	s[0] = _mm_xor_si128(s[0], s[3]);
	s[2] = _mm_xor_si128(s[2], t);
	s[3] = _mm_or_si128(_mm_slli_epi64(s[3], 45), _mm_srli_epi64(s[3], 19));
	__m128i x = _mm_srli_epi64(r, 32);
	__m128i xx = _mm_mul_epu32(x, x), yy = _mm_mul_epu32(r, r);
	__m128i sum = _mm_add_epi64(xx, yy);
	__m128i carry = _mm_or_si128(
	    _mm_and_si128(xx, yy), _mm_andnot_si128(sum, _mm_or_si128(xx, yy)));
	return _mm_add_epi64(outside, _mm_srli_epi64(carry, 63));
}

static void lanes_sse2(uint64_t s[4][LANES], uint64_t steps,
		       uint64_t inside[LANES])
{
	__m128i v[LANES / 2][4], out[LANES / 2];

	for (int j = 0; j < LANES / 2; j++) {
		for (int k = 0; k < 4; k++)
			v[j][k] =
			    _mm_loadu_si128((const __m128i *)&s[k][2 * j]);
		out[j] = _mm_setzero_si128();
	}
	for (uint64_t k = 0; k < steps; k++)
		for (int j = 0; j < LANES / 2; j++)
			out[j] = step_sse2(v[j], out[j]);
	for (int j = 0; j < LANES / 2; j++) {
		uint64_t o[2];
		for (int k = 0; k < 4; k++)
			_mm_storeu_si128((__m128i *)&s[k][2 * j], v[j][k]);
		_mm_storeu_si128((__m128i *)o, out[j]);
		inside[2 * j] += steps - o[0];
		inside[2 * j + 1] += steps - o[1];
	}
}

static bool has_avx512(void)
{
	return __builtin_cpu_supports("avx512f");
}

static bool has_avx2(void)
{
	return __builtin_cpu_supports("avx2");
}
#endif /* __x86_64__ */

static bool always(void)
{
	return true;
}

/* The simd kernel's paths, best first. */
static const struct simd_path {
	const char *name;
	unsigned width;
	lanes_fn lanes;
	bool (*supported)(void);
	const char *feature; /* the CPUID flag supported() checks */
} paths[] = {
#if defined(__x86_64__)
    {"avx512", 8, lanes_avx512, has_avx512, "avx512f"},
    {"avx2", 4, lanes_avx2, has_avx2, "avx2"},
    {"sse2", 2, lanes_sse2, always, "sse2"}, /* part of x86-64 itself */
#endif
    {"portable", 1, lanes_portable, always, ""},
};

/*
 * The path PB_PI_SIMD asks for (the best supported one when it is unset,
 * empty or "auto"). Fails on an unknown name or one this CPU cannot run
 * (valgrind's emulated CPUID lacks avx512f, so avx512 is refused there).
 */
static int choose_path(const struct simd_path **out, struct pb_err *err)
{
	const char *want = getenv("PB_PI_SIMD");
	bool automatic = !want || !*want || strcmp(want, "auto") == 0;

	for (size_t k = 0; k < PB_COUNT(paths); k++) {
		if (!automatic && strcmp(want, paths[k].name) != 0)
			continue;
		if (paths[k].supported()) {
			*out = &paths[k];
			return PB_OK;
		}
		if (!automatic)
			return pb_fail(
			    err,
			    "PB_PI_SIMD=%s: this CPU cannot run the %s path "
			    "(its CPUID lacks %s); unset PB_PI_SIMD to use "
			    "the best path it has",
			    want, want, paths[k].feature);
	}
	return pb_fail(err,
		       "PB_PI_SIMD=%s is not a simd path; expected auto, "
#if defined(__x86_64__)
		       "avx512, avx2, sse2 or "
#endif
		       "portable",
		       want ? want : "");
}

/* Inside count of n draws of task's 8 lanes through the lanes path. */
static uint64_t count_inside_simd(const struct pi_state *st, uint64_t task,
				  uint64_t n)
{
	uint64_t x = st->seed ^ (0xd1342543de82ef95ULL * (task + 1));
	uint64_t s[4][LANES], inside[LANES] = {0}, total = 0;

	for (int l = 0; l < LANES; l++)
		for (int k = 0; k < 4; k++)
			s[k][l] = splitmix64(&x);
	st->lanes(s, n / LANES, inside);
	/* The last n % LANES samples: one more draw of the first lanes. */
	for (int l = 0; l < (int)(n % LANES); l++)
		inside[l] += draw_inside(xoshiro_next(s, l));
	for (int l = 0; l < LANES; l++)
		total += inside[l];
	return total;
}

/* ---- Hooks ------------------------------------------------------------ */

static int pi_setup(const struct pb_args *args, struct pb_host *host,
		    void **state, size_t *ntasks, struct pb_err *err)
{
	struct pi_state *st = calloc(1, sizeof(*st));
	const struct simd_path *path = NULL;

	(void)host;
	if (!st)
		return pb_fail(err, "out of memory");
	st->samples = (uint64_t)args->values[P_SAMPLES].u.i;
	st->tasks = (uint64_t)args->values[P_TASKS].u.i;
	st->seed = (uint64_t)args->values[P_SEED].u.i;
	st->width = 1;
	if (st->tasks > st->samples) {
		pb_fail(err,
			"tasks (%llu) exceeds samples (%llu): every task "
			"needs at least one sample",
			(unsigned long long)st->tasks,
			(unsigned long long)st->samples);
		goto fail;
	}
	if (strcmp(args->values[P_KERNEL].u.s, "simd") == 0) {
		if (choose_path(&path, err))
			goto fail;
		st->lanes = path->lanes;
		st->width = path->width;
	}
	*state = st;
	*ntasks = st->tasks;
	return PB_OK;
fail:
	free(st);
	return PB_ERROR;
}

static int pi_run_task(void *state, void *worker, size_t task, void *result,
		       struct pb_err *err)
{
	const struct pi_state *st = state;
	struct pi_result *r = result;
	uint64_t x = st->seed ^ (0xd1342543de82ef95ULL * (task + 1));
	uint64_t s[4];

	(void)worker;
	(void)err;
	r->drawn = st->samples / st->tasks + (task < st->samples % st->tasks);
	if (st->lanes) {
		r->inside = count_inside_simd(st, task, r->drawn);
		return PB_OK;
	}
	for (int k = 0; k < 4; k++)
		s[k] = splitmix64(&x);
	r->inside = count_inside(s, r->drawn);
	return PB_OK;
}

static int pi_reduce(void *state, const void *results, size_t ntasks,
		     struct pb_metric_value *m, struct pb_err *err)
{
	const struct pi_state *st = state;
	const struct pi_result *r = results;
	uint64_t inside = 0, drawn = 0;

	for (size_t k = 0; k < ntasks; k++) {
		inside += r[k].inside;
		drawn += r[k].drawn;
	}
	if (drawn == 0)
		return pb_fail(err, "no samples were drawn");
	m[M_ESTIMATE].value = 4.0 * (double)inside / (double)drawn;
	m[M_ABS_ERROR].value = fabs(m[M_ESTIMATE].value - M_PI);
	m[M_SAMPLES].value = (double)drawn;
	m[M_SIMD_WIDTH].value = st->width;
	return PB_OK;
}

/* Right when within 6 standard errors of pi (a false alarm: ~2e-9). */
static int pi_verify(void *state, const void *results, size_t ntasks,
		     const struct pb_metric_value *m, struct pb_err *err)
{
	const struct pi_state *st = state;
	double p = M_PI / 4, n = m[M_SAMPLES].value;
	double se = 4 * sqrt(p * (1 - p) / n);

	(void)results;
	(void)ntasks;
	if (n != (double)st->samples)
		return pb_fail(err, "drew %.0f samples, expected %llu", n,
			       (unsigned long long)st->samples);
	if (m[M_ABS_ERROR].value > 6 * se)
		return pb_fail(err,
			       "estimate %.9f is %.1f standard errors from "
			       "pi; expected at most 6",
			       m[M_ESTIMATE].value, m[M_ABS_ERROR].value / se);
	return PB_OK;
}

static void pi_teardown(void *state)
{
	free(state);
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = pi_setup,
    .run_task = pi_run_task,
    .reduce = pi_reduce,
    .verify = pi_verify,
    .teardown = pi_teardown,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "pi",
		     "Monte Carlo estimate of pi (CPU-bound)", "1.1"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(struct pi_result),
    .workload = &hooks,
};
