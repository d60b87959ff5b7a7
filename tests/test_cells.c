/*
 * test_cells.c — core/experiment/experiment.cells.c: an experiment file's matrix, expanded.
 *
 * Counts and the stable order of cells.h: experiments in file order, the
 * workload's first parameter varying slowest, strategies in written order,
 * then each strategy's parameter combinations, then worker counts — with
 * serial at every worker count, complete argument arrays and ids that run
 * on across experiments.
 */
#include <criterion/criterion.h>

#include "experiment/cells.h"
#include "pbtest.h"
#include "plugin/value.h"

static void load(const char *yaml, struct pb_experiment_file *f,
		 struct pb_cells *cells)
{
	struct pb_err err = {{0}};

	pbt_plugin(PB_KIND_WORKLOAD, "listy");
	cr_assert_eq(pb_experiment_parse("c.yaml", yaml, strlen(yaml),
					 pbt_registry(), f, &err),
		     PB_OK, "%s", err.msg);
	cr_assert_eq(pb_cells_expand(f, cells, &err), PB_OK, "%s", err.msg);
	cr_assert_eq(cells->n, pb_cells_count(f));
}

/*
 * The cell as "samples tasks seed|strategy schedule chunk|workers": pi's
 * first three parameters only, so pi may grow parameters (kernel, ...).
 */
static const char *describe(const struct pb_cell *c)
{
	static char buf[512];
	size_t n = 0;
	const struct pb_args *a[2] = {&c->spec.wargs, &c->spec.sargs};

	for (int k = 0; k < 2; k++) {
		if (k)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "|%s",
					      c->spec.strategy->name);
		for (size_t j = 0; j < a[k]->n && (k || j < 3); j++) {
			char v[128];
			pb_value_format(&a[k]->values[j], v, sizeof(v));
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
					      j || k ? " " : "", v);
		}
	}
	snprintf(buf + n, sizeof(buf) - n, "|%u", c->spec.workers);
	return buf;
}

static void expect_order(const struct pb_cells *cells, const char *const *want,
			 size_t n)
{
	cr_assert_eq(cells->n, n, "%zu cells, expected %zu", cells->n, n);
	for (size_t k = 0; k < n; k++) {
		cr_assert_eq(cells->items[k].id, k + 1);
		cr_assert_str_eq(describe(&cells->items[k]), want[k],
				 "cell %zu", k + 1);
	}
}

Test(cells, full_order_of_one_experiment)
{
	struct pb_experiment_file f;
	struct pb_cells cells;
	load("workload: pi\n"
	     "params: {samples: [100, 200], tasks: 4}\n"
	     "strategies: [serial, pthreads]\n"
	     "strategy_params: {pthreads: {chunk: [1, 8]}, schedule: static}\n"
	     "workers: [1, 2]\n",
	     &f, &cells);
	const char *want[] = {
	    "100 4 1|serial|1",
	    "100 4 1|serial|2",
	    "100 4 1|pthreads static 1|1",
	    "100 4 1|pthreads static 1|2",
	    "100 4 1|pthreads static 8|1",
	    "100 4 1|pthreads static 8|2",
	    "200 4 1|serial|1",
	    "200 4 1|serial|2",
	    "200 4 1|pthreads static 1|1",
	    "200 4 1|pthreads static 1|2",
	    "200 4 1|pthreads static 8|1",
	    "200 4 1|pthreads static 8|2",
	};
	expect_order(&cells, want, PB_COUNT(want));
	pb_cells_free(&cells);
	pb_experiment_free(&f);
}

Test(cells, first_parameter_varies_slowest_in_written_order)
{
	struct pb_experiment_file f;
	struct pb_cells cells;
	load("workload: pi\nstrategies: serial\n"
	     "params: {tasks: [3, 1], samples: [20, 10], seed: [5, 6]}\n",
	     &f, &cells);
	/* Table order is samples, tasks, seed whatever the file's order. */
	const char *want[] = {
	    "20 3 5|serial|1", "20 3 6|serial|1", "20 1 5|serial|1",
	    "20 1 6|serial|1", "10 3 5|serial|1", "10 3 6|serial|1",
	    "10 1 5|serial|1", "10 1 6|serial|1",
	};
	expect_order(&cells, want, PB_COUNT(want));
	pb_cells_free(&cells);
	pb_experiment_free(&f);
}

Test(cells, serial_runs_at_every_worker_count)
{
	struct pb_experiment_file f;
	struct pb_cells cells;
	load("workload: pi\nstrategies: [pthreads, serial]\n"
	     "workers: [4, 1, 2]\n",
	     &f, &cells);
	cr_assert_eq(cells.n, 6);
	unsigned want[] = {4, 1, 2};
	for (size_t k = 0; k < 3; k++) {
		cr_assert_str_eq(cells.items[k].spec.strategy->name,
				 "pthreads");
		cr_assert_str_eq(cells.items[3 + k].spec.strategy->name,
				 "serial");
		cr_assert_eq(cells.items[3 + k].spec.workers, want[k]);
	}
	pb_cells_free(&cells);
	pb_experiment_free(&f);
}

Test(cells, strategy_parameter_axes_multiply)
{
	struct pb_experiment_file f;
	struct pb_cells cells;
	load("workload: pi\nstrategies: [serial, pthreads]\n"
	     "strategy_params: {schedule: [static, dynamic], chunk: [1, 2, "
	     "3]}\n"
	     "workers: [1, 2]\n",
	     &f, &cells);
	/* serial: 1 combination; pthreads: 2 x 3; times 2 worker counts. */
	cr_assert_eq(cells.n, (1 + 6) * 2);
	cr_assert_eq(pb_cells_count(&f), 14);
	cr_assert_str_eq(describe(&cells.items[2]),
			 "10000000 64 1|pthreads static 1|1");
	cr_assert_str_eq(describe(&cells.items[4]),
			 "10000000 64 1|pthreads static 2|1");
	cr_assert_str_eq(describe(&cells.items[8]),
			 "10000000 64 1|pthreads dynamic 1|1");
	cr_assert_str_eq(describe(&cells.items[13]),
			 "10000000 64 1|pthreads dynamic 3|2");
	pb_cells_free(&cells);
	pb_experiment_free(&f);
}

Test(cells, several_experiments_in_file_order)
{
	struct pb_experiment_file f;
	struct pb_cells cells;
	load("workload: pi\nstrategies: serial\nparams: {tasks: 2}\n"
	     "experiments:\n"
	     "  - name: one\n    workers: [1, 2]\n"
	     "  - name: two\n    params: {samples: [5, 6, 7]}\n"
	     "  - name: three\n    strategies: [pthreads]\n",
	     &f, &cells);
	cr_assert_eq(cells.n, 2 + 3 + 1);
	const char *exp[] = {"one", "one", "two", "two", "two", "three"};
	for (size_t k = 0; k < cells.n; k++) {
		cr_assert_str_eq(cells.items[k].exp->name, exp[k]);
		cr_assert_eq(cells.items[k].id, k + 1);
	}
	cr_assert_eq(cells.items[0].exp, &f.items[0]);
	cr_assert_eq(cells.items[5].exp, &f.items[2]);
	cr_assert_str_eq(describe(&cells.items[3]), "6 2 1|serial|1");
	cr_assert_str_eq(describe(&cells.items[5]),
			 "10000000 2 1|pthreads dynamic 1|1");
	pb_cells_free(&cells);
	pb_experiment_free(&f);
}

Test(cells, args_are_complete_and_point_at_the_plugins)
{
	struct pb_experiment_file f;
	struct pb_cells cells;
	load("workload: listy\nstrategies: pthreads\n"
	     "params: {label: x, numbers: [[1, 2], [3]]}\n",
	     &f, &cells);
	cr_assert_eq(cells.n, 2);
	for (size_t k = 0; k < cells.n; k++) {
		const struct pb_cell_spec *s = &cells.items[k].spec;
		cr_assert_eq(s->workload, f.items[0].workload);
		cr_assert_eq(s->wargs.n, s->workload->nparams);
		cr_assert_eq(s->wargs.params, s->workload->params);
		cr_assert_eq(s->sargs.n, s->strategy->nparams);
		cr_assert_eq(s->sargs.params, s->strategy->params);
		for (size_t j = 0; j < s->wargs.n; j++)
			cr_assert_eq(s->wargs.values[j].type,
				     s->wargs.params[j].type);
		cr_assert_str_eq(pb_arg(&s->wargs, "label")->u.s, "x");
		cr_assert_eq(pb_arg(&s->wargs, "block")->u.i, 4096);
	}
	const struct pb_value *n1 =
	    pb_arg(&cells.items[1].spec.wargs, "numbers");
	cr_assert_eq(n1->u.ints.n, 1);
	cr_assert_eq(n1->u.ints.v[0], 3);
	pb_cells_free(&cells);
	pb_experiment_free(&f);
}

Test(cells, cells_of_one_combination_share_their_values)
{
	struct pb_experiment_file f;
	struct pb_cells cells;
	load("workload: pi\nstrategies: [serial, pthreads]\nworkers: [1, 2]\n",
	     &f, &cells);
	cr_assert_eq(cells.n, 4);
	cr_assert_eq(cells.items[0].spec.wargs.values,
		     cells.items[3].spec.wargs.values);
	cr_assert_eq(cells.items[2].spec.sargs.values,
		     cells.items[3].spec.sargs.values);
	pb_cells_free(&cells);
	pb_experiment_free(&f);
}

Test(cells, a_large_matrix)
{
	struct pb_experiment_file f;
	struct pb_cells cells;
	char *y = malloc(1 << 16);
	size_t n = (size_t)sprintf(y, "workload: pi\nstrategies: [serial, "
				      "pthreads]\nworkers: [");
	for (int k = 1; k <= 100; k++)
		n += (size_t)sprintf(y + n, "%s%d", k > 1 ? ", " : "", k);
	n += (size_t)sprintf(y + n, "]\nparams: {samples: [");
	for (int k = 1; k <= 500; k++)
		n += (size_t)sprintf(y + n, "%s%d", k > 1 ? ", " : "", k);
	sprintf(y + n, "]}\n");
	load(y, &f, &cells);
	cr_assert_eq(cells.n, 100000);
	const struct pb_cell *last = &cells.items[cells.n - 1];
	cr_assert_eq(last->id, 100000);
	cr_assert_str_eq(describe(last), "500 64 1|pthreads dynamic 1|100");
	pb_cells_free(&cells);
	pb_experiment_free(&f);
	free(y);
}

Test(cells, count_saturates_and_expand_refuses_beyond_the_limit)
{
	static const struct pb_param params[] = {
	    {"a", PB_INT, "1", 0, 0, NULL, ""},
	    {"b", PB_INT, "1", 0, 0, NULL, ""},
	};
	struct pb_plugin w = {.kind = PB_KIND_WORKLOAD,
			      .name = "w",
			      .params = params,
			      .nparams = 2};
	struct pb_plugin s = {.kind = PB_KIND_STRATEGY, .name = "s"};
	struct pb_axis axes[2] = {{SIZE_MAX / 2, NULL, {0, 0}},
				  {4, NULL, {0, 0}}};
	struct pb_strategy_use use = {&s, NULL};
	unsigned workers = 1;
	struct pb_experiment e = {.name = "huge",
				  .workload = &w,
				  .wparams = axes,
				  .nstrategies = 1,
				  .strategies = &use,
				  .nworkers = 1,
				  .workers = &workers};
	struct pb_experiment_file f = {.path = "h.yaml", .n = 1, .items = &e};
	struct pb_cells cells;
	struct pb_err err = {{0}};

	cr_assert_eq(pb_cells_count(&f), SIZE_MAX);
	cr_assert_eq(pb_cells_expand(&f, &cells, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "h.yaml: the experiments expand to"), "%s",
		  err.msg);
	cr_assert_null(cells.items);
	axes[0].n = PB_MAX_CELLS / 4 + 1;
	cr_assert_eq(pb_cells_count(&f), PB_MAX_CELLS + 4);
	cr_assert_eq(pb_cells_expand(&f, &cells, &err), PB_ERROR);
}

Test(cells, empty_file_and_free_twice)
{
	struct pb_experiment_file f = {0};
	struct pb_cells cells;
	struct pb_err err;

	cr_assert_eq(pb_cells_count(&f), 0);
	cr_assert_eq(pb_cells_expand(&f, &cells, &err), PB_OK);
	cr_assert_eq(cells.n, 0);
	pb_cells_free(&cells);
	pb_cells_free(&cells);
	pb_cells_free(NULL);
}
