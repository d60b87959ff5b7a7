/*
 * experiment_params.c — workload and strategy parameters of an experiment.
 *
 * Once an experiment's plugins are known, collects the params and
 * strategy_params written in its entry and at the top level, checks them
 * against the plugins' parameter tables and resolves each parameter to
 * an axis: entry over top level over the plugin's default.
 */
#include "experiment_int.h"
#include "lib/suggest.h"
#include "plugin/value.h"

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
	if (pb_exp_expect_mapping(c, l->key[K_PARAMS], map, "{samples: 1e6}"))
		return PB_ERROR;
	seen = pb_arena_alloc(c->arena, (w->nparams + 1) * sizeof(*seen));
	if (!seen)
		return pb_exp_fail_at(c, map, "out of memory");
	FOR_PAIRS(pair, map)
	{
		yaml_node_t *k, *v;
		if (pb_exp_pair_nodes(c, pair, &k, &v))
			return PB_ERROR;
		int i = pb_exp_param_index(w, text(k));
		if (i < 0)
			return pb_exp_unknown_param(c, k, w);
		if (seen[i])
			return pb_exp_duplicate_key(c, k, seen[i]);
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
	if (pb_exp_alloc_axis(c, seed, 1, ax))
		return PB_ERROR;
	if (pb_value_parse(p, num, c->arena, &ax->values[0], &why))
		return pb_exp_fail_at(
		    c, seed,
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

int pb_exp_resolve_wparams(struct ctx *c, const struct source *s,
			   struct pb_experiment *e)
{
	const struct pb_plugin *w = e->workload;
	size_t n = w->nparams + 1;
	yaml_node_t **keys = pb_arena_alloc(c->arena, n * sizeof(*keys));
	yaml_node_t **vals = pb_arena_alloc(c->arena, n * sizeof(*vals));
	yaml_node_t *sk = NULL, *sv = NULL;
	bool own, has_seed = pb_exp_pick(s, K_SEED, &sk, &sv, &own);

	e->wparams = pb_arena_alloc(c->arena, n * sizeof(*e->wparams));
	if (!keys || !vals || !e->wparams)
		return pb_exp_fail_mark(c, e->mark, "out of memory");
	if ((top_params_apply(s) && collect_params(c, s->top, w, keys, vals)) ||
	    (s->entry && collect_params(c, s->entry, w, keys, vals)))
		return PB_ERROR;
	for (size_t k = 0; k < w->nparams; k++) {
		const struct pb_param *p = &w->params[k];
		int rc;
		if (vals[k])
			rc = pb_exp_parse_axis(c, p, keys[k], vals[k],
					       &e->wparams[k]);
		else if (has_seed && strcmp(p->name, "seed") == 0)
			rc = seed_axis(c, p, sv, e, &e->wparams[k]);
		else
			rc = pb_exp_default_axis(c, p, w, e->mark,
						 &e->wparams[k]);
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

	if (!s && pb_exp_owner_of(c, PB_KIND_STRATEGY, text(k)))
		return pb_exp_fail_at(c, v,
				      "strategy parameter '%s' is a mapping; "
				      "expected a value or a list of values",
				      text(k));
	if (!s)
		return pb_exp_unknown_plugin(c, PB_KIND_STRATEGY, k,
					     " in strategy_params");
	pb_exp_strategy_list(e, list, sizeof(list));
	if (own && !pb_exp_uses_strategy(e, s))
		return pb_exp_fail_at(
		    c, k,
		    "strategy_params names strategy '%s', which is "
		    "not in strategies (%s); expected one of the "
		    "listed strategies",
		    s->name, list);
	if (pb_exp_spend(c, v, npairs(v) + 1))
		return PB_ERROR;
	FOR_PAIRS(pair, v)
	{
		yaml_node_t *pk, *pv;
		if (pb_exp_pair_nodes(c, pair, &pk, &pv))
			return PB_ERROR;
		if (pb_exp_param_index(s, text(pk)) < 0)
			return pb_exp_unknown_param(c, pk, s);
		FOR_PAIRS(prev, v)
		{
			if (prev == pair)
				break;
			yaml_node_t *q = pb_yaml_node(c->doc, prev->key);
			if (strcmp(text(q), text(pk)) == 0)
				return pb_exp_duplicate_key(c, pk, q);
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
		if (p->kind == PB_KIND_STRATEGY &&
		    pb_exp_param_index(p, name) >= 0)
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

	pb_exp_strategy_list(e, list, sizeof(list));
	pb_yaml_clip(text(k), clip, sizeof(clip));
	owners(c, text(k), who, sizeof(who));
	if (who[0])
		return pb_exp_fail_at(
		    c, k,
		    "none of the strategies %s has a parameter "
		    "'%s' (it belongs to %s); expected a parameter "
		    "of a listed strategy",
		    list, clip, who);
	for (size_t j = 0; j < e->nstrategies; j++)
		cap += e->strategies[j].plugin->nparams;
	names = pb_arena_alloc(c->arena, cap * sizeof(*names));
	if (!names)
		return pb_exp_fail_at(c, k, "out of memory");
	for (size_t j = 0; j < e->nstrategies; j++)
		for (size_t q = 0; q < e->strategies[j].plugin->nparams; q++)
			names[n++] = e->strategies[j].plugin->params[q].name;
	pb_suggest_hint(text(k), names, n, hint, sizeof(hint));
	return pb_exp_fail_at(
	    c, k, "unknown strategy parameter '%s' (strategies: %s); %s", clip,
	    list, hint);
}

/* `schedule: dynamic`: a parameter for every listed strategy that has it. */
static int sp_flat(struct ctx *c, bool own, const yaml_node_t *k,
		   const yaml_node_t *v, const struct pb_experiment *e,
		   struct sp_entry *out)
{
	const struct pb_plugin *s =
	    pb_registry_find(c->reg, PB_KIND_STRATEGY, text(k));
	const struct pb_plugin *owner =
	    pb_exp_owner_of(c, PB_KIND_STRATEGY, text(k));
	bool listed = false;

	if (s && !owner)
		return pb_exp_fail_at(
		    c, at(k, v),
		    "strategy_params: '%s' is %s; expected a "
		    "mapping of its parameters such as {name: "
		    "value}",
		    s->name, pb_yaml_kind(v));
	for (size_t j = 0; j < e->nstrategies && !listed; j++)
		listed =
		    pb_exp_param_index(e->strategies[j].plugin, text(k)) >= 0;
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
	if (pb_exp_expect_mapping(c, l->key[K_STRATEGY_PARAMS], map,
				  "{pthreads: {chunk: 4}}"))
		return PB_ERROR;
	out->items =
	    pb_arena_alloc(c->arena, (npairs(map) + 1) * sizeof(*out->items));
	if (!out->items)
		return pb_exp_fail_at(c, map, "out of memory");
	FOR_PAIRS(pair, map)
	{
		struct sp_entry *it = &out->items[out->n];
		if (pb_exp_pair_nodes(c, pair, &it->key, &it->val))
			return PB_ERROR;
		for (size_t j = 0; j < out->n; j++)
			if (strcmp(text(out->items[j].key), text(it->key)) == 0)
				return pb_exp_duplicate_key(c, it->key,
							    out->items[j].key);
		if (it->val->type == YAML_MAPPING_NODE
			? sp_per_strategy(c, l->own, it->key, it->val, e, it)
			: sp_flat(c, l->own, it->key, it->val, e, it))
			return PB_ERROR;
		out->n++;
	}
	return PB_OK;
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
		return pb_exp_fail_mark(c, where, "out of memory");
	for (size_t k = 0; k < s->nparams; k++) {
		const struct pb_param *p = &s->params[k];
		yaml_node_t *key = NULL,
			    *v = sp_find(c, entry, s, p->name, &key);
		int rc;
		if (!v)
			v = sp_find(c, top, s, p->name, &key);
		rc = v ? pb_exp_parse_axis(c, p, key, v, &use->params[k])
		       : pb_exp_default_axis(c, p, s, where, &use->params[k]);
		if (rc)
			return PB_ERROR;
	}
	return PB_OK;
}

int pb_exp_resolve_sparams(struct ctx *c, const struct source *s,
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
