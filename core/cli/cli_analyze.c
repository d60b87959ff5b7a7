/*
 * cli_analyze.c — `parabench analyze|plot|report DIR`, and the same three
 * steps at the end of `run`. Each works from the CSV files of DIR alone.
 */
#include <getopt.h>
#include <stdio.h>

#include "analysis/analyze.h"
#include "analysis/failures.h"
#include "cli.h"
#include "output/plot.h"
#include "output/report.h"

static int one_dir_arg(int argc, char **argv, const char *usage,
		       const char **dir)
{
	int c;

	while ((c = getopt_long(argc, argv, "h",
				(const struct option[]){
				    {"help", no_argument, NULL, 'h'},
				    {0},
				},
				NULL)) != -1) {
		if (c == 'h')
			return fputs(usage, stdout), 0;
		return fputs(usage, stderr), EXIT_USAGE;
	}
	if (optind + 1 != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	*dir = argv[optind];
	return -1;
}

int cli_analyze(int argc, char **argv)
{
	struct pb_err err = {{0}};
	const char *dir;
	int rc = one_dir_arg(argc, argv,
			     "usage: parabench analyze DIR\n"
			     "Writes DIR/summary.csv and DIR/fits.csv from "
			     "DIR/runs.csv and DIR/experiments.csv.\n"
			     "See parabench(1).\n",
			     &dir);

	if (rc >= 0)
		return rc;
	if (pb_analyze_dir(dir, &err)) {
		cli_error("%s", err.msg);
		return EXIT_NOT_OK;
	}
	printf("%s/summary.csv\n%s/fits.csv\n", dir, dir);
	return 0;
}

int cli_plot(int argc, char **argv)
{
	struct pb_err err = {{0}};
	const char *dir;
	int rc = one_dir_arg(argc, argv,
			     "usage: parabench plot DIR\n"
			     "Renders the charts of DIR into DIR/charts/ from "
			     "its CSV files (runs analyze first if needed).\n"
			     "See parabench(1).\n",
			     &dir);

	if (rc >= 0)
		return rc;
	if (pb_analyze_dir(dir, &err) ||
	    pb_plot_dir(dir, cli_plots_dir(), &err)) {
		cli_error("%s", err.msg);
		return EXIT_NOT_OK;
	}
	printf("%s/charts/\n", dir);
	return 0;
}

int cli_report(int argc, char **argv)
{
	struct pb_err err = {{0}};
	const char *dir;
	int rc = one_dir_arg(argc, argv,
			     "usage: parabench report DIR\n"
			     "Rewrites DIR/report.md from the CSV files, "
			     "meta.json and the charts of DIR.\n"
			     "See parabench(1).\n",
			     &dir);

	if (rc >= 0)
		return rc;
	if (pb_analyze_dir(dir, &err) || pb_report_dir(dir, &err)) {
		cli_error("%s", err.msg);
		return EXIT_NOT_OK;
	}
	printf("%s/report.md\n", dir);
	return 0;
}

/* The cells listed at most by cli_print_failures. */
#define MAX_FAILED_SHOWN 20

/* s on stderr, control characters (escape sequences) made '?'. */
static void put_clean(const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s,
		      stderr);
}

void cli_print_failures(const char *dir)
{
	struct pb_failures f;
	struct pb_err err = {{0}};
	static const char *const words[] = {"failed", "crashed", "timeout",
					    "wrong"};

	if (pb_failures_read(dir, &f, &err)) {
		cli_error("cannot list the failed cells: %s", err.msg);
		return;
	}
	for (size_t k = 0; k < f.n && k < MAX_FAILED_SHOWN; k++) {
		const struct pb_failure *c = &f.cells[k];
		size_t counts[] = {c->failed, c->crashed, c->timeout, c->wrong};
		bool first = true;
		fputs("  not ok: ", stderr);
		put_clean(c->experiment);
		fprintf(stderr, " cell %ld (", c->cell);
		put_clean(c->strategy);
		fprintf(stderr, ", %u worker%s): ", c->workers,
			c->workers == 1 ? "" : "s");
		for (size_t s = 0; s < PB_COUNT(words); s++)
			if (counts[s]) {
				fprintf(stderr, "%s%zu %s", first ? "" : ", ",
					counts[s], words[s]);
				first = false;
			}
		if (c->nmsgs) {
			fputs(": ", stderr);
			put_clean(c->msgs[0].text);
		}
		fputc('\n', stderr);
	}
	if (f.n > MAX_FAILED_SHOWN)
		fprintf(stderr,
			"  and %zu more cells not ok (see report.md "
			"or runs.csv)\n",
			f.n - MAX_FAILED_SHOWN);
	pb_failures_free(&f);
}

int cli_finish_report(const char *dir, bool quiet)
{
	struct pb_err err = {{0}};

	if (pb_analyze_dir(dir, &err)) {
		cli_error("analysis: %s", err.msg);
		return PB_ERROR;
	}
	if (pb_plot_dir(dir, cli_plots_dir(), &err) && !quiet)
		cli_error("charts: %s", err.msg);
	err.msg[0] = '\0';
	if (pb_report_dir(dir, &err)) {
		cli_error("report: %s", err.msg);
		return PB_ERROR;
	}
	return PB_OK;
}
