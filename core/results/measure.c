/*
 * measure.c — a repetition's measure made ready, and the words runs.csv
 * uses for its status.
 */
#include "measure.h"

#include <math.h>

void pb_measure_init(struct pb_measure *m, const struct pb_cell_spec *spec)
{
	memset(m, 0, sizeof(*m));
	m->nmetrics = spec->workload->nmetrics + spec->strategy->nmetrics;
	for (size_t k = 0; k < m->nmetrics; k++)
		m->metrics[k].value = NAN;
}

const char *pb_status_name(enum pb_status status)
{
	static const char *names[] = {"ok", "failed", "crashed", "timeout",
				      "wrong"};
	return (unsigned)status < PB_COUNT(names) ? names[status] : "unknown";
}
