/*
 * analyze_summary.c — the text of summary.csv, one row per cell (see
 * analyze.h for its columns).
 */
#include "analyze_summary.h"
#include "analyze_fields.h"

static void num_exact(struct pb_buf *b, double v)
{
	char t[64];

	pb_an_shortest(v, t, sizeof(t));
	pb_buf_printf(b, ",%s", t);
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
		pb_an_text(b, agree && !differ ? agree : "");
}

/*
 * Instructions per cycle: the median over the cell's ok rows of each row's
 * ratio, empty where a row lacks either counter (no hardware counters).
 */
static void ipc_median(struct analysis *a, const struct cell *c,
		       struct pb_buf *b)
{
	size_t n = 0;

	for (size_t pos = c->first; pos < c->first + c->nrows; pos++) {
		size_t row = a->order[pos];
		double ins, cyc;
		if (a->status[pos] == ST_OK &&
		    pb_csv_number(
			pb_csv_at(&a->runs, row, (size_t)a->c_instructions),
			&ins) &&
		    pb_csv_number(pb_csv_at(&a->runs, row, (size_t)a->c_cycles),
				  &cyc) &&
		    cyc > 0)
			a->fit_p[n++] = ins / cyc;
	}
	if (n)
		pb_an_num(b, pb_median_inplace(a->fit_p, n), 4);
	else
		pb_buf_printf(b, ",");
}

static void summary_header(const struct analysis *a, struct pb_buf *b)
{
	pb_buf_printf(b, "experiment,group,series,cell,workload,strategy,"
			 "workers");
	for (size_t k = 0; k < a->nparams; k++)
		pb_an_text(b, a->runs.header[a->params[k]]);
	pb_buf_printf(b, ",n,mean_s,median_s,stddev_s,cv,min_s,max_s,ci_lo_s,"
			 "ci_hi_s,ci_level,ci_method,outliers,speedup,"
			 "speedup_lo,speedup_hi,efficiency,karp_flatt");
	for (size_t k = 0; k < a->nmetrics; k++)
		pb_an_text(b, a->runs.header[a->metrics[k]]);
	if (a->c_cycles >= 0 && a->c_instructions >= 0)
		pb_buf_printf(b, ",ipc");
	pb_buf_printf(
	    b, ",n_failed,n_crashed,n_timeout,n_wrong,n_contended,"
	       "contended_used,speedup_vs_capacity,capacity,capacity_basis,"
	       "n_run,stopped_by\n");
}

static void stats_fields(struct pb_buf *b, const struct cell *c)
{
	const struct pb_stats *s = &c->st;

	pb_buf_printf(b, ",%zu", c->has_stats ? s->n : (size_t)0);
	if (!c->has_stats) {
		pb_buf_printf(b, ",,,,,,,,,,,");
		return;
	}
	pb_an_num(b, s->mean, 9);
	pb_an_num(b, s->median, 9);
	pb_an_num(b, s->stddev, 9);
	pb_an_num(b, s->cv, 6);
	pb_an_num(b, s->min, 9);
	pb_an_num(b, s->max, 9);
	pb_an_num(b, s->ci_lo, 9);
	pb_an_num(b, s->ci_hi, 9);
	pb_an_num(b, s->ci_level, 6);
	pb_an_text(b, s->ci_95 ? "order-statistic" : "min-max");
	pb_buf_printf(b, ",%zu", s->outliers);
}

/* How many rows the cell has, and the last `stop` of repetitions: auto. */
static void stop_fields(const struct analysis *a, const struct cell *c,
			struct pb_buf *b)
{
	long col = pb_csv_column(&a->runs, "stop");
	const char *stop = "";

	for (size_t pos = c->first; col >= 0 && pos < c->first + c->nrows;
	     pos++) {
		const char *f = pb_csv_at(&a->runs, a->order[pos], (size_t)col);
		if (*f)
			stop = f;
	}
	pb_buf_printf(b, ",%zu", c->nrows);
	pb_an_text(b, stop);
}

static void summary_row(struct analysis *a, const struct cell *c,
			struct pb_buf *b)
{
	size_t r = c->row0;

	pb_buf_csv_field(b, a->exp[c->exp].name);
	pb_an_text(b, a->groups[c->group].id);
	pb_an_text(b, a->series[c->series].label);
	pb_buf_printf(b, ",%ld", c->id);
	pb_an_text(b, pb_an_field(a, r, a->c_workload));
	pb_an_text(b, pb_an_field(a, r, a->c_strategy));
	pb_buf_printf(b, ",%u", c->workers);
	for (size_t k = 0; k < a->nparams; k++)
		pb_an_text(b, pb_csv_at(&a->runs, r, a->params[k]));
	stats_fields(b, c);
	pb_an_num(b, c->speedup, 6);
	pb_an_num(b, c->sp_lo, 6);
	pb_an_num(b, c->sp_hi, 6);
	pb_an_num(b, c->eff, 6);
	pb_an_num(b, c->kf, 6);
	for (size_t k = 0; k < a->nmetrics; k++)
		metric_median(a, c, a->metrics[k], b);
	if (a->c_cycles >= 0 && a->c_instructions >= 0)
		ipc_median(a, c, b);
	pb_buf_printf(b, ",%zu,%zu,%zu,%zu,%zu,%s", c->counts[ST_FAILED],
		      c->counts[ST_CRASHED], c->counts[ST_TIMEOUT],
		      c->counts[ST_WRONG], c->n_contended,
		      c->used_contended ? "true" : "false");
	pb_an_num(b, c->vs_capacity, 6);
	pb_an_num(b, c->capacity, 6);
	pb_an_text(b, c->capacity_basis ? c->capacity_basis : "");
	stop_fields(a, c, b);
	pb_buf_printf(b, "\n");
}

void pb_an_summary_csv(struct analysis *a, struct pb_buf *b)
{
	summary_header(a, b);
	for (size_t c = 0; c < a->ncells; c++)
		summary_row(a, &a->cells[c], b);
}
