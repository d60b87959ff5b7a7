/*
 * test_experiment_errors.c — every error of an experiment file in one pass
 * (pb_experiment_load_all and the CLI): in line order, at most 20 kept
 * with the total counted, each located, and none that only follows from
 * another.
 */
#include <criterion/criterion.h>
#include <unistd.h>

#include "experiment/experiment.h"
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

TestSuite(experiment_errors, .init = enter_tmp, .fini = leave_tmp);

static struct pb_exp_errors errs;

/* Loads text as f.yaml, which must fail; errs holds what was found. */
static void load_bad(const char *text)
{
	struct pb_experiment_file f;

	pbt_write("f.yaml", text);
	cr_assert_eq(
	    pb_experiment_load_all("f.yaml", pbt_registry(), &f, &errs),
	    PB_ERROR);
}

static void expect(size_t k, unsigned line, unsigned column, const char *want)
{
	char at[64];

	cr_assert_lt(k, errs.n);
	snprintf(at, sizeof(at), "f.yaml:%u:%u: ", line, column);
	cr_assert_eq(errs.items[k].line, line, "%s", errs.items[k].err.msg);
	cr_assert(strncmp(errs.items[k].err.msg, at, strlen(at)) == 0, "%s",
		  errs.items[k].err.msg);
	cr_assert(strstr(errs.items[k].err.msg, want), "%s lacks %s",
		  errs.items[k].err.msg, want);
}

/* The case: a misspelt parameter on line 4, no strategies. */
Test(experiment_errors, a_misspelt_parameter_and_a_missing_key_together)
{
	load_bad("name: two\n"
		 "workload: pi\n"
		 "params:\n"
		 "  sampels: 1e6\n");
	cr_assert_eq(errs.n, 2);
	cr_assert_eq(errs.total, 2);
	expect(0, 1, 1, "missing key 'strategies'");
	expect(1, 4, 3, "unknown parameter 'sampels'");
}

Test(experiment_errors, in_line_order_whatever_order_they_are_found)
{
	load_bad("colour: blue\n"
		 "workload: pi\n"
		 "strategies: [serial]\n"
		 "repetitions: 0\n"
		 "workers: [1, two]\n"
		 "warmup: -1\n"
		 "shape: round\n");
	cr_assert_eq(errs.n, 5, "%zu", errs.n);
	expect(0, 1, 1, "unknown key 'colour'");
	expect(1, 4, 14, "repetitions: 0 is out of range");
	expect(2, 5, 14, "got 'two'");
	expect(3, 6, 9, "warmup");
	expect(4, 7, 1, "unknown key 'shape'");
}

/* A baseline checked against strategies that failed would only echo it. */
Test(experiment_errors, nothing_that_only_follows_from_another)
{
	load_bad("workload: pi\n"
		 "strategies: [serial, threads]\n"
		 "baseline: {strategy: threads, workers: 1}\n");
	cr_assert_eq(errs.n, 1, "%s", errs.items[errs.n - 1].err.msg);
	expect(0, 2, 22, "unknown strategy 'threads'");
}

/* Twenty-five bad keys: the first twenty kept, all counted, and the CLI
 * says how many more there are. */
Test(experiment_errors, at_most_twenty_with_the_rest_counted)
{
	char text[4096] = "workload: pi\nstrategies: [serial]\n";
	struct pbt_proc p;

	for (int k = 0; k < 25; k++) {
		char line[32];
		snprintf(line, sizeof(line), "bad_%02d: 1\n", k);
		strcat(text, line);
	}
	load_bad(text);
	cr_assert_eq(errs.n, PB_EXP_MAX_ERRORS);
	cr_assert_eq(errs.total, 25);
	for (size_t k = 0; k < errs.n; k++)
		expect(k, (unsigned)k + 3, 1, "unknown key");
	pbt_parabench(&p, (const char *[]){"validate", "f.yaml", NULL});
	cr_assert_eq(p.status, 2);
	size_t lines = 0;
	for (const char *c = p.err; *c; c++)
		lines += *c == '\n';
	cr_assert_eq(lines, 21, "%s", p.err);
	cr_assert(strstr(p.err, "f.yaml: 5 more errors not shown"), "%s",
		  p.err);
	pbt_proc_free(&p);
}

/* The errors of several entries of `experiments` are all there. */
Test(experiment_errors, every_entry_is_read)
{
	load_bad("workload: pi\n"
		 "strategies: [serial]\n"
		 "experiments:\n"
		 "  - name: a\n"
		 "    params: {samples: 0}\n"
		 "  - name: b\n"
		 "    repetitions: many\n");
	cr_assert_eq(errs.n, 2);
	expect(0, 5, 23, "out of range");
	expect(1, 7, 18, "many");
}

/* A file that is not YAML at all has its one error. */
Test(experiment_errors, a_syntax_error_is_the_only_one)
{
	load_bad("workload: [pi\n");
	cr_assert_eq(errs.n, 1);
	cr_assert(strstr(errs.items[0].err.msg, "f.yaml:"), "%s",
		  errs.items[0].err.msg);
}

/* Issue 13.19: a workload and a strategy parameter of one name would
 * share a param_ column; the pair is refused at the strategy. */
Test(experiment_errors, a_parameter_name_shared_with_the_workload)
{
	pbt_plugin(PB_KIND_STRATEGY, "clash"); /* loads the test plugin */
	load_bad("workload: pi\n"
		 "strategies: [serial, clash]\n");
	cr_assert_eq(errs.n, 1);
	expect(0, 2, 22,
	       "strategy 'clash' and workload 'pi' both have a "
	       "parameter 'tasks'");
	cr_assert(strstr(errs.items[0].err.msg, "param_tasks"));
}
