/*
 * pi_kernel_ref.c — the plain C references of bench/pi_kernel.sh: the loops
 * anyone would write for Monte Carlo pi, with no intrinsics and no
 * attributes, so that what the compiler makes of them is the reference.
 *
 * pi_kernel.sh compiles this file twice, with REF_PREFIX naming each copy:
 *   o2_      -O2, as the plugins are built: the scalar kernel's reference;
 *   native_  -O3 -march=native: the best the compiler does unaided, the
 *            simd kernel's reference.
 * Both loops draw exactly the samples of one pi task (task 0, tasks=1) of
 * the matching kernel, so the driver can check that the counts agree.
 */
#include <stdint.h>

#define REF_CAT2(a, b) a##b
#define REF_CAT(a, b) REF_CAT2(a, b)
#define REF(name) REF_CAT(REF_PREFIX, name)

uint64_t REF(scalar_inside)(uint64_t seed, uint64_t n);
uint64_t REF(lanes_inside)(uint64_t seed, uint64_t n);

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The seeding of pi's task 0: splitmix64 from seed ^ the task constant. */
static uint64_t task0(uint64_t seed)
{
	return seed ^ 0xd1342543de82ef95ULL;
}

/*
 * Points inside the quarter circle among n draws of one xoshiro256+, each
 * split into two 32-bit coordinates tested in double precision.
 */
uint64_t REF(scalar_inside)(uint64_t seed, uint64_t n)
{
	uint64_t x = task0(seed), s[4], inside = 0;

	for (int k = 0; k < 4; k++)
		s[k] = splitmix64(&x);
	for (uint64_t k = 0; k < n; k++) {
		uint64_t r = s[0] + s[3];
		uint64_t t = s[1] << 17;
		s[2] ^= s[0];
		s[3] ^= s[1];
		s[1] ^= s[2];
		s[0] ^= s[3];
		s[2] ^= t;
		s[3] = (s[3] << 45) | (s[3] >> 19);
		double cx = (double)(r >> 32), cy = (double)(r & 0xffffffffu);
		inside += cx * cx + cy * cy < 18446744073709551616.0;
	}
	return inside;
}

/*
 * The same with 8 independent generators in arrays, the inner loop over
 * the lanes, and the exact integer test x^2 + y^2 < 2^64 (the sum does not
 * carry): the form a vectorising compiler is given every chance with.
 * n must be a multiple of 8.
 */
uint64_t REF(lanes_inside)(uint64_t seed, uint64_t n)
{
	uint64_t x = task0(seed), s0[8], s1[8], s2[8], s3[8], in[8];
	uint64_t total = 0;

	for (int l = 0; l < 8; l++) {
		s0[l] = splitmix64(&x);
		s1[l] = splitmix64(&x);
		s2[l] = splitmix64(&x);
		s3[l] = splitmix64(&x);
		in[l] = 0;
	}
	for (uint64_t k = 0; k < n / 8; k++)
		for (int l = 0; l < 8; l++) {
			uint64_t r = s0[l] + s3[l];
			uint64_t t = s1[l] << 17;
			s2[l] ^= s0[l];
			s3[l] ^= s1[l];
			s1[l] ^= s2[l];
			s0[l] ^= s3[l];
			s2[l] ^= t;
			s3[l] = (s3[l] << 45) | (s3[l] >> 19);
			uint64_t xx = (r >> 32) * (r >> 32);
			uint64_t yy = (r & 0xffffffffu) * (r & 0xffffffffu);
			in[l] += xx + yy >= xx;
		}
	for (int l = 0; l < 8; l++)
		total += in[l];
	return total;
}
