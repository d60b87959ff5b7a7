/* hashsum.c — an example parabench workload: FNV-1a over blocks of a buffer. */
#include <parabench/plugin.h>
#include <stdint.h>
#include <stdlib.h>

static const struct pb_param params[] = {
    {"size", PB_SIZE, "64M", 1, PB_NO_MAX, NULL, "bytes to hash"},
    {"tasks", PB_INT, "16", 1, 1e6, NULL, "blocks, one per task"},
};
static const struct pb_metric metrics[] = {
    {"hash", "", "XOR of the blocks' FNV-1a hashes", 0},
    {"gb_per_s", "GB/s", "bytes hashed", PB_METRIC_PER_SECOND},
};

struct state {
	uint64_t size, tasks;
	unsigned char buf[]; /* size bytes of xorshift64 output */
};

static int setup(const struct pb_args *args, struct pb_host *host, void **state,
		 size_t *ntasks, struct pb_err *err)
{
	uint64_t size = (uint64_t)args->values[0].u.i, x = host->seed | 1;
	struct state *st = malloc(sizeof(*st) + size);

	if (!st)
		return pb_fail(err, "out of memory for %llu bytes",
			       (unsigned long long)size);
	*st = (struct state){size, (uint64_t)args->values[1].u.i};
	for (uint64_t k = 0; k < size; k++) { /* xorshift64 */
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		st->buf[k] = (unsigned char)x;
	}
	*state = st;
	*ntasks = (size_t)st->tasks;
	return PB_OK;
}

static int run_task(void *state, void *worker, size_t task, void *result,
		    struct pb_err *err)
{
	const struct state *st = state;
	uint64_t h = 14695981039346656037ULL,
		 end = st->size * (task + 1) / st->tasks;

	(void)worker, (void)err;
	for (uint64_t k = st->size * task / st->tasks; k < end; k++)
		h = (h ^ st->buf[k]) * 1099511628211ULL;
	memcpy(result, &h, sizeof(h));
	return PB_OK;
}

static int reduce(void *state, const void *results, size_t ntasks,
		  struct pb_metric_value *m, struct pb_err *err)
{
	const uint64_t *h = results;
	uint64_t all = 0;

	(void)err;
	for (size_t k = 0; k < ntasks; k++)
		all ^= h[k];
	snprintf(m[0].text, sizeof(m[0].text), "%016llx",
		 (unsigned long long)all);
	m[1].value = (double)((const struct state *)state)->size / 1e9;
	return PB_OK;
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = setup,
    .run_task = run_task,
    .reduce = reduce,
    .teardown = free};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "hashsum", "FNV-1a over a buffer",
		     "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(uint64_t),
    .workload = &hooks};
