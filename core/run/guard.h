/*
 * guard.h — a process that outlives the runner and ends the cell in
 * progress when the runner dies, however it dies (kill -9 included).
 *
 * While the runner lives, it ends what its cells leave (supervise.h). Once
 * it is killed, nothing of it is left to do so, and a process that a
 * plugin started without a parent-death signal (a Python subprocess, a
 * command's own child, a daemon) would run on. The guard closes that gap.
 *
 * One guard per run: pb_guard_start forks it. It holds one end of a socket
 * pair; the runner holds the other, and no one else but each new cell
 * process, for a moment: before any plugin code runs, the cell process
 * hands the guard a pidfd of itself and the path of its cgroup
 * (pb_guard_hand_over), then closes its copy. When the socket reaches end
 * of file — the runner died, or pb_guard_stop closed it — the guard ends
 * the cell it was last handed, if that still runs, then exits:
 *
 *   - in a cgroup: it kills the cgroup (cgroup.kill) and removes it;
 *   - otherwise: the cell process, whose parent-death signal is then
 *     SIGSTOP, has stopped rather than died, and still holds below it
 *     every process it started (it is a child subreaper, so orphans of
 *     its tree stay in it). The guard kills them all, then the cell
 *     process.
 *
 * The guard is in a session of its own (no signal of the terminal or of
 * the runner's process group reaches it), ignores every signal it can,
 * holds no descriptor of the runner's but its socket (so it never holds a
 * lock, a results file or a pipe of the runner's open), and works from
 * "/". It costs one fork per run and one message per cell process.
 */
#ifndef PB_GUARD_H
#define PB_GUARD_H

#include <stdbool.h>
#include <sys/types.h>

#include <parabench/plugin.h>

/*
 * Forks the guard, unless one runs already. Fails (with err) only when no
 * socket or process can be made; the runner can go on without it.
 */
int pb_guard_start(struct pb_err *err);

/*
 * Closes the runner's end of the socket and reaps the guard, which ends
 * the cell it was last handed if that still runs (at the end of a run,
 * none does). Nothing when no guard runs.
 */
void pb_guard_stop(void);

/* The guard's pid (a child of the caller); 0 when none runs. */
pid_t pb_guard_pid(void);

/*
 * In a new cell process, before any plugin code: hands the guard a pidfd
 * of the caller and cgroup (the path of the cell's cgroup, "" when it has
 * none), then closes the caller's end of the socket, whatever happens.
 * Returns true when the guard has them; false when no guard runs or the
 * message could not be sent at once (the guard is gone, or stopped).
 */
bool pb_guard_hand_over(const char *cgroup);

#endif
