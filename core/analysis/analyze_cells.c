/*
 * analyze_cells.c — the rows of runs.csv sorted into cells, with their
 * statistics, and the cells into groups and series, with baselines and
 * speed-ups (see analyze.h for the words).
 */
#include "analyze_cells.h"

#include "analyze_fields.h"
#include <math.h>
#include <stdlib.h>

static const char *const status_words[ST_N] = {"ok", "failed", "crashed",
					       "timeout", "wrong"};

/* ---- Cells ------------------------------------------------------------ */

struct rowkey {
	size_t exp;
	unsigned long id;
	size_t row;
};

static int cmp_rowkey(const void *x, const void *y)
{
	const struct rowkey *a = x, *b = y;

	if (a->exp != b->exp)
		return a->exp < b->exp ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return (a->row > b->row) - (a->row < b->row);
}

static int key_of(struct analysis *a, size_t row, struct rowkey *key,
		  struct pb_err *err)
{
	const char *name = pb_an_field(a, row, a->c_exp);
	const char *id = pb_an_field(a, row, a->c_cell);

	key->row = row;
	for (key->exp = 0; key->exp < a->nexps; key->exp++)
		if (strcmp(a->exp[key->exp].name, name) == 0)
			break;
	if (key->exp == a->nexps)
		return pb_fail(err,
			       "%s/runs.csv:%zu: experiment '%s' is not "
			       "in experiments.csv; were the files of two "
			       "runs mixed?",
			       a->dir, a->runs.lines[row], name);
	if (!pb_an_parse_uint(id, 1, (unsigned long)-1 >> 1, &key->id))
		return pb_fail(err,
			       "%s/runs.csv:%zu: cell '%s'; expected a "
			       "cell number (1, 2, ...)",
			       a->dir, a->runs.lines[row], id);
	return PB_OK;
}

static int sorted_rows(struct analysis *a, struct rowkey **keys,
		       struct pb_err *err)
{
	size_t n = a->runs.nrows;

	*keys = malloc((n ? n : 1) * sizeof(**keys));
	if (!*keys)
		return pb_fail(err, "out of memory");
	for (size_t r = 0; r < n; r++)
		if (key_of(a, r, &(*keys)[r], err))
			return PB_ERROR;
	qsort(*keys, n, sizeof(**keys), cmp_rowkey);
	return PB_OK;
}

static int new_cell(struct analysis *a, const struct rowkey *key, size_t pos,
		    struct pb_err *err)
{
	struct cell *c = &a->cells[a->ncells++];
	const char *w = pb_an_field(a, key->row, a->c_workers);
	unsigned long v;

	if (!pb_an_parse_uint(w, 1, 1u << 30, &v))
		return pb_fail(err,
			       "%s/runs.csv:%zu: workers '%s'; expected "
			       "a worker count (1, 2, ...)",
			       a->dir, a->runs.lines[key->row], w);
	*c = (struct cell){.exp = key->exp,
			   .id = (long)key->id,
			   .workers = (unsigned)v,
			   .row0 = key->row,
			   .first = pos,
			   .wall = a->walls + pos,
			   .speedup = NAN,
			   .sp_lo = NAN,
			   .sp_hi = NAN,
			   .eff = NAN,
			   .kf = NAN};
	return PB_OK;
}

/* Adds row (at position pos of order) to cell c, checking its keys. */
static int add_row(struct analysis *a, struct cell *c, size_t row, size_t pos,
		   struct pb_err *err)
{
	const char *st = pb_an_field(a, row, a->c_status);
	const char *wall = pb_an_field(a, row, a->c_wall);
	size_t line = a->runs.lines[row];
	int s;
	double t;

	for (s = 0; s < ST_N && strcmp(st, status_words[s]); s++)
		;
	if (s == ST_N)
		return pb_fail(err,
			       "%s/runs.csv:%zu: status '%s'; expected "
			       "ok, failed, crashed, timeout or wrong",
			       a->dir, line, st);
	if (strcmp(pb_an_field(a, row, a->c_strategy),
		   pb_an_field(a, c->row0, a->c_strategy)) ||
	    strcmp(pb_an_field(a, row, a->c_workers),
		   pb_an_field(a, c->row0, a->c_workers)))
		return pb_fail(err,
			       "%s/runs.csv:%zu: cell %ld has another "
			       "strategy or worker count than on line %zu; "
			       "were the files of two runs mixed?",
			       a->dir, line, c->id, a->runs.lines[c->row0]);
	a->order[pos] = row;
	a->status[pos] = (unsigned char)s;
	c->nrows++;
	c->counts[s]++;
	if (s != ST_OK)
		return PB_OK;
	if (!pb_csv_number(wall, &t) || t < 0)
		return pb_fail(err,
			       "%s/runs.csv:%zu: wall_s '%s'; expected "
			       "seconds, a number >= 0",
			       a->dir, line, wall);
	const char *flag =
	    a->c_contended >= 0 ? pb_an_field(a, row, a->c_contended) : "";
	if (*flag && strcmp(flag, "0") && strcmp(flag, "1"))
		return pb_fail(err,
			       "%s/runs.csv:%zu: contended '%s'; expected 0 "
			       "or 1",
			       a->dir, line, flag);
	/* Clean walls stay in front of contended ones, each in row order. */
	size_t n = c->counts[ST_OK];
	if (strcmp(flag, "1") == 0) {
		c->wall[n - 1] = t;
		c->n_contended++;
	} else {
		memmove(c->wall + n - c->n_contended,
			c->wall + n - 1 - c->n_contended,
			c->n_contended * sizeof(double));
		c->wall[n - 1 - c->n_contended] = t;
	}
	return PB_OK;
}

/* A row's repetition, with the row, for finding two of one cell. */
struct reprow {
	unsigned long rep;
	size_t row;
};

static int cmp_reprow(const void *x, const void *y)
{
	const struct reprow *a = x, *b = y;

	if (a->rep != b->rep)
		return a->rep < b->rep ? -1 : 1;
	return (a->row > b->row) - (a->row < b->row);
}

/* Each repetition of cell c once; scratch holds c->nrows entries. */
static int unique_repetitions(const struct analysis *a, const struct cell *c,
			      struct reprow *scratch, struct pb_err *err)
{
	for (size_t k = 0; k < c->nrows; k++) {
		size_t row = a->order[c->first + k];
		const char *rep = pb_an_field(a, row, a->c_rep);
		if (!pb_an_parse_uint(rep, 1, (unsigned long)-1 >> 1,
				      &scratch[k].rep))
			return pb_fail(err,
				       "%s/runs.csv:%zu: repetition '%s'; "
				       "expected a repetition number (1, 2, "
				       "...)",
				       a->dir, a->runs.lines[row], rep);
		scratch[k].row = row;
	}
	qsort(scratch, c->nrows, sizeof(*scratch), cmp_reprow);
	for (size_t k = 1; k < c->nrows; k++)
		if (scratch[k].rep == scratch[k - 1].rep)
			return pb_fail(
			    err,
			    "%s/runs.csv:%zu and %zu: both are repetition %lu "
			    "of cell %ld of experiment '%s'; a results folder "
			    "holds each repetition once: were the rows of two "
			    "runs mixed?",
			    a->dir, a->runs.lines[scratch[k - 1].row],
			    a->runs.lines[scratch[k].row], scratch[k].rep,
			    c->id, a->exp[c->exp].name);
	return PB_OK;
}

static bool new_key(const struct rowkey *keys, size_t k)
{
	return k == 0 || keys[k].exp != keys[k - 1].exp ||
	       keys[k].id != keys[k - 1].id;
}

static int cell_stats(struct analysis *a, struct pb_err *err)
{
	struct reprow *scratch = malloc(
	    (a->max_cell_rows ? a->max_cell_rows : 1) * sizeof(*scratch));
	int rc = PB_ERROR;

	if (!scratch)
		return pb_fail(err, "out of memory");
	for (size_t c = 0; c < a->ncells; c++) {
		struct cell *cl = &a->cells[c];
		if (unique_repetitions(a, cl, scratch, err))
			goto out;
		if (!cl->counts[ST_OK])
			continue;
		size_t clean = cl->counts[ST_OK] - cl->n_contended;
		cl->used_contended = cl->n_contended && clean < PB_MIN_CLEAN;
		if (pb_stats_compute(cl->wall,
				     cl->used_contended ? cl->counts[ST_OK]
							: clean,
				     &cl->st, err))
			goto out;
		cl->has_stats = true;
	}
	rc = PB_OK;
out:
	free(scratch);
	return rc;
}

int pb_an_build_cells(struct analysis *a, struct pb_err *err)
{
	size_t n = a->runs.nrows, ncells = 0;
	struct rowkey *keys = NULL;
	int rc = PB_ERROR;

	if (sorted_rows(a, &keys, err))
		goto out;
	for (size_t k = 0; k < n; k++)
		ncells += new_key(keys, k);
	a->order = pb_an_alloc(a, n, sizeof(size_t));
	a->status = pb_an_alloc(a, n, 1);
	a->walls = pb_an_alloc(a, n, sizeof(double));
	a->cells = pb_an_alloc(a, ncells, sizeof(struct cell));
	if (!a->order || !a->status || !a->walls || !a->cells) {
		pb_fail(err, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < n; k++) {
		if (new_key(keys, k) && new_cell(a, &keys[k], k, err))
			goto out;
		struct cell *c = &a->cells[a->ncells - 1];
		if (add_row(a, c, keys[k].row, k, err))
			goto out;
		if (c->nrows > a->max_cell_rows)
			a->max_cell_rows = c->nrows;
	}
	free(keys);
	keys = NULL;
	rc = cell_stats(a, err);
out:
	free(keys);
	return rc;
}

/* ---- Groups, series, baselines ----------------------------------------- */

static bool same_fields(const struct analysis *a, size_t r1, size_t r2,
			const size_t *cols, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (strcmp(pb_csv_at(&a->runs, r1, cols[k]),
			   pb_csv_at(&a->runs, r2, cols[k])))
			return false;
	return true;
}

/* The experiment name with anything but [A-Za-z0-9_.-] made '_'. */
static char *group_id(struct analysis *a, const char *name, size_t k)
{
	size_t n = strlen(name) + 24;
	char *id = pb_arena_alloc(&a->arena, n);

	if (!id)
		return NULL;
	snprintf(id, n, "%s-%zu", name, k);
	for (char *p = id; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
			    "XYZ0123456789_.-",
			    *p))
			*p = '_';
	return id;
}

static int assign_group(struct analysis *a, size_t c, struct pb_err *err)
{
	struct cell *cl = &a->cells[c];
	const struct exp_info *e = &a->exp[cl->exp];
	size_t k = 0;

	for (size_t g = 0; g < a->ngroups; g++) {
		struct group *gr = &a->groups[g];
		if (gr->exp != cl->exp)
			continue;
		k++;
		if (same_fields(a, cl->row0, a->cells[gr->cell0].row0, e->wcols,
				e->nw)) {
			cl->group = g;
			return PB_OK;
		}
	}
	struct group *gr = &a->groups[a->ngroups];
	*gr = (struct group){.exp = cl->exp, .cell0 = c, .base = -1};
	gr->id = group_id(a, e->name, k + 1);
	if (!gr->id)
		return pb_fail(err, "out of memory");
	cl->group = a->ngroups++;
	return PB_OK;
}

static void assign_series(struct analysis *a, size_t c)
{
	struct cell *cl = &a->cells[c];
	const struct exp_info *e = &a->exp[cl->exp];

	for (size_t s = 0; s < a->nseries; s++) {
		const struct cell *first = &a->cells[a->series[s].cell0];
		if (a->series[s].group == cl->group &&
		    strcmp(pb_an_field(a, cl->row0, a->c_strategy),
			   pb_an_field(a, first->row0, a->c_strategy)) == 0 &&
		    same_fields(a, cl->row0, first->row0, e->scols, e->ns)) {
			cl->series = s;
			return;
		}
	}
	a->series[a->nseries] = (struct series){.group = cl->group, .cell0 = c};
	cl->series = a->nseries++;
}

/* "pthreads", or "pthreads (schedule=dynamic, chunk=1)" when needed. */
static int series_label(struct analysis *a, struct series *s,
			struct pb_err *err)
{
	const struct cell *cl = &a->cells[s->cell0];
	const struct exp_info *e = &a->exp[cl->exp];
	const char *strategy = pb_an_field(a, cl->row0, a->c_strategy);
	struct pb_buf b = {0};
	size_t same = 0, shown = 0;

	for (size_t k = 0; k < a->nseries; k++)
		same += a->series[k].group == s->group &&
			strcmp(pb_an_field(a, a->cells[a->series[k].cell0].row0,
					   a->c_strategy),
			       strategy) == 0;
	pb_buf_printf(&b, "%s", strategy);
	for (size_t k = 0; same > 1 && k < e->ns; k++) {
		const char *v = pb_csv_at(&a->runs, cl->row0, e->scols[k]);
		if (!*v)
			continue;
		pb_buf_printf(&b, "%s%s=%s", shown++ ? ", " : " (",
			      a->runs.header[e->scols[k]] + 6, v);
	}
	if (shown)
		pb_buf_printf(&b, ")");
	s->label = b.oom ? NULL : pb_arena_strdup(&a->arena, b.data);
	pb_buf_free(&b);
	return s->label ? PB_OK : pb_fail(err, "out of memory");
}

static void find_baselines(struct analysis *a)
{
	for (size_t c = 0; c < a->ncells; c++) {
		struct cell *cl = &a->cells[c];
		struct group *g = &a->groups[cl->group];
		const struct exp_info *e = &a->exp[cl->exp];
		if (g->base < 0 && cl->workers == e->base_workers &&
		    strcmp(pb_an_field(a, cl->row0, a->c_strategy),
			   e->base_strategy) == 0)
			g->base = (long)c;
	}
}

static void speedups(struct analysis *a)
{
	for (size_t s = 0; s < a->nseries; s++)
		a->series[s].control =
		    !strcmp(pb_an_field(a, a->cells[a->series[s].cell0].row0,
					a->c_strategy),
			    PB_CONTROL_STRATEGY);
	for (size_t c = 0; c < a->ncells; c++) {
		struct cell *cl = &a->cells[c];
		long b = a->groups[cl->group].base;
		if (b < 0 || !cl->has_stats || !a->cells[b].has_stats)
			continue;
		const struct pb_stats *bs = &a->cells[b].st, *cs = &cl->st;
		cl->speedup = bs->median / cs->median;
		cl->sp_lo = bs->ci_lo / cs->ci_hi;
		cl->sp_hi = bs->ci_hi / cs->ci_lo;
		if ((long)c == b)
			cl->speedup = cl->sp_lo = cl->sp_hi = 1;
		cl->eff = cl->speedup / cl->workers;
		if (!a->series[cl->series].control)
			cl->kf = pb_karp_flatt(cl->speedup, cl->workers);
	}
}

int pb_an_structure(struct analysis *a, struct pb_err *err)
{
	a->groups = pb_an_alloc(a, a->ncells, sizeof(struct group));
	a->series = pb_an_alloc(a, a->ncells, sizeof(struct series));
	if (!a->groups || !a->series)
		return pb_fail(err, "out of memory");
	for (size_t c = 0; c < a->ncells; c++) {
		if (assign_group(a, c, err))
			return PB_ERROR;
		assign_series(a, c);
	}
	for (size_t s = 0; s < a->nseries; s++)
		if (series_label(a, &a->series[s], err))
			return PB_ERROR;
	find_baselines(a);
	speedups(a);
	return PB_OK;
}
