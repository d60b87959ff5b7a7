/*
 * cli_run.c — `parabench run` and `parabench validate`.
 *
 * run: load the plugins and the experiment (any error: exit 2, nothing
 * created), expand the cells, make the results folder, write
 * experiment.yaml, experiments.csv and meta.json, run every cell into
 * runs.csv, then analyse, plot and report. SIGINT/SIGTERM stop after the
 * repetition in progress (a second one at once); what was measured is kept
 * and analysed, meta.json says "interrupted", the exit status is 130/143.
 */
#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_machine.h"
#include "cli_progress.h"
#include "experiment/cells.h"
#include "experiment/experiment.h"
#include "lib/path.h"
#include "plugin/value.h"
#include "results/meta.h"
#include "results/outdir.h"
#include "results/results.h"
#include "run/resume.h"
#include "run/runner.h"
#include "run/supervise.h"

static const char run_usage[] =
    "usage: parabench run FILE [options]\n"
    "       parabench run --resume DIR [options]\n"
    "Runs every cell of the experiment FILE and writes runs.csv, "
    "summary.csv,\nfits.csv, meta.json, report.md and charts into a new "
    "results folder.\n"
    "\n"
    "  --out DIR           results folder (must not exist or be empty);\n"
    "                      default results/<name>/<UTC time>/\n"
    "  --dry-run           print the cells and run nothing\n"
    "  --repetitions N     measured repetitions per cell, for every "
    "experiment;\n"
    "                      auto: until the median is known to `precision`\n"
    "  --wait-idle[=SECS]  before each repetition, wait at most SECS (30)\n"
    "                      for other processes to quiet down\n"
    "  --plugin-dir DIR    load plugins from DIR too (repeatable)\n"
    "  --no-isolate        run cells in this process (for gdb); a crash "
    "ends the run\n"
    "  --no-report         write runs.csv only: no analysis, charts or "
    "report\n"
    "  --resume DIR        continue the run in DIR: only missing "
    "repetitions run\n"
    "  --quiet             no progress on stderr\n"
    "Exit status: 0 every cell ok, 1 some cell not ok, 2 bad usage or "
    "input,\n130/143 interrupted.\n"
    "See parabench(1); the experiment file: parabench-experiment(5).\n";

static const char validate_usage[] =
    "usage: parabench validate FILE [--plugin-dir DIR]...\n"
    "Checks FILE against the plugins' parameters without running it.\n"
    "Exit status 0 when valid, 2 otherwise: every error found, in line\n"
    "order (at most 20), each as file:line:column: what; what was expected.\n"
    "See parabench(1); the experiment file: parabench-experiment(5).\n";

struct run_opts {
	const char *file, *out, *resume;
	const char *dirs[64];
	size_t ndirs;
	unsigned repetitions;
	bool repetitions_auto; /* --repetitions auto */
	double wait_idle_s;    /* --wait-idle[=SECONDS]; 0: not given */
	bool dry_run, no_isolate, no_report, quiet;
};

/* Everything a run holds; freed by close_run. */
struct run {
	struct run_opts o;
	struct pb_registry reg;
	struct pb_experiment_file file;
	struct pb_cells cells;
	struct pb_runs_csv csv;
	struct pb_resume resume;
	struct pb_meta meta;
	struct pb_dir_lock lock; /* a new run's claim on its folder */
	char dir[PB_PATH_MAX];
	struct pb_capacity_csv capacity; /* the capacity probe's rows */
	json_t *machine;		 /* meta.json's machine members */
};

static int parse_repetitions(const char *text, unsigned *out)
{
	struct pb_err why;
	int64_t v;

	if (pb_parse_int(text, &v, &why) || v < 1 || v > PB_MAX_REPETITIONS) {
		cli_error("--repetitions %s: expected auto or a whole number "
			  "from 1 to %d",
			  text, PB_MAX_REPETITIONS);
		return PB_ERROR;
	}
	*out = (unsigned)v;
	return PB_OK;
}

/* --wait-idle alone is 30 s; --wait-idle=5s a duration above 0. */
static int parse_wait_idle(const char *text, double *out)
{
	struct pb_err why;

	*out = 30;
	if (!text)
		return PB_OK;
	if (pb_parse_duration(text, out, &why) || !(*out > 0) || *out > 86400) {
		cli_error("--wait-idle=%s: expected a duration above 0, up to "
			  "a day (5, 500ms, 2m)",
			  text);
		return PB_ERROR;
	}
	return PB_OK;
}

/* Returns -1 to go on, else the exit status. */
static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"dry-run", no_argument, NULL, 'n'},
	    {"repetitions", required_argument, NULL, 'r'},
	    {"wait-idle", optional_argument, NULL, 'W'},
	    {"plugin-dir", required_argument, NULL, 'p'},
	    {"no-isolate", no_argument, NULL, 'I'},
	    {"no-report", no_argument, NULL, 'R'},
	    {"resume", required_argument, NULL, 'u'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "o:nr:p:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 'r':
			o->repetitions_auto = strcmp(optarg, "auto") == 0;
			if (!o->repetitions_auto &&
			    parse_repetitions(optarg, &o->repetitions))
				return EXIT_USAGE;
			break;
		case 'W':
			if (parse_wait_idle(optarg, &o->wait_idle_s))
				return EXIT_USAGE;
			break;
		case 'p':
			if (o->ndirs == PB_COUNT(o->dirs))
				return cli_error("too many --plugin-dir"),
				       EXIT_USAGE;
			o->dirs[o->ndirs++] = optarg;
			break;
		case 'I':
			o->no_isolate = true;
			break;
		case 'R':
			o->no_report = true;
			break;
		case 'u':
			o->resume = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			fputs(run_usage, stdout);
			return 0;
		default:
			fputs(run_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (o->resume && (optind != argc || o->out)) {
		cli_error("--resume DIR takes no experiment file and no --out: "
			  "it continues the run in DIR");
		return EXIT_USAGE;
	}
	if (!o->resume && optind + 1 != argc) {
		cli_error("run takes one experiment file (see parabench run "
			  "--help)");
		return EXIT_USAGE;
	}
	o->file = o->resume ? NULL : argv[optind];
	return -1;
}

/* Loads the experiment file, printing every error found (at most 20). */
static int load_all(const char *path, const struct pb_registry *reg,
		    struct pb_experiment_file *file)
{
	struct pb_exp_errors *errs = malloc(sizeof(*errs));
	int rc;

	if (!errs) {
		cli_error("out of memory");
		return PB_ERROR;
	}
	rc = pb_experiment_load_all(path, reg, file, errs);
	for (size_t k = 0; rc && k < errs->n; k++)
		cli_error("%s", errs->items[k].err.msg);
	if (rc && errs->total > errs->n)
		cli_error("%s: %zu more errors not shown (the first %zu in "
			  "line order are above)",
			  path, errs->total - errs->n, errs->n);
	free(errs);
	return rc;
}

/* Plugins, experiment, cells; prints the errors. */
static int load(struct run *r)
{
	struct pb_err err = {{0}};
	char saved[PB_PATH_MAX];
	const char *path = r->o.file;

	if (cli_load_plugins(&r->reg, r->o.dirs, r->o.ndirs))
		return PB_ERROR;
	if (r->o.resume) {
		if (pb_path_join(saved, sizeof(saved), r->o.resume,
				 "experiment.yaml", &err)) {
			cli_error("--resume %s", err.msg);
			return PB_ERROR;
		}
		path = saved;
	}
	/* Every error of the file at once, in line order. */
	if (load_all(path, &r->reg, &r->file))
		return PB_ERROR;
	/* A resumed run's file is a copy: its paths start at the original. */
	if ((r->o.resume && r->resume.experiment_file[0] &&
	     pb_experiment_set_dir(&r->file, r->resume.experiment_file,
				   &err)) ||
	    pb_cells_expand(&r->file, &r->cells, &err) ||
	    pb_cells_check(&r->file, &r->cells, &err)) {
		cli_error("%s", err.msg);
		return PB_ERROR;
	}
	return PB_OK;
}

static void print_cell(const struct pb_cell *c)
{
	char *text;

	printf("%4zu  %-16s %-8s", c->id, c->exp->name, c->spec.workload->name);
	for (size_t k = 0; k < c->spec.wargs.n; k++) {
		text = pb_value_text(&c->spec.wargs.values[k]);
		printf(" %s=%s", c->spec.wargs.params[k].name,
		       text ? text : "(out of memory)");
		free(text);
	}
	printf("  | %s", c->spec.strategy->name);
	for (size_t k = 0; k < c->spec.sargs.n; k++) {
		text = pb_value_text(&c->spec.sargs.values[k]);
		printf(" %s=%s", c->spec.sargs.params[k].name,
		       text ? text : "(out of memory)");
		free(text);
	}
	if (c->exp->affinity_written)
		printf("  | affinity=%s", pb_affinity_name(c->spec.affinity));
	printf("  | workers=%u\n", c->spec.workers);
}

static int dry_run(const struct run *r)
{
	size_t reps = 0;

	for (size_t k = 0; k < r->cells.n; k++) {
		print_cell(&r->cells.items[k]);
		reps += r->o.repetitions ? r->o.repetitions
					 : r->cells.items[k].exp->repetitions;
	}
	printf("%zu cells, %zu measured repetitions\n", r->cells.n, reps);
	return ferror(stdout) ? EXIT_NOT_OK : 0;
}

/*
 * The name of the results folder: the experiment's name, or for a file of
 * several experiments the file's base name without its extension, made a
 * safe single path component: letters, digits, - _ and ., never starting
 * with '.' (so never "." or "..": a file named "...yaml" must not write
 * to results/../), never empty. A base name fits: at most NAME_MAX bytes.
 */
static void folder_name(const struct run *r, char *buf, size_t len)
{
	const char *base = strrchr(r->o.file, '/');

	if (r->file.n == 1) {
		snprintf(buf, len, "%s", r->file.items[0].name);
		return;
	}
	snprintf(buf, len, "%s", base ? base + 1 : r->o.file);
	char *dot = strrchr(buf, '.');
	if (dot && dot != buf)
		*dot = '\0';
	for (char *p = buf; *p; p++)
		if ((!isalnum((unsigned char)*p) && !strchr("-_.", *p)) ||
		    (p == buf && *p == '.'))
			*p = '_';
	if (!buf[0])
		snprintf(buf, len, "experiments");
}

/* The results folder and the files written before any cell runs. */
static int begin_results(struct run *r)
{
	struct pb_err err = {{0}};
	char path[PB_PATH_MAX];

	if (r->o.resume) {
		if (pb_path_fmt(r->dir, sizeof(r->dir), &err, "%s",
				r->o.resume)) {
			cli_error("--resume %s", err.msg);
			return EXIT_USAGE;
		}
	} else {
		char name[NAME_MAX + 1];
		folder_name(r, name, sizeof(name));
		if (pb_outdir_create(name, r->o.out, r->dir, sizeof(r->dir),
				     &r->lock, &err)) {
			cli_error("%s", err.msg);
			return EXIT_USAGE; /* a folder we may not use */
		}
	}
	r->meta = (struct pb_meta){
	    .command_line = cli_command_line,
	    .experiment_file =
		r->o.resume ? r->resume.experiment_file : r->o.file,
	    .experiment_text = r->file.text,
	    .experiment_len = r->file.text_len,
	    .repetitions = r->o.repetitions,
	    .status = "running",
	    .registry = &r->reg,
	    .extra = r->machine = cli_machine_start(),
	};
	if (r->o.resume)
		snprintf(r->meta.started_utc, sizeof(r->meta.started_utc), "%s",
			 r->resume.started_utc);
	else
		pb_utc_now(r->meta.started_utc);
	if (pb_path_join(path, sizeof(path), r->dir, "runs.csv", &err) ||
	    (r->o.resume && pb_resume_mend(&r->resume, &err)) ||
	    (!r->o.resume &&
	     pb_results_begin(r->dir, &r->file, r->o.repetitions, &err)) ||
	    pb_meta_write(r->dir, &r->meta, &err) ||
	    pb_runs_csv_open(&r->csv, path, &r->cells, r->o.resume != NULL,
			     &err) ||
	    cli_machine_open_capacity(r->dir, &r->capacity, &err))
		goto fail;
	return 0;
fail:
	cli_error("%s", err.msg);
	return EXIT_NOT_OK;
}

static volatile sig_atomic_t last_signal;

static void on_signal(int sig)
{
	last_signal = sig;
	pb_interrupted++;
}

static void catch_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* PARABENCH_NO_CGROUP: no cgroup per cell (the subreaper sweep
	 * alone), for a machine whose cgroups are managed otherwise. */
	const char *no_cg = getenv("PARABENCH_NO_CGROUP");
	pb_supervise_init(!no_cg || !*no_cg);
}

/* Analysis, charts and report: failures here are reported, not fatal. */
static void report(struct run *r)
{
	if (!r->o.no_report && cli_finish_report(r->dir, r->o.quiet) == PB_OK &&
	    !r->o.quiet)
		cli_print_warnings(r->dir);
}

/* Seconds since the run began: started_s counts from there, across a
 * resume too. A stamp in the future (the clock was set back) counts 0. */
static double started_ago(const struct run *r)
{
	double ago = pb_utc_age_s(r->meta.started_utc);

	return ago > 0 ? ago : 0;
}

static int measure(struct run *r)
{
	struct cli_progress progress;
	struct pb_runner_totals t;
	struct pb_err err = {{0}};
	struct pb_runner_opts ro = {
	    .isolate = !r->o.no_isolate,
	    .repetitions = r->o.repetitions,
	    .auto_reps = r->o.repetitions_auto,
	    .wait_idle_s = r->o.wait_idle_s,
	    .have_row = r->o.resume ? pb_resume_have_row : NULL,
	    .have_ctx = &r->resume,
	    .on_event = cli_progress_event,
	    .event_ctx = &progress,
	    .capacity = &r->capacity,
	    .started_ago_s = started_ago(r),
	};

	cli_progress_init(&progress, r->o.quiet);
	catch_signals();
	int rc = pb_runner_run(&r->cells, &ro, &r->csv, &t, &err);
	cli_progress_finish(&progress);
	struct pb_err cerr = {{0}};
	if (pb_runs_csv_close(&r->csv, &cerr) && rc == PB_OK) {
		rc = PB_ERROR;
		err = cerr;
	}
	if (pb_capacity_csv_close(&r->capacity, &cerr) && rc == PB_OK) {
		rc = PB_ERROR;
		err = cerr;
	}
	cli_machine_end(r->machine, &t);
	r->meta.status = t.interrupted ? "interrupted" : "complete";
	if (rc != PB_OK)
		r->meta.status = "failed";
	pb_utc_now(r->meta.ended_utc);
	if (pb_meta_write(r->dir, &r->meta, &cerr) && rc == PB_OK) {
		rc = PB_ERROR;
		err = cerr;
	}
	if (rc != PB_OK) {
		cli_error("%s", err.msg);
		return EXIT_NOT_OK;
	}
	report(r);
	if (!r->o.quiet)
		fprintf(stderr, "%zu rows, %zu ok, %zu not ok%s\n", t.rows,
			t.ok, t.not_ok, t.interrupted ? ", interrupted" : "");
	if (!r->o.quiet && t.not_ok)
		cli_print_failures(r->dir);
	printf("results: %s\n", r->dir);
	if (t.interrupted)
		return 128 + (last_signal ? last_signal : SIGINT);
	return t.not_ok ? EXIT_NOT_OK : 0;
}

static void close_run(struct run *r)
{
	struct pb_err ignored;

	pb_capacity_csv_close(&r->capacity, &ignored);
	json_decref(r->machine);
	pb_cells_free(&r->cells);
	pb_experiment_free(&r->file);
	pb_resume_free(&r->resume);
	pb_lock_release(&r->lock);
	pb_registry_free(&r->reg);
}

int cli_run(int argc, char **argv)
{
	struct run r = {.capacity.fd = -1};
	struct pb_err err = {{0}};
	int rc = parse_opts(argc, argv, &r.o);

	r.csv.fd = -1;
	r.lock.fd = -1;
	if (rc >= 0)
		return rc;
	if (r.o.resume && pb_resume_open(&r.resume, r.o.resume, &err)) {
		cli_error("%s", err.msg);
		return EXIT_USAGE;
	}
	rc = EXIT_USAGE;
	if (load(&r))
		goto out;
	/* Every check of a resume comes before its first write. */
	if (r.o.resume) {
		if (pb_resume_check(&r.resume, &r.reg, &r.file, &r.cells,
				    r.o.repetitions, &err)) {
			cli_error("%s", err.msg);
			goto out;
		}
		r.o.repetitions = r.resume.repetitions;
	}
	if (r.o.dry_run) {
		rc = dry_run(&r);
		goto out;
	}
	rc = begin_results(&r);
	if (rc == 0)
		rc = measure(&r);
out:
	close_run(&r);
	return rc;
}

int cli_validate(int argc, char **argv)
{
	struct run r = {.lock.fd = -1, .capacity.fd = -1};
	int c;

	while (
	    (c = getopt_long(argc, argv, "p:h",
			     (const struct option[]){
				 {"plugin-dir", required_argument, NULL, 'p'},
				 {"help", no_argument, NULL, 'h'},
				 {0},
			     },
			     NULL)) != -1) {
		if (c == 'h')
			return fputs(validate_usage, stdout), 0;
		if (c != 'p' || r.o.ndirs == PB_COUNT(r.o.dirs))
			return fputs(validate_usage, stderr), EXIT_USAGE;
		r.o.dirs[r.o.ndirs++] = optarg;
	}
	if (optind + 1 != argc) {
		cli_error("validate takes one experiment file");
		return EXIT_USAGE;
	}
	r.o.file = argv[optind];
	int rc = load(&r) ? EXIT_USAGE : 0;
	if (rc == 0)
		printf("%s: valid: %zu experiment%s, %zu cells\n", r.o.file,
		       r.file.n, r.file.n == 1 ? "" : "s", r.cells.n);
	close_run(&r);
	return rc;
}
