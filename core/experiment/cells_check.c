/*
 * cells_check.c — the workloads' own checks of their parameter values
 * (see pb_cells_check in cells.h), before anything runs.
 */
#include "cells.h"

#include <unistd.h>

static void no_own_path(struct pb_host *host, const char *path)
{
	(void)host;
	(void)path; /* a check makes nothing that needs removing */
}

/* Where parameter name of e's workload is written (e itself if nowhere). */
static struct pb_mark param_mark(const struct pb_experiment *e,
				 const char *name)
{
	for (size_t k = 0; name && k < e->workload->nparams; k++)
		if (strcmp(e->workload->params[k].name, name) == 0 &&
		    e->wparams[k].mark.line)
			return e->wparams[k].mark;
	return e->mark;
}

static int check_cell(const struct pb_experiment_file *f,
		      const struct pb_cell *c, struct pb_err *err)
{
	const struct pb_experiment *e = c->exp;
	struct pb_host host = {
	    .size = sizeof(host),
	    .abi_version = PB_ABI_VERSION,
	    .own_path = no_own_path,
	    .seed = e->seed,
	    .cores = (unsigned)sysconf(_SC_NPROCESSORS_ONLN),
	    .dir = e->dir,
	};
	struct pb_err why = {{0}};
	const char *param = NULL;

	if (c->spec.workload->workload->check(&c->spec.wargs, &host, &param,
					      &why) == PB_OK)
		return PB_OK;
	struct pb_mark m = param_mark(e, param);
	return pb_fail(err, "%s:%u:%u: %s%s%s", f->path, m.line, m.column,
		       param ? param : "", param ? ": " : "",
		       why.msg[0] ? why.msg : "refused without a message");
}

int pb_cells_check(const struct pb_experiment_file *f,
		   const struct pb_cells *cells, struct pb_err *err)
{
	const struct pb_value *last = NULL;

	for (size_t k = 0; k < cells->n; k++) {
		const struct pb_cell *c = &cells->items[k];
		/* Cells of one combination share its values (cells.c). */
		if (!c->spec.workload->workload->check ||
		    c->spec.wargs.values == last)
			continue;
		last = c->spec.wargs.values;
		if (check_cell(f, c, err))
			return PB_ERROR;
	}
	return PB_OK;
}
