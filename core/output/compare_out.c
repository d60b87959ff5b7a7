/*
 * compare_out.c — compare.csv and compare.md (see compare_out.h).
 *
 * compare.csv columns: experiment, workload, strategy, workers, params
 * ("name=value, ..."), n_a, n_b, not_ok_a, not_ok_b, median_a_s,
 * median_b_s, ratio (B / A), ratio_lo, ratio_hi (95% bootstrap),
 * change_pct ((ratio - 1) x 100), p_value (Mann–Whitney U, two-sided),
 * p_method ("exact" or "normal"), verdict, regression (true when slower
 * beyond --threshold with p < 0.05; empty without a threshold).
 */
#include "compare_out.h"

#include <math.h>

#include "lib/path.h"
#include "lib/textbuf.h"

bool pb_compare_regressed(const struct pb_cmp_cell *c, double threshold)
{
	return threshold >= 0 && c->p < PB_COMPARE_ALPHA &&
	       c->ratio > 1 + threshold && strcmp(c->verdict, "slower") == 0;
}

static void num(struct pb_buf *b, double v, int digits)
{
	if (isfinite(v))
		pb_buf_printf(b, ",%.*g", digits, v);
	else
		pb_buf_printf(b, ",");
}

static void text(struct pb_buf *b, const char *s)
{
	pb_buf_printf(b, ",");
	pb_buf_csv_field(b, s);
}

static void csv(const struct pb_comparison *c, double threshold,
		struct pb_buf *b)
{
	pb_buf_printf(b, "experiment,workload,strategy,workers,params,n_a,"
			 "n_b,not_ok_a,not_ok_b,median_a_s,median_b_s,ratio,"
			 "ratio_lo,ratio_hi,change_pct,p_value,p_method,"
			 "verdict,regression\n");
	for (size_t k = 0; k < c->n; k++) {
		const struct pb_cmp_cell *x = &c->cells[k];
		pb_buf_csv_field(b, x->key.experiment);
		text(b, x->key.workload);
		text(b, x->key.strategy);
		pb_buf_printf(b, ",%u", x->key.workers);
		text(b, x->key.params);
		pb_buf_printf(b, ",%zu,%zu,%zu,%zu", x->na, x->nb, x->bad_a,
			      x->bad_b);
		num(b, x->med_a, 9);
		num(b, x->med_b, 9);
		num(b, x->ratio, 6);
		num(b, x->ratio_lo, 6);
		num(b, x->ratio_hi, 6);
		num(b, (x->ratio - 1) * 100, 4);
		num(b, x->p, 4);
		text(b, x->exact ? "exact" : "normal");
		text(b, x->verdict);
		text(b, threshold < 0			     ? ""
			: pb_compare_regressed(x, threshold) ? "true"
							     : "false");
		pb_buf_printf(b, "\n");
	}
}

/* Text for a Markdown table cell: one line, pipes escaped. */
static void md_text(struct pb_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '`' || *s == '*' ||
		    *s == '_' || *s == '<' || *s == '[')
			pb_buf_printf(b, "\\%c", *s);
		else
			pb_buf_printf(b, "%c",
				      (unsigned char)*s < 0x20 ? ' ' : *s);
	}
}

static void md_key(struct pb_buf *b, const struct pb_cmp_key *k)
{
	md_text(b, k->experiment);
	pb_buf_printf(b, " / ");
	md_text(b, k->strategy);
	pb_buf_printf(b, " / %u worker%s", k->workers,
		      k->workers == 1 ? "" : "s");
	if (*k->params) {
		pb_buf_printf(b, " / ");
		md_text(b, k->params);
	}
}

/* Seconds in a unit that suits them: "12.34 ms". */
static void md_time(struct pb_buf *b, double v)
{
	static const char *const units[] = {"s", "ms", "µs", "ns"};
	int u = 0;

	if (!isfinite(v)) {
		pb_buf_printf(b, "–");
		return;
	}
	while (u < 3 && v != 0 && fabs(v) < 1)
		v *= 1000, u++;
	pb_buf_printf(b, "%.4g %s", v, units[u]);
}

static void md_only(struct pb_buf *b, const char *dir,
		    const struct pb_cmp_key *keys, size_t n)
{
	pb_buf_printf(b, "\n### Only in ");
	md_text(b, dir);
	pb_buf_printf(b, " (%zu)\n\n", n);
	for (size_t k = 0; k < n; k++) {
		pb_buf_printf(b, "- ");
		md_key(b, &keys[k]);
		pb_buf_printf(b, "\n");
	}
}

static void md(const struct pb_comparison *c, const char *a, const char *b_,
	       double threshold, struct pb_buf *b)
{
	pb_buf_printf(b, "# parabench compare\n\nA: `");
	md_text(b, a);
	pb_buf_printf(b, "`  \nB: `");
	md_text(b, b_);
	pb_buf_printf(b, "`\n\n");
	if (c->forced) {
		pb_buf_printf(b, "> **The experiments differ** (");
		md_text(b, c->differs);
		pb_buf_printf(b, "); compared with --force.\n\n");
	}
	pb_buf_printf(b,
		      "B / A is the ratio of the median wall times: above 1, "
		      "B is slower. Its interval is a 95%% percentile "
		      "bootstrap. p is the two-sided Mann–Whitney U test of "
		      "the ok runs (as Google Benchmark's compare.py); a cell "
		      "is slower or faster only when p < %.2f. With 3 runs a "
		      "side p cannot go below 0.1: use 5 or more.\n\n",
		      PB_COMPARE_ALPHA);
	if (threshold >= 0)
		pb_buf_printf(b,
			      "Regression check: slower by more than %.4g%% "
			      "with p < %.2f.\n\n",
			      threshold * 100, PB_COMPARE_ALPHA);
	pb_buf_printf(b, "| cell | n A | n B | median A | median B | B / A "
			 "(95%%) | p | verdict |\n"
			 "|---|---:|---:|---:|---:|---:|---:|---|\n");
	for (size_t k = 0; k < c->n; k++) {
		const struct pb_cmp_cell *x = &c->cells[k];
		pb_buf_printf(b, "| ");
		md_key(b, &x->key);
		pb_buf_printf(b, " | %zu | %zu | ", x->na, x->nb);
		md_time(b, x->med_a);
		pb_buf_printf(b, " | ");
		md_time(b, x->med_b);
		if (isfinite(x->ratio))
			pb_buf_printf(
			    b, " | %.3f (%.3f–%.3f) | %.3g | %s%s |\n",
			    x->ratio, x->ratio_lo, x->ratio_hi, x->p,
			    x->verdict,
			    pb_compare_regressed(x, threshold) ? " (regression)"
							       : "");
		else
			pb_buf_printf(b, " | – | – | %s |\n", x->verdict);
	}
	if (!c->n)
		pb_buf_printf(b, "| (no cell in both folders) | | | | | | | "
				 "|\n");
	if (c->n_only_a)
		md_only(b, a, c->only_a, c->n_only_a);
	if (c->n_only_b)
		md_only(b, b_, c->only_b, c->n_only_b);
}

static int write_one(const char *dir, const char *name, const struct pb_buf *b,
		     struct pb_err *err)
{
	char path[PB_PATH_MAX];

	if (pb_path_join(path, sizeof(path), dir, name, err))
		return PB_ERROR;
	if (b->oom)
		return pb_fail(err, "out of memory writing %s", path);
	return pb_write_file_atomic(path, b->data ? b->data : "", b->len, err);
}

int pb_compare_write(const struct pb_comparison *c, const char *a,
		     const char *b, double threshold, const char *dir,
		     struct pb_err *err)
{
	struct pb_buf tcsv = {0}, tmd = {0};
	int rc;

	csv(c, threshold, &tcsv);
	md(c, a, b, threshold, &tmd);
	rc = write_one(dir, "compare.csv", &tcsv, err) ||
		     write_one(dir, "compare.md", &tmd, err)
		 ? PB_ERROR
		 : PB_OK;
	pb_buf_free(&tcsv);
	pb_buf_free(&tmd);
	return rc;
}
