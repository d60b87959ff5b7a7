/*
 * main.c — the parabench program: dispatches to the commands of cli.h.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lib/textbuf.h"

#ifndef PB_VERSION
#define PB_VERSION "dev"
#endif
#ifndef PB_GIT_COMMIT
#define PB_GIT_COMMIT "unknown"
#endif

static const char usage[] =
    "usage: parabench <command> [options]\n"
    "\n"
    "commands:\n"
    "  run FILE        run an experiment; results in a new folder\n"
    "  validate FILE   check an experiment file without running it\n"
    "  list            every plugin with its parameters and metrics\n"
    "  analyze DIR     summary.csv and fits.csv from DIR/runs.csv\n"
    "  plot DIR        re-render the charts of DIR from its CSV files\n"
    "  report DIR      rewrite DIR/report.md\n"
    "  compare A B     results folder B against A, cell by cell\n"
    "  new KIND NAME   a folder for a new workload or strategy plugin\n"
    "\n"
    "`parabench <command> --help` tells more; --version prints the "
    "version.\n"
    "Plugins are found beside the binary, in the folders of\n"
    "PARABENCH_PLUGIN_PATH (colon-separated) and in each --plugin-dir.\n"
    "Manuals: parabench(1), the experiment file format\n"
    "parabench-experiment(5); writing plugins: docs/writing-plugins.md.\n";

static const struct {
	const char *name;
	int (*fn)(int, char **);
} commands[] = {
    {"run", cli_run},	      {"list", cli_list}, {"validate", cli_validate},
    {"analyze", cli_analyze}, {"plot", cli_plot}, {"report", cli_report},
    {"compare", cli_compare}, {"new", cli_new},
};

static char *join_args(int argc, char **argv)
{
	struct pb_buf b = {0};

	for (int k = 0; k < argc; k++)
		pb_buf_printf(&b, "%s%s", k ? " " : "", argv[k]);
	return b.data;
}

static int run_command(int argc, char **argv)
{
	char *line;
	int rc = EXIT_USAGE;

	/* A closed stdout (| head) is an EPIPE error, not a death; a file
	 * over RLIMIT_FSIZE is an EFBIG error, reported with its path. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("parabench %s (%s), plugin ABI %d\n", PB_VERSION,
		       PB_GIT_COMMIT, PB_ABI_VERSION);
		return 0;
	}
	line = join_args(argc, argv);
	cli_command_line = line ? line : "";
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (strcmp(argv[1], commands[k].name) == 0) {
			rc = commands[k].fn(argc - 1, argv + 1);
			free(line);
			return rc;
		}
	cli_error("unknown command '%s'; expected one of run, validate, "
		  "list, analyze, plot, report, compare, new (see parabench "
		  "--help)",
		  argv[1]);
	free(line);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	cli_reserve_std_fds();
	cli_guard_plugin_exit();
	return cli_close_stdout(run_command(argc, argv));
}
