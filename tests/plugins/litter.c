/*
 * litter.c — TEST-ONLY workload: setup makes a private folder with a file
 * in it and registers it with own_path; task 0 then kills its own process
 * with SIGKILL, so teardown never runs. The runner must remove the folder.
 * With `die: false` it behaves and teardown removes the folder itself.
 * The folder is made in `under` (a test's private folder, so that what
 * is left there is this test's alone); its path is reported as the metric
 * text `dir`. With `long_path: true` setup also registers a path of over
 * 5000 bytes whose first 4095 bytes name the folder `under`/keep: a runner
 * that cut it would remove keep, which must stay.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

enum { P_DIE, P_UNDER, P_LONG };

static const struct pb_param params[] = {
    [P_DIE] = {"die", PB_BOOL, "true", 0, 0, NULL, "task 0 kills its process"},
    [P_UNDER] = {"under", PB_STRING, "/tmp", 0, 0, NULL,
		 "the folder to make the private folder in"},
    [P_LONG] = {"long_path", PB_BOOL, "false", 0, 0, NULL,
		"also register a path too long for the kernel"},
};

static const struct pb_metric metrics[] = {
    {"dir", "", "the folder setup made", 0},
};

struct litter {
	bool die;
	char dir[4096], file[4200];
};

static int setup(const struct pb_args *a, struct pb_host *host, void **s,
		 size_t *n, struct pb_err *err)
{
	struct litter *l = calloc(1, sizeof(*l));

	if (!l)
		return pb_fail(err, "out of memory");
	l->die = a->values[P_DIE].u.b;
	if (snprintf(l->dir, sizeof(l->dir), "%s/pbtest-litter-XXXXXX",
		     a->values[P_UNDER].u.s) >= (int)sizeof(l->dir)) {
		free(l);
		return pb_fail(err, "under: path too long");
	}
	if (!mkdtemp(l->dir)) {
		free(l);
		return pb_fail(err, "mkdtemp failed");
	}
	host->own_path(host, l->dir);
	if (a->values[P_LONG].u.b) {
		/* under/keep, then slashes past 4095 bytes, then a name. */
		size_t n = strlen(a->values[P_UNDER].u.s);
		char *p = malloc(n + 5200);
		if (p) {
			memcpy(p, a->values[P_UNDER].u.s, n);
			memcpy(p + n, "/keep", 5);
			memset(p + n + 5, '/', 5100);
			memcpy(p + n + 5105, "x", 2);
			host->own_path(host, p);
			free(p);
		}
	}
	snprintf(l->file, sizeof(l->file), "%s/junk", l->dir);
	FILE *f = fopen(l->file, "w");
	if (f)
		fclose(f);
	*s = l;
	*n = 1;
	return PB_OK;
}

static int run_task(void *s, void *w, size_t i, void *r, struct pb_err *e)
{
	const struct litter *l = s;

	(void)w, (void)i, (void)e;
	*(char *)r = 1;
	if (l->die)
		kill(getpid(), SIGKILL);
	return PB_OK;
}

static int reduce(void *s, const void *r, size_t n, struct pb_metric_value *m,
		  struct pb_err *e)
{
	const struct litter *l = s;

	(void)r, (void)n;
	if (strlen(l->dir) >= sizeof(m[0].text))
		return pb_fail(e, "the folder's path is too long for a metric");
	memcpy(m[0].text, l->dir, strlen(l->dir) + 1);
	return PB_OK;
}

static void teardown(void *s)
{
	struct litter *l = s;

	unlink(l->file);
	rmdir(l->dir);
	free(l);
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = setup,
    .run_task = run_task,
    .reduce = reduce,
    .teardown = teardown,
};

PBT_TEST_WORKLOAD("litter", "test-only: leaves a folder behind when it dies",
		  "1", 1);
