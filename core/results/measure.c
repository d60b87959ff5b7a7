/*
 * measure.c — the words runs.csv uses for a repetition's status.
 */
#include "measure.h"

const char *pb_status_name(enum pb_status status)
{
	static const char *names[] = {"ok", "failed", "crashed", "timeout",
				      "wrong"};
	return (unsigned)status < PB_COUNT(names) ? names[status] : "unknown";
}
