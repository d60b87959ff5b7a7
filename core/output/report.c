/*
 * report.c — report.md from the analysis and meta.json (see report.h):
 * its heading, environment, experiment, warnings and methods sections;
 * the Results section comes from report_groups.c.
 *
 * The report is built in one text buffer and written atomically. Warnings
 * are collected in a second buffer while the group sections are written,
 * then appended after them.
 */
#include "report.h"

#include <stdlib.h>
#include <unistd.h>

#include "lib/path.h"
#include "report_groups.h"
#include "report_machine.h"
#include "report_md.h"
#include "report_sanity.h"
#include "report_state.h"

static const char *meta(const struct report *r, const char *key)
{
	const char *v = r->meta ? pb_meta_get(r->meta, key) : NULL;
	return v ? v : "";
}

/* ---- Heading, environment, experiment --------------------------------- */

static void heading(struct report *r)
{
	struct pb_buf *b = &r->out;
	const char *status = meta(r, "status");

	pb_buf_printf(b, "# parabench report: ");
	for (size_t k = 0; k < r->v->exps.nrows; k++) {
		pb_buf_printf(b, "%s", k ? ", " : "");
		pb_report_cell_text(b,
				    pb_csv_get(&r->v->exps, k, "experiment"));
	}
	pb_buf_printf(b, "\n\n");
	if (!r->meta) {
		pb_buf_printf(b, "meta.json was not found in this folder: the "
				 "environment of the run is unknown.\n\n");
		return;
	}
	pb_buf_printf(b, "Run of `%s` on %s, from %s to %s (%s).\n\n",
		      meta(r, "experiment_file"), meta(r, "host"),
		      meta(r, "started_utc"),
		      *meta(r, "ended_utc") ? meta(r, "ended_utc") : "?",
		      *status ? status : "status unknown");
	if (*status && strcmp(status, "complete"))
		pb_buf_printf(b,
			      "> **This run is %s**: the figures cover "
			      "only the repetitions measured so far.\n\n",
			      status);
}

/* A member of meta.json as text: a string, a number, the plugins. */
static void env_row(struct report *r, const char *name, const char *key)
{
	const json_t *v = pb_meta_value(r->meta, key);
	struct pb_buf text = {0};

	if (json_is_integer(v))
		pb_buf_printf(&text, "%" JSON_INTEGER_FORMAT,
			      json_integer_value(v));
	else if (json_is_object(v)) /* the topology: its one-line summary */
		pb_buf_printf(&text, "%s",
			      json_string_value(json_object_get(v, "summary"))
				  ?: json_string_value(
					 json_object_get(v, "error"))
				  ?: "");
	else if (json_is_array(v))
		pb_meta_plugins_text(v, &text);
	else
		pb_buf_printf(&text, "%s", meta(r, key));
	pb_buf_printf(&r->out, "| %s | ", name);
	pb_report_cell_text(&r->out, text.data ? text.data : "");
	pb_buf_printf(&r->out, " |\n");
	pb_buf_free(&text);
}

static void environment(struct report *r)
{
	static const char *const rows[][2] = {
	    {"host", "host"},
	    {"CPU", "cpu_model"},
	    {"logical cores", "cores"},
	    {"topology", "topology"},
	    {"kernel", "kernel"},
	    {"architecture", "machine"},
	    {"compiler", "compiler"},
	    {"compiler flags", "cflags"},
	    {"parabench", "parabench_version"},
	    {"git commit", "git_commit"},
	    {"plugins", "plugins"},
	    {"command line", "command_line"},
	    {"started (UTC)", "started_utc"},
	    {"ended (UTC)", "ended_utc"},
	    {"status", "status"},
	};

	if (!r->meta)
		return;
	pb_buf_printf(&r->out, "## Environment\n\n| | |\n|---|---|\n");
	for (size_t k = 0; k < PB_COUNT(rows); k++)
		if (pb_meta_value(r->meta, rows[k][1]))
			env_row(r, rows[k][0], rows[k][1]);
	pb_buf_printf(&r->out, "\n");
}

/* The longest run of backticks in s: the fence must be longer. */
static size_t longest_backticks(const char *s)
{
	size_t best = 0, run = 0;

	for (; *s; s++) {
		run = *s == '`' ? run + 1 : 0;
		best = run > best ? run : best;
	}
	return best;
}

static void experiment_text(struct report *r)
{
	const char *text = meta(r, "experiment_text");
	char *file = NULL, path[PB_PATH_MAX];
	size_t len, fence;

	if (!*text) {
		if (!pb_path_join(path, sizeof(path), r->dir, "experiment.yaml",
				  NULL) &&
		    pb_read_whole_file(path, &file, &len, NULL) == PB_OK)
			text = file;
	}
	if (!*text)
		goto out;
	fence = longest_backticks(text) + 1;
	fence = fence < 3 ? 3 : fence;
	pb_buf_printf(&r->out, "## Experiment as run\n\n");
	if (*meta(r, "experiment_file"))
		pb_buf_printf(&r->out, "`%s`:\n\n", meta(r, "experiment_file"));
	pb_buf_printf(&r->out, "%.*syaml\n%s%s%.*s\n\n", (int)fence,
		      "``````````````````````````````````````", text,
		      text[strlen(text) - 1] == '\n' ? "" : "\n", (int)fence,
		      "``````````````````````````````````````");
out:
	free(file);
}

/* The warnings collected, and where to read more on rows not ok. */
static void warnings(struct report *r)
{
	pb_buf_printf(&r->out, "## Warnings\n\n");
	if (!r->warn.len) {
		pb_buf_printf(&r->out, "None.\n\n");
		return;
	}
	pb_buf_printf(&r->out,
		      "%s\nRows not ok are left out of every "
		      "statistic; the message column of runs.csv "
		      "says why each failed.\n\n",
		      r->warn.data);
}

static void methods(struct report *r)
{
	pb_buf_printf(
	    &r->out,
	    "## Methods\n\n"
	    "- Statistics use the `ok` rows of runs.csv only; the others "
	    "are counted. Rows flagged `contended` (other processes used "
	    "more than `contention` CPUs on average over the timed span, "
	    "from /proc/stat) are left out too when at least 3 clean rows "
	    "remain in the cell.\n"
	    "- The 95%% interval of the median is the distribution-free "
	    "order-statistic interval [x(j), x(n-j+1)] with coverage of at "
	    "least 95%% (binomial, no assumption on the distribution's "
	    "shape). With fewer than 6 ok runs no such interval exists; "
	    "then min–max is shown, marked †, with its lower coverage "
	    "1 - 2^(1-n) (75%% for 3 runs) in summary.csv's ci_level.\n"
	    "- Speed-up is the baseline's median over the cell's; its "
	    "interval divides the ends of the two intervals (conservative). "
	    "Efficiency is speed-up / workers; summary.csv also gives the "
	    "Karp–Flatt serial fraction.\n"
	    "- The Amdahl fit is least squares of T(p) = a + b/p over the "
	    "cell medians of a series; s = a/(a+b), ± is its standard error "
	    "(delta method) and its 95%% interval uses Student's t with n - 2 "
	    "degrees of freedom. Two points give an exact fit: no error, no "
	    "limit. The limit 1/s is given only with at least 3 points within "
	    "the core count, with the interval that s's interval implies. A "
	    "fitted s outside [0, 1] is no fraction: the series is *not "
	    "Amdahl-shaped*. Points with more workers than cores are left out "
	    "unless `fit_oversubscribed: true`. The `serial` strategy ignores "
	    "workers: it is the control, drawn but never fitted.\n"
	    "- Karp–Flatt (summary.csv) is given only where it is defined: "
	    "more than one worker and a speed-up between 1 and the worker "
	    "count.\n"
	    "- Outliers: modified z-score 0.6745 (x - median) / MAD above "
	    "3.5 (Iglewicz and Hoaglin); they stay in the statistics.\n");
}

static int load_meta(const char *dir, struct pb_meta_doc *doc, bool *have,
		     struct pb_err *err)
{
	char path[PB_PATH_MAX];

	*have = false;
	if (pb_path_join(path, sizeof(path), dir, "meta.json", err))
		return PB_ERROR;
	*have = access(path, F_OK) == 0;
	if (!*have)
		return PB_OK;
	return pb_meta_read(path, doc, err);
}

int pb_report_dir(const char *dir, struct pb_err *err)
{
	struct pb_view v;
	struct pb_meta_doc doc = {0};
	struct pb_failures fails = {0};
	struct report r = {.dir = dir, .v = &v, .fails = &fails};
	char path[PB_PATH_MAX];
	bool have_meta;
	int rc = PB_ERROR;

	if (pb_view_load(dir, &v, err))
		return PB_ERROR;
	if (load_meta(dir, &doc, &have_meta, err) ||
	    pb_failures_read(dir, &fails, err))
		goto out;
	r.meta = have_meta ? &doc : NULL;
	heading(&r);
	environment(&r);
	experiment_text(&r);
	pb_report_groups(&r);
	pb_report_machine(&r);
	pb_report_sanity(&r);
	if (r.meta && strcmp(meta(&r, "status"), "complete"))
		pb_buf_printf(&r.warn, "- the run is %s, not complete\n",
			      *meta(&r, "status") ? meta(&r, "status")
						  : "of unknown status");
	warnings(&r);
	methods(&r);
	if (pb_path_join(path, sizeof(path), dir, "report.md", err))
		goto out;
	if (r.out.oom || r.warn.oom)
		pb_fail(err, "out of memory writing %s", path);
	else
		rc = pb_write_file_atomic(path, r.out.data, r.out.len, err);
out:
	pb_buf_free(&r.out);
	pb_buf_free(&r.warn);
	pb_meta_doc_free(&doc);
	pb_failures_free(&fails);
	pb_view_free(&v);
	return rc;
}
