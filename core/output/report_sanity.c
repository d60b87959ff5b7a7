/*
 * report_sanity.c — sanity warnings on the analysis (see
 * report_sanity.h). Each check reads summary.csv and fits.csv through the
 * view; none changes a figure.
 */
#include "report_sanity.h"

#include <math.h>

#include "lib/csv_read.h"
#include "report_md.h"

static double num(const struct report *r, size_t row, const char *col)
{
	return pb_csv_num(&r->v->summary, row, col);
}

static void name_cell(struct report *r, size_t row)
{
	const struct pb_csv *s = &r->v->summary;

	pb_buf_printf(&r->warn, "- cell %s (", pb_csv_get(s, row, "cell"));
	pb_report_cell_text(&r->warn, pb_csv_get(s, row, "group"));
	pb_buf_printf(&r->warn, " ");
	pb_report_cell_text(&r->warn, pb_csv_get(s, row, "series"));
	pb_buf_printf(&r->warn, ", %s workers)", pb_csv_get(s, row, "workers"));
}

/* More than p workers (or cores) can give, beyond the interval. */
static void superlinear(struct report *r, const struct pb_view_group *g)
{
	for (size_t k = 0; k < g->nrows; k++) {
		size_t row = g->rows[k];
		double w = num(r, row, "workers"),
		       lo = num(r, row, "speedup_lo");
		double limit = g->cores && g->cores < w ? g->cores : w;
		if (!(lo > limit))
			continue;
		name_cell(r, row);
		pb_buf_printf(&r->warn,
			      ": speed-up %.2f (at least %.2f) is above %s "
			      "%.0f: likely the baseline was slowed (outside "
			      "load while it ran, a cold cache) or the work "
			      "differs between cells; check contended rows "
			      "and the capacity\n",
			      num(r, row, "speedup"), lo,
			      g->cores && g->cores < w ? "the core count"
						       : "its worker count",
			      limit);
	}
}

/* The control ignores workers: its medians should agree. */
static void control_drift(struct report *r, const struct pb_view_group *g,
			  const struct pb_view_series *s)
{
	size_t fast = 0, slow = 0;
	bool have = false;

	for (size_t k = 0; k < s->nrows; k++) {
		size_t row = s->rows[k];
		if (isnan(num(r, row, "median_s")))
			continue;
		if (!have || num(r, row, "median_s") < num(r, fast, "median_s"))
			fast = row;
		if (!have || num(r, row, "median_s") > num(r, slow, "median_s"))
			slow = row;
		have = true;
	}
	if (!have || !(num(r, fast, "ci_hi_s") < num(r, slow, "ci_lo_s")))
		return;
	pb_buf_printf(&r->warn, "- group ");
	pb_report_cell_text(&r->warn, g->id);
	pb_buf_printf(&r->warn, ": the control ");
	pb_report_cell_text(&r->warn, s->label);
	pb_buf_printf(&r->warn,
		      " ignores workers, yet its median at %s workers is "
		      "%.2fx that at %s, beyond both intervals: the machine "
		      "drifted or was busy during the run (see the machine "
		      "section); other speed-ups of this group carry the "
		      "same error\n",
		      pb_csv_get(&r->v->summary, slow, "workers"),
		      num(r, slow, "median_s") / num(r, fast, "median_s"),
		      pb_csv_get(&r->v->summary, fast, "workers"));
}

static void serial_fraction(struct report *r, const struct pb_view_group *g,
			    const struct pb_view_series *s)
{
	if (s->fit < 0)
		return;
	/* s = a / (a + b) of T(p) = a + b/p; fits.csv leaves serial_fraction
	 * empty where the fit is not Amdahl-shaped, a_s and b_s stay. */
	double a = pb_csv_num(&r->v->fits, (size_t)s->fit, "a_s");
	double b = pb_csv_num(&r->v->fits, (size_t)s->fit, "b_s");
	double f = a / (a + b);
	if (isnan(f) || isinf(f) || (f >= 0 && f <= 1))
		return;
	pb_buf_printf(&r->warn, "- group ");
	pb_report_cell_text(&r->warn, g->id);
	pb_buf_printf(&r->warn, ", ");
	pb_report_cell_text(&r->warn, s->label);
	pb_buf_printf(&r->warn,
		      ": the fitted serial fraction %.3g is outside [0, 1], "
		      "which no program has: the times do not follow "
		      "Amdahl's law here (outside load, oversubscription, "
		      "or a cost that grows with workers)\n",
		      f);
}

void pb_report_sanity(struct report *r)
{
	for (size_t k = 0; k < r->v->ngroups; k++) {
		const struct pb_view_group *g = &r->v->groups[k];
		superlinear(r, g);
		for (size_t j = 0; j < g->nseries; j++) {
			if (g->series[j].control)
				control_drift(r, g, &g->series[j]);
			serial_fraction(r, g, &g->series[j]);
		}
	}
}
