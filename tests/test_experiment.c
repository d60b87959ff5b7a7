/*
 * test_experiment.c — core/experiment/experiment.c: experiment files to experiments.
 *
 * Good files (defaults, axes, both forms of strategy_params, experiments
 * with overrides and merges, seed filling, list-typed parameters) and
 * malformed ones, each with its exact position and message. Uses the pi
 * workload, the serial and pthreads strategies and the test-only listy
 * workload (list, size, duration, float, bool and required parameters).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>

#include "experiment/experiment.h"
#include "pbtest.h"
#include "plugin/value.h"

static const struct pb_registry *reg(void)
{
	pbt_plugin(PB_KIND_WORKLOAD, "listy");
	return pbt_registry();
}

static void parse_ok(const char *yaml, struct pb_experiment_file *f)
{
	struct pb_err err = {{0}};
	int rc = pb_experiment_parse("dir/t.yaml", yaml, strlen(yaml), reg(), f,
				     &err);
	cr_assert_eq(rc, PB_OK, "%s\n--- in:\n%s", err.msg, yaml);
}

/* Fails the test unless yaml is refused at `where` with msg in the text. */
static void parse_bad(const char *yaml, const char *where, const char *msg)
{
	struct pb_experiment_file f;
	struct pb_err err = {{0}};
	char prefix[64];
	int rc =
	    pb_experiment_parse("t.yaml", yaml, strlen(yaml), reg(), &f, &err);

	cr_assert_eq(rc, PB_ERROR, "accepted:\n%s", yaml);
	snprintf(prefix, sizeof(prefix), "t.yaml:%s: ", where);
	cr_assert(strncmp(err.msg, prefix, strlen(prefix)) == 0,
		  "'%s' does not start with '%s'", err.msg, prefix);
	cr_assert(strstr(err.msg, msg), "'%s' lacks '%s'", err.msg, msg);
	cr_assert_null(strchr(err.msg, '\n'), "two lines: %s", err.msg);
	cr_assert_null(f.arena.head, "arena not freed");
	cr_assert_eq(f.n, 0);
	cr_assert_null(f.items);
}

static const struct pb_axis *waxis(const struct pb_experiment *e,
				   const char *name)
{
	for (size_t k = 0; k < e->workload->nparams; k++)
		if (strcmp(e->workload->params[k].name, name) == 0)
			return &e->wparams[k];
	cr_assert_fail("no workload parameter %s", name);
	return NULL;
}

static const struct pb_axis *saxis(const struct pb_experiment *e,
				   const char *strategy, const char *name)
{
	for (size_t s = 0; s < e->nstrategies; s++) {
		const struct pb_plugin *p = e->strategies[s].plugin;
		if (strcmp(p->name, strategy))
			continue;
		for (size_t k = 0; k < p->nparams; k++)
			if (strcmp(p->params[k].name, name) == 0)
				return &e->strategies[s].params[k];
	}
	cr_assert_fail("no strategy parameter %s.%s", strategy, name);
	return NULL;
}

static const struct pb_experiment *named(const struct pb_experiment_file *f,
					 const char *name)
{
	for (size_t k = 0; k < f->n; k++)
		if (strcmp(f->items[k].name, name) == 0)
			return &f->items[k];
	cr_assert_fail("no experiment %s", name);
	return NULL;
}

/* ---- Good files --------------------------------------------------------- */

Test(experiment, minimal_file_gets_every_default)
{
	struct pb_experiment_file f;
	parse_ok("workload: pi\nstrategies: serial\n", &f);
	cr_assert_eq(f.n, 1);
	const struct pb_experiment *e = &f.items[0];
	cr_assert_str_eq(e->name, "t");
	cr_assert_str_eq(e->description, "");
	cr_assert_str_eq(e->workload->name, "pi");
	cr_assert_eq(e->nstrategies, 1);
	cr_assert_str_eq(e->strategies[0].plugin->name, "serial");
	cr_assert_eq(e->nworkers, 1);
	cr_assert_eq(e->workers[0], 1);
	cr_assert_eq(e->repetitions, 3);
	cr_assert_eq(e->warmup, 1);
	cr_assert_str_eq(e->baseline_strategy, "serial");
	cr_assert_eq(e->baseline_workers, 1);
	cr_assert_eq(e->timeout_s, 0);
	cr_assert_eq(e->seed, 1);
	cr_assert_not(e->fit_oversubscribed);
	cr_assert_eq(e->order, PB_ORDER_INTERLEAVED);
	cr_assert_float_eq(e->contention, 0.1, 1e-12);
	cr_assert_not(e->repetitions_auto);
	cr_assert_float_eq(e->precision, 0.02, 1e-12);
	cr_assert_eq(e->max_repetitions, 30);
	cr_assert_eq(e->max_time_s, 0);
	cr_assert_eq(e->mark.line, 1);
	cr_assert_eq(e->mark.column, 1);
	/* Workload defaults, one value each, not written anywhere. */
	cr_assert_eq(waxis(e, "samples")->n, 1);
	cr_assert_eq(waxis(e, "samples")->values[0].u.i, 10000000);
	cr_assert_eq(waxis(e, "tasks")->values[0].u.i, 64);
	cr_assert_eq(waxis(e, "seed")->values[0].u.i, 1);
	cr_assert_eq(waxis(e, "samples")->mark.line, 0);
	cr_assert_str_eq(f.path, "dir/t.yaml");
	cr_assert_eq(f.text_len, strlen(f.text));
	cr_assert_str_eq(f.text, "workload: pi\nstrategies: serial\n");
	pb_experiment_free(&f);
}

Test(experiment, full_file_with_axes_and_positions)
{
	struct pb_experiment_file f;
	parse_ok("# comment\n"
		 "name: pi-scaling\n"
		 "description: Monte Carlo pi\n"
		 "repetitions: 5\n"
		 "warmup: 0\n"
		 "baseline: { strategy: serial, workers: 1 }\n"
		 "workload: pi\n"
		 "params:\n"
		 "  samples: [1e6, 10_000_000]\n"
		 "  tasks: 64\n"
		 "strategies: [serial, pthreads]\n"
		 "workers: [1, 2, 4]\n"
		 "timeout: 2m\n"
		 "seed: 42\n"
		 "fit_oversubscribed: yes\n"
		 "order: sequential\n"
		 "contention: 0.5\n",
		 &f);
	const struct pb_experiment *e = &f.items[0];
	cr_assert_str_eq(e->name, "pi-scaling");
	cr_assert_str_eq(e->description, "Monte Carlo pi");
	cr_assert_eq(e->repetitions, 5);
	cr_assert_eq(e->warmup, 0);
	cr_assert_eq(e->mark.line, 2);
	const struct pb_axis *s = waxis(e, "samples");
	cr_assert_eq(s->n, 2);
	cr_assert_eq(s->values[0].u.i, 1000000);
	cr_assert_eq(s->values[1].u.i, 10000000);
	cr_assert_eq(s->mark.line, 9);
	cr_assert_eq(s->mark.column, 12);
	cr_assert_eq(waxis(e, "tasks")->mark.line, 10);
	cr_assert_eq(e->nstrategies, 2);
	cr_assert_str_eq(e->strategies[1].plugin->name, "pthreads");
	cr_assert_eq(e->nworkers, 3);
	cr_assert_eq(e->workers[2], 4);
	cr_assert_float_eq(e->timeout_s, 120, 1e-9);
	cr_assert_eq(e->seed, 42);
	cr_assert(e->fit_oversubscribed);
	cr_assert_eq(e->order, PB_ORDER_SEQUENTIAL);
	cr_assert_float_eq(e->contention, 0.5, 1e-12);
	/* Strategy defaults: pthreads' schedule and chunk. */
	cr_assert_str_eq(saxis(e, "pthreads", "schedule")->values[0].u.s,
			 "dynamic");
	cr_assert_eq(saxis(e, "pthreads", "chunk")->values[0].u.i, 1);
	pb_experiment_free(&f);
}

Test(experiment, seed_fills_the_workload_seed)
{
	struct pb_experiment_file f;
	parse_ok("workload: pi\nstrategies: serial\nseed: 42\n", &f);
	cr_assert_eq(waxis(&f.items[0], "seed")->values[0].u.i, 42);
	cr_assert_eq(waxis(&f.items[0], "seed")->mark.line, 3);
	pb_experiment_free(&f);
	/* params wins over seed. */
	parse_ok("workload: pi\nstrategies: serial\nseed: 42\n"
		 "params: {seed: [7, 8]}\n",
		 &f);
	cr_assert_eq(waxis(&f.items[0], "seed")->n, 2);
	cr_assert_eq(waxis(&f.items[0], "seed")->values[0].u.i, 7);
	cr_assert_eq(f.items[0].seed, 42);
	pb_experiment_free(&f);
}

Test(experiment, strategy_params_flat_form)
{
	struct pb_experiment_file f;
	parse_ok("workload: pi\nstrategies: [serial, pthreads]\n"
		 "strategy_params: {schedule: [static, dynamic], chunk: 4}\n",
		 &f);
	const struct pb_axis *sch = saxis(&f.items[0], "pthreads", "schedule");
	cr_assert_eq(sch->n, 2);
	cr_assert_str_eq(sch->values[0].u.s, "static");
	cr_assert_str_eq(sch->values[1].u.s, "dynamic");
	cr_assert_eq(sch->mark.line, 3);
	cr_assert_eq(saxis(&f.items[0], "pthreads", "chunk")->values[0].u.i, 4);
	pb_experiment_free(&f);
}

Test(experiment, strategy_params_per_strategy_wins_over_flat)
{
	struct pb_experiment_file f;
	parse_ok("workload: pi\nstrategies: [serial, pthreads]\n"
		 "strategy_params:\n"
		 "  chunk: 4\n"
		 "  pthreads: {chunk: [1, 8]}\n"
		 "  schedule: static\n",
		 &f);
	const struct pb_axis *chunk = saxis(&f.items[0], "pthreads", "chunk");
	cr_assert_eq(chunk->n, 2);
	cr_assert_eq(chunk->values[1].u.i, 8);
	cr_assert_str_eq(
	    saxis(&f.items[0], "pthreads", "schedule")->values[0].u.s,
	    "static");
	pb_experiment_free(&f);
}

Test(experiment, experiments_override_and_merge)
{
	struct pb_experiment_file f;
	parse_ok("name: base\n"
		 "workload: pi\n"
		 "params: {samples: 1e6, tasks: 8}\n"
		 "strategies: [serial, pthreads]\n"
		 "strategy_params: {schedule: static}\n"
		 "workers: [1, 2]\n"
		 "repetitions: 4\n"
		 "experiments:\n"
		 "  - name: small\n"
		 "    params: {samples: [1e3, 1e4]}\n"
		 "  - name: big\n"
		 "    workers: 8\n"
		 "    strategy_params: {pthreads: {chunk: 16}}\n"
		 "  - repetitions: 1\n",
		 &f);
	cr_assert_eq(f.n, 3);
	const struct pb_experiment *small = named(&f, "small");
	cr_assert_eq(waxis(small, "samples")->n, 2);
	cr_assert_eq(waxis(small, "samples")->values[1].u.i, 10000);
	cr_assert_eq(waxis(small, "tasks")->values[0].u.i, 8); /* merged */
	cr_assert_eq(small->nworkers, 2);
	cr_assert_eq(small->repetitions, 4);
	cr_assert_eq(small->mark.line, 9);
	const struct pb_experiment *big = named(&f, "big");
	cr_assert_eq(waxis(big, "samples")->values[0].u.i, 1000000);
	cr_assert_eq(big->nworkers, 1); /* replaced, not merged */
	cr_assert_eq(big->workers[0], 8);
	cr_assert_eq(saxis(big, "pthreads", "chunk")->values[0].u.i, 16);
	cr_assert_str_eq(saxis(big, "pthreads", "schedule")->values[0].u.s,
			 "static");
	/* An entry without a name is named after the file's and its index. */
	const struct pb_experiment *third = named(&f, "base-3");
	cr_assert_eq(third->repetitions, 1);
	cr_assert_eq(third, &f.items[2]);
	pb_experiment_free(&f);
}

Test(experiment, entry_params_override_top_params_per_parameter)
{
	struct pb_experiment_file f;
	parse_ok("workload: pi\nstrategies: serial\n"
		 "params: {samples: 5e6, tasks: 16, seed: 3}\n"
		 "experiments:\n"
		 "  - params: {tasks: 32}\n"
		 "  - params: {seed: 9, samples: 1e3}\n",
		 &f);
	cr_assert_eq(waxis(&f.items[0], "samples")->values[0].u.i, 5000000);
	cr_assert_eq(waxis(&f.items[0], "tasks")->values[0].u.i, 32);
	cr_assert_eq(waxis(&f.items[0], "seed")->values[0].u.i, 3);
	cr_assert_eq(waxis(&f.items[1], "samples")->values[0].u.i, 1000);
	cr_assert_eq(waxis(&f.items[1], "tasks")->values[0].u.i, 16);
	cr_assert_eq(waxis(&f.items[1], "seed")->values[0].u.i, 9);
	cr_assert_str_eq(f.items[0].name, "t-1");
	cr_assert_str_eq(f.items[1].name, "t-2");
	pb_experiment_free(&f);
}

/* Top-level params belong to the top-level workload only. */
Test(experiment, entry_with_another_workload_does_not_inherit_params)
{
	struct pb_experiment_file f;
	parse_ok("workload: pi\nstrategies: serial\n"
		 "params: {samples: 5e6, tasks: 16}\n"
		 "experiments:\n"
		 "  - name: same\n"
		 "  - name: other\n"
		 "    workload: listy\n"
		 "    params: {label: x}\n",
		 &f);
	cr_assert_eq(waxis(named(&f, "same"), "tasks")->values[0].u.i, 16);
	cr_assert_str_eq(named(&f, "other")->workload->name, "listy");
	pb_experiment_free(&f);
	/* Within the other workload, its own parameters are still checked. */
	parse_bad("workload: pi\nstrategies: serial\n"
		  "params: {samples: 5e6}\n"
		  "experiments:\n"
		  "  - workload: listy\n"
		  "    params: {label: x, samples: 3}\n",
		  "6:24", "unknown parameter 'samples' of workload 'listy'");
}

/* Shared defaults may set parameters of strategies an entry does not use. */
Test(experiment, shared_strategy_params_may_name_unused_strategies)
{
	struct pb_experiment_file f;
	parse_ok("workload: pi\n"
		 "strategy_params: {pthreads: {chunk: 2}, schedule: static}\n"
		 "experiments:\n"
		 "  - {name: a, strategies: serial}\n"
		 "  - {name: b, strategies: [serial, pthreads]}\n",
		 &f);
	cr_assert_eq(f.items[0].nstrategies, 1);
	cr_assert_eq(saxis(&f.items[1], "pthreads", "chunk")->values[0].u.i, 2);
	pb_experiment_free(&f);
}

Test(experiment, list_typed_parameters)
{
	struct pb_experiment_file f;
	parse_ok("workload: listy\nstrategies: serial\n"
		 "params:\n"
		 "  label: x\n"
		 "  numbers: [1, 2, 3]\n"
		 "  words: [[a], [b, c], []]\n",
		 &f);
	const struct pb_axis *n = waxis(&f.items[0], "numbers");
	cr_assert_eq(n->n, 1, "a list of scalars is one value");
	cr_assert_eq(n->values[0].type, PB_INT_LIST);
	cr_assert_eq(n->values[0].u.ints.n, 3);
	cr_assert_eq(n->values[0].u.ints.v[2], 3);
	const struct pb_axis *w = waxis(&f.items[0], "words");
	cr_assert_eq(w->n, 3, "a list of lists is an axis");
	cr_assert_eq(w->values[1].u.strings.n, 2);
	cr_assert_str_eq(w->values[1].u.strings.v[1], "c");
	cr_assert_eq(w->values[2].u.strings.n, 0);
	pb_experiment_free(&f);
	parse_ok("workload: listy\nstrategies: serial\n"
		 "params: {label: x, numbers: 7, words: []}\n",
		 &f);
	n = waxis(&f.items[0], "numbers");
	cr_assert_eq(n->n, 1);
	cr_assert_eq(n->values[0].u.ints.n, 1, "a scalar is a list of one");
	cr_assert_eq(n->values[0].u.ints.v[0], 7);
	cr_assert_eq(waxis(&f.items[0], "words")->values[0].u.strings.n, 0);
	pb_experiment_free(&f);
}

Test(experiment, typed_values_quoted_or_not)
{
	struct pb_experiment_file f;
	parse_ok("workload: listy\nstrategies: serial\n"
		 "params:\n"
		 "  label: \"1e7\"\n"
		 "  numbers: [\"1e3\", '2_000']\n"
		 "  block: [4k, 1GiB, '250M']\n"
		 "  pause: [20ms, 1.5s, 1m]\n"
		 "  ratio: 0.25\n"
		 "  verbose: [yes, off]\n",
		 &f);
	const struct pb_experiment *e = &f.items[0];
	cr_assert_str_eq(waxis(e, "label")->values[0].u.s, "1e7");
	cr_assert_eq(waxis(e, "numbers")->values[0].u.ints.v[1], 2000);
	cr_assert_eq(waxis(e, "block")->values[1].u.i, 1 << 30);
	cr_assert_eq(waxis(e, "block")->values[2].u.i, 250 << 20);
	cr_assert_float_eq(waxis(e, "pause")->values[0].u.f, 0.02, 1e-12);
	cr_assert_float_eq(waxis(e, "pause")->values[2].u.f, 60, 1e-12);
	cr_assert_float_eq(waxis(e, "ratio")->values[0].u.f, 0.25, 1e-15);
	cr_assert(waxis(e, "verbose")->values[0].u.b);
	cr_assert_not(waxis(e, "verbose")->values[1].u.b);
	pb_experiment_free(&f);
}

Test(experiment, anchors_and_aliases_share_values)
{
	struct pb_experiment_file f;
	parse_ok("workload: pi\nstrategies: serial\n"
		 "workers: &w [1, 2]\n"
		 "experiments:\n"
		 "  - {name: a, params: &p {tasks: 4}}\n"
		 "  - {name: b, params: *p, workers: *w}\n",
		 &f);
	cr_assert_eq(waxis(&f.items[1], "tasks")->values[0].u.i, 4);
	cr_assert_eq(f.items[1].nworkers, 2);
	pb_experiment_free(&f);
}

Test(experiment, block_description_and_null_description)
{
	struct pb_experiment_file f;
	parse_ok("workload: pi\nstrategies: serial\n"
		 "description: |\n  two\n  lines\n",
		 &f);
	cr_assert_str_eq(f.items[0].description, "two\nlines\n");
	pb_experiment_free(&f);
	parse_ok("workload: pi\nstrategies: serial\ndescription:\n", &f);
	cr_assert_str_eq(f.items[0].description, "");
	pb_experiment_free(&f);
}

Test(experiment, default_name_is_sanitised_base_name)
{
	struct pb_experiment_file f;
	struct pb_err err;
	const char *y = "workload: pi\nstrategies: serial\n";
	cr_assert_eq(pb_experiment_parse("a/b/my exp.yml", y, strlen(y), reg(),
					 &f, &err),
		     PB_OK);
	cr_assert_str_eq(f.items[0].name, "my_exp");
	pb_experiment_free(&f);
	cr_assert_eq(
	    pb_experiment_parse("..yaml", y, strlen(y), reg(), &f, &err),
	    PB_OK);
	cr_assert_str_eq(f.items[0].name, "experiment");
	pb_experiment_free(&f);
}

Test(experiment, explicit_baseline_in_the_matrix)
{
	struct pb_experiment_file f;
	parse_ok("workload: pi\nstrategies: [serial, pthreads]\n"
		 "workers: [2, 4]\n"
		 "baseline: {strategy: pthreads, workers: 2}\n",
		 &f);
	cr_assert_str_eq(f.items[0].baseline_strategy, "pthreads");
	cr_assert_eq(f.items[0].baseline_workers, 2);
	pb_experiment_free(&f);
}

Test(experiment, text_need_not_be_terminated)
{
	struct pb_experiment_file f;
	struct pb_err err;
	const char y[] = "workload: pi\nstrategies: serialXXXX";
	cr_assert_eq(
	    pb_experiment_parse("t.yaml", y, sizeof(y) - 5, reg(), &f, &err),
	    PB_OK, "%s", err.msg);
	cr_assert_str_eq(f.items[0].strategies[0].plugin->name, "serial");
	cr_assert_str_eq(f.text, "workload: pi\nstrategies: serial");
	pb_experiment_free(&f);
}

Test(experiment, load_from_file_and_free_twice)
{
	char path[] = "/tmp/pbexpXXXXXX.yaml";
	int fd = mkstemps(path, 5);
	struct pb_experiment_file f;
	struct pb_err err;
	const char *y = "workload: pi\nstrategies: [serial]\nworkers: [1, 2]\n";

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, y, strlen(y)), (ssize_t)strlen(y));
	close(fd);
	cr_assert_eq(pb_experiment_load(path, reg(), &f, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(f.items[0].nworkers, 2);
	cr_assert_str_eq(f.text, y);
	cr_assert_str_eq(f.path, path);
	pb_experiment_free(&f);
	pb_experiment_free(&f);
	unlink(path);
	struct pb_experiment_file zero = {0};
	pb_experiment_free(&zero);
	pb_experiment_free(NULL);
}

Test(experiment, missing_file_and_folder)
{
	struct pb_experiment_file f;
	struct pb_err err;
	cr_assert_eq(pb_experiment_load("/nonexistent/x.yaml", reg(), &f, &err),
		     PB_ERROR);
	cr_assert(strstr(err.msg, "/nonexistent/x.yaml: cannot open"), "%s",
		  err.msg);
	cr_assert_null(f.arena.head);
	cr_assert_eq(pb_experiment_load("/tmp", reg(), &f, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "/tmp: is a folder"), "%s", err.msg);
}

/* ---- Malformed files ---------------------------------------------------- */

Test(experiment_bad, tab_indentation)
{
	parse_bad("workload: pi\nstrategies: serial\nparams:\n\tsamples: 1\n",
		  "4:1", "a tab character");
}

Test(experiment_bad, unclosed_quote)
{
	parse_bad("workload: pi\nstrategies: \"serial\n", "3:1",
		  "while scanning a quoted scalar at line 2, column 13");
}

Test(experiment_bad, unclosed_bracket)
{
	parse_bad("workload: pi\nstrategies: [serial, pthreads\n", "3:1",
		  "did not find expected ',' or ']'");
}

Test(experiment_bad, bad_indentation)
{
	parse_bad("workload: pi\n  strategies: serial\n", "2:13",
		  "mapping values are not allowed in this context");
}

Test(experiment_bad, invalid_utf8_offset_becomes_line_and_column)
{
	parse_bad("workload: pi\nstrategies: serial\nname: ab\xff\n", "3:9",
		  "invalid leading UTF-8 octet (value 0xff at byte 40)");
}

Test(experiment_bad, nul_byte)
{
	const char y[] = "workload: pi\0\n";
	struct pb_experiment_file f;
	struct pb_err err;
	cr_assert_eq(
	    pb_experiment_parse("t.yaml", y, sizeof(y) - 1, reg(), &f, &err),
	    PB_ERROR);
	cr_assert(strncmp(err.msg,
			  "t.yaml:1:13: invalid text: control "
			  "characters are not allowed",
			  52) == 0,
		  "%s", err.msg);
}

Test(experiment_bad, empty_file_only_comments_only_scalar_only_list)
{
	parse_bad("", "1:1", "the file is empty");
	parse_bad("# nothing\n\n", "1:1", "the file is empty");
	parse_bad("hello\n", "1:1",
		  "the document is a value; expected a mapping of experiment "
		  "keys");
	parse_bad("- a\n- b\n", "1:1",
		  "the document is a list; expected a mapping of experiment "
		  "keys");
	parse_bad("---\n", "1:1", "expected a mapping of experiment keys");
}

Test(experiment_bad, two_documents)
{
	parse_bad("workload: pi\nstrategies: serial\n---\nworkload: pi\n",
		  "3:1", "a second YAML document");
}

Test(experiment_bad, unknown_top_level_key_with_suggestion)
{
	parse_bad("workload: pi\nstrategies: serial\nworker: 2\n", "3:1",
		  "unknown key 'worker'; did you mean 'workers'?");
	parse_bad("workload: pi\nstrategies: serial\nzzz: 2\n", "3:1",
		  "unknown key 'zzz'; expected one of: name, description");
	parse_bad("workload: pi\nstrategies: serial\nsamples: 2\n", "3:1",
		  "it is a parameter of workload 'pi'; expected it under "
		  "'params:'");
}

Test(experiment_bad, unknown_parameter)
{
	parse_bad("workload: pi\nstrategies: serial\nparams: {sample: 5}\n",
		  "3:10",
		  "unknown parameter 'sample' of workload 'pi'; did you mean "
		  "'samples'?");
	parse_bad("workload: pi\nstrategies: pthreads\n"
		  "strategy_params: {pthreads: {chunks: 5}}\n",
		  "3:30",
		  "unknown parameter 'chunks' of strategy 'pthreads'; did you "
		  "mean 'chunk'?");
}

Test(experiment_bad, wrong_types)
{
	parse_bad("workload: pi\nstrategies: serial\nparams: {samples: abc}\n",
		  "3:19",
		  "samples: expected an integer such as 42, 10_000 or 1e7, "
		  "got 'abc'");
	parse_bad("workload: pi\nstrategies: serial\ntimeout: 5 parsecs\n",
		  "3:10", "timeout: expected a duration");
	parse_bad("workload: pi\nstrategies: serial\nfit_oversubscribed: 2\n",
		  "3:21", "expected true or false, got '2'");
	parse_bad("workload: pi\nstrategies: serial\norder: random\n", "3:8",
		  "order: expected one of interleaved|sequential");
	parse_bad("workload: pi\nstrategies: serial\norder: [sequential]\n",
		  "3:8", "order is a list; expected");
	parse_bad("workload: pi\nstrategies: serial\ncontention: -1\n", "3:13",
		  "contention: -1 is out of range");
	parse_bad("workload: pi\nstrategies: serial\ncontention: lots\n",
		  "3:13", "contention: expected");
	parse_bad("workload: pi\nstrategies: serial\nrepetitions: often\n",
		  "3:14", "repetitions: expected");
	parse_bad("workload: pi\nstrategies: serial\nmax_repetitions: 4\n",
		  "3:18", "max_repetitions: 4 is out of range");
	parse_bad("workload: pi\nstrategies: serial\nprecision: 0\n", "3:12",
		  "precision: 0 is out of range");
	parse_bad("workload: pi\nstrategies: pthreads\n"
		  "strategy_params: {schedule: guided}\n",
		  "3:29", "schedule: expected one of static|dynamic");
}

Test(experiment_bad, out_of_range)
{
	parse_bad("workload: pi\nstrategies: serial\nworkers: [1, 5000]\n",
		  "3:14", "workers: 5000 is out of range: expected 1 to 4096");
	parse_bad("workload: pi\nstrategies: serial\nworkers: 0\n", "3:10",
		  "workers: 0 is out of range");
	parse_bad("workload: pi\nstrategies: serial\nparams: {tasks: 2e9}\n",
		  "3:17", "tasks: 2e9 is out of range");
	parse_bad("workload: pi\nstrategies: serial\nrepetitions: 0\n", "3:14",
		  "repetitions: 0 is out of range: expected 1 to 100000");
	parse_bad("workload: pi\nstrategies: serial\nwarmup: -1\n", "3:9",
		  "warmup: -1 is out of range");
	parse_bad("workload: listy\nstrategies: serial\n"
		  "params: {label: x, block: 2G}\n",
		  "3:27", "block: 2G is out of range");
	parse_bad("workload: pi\nstrategies: serial\nseed: -3\n", "3:7",
		  "seed: -3 is out of range");
}

Test(experiment_bad, empty_axes)
{
	parse_bad("workload: pi\nstrategies: serial\nparams: {samples: []}\n",
		  "3:19", "samples is an empty list");
	parse_bad("workload: pi\nstrategies: []\n", "2:13",
		  "strategies is an empty list");
	parse_bad("workload: pi\nstrategies: serial\nworkers: []\n", "3:10",
		  "workers is an empty list");
	parse_bad("workload: pi\nstrategies: serial\nexperiments: []\n", "3:14",
		  "experiments is an empty list");
}

Test(experiment_bad, empty_values_point_at_their_key)
{
	parse_bad("workload:\nstrategies: serial\n", "1:1",
		  "workload is an empty value; expected the name of a "
		  "workload plugin");
	parse_bad("workload: pi\nstrategies: serial\nparams:\n  samples:\n"
		  "  tasks: 4\n",
		  "4:3", "samples is an empty value; expected an integer");
}

Test(experiment_bad, duplicate_keys_name_the_first)
{
	parse_bad("workload: pi\nstrategies: serial\nworkers: 1\nworkers: 2\n",
		  "4:1", "duplicate key 'workers' (first at line 3)");
	parse_bad("workload: pi\nstrategies: serial\n"
		  "params:\n  tasks: 1\n  samples: 5\n  tasks: 2\n",
		  "6:3", "duplicate key 'tasks' (first at line 4)");
	parse_bad("workload: pi\nstrategies: pthreads\n"
		  "strategy_params: {chunk: 1, chunk: 2}\n",
		  "3:29", "duplicate key 'chunk'");
	parse_bad("workload: pi\nstrategies: serial\n"
		  "baseline: {workers: 1, workers: 1}\n",
		  "3:24", "duplicate key 'workers'");
}

Test(experiment_bad, unknown_plugins_list_the_available_ones)
{
	parse_bad("workload: py\nstrategies: serial\n", "1:11",
		  "unknown workload 'py'; did you mean 'pi'? (available:");
	parse_bad("workload: pi\nstrategies: [serial, pthread]\n", "2:22",
		  "unknown strategy 'pthread'; did you mean 'pthreads'?");
	parse_bad("workload: qqqqqq\nstrategies: serial\n", "1:11",
		  "unknown workload 'qqqqqq'; expected one of: ");
}

Test(experiment_bad, mapping_where_value_expected_and_back)
{
	parse_bad("workload: pi\nstrategies: serial\nparams: {samples: {a: "
		  "1}}\n",
		  "3:19", "samples is a mapping; expected an integer");
	parse_bad("workload: pi\nstrategies: serial\nparams: [1, 2]\n", "3:9",
		  "params is a list; expected a mapping");
	parse_bad("workload: {a: 1}\nstrategies: serial\n", "1:11",
		  "workload is a mapping; expected the name of a workload");
	parse_bad("workload: pi\nstrategies: serial\nrepetitions: [1, 2]\n",
		  "3:14", "repetitions is a list; expected an integer");
	parse_bad("workload: pi\nstrategies: serial\nbaseline: serial\n",
		  "3:11", "baseline is a value; expected a mapping such as");
	parse_bad(
	    "workload: pi\nstrategies: serial\nparams: {samples: [[1]]}\n",
	    "3:20", "samples: an element of the axis is a list");
	parse_bad("workload: pi\nstrategies: pthreads\n"
		  "strategy_params: {pthreads: 4}\n",
		  "3:29", "'pthreads' is a value; expected a mapping of its");
	parse_bad("workload: pi\nstrategies: pthreads\n"
		  "strategy_params: {chunk: {a: 1}}\n",
		  "3:26", "strategy parameter 'chunk' is a mapping");
}

Test(experiment_bad, missing_required_keys)
{
	parse_bad("strategies: serial\n", "1:1",
		  "missing key 'workload'; expected the name of a workload "
		  "plugin, from: ");
	parse_bad("workload: pi\n", "1:1", "missing key 'strategies'");
	parse_bad("workload: pi\nexperiments:\n  - name: a\n"
		  "    strategies: serial\n  - name: b\n",
		  "5:5", "missing key 'strategies' in experiment 'b'");
}

Test(experiment_bad, required_plugin_parameter)
{
	parse_bad("workload: listy\nstrategies: serial\n", "1:1",
		  "workload 'listy' needs parameter 'label' (a text); "
		  "expected it under 'params:'");
}

Test(experiment_bad, too_many_cells)
{
	char *y = malloc(1 << 20);
	size_t n = (size_t)sprintf(y, "workload: pi\nstrategies: serial\n"
				      "workers: [1, 2, 3, 4, 5, 6, 7, 8, 9, "
				      "10]\nparams:\n  tasks: [");
	for (int k = 1; k <= 100001; k++)
		n += (size_t)sprintf(y + n, "%s%d", k > 1 ? ", " : "", k);
	sprintf(y + n, "]\n");
	parse_bad(y, "1:1",
		  "experiment 't' expands to 1000010 cells; "
		  "expected at most 1000000");
	free(y);
}

/* 100 workers x 100 samples x 50 tasks = 500,000 cells per entry. */
Test(experiment_bad, too_many_cells_over_several_experiments)
{
	char *y = malloc(1 << 16);
	size_t n = (size_t)sprintf(y, "workload: pi\nstrategies: serial\n");
	const char *keys[] = {"workers: [", "params:\n  samples: [",
			      "  tasks: ["};
	const int counts[] = {100, 100, 50};

	for (int a = 0; a < 3; a++) {
		n += (size_t)sprintf(y + n, "%s", keys[a]);
		for (int k = 1; k <= counts[a]; k++)
			n += (size_t)sprintf(y + n, "%s%d", k > 1 ? ", " : "",
					     k);
		n += (size_t)sprintf(y + n, "]\n");
	}
	sprintf(y + n, "experiments:\n  - name: a\n  - name: b\n"
		       "  - name: c\n");
	parse_bad(y, "10:5",
		  "the experiments expand to more than 1000000 cells, "
		  "experiment 'c' adding 500000");
	free(y);
}

Test(experiment_bad, repeated_axis_values_and_strategies)
{
	parse_bad("workload: pi\nstrategies: serial\n"
		  "params: {samples: [1e6, 2e6, 1000000]}\n",
		  "3:30",
		  "samples: 1000000 repeats the value at line 3, column 20");
	parse_bad("workload: pi\nstrategies: [serial, serial]\n", "2:22",
		  "'serial' is listed twice");
	parse_bad("workload: pi\nstrategies: serial\nworkers: [4, 2, 4]\n",
		  "3:17", "workers: 4 repeats");
}

Test(experiment_bad, baseline_problems)
{
	parse_bad("workload: pi\nstrategies: serial\n"
		  "baseline: {strategy: nope}\n",
		  "3:22", "unknown strategy 'nope'");
	parse_bad("workload: pi\nstrategies: serial\n"
		  "baseline: {strategy: pthreads}\n",
		  "3:22",
		  "baseline strategy 'pthreads' is not in strategies (serial)");
	parse_bad("workload: pi\nstrategies: serial\nbaseline: {worker: 1}\n",
		  "3:12", "unknown key 'worker' in baseline; did you mean");
	parse_bad("workload: pi\nstrategies: serial\nworkers: [2, 4]\n"
		  "baseline: {workers: 1}\n",
		  "4:21", "baseline workers 1 is not in workers");
}

Test(experiment_bad, strategy_params_for_unlisted_strategies)
{
	parse_bad("workload: pi\nstrategies: serial\n"
		  "strategy_params: {chunk: 2}\n",
		  "3:19",
		  "none of the strategies serial has a parameter 'chunk'");
	parse_bad("workload: pi\nstrategies: serial\n"
		  "strategy_params: {pthreads: {chunk: 2}}\n",
		  "3:19",
		  "strategy_params names strategy 'pthreads', which is not in "
		  "strategies (serial)");
	parse_bad("workload: pi\nstrategies: pthreads\n"
		  "strategy_params: {chnk: 2}\n",
		  "3:19", "unknown strategy parameter 'chnk'");
	parse_bad("workload: pi\nstrategies: serial\n"
		  "strategy_params: {serial: {x: 1}}\n",
		  "3:28", "strategy 'serial' has no parameters");
}

Test(experiment_bad, experiment_entries)
{
	parse_bad("workload: pi\nstrategies: serial\n"
		  "experiments:\n  - name: a\n  - name: a\n",
		  "5:11",
		  "experiment name 'a' is used twice (first at line 4)");
	parse_bad("workload: pi\nstrategies: serial\n"
		  "experiments:\n  - name: a\n    experiments: []\n",
		  "5:5", "'experiments' inside an entry");
	parse_bad("workload: pi\nstrategies: serial\nexperiments: [1]\n",
		  "3:15",
		  "an entry of experiments is a value; expected a "
		  "mapping");
	parse_bad("workload: pi\nstrategies: serial\nexperiments: {a: 1}\n",
		  "3:14", "experiments is a mapping; expected a list");
	/* Shared keys are checked even when every entry overrides them. */
	parse_bad("workload: pi\nstrategies: serial\nworkers: 0\n"
		  "experiments:\n  - workers: 1\n",
		  "3:10", "workers: 0 is out of range");
}

Test(experiment_bad, names)
{
	parse_bad("workload: pi\nstrategies: serial\nname: \"a b\"\n", "3:7",
		  "invalid name 'a b'");
	parse_bad("workload: pi\nstrategies: serial\nname: ..\n", "3:7",
		  "invalid name '..'");
	parse_bad("workload: pi\nstrategies: serial\nname: a/b\n", "3:7",
		  "invalid name 'a/b'");
}

Test(experiment_bad, aliases_and_anchors)
{
	parse_bad("workload: pi\nstrategies: *nope\n", "2:13",
		  "found undefined alias *nope");
	parse_bad("workload: &a pi\nstrategies: &a serial\n", "2:13",
		  "found duplicate anchor (first occurrence at line 1");
}

Test(experiment_bad, deep_nesting)
{
	size_t depth = 10000;
	char *y = malloc(2 * depth + 64);
	size_t n = (size_t)sprintf(y, "workload: pi\nstrategies: serial\n"
				      "params: {samples: ");
	memset(y + n, '[', depth);
	memset(y + n + depth, ']', depth);
	strcpy(y + n + 2 * depth, "}\n");
	parse_bad(y, "3:81", "nested more than 64 deep");
	free(y);
}

Test(experiment_bad, keys_that_are_not_names)
{
	parse_bad("workload: pi\nstrategies: serial\n? [a]\n: 1\n", "3:3",
		  "a key that is a list; expected a name");
	parse_bad("workload: pi\nstrategies: serial\n~: 1\n", "3:1",
		  "a key that is an empty value");
}

Test(experiment_bad, long_value)
{
	size_t len = 70000;
	char *y = malloc(len + 64);
	size_t n = (size_t)sprintf(y, "workload: pi\nstrategies: serial\n"
				      "description: ");
	memset(y + n, 'x', len);
	strcpy(y + n + len, "\n");
	parse_bad(y, "3:14", "a value of 70000 bytes; expected at most 65536");
	free(y);
}

Test(experiment_bad, list_typed_parameter_shapes)
{
	parse_bad("workload: listy\nstrategies: serial\n"
		  "params: {label: x, numbers: [1, [2]]}\n",
		  "3:33", "numbers: an element of the list is a list");
	parse_bad("workload: listy\nstrategies: serial\n"
		  "params: {label: x, numbers: [[1], 2]}\n",
		  "3:35", "numbers: a list of lists holds a value");
	parse_bad("workload: listy\nstrategies: serial\n"
		  "params: {label: x, numbers: [[1], [1]]}\n",
		  "3:35", "numbers: this list repeats the value");
	parse_bad("workload: listy\nstrategies: serial\n"
		  "params: {label: x, numbers: [1, 2e9]}\n",
		  "3:33", "numbers: 2e9 is out of range");
}

Test(experiment_bad, seed_outside_the_workload_seed_range)
{
	/* pi's seed is 0..9.2e18 but the experiment seed may go to 2^63-1. */
	parse_bad("workload: pi\nstrategies: serial\n"
		  "seed: 9223372036854775807\n",
		  "3:7", "the seed fills parameter 'seed' of workload 'pi'");
}

Test(experiment_bad, message_is_one_line_even_with_newlines_in_values)
{
	parse_bad("workload: pi\nstrategies: serial\n"
		  "params: {samples: \"1\\n2\"}\n",
		  "3:19", "samples: expected an integer");
}
