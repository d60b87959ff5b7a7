/*
 * proctree.h — the processes below a process, read from /proc: the
 * children of any process, and the state and parent of one.
 *
 * A process tree read so is a snapshot: a process may start or end right
 * after. Callers that act on a pid they read (a signal) check it with a
 * pidfd first (see guard.c), or own the process (orphans.c).
 */
#ifndef PB_PROCTREE_H
#define PB_PROCTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The children of pid (those of every one of its threads), at most max,
 * into out; returns how many. They come from /proc/<pid>/task/<tid>/
 * children, or, where the kernel lacks those files, from the parent field
 * of every /proc/<n>/stat. 0 when pid is gone or has no child.
 */
size_t pb_proc_children(pid_t pid, pid_t *out, size_t max);

/*
 * The state letter (R, S, D, T, t, Z, X...) and the parent of pid, from
 * /proc/<pid>/stat; false when pid is gone.
 */
bool pb_proc_stat(pid_t pid, char *state, pid_t *ppid);

#endif
