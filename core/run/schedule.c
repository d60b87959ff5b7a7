/*
 * schedule.c — the shuffled order of a round (see schedule.h).
 */
#include "schedule.h"

/* splitmix64 (Steele, Lea, Flood 2014): a full-period 64-bit generator. */
static uint64_t next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* A uniform integer in [0, bound), bound >= 1, without modulo bias. */
static uint64_t below(uint64_t *state, uint64_t bound)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % bound, x;

	do
		x = next(state);
	while (x >= limit);
	return x % bound;
}

void pb_round_order(uint64_t seed, unsigned round, size_t n, size_t *out)
{
	uint64_t state = seed;

	/* Mix the round in through the generator, not by plain addition,
	 * so that (seed, round + 1) and (seed + 1, round) differ. */
	state = next(&state) ^ ((uint64_t)round * 0xd1b54a32d192ed03u);
	for (size_t k = 0; k < n; k++)
		out[k] = k;
	for (size_t k = n; k > 1; k--) {
		size_t j = (size_t)below(&state, k);
		size_t t = out[k - 1];
		out[k - 1] = out[j];
		out[j] = t;
	}
}
