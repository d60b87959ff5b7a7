/*
 * experiment_axis.c — values and axes of the experiment loader.
 *
 * Reads YAML scalars and lists as typed values (through core/value.h):
 * a parameter's axis (one value or a list of distinct values, lists of
 * lists for list-typed parameters), its default, and single settings
 * such as repetitions.
 */
#include <math.h>
#include <stdlib.h>

#include "experiment_int.h"
#include "plugin/value.h"

/* ---- Values ------------------------------------------------------------ */

/* What a user may write for parameter p, for "expected ..." messages. */
static const char *describe(const struct pb_param *p, char *buf, size_t len)
{
	static const char *const what[] = {
	    [PB_INT] = "an integer such as 42, 10_000 or 1e7",
	    [PB_FLOAT] = "a number such as 0.25 or 1e-3",
	    [PB_SIZE] = "a size such as 4096, 4k, 250M or 1GiB",
	    [PB_DURATION] = "a duration such as 20ms, 1.5s or 2m",
	    [PB_STRING] = "a text",
	    [PB_ENUM] = "one of",
	    [PB_BOOL] = "true or false",
	    [PB_INT_LIST] = "a list of integers such as [1e6, 2e6]",
	    [PB_STRING_LIST] = "a list of texts such as [a, b]",
	};
	char range[96];
	const char *w = (unsigned)p->type < PB_COUNT(what) && what[p->type]
			    ? what[p->type]
			    : "a value";

	if (p->type == PB_ENUM)
		snprintf(buf, len, "one of %s", p->choices ? p->choices : "");
	else if (*pb_range_text(p, range, sizeof(range)))
		snprintf(buf, len, "%s, %s%s", w,
			 isinf(p->min) || isinf(p->max) ? "" : "from ", range);
	else
		snprintf(buf, len, "%s", w);
	return buf;
}

static bool is_list_type(enum pb_type t)
{
	return t == PB_INT_LIST || t == PB_STRING_LIST;
}

/* One scalar v (under key) read as parameter p. */
static int parse_scalar(struct ctx *c, const struct pb_param *p,
			const yaml_node_t *key, const yaml_node_t *v,
			struct pb_value *out)
{
	struct pb_err why = {{0}};
	char want[256];

	if (pb_exp_spend(c, v, 1))
		return PB_ERROR;
	if (v->type != YAML_SCALAR_NODE || pb_yaml_is_null(v))
		return pb_exp_fail_at(c, at(key, v), "%s is %s; expected %s",
				      p->name, pb_yaml_kind(v),
				      describe(p, want, sizeof(want)));
	if (pb_value_parse(p, text(v), c->arena, out, &why))
		return pb_exp_fail_at(c, v, "%s: %s", p->name, why.msg);
	return PB_OK;
}

/* One list value of list-typed p from sequence v of scalars. */
static int parse_list(struct ctx *c, const struct pb_param *p,
		      const yaml_node_t *v, struct pb_value *out)
{
	size_t n = nitems(v);
	const char **texts = pb_arena_alloc(c->arena, (n + 1) * sizeof(*texts));
	struct pb_err why = {{0}};
	struct pb_value one;

	if (!texts)
		return pb_exp_fail_at(c, v, "out of memory");
	for (size_t k = 0; k < n; k++) {
		yaml_node_t *e = item(c, v, k);
		if (e->type != YAML_SCALAR_NODE)
			return pb_exp_fail_at(
			    c, e,
			    "%s: an element of the list is %s; "
			    "expected a list of values such as [a, "
			    "b], or a list of such lists (an axis)",
			    p->name, pb_yaml_kind(e));
		if (parse_scalar(c, p, NULL, e, &one))
			return PB_ERROR;
		texts[k] = text(e);
	}
	if (pb_value_from_items(p, texts, n, c->arena, out, &why))
		return pb_exp_fail_at(c, v, "%s: %s", p->name, why.msg);
	return PB_OK;
}

static int cmp_num(double a, double b)
{
	return (a > b) - (a < b);
}

/* A total order on values of one type, for finding repeats in an axis. */
static int cmp_values(const struct pb_value *a, const struct pb_value *b)
{
	switch (a->type) {
	case PB_INT:
	case PB_SIZE:
		return (a->u.i > b->u.i) - (a->u.i < b->u.i);
	case PB_FLOAT:
	case PB_DURATION:
		return cmp_num(a->u.f, b->u.f);
	case PB_BOOL:
		return (int)a->u.b - (int)b->u.b;
	case PB_STRING:
	case PB_ENUM:
		return strcmp(a->u.s, b->u.s);
	case PB_INT_LIST:
		for (size_t k = 0; k < a->u.ints.n && k < b->u.ints.n; k++)
			if (a->u.ints.v[k] != b->u.ints.v[k])
				return (a->u.ints.v[k] > b->u.ints.v[k]) -
				       (a->u.ints.v[k] < b->u.ints.v[k]);
		return cmp_num((double)a->u.ints.n, (double)b->u.ints.n);
	case PB_STRING_LIST:
		for (size_t k = 0; k < a->u.strings.n && k < b->u.strings.n;
		     k++) {
			int d = strcmp(a->u.strings.v[k], b->u.strings.v[k]);
			if (d)
				return d;
		}
		return cmp_num((double)a->u.strings.n, (double)b->u.strings.n);
	}
	return 0;
}

struct ranked {
	const struct pb_value *v;
	size_t index;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int d = cmp_values(x->v, y->v);

	return d ? d : (x->index > y->index) - (x->index < y->index);
}

/*
 * Refuses an axis that holds a value twice, naming the earliest repeat.
 * Sorting keeps this O(n log n) for the longest axes.
 */
static int check_distinct(struct ctx *c, const struct pb_param *p,
			  const yaml_node_t *seq, const struct pb_axis *ax)
{
	struct ranked *r;
	size_t dup = SIZE_MAX, first = 0;

	if (ax->n < 2)
		return PB_OK;
	r = pb_arena_alloc(c->arena, ax->n * sizeof(*r));
	if (!r)
		return pb_exp_fail_at(c, seq, "out of memory");
	for (size_t k = 0; k < ax->n; k++)
		r[k] = (struct ranked){&ax->values[k], k};
	qsort(r, ax->n, sizeof(*r), cmp_ranked);
	for (size_t k = 1; k < ax->n; k++)
		if (cmp_values(r[k - 1].v, r[k].v) == 0 &&
		    (k < 2 || cmp_values(r[k - 2].v, r[k].v) != 0) &&
		    r[k].index < dup) {
			dup = r[k].index;
			first = r[k - 1].index;
		}
	if (dup == SIZE_MAX)
		return PB_OK;
	const yaml_node_t *a = item(c, seq, first), *b = item(c, seq, dup);
	char clip[64];
	return pb_exp_fail_at(c, b,
			      "%s: %s repeats the value at line %u, column %u; "
			      "expected distinct values in an axis",
			      p->name,
			      b->type == YAML_SCALAR_NODE
				  ? pb_yaml_clip(text(b), clip, 64)
				  : "this list",
			      (unsigned)a->start_mark.line + 1,
			      (unsigned)a->start_mark.column + 1);
}

int pb_exp_alloc_axis(struct ctx *c, const yaml_node_t *v, size_t n,
		      struct pb_axis *ax)
{
	ax->n = n;
	ax->values =
	    pb_arena_alloc(c->arena, (n ? n : 1) * sizeof(*ax->values));
	return ax->values ? PB_OK : pb_exp_fail_at(c, v, "out of memory");
}

static int empty_axis(struct ctx *c, const struct pb_param *p,
		      const yaml_node_t *v)
{
	char want[256];

	return pb_exp_fail_at(
	    c, v,
	    "%s is an empty list; expected at least one value, %s "
	    "(a list is an axis of the matrix)",
	    p->name, describe(p, want, sizeof(want)));
}

/* The axis of a scalar-typed parameter: a value, or a list of values. */
static int scalar_axis(struct ctx *c, const struct pb_param *p,
		       const yaml_node_t *key, const yaml_node_t *v,
		       struct pb_axis *ax)
{
	size_t n;

	if (v->type == YAML_SCALAR_NODE)
		return pb_exp_alloc_axis(c, v, 1, ax) ||
		       parse_scalar(c, p, key, v, &ax->values[0]);
	n = nitems(v);
	if (n == 0)
		return empty_axis(c, p, v);
	if (pb_exp_alloc_axis(c, v, n, ax))
		return PB_ERROR;
	for (size_t k = 0; k < n; k++) {
		yaml_node_t *e = item(c, v, k);
		if (e->type != YAML_SCALAR_NODE) {
			char want[256];
			return pb_exp_fail_at(
			    c, e,
			    "%s: an element of the axis is %s; "
			    "expected %s",
			    p->name, pb_yaml_kind(e),
			    describe(p, want, sizeof(want)));
		}
		if (parse_scalar(c, p, NULL, e, &ax->values[k]))
			return PB_ERROR;
	}
	return check_distinct(c, p, v, ax);
}

/* The axis of a list-typed parameter: a list, or a list of lists. */
static int list_axis(struct ctx *c, const struct pb_param *p,
		     const yaml_node_t *key, const yaml_node_t *v,
		     struct pb_axis *ax)
{
	size_t n;
	bool lists;

	if (v->type == YAML_SCALAR_NODE) {
		const char *one = text(v);
		struct pb_err why = {{0}};
		if (pb_exp_alloc_axis(c, v, 1, ax) ||
		    parse_scalar(c, p, key, v, &ax->values[0]))
			return PB_ERROR;
		if (pb_value_from_items(p, &one, 1, c->arena, &ax->values[0],
					&why))
			return pb_exp_fail_at(c, v, "%s: %s", p->name, why.msg);
		return PB_OK;
	}
	n = nitems(v);
	lists = n > 0 && item(c, v, 0)->type == YAML_SEQUENCE_NODE;
	if (!lists)
		return pb_exp_alloc_axis(c, v, 1, ax) ||
		       parse_list(c, p, v, &ax->values[0]);
	if (pb_exp_alloc_axis(c, v, n, ax))
		return PB_ERROR;
	for (size_t k = 0; k < n; k++) {
		yaml_node_t *e = item(c, v, k);
		if (e->type != YAML_SEQUENCE_NODE)
			return pb_exp_fail_at(
			    c, e,
			    "%s: a list of lists holds %s; expected "
			    "a list of values (one value) or a list "
			    "of lists (an axis)",
			    p->name, pb_yaml_kind(e));
		if (pb_exp_spend(c, e, 1) ||
		    parse_list(c, p, e, &ax->values[k]))
			return PB_ERROR;
	}
	return check_distinct(c, p, v, ax);
}

/* The axis of parameter p written as v under key. */
int pb_exp_parse_axis(struct ctx *c, const struct pb_param *p,
		      const yaml_node_t *key, const yaml_node_t *v,
		      struct pb_axis *ax)
{
	char want[256];

	ax->mark = mark_of(at(key, v));
	if (v->type == YAML_MAPPING_NODE)
		return pb_exp_fail_at(
		    c, v,
		    "%s is a mapping; expected %s, or a list of "
		    "them (an axis)",
		    p->name, describe(p, want, sizeof(want)));
	if (is_list_type(p->type))
		return list_axis(c, p, key, v, ax);
	return scalar_axis(c, p, key, v, ax);
}

/* The one-value axis of p's default; fails when p is required. */
int pb_exp_default_axis(struct ctx *c, const struct pb_param *p,
			const struct pb_plugin *plugin, struct pb_mark where,
			struct pb_axis *ax)
{
	struct pb_err why = {{0}};
	char want[256];

	ax->mark = (struct pb_mark){0, 0};
	ax->n = 1;
	ax->values = pb_arena_alloc(c->arena, sizeof(*ax->values));
	if (!ax->values)
		return pb_exp_fail_mark(c, where, "out of memory");
	if (!p->default_value)
		return pb_exp_fail_mark(
		    c, where,
		    "%s '%s' needs parameter '%s' (%s); expected "
		    "it under '%s'",
		    pb_exp_kind_name(plugin->kind), plugin->name, p->name,
		    describe(p, want, sizeof(want)),
		    plugin->kind == PB_KIND_WORKLOAD ? "params:"
						     : "strategy_params:");
	if (pb_value_default(p, c->arena, &ax->values[0], &why))
		return pb_exp_fail_mark(
		    c, where, "%s '%s': %s; expected a valid default",
		    pb_exp_kind_name(plugin->kind), plugin->name, why.msg);
	return PB_OK;
}

/* A single typed value of key (repetitions, seed ...). */
int pb_exp_parse_setting(struct ctx *c, const struct pb_param *p,
			 const yaml_node_t *key, const yaml_node_t *v,
			 struct pb_value *out)
{
	char want[256];

	if (v->type != YAML_SCALAR_NODE)
		return pb_exp_fail_at(c, v, "%s is %s; expected %s", p->name,
				      pb_yaml_kind(v),
				      describe(p, want, sizeof(want)));
	return parse_scalar(c, p, key, v, out);
}
