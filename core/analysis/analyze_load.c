/*
 * analyze_load.c — reading the inputs of the analysis: runs.csv,
 * experiments.csv (each experiment's parameters resolved to runs.csv
 * columns) and the core count of meta.json.
 */
#include "analyze_load.h"

#include <errno.h>
#include <stdlib.h>

#include "analyze_fields.h"
#include "lib/path.h"
#include "results/meta_read.h"

static int runs_columns(struct analysis *a, struct pb_err *err)
{
	static const char *const need[] = {
	    "experiment", "cell",   "workload", "strategy",
	    "workers",	  "status", "wall_s",	"repetition"};
	long *cols[] = {&a->c_exp,	&a->c_cell,    &a->c_workload,
			&a->c_strategy, &a->c_workers, &a->c_status,
			&a->c_wall,	&a->c_rep};

	for (size_t k = 0; k < PB_COUNT(need); k++) {
		*cols[k] = pb_csv_column(&a->runs, need[k]);
		if (*cols[k] < 0)
			return pb_fail(err,
				       "%s/runs.csv: no column '%s'; "
				       "expected the runs.csv of a parabench "
				       "run (see docs/results.md)",
				       a->dir, need[k]);
	}
	a->c_contended = pb_csv_column(&a->runs, "contended");
	a->params = pb_an_alloc(a, a->runs.ncols, sizeof(size_t));
	a->metrics = pb_an_alloc(a, a->runs.ncols, sizeof(size_t));
	if (!a->params || !a->metrics)
		return pb_fail(err, "out of memory");
	for (size_t k = 0; k < a->runs.ncols; k++) {
		if (strncmp(a->runs.header[k], "param_", 6) == 0)
			a->params[a->nparams++] = k;
		else if (strncmp(a->runs.header[k], "metric_", 7) == 0 ||
			 strncmp(a->runs.header[k], "counter_", 8) == 0)
			a->metrics[a->nmetrics++] = k; /* medians per cell */
	}
	a->c_cycles = pb_csv_column(&a->runs, "counter_cycles");
	a->c_instructions = pb_csv_column(&a->runs, "counter_instructions");
	return PB_OK;
}

/* Splits "a;b;c" into runs.csv columns param_a, param_b, param_c. */
static int param_columns(struct analysis *a, size_t row, const char *what,
			 size_t **cols, size_t *n, struct pb_err *err)
{
	const char *list = pb_csv_get(&a->exps, row, what);
	char name[512];

	*n = 0;
	*cols = pb_an_alloc(a, strlen(list) / 2 + 1, sizeof(size_t));
	if (!*cols)
		return pb_fail(err, "out of memory");
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ";");
		while (len && p[len - 1] == ' ')
			len--;
		if (len) {
			if (pb_path_fmt(name, sizeof(name), err, "param_%.*s",
					(int)len, p))
				return PB_ERROR; /* a column name, never cut */
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

/*
 * A count of cores in column col of row into *out: left alone when the
 * field is empty (or the column absent, as in older results) or 0.
 */
static int cores_field(struct analysis *a, size_t row, const char *col,
		       unsigned *out, struct pb_err *err)
{
	const char *s = pb_csv_get(&a->exps, row, col);
	unsigned long v;

	if (*s && !pb_an_parse_uint(s, 0, 1u << 30, &v))
		return pb_fail(err,
			       "%s/experiments.csv:%zu: %s '%s'; expected a "
			       "count of cores",
			       a->dir, a->exps.lines[row], col, s);
	if (*s && v > 0)
		*out = (unsigned)v;
	return PB_OK;
}

static int experiment_row(struct analysis *a, size_t row, struct exp_info *e,
			  struct pb_err *err)
{
	const char *path_fmt = "%s/experiments.csv:%zu: %s '%s'; expected %s";
	const char *bw = pb_csv_get(&a->exps, row, "baseline_workers");
	const char *fo = pb_csv_get(&a->exps, row, "fit_oversubscribed");
	unsigned long v;
	unsigned node_cores = 0;

	e->name = pb_csv_get(&a->exps, row, "experiment");
	e->base_strategy = pb_csv_get(&a->exps, row, "baseline_strategy");
	if (!pb_an_parse_uint(bw, 1, 1u << 30, &v))
		return pb_fail(err, path_fmt, a->dir, a->exps.lines[row],
			       "baseline_workers", bw, "a worker count");
	e->base_workers = (unsigned)v;
	if (strcmp(fo, "true") && strcmp(fo, "false"))
		return pb_fail(err, path_fmt, a->dir, a->exps.lines[row],
			       "fit_oversubscribed", fo, "true or false");
	e->fit_over = strcmp(fo, "true") == 0;
	e->cores = a->meta_cores;
	/* node_cores is only checked here: the charts shade by it, and the
	 * fits take points beyond one NUMA node as within the cores. */
	if (cores_field(a, row, "cores", &e->cores, err) ||
	    cores_field(a, row, "node_cores", &node_cores, err))
		return PB_ERROR;
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
	a->exp = pb_an_alloc(a, a->nexps, sizeof(*a->exp));
	if (!a->exp)
		return pb_fail(err, "out of memory");
	for (size_t r = 0; r < a->nexps; r++)
		if (experiment_row(a, r, &a->exp[r], err))
			return PB_ERROR;
	return PB_OK;
}

/* The core count meta.json gives, or 0: only a fallback, so never fatal. */
unsigned pb_an_meta_cores(const char *dir)
{
	struct pb_meta_doc doc;
	char path[PB_PATH_MAX];
	long long v = 0;

	if (pb_path_join(path, sizeof(path), dir, "meta.json", NULL) ||
	    pb_meta_read(path, &doc, NULL))
		return 0;
	if (!pb_meta_int(&doc, "cores", 0, 1 << 30, &v))
		v = 0;
	pb_meta_doc_free(&doc);
	return (unsigned)v;
}

const char *pb_an_meta_text(const char *dir, const char *key,
			    struct pb_arena *arena)
{
	struct pb_meta_doc doc;
	char path[PB_PATH_MAX];
	const char *v;

	if (pb_path_join(path, sizeof(path), dir, "meta.json", NULL) ||
	    pb_meta_read(path, &doc, NULL))
		return pb_arena_strdup(arena, "");
	v = pb_meta_get(&doc, key);
	v = pb_arena_strdup(arena, v ? v : "");
	pb_meta_doc_free(&doc);
	return v;
}

int pb_an_load_inputs(struct analysis *a, struct pb_err *err)
{
	char path[PB_PATH_MAX];

	if (pb_path_join(path, sizeof(path), a->dir, "runs.csv", err) ||
	    pb_csv_read(path, PB_CSV_DROP_PARTIAL_TAIL, &a->runs, err))
		return PB_ERROR;
	if (pb_path_join(path, sizeof(path), a->dir, "experiments.csv", err) ||
	    pb_csv_read(path, 0, &a->exps, err))
		return PB_ERROR;
	a->meta_cores = pb_an_meta_cores(a->dir);
	if (runs_columns(a, err) || load_experiments(a, err))
		return PB_ERROR;
	return PB_OK;
}
