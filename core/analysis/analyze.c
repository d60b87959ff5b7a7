/*
 * analyze.c — runs.csv + experiments.csv -> summary.csv + fits.csv (see
 * analyze.h for the words and columns): the steps in order, and the small
 * helpers the analysis files share (see analyze_int.h).
 *
 * The analysis sorts the rows of runs.csv by (experiment, cell, file
 * order), so each cell's rows, and its ok wall times, are one contiguous
 * run of an array. Groups and series are found by comparing a cell's key
 * fields with those of the groups and series found so far. Everything the
 * analysis allocates lives in one arena.
 */
#include "analyze_int.h"

#include <math.h>
#include <stdlib.h>

#include "lib/path.h"

void *pb_an_alloc(struct analysis *a, size_t n, size_t size)
{
	return pb_arena_alloc(&a->arena, (n ? n : 1) * size);
}

const char *pb_an_field(const struct analysis *a, size_t row, long col)
{
	return pb_csv_at(&a->runs, row, (size_t)col);
}

/* ",value" with digits significant digits, or "," when v is NaN. */
void pb_an_num(struct pb_buf *b, double v, int digits)
{
	if (isnan(v))
		pb_buf_printf(b, ",");
	else
		pb_buf_printf(b, ",%.*g", digits, v);
}

/* v in the fewest digits (15 to 17) that read back exactly. */
void pb_an_shortest(double v, char *t, size_t len)
{
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(t, len, "%.*g", digits, v);
		if (strtod(t, NULL) == v)
			break;
	}
}

void pb_an_text(struct pb_buf *b, const char *s)
{
	pb_buf_printf(b, ",");
	pb_buf_csv_field(b, s);
}

static int write_outputs(struct analysis *a, struct pb_err *err)
{
	struct pb_buf sum = {0}, fits = {0};
	unsigned char *role = pb_an_alloc(a, a->runs.ncols, 1);
	char path[PB_PATH_MAX];
	int rc = PB_ERROR;

	if (!role)
		return pb_fail(err, "out of memory");
	pb_an_summary_csv(a, &sum);
	pb_an_fits_csv(a, role, &fits);
	if (sum.oom || fits.oom) {
		pb_fail(err, "out of memory formatting summary.csv");
		goto out;
	}
	if (pb_path_join(path, sizeof(path), a->dir, "summary.csv", err) ||
	    pb_write_file_atomic(path, sum.data, sum.len, err))
		goto out;
	if (pb_path_join(path, sizeof(path), a->dir, "fits.csv", err) ||
	    pb_write_file_atomic(path, fits.data, fits.len, err))
		goto out;
	rc = PB_OK;
out:
	pb_buf_free(&sum);
	pb_buf_free(&fits);
	return rc;
}

int pb_analyze_dir(const char *dir, struct pb_err *err)
{
	struct analysis a = {.dir = dir};
	int rc = PB_ERROR;

	if (pb_an_load_inputs(&a, err) || pb_an_build_cells(&a, err) ||
	    pb_an_structure(&a, err))
		goto out;
	a.fit_p = pb_an_alloc(&a, a.runs.nrows, sizeof(double));
	a.fit_t = pb_an_alloc(&a, a.runs.nrows, sizeof(double));
	if (!a.fit_p || !a.fit_t) {
		pb_fail(err, "out of memory");
		goto out;
	}
	for (size_t s = 0; s < a.nseries; s++)
		pb_an_fit_series(&a, s);
	rc = write_outputs(&a, err);
out:
	pb_csv_free(&a.runs);
	pb_csv_free(&a.exps);
	pb_arena_free(&a.arena);
	return rc;
}
