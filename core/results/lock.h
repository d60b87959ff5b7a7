/*
 * lock.h — who writes a results folder: DIR/run.lock.
 *
 * A new run claims its folder by creating run.lock exclusively (O_EXCL),
 * so of two runs started into one folder exactly one gets it; it then
 * holds an flock(2) on the file for the whole run and keeps its pid in it.
 * `run --resume` takes the same lock, and is refused while another
 * process holds it. The lock goes with the process (and with every child
 * that still holds the descriptor); the file stays, naming the last pid.
 */
#ifndef PB_LOCK_H
#define PB_LOCK_H

#include <parabench/plugin.h>

struct pb_dir_lock {
	int fd; /* -1 when nothing is held */
};

/*
 * Claims the new results folder dir: creates dir/run.lock (never
 * following a link), locks it and writes this process's pid. Fails
 * naming dir when run.lock exists: the folder is another run's.
 */
int pb_lock_claim(const char *dir, struct pb_dir_lock *l, struct pb_err *err);

/*
 * Takes the lock of the existing results folder dir (making run.lock if a
 * folder from before locks has none) without waiting. Fails with "a run
 * is in progress in DIR (pid N)" when another process holds it.
 */
int pb_lock_take(const char *dir, struct pb_dir_lock *l, struct pb_err *err);

/* Releases the lock; safe on a zeroed-then-fd=-1 or released one. */
void pb_lock_release(struct pb_dir_lock *l);

#endif
