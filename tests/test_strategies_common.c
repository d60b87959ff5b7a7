/*
 * test_strategies_common.c — what every strategy must do alike: the same
 * bits for pi at every worker count and schedule, empty jobs, more workers
 * than tasks, a task's error passed on unchanged, a rejected answer
 * recorded as wrong, and nothing left behind (descriptors, child processes,
 * /dev/shm entries, shared mappings); the common parameters (schedule,
 * chunk, with chunk 0 automatic) described and accepted alike.
 *
 * Crashing and hanging workloads are not run here under serial or pthreads:
 * in-process they would take the test down; the runner's isolation tests
 * cover them.
 */
#include <criterion/criterion.h>

#include "pbt_leftovers.h"
#include "pbtest.h"

static const char *const all[] = {"serial", "pthreads", "fork", "shm"};
static const char *const parallel[] = {"pthreads", "fork", "shm"};
static const char *const schedules[] = {
    "schedule=dynamic; chunk=1", "schedule=dynamic; chunk=5",
    "schedule=dynamic; chunk=1000", "schedule=dynamic; chunk=0",
    "schedule=static"};

static double estimate_of(const struct pb_measure *m)
{
	cr_assert_eq(m->status, PB_STATUS_OK, "%s", m->message);
	return pbt_metric("pi", m, "estimate");
}

/* The pi estimate of strategy at 1..16 workers, every schedule, is ref's. */
static void assert_pi_identical(const char *strategy, const char *wparams)
{
	struct pb_measure m;
	double want, got;

	pbt_run_clean("pi", wparams, "serial", "", 1, &m);
	want = estimate_of(&m);
	for (unsigned w = 1; w <= 16; w++)
		for (size_t s = 0; s < PB_COUNT(schedules); s++) {
			pbt_run_clean("pi", wparams, strategy, schedules[s], w,
				      &m);
			got = estimate_of(&m);
			cr_assert(memcmp(&got, &want, sizeof(got)) == 0,
				  "%s [%s] workers=%u: %.17g != serial's %.17g",
				  strategy, schedules[s], w, got, want);
		}
}

Test(strategies, pi_identical_under_pthreads, .timeout = 60)
{
	assert_pi_identical("pthreads", "samples=3e5; tasks=37; seed=42");
}

Test(strategies, pi_identical_under_fork, .timeout = 60)
{
	assert_pi_identical("fork", "samples=3e5; tasks=37; seed=42");
}

Test(strategies, pi_identical_under_shm, .timeout = 60)
{
	assert_pi_identical("shm", "samples=3e5; tasks=37; seed=42");
}

Test(strategies, pi_identical_with_fewer_tasks_than_workers, .timeout = 60)
{
	for (size_t k = 0; k < PB_COUNT(parallel); k++)
		assert_pi_identical(parallel[k],
				    "samples=1e5; tasks=5; seed=7");
}

Test(strategies, empty_job_of_zero_tasks, .timeout = 30)
{
	struct pb_measure m;

	for (size_t k = 0; k < PB_COUNT(all); k++)
		for (unsigned w = 1; w <= 3; w += 2)
			for (size_t s = 0; s < PB_COUNT(schedules); s++) {
				pbt_run_clean("empty", "tasks=0", all[k],
					      k ? schedules[s] : "", w, &m);
				cr_assert_eq(m.status, PB_STATUS_OK,
					     "%s workers=%u: %s", all[k], w,
					     m.message);
				cr_assert_eq(pbt_metric("empty", &m, "tasks"),
					     0.0);
			}
}

Test(strategies, more_workers_than_tasks, .timeout = 30)
{
	struct pb_measure m;

	for (size_t k = 0; k < PB_COUNT(all); k++)
		for (size_t s = 0; s < PB_COUNT(schedules); s++) {
			pbt_run_clean("empty", "tasks=3", all[k],
				      k ? schedules[s] : "", 16, &m);
			/* empty's verify checks every result's byte. */
			cr_assert_eq(m.status, PB_STATUS_OK, "%s [%s]: %s",
				     all[k], schedules[s], m.message);
			cr_assert_eq(pbt_metric("empty", &m, "tasks"), 3.0);
		}
}

Test(strategies, every_result_lands_in_its_slot, .timeout = 30)
{
	struct pb_measure m;

	for (size_t k = 0; k < PB_COUNT(all); k++)
		for (unsigned w = 1; w <= 4; w++) {
			pbt_run_clean("empty", "tasks=5000", all[k],
				      k ? "schedule=dynamic; chunk=3" : "", w,
				      &m);
			cr_assert_eq(m.status, PB_STATUS_OK,
				     "%s workers=%u: %s", all[k], w, m.message);
		}
}

Test(strategies, task_error_passes_its_message_on, .timeout = 30)
{
	struct pb_measure m;

	for (size_t k = 0; k < PB_COUNT(all); k++)
		for (unsigned w = 1; w <= 4; w++) {
			pbt_run_clean("failing", "", all[k], "", w, &m);
			cr_assert_eq(m.status, PB_STATUS_FAILED,
				     "%s workers=%u: status %s: %s", all[k], w,
				     pb_status_name(m.status), m.message);
			cr_assert(strstr(m.message, "task 5 failed on purpose"),
				  "%s workers=%u: %s", all[k], w, m.message);
		}
}

Test(strategies, task_error_under_static_schedule, .timeout = 30)
{
	struct pb_measure m;

	for (size_t k = 0; k < PB_COUNT(parallel); k++) {
		pbt_run_clean("failing", "tasks=40; fail_task=0", parallel[k],
			      "schedule=static", 3, &m);
		cr_assert_eq(m.status, PB_STATUS_FAILED, "%s: %s", parallel[k],
			     m.message);
		cr_assert(strstr(m.message, "task 0 failed on purpose"), "%s",
			  m.message);
	}
}

Test(strategies, worker_init_error_passes_its_message_on, .timeout = 30)
{
	struct pb_measure m;

	pbt_run_clean("failing", "fail_task=-1; fail_worker=0", "serial", "", 1,
		      &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED, "%s", m.message);
	cr_assert(strstr(m.message, "worker_init of worker 0 failed"), "%s",
		  m.message);
	for (size_t k = 0; k < PB_COUNT(parallel); k++) {
		pbt_run_clean("failing", "fail_task=-1; fail_worker=2",
			      parallel[k], "", 4, &m);
		cr_assert_eq(m.status, PB_STATUS_FAILED, "%s: %s", parallel[k],
			     m.message);
		cr_assert(strstr(m.message, "worker_init of worker 2 failed"),
			  "%s: %s", parallel[k], m.message);
	}
}

Test(strategies, rejected_answer_is_wrong, .timeout = 30)
{
	struct pb_measure m;

	for (size_t k = 0; k < PB_COUNT(all); k++) {
		pbt_run_clean("wrong", "", all[k], "", 3, &m);
		cr_assert_eq(m.status, PB_STATUS_WRONG, "%s: status %s: %s",
			     all[k], pb_status_name(m.status), m.message);
		cr_assert(strstr(m.message, "verify: sum 36 over 8 tasks "
					    "rejected on purpose"),
			  "%s: %s", all[k], m.message);
	}
}

Test(strategies, test_workloads_reject_a_task_beyond_tasks)
{
	static const char *const cases[][2] = {
	    {"crash", "tasks=3; crash_task=3"},
	    {"hang", "tasks=3; hang_task=5"},
	    {"exits", "tasks=1; exit_task=1"},
	    {"failing", "tasks=2; fail_task=2"},
	};
	struct pb_measure m;

	for (size_t k = 0; k < PB_COUNT(cases); k++) {
		/* setup refuses, so nothing runs, whatever the strategy. */
		pbt_run_clean(cases[k][0], cases[k][1], "serial", "", 1, &m);
		cr_assert_eq(m.status, PB_STATUS_FAILED, "%s", cases[k][0]);
		cr_assert(strstr(m.message, "setup: ") &&
			      strstr(m.message, "must be below tasks"),
			  "%s: %s", cases[k][0], m.message);
	}
}

/* The parameter called name in plugin p's table; fails the test if none. */
static const struct pb_param *param_of(const struct pb_plugin *p,
				       const char *name)
{
	for (size_t k = 0; k < p->nparams; k++)
		if (strcmp(p->params[k].name, name) == 0)
			return &p->params[k];
	cr_assert_fail("strategy %s has no parameter %s", p->name, name);
	return NULL;
}

Test(strategies, common_parameters_mean_the_same_everywhere)
{
	const struct pb_plugin *ref = pbt_plugin(PB_KIND_STRATEGY, "fork");
	const struct pb_param *rc = param_of(ref, "chunk");
	const struct pb_param *rs = param_of(ref, "schedule");

	/* 0 is automatic, and said so, in every strategy. */
	cr_assert_eq(rc->min, 0);
	cr_assert(strstr(rc->help, "0: ceil(tasks / (4 x workers))"), "%s",
		  rc->help);
	for (size_t k = 0; k < PB_COUNT(parallel); k++) {
		const struct pb_plugin *p =
		    pbt_plugin(PB_KIND_STRATEGY, parallel[k]);
		const struct pb_param *c = param_of(p, "chunk");
		const struct pb_param *s = param_of(p, "schedule");

		cr_assert_eq(c->type, PB_INT, "%s", p->name);
		cr_assert_eq(c->min, rc->min, "%s", p->name);
		cr_assert_eq(c->max, rc->max, "%s", p->name);
		cr_assert_str_eq(c->help, rc->help, "%s", p->name);
		cr_assert_eq(s->type, PB_ENUM, "%s", p->name);
		cr_assert_str_eq(s->choices, rs->choices, "%s", p->name);
		cr_assert_str_eq(s->default_value, rs->default_value, "%s",
				 p->name);
	}
}

Test(strategies, chunk_zero_is_automatic_in_every_strategy, .timeout = 30)
{
	struct pb_measure m;

	/* 0 = ceil(tasks / (4 x workers)): uneven shares, every slot filled. */
	for (size_t k = 0; k < PB_COUNT(parallel); k++)
		for (unsigned w = 1; w <= 5; w += 2) {
			pbt_run_clean("empty", "tasks=1001", parallel[k],
				      "schedule=dynamic; chunk=0", w, &m);
			cr_assert_eq(m.status, PB_STATUS_OK,
				     "%s workers=%u: %s", parallel[k], w,
				     m.message);
			cr_assert_eq(pbt_metric("empty", &m, "tasks"), 1001.0);
		}
}
