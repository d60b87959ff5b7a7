/*
 * test_e2e_charts.c — the real parabench binary on what people read and
 * share: the charts and report of a run, with hostile names in the
 * experiment file.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pbt_files.h"
#include "pbt_gnuplot.h"
#include "pbtest.h"

static void enter_tmp(void)
{
	cr_assert_eq(chdir(pbt_scratch_new()), 0);
}

static void leave_tmp(void)
{
	cr_assert_eq(chdir("/"), 0);
	pbt_scratch_remove();
}

TestSuite(e2e_charts, .init = enter_tmp, .fini = leave_tmp, .timeout = 60);

static const char *test_plugins(void)
{
	static char dir[4096];

	snprintf(dir, sizeof(dir), "%s/test-plugins", pbt_build());
	return dir;
}

/* Runs gnuplot on every .gp of folder charts, there, as a user would. */
static void rerender_all(const char *charts)
{
	DIR *d = opendir(charts);
	struct dirent *e;

	cr_assert(d);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 3, ".gp"))
			continue;
		pid_t pid = fork();
		cr_assert(pid >= 0);
		if (pid == 0) {
			if (chdir(charts) != 0 ||
			    !freopen("/dev/null", "w", stdout) ||
			    !freopen("/dev/null", "w", stderr))
				_exit(126);
			execlp("gnuplot", "gnuplot", e->d_name, (char *)NULL);
			_exit(127);
		}
		int status;
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			  "gnuplot %s failed", e->d_name);
	}
	closedir(d);
}

/* Issue 13.1: a strategy parameter that ends a gnuplot comment. */
static const char hostile_yaml[] =
    "name: tags\n"
    "description: \"d'\\nsystem 'touch X' #`touch X`\"\n"
    "workload: pi\n"
    "params: { samples: 1e4, tasks: 2 }\n"
    "strategies: [serial, tagged]\n"
    "strategy_params: { tag: [\"a\", \"b\\nsystem 'touch X' #\"] }\n"
    "workers: [1, 2]\n"
    "repetitions: 2\n"
    "warmup: 0\n";

Test(e2e_charts, hostile_strategy_parameter_runs_nothing)
{
	static const char *const bad[] = {"system", "touch", NULL};
	struct pbt_proc p;

	if (access("/usr/bin/gnuplot", X_OK) != 0)
		cr_skip_test("gnuplot is not installed");
	pbt_write("t.yaml", hostile_yaml);
	pbt_parabench(&p, (const char *[]){"run", "t.yaml", "--out", "res",
					   "--quiet", "--plugin-dir",
					   test_plugins(), NULL});
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	pbt_proc_free(&p);
	cr_assert(pbt_file_has("res/charts/speedup-tags-1.gp",
			       "'tagged (tag=b system ''touch X'' #)"));
	pbt_assert_gp_inert("res/charts", bad);
	cr_assert_neq(access("X", F_OK), 0, "the name ran a command");
	cr_assert_neq(access("res/charts/X", F_OK), 0, "it ran in charts/");
	/* Re-rendering the saved scripts, and plotting again, as safe. */
	rerender_all("res/charts");
	pbt_parabench(&p, (const char *[]){"plot", "res", NULL});
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	pbt_proc_free(&p);
	cr_assert_neq(access("X", F_OK), 0);
	cr_assert_neq(access("res/charts/X", F_OK), 0);
}
