/*
 * binding.h — the host's side of worker affinity: the pb_job.bind_worker
 * service, which binds worker w to the PU that the cell's policy gives it
 * on this machine's topology (read once per process, when first needed).
 */
#ifndef PB_BINDING_H
#define PB_BINDING_H

#include <parabench/plugin.h>

#include "lib/topology.h"

/* What bind_ctx points to while a job runs. */
struct pb_binding {
	enum pb_affinity policy;
	const struct pb_topology *topology; /* NULL under PB_AFFINITY_NONE */
};

/*
 * Prepares b for policy: loads the topology on first use (untimed: call it
 * before the timed span). Fails with hwloc's reason.
 */
int pb_binding_prepare(struct pb_binding *b, enum pb_affinity policy,
		       struct pb_err *err);

/* The pb_job.bind_worker service; job->bind_ctx is a struct pb_binding. */
int pb_binding_bind_worker(const struct pb_job *job, unsigned w,
			   struct pb_err *err);

#endif
