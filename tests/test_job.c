/*
 * test_job.c — what a strategy is given beyond its tasks (struct pb_job's
 * appended members: the workload, its args, the host) and how a
 * strategy's own metrics reach runs.csv: as metric_ columns after the
 * workload's, empty in the rows of strategies that do not declare them.
 */
#include <criterion/criterion.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "pbt_files.h"
#include "pbtest.h"

static void enter_tmp(void)
{
	cr_assert_eq(chdir(pbt_scratch_new()), 0);
}

static void leave_tmp(void)
{
	cr_assert_eq(chdir("/"), 0);
	pbt_scratch_remove();
}

TestSuite(job, .init = enter_tmp, .fini = leave_tmp, .timeout = 60);

Test(job, strategy_metrics_are_columns_of_their_own)
{
	struct pbt_proc p;
	struct pb_csv t;
	struct pb_err err = {{0}};
	char plugins[4096];

	snprintf(plugins, sizeof(plugins), "%s/test-plugins", pbt_build());
	pbt_write("m.yaml", "name: m\nworkload: pi\n"
			    "params: {samples: 1e4, tasks: 7}\n"
			    "strategies: [serial, metered]\nseed: 42\n"
			    "repetitions: 2\nwarmup: 0\n");
	pbt_parabench(&p, (const char *[]){"run", "m.yaml", "--out", "res",
					   "--quiet", "--no-report",
					   "--plugin-dir", plugins, NULL});
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	cr_assert_eq(pb_csv_read("res/runs.csv", 0, &t, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(t.nrows, 4);
	for (size_t r = 0; r < t.nrows; r++) {
		bool metered =
		    strcmp(pb_csv_get(&t, r, "strategy"), "metered") == 0;
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok");
		/* The workload's metric is there for both. */
		cr_assert_str_eq(pb_csv_get(&t, r, "metric_samples"), "10000");
		cr_assert_str_eq(pb_csv_get(&t, r, "metric_strategy_tasks"),
				 metered ? "7" : "");
		cr_assert_str_eq(
		    pb_csv_get(&t, r, "metric_strategy_wparams"),
		    metered ? "4" : ""); /* samples, tasks, seed, kernel */
		cr_assert_str_eq(pb_csv_get(&t, r, "metric_strategy_seed"),
				 metered ? "42" : "");
		cr_assert_str_eq(pb_csv_get(&t, r, "metric_strategy_owns"),
				 metered ? "1" : "");
	}
	pb_csv_free(&t);
	pbt_proc_free(&p);
}

Test(job, strategy_metrics_are_listed)
{
	struct pbt_proc p;
	char plugins[4096];

	snprintf(plugins, sizeof(plugins), "%s/test-plugins", pbt_build());
	pbt_parabench(&p,
		      (const char *[]){"list", "--plugin-dir", plugins, NULL});
	cr_assert_eq(p.status, 0, "%s", p.err);
	cr_assert(strstr(p.out, "metric strategy_tasks"), "%s", p.out);
	pbt_proc_free(&p);
}
