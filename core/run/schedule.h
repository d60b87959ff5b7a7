/*
 * schedule.h — the order of the cells within one round of an interleaved
 * run: a permutation drawn from the experiment's seed and the round
 * number alone, so a run (and a resumed run) repeats it exactly.
 */
#ifndef PB_SCHEDULE_H
#define PB_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Fills out[0..n-1] with a permutation of 0..n-1 for round (1-based) of
 * an experiment with seed: a Fisher-Yates shuffle driven by splitmix64
 * seeded from both. The same arguments always give the same order.
 */
void pb_round_order(uint64_t seed, unsigned round, size_t n, size_t *out);

#endif
