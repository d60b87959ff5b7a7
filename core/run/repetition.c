/*
 * repetition.c — setup, timed execute + reduce, verify, teardown.
 */
#include "repetition.h"

#include <math.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "binding.h"

#include "lib/machine.h"
#include "lib/msg.h"
#include "plugin/abi.h"

struct snapshot {
	struct timespec wall;
	struct rusage self, children;
};

static void take(struct snapshot *s)
{
	getrusage(RUSAGE_SELF, &s->self);
	getrusage(RUSAGE_CHILDREN, &s->children);
	clock_gettime(CLOCK_MONOTONIC, &s->wall);
}

static double tv_s(struct timeval a, struct timeval b)
{
	return (double)(b.tv_sec - a.tv_sec) + (b.tv_usec - a.tv_usec) / 1e6;
}

/* Fills m's timing fields from two snapshots, self and children summed. */
static void fill_times(const struct snapshot *a, const struct snapshot *b,
		       struct pb_measure *m)
{
	m->wall_s = (double)(b->wall.tv_sec - a->wall.tv_sec) +
		    (b->wall.tv_nsec - a->wall.tv_nsec) / 1e9;
	m->user_s = tv_s(a->self.ru_utime, b->self.ru_utime) +
		    tv_s(a->children.ru_utime, b->children.ru_utime);
	m->sys_s = tv_s(a->self.ru_stime, b->self.ru_stime) +
		   tv_s(a->children.ru_stime, b->children.ru_stime);
	/* ru_maxrss is a high-water mark, not a sum: take the larger. */
	m->max_rss_kb = b->self.ru_maxrss > b->children.ru_maxrss
			    ? b->self.ru_maxrss
			    : b->children.ru_maxrss;
	m->vol_ctx = (b->self.ru_nvcsw - a->self.ru_nvcsw) +
		     (b->children.ru_nvcsw - a->children.ru_nvcsw);
	m->invol_ctx = (b->self.ru_nivcsw - a->self.ru_nivcsw) +
		       (b->children.ru_nivcsw - a->children.ru_nivcsw);
}

static void record(struct pb_measure *m, enum pb_status status,
		   const char *stage, const struct pb_err *err)
{
	m->status = status;
	/* A message: bounded (it crosses a pipe), and cut visibly. */
	pb_msg_fmt(m->message, sizeof(m->message), "%s: %s", stage,
		   err->msg[0] ? err->msg : "failed without a message");
}

/*
 * A strategy that fails must say FAILED or CRASHED; anything else (42, or
 * OK with an error) is recorded as failed, naming the strategy.
 */
static int32_t strategy_status(const struct pb_plugin *s, int32_t status,
			       struct pb_err *err)
{
	char msg[PB_ERR_MAX];

	if (status == PB_STATUS_FAILED || status == PB_STATUS_CRASHED)
		return status;
	snprintf(msg, sizeof(msg), "%s", err->msg);
	pb_fail(err,
		"strategy '%s' failed with status %d, which is neither "
		"PB_STATUS_FAILED nor PB_STATUS_CRASHED: %s",
		s->name, (int)status, msg[0] ? msg : "(no message)");
	return PB_STATUS_FAILED;
}

/*
 * Metrics declared per timed second (or seconds each) become rates over
 * the measured wall span; text metrics and NaN stay as they are.
 */
static void per_second(const struct pb_plugin *p,
		       struct pb_metric_value *values, double wall_s)
{
	for (size_t k = 0; k < p->nmetrics; k++) {
		struct pb_metric_value *v = &values[k];
		if (v->text[0] || isnan(v->value))
			continue;
		if (p->metrics[k].flags & PB_METRIC_PER_SECOND)
			v->value = wall_s > 0 ? v->value / wall_s : NAN;
		else if (p->metrics[k].flags & PB_METRIC_SECONDS_EACH)
			v->value = v->value != 0 ? wall_s / v->value : NAN;
	}
}

/* Copies what the counters counted into m, and why not where they did not. */
static void read_counters(const struct pb_counters *c, struct pb_measure *m)
{
	m->ncounters = c->n;
	for (unsigned k = 0; k < c->n; k++) {
		if (pb_counters_read(c, k, &m->counters[k]))
			m->counter_ok |= 1u << k;
		else
			m->counter_errno[k] = c->open_errno[k];
	}
}

/*
 * The timed part: execute every task, then reduce. The counters, opened
 * before any worker exists, count from the start of execute to the end of
 * reduce, in every thread and child the strategy makes.
 */
static void measure(const struct pb_cell_spec *spec, struct pb_host *host,
		    void *state, size_t ntasks, void *results,
		    struct pb_counters *counters, struct pb_binding *binding,
		    struct pb_measure *m)
{
	const struct pb_plugin *w = spec->workload;
	struct pb_job job = {
	    .size = sizeof(struct pb_job),
	    .workers = spec->workers,
	    .hooks = w->workload,
	    .state = state,
	    .ntasks = ntasks,
	    .result_size = w->result_size,
	    .results = results,
	    .args = &spec->sargs,
	    .workload = w,
	    .workload_args = &spec->wargs,
	    .host = host,
	    .metrics =
		spec->strategy->nmetrics ? m->metrics + w->nmetrics : NULL,
	    .workload_path = pb_plugin_path(w),
	    .bind_worker = pb_binding_bind_worker,
	    .bind_ctx = binding,
	};
	struct pb_err err = {{0}};
	int32_t status = PB_STATUS_FAILED;
	struct snapshot a, b;
	/* The machine's counters are read outside the timed span. */
	struct pb_cpu_times ma = pb_cpu_times_now(), mb;

	take(&a);
	pb_counters_start(counters);
	const char *stage = spec->strategy->name;
	int rc = pb_strategy_execute(spec->strategy, &job, &status, &err);
	if (rc == PB_OK) {
		stage = "reduce";
		status = PB_STATUS_FAILED;
		rc = w->workload->reduce(state, results, ntasks, m->metrics,
					 &err);
	} else {
		status = strategy_status(spec->strategy, status, &err);
	}
	pb_counters_stop(counters);
	take(&b);
	mb = pb_cpu_times_now();
	fill_times(&a, &b, m);
	read_counters(counters, m);
	m->has_span = true;
	m->span_start = (double)a.wall.tv_sec + a.wall.tv_nsec / 1e9;
	m->other_cpu_s = pb_other_cpu_s(&ma, &mb, m->user_s + m->sys_s);
	m->steal_s = pb_steal_s(&ma, &mb);
	if (rc != PB_OK)
		record(m, (enum pb_status)status, stage, &err);
	else if (w->workload->verify &&
		 w->workload->verify(state, results, ntasks, m->metrics,
				     &err) != PB_OK)
		record(m, PB_STATUS_WRONG, "verify", &err);
	per_second(w, m->metrics, m->wall_s);
	per_second(spec->strategy, m->metrics + w->nmetrics, m->wall_s);
}

void pb_repetition_run(const struct pb_cell_spec *spec, struct pb_host *host,
		       struct pb_measure *m)
{
	const struct pb_plugin *w = spec->workload;
	struct pb_err err = {{0}};
	struct pb_counters counters;
	struct pb_binding binding;
	void *state = NULL;
	size_t ntasks = 0;

	pb_measure_init(m, spec);
	if (w->workload->setup(&spec->wargs, host, &state, &ntasks, &err)) {
		record(m, PB_STATUS_FAILED, "setup", &err);
		return;
	}
	void *results = calloc(ntasks ? ntasks : 1, w->result_size);
	if (!results) {
		pb_fail(&err, "cannot allocate %zu results of %zu bytes",
			ntasks, w->result_size);
		record(m, PB_STATUS_FAILED, "setup", &err);
	} else if (pb_binding_prepare(&binding, spec->affinity, &err)) {
		record(m, PB_STATUS_FAILED, "affinity", &err);
	} else if (pb_counters_open(&counters, spec->counters,
				    (unsigned)spec->ncounters, &err)) {
		record(m, PB_STATUS_FAILED, "counters", &err);
	} else {
		measure(spec, host, state, ntasks, results, &counters, &binding,
			m);
		pb_counters_close(&counters);
	}
	free(results);
	w->workload->teardown(state);
}
