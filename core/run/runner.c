/*
 * runner.c — the loop over cells (see runner.h).
 */
#include "runner.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "lib/machine.h"

#include "auto_reps.h"
#include "guard.h"
#include "probe.h"
#include "schedule.h"
#include "supervise.h"

struct run_ctx {
	const struct pb_runner_opts *opts;
	struct pb_runs_csv *csv;
	struct pb_runner_totals *totals;
	struct pb_run_event ev;
	double t0; /* CLOCK_MONOTONIC seconds when the run began */
	struct pb_probe *probe;
	const struct pb_cell *cell0; /* cells->items, to index autos */
	struct auto_state *autos;    /* per cell, for repetitions: auto */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Whether others used more than the experiment's `contention` CPUs over
 * the span, allowing one unit of /proc/stat's resolution.
 */
static bool is_contended(const struct pb_measure *m, double contention)
{
	return m->has_span &&
	       pb_is_contended(m->other_cpu_s, m->wall_s, contention);
}

/* What `repetitions: auto` knows of one cell so far in this invocation. */
struct auto_state {
	double *walls; /* clean ok wall times */
	size_t n, cap;
	unsigned nrun; /* repetitions measured, ok or not */
	double spent;  /* their wall seconds */
	enum pb_auto_stop stop;
};

static bool is_auto(const struct run_ctx *c, const struct pb_cell *cell)
{
	if (c->opts->repetitions)
		return false; /* --repetitions N */
	return c->opts->auto_reps || cell->exp->repetitions_auto;
}

static struct pb_auto_rule rule_of(const struct pb_cell *cell)
{
	return (struct pb_auto_rule){
	    .precision = cell->exp->precision,
	    .max_repetitions = cell->exp->max_repetitions,
	    .max_time_s = cell->exp->max_time_s,
	};
}

/* Counts m for its cell and decides whether the cell goes on. */
static int tally_auto(struct run_ctx *c, const struct pb_measure *m,
		      struct pb_err *err)
{
	const struct pb_cell *cell = c->ev.cell;
	struct auto_state *st = &c->autos[cell - c->cell0];

	st->nrun++;
	st->spent += m->wall_s;
	if (m->status == PB_STATUS_OK && !m->contended) {
		if (st->n == st->cap) {
			size_t cap = st->cap ? 2 * st->cap : 16;
			double *w = realloc(st->walls, cap * sizeof(*w));
			if (!w)
				return pb_fail(err, "out of memory");
			st->walls = w;
			st->cap = cap;
		}
		st->walls[st->n++] = m->wall_s;
	}
	struct pb_auto_rule rule = rule_of(cell);
	st->stop = pb_auto_decide(&rule, st->walls, st->n, st->nrun, st->spent);
	return PB_OK;
}

static void emit(struct run_ctx *c, enum pb_run_event_kind kind)
{
	c->ev.kind = kind;
	if (c->opts->on_event)
		c->opts->on_event(c->opts->event_ctx, &c->ev);
}

/*
 * --wait-idle / wait_idle: until other processes use at most the
 * experiment's `contention` CPUs over a 100 ms window, for at most the
 * limit; then the repetition runs anyway (and its row is flagged).
 */
static void wait_idle(struct run_ctx *c, const struct pb_cell *cell)
{
	const struct pb_experiment *e = cell->exp;
	double limit =
	    c->opts->wait_idle_s > 0 ? c->opts->wait_idle_s : e->wait_idle_s;
	double start = now_s();
	bool said = false;

	while (limit > 0 && !pb_interrupted) {
		struct pb_cpu_times a = pb_cpu_times_now(), b;
		struct timespec pause = {0, 100 * 1000 * 1000};
		nanosleep(&pause, NULL);
		b = pb_cpu_times_now();
		double busy = pb_other_cpu_s(&a, &b, 0) / (b.at - a.at);
		if (!(busy > e->contention) || now_s() - start >= limit)
			break;
		if (!said) {
			c->ev.cell = cell;
			c->ev.busy_cpus = busy;
			c->ev.wait_limit_s = limit;
			emit(c, PB_EV_WAITING);
			said = true;
		}
	}
}

static int on_measure(void *ctx, unsigned rep, const struct pb_measure *in,
		      struct pb_err *err)
{
	struct run_ctx *c = ctx;
	struct pb_measure row = *in, *m = &row;

	m->started_s = m->has_span ? m->span_start - c->t0 : NAN;
	m->contended = is_contended(m, c->ev.cell->exp->contention);
	if (m->contended)
		c->totals->contended++;
	m->stop = "";
	if (is_auto(c, c->ev.cell)) {
		if (tally_auto(c, m, err))
			return PB_ERROR;
		m->stop =
		    pb_auto_stop_name(c->autos[c->ev.cell - c->cell0].stop);
	}
	if (pb_runs_csv_write(c->csv, c->ev.cell, rep, m, err))
		return PB_ERROR;
	c->totals->rows++;
	if (m->status == PB_STATUS_OK)
		c->totals->ok++;
	else
		c->totals->not_ok++;
	c->ev.rep = rep;
	c->ev.measure = m;
	c->ev.reps_done++;
	emit(c, PB_EV_REP_DONE);
	return PB_OK;
}

static unsigned reps_of(const struct pb_runner_opts *o,
			const struct pb_cell *cell)
{
	if (o->repetitions)
		return o->repetitions;
	if (o->auto_reps || cell->exp->repetitions_auto)
		return cell->exp->max_repetitions; /* at most */
	return cell->exp->repetitions;
}

/* The repetition numbers of cell still to measure, into reps[]. */
static size_t missing_reps(const struct pb_runner_opts *o,
			   const struct pb_cell *cell, unsigned *reps)
{
	size_t n = 0;

	for (unsigned r = 1; r <= reps_of(o, cell); r++)
		if (!o->have_row || !o->have_row(o->have_ctx, cell->id, r))
			reps[n++] = r;
	return n;
}

static size_t count_missing(const struct pb_cells *cells,
			    const struct pb_runner_opts *o, unsigned *scratch)
{
	size_t total = 0;

	for (size_t k = 0; k < cells->n; k++)
		total += missing_reps(o, &cells->items[k], scratch);
	return total;
}

static unsigned max_reps(const struct pb_cells *cells,
			 const struct pb_runner_opts *o)
{
	unsigned most = 1;

	for (size_t k = 0; k < cells->n; k++)
		if (reps_of(o, &cells->items[k]) > most)
			most = reps_of(o, &cells->items[k]);
	return most;
}

static int run_cell(struct run_ctx *c, const struct pb_cell *cell,
		    unsigned *reps, struct pb_err *err)
{
	struct pb_cell_job job = {
	    .cell = cell,
	    .reps = reps,
	    .nreps = missing_reps(c->opts, cell, reps),
	    .warmup = cell->exp->warmup,
	    .timeout_s = cell->exp->timeout_s,
	    .isolate = c->opts->isolate,
	    .on_measure = on_measure,
	    .ctx = c,
	};

	if (job.nreps == 0)
		return PB_OK;
	if (pb_probe_round(c->probe, cell->exp,
			   (unsigned)(c->ev.cell_index + 1), (long)cell->id,
			   err))
		return PB_ERROR;
	wait_idle(c, cell);
	emit(c, PB_EV_CELL_START);
	int rc = pb_supervise_cell(&job, err);
	emit(c, PB_EV_CELL_DONE);
	return rc;
}

/* The cells of one experiment: cells->items[first .. first + n - 1]. */
static size_t block_end(const struct pb_cells *cells, size_t first)
{
	size_t k = first;

	while (k < cells->n && cells->items[k].exp == cells->items[first].exp)
		k++;
	return k;
}

static int run_one(struct run_ctx *c, const struct pb_cell *cell, unsigned rep,
		   bool warm, struct pb_err *err);
static bool wants(const struct run_ctx *c, const struct pb_cell *cell,
		  unsigned round);

/* A cell of `repetitions: auto` in sequential order: one repetition per
 * process until the rule stops it. */
static int run_cell_auto(struct run_ctx *c, const struct pb_cell *cell,
			 struct pb_err *err)
{
	bool warm = false;
	int rc = PB_OK;

	if (pb_probe_round(c->probe, cell->exp,
			   (unsigned)(c->ev.cell_index + 1), (long)cell->id,
			   err))
		return PB_ERROR;
	emit(c, PB_EV_CELL_START);
	for (unsigned r = 1;
	     r <= reps_of(c->opts, cell) && rc == PB_OK && !pb_interrupted;
	     r++) {
		if (!wants(c, cell, r))
			continue;
		rc = run_one(c, cell, r, warm, err);
		warm = true;
	}
	emit(c, PB_EV_CELL_DONE);
	return rc;
}

static int run_sequential(struct run_ctx *c, const struct pb_cells *cells,
			  size_t first, size_t end, unsigned *reps,
			  struct pb_err *err)
{
	int rc = PB_OK;

	for (size_t k = first; k < end && rc == PB_OK && !pb_interrupted; k++) {
		c->ev.cell = &cells->items[k];
		c->ev.cell_index = k;
		if (is_auto(c, &cells->items[k]))
			rc = run_cell_auto(c, &cells->items[k], err);
		else
			rc = run_cell(c, &cells->items[k], reps, err);
	}
	return rc;
}

/* Repetition rep of one cell, in a process of its own; warm-ups first
 * when the cell has not run yet in this invocation. */
static int run_one(struct run_ctx *c, const struct pb_cell *cell, unsigned rep,
		   bool warm, struct pb_err *err)
{
	struct pb_cell_job job = {
	    .cell = cell,
	    .reps = &rep,
	    .nreps = 1,
	    .warmup = warm ? 0 : cell->exp->warmup,
	    .timeout_s = cell->exp->timeout_s,
	    .isolate = c->opts->isolate,
	    .on_measure = on_measure,
	    .ctx = c,
	};

	wait_idle(c, cell);
	return pb_supervise_cell(&job, err);
}

static bool wants(const struct run_ctx *c, const struct pb_cell *cell,
		  unsigned round)
{
	return round <= reps_of(c->opts, cell) &&
	       !(c->opts->have_row &&
		 c->opts->have_row(c->opts->have_ctx, cell->id, round)) &&
	       !(is_auto(c, cell) &&
		 c->autos[cell - c->cell0].stop != PB_AUTO_GO_ON);
}

/*
 * One round: repetition round of every cell of the block that lacks it,
 * and the capacity probe (position n of the permutation of n + 1), when
 * any cell runs at all.
 */
static int run_round(struct run_ctx *c, const struct pb_cells *cells,
		     size_t first, size_t end, const size_t *perm, bool *warm,
		     struct pb_err *err)
{
	unsigned round = c->ev.round;
	size_t n = end - first;
	bool any = false;
	int rc = PB_OK;

	for (size_t i = first; i < end && !any; i++)
		any = wants(c, &cells->items[i], round);
	for (size_t k = 0; k <= n && any && rc == PB_OK && !pb_interrupted;
	     k++) {
		if (perm[k] == n) {
			rc = pb_probe_round(c->probe, cells->items[first].exp,
					    round, -1, err);
			continue;
		}
		size_t i = first + perm[k];
		const struct pb_cell *cell = &cells->items[i];
		if (!wants(c, cell, round))
			continue;
		c->ev.cell = cell;
		c->ev.cell_index = i;
		rc = run_one(c, cell, round, warm[perm[k]], err);
		warm[perm[k]] = true;
	}
	return rc;
}

static int run_interleaved(struct run_ctx *c, const struct pb_cells *cells,
			   size_t first, size_t end, struct pb_err *err)
{
	size_t n = end - first;
	size_t *perm = calloc(n + 1, sizeof(*perm));
	bool *warm = calloc(n, sizeof(*warm));
	unsigned rounds = 0;
	int rc = PB_OK;

	if (!perm || !warm) {
		rc = pb_fail(err, "out of memory");
		goto out;
	}
	for (size_t k = first; k < end; k++)
		if (reps_of(c->opts, &cells->items[k]) > rounds)
			rounds = reps_of(c->opts, &cells->items[k]);
	c->ev.nrounds = rounds;
	for (unsigned r = 1; r <= rounds && rc == PB_OK && !pb_interrupted;
	     r++) {
		pb_round_order(cells->items[first].exp->seed, r, n + 1, perm);
		c->ev.round = r;
		emit(c, PB_EV_ROUND_START);
		rc = run_round(c, cells, first, end, perm, warm, err);
		emit(c, PB_EV_ROUND_DONE);
	}
out:
	free(perm);
	free(warm);
	return rc;
}

int pb_runner_run(const struct pb_cells *cells,
		  const struct pb_runner_opts *opts, struct pb_runs_csv *csv,
		  struct pb_runner_totals *totals, struct pb_err *err)
{
	unsigned *reps = calloc(max_reps(cells, opts), sizeof(*reps));
	struct run_ctx c = {.opts = opts,
			    .csv = csv,
			    .totals = totals,
			    .t0 = now_s() - opts->started_ago_s,
			    .probe = &totals->probe,
			    .cell0 = cells->items,
			    .autos = calloc(cells->n ? cells->n : 1,
					    sizeof(struct auto_state))};
	int rc = PB_OK;

	*totals = (struct pb_runner_totals){0};
	totals->probe.csv = opts->capacity;
	totals->probe.t0 = c.t0;
	if (!reps || !c.autos) {
		free(reps);
		free(c.autos);
		return pb_fail(err, "out of memory");
	}
	c.ev.ncells = cells->n;
	c.ev.reps_total = count_missing(cells, opts, reps);
	/* Without a guard the run goes on as before: what the plugins leave
	 * is still ended while the runner lives. */
	struct pb_err no_guard;
	if (opts->isolate)
		pb_guard_start(&no_guard);
	for (size_t k = 0; k < cells->n && rc == PB_OK && !pb_interrupted;) {
		size_t end = block_end(cells, k);
		if (cells->items[k].exp->order == PB_ORDER_SEQUENTIAL)
			rc = run_sequential(&c, cells, k, end, reps, err);
		else
			rc = run_interleaved(&c, cells, k, end, err);
		k = end;
	}
	pb_guard_stop();
	totals->interrupted = pb_interrupted != 0;
	for (size_t k = 0; k < cells->n; k++)
		free(c.autos[k].walls);
	free(c.autos);
	free(reps);
	return rc;
}
