/*
 * analyze_fits.c — the Amdahl fit of each series and the text of
 * fits.csv (see analyze.h for its columns).
 */
#include "analyze_fits.h"

#include "analyze_fields.h"
#include <math.h>

/* A limit 1/s needs this many points within the core count. */
#define MIN_LIMIT_POINTS 3

void pb_an_fit_series(struct analysis *a, size_t s)
{
	struct series *se = &a->series[s];
	const struct exp_info *e = &a->exp[a->cells[se->cell0].exp];
	double *p = a->fit_p, *t = a->fit_t;
	char left[256] = "";
	size_t n = 0, used = 0, lused = 0;

	if (se->control)
		return;
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
		se->n_within += !e->cores || cl->workers <= e->cores;
		used += (size_t)snprintf(se->fitted + used,
					 sizeof(se->fitted) - used, "%s%u",
					 used ? ";" : "", cl->workers);
		used =
		    used < sizeof(se->fitted) ? used : sizeof(se->fitted) - 1;
	}
	pb_amdahl_fit(p, t, n, &se->fit);
	snprintf(se->note, sizeof(se->note), "%s", se->fit.note);
	if (se->n_within < MIN_LIMIT_POINTS && isfinite(se->fit.max_speedup)) {
		se->fit.max_speedup = se->fit.max_lo = se->fit.max_hi = NAN;
		snprintf(se->note + strlen(se->note),
			 sizeof(se->note) - strlen(se->note),
			 "%sno limit: %zu points within the %u cores, "
			 "a limit needs %d",
			 se->note[0] ? "; " : "", se->n_within, e->cores,
			 MIN_LIMIT_POINTS);
	}
	if (lused)
		snprintf(se->note + strlen(se->note),
			 sizeof(se->note) - strlen(se->note),
			 "%sleft out workers %s > %u cores "
			 "(fit_oversubscribed: false)",
			 se->note[0] ? "; " : "", left, e->cores);
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
			pb_an_text(b, a->runs.header[col]);
		else
			pb_an_text(b, has_col(mine, nmine, col)
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
	pb_buf_printf(b, ",n_points,shape,serial_fraction,serial_fraction_se,"
			 "serial_fraction_lo,serial_fraction_hi,max_speedup,"
			 "max_speedup_lo,max_speedup_hi,r2,a_s,b_s,"
			 "workers_fitted,note\n");
}

static void fits_row(const struct analysis *a, const unsigned char *role,
		     const struct series *s, struct pb_buf *b)
{
	const struct cell *c = &a->cells[s->cell0];
	const struct exp_info *e = &a->exp[c->exp];
	const struct pb_fit *f = &s->fit;

	pb_buf_csv_field(b, e->name);
	pb_an_text(b, a->groups[s->group].id);
	pb_an_text(b, s->label);
	pb_an_text(b, pb_an_field(a, c->row0, a->c_workload));
	role_fields(a, role, 1, c->row0, e->wcols, e->nw, b);
	pb_an_text(b, pb_an_field(a, c->row0, a->c_strategy));
	role_fields(a, role, 2, c->row0, e->scols, e->ns, b);
	pb_buf_printf(b, ",%zu", f->n_points);
	pb_an_text(b, !f->ok	   ? "no fit"
		      : !f->shaped ? "not Amdahl-shaped"
		      : f->exact   ? "exact (2 points)"
				   : "fit");
	/* Outside [0, 1], s is no fraction: the note gives its value. */
	pb_an_num(b, f->shaped ? f->s : NAN, 6);
	pb_an_num(b, f->shaped ? f->s_se : NAN, 6);
	pb_an_num(b, f->shaped ? f->s_lo : NAN, 6);
	pb_an_num(b, f->shaped ? f->s_hi : NAN, 6);
	pb_an_num(b, f->max_speedup, 6);
	pb_an_num(b, f->max_lo, 6);
	if (isinf(f->max_hi))
		pb_buf_printf(b, ",inf");
	else
		pb_an_num(b, f->max_hi, 6);
	pb_an_num(b, f->r2, 6);
	pb_an_num(b, f->a, 9);
	pb_an_num(b, f->b, 9);
	pb_an_text(b, s->fitted);
	pb_an_text(b, s->note);
	pb_buf_printf(b, "\n");
}

void pb_an_fits_csv(const struct analysis *a, unsigned char *role,
		    struct pb_buf *b)
{
	param_roles(a, role);
	fits_header(a, role, b);
	for (size_t s = 0; s < a->nseries; s++)
		if (!a->series[s].control)
			fits_row(a, role, &a->series[s], b);
}
