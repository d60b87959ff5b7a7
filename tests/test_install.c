/*
 * test_install.c — parabench as a stranger gets it: `make install` into a
 * temporary prefix, then, with only that prefix (pkg-config and the
 * installed header), scaffold a workload with `parabench new`, build it
 * out of the tree, run an experiment with the installed binary and check
 * its rows; build and run the installed example; uninstall. Also: the
 * header's example compiles as written, and the man pages render cleanly.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "pbt_files.h"
#include "pbtest.h"

static char root[4096];

static void enter_tmp(void)
{
	snprintf(root, sizeof(root), "%s", pbt_scratch_new());
	cr_assert_eq(chdir(root), 0);
}

static void leave_tmp(void)
{
	cr_assert_eq(chdir("/"), 0);
	pbt_scratch_remove();
}

TestSuite(install, .init = enter_tmp, .fini = leave_tmp, .timeout = 300);

/*
 * Runs argv in cwd with PKG_CONFIG_PATH set to the prefix's and nothing
 * inherited from a calling make or from PARABENCH_PLUGIN_PATH; its output
 * goes to cmd.log. Returns the exit status.
 */
static int run_in(const char *cwd, const char *const *argv)
{
	char pc[4200];
	int status;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		FILE *log = freopen("cmd.log", "w", stdout);
		if (!log || dup2(1, 2) < 0 || chdir(cwd))
			_exit(126);
		snprintf(pc, sizeof(pc), "%s/prefix/lib/pkgconfig", root);
		setenv("PKG_CONFIG_PATH", pc, 1);
		unsetenv("PARABENCH_PLUGIN_PATH");
		unsetenv("MAKEFLAGS");
		unsetenv("MFLAGS");
		unsetenv("MAKELEVEL");
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The log of the last run_in (in cwd), for messages. */
static char *log_of(const char *cwd)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/cmd.log", cwd);
	return pbt_read(path);
}

static void must_run(const char *cwd, const char *const *argv)
{
	int st = run_in(cwd, argv);
	cr_assert_eq(st, 0, "%s exited %d: %s", argv[0], st, log_of(cwd));
}

static void install_prefix(void)
{
	char prefix[4200], build[4200];

	snprintf(prefix, sizeof(prefix), "PREFIX=%s/prefix", root);
	snprintf(build, sizeof(build), "BUILD=%s", pbt_build());
	must_run(PB_SOURCE_DIR, (const char *[]){"make", "-s", "install",
						 prefix, build, NULL});
}

static bool exists(const char *rel)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/prefix/%s", root, rel);
	return access(path, F_OK) == 0;
}

/* Every row of dir/runs.csv is ok; returns the number of rows. */
static size_t ok_rows(const char *path, const char *metric, const char *want)
{
	struct pb_csv t;
	struct pb_err err = {{0}};

	cr_assert_eq(pb_csv_read(path, 0, &t, &err), PB_OK, "%s", err.msg);
	for (size_t r = 0; r < t.nrows; r++) {
		cr_assert_str_eq(pb_csv_get(&t, r, "status"), "ok", "row %zu",
				 r);
		if (want)
			cr_assert_str_eq(pb_csv_get(&t, r, metric), want,
					 "row %zu", r);
	}
	size_t n = t.nrows;
	pb_csv_free(&t);
	return n;
}

Test(install, a_stranger_builds_and_runs_a_plugin_from_the_prefix)
{
	char bin[4200], plugindir[4200], want[4200];

	install_prefix();
	const char *files[] = {
	    "bin/parabench",
	    "lib/parabench/plugins/pi.so",
	    "lib/parabench/plugins/serial.so",
	    "include/parabench/plugin.h",
	    "lib/pkgconfig/parabench.pc",
	    "share/man/man1/parabench.1",
	    "share/man/man5/parabench-experiment.5",
	    "share/doc/parabench/writing-plugins.md",
	    "share/parabench/examples/hashsum/hashsum.c",
	    "share/parabench/examples/hashsum/Makefile",
	    "share/parabench/experiments/pi.yaml",
	    "share/parabench/templates/workload.c",
	    "share/parabench/plots",
	};
	for (size_t k = 0; k < PB_COUNT(files); k++)
		cr_assert(exists(files[k]), "%s was not installed", files[k]);

	/* pkg-config names the plugin folder the binary loads. */
	cr_assert_eq(
	    run_in(root, (const char *[]){"pkg-config", "--variable=plugindir",
					  "parabench", NULL}),
	    0, "%s", log_of(root));
	snprintf(want, sizeof(want), "%s/prefix/lib/parabench/plugins\n", root);
	char *got = log_of(root);
	cr_assert_str_eq(got, want);
	free(got);

	/* Scaffold, build out of the tree, run with the installed binary. */
	snprintf(bin, sizeof(bin), "%s/prefix/bin/parabench", root);
	must_run(root,
		 (const char *[]){bin, "new", "workload", "mywork", NULL});
	snprintf(plugindir, sizeof(plugindir), "%s/mywork", root);
	must_run(plugindir, (const char *[]){"make", NULL});
	must_run(plugindir,
		 (const char *[]){bin, "run", "mywork.yaml", "--plugin-dir",
				  ".", "--out", "res", "--quiet", "--no-report",
				  "--repetitions", "1", NULL});
	/* n: [1e6, 1e7] x serial, pthreads, fork x 1, 2 workers. */
	cr_assert_eq(ok_rows("mywork/res/runs.csv", NULL, NULL), 12);

	/* The installed example, built and run the same way. */
	must_run(root, (const char *[]){"cp", "-r",
					"prefix/share/parabench/examples/"
					"hashsum",
					"hashsum", NULL});
	snprintf(plugindir, sizeof(plugindir), "%s/hashsum", root);
	must_run(plugindir, (const char *[]){"make", NULL});
	must_run(plugindir,
		 (const char *[]){bin, "run", "hashsum.yaml", "--plugin-dir",
				  ".", "--out", "res", "--quiet", "--no-report",
				  "--repetitions", "1", NULL});
	cr_assert_eq(ok_rows("hashsum/res/runs.csv", NULL, NULL), 6);

	/* The installed binary finds its plugins with no variable set. */
	must_run(root, (const char *[]){bin, "list", NULL});
	char *out = log_of(root);
	cr_assert(strstr(out, "  pi ") && strstr(out, "  fork "), "%s", out);
	free(out);

	/* uninstall takes everything away again. */
	char prefix[4200], build[4200];
	snprintf(prefix, sizeof(prefix), "PREFIX=%s/prefix", root);
	snprintf(build, sizeof(build), "BUILD=%s", pbt_build());
	must_run(PB_SOURCE_DIR, (const char *[]){"make", "-s", "uninstall",
						 prefix, build, NULL});
	for (size_t k = 0; k < PB_COUNT(files); k++)
		cr_assert(!exists(files[k]), "%s is still there", files[k]);
}

/* parabench new checks the name and never writes over anything. */
Test(install, new_refuses_bad_and_taken_names)
{
	struct pbt_proc p;

	pbt_parabench(&p, (const char *[]){"new", "workload", "9lives", NULL});
	cr_assert_eq(p.status, 2);
	cr_assert(strstr(p.err, "starts with a digit"), "%s", p.err);
	pbt_proc_free(&p);
	pbt_parabench(&p, (const char *[]){"new", "strategy", "My-Way", NULL});
	cr_assert_eq(p.status, 2);
	cr_assert(strstr(p.err, "expected a C identifier"), "%s", p.err);
	pbt_proc_free(&p);
	pbt_parabench(&p, (const char *[]){"new", "workload", "pi", NULL});
	cr_assert_eq(p.status, 2);
	cr_assert(strstr(p.err, "'pi' is taken") && strstr(p.err, "pi.so"),
		  "%s", p.err);
	pbt_proc_free(&p);
	pbt_parabench(&p, (const char *[]){"new", "gadget", "x", NULL});
	cr_assert_eq(p.status, 2);
	pbt_proc_free(&p);
	mkdir("mine", 0755);
	pbt_parabench(&p, (const char *[]){"new", "strategy", "mine", NULL});
	cr_assert_eq(p.status, 2);
	cr_assert(strstr(p.err, "mine: cannot make the folder"), "%s", p.err);
	pbt_proc_free(&p);
	/* In the build tree it works too; the strategy builds as it is. */
	pbt_parabench(&p, (const char *[]){"new", "strategy", "blocks", NULL});
	cr_assert_eq(p.status, 0, "%s", p.err);
	cr_assert(pbt_file_has("blocks/blocks.c", "\"blocks\""));
	cr_assert(pbt_file_has("blocks/blocks.yaml", "[serial, pthreads, "
						     "blocks]"));
	cr_assert(pbt_file_has("blocks/Makefile", "pkg-config"));
	pbt_proc_free(&p);
	char inc[4200];
	struct pb_registry reg = {0};
	struct pb_err err = {{0}};
	snprintf(inc, sizeof(inc), "-I%s/include", PB_SOURCE_DIR);
	must_run(root, (const char *[]){
			   "cc", "-std=gnu11", "-Wall", "-Wextra", "-Werror",
			   "-shared", "-fPIC", "-pthread", inc, "-Wl,-z,defs",
			   "blocks/blocks.c", "-o", "blocks/blocks.so", NULL});
	cr_assert_eq(pb_registry_load_file(&reg, "blocks/blocks.so", &err),
		     PB_OK, "%s", err.msg);
	pb_registry_free(&reg);
	pbt_write("b.yaml", "name: b\nworkload: pi\nparams: {samples: 1e5}\n"
			    "strategies: [serial, blocks]\nworkers: [1, 3]\n"
			    "repetitions: 1\nwarmup: 0\n");
	pbt_parabench(&p, (const char *[]){"run", "b.yaml", "--plugin-dir",
					   "blocks", "--out", "res", "--quiet",
					   "--no-report", NULL});
	cr_assert_eq(p.status, 0, "%s", p.err);
	cr_assert_eq(ok_rows("res/runs.csv", NULL, NULL), 4);
	pbt_proc_free(&p);
}

/* The example at the top of plugin.h compiles as written, and loads. */
Test(install, the_header_example_compiles_and_loads)
{
	char *h = pbt_read(PB_SOURCE_DIR "/include/parabench/plugin.h");
	const char *start = strstr(h, "---- A minimal workload");
	const char *end = strstr(h, " * Build: cc");
	FILE *out = fopen("mine.c", "w");
	char inc[4200];
	struct pb_registry reg = {0};
	struct pb_err err = {{0}};

	cr_assert(start && end && end > start && out);
	start = strchr(start, '\n') + 1;
	for (const char *line = start; line < end;) {
		const char *nl = strchr(line, '\n');
		/* " * text" or " *" becomes "text" or "". */
		const char *text =
		    line + (strncmp(line, " * ", 3) == 0 ? 3 : 2);
		fprintf(out, "%.*s\n", (int)(nl - text), text);
		line = nl + 1;
	}
	fclose(out);
	free(h);
	snprintf(inc, sizeof(inc), "-I%s/include", PB_SOURCE_DIR);
	must_run(root, (const char *[]){"cc", "-std=gnu11", "-Wall", "-Wextra",
					"-Werror", "-shared", "-fPIC", inc,
					"-Wl,-z,defs", "mine.c", "-o",
					"mine.so", NULL});
	cr_assert_eq(pb_registry_load_file(&reg, "mine.so", &err), PB_OK, "%s",
		     err.msg);
	cr_assert_not_null(pb_registry_find(&reg, PB_KIND_WORKLOAD, "mine"));
	pb_registry_free(&reg);
}

/* man -l renders the pages without a warning from groff. */
Test(install, the_man_pages_render_cleanly)
{
	const char *pages[] = {PB_SOURCE_DIR "/man/parabench.1",
			       PB_SOURCE_DIR "/man/parabench-experiment.5"};

	for (size_t k = 0; k < PB_COUNT(pages); k++) {
		must_run(root, (const char *[]){"groff", "-man", "-Tutf8",
						"-ww", "-z", pages[k], NULL});
		char *log = log_of(root);
		cr_assert_str_eq(log, "", "%s: %s", pages[k], log);
		free(log);
	}
}

/* Each command's --help points to the man pages. */
Test(install, every_help_points_to_the_man_page)
{
	const char *cmds[] = {"run",  "validate", "list",    "analyze",
			      "plot", "report",	  "compare", "new"};
	struct pbt_proc p;

	for (size_t k = 0; k < PB_COUNT(cmds); k++) {
		pbt_parabench(&p, (const char *[]){cmds[k], "--help", NULL});
		cr_assert_eq(p.status, 0, "%s", cmds[k]);
		cr_assert(strstr(p.out, "parabench(1)"), "%s: %s", cmds[k],
			  p.out);
		pbt_proc_free(&p);
	}
	pbt_parabench(&p, (const char *[]){"--help", NULL});
	cr_assert(strstr(p.out, "parabench-experiment(5)"), "%s", p.out);
	cr_assert(strstr(p.out, "PARABENCH_PLUGIN_PATH"), "%s", p.out);
	pbt_proc_free(&p);
}

/* The guide's worked example, its C blocks put together, builds with the
 * header alone and runs: verify accepts every answer. */
Test(install, the_guides_worked_example_builds_and_runs)
{
	char *guide = pbt_read(PB_SOURCE_DIR "/docs/writing-plugins.md");
	const char *p = strstr(guide, "## A worked example");
	FILE *out = fopen("matmul.c", "w");
	char inc[4200];
	struct pbt_proc run;

	cr_assert(p && out);
	while ((p = strstr(p, "```c\n"))) {
		const char *end = strstr(p += 5, "```\n");
		cr_assert_not_null(end);
		fprintf(out, "%.*s", (int)(end - p), p);
		p = end + 4;
	}
	fclose(out);
	free(guide);
	snprintf(inc, sizeof(inc), "-I%s/include", PB_SOURCE_DIR);
	must_run(root, (const char *[]){"cc", "-std=gnu11", "-O2", "-Wall",
					"-Wextra", "-Werror", "-shared",
					"-fPIC", inc, "-Wl,-z,defs", "matmul.c",
					"-o", "matmul.so", NULL});
	pbt_write("m.yaml", "name: m\nworkload: matmul\n"
			    "params: {n: [32, 48], tasks: 5}\n"
			    "strategies: [serial, pthreads, fork]\n"
			    "workers: [1, 2]\nrepetitions: 1\nwarmup: 0\n");
	pbt_parabench(&run, (const char *[]){"run", "m.yaml", "--plugin-dir",
					     ".", "--out", "res", "--quiet",
					     "--no-report", NULL});
	cr_assert_eq(run.status, 0, "%s", run.err);
	cr_assert_eq(ok_rows("res/runs.csv", NULL, NULL), 12);
	pbt_proc_free(&run);
}
