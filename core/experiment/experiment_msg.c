/*
 * experiment_msg.c — located failures of the experiment loader.
 *
 * Every message the loader gives goes through pb_exp_fail_at() or
 * pb_exp_fail_mark(), which prefix it with path:line:column. The rest
 * are the checks shared by the readers, each failing with its own
 * message: the work budget, plugin and parameter lookups (with their
 * "did you mean" hints), and the shape of mappings and their keys.
 */
#include <stdarg.h>

#include "experiment_int.h"
#include "lib/suggest.h"

/* ---- Messages ---------------------------------------------------------- */

/* Keeps an error in c->errs (once: shared keys are read per entry). */
static void keep(struct pb_exp_errors *errs, unsigned line, unsigned column,
		 const struct pb_err *e)
{
	size_t k;

	for (k = 0; k < errs->n; k++)
		if (errs->items[k].line == line &&
		    errs->items[k].column == column &&
		    strcmp(errs->items[k].err.msg, e->msg) == 0)
			return;
	errs->total++;
	/* Keep the first PB_EXP_MAX_ERRORS in line order. */
	for (k = errs->n; k > 0; k--) {
		const struct pb_exp_error *p = &errs->items[k - 1];
		if (p->line < line || (p->line == line && p->column <= column))
			break;
	}
	if (k == PB_EXP_MAX_ERRORS)
		return;
	size_t last =
	    errs->n < PB_EXP_MAX_ERRORS ? errs->n : PB_EXP_MAX_ERRORS - 1;
	memmove(&errs->items[k + 1], &errs->items[k],
		(last - k) * sizeof(errs->items[0]));
	errs->items[k] = (struct pb_exp_error){line, column, *e};
	if (errs->n < PB_EXP_MAX_ERRORS)
		errs->n++;
}

/* Records a located error: the first in c->err, each in c->errs. */
static int fail(struct ctx *c, unsigned line, unsigned column, const char *msg)
{
	struct pb_err e = {{0}};

	pb_yaml_fail(&e, c->path, line, column, "%s", msg);
	if (c->nfail++ == 0)
		*c->err = e;
	if (c->errs)
		keep(c->errs, line, column, &e);
	return PB_ERROR;
}

int pb_exp_fail_at(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[PB_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail(c, (unsigned)n->start_mark.line + 1,
		    (unsigned)n->start_mark.column + 1, msg);
}

int pb_exp_fail_mark(struct ctx *c, struct pb_mark m, const char *fmt, ...)
{
	char msg[PB_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail(c, m.line, m.column, msg);
}

/* Charges units of work; fails once the budget is spent. */
int pb_exp_spend(struct ctx *c, const yaml_node_t *n, size_t units)
{
	if (units <= c->budget) {
		c->budget -= units;
		return PB_OK;
	}
	c->budget = 0; /* spent: everything after fails at once */
	return pb_exp_fail_at(c, n,
			      "the file expands to more than %u values (values "
			      "shared by many entries, or aliases); expected a "
			      "smaller experiment file",
			      WORK_BUDGET);
}

/* ---- Plugins ----------------------------------------------------------- */

const char *pb_exp_kind_name(enum pb_kind kind)
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

/*
 * What follows an unknown plugin's name: why a file that looks like it did
 * not load, or where parabench looked and how to add a folder.
 */
static const char *where_looked(struct ctx *c, const char *name, char *buf,
				size_t len)
{
	const struct pb_broken *b = pb_registry_broken_for(c->reg, name);
	char dirs[1024];

	if (b) {
		snprintf(buf, len, "; it did not load: %.900s", b->msg);
		return buf;
	}
	pb_registry_searched(c->reg, dirs, sizeof(dirs));
	snprintf(buf, len,
		 "; searched: %.700s; add a folder with --plugin-dir DIR or "
		 "PARABENCH_PLUGIN_PATH=DIR:DIR",
		 dirs[0] ? dirs : "(no plugin folder)");
	return buf;
}

int pb_exp_unknown_plugin(struct ctx *c, enum pb_kind kind,
			  const yaml_node_t *n, const char *where)
{
	char list[512], clip[64], looked[PB_ERR_MAX];
	size_t count;
	const char **names = plugin_names(c, kind, &count);
	const char *close = names ? pb_suggest(text(n), names, count) : NULL;

	where_looked(c, text(n), looked, sizeof(looked));
	pb_registry_names(c->reg, kind, list, sizeof(list));
	if (!list[0])
		return pb_exp_fail_at(c, n,
				      "unknown %s '%s'%s; expected a %s "
				      "plugin, but none is loaded%s",
				      pb_exp_kind_name(kind),
				      pb_yaml_clip(text(n), clip, 64), where,
				      pb_exp_kind_name(kind), looked);
	if (close)
		return pb_exp_fail_at(c, n,
				      "unknown %s '%s'%s; did you mean '%s'? "
				      "(available: %s)%s",
				      pb_exp_kind_name(kind),
				      pb_yaml_clip(text(n), clip, 64), where,
				      close, list, looked);
	return pb_exp_fail_at(c, n, "unknown %s '%s'%s; expected one of: %s%s",
			      pb_exp_kind_name(kind),
			      pb_yaml_clip(text(n), clip, 64), where, list,
			      looked);
}

/* The plugin of that kind named by scalar v (under key). */
int pb_exp_find_plugin(struct ctx *c, enum pb_kind kind, const yaml_node_t *key,
		       const yaml_node_t *v, const struct pb_plugin **out)
{
	char list[512];

	if (v->type != YAML_SCALAR_NODE || pb_yaml_is_null(v)) {
		pb_registry_names(c->reg, kind, list, sizeof(list));
		return pb_exp_fail_at(
		    c, at(key, v),
		    "%s is %s; expected the name of a %s plugin, "
		    "one of: %s",
		    key ? text(key) : "an element", pb_yaml_kind(v),
		    pb_exp_kind_name(kind), list);
	}
	*out = pb_registry_find(c->reg, kind, text(v));
	return *out ? PB_OK : pb_exp_unknown_plugin(c, kind, v, "");
}

int pb_exp_param_index(const struct pb_plugin *p, const char *name)
{
	for (size_t k = 0; k < p->nparams; k++)
		if (strcmp(p->params[k].name, name) == 0)
			return (int)k;
	return -1;
}

int pb_exp_unknown_param(struct ctx *c, const yaml_node_t *k,
			 const struct pb_plugin *p)
{
	const char **names =
	    pb_arena_alloc(c->arena, (p->nparams + 1) * sizeof(*names));
	char hint[512], clip[64];

	if (!names)
		return pb_exp_fail_at(c, k, "out of memory");
	if (p->nparams == 0)
		return pb_exp_fail_at(c, k,
				      "unknown parameter '%s': %s '%s' has no "
				      "parameters; expected none",
				      pb_yaml_clip(text(k), clip, 64),
				      pb_exp_kind_name(p->kind), p->name);
	for (size_t j = 0; j < p->nparams; j++)
		names[j] = p->params[j].name;
	pb_suggest_hint(text(k), names, p->nparams, hint, sizeof(hint));
	return pb_exp_fail_at(c, k, "unknown parameter '%s' of %s '%s'; %s",
			      pb_yaml_clip(text(k), clip, 64),
			      pb_exp_kind_name(p->kind), p->name, hint);
}

/* The first loaded plugin of kind with a parameter called name, or NULL. */
const struct pb_plugin *pb_exp_owner_of(struct ctx *c, enum pb_kind kind,
					const char *name)
{
	for (size_t k = 0; k < c->reg->n; k++) {
		const struct pb_plugin *p = c->reg->items[k].plugin;
		if (p->kind == kind && pb_exp_param_index(p, name) >= 0)
			return p;
	}
	return NULL;
}

/* ---- Mappings ---------------------------------------------------------- */

/* Checks that v (the value of key, NULL for the document) is a mapping. */
int pb_exp_expect_mapping(struct ctx *c, const yaml_node_t *key,
			  const yaml_node_t *v, const char *example)
{
	if (v->type == YAML_MAPPING_NODE)
		return pb_exp_spend(c, v, npairs(v) + 1);
	return pb_exp_fail_at(
	    c, at(key, v), "%s is %s; expected a mapping such as %s",
	    key ? text(key) : "the document", pb_yaml_kind(v), example);
}

/* A key must be a non-empty plain value. */
static int check_key(struct ctx *c, const yaml_node_t *k)
{
	if (k->type == YAML_SCALAR_NODE && !pb_yaml_is_null(k))
		return PB_OK;
	return pb_exp_fail_at(c, k,
			      "a key that is %s; expected a name such as '%s'",
			      pb_yaml_kind(k), "workers");
}

int pb_exp_duplicate_key(struct ctx *c, const yaml_node_t *k,
			 const yaml_node_t *first)
{
	char clip[64];

	return pb_exp_fail_at(
	    c, k,
	    "duplicate key '%s' (first at line %u); expected each "
	    "key once",
	    pb_yaml_clip(text(k), clip, 64),
	    (unsigned)first->start_mark.line + 1);
}

/* A pair of a mapping: its key (checked) and its value. */
int pb_exp_pair_nodes(struct ctx *c, const yaml_node_pair_t *pair,
		      yaml_node_t **k, yaml_node_t **v)
{
	*k = pb_yaml_node(c->doc, pair->key);
	*v = pb_yaml_node(c->doc, pair->value);
	return check_key(c, *k);
}
