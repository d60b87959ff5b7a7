/*
 * driver_args.h — what the bench drivers need to run a plugin through
 * pb_repetition_run, as the runner does: complete args from
 * "name=value; ..." text, a plugin by name, one repetition (run_once) and
 * a metric of its measure. Included by the drivers in bench/ (static: each
 * is one translation unit); the clock and the median are bench_util.h's.
 */
#ifndef PB_BENCH_DRIVER_ARGS_H
#define PB_BENCH_DRIVER_ARGS_H

#include <math.h>
#include <parabench/plugin.h>
#include <stdio.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/path.h"
#include "plugin/abi.h"
#include "plugin/registry.h"
#include "plugin/value.h"
#include "run/repetition.h"

/* Parses "text" for parameter p, lists ("[a, b]") included. */
static int bench_parse_value(const struct pb_param *p, const char *text,
			     struct pb_arena *arena, struct pb_value *v,
			     struct pb_err *err)
{
	struct pb_param q = *p;

	if (p->type != PB_INT_LIST && p->type != PB_STRING_LIST)
		return pb_value_parse(p, text, arena, v, err);
	q.default_value = text;
	return pb_value_default(&q, arena, v, err);
}

/*
 * Complete args for plugin p: defaults, then "name=value" items separated
 * by ';'. Memory is owned by arena; fails naming the bad item.
 */
static int make_args(const struct pb_plugin *p, const char *items,
		     struct pb_arena *arena, struct pb_args *out,
		     struct pb_err *err)
{
	struct pb_value *v =
	    pb_arena_alloc(arena, (p->nparams + 1) * sizeof(*v));
	char *copy = pb_arena_strdup(arena, items), *save = NULL;

	if (!v || !copy)
		return pb_fail(err, "out of memory");
	/* A required parameter (no default) must come from items. */
	for (size_t k = 0; k < p->nparams; k++)
		if (p->params[k].default_value &&
		    pb_value_default(&p->params[k], arena, &v[k], err))
			return PB_ERROR;
	for (char *it = strtok_r(copy, ";", &save); it;
	     it = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(it, '=');
		size_t k = 0;
		while (*it == ' ')
			it++;
		if (!eq)
			return pb_fail(err, "expected name=value: %s", it);
		*eq = '\0';
		while (k < p->nparams && strcmp(p->params[k].name, it))
			k++;
		if (k == p->nparams)
			return pb_fail(err, "%s has no parameter %s", p->name,
				       it);
		if (bench_parse_value(&p->params[k], eq + 1, arena, &v[k], err))
			return PB_ERROR;
	}
	for (size_t k = 0; k < p->nparams; k++)
		if (!p->params[k].default_value &&
		    !strstr(items, p->params[k].name))
			return pb_fail(err, "%s needs %s", p->name,
				       p->params[k].name);
	*out = pb_args_of(p, v);
	return PB_OK;
}

/* The plugin of that kind and name in reg; NULL with a note from who. */
static inline const struct pb_plugin *bench_find(const char *who,
						 const struct pb_registry *reg,
						 enum pb_kind kind,
						 const char *name)
{
	const struct pb_plugin *p = pb_registry_find(reg, kind, name);

	if (!p)
		fprintf(stderr, "%s: no plugin %s\n", who, name);
	return p;
}

/*
 * One repetition of workload (wparams) under strategy (default params) on
 * workers workers, with host; fills m. PB_ERROR, with a note from who on
 * stderr, unless it was ok.
 */
static inline int bench_run_once(const char *who, const struct pb_registry *reg,
				 struct pb_host *host, const char *workload,
				 const char *wparams, const char *strategy,
				 unsigned workers, struct pb_measure *m)
{
	struct pb_arena arena = {0};
	struct pb_err err = {{0}};
	struct pb_cell_spec spec = {.workers = workers};
	int rc = PB_ERROR;

	spec.workload = bench_find(who, reg, PB_KIND_WORKLOAD, workload);
	spec.strategy = bench_find(who, reg, PB_KIND_STRATEGY, strategy);
	if (!spec.workload || !spec.strategy)
		goto out;
	if (make_args(spec.workload, wparams, &arena, &spec.wargs, &err) ||
	    make_args(spec.strategy, "", &arena, &spec.sargs, &err)) {
		fprintf(stderr, "%s: %s\n", who, err.msg);
		goto out;
	}
	pb_repetition_run(&spec, host, m);
	if (m->status != PB_STATUS_OK)
		fprintf(stderr, "%s: %s %s: %s: %s\n", who, workload, wparams,
			pb_status_name(m->status), m->message);
	else
		rc = PB_OK;
out:
	pb_arena_free(&arena);
	return rc;
}

/* The value of metric name of workload p in m; NaN when there is none. */
static inline double bench_metric(const struct pb_plugin *p,
				  const struct pb_measure *m, const char *name)
{
	for (size_t k = 0; p && k < p->nmetrics && k < m->nmetrics; k++)
		if (strcmp(p->metrics[k].name, name) == 0)
			return m->metrics[k].value;
	return NAN;
}

/*
 * Loads build/plugins/<name>.so for each of the n names into reg.
 * PB_ERROR, with a note from who, at the first that fails (a path that
 * does not fit included: it is refused, never shortened).
 */
static inline int bench_load_plugins(const char *who, struct pb_registry *reg,
				     const char *build,
				     const char *const *names, size_t n)
{
	char path[PB_PATH_MAX];
	struct pb_err err = {{0}};

	for (size_t k = 0; k < n; k++)
		if (pb_path_fmt(path, sizeof(path), &err, "%s/plugins/%s.so",
				build, names[k]) ||
		    pb_registry_load_file(reg, path, &err)) {
			fprintf(stderr, "%s: %s\n", who, err.msg);
			return PB_ERROR;
		}
	return PB_OK;
}

#endif
