/*
 * failures.c — the rows not ok of runs.csv gathered per cell, with their
 * messages' first lines counted (see failures.h). The rows are sorted by
 * (experiment, cell, message), so cells and equal messages are runs of
 * one array: n log n in the rows.
 */
#include "failures.h"

#include <stdlib.h>

#include "lib/csv_read.h"
#include "lib/path.h"

struct bad_row {
	const char *exp, *msg; /* msg: the message's first line */
	long cell;
	size_t row;
};

static int cmp_bad(const void *x, const void *y)
{
	const struct bad_row *a = x, *b = y;
	int c = strcmp(a->exp, b->exp);

	if (c)
		return c;
	if (a->cell != b->cell)
		return a->cell < b->cell ? -1 : 1;
	c = strcmp(a->msg, b->msg);
	return c ? c : (a->row > b->row) - (a->row < b->row);
}

static int cmp_msg(const void *x, const void *y)
{
	const struct pb_failure_msg *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->text, b->text);
}

/* The first line of s, a copy in arena ("(no message)" when empty). */
static const char *first_line(struct pb_arena *arena, const char *s)
{
	size_t n = strcspn(s, "\r\n");

	return n ? pb_arena_strndup(arena, s, n)
		 : pb_arena_strdup(arena, "(no message)");
}

static void count_status(struct pb_failure *f, const char *st)
{
	f->failed += !strcmp(st, "failed");
	f->crashed += !strcmp(st, "crashed");
	f->timeout += !strcmp(st, "timeout");
	f->wrong += strcmp(st, "failed") && strcmp(st, "crashed") &&
		    strcmp(st, "timeout");
}

/* Gathers the sorted bad rows b[0..n) into out's cells. */
static int gather(const struct pb_csv *runs, struct bad_row *b, size_t n,
		  struct pb_failures *out)
{
	struct pb_arena *ar = &out->arena;

	out->cells = pb_arena_alloc(ar, (n + 1) * sizeof(*out->cells));
	if (!out->cells)
		return PB_ERROR;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && b[j].cell == b[i].cell &&
		       !strcmp(b[j].exp, b[i].exp))
			j++;
		struct pb_failure *f = &out->cells[out->n++];
		*f = (struct pb_failure){
		    .experiment = b[i].exp,
		    .strategy = pb_arena_strdup(
			ar, pb_csv_get(runs, b[i].row, "strategy")),
		    .cell = b[i].cell,
		    .workers = (unsigned)pb_csv_num(runs, b[i].row, "workers")};
		f->msgs = pb_arena_alloc(ar, (j - i) * sizeof(*f->msgs));
		if (!f->strategy || !f->msgs)
			return PB_ERROR;
		for (size_t k = i; k < j; k++) {
			count_status(f, pb_csv_get(runs, b[k].row, "status"));
			if (k == i || strcmp(b[k].msg, b[k - 1].msg))
				f->msgs[f->nmsgs++] =
				    (struct pb_failure_msg){b[k].msg, 0};
			f->msgs[f->nmsgs - 1].count++;
		}
		qsort(f->msgs, f->nmsgs, sizeof(*f->msgs), cmp_msg);
		i = j;
	}
	return PB_OK;
}

int pb_failures_read(const char *dir, struct pb_failures *out,
		     struct pb_err *err)
{
	struct pb_csv runs;
	struct bad_row *b = NULL;
	char path[PB_PATH_MAX];
	size_t n = 0;
	int rc = PB_ERROR;

	*out = (struct pb_failures){0};
	if (pb_path_join(path, sizeof(path), dir, "runs.csv", err) ||
	    pb_csv_read(path, PB_CSV_DROP_PARTIAL_TAIL, &runs, err))
		return PB_ERROR;
	long c_st = pb_csv_column(&runs, "status");
	long c_exp = pb_csv_column(&runs, "experiment");
	long c_msg = pb_csv_column(&runs, "message");
	if (c_st < 0 || c_exp < 0 || c_msg < 0 ||
	    pb_csv_column(&runs, "cell") < 0) {
		pb_fail(err,
			"%s: no status, experiment, cell or message column",
			path);
		goto out;
	}
	b = malloc((runs.nrows + 1) * sizeof(*b));
	if (!b)
		goto oom;
	for (size_t r = 0; r < runs.nrows; r++) {
		if (!strcmp(pb_csv_at(&runs, r, (size_t)c_st), "ok"))
			continue;
		b[n] = (struct bad_row){
		    .exp = pb_arena_strdup(&out->arena,
					   pb_csv_at(&runs, r, (size_t)c_exp)),
		    .msg = first_line(&out->arena,
				      pb_csv_at(&runs, r, (size_t)c_msg)),
		    .cell = (long)pb_csv_num(&runs, r, "cell"),
		    .row = r};
		if (!b[n].exp || !b[n].msg)
			goto oom;
		n++;
	}
	qsort(b, n, sizeof(*b), cmp_bad);
	if (gather(&runs, b, n, out))
		goto oom;
	rc = PB_OK;
	goto out;
oom:
	pb_fail(err, "out of memory reading %s", path);
out:
	free(b);
	pb_csv_free(&runs);
	if (rc)
		pb_failures_free(out);
	return rc;
}

const struct pb_failure *pb_failures_find(const struct pb_failures *f,
					  const char *experiment, long cell)
{
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct pb_failure *m = &f->cells[mid];
		int c = strcmp(m->experiment, experiment);
		if (!c && m->cell == cell)
			return m;
		if (c < 0 || (!c && m->cell < cell))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void pb_failures_free(struct pb_failures *f)
{
	pb_arena_free(&f->arena);
	*f = (struct pb_failures){0};
}
