/*
 * cli_progress.c — drawing progress (see cli_progress.h): a line per cell
 * in sequential order, a line per round in interleaved order. The estimate of
 * what remains is the mean time per repetition so far, warm-ups and setup
 * included, times the repetitions still to run.
 */
#include "cli_progress.h"

#include <errno.h>
#include <string.h>

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void cli_progress_init(struct cli_progress *p, bool quiet)
{
	const char *no_color = getenv("NO_COLOR");

	*p = (struct cli_progress){.out = stderr, .start = now_s()};
	if (quiet)
		p->mode = PROGRESS_QUIET;
	else if (isatty(fileno(stderr)))
		p->mode = PROGRESS_BAR;
	else
		p->mode = PROGRESS_LINES;
	p->color = p->mode == PROGRESS_BAR && !(no_color && *no_color);
}

/* "1h02m", "3m05s", "12.3s" */
static void human(double s, char *buf, size_t len)
{
	if (s >= 3600)
		snprintf(buf, len, "%dh%02dm", (int)(s / 3600),
			 (int)(s / 60) % 60);
	else if (s >= 60)
		snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)s % 60);
	else
		snprintf(buf, len, "%.1fs", s);
}

/* "512 us", "3.34 ms", "1.25 s": a time a person reads at a glance. */
static void seconds(double s, char *buf, size_t len)
{
	if (s < 1e-3)
		snprintf(buf, len, "%.0f us", s * 1e6);
	else if (s < 1)
		snprintf(buf, len, "%.3g ms", s * 1e3);
	else
		snprintf(buf, len, "%.3g s", s);
}

static void describe_cell(const struct pb_run_event *ev, char *buf, size_t len)
{
	const struct pb_cell_spec *s = &ev->cell->spec;
	snprintf(buf, len, "cell %zu/%zu %s %s/%s workers=%u",
		 ev->cell_index + 1, ev->ncells, ev->cell->exp->name,
		 s->workload->name, s->strategy->name, s->workers);
}

static void draw_bar(struct cli_progress *p, const struct pb_run_event *ev)
{
	char cell[256], elapsed[32], left[32] = "?";
	double t = now_s() - p->start;
	double frac =
	    ev->reps_total ? (double)ev->reps_done / ev->reps_total : 1;
	int width = 24, filled = (int)(frac * width);

	describe_cell(ev, cell, sizeof(cell));
	human(t, elapsed, sizeof(elapsed));
	if (ev->reps_done)
		human(t / ev->reps_done * (ev->reps_total - ev->reps_done),
		      left, sizeof(left));
	fprintf(p->out, "\r\033[K[%.*s%*s] %3.0f%% %s rep %u  %s, ~%s left",
		filled, "########################", width - filled, "",
		100 * frac, cell, ev->rep, elapsed, left);
	fflush(p->out);
}

static void cell_line(struct cli_progress *p, const struct pb_run_event *ev)
{
	char cell[256];
	const char *green = p->color ? "\033[32m" : "",
		   *red = p->color ? "\033[31m" : "",
		   *off = p->color ? "\033[0m" : "";

	describe_cell(ev, cell, sizeof(cell));
	if (p->mode == PROGRESS_BAR)
		fprintf(p->out, "\r\033[K");
	fprintf(p->out, "%s: %s%zu ok%s", cell, p->cell_ok ? green : "",
		p->cell_ok, p->cell_ok ? off : "");
	if (p->cell_bad)
		fprintf(p->out, ", %s%zu not ok%s", red, p->cell_bad, off);
	if (p->cell_ok) {
		char mean[32];
		seconds(p->cell_wall / p->cell_ok, mean, sizeof(mean));
		fprintf(p->out, ", mean %s", mean);
	}
	fprintf(p->out, "\n");
}

/*
 * One warning per counter the machine could not count, the first time a
 * row lacks it: printed even with --quiet, since the column stays empty.
 */
static void warn_counters(struct cli_progress *p, const struct pb_run_event *ev)
{
	const struct pb_measure *m = ev->measure;
	const struct pb_cell_spec *s = &ev->cell->spec;

	for (unsigned k = 0; k < m->ncounters && k < s->ncounters; k++) {
		bool seen = false;

		if (m->counter_ok & (1u << k))
			continue;
		for (size_t j = 0; j < p->nwarned; j++)
			seen |= strcmp(p->warned[j], s->counters[k]) == 0;
		if (seen || p->nwarned == PB_COUNT(p->warned))
			continue;
		p->warned[p->nwarned++] = s->counters[k];
		fprintf(p->out,
			"%swarning: counter %s: not counted on this machine "
			"(%s); its column stays empty\n",
			p->mode == PROGRESS_BAR ? "\r\033[K" : "",
			s->counters[k],
			m->counter_errno[k] == ENOENT
			    ? "no such event: hardware counters are absent, "
			      "as on most virtual machines"
			: m->counter_errno[k] == EACCES ||
				m->counter_errno[k] == EPERM
			    ? "not permitted: see "
			      "/proc/sys/kernel/perf_event_paranoid"
			    : strerror(m->counter_errno[k]));
	}
}

static void round_line(struct cli_progress *p, const struct pb_run_event *ev)
{
	char elapsed[32];
	const char *red = p->color ? "\033[31m" : "",
		   *off = p->color ? "\033[0m" : "";

	if (p->cell_ok + p->cell_bad == 0)
		return; /* a resumed round with nothing left to run */
	human(now_s() - p->start, elapsed, sizeof(elapsed));
	if (p->mode == PROGRESS_BAR)
		fprintf(p->out, "\r\033[K");
	fprintf(p->out, "%s round %u/%u: %zu ok", ev->cell->exp->name,
		ev->round, ev->nrounds, p->cell_ok);
	if (p->cell_bad)
		fprintf(p->out, ", %s%zu not ok%s", red, p->cell_bad, off);
	fprintf(p->out, " (%s elapsed)\n", elapsed);
}

void cli_progress_event(void *ctx, const struct pb_run_event *ev)
{
	struct cli_progress *p = ctx;

	if (ev->kind == PB_EV_REP_DONE)
		warn_counters(p, ev);
	if (p->mode == PROGRESS_QUIET)
		return;
	switch (ev->kind) {
	case PB_EV_CELL_START:
	case PB_EV_ROUND_START:
		p->cell_ok = p->cell_bad = 0;
		p->cell_wall = 0;
		break;
	case PB_EV_REP_DONE:
		if (ev->measure->status == PB_STATUS_OK) {
			p->cell_ok++;
			p->cell_wall += ev->measure->wall_s;
		} else {
			p->cell_bad++;
		}
		if (p->mode == PROGRESS_BAR)
			draw_bar(p, ev);
		break;
	case PB_EV_CELL_DONE:
		cell_line(p, ev);
		break;
	case PB_EV_ROUND_DONE:
		round_line(p, ev);
		break;
	case PB_EV_WAITING:
		if (p->mode == PROGRESS_BAR)
			fprintf(p->out, "\r\033[K");
		fprintf(p->out,
			"waiting for other processes (%.2f CPUs busy) before "
			"cell %zu, at most %gs\n",
			ev->busy_cpus, ev->cell->id, ev->wait_limit_s);
		break;
	}
}

void cli_progress_finish(struct cli_progress *p)
{
	if (p->mode == PROGRESS_BAR)
		fflush(p->out);
}
