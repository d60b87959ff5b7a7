/*
 * resume.h — continuing an interrupted run in its own results folder.
 *
 * The experiment is the one saved in DIR/experiment.yaml; the rows already
 * in DIR/runs.csv are kept and only the missing repetitions run, with the
 * run's own --repetitions. A resume holds the folder's lock (results/
 * lock.h) and is refused while another run holds it; also when
 * experiment.yaml no longer has the SHA-256 meta.json recorded, the
 * original experiment file or the plugins changed, or runs.csv does not
 * match the experiment's cells (a duplicate row included).
 *
 * Everything is checked before anything is written: open and check only
 * read; pb_resume_mend is the first write.
 */
#ifndef PB_RESUME_H
#define PB_RESUME_H

#include "experiment/cells.h"
#include "experiment/experiment.h"
#include "lib/csv_read.h"
#include "lib/path.h"
#include "results/lock.h"
#include "results/meta_read.h"

struct pb_resume {
	char dir[PB_PATH_MAX];
	struct pb_dir_lock lock;
	bool locked; /* lock is held */
	struct pb_meta_doc meta;
	struct pb_csv runs;
	const char *experiment_file; /* as meta.json names it, or "" */
	char started_utc[32];
	unsigned
	    repetitions; /* the run's --repetitions; 0: each experiment's */
	bool mend;	 /* runs.csv's last line must be mended */
	size_t *line_of; /* ncells * maxrep: runs.csv line of a row, 0 */
	size_t ncells;
	unsigned maxrep;
};

/*
 * Takes dir's lock, then reads DIR/meta.json and DIR/runs.csv (a torn
 * last row is dropped). On failure nothing is held.
 */
int pb_resume_open(struct pb_resume *r, const char *dir, struct pb_err *err);

/*
 * Checks the plugins, the saved experiment (file: DIR/experiment.yaml as
 * loaded) against meta.json's hash, the original experiment file, the
 * repetitions (given: --repetitions on this command line, 0 for none;
 * it must be the run's own) and runs.csv's header and rows against the
 * cells; then knows which rows exist and sets r->repetitions. Writes
 * nothing.
 */
int pb_resume_check(struct pb_resume *r, const struct pb_registry *reg,
		    const struct pb_experiment_file *file,
		    const struct pb_cells *cells, unsigned given,
		    struct pb_err *err);

/*
 * Mends runs.csv before rows are appended: a torn last row goes, and a
 * kept last row without its line end gets one. Does nothing when the
 * file is whole.
 */
int pb_resume_mend(struct pb_resume *r, struct pb_err *err);

/* The runner's have_row callback; ctx is a struct pb_resume. */
bool pb_resume_have_row(void *ctx, size_t cell_id, unsigned rep);

/* Frees it all and releases the lock. Safe on a zeroed resume. */
void pb_resume_free(struct pb_resume *r);

#endif
