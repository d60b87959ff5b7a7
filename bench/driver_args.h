/*
 * driver_args.h — the one helper every bench driver needs to run a plugin
 * through pb_repetition_run: complete args from "name=value; ..." text.
 * Included by the drivers in bench/ (static: each is one translation unit).
 */
#ifndef PB_BENCH_DRIVER_ARGS_H
#define PB_BENCH_DRIVER_ARGS_H

#include <parabench/plugin.h>
#include <string.h>

#include "lib/arena.h"
#include "plugin/abi.h"
#include "plugin/value.h"

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

#endif
