/*
 * test_e2e_machine.c — the real binary with `counters` and `affinity`:
 * the counter_* and param_affinity columns of runs.csv, software counters
 * that count, hardware counters that are counted or left empty with a
 * warning; every strategy's workers (mpi's ranks too, when this build has
 * the mpi strategy) bound alike, and a worker that cannot be bound failing
 * its repetition alike.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "lib/topology.h"
#include "pbt_files.h"
#include "pbtest.h"

static void enter_tmp(void)
{
	const char *dir = pbt_scratch_new();

	cr_assert_eq(chdir(dir), 0);
	/* The mpi strategy's folder for Open MPI goes here too. */
	setenv("TMPDIR", dir, 1);
}

static void leave_tmp(void)
{
	cr_assert_eq(chdir("/"), 0);
	pbt_scratch_remove();
}

TestSuite(e2e_machine, .init = enter_tmp, .fini = leave_tmp, .timeout = 60);

/* Runs parabench on file into res/, with the test plugins loaded. */
static void run_ok(const char *file, struct pbt_proc *p)
{
	char plugins[4096];

	snprintf(plugins, sizeof(plugins), "%s/test-plugins", pbt_build());
	pbt_parabench(p, (const char *[]){"run", file, "--out", "res",
					  "--quiet", "--no-report",
					  "--plugin-dir", plugins, NULL});
	cr_assert_eq(p->status, 0, "exit %d\nstdout: %s\nstderr: %s", p->status,
		     p->out, p->err);
}

static void read_csv(const char *path, struct pb_csv *t)
{
	struct pb_err err = {{0}};
	cr_assert_eq(pb_csv_read(path, 0, t, &err), PB_OK, "%s", err.msg);
}

/* where touches kib KiB per task: more memory, more page faults. */
static const char counters_yaml[] =
    "name: counted\n"
    "workload: where\n"
    "params: {kib: [64, 16384], tasks: 4}\n"
    "strategies: [serial, fork]\n"
    "workers: [2]\n"
    "repetitions: 1\n"
    "warmup: 0\n"
    "counters: [task-clock, page-faults, context-switches, instructions]\n";

Test(e2e_machine, counters_are_columns_and_software_ones_count)
{
	struct pbt_proc p;
	struct pb_csv t;

	pbt_write("c.yaml", counters_yaml);
	run_ok("c.yaml", &p);
	read_csv("res/runs.csv", &t);
	cr_assert_geq(pb_csv_column(&t, "counter_task_clock"), 0);
	cr_assert_geq(pb_csv_column(&t, "counter_page_faults"), 0);
	cr_assert_geq(pb_csv_column(&t, "counter_context_switches"), 0);
	cr_assert_geq(pb_csv_column(&t, "counter_instructions"), 0);
	cr_assert_lt(pb_csv_column(&t, "param_affinity"), 0,
		     "no affinity key, no column");
	cr_assert_eq(t.nrows, 4);
	for (size_t r = 0; r < t.nrows; r++) {
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok", "%s",
				 pb_csv_get(&t, r, "message"));
		cr_assert_gt(pb_csv_num(&t, r, "counter_task_clock"), 0);
		cr_assert_gt(pb_csv_num(&t, r, "counter_page_faults"), 0);
	}
	/* 4 tasks of 16 MiB: 4096 pages each, in fork's children too */
	for (size_t r = 0; r < t.nrows; r++) {
		const char *strategy = pb_csv_get(&t, r, "strategy");
		double faults = pb_csv_num(&t, r, "counter_page_faults");

		if (pb_csv_num(&t, r, "param_kib") != 16384)
			continue;
		cr_assert_geq(faults, 4 * 4096 / 2, "row %zu", r);
		for (size_t s = 0; s < t.nrows; s++)
			if (pb_csv_num(&t, s, "param_kib") == 64 &&
			    strcmp(pb_csv_get(&t, s, "strategy"), strategy) ==
				0)
				cr_assert_gt(
				    faults,
				    2 * pb_csv_num(&t, s,
						   "counter_page_faults"),
				    "%s: rows %zu and %zu", strategy, r, s);
	}
	/* instructions: counted, or empty and said once */
	if (*pb_csv_get(&t, 0, "counter_instructions") == '\0')
		cr_assert(strstr(p.err, "counter instructions"), "%s", p.err);
	pb_csv_free(&t);
	pbt_proc_free(&p);
}

/* The CPU mask worker w reported in a `where` row's metric_cpus, or 0. */
static unsigned long long mask_of(const char *cpus, unsigned w)
{
	char key[16];
	const char *p;

	snprintf(key, sizeof(key), "w%u=", w);
	for (p = cpus; (p = strstr(p, key)); p++)
		if (p == cpus || p[-1] == ';')
			return strtoull(p + strlen(key), NULL, 16);
	return 0;
}

/*
 * Writes an experiment of the where workload under every strategy (mpi
 * when this build can run it: its ranks are workers like any other),
 * static schedule, with the given workers and affinity lines; returns how
 * many strategies it names.
 */
static unsigned write_placed(const char *path, const char *strategies,
			     const char *workers, const char *affinity)
{
	bool mpi = pbt_mpi_skip_reason() == NULL;
	char yaml[1024];

	snprintf(yaml, sizeof(yaml),
		 "name: placed\n"
		 "workload: where\n"
		 "params: {tasks: 16}\n"
		 "strategies: [%s%s]\n"
		 "strategy_params: {schedule: static}\n"
		 "workers: %s\n"
		 "affinity: %s\n"
		 "repetitions: 1\n"
		 "warmup: 0\n"
		 "counters: [cpu-migrations]\n",
		 strategies, mpi ? ", mpi" : "", workers, affinity);
	pbt_write(path, yaml);
	unsigned n = 1;
	for (const char *c = strategies; *c; c++)
		n += *c == ',';
	return n + mpi;
}

/*
 * Every strategy binds its workers through the host: under compact and
 * scatter each worker sees exactly one CPU, the one the topology's order
 * gives it (on this machine's PUs, in hwloc's order); under none, all.
 * mpi's ranks too: the strategy learns each rank's set from the host's
 * service and the rank binds itself; Open MPI binds none of them.
 */
Test(e2e_machine, every_strategy_binds_its_workers)
{
	struct pbt_proc p;
	struct pb_csv t;
	struct pb_topology topo;
	struct pb_err err = {{0}};
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned ns = write_placed("a.yaml", "serial, pthreads, fork, shm",
				   "[2]", "[none, compact, scatter]");

	cr_assert_eq(pb_topology_load(&topo, &err), PB_OK, "%s", err.msg);
	run_ok("a.yaml", &p);
	read_csv("res/runs.csv", &t);
	cr_assert_eq(t.nrows, 3 * ns);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *strategy = pb_csv_get(&t, r, "strategy");
		const char *aff = pb_csv_get(&t, r, "param_affinity");
		const char *cpus = pb_csv_get(&t, r, "metric_cpus");
		enum pb_affinity policy;
		unsigned nw = strcmp(strategy, "serial") == 0 ? 1 : 2;

		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok", "%s",
				 pb_csv_get(&t, r, "message"));
		cr_assert_eq(pb_affinity_parse(aff, &policy), PB_OK, "%s", aff);
		cr_assert_neq(*pb_csv_get(&t, r, "counter_cpu_migrations"),
			      '\0');
		for (unsigned w = 0; w < nw; w++) {
			unsigned long long got = mask_of(cpus, w);
			int pu = pb_topology_pu_of(&topo, policy, w);

			if (policy == PB_AFFINITY_NONE)
				cr_assert_eq(__builtin_popcountll(got), ncpu,
					     "%s none w%u: %s", strategy, w,
					     cpus);
			else
				cr_assert_eq(got, 1ull << pu,
					     "%s %s w%u: %s, want CPU %d",
					     strategy, aff, w, cpus, pu);
		}
	}
	pb_csv_free(&t);
	pbt_proc_free(&p);
	pb_topology_free(&topo);
	/* The report's counters table: the setting, then the migrations. */
	pbt_parabench(&p, (const char *[]){"report", "res", NULL});
	cr_assert_eq(p.status, 0, "%s", p.err);
	char *md = pbt_read("res/report.md");
	cr_assert(
	    strstr(md, "| series | workers | affinity | cpu_migrations |"),
	    "%s", md);
	cr_assert(strstr(md, "| 2 | scatter | "), "%s", md);
	free(md);
	pbt_proc_free(&p);
}

/*
 * A worker that cannot be bound fails its repetition, under every strategy,
 * with the service's message: on a synthetic 2-package machine of 16 PUs,
 * scatter puts worker 1 on the second package's first PU, which this
 * machine lacks (skipped on a machine that has it).
 */
Test(e2e_machine, a_worker_that_cannot_be_bound_fails_its_repetition)
{
	struct pbt_proc p;
	struct pb_csv t;
	struct pb_topology topo;
	struct pb_err err = {{0}};
	char want[64], plugins[4096];
	int pu;

	setenv("HWLOC_XMLFILE",
	       pbt_source_path("tests/data/topology/2-socket-smt.xml"), 1);
	cr_assert_eq(pb_topology_load(&topo, &err), PB_OK, "%s", err.msg);
	pu = pb_topology_pu_of(&topo, PB_AFFINITY_SCATTER, 1);
	pb_topology_free(&topo);
	if (pu < sysconf(_SC_NPROCESSORS_CONF))
		cr_skip_test("this machine has CPU %d", pu);
	snprintf(want, sizeof(want), "worker 1: cannot bind to CPU %d", pu);
	unsigned ns =
	    write_placed("a.yaml", "pthreads, fork, shm", "[2]", "[scatter]");
	snprintf(plugins, sizeof(plugins), "%s/test-plugins", pbt_build());
	pbt_parabench(&p, (const char *[]){"run", "a.yaml", "--out", "res",
					   "--quiet", "--no-report",
					   "--plugin-dir", plugins, NULL});
	unsetenv("HWLOC_XMLFILE");
	cr_assert_eq(p.status, 1, "a failed repetition: exit %d\n%s", p.status,
		     p.err);
	read_csv("res/runs.csv", &t);
	cr_assert_eq(t.nrows, ns);
	for (size_t r = 0; r < t.nrows; r++) {
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "failed",
				 "%s: %s", pb_csv_get(&t, r, "strategy"),
				 pb_csv_get(&t, r, "message"));
		cr_assert(strstr(pb_csv_get(&t, r, "message"), want), "%s: %s",
			  pb_csv_get(&t, r, "strategy"),
			  pb_csv_get(&t, r, "message"));
	}
	pb_csv_free(&t);
	pbt_proc_free(&p);
}

/* summary.csv takes each counter's median per cell; report.md a table. */
Test(e2e_machine, counters_reach_summary_and_report)
{
	struct pbt_proc p;
	struct pb_csv s;
	char plugins[4096];
	char *report;

	snprintf(plugins, sizeof(plugins), "%s/test-plugins", pbt_build());
	pbt_write("c.yaml", counters_yaml);
	pbt_parabench(&p, (const char *[]){"run", "c.yaml", "--out", "res",
					   "--quiet", "--plugin-dir", plugins,
					   NULL});
	cr_assert_eq(p.status, 0, "%s", p.err);
	read_csv("res/summary.csv", &s);
	cr_assert_eq(s.nrows, 4);
	for (size_t r = 0; r < s.nrows; r++)
		cr_assert_gt(pb_csv_num(&s, r, "counter_page_faults"), 0);
	report = pbt_read("res/report.md");
	cr_assert(strstr(report, "Kernel counters over the timed span"), "%s",
		  report);
	cr_assert(strstr(report, "| page_faults |"), "%s", report);
	free(report);
	pb_csv_free(&s);
	pbt_proc_free(&p);
}

static const char numa_yaml[] = "name: spread\n"
				"workload: pi\n"
				"params: {samples: 1e4, tasks: 8}\n"
				"strategies: [serial, pthreads]\n"
				"workers: [1, 2, 6]\n"
				"repetitions: 1\n"
				"warmup: 0\n";

/*
 * On a 2-package machine described by an hwloc XML file (8 cores, 4 per
 * NUMA node; tests/data/topology/2-socket-smt.xml), experiments.csv says
 * so, report.md names the nodes and the speed-up chart shades 6 workers as
 * beyond one NUMA node, and fits them (they are within the 8 cores).
 */
Test(e2e_machine, a_two_node_machine_shades_beyond_one_node)
{
	struct pbt_proc p;
	struct pb_csv t;
	char *report, *gp;

	setenv("HWLOC_XMLFILE",
	       pbt_source_path("tests/data/topology/2-socket-smt.xml"), 1);
	pbt_write("n.yaml", numa_yaml);
	pbt_parabench(&p, (const char *[]){"run", "n.yaml", "--out", "res",
					   "--quiet", NULL});
	unsetenv("HWLOC_XMLFILE");
	cr_assert_eq(p.status, 0, "%s", p.err);
	read_csv("res/experiments.csv", &t);
	cr_assert_str_eq(pb_csv_get(&t, 0, "cores"), "8");
	cr_assert_str_eq(pb_csv_get(&t, 0, "node_cores"), "4");
	pb_csv_free(&t);
	report = pbt_read("res/report.md");
	cr_assert(strstr(report, "2 packages, 2 NUMA nodes, 8 cores, 16 PUs"),
		  "%s", report);
	free(report);
	json_error_t jerr;
	json_t *meta = json_load_file("res/meta.json", 0, &jerr);
	cr_assert(meta, "%s", jerr.text);
	json_t *topo = json_object_get(meta, "topology");
	cr_assert_eq(json_integer_value(json_object_get(topo, "node_cores")),
		     4);
	cr_assert_eq(json_integer_value(json_object_get(topo, "numa_nodes")),
		     2);
	json_decref(meta);
	read_csv("res/fits.csv", &t);
	cr_assert_str_eq(pb_csv_get(&t, 0, "workers_fitted"), "1;2;6");
	pb_csv_free(&t);
	gp = pbt_read("res/charts/speedup-spread-1.gp");
	cr_assert(strstr(gp, "set object 2 rect from first 4.89898, graph 0 "
			     "to graph 1, graph 1 fc rgb '#f6f6f6'"),
		  "%s", gp);
	cr_assert(strstr(gp, "' beyond one NUMA node (4 cores)'"), "%s", gp);
	cr_assert(strstr(gp, "Host "), "%s", gp);
	cr_assert(strstr(gp, ", 8 cores, 4 in the smallest NUMA node."), "%s",
		  gp);
	cr_assert(strstr(gp, "'Shaded light: beyond one NUMA node"), "%s", gp);
	cr_assert_null(strstr(gp, "set object 1 "), "nothing beyond 8 cores");
	free(gp);
	pbt_proc_free(&p);
}

/* This VM has one NUMA node: the column is there, and empty. */
Test(e2e_machine, one_node_leaves_node_cores_empty)
{
	struct pbt_proc p;
	struct pb_csv t;
	struct pb_topology topo;
	struct pb_err err = {{0}};

	cr_assert_eq(pb_topology_load(&topo, &err), PB_OK, "%s", err.msg);
	if (topo.node_cores) {
		pb_topology_free(&topo);
		cr_skip_test("this machine has several NUMA nodes");
	}
	pb_topology_free(&topo);
	pbt_write("n.yaml", numa_yaml);
	run_ok("n.yaml", &p);
	read_csv("res/experiments.csv", &t);
	cr_assert_geq(pb_csv_column(&t, "node_cores"), 0);
	cr_assert_str_eq(pb_csv_get(&t, 0, "node_cores"), "");
	pb_csv_free(&t);
	pbt_proc_free(&p);
}
