/*
 * cli_machine.c — the machine's members of meta.json and capacity.csv
 * (see cli_machine.h).
 */
#include "cli_machine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/file.h"

#include "lib/machine.h"
#include "lib/path.h"

static json_t *load_averages(void)
{
	double l[3];
	json_t *a = json_array();

	pb_load_averages(l);
	for (int k = 0; k < 3 && a; k++)
		json_array_append_new(a, isnan(l[k]) ? json_null()
						     : json_real(l[k]));
	return a;
}

json_t *cli_machine_start(void)
{
	json_t *o = json_object();
	char gov[128];

	if (!o)
		return NULL;
	pb_cpu_governor(gov, sizeof(gov));
	json_object_set_new(o, "load_average_start", load_averages());
	json_object_set_new(o, "cpu_governor",
			    *gov ? json_string(gov) : json_null());
	return o;
}

static json_t *capacity(const struct pb_probe *p)
{
	json_t *a = json_array();

	for (size_t k = 0; k < p->ncounts && a; k++) {
		const struct pb_probe_count *c = &p->counts[k];
		json_array_append_new(
		    a, json_pack("{s:I, s:I, s:I, s:f, s:f, s:f}", "threads",
				 (json_int_t)c->threads, "probes",
				 (json_int_t)c->n, "contended_probes",
				 (json_int_t)c->n_contended, "mean_speedup",
				 c->sum / (double)c->n, "min_speedup", c->min,
				 "max_speedup", c->max));
	}
	return a;
}

void cli_machine_end(json_t *extra, const struct pb_runner_totals *t)
{
	if (!extra)
		return;
	json_object_set_new(extra, "load_average_end", load_averages());
	json_object_set_new(extra, "contended_rows",
			    json_integer((json_int_t)t->contended));
	json_object_set_new(extra, "capacity", capacity(&t->probe));
}

int cli_machine_open_capacity(const char *dir, struct pb_capacity_csv *csv,
			      struct pb_err *err)
{
	char path[PB_PATH_MAX];

	if (pb_path_join(path, sizeof(path), dir, "capacity.csv", err))
		return PB_ERROR;
	return pb_capacity_csv_open(csv, path, err);
}

void cli_print_warnings(const char *dir)
{
	char path[PB_PATH_MAX], *text = NULL;
	size_t len;
	struct pb_err err;

	if (pb_path_join(path, sizeof(path), dir, "report.md", &err) ||
	    pb_read_whole_file(path, &text, &len, &err))
		return;
	const char *w = strstr(text, "\n## Warnings\n");
	const char *end = w ? strstr(w + 1, "\n## ") : NULL;
	size_t shown = 0;
	for (const char *p = w; p && p < (end ? end : text + len);) {
		const char *nl = strchr(p + 1, '\n');
		size_t n = (size_t)((nl ? nl : text + len) - (p + 1));
		if (strncmp(p + 1, "- ", 2) == 0) {
			if (!shown++)
				fputs("warnings (see report.md):\n", stderr);
			/* Text from names in the files: no control bytes. */
			for (size_t k = 0; k < n; k++) {
				unsigned char ch = (unsigned char)p[1 + k];
				fputc(ch < 0x20 || ch == 0x7f ? '?' : ch,
				      stderr);
			}
			fputc('\n', stderr);
		}
		p = nl;
	}
	free(text);
}
