/*
 * analyze_capacity.c — speed-up against measured capacity (see
 * analyze_capacity.h).
 *
 * A cell is divided by the capacity of the rounds its kept rows ran in,
 * not of the whole run: a busy spell over part of a run lowers the probes
 * of those rounds, while the analysis keeps the cell's clean rows from
 * outside it, and dividing those by the run's median over-corrects.
 */
#include "analyze_capacity.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "analyze_fields.h"
#include "lib/path.h"

/* One probe row of capacity.csv. */
struct probe {
	const char *exp;
	unsigned long threads, round;
	long cell; /* -1: a round's probe (interleaved order) */
	double speedup;
	bool contended;
};

/* The probes, sorted by experiment, threads, cell, round. */
struct probes {
	struct probe *p;
	size_t n;
	bool by_round; /* the file says which cell or round a probe served */
};

static int cmp_probe(const void *x, const void *y)
{
	const struct probe *a = x, *b = y;
	int c = strcmp(a->exp, b->exp);

	if (c)
		return c;
	if (a->threads != b->threads)
		return a->threads < b->threads ? -1 : 1;
	if (a->cell != b->cell)
		return a->cell < b->cell ? -1 : 1;
	return (a->round > b->round) - (a->round < b->round);
}

/* Compares by experiment, threads and cell only (cell < -1: any). */
static int cmp_key(const struct probe *a, const struct probe *key)
{
	int c = strcmp(a->exp, key->exp);

	if (c)
		return c;
	if (a->threads != key->threads)
		return a->threads < key->threads ? -1 : 1;
	if (key->cell < -1 || a->cell == key->cell)
		return 0;
	return a->cell < key->cell ? -1 : 1;
}

/* The probes equal to key (cmp_key): [*lo, return value). */
static size_t range(const struct probes *ps, const struct probe *key,
		    size_t *lo)
{
	size_t a = 0, b = ps->n;

	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (cmp_key(&ps->p[m], key) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (b < ps->n && cmp_key(&ps->p[b], key) == 0)
		b++;
	return b > a ? b : a;
}

static int bad(const struct pb_csv *t, const char *path, size_t r,
	       const char *col, const char *want, struct pb_err *err)
{
	return pb_fail(err, "%s:%zu: %s '%s'; expected %s", path, t->lines[r],
		       col, pb_csv_get(t, r, col), want);
}

/* Reads row r into *p, checking each field. */
static int parse_row(const struct pb_csv *t, const char *path, size_t r,
		     bool by_round, struct probe *p, struct pb_err *err)
{
	unsigned long cell = 0;
	const char *f;

	*p = (struct probe){.exp = pb_csv_get(t, r, "experiment"), .cell = -1};
	p->speedup = pb_csv_num(t, r, "speedup");
	if (!pb_an_parse_uint(pb_csv_get(t, r, "threads"), 1, 1u << 30,
			      &p->threads))
		return bad(t, path, r, "threads", "a thread count", err);
	if (!(p->speedup > 0) || isinf(p->speedup))
		return bad(t, path, r, "speedup", "a speed-up > 0", err);
	if (!by_round)
		return PB_OK;
	if (!pb_an_parse_uint(pb_csv_get(t, r, "round"), 1, 1ul << 40,
			      &p->round))
		return bad(t, path, r, "round", "a round (1, 2, ...)", err);
	f = pb_csv_get(t, r, "cell");
	if (*f && !pb_an_parse_uint(f, 1, 1ul << 40, &cell))
		return bad(t, path, r, "cell", "a cell number or nothing", err);
	p->cell = *f ? (long)cell : -1;
	f = pb_csv_get(t, r, "contended");
	if (strcmp(f, "0") && strcmp(f, "1"))
		return bad(t, path, r, "contended", "0 or 1", err);
	p->contended = *f == '1';
	return PB_OK;
}

/* Reads and sorts the probes of t (capacity.csv at path). */
static int load(struct analysis *a, const struct pb_csv *t, const char *path,
		struct probes *ps, struct pb_err *err)
{
	static const char *const cols[] = {"experiment", "threads", "speedup"};

	for (size_t k = 0; k < PB_COUNT(cols); k++)
		if (pb_csv_column(t, cols[k]) < 0)
			return pb_fail(err, "%s: no column '%s'", path,
				       cols[k]);
	/* Files from before rounds were matched lack these: the run's
	 * probes serve every cell. */
	ps->by_round = pb_csv_column(t, "round") >= 0 &&
		       pb_csv_column(t, "cell") >= 0 &&
		       pb_csv_column(t, "contended") >= 0;
	ps->n = t->nrows;
	ps->p = pb_an_alloc(a, ps->n, sizeof(*ps->p));
	if (!ps->p)
		return pb_fail(err, "out of memory");
	for (size_t r = 0; r < t->nrows; r++)
		if (parse_row(t, path, r, ps->by_round, &ps->p[r], err))
			return PB_ERROR;
	qsort(ps->p, ps->n, sizeof(*ps->p), cmp_probe);
	return PB_OK;
}

static int cmp_ulong(const void *x, const void *y)
{
	unsigned long a = *(const unsigned long *)x,
		      b = *(const unsigned long *)y;

	return (a > b) - (a < b);
}

/*
 * The repetitions of the rows cell c's statistics kept (ok, and clean
 * unless it used contended rows), sorted, into reps; their count.
 */
static size_t kept_reps(const struct analysis *a, const struct cell *c,
			unsigned long *reps)
{
	size_t n = 0;

	for (size_t pos = c->first; pos < c->first + c->nrows; pos++) {
		size_t row = a->order[pos];
		const char *flag = a->c_contended >= 0
				       ? pb_an_field(a, row, a->c_contended)
				       : "";
		if (a->status[pos] != ST_OK ||
		    (strcmp(flag, "1") == 0 && !c->used_contended))
			continue;
		if (pb_an_parse_uint(pb_an_field(a, row, a->c_rep), 1,
				     (unsigned long)-1 >> 1, &reps[n]))
			n++;
	}
	qsort(reps, n, sizeof(*reps), cmp_ulong);
	return n;
}

/*
 * The speed-ups of probes [lo, hi), into out: only clean ones when clean,
 * and only those of the rounds in reps (sorted) unless reps is NULL.
 * Their count.
 */
static size_t pick(const struct probes *ps, size_t lo, size_t hi, bool clean,
		   const unsigned long *reps, size_t nreps, double *out)
{
	size_t n = 0;

	for (size_t k = lo; k < hi; k++) {
		const struct probe *p = &ps->p[k];
		if ((clean && p->contended) ||
		    (reps && !bsearch(&p->round, reps, nreps, sizeof(*reps),
				      cmp_ulong)))
			continue;
		out[n++] = p->speedup;
	}
	return n;
}

/*
 * The probes of the rounds cell c's kept rows ran in, into vals (their
 * count): the probe run before the cell in sequential order, the probes
 * of the rows' rounds in interleaved order.
 */
static size_t same_rounds(struct analysis *a, const struct probes *ps,
			  const struct cell *c, struct probe key, bool clean,
			  double *vals, unsigned long *reps)
{
	size_t lo, hi, n, nreps;

	if (!ps->by_round)
		return 0;
	key.cell = c->id;
	hi = range(ps, &key, &lo);
	if (hi > lo)
		return pick(ps, lo, hi, clean, NULL, 0, vals);
	nreps = kept_reps(a, c, reps);
	key.cell = -1;
	hi = range(ps, &key, &lo);
	n = nreps ? pick(ps, lo, hi, clean, reps, nreps, vals) : 0;
	return n;
}

/*
 * The capacity for cell c at th threads, and which probes gave it
 * (*basis, as summary.csv's capacity_basis says): those of the rounds of
 * its kept rows, else the whole run's; clean probes before contended
 * ones, unless the cell's own rows are contended ones.
 */
static double capacity_of(struct analysis *a, const struct probes *ps,
			  const struct cell *c, unsigned th, double *vals,
			  unsigned long *reps, const char **basis)
{
	static const char *const names[2][2] = {
	    {"rounds_contended", "run_contended"}, {"rounds", "run"}};
	struct probe key = {.exp = a->exp[c->exp].name, .threads = th};
	size_t n = 0, lo, hi;

	for (int clean = !c->used_contended; clean >= 0 && !n; clean--)
		for (int whole = 0; whole < 2 && !n; whole++) {
			if (whole) {
				key.cell = -2; /* any */
				hi = range(ps, &key, &lo);
				n = pick(ps, lo, hi, clean, NULL, 0, vals);
			} else
				n = same_rounds(a, ps, c, key, clean, vals,
						reps);
			*basis = names[clean][whole];
		}
	if (!n)
		*basis = "";
	return n ? pb_median_inplace(vals, n) : NAN;
}

/*
 * The most threads the probe ran for experiment name (0: none): the CPUs
 * online, or fewer when the experiment has no such worker count. A cell
 * of more workers is divided by the capacity at that count, as the probe
 * capped it (the logical CPUs, SMT siblings included: experiments.csv's
 * cores counts physical cores, which the probe does not use).
 */
static unsigned most_threads(const struct probes *ps, const char *name)
{
	unsigned most = 0;

	for (size_t k = 0; k < ps->n; k++)
		if (strcmp(ps->p[k].exp, name) == 0 && ps->p[k].threads > most)
			most = (unsigned)ps->p[k].threads;
	return most;
}

int pb_an_capacity(struct analysis *a, struct pb_err *err)
{
	char path[PB_PATH_MAX];
	struct probes ps = {0};
	struct pb_csv t;
	int rc = PB_ERROR;

	for (size_t c = 0; c < a->ncells; c++) {
		a->cells[c].vs_capacity = a->cells[c].capacity = NAN;
		a->cells[c].capacity_basis = "";
	}
	if (pb_path_join(path, sizeof(path), a->dir, "capacity.csv", err))
		return PB_ERROR;
	if (access(path, F_OK) != 0)
		return PB_OK; /* a run from before the probe */
	if (pb_csv_read(path, PB_CSV_DROP_PARTIAL_TAIL, &t, err))
		return PB_ERROR;
	double *vals = pb_an_alloc(a, t.nrows, sizeof(double));
	unsigned long *reps =
	    pb_an_alloc(a, a->max_cell_rows, sizeof(unsigned long));
	unsigned *most = pb_an_alloc(a, a->nexps, sizeof(unsigned));
	if (!vals || !reps || !most) {
		pb_fail(err, "out of memory");
		goto out;
	}
	if (load(a, &t, path, &ps, err))
		goto out;
	for (size_t e = 0; e < a->nexps; e++)
		most[e] = most_threads(&ps, a->exp[e].name);
	for (size_t c = 0; c < a->ncells; c++) {
		struct cell *cl = &a->cells[c];
		unsigned th = cl->workers;
		if (th > most[cl->exp])
			th = most[cl->exp];
		if (th == 1)
			cl->capacity = 1;
		else if (th == 0) /* no probe */
			continue;
		else
			cl->capacity = capacity_of(a, &ps, cl, th, vals, reps,
						   &cl->capacity_basis);
		cl->vs_capacity = cl->speedup / cl->capacity;
	}
	rc = PB_OK;
out:
	pb_csv_free(&t);
	return rc;
}
