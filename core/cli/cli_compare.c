/*
 * cli_compare.c — `parabench compare A B`: two results folders compared
 * cell by cell (analysis/compare.h), a table on the terminal, and
 * compare.csv and compare.md (output/compare_out.h) in --out DIR or the
 * current folder. Exit 0, or 1 when --threshold is given and some cell
 * got slower beyond it with p < 0.05, or 2 on bad usage or input
 * (folders of different experiments without --force included).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/compare.h"
#include "cli.h"
#include "output/compare_out.h"
#include "results/outdir.h"

static const char usage[] =
    "usage: parabench compare A B [--out DIR] [--threshold PCT] [--force]\n"
    "Compares results folder B with A, cell by cell (cells matched by\n"
    "experiment, workload, strategy, workers and parameters): both\n"
    "medians, B / A with its 95% bootstrap interval, and the Mann-Whitney\n"
    "U test's p-value. Writes compare.csv and compare.md.\n"
    "\n"
    "  --out DIR          write the files into DIR (made if missing;\n"
    "                     default: the current folder)\n"
    "  --threshold PCT    exit 1 when a cell got slower by more than PCT\n"
    "                     percent (5 or 5%) with p < 0.05\n"
    "  --force            compare folders of different experiments too\n"
    "\n"
    "Exit status: 0, or 1 for a regression beyond --threshold, 2 for bad\n"
    "usage or input (different experiments without --force).\n"
    "See parabench(1).\n";

struct opts {
	const char *a, *b, *out;
	double threshold; /* fraction; -1: no check */
	bool force;
};

/* "5%", "5", "2.5%": a percentage >= 0, as a fraction. */
static bool parse_threshold(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || !isfinite(v) || v < 0 || v > 1e6)
		return false;
	if (*end == '%')
		end++;
	if (*end)
		return false;
	*out = v / 100;
	return true;
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"threshold", required_argument, NULL, 't'},
	    {"force", no_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	int c;

	*o = (struct opts){.out = ".", .threshold = -1};
	while ((c = getopt_long(argc, argv, "o:t:fh", longs, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 't':
			if (!parse_threshold(optarg, &o->threshold)) {
				cli_error("--threshold '%s'; expected a "
					  "percentage such as 5%%",
					  optarg);
				return EXIT_USAGE;
			}
			break;
		case 'f':
			o->force = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 2 != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	o->a = argv[optind];
	o->b = argv[optind + 1];
	return -1;
}

/* s for a terminal: control characters (escape sequences) made '?'. */
static void put_clean(const char *s, int width)
{
	int n = 0;

	for (; *s; s++, n++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
	for (; n < width; n++)
		putchar(' ');
}

static void put_key(const struct pb_cmp_key *k)
{
	char w[32];

	put_clean(k->experiment, 0);
	fputs(" / ", stdout);
	put_clean(k->strategy, 0);
	snprintf(w, sizeof(w), " / %u", k->workers);
	fputs(w, stdout);
	if (*k->params) {
		fputs(" / ", stdout);
		put_clean(k->params, 0);
	}
}

/* Seconds in a unit that suits them, in a field of 10. */
static void put_time(double v)
{
	static const char *const units[] = {"s", "ms", "us", "ns"};
	int u = 0;

	if (!isfinite(v)) {
		printf("%10s", "-");
		return;
	}
	while (u < 3 && v != 0 && fabs(v) < 1)
		v *= 1000, u++;
	printf("%7.4g %-2s", v, units[u]);
}

static void table(const struct pb_comparison *c, const struct opts *o)
{
	size_t slower = 0, faster = 0, regressions = 0;

	printf("%10s %10s  %-22s %9s  %s\n", "median A", "median B",
	       "B / A (95%)", "p",
	       "verdict  cell (experiment / strategy / "
	       "workers / params)");
	for (size_t k = 0; k < c->n; k++) {
		const struct pb_cmp_cell *x = &c->cells[k];
		char ratio[64] = "-";
		bool reg = pb_compare_regressed(x, o->threshold);
		put_time(x->med_a);
		putchar(' ');
		put_time(x->med_b);
		if (isfinite(x->ratio))
			snprintf(ratio, sizeof(ratio), "%.3f (%.3f-%.3f)",
				 x->ratio, x->ratio_lo, x->ratio_hi);
		printf("  %-22s %9.3g  %s%s  ", ratio, x->p, x->verdict,
		       reg ? " (regression)" : "");
		put_key(&x->key);
		putchar('\n');
		slower += !strcmp(x->verdict, "slower");
		faster += !strcmp(x->verdict, "faster");
		regressions += reg;
	}
	for (size_t k = 0; k < c->n_only_a; k++) {
		fputs("only in A: ", stdout);
		put_key(&c->only_a[k]);
		putchar('\n');
	}
	for (size_t k = 0; k < c->n_only_b; k++) {
		fputs("only in B: ", stdout);
		put_key(&c->only_b[k]);
		putchar('\n');
	}
	printf("%zu cells compared: %zu slower, %zu faster, %zu not clearly "
	       "changed (p < %.2f decides); %zu only in A, %zu only in B",
	       c->n, slower, faster, c->n - slower - faster, PB_COMPARE_ALPHA,
	       c->n_only_a, c->n_only_b);
	if (o->threshold >= 0)
		printf("; %zu slower by more than %.4g%%", regressions,
		       o->threshold * 100);
	printf("\n");
}

int cli_compare(int argc, char **argv)
{
	struct pb_err err = {{0}};
	struct pb_comparison c;
	struct opts o;
	int rc = parse(argc, argv, &o);

	if (rc >= 0)
		return rc;
	if (pb_compare_dirs(o.a, o.b, o.force, &c, &err)) {
		cli_error("%s", err.msg);
		return EXIT_USAGE;
	}
	if (c.forced)
		cli_error("warning: the experiments differ (%s); comparing "
			  "the cells they share",
			  c.differs);
	rc = 0;
	table(&c, &o);
	for (size_t k = 0; k < c.n; k++)
		if (pb_compare_regressed(&c.cells[k], o.threshold))
			rc = EXIT_NOT_OK;
	if (pb_mkdirs(o.out, &err) ||
	    pb_compare_write(&c, o.a, o.b, o.threshold, o.out, &err)) {
		cli_error("%s", err.msg);
		rc = EXIT_USAGE;
	} else {
		printf("%s/compare.csv\n%s/compare.md\n", o.out, o.out);
	}
	pb_comparison_free(&c);
	return rc;
}
