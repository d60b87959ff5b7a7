/*
 * orphans.c — finding, killing and reaping this process's children (see
 * orphans.h).
 *
 * The children come from proctree.h (a re-parented orphan may hang under
 * any thread of ours; proctree reads them all).
 */
#define _GNU_SOURCE
#include "orphans.h"
#include "proctree.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_BATCH 256

size_t pb_orphans_reap(pid_t keep)
{
	pid_t pids[MAX_BATCH];
	size_t killed = 0;

	for (;;) {
		size_t n = pb_proc_children(getpid(), pids, MAX_BATCH);
		size_t reaped = 0;
		for (size_t k = 0; k < n; k++) {
			char state;
			pid_t ppid;
			if (pids[k] == keep)
				continue;
			if (pb_proc_stat(pids[k], &state, &ppid) &&
			    state != 'Z')
				killed++;
			kill(pids[k], SIGKILL);
			pid_t got;
			while ((got = waitpid(pids[k], NULL, 0)) < 0 &&
			       errno == EINTR)
				;
			reaped += got == pids[k];
		}
		/* Done when no child is left, or none could be reaped. */
		if (reaped == 0)
			return killed;
	}
}
