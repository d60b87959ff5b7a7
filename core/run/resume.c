/*
 * resume.c — checks and bookkeeping for `run --resume` (see resume.h).
 */
#include "resume.h"

#include <stdlib.h>
#include <unistd.h>

#include "lib/textbuf.h"
#include "results/meta.h"

int pb_resume_open(struct pb_resume *r, const char *dir, struct pb_err *err)
{
	char path[4200];

	*r = (struct pb_resume){0};
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	if (access(dir, F_OK) != 0)
		return pb_fail(err, "--resume %s: no such results folder", dir);
	if (pb_meta_read(path, &r->meta, err))
		return PB_ERROR;
	snprintf(path, sizeof(path), "%s/runs.csv", dir);
	if (pb_csv_read(path, PB_CSV_DROP_PARTIAL_TAIL, &r->runs, err)) {
		pb_meta_doc_free(&r->meta);
		return PB_ERROR;
	}
	const char *file = pb_meta_get(&r->meta, "experiment_file");
	const char *started = pb_meta_get(&r->meta, "started_utc");
	r->experiment_file = file ? file : "";
	snprintf(r->started_utc, sizeof(r->started_utc), "%s",
		 started ? started : "");
	return PB_OK;
}

static int check_plugins(const struct pb_resume *r,
			 const struct pb_registry *reg, struct pb_err *err)
{
	struct pb_buf then = {0}, now = {0};
	json_t *list = pb_meta_plugins(reg);
	int rc = PB_OK;

	pb_meta_plugins_text(pb_meta_value(&r->meta, "plugins"), &then);
	pb_meta_plugins_text(list, &now);
	if (!list || then.oom || now.oom)
		rc = pb_fail(err, "out of memory");
	else if (strcmp(then.data ? then.data : "", now.data ? now.data : ""))
		rc = pb_fail(err,
			     "--resume %s: the plugins changed since the run "
			     "(then: %s; now: %s); start a new run",
			     r->dir, then.data ? then.data : "",
			     now.data ? now.data : "");
	json_decref(list);
	pb_buf_free(&then);
	pb_buf_free(&now);
	return rc;
}

/* The original file, when it still exists, must equal the saved copy. */
static int check_file(const struct pb_resume *r, struct pb_err *err)
{
	char saved_path[4200], *saved = NULL, *orig = NULL;
	size_t nsaved, norig;
	struct pb_err ignore;
	int rc = PB_OK;

	if (!*r->experiment_file || access(r->experiment_file, F_OK) != 0)
		return PB_OK;
	snprintf(saved_path, sizeof(saved_path), "%s/experiment.yaml", r->dir);
	if (pb_read_whole_file(saved_path, &saved, &nsaved, err))
		return PB_ERROR;
	if (pb_read_whole_file(r->experiment_file, &orig, &norig, &ignore) ==
		PB_OK &&
	    (norig != nsaved || memcmp(orig, saved, nsaved) != 0))
		rc = pb_fail(err,
			     "--resume %s: %s changed since the run; resuming "
			     "would mix two experiments. Restore it, or start "
			     "a new run",
			     r->dir, r->experiment_file);
	free(saved);
	free(orig);
	return rc;
}

static bool row_matches(const struct pb_csv *t, size_t row,
			const struct pb_cell *c)
{
	double workers = pb_csv_num(t, row, "workers");

	return strcmp(pb_csv_get(t, row, "experiment"), c->exp->name) == 0 &&
	       strcmp(pb_csv_get(t, row, "workload"), c->spec.workload->name) ==
		   0 &&
	       strcmp(pb_csv_get(t, row, "strategy"), c->spec.strategy->name) ==
		   0 &&
	       workers == (double)c->spec.workers;
}

static int mark_rows(struct pb_resume *r, const struct pb_cells *cells,
		     struct pb_err *err)
{
	const struct pb_csv *t = &r->runs;

	r->ncells = cells->n;
	r->maxrep = 1;
	for (size_t k = 0; k < t->nrows; k++) {
		double rep = pb_csv_num(t, k, "repetition");
		if (rep > r->maxrep && rep <= PB_MAX_REPETITIONS)
			r->maxrep = (unsigned)rep;
	}
	r->have = calloc(r->ncells * r->maxrep + 1, 1);
	if (!r->have)
		return pb_fail(err, "out of memory");
	for (size_t k = 0; k < t->nrows; k++) {
		double id = pb_csv_num(t, k, "cell");
		double rep = pb_csv_num(t, k, "repetition");
		if (!(id >= 1 && id <= (double)cells->n && rep >= 1 &&
		      rep <= r->maxrep) ||
		    !row_matches(t, k, &cells->items[(size_t)id - 1]))
			return pb_fail(err,
				       "%s/runs.csv:%zu: row does not match "
				       "the cells of %s/experiment.yaml; the "
				       "folder was edited: start a new run",
				       r->dir, t->lines[k], r->dir);
		r->have[((size_t)id - 1) * r->maxrep + (size_t)rep - 1] = 1;
	}
	return PB_OK;
}

/* Rewrites runs.csv without the torn row a killed run left at its end. */
static int repair(const struct pb_resume *r, struct pb_err *err)
{
	const struct pb_csv *t = &r->runs;
	struct pb_buf b = {0};
	char path[4200];

	if (!t->dropped_tail)
		return PB_OK;
	for (size_t k = 0; k < t->ncols; k++) {
		pb_buf_printf(&b, k ? "," : "");
		pb_buf_csv_field(&b, t->header[k]);
	}
	pb_buf_printf(&b, "\n");
	for (size_t row = 0; row < t->nrows; row++) {
		for (size_t k = 0; k < t->ncols; k++) {
			pb_buf_printf(&b, k ? "," : "");
			pb_buf_csv_field(&b, pb_csv_at(t, row, k));
		}
		pb_buf_printf(&b, "\n");
	}
	snprintf(path, sizeof(path), "%s/runs.csv", r->dir);
	int rc = b.oom ? pb_fail(err, "out of memory repairing %s", path)
		       : pb_write_file_atomic(path, b.data, b.len, err);
	pb_buf_free(&b);
	return rc;
}

int pb_resume_check(struct pb_resume *r, const struct pb_registry *reg,
		    const struct pb_cells *cells, struct pb_err *err)
{
	if (check_plugins(r, reg, err) || check_file(r, err) ||
	    mark_rows(r, cells, err))
		return PB_ERROR;
	return repair(r, err);
}

bool pb_resume_have_row(void *ctx, size_t cell_id, unsigned rep)
{
	const struct pb_resume *r = ctx;

	if (cell_id < 1 || cell_id > r->ncells || rep < 1 || rep > r->maxrep)
		return false;
	return r->have[(cell_id - 1) * r->maxrep + rep - 1] != 0;
}

void pb_resume_free(struct pb_resume *r)
{
	pb_meta_doc_free(&r->meta);
	pb_csv_free(&r->runs);
	free(r->have);
	r->have = NULL;
}
