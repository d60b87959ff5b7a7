/*
 * test_analyze_capacity.c — summary.csv's speedup_vs_capacity, capacity
 * and capacity_basis: a cell is divided by the clean probes of the rounds
 * its kept rows ran in (interleaved order), or by the probe run before it
 * (sequential order); the whole run's probes only when those rounds have
 * none, contended probes only when there is nothing else; old files
 * without the round columns use every probe; bad fields are refused with
 * their line; the report's capacity tables.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/analyze.h"
#include "lib/csv_read.h"
#include "output/report.h"
#include "pbt_files.h"

static const char *exps =
    "experiment,workload,workload_params,strategy_params,"
    "baseline_strategy,baseline_workers,fit_oversubscribed,repetitions,"
    "warmup,cores\n"
    "e,w,,,serial,1,false,6,1,2\n";

/*
 * Cell 1 (the baseline): 6 clean rows of 2.0 s. Cell 2 (2 workers): 1.0 s
 * in repetitions 1, 2, 5 and 6; 1.6 s, contended, in 3 and 4, which the
 * analysis leaves out. Speed-up 2.
 */
static const char *runs =
    "experiment,cell,workload,strategy,workers,repetition,status,wall_s,"
    "contended,message\n"
    "e,1,w,serial,1,1,ok,2.0,0,\n"
    "e,1,w,serial,1,2,ok,2.0,0,\n"
    "e,1,w,serial,1,3,ok,2.0,0,\n"
    "e,1,w,serial,1,4,ok,2.0,0,\n"
    "e,1,w,serial,1,5,ok,2.0,0,\n"
    "e,1,w,serial,1,6,ok,2.0,0,\n"
    "e,2,w,pthreads,2,1,ok,1.0,0,\n"
    "e,2,w,pthreads,2,2,ok,1.0,0,\n"
    "e,2,w,pthreads,2,3,ok,1.6,1,\n"
    "e,2,w,pthreads,2,4,ok,1.6,1,\n"
    "e,2,w,pthreads,2,5,ok,1.0,0,\n"
    "e,2,w,pthreads,2,6,ok,1.0,0,\n";

#define HEAD                                                                   \
	"experiment,round,cell,started_s,threads,wall_s,speedup,other_cpu_s,"  \
	"contended\n"

/*
 * Rounds 3 and 4 (whose rows of cell 2 are contended, so left out) had
 * low capacity; round 2's probe was itself contended; round 7 holds no
 * row of the cell. Kept: the clean probes of rounds 1, 5 and 6.
 */
static const char mixed[] = HEAD "e,1,,0,1,0.05,1,0,0\n"
				 "e,1,,0,2,0.05,1.90,0,0\n"
				 "e,2,,0,2,0.05,1.10,0.5,1\n"
				 "e,3,,0,2,0.05,1.20,0.5,1\n"
				 "e,4,,0,2,0.05,1.30,0.5,0\n"
				 "e,5,,0,2,0.05,1.95,0,0\n"
				 "e,6,,0,2,0.05,1.98,0,0\n"
				 "e,7,,0,2,0.05,1.00,0,0\n";

static const char *dir;

static void setup(void)
{
	dir = pbt_scratch_new();
	pbt_write_in(dir, "experiments.csv", exps);
}

TestSuite(analyze_capacity, .init = setup, .fini = pbt_scratch_remove);

/* Analyzes runs with capacity.csv cap into *s (cell 2 is row 1). */
static void analyze(const char *runs_text, const char *cap, struct pb_csv *s)
{
	struct pb_err err = {{0}};
	char path[4096];

	pbt_write_in(dir, "runs.csv", runs_text);
	pbt_write_in(dir, "capacity.csv", cap);
	cr_assert_eq(pb_analyze_dir(dir, &err), PB_OK, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	cr_assert_eq(pb_csv_read(path, 0, s, &err), PB_OK, "%s", err.msg);
	cr_assert_eq(s->nrows, 2);
}

/* Cell 2's capacity and basis, and that vs_capacity is speed-up over it. */
static void expect(const struct pb_csv *s, double cap, const char *basis)
{
	cr_assert_float_eq(pb_csv_num(s, 1, "capacity"), cap, 1e-9, "%s",
			   pb_csv_get(s, 1, "capacity"));
	cr_assert_str_eq(pb_csv_get(s, 1, "capacity_basis"), basis);
	cr_assert_float_eq(pb_csv_num(s, 1, "speedup"), 2.0, 1e-9);
	cr_assert_float_eq(pb_csv_num(s, 1, "speedup_vs_capacity"), 2.0 / cap,
			   1e-5);
	/* one worker: the capacity is 1 by definition */
	cr_assert_float_eq(pb_csv_num(s, 0, "capacity"), 1, 1e-12);
	cr_assert_str_eq(pb_csv_get(s, 0, "capacity_basis"), "");
}

Test(analyze_capacity, the_clean_probes_of_the_kept_rows_rounds)
{
	struct pb_csv s;

	analyze(runs, mixed, &s);
	expect(&s, 1.95, "rounds");
	pb_csv_free(&s);
}

Test(analyze_capacity, sequential_order_uses_the_probe_before_the_cell)
{
	struct pb_csv s;

	analyze(runs,
		HEAD "e,1,1,0,1,0.05,1,0,0\n"
		     "e,2,2,0,2,0.05,1.60,0,0\n"
		     "e,2,2,0,2,0.05,1.70,0,0\n"
		     "e,3,3,0,2,0.05,2.00,0,0\n",
		&s);
	expect(&s, 1.65, "rounds");
	pb_csv_free(&s);
}

Test(analyze_capacity, the_whole_run_when_the_rounds_have_no_probe)
{
	struct pb_csv s;

	/* No probe in rounds 1, 2, 5, 6: the run's clean probes. */
	analyze(runs,
		HEAD "e,3,,0,2,0.05,1.50,0,0\n"
		     "e,4,,0,2,0.05,1.70,0,0\n"
		     "e,7,,0,2,0.05,1.20,0.5,1\n",
		&s);
	expect(&s, 1.6, "run");
	pb_csv_free(&s);
}

Test(analyze_capacity, contended_probes_only_when_there_is_nothing_else)
{
	struct pb_csv s;

	analyze(runs,
		HEAD "e,1,,0,2,0.05,1.40,0.5,1\n"
		     "e,3,,0,2,0.05,1.00,0.5,1\n"
		     "e,5,,0,2,0.05,1.60,0.5,1\n",
		&s);
	expect(&s, 1.5, "rounds_contended");
	pb_csv_free(&s);
}

Test(analyze_capacity, a_cell_of_contended_rows_takes_its_rounds_as_they_were)
{
	struct pb_csv s;
	/* Only 2 clean rows: the analysis uses all 6, and the capacity of
	 * their rounds, contended probes included. */
	const char *few =
	    "experiment,cell,workload,strategy,workers,repetition,status,"
	    "wall_s,contended,message\n"
	    "e,1,w,serial,1,1,ok,2.0,0,\n"
	    "e,1,w,serial,1,2,ok,2.0,0,\n"
	    "e,1,w,serial,1,3,ok,2.0,0,\n"
	    "e,2,w,pthreads,2,1,ok,1.0,0,\n"
	    "e,2,w,pthreads,2,2,ok,1.0,1,\n"
	    "e,2,w,pthreads,2,3,ok,1.0,0,\n";

	analyze(few,
		HEAD "e,1,,0,2,0.05,1.80,0,0\n"
		     "e,2,,0,2,0.05,1.20,0.5,1\n"
		     "e,3,,0,2,0.05,1.40,0,0\n"
		     "e,4,,0,2,0.05,1.90,0,0\n",
		&s);
	cr_assert_str_eq(pb_csv_get(&s, 1, "contended_used"), "true");
	expect(&s, 1.4, "rounds_contended");
	pb_csv_free(&s);
}

Test(analyze_capacity, an_old_file_uses_every_probe)
{
	struct pb_csv s;

	analyze(runs,
		"experiment,round,started_s,threads,wall_s,speedup\n"
		"e,1,0,2,0.05,1.0\n"
		"e,2,0,2,0.05,1.2\n"
		"e,3,0,2,0.05,2.0\n",
		&s);
	expect(&s, 1.2, "run");
	pb_csv_free(&s);
}

Test(analyze_capacity, no_probe_at_the_count_leaves_it_empty)
{
	struct pb_csv s;

	analyze(runs, HEAD "e,1,,0,3,0.05,2.5,0,0\n", &s);
	cr_assert_str_eq(pb_csv_get(&s, 1, "capacity"), "");
	cr_assert_str_eq(pb_csv_get(&s, 1, "speedup_vs_capacity"), "");
	cr_assert_str_eq(pb_csv_get(&s, 1, "capacity_basis"), "");
	pb_csv_free(&s);
}

/* Analyzing with capacity.csv cap fails with a message holding want. */
static void refused(const char *cap, const char *want)
{
	struct pb_err err = {{0}};

	pbt_write_in(dir, "runs.csv", runs);
	pbt_write_in(dir, "capacity.csv", cap);
	cr_assert_eq(pb_analyze_dir(dir, &err), PB_ERROR, "%s", cap);
	cr_assert(strstr(err.msg, want), "%s", err.msg);
}

Test(analyze_capacity, bad_fields_are_refused_with_their_line)
{
	refused(HEAD "e,1,,0,2,0.05,1.9,0,0\ne,2,,0,2,0.05,1.9,0,2\n",
		"capacity.csv:3: contended '2'; expected 0 or 1");
	refused(HEAD "e,0,,0,2,0.05,1.9,0,0\n",
		"capacity.csv:2: round '0'; expected a round");
	refused(HEAD "e,1,x,0,2,0.05,1.9,0,0\n",
		"capacity.csv:2: cell 'x'; expected a cell number");
	refused(HEAD "e,1,,0,2.5,0.05,1.9,0,0\n",
		"capacity.csv:2: threads '2.5'; expected a thread count");
	refused(HEAD "e,1,,0,2,0.05,-1,0,0\n",
		"capacity.csv:2: speedup '-1'; expected a speed-up > 0");
	refused(HEAD "e,1,,0,2,0.05,inf,0,0\n",
		"capacity.csv:2: speedup 'inf'; expected a speed-up > 0");
	refused("experiment,round,started_s,wall_s,speedup\ne,1,0,0.05,1\n",
		"capacity.csv: no column 'threads'");
}

Test(analyze_capacity, the_report_shows_each_capacity_and_its_probes)
{
	struct pb_csv s;
	struct pb_err err = {{0}};
	char path[4096];

	analyze(runs, mixed, &s);
	pb_csv_free(&s);
	cr_assert_eq(pb_report_dir(dir, &err), PB_OK, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	char *md = pbt_read(path);
	/* all 7 probes at 2 threads, 2 of them contended */
	cr_assert(strstr(md, "| 2 | 1.30 | 1.00 | 7 | 2 | 65% |"), "%s", md);
	cr_assert(strstr(md, "| 2 | 2.00 | 1.95 | rounds | 1.03 |"), "%s", md);
	free(md);
}

Test(analyze_capacity, more_workers_than_the_probe_ran_take_its_largest_count)
{
	struct pb_err err = {{0}};
	struct pb_csv s;
	char path[4096];

	/* 4 workers on a machine whose probe ran at most 2 threads (its
	 * CPUs): divided by the capacity at 2. */
	pbt_write_in(dir, "runs.csv",
		     "experiment,cell,workload,strategy,workers,repetition,"
		     "status,wall_s,contended,message\n"
		     "e,1,w,serial,1,1,ok,2.0,0,\n"
		     "e,2,w,pthreads,4,1,ok,1.0,0,\n");
	pbt_write_in(dir, "capacity.csv",
		     HEAD "e,1,,0,1,0.05,1,0,0\ne,1,,0,2,0.05,1.6,0,0\n");
	cr_assert_eq(pb_analyze_dir(dir, &err), PB_OK, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	cr_assert_eq(pb_csv_read(path, 0, &s, &err), PB_OK, "%s", err.msg);
	cr_assert_float_eq(pb_csv_num(&s, 1, "capacity"), 1.6, 1e-9);
	cr_assert_float_eq(pb_csv_num(&s, 1, "speedup_vs_capacity"), 2 / 1.6,
			   1e-5);
	pb_csv_free(&s);
	/* A probe of another experiment only: no capacity at all. */
	pbt_write_in(dir, "capacity.csv",
		     HEAD "f,1,,0,1,0.05,1,0,0\nf,1,,0,2,0.05,1.6,0,0\n");
	cr_assert_eq(pb_analyze_dir(dir, &err), PB_OK, "%s", err.msg);
	cr_assert_eq(pb_csv_read(path, 0, &s, &err), PB_OK, "%s", err.msg);
	cr_assert_str_eq(pb_csv_get(&s, 0, "capacity"), "");
	cr_assert_str_eq(pb_csv_get(&s, 1, "capacity"), "");
	pb_csv_free(&s);
}
