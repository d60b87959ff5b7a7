/*
 * test_strategy_util.c — the strategies' shared helper
 * (plugins/strategies/strategy_util.h): the first failure wins, wait
 * statuses worded alike, chunk 0 automatic, and a forked worker that dies
 * with its parent, or exits at once when its parent is already gone.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../plugins/strategies/strategy_util.h"

Test(strategy_util, first_failure_wins)
{
	struct pbs_outcome o = {0};

	pbs_fail(&o, PB_STATUS_CRASHED, "worker %u died", 2u);
	pbs_fail(&o, PB_STATUS_FAILED, "a consequence");
	cr_assert(o.failed);
	cr_assert_eq(o.status, PB_STATUS_CRASHED);
	cr_assert_str_eq(o.err.msg, "worker 2 died");
}

/* The wait status of a child that ends by signal sig, or exits with code. */
static int status_of(int sig, int code)
{
	int st = 0;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* The sanitizers catch SIGSEGV themselves: the default dies. */
		if (sig) {
			signal(sig, SIG_DFL);
			raise(sig);
		}
		_exit(code);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return st;
}

Test(strategy_util, wait_statuses_are_worded_alike)
{
	struct pbs_outcome o = {0};

	cr_assert_not(pbs_judge_wait(&o, status_of(0, 0), 0, 2, "x"));
	cr_assert_not(o.failed);
	cr_assert(pbs_judge_wait(&o, status_of(SIGSEGV, 0), 1, 2,
				 "while running task 7"));
	cr_assert_eq(o.status, PB_STATUS_CRASHED);
	cr_assert_str_eq(o.err.msg, "worker 2 of 2 was killed by signal "
				    "SIGSEGV (Segmentation fault) while "
				    "running task 7");
	o = (struct pbs_outcome){0};
	cr_assert(pbs_judge_wait(&o, status_of(0, 3), 0, 4, "after its tasks"));
	cr_assert_str_eq(o.err.msg,
			 "worker 1 of 4 exited with status 3 after its tasks");
}

/* A job of n tasks on W workers whose chunk parameter is chunk. */
static uint64_t chunk_of(int64_t chunk, size_t n, unsigned W)
{
	static const struct pb_param params[] = {PBS_PARAM_SCHEDULE("test"),
						 PBS_PARAM_CHUNK("0")};
	struct pb_value values[] = {{.type = PB_ENUM, .u.s = "dynamic"},
				    {.type = PB_INT, .u.i = chunk}};
	struct pb_args args = {.n = 2,
			       .params = params,
			       .values = values,
			       .size = sizeof(args),
			       .param_size = sizeof(params[0])};
	struct pb_job job = {
	    .size = sizeof(job), .ntasks = n, .workers = W, .args = &args};

	cr_assert(pbs_dynamic(&job));
	return pbs_chunk(&job);
}

Test(strategy_util, chunk_zero_is_automatic)
{
	cr_assert_eq(chunk_of(7, 1000, 4), 7);
	cr_assert_eq(chunk_of(0, 1000, 4), 63); /* ceil(1000 / 16) */
	cr_assert_eq(chunk_of(0, 3000, 3), 250);
	cr_assert_eq(chunk_of(0, 5, 16), 1);
	cr_assert_eq(chunk_of(0, 0, 2), 1); /* never 0 */
	cr_assert_eq(chunk_of(0, 10, 0), 3);
}

Test(strategy_util, static_shares_cover_every_task_once)
{
	uint64_t lo, hi, next = 0;

	for (uint64_t w = 0; w < 7; w++) {
		pbs_share(100, 7, w, &lo, &hi);
		cr_assert_eq(lo, next);
		next = hi;
	}
	cr_assert_eq(next, 100);
}

Test(strategy_util, worker_of_a_parent_already_gone_exits_at_once)
{
	int st = 0;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* Not the parent: as if it had died and we were re-parented. */
		pbs_die_with_parent(getppid() + 1);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), PBS_EXIT_LOST);
}

Test(strategy_util, worker_dies_with_its_parent)
{
	int ready[2], st = 0;
	char c;

	cr_assert_eq(pipe(ready), 0);
	pid_t mid = fork();
	cr_assert_geq(mid, 0);
	if (mid == 0) {
		pid_t self = getpid();
		if (fork() == 0) {
			/* The worker: it holds the pipe until it dies. */
			pbs_die_with_parent(self);
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		/* The parent waits for its worker's word, then ends. */
		close(ready[1]);
		_exit(read(ready[0], &c, 1) == 1 ? 0 : 1);
	}
	close(ready[1]);
	cr_assert_eq(waitpid(mid, &st, 0), mid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* The worker's death closes the last write end: end of file. */
	cr_assert_eq(read(ready[0], &c, 1), 0);
	close(ready[0]);
}
