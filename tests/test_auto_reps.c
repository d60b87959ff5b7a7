/*
 * test_auto_reps.c — the stopping rule of `repetitions: auto` on fixed
 * samples: not before 5, precision reached once the interval is tight,
 * the bounds of max_repetitions and max_time.
 */
#include <criterion/criterion.h>

#include "run/auto_reps.h"

static const struct pb_auto_rule rule = {
    .precision = 0.02, .max_repetitions = 30, .max_time_s = 0};

Test(auto_reps, never_before_five)
{
	double w[4] = {1, 1, 1, 1};

	cr_assert_eq(pb_auto_decide(&rule, w, 4, 4, 4), PB_AUTO_GO_ON);
}

Test(auto_reps, tight_samples_stop_for_precision)
{
	/* 6 runs within 1% of 1.0: the interval [min, max] (96.9%) is
	 * within 2% of the median. */
	double w[6] = {1.00, 1.01, 0.99, 1.005, 0.995, 1.0};

	cr_assert_eq(pb_auto_decide(&rule, w, 6, 6, 6), PB_AUTO_PRECISION);
	cr_assert_str_eq(pb_auto_stop_name(PB_AUTO_PRECISION), "precision");
}

Test(auto_reps, five_runs_have_no_95_percent_interval)
{
	double w[5] = {1, 1, 1, 1, 1};

	cr_assert_eq(pb_auto_decide(&rule, w, 5, 5, 5), PB_AUTO_GO_ON);
}

Test(auto_reps, a_wide_sample_goes_on_then_stops_at_the_bound)
{
	double w[8] = {1, 2, 1, 2, 1, 2, 1, 2};

	cr_assert_eq(pb_auto_decide(&rule, w, 8, 8, 12), PB_AUTO_GO_ON);
	struct pb_auto_rule r = rule;
	r.max_repetitions = 8;
	cr_assert_eq(pb_auto_decide(&r, w, 8, 8, 12), PB_AUTO_MAX_REPETITIONS);
	cr_assert_str_eq(pb_auto_stop_name(PB_AUTO_MAX_REPETITIONS),
			 "max_repetitions");
}

Test(auto_reps, max_time_bounds_a_cell)
{
	double w[6] = {1, 2, 1, 2, 1, 2};
	struct pb_auto_rule r = rule;

	r.max_time_s = 9;
	cr_assert_eq(pb_auto_decide(&r, w, 6, 6, 8.9), PB_AUTO_GO_ON);
	cr_assert_eq(pb_auto_decide(&r, w, 6, 6, 9), PB_AUTO_MAX_TIME);
}

Test(auto_reps, rows_not_clean_count_as_run_only)
{
	/* 7 repetitions, 2 of them failed or contended: 5 clean walls are
	 * not enough for an interval, whatever they are. */
	double w[5] = {1, 1, 1, 1, 1};

	cr_assert_eq(pb_auto_decide(&rule, w, 5, 7, 7), PB_AUTO_GO_ON);
}
