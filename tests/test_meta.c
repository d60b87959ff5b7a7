/*
 * test_meta.c — meta.json written and read back through jansson: the
 * writer's members (plugins as objects, the experiment's hash, the
 * repetitions, extra members), text that is not UTF-8, and the reader's
 * accessors and refusals with positions.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "pbt_files.h"
#include "pbtest.h"
#include "results/meta.h"
#include "results/meta_read.h"

TestSuite(meta, .fini = pbt_scratch_remove);

static void meta_ok(const char *text, struct pb_meta_doc *doc)
{
	struct pb_err err = {{0}};
	cr_assert_eq(pb_meta_parse("m.json", text, strlen(text), doc, &err),
		     PB_OK, "%s", err.msg);
}

static void meta_fails(const char *text, const char *want)
{
	struct pb_meta_doc doc = {0};
	struct pb_err err = {{0}};

	cr_assert_eq(pb_meta_parse("m.json", text, strlen(text), &doc, &err),
		     PB_ERROR, "accepted: %s", text);
	cr_assert(strstr(err.msg, want), "got: %s", err.msg);
	cr_assert_null(doc.root);
}

/* Writes meta for m into a scratch folder and reads it back. */
static void write_and_read(const struct pb_meta *m, struct pb_meta_doc *d)
{
	const char *dir = pbt_scratch_new();
	struct pb_err err = {{0}};
	char path[4096];

	cr_assert_eq(pb_meta_write(dir, m, &err), PB_OK, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	cr_assert_eq(pb_meta_read(path, d, &err), PB_OK, "%s", err.msg);
	char *text = pbt_read(path);
	cr_assert_eq(text[strlen(text) - 1], '\n', "no final newline");
	free(text);
}

Test(meta, writes_host_run_and_plugins)
{
	static const char yaml[] = "name: x\nworkload: pi\n";
	struct pb_meta m = {
	    .command_line = "parabench run x.yaml --repetitions 3",
	    .experiment_file = "x.yaml",
	    .experiment_text = yaml,
	    .experiment_len = sizeof(yaml) - 1,
	    .status = "running",
	    .started_utc = "2026-01-01T00:00:00.000Z",
	    .registry = pbt_registry(),
	    .repetitions = 3,
	};
	struct pb_meta_doc d;
	long long v;
	char sha[65];

	write_and_read(&m, &d);
	cr_assert_str_eq(pb_meta_get(&d, "status"), "running");
	cr_assert_str_eq(pb_meta_get(&d, "ended_utc"), "");
	cr_assert_str_eq(pb_meta_get(&d, "experiment_text"), yaml);
	pb_sha256_hex(yaml, sizeof(yaml) - 1, sha);
	cr_assert_str_eq(pb_meta_get(&d, "experiment_sha256"), sha);
	cr_assert(pb_meta_int(&d, "repetitions", 1, 1000, &v));
	cr_assert_eq(v, 3);
	cr_assert(pb_meta_int(&d, "cores", 1, 1 << 30, &v));
	cr_assert_eq(v, sysconf(_SC_NPROCESSORS_ONLN));
	cr_assert_not_null(pb_meta_get(&d, "host"));

	json_t *plugins = pb_meta_value(&d, "plugins");
	cr_assert(json_is_array(plugins));
	cr_assert_eq(json_array_size(plugins), pbt_registry()->n);
	bool saw_pi = false;
	size_t k;
	json_t *p;
	json_array_foreach(plugins, k, p)
	{
		const char *name =
		    json_string_value(json_object_get(p, "name"));
		const char *kind =
		    json_string_value(json_object_get(p, "kind"));
		const char *file =
		    json_string_value(json_object_get(p, "file"));
		const struct pb_loaded *l = &pbt_registry()->items[k];
		cr_assert_str_eq(name, l->plugin->name);
		cr_assert_str_eq(file, l->path);
		cr_assert_str_eq(
		    json_string_value(json_object_get(p, "version")),
		    l->plugin->version);
		cr_assert_str_eq(kind, l->plugin->kind == PB_KIND_WORKLOAD
					   ? "workload"
					   : "strategy");
		saw_pi |= strcmp(name, "pi") == 0;
	}
	cr_assert(saw_pi);
	pb_meta_doc_free(&d);
	pb_meta_doc_free(&d);
}

Test(meta, no_repetitions_option_is_null)
{
	struct pb_meta m = {.status = "complete"};
	struct pb_meta_doc d;
	long long v;

	write_and_read(&m, &d);
	cr_assert(json_is_null(pb_meta_value(&d, "repetitions")));
	cr_assert_not(pb_meta_int(&d, "repetitions", 1, 1000, &v));
	/* The hash of nothing is the well-known empty SHA-256. */
	cr_assert_str_eq(pb_meta_get(&d, "experiment_sha256"),
			 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495"
			 "991b7852b855");
	cr_assert_eq(json_array_size(pb_meta_value(&d, "plugins")), 0);
	pb_meta_doc_free(&d);
}

Test(meta, extra_members_are_added_and_may_replace)
{
	json_t *extra =
	    json_pack("{s:[f,f,f], s:s, s:{s:i}}", "loadavg", 0.5, 0.25, 0.125,
		      "status", "custom", "topology", "packages", 1);
	struct pb_meta m = {.status = "running", .extra = extra};
	struct pb_meta_doc d;

	cr_assert_not_null(extra);
	write_and_read(&m, &d);
	cr_assert_str_eq(pb_meta_get(&d, "status"), "custom");
	cr_assert(json_equal(pb_meta_value(&d, "loadavg"),
			     json_object_get(extra, "loadavg")));
	cr_assert_eq(json_integer_value(json_object_get(
			 pb_meta_value(&d, "topology"), "packages")),
		     1);
	cr_assert_not_null(pb_meta_get(&d, "kernel"));
	json_decref(extra);
	pb_meta_doc_free(&d);
}

Test(meta, text_that_is_not_utf8_is_kept_readable)
{
	/* A latin-1 file name, a lone continuation byte, an overlong '/'. */
	struct pb_meta m = {.command_line = "run caf\xe9.yaml \x80 \xc0\xaf ok",
			    .experiment_file = "caf\xe9.yaml",
			    .status = "running"};
	struct pb_meta_doc d;

	write_and_read(&m, &d);
	cr_assert_str_eq(pb_meta_get(&d, "command_line"),
			 "run caf\xef\xbf\xbd.yaml \xef\xbf\xbd "
			 "\xef\xbf\xbd\xef\xbf\xbd ok");
	cr_assert_str_eq(pb_meta_get(&d, "experiment_file"),
			 "caf\xef\xbf\xbd.yaml");
	pb_meta_doc_free(&d);
}

Test(meta, sha256_of_a_known_text)
{
	char sha[65];

	pb_sha256_hex("abc", 3, sha);
	cr_assert_str_eq(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9c"
			      "b410ff61f20015ad");
}

Test(meta, reader_accessors)
{
	struct pb_meta_doc d;
	long long v = 7;

	meta_ok(" {\"a\": \"text\", \"n\": -12.5e3, \"t\": true,\n"
		"\"z\": null, \"i\": 2, \"big\": 99999999999} \n",
		&d);
	cr_assert_str_eq(pb_meta_get(&d, "a"), "text");
	cr_assert_null(pb_meta_get(&d, "n"), "a number is not a string");
	cr_assert_null(pb_meta_get(&d, "missing"));
	cr_assert(pb_meta_int(&d, "i", 0, 10, &v));
	cr_assert_eq(v, 2);
	cr_assert_not(pb_meta_int(&d, "big", 0, 1 << 30, &v));
	cr_assert_not(pb_meta_int(&d, "n", -1e9, 1e9, &v), "not an integer");
	cr_assert_not(pb_meta_int(&d, "a", 0, 10, &v));
	cr_assert_eq(v, 2, "left alone on failure");
	cr_assert(json_is_true(pb_meta_value(&d, "t")));
	pb_meta_doc_free(&d);
}

Test(meta, escapes_and_unicode)
{
	struct pb_meta_doc d;

	meta_ok("{\"s\": \"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t "
		"\\u00e9 \\u20ac \\ud83d\\ude00\"}",
		&d);
	cr_assert_str_eq(pb_meta_get(&d, "s"),
			 "q\" b\\ s/ \b\f\n\r\t é € \xf0\x9f\x98\x80");
	pb_meta_doc_free(&d);
}

Test(meta, plugins_as_text)
{
	struct pb_meta_doc d;
	struct pb_buf b = {0};

	meta_ok("{\"plugins\": [{\"name\": \"pi\", \"version\": \"1.2\", "
		"\"kind\": \"workload\", \"file\": \"/p/pi.so\"}, "
		"{\"name\": \"fork\", \"kind\": \"strategy\"}], "
		"\"old\": \"pi 1.0; fork 1.0\"}",
		&d);
	pb_meta_plugins_text(pb_meta_value(&d, "plugins"), &b);
	cr_assert_str_eq(b.data, "pi 1.2 (workload), fork ? (strategy)");
	pb_buf_free(&b);
	pb_meta_plugins_text(pb_meta_value(&d, "old"), &b);
	cr_assert_str_eq(b.data, "pi 1.0; fork 1.0");
	pb_buf_free(&b);
	pb_meta_doc_free(&d);
}

Test(meta, refusals_with_positions)
{
	meta_fails("", "m.json:1:1: ");
	meta_fails("[1]", "m.json:1:1: not a JSON object");
	meta_fails("\"text\"", "m.json:1:");
	meta_fails("{\"a\" 1}", "m.json:1:6: ");
	meta_fails("{a: 1}", "m.json:1:2: ");
	meta_fails("{\"a\": 1} x", "m.json:1:10: ");
	meta_fails("{\"k\": 1, \"k\": 2}", "duplicate object key");
	meta_fails("{\"a\": \"x\ny\"}", "m.json:1:");
	meta_fails("{\n\n  \"a\": [", "m.json:3:");
	meta_fails("{\"a\": \"\\ud83d\"}", "m.json:1:");
	meta_fails("{\"a\": \"\xff\"}", "m.json:1:");
}

Test(meta, missing_file_is_named)
{
	struct pb_meta_doc d;
	struct pb_err err = {{0}};

	cr_assert_eq(pb_meta_read("/nonexistent/meta.json", &d, &err),
		     PB_ERROR);
	cr_assert(strstr(err.msg, "/nonexistent/meta.json: cannot open"), "%s",
		  err.msg);
	cr_assert_null(d.root);
}

Test(meta, the_hand_made_folder_reads)
{
	struct pb_meta_doc d;
	struct pb_err err = {{0}};
	char path[4096];
	long long v;

	snprintf(path, sizeof(path), "%s/results-basic/meta.json",
		 pbt_source_path("tests/data"));
	cr_assert_eq(pb_meta_read(path, &d, &err), PB_OK, "%s", err.msg);
	cr_assert(pb_meta_int(&d, "cores", 1, 64, &v));
	cr_assert_eq(v, 2);
	cr_assert(strstr(pb_meta_get(&d, "experiment_text"),
			 "\n  - name: oversub\n"));
	pb_meta_doc_free(&d);
}

Test(meta, the_age_of_a_time_stamp)
{
	char now[32];

	pb_utc_now(now);
	double age = pb_utc_age_s(now);
	cr_assert(age > -0.01 && age < 60, "%s: %g", now, age);
	/* 2000-01-01 began 946684800 s after the epoch */
	double y2k = pb_utc_age_s("2000-01-01T00:00:00Z");
	cr_assert_float_eq(pb_utc_age_s("2000-01-01T00:00:00.500Z"), y2k - 0.5,
			   0.05);
	cr_assert_gt(y2k, 7e8);
	static const char *const bad[] = {
	    "",
	    "now",
	    "2000-01-01",
	    "2000-13-01T00:00:00Z",
	    "2000-01-01T24:00:00Z",
	    "2000-01-01T00:00:00",
	    "2000-01-01T00:00:00.5Z",
	    "2000-01-01T00:00:00.500Zx",
	    "2000-01-01T00:00:00+01:00",
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(*bad); k++)
		cr_assert(isnan(pb_utc_age_s(bad[k])), "'%s'", bad[k]);
}
