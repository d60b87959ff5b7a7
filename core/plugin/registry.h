/*
 * registry.h — finding, loading and checking plugins.
 *
 * Plugins are shared objects opened with dlopen(RTLD_NOW | RTLD_LOCAL) by a
 * path that contains a slash, so the dynamic loader's search path (and the
 * current directory) never supplies one by accident. Each must export
 * PB_PLUGIN_SYMBOL with our magic; abi.c reads it into the host's layout
 * (older and larger layouts included) and this file checks its content.
 */
#ifndef PB_REGISTRY_H
#define PB_REGISTRY_H

#include <parabench/plugin.h>

#include "abi.h"

/* A plugin (workload or strategy) may declare at most this many metrics. */
#define PB_MAX_METRICS 32

/*
 * The strategy an experiment's baseline defaults to, which the analysis
 * also treats as the control (it ignores workers). The one place the core
 * names a plugin: a build without it simply needs `baseline:` spelled out.
 */
#define PB_DEFAULT_BASELINE_STRATEGY "serial"

struct pb_loaded {
	const struct pb_plugin *plugin; /* &abi->desc: the host's layout */
	void *handle;
	char *path;
	struct pb_abi_plugin *abi; /* owned */
};

/* A plugin file that did not load: it hides no other plugin. */
struct pb_broken {
	char *path; /* owned */
	char *msg;  /* owned: why, naming the file */
};

struct pb_registry {
	struct pb_loaded *items;
	size_t n, cap;
	struct pb_broken *broken; /* files of the folders that did not load */
	size_t nbroken, capbroken;
	char **dirs; /* owned: the folders searched, in order */
	size_t ndirs, capdirs;
};

/*
 * Loads one plugin file. Fails, naming the file, when it is not a shared
 * object, lacks the symbol, is refused by pb_abi_read, has an inconsistent
 * descriptor (bad names, missing hooks, bad ranges or defaults, metric
 * names that are not a-z0-9_ or repeat), or the name of a plugin already
 * loaded (naming both files).
 */
int pb_registry_load_file(struct pb_registry *reg, const char *path,
			  struct pb_err *err);

/*
 * Loads every *.so of dir in name order. A file that does not load is
 * kept in reg->broken (with its message) and the others load all the same;
 * only a folder that cannot be read (or running out of memory) is an
 * error. dir is remembered among the folders searched.
 */
int pb_registry_load_dir(struct pb_registry *reg, const char *dir,
			 struct pb_err *err);

/*
 * Loads the default plugin folder (beside the binary: plugins/, or
 * ../lib/parabench/plugins once installed; whichever exists), then every
 * folder of PARABENCH_PLUGIN_PATH (colon-separated), then extra_dirs.
 */
int pb_registry_load_default(struct pb_registry *reg,
			     const char *const *extra_dirs, size_t nextra,
			     struct pb_err *err);

/* The plugin of that kind and name, or NULL. */
const struct pb_plugin *pb_registry_find(const struct pb_registry *reg,
					 enum pb_kind kind, const char *name);

/* Where a loaded plugin came from, or NULL. */
const char *pb_registry_path(const struct pb_registry *reg,
			     const struct pb_plugin *plugin);

/*
 * Writes the names of the loaded plugins of that kind, comma-separated, to
 * buf: for "unknown plugin" messages.
 */
void pb_registry_names(const struct pb_registry *reg, enum pb_kind kind,
		       char *buf, size_t len);

/*
 * The path of the plugin file whose constructors or destructors run now
 * (inside dlopen or dlclose), or NULL. A constructor that calls exit()
 * ends the program from there: an atexit handler of the program asks this
 * to name the culprit.
 */
const char *pb_registry_in_plugin_code(void);

/*
 * The broken file that would probably have been plugin name (its file is
 * name.so, or its message names '<name>'), or NULL.
 */
const struct pb_broken *pb_registry_broken_for(const struct pb_registry *reg,
					       const char *name);

/* Writes the folders searched, comma-separated, to buf ("" for none). */
void pb_registry_searched(const struct pb_registry *reg, char *buf, size_t len);

/* Closes every plugin and frees the registry. */
void pb_registry_free(struct pb_registry *reg);

#endif
