/*
 * test_python.c — the python workload in this process: the same result
 * under every strategy and worker count, results stored exactly, an
 * exception as a failed row naming script:line, SystemExit and os._exit in
 * a forked worker as a crash, the GIL handed between worker threads and
 * a new interpreter state in forked children, C extension modules, a fresh
 * namespace per setup, and check refusing a missing script, function or
 * bad args before anything runs.
 *
 * The scripts live in a scratch folder and are named by absolute path,
 * except where a test sets the host's dir. Cells that must end the process
 * (SystemExit under serial) are in test_e2e_python.c.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pbt_direct.h"
#include "pbt_files.h"
#include "pbtest.h"

static const char fixture[] =
    "import os, sys, threading\n"
    "LOAD_PID = os.getpid()\n"
    "AFTER_FORK = []\n"
    "os.register_at_fork(after_in_child=lambda: AFTER_FORK.append(1))\n"
    "calls = 0\n"
    "\n"
    "def task(task, ntasks, k=1):\n"
    "    return (task * task + 7) * k\n"
    "\n"
    "def huge(task, ntasks):\n"
    "    return 2**70\n"
    "\n"
    "def int64_max(task, ntasks):\n"
    "    return 2**63 - 1\n"
    "\n"
    "def half(task, ntasks):\n"
    "    return task / 2\n"
    "\n"
    "def text(task, ntasks):\n"
    "    return 'three'\n"
    "\n"
    "def divide(a, b):\n"
    "    return a // b  # BOOM\n"
    "\n"
    "def boom(task, ntasks):\n"
    "    if task == 3:\n"
    "        return divide(1, 0)  # CALL\n"
    "    return task\n"
    "\n"
    "def counted(task, ntasks):\n"
    "    global calls\n"
    "    calls += 1\n"
    "    return calls\n"
    "\n"
    "def forked(task, ntasks):\n"
    "    return 1 if AFTER_FORK and os.getpid() != LOAD_PID else 0\n"
    "\n"
    "barrier = threading.Barrier(2)\n"
    "def meet(task, ntasks):\n"
    "    barrier.wait(timeout=60)\n"
    "    return 1\n"
    "\n"
    "def extension(task, ntasks):\n"
    "    import decimal, json, ctypes\n"
    "    return int(decimal.Decimal(task) * 3) + len(json.dumps([1]))\n"
    "\n"
    "def own_executable(task, ntasks):\n"
    "    exe = os.path.join(sys.base_prefix, 'bin',\n"
    "                       'python%d.%d' % sys.version_info[:2])\n"
    "    return int(sys.executable == exe and os.access(exe, os.X_OK))\n"
    "\n"
    "def leave(task, ntasks):\n"
    "    raise SystemExit(3)\n"
    "\n"
    "def vanish(task, ntasks):\n"
    "    os._exit(4)\n"
    "\n"
    "def product(results):\n"
    "    p = 1\n"
    "    for r in results:\n"
    "        p *= r\n"
    "    return p\n"
    "\n"
    "def always_wrong(result, ntasks, **kw):\n"
    "    return 'a result of 42, not %s' % result\n"
    "\n"
    "def right(result, ntasks, k=1):\n"
    "    return result == k * sum(i * i + 7 for i in range(ntasks))\n";

static char script[PATH_MAX];

static void make_fixture(void)
{
	const char *dir = pbt_scratch_new();
	snprintf(script, sizeof(script), "%s/fixture.py", dir);
	pbt_write(script, fixture);
}

TestSuite(python, .init = make_fixture, .fini = pbt_scratch_remove,
	  .timeout = 120);

/* The 1-based line of the fixture that holds marker. */
static unsigned line_of(const char *marker)
{
	const char *at = strstr(fixture, marker);
	unsigned line = 1;

	cr_assert_not_null(at, "%s", marker);
	for (const char *p = fixture; p < at; p++)
		line += *p == '\n';
	return line;
}

/* The workload's parameters for function of the fixture, and more. */
static const char *params(const char *function, const char *more)
{
	static char buf[PATH_MAX + 512];
	snprintf(buf, sizeof(buf), "script=%s; function=%s%s%s", script,
		 function, more[0] ? "; " : "", more);
	return buf;
}

static double run_result(const char *function, const char *more,
			 const char *strategy, unsigned workers)
{
	struct pb_measure m;

	pbt_run_ok("python", params(function, more), strategy, "", workers, &m);
	cr_assert_gt(pbt_metric("python", &m, "tasks_per_s"), 0);
	return pbt_metric("python", &m, "result");
}

Test(python, same_result_under_every_strategy_and_worker_count)
{
	const struct {
		const char *strategy;
		unsigned workers;
	} runs[] = {{"serial", 1},   {"pthreads", 1}, {"pthreads", 2},
		    {"pthreads", 4}, {"fork", 2},     {"fork", 3},
		    {"shm", 2}};
	double want = 0;

	for (int i = 0; i < 37; i++)
		want += 3.0 * (i * i + 7);
	for (size_t k = 0; k < PB_COUNT(runs); k++) {
		if (!pbt_have_strategy(runs[k].strategy))
			continue;
		double got = run_result("task", "tasks=37; args=[k=3]",
					runs[k].strategy, runs[k].workers);
		cr_assert_eq(got, want, "%s x%u: %.17g, expected %.17g",
			     runs[k].strategy, runs[k].workers, got, want);
	}
}

Test(python, results_are_stored_exactly)
{
	struct pb_measure m;

	cr_assert_eq(run_result("half", "tasks=4", "serial", 1), 3.0);
	/* Beyond int64: each a double, summed as floats. */
	cr_assert_eq(run_result("huge", "tasks=4", "pthreads", 2),
		     4 * 1180591620717411303424.0);
	/* An int64 beyond 2^53 reaches the metric as its exact digits. */
	pbt_run_ok("python", params("int64_max", "tasks=1"), "serial", "", 1,
		   &m);
	cr_assert_str_eq(pbt_metric_text("python", &m, "result"),
			 "9223372036854775807");
	/* The default sum adds ints as Python ints: no overflow. */
	pbt_run_ok("python", params("int64_max", "tasks=2"), "fork", "", 2, &m);
	cr_assert_str_eq(pbt_metric_text("python", &m, "result"),
			 "18446744073709551614");
}

Test(python, a_result_that_is_no_number_fails)
{
	struct pb_measure m;

	pbt_run("python", params("text", "tasks=2"), "serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED, "%s", m.message);
	cr_assert(strstr(m.message, "task 0: the function returned str; "
				    "expected an int or a float"),
		  "%s", m.message);
}

Test(python, an_exception_fails_the_row_naming_script_and_line)
{
	const char *strategies[] = {"serial", "pthreads", "fork", "shm"};
	char call[64], raised[64];

	snprintf(call, sizeof(call), "fixture.py:%u, in boom",
		 line_of("# CALL"));
	snprintf(raised, sizeof(raised), "fixture.py:%u, in divide",
		 line_of("# BOOM"));
	for (size_t k = 0; k < PB_COUNT(strategies); k++) {
		struct pb_measure m;
		if (!pbt_have_strategy(strategies[k]))
			continue;
		pbt_run("python", params("boom", "tasks=6"), strategies[k], "",
			2, &m);
		cr_assert_eq(m.status, PB_STATUS_FAILED, "%s: %s",
			     strategies[k], m.message);
		cr_assert(strstr(m.message, "task 3: ZeroDivisionError: "
					    "integer division or modulo by "
					    "zero"),
			  "%s", m.message);
		/* The innermost line of the script, the function named. */
		cr_assert(strstr(m.message, raised), "%s\nexpected: %s",
			  m.message, raised);
		cr_assert(!strstr(m.message, call), "%s", m.message);
	}
}

Test(python, reduce_and_verify_are_the_scripts)
{
	struct pb_measure m;

	/* 7 * 8 * 11 */
	cr_assert_eq(run_result("task", "tasks=3; reduce=product", "serial", 1),
		     616);
	cr_assert_eq(
	    run_result("task", "tasks=5; args=[k=2]; verify=right", "fork", 2),
	    2 * (7 + 8 + 11 + 16 + 23));
	pbt_run("python", params("task", "tasks=3; verify=always_wrong"),
		"pthreads", "", 2, &m);
	cr_assert_eq(m.status, PB_STATUS_WRONG, "%s", m.message);
	cr_assert(strstr(m.message, "a result of 42, not 26"), "%s", m.message);
}

Test(python, forked_workers_run_python_after_fork)
{
	/* Python's at-fork hooks ran in each child: PyOS_AfterFork_Child. */
	cr_assert_eq(run_result("forked", "tasks=6", "serial", 1), 0);
	cr_assert_eq(run_result("forked", "tasks=6", "pthreads", 2), 0);
	if (pbt_have_strategy("fork"))
		cr_assert_eq(run_result("forked", "tasks=6", "fork", 2), 6);
	if (pbt_have_strategy("shm"))
		cr_assert_eq(run_result("forked", "tasks=6", "shm", 3), 6);
}

/*
 * Two tasks meet at a barrier: only possible when two worker threads run
 * Python in turns, each handing the GIL over while it waits.
 */
Test(python, worker_threads_hand_the_gil_over)
{
	cr_assert_eq(run_result("meet", "tasks=2", "pthreads", 2), 2);
	cr_assert_eq(run_result("meet", "tasks=4", "pthreads", 2), 4);
}

Test(python, c_extension_modules_import)
{
	/* _decimal, _json and _ctypes are shared objects of their own. */
	cr_assert_eq(run_result("extension", "tasks=3", "pthreads", 2),
		     (0 + 3 + 6) + 3 * 3);
}

/* A script that starts sys.executable starts the embedded library's
 * Python, not whatever python3 comes first on PATH. */
Test(python, sys_executable_is_the_embedded_python)
{
	cr_assert_eq(run_result("own_executable", "tasks=1", "serial", 1), 1);
}

Test(python, system_exit_or_os_exit_in_a_forked_worker_is_a_crash)
{
	struct pb_measure m;

	if (pbt_have_strategy("fork")) {
		pbt_run("python", params("leave", "tasks=2"), "fork", "", 2,
			&m);
		pbt_assert_crashed(&m, "exited with status 3", "worker");
	}
	if (pbt_have_strategy("shm")) {
		pbt_run("python", params("vanish", "tasks=2"), "shm", "", 2,
			&m);
		pbt_assert_crashed(&m, "exited with status 4", "worker");
	}
}

Test(python, every_setup_runs_the_script_afresh)
{
	struct pbt_direct d;

	for (int k = 0; k < 2; k++) {
		pbt_direct_run_all(&d, "python", params("counted", "tasks=3"));
		cr_assert_eq(d.m[0].value, 1 + 2 + 3, "setup %d", k + 1);
		pbt_direct_teardown(&d);
	}
}

Test(python, bad_args_are_refused_by_setup)
{
	struct pbt_direct d;

	pbt_direct_init(&d, "python", params("task", "args=[k=3, k=4]"));
	pbt_direct_expect_setup_error(&d, "args gives 'k' twice");
	pbt_direct_teardown(&d);
	pbt_direct_init(&d, "python", params("task", "args=[k]"));
	pbt_direct_expect_setup_error(&d, "is not key=value");
	pbt_direct_teardown(&d);
	pbt_direct_init(&d, "python", params("task", "args=[k=open(1)]"));
	pbt_direct_expect_setup_error(&d, "is not a Python literal");
	pbt_direct_teardown(&d);
}

/* Calls check on params with host dir dir; returns its code. */
static int check(const char *p, const char *dir, const char **param,
		 struct pb_err *err)
{
	struct pbt_direct d;

	pbt_direct_init(&d, "python", p);
	d.host.dir = dir;
	cr_assert_not_null(d.h->check);
	memset(err, 0, sizeof(*err));
	*param = NULL;
	int rc = d.h->check(&d.args, &d.host, param, err);
	pbt_direct_teardown(&d);
	return rc;
}

static void expect_refused(const char *p, const char *dir, const char *param,
			   const char *want)
{
	struct pb_err err;
	const char *at;

	cr_assert_eq(check(p, dir, &at, &err), PB_ERROR, "%s", p);
	cr_assert_str_eq(at ? at : "(null)", param, "%s: %s", p, err.msg);
	cr_assert(strstr(err.msg, want), "%s\nexpected: %s", err.msg, want);
}

Test(python, check_refuses_what_cannot_run)
{
	char p[PATH_MAX + 64], dir[PATH_MAX];
	struct pb_err err;
	const char *at;

	snprintf(dir, sizeof(dir), "%s", script);
	*strrchr(dir, '/') = '\0';
	cr_assert_eq(check(params("task", ""), NULL, &at, &err), PB_OK, "%s",
		     err.msg);
	expect_refused(params("tsak", ""), NULL, "function",
		       "fixture.py defines no function 'tsak'; did you mean "
		       "'task'?");
	expect_refused(params("task", "reduce=prod"), NULL, "reduce",
		       "no reduce function 'prod'");
	expect_refused(params("task", "verify=LOAD_PID"), NULL, "verify",
		       "verify function 'LOAD_PID' in");
	expect_refused(params("task", "args=[k=]"), NULL, "args",
		       "is not a Python literal");
	expect_refused("script=missing.py", dir, "script",
		       "missing.py not "
		       "found");
	/* Relative to the host's dir, not to the current folder. */
	cr_assert_eq(chdir("/"), 0);
	cr_assert_eq(check("script=fixture.py", dir, &at, &err), PB_OK, "%s",
		     err.msg);
	expect_refused("script=fixture.py", NULL, "script", "not found");

	snprintf(p, sizeof(p), "%s/broken.py", dir);
	pbt_write(p, "def task(t, n):\n    return (\n");
	expect_refused("script=broken.py", dir, "script",
		       "broken.py does not compile: SyntaxError:");
	expect_refused("script=broken.py", dir, "script", "(broken.py:2:");
	pbt_write(p, "import no_such_module_here\n");
	expect_refused("script=broken.py", dir, "script",
		       "ModuleNotFoundError: No module named "
		       "'no_such_module_here' (broken.py:1, in <module>)");
	pbt_write(p, "import os\nos._exit(0)\n");
	expect_refused("script=broken.py", dir, "script",
		       "ended the process checking it");
	pbt_assert_no_child("check");
}

Test(python, setup_reads_a_relative_script_from_the_hosts_dir)
{
	struct pbt_direct d;
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", script);
	*strrchr(dir, '/') = '\0';
	cr_assert_eq(chdir("/"), 0);
	pbt_direct_init(&d, "python", "script=fixture.py; tasks=2");
	d.host.dir = dir;
	cr_assert_eq(pbt_direct_setup(&d), PB_OK, "%s", d.err.msg);
	cr_assert_eq(pbt_direct_run(&d), PB_OK, "%s", d.err.msg);
	cr_assert_eq(d.m[0].value, 7 + 8);
	pbt_direct_teardown(&d);
}
