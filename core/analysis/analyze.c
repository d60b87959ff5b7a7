/*
 * analyze.c — runs.csv + experiments.csv -> summary.csv + fits.csv (see
 * analyze.h for the words and columns): the steps in order, each in a
 * file of its own (see analyze_state.h); no step calls back into this file.
 *
 * The analysis sorts the rows of runs.csv by (experiment, cell, file
 * order), so each cell's rows, and its ok wall times, are one contiguous
 * run of an array. Groups and series are found by comparing a cell's key
 * fields with those of the groups and series found so far. Everything the
 * analysis allocates lives in one arena.
 */
#include "analyze.h"

#include <stdlib.h>

#include "analyze_capacity.h"
#include "analyze_cells.h"
#include "analyze_fields.h"
#include "analyze_fits.h"
#include "analyze_load.h"
#include "analyze_summary.h"
#include "lib/path.h"

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
	    pb_an_structure(&a, err) || pb_an_capacity(&a, err))
		goto out;
	a.fit_p = pb_an_alloc(
	    &a, a.ncells > a.max_cell_rows ? a.ncells : a.max_cell_rows,
	    sizeof(double));
	a.fit_t = pb_an_alloc(&a, a.ncells, sizeof(double));
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
