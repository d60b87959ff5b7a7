/*
 * experiment_int.h — what the files of the experiment loader share.
 *
 * Internal to core/experiment*.c; the public interface is experiment.h.
 * experiment.c builds experiments from layers of keys, reading them with
 * experiment_keys.c (the experiment keys), experiment_params.c (workload
 * and strategy parameters) and experiment_axis.c (values and axes); every
 * failure goes through experiment_msg.c.
 *
 * All functions here fail by filling c->err with one located message
 * ("path:line:column: what is wrong; what was expected") and returning
 * PB_ERROR; they return PB_OK otherwise. What they allocate lives in
 * c->arena, owned by the experiment file being read.
 */
#ifndef PB_EXPERIMENT_INT_H
#define PB_EXPERIMENT_INT_H

#include <stdbool.h>
#include <string.h>

#include "experiment.h"
#include "yaml_tree.h"

/* The longest experiment name. */
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
	K_ORDER,
	K_AFFINITY,
	K_COUNTERS,
	K_CONTENTION,
	K_PRECISION,
	K_MAX_REPETITIONS,
	K_MAX_TIME,
	K_WAIT_IDLE,
	K_EXPERIMENTS,
	NKEYS
};

/* The names of the keys, indexed by enum key ("experiments" last). */
extern const char *const pb_exp_key_names[NKEYS];

/* The state of reading one experiment file. */
struct ctx {
	const char *path;
	yaml_document_t *doc;
	const struct pb_registry *reg;
	struct pb_arena *arena;
	struct pb_err *err;	    /* the first error found */
	struct pb_exp_errors *errs; /* every error, when not NULL */
	unsigned nfail;		    /* errors found so far */
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

/*
 * Node accessors, inline and unprefixed so that every file reads the
 * document the same way; FOR_PAIRS walks the pairs of a mapping node.
 */
static inline struct pb_mark mark_of(const yaml_node_t *n)
{
	return (struct pb_mark){(unsigned)n->start_mark.line + 1,
				(unsigned)n->start_mark.column + 1};
}

/*
 * The node to point at for a value: libyaml places an empty value where
 * the next token starts, often on the next line, so point at its key.
 */
static inline const yaml_node_t *at(const yaml_node_t *key,
				    const yaml_node_t *val)
{
	return key && pb_yaml_is_null(val) ? key : val;
}

static inline const char *text(const yaml_node_t *n)
{
	return pb_yaml_text(n);
}

#define FOR_PAIRS(pair, map)                                                   \
	for (yaml_node_pair_t *pair = (map)->data.mapping.pairs.start;         \
	     pair < (map)->data.mapping.pairs.top; pair++)

static inline size_t npairs(const yaml_node_t *map)
{
	return (size_t)(map->data.mapping.pairs.top -
			map->data.mapping.pairs.start);
}

static inline size_t nitems(const yaml_node_t *seq)
{
	return (size_t)(seq->data.sequence.items.top -
			seq->data.sequence.items.start);
}

static inline yaml_node_t *item(struct ctx *c, const yaml_node_t *seq, size_t k)
{
	return pb_yaml_node(c->doc, seq->data.sequence.items.start[k]);
}

/* ---- experiment_msg.c: located failures -------------------------------- */

/* Fails with a message located at node n; returns PB_ERROR. */
__attribute__((format(printf, 3, 4))) int pb_exp_fail_at(struct ctx *c,
							 const yaml_node_t *n,
							 const char *fmt, ...);

/* Fails with a message located at mark m; returns PB_ERROR. */
__attribute__((format(printf, 3, 4))) int pb_exp_fail_mark(struct ctx *c,
							   struct pb_mark m,
							   const char *fmt,
							   ...);

/* Charges units of work against c->budget; fails (at n) once it is spent. */
int pb_exp_spend(struct ctx *c, const yaml_node_t *n, size_t units);

/* "workload" or "strategy", for messages. */
const char *pb_exp_kind_name(enum pb_kind kind);

/* Fails for unknown plugin name n (where: appended context, or ""). */
int pb_exp_unknown_plugin(struct ctx *c, enum pb_kind kind,
			  const yaml_node_t *n, const char *where);

/* Sets *out to the plugin of kind named by scalar v (under key, or NULL
 * for a list element); fails when v is not a name or names no plugin. */
int pb_exp_find_plugin(struct ctx *c, enum pb_kind kind, const yaml_node_t *key,
		       const yaml_node_t *v, const struct pb_plugin **out);

/* The index of p's parameter called name, or -1. */
int pb_exp_param_index(const struct pb_plugin *p, const char *name);

/* Fails for key k, which is no parameter of p, suggesting a close one. */
int pb_exp_unknown_param(struct ctx *c, const yaml_node_t *k,
			 const struct pb_plugin *p);

/* The first loaded plugin of kind with a parameter called name, or NULL. */
const struct pb_plugin *pb_exp_owner_of(struct ctx *c, enum pb_kind kind,
					const char *name);

/* Checks that v (the value of key, NULL for the document) is a mapping,
 * charging its pairs; example goes into the message. */
int pb_exp_expect_mapping(struct ctx *c, const yaml_node_t *key,
			  const yaml_node_t *v, const char *example);

/* Fails for key k, a repeat of key first in the same mapping. */
int pb_exp_duplicate_key(struct ctx *c, const yaml_node_t *k,
			 const yaml_node_t *first);

/* The key and value of a mapping pair; fails when the key is not a
 * non-empty plain value. */
int pb_exp_pair_nodes(struct ctx *c, const yaml_node_pair_t *pair,
		      yaml_node_t **k, yaml_node_t **v);

/* ---- experiment_axis.c: values and axes -------------------------------- */

/* Gives ax room for n values in the arena (v locates running out). */
int pb_exp_alloc_axis(struct ctx *c, const yaml_node_t *v, size_t n,
		      struct pb_axis *ax);

/* Reads the axis of parameter p written as v under key: a value, or a
 * list of distinct values (lists of lists for list-typed p). */
int pb_exp_parse_axis(struct ctx *c, const struct pb_param *p,
		      const yaml_node_t *key, const yaml_node_t *v,
		      struct pb_axis *ax);

/* The one-value axis of p's default (mark {0, 0}); fails at where when
 * p of plugin has no default, i.e. is required. */
int pb_exp_default_axis(struct ctx *c, const struct pb_param *p,
			const struct pb_plugin *plugin, struct pb_mark where,
			struct pb_axis *ax);

/* Reads a single scalar value of key (repetitions, seed ...) as p. */
int pb_exp_parse_setting(struct ctx *c, const struct pb_param *p,
			 const yaml_node_t *key, const yaml_node_t *v,
			 struct pb_value *out);

/* ---- experiment_keys.c: experiment keys -------------------------------- */

/* Reads the value v of an experiment key (under key) into e; own: the
 * key was written for this experiment, not shared from the top level. */
typedef int (*pb_exp_key_reader)(struct ctx *c, yaml_node_t *key,
				 yaml_node_t *v, bool own,
				 struct pb_experiment *e);

struct pb_exp_reader {
	enum key key;
	pb_exp_key_reader read;
};

/* The keys with a reader, in the order they are read (baseline last). */
extern const struct pb_exp_reader pb_exp_readers[];
extern const size_t pb_exp_nreaders;

/* ---- experiment_machine.c: affinity and counters ---------------------- */

/* Reads `affinity`: an axis of none | compact | scatter. */
int pb_exp_read_affinity(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			 bool own, struct pb_experiment *e);

/* Reads `counters`: one list of distinct, known event names. */
int pb_exp_read_counters(struct ctx *c, yaml_node_t *key, yaml_node_t *v,
			 bool own, struct pb_experiment *e);

/* Whether s is a valid experiment name ([A-Za-z0-9_.-], 1 to
 * NAME_MAX_LEN characters, not only dots). */
bool pb_exp_valid_name(const char *s);

/* e's strategies as "a, b, c" in buf (truncated to len). */
void pb_exp_strategy_list(const struct pb_experiment *e, char *buf, size_t len);

/* Whether strategy p is in e's strategies. */
bool pb_exp_uses_strategy(const struct pb_experiment *e,
			  const struct pb_plugin *p);

/* Reads the keys of map (the document when top, else an entry of
 * `experiments`) into l, refusing unknown and repeated keys. */
int pb_exp_read_layer(struct ctx *c, yaml_node_t *map, bool top,
		      struct layer *l);

/* Sets the key and value nodes of key k for an experiment (its entry's,
 * else the top's) and whether it was written for it; false if unset. */
bool pb_exp_pick(const struct source *s, enum key k, yaml_node_t **key,
		 yaml_node_t **val, bool *own);

/* ---- experiment_params.c: parameters ----------------------------------- */

/* Fills e->wparams, one axis per parameter of e->workload. */
int pb_exp_resolve_wparams(struct ctx *c, const struct source *s,
			   struct pb_experiment *e);

/* Fills the params of each of e->strategies, one axis per parameter. */
int pb_exp_resolve_sparams(struct ctx *c, const struct source *s,
			   struct pb_experiment *e);

#endif
