/*
 * test_topology.c — core/lib/topology.c: the machine's shape from hwloc and
 * where compact and scatter put each worker, on this machine and on a
 * synthetic 2-package machine read from an hwloc XML file
 * (tests/data/topology/2-socket-smt.xml: 2 packages, each with a NUMA node
 * and an L3, 4 cores of 2 PUs; made with
 * lstopo-no-graphics -i "pack:2 [numa] l3:1 core:4 pu:2" --of xml), and
 * on one whose NUMA nodes differ (tests/data/topology/2-node-unequal.xml,
 * written by hand: 2 packages, each a NUMA node, of 4 and 2 cores).
 */
#define _GNU_SOURCE /* CPU_COUNT */
#include <criterion/criterion.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/topology.h"
#include "pbt_files.h"

static void load_xml(struct pb_topology *t, const char *file)
{
	struct pb_err err = {{0}};

	setenv("HWLOC_XMLFILE", pbt_source_path(file), 1);
	cr_assert_eq(pb_topology_load(t, &err), PB_OK, "%s", err.msg);
	unsetenv("HWLOC_XMLFILE");
}

static void load_synthetic(struct pb_topology *t)
{
	load_xml(t, "tests/data/topology/2-socket-smt.xml");
}

Test(topology, synthetic_machine_has_its_shape)
{
	struct pb_topology t;
	char line[256];
	struct pb_err err = {{0}};

	load_synthetic(&t);
	cr_assert_eq(t.packages, 2);
	cr_assert_eq(t.numa_nodes, 2);
	cr_assert_eq(t.cores, 8);
	cr_assert_eq(t.pus, 16);
	cr_assert_eq(t.node_cores, 4, "a node is a package: 4 cores");
	cr_assert_eq(pb_topology_summary(&t, line, sizeof(line), &err), PB_OK);
	cr_assert(
	    strstr(line, "2 packages, 2 NUMA nodes, 8 cores, 16 PUs (SMT)"),
	    "%s", line);
	cr_assert(strstr(line, "L3 16 MiB x2"), "%s", line);
	pb_topology_free(&t);
}

/* Of nodes of 4 and 2 cores, the smaller: a third worker may leave it. */
Test(topology, node_cores_is_the_smallest_node)
{
	struct pb_topology t;

	load_xml(&t, "tests/data/topology/2-node-unequal.xml");
	cr_assert_eq(t.numa_nodes, 2);
	cr_assert_eq(t.cores, 6);
	cr_assert_eq(t.pus, 6);
	cr_assert_eq(t.node_cores, 2);
	pb_topology_free(&t);
}

/* compact: both PUs of core 0, then core 1, ... package 0 before 1. */
Test(topology, compact_fills_a_core_then_a_package)
{
	struct pb_topology t;

	load_synthetic(&t);
	for (unsigned w = 0; w < 16; w++)
		cr_assert_eq(pb_topology_pu_of(&t, PB_AFFINITY_COMPACT, w),
			     (int)w, "worker %u", w);
	cr_assert_eq(pb_topology_pu_of(&t, PB_AFFINITY_COMPACT, 16), 0,
		     "wraps around");
	pb_topology_free(&t);
}

/*
 * scatter: first PU of core 0 on each package (PU 0, PU 8), then of core 1
 * (2, 10), ...; the SMT siblings only after every core has one worker.
 */
Test(topology, scatter_spreads_packages_then_cores_then_smt)
{
	static const int want[16] = {0, 8, 2, 10, 4, 12, 6, 14,
				     1, 9, 3, 11, 5, 13, 7, 15};
	struct pb_topology t;

	load_synthetic(&t);
	for (unsigned w = 0; w < 16; w++)
		cr_assert_eq(pb_topology_pu_of(&t, PB_AFFINITY_SCATTER, w),
			     want[w], "worker %u", w);
	pb_topology_free(&t);
}

Test(topology, none_binds_nothing)
{
	struct pb_topology t;
	struct pb_err err = {{0}};

	load_synthetic(&t);
	cr_assert_eq(pb_topology_pu_of(&t, PB_AFFINITY_NONE, 3), -1);
	cr_assert_eq(pb_topology_bind(&t, PB_AFFINITY_NONE, 3, &err), PB_OK);
	pb_topology_free(&t);
}

Test(topology, policy_words_round_trip_and_others_are_refused)
{
	enum pb_affinity a;

	for (int p = PB_AFFINITY_NONE; p <= PB_AFFINITY_SCATTER; p++) {
		cr_assert_eq(pb_affinity_parse(pb_affinity_name(p), &a), PB_OK);
		cr_assert_eq((int)a, p);
	}
	cr_assert_eq(pb_affinity_parse("spread", &a), PB_ERROR);
	cr_assert_eq(pb_affinity_parse("", &a), PB_ERROR);
}

/* On this machine: the count matches the kernel's, and binding holds. */
Test(topology, this_machine_binds_the_calling_thread)
{
	struct pb_topology t;
	struct pb_err err = {{0}};
	cpu_set_t set;

	cr_assert_eq(pb_topology_load(&t, &err), PB_OK, "%s", err.msg);
	cr_assert_eq(t.pus, (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
	if (t.numa_nodes <= 1)
		cr_assert_eq(t.node_cores, 0, "one node: no count beyond it");
	cr_assert(t.node_cores == 0 || t.node_cores < t.cores, "%u of %u",
		  t.node_cores, t.cores);
	cr_assert_eq(pb_topology_bind(&t, PB_AFFINITY_COMPACT, 1, &err), PB_OK,
		     "%s", err.msg);
	cr_assert_eq(sched_getaffinity(0, sizeof(set), &set), 0);
	cr_assert_eq(CPU_COUNT(&set), 1);
	cr_assert(
	    CPU_ISSET(pb_topology_pu_of(&t, PB_AFFINITY_COMPACT, 1), &set));
	pb_topology_free(&t);
}

Test(topology, a_missing_xml_file_is_an_error_naming_it)
{
	struct pb_topology t;
	struct pb_err err = {{0}};

	setenv("HWLOC_XMLFILE", "/nonexistent/topology.xml", 1);
	cr_assert_eq(pb_topology_load(&t, &err), PB_ERROR);
	unsetenv("HWLOC_XMLFILE");
	cr_assert(strstr(err.msg, "/nonexistent/topology.xml"), "%s", err.msg);
	pb_topology_free(&t);
}
