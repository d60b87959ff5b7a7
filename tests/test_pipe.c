/*
 * test_pipe.c — the pipe workload: both modes with both peers under every
 * strategy, awkward sizes, verify catching corrupted data, a peer killed
 * mid-transfer, running out of descriptors, and no descriptor or child
 * left behind in any of these cases.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pbtest.h"
#include "value.h"

/* Mirrors struct pipe_result of the plugin. */
struct result {
	uint64_t amount, sum_a, sum_b, start_ns, end_ns;
};

static const struct pb_workload_hooks *hooks(void)
{
	return pbt_plugin(PB_KIND_WORKLOAD, "pipe")->workload;
}

static struct pb_args args_of(const char *params, struct pb_arena *arena)
{
	return pbt_args(pbt_plugin(PB_KIND_WORKLOAD, "pipe"), params, arena);
}

static struct pb_value *value_of(struct pb_args *args, const char *name)
{
	for (size_t k = 0; k < args->n; k++)
		if (strcmp(args->params[k].name, name) == 0)
			return (struct pb_value *)&args->values[k];
	cr_assert_fail("no parameter %s", name);
	return NULL;
}

static int setup(const struct pb_args *args, void **state, size_t *ntasks,
		 struct pb_err *err)
{
	struct pb_host host = {.size = sizeof(host), .seed = 1, .cores = 2};
	return hooks()->setup(args, &host, state, ntasks, err);
}

static void expect_no_child(void)
{
	errno = 0;
	cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1, "a child is left");
	cr_assert_eq(errno, ECHILD, "a child is left: %s", strerror(errno));
}

static void expect_ok(const char *params, const char *strategy,
		      const char *sparams, unsigned workers,
		      struct pb_measure *m)
{
	pbt_run("pipe", params, strategy, sparams, workers, m);
	cr_assert_eq(m->status, PB_STATUS_OK, "%s under %s x%u: %s", params,
		     strategy, workers, m->message);
}

Test(pipe, stream_with_process_and_thread_peers)
{
	const char *peers[] = {"peer=process", "peer=thread"};
	char params[128];
	struct pb_measure m;

	for (size_t k = 0; k < 2; k++) {
		snprintf(params, sizeof(params),
			 "tasks=2; bytes=1M; message=64k; %s", peers[k]);
		expect_ok(params, "serial", "", 1, &m);
		cr_assert_eq(pbt_metric("pipe", &m, "bytes"), 2097152.0);
		double rate = pbt_metric("pipe", &m, "gb_per_s");
		cr_assert(rate > 0 && rate < 1e4, "rate %g", rate);
		cr_assert(isnan(pbt_metric("pipe", &m, "us_per_round_trip")));
	}
}

Test(pipe, pingpong_with_process_and_thread_peers)
{
	const char *peers[] = {"peer=process", "peer=thread"};
	char params[128];
	struct pb_measure m;

	for (size_t k = 0; k < 2; k++) {
		snprintf(params, sizeof(params),
			 "mode=pingpong; tasks=2; round_trips=300; %s",
			 peers[k]);
		expect_ok(params, "serial", "", 1, &m);
		cr_assert_eq(pbt_metric("pipe", &m, "round_trips"), 600.0);
		double us = pbt_metric("pipe", &m, "us_per_round_trip");
		cr_assert(us > 0 && us < 1e6, "%g us", us);
		cr_assert(isnan(pbt_metric("pipe", &m, "gb_per_s")));
	}
}

/* Writes that split words, a message larger than the stream, 1-byte I/O. */
Test(pipe, awkward_sizes)
{
	const char *cases[] = {
	    "tasks=3; bytes=1000003; message=4093",
	    "tasks=3; bytes=1000003; message=4093; peer=thread",
	    "tasks=1; bytes=10; message=64k",
	    "tasks=1; bytes=1; message=1",
	    "tasks=1; bytes=777; message=1; peer=thread",
	    "tasks=1; bytes=200k; message=1M",
	};
	struct pb_measure m;

	for (size_t k = 0; k < PB_COUNT(cases); k++)
		expect_ok(cases[k], "serial", "", 1, &m);
}

/* Byte and round-trip counts everywhere; verify vouches for the data. */
Test(pipe, verified_under_every_strategy)
{
	const char *strategies[] = {"serial", "pthreads", "fork", "shm"};
	const char *cases[] = {
	    "tasks=5; bytes=300k; message=8k",
	    "tasks=5; bytes=300k; message=8k; peer=thread",
	    "tasks=5; mode=pingpong; round_trips=100",
	    "tasks=5; mode=pingpong; round_trips=100; peer=thread",
	};
	struct pb_measure m;

	for (size_t s = 0; s < PB_COUNT(strategies); s++) {
		if (!pb_registry_find(pbt_registry(), PB_KIND_STRATEGY,
				      strategies[s]))
			continue;
		for (size_t c = 0; c < PB_COUNT(cases); c++)
			for (unsigned w = 1; w <= 3; w += 2) {
				expect_ok(cases[c], strategies[s], "", w, &m);
				double n =
				    c < 2
					? pbt_metric("pipe", &m, "bytes")
					: pbt_metric("pipe", &m, "round_trips");
				cr_assert_eq(n, c < 2 ? 5 * 307200.0 : 500.0);
			}
	}
	expect_no_child();
}

Test(pipe, leaves_no_descriptor_and_no_child)
{
	const char *cases[] = {
	    "tasks=4; bytes=256k",
	    "tasks=4; bytes=256k; peer=thread",
	    "tasks=4; mode=pingpong; round_trips=50",
	    "tasks=4; mode=pingpong; round_trips=50; peer=thread",
	};
	struct pb_measure m;
	int before = pbt_count_fds();

	for (size_t c = 0; c < PB_COUNT(cases); c++) {
		expect_ok(cases[c], "serial", "", 1, &m);
		expect_ok(cases[c], "pthreads", "", 4, &m);
	}
	cr_assert_eq(pbt_count_fds(), before);
	expect_no_child();
}

/* Runs every task and reduce in this thread. */
static void run_all(const char *params, void **state, struct result **r,
		    size_t *n, struct pb_metric_value *m)
{
	struct pb_arena arena = {0};
	struct pb_args args = args_of(params, &arena);
	struct pb_err err = {{0}};

	cr_assert_eq(setup(&args, state, n, &err), PB_OK, "%s", err.msg);
	*r = calloc(*n, sizeof(**r));
	cr_assert_not_null(*r);
	for (size_t k = 0; k < *n; k++)
		cr_assert_eq(hooks()->run_task(*state, NULL, k, &(*r)[k], &err),
			     PB_OK, "%s", err.msg);
	cr_assert_eq(hooks()->reduce(*state, *r, *n, m, &err), PB_OK, "%s",
		     err.msg);
	pb_arena_free(&arena);
}

static void expect_wrong(void *state, const struct result *r, size_t n,
			 const struct pb_metric_value *m, const char *want)
{
	struct pb_err err = {{0}};

	cr_assert_eq(hooks()->verify(state, r, n, m, &err), PB_ERROR,
		     "verify accepted a corrupted result (want '%s')", want);
	cr_assert(strstr(err.msg, want), "message '%s' lacks '%s'", err.msg,
		  want);
}

static void corrupt_and_check(const char *params, const char *unit)
{
	struct pb_metric_value m[4] = {0};
	struct pb_err err = {{0}};
	struct result *r, t;
	char want[64];
	void *state;
	size_t n;

	run_all(params, &state, &r, &n, m);
	cr_assert_eq(hooks()->verify(state, r, n, m, &err), PB_OK, "%s",
		     err.msg);
	r[1].sum_b ^= 4;
	expect_wrong(state, r, n, m, "task 1: the checksum of what arrived");
	r[1].sum_b ^= 4;
	r[2].amount--;
	snprintf(want, sizeof(want), "task 2 got %llu %s",
		 (unsigned long long)r[2].amount, unit);
	expect_wrong(state, r, n, m, want);
	r[2].amount++;
	t = r[0];
	r[0] = r[2];
	r[2] = t;
	expect_wrong(state, r, n, m, "task 0: the checksum");
	hooks()->teardown(state);
	free(r);
}

Test(pipe, verify_catches_corrupted_results)
{
	corrupt_and_check("tasks=3; bytes=100001; message=1000", "bytes");
	corrupt_and_check("tasks=3; mode=pingpong; round_trips=64",
			  "round trips");
}

/* ---- A peer killed mid-transfer --------------------------------------- */

struct task_call {
	void *state;
	struct result r;
	struct pb_err err;
	int rc;
};

static void *call_task(void *arg)
{
	struct task_call *c = arg;
	c->rc = hooks()->run_task(c->state, NULL, 0, &c->r, &c->err);
	return NULL;
}

/* The pid of a child of this process, waiting up to 5 s for one. */
static pid_t find_child(void)
{
	for (int tries = 0; tries < 500; tries++) {
		DIR *d = opendir("/proc");
		struct dirent *e;
		pid_t found = 0;
		cr_assert_not_null(d);
		while (!found && (e = readdir(d))) {
			char path[300], buf[512];
			FILE *f;
			snprintf(path, sizeof(path), "/proc/%s/stat",
				 e->d_name);
			if (!(f = fopen(path, "r")))
				continue;
			size_t len = fread(buf, 1, sizeof(buf) - 1, f);
			fclose(f);
			buf[len] = '\0';
			char *rp = strrchr(buf, ')');
			int ppid;
			if (rp && sscanf(rp + 2, "%*c %d", &ppid) == 1 &&
			    ppid == getpid())
				found = (pid_t)atoi(e->d_name);
		}
		closedir(d);
		if (found)
			return found;
		usleep(10000);
	}
	cr_assert_fail("the peer process never appeared");
	return 0;
}

static void kill_peer_during(const char *params, const char *want)
{
	struct pb_arena arena = {0};
	struct pb_args args = args_of(params, &arena);
	struct task_call c = {0};
	pthread_t t;
	size_t n;
	int before = pbt_count_fds();

	cr_assert_eq(setup(&args, &c.state, &n, &c.err), PB_OK);
	cr_assert_eq(pthread_create(&t, NULL, call_task, &c), 0);
	cr_assert_eq(kill(find_child(), SIGKILL), 0);
	pthread_join(t, NULL);
	cr_assert_eq(c.rc, PB_ERROR, "the task ignored its peer's death");
	cr_assert(strstr(c.err.msg, "was killed by signal 9"), "%s", c.err.msg);
	cr_assert(strstr(c.err.msg, want), "'%s' lacks '%s'", c.err.msg, want);
	hooks()->teardown(c.state);
	pb_arena_free(&arena);
	cr_assert_eq(pbt_count_fds(), before);
	expect_no_child();
}

Test(pipe, stream_peer_killed)
{
	kill_peer_during("tasks=1; bytes=1T", "the pipe closed after");
}

/* The task's writes meet a dead reader: EPIPE, not a SIGPIPE death. */
Test(pipe, pingpong_peer_killed)
{
	kill_peer_during("tasks=1; mode=pingpong; round_trips=1e9",
			 "in round trip");
}

/* ---- Out of descriptors ----------------------------------------------- */

/* Lowers the descriptor limit so that exactly `room` more fit. */
static void leave_room_for(int room)
{
	struct rlimit rl;
	rlim_t limit = 0;
	int free_slots = 0;

	for (; free_slots < room; limit++)
		if (fcntl((int)limit, F_GETFD) < 0)
			free_slots++;
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	rl.rlim_cur = limit;
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &rl), 0, "%s", strerror(errno));
}

static void expect_task_error(const char *params, const char *want)
{
	struct pb_arena arena = {0};
	struct pb_args args = args_of(params, &arena);
	struct pb_err err = {{0}};
	struct result r;
	void *state;
	size_t n;

	cr_assert_eq(setup(&args, &state, &n, &err), PB_OK);
	cr_assert_eq(hooks()->run_task(state, NULL, 0, &r, &err), PB_ERROR);
	cr_assert(strstr(err.msg, want), "'%s' lacks '%s'", err.msg, want);
	hooks()->teardown(state);
	pb_arena_free(&arena);
}

Test(pipe, out_of_descriptors)
{
	pbt_registry(); /* load the plugins while descriptors are plenty */
	int before = pbt_count_fds();

	leave_room_for(1);
	expect_task_error("bytes=1k", "cannot make a pipe: Too many open");
	cr_assert_eq(pbt_count_fds(), before);
	leave_room_for(3); /* the first of two pipes fits */
	expect_task_error("mode=pingpong; round_trips=5",
			  "cannot make a pipe: Too many open");
	cr_assert_eq(pbt_count_fds(), before);
	expect_no_child();
}

/* ---- Parameters ------------------------------------------------------- */

static void expect_setup_error(struct pb_args *args, const char *want)
{
	struct pb_err err = {{0}};
	void *state = NULL;
	size_t n = 0;

	cr_assert_eq(setup(args, &state, &n, &err), PB_ERROR,
		     "setup accepted what should fail with '%s'", want);
	cr_assert(strstr(err.msg, want), "message '%s' lacks '%s'", err.msg,
		  want);
}

Test(pipe, parameter_errors)
{
	struct pb_arena arena = {0};
	struct pb_args args = args_of("", &arena);

	value_of(&args, "tasks")->u.i = 0;
	expect_setup_error(&args, "tasks is 0: expected at least 1");
	value_of(&args, "tasks")->u.i = 1;
	value_of(&args, "bytes")->u.i = 0;
	expect_setup_error(&args, "bytes is 0: expected at least 1");
	value_of(&args, "bytes")->u.i = 100;
	value_of(&args, "message")->u.i = 0;
	expect_setup_error(&args, "message is 0 bytes: expected 1 to 1G");
	value_of(&args, "message")->u.i = 1LL << 31;
	expect_setup_error(&args, "message is 2147483648 bytes");
	value_of(&args, "message")->u.i = 10;
	value_of(&args, "round_trips")->u.i = -1;
	expect_setup_error(&args, "round_trips is -1");
	pb_arena_free(&arena);
}

/* The host refuses a zero size from the declared bounds. */
Test(pipe, declared_bounds_refuse_bad_values)
{
	const struct pb_plugin *p = pbt_plugin(PB_KIND_WORKLOAD, "pipe");
	struct pb_arena arena = {0};
	struct pb_err why = {{0}};
	struct pb_value v;

	for (size_t k = 0; k < p->nparams; k++) {
		const struct pb_param *q = &p->params[k];
		if (strcmp(q->name, "bytes") == 0 ||
		    strcmp(q->name, "message") == 0)
			cr_assert_eq(pb_value_parse(q, "0", &arena, &v, &why),
				     PB_ERROR, "%s=0 accepted", q->name);
		if (strcmp(q->name, "peer") == 0)
			cr_assert_eq(
			    pb_value_parse(q, "socket", &arena, &v, &why),
			    PB_ERROR);
	}
	pb_arena_free(&arena);
}
