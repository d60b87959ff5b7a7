/*
 * analyze.c — runs.csv + experiments.csv -> summary.csv + fits.csv, and
 * the grouped read-back view (see analyze.h for the words and columns).
 *
 * The analysis sorts the rows of runs.csv by (experiment, cell, file
 * order), so each cell's rows, and its ok wall times, are one contiguous
 * run of an array. Groups and series are found by comparing a cell's key
 * fields with those of the groups and series found so far. Everything the
 * analysis allocates lives in one arena.
 */
#include "analyze.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "fit.h"
#include "meta_read.h"
#include "stats.h"
#include "textbuf.h"

enum { ST_OK, ST_FAILED, ST_CRASHED, ST_TIMEOUT, ST_WRONG, ST_N };
static const char *const status_words[ST_N] = {"ok", "failed", "crashed",
					       "timeout", "wrong"};

/* What experiments.csv says of one experiment, resolved to columns. */
struct exp_info {
	const char *name;
	size_t nw, ns;
	size_t *wcols, *scols; /* runs.csv columns of its params */
	const char *base_strategy;
	unsigned base_workers;
	bool fit_over;
	unsigned cores; /* 0: unknown */
};

struct cell {
	size_t exp;
	long id;
	unsigned workers;
	size_t row0;	     /* its first runs.csv row: the keys */
	size_t first, nrows; /* its slice of analysis.order */
	size_t counts[ST_N];
	double *wall; /* counts[ST_OK] ok wall times */
	bool has_stats;
	struct pb_stats st;
	size_t group, series;
	double speedup, sp_lo, sp_hi, eff, kf;
};

struct group {
	size_t exp, cell0;
	long base; /* cell index of the baseline, or -1 */
	char *id;
};

struct series {
	size_t group, cell0;
	char *label;
	struct pb_fit fit;
	char fitted[256]; /* worker counts fitted, ';'-separated */
	char note[512];
};

struct analysis {
	const char *dir;
	struct pb_csv runs, exps;
	struct pb_arena arena;
	long c_exp, c_cell, c_workload, c_strategy, c_workers, c_status, c_wall;
	size_t nparams, nmetrics;
	size_t *params, *metrics; /* runs.csv columns */
	size_t nexps;
	struct exp_info *exp;
	size_t *order;	       /* runs.csv rows, sorted */
	unsigned char *status; /* per position of order */
	double *walls;	       /* ok wall times, cell after cell */
	double *fit_p, *fit_t; /* scratch of fit_series, ncells each */
	size_t ncells, ngroups, nseries;
	struct cell *cells;
	struct group *groups;
	struct series *series;
	unsigned meta_cores;
};

static void *alloc(struct analysis *a, size_t n, size_t size)
{
	return pb_arena_alloc(&a->arena, (n ? n : 1) * size);
}

static const char *field(const struct analysis *a, size_t row, long col)
{
	return pb_csv_at(&a->runs, row, (size_t)col);
}

/* A whole field as an integer in [lo, hi]. */
static bool parse_uint(const char *s, unsigned long lo, unsigned long hi,
		       unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* ---- Loading ---------------------------------------------------------- */

static int runs_columns(struct analysis *a, struct pb_err *err)
{
	static const char *const need[] = {"experiment", "cell",    "workload",
					   "strategy",	 "workers", "status",
					   "wall_s"};
	long *cols[] = {&a->c_exp,	&a->c_cell,    &a->c_workload,
			&a->c_strategy, &a->c_workers, &a->c_status,
			&a->c_wall};

	for (size_t k = 0; k < PB_COUNT(need); k++) {
		*cols[k] = pb_csv_column(&a->runs, need[k]);
		if (*cols[k] < 0)
			return pb_fail(err,
				       "%s/runs.csv: no column '%s'; "
				       "expected the runs.csv of a parabench "
				       "run (see docs/results.md)",
				       a->dir, need[k]);
	}
	a->params = alloc(a, a->runs.ncols, sizeof(size_t));
	a->metrics = alloc(a, a->runs.ncols, sizeof(size_t));
	if (!a->params || !a->metrics)
		return pb_fail(err, "out of memory");
	for (size_t k = 0; k < a->runs.ncols; k++) {
		if (strncmp(a->runs.header[k], "param_", 6) == 0)
			a->params[a->nparams++] = k;
		else if (strncmp(a->runs.header[k], "metric_", 7) == 0)
			a->metrics[a->nmetrics++] = k;
	}
	return PB_OK;
}

/* Splits "a;b;c" into runs.csv columns param_a, param_b, param_c. */
static int param_columns(struct analysis *a, size_t row, const char *what,
			 size_t **cols, size_t *n, struct pb_err *err)
{
	const char *list = pb_csv_get(&a->exps, row, what);
	char name[512];

	*n = 0;
	*cols = alloc(a, strlen(list) / 2 + 1, sizeof(size_t));
	if (!*cols)
		return pb_fail(err, "out of memory");
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ";");
		while (len && p[len - 1] == ' ')
			len--;
		if (len) {
			snprintf(name, sizeof(name), "param_%.*s", (int)len, p);
			long col = pb_csv_column(&a->runs, name);
			if (col < 0)
				return pb_fail(err,
					       "%s/experiments.csv:%zu: "
					       "%s names '%s', but runs.csv "
					       "has no column %s",
					       a->dir, a->exps.lines[row], what,
					       name + 6, name);
			(*cols)[(*n)++] = (size_t)col;
		}
		p += strcspn(p, ";");
		p += *p == ';';
		while (*p == ' ')
			p++;
	}
	return PB_OK;
}

static int experiment_row(struct analysis *a, size_t row, struct exp_info *e,
			  struct pb_err *err)
{
	const char *path_fmt = "%s/experiments.csv:%zu: %s '%s'; expected %s";
	const char *bw = pb_csv_get(&a->exps, row, "baseline_workers");
	const char *fo = pb_csv_get(&a->exps, row, "fit_oversubscribed");
	const char *cores = pb_csv_get(&a->exps, row, "cores");
	unsigned long v;

	e->name = pb_csv_get(&a->exps, row, "experiment");
	e->base_strategy = pb_csv_get(&a->exps, row, "baseline_strategy");
	if (!parse_uint(bw, 1, 1u << 30, &v))
		return pb_fail(err, path_fmt, a->dir, a->exps.lines[row],
			       "baseline_workers", bw, "a worker count");
	e->base_workers = (unsigned)v;
	if (strcmp(fo, "true") && strcmp(fo, "false"))
		return pb_fail(err, path_fmt, a->dir, a->exps.lines[row],
			       "fit_oversubscribed", fo, "true or false");
	e->fit_over = strcmp(fo, "true") == 0;
	e->cores = a->meta_cores;
	if (*cores && !parse_uint(cores, 0, 1u << 30, &v))
		return pb_fail(err, path_fmt, a->dir, a->exps.lines[row],
			       "cores", cores, "a count of cores");
	if (*cores && v > 0)
		e->cores = (unsigned)v;
	if (param_columns(a, row, "workload_params", &e->wcols, &e->nw, err) ||
	    param_columns(a, row, "strategy_params", &e->scols, &e->ns, err))
		return PB_ERROR;
	return PB_OK;
}

static int load_experiments(struct analysis *a, struct pb_err *err)
{
	static const char *const need[] = {
	    "experiment",	 "workload_params",  "strategy_params",
	    "baseline_strategy", "baseline_workers", "fit_oversubscribed"};

	for (size_t k = 0; k < PB_COUNT(need); k++)
		if (pb_csv_column(&a->exps, need[k]) < 0)
			return pb_fail(err,
				       "%s/experiments.csv: no column "
				       "'%s' (see docs/results.md)",
				       a->dir, need[k]);
	a->nexps = a->exps.nrows;
	a->exp = alloc(a, a->nexps, sizeof(*a->exp));
	if (!a->exp)
		return pb_fail(err, "out of memory");
	for (size_t r = 0; r < a->nexps; r++)
		if (experiment_row(a, r, &a->exp[r], err))
			return PB_ERROR;
	return PB_OK;
}

/* The core count meta.json gives, or 0: only a fallback, so never fatal. */
static unsigned meta_cores(const char *dir)
{
	struct pb_meta_doc doc;
	char path[4096];
	unsigned long v = 0;

	snprintf(path, sizeof(path), "%s/meta.json", dir);
	if (pb_meta_read(path, &doc, NULL))
		return 0;
	const char *c = pb_meta_get(&doc, "cores");
	if (!c || !parse_uint(c, 0, 1u << 30, &v))
		v = 0;
	pb_meta_doc_free(&doc);
	return (unsigned)v;
}

static int load_inputs(struct analysis *a, struct pb_err *err)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/runs.csv", a->dir);
	if (pb_csv_read(path, PB_CSV_DROP_PARTIAL_TAIL, &a->runs, err))
		return PB_ERROR;
	snprintf(path, sizeof(path), "%s/experiments.csv", a->dir);
	if (pb_csv_read(path, 0, &a->exps, err))
		return PB_ERROR;
	a->meta_cores = meta_cores(a->dir);
	if (runs_columns(a, err) || load_experiments(a, err))
		return PB_ERROR;
	return PB_OK;
}

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
	const char *name = field(a, row, a->c_exp);
	const char *id = field(a, row, a->c_cell);

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
	if (!parse_uint(id, 1, (unsigned long)-1 >> 1, &key->id))
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
	const char *w = field(a, key->row, a->c_workers);
	unsigned long v;

	if (!parse_uint(w, 1, 1u << 30, &v))
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
	const char *st = field(a, row, a->c_status);
	const char *wall = field(a, row, a->c_wall);
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
	if (strcmp(field(a, row, a->c_strategy),
		   field(a, c->row0, a->c_strategy)) ||
	    strcmp(field(a, row, a->c_workers),
		   field(a, c->row0, a->c_workers)))
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
	c->wall[c->counts[ST_OK] - 1] = t;
	return PB_OK;
}

static int build_cells(struct analysis *a, struct pb_err *err)
{
	size_t n = a->runs.nrows;
	struct rowkey *keys = NULL;
	int rc = PB_ERROR;

	a->order = alloc(a, n, sizeof(size_t));
	a->status = alloc(a, n, 1);
	a->walls = alloc(a, n, sizeof(double));
	a->cells = alloc(a, n, sizeof(struct cell));
	if (!a->order || !a->status || !a->walls || !a->cells) {
		pb_fail(err, "out of memory");
		goto out;
	}
	if (sorted_rows(a, &keys, err))
		goto out;
	for (size_t k = 0; k < n; k++) {
		if ((k == 0 || keys[k].exp != keys[k - 1].exp ||
		     keys[k].id != keys[k - 1].id) &&
		    new_cell(a, &keys[k], k, err))
			goto out;
		if (add_row(a, &a->cells[a->ncells - 1], keys[k].row, k, err))
			goto out;
	}
	for (size_t c = 0; c < a->ncells; c++) {
		struct cell *cl = &a->cells[c];
		if (!cl->counts[ST_OK])
			continue;
		if (pb_stats_compute(cl->wall, cl->counts[ST_OK], &cl->st, err))
			goto out;
		cl->has_stats = true;
	}
	rc = PB_OK;
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
		    strcmp(field(a, cl->row0, a->c_strategy),
			   field(a, first->row0, a->c_strategy)) == 0 &&
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
	const char *strategy = field(a, cl->row0, a->c_strategy);
	struct pb_buf b = {0};
	size_t same = 0, shown = 0;

	for (size_t k = 0; k < a->nseries; k++)
		same += a->series[k].group == s->group &&
			strcmp(field(a, a->cells[a->series[k].cell0].row0,
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
		    strcmp(field(a, cl->row0, a->c_strategy),
			   e->base_strategy) == 0)
			g->base = (long)c;
	}
}

static void speedups(struct analysis *a)
{
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
		cl->kf = pb_karp_flatt(cl->speedup, cl->workers);
	}
}

static int structure(struct analysis *a, struct pb_err *err)
{
	a->groups = alloc(a, a->ncells, sizeof(struct group));
	a->series = alloc(a, a->ncells, sizeof(struct series));
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

/* ---- Fits ------------------------------------------------------------- */

static void fit_series(struct analysis *a, size_t s)
{
	struct series *se = &a->series[s];
	const struct exp_info *e = &a->exp[a->cells[se->cell0].exp];
	double *p = a->fit_p, *t = a->fit_t;
	char left[256] = "";
	size_t n = 0, used = 0, lused = 0;

	for (size_t c = se->cell0; c < a->ncells; c++) {
		const struct cell *cl = &a->cells[c];
		if (cl->series != s || !cl->has_stats)
			continue;
		if (!e->fit_over && e->cores && cl->workers > e->cores) {
			lused += (size_t)snprintf(
			    left + lused, sizeof(left) - lused, "%s%u",
			    lused ? "," : "", cl->workers);
			lused = lused < sizeof(left) ? lused : sizeof(left) - 1;
			continue;
		}
		p[n] = cl->workers;
		t[n++] = cl->st.median;
		used += (size_t)snprintf(se->fitted + used,
					 sizeof(se->fitted) - used, "%s%u",
					 used ? ";" : "", cl->workers);
		used =
		    used < sizeof(se->fitted) ? used : sizeof(se->fitted) - 1;
	}
	pb_amdahl_fit(p, t, n, &se->fit);
	snprintf(se->note, sizeof(se->note), "%s", se->fit.note);
	if (lused)
		snprintf(se->note + strlen(se->note),
			 sizeof(se->note) - strlen(se->note),
			 "%sleft out workers %s > %u cores "
			 "(fit_oversubscribed: false)",
			 se->note[0] ? "; " : "", left, e->cores);
}

/* ---- Writing ---------------------------------------------------------- */

/* ",value" with digits significant digits, or "," when v is NaN. */
static void num(struct pb_buf *b, double v, int digits)
{
	if (isnan(v))
		pb_buf_printf(b, ",");
	else
		pb_buf_printf(b, ",%.*g", digits, v);
}

/* v in the fewest digits (15 to 17) that read back exactly. */
static void shortest(double v, char *t, size_t len)
{
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(t, len, "%.*g", digits, v);
		if (strtod(t, NULL) == v)
			break;
	}
}

static void num_exact(struct pb_buf *b, double v)
{
	char t[64];

	shortest(v, t, sizeof(t));
	pb_buf_printf(b, ",%s", t);
}

static void text(struct pb_buf *b, const char *s)
{
	pb_buf_printf(b, ",");
	pb_buf_csv_field(b, s);
}

/* The median of metric column col over the cell's ok rows (see .h). */
static void metric_median(struct analysis *a, const struct cell *c, size_t col,
			  struct pb_buf *b)
{
	const char *agree = NULL;
	bool numeric = true, differ = false;
	size_t n = 0;

	for (size_t pos = c->first; pos < c->first + c->nrows; pos++) {
		const char *f = pb_csv_at(&a->runs, a->order[pos], col);
		double x;
		if (a->status[pos] != ST_OK || !*f)
			continue;
		if (pb_csv_number(f, &x))
			a->fit_p[n++] = x;
		else
			numeric = false;
		differ |= agree && strcmp(agree, f) != 0;
		agree = agree ? agree : f;
	}
	if (agree && numeric)
		num_exact(b, pb_median_inplace(a->fit_p, n));
	else
		text(b, agree && !differ ? agree : "");
}

static void summary_header(const struct analysis *a, struct pb_buf *b)
{
	pb_buf_printf(b, "experiment,group,series,cell,workload,strategy,"
			 "workers");
	for (size_t k = 0; k < a->nparams; k++)
		text(b, a->runs.header[a->params[k]]);
	pb_buf_printf(b, ",n,mean_s,median_s,stddev_s,cv,min_s,max_s,ci_lo_s,"
			 "ci_hi_s,ci_level,ci_method,outliers,speedup,"
			 "speedup_lo,speedup_hi,efficiency,karp_flatt");
	for (size_t k = 0; k < a->nmetrics; k++)
		text(b, a->runs.header[a->metrics[k]]);
	pb_buf_printf(b, ",n_failed,n_crashed,n_timeout,n_wrong\n");
}

static void stats_fields(struct pb_buf *b, const struct cell *c)
{
	const struct pb_stats *s = &c->st;

	pb_buf_printf(b, ",%zu", c->counts[ST_OK]);
	if (!c->has_stats) {
		pb_buf_printf(b, ",,,,,,,,,,,");
		return;
	}
	num(b, s->mean, 9);
	num(b, s->median, 9);
	num(b, s->stddev, 9);
	num(b, s->cv, 6);
	num(b, s->min, 9);
	num(b, s->max, 9);
	num(b, s->ci_lo, 9);
	num(b, s->ci_hi, 9);
	num(b, s->ci_level, 6);
	text(b, s->ci_95 ? "order-statistic" : "min-max");
	pb_buf_printf(b, ",%zu", s->outliers);
}

static void summary_row(struct analysis *a, const struct cell *c,
			struct pb_buf *b)
{
	size_t r = c->row0;

	pb_buf_csv_field(b, a->exp[c->exp].name);
	text(b, a->groups[c->group].id);
	text(b, a->series[c->series].label);
	pb_buf_printf(b, ",%ld", c->id);
	text(b, field(a, r, a->c_workload));
	text(b, field(a, r, a->c_strategy));
	pb_buf_printf(b, ",%u", c->workers);
	for (size_t k = 0; k < a->nparams; k++)
		text(b, pb_csv_at(&a->runs, r, a->params[k]));
	stats_fields(b, c);
	num(b, c->speedup, 6);
	num(b, c->sp_lo, 6);
	num(b, c->sp_hi, 6);
	num(b, c->eff, 6);
	num(b, c->kf, 6);
	for (size_t k = 0; k < a->nmetrics; k++)
		metric_median(a, c, a->metrics[k], b);
	pb_buf_printf(b, ",%zu,%zu,%zu,%zu\n", c->counts[ST_FAILED],
		      c->counts[ST_CRASHED], c->counts[ST_TIMEOUT],
		      c->counts[ST_WRONG]);
}

/* Which param columns belong to groups (1) and to series (2) anywhere. */
static void param_roles(const struct analysis *a, unsigned char *role)
{
	for (size_t e = 0; e < a->nexps; e++)
		for (size_t k = 0; k < a->exp[e].nw; k++)
			role[a->exp[e].wcols[k]] = 1;
	for (size_t e = 0; e < a->nexps; e++)
		for (size_t k = 0; k < a->exp[e].ns; k++)
			if (!role[a->exp[e].scols[k]])
				role[a->exp[e].scols[k]] = 2;
}

static bool has_col(const size_t *cols, size_t n, size_t col)
{
	for (size_t k = 0; k < n; k++)
		if (cols[k] == col)
			return true;
	return false;
}

/* The param columns of one role: the row's value where it has them. */
static void role_fields(const struct analysis *a, const unsigned char *role,
			unsigned want, size_t row, const size_t *mine,
			size_t nmine, struct pb_buf *b)
{
	for (size_t k = 0; k < a->nparams; k++) {
		size_t col = a->params[k];
		if (role[col] != want)
			continue;
		if (row == (size_t)-1)
			text(b, a->runs.header[col]);
		else
			text(b, has_col(mine, nmine, col)
				    ? pb_csv_at(&a->runs, row, col)
				    : "");
	}
}

static void fits_header(const struct analysis *a, const unsigned char *role,
			struct pb_buf *b)
{
	pb_buf_printf(b, "experiment,group,series,workload");
	role_fields(a, role, 1, (size_t)-1, NULL, 0, b);
	pb_buf_printf(b, ",strategy");
	role_fields(a, role, 2, (size_t)-1, NULL, 0, b);
	pb_buf_printf(b, ",n_points,serial_fraction,serial_fraction_se,"
			 "max_speedup,r2,a_s,b_s,workers_fitted,note\n");
}

static void fits_row(const struct analysis *a, const unsigned char *role,
		     const struct series *s, struct pb_buf *b)
{
	const struct cell *c = &a->cells[s->cell0];
	const struct exp_info *e = &a->exp[c->exp];
	const struct pb_fit *f = &s->fit;

	pb_buf_csv_field(b, e->name);
	text(b, a->groups[s->group].id);
	text(b, s->label);
	text(b, field(a, c->row0, a->c_workload));
	role_fields(a, role, 1, c->row0, e->wcols, e->nw, b);
	text(b, field(a, c->row0, a->c_strategy));
	role_fields(a, role, 2, c->row0, e->scols, e->ns, b);
	pb_buf_printf(b, ",%zu", f->n_points);
	num(b, f->s, 6);
	num(b, f->s_se, 6);
	num(b, f->max_speedup, 6);
	num(b, f->r2, 6);
	num(b, f->a, 9);
	num(b, f->b, 9);
	text(b, s->fitted);
	text(b, s->note);
	pb_buf_printf(b, "\n");
}

static int write_outputs(struct analysis *a, struct pb_err *err)
{
	struct pb_buf sum = {0}, fits = {0};
	unsigned char *role = alloc(a, a->runs.ncols, 1);
	char path[4096];
	int rc = PB_ERROR;

	if (!role)
		return pb_fail(err, "out of memory");
	summary_header(a, &sum);
	for (size_t c = 0; c < a->ncells; c++)
		summary_row(a, &a->cells[c], &sum);
	param_roles(a, role);
	fits_header(a, role, &fits);
	for (size_t s = 0; s < a->nseries; s++)
		fits_row(a, role, &a->series[s], &fits);
	if (sum.oom || fits.oom) {
		pb_fail(err, "out of memory formatting summary.csv");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/summary.csv", a->dir);
	if (pb_write_file_atomic(path, sum.data, sum.len, err))
		goto out;
	snprintf(path, sizeof(path), "%s/fits.csv", a->dir);
	if (pb_write_file_atomic(path, fits.data, fits.len, err))
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

	if (load_inputs(&a, err) || build_cells(&a, err) || structure(&a, err))
		goto out;
	a.fit_p = alloc(&a, a.runs.nrows, sizeof(double));
	a.fit_t = alloc(&a, a.runs.nrows, sizeof(double));
	if (!a.fit_p || !a.fit_t) {
		pb_fail(err, "out of memory");
		goto out;
	}
	for (size_t s = 0; s < a.nseries; s++)
		fit_series(&a, s);
	rc = write_outputs(&a, err);
out:
	pb_csv_free(&a.runs);
	pb_csv_free(&a.exps);
	pb_arena_free(&a.arena);
	return rc;
}

/* ---- The view --------------------------------------------------------- */

static bool newer(const struct stat *x, const struct stat *y)
{
	if (x->st_mtim.tv_sec != y->st_mtim.tv_sec)
		return x->st_mtim.tv_sec > y->st_mtim.tv_sec;
	return x->st_mtim.tv_nsec > y->st_mtim.tv_nsec;
}

/* True when summary.csv or fits.csv is missing or older than its inputs. */
static bool analysis_stale(const char *dir)
{
	static const char *const outs[] = {"summary.csv", "fits.csv"};
	static const char *const ins[] = {"runs.csv", "experiments.csv"};
	char path[4096];
	struct stat in, out;

	for (size_t o = 0; o < PB_COUNT(outs); o++) {
		snprintf(path, sizeof(path), "%s/%s", dir, outs[o]);
		if (stat(path, &out) != 0)
			return true;
		for (size_t i = 0; i < PB_COUNT(ins); i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, ins[i]);
			if (stat(path, &in) == 0 && newer(&in, &out))
				return true;
		}
	}
	return false;
}

static size_t find_or_add(const char **keys, size_t *n, const char *key)
{
	for (size_t k = 0; k < *n; k++)
		if (strcmp(keys[k], key) == 0)
			return k;
	keys[*n] = key;
	return (*n)++;
}

/* Splits rows[0..n) by the value of column col: lists of rows per key. */
static int partition(struct pb_view *v, const struct pb_csv *csv,
		     const size_t *rows, size_t n, const char *col,
		     const char ***keys, size_t *nkeys, size_t **counts,
		     size_t ***lists)
{
	long c = pb_csv_column(csv, col);
	size_t *which = malloc((n ? n : 1) * sizeof(size_t));

	*nkeys = 0;
	*keys = pb_arena_alloc(&v->arena, (n ? n : 1) * sizeof(char *));
	if (!which || !*keys || c < 0)
		goto fail;
	for (size_t k = 0; k < n; k++)
		which[k] = find_or_add(*keys, nkeys,
				       pb_csv_at(csv, rows[k], (size_t)c));
	*counts = pb_arena_alloc(&v->arena, (*nkeys + 1) * sizeof(size_t));
	*lists = pb_arena_alloc(&v->arena, (*nkeys + 1) * sizeof(size_t *));
	if (!*counts || !*lists)
		goto fail;
	for (size_t k = 0; k < n; k++)
		(*counts)[which[k]]++;
	for (size_t g = 0; g < *nkeys; g++) {
		(*lists)[g] =
		    pb_arena_alloc(&v->arena, (*counts)[g] * sizeof(size_t));
		if (!(*lists)[g])
			goto fail;
		(*counts)[g] = 0;
	}
	for (size_t k = 0; k < n; k++)
		(*lists)[which[k]][(*counts)[which[k]]++] = rows[k];
	free(which);
	return PB_OK;
fail:
	free(which);
	return PB_ERROR;
}

static int view_series(struct pb_view *v, struct pb_view_group *g)
{
	const char **labels;
	size_t *counts, **lists;

	if (partition(v, &v->summary, g->rows, g->nrows, "series", &labels,
		      &g->nseries, &counts, &lists))
		return PB_ERROR;
	g->series =
	    pb_arena_alloc(&v->arena, (g->nseries + 1) * sizeof(*g->series));
	if (!g->series)
		return PB_ERROR;
	for (size_t s = 0; s < g->nseries; s++) {
		struct pb_view_series *se = &g->series[s];
		*se = (struct pb_view_series){.label = labels[s],
					      .nrows = counts[s],
					      .rows = lists[s],
					      .fit = -1};
		se->strategy = pb_csv_get(&v->summary, se->rows[0], "strategy");
		for (size_t f = 0; f < v->fits.nrows; f++)
			if (!strcmp(pb_csv_get(&v->fits, f, "group"), g->id) &&
			    !strcmp(pb_csv_get(&v->fits, f, "series"),
				    se->label))
				se->fit = (long)f;
	}
	return PB_OK;
}

/* A number in its shortest exact form (0.2, not 0.20000000000000001). */
static void short_value(struct pb_buf *b, const char *text)
{
	char t[64];
	double v;

	if (pb_csv_number(text, &v))
		shortest(v, t, sizeof(t));
	pb_buf_printf(b, "%s", pb_csv_number(text, &v) ? t : text);
}

/* True when another group of g's experiment has another value in col. */
static bool param_varies(const struct pb_view *v, const struct pb_view_group *g,
			 const char *col)
{
	const char *mine = pb_csv_get(&v->summary, g->rows[0], col);

	for (size_t k = 0; k < v->ngroups; k++) {
		const struct pb_view_group *h = &v->groups[k];
		if (h != g && !strcmp(h->experiment, g->experiment) &&
		    strcmp(pb_csv_get(&v->summary, h->rows[0], col), mine))
			return true;
	}
	return false;
}

/*
 * "samples=1e8, tasks=64": the workload parameters that tell this group
 * from the other groups of its experiment ("" when it is the only one).
 */
static int group_label(struct pb_view *v, struct pb_view_group *g)
{
	const char *names =
	    g->exp_row < 0
		? ""
		: pb_csv_get(&v->exps, (size_t)g->exp_row, "workload_params");
	struct pb_buf b = {0};
	char col[512];

	for (const char *p = names; *p;) {
		size_t len = strcspn(p, ";");
		snprintf(col, sizeof(col), "param_%.*s", (int)len, p);
		if (len && param_varies(v, g, col)) {
			pb_buf_printf(&b, "%s%s=", b.len ? ", " : "", col + 6);
			short_value(&b,
				    pb_csv_get(&v->summary, g->rows[0], col));
		}
		p += len + (p[len] == ';');
	}
	g->label = pb_arena_strdup(&v->arena, b.data ? b.data : "");
	bool oom = b.oom;
	pb_buf_free(&b);
	return g->label && !oom ? PB_OK : PB_ERROR;
}

static void group_experiment(struct pb_view *v, struct pb_view_group *g,
			     unsigned meta_cores_)
{
	double x;

	g->exp_row = -1;
	g->cores = meta_cores_;
	g->baseline_strategy = "serial";
	g->baseline_workers = 1;
	for (size_t r = 0; r < v->exps.nrows && g->exp_row < 0; r++)
		if (!strcmp(pb_csv_get(&v->exps, r, "experiment"),
			    g->experiment))
			g->exp_row = (long)r;
	if (g->exp_row < 0)
		return;
	size_t r = (size_t)g->exp_row;
	g->baseline_strategy = pb_csv_get(&v->exps, r, "baseline_strategy");
	x = pb_csv_num(&v->exps, r, "baseline_workers");
	g->baseline_workers = x >= 1 ? (unsigned)x : 1;
	x = pb_csv_num(&v->exps, r, "cores");
	if (x >= 1)
		g->cores = (unsigned)x;
	g->fit_oversubscribed =
	    !strcmp(pb_csv_get(&v->exps, r, "fit_oversubscribed"), "true");
}

static int view_group(struct pb_view *v, struct pb_view_group *g,
		      unsigned cores)
{
	g->experiment = pb_csv_get(&v->summary, g->rows[0], "experiment");
	g->workload = pb_csv_get(&v->summary, g->rows[0], "workload");
	group_experiment(v, g, cores);
	g->base = -1;
	for (size_t k = 0; k < g->nrows && g->base < 0; k++) {
		size_t r = g->rows[k];
		if (!strcmp(pb_csv_get(&v->summary, r, "strategy"),
			    g->baseline_strategy) &&
		    pb_csv_num(&v->summary, r, "workers") ==
			g->baseline_workers)
			g->base = (long)r;
	}
	return view_series(v, g);
}

static int view_build(struct pb_view *v, const char *dir, struct pb_err *err)
{
	size_t n = v->summary.nrows, *all, *counts, **lists;
	const char **ids;
	unsigned cores = meta_cores(dir);

	all = pb_arena_alloc(&v->arena, (n ? n : 1) * sizeof(size_t));
	if (!all)
		return pb_fail(err, "out of memory");
	for (size_t r = 0; r < n; r++)
		all[r] = r;
	if (partition(v, &v->summary, all, n, "group", &ids, &v->ngroups,
		      &counts, &lists))
		return pb_fail(err,
			       "%s/summary.csv: out of memory, or no "
			       "'group' column (rerun parabench analyze)",
			       dir);
	v->groups =
	    pb_arena_alloc(&v->arena, (v->ngroups + 1) * sizeof(*v->groups));
	if (!v->groups)
		return pb_fail(err, "out of memory");
	for (size_t g = 0; g < v->ngroups; g++) {
		struct pb_view_group *gr = &v->groups[g];
		*gr = (struct pb_view_group){
		    .id = ids[g], .nrows = counts[g], .rows = lists[g]};
		if (view_group(v, gr, cores))
			return pb_fail(err,
				       "%s: out of memory, or a "
				       "summary.csv without a 'series' "
				       "column",
				       dir);
	}
	/* Labels compare groups with each other: all must exist first. */
	for (size_t g = 0; g < v->ngroups; g++)
		if (group_label(v, &v->groups[g]))
			return pb_fail(err, "out of memory");
	return PB_OK;
}

static int view_check(const struct pb_view *v, const char *dir,
		      struct pb_err *err)
{
	static const char *const need[] = {
	    "experiment", "group",    "series",	 "strategy",
	    "workers",	  "median_s", "speedup", "efficiency"};

	for (size_t k = 0; k < PB_COUNT(need); k++)
		if (pb_csv_column(&v->summary, need[k]) < 0)
			return pb_fail(err,
				       "%s/summary.csv: no column '%s'; "
				       "rerun `parabench analyze %s`",
				       dir, need[k], dir);
	if (pb_csv_column(&v->fits, "group") < 0 ||
	    pb_csv_column(&v->fits, "series") < 0)
		return pb_fail(err,
			       "%s/fits.csv: no group or series column; "
			       "rerun `parabench analyze %s`",
			       dir, dir);
	return PB_OK;
}

int pb_view_load(const char *dir, struct pb_view *out, struct pb_err *err)
{
	char path[4096];

	*out = (struct pb_view){0};
	if (analysis_stale(dir) && pb_analyze_dir(dir, err))
		return PB_ERROR;
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	if (pb_csv_read(path, 0, &out->summary, err))
		goto fail;
	snprintf(path, sizeof(path), "%s/fits.csv", dir);
	if (pb_csv_read(path, 0, &out->fits, err))
		goto fail;
	snprintf(path, sizeof(path), "%s/experiments.csv", dir);
	if (pb_csv_read(path, 0, &out->exps, err))
		goto fail;
	if (view_check(out, dir, err) || view_build(out, dir, err))
		goto fail;
	return PB_OK;
fail:
	pb_view_free(out);
	return PB_ERROR;
}

void pb_view_free(struct pb_view *view)
{
	pb_csv_free(&view->summary);
	pb_csv_free(&view->fits);
	pb_csv_free(&view->exps);
	pb_arena_free(&view->arena);
	*view = (struct pb_view){0};
}
