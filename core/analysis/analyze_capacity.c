/*
 * analyze_capacity.c — speed-up against measured capacity (see
 * analyze_capacity.h).
 */
#include "analyze_capacity.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "analyze_fields.h"
#include "lib/path.h"

/* The median capacity of experiment name at threads, or NaN. */
static double capacity_at(const struct pb_csv *t, const char *name,
			  unsigned threads, double *scratch)
{
	size_t n = 0;

	for (size_t r = 0; r < t->nrows; r++)
		if (strcmp(pb_csv_get(t, r, "experiment"), name) == 0 &&
		    pb_csv_num(t, r, "threads") == (double)threads)
			scratch[n++] = pb_csv_num(t, r, "speedup");
	return n ? pb_median_inplace(scratch, n) : NAN;
}

static int check(const struct pb_csv *t, const char *path, struct pb_err *err)
{
	static const char *const cols[] = {"experiment", "threads", "speedup"};

	for (size_t k = 0; k < PB_COUNT(cols); k++)
		if (pb_csv_column(t, cols[k]) < 0)
			return pb_fail(err, "%s: no column '%s'", path,
				       cols[k]);
	for (size_t r = 0; r < t->nrows; r++) {
		double th = pb_csv_num(t, r, "threads");
		double sp = pb_csv_num(t, r, "speedup");
		if (!(th >= 1 && th == floor(th)) || !(sp > 0) || isinf(sp))
			return pb_fail(err,
				       "%s:%zu: threads '%s', speedup '%s'; "
				       "expected a thread count and a "
				       "speed-up > 0",
				       path, t->lines[r],
				       pb_csv_get(t, r, "threads"),
				       pb_csv_get(t, r, "speedup"));
	}
	return PB_OK;
}

int pb_an_capacity(struct analysis *a, struct pb_err *err)
{
	char path[PB_PATH_MAX];
	struct pb_csv t;
	double *scratch;
	int rc = PB_ERROR;

	for (size_t c = 0; c < a->ncells; c++)
		a->cells[c].vs_capacity = NAN;
	if (pb_path_join(path, sizeof(path), a->dir, "capacity.csv", err))
		return PB_ERROR;
	if (access(path, F_OK) != 0)
		return PB_OK; /* a run from before the probe */
	if (pb_csv_read(path, PB_CSV_DROP_PARTIAL_TAIL, &t, err))
		return PB_ERROR;
	scratch = pb_an_alloc(a, t.nrows, sizeof(double));
	if (!scratch) {
		pb_fail(err, "out of memory");
		goto out;
	}
	if (check(&t, path, err))
		goto out;
	for (size_t c = 0; c < a->ncells; c++) {
		struct cell *cl = &a->cells[c];
		const struct exp_info *e = &a->exp[cl->exp];
		unsigned th = cl->workers;
		if (e->cores && th > e->cores)
			th = e->cores;
		double cap =
		    th == 1 ? 1 : capacity_at(&t, e->name, th, scratch);
		cl->vs_capacity = cl->speedup / cap;
	}
	rc = PB_OK;
out:
	pb_csv_free(&t);
	return rc;
}
