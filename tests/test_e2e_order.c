/*
 * test_e2e_order.c — the order repetitions run in, through the real
 * binary: interleaved rounds in the permutation the seed gives, the
 * sequential order cell by cell, and --resume finishing an interleaved
 * run without a repeated row.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "pbt_files.h"
#include "pbtest.h"
#include "run/schedule.h"

static void enter_tmp(void)
{
	cr_assert_eq(chdir(pbt_scratch_new()), 0);
}

static void leave_tmp(void)
{
	cr_assert_eq(chdir("/"), 0);
	pbt_scratch_remove();
}

TestSuite(e2e_order, .init = enter_tmp, .fini = leave_tmp, .timeout = 60);

/* 2 strategies x 3 worker counts = 6 cells, 3 repetitions each. */
static const char yaml_head[] = "name: order\n"
				"workload: pi\n"
				"params: {samples: 1e4, tasks: 4}\n"
				"strategies: [serial, pthreads]\n"
				"workers: [1, 2, 3]\n"
				"repetitions: 3\n"
				"warmup: 1\n";

#define NCELLS 6
#define NREPS 3

static void run_file(const char *order, uint64_t seed, const char *out)
{
	char yaml[1024], args_out[64];
	struct pbt_proc p;

	snprintf(yaml, sizeof(yaml), "%sseed: %llu\n%s%s%s", yaml_head,
		 (unsigned long long)seed, order ? "order: " : "",
		 order ? order : "", order ? "\n" : "");
	pbt_write("x.yaml", yaml);
	snprintf(args_out, sizeof(args_out), "%s", out);
	pbt_parabench(&p, (const char *[]){"run", "x.yaml", "--out", args_out,
					   "--quiet", "--no-report", NULL});
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	pbt_proc_free(&p);
}

static void read_runs(const char *dir, struct pb_csv *t)
{
	struct pb_err err = {{0}};
	char path[256];

	snprintf(path, sizeof(path), "%s/runs.csv", dir);
	cr_assert_eq(pb_csv_read(path, 0, t, &err), PB_OK, "%s", err.msg);
}

/* Asserts rows [first, first + n) are round `round`, cells in perm order,
 * leaving out the cells in skip (already measured). */
static size_t assert_round(const struct pb_csv *t, size_t first, uint64_t seed,
			   unsigned round, const bool *skip)
{
	size_t perm[NCELLS + 1], row = first;

	/* Position NCELLS of the permutation is the capacity probe. */
	pb_round_order(seed, round, NCELLS + 1, perm);
	for (size_t k = 0; k <= NCELLS; k++) {
		if (perm[k] == NCELLS || (skip && skip[perm[k]]))
			continue;
		cr_assert_lt(row, t->nrows);
		cr_assert_eq(pb_csv_num(t, row, "repetition"), round, "row %zu",
			     row);
		cr_assert_eq(pb_csv_num(t, row, "cell"), perm[k] + 1,
			     "round %u, place %zu: cell %g, expected %zu",
			     round, k, pb_csv_num(t, row, "cell"), perm[k] + 1);
		row++;
	}
	return row;
}

Test(e2e_order, interleaved_by_default_in_the_seeds_order)
{
	struct pb_csv t;

	run_file(NULL, 11, "a");
	read_runs("a", &t);
	cr_assert_eq(t.nrows, NCELLS * NREPS);
	size_t row = 0;
	for (unsigned r = 1; r <= NREPS; r++)
		row = assert_round(&t, row, 11, r, NULL);
	pb_csv_free(&t);
}

Test(e2e_order, the_same_seed_gives_the_same_order)
{
	struct pb_csv a, b;

	run_file("interleaved", 5, "a");
	run_file("interleaved", 5, "b");
	read_runs("a", &a);
	read_runs("b", &b);
	cr_assert_eq(a.nrows, b.nrows);
	for (size_t r = 0; r < a.nrows; r++) {
		cr_assert_str_eq(pb_csv_get(&a, r, "cell"),
				 pb_csv_get(&b, r, "cell"));
		cr_assert_str_eq(pb_csv_get(&a, r, "repetition"),
				 pb_csv_get(&b, r, "repetition"));
	}
	pb_csv_free(&a);
	pb_csv_free(&b);
}

Test(e2e_order, sequential_runs_cell_by_cell)
{
	struct pb_csv t;

	run_file("sequential", 11, "a");
	read_runs("a", &t);
	cr_assert_eq(t.nrows, NCELLS * NREPS);
	for (size_t r = 0; r < t.nrows; r++) {
		cr_assert_eq(pb_csv_num(&t, r, "cell"), r / NREPS + 1);
		cr_assert_eq(pb_csv_num(&t, r, "repetition"), r % NREPS + 1);
	}
	pb_csv_free(&t);
	/* One probe before each cell, which it names. */
	struct pb_err err = {{0}};
	cr_assert_eq(pb_csv_read("a/capacity.csv", 0, &t, &err), PB_OK, "%s",
		     err.msg);
	double last = 0;
	for (size_t r = 0; r < t.nrows; r++) {
		double cell = pb_csv_num(&t, r, "cell");
		cr_assert(cell == last || cell == last + 1, "row %zu", r + 1);
		cr_assert_eq(pb_csv_num(&t, r, "round"), cell);
		last = cell;
	}
	cr_assert_eq(last, NCELLS);
	pb_csv_free(&t);
}

/* Keeps the header and the rows for which keep() holds. */
static void cut_rows(const char *path, bool (*keep)(size_t cell, size_t rep))
{
	char *text = pbt_read(path), *line, *save = NULL, *out;
	size_t len = strlen(text), used = 0, n = 0;

	out = calloc(len + 1, 1);
	cr_assert(out);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		size_t cell = 0, rep = 0;
		/* experiment,cell,workload,strategy,workers,repetition,... */
		sscanf(line, "order,%zu,pi,%*[^,],%*u,%zu", &cell, &rep);
		if (n == 0 || keep(cell, rep))
			used += (size_t)sprintf(out + used, "%s\n", line);
	}
	pbt_write(path, out);
	free(out);
	free(text);
}

/* What a run killed in round 2 leaves: round 1 whole, round 2 in part. */
static bool before_the_kill(size_t cell, size_t rep)
{
	return rep == 1 || (rep == 2 && cell % 2 == 0);
}

Test(e2e_order, resume_finishes_an_interleaved_run_without_duplicates)
{
	struct pb_csv t;
	struct pbt_proc p;
	bool have[NCELLS + 1][NREPS + 1] = {{0}}, skip[NCELLS] = {0};

	run_file(NULL, 9, "res");
	cut_rows("res/runs.csv", before_the_kill);
	read_runs("res", &t);
	size_t kept = t.nrows;
	cr_assert_eq(kept, NCELLS + NCELLS / 2);
	pb_csv_free(&t);

	pbt_parabench(&p, (const char *[]){"run", "--resume", "res", "--quiet",
					   "--no-report", NULL});
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	pbt_proc_free(&p);
	read_runs("res", &t);
	cr_assert_eq(t.nrows, NCELLS * NREPS);
	for (size_t r = 0; r < t.nrows; r++) {
		size_t cell = (size_t)pb_csv_num(&t, r, "cell");
		size_t rep = (size_t)pb_csv_num(&t, r, "repetition");
		cr_assert(cell >= 1 && cell <= NCELLS && rep >= 1 &&
			  rep <= NREPS);
		cr_assert_not(have[cell][rep], "cell %zu rep %zu twice", cell,
			      rep);
		have[cell][rep] = true;
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok");
	}
	/* The new rows: what round 2 lacked, then round 3, each in the
	 * round's own order. */
	for (size_t c = 0; c < NCELLS; c++)
		skip[c] = (c + 1) % 2 == 0;
	size_t row = assert_round(&t, kept, 9, 2, skip);
	row = assert_round(&t, row, 9, 3, NULL);
	cr_assert_eq(row, t.nrows);
	/* started_s goes on counting from the run's start across the resume:
	 * every new row began after every row of the first invocation. */
	double first_max = 0;
	for (size_t r = 0; r < kept; r++)
		first_max = fmax(first_max, pb_csv_num(&t, r, "started_s"));
	for (size_t r = kept; r < t.nrows; r++)
		cr_assert_gt(pb_csv_num(&t, r, "started_s"), first_max,
			     "row %zu", r + 1);
	pb_csv_free(&t);
}

Test(e2e_order, every_round_probes_the_machine)
{
	struct pb_csv t, s;
	struct pb_err err = {{0}};
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned top = cores < 3 ? (unsigned)cores : 3;

	run_file(NULL, 3, "a");
	cr_assert_eq(pb_csv_read("a/capacity.csv", 0, &t, &err), PB_OK, "%s",
		     err.msg);
	/* Per round: 1 thread, then 2 and 3 workers capped at the cores. */
	size_t per_round = top >= 3 ? 3 : top >= 2 ? 2 : 1;
	cr_assert_eq(t.nrows, NREPS * per_round);
	for (size_t r = 0; r < t.nrows; r++) {
		size_t k = r % per_round;
		cr_assert_str_eq(pb_csv_get(&t, r, "experiment"), "order");
		cr_assert_eq(pb_csv_num(&t, r, "round"), r / per_round + 1);
		cr_assert_eq(pb_csv_num(&t, r, "threads"), k + 1);
		cr_assert_gt(pb_csv_num(&t, r, "wall_s"), 0);
		cr_assert_gt(pb_csv_num(&t, r, "speedup"), 0);
		if (k == 0)
			cr_assert_eq(pb_csv_num(&t, r, "speedup"), 1);
		/* a round's probe serves every cell: no cell of its own */
		cr_assert_str_eq(pb_csv_get(&t, r, "cell"), "");
		const char *flag = pb_csv_get(&t, r, "contended");
		cr_assert(!strcmp(flag, "0") || !strcmp(flag, "1"), "%s", flag);
		cr_assert(!isnan(pb_csv_num(&t, r, "other_cpu_s")));
	}
	/* summary.csv divides each speed-up by a capacity the probes
	 * measured at the cell's worker count (capped at the cores): which
	 * probes, test_analyze_capacity says. */
	struct pbt_proc p;
	pbt_parabench(&p, (const char *[]){"analyze", "a", NULL});
	cr_assert_eq(p.status, 0, "%s", p.err);
	pbt_proc_free(&p);
	cr_assert_eq(pb_csv_read("a/summary.csv", 0, &s, &err), PB_OK, "%s",
		     err.msg);
	for (size_t r = 0; r < s.nrows; r++) {
		unsigned w = (unsigned)pb_csv_num(&s, r, "workers");
		unsigned th = w < top ? w : top;
		double cap = pb_csv_num(&s, r, "capacity");
		double lo = th > 1 ? INFINITY : 1, hi = th > 1 ? -INFINITY : 1;
		for (size_t c = 0; c < t.nrows && th > 1; c++)
			if (pb_csv_num(&t, c, "threads") == th) {
				double x = pb_csv_num(&t, c, "speedup");
				lo = fmin(lo, x);
				hi = fmax(hi, x);
			}
		cr_assert(cap >= lo - 1e-6 && cap <= hi + 1e-6,
			  "cell %zu: capacity %g outside the probes' [%g, %g]",
			  r + 1, cap, lo, hi);
		cr_assert_str_neq(pb_csv_get(&s, r, "capacity_basis"),
				  th > 1 ? "" : "x");
		cr_assert_float_eq(pb_csv_num(&s, r, "speedup_vs_capacity"),
				   pb_csv_num(&s, r, "speedup") / cap, 1e-4,
				   "cell %zu", r + 1);
	}
	pb_csv_free(&s);
	pb_csv_free(&t);
}

Test(e2e_order, meta_json_records_the_machine)
{
	json_error_t jerr;

	run_file(NULL, 3, "a");
	json_t *m = json_load_file("a/meta.json", 0, &jerr);
	cr_assert(m, "%s", jerr.text);
	for (int k = 0; k < 2; k++) {
		json_t *l = json_object_get(m, k ? "load_average_end"
						 : "load_average_start");
		cr_assert(json_is_array(l) && json_array_size(l) == 3);
		cr_assert(json_is_number(json_array_get(l, 0)));
	}
	json_t *gov = json_object_get(m, "cpu_governor");
	cr_assert(json_is_string(gov) || json_is_null(gov));
	cr_assert(json_is_integer(json_object_get(m, "contended_rows")));
	json_t *cap = json_object_get(m, "capacity");
	cr_assert(json_is_array(cap) && json_array_size(cap) >= 1);
	json_t *one = json_array_get(cap, 0);
	cr_assert_eq(json_integer_value(json_object_get(one, "threads")), 1);
	cr_assert_eq(json_integer_value(json_object_get(one, "probes")), NREPS);
	cr_assert_float_eq(
	    json_real_value(json_object_get(one, "mean_speedup")), 1, 1e-12);
	json_decref(m);
}
