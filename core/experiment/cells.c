/*
 * cells.c — the cross product of an experiment file's axes (see cells.h).
 *
 * Cells that share a workload parameter combination share one value array,
 * and cells that also share a strategy parameter combination share that
 * array too: the arrays are immutable, so a million cells cost a million
 * struct pb_cell and only as many value arrays as there are combinations.
 */
#include "cells.h"

#include <string.h>

static size_t mul_sat(size_t a, size_t b)
{
	if (a && b > SIZE_MAX / a)
		return SIZE_MAX;
	return a * b;
}

static size_t add_sat(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* The number of combinations of n axes (1 for none). */
static size_t combinations(const struct pb_axis *axes, size_t n)
{
	size_t total = 1;

	for (size_t k = 0; k < n; k++)
		total = mul_sat(total, axes[k].n);
	return total;
}

static size_t experiment_cells(const struct pb_experiment *e)
{
	size_t per_w = 0;

	for (size_t s = 0; s < e->nstrategies; s++) {
		const struct pb_strategy_use *u = &e->strategies[s];
		per_w =
		    add_sat(per_w, combinations(u->params, u->plugin->nparams));
	}
	return mul_sat(
	    mul_sat(combinations(e->wparams, e->workload->nparams), per_w),
	    mul_sat(e->naffinity ? e->naffinity : 1, e->nworkers));
}

size_t pb_cells_count(const struct pb_experiment_file *f)
{
	size_t total = 0;

	for (size_t k = 0; k < f->n; k++)
		total = add_sat(total, experiment_cells(&f->items[k]));
	return total;
}

/*
 * The values of combination index of n axes, the first axis varying
 * slowest; NULL when out of memory.
 */
static struct pb_value *combination(struct pb_arena *arena,
				    const struct pb_axis *axes, size_t n,
				    size_t index)
{
	struct pb_value *v = pb_arena_alloc(arena, (n ? n : 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (size_t k = n; k-- > 0;) {
		v[k] = axes[k].values[index % axes[k].n];
		index /= axes[k].n;
	}
	return v;
}

struct expansion {
	struct pb_cells *out;
	const struct pb_experiment *exp;
	struct pb_args wargs;
};

static void add_cell(struct expansion *x, const struct pb_plugin *s,
		     const struct pb_value *sv, enum pb_affinity affinity,
		     unsigned workers)
{
	struct pb_cell *c = &x->out->items[x->out->n++];

	c->id = x->out->n;
	c->exp = x->exp;
	c->spec.workload = x->exp->workload;
	c->spec.wargs = x->wargs;
	c->spec.strategy = s;
	c->spec.sargs = pb_args_of(s, sv);
	c->spec.workers = workers;
	c->spec.affinity = affinity;
	c->spec.counters = x->exp->counters;
	c->spec.ncounters = x->exp->ncounters;
}

/* Adds the cells of one strategy at one workload combination. */
static int expand_strategy(struct expansion *x, const struct pb_strategy_use *u)
{
	const struct pb_plugin *s = u->plugin;
	size_t n = combinations(u->params, s->nparams);

	for (size_t i = 0; i < n; i++) {
		const struct pb_value *sv =
		    combination(&x->out->arena, u->params, s->nparams, i);
		if (!sv)
			return PB_ERROR;
		/* No affinity axis (a hand-made experiment): none. */
		for (size_t a = 0; a < x->exp->naffinity || a == 0; a++)
			for (size_t w = 0; w < x->exp->nworkers; w++)
				add_cell(x, s, sv,
					 x->exp->naffinity ? x->exp->affinity[a]
							   : PB_AFFINITY_NONE,
					 x->exp->workers[w]);
	}
	return PB_OK;
}

static int expand_experiment(struct pb_cells *out,
			     const struct pb_experiment *e)
{
	const struct pb_plugin *w = e->workload;
	size_t n = combinations(e->wparams, w->nparams);
	struct expansion x = {out, e, pb_args_of(w, NULL)};

	for (size_t i = 0; i < n; i++) {
		x.wargs.values =
		    combination(&out->arena, e->wparams, w->nparams, i);
		if (!x.wargs.values)
			return PB_ERROR;
		for (size_t s = 0; s < e->nstrategies; s++)
			if (expand_strategy(&x, &e->strategies[s]))
				return PB_ERROR;
	}
	return PB_OK;
}

int pb_cells_expand(const struct pb_experiment_file *f, struct pb_cells *out,
		    struct pb_err *err)
{
	size_t n = pb_cells_count(f);

	memset(out, 0, sizeof(*out));
	if (n > PB_MAX_CELLS)
		return pb_fail(err,
			       "%s: the experiments expand to %zu cells; "
			       "expected at most %d",
			       f->path ? f->path : "experiment", n,
			       PB_MAX_CELLS);
	out->items =
	    pb_arena_alloc(&out->arena, (n ? n : 1) * sizeof(*out->items));
	if (!out->items)
		goto oom;
	for (size_t k = 0; k < f->n; k++)
		if (expand_experiment(out, &f->items[k]))
			goto oom;
	return PB_OK;
oom:
	pb_cells_free(out);
	return pb_fail(err, "out of memory expanding %zu cells", n);
}

void pb_cells_free(struct pb_cells *cells)
{
	if (!cells)
		return;
	pb_arena_free(&cells->arena);
	memset(cells, 0, sizeof(*cells));
}
