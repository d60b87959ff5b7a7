/*
 * test_e2e_paths.c — the real binary on names and values that must never
 * be cut or escape: a results folder named after a file called "...yaml"
 * stays inside results/ (issue 13, item 15), a list parameter longer than
 * 8 KiB reaches runs.csv whole (item 22), and an --out path too long is
 * refused instead of shortened.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
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

TestSuite(e2e_paths, .init = enter_tmp, .fini = leave_tmp, .timeout = 60);

static const char two_yaml[] = "workload: pi\n"
			       "params: { samples: 1e4, tasks: 2 }\n"
			       "strategies: [serial]\n"
			       "repetitions: 1\n"
			       "warmup: 0\n"
			       "experiments:\n"
			       "  - name: a\n"
			       "  - name: b\n";

/* The names in folder dir, "." and ".." left out, joined by ' '. */
static void names_in(const char *dir, char *buf, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t used = 0;

	cr_assert_not_null(d, "%s", dir);
	buf[0] = '\0';
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? " " : "", e->d_name);
	closedir(d);
}

Test(e2e_paths, a_file_named_dots_keeps_its_results_inside_results)
{
	struct pbt_proc p;
	char names[512];

	pbt_write("...yaml", two_yaml);
	pbt_parabench(&p, (const char *[]){"run", "...yaml", "--quiet",
					   "--no-report", NULL});
	cr_assert_eq(p.status, 0, "%s", p.err);
	/* Nothing beside the file and results/: no results/../<stamp>. */
	names_in(".", names, sizeof(names));
	cr_assert(!strcmp(names, "...yaml results") ||
		      !strcmp(names, "results ...yaml"),
		  "%s", names);
	names_in("results", names, sizeof(names));
	cr_assert_str_eq(names, "_.");
	pbt_proc_free(&p);
}

/* "[w0, w1, ...]" of n words, the last one with suffix. */
static char *word_list(size_t n, const char *suffix)
{
	struct pb_buf_like {
		char *s;
		size_t len;
	} b = {malloc(n * 16 + 64), 0};

	cr_assert_not_null(b.s);
	b.len += (size_t)sprintf(b.s, "[");
	for (size_t k = 0; k < n; k++)
		b.len +=
		    (size_t)sprintf(b.s + b.len, "%sword%05zu%s", k ? ", " : "",
				    k, k + 1 == n ? suffix : "");
	sprintf(b.s + b.len, "]");
	return b.s;
}

Test(e2e_paths, a_list_parameter_longer_than_8_kib_is_never_cut)
{
	struct pbt_proc p;
	struct pb_csv t;
	struct pb_err err = {{0}};
	char plugins[4096];
	char *one = word_list(1500, "x"), *two = word_list(1500, "y");
	size_t yaml_len = strlen(one) + strlen(two) + 512;
	char *yaml = malloc(yaml_len);

	cr_assert_not_null(yaml);
	snprintf(yaml, yaml_len,
		 "workload: listy\n"
		 "strategies: [serial]\n"
		 "repetitions: 1\n"
		 "warmup: 0\n"
		 "experiments:\n"
		 "  - name: one\n"
		 "    params: { label: x, words: %s }\n"
		 "  - name: two\n"
		 "    params: { label: x, words: %s }\n",
		 one, two);
	pbt_write("long.yaml", yaml);
	snprintf(plugins, sizeof(plugins), "%s/test-plugins", pbt_build());
	pbt_parabench(&p, (const char *[]){"run", "long.yaml", "--out", "res",
					   "--quiet", "--no-report",
					   "--plugin-dir", plugins, NULL});
	cr_assert_eq(p.status, 0, "%s", p.err);
	cr_assert_eq(pb_csv_read("res/runs.csv", 0, &t, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_eq(t.nrows, 2);
	const char *a = pb_csv_get(&t, 0, "param_words");
	const char *b = pb_csv_get(&t, 1, "param_words");
	/* 1500 words of 9 letters, 1499 ';', and the suffix. */
	cr_assert_eq(strlen(a), 1500 * 9 + 1499 + 1, "%zu", strlen(a));
	cr_assert_eq(strlen(b), strlen(a));
	cr_assert_str_eq(a + strlen(a) - 10, "word01499x");
	cr_assert_str_eq(b + strlen(b) - 10, "word01499y");
	pb_csv_free(&t);
	pbt_proc_free(&p);
	free(yaml);
	free(one);
	free(two);
}

Test(e2e_paths, an_out_path_too_long_is_refused_not_shortened)
{
	struct pbt_proc p;
	char out[5000], names[512];

	pbt_write("pi.yaml", two_yaml);
	memset(out, 'd', sizeof(out) - 1);
	out[sizeof(out) - 1] = '\0';
	for (size_t k = 100; k < sizeof(out) - 1; k += 100)
		out[k] = '/';
	pbt_parabench(&p,
		      (const char *[]){"run", "pi.yaml", "--out", out, NULL});
	cr_assert_eq(p.status, 2, "bad usage: %s", p.err);
	cr_assert(strstr(p.err, "bytes long"), "%s", p.err);
	names_in(".", names, sizeof(names));
	cr_assert_str_eq(names, "pi.yaml", "nothing made: %s", names);
	pbt_proc_free(&p);
}
