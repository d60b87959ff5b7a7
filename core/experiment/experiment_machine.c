/*
 * experiment_machine.c — the experiment keys about the machine: where the
 * workers run (`affinity`, an axis) and what the kernel counts for each
 * repetition (`counters`, one list).
 */
#include "experiment_int.h"
#include "lib/counters.h"
#include "lib/topology.h"

static const struct pb_param p_affinity = {
    .name = "affinity", .type = PB_ENUM, .choices = "none|compact|scatter"};
static const struct pb_param p_counters = {.name = "counters",
					   .type = PB_STRING_LIST};

static bool has_param(const struct pb_plugin *p, const char *name)
{
	for (size_t k = 0; p && k < p->nparams; k++)
		if (strcmp(p->params[k].name, name) == 0)
			return true;
	return false;
}

/* A plugin with its own `affinity` parameter would share its column. */
static const struct pb_plugin *claims_affinity(const struct pb_experiment *e)
{
	if (e->workload && has_param(e->workload, "affinity"))
		return e->workload;
	for (size_t s = 0; s < e->nstrategies; s++)
		if (has_param(e->strategies[s].plugin, "affinity"))
			return e->strategies[s].plugin;
	return NULL;
}

int pb_exp_read_affinity(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			 bool own, struct pb_experiment *e)
{
	const struct pb_plugin *clash = claims_affinity(e);
	struct pb_axis ax;

	(void)own;
	if (clash)
		return pb_exp_fail_at(c, key,
				      "plugin '%s' has a parameter named "
				      "affinity, which the experiment key "
				      "affinity would shadow; expected the "
				      "plugin to rename it",
				      clash->name);
	if (pb_exp_parse_axis(c, &p_affinity, key, v, &ax))
		return PB_ERROR;
	e->affinity = pb_arena_alloc(c->arena, ax.n * sizeof(*e->affinity));
	if (!e->affinity)
		return pb_exp_fail_at(c, v, "out of memory");
	for (size_t k = 0; k < ax.n; k++)
		if (pb_affinity_parse(ax.values[k].u.s, &e->affinity[k]))
			return pb_exp_fail_at(c, v, "unknown affinity '%s'",
					      ax.values[k].u.s);
	e->naffinity = ax.n;
	e->affinity_written = true;
	return PB_OK;
}

/* The node of the k-th item of v when v is a list, else v itself. */
static const yaml_node_t *item_or_self(struct ctx *c, const yaml_node_t *v,
				       size_t k)
{
	return v->type == YAML_SEQUENCE_NODE && k < nitems(v) ? item(c, v, k)
							      : v;
}

int pb_exp_read_counters(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			 bool own, struct pb_experiment *e)
{
	struct pb_axis ax;
	size_t n;

	(void)own;
	if (pb_exp_parse_axis(c, &p_counters, key, v, &ax))
		return PB_ERROR;
	if (ax.n != 1)
		return pb_exp_fail_at(c, v,
				      "counters is a list of lists; expected "
				      "one list of events, e.g. [task-clock, "
				      "page-faults]");
	n = ax.values[0].u.strings.n;
	if (n > PB_MAX_COUNTERS)
		return pb_exp_fail_at(c, v, "%zu counters; expected at most %d",
				      n, PB_MAX_COUNTERS);
	for (size_t k = 0; k < n; k++) {
		const char *name = ax.values[0].u.strings.v[k];

		if (!pb_counter_known(name))
			return pb_exp_fail_at(c, item_or_self(c, v, k),
					      "unknown counter '%s'; expected "
					      "one of %s",
					      name, pb_counter_names());
		for (size_t j = 0; j < k; j++)
			if (strcmp(ax.values[0].u.strings.v[j], name) == 0)
				return pb_exp_fail_at(
				    c, item_or_self(c, v, k),
				    "counter '%s' is listed twice; expected "
				    "each event once",
				    name);
	}
	e->counters = ax.values[0].u.strings.v;
	e->ncounters = n;
	return PB_OK;
}
