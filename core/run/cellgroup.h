/*
 * cellgroup.h — a cgroup (v2) of its own for each cell process, where
 * this process may make one: its own cgroup is writable (root, or a
 * delegated subtree) on a kernel with cgroup.kill (Linux 5.14).
 *
 * Everything the cell starts stays in the cell's cgroup, whatever it does
 * (setsid, double fork), so cgroup.kill ends all of it at once, with no
 * race against a process that forks. Where no cgroup can be made, the
 * runner's subreaper sweep (orphans.h) is what remains.
 */
#ifndef PB_CELLGROUP_H
#define PB_CELLGROUP_H

#include <limits.h>
#include <stdbool.h>

struct pb_cellgroup {
	char dir[PATH_MAX]; /* the cgroup's folder; "" when there is none */
	int procs_fd;	    /* its cgroup.procs, open for writing; -1 */
};

/*
 * Makes a new cgroup for one cell under this process's own cgroup, named
 * parabench-<pid>-<n>. Returns false, with g->dir "", when cgroups v2 are
 * not mounted, not writable here, or lack cgroup.kill: the caller goes on
 * without. End it with pb_cellgroup_end.
 */
bool pb_cellgroup_create(struct pb_cellgroup *g);

/*
 * In the cell process, first thing after fork: moves the calling process
 * into g (nothing when g has no cgroup) and closes g's descriptor. True
 * when the caller is now in g. Async-signal-safe.
 */
bool pb_cellgroup_join(struct pb_cellgroup *g);

/* In the parent after fork: closes g's descriptor, which only the cell
 * process needs. */
void pb_cellgroup_forked(struct pb_cellgroup *g);

/*
 * Kills every process of g (cgroup.kill), waits until it is empty (up to
 * about 10 s), and removes it. The killed processes that were this
 * process's children are left for the caller to reap (pb_orphans_reap).
 * Nothing when g has no cgroup.
 */
void pb_cellgroup_kill(struct pb_cellgroup *g);

/* Removes g's cgroup once it is empty and its zombies reaped. */
void pb_cellgroup_remove(struct pb_cellgroup *g);

#endif
