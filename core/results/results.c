/*
 * results.c — experiment.yaml and experiments.csv (see results.h).
 */
#include "results.h"

#include <unistd.h>

#include "lib/path.h"
#include "lib/textbuf.h"
#include "lib/topology.h"

static void names(struct pb_buf *b, const struct pb_param *params, size_t n)
{
	struct pb_buf list = {0};

	for (size_t k = 0; k < n; k++)
		pb_buf_printf(&list, "%s%s", k ? ";" : "", params[k].name);
	pb_buf_printf(b, ",");
	pb_buf_csv_field(b, list.data ? list.data : "");
	pb_buf_free(&list);
}

/* The strategies' parameter names, each once, in order of appearance. */
static void strategy_names(struct pb_buf *b, const struct pb_experiment *e)
{
	struct pb_buf list = {0};
	const char *seen[256];
	size_t nseen = 0;

	for (size_t s = 0; s < e->nstrategies; s++) {
		const struct pb_plugin *p = e->strategies[s].plugin;
		for (size_t k = 0; k < p->nparams; k++) {
			bool dup = false;
			for (size_t j = 0; j < nseen; j++)
				dup |= strcmp(seen[j], p->params[k].name) == 0;
			if (dup || nseen == PB_COUNT(seen))
				continue;
			seen[nseen++] = p->params[k].name;
			pb_buf_printf(&list, "%s%s", list.len ? ";" : "",
				      p->params[k].name);
		}
	}
	/* Affinity varies like a strategy parameter: series are split by it. */
	if (e->affinity_written)
		pb_buf_printf(&list, "%saffinity", list.len ? ";" : "");
	pb_buf_printf(b, ",");
	pb_buf_csv_field(b, list.data ? list.data : "");
	pb_buf_free(&list);
}

/* "gbps=GB/s;requests=1/s": the workload's metrics that have a unit. */
static void metric_units(struct pb_buf *b, const struct pb_plugin *w)
{
	struct pb_buf list = {0};

	for (size_t k = 0; k < w->nmetrics; k++)
		if (w->metrics[k].unit && *w->metrics[k].unit)
			pb_buf_printf(&list, "%s%s=%s", list.len ? ";" : "",
				      w->metrics[k].name, w->metrics[k].unit);
	pb_buf_printf(b, ",");
	pb_buf_csv_field(b, list.data ? list.data : "");
	b->oom |= list.oom;
	pb_buf_free(&list);
}

/* Where the charts' shading starts (see machine_cores). */
struct cores {
	long machine;  /* physical cores (logical ones online without hwloc) */
	unsigned node; /* physical cores of the smallest NUMA node; 0: none */
};

/*
 * The cores past which a point is shaded: physical cores (hwloc), so
 * workers on SMT siblings count as oversubscribed; the logical cores
 * online when hwloc cannot tell. And the cores of one NUMA node, past
 * which some workers must leave their node (0 for a single node).
 */
static struct cores machine_cores(void)
{
	struct pb_topology t;
	struct pb_err ignored;
	struct cores c = {.machine = sysconf(_SC_NPROCESSORS_ONLN)};

	if (pb_topology_load(&t, &ignored) == PB_OK && t.cores > 0) {
		c.machine = (long)t.cores;
		c.node = t.node_cores;
	}
	pb_topology_free(&t);
	return c;
}

static void experiment_row(struct pb_buf *b, const struct pb_experiment *e,
			   unsigned reps, struct cores c)
{
	pb_buf_csv_field(b, e->name);
	pb_buf_printf(b, ",%s", e->workload->name);
	names(b, e->workload->params, e->workload->nparams);
	strategy_names(b, e);
	pb_buf_printf(b, ",%s,%u,%s,%u,%u,%ld,", e->baseline_strategy,
		      e->baseline_workers,
		      e->fit_oversubscribed ? "true" : "false",
		      reps ? reps : e->repetitions, e->warmup, c.machine);
	if (c.node)
		pb_buf_printf(b, "%u", c.node);
	metric_units(b, e->workload);
	pb_buf_printf(b, "\n");
}

int pb_results_begin(const char *dir, const struct pb_experiment_file *f,
		     unsigned repetitions_override, struct pb_err *err)
{
	struct pb_buf b = {0};
	char path[PB_PATH_MAX];
	struct cores cores = machine_cores();
	int rc;

	if (pb_path_join(path, sizeof(path), dir, "experiment.yaml", err) ||
	    pb_write_file_atomic(path, f->text, f->text_len, err))
		return PB_ERROR;
	pb_buf_printf(&b, "experiment,workload,workload_params,"
			  "strategy_params,baseline_strategy,"
			  "baseline_workers,fit_oversubscribed,repetitions,"
			  "warmup,cores,node_cores,metric_units\n");
	for (size_t k = 0; k < f->n; k++)
		experiment_row(&b, &f->items[k], repetitions_override, cores);
	rc = pb_path_join(path, sizeof(path), dir, "experiments.csv", err);
	if (rc == PB_OK)
		rc = b.oom ? pb_fail(err, "out of memory writing %s", path)
			   : pb_write_file_atomic(path, b.data, b.len, err);
	pb_buf_free(&b);
	return rc;
}
