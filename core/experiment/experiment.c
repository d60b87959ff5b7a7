/*
 * experiment.c — experiment files: YAML text to validated experiments.
 *
 * The format (every key optional unless marked required):
 *
 *   name: pi-scaling          # [A-Za-z0-9_.-]+, at most 100 characters, not
 *                             # only dots; default: the file's base name
 *                             # without .yaml/.yml, other characters -> '_'
 *   description: Monte Carlo  # any text; default ""
 *   repetitions: 5            # 1..100000, default 3; or auto: at least 5,
 *                             # then more until the 95% interval of the
 *                             # median is within `precision` (0.02) of
 *                             # it, or `max_repetitions` (30, 5..10000),
 *                             # or `max_time` (per cell, 0 = none)
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
 *   order: interleaved        # or sequential (see core/run/runner.h)
 *   affinity: [none, scatter] # where workers run: none (the default),
 *                             # compact or scatter; a list is an axis
 *   counters: [task-clock, page-faults]   # kernel counters per repetition
 *                             # (core/lib/counters.h lists the events)
 *   wait_idle: 30s            # before each repetition, wait at most this
 *                             # long for others to use less than
 *                             # `contention` CPUs (default 0: no wait)
 *   contention: 0.1           # CPUs other processes may use on average
 *                             # over a timed span before its row is
 *                             # flagged contended (0..4096, default 0.1)
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
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cells.h"
#include "experiment_int.h"
#include "lib/file.h"

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
	return pb_exp_valid_name(name) ? name : "experiment";
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
		return pb_exp_fail_mark(c, e->mark, "out of memory");
	if (!s->entry) {
		e->name = base;
		return PB_OK;
	}
	snprintf(buf, sizeof(buf), "%s-%zu", base, s->index);
	e->name = pb_arena_strdup(c->arena, buf);
	return e->name ? PB_OK : pb_exp_fail_mark(c, e->mark, "out of memory");
}

static int set_defaults(struct ctx *c, struct pb_experiment *e)
{
	e->description = "";
	e->repetitions = 3;
	e->warmup = 1;
	e->baseline_strategy = PB_DEFAULT_BASELINE_STRATEGY;
	e->baseline_workers = 1;
	e->seed = 1;
	e->contention = 0.1;
	e->precision = 0.02;
	e->max_repetitions = 30;
	e->nworkers = 1;
	e->workers = pb_arena_alloc(c->arena, sizeof(*e->workers));
	if (!e->workers)
		return pb_exp_fail_mark(c, e->mark, "out of memory");
	e->workers[0] = 1;
	e->naffinity = 1;
	e->affinity = pb_arena_alloc(c->arena, sizeof(*e->affinity));
	if (!e->affinity)
		return pb_exp_fail_mark(c, e->mark, "out of memory");
	e->affinity[0] = PB_AFFINITY_NONE;
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
	return pb_exp_fail_mark(
	    c, e->mark, "missing key '%s'%s; expected %s, from: %s",
	    pb_exp_key_names[k], in,
	    k == K_WORKLOAD ? "the name of a workload plugin"
			    : "a list of strategy plugins",
	    list[0] ? list : "(none loaded)");
}

/*
 * Refuses a strategy with a parameter named like one of the workload's:
 * both would be the one param_<name> column of runs.csv (issue 13.19).
 */
static int check_param_clash(struct ctx *c, const struct source *s,
			     const struct pb_experiment *e)
{
	yaml_node_t *key, *val;
	bool own;
	int rc = PB_OK;

	if (!pb_exp_pick(s, K_STRATEGIES, &key, &val, &own))
		return PB_OK;
	for (size_t k = 0; k < e->nstrategies; k++) {
		const struct pb_plugin *st = e->strategies[k].plugin;
		const yaml_node_t *at_node =
		    val->type == YAML_SEQUENCE_NODE ? item(c, val, k) : val;
		for (size_t j = 0; j < st->nparams; j++)
			if (pb_exp_param_index(e->workload,
					       st->params[j].name) >= 0) {
				rc = pb_exp_fail_at(
				    c, at_node,
				    "strategy '%s' and workload '%s' both "
				    "have a parameter '%s', which would share "
				    "one runs.csv column (param_%s); expected "
				    "distinct names (rename one in its plugin)",
				    st->name, e->workload->name,
				    st->params[j].name, st->params[j].name);
				break;
			}
	}
	return rc;
}

/* Builds experiment e from its source: keys, plugins, then parameters. */
static int build(struct ctx *c, const struct source *s, struct pb_experiment *e)
{
	yaml_node_t *key, *val;
	bool own;

	unsigned before = c->nfail;
	bool failed[NKEYS] = {false};
	int rc = PB_OK;

	e->mark = mark_of(s->entry ? s->entry->map : s->top->map);
	if (set_defaults(c, e))
		return PB_ERROR;
	/*
	 * Every key is read, each error reported; the baseline (read last)
	 * only when the keys it is checked against were read well.
	 */
	for (size_t k = 0; k < pb_exp_nreaders; k++) {
		enum key id = pb_exp_readers[k].key;
		if (id == K_BASELINE && c->nfail > before)
			break;
		if (pb_exp_pick(s, id, &key, &val, &own) &&
		    pb_exp_readers[k].read(c, key, val, own, e))
			failed[id] = true, rc = PB_ERROR;
	}
	/* A bad name was reported; messages below need some name. */
	if (failed[K_NAME])
		e->name = "(bad name)";
	else if (name_experiment(c, s, e))
		return PB_ERROR;
	/* A key that is there but failed is not also missing. */
	if (!e->workload && !failed[K_WORKLOAD])
		rc = missing_key(c, s, e, K_WORKLOAD);
	if (!e->nstrategies && !failed[K_STRATEGIES])
		rc = missing_key(c, s, e, K_STRATEGIES);
	if (e->workload && e->nstrategies && !failed[K_STRATEGIES] &&
	    check_param_clash(c, s, e))
		return PB_ERROR;
	if (e->workload && !failed[K_PARAMS] && !failed[K_SEED] &&
	    pb_exp_resolve_wparams(c, s, e))
		rc = PB_ERROR;
	if (e->nstrategies && !failed[K_STRATEGIES] &&
	    !failed[K_STRATEGY_PARAMS] && pb_exp_resolve_sparams(c, s, e))
		rc = PB_ERROR;
	return rc;
}

/* Checks the shared top-level keys once, whatever the entries override. */
static int check_shared(struct ctx *c, struct layer *top)
{
	struct pb_experiment scratch = {0};

	if (set_defaults(c, &scratch))
		return PB_ERROR;
	scratch.mark = mark_of(top->map);
	for (size_t k = 0; k < pb_exp_nreaders; k++) {
		enum key key = pb_exp_readers[k].key;
		if (top->key[key] &&
		    pb_exp_readers[k].read(c, top->key[key], top->val[key],
					   false, &scratch))
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
		return pb_exp_fail_mark(c, e->mark,
					"experiment '%s' expands to %s cells; "
					"expected at most %d (shorten an axis)",
					e->name, count, PB_MAX_CELLS);
	return pb_exp_fail_mark(
	    c, e->mark,
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
		return pb_exp_fail_mark(c, marks[0], "out of memory");
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
	return pb_exp_fail_mark(
	    c, marks[dup],
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
		return pb_exp_fail_at(c, at(top->key[K_EXPERIMENTS], list),
				      "experiments is %s; expected a list of "
				      "mappings such as [{name: small}]",
				      pb_yaml_kind(list));
	n = nitems(list);
	if (n == 0)
		return pb_exp_fail_at(
		    c, list,
		    "experiments is an empty list; expected at "
		    "least one experiment");
	if (pb_exp_spend(c, list, n) || (check_shared(c, top) && !c->errs))
		return PB_ERROR;
	f->items = pb_arena_alloc(c->arena, n * sizeof(*f->items));
	marks = pb_arena_alloc(c->arena, n * sizeof(*marks));
	if (!f->items || !marks)
		return pb_exp_fail_at(c, list, "out of memory");
	/* Each entry is read, each error reported; the whole-file checks
	 * (cells, names) only when every entry was read well. */
	int rc = PB_OK;
	for (size_t k = 0; k < n; k++) {
		struct source s = {top, &entry, k + 1};
		if (pb_exp_read_layer(c, item(c, list, k), false, &entry)) {
			rc = PB_ERROR;
			continue;
		}
		entry.own = true;
		if (build(c, &s, &f->items[k]) ||
		    (rc == PB_OK && check_cells(c, &f->items[k], &total))) {
			rc = PB_ERROR;
			continue;
		}
		marks[k] = name_mark(&entry);
		f->n = k + 1;
	}
	return rc ? PB_ERROR : check_names(c, f, marks);
}

static int read_root(struct ctx *c, yaml_node_t *root,
		     struct pb_experiment_file *f)
{
	struct layer top;
	size_t total = 0;

	/* A bad top-level key is reported; the rest is still read. */
	if (pb_exp_read_layer(c, root, true, &top) &&
	    (!c->errs || top.map->type != YAML_MAPPING_NODE))
		return PB_ERROR;
	if (top.key[K_EXPERIMENTS])
		return read_entries(c, &top, f) || c->nfail ? PB_ERROR : PB_OK;
	top.own = true;
	f->items = pb_arena_alloc(c->arena, sizeof(*f->items));
	if (!f->items)
		return pb_exp_fail_at(c, root, "out of memory");
	struct source s = {&top, NULL, 0};
	if (build(c, &s, &f->items[0]) || c->nfail ||
	    check_cells(c, &f->items[0], &total))
		return PB_ERROR;
	f->n = 1;
	return PB_OK;
}

/* pb_experiment_parse, every error also in errs when it is not NULL. */
static int parse(const char *path, const char *text, size_t len,
		 const struct pb_registry *reg, struct pb_experiment_file *out,
		 struct pb_err *err, struct pb_exp_errors *errs)
{
	yaml_document_t doc;
	struct ctx c = {
	    .path = path,
	    .doc = &doc,
	    .reg = reg,
	    .arena = &out->arena,
	    .err = err,
	    .errs = errs,
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
	if (rc == PB_OK)
		rc = pb_experiment_set_dir(out, path, err);
	if (rc)
		pb_experiment_free(out);
	return rc;
}

int pb_experiment_parse(const char *path, const char *text, size_t len,
			const struct pb_registry *reg,
			struct pb_experiment_file *out, struct pb_err *err)
{
	return parse(path, text, len, reg, out, err, NULL);
}

/* Reads the experiment file at path (lib/file.h), worded for the loader. */
static int read_file(const char *path, char **text, size_t *len,
		     struct pb_err *err)
{
	struct pb_err why = {{0}};
	size_t skip = strlen(path) + 2; /* why reads "PATH: reason" */
	const char *reason;

	if (pb_read_file(path, PB_YAML_MAX_BYTES, text, len, &why) == PB_OK)
		return PB_OK;
	switch (errno) {
	case EISDIR:
		return pb_yaml_fail(err, path, 0, 0,
				    "is a folder; expected an experiment file");
	case EFBIG:
		return pb_yaml_fail(err, path, 1, 1,
				    "the file is larger than %u MiB; expected "
				    "a smaller experiment file",
				    PB_YAML_MAX_BYTES >> 20);
	case ENOMEM:
		return pb_yaml_fail(err, path, 0, 0,
				    "out of memory reading the file; expected "
				    "a smaller file");
	}
	reason = skip < strlen(why.msg) ? why.msg + skip : strerror(errno);
	return pb_yaml_fail(err, path, 0, 0,
			    "%s; expected a readable experiment file", reason);
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

int pb_experiment_load_all(const char *path, const struct pb_registry *reg,
			   struct pb_experiment_file *out,
			   struct pb_exp_errors *errs)
{
	struct pb_err err = {{0}};
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	errs->n = errs->total = 0;
	rc = read_file(path, &text, &len, &err);
	if (rc == PB_OK)
		rc = parse(path, text, len, reg, out, &err, errs);
	free(text);
	/* A failure before the keys (the file, its YAML) is the only one. */
	if (rc && errs->n == 0) {
		errs->items[0] = (struct pb_exp_error){0, 0, err};
		errs->n = errs->total = 1;
	}
	return rc;
}

int pb_experiment_set_dir(struct pb_experiment_file *f, const char *file_path,
			  struct pb_err *err)
{
	const char *slash = strrchr(file_path, '/');
	char *dir, *real;

	if (!slash)
		dir = pb_arena_strdup(&f->arena, ".");
	else
		dir = pb_arena_strndup(
		    &f->arena, file_path,
		    slash == file_path ? 1 : (size_t)(slash - file_path));
	real = dir ? realpath(dir, NULL) : NULL;
	if (real) {
		dir = pb_arena_strdup(&f->arena, real);
		free(real);
	}
	if (!dir)
		return pb_fail(err, "%s: out of memory", file_path);
	for (size_t k = 0; k < f->n; k++)
		f->items[k].dir = dir;
	return PB_OK;
}

void pb_experiment_free(struct pb_experiment_file *f)
{
	if (!f)
		return;
	pb_arena_free(&f->arena);
	memset(f, 0, sizeof(*f));
}
