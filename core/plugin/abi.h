/*
 * abi.h — reading a plugin's descriptor into the host's own layout.
 *
 * Every struct a plugin hands over that may grow (the descriptor, its hook
 * tables, its parameter and metric tables) is copied by the rule of Linux's
 * copy_struct_from_user: a smaller struct is read with its missing tail as
 * zeros; a larger one is accepted only when every byte the host does not
 * know is zero. Version 1 descriptors, which carried no sizes, are
 * translated. The rest of the host reads only the copies.
 */
#ifndef PB_ABI_H
#define PB_ABI_H

#include <parabench/plugin.h>

/*
 * The sizes of the first sized layout (version 2) on LP64: the smallest
 * struct of ABI version 2 or later that the host accepts.
 */
#define PB_PLUGIN_SIZE_VER2 144
#define PB_WORKLOAD_HOOKS_SIZE_VER2 64
#define PB_STRATEGY_HOOKS_SIZE_VER2 16
#define PB_PARAM_SIZE_VER2 56
#define PB_METRIC_SIZE_VER2 32

/* The metric flags this host knows. */
#define PB_METRIC_KNOWN_FLAGS (PB_METRIC_PER_SECOND | PB_METRIC_SECONDS_EACH)

/*
 * A plugin as the host holds it. desc is in the host's layout: its sizes
 * are the host's, its abi_version the plugin's own, and its params,
 * metrics, workload and strategy point to the copies below. NULL summary,
 * version, unit and help are read as "".
 */
struct pb_abi_plugin {
	struct pb_plugin desc;
	struct pb_workload_hooks workload;
	struct pb_strategy_hooks strategy;
	struct pb_param *params;   /* owned; nparams entries */
	struct pb_metric *metrics; /* owned; nmetrics entries */
	/* Version 1 strategies only: their execute, which wants a v1 job. */
	const void *v1_strategy;
	char *path; /* owned: the file it was read from */
};

/*
 * Copies a struct of `theirs` bytes at src into dst, which holds `ours`
 * bytes: the missing tail of a smaller struct becomes zeros. A larger one is
 * refused (PB_ERROR, nothing else changes but dst) when a byte past `ours`
 * is not zero; *bad then holds that byte's offset.
 */
int pb_copy_struct(void *dst, size_t ours, const void *src, size_t theirs,
		   size_t *bad);

/*
 * Reads the descriptor sym, exported by the file path, into a new *out
 * (free it with pb_abi_free). Fails, naming path (and the plugin once its
 * name is known), on a bad magic, an unknown ABI version, a size smaller
 * than version 2's, unknown non-zero bytes in a larger struct (giving both
 * sizes and both versions), non-zero reserved members, or a NULL table
 * with a non-zero count. It does not judge the content: see registry.c.
 */
int pb_abi_read(const char *path, const void *sym, struct pb_abi_plugin **out,
		struct pb_err *err);

/*
 * The file plugin p was read from. p must be the desc of a struct
 * pb_abi_plugin (every plugin of the registry is).
 */
const char *pb_plugin_path(const struct pb_plugin *p);

/* Frees what pb_abi_read made; NULL is fine. */
void pb_abi_free(struct pb_abi_plugin *p);

/*
 * The args a hook of plugin p gets for these values (p->nparams of them,
 * owned by the caller): the host's table, with its sizes.
 */
struct pb_args pb_args_of(const struct pb_plugin *p,
			  const struct pb_value *values);

/*
 * Calls strategy s's execute hook on job, handing a version 1 strategy the
 * job and hook table in its own layout. Returns what the hook returns.
 */
int pb_strategy_execute(const struct pb_plugin *s, const struct pb_job *job,
			int32_t *status, struct pb_err *err);

#endif
