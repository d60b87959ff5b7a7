/*
 * binding.c — worker affinity on this machine's topology (see binding.h).
 */
#include "binding.h"

/*
 * The topology of this process, read on first use and kept until exit: a
 * cell process binds every repetition's workers from the same reading.
 */
static struct pb_topology topology;
static bool loaded;

int pb_binding_prepare(struct pb_binding *b, enum pb_affinity policy,
		       struct pb_err *err)
{
	*b = (struct pb_binding){.policy = policy};
	if (policy == PB_AFFINITY_NONE)
		return PB_OK;
	if (!loaded) {
		if (pb_topology_load(&topology, err) != PB_OK) {
			pb_topology_free(&topology);
			return PB_ERROR;
		}
		loaded = true;
	}
	b->topology = &topology;
	return PB_OK;
}

int pb_binding_bind_worker(const struct pb_job *job, unsigned w,
			   struct pb_err *err)
{
	const struct pb_binding *b = job->bind_ctx;

	if (!b || !b->topology)
		return PB_OK;
	return pb_topology_bind(b->topology, b->policy, w, err);
}
