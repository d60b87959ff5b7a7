/*
 * experiment.c — experiment files: YAML text to validated experiments.
 *
 * The format (every key optional unless marked required):
 *
 *   name: pi-scaling          # [A-Za-z0-9_.-]+, at most 100 characters, not
 *                             # only dots; default: the file's base name
 *                             # without .yaml/.yml, other characters -> '_'
 *   description: Monte Carlo  # any text; default ""
 *   repetitions: 5            # 1..100000, default 3
 *   warmup: 1                 # 0..1000, default 1
 *   baseline: {strategy: serial, workers: 1}   # the default; the strategy
 *                             # must be a loaded plugin; when written for
 *                             # this experiment, it must be in `strategies`
 *                             # (and `workers` in `workers`)
 *   workload: pi              # REQUIRED: a workload plugin
 *   params:                   # the workload's parameters
 *     samples: [1e8, 1e9]     #   a list is a matrix axis
 *     tasks: 64
 *   strategies: [serial, pthreads]   # REQUIRED; a single name is a list of one
 *   strategy_params:          # either per strategy ...
 *     pthreads: {chunk: [1, 8]}
 *     schedule: dynamic       # ... or flat: for every listed strategy that
 *                             # has the parameter (an error if none has it)
 *   workers: [1, 2, 4]        # 1..4096 each, default [1]
 *   timeout: 2m               # per cell; 0 (the default) = none
 *   seed: 42                  # 0..2^63-1, default 1; when written, it also
 *                             # fills a workload parameter named `seed`
 *                             # that params leaves unset
 *   fit_oversubscribed: false # true/false, yes/no, on/off
 *   experiments:              # several experiments sharing the keys above
 *     - name: small           # default name: <top name>-<1-based index>
 *       params: {samples: 1e6}
 *     - name: big
 *
 * Rules:
 *   - Each entry of `experiments` may set any key but `experiments`. Its
 *     params and strategy_params override the top level's parameter by
 *     parameter; every other key replaces the top level's. An entry that
 *     names a workload other than the top level's does not inherit the top
 *     level's params (they belong to the top level's workload). Precedence of a
 *     strategy parameter: entry per-strategy, entry flat, top per-strategy,
 *     top flat, the plugin's default. Without `experiments` the top level
 *     is the one experiment.
 *   - Shared top-level keys are checked on their own, and against each
 *     experiment's plugins once merged; the "must be listed" checks
 *     (strategy_params naming an unlisted strategy, flat parameters no
 *     listed strategy has, baseline) apply only to keys written for the
 *     experiment itself, so shared defaults may name strategies an entry
 *     does not use.
 *   - A parameter value is a YAML scalar; every scalar, quoted or not, is
 *     read by the parameter's type (core/value.h), so "1e7" in quotes is
 *     still the integer 10000000. A list of scalars is an axis. For a
 *     list-typed parameter (int list, string list) a list of scalars is one
 *     value, a list of lists an axis, and a single scalar a one-element
 *     list. An axis must not be empty nor repeat a value.
 *   - An empty value (nothing, ~ or null unquoted) is an error except for
 *     `description`. YAML tags are ignored.
 *   - The whole file may expand to at most PB_MAX_CELLS cells. The text
 *     is limited as core/yaml_tree.h says: 16 MiB, one document, nesting
 *     64 deep, 262144 nodes, 64 KiB per value.
 *   - Marks: an experiment's is where its mapping starts; an axis's is
 *     where its value is written (its key when the value is empty), and
 *     {0, 0} for an axis that holds the plugin's default.
 *
 * Every failure gives exactly one message "path:line:column: what is
 * wrong; what was expected" (1-based), or "path: ..." when the file cannot
 * be read at all. The loader never prints and frees everything it made on
 * every path.
 */
#include "experiment.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cells.h"
#include "suggest.h"
#include "value.h"
#include "yaml_tree.h"

#define NAME_MAX_LEN 100
/* Steps of walking the document; bounds what aliases can multiply. */
#define WORK_BUDGET (1u << 24)

enum key {
	K_NAME,
	K_DESCRIPTION,
	K_REPETITIONS,
	K_WARMUP,
	K_BASELINE,
	K_WORKLOAD,
	K_PARAMS,
	K_STRATEGIES,
	K_STRATEGY_PARAMS,
	K_WORKERS,
	K_TIMEOUT,
	K_SEED,
	K_FIT,
	K_EXPERIMENTS,
	NKEYS
};

static const char *const key_names[NKEYS] = {
    [K_NAME] = "name",
    [K_DESCRIPTION] = "description",
    [K_REPETITIONS] = "repetitions",
    [K_WARMUP] = "warmup",
    [K_BASELINE] = "baseline",
    [K_WORKLOAD] = "workload",
    [K_PARAMS] = "params",
    [K_STRATEGIES] = "strategies",
    [K_STRATEGY_PARAMS] = "strategy_params",
    [K_WORKERS] = "workers",
    [K_TIMEOUT] = "timeout",
    [K_SEED] = "seed",
    [K_FIT] = "fit_oversubscribed",
    [K_EXPERIMENTS] = "experiments",
};

/* The experiment keys read as typed values, through value.h. */
static const struct pb_param p_repetitions = {
    .name = "repetitions", .type = PB_INT, .min = 1, .max = PB_MAX_REPETITIONS};
static const struct pb_param p_warmup = {
    .name = "warmup", .type = PB_INT, .min = 0, .max = 1000};
static const struct pb_param p_workers = {
    .name = "workers", .type = PB_INT, .min = 1, .max = PB_MAX_WORKERS};
static const struct pb_param p_timeout = {.name = "timeout",
					  .type = PB_DURATION};
static const struct pb_param p_seed = {
    .name = "seed", .type = PB_INT, .min = 0, .max = 9223372036854775807.0};
static const struct pb_param p_fit = {.name = "fit_oversubscribed",
				      .type = PB_BOOL};

struct ctx {
	const char *path;
	yaml_document_t *doc;
	const struct pb_registry *reg;
	struct pb_arena *arena;
	struct pb_err *err;
	size_t budget;
};

/* One mapping of experiment keys: the top level or an entry. */
struct layer {
	yaml_node_t *map;
	yaml_node_t *key[NKEYS], *val[NKEYS];
	bool own; /* written for this experiment, not shared defaults */
};

/* Where one experiment's keys come from: its entry over the top level. */
struct source {
	struct layer *top, *entry; /* entry: NULL without `experiments` */
	size_t index;		   /* 1-based entry number */
};

/* ---- Messages ---------------------------------------------------------- */

__attribute__((format(printf, 3, 4))) static int fail_at(struct ctx *c,
							 const yaml_node_t *n,
							 const char *fmt, ...)
{
	char msg[PB_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pb_yaml_fail(c->err, c->path, (unsigned)n->start_mark.line + 1,
			    (unsigned)n->start_mark.column + 1, "%s", msg);
}

__attribute__((format(printf, 3, 4))) static int fail_mark(struct ctx *c,
							   struct pb_mark m,
							   const char *fmt, ...)
{
	char msg[PB_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pb_yaml_fail(c->err, c->path, m.line, m.column, "%s", msg);
}

static struct pb_mark mark_of(const yaml_node_t *n)
{
	return (struct pb_mark){(unsigned)n->start_mark.line + 1,
				(unsigned)n->start_mark.column + 1};
}

/*
 * The node to point at for a value: libyaml places an empty value where
 * the next token starts, often on the next line, so point at its key.
 */
static const yaml_node_t *at(const yaml_node_t *key, const yaml_node_t *val)
{
	return key && pb_yaml_is_null(val) ? key : val;
}

static const char *text(const yaml_node_t *n)
{
	return pb_yaml_text(n);
}

/* Charges units of work; fails once the budget is spent. */
static int spend(struct ctx *c, const yaml_node_t *n, size_t units)
{
	if (units <= c->budget) {
		c->budget -= units;
		return PB_OK;
	}
	return fail_at(c, n,
		       "the file expands to more than %u values (values "
		       "shared by many entries, or aliases); expected a "
		       "smaller experiment file",
		       WORK_BUDGET);
}

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
	const char *w = (unsigned)p->type < PB_COUNT(what) && what[p->type]
			    ? what[p->type]
			    : "a value";

	if (p->type == PB_ENUM)
		snprintf(buf, len, "one of %s", p->choices ? p->choices : "");
	else if (!(p->min == 0 && p->max == 0) && p->type != PB_STRING_LIST)
		snprintf(buf, len, "%s, from %.15g to %.15g", w, p->min,
			 p->max);
	else
		snprintf(buf, len, "%s", w);
	return buf;
}

/* ---- Plugins ----------------------------------------------------------- */

static const char *kind_name(enum pb_kind kind)
{
	return kind == PB_KIND_WORKLOAD ? "workload" : "strategy";
}

/* The names of the loaded plugins of a kind, in the arena. */
static const char **plugin_names(struct ctx *c, enum pb_kind kind, size_t *n)
{
	const char **names =
	    pb_arena_alloc(c->arena, (c->reg->n + 1) * sizeof(*names));

	*n = 0;
	if (!names)
		return NULL;
	for (size_t k = 0; k < c->reg->n; k++)
		if (c->reg->items[k].plugin->kind == kind)
			names[(*n)++] = c->reg->items[k].plugin->name;
	return names;
}

static int unknown_plugin(struct ctx *c, enum pb_kind kind,
			  const yaml_node_t *n, const char *where)
{
	char list[512], clip[64];
	size_t count;
	const char **names = plugin_names(c, kind, &count);
	const char *close = names ? pb_suggest(text(n), names, count) : NULL;

	pb_registry_names(c->reg, kind, list, sizeof(list));
	if (!list[0])
		return fail_at(c, n,
			       "unknown %s '%s'%s; expected a %s plugin, but "
			       "none is loaded (check the plugin folder)",
			       kind_name(kind), pb_yaml_clip(text(n), clip, 64),
			       where, kind_name(kind));
	if (close)
		return fail_at(c, n,
			       "unknown %s '%s'%s; did you mean '%s'? "
			       "(available: %s)",
			       kind_name(kind), pb_yaml_clip(text(n), clip, 64),
			       where, close, list);
	return fail_at(c, n, "unknown %s '%s'%s; expected one of: %s",
		       kind_name(kind), pb_yaml_clip(text(n), clip, 64), where,
		       list);
}

/* The plugin of that kind named by scalar v (under key). */
static int find_plugin(struct ctx *c, enum pb_kind kind, const yaml_node_t *key,
		       const yaml_node_t *v, const struct pb_plugin **out)
{
	char list[512];

	if (v->type != YAML_SCALAR_NODE || pb_yaml_is_null(v)) {
		pb_registry_names(c->reg, kind, list, sizeof(list));
		return fail_at(c, at(key, v),
			       "%s is %s; expected the name of a %s plugin, "
			       "one of: %s",
			       key ? text(key) : "an element", pb_yaml_kind(v),
			       kind_name(kind), list);
	}
	*out = pb_registry_find(c->reg, kind, text(v));
	return *out ? PB_OK : unknown_plugin(c, kind, v, "");
}

static int param_index(const struct pb_plugin *p, const char *name)
{
	for (size_t k = 0; k < p->nparams; k++)
		if (strcmp(p->params[k].name, name) == 0)
			return (int)k;
	return -1;
}

static int unknown_param(struct ctx *c, const yaml_node_t *k,
			 const struct pb_plugin *p)
{
	const char **names =
	    pb_arena_alloc(c->arena, (p->nparams + 1) * sizeof(*names));
	char hint[512], clip[64];

	if (!names)
		return fail_at(c, k, "out of memory");
	if (p->nparams == 0)
		return fail_at(c, k,
			       "unknown parameter '%s': %s '%s' has no "
			       "parameters; expected none",
			       pb_yaml_clip(text(k), clip, 64),
			       kind_name(p->kind), p->name);
	for (size_t j = 0; j < p->nparams; j++)
		names[j] = p->params[j].name;
	pb_suggest_hint(text(k), names, p->nparams, hint, sizeof(hint));
	return fail_at(c, k, "unknown parameter '%s' of %s '%s'; %s",
		       pb_yaml_clip(text(k), clip, 64), kind_name(p->kind),
		       p->name, hint);
}

/* The first loaded plugin of kind with a parameter called name, or NULL. */
static const struct pb_plugin *owner_of(struct ctx *c, enum pb_kind kind,
					const char *name)
{
	for (size_t k = 0; k < c->reg->n; k++) {
		const struct pb_plugin *p = c->reg->items[k].plugin;
		if (p->kind == kind && param_index(p, name) >= 0)
			return p;
	}
	return NULL;
}

/* ---- Mappings ---------------------------------------------------------- */

#define FOR_PAIRS(pair, map)                                                   \
	for (yaml_node_pair_t *pair = (map)->data.mapping.pairs.start;         \
	     pair < (map)->data.mapping.pairs.top; pair++)

static size_t npairs(const yaml_node_t *map)
{
	return (size_t)(map->data.mapping.pairs.top -
			map->data.mapping.pairs.start);
}

static size_t nitems(const yaml_node_t *seq)
{
	return (size_t)(seq->data.sequence.items.top -
			seq->data.sequence.items.start);
}

static yaml_node_t *item(struct ctx *c, const yaml_node_t *seq, size_t k)
{
	return pb_yaml_node(c->doc, seq->data.sequence.items.start[k]);
}

/* Checks that v (the value of key, NULL for the document) is a mapping. */
static int expect_mapping(struct ctx *c, const yaml_node_t *key,
			  const yaml_node_t *v, const char *example)
{
	if (v->type == YAML_MAPPING_NODE)
		return spend(c, v, npairs(v) + 1);
	return fail_at(c, at(key, v), "%s is %s; expected a mapping such as %s",
		       key ? text(key) : "the document", pb_yaml_kind(v),
		       example);
}

/* A key must be a non-empty plain value. */
static int check_key(struct ctx *c, const yaml_node_t *k)
{
	if (k->type == YAML_SCALAR_NODE && !pb_yaml_is_null(k))
		return PB_OK;
	return fail_at(c, k, "a key that is %s; expected a name such as '%s'",
		       pb_yaml_kind(k), "workers");
}

static int duplicate_key(struct ctx *c, const yaml_node_t *k,
			 const yaml_node_t *first)
{
	char clip[64];

	return fail_at(c, k,
		       "duplicate key '%s' (first at line %u); expected each "
		       "key once",
		       pb_yaml_clip(text(k), clip, 64),
		       (unsigned)first->start_mark.line + 1);
}

/* A pair of a mapping: its key (checked) and its value. */
static int pair_nodes(struct ctx *c, const yaml_node_pair_t *pair,
		      yaml_node_t **k, yaml_node_t **v)
{
	*k = pb_yaml_node(c->doc, pair->key);
	*v = pb_yaml_node(c->doc, pair->value);
	return check_key(c, *k);
}

/* The value of the key called name in a checked mapping, or NULL. */
static yaml_node_t *lookup(struct ctx *c, const yaml_node_t *map,
			   const char *name, yaml_node_t **key)
{
	FOR_PAIRS(pair, map)
	{
		yaml_node_t *k = pb_yaml_node(c->doc, pair->key);
		if (strcmp(text(k), name) == 0) {
			if (key)
				*key = k;
			return pb_yaml_node(c->doc, pair->value);
		}
	}
	return NULL;
}

/* ---- Values ------------------------------------------------------------ */

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

	if (spend(c, v, 1))
		return PB_ERROR;
	if (v->type != YAML_SCALAR_NODE || pb_yaml_is_null(v))
		return fail_at(c, at(key, v), "%s is %s; expected %s", p->name,
			       pb_yaml_kind(v),
			       describe(p, want, sizeof(want)));
	if (pb_value_parse(p, text(v), c->arena, out, &why))
		return fail_at(c, v, "%s: %s", p->name, why.msg);
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
		return fail_at(c, v, "out of memory");
	for (size_t k = 0; k < n; k++) {
		yaml_node_t *e = item(c, v, k);
		if (e->type != YAML_SCALAR_NODE)
			return fail_at(c, e,
				       "%s: an element of the list is %s; "
				       "expected a list of values such as [a, "
				       "b], or a list of such lists (an axis)",
				       p->name, pb_yaml_kind(e));
		if (parse_scalar(c, p, NULL, e, &one))
			return PB_ERROR;
		texts[k] = text(e);
	}
	if (pb_value_from_items(p, texts, n, c->arena, out, &why))
		return fail_at(c, v, "%s: %s", p->name, why.msg);
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
		return fail_at(c, seq, "out of memory");
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
	return fail_at(c, b,
		       "%s: %s repeats the value at line %u, column %u; "
		       "expected distinct values in an axis",
		       p->name,
		       b->type == YAML_SCALAR_NODE
			   ? pb_yaml_clip(text(b), clip, 64)
			   : "this list",
		       (unsigned)a->start_mark.line + 1,
		       (unsigned)a->start_mark.column + 1);
}

static int alloc_axis(struct ctx *c, const yaml_node_t *v, size_t n,
		      struct pb_axis *ax)
{
	ax->n = n;
	ax->values =
	    pb_arena_alloc(c->arena, (n ? n : 1) * sizeof(*ax->values));
	return ax->values ? PB_OK : fail_at(c, v, "out of memory");
}

static int empty_axis(struct ctx *c, const struct pb_param *p,
		      const yaml_node_t *v)
{
	char want[256];

	return fail_at(c, v,
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
		return alloc_axis(c, v, 1, ax) ||
		       parse_scalar(c, p, key, v, &ax->values[0]);
	n = nitems(v);
	if (n == 0)
		return empty_axis(c, p, v);
	if (alloc_axis(c, v, n, ax))
		return PB_ERROR;
	for (size_t k = 0; k < n; k++) {
		yaml_node_t *e = item(c, v, k);
		if (e->type != YAML_SCALAR_NODE) {
			char want[256];
			return fail_at(c, e,
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
		if (alloc_axis(c, v, 1, ax) ||
		    parse_scalar(c, p, key, v, &ax->values[0]))
			return PB_ERROR;
		if (pb_value_from_items(p, &one, 1, c->arena, &ax->values[0],
					&why))
			return fail_at(c, v, "%s: %s", p->name, why.msg);
		return PB_OK;
	}
	n = nitems(v);
	lists = n > 0 && item(c, v, 0)->type == YAML_SEQUENCE_NODE;
	if (!lists)
		return alloc_axis(c, v, 1, ax) ||
		       parse_list(c, p, v, &ax->values[0]);
	if (alloc_axis(c, v, n, ax))
		return PB_ERROR;
	for (size_t k = 0; k < n; k++) {
		yaml_node_t *e = item(c, v, k);
		if (e->type != YAML_SEQUENCE_NODE)
			return fail_at(c, e,
				       "%s: a list of lists holds %s; expected "
				       "a list of values (one value) or a list "
				       "of lists (an axis)",
				       p->name, pb_yaml_kind(e));
		if (spend(c, e, 1) || parse_list(c, p, e, &ax->values[k]))
			return PB_ERROR;
	}
	return check_distinct(c, p, v, ax);
}

/* The axis of parameter p written as v under key. */
static int parse_axis(struct ctx *c, const struct pb_param *p,
		      const yaml_node_t *key, const yaml_node_t *v,
		      struct pb_axis *ax)
{
	char want[256];

	ax->mark = mark_of(at(key, v));
	if (v->type == YAML_MAPPING_NODE)
		return fail_at(c, v,
			       "%s is a mapping; expected %s, or a list of "
			       "them (an axis)",
			       p->name, describe(p, want, sizeof(want)));
	if (is_list_type(p->type))
		return list_axis(c, p, key, v, ax);
	return scalar_axis(c, p, key, v, ax);
}

/* The one-value axis of p's default; fails when p is required. */
static int default_axis(struct ctx *c, const struct pb_param *p,
			const struct pb_plugin *plugin, struct pb_mark where,
			struct pb_axis *ax)
{
	struct pb_err why = {{0}};
	char want[256];

	ax->mark = (struct pb_mark){0, 0};
	ax->n = 1;
	ax->values = pb_arena_alloc(c->arena, sizeof(*ax->values));
	if (!ax->values)
		return fail_mark(c, where, "out of memory");
	if (!p->default_value)
		return fail_mark(c, where,
				 "%s '%s' needs parameter '%s' (%s); expected "
				 "it under '%s'",
				 kind_name(plugin->kind), plugin->name, p->name,
				 describe(p, want, sizeof(want)),
				 plugin->kind == PB_KIND_WORKLOAD
				     ? "params:"
				     : "strategy_params:");
	if (pb_value_default(p, c->arena, &ax->values[0], &why))
		return fail_mark(
		    c, where, "%s '%s': %s; expected a valid default",
		    kind_name(plugin->kind), plugin->name, why.msg);
	return PB_OK;
}

/* A single typed value of key (repetitions, seed ...). */
static int parse_setting(struct ctx *c, const struct pb_param *p,
			 const yaml_node_t *key, const yaml_node_t *v,
			 struct pb_value *out)
{
	char want[256];

	if (v->type != YAML_SCALAR_NODE)
		return fail_at(c, v, "%s is %s; expected %s", p->name,
			       pb_yaml_kind(v),
			       describe(p, want, sizeof(want)));
	return parse_scalar(c, p, key, v, out);
}

/* ---- Experiment keys --------------------------------------------------- */

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NAME_MAX_LEN || strspn(s, ".") == n)
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789_.-") == n;
}

static int read_name(struct ctx *c, yaml_node_t *key, yaml_node_t *v, bool own,
		     struct pb_experiment *e)
{
	char clip[64];

	(void)own;
	if (v->type != YAML_SCALAR_NODE || pb_yaml_is_null(v))
		return fail_at(c, at(key, v),
			       "name is %s; expected a name of letters, "
			       "digits, '_', '.' and '-'",
			       pb_yaml_kind(v));
	if (!valid_name(text(v)))
		return fail_at(c, v,
			       "invalid name '%s'; expected 1 to %d letters, "
			       "digits, '_', '.' or '-' (not only dots)",
			       pb_yaml_clip(text(v), clip, 64), NAME_MAX_LEN);
	e->name = pb_arena_strdup(c->arena, text(v));
	return e->name ? PB_OK : fail_at(c, v, "out of memory");
}

static int read_description(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			    bool own, struct pb_experiment *e)
{
	(void)own;
	(void)key;
	if (v->type != YAML_SCALAR_NODE)
		return fail_at(c, v, "description is %s; expected a text",
			       pb_yaml_kind(v));
	e->description =
	    pb_yaml_is_null(v) ? "" : pb_arena_strdup(c->arena, text(v));
	return e->description ? PB_OK : fail_at(c, v, "out of memory");
}

static int read_repetitions(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			    bool own, struct pb_experiment *e)
{
	struct pb_value x;

	(void)own;
	if (parse_setting(c, &p_repetitions, key, v, &x))
		return PB_ERROR;
	e->repetitions = (unsigned)x.u.i;
	return PB_OK;
}

static int read_warmup(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
		       bool own, struct pb_experiment *e)
{
	struct pb_value x;

	(void)own;
	if (parse_setting(c, &p_warmup, key, v, &x))
		return PB_ERROR;
	e->warmup = (unsigned)x.u.i;
	return PB_OK;
}

static int read_timeout(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			bool own, struct pb_experiment *e)
{
	struct pb_value x;

	(void)own;
	if (parse_setting(c, &p_timeout, key, v, &x))
		return PB_ERROR;
	e->timeout_s = x.u.f;
	return PB_OK;
}

static int read_seed(struct ctx *c, yaml_node_t *key, yaml_node_t *v, bool own,
		     struct pb_experiment *e)
{
	struct pb_value x;

	(void)own;
	if (parse_setting(c, &p_seed, key, v, &x))
		return PB_ERROR;
	e->seed = (uint64_t)x.u.i;
	return PB_OK;
}

static int read_fit(struct ctx *c, yaml_node_t *key, yaml_node_t *v, bool own,
		    struct pb_experiment *e)
{
	struct pb_value x;

	(void)own;
	if (parse_setting(c, &p_fit, key, v, &x))
		return PB_ERROR;
	e->fit_oversubscribed = x.u.b;
	return PB_OK;
}

static int read_workload(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			 bool own, struct pb_experiment *e)
{
	(void)own;
	return find_plugin(c, PB_KIND_WORKLOAD, key, v, &e->workload);
}

/* Adds strategy element v of `strategies`; a repeat is an error. */
static int add_strategy(struct ctx *c, const yaml_node_t *key,
			const yaml_node_t *v, struct pb_experiment *e)
{
	const struct pb_plugin *p;

	if (spend(c, v, 1) || find_plugin(c, PB_KIND_STRATEGY, key, v, &p))
		return PB_ERROR;
	for (size_t k = 0; k < e->nstrategies; k++)
		if (e->strategies[k].plugin == p)
			return fail_at(c, v,
				       "strategies: '%s' is listed twice; "
				       "expected each strategy once",
				       p->name);
	e->strategies[e->nstrategies++].plugin = p;
	return PB_OK;
}

static int read_strategies(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			   bool own, struct pb_experiment *e)
{
	size_t n = v->type == YAML_SEQUENCE_NODE ? nitems(v) : 1;
	char list[512];

	(void)own;
	pb_registry_names(c->reg, PB_KIND_STRATEGY, list, sizeof(list));
	if (v->type == YAML_MAPPING_NODE)
		return fail_at(c, v,
			       "strategies is a mapping; expected a strategy "
			       "name or a list of them, from: %s",
			       list);
	if (n == 0)
		return fail_at(c, v,
			       "strategies is an empty list; expected at least "
			       "one strategy, from: %s",
			       list);
	e->nstrategies = 0;
	e->strategies = pb_arena_alloc(c->arena, n * sizeof(*e->strategies));
	if (!e->strategies)
		return fail_at(c, v, "out of memory");
	if (v->type == YAML_SCALAR_NODE)
		return add_strategy(c, key, v, e);
	for (size_t k = 0; k < n; k++)
		if (add_strategy(c, NULL, item(c, v, k), e))
			return PB_ERROR;
	return PB_OK;
}

static int read_workers(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			bool own, struct pb_experiment *e)
{
	struct pb_axis ax;

	(void)own;
	if (parse_axis(c, &p_workers, key, v, &ax))
		return PB_ERROR;
	e->workers = pb_arena_alloc(c->arena, ax.n * sizeof(*e->workers));
	if (!e->workers)
		return fail_at(c, v, "out of memory");
	for (size_t k = 0; k < ax.n; k++)
		e->workers[k] = (unsigned)ax.values[k].u.i;
	e->nworkers = ax.n;
	return PB_OK;
}

static void strategy_list(const struct pb_experiment *e, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < e->nstrategies && used < len; k++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 k ? ", " : "",
					 e->strategies[k].plugin->name);
}

static bool uses_strategy(const struct pb_experiment *e,
			  const struct pb_plugin *p)
{
	for (size_t k = 0; k < e->nstrategies; k++)
		if (e->strategies[k].plugin == p)
			return true;
	return false;
}

static bool uses_workers(const struct pb_experiment *e, unsigned w)
{
	for (size_t k = 0; k < e->nworkers; k++)
		if (e->workers[k] == w)
			return true;
	return false;
}

/* Checks an explicit baseline against the experiment's own matrix. */
static int check_baseline(struct ctx *c, const yaml_node_t *s,
			  const yaml_node_t *w, const struct pb_experiment *e)
{
	char list[512];
	const struct pb_plugin *p =
	    pb_registry_find(c->reg, PB_KIND_STRATEGY, e->baseline_strategy);

	strategy_list(e, list, sizeof(list));
	if (s && e->nstrategies && !uses_strategy(e, p))
		return fail_at(c, s,
			       "baseline strategy '%s' is not in strategies "
			       "(%s); expected one of them",
			       e->baseline_strategy, list);
	if (w && e->nworkers && !uses_workers(e, e->baseline_workers))
		return fail_at(c, w,
			       "baseline workers %u is not in workers; "
			       "expected one of the listed worker counts",
			       e->baseline_workers);
	return PB_OK;
}

static int read_baseline(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			 bool own, struct pb_experiment *e)
{
	static const char *const names[] = {"strategy", "workers"};
	yaml_node_t *seen[2] = {NULL, NULL}, *vals[2] = {NULL, NULL};
	const struct pb_plugin *p;
	struct pb_value x;
	char hint[256];

	if (expect_mapping(c, key, v, "{strategy: serial, workers: 1}"))
		return PB_ERROR;
	FOR_PAIRS(pair, v)
	{
		yaml_node_t *k, *val;
		if (pair_nodes(c, pair, &k, &val))
			return PB_ERROR;
		int i = strcmp(text(k), "strategy") == 0  ? 0
			: strcmp(text(k), "workers") == 0 ? 1
							  : -1;
		if (i < 0) {
			pb_suggest_hint(text(k), names, 2, hint, sizeof(hint));
			return fail_at(c, k, "unknown key '%s' in baseline; %s",
				       text(k), hint);
		}
		if (seen[i])
			return duplicate_key(c, k, seen[i]);
		seen[i] = k;
		vals[i] = val;
	}
	if (vals[0]) {
		if (find_plugin(c, PB_KIND_STRATEGY, seen[0], vals[0], &p))
			return PB_ERROR;
		e->baseline_strategy = p->name;
	}
	if (vals[1]) {
		if (parse_setting(c, &p_workers, seen[1], vals[1], &x))
			return PB_ERROR;
		e->baseline_workers = (unsigned)x.u.i;
	}
	if (!own)
		return PB_OK;
	return check_baseline(c, vals[0] ? at(seen[0], vals[0]) : NULL,
			      vals[1] ? at(seen[1], vals[1]) : NULL, e);
}

/* params and strategy_params are read once plugins are known. */
static int read_params_shape(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			     bool own, struct pb_experiment *e)
{
	(void)own;
	(void)e;
	return expect_mapping(c, key, v, "{samples: 1e6}");
}

static int read_sparams_shape(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			      bool own, struct pb_experiment *e)
{
	(void)own;
	(void)e;
	return expect_mapping(c, key, v, "{pthreads: {chunk: 4}}");
}

typedef int (*key_reader)(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			  bool own, struct pb_experiment *e);

/* The keys with a reader, in the order they are read (baseline last). */
static const struct {
	enum key key;
	key_reader read;
} readers[] = {
    {K_NAME, read_name},
    {K_DESCRIPTION, read_description},
    {K_REPETITIONS, read_repetitions},
    {K_WARMUP, read_warmup},
    {K_TIMEOUT, read_timeout},
    {K_SEED, read_seed},
    {K_FIT, read_fit},
    {K_WORKLOAD, read_workload},
    {K_PARAMS, read_params_shape},
    {K_STRATEGIES, read_strategies},
    {K_STRATEGY_PARAMS, read_sparams_shape},
    {K_WORKERS, read_workers},
    {K_BASELINE, read_baseline},
};

/* ---- Layers ------------------------------------------------------------ */

static int unknown_key(struct ctx *c, const yaml_node_t *k, bool top)
{
	char hint[512], clip[64];
	const char *name = text(k);
	const struct pb_plugin *w = owner_of(c, PB_KIND_WORKLOAD, name);
	const struct pb_plugin *s = owner_of(c, PB_KIND_STRATEGY, name);

	pb_yaml_clip(name, clip, sizeof(clip));
	if (w || s)
		return fail_at(c, k,
			       "unknown key '%s': it is a parameter of %s "
			       "'%s'; expected it under '%s'",
			       clip, kind_name(w ? w->kind : s->kind),
			       w ? w->name : s->name,
			       w ? "params:" : "strategy_params:");
	pb_suggest_hint(name, key_names, top ? NKEYS : NKEYS - 1, hint,
			sizeof(hint));
	return fail_at(c, k, "unknown key '%s'; %s", clip, hint);
}

/* Reads the keys of one mapping of experiment keys into l. */
static int read_layer(struct ctx *c, yaml_node_t *map, bool top,
		      struct layer *l)
{
	memset(l, 0, sizeof(*l));
	l->map = map;
	/* libyaml places an empty document's value after its "---". */
	if (top && pb_yaml_is_null(map))
		return pb_yaml_fail(c->err, c->path,
				    (unsigned)c->doc->start_mark.line + 1,
				    (unsigned)c->doc->start_mark.column + 1,
				    "the document is empty; expected a mapping "
				    "of experiment keys such as 'workload: "
				    "pi'");
	if (map->type != YAML_MAPPING_NODE)
		return fail_at(c, map,
			       "%s is %s; expected a mapping of experiment "
			       "keys such as 'workload: pi'",
			       top ? "the document" : "an entry of experiments",
			       pb_yaml_kind(map));
	if (spend(c, map, npairs(map) + 1))
		return PB_ERROR;
	FOR_PAIRS(pair, map)
	{
		yaml_node_t *k, *v;
		if (pair_nodes(c, pair, &k, &v))
			return PB_ERROR;
		int i = -1;
		for (int j = 0; j < NKEYS && i < 0; j++)
			if (strcmp(text(k), key_names[j]) == 0)
				i = j;
		if (i < 0)
			return unknown_key(c, k, top);
		if (i == K_EXPERIMENTS && !top)
			return fail_at(c, k,
				       "'experiments' inside an entry of "
				       "experiments; expected it at the top "
				       "level only (entries do not nest)");
		if (l->key[i])
			return duplicate_key(c, k, l->key[i]);
		l->key[i] = k;
		l->val[i] = v;
	}
	return PB_OK;
}

/* The node of key k for an experiment: its entry's, else the top's. */
static bool pick(const struct source *s, enum key k, yaml_node_t **key,
		 yaml_node_t **val, bool *own)
{
	const struct layer *l = s->entry && s->entry->key[k] ? s->entry
				: s->top->key[k]	     ? s->top
							     : NULL;

	if (!l)
		return false;
	*key = l->key[k];
	*val = l->val[k];
	*own = l->own;
	return true;
}

/* ---- Workload parameters ----------------------------------------------- */

/* Records the params of layer l (checked against workload w) in vals. */
static int collect_params(struct ctx *c, const struct layer *l,
			  const struct pb_plugin *w, yaml_node_t **keys,
			  yaml_node_t **vals)
{
	yaml_node_t *map = l->val[K_PARAMS];
	yaml_node_t **seen;

	if (!map)
		return PB_OK;
	if (expect_mapping(c, l->key[K_PARAMS], map, "{samples: 1e6}"))
		return PB_ERROR;
	seen = pb_arena_alloc(c->arena, (w->nparams + 1) * sizeof(*seen));
	if (!seen)
		return fail_at(c, map, "out of memory");
	FOR_PAIRS(pair, map)
	{
		yaml_node_t *k, *v;
		if (pair_nodes(c, pair, &k, &v))
			return PB_ERROR;
		int i = param_index(w, text(k));
		if (i < 0)
			return unknown_param(c, k, w);
		if (seen[i])
			return duplicate_key(c, k, seen[i]);
		seen[i] = keys[i] = k;
		vals[i] = v;
	}
	return PB_OK;
}

/* The experiment's seed as the value of workload parameter p. */
static int seed_axis(struct ctx *c, const struct pb_param *p,
		     const yaml_node_t *seed, const struct pb_experiment *e,
		     struct pb_axis *ax)
{
	char num[32];
	struct pb_err why = {{0}};

	snprintf(num, sizeof(num), "%llu", (unsigned long long)e->seed);
	ax->mark = mark_of(seed);
	if (alloc_axis(c, seed, 1, ax))
		return PB_ERROR;
	if (pb_value_parse(p, num, c->arena, &ax->values[0], &why))
		return fail_at(c, seed,
			       "seed: %s (the seed fills parameter 'seed' of "
			       "workload '%s')",
			       why.msg, e->workload->name);
	return PB_OK;
}

/*
 * Top-level params belong to the top-level workload: an entry that names
 * another workload starts from that workload's defaults instead.
 */
static bool top_params_apply(const struct source *s)
{
	const char *mine, *top;

	if (!s->entry || !s->entry->key[K_WORKLOAD] || !s->top->key[K_WORKLOAD])
		return true;
	mine = text(s->entry->val[K_WORKLOAD]);
	top = text(s->top->val[K_WORKLOAD]);
	return !mine || !top || strcmp(mine, top) == 0;
}

static int resolve_wparams(struct ctx *c, const struct source *s,
			   struct pb_experiment *e)
{
	const struct pb_plugin *w = e->workload;
	size_t n = w->nparams + 1;
	yaml_node_t **keys = pb_arena_alloc(c->arena, n * sizeof(*keys));
	yaml_node_t **vals = pb_arena_alloc(c->arena, n * sizeof(*vals));
	yaml_node_t *sk = NULL, *sv = NULL;
	bool own, has_seed = pick(s, K_SEED, &sk, &sv, &own);

	e->wparams = pb_arena_alloc(c->arena, n * sizeof(*e->wparams));
	if (!keys || !vals || !e->wparams)
		return fail_mark(c, e->mark, "out of memory");
	if ((top_params_apply(s) && collect_params(c, s->top, w, keys, vals)) ||
	    (s->entry && collect_params(c, s->entry, w, keys, vals)))
		return PB_ERROR;
	for (size_t k = 0; k < w->nparams; k++) {
		const struct pb_param *p = &w->params[k];
		int rc;
		if (vals[k])
			rc = parse_axis(c, p, keys[k], vals[k], &e->wparams[k]);
		else if (has_seed && strcmp(p->name, "seed") == 0)
			rc = seed_axis(c, p, sv, e, &e->wparams[k]);
		else
			rc = default_axis(c, p, w, e->mark, &e->wparams[k]);
		if (rc)
			return PB_ERROR;
	}
	return PB_OK;
}

/* ---- Strategy parameters ----------------------------------------------- */

/* One key of a strategy_params mapping. */
struct sp_entry {
	yaml_node_t *key, *val;
	const struct pb_plugin *strategy; /* per-strategy form; NULL: flat */
};

struct sp_layer {
	struct sp_entry *items;
	size_t n;
};

/* `pthreads: {chunk: 4}`: checks the strategy and its parameter names. */
static int sp_per_strategy(struct ctx *c, bool own, const yaml_node_t *k,
			   yaml_node_t *v, const struct pb_experiment *e,
			   struct sp_entry *out)
{
	const struct pb_plugin *s =
	    pb_registry_find(c->reg, PB_KIND_STRATEGY, text(k));
	char list[512];

	if (!s && owner_of(c, PB_KIND_STRATEGY, text(k)))
		return fail_at(c, v,
			       "strategy parameter '%s' is a mapping; "
			       "expected a value or a list of values",
			       text(k));
	if (!s)
		return unknown_plugin(c, PB_KIND_STRATEGY, k,
				      " in strategy_params");
	strategy_list(e, list, sizeof(list));
	if (own && !uses_strategy(e, s))
		return fail_at(c, k,
			       "strategy_params names strategy '%s', which is "
			       "not in strategies (%s); expected one of the "
			       "listed strategies",
			       s->name, list);
	if (spend(c, v, npairs(v) + 1))
		return PB_ERROR;
	FOR_PAIRS(pair, v)
	{
		yaml_node_t *pk, *pv;
		if (pair_nodes(c, pair, &pk, &pv))
			return PB_ERROR;
		if (param_index(s, text(pk)) < 0)
			return unknown_param(c, pk, s);
		FOR_PAIRS(prev, v)
		{
			if (prev == pair)
				break;
			yaml_node_t *q = pb_yaml_node(c->doc, prev->key);
			if (strcmp(text(q), text(pk)) == 0)
				return duplicate_key(c, pk, q);
		}
	}
	out->strategy = s;
	return PB_OK;
}

/* The loaded strategies with a parameter called name, comma-separated. */
static void owners(struct ctx *c, const char *name, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < c->reg->n && used < len; k++) {
		const struct pb_plugin *p = c->reg->items[k].plugin;
		if (p->kind == PB_KIND_STRATEGY && param_index(p, name) >= 0)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? ", " : "", p->name);
	}
}

/* The hint for a flat parameter that no listed strategy has. */
static int sp_not_listed(struct ctx *c, const yaml_node_t *k,
			 const struct pb_experiment *e)
{
	const char **names;
	size_t n = 0, cap = 1;
	char list[512], hint[512], clip[64], who[256];

	strategy_list(e, list, sizeof(list));
	pb_yaml_clip(text(k), clip, sizeof(clip));
	owners(c, text(k), who, sizeof(who));
	if (who[0])
		return fail_at(c, k,
			       "none of the strategies %s has a parameter "
			       "'%s' (it belongs to %s); expected a parameter "
			       "of a listed strategy",
			       list, clip, who);
	for (size_t j = 0; j < e->nstrategies; j++)
		cap += e->strategies[j].plugin->nparams;
	names = pb_arena_alloc(c->arena, cap * sizeof(*names));
	if (!names)
		return fail_at(c, k, "out of memory");
	for (size_t j = 0; j < e->nstrategies; j++)
		for (size_t q = 0; q < e->strategies[j].plugin->nparams; q++)
			names[n++] = e->strategies[j].plugin->params[q].name;
	pb_suggest_hint(text(k), names, n, hint, sizeof(hint));
	return fail_at(c, k,
		       "unknown strategy parameter '%s' (strategies: %s); %s",
		       clip, list, hint);
}

/* `schedule: dynamic`: a parameter for every listed strategy that has it. */
static int sp_flat(struct ctx *c, bool own, const yaml_node_t *k,
		   const yaml_node_t *v, const struct pb_experiment *e,
		   struct sp_entry *out)
{
	const struct pb_plugin *s =
	    pb_registry_find(c->reg, PB_KIND_STRATEGY, text(k));
	const struct pb_plugin *owner = owner_of(c, PB_KIND_STRATEGY, text(k));
	bool listed = false;

	if (s && !owner)
		return fail_at(c, at(k, v),
			       "strategy_params: '%s' is %s; expected a "
			       "mapping of its parameters such as {name: "
			       "value}",
			       s->name, pb_yaml_kind(v));
	for (size_t j = 0; j < e->nstrategies && !listed; j++)
		listed = param_index(e->strategies[j].plugin, text(k)) >= 0;
	/* Shared defaults may hold parameters of strategies not used here. */
	if (!listed && (own || !owner))
		return sp_not_listed(c, k, e);
	out->strategy = NULL;
	return PB_OK;
}

/* Checks the strategy_params of layer l and records its entries. */
static int collect_sparams(struct ctx *c, const struct layer *l,
			   const struct pb_experiment *e, struct sp_layer *out)
{
	yaml_node_t *map = l->val[K_STRATEGY_PARAMS];

	out->n = 0;
	if (!map)
		return PB_OK;
	if (expect_mapping(c, l->key[K_STRATEGY_PARAMS], map,
			   "{pthreads: {chunk: 4}}"))
		return PB_ERROR;
	out->items =
	    pb_arena_alloc(c->arena, (npairs(map) + 1) * sizeof(*out->items));
	if (!out->items)
		return fail_at(c, map, "out of memory");
	FOR_PAIRS(pair, map)
	{
		struct sp_entry *it = &out->items[out->n];
		if (pair_nodes(c, pair, &it->key, &it->val))
			return PB_ERROR;
		for (size_t j = 0; j < out->n; j++)
			if (strcmp(text(out->items[j].key), text(it->key)) == 0)
				return duplicate_key(c, it->key,
						     out->items[j].key);
		if (it->val->type == YAML_MAPPING_NODE
			? sp_per_strategy(c, l->own, it->key, it->val, e, it)
			: sp_flat(c, l->own, it->key, it->val, e, it))
			return PB_ERROR;
		out->n++;
	}
	return PB_OK;
}

/* The node that sets parameter name of strategy s in one layer, or NULL. */
static yaml_node_t *sp_find(struct ctx *c, const struct sp_layer *l,
			    const struct pb_plugin *s, const char *name,
			    yaml_node_t **key)
{
	yaml_node_t *v;

	for (size_t j = 0; j < l->n; j++)
		if (l->items[j].strategy == s &&
		    (v = lookup(c, l->items[j].val, name, key)))
			return v;
	for (size_t j = 0; j < l->n; j++)
		if (!l->items[j].strategy &&
		    strcmp(text(l->items[j].key), name) == 0) {
			*key = l->items[j].key;
			return l->items[j].val;
		}
	return NULL;
}

static int resolve_strategy(struct ctx *c, const struct sp_layer *entry,
			    const struct sp_layer *top,
			    struct pb_strategy_use *use, struct pb_mark where)
{
	const struct pb_plugin *s = use->plugin;

	use->params =
	    pb_arena_alloc(c->arena, (s->nparams + 1) * sizeof(*use->params));
	if (!use->params)
		return fail_mark(c, where, "out of memory");
	for (size_t k = 0; k < s->nparams; k++) {
		const struct pb_param *p = &s->params[k];
		yaml_node_t *key = NULL,
			    *v = sp_find(c, entry, s, p->name, &key);
		int rc;
		if (!v)
			v = sp_find(c, top, s, p->name, &key);
		rc = v ? parse_axis(c, p, key, v, &use->params[k])
		       : default_axis(c, p, s, where, &use->params[k]);
		if (rc)
			return PB_ERROR;
	}
	return PB_OK;
}

static int resolve_sparams(struct ctx *c, const struct source *s,
			   struct pb_experiment *e)
{
	struct sp_layer top = {0}, entry = {0};

	if (collect_sparams(c, s->top, e, &top) ||
	    (s->entry && collect_sparams(c, s->entry, e, &entry)))
		return PB_ERROR;
	for (size_t k = 0; k < e->nstrategies; k++)
		if (resolve_strategy(c, &entry, &top, &e->strategies[k],
				     e->mark))
			return PB_ERROR;
	return PB_OK;
}

/* ---- Experiments ------------------------------------------------------- */

/* The file's base name without .yaml/.yml, made a valid name. */
static const char *default_name(struct ctx *c)
{
	const char *base = strrchr(c->path, '/');
	size_t n;
	char *name;

	base = base ? base + 1 : c->path;
	n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".yaml") == 0)
		n -= 5;
	else if (n > 4 && strcmp(base + n - 4, ".yml") == 0)
		n -= 4;
	if (n > NAME_MAX_LEN)
		n = NAME_MAX_LEN;
	name = pb_arena_strndup(c->arena, base, n);
	if (!name)
		return NULL;
	for (char *p = name; *p; p++)
		if (!strchr(
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			"0123456789_.-",
			*p))
			*p = '_';
	return valid_name(name) ? name : "experiment";
}

static int name_experiment(struct ctx *c, const struct source *s,
			   struct pb_experiment *e)
{
	const char *base;
	char buf[NAME_MAX_LEN + 32];

	if (s->entry && s->entry->key[K_NAME])
		return PB_OK; /* read with the other keys */
	base = s->top->key[K_NAME] ? e->name : default_name(c);
	if (!base)
		return fail_mark(c, e->mark, "out of memory");
	if (!s->entry) {
		e->name = base;
		return PB_OK;
	}
	snprintf(buf, sizeof(buf), "%s-%zu", base, s->index);
	e->name = pb_arena_strdup(c->arena, buf);
	return e->name ? PB_OK : fail_mark(c, e->mark, "out of memory");
}

static int set_defaults(struct ctx *c, struct pb_experiment *e)
{
	e->description = "";
	e->repetitions = 3;
	e->warmup = 1;
	e->baseline_strategy = "serial";
	e->baseline_workers = 1;
	e->seed = 1;
	e->nworkers = 1;
	e->workers = pb_arena_alloc(c->arena, sizeof(*e->workers));
	if (!e->workers)
		return fail_mark(c, e->mark, "out of memory");
	e->workers[0] = 1;
	return PB_OK;
}

static int missing_key(struct ctx *c, const struct source *s,
		       const struct pb_experiment *e, enum key k)
{
	char list[512], in[NAME_MAX_LEN + 32] = "";
	enum pb_kind kind =
	    k == K_WORKLOAD ? PB_KIND_WORKLOAD : PB_KIND_STRATEGY;

	pb_registry_names(c->reg, kind, list, sizeof(list));
	if (s->entry)
		snprintf(in, sizeof(in), " in experiment '%s'", e->name);
	return fail_mark(c, e->mark,
			 "missing key '%s'%s; expected %s, from: %s",
			 key_names[k], in,
			 k == K_WORKLOAD ? "the name of a workload plugin"
					 : "a list of strategy plugins",
			 list[0] ? list : "(none loaded)");
}

/* Builds experiment e from its source: keys, plugins, then parameters. */
static int build(struct ctx *c, const struct source *s, struct pb_experiment *e)
{
	yaml_node_t *key, *val;
	bool own;

	e->mark = mark_of(s->entry ? s->entry->map : s->top->map);
	if (set_defaults(c, e))
		return PB_ERROR;
	for (size_t k = 0; k < PB_COUNT(readers); k++)
		if (pick(s, readers[k].key, &key, &val, &own) &&
		    readers[k].read(c, key, val, own, e))
			return PB_ERROR;
	if (name_experiment(c, s, e))
		return PB_ERROR;
	if (!e->workload)
		return missing_key(c, s, e, K_WORKLOAD);
	if (!e->nstrategies)
		return missing_key(c, s, e, K_STRATEGIES);
	return resolve_wparams(c, s, e) || resolve_sparams(c, s, e);
}

/* Checks the shared top-level keys once, whatever the entries override. */
static int check_shared(struct ctx *c, struct layer *top)
{
	struct pb_experiment scratch = {0};

	if (set_defaults(c, &scratch))
		return PB_ERROR;
	scratch.mark = mark_of(top->map);
	for (size_t k = 0; k < PB_COUNT(readers); k++) {
		enum key key = readers[k].key;
		if (top->key[key] &&
		    readers[k].read(c, top->key[key], top->val[key], false,
				    &scratch))
			return PB_ERROR;
	}
	return PB_OK;
}

static size_t add_sat(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* Refuses the experiment that takes the file beyond PB_MAX_CELLS. */
static int check_cells(struct ctx *c, const struct pb_experiment *e,
		       size_t *total)
{
	struct pb_experiment_file one = {.n = 1,
					 .items = (struct pb_experiment *)e};
	size_t n = pb_cells_count(&one);
	char count[64];

	*total = add_sat(*total, n);
	if (*total <= PB_MAX_CELLS)
		return PB_OK;
	if (n == SIZE_MAX)
		snprintf(count, sizeof(count), "more than %zu",
			 (size_t)SIZE_MAX);
	else
		snprintf(count, sizeof(count), "%zu", n);
	if (n > PB_MAX_CELLS)
		return fail_mark(c, e->mark,
				 "experiment '%s' expands to %s cells; "
				 "expected at most %d (shorten an axis)",
				 e->name, count, PB_MAX_CELLS);
	return fail_mark(c, e->mark,
			 "the experiments expand to more than %d cells, "
			 "experiment '%s' adding %s; expected at most %d in a "
			 "file (shorten an axis or split the file)",
			 PB_MAX_CELLS, e->name, count, PB_MAX_CELLS);
}

struct named {
	const char *name;
	size_t index;
};

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int d = strcmp(x->name, y->name);

	return d ? d : (x->index > y->index) - (x->index < y->index);
}

/* Refuses two experiments of one name, naming the earliest repeat. */
static int check_names(struct ctx *c, const struct pb_experiment_file *f,
		       const struct pb_mark *marks)
{
	struct named *v = pb_arena_alloc(c->arena, f->n * sizeof(*v));
	size_t dup = SIZE_MAX, first = 0;

	if (!v)
		return fail_mark(c, marks[0], "out of memory");
	for (size_t k = 0; k < f->n; k++)
		v[k] = (struct named){f->items[k].name, k};
	qsort(v, f->n, sizeof(*v), cmp_named);
	for (size_t k = 1; k < f->n; k++)
		if (strcmp(v[k - 1].name, v[k].name) == 0 &&
		    (k < 2 || strcmp(v[k - 2].name, v[k].name) != 0) &&
		    v[k].index < dup) {
			dup = v[k].index;
			first = v[k - 1].index;
		}
	if (dup == SIZE_MAX)
		return PB_OK;
	return fail_mark(c, marks[dup],
			 "experiment name '%s' is used twice (first at line "
			 "%u); expected a unique name per experiment",
			 f->items[dup].name, marks[first].line);
}

/* The mark of experiment k's name (its entry when the name is implied). */
static struct pb_mark name_mark(const struct layer *l)
{
	return mark_of(l->key[K_NAME] ? l->val[K_NAME] : l->map);
}

static int read_entries(struct ctx *c, struct layer *top,
			struct pb_experiment_file *f)
{
	yaml_node_t *list = top->val[K_EXPERIMENTS];
	struct pb_mark *marks;
	size_t n, total = 0;
	struct layer entry;

	if (list->type != YAML_SEQUENCE_NODE)
		return fail_at(c, at(top->key[K_EXPERIMENTS], list),
			       "experiments is %s; expected a list of "
			       "mappings such as [{name: small}]",
			       pb_yaml_kind(list));
	n = nitems(list);
	if (n == 0)
		return fail_at(c, list,
			       "experiments is an empty list; expected at "
			       "least one experiment");
	if (spend(c, list, n) || check_shared(c, top))
		return PB_ERROR;
	f->items = pb_arena_alloc(c->arena, n * sizeof(*f->items));
	marks = pb_arena_alloc(c->arena, n * sizeof(*marks));
	if (!f->items || !marks)
		return fail_at(c, list, "out of memory");
	for (size_t k = 0; k < n; k++) {
		struct source s = {top, &entry, k + 1};
		if (read_layer(c, item(c, list, k), false, &entry))
			return PB_ERROR;
		entry.own = true;
		if (build(c, &s, &f->items[k]) ||
		    check_cells(c, &f->items[k], &total))
			return PB_ERROR;
		marks[k] = name_mark(&entry);
		f->n = k + 1;
	}
	return check_names(c, f, marks);
}

static int read_root(struct ctx *c, yaml_node_t *root,
		     struct pb_experiment_file *f)
{
	struct layer top;
	size_t total = 0;

	if (read_layer(c, root, true, &top))
		return PB_ERROR;
	if (top.key[K_EXPERIMENTS])
		return read_entries(c, &top, f);
	top.own = true;
	f->items = pb_arena_alloc(c->arena, sizeof(*f->items));
	if (!f->items)
		return fail_at(c, root, "out of memory");
	struct source s = {&top, NULL, 0};
	if (build(c, &s, &f->items[0]) || check_cells(c, &f->items[0], &total))
		return PB_ERROR;
	f->n = 1;
	return PB_OK;
}

int pb_experiment_parse(const char *path, const char *text, size_t len,
			const struct pb_registry *reg,
			struct pb_experiment_file *out, struct pb_err *err)
{
	yaml_document_t doc;
	struct ctx c = {
	    .path = path,
	    .doc = &doc,
	    .reg = reg,
	    .arena = &out->arena,
	    .err = err,
	    .budget = WORK_BUDGET,
	};
	int rc;

	memset(out, 0, sizeof(*out));
	out->path = pb_arena_strdup(&out->arena, path);
	out->text = pb_arena_strndup(&out->arena, text, len);
	out->text_len = len;
	if (!out->path || !out->text) {
		pb_experiment_free(out);
		return pb_yaml_fail(err, path, 0, 0,
				    "out of memory reading %zu bytes; expected "
				    "a smaller file",
				    len);
	}
	c.path = out->path;
	if (pb_yaml_load(path, text, len, &doc, err)) {
		pb_experiment_free(out);
		return PB_ERROR;
	}
	rc = read_root(&c, yaml_document_get_root_node(&doc), out);
	yaml_document_delete(&doc);
	if (rc)
		pb_experiment_free(out);
	return rc;
}

/* Reads the whole file at path into a malloc'd buffer (len bytes + NUL). */
static int read_file(const char *path, char **text, size_t *len,
		     struct pb_err *err)
{
	size_t cap = 65536, n = 0;
	char *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = PB_OK;
	struct stat st;

	if (fd < 0)
		return pb_yaml_fail(err, path, 0, 0,
				    "cannot open: %s; expected a readable "
				    "experiment file",
				    strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = pb_yaml_fail(err, path, 0, 0,
				  "is a folder; expected an experiment file");
		goto out;
	}
	for (;;) {
		if (n + 1 >= cap || !buf) {
			char *grown = realloc(buf, cap *= 2);
			if (!grown) {
				rc = pb_yaml_fail(err, path, 0, 0,
						  "out of memory reading the "
						  "file; expected a smaller "
						  "file");
				goto out;
			}
			buf = grown;
		}
		ssize_t got = read(fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = pb_yaml_fail(err, path, 0, 0,
					  "cannot read: %s; expected a "
					  "readable experiment file",
					  strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > PB_YAML_MAX_BYTES) {
			rc = pb_yaml_fail(err, path, 1, 1,
					  "the file is larger than %u MiB; "
					  "expected a smaller experiment file",
					  PB_YAML_MAX_BYTES >> 20);
			goto out;
		}
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}

int pb_experiment_load(const char *path, const struct pb_registry *reg,
		       struct pb_experiment_file *out, struct pb_err *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (read_file(path, &text, &len, err))
		return PB_ERROR;
	rc = pb_experiment_parse(path, text, len, reg, out, err);
	free(text);
	return rc;
}

void pb_experiment_free(struct pb_experiment_file *f)
{
	if (!f)
		return;
	pb_arena_free(&f->arena);
	memset(f, 0, sizeof(*f));
}
