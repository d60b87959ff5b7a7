/*
 * topology.h — the machine's shape, from hwloc: packages, NUMA nodes, cores,
 * hardware threads (PUs) and caches, and where worker w goes under an
 * affinity policy.
 *
 * The topology is read from the running system, or from an hwloc XML file
 * when the environment names one (hwloc's own HWLOC_XMLFILE), so a 2-socket
 * machine can be described and tested on a 1-socket one. Only the binding
 * itself (pb_topology_bind) needs the real machine.
 */
#ifndef PB_TOPOLOGY_H
#define PB_TOPOLOGY_H

#include <parabench/plugin.h>
#include <stdint.h>

/* How workers are placed. The values are the experiment key's words. */
enum pb_affinity {
	PB_AFFINITY_NONE,    /* the scheduler decides (no binding) */
	PB_AFFINITY_COMPACT, /* fill the PUs of a core, then of a package */
	PB_AFFINITY_SCATTER, /* one PU per package, then per core, then SMT */
};

#define PB_TOPOLOGY_MAX_CACHES 8

/* One cache level as hwloc reports it (data or unified caches only). */
struct pb_cache_level {
	unsigned depth;	   /* 1 for L1, 2 for L2, ... */
	uint64_t size;	   /* bytes of one cache of this level */
	unsigned count;	   /* how many of them */
	unsigned share_pu; /* PUs sharing one of them */
};

/*
 * The shape of the machine, plus the PUs in compact and in scatter order
 * (operating-system indexes, as sched_setaffinity wants them).
 */
struct pb_topology {
	unsigned packages, numa_nodes, cores, pus;
	/*
	 * Physical cores of the smallest NUMA node that has any: beyond it,
	 * some workers must leave their node. 0 when one node holds every
	 * core (or the only node) or hwloc cannot tell.
	 */
	unsigned node_cores;
	unsigned ncaches;
	struct pb_cache_level caches[PB_TOPOLOGY_MAX_CACHES];
	unsigned *compact; /* pus entries; owned */
	unsigned *scatter; /* pus entries; owned */
	void *hwloc;	   /* hwloc_topology_t; owned */
};

/*
 * Loads the topology of this machine (or of HWLOC_XMLFILE). Fails with
 * hwloc's reason. Free with pb_topology_free, also after a failure.
 */
int pb_topology_load(struct pb_topology *t, struct pb_err *err);

/* Frees what t holds; safe on a zeroed or freed topology. */
void pb_topology_free(struct pb_topology *t);

/*
 * One line for a report: "1 package, 1 NUMA node, 2 cores, 2 PUs (no SMT);
 * L1 48 KiB x2, L2 2 MiB x2, L3 32 MiB x1". Fails when it does not fit.
 */
int pb_topology_summary(const struct pb_topology *t, char *buf, size_t len,
			struct pb_err *err);

/*
 * The operating-system index of the PU that worker w (0-based) is bound to
 * under policy; workers beyond the PU count wrap around. -1 for
 * PB_AFFINITY_NONE.
 */
int pb_topology_pu_of(const struct pb_topology *t, enum pb_affinity policy,
		      unsigned w);

/* The word for a policy ("none", "compact", "scatter"). */
const char *pb_affinity_name(enum pb_affinity policy);

/* Reads a policy's word; PB_ERROR for any other text. */
int pb_affinity_parse(const char *word, enum pb_affinity *out);

/*
 * Binds the calling thread to worker w's PU under policy (nothing for
 * PB_AFFINITY_NONE). Fails with the PU and the reason.
 */
int pb_topology_bind(const struct pb_topology *t, enum pb_affinity policy,
		     unsigned w, struct pb_err *err);

#endif
