/*
 * resume.h — continuing an interrupted run in its own results folder.
 *
 * The experiment is the one saved in DIR/experiment.yaml; the rows already
 * in DIR/runs.csv are kept and only the missing repetitions run. A resume
 * is refused when the original experiment file or the plugins' versions
 * changed since, or when runs.csv does not match the experiment's cells.
 */
#ifndef PB_RESUME_H
#define PB_RESUME_H

#include "experiment/cells.h"
#include "lib/csv_read.h"
#include "results/meta_read.h"

struct pb_resume {
	char dir[4096];
	struct pb_meta_doc meta;
	struct pb_csv runs;
	const char *experiment_file; /* as meta.json names it, or "" */
	char started_utc[32];
	unsigned char *have; /* ncells * maxrep flags */
	size_t ncells;
	unsigned maxrep;
};

/* Reads DIR/meta.json and DIR/runs.csv (a torn last row is dropped). */
int pb_resume_open(struct pb_resume *r, const char *dir, struct pb_err *err);

/*
 * Checks the plugins, the experiment file and every kept row against the
 * cells; then knows which rows exist. Repairs a torn last row of runs.csv.
 */
int pb_resume_check(struct pb_resume *r, const struct pb_registry *reg,
		    const struct pb_cells *cells, struct pb_err *err);

/* The runner's have_row callback; ctx is a struct pb_resume. */
bool pb_resume_have_row(void *ctx, size_t cell_id, unsigned rep);

/* Frees it all. Safe on a zeroed resume. */
void pb_resume_free(struct pb_resume *r);

#endif
