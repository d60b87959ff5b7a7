/*
 * topology.c — the machine's shape from hwloc, and the compact and scatter
 * orders of its PUs.
 */
#define _GNU_SOURCE /* sched_setaffinity, CPU_SET */
#include "topology.h"

#include <errno.h>
#include <hwloc.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned count_of(hwloc_topology_t topo, hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(topo, type);

	return n > 0 ? (unsigned)n : 0;
}

static void read_caches(struct pb_topology *t, hwloc_topology_t topo)
{
	static const hwloc_obj_type_t levels[] = {
	    HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L3CACHE,
	    HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L5CACHE};

	for (size_t i = 0; i < PB_COUNT(levels); i++) {
		hwloc_obj_t c = hwloc_get_obj_by_type(topo, levels[i], 0);

		if (!c || t->ncaches == PB_TOPOLOGY_MAX_CACHES)
			continue;
		if (c->attr->cache.type == HWLOC_OBJ_CACHE_INSTRUCTION)
			continue;
		t->caches[t->ncaches++] = (struct pb_cache_level){
		    .depth = c->attr->cache.depth,
		    .size = c->attr->cache.size,
		    .count = count_of(topo, levels[i]),
		    .share_pu = (unsigned)hwloc_bitmap_weight(c->cpuset),
		};
	}
}

/*
 * The cores of the smallest NUMA node with any (PUs where hwloc shows no
 * cores). A node with an empty cpuset holds no worker and is skipped; one
 * near every core (the only node, or memory hwloc attaches to the whole
 * machine) is never smaller than the others, and when even the smallest
 * holds every core no worker count leaves a node: 0.
 */
static unsigned smallest_node_cores(const struct pb_topology *t,
				    hwloc_topology_t topo)
{
	hwloc_obj_type_t type =
	    count_of(topo, HWLOC_OBJ_CORE) ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
	unsigned least = 0;

	for (unsigned i = 0; i < t->numa_nodes; i++) {
		hwloc_obj_t node =
		    hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, i);
		int n = node && node->cpuset
			    ? hwloc_get_nbobjs_inside_cpuset_by_type(
				  topo, node->cpuset, type)
			    : 0;

		if (n > 0 && (least == 0 || (unsigned)n < least))
			least = (unsigned)n;
	}
	return least < t->cores ? least : 0;
}

/* A PU's place for the scatter order: SMT rank, core rank, package. */
struct place {
	unsigned smt, core, package, os;
};

/* Logical index of obj among the objects of its type under the ancestor. */
static unsigned rank_under(hwloc_obj_t obj, hwloc_obj_t ancestor)
{
	hwloc_obj_t first = obj;

	if (!ancestor)
		return obj->logical_index;
	while (first->prev_cousin &&
	       hwloc_obj_is_in_subtree(NULL, first->prev_cousin, ancestor))
		first = first->prev_cousin;
	return obj->logical_index - first->logical_index;
}

static int by_place(const void *a, const void *b)
{
	const struct place *x = a, *y = b;

	if (x->smt != y->smt)
		return x->smt < y->smt ? -1 : 1;
	if (x->core != y->core)
		return x->core < y->core ? -1 : 1;
	if (x->package != y->package)
		return x->package < y->package ? -1 : 1;
	return 0;
}

static int make_orders(struct pb_topology *t, hwloc_topology_t topo)
{
	struct place *places = calloc(t->pus, sizeof(*places));

	t->compact = calloc(t->pus, sizeof(*t->compact));
	t->scatter = calloc(t->pus, sizeof(*t->scatter));
	if (!places || !t->compact || !t->scatter) {
		free(places);
		return PB_ERROR;
	}
	for (unsigned i = 0; i < t->pus; i++) {
		hwloc_obj_t pu = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, i);
		hwloc_obj_t core =
		    hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, pu);
		hwloc_obj_t pkg =
		    hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_PACKAGE, pu);

		t->compact[i] = pu->os_index;
		places[i] = (struct place){
		    .smt = core ? rank_under(pu, core) : 0,
		    .core = core ? rank_under(core, pkg) : rank_under(pu, pkg),
		    .package = pkg ? pkg->logical_index : 0,
		    .os = pu->os_index,
		};
	}
	/* qsort is not stable, but no two PUs share all three keys. */
	qsort(places, t->pus, sizeof(*places), by_place);
	for (unsigned i = 0; i < t->pus; i++)
		t->scatter[i] = places[i].os;
	free(places);
	return PB_OK;
}

int pb_topology_load(struct pb_topology *t, struct pb_err *err)
{
	const char *xml = getenv("HWLOC_XMLFILE");
	hwloc_topology_t topo;

	memset(t, 0, sizeof(*t));
	if (hwloc_topology_init(&topo) < 0)
		return pb_fail(err, "hwloc: cannot initialise: %s",
			       strerror(errno));
	t->hwloc = topo;
	/* hwloc alone would fall back to this machine when the file is bad. */
	if (xml && *xml && hwloc_topology_set_xml(topo, xml) < 0)
		return pb_fail(err,
			       "HWLOC_XMLFILE=%s: cannot read it as an hwloc "
			       "topology: %s",
			       xml, strerror(errno));
	if (hwloc_topology_load(topo) < 0)
		return pb_fail(err, "hwloc: cannot read the topology: %s",
			       strerror(errno));
	t->packages = count_of(topo, HWLOC_OBJ_PACKAGE);
	t->numa_nodes = count_of(topo, HWLOC_OBJ_NUMANODE);
	t->cores = count_of(topo, HWLOC_OBJ_CORE);
	t->pus = count_of(topo, HWLOC_OBJ_PU);
	if (t->pus == 0)
		return pb_fail(err, "hwloc: the topology has no PU");
	if (t->cores == 0)
		t->cores = t->pus;
	t->node_cores = smallest_node_cores(t, topo);
	read_caches(t, topo);
	if (make_orders(t, topo) != PB_OK)
		return pb_fail(err, "hwloc: out of memory");
	return PB_OK;
}

void pb_topology_free(struct pb_topology *t)
{
	if (t->hwloc)
		hwloc_topology_destroy(t->hwloc);
	free(t->compact);
	free(t->scatter);
	memset(t, 0, sizeof(*t));
}

static const char *plural(unsigned n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Bytes as "48 KiB" or "32 MiB" (exact powers of 1024 only when whole). */
static void size_text(uint64_t b, char buf[32])
{
	if (b >= (1u << 20) && b % (1u << 20) == 0)
		snprintf(buf, 32, "%llu MiB", (unsigned long long)(b >> 20));
	else if (b >= 1024 && b % 1024 == 0)
		snprintf(buf, 32, "%llu KiB", (unsigned long long)(b >> 10));
	else
		snprintf(buf, 32, "%llu B", (unsigned long long)b);
}

int pb_topology_summary(const struct pb_topology *t, char *buf, size_t len,
			struct pb_err *err)
{
	size_t used;
	int n = snprintf(
	    buf, len, "%u %s, %u NUMA %s, %u %s, %u %s (%s)", t->packages,
	    plural(t->packages, "package", "packages"), t->numa_nodes,
	    plural(t->numa_nodes, "node", "nodes"), t->cores,
	    plural(t->cores, "core", "cores"), t->pus,
	    plural(t->pus, "PU", "PUs"), t->pus > t->cores ? "SMT" : "no SMT");

	for (unsigned i = 0; n >= 0 && (size_t)n < len && i < t->ncaches; i++) {
		char size[32];

		used = (size_t)n;
		size_text(t->caches[i].size, size);
		n += snprintf(buf + used, len - used, "%sL%u %s x%u",
			      i ? ", " : "; ", t->caches[i].depth, size,
			      t->caches[i].count);
	}
	if (n < 0 || (size_t)n >= len)
		return pb_fail(err, "topology summary: longer than %zu bytes",
			       len);
	return PB_OK;
}

int pb_topology_pu_of(const struct pb_topology *t, enum pb_affinity policy,
		      unsigned w)
{
	switch (policy) {
	case PB_AFFINITY_COMPACT:
		return (int)t->compact[w % t->pus];
	case PB_AFFINITY_SCATTER:
		return (int)t->scatter[w % t->pus];
	default:
		return -1;
	}
}

static const char *const affinity_words[] = {"none", "compact", "scatter"};

const char *pb_affinity_name(enum pb_affinity policy)
{
	return (unsigned)policy < PB_COUNT(affinity_words)
		   ? affinity_words[policy]
		   : "unknown";
}

int pb_affinity_parse(const char *word, enum pb_affinity *out)
{
	for (size_t i = 0; i < PB_COUNT(affinity_words); i++) {
		if (strcmp(word, affinity_words[i]) == 0) {
			*out = (enum pb_affinity)i;
			return PB_OK;
		}
	}
	return PB_ERROR;
}

int pb_topology_bind(const struct pb_topology *t, enum pb_affinity policy,
		     unsigned w, struct pb_err *err)
{
	int pu = pb_topology_pu_of(t, policy, w);
	cpu_set_t set;

	if (pu < 0)
		return PB_OK;
	CPU_ZERO(&set);
	CPU_SET(pu, &set);
	/* pid 0 is the calling thread, not the whole process. */
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		return pb_fail(err, "worker %u: cannot bind to CPU %d (%s): %s",
			       w, pu, pb_affinity_name(policy),
			       strerror(errno));
	return PB_OK;
}
