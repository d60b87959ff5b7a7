/*
 * pbt_procs.h — process trees for the tests: the descendants of a
 * process, a test that adopts orphans (a subreaper), FIFOs through which
 * the gate test plugin tells a test where a run is, and a bounded wait
 * until every child of the test is gone.
 */
#ifndef PBT_PROCS_H
#define PBT_PROCS_H

#include <stddef.h>
#include <sys/types.h>

/* Every live descendant of root (not root), at most max, into out. */
size_t pbt_descendants(pid_t root, pid_t *out, size_t max);

/*
 * Makes the test's process a child subreaper: what loses its parent below
 * it becomes its child, where pbt_assert_children_gone sees it. Criterion
 * runs each test in a process of its own, which this only affects.
 */
void pbt_adopt_orphans(void);

/*
 * Reaps the test's children until it has none; fails the test, naming
 * what is left (and killing it), when some are still alive after
 * `seconds`. what starts the message.
 */
void pbt_assert_children_gone(double seconds, const char *what);

/*
 * Makes a FIFO at path and opens it for reading (also for writing, so
 * that it never reads EOF): the gate plugin's signals arrive there.
 * Returns the descriptor.
 */
int pbt_gate_open(const char *path);

/*
 * Waits (at most 30 s, else fails the test) for the next signal of a gate
 * on fd and asserts that it is want ('r' ready, 's' stopping).
 */
void pbt_gate_expect(int fd, char want);

/*
 * Reads one line "<pid>\n" from fd (a FIFO opened by pbt_gate_open, or a
 * pipe), waiting at most 30 s (else fails the test); returns the pid.
 */
pid_t pbt_read_pid(int fd);

/*
 * Waits until the process pidfd names has ended (a pidfd turns readable
 * then); fails the test, naming what, when it still runs after seconds
 * (and kills it first).
 */
void pbt_assert_ends(int pidfd, double seconds, const char *what);

/*
 * Starts $PB_BUILD/parabench with argv (NULL-terminated, no program name)
 * in the background, its stdout and stderr to /dev/null; returns its pid.
 * It is killed when the test ends (parent-death signal).
 */
pid_t pbt_parabench_start(const char *const *argv);

#endif
