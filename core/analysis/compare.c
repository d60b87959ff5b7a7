/*
 * compare.c — two results folders compared cell by cell (see compare.h).
 *
 * Each folder's runs.csv rows get a key (experiment, workload, strategy,
 * workers, then the non-empty parameters sorted by name), are sorted by
 * it (n log n) and gathered into cells; the two sorted cell lists are then
 * merged. Everything lives in the comparison's arena, or in a side's
 * arena until the side is freed.
 */
#include "compare.h"

#include <math.h>
#include <stdlib.h>

#include "lib/csv_read.h"
#include "lib/path.h"
#include "lib/textbuf.h"
#include "mannwhitney.h"
#include "stats.h"

/* Resamples of the bootstrap. */
#define BOOT_ROUNDS 2000

/* One cell of one folder. */
struct scell {
	const char *key; /* sortable: fields split by \x1f */
	struct pb_cmp_key k;
	double *ok; /* ok wall times */
	size_t nok, nbad;
	size_t first; /* (experiment, cell number): A's order */
};

/* One folder. */
struct side {
	const char *dir;
	struct pb_csv runs, exps;
	long c_exp, c_workload, c_strategy, c_workers, c_status, c_wall;
	size_t nparams;
	size_t *params; /* param_ columns, sorted by name */
	size_t ncells;
	struct scell *cells; /* sorted by key */
	struct pb_arena arena;
};

/* ---- Reading one folder ------------------------------------------------ */

static const struct pb_csv *sort_csv; /* for cmp_param_col */

static int cmp_param_col(const void *x, const void *y)
{
	return strcmp(sort_csv->header[*(const size_t *)x],
		      sort_csv->header[*(const size_t *)y]);
}

static int columns(struct side *s, struct pb_err *err)
{
	static const char *const need[] = {"experiment", "workload", "strategy",
					   "workers",	 "status",   "wall_s"};
	long *cols[] = {&s->c_exp,     &s->c_workload, &s->c_strategy,
			&s->c_workers, &s->c_status,   &s->c_wall};

	for (size_t k = 0; k < PB_COUNT(need); k++) {
		*cols[k] = pb_csv_column(&s->runs, need[k]);
		if (*cols[k] < 0)
			return pb_fail(err,
				       "%s/runs.csv: no column '%s'; expected "
				       "the runs.csv of a parabench run",
				       s->dir, need[k]);
	}
	if (pb_csv_column(&s->exps, "experiment") < 0 ||
	    pb_csv_column(&s->exps, "workload") < 0)
		return pb_fail(err,
			       "%s/experiments.csv: no experiment or "
			       "workload column",
			       s->dir);
	s->params =
	    pb_arena_alloc(&s->arena, (s->runs.ncols + 1) * sizeof(size_t));
	if (!s->params)
		return pb_fail(err, "out of memory");
	for (size_t c = 0; c < s->runs.ncols; c++)
		if (!strncmp(s->runs.header[c], "param_", 6))
			s->params[s->nparams++] = c;
	sort_csv = &s->runs;
	qsort(s->params, s->nparams, sizeof(size_t), cmp_param_col);
	return PB_OK;
}

/* The sortable key of row r and, in *shown, its parameters for people. */
static const char *row_key(struct side *s, size_t r, unsigned workers,
			   const char **shown)
{
	struct pb_buf key = {0}, params = {0};
	const char *k;

	pb_buf_printf(&key, "%s\x1f%s\x1f%s\x1f%010u",
		      pb_csv_at(&s->runs, r, (size_t)s->c_exp),
		      pb_csv_at(&s->runs, r, (size_t)s->c_workload),
		      pb_csv_at(&s->runs, r, (size_t)s->c_strategy), workers);
	for (size_t k = 0; k < s->nparams; k++) {
		const char *v = pb_csv_at(&s->runs, r, s->params[k]);
		const char *name = s->runs.header[s->params[k]] + 6;
		if (!*v)
			continue;
		pb_buf_printf(&key, "\x1f%s\x1e%s", name, v);
		pb_buf_printf(&params, "%s%s=%s", params.len ? ", " : "", name,
			      v);
	}
	k = key.oom || params.oom ? NULL : pb_arena_strdup(&s->arena, key.data);
	*shown = k ? pb_arena_strdup(&s->arena, params.data ? params.data : "")
		   : NULL;
	pb_buf_free(&key);
	pb_buf_free(&params);
	return *shown ? k : NULL;
}

struct rowref {
	const char *key;
	const char *params;
	unsigned workers;
	size_t row;
};

static int cmp_rowref(const void *x, const void *y)
{
	const struct rowref *a = x, *b = y;
	int c = strcmp(a->key, b->key);

	return c ? c : (a->row > b->row) - (a->row < b->row);
}

static int read_rows(struct side *s, struct rowref *refs, struct pb_err *err)
{
	for (size_t r = 0; r < s->runs.nrows; r++) {
		const char *w = pb_csv_at(&s->runs, r, (size_t)s->c_workers);
		double v;
		if (!pb_csv_number(w, &v) || v < 1 || v > 1 << 30 ||
		    v != floor(v))
			return pb_fail(err,
				       "%s/runs.csv:%zu: workers '%s'; "
				       "expected a worker count",
				       s->dir, s->runs.lines[r], w);
		refs[r].row = r;
		refs[r].workers = (unsigned)v;
		refs[r].key = row_key(s, r, refs[r].workers, &refs[r].params);
		if (!refs[r].key)
			return pb_fail(err, "out of memory");
	}
	qsort(refs, s->runs.nrows, sizeof(*refs), cmp_rowref);
	return PB_OK;
}

/* Adds row ref to cell c (the cell's first row sets its key). */
static int add_row(struct side *s, struct scell *c, const struct rowref *ref,
		   struct pb_err *err)
{
	size_t r = ref->row;
	const char *st = pb_csv_at(&s->runs, r, (size_t)s->c_status);
	const char *wall = pb_csv_at(&s->runs, r, (size_t)s->c_wall);
	double t;

	if (strcmp(st, "ok")) {
		c->nbad++;
		return PB_OK;
	}
	if (!pb_csv_number(wall, &t) || t < 0)
		return pb_fail(err,
			       "%s/runs.csv:%zu: wall_s '%s'; expected "
			       "seconds, a number >= 0",
			       s->dir, s->runs.lines[r], wall);
	c->ok[c->nok++] = t;
	return PB_OK;
}

/*
 * Where row r's cell comes in the folder: its experiment's place in
 * experiments.csv, then its cell number (rows are interleaved in runs.csv).
 */
static size_t cell_order(const struct side *s, size_t r)
{
	const char *name = pb_csv_at(&s->runs, r, (size_t)s->c_exp);
	double cell = pb_csv_num(&s->runs, r, "cell");
	size_t e = 0;

	while (e < s->exps.nrows &&
	       strcmp(pb_csv_get(&s->exps, e, "experiment"), name))
		e++;
	if (!(cell >= 0 && cell < 1e9))
		cell = 1e9;
	return e * 2000000000u + (size_t)cell;
}

static int build_cells(struct side *s, struct pb_err *err)
{
	size_t n = s->runs.nrows;
	struct rowref *refs = malloc((n + 1) * sizeof(*refs));
	double *walls = pb_arena_alloc(&s->arena, (n + 1) * sizeof(double));
	int rc = PB_ERROR;

	s->cells = pb_arena_alloc(&s->arena, (n + 1) * sizeof(*s->cells));
	if (!refs || !walls || !s->cells) {
		pb_fail(err, "out of memory");
		goto out;
	}
	if (read_rows(s, refs, err))
		goto out;
	for (size_t k = 0; k < n; k++) {
		size_t r = refs[k].row;
		if (k == 0 || strcmp(refs[k].key, refs[k - 1].key)) {
			struct scell *c = &s->cells[s->ncells++];
			*c = (struct scell){
			    .key = refs[k].key,
			    .k = {pb_csv_at(&s->runs, r, (size_t)s->c_exp),
				  pb_csv_at(&s->runs, r, (size_t)s->c_workload),
				  pb_csv_at(&s->runs, r, (size_t)s->c_strategy),
				  refs[k].workers, refs[k].params},
			    .ok = walls + k,
			    .first = cell_order(s, r)};
		}
		if (add_row(s, &s->cells[s->ncells - 1], &refs[k], err))
			goto out;
	}
	rc = PB_OK;
out:
	free(refs);
	return rc;
}

static int load_side(struct side *s, const char *dir, struct pb_err *err)
{
	char path[PB_PATH_MAX];

	*s = (struct side){.dir = dir};
	if (pb_path_join(path, sizeof(path), dir, "runs.csv", err) ||
	    pb_csv_read(path, PB_CSV_DROP_PARTIAL_TAIL, &s->runs, err))
		return PB_ERROR;
	if (pb_path_join(path, sizeof(path), dir, "experiments.csv", err) ||
	    pb_csv_read(path, 0, &s->exps, err))
		return PB_ERROR;
	return columns(s, err) || build_cells(s, err) ? PB_ERROR : PB_OK;
}

static void free_side(struct side *s)
{
	pb_csv_free(&s->runs);
	pb_csv_free(&s->exps);
	pb_arena_free(&s->arena);
}

/* ---- Are they the same experiments? ------------------------------------ */

/* Appends to b the experiments of x that y lacks (or runs another way). */
static void missing(const struct side *x, const struct side *y,
		    struct pb_buf *b)
{
	for (size_t i = 0; i < x->exps.nrows; i++) {
		const char *name = pb_csv_get(&x->exps, i, "experiment");
		const char *wl = pb_csv_get(&x->exps, i, "workload");
		bool found = false;
		for (size_t j = 0; j < y->exps.nrows && !found; j++)
			found =
			    !strcmp(name,
				    pb_csv_get(&y->exps, j, "experiment")) &&
			    !strcmp(wl, pb_csv_get(&y->exps, j, "workload"));
		if (!found)
			pb_buf_printf(b, "%s'%s' (workload %s) is only in %s",
				      b->len ? "; " : "", name, wl, x->dir);
	}
}

static void differs(const struct side *a, const struct side *b, char *buf,
		    size_t len)
{
	struct pb_buf t = {0};

	missing(a, b, &t);
	missing(b, a, &t);
	snprintf(buf, len, "%s", t.data && !t.oom ? t.data : "");
	pb_buf_free(&t);
}

/* ---- Statistics of one matched cell ------------------------------------ */

/* xorshift64*: a fixed seed makes the bootstrap repeatable. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* The median of n values drawn with replacement from x, into scratch. */
static double resampled_median(const double *x, size_t n, double *scratch,
			       uint64_t *rng)
{
	for (size_t k = 0; k < n; k++)
		scratch[k] = x[next_random(rng) % n];
	return pb_median_inplace(scratch, n);
}

int pb_ratio_interval(const double *x, size_t nx, const double *y, size_t ny,
		      uint64_t seed, double *lo, double *hi, struct pb_err *err)
{
	double *r = malloc(BOOT_ROUNDS * sizeof(double));
	double *scratch = malloc((nx > ny ? nx : ny) * sizeof(double) + 1);
	uint64_t rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	size_t n = 0;

	*lo = *hi = NAN;
	if (!r || !scratch) {
		free(r);
		free(scratch);
		return pb_fail(err, "out of memory");
	}
	for (size_t k = 0; nx && ny && k < BOOT_ROUNDS; k++) {
		double mx = resampled_median(x, nx, scratch, &rng);
		double my = resampled_median(y, ny, scratch, &rng);
		if (mx > 0)
			r[n++] = my / mx;
	}
	if (n) {
		pb_sort_doubles(r, n);
		*lo = r[(size_t)floor(0.025 * (double)(n - 1))];
		*hi = r[(size_t)ceil(0.975 * (double)(n - 1))];
	}
	free(r);
	free(scratch);
	return PB_OK;
}

static double median_of(const double *x, size_t n, double *scratch)
{
	if (!n)
		return NAN;
	memcpy(scratch, x, n * sizeof(double));
	return pb_median_inplace(scratch, n);
}

static int compare_cell(const struct scell *a, const struct scell *b,
			double *scratch, struct pb_cmp_cell *out,
			struct pb_err *err)
{
	struct pb_utest u;

	*out = (struct pb_cmp_cell){.key = a->k,
				    .na = a->nok,
				    .nb = b->nok,
				    .bad_a = a->nbad,
				    .bad_b = b->nbad};
	out->med_a = median_of(a->ok, a->nok, scratch);
	out->med_b = median_of(b->ok, b->nok, scratch);
	out->ratio = out->med_a > 0 ? out->med_b / out->med_a : NAN;
	if (pb_ratio_interval(a->ok, a->nok, b->ok, b->nok, 0, &out->ratio_lo,
			      &out->ratio_hi, err) ||
	    pb_mann_whitney(b->ok, b->nok, a->ok, a->nok, &u, err))
		return PB_ERROR;
	out->p = u.p;
	out->exact = u.exact;
	if (a->nok < 2 || b->nok < 2)
		out->verdict = "too few runs";
	else if (out->p < PB_COMPARE_ALPHA && out->med_b > out->med_a)
		out->verdict = "slower";
	else if (out->p < PB_COMPARE_ALPHA && out->med_b < out->med_a)
		out->verdict = "faster";
	else
		out->verdict = "no change";
	return PB_OK;
}

/* ---- The comparison ---------------------------------------------------- */

/* Copies key k of a side into the comparison's arena. */
static int keep_key(struct pb_comparison *c, struct pb_cmp_key *k)
{
	const char **f[] = {&k->experiment, &k->workload, &k->strategy,
			    &k->params};

	for (size_t j = 0; j < PB_COUNT(f); j++)
		if (!(*f[j] = pb_arena_strdup(&c->arena, *f[j])))
			return PB_ERROR;
	return PB_OK;
}

/* A's cell order for the matched cells (sorting by first row of A). */
struct order {
	size_t first;
	struct pb_cmp_cell cell;
};

static int cmp_order(const void *x, const void *y)
{
	size_t a = ((const struct order *)x)->first;
	size_t b = ((const struct order *)y)->first;
	return (a > b) - (a < b);
}

static int merge(struct side *a, struct side *b, struct pb_comparison *c,
		 struct pb_err *err)
{
	size_t i = 0, j = 0, max = a->runs.nrows + b->runs.nrows + 1;
	struct order *o = malloc(max * sizeof(*o));
	double *scratch = malloc(max * sizeof(double));
	int rc = PB_ERROR;

	c->only_a =
	    pb_arena_alloc(&c->arena, (a->ncells + 1) * sizeof(*c->only_a));
	c->only_b =
	    pb_arena_alloc(&c->arena, (b->ncells + 1) * sizeof(*c->only_b));
	c->cells =
	    pb_arena_alloc(&c->arena, (a->ncells + 1) * sizeof(*c->cells));
	if (!o || !scratch || !c->only_a || !c->only_b || !c->cells) {
		pb_fail(err, "out of memory");
		goto out;
	}
	while (i < a->ncells || j < b->ncells) {
		int d = i == a->ncells ? 1
			: j == b->ncells
			    ? -1
			    : strcmp(a->cells[i].key, b->cells[j].key);
		if (d < 0) {
			c->only_a[c->n_only_a++] = a->cells[i++].k;
			continue;
		}
		if (d > 0) {
			c->only_b[c->n_only_b++] = b->cells[j++].k;
			continue;
		}
		o[c->n].first = a->cells[i].first;
		if (compare_cell(&a->cells[i], &b->cells[j], scratch,
				 &o[c->n].cell, err))
			goto out;
		c->n++, i++, j++;
	}
	qsort(o, c->n, sizeof(*o), cmp_order);
	for (size_t k = 0; k < c->n; k++) {
		c->cells[k] = o[k].cell;
		if (keep_key(c, &c->cells[k].key))
			goto oom;
	}
	for (size_t k = 0; k < c->n_only_a; k++)
		if (keep_key(c, &c->only_a[k]))
			goto oom;
	for (size_t k = 0; k < c->n_only_b; k++)
		if (keep_key(c, &c->only_b[k]))
			goto oom;
	rc = PB_OK;
	goto out;
oom:
	pb_fail(err, "out of memory");
out:
	free(o);
	free(scratch);
	return rc;
}

int pb_compare_dirs(const char *a, const char *b, bool force,
		    struct pb_comparison *out, struct pb_err *err)
{
	struct side sa, sb;
	int rc = PB_ERROR;

	*out = (struct pb_comparison){0};
	if (load_side(&sa, a, err)) {
		free_side(&sa);
		return PB_ERROR;
	}
	if (load_side(&sb, b, err))
		goto out;
	differs(&sa, &sb, out->differs, sizeof(out->differs));
	if (out->differs[0] && !force) {
		pb_fail(err,
			"%s and %s are runs of different experiments (%s); "
			"--force compares the cells they share",
			a, b, out->differs);
		goto out;
	}
	out->forced = out->differs[0] != '\0';
	rc = merge(&sa, &sb, out, err);
out:
	free_side(&sa);
	free_side(&sb);
	if (rc)
		pb_comparison_free(out);
	return rc;
}

void pb_comparison_free(struct pb_comparison *c)
{
	pb_arena_free(&c->arena);
	*c = (struct pb_comparison){0};
}
