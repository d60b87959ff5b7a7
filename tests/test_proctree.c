/*
 * test_proctree.c — the children, state and parent of a process, read
 * from /proc (run/proctree.h): children of every thread, a stopped
 * process, a process that is gone.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pbtest.h"
#include "run/proctree.h"

TestSuite(proctree, .timeout = 30);

/* A child that waits until it is killed. */
static pid_t waiting_child(void)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	return pid;
}

static void end_child(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static bool has(const pid_t *list, size_t n, pid_t pid)
{
	for (size_t k = 0; k < n; k++)
		if (list[k] == pid)
			return true;
	return false;
}

struct forker {
	int hold;     /* the thread waits on it */
	pid_t child;  /* forked by the thread */
	int ready[2]; /* the thread says the child is forked */
};

/* A thread that forks a child, then lives on until hold ends. */
static void *forker_main(void *p)
{
	struct forker *f = p;
	char c;

	f->child = waiting_child();
	if (write(f->ready[1], "x", 1) != 1)
		return NULL;
	while (read(f->hold, &c, 1) > 0)
		;
	return NULL;
}

Test(proctree, lists_the_children_of_every_thread)
{
	int hold[2];
	pid_t out[16];
	pthread_t t;
	char c;

	cr_assert_eq(pipe(hold), 0);
	struct forker f = {.hold = hold[0]};
	cr_assert_eq(pipe(f.ready), 0);
	pid_t a = waiting_child();
	pid_t b = waiting_child();
	cr_assert_eq(pthread_create(&t, NULL, forker_main, &f), 0);
	cr_assert_eq(read(f.ready[0], &c, 1), 1);
	size_t n = pb_proc_children(getpid(), out, PB_COUNT(out));
	cr_assert_eq(n, 3, "%zu children", n);
	cr_assert(has(out, n, a) && has(out, n, b), "the main thread's");
	cr_assert(has(out, n, f.child), "the other thread's");
	cr_assert_eq(pb_proc_children(a, out, PB_COUNT(out)), 0);
	/* At most max. */
	cr_assert_eq(pb_proc_children(getpid(), out, 2), 2);
	end_child(a);
	end_child(b);
	end_child(f.child);
	close(hold[1]); /* the children that shared it are gone */
	pthread_join(t, NULL);
	close(hold[0]);
	close(f.ready[0]);
	close(f.ready[1]);
}

Test(proctree, says_the_state_and_parent)
{
	char state;
	pid_t ppid;
	int status;

	cr_assert(pb_proc_stat(getpid(), &state, &ppid));
	cr_assert_eq(state, 'R');
	cr_assert_eq(ppid, getppid());
	pid_t child = waiting_child();
	cr_assert_eq(kill(child, SIGSTOP), 0);
	cr_assert_eq(waitpid(child, &status, WUNTRACED), child);
	cr_assert(WIFSTOPPED(status));
	cr_assert(pb_proc_stat(child, &state, &ppid));
	cr_assert_eq(state, 'T');
	cr_assert_eq(ppid, getpid());
	end_child(child);
}

Test(proctree, a_process_that_is_gone_has_nothing)
{
	char state = 0;
	pid_t ppid = 0, out[4];

	/* Above any pid_max the kernel allows (4194304). */
	cr_assert_not(pb_proc_stat(INT_MAX, &state, &ppid));
	cr_assert_eq(pb_proc_children(INT_MAX, out, PB_COUNT(out)), 0);
}
