/*
 * bench_job.h — what the strategy drivers (strategy_overhead.c,
 * mpi_overhead.c) share: their one registry and arena, a plugin loaded by
 * name from a folder, parameters from "a=1; b=2" settings over the
 * defaults, and a workload set up once for repeated executes of one
 * strategy, as the runner would build the job.
 *
 * Header-only: each driver is one program, and this is its only copy.
 * Every failure ends the driver with a message (a benchmark has no caller
 * to hand an error to).
 */
#ifndef PB_BENCH_JOB_H
#define PB_BENCH_JOB_H

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/arena.h"
#include "lib/path.h"
#include "plugin/registry.h"
#include "plugin/value.h"

static struct pb_registry reg;
static struct pb_arena arena;

/* Prints "driver: message" and exits 1. */
__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt,
								...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/*
 * The plugin called name, loaded from dir/name.so unless already loaded.
 * With path_out, also the file it came from (valid until exit).
 */
static const struct pb_plugin *load(const char *dir, const char *name,
				    enum pb_kind kind, const char **path_out)
{
	static char paths[16][PB_PATH_MAX];
	static size_t npaths;
	const struct pb_plugin *p;
	struct pb_err err = {{0}};
	char *path = paths[npaths % 16];

	if (pb_path_fmt(path, PB_PATH_MAX, &err, "%s/%s.so", dir, name))
		die("%s", err.msg);
	p = pb_registry_find(&reg, kind, name);
	if (!p && pb_registry_load_file(&reg, path, &err))
		die("%s", err.msg);
	p = pb_registry_find(&reg, kind, name);
	if (!p)
		die("%s does not hold the plugin '%s'", path, name);
	npaths++;
	if (path_out)
		*path_out = path;
	return p;
}

/* The value of parameter name in settings "a=1; b=2", or NULL. */
static const char *setting(const char *settings, const char *name, char *buf,
			   size_t len)
{
	size_t n = strlen(name);

	for (const char *at = settings; at && *at;) {
		at += strspn(at, " ;");
		if (strncmp(at, name, n) == 0 && at[n] == '=') {
			snprintf(buf, len, "%.*s",
				 (int)strcspn(at + n + 1, ";"), at + n + 1);
			return buf;
		}
		at += strcspn(at, ";");
	}
	return NULL;
}

/* Defaults of p, overridden by settings "a=1; b=2" (may be NULL). */
static struct pb_args args_of(const struct pb_plugin *p, const char *settings)
{
	struct pb_value *v =
	    pb_arena_alloc(&arena, (p->nparams + 1) * sizeof(*v));
	struct pb_err why = {{0}};
	char buf[256];

	if (!v)
		die("out of memory");
	for (size_t k = 0; k < p->nparams; k++) {
		const struct pb_param *q = &p->params[k];
		const char *text = setting(settings, q->name, buf, sizeof(buf));
		int rc = text ? pb_value_parse(q, text, &arena, &v[k], &why)
			      : pb_value_default(q, &arena, &v[k], &why);
		if (rc)
			die("%s.%s: %s", p->name, q->name, why.msg);
	}
	return pb_args_of(p, v);
}

static void no_own_path(struct pb_host *host, const char *path)
{
	(void)host;
	(void)path;
}

/* A workload set up for repeated execution under one strategy. */
struct bench_job {
	const struct pb_plugin *workload, *strategy;
	void *state;
	struct pb_host host;
	struct pb_args wargs, sargs;
	struct pb_metric_value metrics[PB_MAX_METRICS]; /* the strategy's */
	struct pb_job job;
};

/*
 * Sets up workload (from wpath, for strategies that reload it elsewhere;
 * may be NULL) with wsettings for strategy with ssettings at workers.
 * Free with job_free.
 */
static void job_setup(struct bench_job *b, const struct pb_plugin *workload,
		      const char *wpath, const char *wsettings,
		      const struct pb_plugin *strategy, const char *ssettings,
		      unsigned workers)
{
	struct pb_err err = {{0}};
	size_t n = 0;

	b->workload = workload;
	b->strategy = strategy;
	b->host =
	    (struct pb_host){.size = sizeof(b->host),
			     .abi_version = PB_ABI_VERSION,
			     .own_path = no_own_path,
			     .seed = 1,
			     .cores = (unsigned)sysconf(_SC_NPROCESSORS_ONLN)};
	b->wargs = args_of(workload, wsettings);
	b->sargs = args_of(strategy, ssettings);
	if (workload->workload->setup(&b->wargs, &b->host, &b->state, &n, &err))
		die("%s setup: %s", workload->name, err.msg);
	b->job = (struct pb_job){
	    .size = sizeof(struct pb_job),
	    .hooks = workload->workload,
	    .state = b->state,
	    .ntasks = n,
	    .result_size = workload->result_size,
	    .results = calloc(n ? n : 1, workload->result_size),
	    .workers = workers,
	    .args = &b->sargs,
	    .workload = workload,
	    .workload_args = &b->wargs,
	    .host = &b->host,
	    .metrics = strategy->nmetrics ? b->metrics : NULL,
	    .workload_path = wpath,
	};
	if (!b->job.results)
		die("out of memory for %zu results", n);
}

static void job_free(struct bench_job *b)
{
	free(b->job.results);
	b->workload->workload->teardown(b->state);
}

/* One execute of b's strategy (its metrics reset first); ends on failure. */
static void job_execute(struct bench_job *b)
{
	struct pb_err err = {{0}};
	int32_t status;

	for (size_t k = 0; k < b->strategy->nmetrics; k++)
		b->metrics[k].value = NAN;
	if (pb_strategy_execute(b->strategy, &b->job, &status, &err))
		die("%s with %u workers: %s", b->strategy->name, b->job.workers,
		    err.msg);
}

#endif
