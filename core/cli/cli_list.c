/*
 * cli_list.c — `parabench list`: every plugin, its parameters (type,
 * default, range or choices, help) and metrics: all a user needs to write
 * an experiment.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "plugin/value.h"

static const char list_usage[] =
    "usage: parabench list [--plugin-dir DIR]...\n"
    "Lists every workload and strategy plugin with its parameters, and\n"
    "warns (on stderr) of plugin files that did not load. See parabench(1);\n"
    "writing plugins: parabench new --help.\n";

static void print_range(const struct pb_param *q)
{
	char range[96];

	if (q->type == PB_ENUM)
		printf(" one of %s;", q->choices);
	else if (*pb_range_text(q, range, sizeof(range)))
		printf(" %s;", range);
}

static void print_param(const struct pb_param *q)
{
	printf("    %-16s %-11s default %-10s", q->name, pb_type_name(q->type),
	       q->default_value ? q->default_value : "(required)");
	print_range(q);
	printf(" %s\n", q->help ? q->help : "");
}

static void print_plugin(const struct pb_plugin *p, const char *path)
{
	printf("  %s %s — %s\n", p->name, p->version, p->summary);
	printf("    (%s)\n", path);
	for (size_t k = 0; k < p->nparams; k++)
		print_param(&p->params[k]);
	for (size_t k = 0; k < p->nmetrics; k++) {
		const struct pb_metric *m = &p->metrics[k];
		printf("    metric %-9s %-11s %s%s\n", m->name,
		       m->unit[0] ? m->unit : "-", m->help,
		       m->flags & PB_METRIC_PER_SECOND ? " (per timed second)"
		       : m->flags & PB_METRIC_SECONDS_EACH
			   ? " (timed span / count)"
			   : "");
	}
}

static void print_kind(const struct pb_registry *reg, enum pb_kind kind)
{
	printf("%s:\n", kind == PB_KIND_WORKLOAD ? "workloads" : "strategies");
	for (size_t k = 0; k < reg->n; k++)
		if (reg->items[k].plugin->kind == kind)
			print_plugin(reg->items[k].plugin, reg->items[k].path);
}

int cli_list(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"plugin-dir", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *dirs[64];
	size_t ndirs = 0;
	struct pb_registry reg = {0};
	int c;

	while ((c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
		if (c == 'h')
			return fputs(list_usage, stdout), 0;
		if (c != 'p' || ndirs == PB_COUNT(dirs))
			return fputs(list_usage, stderr), EXIT_USAGE;
		dirs[ndirs++] = optarg;
	}
	if (optind != argc) {
		cli_error("list takes no arguments, got '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (cli_load_plugins(&reg, dirs, ndirs))
		return EXIT_USAGE;
	print_kind(&reg, PB_KIND_WORKLOAD);
	printf("\n");
	print_kind(&reg, PB_KIND_STRATEGY);
	/* A broken file hides nothing: the rest is listed, then a warning. */
	for (size_t k = 0; k < reg.nbroken; k++) {
		fflush(stdout);
		fprintf(stderr, "parabench: warning: not listed: %s\n",
			reg.broken[k].msg);
	}
	pb_registry_free(&reg);
	return ferror(stdout) ? EXIT_NOT_OK : 0;
}
