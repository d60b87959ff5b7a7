/*
 * analyze_view.c — summary.csv, fits.csv and experiments.csv read back
 * and grouped for plot and report (pb_view_load, see analyze.h),
 * analysing first when the results are missing or stale.
 */
#include "analyze.h"

#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "analyze_fields.h"
#include "analyze_load.h"
#include "lib/path.h"

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
	char path[PB_PATH_MAX];
	struct stat in, out;

	/* A folder too long for its paths: stale, and analyze says why. */
	for (size_t o = 0; o < PB_COUNT(outs); o++) {
		if (pb_path_join(path, sizeof(path), dir, outs[o], NULL) ||
		    stat(path, &out) != 0)
			return true;
		for (size_t i = 0; i < PB_COUNT(ins); i++) {
			if (pb_path_join(path, sizeof(path), dir, ins[i],
					 NULL) ||
			    (stat(path, &in) == 0 && newer(&in, &out)))
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

/* Whether a curve may be drawn for se's fit, and across which workers. */
static void fit_range(const struct pb_view *v, struct pb_view_series *se)
{
	const char *shape, *list;

	se->fit_lo = se->fit_hi = NAN;
	if (se->fit < 0)
		return;
	shape = pb_csv_get(&v->fits, (size_t)se->fit, "shape");
	list = pb_csv_get(&v->fits, (size_t)se->fit, "workers_fitted");
	se->curve = !strcmp(shape, "fit") || !strcmp(shape, "exact (2 points)");
	for (const char *p = list; *p;) {
		double w = strtod(p, NULL);
		se->fit_lo = !(se->fit_lo <= w) ? w : se->fit_lo;
		se->fit_hi = !(se->fit_hi >= w) ? w : se->fit_hi;
		p += strcspn(p, ";");
		p += *p == ';';
	}
	se->curve &= se->fit_lo >= 1 && se->fit_hi > se->fit_lo;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Every strategy name of summary.csv, sorted and distinct. */
static int view_strategies(struct pb_view *v)
{
	size_t n = v->summary.nrows, k = 0;
	long col = pb_csv_column(&v->summary, "strategy");

	v->strategies = pb_arena_alloc(&v->arena, (n + 1) * sizeof(char *));
	if (!v->strategies || col < 0)
		return PB_ERROR;
	for (size_t r = 0; r < n; r++)
		v->strategies[r] = pb_csv_at(&v->summary, r, (size_t)col);
	qsort(v->strategies, n, sizeof(char *), cmp_str);
	for (size_t r = 0; r < n; r++)
		if (!k || strcmp(v->strategies[k - 1], v->strategies[r]))
			v->strategies[k++] = v->strategies[r];
	v->nstrategies = k;
	return PB_OK;
}

/* The place of name in v->strategies (binary search). */
static size_t strategy_style(const struct pb_view *v, const char *name)
{
	size_t lo = 0, hi = v->nstrategies;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v->strategies[mid], name);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
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
		se->control = !strcmp(se->strategy, PB_CONTROL_STRATEGY);
		for (size_t k = 0; k < s; k++)
			se->nth += !strcmp(g->series[k].strategy, se->strategy);
		for (size_t f = 0; f < v->fits.nrows; f++)
			if (!strcmp(pb_csv_get(&v->fits, f, "group"), g->id) &&
			    !strcmp(pb_csv_get(&v->fits, f, "series"),
				    se->label))
				se->fit = (long)f;
		fit_range(v, se);
	}
	return PB_OK;
}

/* A number in its shortest exact form (0.2, not 0.20000000000000001). */
static void short_value(struct pb_buf *b, const char *text)
{
	char t[64];
	double v;

	if (pb_csv_number(text, &v))
		pb_an_shortest(v, t, sizeof(t));
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
		/* A name that does not fit is no column: it never varies. */
		bool fits = !pb_path_fmt(col, sizeof(col), NULL, "param_%.*s",
					 (int)len, p);
		if (len && fits && param_varies(v, g, col)) {
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
	g->node_cores = 0;
	g->baseline_strategy = PB_DEFAULT_BASELINE_STRATEGY;
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
	x = pb_csv_num(&v->exps, r, "node_cores");
	if (x >= 1 && (!g->cores || x < g->cores))
		g->node_cores = (unsigned)x;
	g->fit_oversubscribed =
	    !strcmp(pb_csv_get(&v->exps, r, "fit_oversubscribed"), "true");
}

/* The unit of metric name in "a=GB/s;b=1/s", a copy in the arena. */
static const char *unit_of(struct pb_view *v, const char *units,
			   const char *name)
{
	size_t nlen = strlen(name);

	for (const char *p = units; *p;) {
		size_t len = strcspn(p, ";");
		if (len > nlen && !strncmp(p, name, nlen) && p[nlen] == '=') {
			char *u = pb_arena_alloc(&v->arena, len - nlen);
			if (u)
				snprintf(u, len - nlen, "%.*s",
					 (int)(len - nlen - 1), p + nlen + 1);
			return u;
		}
		p += len + (p[len] == ';');
	}
	return "";
}

/* The metric columns with a value in some row of g, with their units. */
static int view_metrics(struct pb_view *v, struct pb_view_group *g)
{
	const struct pb_csv *s = &v->summary;
	const char *units =
	    g->exp_row < 0
		? ""
		: pb_csv_get(&v->exps, (size_t)g->exp_row, "metric_units");

	g->metrics =
	    pb_arena_alloc(&v->arena, (s->ncols + 1) * sizeof(*g->metrics));
	if (!g->metrics)
		return PB_ERROR;
	for (size_t c = 0; c < s->ncols; c++) {
		bool any = false;
		if (strncmp(s->header[c], "metric_", 7))
			continue;
		for (size_t k = 0; k < g->nrows && !any; k++)
			any = *pb_csv_at(s, g->rows[k], c) != '\0';
		if (!any)
			continue;
		struct pb_view_metric *m = &g->metrics[g->nmetrics++];
		m->col = s->header[c];
		m->name = m->col + 7;
		m->unit = unit_of(v, units, m->name);
		if (!m->unit)
			return PB_ERROR;
	}
	return PB_OK;
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
	if (view_metrics(v, g))
		return PB_ERROR;
	return view_series(v, g);
}

static int view_build(struct pb_view *v, const char *dir, struct pb_err *err)
{
	size_t n = v->summary.nrows, *all, *counts, **lists;
	const char **ids;
	unsigned cores = pb_an_meta_cores(dir);

	v->host = pb_an_meta_text(dir, "host", &v->arena);
	if (!v->host || view_strategies(v))
		return pb_fail(err, "out of memory");
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
	for (size_t g = 0; g < v->ngroups; g++)
		for (size_t s = 0; s < v->groups[g].nseries; s++)
			v->groups[g].series[s].style =
			    strategy_style(v, v->groups[g].series[s].strategy);
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
	char path[PB_PATH_MAX];

	*out = (struct pb_view){0};
	if (analysis_stale(dir) && pb_analyze_dir(dir, err))
		return PB_ERROR;
	if (pb_path_join(path, sizeof(path), dir, "summary.csv", err) ||
	    pb_csv_read(path, 0, &out->summary, err))
		goto fail;
	if (pb_path_join(path, sizeof(path), dir, "fits.csv", err) ||
	    pb_csv_read(path, 0, &out->fits, err))
		goto fail;
	if (pb_path_join(path, sizeof(path), dir, "experiments.csv", err) ||
	    pb_csv_read(path, 0, &out->exps, err))
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
