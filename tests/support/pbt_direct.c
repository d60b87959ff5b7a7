/*
 * pbt_direct.c — calling a workload's hooks directly (see pbt_direct.h).
 */
#include "pbt_direct.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbtest.h"

/* host->own_path: remembers the path in the pbt_direct that owns host. */
static void record_path(struct pb_host *host, const char *path)
{
	struct pbt_direct *d = host->opaque;
	snprintf(d->owned, sizeof(d->owned), "%s", path);
}

void pbt_direct_init(struct pbt_direct *d, const char *workload,
		     const char *params)
{
	memset(d, 0, sizeof(*d));
	d->p = pbt_plugin(PB_KIND_WORKLOAD, workload);
	d->h = d->p->workload;
	d->args = pbt_args(d->p, params, &d->arena);
	d->host = (struct pb_host){.size = sizeof(d->host),
				   .abi_version = PB_ABI_VERSION,
				   .opaque = d,
				   .own_path = record_path,
				   .seed = 1,
				   .cores = 2};
}

int pbt_direct_setup(struct pbt_direct *d)
{
	memset(&d->err, 0, sizeof(d->err));
	int rc =
	    d->h->setup(&d->args, &d->host, &d->state, &d->ntasks, &d->err);
	if (rc == PB_OK) {
		d->set_up = true;
		d->results =
		    calloc(d->ntasks ? d->ntasks : 1, d->p->result_size);
		cr_assert_not_null(d->results, "%zu results of %s", d->ntasks,
				   d->p->name);
	}
	return rc;
}

void pbt_direct_start(struct pbt_direct *d, const char *workload,
		      const char *params)
{
	pbt_direct_init(d, workload, params);
	cr_assert_eq(pbt_direct_setup(d), PB_OK, "%s [%s]: %s", workload,
		     params, d->err.msg);
}

void pbt_direct_expect_setup_error(struct pbt_direct *d, const char *want)
{
	void *state = NULL;
	size_t n = 0;

	memset(&d->err, 0, sizeof(d->err));
	cr_assert_eq(d->h->setup(&d->args, &d->host, &state, &n, &d->err),
		     PB_ERROR, "setup accepted what should fail with '%s'",
		     want);
	cr_assert(strstr(d->err.msg, want), "message '%s' lacks '%s'",
		  d->err.msg, want);
}

int pbt_direct_run(struct pbt_direct *d)
{
	void *ws = NULL;
	int rc = PB_OK;

	memset(&d->err, 0, sizeof(d->err));
	if (d->h->worker_init &&
	    (rc = d->h->worker_init(d->state, 0, &ws, &d->err)))
		return rc;
	for (size_t i = 0; i < d->ntasks && rc == PB_OK; i++)
		rc = d->h->run_task(d->state, ws, i,
				    (char *)d->results + i * d->p->result_size,
				    &d->err);
	if (d->h->worker_fini)
		d->h->worker_fini(d->state, ws);
	if (rc != PB_OK)
		return rc;
	for (size_t k = 0; k < PB_MAX_METRICS; k++)
		d->m[k] = (struct pb_metric_value){.value = NAN};
	return d->h->reduce(d->state, d->results, d->ntasks, d->m, &d->err);
}

void pbt_direct_run_all(struct pbt_direct *d, const char *workload,
			const char *params)
{
	pbt_direct_start(d, workload, params);
	cr_assert_eq(pbt_direct_run(d), PB_OK, "%s [%s]: %s", workload, params,
		     d->err.msg);
}

int pbt_direct_verify(struct pbt_direct *d)
{
	memset(&d->err, 0, sizeof(d->err));
	return d->h->verify(d->state, d->results, d->ntasks, d->m, &d->err);
}

void pbt_direct_expect_wrong(struct pbt_direct *d, const char *want)
{
	cr_assert_eq(pbt_direct_verify(d), PB_ERROR,
		     "verify accepted a corrupted result (want '%s')", want);
	cr_assert(strstr(d->err.msg, want), "message '%s' lacks '%s'",
		  d->err.msg, want);
}

void pbt_direct_teardown(struct pbt_direct *d)
{
	if (d->set_up)
		d->h->teardown(d->state);
	d->set_up = false;
	free(d->results);
	d->results = NULL;
	pb_arena_free(&d->arena);
}
