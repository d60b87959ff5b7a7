/*
 * bind.h — worker affinity for the mpi strategy's ranks. Open MPI starts
 * the ranks, not the strategy, so the host's bind service (pb_job
 * .bind_worker, which binds the calling thread) cannot reach them. The MPI
 * parent asks the service where each worker goes, by binding itself as
 * that worker and reading its own CPU set back (pbm_cpu_sets); the sets
 * travel in the job message, and each rank binds itself to its own
 * (pbm_bind_self) before it loads the workload. Header-only, like
 * proto.h: parent and ranks are separate programs, and neither links the
 * host. Define _GNU_SOURCE before the first include (cpu_set_t).
 */
#ifndef PB_MPI_BIND_H
#define PB_MPI_BIND_H

#include <dirent.h>
#include <errno.h>
#include <parabench/plugin.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/types.h>

/*
 * Writes the CPUs of set as a list ("0,2-5") into buf (len > 4), ending in
 * "..." when it does not fit, or "none" for an empty set. Returns buf.
 */
static inline const char *pbm_cpu_list(const cpu_set_t *set, char *buf,
				       size_t len)
{
	size_t used = 0;
	int n;

	buf[0] = '\0';
	for (int c = 0; c < CPU_SETSIZE; c++) {
		int last = c;
		if (!CPU_ISSET(c, set))
			continue;
		while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, set))
			last++;
		n = last == c ? snprintf(buf + used, len - used, "%s%d",
					 used ? "," : "", c)
			      : snprintf(buf + used, len - used, "%s%d-%d",
					 used ? "," : "", c, last);
		if (n < 0 || (size_t)n >= len - used) {
			/* Whole entries only, then the dots. */
			size_t at = used < len - 4 ? used : len - 4;
			while (at > 0 && buf[at] != ',')
				at--;
			snprintf(buf + at, 4, "...");
			return buf;
		}
		used += (size_t)n;
		c = last;
	}
	if (!used)
		snprintf(buf, len, "none");
	return buf;
}

/*
 * Fills sets[0..W-1] with the CPUs the job's bind service gives workers
 * 0..W-1: the calling thread binds itself as each worker in turn, reads
 * its set back and gets its own set back after each. A host without the
 * service (older than version 3) binds nothing.
 *
 * *bound says whether any worker's set differs from the caller's own:
 * false under `affinity: none`, where the service does nothing, and the
 * ranks may stay where they start (with the caller's set, as a forked
 * worker would). Fails with the service's message, or the kernel's.
 */
static inline int pbm_cpu_sets(const struct pb_job *job, unsigned W,
			       cpu_set_t *sets, bool *bound, struct pb_err *err)
{
	cpu_set_t own;

	*bound = false;
	if (!PB_HAS(job, bind_worker) || !job->bind_worker)
		return PB_OK;
	if (sched_getaffinity(0, sizeof(own), &own) != 0)
		return pb_fail(err,
			       "cannot read the CPU set of the MPI parent: %s",
			       strerror(errno));
	for (unsigned w = 0; w < W; w++) {
		int rc = job->bind_worker(job, w, err);
		if (rc == PB_OK &&
		    sched_getaffinity(0, sizeof(sets[w]), &sets[w]) != 0)
			rc = pb_fail(err,
				     "worker %u: cannot read the CPU set the "
				     "binding gave: %s",
				     w, strerror(errno));
		if (sched_setaffinity(0, sizeof(own), &own) != 0 && rc == PB_OK)
			rc = pb_fail(err,
				     "cannot give the MPI parent its CPU set "
				     "back after binding worker %u: %s",
				     w, strerror(errno));
		if (rc != PB_OK)
			return PB_ERROR;
		*bound |= !CPU_EQUAL(&sets[w], &own);
	}
	return PB_OK;
}

/*
 * Binds this process, rank w, to set: every thread it has (the calling
 * one and those MPI_Init started), so that the rank is bound as a whole,
 * like a forked worker; threads started later inherit the set. Fails
 * naming the worker, the CPUs and the kernel's reason.
 */
static inline int pbm_bind_self(const cpu_set_t *set, unsigned w,
				struct pb_err *err)
{
	char cpus[128];
	struct dirent *e;
	DIR *d;
	int rc = PB_OK;

	if (sched_setaffinity(0, sizeof(*set), set) != 0)
		return pb_fail(err, "worker %u: cannot bind to CPU %s: %s", w,
			       pbm_cpu_list(set, cpus, sizeof(cpus)),
			       strerror(errno));
	d = opendir("/proc/self/task");
	if (!d)
		return pb_fail(err,
			       "worker %u: cannot list its threads to bind "
			       "them: /proc/self/task: %s",
			       w, strerror(errno));
	while (rc == PB_OK && (e = readdir(d))) {
		pid_t tid = (pid_t)atoi(e->d_name);
		/* A thread that has ended meanwhile needs no binding. */
		if (tid > 0 && sched_setaffinity(tid, sizeof(*set), set) != 0 &&
		    errno != ESRCH)
			rc = pb_fail(err,
				     "worker %u: cannot bind its thread %d to "
				     "CPU %s: %s",
				     w, (int)tid,
				     pbm_cpu_list(set, cpus, sizeof(cpus)),
				     strerror(errno));
	}
	closedir(d);
	return rc;
}

#endif /* PB_MPI_BIND_H */
