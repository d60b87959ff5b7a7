/*
 * experiment_keys.c — the experiment keys of the experiment loader.
 *
 * Reads one mapping of experiment keys (the top level or an entry of
 * `experiments`) into a layer, and holds the reader of each key (name,
 * repetitions, ..., workers, baseline) that fills a pb_experiment.
 * params and strategy_params are only checked for shape here; their
 * values are read in experiment_params.c once the plugins are known.
 */
#include "experiment_int.h"
#include "lib/suggest.h"
#include "plugin/value.h"

const char *const pb_exp_key_names[NKEYS] = {
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
    [K_ORDER] = "order",
    [K_AFFINITY] = "affinity",
    [K_COUNTERS] = "counters",
    [K_CONTENTION] = "contention",
    [K_PRECISION] = "precision",
    [K_MAX_REPETITIONS] = "max_repetitions",
    [K_MAX_TIME] = "max_time",
    [K_WAIT_IDLE] = "wait_idle",
    [K_EXPERIMENTS] = "experiments",
};

/* The experiment keys read as typed values, through value.h. */
static const struct pb_param p_repetitions = {
    .name = "repetitions", .type = PB_INT, .min = 1, .max = PB_MAX_REPETITIONS};
static const struct pb_param p_warmup = {
    .name = "warmup", .type = PB_INT, .min = 0, .max = 1000};
static const struct pb_param p_workers = {
    .name = "workers", .type = PB_INT, .min = 1, .max = PB_MAX_WORKERS};
static const struct pb_param p_timeout = {
    .name = "timeout", .type = PB_DURATION, .min = 0, .max = PB_NO_MAX};
static const struct pb_param p_seed = {
    .name = "seed", .type = PB_INT, .min = 0, .max = 9223372036854775807.0};
static const struct pb_param p_fit = {.name = "fit_oversubscribed",
				      .type = PB_BOOL};
static const struct pb_param p_precision = {
    .name = "precision", .type = PB_FLOAT, .min = 1e-9, .max = 1000};
static const struct pb_param p_max_repetitions = {
    .name = "max_repetitions", .type = PB_INT, .min = 5, .max = 10000};
static const struct pb_param p_max_time = {
    .name = "max_time", .type = PB_DURATION, .min = 0, .max = PB_NO_MAX};
static const struct pb_param p_wait_idle = {
    .name = "wait_idle", .type = PB_DURATION, .min = 0, .max = 86400};
static const struct pb_param p_contention = {
    .name = "contention", .type = PB_FLOAT, .min = 0, .max = PB_MAX_WORKERS};
static const struct pb_param p_order = {
    .name = "order", .type = PB_ENUM, .choices = "interleaved|sequential"};

/* ---- Experiment keys --------------------------------------------------- */

bool pb_exp_valid_name(const char *s)
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
		return pb_exp_fail_at(c, at(key, v),
				      "name is %s; expected a name of letters, "
				      "digits, '_', '.' and '-'",
				      pb_yaml_kind(v));
	if (!pb_exp_valid_name(text(v)))
		return pb_exp_fail_at(
		    c, v,
		    "invalid name '%s'; expected 1 to %d letters, "
		    "digits, '_', '.' or '-' (not only dots)",
		    pb_yaml_clip(text(v), clip, 64), NAME_MAX_LEN);
	e->name = pb_arena_strdup(c->arena, text(v));
	return e->name ? PB_OK : pb_exp_fail_at(c, v, "out of memory");
}

static int read_description(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			    bool own, struct pb_experiment *e)
{
	(void)own;
	(void)key;
	if (v->type != YAML_SCALAR_NODE)
		return pb_exp_fail_at(c, v,
				      "description is %s; expected a text",
				      pb_yaml_kind(v));
	e->description =
	    pb_yaml_is_null(v) ? "" : pb_arena_strdup(c->arena, text(v));
	return e->description ? PB_OK : pb_exp_fail_at(c, v, "out of memory");
}

static int read_repetitions(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			    bool own, struct pb_experiment *e)
{
	struct pb_value x;

	(void)own;
	e->repetitions_auto =
	    v->type == YAML_SCALAR_NODE && strcmp(text(v), "auto") == 0;
	if (e->repetitions_auto) {
		e->repetitions = 5;
		return PB_OK;
	}
	if (pb_exp_parse_setting(c, &p_repetitions, key, v, &x))
		return PB_ERROR;
	e->repetitions = (unsigned)x.u.i;
	return PB_OK;
}

static int read_precision(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			  bool own, struct pb_experiment *e)
{
	struct pb_value x;

	(void)own;
	if (pb_exp_parse_setting(c, &p_precision, key, v, &x))
		return PB_ERROR;
	e->precision = x.u.f;
	return PB_OK;
}

static int read_max_repetitions(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
				bool own, struct pb_experiment *e)
{
	struct pb_value x;

	(void)own;
	if (pb_exp_parse_setting(c, &p_max_repetitions, key, v, &x))
		return PB_ERROR;
	e->max_repetitions = (unsigned)x.u.i;
	return PB_OK;
}

static int read_wait_idle(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			  bool own, struct pb_experiment *e)
{
	struct pb_value x;

	(void)own;
	if (pb_exp_parse_setting(c, &p_wait_idle, key, v, &x))
		return PB_ERROR;
	e->wait_idle_s = x.u.f;
	return PB_OK;
}

static int read_max_time(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			 bool own, struct pb_experiment *e)
{
	struct pb_value x;

	(void)own;
	if (pb_exp_parse_setting(c, &p_max_time, key, v, &x))
		return PB_ERROR;
	e->max_time_s = x.u.f;
	return PB_OK;
}

static int read_warmup(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
		       bool own, struct pb_experiment *e)
{
	struct pb_value x;

	(void)own;
	if (pb_exp_parse_setting(c, &p_warmup, key, v, &x))
		return PB_ERROR;
	e->warmup = (unsigned)x.u.i;
	return PB_OK;
}

static int read_timeout(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			bool own, struct pb_experiment *e)
{
	struct pb_value x;

	(void)own;
	if (pb_exp_parse_setting(c, &p_timeout, key, v, &x))
		return PB_ERROR;
	e->timeout_s = x.u.f;
	return PB_OK;
}

static int read_seed(struct ctx *c, yaml_node_t *key, yaml_node_t *v, bool own,
		     struct pb_experiment *e)
{
	struct pb_value x;

	(void)own;
	if (pb_exp_parse_setting(c, &p_seed, key, v, &x))
		return PB_ERROR;
	e->seed = (uint64_t)x.u.i;
	return PB_OK;
}

static int read_fit(struct ctx *c, yaml_node_t *key, yaml_node_t *v, bool own,
		    struct pb_experiment *e)
{
	struct pb_value x;

	(void)own;
	if (pb_exp_parse_setting(c, &p_fit, key, v, &x))
		return PB_ERROR;
	e->fit_oversubscribed = x.u.b;
	return PB_OK;
}

static int read_order(struct ctx *c, yaml_node_t *key, yaml_node_t *v, bool own,
		      struct pb_experiment *e)
{
	struct pb_value x;

	(void)own;
	if (pb_exp_parse_setting(c, &p_order, key, v, &x))
		return PB_ERROR;
	e->order = strcmp(x.u.s, "sequential") == 0 ? PB_ORDER_SEQUENTIAL
						    : PB_ORDER_INTERLEAVED;
	return PB_OK;
}

static int read_contention(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			   bool own, struct pb_experiment *e)
{
	struct pb_value x;

	(void)own;
	if (pb_exp_parse_setting(c, &p_contention, key, v, &x))
		return PB_ERROR;
	e->contention = x.u.f;
	return PB_OK;
}

static int read_workload(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			 bool own, struct pb_experiment *e)
{
	(void)own;
	return pb_exp_find_plugin(c, PB_KIND_WORKLOAD, key, v, &e->workload);
}

/* Adds strategy element v of `strategies`; a repeat is an error. */
static int add_strategy(struct ctx *c, const yaml_node_t *key,
			const yaml_node_t *v, struct pb_experiment *e)
{
	const struct pb_plugin *p;

	if (pb_exp_spend(c, v, 1) ||
	    pb_exp_find_plugin(c, PB_KIND_STRATEGY, key, v, &p))
		return PB_ERROR;
	for (size_t k = 0; k < e->nstrategies; k++)
		if (e->strategies[k].plugin == p)
			return pb_exp_fail_at(
			    c, v,
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
		return pb_exp_fail_at(
		    c, v,
		    "strategies is a mapping; expected a strategy "
		    "name or a list of them, from: %s",
		    list);
	if (n == 0)
		return pb_exp_fail_at(
		    c, v,
		    "strategies is an empty list; expected at least "
		    "one strategy, from: %s",
		    list);
	e->nstrategies = 0;
	e->strategies = pb_arena_alloc(c->arena, n * sizeof(*e->strategies));
	if (!e->strategies)
		return pb_exp_fail_at(c, v, "out of memory");
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
	if (pb_exp_parse_axis(c, &p_workers, key, v, &ax))
		return PB_ERROR;
	e->workers = pb_arena_alloc(c->arena, ax.n * sizeof(*e->workers));
	if (!e->workers)
		return pb_exp_fail_at(c, v, "out of memory");
	for (size_t k = 0; k < ax.n; k++)
		e->workers[k] = (unsigned)ax.values[k].u.i;
	e->nworkers = ax.n;
	return PB_OK;
}

void pb_exp_strategy_list(const struct pb_experiment *e, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < e->nstrategies && used < len; k++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 k ? ", " : "",
					 e->strategies[k].plugin->name);
}

bool pb_exp_uses_strategy(const struct pb_experiment *e,
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

	pb_exp_strategy_list(e, list, sizeof(list));
	if (s && e->nstrategies && !pb_exp_uses_strategy(e, p))
		return pb_exp_fail_at(
		    c, s,
		    "baseline strategy '%s' is not in strategies "
		    "(%s); expected one of them",
		    e->baseline_strategy, list);
	if (w && e->nworkers && !uses_workers(e, e->baseline_workers))
		return pb_exp_fail_at(
		    c, w,
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

	if (pb_exp_expect_mapping(c, key, v, "{strategy: serial, workers: 1}"))
		return PB_ERROR;
	FOR_PAIRS(pair, v)
	{
		yaml_node_t *k, *val;
		if (pb_exp_pair_nodes(c, pair, &k, &val))
			return PB_ERROR;
		int i = strcmp(text(k), "strategy") == 0  ? 0
			: strcmp(text(k), "workers") == 0 ? 1
							  : -1;
		if (i < 0) {
			pb_suggest_hint(text(k), names, 2, hint, sizeof(hint));
			return pb_exp_fail_at(
			    c, k, "unknown key '%s' in baseline; %s", text(k),
			    hint);
		}
		if (seen[i])
			return pb_exp_duplicate_key(c, k, seen[i]);
		seen[i] = k;
		vals[i] = val;
	}
	if (vals[0]) {
		if (pb_exp_find_plugin(c, PB_KIND_STRATEGY, seen[0], vals[0],
				       &p))
			return PB_ERROR;
		e->baseline_strategy = p->name;
	}
	if (vals[1]) {
		if (pb_exp_parse_setting(c, &p_workers, seen[1], vals[1], &x))
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
	return pb_exp_expect_mapping(c, key, v, "{samples: 1e6}");
}

static int read_sparams_shape(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			      bool own, struct pb_experiment *e)
{
	(void)own;
	(void)e;
	return pb_exp_expect_mapping(c, key, v, "{pthreads: {chunk: 4}}");
}

/* The keys with a reader, in the order they are read (baseline last). */
const struct pb_exp_reader pb_exp_readers[] = {
    {K_NAME, read_name},
    {K_DESCRIPTION, read_description},
    {K_REPETITIONS, read_repetitions},
    {K_WARMUP, read_warmup},
    {K_TIMEOUT, read_timeout},
    {K_SEED, read_seed},
    {K_FIT, read_fit},
    {K_ORDER, read_order},
    {K_CONTENTION, read_contention},
    {K_PRECISION, read_precision},
    {K_MAX_REPETITIONS, read_max_repetitions},
    {K_MAX_TIME, read_max_time},
    {K_WAIT_IDLE, read_wait_idle},
    {K_WORKLOAD, read_workload},
    {K_PARAMS, read_params_shape},
    {K_STRATEGIES, read_strategies},
    {K_STRATEGY_PARAMS, read_sparams_shape},
    {K_WORKERS, read_workers},
    {K_AFFINITY, pb_exp_read_affinity},
    {K_COUNTERS, pb_exp_read_counters},
    {K_BASELINE, read_baseline},
};

const size_t pb_exp_nreaders = PB_COUNT(pb_exp_readers);

/* ---- Layers ------------------------------------------------------------ */

static int unknown_key(struct ctx *c, const yaml_node_t *k, bool top)
{
	char hint[512], clip[64];
	const char *name = text(k);
	const struct pb_plugin *w = pb_exp_owner_of(c, PB_KIND_WORKLOAD, name);
	const struct pb_plugin *s = pb_exp_owner_of(c, PB_KIND_STRATEGY, name);

	pb_yaml_clip(name, clip, sizeof(clip));
	if (w || s)
		return pb_exp_fail_at(
		    c, k,
		    "unknown key '%s': it is a parameter of %s "
		    "'%s'; expected it under '%s'",
		    clip, pb_exp_kind_name(w ? w->kind : s->kind),
		    w ? w->name : s->name, w ? "params:" : "strategy_params:");
	pb_suggest_hint(name, pb_exp_key_names, top ? NKEYS : NKEYS - 1, hint,
			sizeof(hint));
	return pb_exp_fail_at(c, k, "unknown key '%s'; %s", clip, hint);
}

/* Reads the keys of one mapping of experiment keys into l. */
int pb_exp_read_layer(struct ctx *c, yaml_node_t *map, bool top,
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
		return pb_exp_fail_at(
		    c, map,
		    "%s is %s; expected a mapping of experiment "
		    "keys such as 'workload: pi'",
		    top ? "the document" : "an entry of experiments",
		    pb_yaml_kind(map));
	if (pb_exp_spend(c, map, npairs(map) + 1))
		return PB_ERROR;
	/* A bad key is reported and skipped: the others are still read. */
	int rc = PB_OK;
	FOR_PAIRS(pair, map)
	{
		yaml_node_t *k, *v;
		if (pb_exp_pair_nodes(c, pair, &k, &v))
			return PB_ERROR;
		int i = -1;
		for (int j = 0; j < NKEYS && i < 0; j++)
			if (strcmp(text(k), pb_exp_key_names[j]) == 0)
				i = j;
		if (i < 0)
			rc = unknown_key(c, k, top);
		else if (i == K_EXPERIMENTS && !top)
			rc = pb_exp_fail_at(
			    c, k,
			    "'experiments' inside an entry of "
			    "experiments; expected it at the top "
			    "level only (entries do not nest)");
		else if (l->key[i])
			rc = pb_exp_duplicate_key(c, k, l->key[i]);
		else {
			l->key[i] = k;
			l->val[i] = v;
		}
	}
	return rc;
}

/* The node of key k for an experiment: its entry's, else the top's. */
bool pb_exp_pick(const struct source *s, enum key k, yaml_node_t **key,
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
