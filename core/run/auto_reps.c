/*
 * auto_reps.c — the stopping rule of `repetitions: auto` (see
 * auto_reps.h).
 */
#include "auto_reps.h"

#include "analysis/stats.h"

enum pb_auto_stop pb_auto_decide(const struct pb_auto_rule *rule, double *walls,
				 size_t n, unsigned nrun, double spent)
{
	size_t lo, hi;
	double coverage;

	if (nrun < PB_AUTO_MIN)
		return PB_AUTO_GO_ON;
	if (n >= PB_AUTO_MIN &&
	    pb_median_ci_ranks(n, PB_CI_TARGET, &lo, &hi, &coverage)) {
		pb_sort_doubles(walls, n);
		double med = pb_median_sorted(walls, n);
		if (walls[lo - 1] >= med * (1 - rule->precision) &&
		    walls[hi - 1] <= med * (1 + rule->precision))
			return PB_AUTO_PRECISION;
	}
	if (nrun >= rule->max_repetitions)
		return PB_AUTO_MAX_REPETITIONS;
	if (rule->max_time_s > 0 && spent >= rule->max_time_s)
		return PB_AUTO_MAX_TIME;
	return PB_AUTO_GO_ON;
}

const char *pb_auto_stop_name(enum pb_auto_stop stop)
{
	switch (stop) {
	case PB_AUTO_PRECISION:
		return "precision";
	case PB_AUTO_MAX_REPETITIONS:
		return "max_repetitions";
	case PB_AUTO_MAX_TIME:
		return "max_time";
	default:
		return "";
	}
}
