/*
 * test_e2e_plugins.c — plugin folders as a user meets them, through the
 * binary: one broken file hides no other plugin (`list` shows the rest and
 * warns, `run` refuses only an experiment that needs it), and an unknown
 * plugin's message says where parabench looked and how to add a folder.
 */
#include <criterion/criterion.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "pbt_files.h"
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

TestSuite(e2e_plugins, .init = enter_tmp, .fini = leave_tmp, .timeout = 60);

/* Links $PB_BUILD/<from>/<name>.so into the folder dir (made if needed). */
static void link_plugin(const char *dir, const char *from, const char *name)
{
	char src[4096], dst[4096];

	mkdir(dir, 0755);
	snprintf(src, sizeof(src), "%s/%s/%s.so", pbt_build(), from, name);
	snprintf(dst, sizeof(dst), "%s/%s.so", dir, name);
	cr_assert_eq(symlink(src, dst), 0, "%s", dst);
}

/* A folder with two good test plugins and two broken files. */
static void mixed_folder(void)
{
	link_plugin("mixed", "test-plugins", "v1_sum");
	link_plugin("mixed", "test-plugins", "v1_serial");
	link_plugin("mixed", "broken-plugins", "broken_future");
	link_plugin("mixed", "broken-plugins", "broken_metric_name");
}

Test(e2e_plugins, list_shows_the_rest_and_warns_of_each_broken_file)
{
	struct pbt_proc p;

	mixed_folder();
	pbt_parabench(&p,
		      (const char *[]){"list", "--plugin-dir", "mixed", NULL});
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	cr_assert(strstr(p.out, "v1_sum"), "%s", p.out);
	cr_assert(strstr(p.out, "v1_serial"), "%s", p.out);
	cr_assert(strstr(p.out, "pi "), "the default folder too: %s", p.out);
	cr_assert(strstr(p.err, "warning: not listed: mixed/broken_future.so"),
		  "%s", p.err);
	cr_assert(strstr(p.err, "mixed/broken_metric_name.so"), "%s", p.err);
	cr_assert_null(strstr(p.out, "broken_"), "%s", p.out);
	pbt_proc_free(&p);
}

Test(e2e_plugins, run_goes_on_when_the_broken_plugin_is_not_needed)
{
	struct pbt_proc p;
	struct pb_csv t;
	struct pb_err err = {{0}};

	mixed_folder();
	pbt_write("ok.yaml", "name: ok\nworkload: v1_sum\n"
			     "params: {tasks: 4, offset: 100}\n"
			     "strategies: [v1_serial, serial]\n"
			     "repetitions: 1\nwarmup: 0\n");
	pbt_parabench(&p, (const char *[]){"run", "ok.yaml", "--out", "res",
					   "--quiet", "--no-report",
					   "--plugin-dir", "mixed", NULL});
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, p.err);
	cr_assert_eq(pb_csv_read("res/runs.csv", 0, &t, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(t.nrows, 2);
	for (size_t r = 0; r < t.nrows; r++) {
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok");
		cr_assert_str_eq(pb_csv_get(&t, r, "metric_sum"), "110");
	}
	pb_csv_free(&t);
	pbt_proc_free(&p);
}

Test(e2e_plugins, an_experiment_that_needs_the_broken_plugin_says_why)
{
	struct pbt_proc p;

	mixed_folder();
	pbt_write("b.yaml", "name: b\nworkload: v1_sum\n"
			    "strategies: [serial, broken_future]\n");
	pbt_parabench(&p, (const char *[]){"validate", "b.yaml", "--plugin-dir",
					   "mixed", NULL});
	cr_assert_eq(p.status, 2, "exit %d: %s", p.status, p.err);
	cr_assert(strstr(p.err, "b.yaml:3:"), "%s", p.err);
	cr_assert(strstr(p.err, "unknown strategy 'broken_future'"), "%s",
		  p.err);
	cr_assert(strstr(p.err, "it did not load: mixed/broken_future.so"),
		  "%s", p.err);
	cr_assert(strstr(p.err, "was built for ABI version"), "%s", p.err);
	pbt_proc_free(&p);
}

Test(e2e_plugins, an_unknown_plugin_names_the_folders_searched)
{
	struct pbt_proc p;

	mixed_folder();
	pbt_write("u.yaml", "name: u\nworkload: matmul\n"
			    "strategies: [serial]\n");
	pbt_parabench(&p, (const char *[]){"validate", "u.yaml", "--plugin-dir",
					   "mixed", NULL});
	cr_assert_eq(p.status, 2, "exit %d: %s", p.status, p.err);
	cr_assert(strstr(p.err, "unknown workload 'matmul'"), "%s", p.err);
	cr_assert(strstr(p.err, "searched: "), "%s", p.err);
	cr_assert(strstr(p.err, "/plugins, mixed"), "%s", p.err);
	cr_assert(strstr(p.err, "--plugin-dir DIR or PARABENCH_PLUGIN_PATH"),
		  "%s", p.err);
	pbt_proc_free(&p);
}
