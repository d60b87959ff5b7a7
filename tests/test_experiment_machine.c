/*
 * test_experiment_machine.c — core/experiment/experiment_machine.c: the
 * `affinity` axis and the `counters` list, good and bad, and how affinity
 * multiplies the cells.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "experiment/cells.h"
#include "experiment/experiment.h"
#include "pbtest.h"

static int parse(const char *yaml, struct pb_experiment_file *f,
		 struct pb_err *err)
{
	return pb_experiment_parse("t.yaml", yaml, strlen(yaml), pbt_registry(),
				   f, err);
}

static void parse_bad(const char *yaml, const char *where, const char *msg)
{
	struct pb_experiment_file f;
	struct pb_err err = {{0}};
	char prefix[64];

	cr_assert_eq(parse(yaml, &f, &err), PB_ERROR, "accepted:\n%s", yaml);
	snprintf(prefix, sizeof(prefix), "t.yaml:%s: ", where);
	cr_assert(strncmp(err.msg, prefix, strlen(prefix)) == 0,
		  "'%s' does not start with '%s'", err.msg, prefix);
	cr_assert(strstr(err.msg, msg), "'%s' lacks '%s'", err.msg, msg);
}

#define BASE "workload: pi\nstrategies: [serial, pthreads]\nworkers: [1, 2]\n"

Test(experiment_machine, defaults_are_no_binding_and_no_counters)
{
	struct pb_experiment_file f;
	struct pb_err err = {{0}};

	cr_assert_eq(parse(BASE, &f, &err), PB_OK, "%s", err.msg);
	cr_assert_eq(f.items[0].naffinity, 1);
	cr_assert_eq(f.items[0].affinity[0], PB_AFFINITY_NONE);
	cr_assert_not(f.items[0].affinity_written);
	cr_assert_eq(f.items[0].ncounters, 0);
	pb_experiment_free(&f);
}

Test(experiment_machine, affinity_is_an_axis_between_strategy_and_workers)
{
	struct pb_experiment_file f;
	struct pb_cells cells;
	struct pb_err err = {{0}};
	static const enum pb_affinity want[] = {
	    PB_AFFINITY_COMPACT, PB_AFFINITY_COMPACT, PB_AFFINITY_SCATTER,
	    PB_AFFINITY_SCATTER};

	cr_assert_eq(parse(BASE "affinity: [compact, scatter]\n", &f, &err),
		     PB_OK, "%s", err.msg);
	cr_assert(f.items[0].affinity_written);
	cr_assert_eq(pb_cells_expand(&f, &cells, &err), PB_OK, "%s", err.msg);
	/* 2 strategies x 2 policies x 2 worker counts */
	cr_assert_eq(cells.n, 8);
	for (size_t c = 0; c < cells.n; c++) {
		cr_assert_eq(cells.items[c].spec.affinity, want[c % 4],
			     "cell %zu", c + 1);
		cr_assert_eq(cells.items[c].spec.workers, c % 2 + 1);
	}
	pb_cells_free(&cells);
	pb_experiment_free(&f);
}

Test(experiment_machine, counters_are_one_list_given_to_every_cell)
{
	struct pb_experiment_file f;
	struct pb_cells cells;
	struct pb_err err = {{0}};

	cr_assert_eq(parse(BASE "counters: [task-clock, page-faults, cycles]\n",
			   &f, &err),
		     PB_OK, "%s", err.msg);
	cr_assert_eq(pb_cells_expand(&f, &cells, &err), PB_OK, "%s", err.msg);
	cr_assert_eq(cells.n, 4);
	cr_assert_eq(cells.items[3].spec.ncounters, 3);
	cr_assert_str_eq(cells.items[3].spec.counters[2], "cycles");
	pb_cells_free(&cells);
	pb_experiment_free(&f);
	/* a single name is a list of one */
	cr_assert_eq(parse(BASE "counters: page-faults\n", &f, &err), PB_OK,
		     "%s", err.msg);
	cr_assert_eq(f.items[0].ncounters, 1);
	pb_experiment_free(&f);
}

Test(experiment_machine, bad_affinity_and_counters_are_located)
{
	parse_bad(BASE "affinity: spread\n", "4:11", "spread");
	parse_bad(BASE "affinity: [none, none]\n", "4:18", "repeats");
	parse_bad(BASE "counters: [task-clock, cycels]\n", "4:24",
		  "unknown counter 'cycels'; expected one of task-clock");
	parse_bad(BASE "counters: [cycles, cycles]\n", "4:20",
		  "counter 'cycles' is listed twice");
	parse_bad(BASE "counters: [[cycles], [instructions]]\n", "4:11",
		  "list of lists");
}
