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
#include <unistd.h>

#include "pbt_direct.h"
#include "pbtest.h"
#include "plugin/value.h"

/* Mirrors struct pipe_result of the plugin. */
struct result {
	uint64_t amount, sum_a, sum_b;
};

Test(pipe, stream_with_process_and_thread_peers)
{
	const char *peers[] = {"peer=process", "peer=thread"};
	char params[128];
	struct pb_measure m;

	for (size_t k = 0; k < 2; k++) {
		snprintf(params, sizeof(params),
			 "tasks=2; bytes=1M; message=64k; %s", peers[k]);
		pbt_run_ok("pipe", params, "serial", "", 1, &m);
		cr_assert_eq(pbt_metric("pipe", &m, "bytes"), 2097152.0);
		double rate = pbt_metric("pipe", &m, "gb_per_s");
		cr_assert(rate > 0 && rate < 1e4, "rate %g", rate);
		/* A per-second metric: the host divides by its own span. */
		cr_assert_float_eq(rate, 2097152.0 / 1e9 / m.wall_s,
				   1e-9 * rate);
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
		pbt_run_ok("pipe", params, "serial", "", 1, &m);
		cr_assert_eq(pbt_metric("pipe", &m, "round_trips"), 600.0);
		double us = pbt_metric("pipe", &m, "us_per_round_trip");
		cr_assert(us > 0 && us < 1e6, "%g us", us);
		/* Seconds each: the host's span over the round trips. */
		cr_assert_float_eq(us, m.wall_s / 600 * 1e6, 1e-9 * us);
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
		pbt_run_ok("pipe", cases[k], "serial", "", 1, &m);
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
		if (!pbt_have_strategy(strategies[s]))
			continue;
		for (size_t c = 0; c < PB_COUNT(cases); c++)
			for (unsigned w = 1; w <= 3; w += 2) {
				pbt_run_ok("pipe", cases[c], strategies[s], "",
					   w, &m);
				double n =
				    c < 2
					? pbt_metric("pipe", &m, "bytes")
					: pbt_metric("pipe", &m, "round_trips");
				cr_assert_eq(n, c < 2 ? 5 * 307200.0 : 500.0);
			}
	}
	pbt_assert_no_child("pipe");
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
		pbt_run_ok("pipe", cases[c], "serial", "", 1, &m);
		pbt_run_ok("pipe", cases[c], "pthreads", "", 4, &m);
	}
	cr_assert_eq(pbt_count_fds(), before);
	pbt_assert_no_child("pipe");
}

static void corrupt_and_check(const char *params, const char *unit)
{
	struct pbt_direct d;
	struct result t;
	char want[64];

	pbt_direct_run_all(&d, "pipe", params);
	struct result *r = d.results;
	cr_assert_eq(pbt_direct_verify(&d), PB_OK, "%s", d.err.msg);
	r[1].sum_b ^= 4;
	pbt_direct_expect_wrong(&d, "task 1: the checksum of what arrived");
	r[1].sum_b ^= 4;
	r[2].amount--;
	snprintf(want, sizeof(want), "task 2 got %llu %s",
		 (unsigned long long)r[2].amount, unit);
	pbt_direct_expect_wrong(&d, want);
	r[2].amount++;
	t = r[0];
	r[0] = r[2];
	r[2] = t;
	pbt_direct_expect_wrong(&d, "task 0: the checksum");
	pbt_direct_teardown(&d);
}

Test(pipe, verify_catches_corrupted_results)
{
	corrupt_and_check("tasks=3; bytes=100001; message=1000", "bytes");
	corrupt_and_check("tasks=3; mode=pingpong; round_trips=64",
			  "round trips");
}

/* ---- A peer killed mid-transfer --------------------------------------- */

/* Task 0 of the workload set up in d, to run in a thread of its own. */
struct task_call {
	struct pbt_direct d;
	int rc;
};

static void *call_task(void *arg)
{
	struct task_call *c = arg;
	c->rc = c->d.h->run_task(c->d.state, NULL, 0, c->d.results, &c->d.err);
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
	struct task_call c;
	pthread_t t;

	pbt_direct_init(&c.d, "pipe", params);
	int before = pbt_count_fds();
	cr_assert_eq(pbt_direct_setup(&c.d), PB_OK, "%s", c.d.err.msg);
	cr_assert_eq(pthread_create(&t, NULL, call_task, &c), 0);
	cr_assert_eq(kill(find_child(), SIGKILL), 0);
	pthread_join(t, NULL);
	cr_assert_eq(c.rc, PB_ERROR, "the task ignored its peer's death");
	cr_assert(strstr(c.d.err.msg, "was killed by signal 9"), "%s",
		  c.d.err.msg);
	cr_assert(strstr(c.d.err.msg, want), "'%s' lacks '%s'", c.d.err.msg,
		  want);
	pbt_direct_teardown(&c.d);
	cr_assert_eq(pbt_count_fds(), before);
	pbt_assert_no_child(params);
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
	struct pbt_direct d;

	pbt_direct_start(&d, "pipe", params);
	cr_assert_eq(d.h->run_task(d.state, NULL, 0, d.results, &d.err),
		     PB_ERROR);
	cr_assert(strstr(d.err.msg, want), "'%s' lacks '%s'", d.err.msg, want);
	pbt_direct_teardown(&d);
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
	pbt_assert_no_child("pipe");
}

/* ---- Parameters ------------------------------------------------------- */

Test(pipe, parameter_errors)
{
	struct pbt_direct d;

	pbt_direct_init(&d, "pipe", "");
	pbt_value(&d.args, "tasks")->u.i = 0;
	pbt_direct_expect_setup_error(&d, "tasks is 0: expected at least 1");
	pbt_value(&d.args, "tasks")->u.i = 1;
	pbt_value(&d.args, "bytes")->u.i = 0;
	pbt_direct_expect_setup_error(&d, "bytes is 0: expected at least 1");
	pbt_value(&d.args, "bytes")->u.i = 100;
	pbt_value(&d.args, "message")->u.i = 0;
	pbt_direct_expect_setup_error(&d,
				      "message is 0 bytes: expected 1 to 1G");
	pbt_value(&d.args, "message")->u.i = 1LL << 31;
	pbt_direct_expect_setup_error(&d, "message is 2147483648 bytes");
	pbt_value(&d.args, "message")->u.i = 10;
	pbt_value(&d.args, "round_trips")->u.i = -1;
	pbt_direct_expect_setup_error(&d, "round_trips is -1");
	pbt_direct_teardown(&d);
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
