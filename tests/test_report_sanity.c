/*
 * test_report_sanity.c — the report's sanity warnings on a hand-made
 * run: a speed-up above the worker count, the control drifting across
 * worker counts beyond its intervals, a serial fraction outside [0, 1].
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "lib/csv_read.h"
#include "output/report.h"
#include "pbt_files.h"

TestSuite(report_sanity, .fini = pbt_scratch_remove);

/* serial: 1.0 s at 1 worker, 2.0 s at 2 (the control drifts); pthreads:
 * 1.0 s at 1, 0.2 s at 2 (5x on 2 workers; T = a + b/p gives a < 0). */
static const char *runs =
    "experiment,cell,workload,strategy,workers,repetition,status,wall_s,"
    "message\n"
    "e,1,w,serial,1,1,ok,1.00,\ne,1,w,serial,1,2,ok,1.01,\n"
    "e,1,w,serial,1,3,ok,0.99,\n"
    "e,2,w,serial,2,1,ok,2.00,\ne,2,w,serial,2,2,ok,2.01,\n"
    "e,2,w,serial,2,3,ok,1.99,\n"
    "e,3,w,pthreads,1,1,ok,1.00,\ne,3,w,pthreads,1,2,ok,1.01,\n"
    "e,3,w,pthreads,1,3,ok,0.99,\n"
    "e,4,w,pthreads,2,1,ok,0.20,\ne,4,w,pthreads,2,2,ok,0.21,\n"
    "e,4,w,pthreads,2,3,ok,0.19,\n";

static const char *exps =
    "experiment,workload,workload_params,strategy_params,"
    "baseline_strategy,baseline_workers,fit_oversubscribed,repetitions,"
    "warmup,cores\n"
    "e,w,,,serial,1,false,3,1,8\n";

Test(report_sanity, names_the_cells_and_the_cause)
{
	struct pb_err err = {{0}};
	char path[4096];
	const char *dir = pbt_scratch_new();

	pbt_write_in(dir, "runs.csv", runs);
	pbt_write_in(dir, "experiments.csv", exps);
	cr_assert_eq(pb_report_dir(dir, &err), PB_OK, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	char *md = pbt_read(path);
	const char *w = strstr(md, "## Warnings");
	cr_assert(w, "%s", md);
	cr_assert(strstr(w, "- cell 4 (e-1 pthreads, 2 workers): speed-up "
			    "5.00 (at least 4.71) is above its worker "
			    "count 2"),
		  "%s", w);
	cr_assert(strstr(w, "the control serial ignores workers, yet its "
			    "median at 2 workers is 2.00x that at 1"),
		  "%s", w);
	cr_assert(strstr(w, "pthreads: the fitted serial fraction"), "%s", w);
	cr_assert(strstr(w, "is outside [0, 1]"), "%s", w);
	/* The clean cell raises none of these. */
	cr_assert_null(strstr(w, "- cell 3 (e-1 pthreads, 1 workers): speed"));
	free(md);
}
