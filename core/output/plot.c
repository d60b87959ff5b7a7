/*
 * plot.c — the charts of a results folder (see plot.h): for each group
 * and kind, the .dat and .gp files (their text from plot_script.c), then
 * gnuplot on all of them (plot_gnuplot.c).
 */
#include "plot_int.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "lib/path.h"
#include "results/outdir.h"

const char *const pb_plot_kind_names[K_N] = {"speedup", "time", "efficiency",
					     "metric"};

int pb_chart_metric_kind(const char *metric, char *buf, size_t len)
{
	return pb_path_fmt(buf, len, NULL, "metric-%s", metric);
}

int pb_chart_name(const char *kind, const char *group, char *buf, size_t len)
{
	if (pb_path_fmt(buf, len, NULL, "%s-%s", kind, group))
		return PB_ERROR;
	for (char *p = buf; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
			    "XYZ0123456789_.-",
			    *p))
			*p = '_';
	return PB_OK;
}

static int write_text(const char *charts, const char *name, const char *ext,
		      const struct pb_buf *b, struct pb_err *err)
{
	char path[PB_PATH_MAX];

	if (pb_path_fmt(path, sizeof(path), err, "%s/%s.%s", charts, name, ext))
		return PB_ERROR;
	if (b->oom)
		return pb_fail(err, "out of memory making %s", path);
	return pb_write_file_atomic(path, b->data ? b->data : "", b->len, err);
}

static int cmp_unsigned(const void *x, const void *y)
{
	unsigned a = *(const unsigned *)x, b = *(const unsigned *)y;
	return (a > b) - (a < b);
}

/* The group's distinct worker counts, sorted (n log n), and their range. */
static bool chart_range(struct chart *c)
{
	size_t n = 0;

	c->wl = malloc((c->g->nrows + 1) * sizeof(unsigned));
	if (!c->wl)
		return false;
	for (size_t k = 0; k < c->g->nrows; k++) {
		double w = pb_plot_row_num(c, c->g->rows[k], "workers");
		if (w >= 1 && w <= 1u << 30)
			c->wl[n++] = (unsigned)w;
	}
	qsort(c->wl, n, sizeof(unsigned), cmp_unsigned);
	c->nwl = 0;
	for (size_t k = 0; k < n; k++)
		if (!c->nwl || c->wl[c->nwl - 1] != c->wl[k])
			c->wl[c->nwl++] = c->wl[k];
	c->wmin = c->nwl ? c->wl[0] : 1;
	c->wmax = c->nwl ? c->wl[c->nwl - 1] : 1;
	return true;
}

/* Removes the files of a chart an earlier plot made and this one does not. */
static void remove_stale(const char *charts, const char *name)
{
	static const char *const exts[] = {"gp", "dat", "png", "svg"};
	char path[PB_PATH_MAX];

	/* A path that does not fit names no file we made: nothing to remove. */
	for (size_t k = 0; k < PB_COUNT(exts); k++)
		if (!pb_path_fmt(path, sizeof(path), NULL, "%s/%s.%s", charts,
				 name, exts[k]))
			unlink(path);
}

/* Writes the .dat and .gp of one chart; *made says whether it had data. */
static int make_chart(struct chart *c, const char *charts, const char *tpl,
		      const char *tpl_path, bool *made, struct pb_err *err)
{
	struct pb_buf dat = {0}, gp = {0};
	size_t *rows = malloc((c->g->nrows + 1) * sizeof(size_t));
	int rc = PB_ERROR;

	*made = false;
	if (!rows || !chart_range(c)) {
		free(rows);
		return pb_fail(err, "out of memory");
	}
	c->tb = c->g->base < 0
		    ? NAN
		    : pb_plot_row_num(c, (size_t)c->g->base, "median_s");
	if (!pb_plot_has_data(c) || (c->kind != K_TIME && !isfinite(c->tb))) {
		remove_stale(charts, c->name);
		rc = PB_OK;
		goto out;
	}
	pb_plot_dat_text(c, &dat, rows);
	if (pb_plot_fill_template(c, tpl, tpl_path, &gp, err) ||
	    write_text(charts, c->name, "dat", &dat, err) ||
	    write_text(charts, c->name, "gp", &gp, err))
		goto out;
	*made = true;
	rc = PB_OK;
out:
	free(rows);
	free(c->wl);
	c->wl = NULL;
	pb_buf_free(&dat);
	pb_buf_free(&gp);
	return rc;
}

static int read_templates(const char *templates_dir, char *text[K_N],
			  char path[K_N][PB_PATH_MAX], struct pb_err *err)
{
	struct pb_err why;
	size_t len;

	for (int k = 0; k < K_N; k++) {
		if (pb_path_fmt(path[k], PB_PATH_MAX, err, "%s/%s.gp",
				templates_dir, pb_plot_kind_names[k]))
			return PB_ERROR;
		if (pb_read_whole_file(path[k], &text[k], &len, &why))
			return pb_fail(err,
				       "%s (a chart template); is "
				       "parabench's plots folder there?",
				       why.msg);
	}
	return PB_OK;
}

/* The templates and the list of charts made, while making them. */
struct making {
	const char *charts;
	char **tpl, (*tpl_path)[PB_PATH_MAX];
	char **names;
	size_t n, cap;
};

static int make_one(struct making *m, struct chart *c, struct pb_err *err)
{
	bool made;

	if (make_chart(c, m->charts, m->tpl[c->kind], m->tpl_path[c->kind],
		       &made, err))
		return PB_ERROR;
	if (!made)
		return PB_OK;
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;
		char **t = realloc(m->names, cap * sizeof(char *));
		if (!t)
			return pb_fail(err, "out of memory");
		m->names = t;
		m->cap = cap;
	}
	if (!(m->names[m->n] = strdup(c->name)))
		return pb_fail(err, "out of memory");
	m->n++;
	return PB_OK;
}

/* One chart per metric of group g that has a unit. */
static int metric_charts(struct making *m, const struct pb_view *v,
			 const struct pb_view_group *g, struct pb_err *err)
{
	char kind[600];

	for (size_t k = 0; k < g->nmetrics; k++) {
		const struct pb_view_metric *mt = &g->metrics[k];
		struct chart c = {.v = v,
				  .g = g,
				  .kind = K_METRIC,
				  .metric = mt->col,
				  .unit = mt->unit};
		if (!*mt->unit)
			continue;
		if (pb_chart_metric_kind(mt->name, kind, sizeof(kind)) ||
		    pb_chart_name(kind, g->id, c.name, sizeof(c.name)))
			return pb_fail(err,
				       "the chart of metric %s in group %s: "
				       "its name is too long for a file",
				       mt->name, g->id);
		if (make_one(m, &c, err))
			return PB_ERROR;
	}
	return PB_OK;
}

/* Writes every chart's files; m->names receives the charts made. */
static int make_all(struct making *m, const struct pb_view *v,
		    struct pb_err *err)
{
	for (size_t g = 0; g < v->ngroups; g++) {
		for (int k = 0; k < K_METRIC; k++) {
			struct chart c = {
			    .v = v, .g = &v->groups[g], .kind = (enum kind)k};
			if (pb_chart_name(pb_plot_kind_names[k],
					  v->groups[g].id, c.name,
					  sizeof(c.name)))
				return pb_fail(err,
					       "the %s chart of group %s: its "
					       "name is too long for a file",
					       pb_plot_kind_names[k],
					       v->groups[g].id);
			if (make_one(m, &c, err))
				return PB_ERROR;
		}
		if (metric_charts(m, v, &v->groups[g], err))
			return PB_ERROR;
	}
	return PB_OK;
}

int pb_plot_dir(const char *dir, const char *templates_dir, struct pb_err *err)
{
	struct pb_view v;
	char charts[PB_PATH_MAX], tpl_path[K_N][PB_PATH_MAX], *tpl[K_N] = {0};
	struct making m = {.charts = charts, .tpl = tpl, .tpl_path = tpl_path};
	int rc = PB_ERROR;

	if (pb_view_load(dir, &v, err))
		return PB_ERROR;
	if (pb_path_join(charts, sizeof(charts), dir, "charts", err) ||
	    read_templates(templates_dir, tpl, tpl_path, err) ||
	    pb_mkdirs(charts, err) || make_all(&m, &v, err))
		goto out;
	rc = pb_plot_render_all(dir, charts, m.names, m.n, err);
out:
	for (size_t k = 0; k < m.n; k++)
		free(m.names[k]);
	free(m.names);
	for (int k = 0; k < K_N; k++)
		free(tpl[k]);
	pb_view_free(&v);
	return rc;
}
