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
#include "results/outdir.h"

const char *const pb_plot_kind_names[K_N] = {"speedup", "time", "efficiency"};

void pb_chart_name(const char *kind, const char *group, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%s", kind, group);
	for (char *p = buf; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
			    "XYZ0123456789_.-",
			    *p))
			*p = '_';
}

static int write_text(const char *charts, const char *name, const char *ext,
		      const struct pb_buf *b, struct pb_err *err)
{
	char path[8192];

	snprintf(path, sizeof(path), "%s/%s.%s", charts, name, ext);
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
	char path[8192];

	for (size_t k = 0; k < PB_COUNT(exts); k++) {
		snprintf(path, sizeof(path), "%s/%s.%s", charts, name, exts[k]);
		unlink(path);
	}
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
			  char path[K_N][4096], struct pb_err *err)
{
	struct pb_err why;
	size_t len;

	for (int k = 0; k < K_N; k++) {
		snprintf(path[k], 4096, "%s/%s.gp", templates_dir,
			 pb_plot_kind_names[k]);
		if (pb_read_whole_file(path[k], &text[k], &len, &why))
			return pb_fail(err,
				       "%s (a chart template); is "
				       "parabench's plots folder there?",
				       why.msg);
	}
	return PB_OK;
}

/* Writes every chart's files; names[] receives the charts made. */
static int make_all(const struct pb_view *v, const char *charts, char *tpl[K_N],
		    char tpl_path[K_N][4096], char **names, size_t *n,
		    struct pb_err *err)
{
	for (size_t g = 0; g < v->ngroups; g++) {
		for (int k = 0; k < K_N; k++) {
			struct chart c = {
			    .v = v, .g = &v->groups[g], .kind = (enum kind)k};
			bool made;
			pb_chart_name(pb_plot_kind_names[k], v->groups[g].id,
				      c.name, sizeof(c.name));
			if (make_chart(&c, charts, tpl[k], tpl_path[k], &made,
				       err))
				return PB_ERROR;
			if (made && !(names[(*n)++] = strdup(c.name)))
				return pb_fail(err, "out of memory");
		}
	}
	return PB_OK;
}

int pb_plot_dir(const char *dir, const char *templates_dir, struct pb_err *err)
{
	struct pb_view v;
	char charts[4096], tpl_path[K_N][4096], *tpl[K_N] = {0};
	char **names = NULL;
	size_t n = 0;
	int rc = PB_ERROR;

	if (pb_view_load(dir, &v, err))
		return PB_ERROR;
	snprintf(charts, sizeof(charts), "%s/charts", dir);
	names = calloc(v.ngroups * K_N + 1, sizeof(char *));
	if (!names) {
		pb_fail(err, "out of memory");
		goto out;
	}
	if (read_templates(templates_dir, tpl, tpl_path, err) ||
	    pb_mkdirs(charts, err) ||
	    make_all(&v, charts, tpl, tpl_path, names, &n, err))
		goto out;
	rc = pb_plot_render_all(dir, charts, names, n, err);
out:
	for (size_t k = 0; names && k < n; k++)
		free(names[k]);
	free(names);
	for (int k = 0; k < K_N; k++)
		free(tpl[k]);
	pb_view_free(&v);
	return rc;
}
