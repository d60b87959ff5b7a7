/*
 * runs_csv.c — runs.csv, row by row (see runs_csv.h).
 */
#include "runs_csv.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/textbuf.h"
#include "plugin/value.h"

static const char *fixed_columns[] = {
    "experiment", "cell",    "workload",  "strategy", "workers",
    "repetition", "status",  "wall_s",	  "user_s",   "sys_s",
    "max_rss_kb", "vol_ctx", "invol_ctx",
};

/* Adds name to the table unless present; tables are sized for the worst. */
static void add_name(const char **names, size_t *n, const char *name)
{
	for (size_t k = 0; k < *n; k++)
		if (strcmp(names[k], name) == 0)
			return;
	names[(*n)++] = name;
}

/*
 * param_affinity when an experiment wrote `affinity` (the loader keeps the
 * name from plugins' parameters), then one counter_<event> per event.
 */
static int collect_machine_columns(struct pb_runs_csv *w,
				   const struct pb_cells *cells,
				   struct pb_err *err)
{
	size_t max = 0;

	for (size_t c = 0; c < cells->n; c++) {
		w->affinity |= cells->items[c].exp->affinity_written;
		max += cells->items[c].spec.ncounters;
	}
	if (w->affinity)
		add_name(w->params, &w->nparams, "affinity");
	w->counters = pb_arena_alloc(&w->arena, (max + 1) * sizeof(char *));
	if (!w->counters)
		return pb_fail(err, "out of memory");
	for (size_t c = 0; c < cells->n; c++) {
		const struct pb_cell_spec *s = &cells->items[c].spec;
		for (size_t k = 0; k < s->ncounters; k++)
			add_name(w->counters, &w->ncounters, s->counters[k]);
	}
	return PB_OK;
}

static int collect_columns(struct pb_runs_csv *w, const struct pb_cells *cells,
			   struct pb_err *err)
{
	size_t maxp = 0, maxm = 0;

	for (size_t c = 0; c < cells->n; c++) {
		maxp +=
		    cells->items[c].spec.wargs.n + cells->items[c].spec.sargs.n;
		maxm += cells->items[c].spec.workload->nmetrics +
			cells->items[c].spec.strategy->nmetrics;
	}
	w->params = pb_arena_alloc(&w->arena, (maxp + 1) * sizeof(char *));
	w->metrics = pb_arena_alloc(&w->arena, (maxm + 1) * sizeof(char *));
	if (!w->params || !w->metrics)
		return pb_fail(err, "out of memory");
	for (size_t c = 0; c < cells->n; c++) {
		const struct pb_cell_spec *s = &cells->items[c].spec;
		for (size_t k = 0; k < s->wargs.n; k++)
			add_name(w->params, &w->nparams,
				 s->wargs.params[k].name);
	}
	for (size_t c = 0; c < cells->n; c++) {
		const struct pb_cell_spec *s = &cells->items[c].spec;
		for (size_t k = 0; k < s->sargs.n; k++)
			add_name(w->params, &w->nparams,
				 s->sargs.params[k].name);
		for (size_t k = 0; k < s->workload->nmetrics; k++)
			add_name(w->metrics, &w->nmetrics,
				 s->workload->metrics[k].name);
	}
	/* The strategies' metrics after every workload's. */
	for (size_t c = 0; c < cells->n; c++) {
		const struct pb_plugin *st = cells->items[c].spec.strategy;
		for (size_t k = 0; k < st->nmetrics; k++)
			add_name(w->metrics, &w->nmetrics, st->metrics[k].name);
	}
	return collect_machine_columns(w, cells, err);
}

static void header(const struct pb_runs_csv *w, struct pb_buf *b)
{
	for (size_t k = 0; k < PB_COUNT(fixed_columns); k++)
		pb_buf_printf(b, "%s%s", k ? "," : "", fixed_columns[k]);
	for (size_t k = 0; k < w->nparams; k++)
		pb_buf_printf(b, ",param_%s", w->params[k]);
	for (size_t k = 0; k < w->nmetrics; k++)
		pb_buf_printf(b, ",metric_%s", w->metrics[k]);
	for (size_t k = 0; k < w->ncounters; k++) {
		char col[128];
		struct pb_err ignored;
		/* Event names are from a fixed table: they always fit. */
		if (pb_counter_column(w->counters[k], col, sizeof(col),
				      &ignored) == PB_OK)
			pb_buf_printf(b, ",%s", col);
	}
	pb_buf_printf(
	    b, ",started_s,other_cpu_s,steal_s,contended,stop,message\n");
}

int pb_runs_csv_header(const struct pb_cells *cells, struct pb_buf *b,
		       struct pb_err *err)
{
	struct pb_runs_csv w = {.fd = -1};
	int rc = collect_columns(&w, cells, err);

	if (rc == PB_OK)
		header(&w, b);
	pb_arena_free(&w.arena);
	return rc;
}

/* With append, the file's first line must be exactly our header. */
static int check_header(const struct pb_runs_csv *w, const struct pb_buf *want,
			struct pb_err *err)
{
	char *have = calloc(1, want->len + 1);
	ssize_t n = have ? pread(w->fd, have, want->len, 0) : -1;
	int rc = PB_OK;

	if (n < 0 || (size_t)n != want->len ||
	    memcmp(have, want->data, want->len) != 0)
		rc = pb_fail(err,
			     "%s: its header differs from the columns of "
			     "this experiment; was the experiment or a "
			     "plugin changed?",
			     w->path);
	free(have);
	return rc;
}

int pb_runs_csv_open(struct pb_runs_csv *w, const char *path,
		     const struct pb_cells *cells, bool append,
		     struct pb_err *err)
{
	struct pb_buf b = {0};
	int rc;

	*w = (struct pb_runs_csv){.fd = -1};
	w->path = pb_arena_strdup(&w->arena, path);
	if (!w->path || collect_columns(w, cells, err))
		goto fail;
	header(w, &b);
	w->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | (append ? 0 : O_EXCL),
		     0644);
	if (w->fd < 0) {
		pb_fail(err, "%s: cannot create: %s", path, strerror(errno));
		goto fail;
	}
	if (append && lseek(w->fd, 0, SEEK_END) > 0)
		rc = check_header(w, &b, err);
	else
		rc = pb_append_all(w->fd, path, &b, err);
	if (rc)
		goto fail;
	pb_buf_free(&b);
	return PB_OK;
fail:
	pb_buf_free(&b);
	if (w->fd >= 0)
		close(w->fd);
	pb_arena_free(&w->arena);
	*w = (struct pb_runs_csv){.fd = -1};
	return PB_ERROR;
}

static void param_fields(const struct pb_runs_csv *w,
			 const struct pb_cell_spec *s, struct pb_buf *b)
{
	for (size_t k = 0; k < w->nparams; k++) {
		const struct pb_value *v = pb_arg(&s->wargs, w->params[k]);
		if (!v)
			v = pb_arg(&s->sargs, w->params[k]);
		/* Whole, however long: two values never look the same. */
		char *text = v ? pb_value_text(v) : NULL;
		if (v && !text)
			b->oom = true; /* the row is then refused, not cut */
		if (!v && w->affinity && strcmp(w->params[k], "affinity") == 0)
			text = strdup(pb_affinity_name(s->affinity));
		pb_buf_printf(b, ",");
		pb_buf_csv_field(b, text ? text : "");
		free(text);
	}
}

static const char *number(double x)
{
	static char buf[64];
	pb_format_double(x, buf, sizeof(buf));
	return buf;
}

/* The slot of metric name in m: the workload's first, then the strategy's. */
static const struct pb_metric_value *metric_slot(const struct pb_cell_spec *s,
						 const struct pb_measure *m,
						 const char *name)
{
	const struct pb_plugin *wl = s->workload, *st = s->strategy;

	for (size_t j = 0; j < wl->nmetrics && j < m->nmetrics; j++)
		if (strcmp(wl->metrics[j].name, name) == 0)
			return &m->metrics[j];
	for (size_t j = 0; j < st->nmetrics; j++)
		if (wl->nmetrics + j < m->nmetrics &&
		    strcmp(st->metrics[j].name, name) == 0)
			return &m->metrics[wl->nmetrics + j];
	return NULL;
}

static void metric_fields(const struct pb_runs_csv *w,
			  const struct pb_cell_spec *s,
			  const struct pb_measure *m, struct pb_buf *b)
{
	for (size_t k = 0; k < w->nmetrics; k++) {
		const struct pb_metric_value *v =
		    metric_slot(s, m, w->metrics[k]);
		pb_buf_printf(b, ",");
		if (v && v->text[0])
			pb_buf_csv_field(b, v->text);
		else if (v && !isnan(v->value))
			pb_buf_printf(b, "%s", number(v->value));
	}
}

/* The cell's counters under their columns; empty where not counted. */
static void counter_fields(const struct pb_runs_csv *w,
			   const struct pb_cell_spec *s,
			   const struct pb_measure *m, struct pb_buf *b)
{
	for (size_t k = 0; k < w->ncounters; k++) {
		pb_buf_printf(b, ",");
		for (size_t j = 0; j < s->ncounters && j < m->ncounters; j++)
			if (strcmp(s->counters[j], w->counters[k]) == 0 &&
			    (m->counter_ok & (1u << j)))
				pb_buf_printf(
				    b, "%llu",
				    (unsigned long long)m->counters[j]);
	}
}

/* ",NaN-as-empty" with digits after the point. */
static void fixed(struct pb_buf *b, double x, int digits)
{
	if (isnan(x))
		pb_buf_printf(b, ",");
	else
		pb_buf_printf(b, ",%.*f", digits, x);
}

static void machine_fields(const struct pb_measure *m, struct pb_buf *b)
{
	fixed(b, m->has_span ? m->started_s : NAN, 6);
	fixed(b, m->has_span ? m->other_cpu_s : NAN, 3);
	fixed(b, m->has_span ? m->steal_s : NAN, 3);
	pb_buf_printf(b, ",%d,%s", m->contended ? 1 : 0,
		      m->stop ? m->stop : "");
}

int pb_runs_csv_write(struct pb_runs_csv *w, const struct pb_cell *cell,
		      unsigned rep, const struct pb_measure *m,
		      struct pb_err *err)
{
	const struct pb_cell_spec *s = &cell->spec;
	struct pb_buf b = {0};

	pb_buf_csv_field(&b, cell->exp->name);
	pb_buf_printf(&b, ",%zu,%s,%s,%u,%u,%s,%.9f,%.6f,%.6f,%ld,%ld,%ld",
		      cell->id, s->workload->name, s->strategy->name,
		      s->workers, rep, pb_status_name(m->status), m->wall_s,
		      m->user_s, m->sys_s, m->max_rss_kb, m->vol_ctx,
		      m->invol_ctx);
	param_fields(w, s, &b);
	metric_fields(w, s, m, &b);
	counter_fields(w, s, m, &b);
	machine_fields(m, &b);
	pb_buf_printf(&b, ",");
	/* An ok row may carry a note too (processes left behind). */
	pb_buf_csv_field(&b, m->message);
	pb_buf_printf(&b, "\n");
	int rc = pb_append_all(w->fd, w->path, &b, err);
	pb_buf_free(&b);
	return rc;
}

int pb_runs_csv_close(struct pb_runs_csv *w, struct pb_err *err)
{
	int rc = PB_OK;

	if (w->fd >= 0 && (fsync(w->fd) != 0 && errno != EINVAL))
		rc = pb_fail(err, "%s: cannot sync: %s", w->path,
			     strerror(errno));
	if (w->fd >= 0 && close(w->fd) != 0 && rc == PB_OK)
		rc = pb_fail(err, "%s: cannot close: %s", w->path,
			     strerror(errno));
	pb_arena_free(&w->arena);
	*w = (struct pb_runs_csv){.fd = -1};
	return rc;
}
