/*
 * orphans.h — the runner as the reaper of what its cells leave behind.
 *
 * The runner and each cell process are child subreapers: a process that
 * loses its parent — a daemon made with setsid and a double fork, the
 * children of a killed cell — becomes the child of the nearest of them
 * instead of init's. After a repetition (teardown included) the process
 * that ran it has no child of its own, and after a cell the runner has
 * none: any child then is left behind by a plugin.
 */
#ifndef PB_ORPHANS_H
#define PB_ORPHANS_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Kills (SIGKILL) and reaps every child of this process but keep (0:
 * none), again and again until none is left: killing one re-parents its
 * own children to us. Returns how many were still running when found
 * (zombies are reaped without being counted). Never fails; a child that
 * cannot be reaped is left.
 */
size_t pb_orphans_reap(pid_t keep);

#endif
