/*
 * resume.c — checks and bookkeeping for `run --resume` (see resume.h).
 */
#include "resume.h"

#include <stdlib.h>
#include <unistd.h>

#include "lib/textbuf.h"
#include "results/capacity_csv.h"
#include "results/meta.h"
#include "results/runs_csv.h"

int pb_resume_open(struct pb_resume *r, const char *dir, struct pb_err *err)
{
	char path[PB_PATH_MAX];

	*r = (struct pb_resume){.lock = {.fd = -1}};
	if (pb_path_fmt(r->dir, sizeof(r->dir), err, "%s", dir) ||
	    pb_path_join(path, sizeof(path), dir, "meta.json", err))
		return PB_ERROR;
	if (access(dir, F_OK) != 0)
		return pb_fail(err, "--resume %s: no such results folder", dir);
	if (access(path, F_OK) != 0)
		return pb_fail(err,
			       "--resume %s: no meta.json: not the results "
			       "folder of a run",
			       dir);
	if (pb_lock_take(dir, &r->lock, err))
		return PB_ERROR;
	r->locked = true;
	if (pb_meta_read(path, &r->meta, err))
		goto fail;
	if (pb_path_join(path, sizeof(path), dir, "runs.csv", err) ||
	    pb_csv_read(path, PB_CSV_DROP_PARTIAL_TAIL, &r->runs, err))
		goto fail;
	const char *file = pb_meta_get(&r->meta, "experiment_file");
	const char *started = pb_meta_get(&r->meta, "started_utc");
	r->experiment_file = file ? file : "";
	if (started && strlen(started) >= sizeof(r->started_utc)) {
		pb_fail(err,
			"%s/meta.json: started_utc '%.40s...' is not a time "
			"stamp",
			dir, started);
		goto fail;
	}
	snprintf(r->started_utc, sizeof(r->started_utc), "%s",
		 started ? started : "");
	return PB_OK;
fail:
	pb_resume_free(r);
	return PB_ERROR;
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

/* Appends at most 60 bytes of the line at s (up to a newline) in quotes. */
static void quote_line(struct pb_buf *b, const char *s, const char *end)
{
	const char *nl = memchr(s, '\n', (size_t)(end - s));
	size_t n = (size_t)((nl ? nl : end) - s);

	if (s == end) {
		pb_buf_printf(b, "(end of file)");
		return;
	}
	pb_buf_printf(b, "'%.*s%s'", (int)(n > 60 ? 60 : n), s,
		      n > 60 ? "..." : "");
}

/*
 * Appends where then and now first differ: "line N: then 'x', now 'y'".
 * Appends nothing when they are equal.
 */
static void first_difference(struct pb_buf *b, const char *then, size_t nthen,
			     const char *now, size_t nnow)
{
	size_t k = 0, line = 1, start = 0;

	while (k < nthen && k < nnow && then[k] == now[k]) {
		if (then[k] == '\n')
			line++, start = k + 1;
		k++;
	}
	if (k == nthen && k == nnow)
		return;
	pb_buf_printf(b, "; the first difference is on line %zu: then ", line);
	quote_line(b, then + start, then + nthen);
	pb_buf_printf(b, ", now ");
	quote_line(b, now + start, now + nnow);
}

/* DIR/experiment.yaml must still have the SHA-256 meta.json recorded. */
static int check_saved(const struct pb_resume *r,
		       const struct pb_experiment_file *f, struct pb_err *err)
{
	const char *want = pb_meta_get(&r->meta, "experiment_sha256");
	const char *then = pb_meta_get(&r->meta, "experiment_text");
	struct pb_buf diff = {0};
	char have[65];

	if (!want)
		return pb_fail(err,
			       "--resume %s: meta.json records no "
			       "experiment_sha256 (a folder of an older "
			       "parabench, or edited); start a new run",
			       r->dir);
	pb_sha256_hex(f->text, f->text_len, have);
	if (strcmp(want, have) == 0)
		return PB_OK;
	if (then)
		first_difference(&diff, then, strlen(then), f->text,
				 f->text_len);
	pb_fail(err,
		"--resume %s: %s/experiment.yaml changed since the run "
		"(SHA-256 then %s, now %s)%s; resuming would mix two "
		"experiments in one folder: restore it, or start a new run",
		r->dir, r->dir, want, have, diff.data ? diff.data : "");
	pb_buf_free(&diff);
	return PB_ERROR;
}

/* The original file, when it still exists, must equal the saved copy. */
static int check_file(const struct pb_resume *r,
		      const struct pb_experiment_file *f, struct pb_err *err)
{
	char *orig = NULL;
	size_t norig;
	struct pb_err ignore;
	struct pb_buf diff = {0};
	int rc = PB_OK;

	if (!*r->experiment_file || access(r->experiment_file, F_OK) != 0)
		return PB_OK;
	if (pb_read_whole_file(r->experiment_file, &orig, &norig, &ignore) ==
		PB_OK &&
	    (norig != f->text_len || memcmp(orig, f->text, norig) != 0)) {
		first_difference(&diff, f->text, f->text_len, orig, norig);
		rc = pb_fail(err,
			     "--resume %s: %s changed since the run%s; "
			     "resuming would mix two experiments. Restore "
			     "it, or start a new run",
			     r->dir, r->experiment_file,
			     diff.data ? diff.data : "");
	}
	pb_buf_free(&diff);
	free(orig);
	return rc;
}

/* A resume runs with the run's own --repetitions, and no other. */
static int check_repetitions(struct pb_resume *r, unsigned given,
			     struct pb_err *err)
{
	json_t *v = pb_meta_value(&r->meta, "repetitions");
	long long n = 0;

	if (!json_is_null(v) &&
	    !pb_meta_int(&r->meta, "repetitions", 1, PB_MAX_REPETITIONS, &n))
		return pb_fail(err,
			       "--resume %s: meta.json's repetitions is "
			       "missing or not a count from 1 to %d (a folder "
			       "of an older parabench, or edited); start a "
			       "new run",
			       r->dir, PB_MAX_REPETITIONS);
	r->repetitions = (unsigned)n;
	if (given && given != r->repetitions) {
		if (n)
			return pb_fail(err,
				       "--resume %s: the run was made with "
				       "--repetitions %lld, not %u; a resume "
				       "completes the run as it was begun: "
				       "leave --repetitions out",
				       r->dir, n, given);
		return pb_fail(err,
			       "--resume %s: the run was made without "
			       "--repetitions (each experiment's own count); "
			       "a resume completes the run as it was begun: "
			       "leave --repetitions out",
			       r->dir);
	}
	return PB_OK;
}

/* runs.csv's header must be the one this experiment writes. */
static int check_header(const struct pb_resume *r, const struct pb_cells *cells,
			struct pb_err *err)
{
	struct pb_buf want = {0}, have = {0};
	int rc = PB_OK;

	if (pb_runs_csv_header(cells, &want, err))
		return PB_ERROR;
	for (size_t k = 0; k < r->runs.ncols; k++) {
		pb_buf_printf(&have, k ? "," : "");
		pb_buf_csv_field(&have, r->runs.header[k]);
	}
	pb_buf_printf(&have, "\n");
	if (want.oom || have.oom)
		rc = pb_fail(err, "out of memory");
	else if (strcmp(want.data, have.data))
		rc = pb_fail(err,
			     "--resume %s: the header of runs.csv differs "
			     "from the columns of this experiment; was the "
			     "experiment or a plugin changed? Start a new run",
			     r->dir);
	pb_buf_free(&want);
	pb_buf_free(&have);
	return rc;
}

/* capacity.csv, when there is one, must be this version's to append to. */
static int check_capacity(const struct pb_resume *r, struct pb_err *err)
{
	char path[PB_PATH_MAX];
	struct pb_err why;

	if (pb_path_join(path, sizeof(path), r->dir, "capacity.csv", err))
		return PB_ERROR;
	if (pb_capacity_csv_check(path, &why) == PB_OK)
		return PB_OK;
	return pb_fail(err, "--resume %s: %s", r->dir, why.msg);
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

/* The cell and repetition of row, when both are in range. */
static bool row_slot(const struct pb_resume *r, size_t row, size_t ncells,
		     size_t *id, unsigned *rep)
{
	double i = pb_csv_num(&r->runs, row, "cell");
	double p = pb_csv_num(&r->runs, row, "repetition");

	if (!(i >= 1 && i <= (double)ncells && p >= 1 &&
	      p <= PB_MAX_REPETITIONS && i == (size_t)i && p == (unsigned)p))
		return false;
	*id = (size_t)i;
	*rep = (unsigned)p;
	return true;
}

/*
 * A last row without its line end is whole only when every field that
 * the run writes in a known form is in that form; else it was cut short.
 */
static bool last_row_whole(const struct pb_resume *r,
			   const struct pb_cells *cells)
{
	const struct pb_csv *t = &r->runs;
	size_t row = t->nrows - 1, id;
	unsigned rep;
	double x;
	static const char *const numbers[] = {
	    "wall_s", "user_s", "sys_s", "max_rss_kb", "vol_ctx", "invol_ctx"};
	const char *st = pb_csv_get(t, row, "status");
	bool known = false;

	for (int s = PB_STATUS_OK; s <= PB_STATUS_WRONG; s++)
		known |= strcmp(st, pb_status_name((enum pb_status)s)) == 0;
	for (size_t k = 0; k < PB_COUNT(numbers); k++)
		if (!pb_csv_number(pb_csv_get(t, row, numbers[k]), &x))
			return false;
	return known && row_slot(r, row, cells->n, &id, &rep) &&
	       row_matches(t, row, &cells->items[id - 1]);
}

/* Whether runs.csv's end needs mending; drops a torn last row. */
static void check_tail(struct pb_resume *r, const struct pb_cells *cells)
{
	struct pb_csv *t = &r->runs;

	r->mend = t->dropped_tail || t->unterminated;
	if (t->unterminated && t->nrows > 0 && !last_row_whole(r, cells)) {
		t->nrows--;
		t->dropped_tail = true;
	}
}

static int mark_rows(struct pb_resume *r, const struct pb_cells *cells,
		     struct pb_err *err)
{
	const struct pb_csv *t = &r->runs;
	size_t id;
	unsigned rep;

	r->ncells = cells->n;
	r->maxrep = 1;
	for (size_t k = 0; k < t->nrows; k++)
		if (row_slot(r, k, cells->n, &id, &rep) && rep > r->maxrep)
			r->maxrep = rep;
	r->line_of = calloc(r->ncells * r->maxrep + 1, sizeof(size_t));
	if (!r->line_of)
		return pb_fail(err, "out of memory");
	for (size_t k = 0; k < t->nrows; k++) {
		if (!row_slot(r, k, cells->n, &id, &rep) ||
		    !row_matches(t, k, &cells->items[id - 1]))
			return pb_fail(err,
				       "%s/runs.csv:%zu: row does not match "
				       "the cells of %s/experiment.yaml; the "
				       "folder was edited: start a new run",
				       r->dir, t->lines[k], r->dir);
		size_t *slot = &r->line_of[(id - 1) * r->maxrep + rep - 1];
		if (*slot)
			return pb_fail(err,
				       "%s/runs.csv:%zu and %zu: both are "
				       "repetition %u of cell %zu; the folder "
				       "was edited or mixed: start a new run",
				       r->dir, *slot, t->lines[k], rep, id);
		*slot = t->lines[k];
	}
	return PB_OK;
}

int pb_resume_check(struct pb_resume *r, const struct pb_registry *reg,
		    const struct pb_experiment_file *file,
		    const struct pb_cells *cells, unsigned given,
		    struct pb_err *err)
{
	if (check_plugins(r, reg, err) || check_saved(r, file, err) ||
	    check_file(r, file, err) || check_repetitions(r, given, err) ||
	    check_header(r, cells, err) || check_capacity(r, err))
		return PB_ERROR;
	check_tail(r, cells);
	return mark_rows(r, cells, err);
}

int pb_resume_mend(struct pb_resume *r, struct pb_err *err)
{
	const struct pb_csv *t = &r->runs;
	struct pb_buf b = {0};
	char path[PB_PATH_MAX];

	if (!r->mend)
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
	if (pb_path_join(path, sizeof(path), r->dir, "runs.csv", err)) {
		pb_buf_free(&b);
		return PB_ERROR;
	}
	int rc = b.oom ? pb_fail(err, "out of memory mending %s", path)
		       : pb_write_file_atomic(path, b.data, b.len, err);
	pb_buf_free(&b);
	if (rc == PB_OK)
		r->mend = false;
	return rc;
}

bool pb_resume_have_row(void *ctx, size_t cell_id, unsigned rep)
{
	const struct pb_resume *r = ctx;

	if (cell_id < 1 || cell_id > r->ncells || rep < 1 || rep > r->maxrep)
		return false;
	return r->line_of[(cell_id - 1) * r->maxrep + rep - 1] != 0;
}

void pb_resume_free(struct pb_resume *r)
{
	pb_meta_doc_free(&r->meta);
	pb_csv_free(&r->runs);
	free(r->line_of);
	r->line_of = NULL;
	if (r->locked)
		pb_lock_release(&r->lock);
	r->locked = false;
}
