/*
 * test_mpi.c — the mpi strategy on one machine, at 1, 2 and 4 ranks: the
 * same bits as serial for pi and primes under both schedules, results in
 * their slots, a crash or exit() in a rank named with the rank and the
 * task, hook errors passed on, the spawn metric, Open MPI's refusals
 * worded, where `affinity` and bind_to put the ranks, and nothing left
 * behind: no process, descriptor, mapping or folder, also after a cell
 * timeout. (That every strategy's workers, the ranks included, get the
 * CPU sets compact and scatter give them is in test_e2e_machine.c.)
 *
 * Skipped, saying why, when this build has no mpi strategy (no Open MPI
 * headers) and under the sanitizers: Open MPI's libraries and daemon are
 * not instrumented and trip them (leaks at start-up, threads TSan cannot
 * see). The other strategies' tests cover the shared code there.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "lib/topology.h"
#include "pbt_files.h"
#include "pbt_leftovers.h"
#include "pbtest.h"

/* Skips the test, saying why, unless the mpi strategy can run here. */
static void need_mpi(void)
{
	const char *why = pbt_mpi_skip_reason();

	if (why)
		cr_skip_test("%s", why);
}

/* Says it once, where scripts/run-tests.sh shows it, not only per test. */
ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	const char *why = pbt_mpi_skip_reason();

	(void)set;
	if (why)
		printf("[SKIP] test_mpi: %s\n", why);
}

static const char *const schedules[] = {"schedule=dynamic; chunk=1",
					"schedule=dynamic", "schedule=static"};
static const unsigned ranks[] = {1, 2, 4};

/*
 * Every test in a scratch folder that is also TMPDIR, so the strategy's
 * folder for Open MPI lands there (not in /dev/shm, where the tests
 * running beside this one look for leftovers of their own).
 */
static char scratch[4096];

static void enter_tmp(void)
{
	need_mpi();
	snprintf(scratch, sizeof(scratch), "%s", pbt_scratch_new());
	cr_assert_eq(chdir(scratch), 0);
	/* The strategy's folder for Open MPI goes here: we can look. */
	setenv("TMPDIR", scratch, 1);
}

static void leave_tmp(void)
{
	cr_assert_eq(chdir("/"), 0);
	pbt_scratch_remove();
}

/* Asserts that no folder of ours is left in the scratch folder. */
static void assert_no_mpi_folder(void)
{
	DIR *d = opendir(scratch);
	struct dirent *e;

	cr_assert_not_null(d);
	while ((e = readdir(d)))
		cr_assert(strncmp(e->d_name, "parabench-mpi-", 14) != 0,
			  "%s/%s was left behind", scratch, e->d_name);
	closedir(d);
}

/* pbt_run_clean, and no folder of Open MPI's left either. */
static void run_clean(const char *workload, const char *wparams,
		      const char *sparams, unsigned workers,
		      struct pb_measure *m)
{
	pbt_run_clean(workload, wparams, "mpi", sparams, workers, m);
	assert_no_mpi_folder();
}

TestSuite(mpi, .init = enter_tmp, .fini = leave_tmp, .timeout = 240);

Test(mpi, pi_identical_to_serial_at_1_2_4_ranks)
{
	struct pb_measure m;
	double want, got;

	pbt_run_clean("pi", "samples=3e5; tasks=37; seed=42", "serial", "", 1,
		      &m);
	want = pbt_metric("pi", &m, "estimate");
	for (size_t w = 0; w < PB_COUNT(ranks); w++)
		for (size_t s = 0; s < PB_COUNT(schedules); s++) {
			run_clean("pi", "samples=3e5; tasks=37; seed=42",
				  schedules[s], ranks[w], &m);
			cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
			got = pbt_metric("pi", &m, "estimate");
			cr_assert(memcmp(&got, &want, sizeof(got)) == 0,
				  "[%s] ranks=%u: %.17g != serial's %.17g",
				  schedules[s], ranks[w], got, want);
		}
}

Test(mpi, primes_identical_to_serial_at_1_2_4_ranks)
{
	static const char params[] =
	    "numbers=[20000, 35000]; tasks=9; method=sieve";
	struct pb_measure m;
	char want[PB_METRIC_TEXT_MAX];

	pbt_run_clean("primes", params, "serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	snprintf(want, sizeof(want), "%s",
		 pbt_metric_text("primes", &m, "sum"));
	cr_assert(want[0], "serial gave no sums");
	for (size_t w = 0; w < PB_COUNT(ranks); w++) {
		run_clean("primes", params, w % 2 ? "schedule=static" : "",
			  ranks[w], &m);
		cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
		cr_assert_str_eq(pbt_metric_text("primes", &m, "sum"), want,
				 "ranks=%u", ranks[w]);
	}
}

Test(mpi, every_result_lands_in_its_slot)
{
	struct pb_measure m;

	/* empty's verify checks every result's byte. */
	run_clean("empty", "tasks=5000", "chunk=3", 2, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	run_clean("empty", "tasks=5000", "schedule=static", 4, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	run_clean("empty", "tasks=3", "", 4, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "more ranks than tasks: %s",
		     m.message);
	run_clean("empty", "tasks=0", "", 2, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "no task: %s", m.message);
	cr_assert_eq(pbt_metric("empty", &m, "tasks"), 0.0);
}

/* The spawn metric: after the workload's metrics, in seconds, measured. */
Test(mpi, spawn_is_a_metric_of_its_own)
{
	const struct pb_plugin *w = pbt_plugin(PB_KIND_WORKLOAD, "empty");
	const struct pb_plugin *s = pbt_plugin(PB_KIND_STRATEGY, "mpi");
	struct pb_measure m;

	cr_assert_eq(s->nmetrics, 1);
	cr_assert_str_eq(s->metrics[0].name, "spawn");
	cr_assert_str_eq(s->metrics[0].unit, "s");
	run_clean("empty", "tasks=10", "", 2, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	cr_assert_eq(m.nmetrics, w->nmetrics + 1);
	double spawn = m.metrics[w->nmetrics].value;
	cr_assert(spawn > 0 && spawn <= m.wall_s, "spawn %g s of %g s", spawn,
		  m.wall_s);
}

Test(mpi, crash_names_rank_and_task)
{
	struct pb_measure m;

	for (unsigned w = 2; w <= 4; w += 2) {
		run_clean("crash", "tasks=8", "chunk=1", w, &m);
		pbt_assert_crashed(&m, "while running task 3", "(rank ");
		cr_assert(strstr(m.message, "mpi: worker "), "%s", m.message);
	}
	run_clean("crash", "tasks=8; crash_task=0", "schedule=static", 2, &m);
	/* Results of a static share travel in batches: a range is named. */
	pbt_assert_crashed(&m, "while running one of tasks 0..3", "rank 0,");
}

Test(mpi, exit_names_status_rank_and_task)
{
	struct pb_measure m;

	for (unsigned w = 2; w <= 4; w += 2) {
		run_clean("exits", "tasks=8", "chunk=1", w, &m);
		pbt_assert_crashed(
		    &m, "exited with status 3 while running task 3", "(rank ");
	}
	/* exit(0) in a task is no clean end either. */
	run_clean("exits", "tasks=8; exit_status=0", "chunk=1", 2, &m);
	pbt_assert_crashed(&m, "exited with status 0 while running task 3",
			   "before sending all its results");
}

Test(mpi, hook_errors_pass_their_message_on)
{
	struct pb_measure m;

	run_clean("failing", "", "", 2, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED, "%s", m.message);
	cr_assert(strstr(m.message, "task 5 failed on purpose"), "%s",
		  m.message);
	run_clean("failing", "tasks=40; fail_task=0", "schedule=static", 4, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED, "%s", m.message);
	cr_assert(strstr(m.message, "task 0 failed on purpose"), "%s",
		  m.message);
	run_clean("failing", "fail_task=-1; fail_worker=1", "", 2, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED, "%s", m.message);
	cr_assert(strstr(m.message, "rank 1 of 2 on ") &&
		      strstr(m.message, "worker_init of worker 1 failed"),
		  "%s", m.message);
}

Test(mpi, rejected_answer_is_wrong)
{
	struct pb_measure m;

	run_clean("wrong", "", "", 2, &m);
	cr_assert_eq(m.status, PB_STATUS_WRONG, "%s", m.message);
}

Test(mpi, bad_hostfile_is_a_failure_naming_it)
{
	struct pb_measure m;

	run_clean("empty", "tasks=4", "hostfile=/nonexistent/parabench-hosts",
		  2, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED, "%s", m.message);
	cr_assert(strstr(m.message, "hostfile /nonexistent/parabench-hosts"),
		  "%s", m.message);
}

Test(mpi, more_ranks_than_cores_need_oversubscribe)
{
	struct pb_measure m;
	unsigned w = (unsigned)sysconf(_SC_NPROCESSORS_ONLN) + 2;

	run_clean("empty", "tasks=4", "oversubscribe=false", w, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED, "%s", m.message);
	cr_assert(strstr(m.message, "oversubscribe: true allows that"), "%s",
		  m.message);
}

/* The CPU mask rank 0 reported in a `where` row's metric_cpus, or 0. */
static unsigned long long mask_of_rank0(const char *cpus)
{
	return strncmp(cpus, "w0=", 3) == 0 ? strtoull(cpus + 3, NULL, 16) : 0;
}

/*
 * Where a lone rank runs, by `affinity` and the strategy's bind_to: under
 * none it is free (Open MPI's default would bind it to a core); bind_to
 * core is Open MPI's binding, passed on; compact puts it on the PU the
 * topology gives worker 0; and the two bindings together are refused,
 * naming both.
 */
Test(mpi, affinity_and_bind_to_place_the_ranks)
{
	struct pbt_proc p;
	struct pb_csv t;
	struct pb_topology topo;
	struct pb_err err = {{0}};
	char plugins[4096];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (ncpu < 2)
		cr_skip_test("one CPU: bound and free look alike");
	cr_assert_eq(pb_topology_load(&topo, &err), PB_OK, "%s", err.msg);
	snprintf(plugins, sizeof(plugins), "%s/test-plugins", pbt_build());
	pbt_write("b.yaml", "name: b\nworkload: where\nparams: {tasks: 2}\n"
			    "strategies: [mpi]\nworkers: [1]\n"
			    "strategy_params: {bind_to: [none, core]}\n"
			    "affinity: [none, compact]\n"
			    "repetitions: 1\nwarmup: 0\n");
	pbt_parabench(&p, (const char *[]){"run", "b.yaml", "--out", "res",
					   "--quiet", "--no-report",
					   "--plugin-dir", plugins, NULL});
	cr_assert_eq(p.status, 1, "one cell fails: exit %d: %s", p.status,
		     p.err);
	cr_assert_eq(pb_csv_read("res/runs.csv", 0, &t, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(t.nrows, 4);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *bind_to = pb_csv_get(&t, r, "param_bind_to");
		const char *aff = pb_csv_get(&t, r, "param_affinity");
		const char *msg = pb_csv_get(&t, r, "message");
		unsigned long long got =
		    mask_of_rank0(pb_csv_get(&t, r, "metric_cpus"));
		int pu = pb_topology_pu_of(&topo, PB_AFFINITY_COMPACT, 0);

		if (strcmp(bind_to, "core") == 0 &&
		    strcmp(aff, "compact") == 0) {
			cr_assert_str_eq(pb_csv_get(&t, r, "status"), "failed");
			cr_assert(strstr(msg, "bind_to 'core' would bind them "
					      "too"),
				  "%s", msg);
			continue;
		}
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok", "%s %s: %s",
				 bind_to, aff, msg);
		if (strcmp(aff, "compact") == 0)
			cr_assert_eq(got, 1ull << pu, "compact: %llx", got);
		else if (strcmp(bind_to, "core") == 0)
			cr_assert_eq(__builtin_popcountll(got), 1,
				     "bind_to core: %llx", got);
		else
			cr_assert_eq(__builtin_popcountll(got), ncpu,
				     "none: %llx", got);
	}
	pb_csv_free(&t);
	pbt_proc_free(&p);
	pb_topology_free(&topo);
	assert_no_mpi_folder();
}

/*
 * The pids of the processes whose environment names our scratch folder:
 * Open MPI's daemon and the ranks inherit the strategy's TMPDIR-based
 * session folder.
 */
static size_t ours(pid_t *pids, size_t max)
{
	char needle[4200], path[64];
	size_t n = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;

	snprintf(needle, sizeof(needle), "OMPI_MCA_orte_tmpdir_base=%s/",
		 scratch);
	while (d && (e = readdir(d)) && n < max) {
		char env[65536];
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
		FILE *f = fopen(path, "re");
		size_t len = f ? fread(env, 1, sizeof(env) - 1, f) : 0;
		if (f)
			fclose(f);
		for (size_t at = 0; at < len; at += strlen(env + at) + 1)
			if (strncmp(env + at, needle, strlen(needle)) == 0) {
				pids[n++] = pid;
				break;
			}
	}
	if (d)
		closedir(d);
	return n;
}

/* Waits until every process of ours has ended (an event, not a sleep). */
static void wait_ours_gone(void)
{
	pid_t pids[64];
	size_t n = ours(pids, PB_COUNT(pids));

	for (size_t k = 0; k < n; k++) {
		int fd = (int)syscall(SYS_pidfd_open, pids[k], 0);
		struct pollfd p = {fd, POLLIN, 0};
		if (fd < 0)
			continue; /* gone already */
		/* The suite's timeout bounds this wait. */
		while (poll(&p, 1, -1) < 0)
			;
		close(fd);
	}
}

Test(mpi, cells_through_the_binary_leave_nothing)
{
	struct pbt_proc p;
	struct pb_csv t;
	struct pb_err err = {{0}};
	pid_t pids[4];

	pbt_write("m.yaml", "name: m\nworkload: pi\n"
			    "params: {samples: 1e5, tasks: 8}\n"
			    "strategies: [serial, mpi]\nworkers: [2, 4]\n"
			    "repetitions: 1\nwarmup: 0\n");
	pbt_parabench(&p, (const char *[]){"run", "m.yaml", "--out", "res",
					   "--quiet", "--no-report", NULL});
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	cr_assert_eq(pb_csv_read("res/runs.csv", 0, &t, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(t.nrows, 4);
	const char *estimate = pb_csv_get(&t, 0, "metric_estimate");
	for (size_t r = 0; r < t.nrows; r++) {
		bool mpi = strcmp(pb_csv_get(&t, r, "strategy"), "mpi") == 0;
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok", "%s",
				 pb_csv_get(&t, r, "message"));
		cr_assert_str_eq(pb_csv_get(&t, r, "metric_estimate"),
				 estimate);
		cr_assert_eq(pb_csv_get(&t, r, "metric_spawn")[0] != '\0', mpi,
			     "row %zu", r);
	}
	pb_csv_free(&t);
	pbt_proc_free(&p);
	/* Each execute ended its daemon and ranks before it returned. */
	cr_assert_eq(ours(pids, PB_COUNT(pids)), 0, "pid %d is left",
		     (int)pids[0]);
	assert_no_mpi_folder();
}

Test(mpi, a_timeout_leaves_no_rank_daemon_or_folder)
{
	struct pbt_proc p;
	struct pb_csv t;
	struct pb_err err = {{0}};
	char plugins[4096];
	pid_t pids[4];

	snprintf(plugins, sizeof(plugins), "%s/test-plugins", pbt_build());
	pbt_write("h.yaml", "name: h\nworkload: hang\n"
			    "params: {tasks: 4, hang_task: 1}\n"
			    "strategies: [mpi]\nworkers: [2]\n"
			    "repetitions: 1\nwarmup: 0\ntimeout: 3s\n");
	pbt_parabench(&p, (const char *[]){"run", "h.yaml", "--out", "res",
					   "--quiet", "--no-report",
					   "--plugin-dir", plugins, NULL});
	cr_assert_eq(p.status, 1, "exit %d: %s", p.status, p.err);
	cr_assert_eq(pb_csv_read("res/runs.csv", 0, &t, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_str_eq(pb_csv_get(&t, 0, "status"), "timeout");
	pb_csv_free(&t);
	pbt_proc_free(&p);
	/* Open MPI's daemon ends its job once the cell's process is gone. */
	wait_ours_gone();
	cr_assert_eq(ours(pids, PB_COUNT(pids)), 0);
	assert_no_mpi_folder();
}
