/*
 * test_compare.c — two results folders compared cell by cell: the
 * Mann–Whitney U test against values worked by hand (exact) and by an
 * independent rank computation in Python (normal, with ties), the
 * bootstrap interval of a ratio, and pb_compare_dirs on folders made
 * here: identical, scaled by 1.3, of other experiments, with cells in
 * only one of them, and with cells numbered in another order.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "analysis/compare.h"
#include "analysis/mannwhitney.h"
#include "lib/textbuf.h"
#include "pbt_files.h"

static const char *tmp; /* the scratch folder */

TestSuite(compare, .fini = pbt_scratch_remove);

static struct pb_utest utest(const double *x, size_t nx, const double *y,
			     size_t ny)
{
	struct pb_utest u;
	struct pb_err err = {{0}};

	cr_assert_eq(pb_mann_whitney(x, nx, y, ny, &u, &err), PB_OK);
	return u;
}

Test(compare, mann_whitney_exact_small_samples)
{
	const double a[] = {1, 2, 3}, b[] = {4, 5, 6};
	const double c[] = {1, 2, 3, 4, 5}, d[] = {6, 7, 8, 9, 10};
	const double e[] = {1, 2, 4}, f[] = {3, 5, 6};

	/* Apart: 1 ordering of C(6,3) = 20 at each end, p = 2/20. */
	struct pb_utest u = utest(a, 3, b, 3);
	cr_assert(u.exact);
	cr_assert_float_eq(u.u, 0, 1e-12);
	cr_assert_float_eq(u.p, 0.1, 1e-12);
	/* Either way round. */
	cr_assert_float_eq(utest(b, 3, a, 3).p, 0.1, 1e-12);
	cr_assert_float_eq(utest(b, 3, a, 3).u, 9, 1e-12);
	/* 5 against 5: 2 / C(10,5) = 2/252 < 0.05. */
	cr_assert_float_eq(utest(c, 5, d, 5).p, 2.0 / 252, 1e-12);
	/* U = 1 (4 > 3): P(U <= 1) = 2/20, p = 0.2. */
	u = utest(e, 3, f, 3);
	cr_assert_float_eq(u.u, 1, 1e-12);
	cr_assert_float_eq(u.p, 0.2, 1e-12);
}

Test(compare, mann_whitney_normal_with_ties)
{
	const double x[] = {1, 1, 2, 2, 3, 3, 4, 4, 8};
	const double y[] = {3, 4, 5, 5, 6, 6, 7, 7, 9};
	const double same[] = {2, 2, 2, 2, 2, 2, 2, 2, 2};

	/* python: average ranks, tie-corrected variance, continuity 1/2 */
	struct pb_utest u = utest(x, 9, y, 9);
	cr_assert_not(u.exact);
	cr_assert_float_eq(u.u, 12, 1e-12);
	cr_assert_float_eq(u.p, 0.012802577092, 1e-9);
	/* All values equal: nothing to tell. */
	cr_assert_float_eq(utest(same, 9, same, 9).p, 1, 1e-12);
	/* An empty side: nothing to tell. */
	cr_assert_float_eq(utest(x, 9, y, 0).p, 1, 1e-12);
}

Test(compare, bootstrap_interval_of_a_ratio)
{
	double x[9], y[9], lo, hi, lo2, hi2;
	struct pb_err err = {{0}};

	for (int k = 0; k < 9; k++) {
		x[k] = 1 + 0.01 * k;
		y[k] = 1.3 * (1 + 0.01 * ((k * 4) % 9));
	}
	cr_assert_eq(pb_ratio_interval(x, 9, y, 9, 7, &lo, &hi, &err), PB_OK);
	/* The ratio of the medians is 1.3; the interval holds it. */
	cr_assert_leq(lo, 1.3);
	cr_assert_geq(hi, 1.3);
	cr_assert_gt(lo, 1.2);
	cr_assert_lt(hi, 1.4);
	/* The same seed, the same interval. */
	cr_assert_eq(pb_ratio_interval(x, 9, y, 9, 7, &lo2, &hi2, &err), PB_OK);
	cr_assert_eq(lo, lo2);
	cr_assert_eq(hi, hi2);
}

/*
 * A results folder in tmp/name: experiment exp, cells serial/1 and
 * threads/1, 2, 4, five ok runs each, times (1/w + 0.1) (1 +- 1%)
 * scaled by scale. reverse numbers the cells the other way round.
 */
static const char *folder(const char *name, const char *exp, double scale,
			  bool reverse, bool extra)
{
	static char dir[4096];
	static const unsigned ws[] = {1, 1, 2, 4};
	struct pb_buf runs = {0}, exps = {0};

	snprintf(dir, sizeof(dir), "%s/%s", tmp, name);
	cr_assert_eq(mkdir(dir, 0755), 0, "%s", dir);
	pb_buf_printf(&runs, "experiment,cell,workload,strategy,workers,"
			     "repetition,status,wall_s,param_n,message\n");
	for (int c = 0; c < 4 + extra; c++) {
		int cell = reverse ? 5 - c : c + 1;
		for (int r = 0; r < 5; r++) {
			double w = c < 4 ? ws[c] : 8;
			double t =
			    (1 / w + 0.1) * (1 + 0.005 * (r - 2)) * scale;
			pb_buf_printf(&runs, "%s,%d,w,%s,%g,%d,ok,%.9g,10,\n",
				      exp, cell, c ? "threads" : "serial", w,
				      r + 1, t);
		}
	}
	pb_buf_printf(&runs, "%s,9,w,threads,16,1,failed,0,10,boom\n", exp);
	pb_buf_printf(&exps,
		      "experiment,workload,workload_params,strategy_params,"
		      "baseline_strategy,baseline_workers,fit_oversubscribed,"
		      "cores\n%s,w,n,,serial,1,false,2\n",
		      exp);
	cr_assert(!runs.oom && !exps.oom);
	pbt_write_in(dir, "runs.csv", runs.data);
	pbt_write_in(dir, "experiments.csv", exps.data);
	pb_buf_free(&runs);
	pb_buf_free(&exps);
	return dir;
}

static void compare_ok(const char *a, const char *b, bool force,
		       struct pb_comparison *c)
{
	struct pb_err err = {{0}};

	cr_assert_eq(pb_compare_dirs(a, b, force, c, &err), PB_OK, "%s",
		     err.msg);
}

Test(compare, identical_folders_show_no_change)
{
	struct pb_comparison c;
	char a[4096];

	tmp = pbt_scratch_new();
	snprintf(a, sizeof(a), "%s", folder("a", "e", 1, false, false));
	compare_ok(a, a, false, &c);
	cr_assert_eq(c.n, 5);
	for (size_t k = 0; k < c.n; k++) {
		if (!strcmp(c.cells[k].verdict, "too few runs"))
			continue;
		cr_assert_str_eq(c.cells[k].verdict, "no change");
		cr_assert_float_eq(c.cells[k].ratio, 1, 1e-12);
		cr_assert_float_eq(c.cells[k].p, 1, 1e-12);
	}
	/* The failed cell: no ok run on either side. */
	cr_assert_str_eq(c.cells[4].verdict, "too few runs");
	cr_assert_eq(c.cells[4].bad_a, 1);
	cr_assert_eq(c.n_only_a + c.n_only_b, 0);
	pb_comparison_free(&c);
}

Test(compare, scaled_times_are_slower_in_every_cell)
{
	struct pb_comparison c;
	char a[4096], b[4096];

	tmp = pbt_scratch_new();
	snprintf(a, sizeof(a), "%s", folder("a", "e", 1, false, false));
	/* B numbers its cells the other way: matched by keys, not ids. */
	snprintf(b, sizeof(b), "%s", folder("b", "e", 1.3, true, false));
	compare_ok(a, b, false, &c);
	cr_assert_eq(c.n, 5);
	for (size_t k = 0; k < 4; k++) {
		const struct pb_cmp_cell *x = &c.cells[k];
		cr_assert_str_eq(x->verdict, "slower", "cell %zu", k);
		cr_assert_float_eq(x->ratio, 1.3, 1e-9);
		cr_assert_lt(x->p, 0.05);
		cr_assert_leq(x->ratio_lo, 1.3);
		cr_assert_geq(x->ratio_hi, 1.3);
		cr_assert_eq(x->na, 5);
		cr_assert_eq(x->nb, 5);
	}
	/* In A's order: serial first, then threads by workers. */
	cr_assert_str_eq(c.cells[0].key.strategy, "serial");
	cr_assert_eq(c.cells[3].key.workers, 4);
	cr_assert_str_eq(c.cells[3].key.params, "n=10");
	pb_comparison_free(&c);
	/* And the other way round: faster. */
	compare_ok(b, a, false, &c);
	cr_assert_str_eq(c.cells[0].verdict, "faster");
	pb_comparison_free(&c);
}

Test(compare, cells_in_one_folder_only_are_listed)
{
	struct pb_comparison c;
	char a[4096], b[4096];

	tmp = pbt_scratch_new();
	snprintf(a, sizeof(a), "%s", folder("a", "e", 1, false, false));
	snprintf(b, sizeof(b), "%s", folder("b", "e", 1, false, true));
	compare_ok(a, b, false, &c);
	cr_assert_eq(c.n, 5);
	cr_assert_eq(c.n_only_a, 0);
	cr_assert_eq(c.n_only_b, 1);
	cr_assert_eq(c.only_b[0].workers, 8);
	pb_comparison_free(&c);
}

Test(compare, other_experiments_are_refused_unless_forced)
{
	struct pb_comparison c;
	struct pb_err err = {{0}};
	char a[4096], b[4096];

	tmp = pbt_scratch_new();
	snprintf(a, sizeof(a), "%s", folder("a", "e", 1, false, false));
	snprintf(b, sizeof(b), "%s", folder("b", "other", 1, false, false));
	cr_assert_eq(pb_compare_dirs(a, b, false, &c, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "runs of different experiments"), "%s",
		  err.msg);
	cr_assert(strstr(err.msg, "'e' (workload w) is only in"), "%s",
		  err.msg);
	cr_assert(strstr(err.msg, "--force"), "%s", err.msg);
	compare_ok(a, b, true, &c);
	cr_assert(c.forced);
	cr_assert_eq(c.n, 0);
	cr_assert_eq(c.n_only_a, 5);
	cr_assert_eq(c.n_only_b, 5);
	pb_comparison_free(&c);
}

Test(compare, bad_folders_are_named)
{
	struct pb_comparison c;
	struct pb_err err = {{0}};
	char a[4096];

	tmp = pbt_scratch_new();
	snprintf(a, sizeof(a), "%s", folder("a", "e", 1, false, false));
	cr_assert_eq(pb_compare_dirs(a, "/nonexistent/x", false, &c, &err),
		     PB_ERROR);
	cr_assert(strstr(err.msg, "/nonexistent/x/runs.csv"), "%s", err.msg);
	pbt_write_in(a, "runs.csv",
		     "experiment,cell,workload,strategy,workers,repetition,"
		     "status,wall_s\ne,1,w,serial,one,1,ok,1\n");
	cr_assert_eq(pb_compare_dirs(a, a, false, &c, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "runs.csv:2: workers 'one'"), "%s", err.msg);
}
