/*
 * abi.c — the descriptor of a plugin, read into the host's layout by the
 * copy_struct_from_user rule (see abi.h); version 1 translated.
 */
#include "abi.h"

#include <stdlib.h>

#include "abi_v1.h"

#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(struct pb_plugin) == PB_PLUGIN_SIZE_VER2,
	       "the version 2 descriptor is frozen: append in version 3");
/* Version 3 appended check to the workload hooks. */
_Static_assert(sizeof(struct pb_workload_hooks) ==
		   PB_WORKLOAD_HOOKS_SIZE_VER2 + sizeof(void (*)(void)),
	       "frozen at version 3: append in version 4");
_Static_assert(sizeof(struct pb_strategy_hooks) == PB_STRATEGY_HOOKS_SIZE_VER2,
	       "frozen at version 2");
_Static_assert(sizeof(struct pb_param) == PB_PARAM_SIZE_VER2,
	       "frozen at version 2");
_Static_assert(sizeof(struct pb_metric) == PB_METRIC_SIZE_VER2,
	       "frozen at version 2");
_Static_assert(sizeof(struct pb_value) == 24, "pb_value never changes");
_Static_assert(sizeof(struct pb_v1_plugin) == 168, "version 1 is frozen");
_Static_assert(sizeof(struct pb_param) == 56, "version 1 params");
#endif

int pb_copy_struct(void *dst, size_t ours, const void *src, size_t theirs,
		   size_t *bad)
{
	const unsigned char *s = src;

	if (theirs > ours) {
		for (size_t k = ours; k < theirs; k++)
			if (s[k]) {
				*bad = k;
				return PB_ERROR;
			}
		theirs = ours;
	}
	memcpy(dst, src, theirs);
	memset((char *)dst + theirs, 0, ours - theirs);
	return PB_OK;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* The refusal of a larger struct with unknown non-zero bytes. */
static int too_new(const char *path, const struct pb_plugin *raw,
		   const char *what, size_t theirs, size_t ours, size_t bad,
		   struct pb_err *err)
{
	return pb_fail(
	    err,
	    "%s: plugin '%s' was built for ABI version %u, where %s "
	    "is %zu bytes; this parabench (ABI version %u) knows "
	    "%zu bytes of it, and byte %zu beyond those is not zero: "
	    "the plugin uses something this parabench lacks; "
	    "install a newer parabench or rebuild the plugin "
	    "against this one's include/parabench/plugin.h",
	    path, or_empty(raw->name), raw->abi_version, what, theirs,
	    PB_ABI_VERSION, ours, bad);
}

static int too_small(const char *path, const struct pb_plugin *raw,
		     const char *what, size_t theirs, size_t least,
		     const char *fix, struct pb_err *err)
{
	return pb_fail(err,
		       "%s: plugin '%s' (ABI version %u) gives %s a size of "
		       "%zu bytes; version 2 and later have at least %zu; %s",
		       path, or_empty(raw->name), raw->abi_version, what,
		       theirs, least, fix);
}

/* Copies the parameter table, whose entries are `stride` bytes apart. */
static int read_params(const char *path, const struct pb_plugin *raw,
		       size_t stride, struct pb_abi_plugin *p,
		       struct pb_err *err)
{
	size_t n = raw->nparams, bad;

	if (n && !raw->params)
		return pb_fail(err,
			       "%s: plugin '%s' declares %zu parameters but "
			       "no table (params is NULL)",
			       path, or_empty(raw->name), n);
	p->params = calloc(n ? n : 1, sizeof(*p->params));
	if (!p->params)
		return pb_fail(err, "out of memory loading %s", path);
	for (size_t k = 0; k < n; k++) {
		const char *src = (const char *)raw->params + k * stride;
		char what[64];
		snprintf(what, sizeof(what), "parameter %zu", k);
		if (pb_copy_struct(&p->params[k], sizeof(p->params[k]), src,
				   stride, &bad))
			return too_new(path, raw, what, stride,
				       sizeof(p->params[k]), bad, err);
	}
	p->desc.params = p->params;
	return PB_OK;
}

/* Copies the metric table; version 1 metrics (stride 24) get no flags. */
static int read_metrics(const char *path, const struct pb_plugin *raw,
			const void *table, size_t stride,
			struct pb_abi_plugin *p, struct pb_err *err)
{
	size_t n = raw->nmetrics, bad;

	if (n && !table)
		return pb_fail(err,
			       "%s: plugin '%s' declares %zu metrics but no "
			       "table (metrics is NULL)",
			       path, or_empty(raw->name), n);
	if (n > 4096)
		return pb_fail(err, "%s: plugin '%s' declares %zu metrics",
			       path, or_empty(raw->name), n);
	p->metrics = calloc(n ? n : 1, sizeof(*p->metrics));
	if (!p->metrics)
		return pb_fail(err, "out of memory loading %s", path);
	for (size_t k = 0; k < n; k++) {
		struct pb_metric *m = &p->metrics[k];
		const char *src = (const char *)table + k * stride;
		char what[64];
		snprintf(what, sizeof(what), "metric %zu", k);
		if (pb_copy_struct(m, sizeof(*m), src, stride, &bad))
			return too_new(path, raw, what, stride, sizeof(*m), bad,
				       err);
		m->unit = or_empty(m->unit);
		m->help = or_empty(m->help);
	}
	p->desc.metrics = p->metrics;
	return PB_OK;
}

/* Copies a hook table that begins with its uint32_t size. */
static int read_hooks(const char *path, const struct pb_plugin *raw,
		      const char *what, const void *hooks, void *dst,
		      size_t ours, size_t least, struct pb_err *err)
{
	uint32_t theirs;
	size_t bad;
	char fix[128], name[64];

	memcpy(&theirs, hooks, sizeof(theirs));
	snprintf(name, sizeof(name), "struct %s", what);
	snprintf(fix, sizeof(fix), "set .size = sizeof(%s)", name);
	if (theirs < least)
		return too_small(path, raw, name, theirs, least, fix, err);
	if (pb_copy_struct(dst, ours, hooks, theirs, &bad))
		return too_new(path, raw, name, theirs, ours, bad, err);
	*(uint32_t *)dst = (uint32_t)ours;
	return PB_OK;
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t k = 0; k < n; k++)
		if (b[k])
			return false;
	return true;
}

static int read_v2(const char *path, const struct pb_plugin *raw,
		   struct pb_abi_plugin *p, struct pb_err *err)
{
	size_t bad;

	if (raw->struct_size < PB_PLUGIN_SIZE_VER2)
		return too_small(path, raw, "struct pb_plugin",
				 raw->struct_size, PB_PLUGIN_SIZE_VER2,
				 "use PB_PLUGIN_HEADER", err);
	if (pb_copy_struct(&p->desc, sizeof(p->desc), raw, raw->struct_size,
			   &bad))
		return too_new(path, raw, "struct pb_plugin", raw->struct_size,
			       sizeof(p->desc), bad, err);
	p->desc.struct_size = sizeof(p->desc);
	p->desc.param_size = sizeof(struct pb_param);
	p->desc.metric_size = sizeof(struct pb_metric);
	if (p->desc.reserved32 ||
	    !all_zero(p->desc.reserved, sizeof(p->desc.reserved)))
		return pb_fail(err,
			       "%s: plugin '%s': the reserved members of its "
			       "descriptor must be zero",
			       path, or_empty(raw->name));
	if (raw->param_size < PB_PARAM_SIZE_VER2 && raw->nparams)
		return too_small(path, raw, "struct pb_param (param_size)",
				 raw->param_size, PB_PARAM_SIZE_VER2,
				 "use PB_PLUGIN_HEADER", err);
	if (raw->metric_size < PB_METRIC_SIZE_VER2 && raw->nmetrics)
		return too_small(path, raw, "struct pb_metric (metric_size)",
				 raw->metric_size, PB_METRIC_SIZE_VER2,
				 "use PB_PLUGIN_HEADER", err);
	if (read_params(path, raw, raw->param_size, p, err) ||
	    read_metrics(path, raw, raw->metrics, raw->metric_size, p, err))
		return PB_ERROR;
	if (p->desc.kind == PB_KIND_WORKLOAD && raw->workload) {
		if (read_hooks(path, raw, "pb_workload_hooks", raw->workload,
			       &p->workload, sizeof(p->workload),
			       PB_WORKLOAD_HOOKS_SIZE_VER2, err))
			return PB_ERROR;
		p->desc.workload = &p->workload;
	} else {
		p->desc.workload = NULL;
	}
	if (p->desc.kind == PB_KIND_STRATEGY && raw->strategy) {
		if (read_hooks(path, raw, "pb_strategy_hooks", raw->strategy,
			       &p->strategy, sizeof(p->strategy),
			       PB_STRATEGY_HOOKS_SIZE_VER2, err))
			return PB_ERROR;
		p->desc.strategy = &p->strategy;
	} else {
		p->desc.strategy = NULL;
	}
	return PB_OK;
}

/* Version 1: numbers with min == max == 0 were unbounded. */
static void widen_v1_ranges(struct pb_abi_plugin *p)
{
	for (size_t k = 0; k < p->desc.nparams; k++) {
		struct pb_param *q = &p->params[k];
		bool number = q->type == PB_INT || q->type == PB_FLOAT ||
			      q->type == PB_SIZE || q->type == PB_DURATION ||
			      q->type == PB_INT_LIST;
		if (number && q->min == 0 && q->max == 0) {
			q->min = PB_NO_MIN;
			q->max = PB_NO_MAX;
		}
	}
}

/* Stands in for a version 1 strategy's execute, which only
 * pb_strategy_execute may call (it wants a version 1 job). */
static int v1_execute_placeholder(const struct pb_job *job, int32_t *status,
				  struct pb_err *err)
{
	(void)job;
	*status = PB_STATUS_FAILED;
	return pb_fail(err, "internal: a version 1 strategy was called "
			    "without pb_strategy_execute");
}

static int read_v1(const char *path, const struct pb_v1_plugin *v1,
		   struct pb_abi_plugin *p, struct pb_err *err)
{
	if (v1->struct_size != sizeof(*v1))
		return pb_fail(err,
			       "%s: a version 1 descriptor is %zu bytes, this "
			       "one says %u; rebuild the plugin against this "
			       "parabench's include/parabench/plugin.h "
			       "(ABI version %u)",
			       path, sizeof(*v1), v1->struct_size,
			       PB_ABI_VERSION);
	p->desc = (struct pb_plugin){
	    .magic = v1->magic,
	    .abi_version = 1,
	    .struct_size = sizeof(struct pb_plugin),
	    .kind = v1->kind,
	    .param_size = sizeof(struct pb_param),
	    .name = v1->name,
	    .summary = v1->summary,
	    .version = v1->version,
	    .nparams = v1->nparams,
	    .nmetrics = v1->nmetrics,
	    .result_size = v1->result_size,
	    .metric_size = sizeof(struct pb_metric),
	};
	if (!all_zero(v1->reserved, sizeof(v1->reserved)))
		return pb_fail(err,
			       "%s: plugin '%s': the reserved members of its "
			       "descriptor must be zero",
			       path, or_empty(v1->name));
	/* The v1 view of the fields read_params and read_metrics use. */
	struct pb_plugin view = {.name = v1->name,
				 .abi_version = 1,
				 .params = v1->params,
				 .nparams = v1->nparams,
				 .nmetrics = v1->nmetrics};
	if (read_params(path, &view, sizeof(struct pb_param), p, err) ||
	    read_metrics(path, &view, v1->metrics, sizeof(struct pb_v1_metric),
			 p, err))
		return PB_ERROR;
	widen_v1_ranges(p);
	if (v1->kind == PB_KIND_WORKLOAD && v1->workload) {
		const struct pb_v1_workload_hooks *h = v1->workload;
		p->workload = (struct pb_workload_hooks){
		    .size = sizeof(struct pb_workload_hooks),
		    .setup = h->setup,
		    .worker_init = h->worker_init,
		    .run_task = h->run_task,
		    .worker_fini = h->worker_fini,
		    .reduce = h->reduce,
		    .verify = h->verify,
		    .teardown = h->teardown,
		};
		p->desc.workload = &p->workload;
	}
	if (v1->kind == PB_KIND_STRATEGY && v1->strategy) {
		/* execute stays in its own type; see pb_strategy_execute. */
		p->v1_strategy = v1->strategy;
		p->strategy.size = sizeof(struct pb_strategy_hooks);
		if (v1->strategy->execute)
			p->strategy.execute = v1_execute_placeholder;
		p->desc.strategy = &p->strategy;
	}
	return PB_OK;
}

int pb_abi_read(const char *path, const void *sym, struct pb_abi_plugin **out,
		struct pb_err *err)
{
	const struct pb_plugin *raw = sym;
	struct pb_abi_plugin *p;
	int rc;

	*out = NULL;
	if (raw->magic != PB_MAGIC)
		return pb_fail(err,
			       "%s: '%s' is not a parabench descriptor "
			       "(bad magic 0x%016llx); rebuild the plugin "
			       "against include/parabench/plugin.h",
			       path, PB_PLUGIN_SYMBOL_NAME,
			       (unsigned long long)raw->magic);
	if (raw->abi_version == 0)
		return pb_fail(err,
			       "%s: plugin ABI version 0 does not exist; this "
			       "parabench wants version 1 to %u; rebuild the "
			       "plugin",
			       path, PB_ABI_VERSION);
	if (!(p = calloc(1, sizeof(*p))) || !(p->path = strdup(path))) {
		free(p);
		return pb_fail(err, "out of memory loading %s", path);
	}
	if (raw->abi_version == 1)
		rc = read_v1(path, sym, p, err);
	else
		rc = read_v2(path, raw, p, err);
	if (rc) {
		pb_abi_free(p);
		return PB_ERROR;
	}
	p->desc.summary = or_empty(p->desc.summary);
	p->desc.version = or_empty(p->desc.version);
	*out = p;
	return PB_OK;
}

void pb_abi_free(struct pb_abi_plugin *p)
{
	if (!p)
		return;
	free(p->params);
	free(p->metrics);
	free(p->path);
	free(p);
}

const char *pb_plugin_path(const struct pb_plugin *p)
{
	return ((const struct pb_abi_plugin *)(const void *)p)->path;
}

struct pb_args pb_args_of(const struct pb_plugin *p,
			  const struct pb_value *values)
{
	return (struct pb_args){.n = p->nparams,
				.params = p->params,
				.values = values,
				.size = sizeof(struct pb_args),
				.param_size = sizeof(struct pb_param)};
}

/* A version 1 strategy runs on a job and hook table in its own layout. */
static int execute_v1(const struct pb_v1_strategy_hooks *v1,
		      const struct pb_job *job, int32_t *status,
		      struct pb_err *err)
{
	const struct pb_workload_hooks *h = job->hooks;
	const struct pb_v1_workload_hooks hooks = {
	    .setup = h->setup,
	    .worker_init = h->worker_init,
	    .run_task = h->run_task,
	    .worker_fini = h->worker_fini,
	    .reduce = h->reduce,
	    .verify = h->verify,
	    .teardown = h->teardown,
	};
	const struct pb_v1_job old = {
	    .hooks = &hooks,
	    .state = job->state,
	    .ntasks = job->ntasks,
	    .result_size = job->result_size,
	    .results = job->results,
	    .workers = job->workers,
	    .args = job->args,
	};
	return v1->execute(&old, status, err);
}

int pb_strategy_execute(const struct pb_plugin *s, const struct pb_job *job,
			int32_t *status, struct pb_err *err)
{
	if (s->abi_version == 1) {
		/* Only the registry makes version 1 descriptors: desc is the
		 * first member of its struct pb_abi_plugin. */
		const struct pb_abi_plugin *p =
		    (const struct pb_abi_plugin *)(const void *)s;
		return execute_v1(p->v1_strategy, job, status, err);
	}
	return s->strategy->execute(job, status, err);
}
