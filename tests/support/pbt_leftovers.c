/*
 * pbt_leftovers.c — snapshots of what a run may leave behind (see
 * pbt_leftovers.h).
 */
#include "pbt_leftovers.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "pbtest.h"

/* Shared anonymous mappings show as "/dev/zero (deleted)". */
static int count_shared_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096];
	int n = 0;

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "/dev/zero") != NULL ||
		     strstr(line, "/dev/shm/") != NULL;
	fclose(f);
	return n;
}

void pbt_snapshot(struct pbt_snapshot *s)
{
	DIR *d = opendir("/dev/shm");
	struct dirent *e;

	s->nshm = 0;
	/*
	 * Criterion's own entries (bxf*) come and go with parallel tests, and
	 * so do Open MPI's (vader_segment.*, open_mpi.*) and the mpi strategy's
	 * session folders (parabench-mpi-*) while test_mpi runs beside this
	 * test; test_mpi checks its own cleanup.
	 */
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && strncmp(e->d_name, "bxf", 3) != 0 &&
		    strncmp(e->d_name, "vader_segment.", 14) != 0 &&
		    strncmp(e->d_name, "open_mpi.", 9) != 0 &&
		    strncmp(e->d_name, "parabench-mpi-", 14) != 0 &&
		    s->nshm < PBT_MAX_SHM)
			snprintf(s->shm[s->nshm++], sizeof(s->shm[0]), "%s",
				 e->d_name);
	if (d)
		closedir(d);
	s->shared_maps = count_shared_maps();
	s->fds = pbt_count_fds();
}

static bool had_shm(const struct pbt_snapshot *s, const char *name)
{
	for (size_t k = 0; k < s->nshm; k++)
		if (strcmp(s->shm[k], name) == 0)
			return true;
	return false;
}

void pbt_assert_no_leftovers(const struct pbt_snapshot *before,
			     const char *what)
{
	struct pbt_snapshot now;

	pbt_snapshot(&now);
	cr_assert_eq(now.fds, before->fds,
		     "%s: %d descriptors before, %d after", what, before->fds,
		     now.fds);
	pbt_assert_no_child(what);
	for (size_t k = 0; k < now.nshm; k++)
		cr_assert(had_shm(before, now.shm[k]),
			  "%s: new /dev/shm entry %s", what, now.shm[k]);
	cr_assert_eq(now.shared_maps, before->shared_maps,
		     "%s: %d shared mappings before, %d after", what,
		     before->shared_maps, now.shared_maps);
}

void pbt_run_clean(const char *workload, const char *wparams,
		   const char *strategy, const char *sparams, unsigned workers,
		   struct pb_measure *m)
{
	struct pbt_snapshot before;
	char what[256];

	/* Load the plugins first: loading is not what is checked. */
	pbt_plugin(PB_KIND_WORKLOAD, workload);
	pbt_plugin(PB_KIND_STRATEGY, strategy);
	pbt_snapshot(&before);
	pbt_run(workload, wparams, strategy, sparams, workers, m);
	snprintf(what, sizeof(what), "%s [%s] under %s [%s], %u workers",
		 workload, wparams, strategy, sparams, workers);
	pbt_assert_no_leftovers(&before, what);
}

void pbt_assert_children_keep_stdio(const char *strategy)
{
	struct pb_measure m;
	char text[64] = {0};
	FILE *f = tmpfile();

	cr_assert_not_null(f);
	setvbuf(f, NULL, _IOFBF, 4096);
	fputs("once\n", f);
	pbt_run_clean("empty", "tasks=10", strategy, "", 4, &m);
	cr_assert_eq(m.status, PB_STATUS_OK, "%s", m.message);
	fflush(f);
	rewind(f);
	cr_assert_eq(fread(text, 1, sizeof(text) - 1, f), 5);
	cr_assert_str_eq(text, "once\n");
	fclose(f);
}
