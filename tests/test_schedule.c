/*
 * test_schedule.c — the shuffled order of a round: a permutation, the
 * same for the same seed and round, and not one fixed order.
 */
#include <criterion/criterion.h>

#include "run/schedule.h"

static void assert_permutation(const size_t *p, size_t n)
{
	bool seen[64] = {0};

	for (size_t k = 0; k < n; k++) {
		cr_assert_lt(p[k], n, "p[%zu] = %zu", k, p[k]);
		cr_assert_not(seen[p[k]], "%zu twice", p[k]);
		seen[p[k]] = true;
	}
}

Test(schedule, every_round_is_a_permutation)
{
	size_t p[64];

	for (size_t n = 0; n <= 64; n++)
		for (unsigned r = 1; r <= 20; r++) {
			pb_round_order(42, r, n, p);
			assert_permutation(p, n);
		}
}

Test(schedule, same_seed_and_round_same_order)
{
	size_t a[16], b[16];

	for (unsigned r = 1; r <= 30; r++) {
		pb_round_order(7, r, 16, a);
		pb_round_order(7, r, 16, b);
		cr_assert_arr_eq(a, b, sizeof(a), "round %u", r);
	}
}

static bool same(const size_t *a, const size_t *b, size_t n)
{
	return memcmp(a, b, n * sizeof(*a)) == 0;
}

Test(schedule, rounds_and_seeds_change_the_order)
{
	size_t a[16], b[16], id[16];
	size_t same_rounds = 0, same_seeds = 0, identity = 0;

	for (size_t k = 0; k < 16; k++)
		id[k] = k;
	for (unsigned r = 1; r <= 50; r++) {
		pb_round_order(1, r, 16, a);
		pb_round_order(1, r + 1, 16, b);
		same_rounds += same(a, b, 16);
		identity += same(a, id, 16);
		pb_round_order(2, r, 16, b);
		same_seeds += same(a, b, 16);
	}
	/* 16! orders: any repeat here would mean the inputs are ignored. */
	cr_assert_eq(same_rounds, 0);
	cr_assert_eq(same_seeds, 0);
	cr_assert_eq(identity, 0);
}

Test(schedule, every_position_is_reached)
{
	size_t p[4], count[4][4] = {{0}};

	/* Over many rounds each cell takes each place: no cell always first. */
	for (unsigned r = 1; r <= 400; r++) {
		pb_round_order(3, r, 4, p);
		for (size_t k = 0; k < 4; k++)
			count[p[k]][k]++;
	}
	for (size_t c = 0; c < 4; c++)
		for (size_t k = 0; k < 4; k++)
			cr_assert_gt(count[c][k], 50, "cell %zu at %zu: %zu", c,
				     k, count[c][k]);
}
