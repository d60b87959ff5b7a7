/*
 * registry.c — loading plugins with dlopen and checking their descriptors.
 */
#include "registry.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/arena.h"
#include "lib/path.h"
#include "value.h"

/* The file whose code runs now in dlopen or dlclose (constructors,
 * destructors), for pb_registry_in_plugin_code; NULL otherwise. */
static const char *in_plugin_code;

const char *pb_registry_in_plugin_code(void)
{
	return in_plugin_code;
}

static void *open_plugin(const char *path, const char *full)
{
	in_plugin_code = path;
	void *handle = dlopen(full, RTLD_NOW | RTLD_LOCAL);
	in_plugin_code = NULL;
	return handle;
}

static void close_plugin(const char *path, void *handle)
{
	in_plugin_code = path;
	dlclose(handle);
	in_plugin_code = NULL;
}

static bool valid_name(const char *name)
{
	if (!name || !*name)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			return false;
	return true;
}

/*
 * A name as a message shows it: at most 64 characters, with control
 * characters and backslashes escaped (\n, \x01), so that a hostile name
 * cannot break the line it is printed on.
 */
static const char *shown(const char *name, char *buf, size_t len)
{
	const unsigned char *start = (const unsigned char *)(name ? name : "");
	size_t used = 0;

	buf[0] = '\0';
	for (const unsigned char *p = start;
	     *p && used + 5 < len && p - start < 64; p++) {
		if (*p == '\n')
			used += (size_t)snprintf(buf + used, len - used, "\\n");
		else if (*p == '\\')
			used +=
			    (size_t)snprintf(buf + used, len - used, "\\\\");
		else if (*p < 0x20 || *p == 0x7f)
			used += (size_t)snprintf(buf + used, len - used,
						 "\\x%02x", *p);
		else
			buf[used++] = (char)*p, buf[used] = '\0';
	}
	return buf;
}

/* Bounds of a number parameter: ordered, not NaN, and said explicitly. */
static int check_range(const char *path, const struct pb_plugin *p,
		       const struct pb_param *q, struct pb_err *err)
{
	bool number = q->type == PB_INT || q->type == PB_FLOAT ||
		      q->type == PB_SIZE || q->type == PB_DURATION ||
		      q->type == PB_INT_LIST;

	if (!number)
		return PB_OK;
	if (isnan(q->min) || isnan(q->max) || q->min > q->max)
		return pb_fail(err,
			       "%s: plugin '%s': parameter '%s' has the range "
			       "%g to %g; expected min <= max",
			       path, p->name, q->name, q->min, q->max);
	if (q->min == 0 && q->max == 0)
		return pb_fail(err,
			       "%s: plugin '%s': parameter '%s' has the range "
			       "0 to 0; write PB_NO_MIN, PB_NO_MAX for an "
			       "unbounded one (ABI version 2)",
			       path, p->name, q->name);
	return PB_OK;
}

static int check_param(const char *path, const struct pb_plugin *p, size_t k,
		       struct pb_arena *arena, struct pb_err *err)
{
	const struct pb_param *q = &p->params[k];
	struct pb_value v;
	struct pb_err why;
	char buf[320];

	if (!valid_name(q->name))
		return pb_fail(err,
			       "%s: plugin '%s': parameter %zu has the name "
			       "'%s'; expected a-z, 0-9 and _",
			       path, p->name, k,
			       shown(q->name, buf, sizeof(buf)));
	for (size_t j = 0; j < k; j++)
		if (strcmp(p->params[j].name, q->name) == 0)
			return pb_fail(err,
				       "%s: plugin '%s': two parameters are "
				       "called '%s'",
				       path, p->name, q->name);
	if (q->type > PB_STRING_LIST)
		return pb_fail(err,
			       "%s: plugin '%s': parameter '%s' has the "
			       "unknown type %u",
			       path, p->name, q->name, q->type);
	if (q->type == PB_ENUM && !q->choices)
		return pb_fail(err,
			       "%s: plugin '%s': enum parameter '%s' has no "
			       "choices",
			       path, p->name, q->name);
	if (check_range(path, p, q, err))
		return PB_ERROR;
	if (q->default_value && pb_value_default(q, arena, &v, &why))
		return pb_fail(err, "%s: default of parameter '%s': %s", path,
			       q->name, why.msg);
	return PB_OK;
}

/* Every default must parse: a broken table is found at load, not mid-run. */
static int check_params(const char *path, const struct pb_plugin *p,
			struct pb_err *err)
{
	struct pb_arena arena = {0};
	int rc = PB_OK;

	for (size_t k = 0; k < p->nparams && rc == PB_OK; k++)
		rc = check_param(path, p, k, &arena, err);
	pb_arena_free(&arena);
	return rc;
}

/* Metric names become CSV columns: the rules of plugin names, unique. */
static int check_metrics(const char *path, const struct pb_plugin *p,
			 struct pb_err *err)
{
	for (size_t k = 0; k < p->nmetrics; k++) {
		const struct pb_metric *m = &p->metrics[k];
		char buf[320];
		if (!valid_name(m->name))
			return pb_fail(err,
				       "%s: plugin '%s': metric %zu has the "
				       "name '%s'; expected a-z, 0-9 and _",
				       path, p->name, k,
				       shown(m->name, buf, sizeof(buf)));
		for (size_t j = 0; j < k; j++)
			if (strcmp(p->metrics[j].name, m->name) == 0)
				return pb_fail(err,
					       "%s: plugin '%s': two metrics "
					       "are called '%s'",
					       path, p->name, m->name);
		if (m->flags & ~(uint32_t)PB_METRIC_KNOWN_FLAGS)
			return pb_fail(err,
				       "%s: plugin '%s': metric '%s' has "
				       "flags 0x%x; this parabench (ABI "
				       "version %u) knows 0x%x",
				       path, p->name, m->name, m->flags,
				       PB_ABI_VERSION, PB_METRIC_KNOWN_FLAGS);
		if ((m->flags & PB_METRIC_PER_SECOND) &&
		    (m->flags & PB_METRIC_SECONDS_EACH))
			return pb_fail(err,
				       "%s: plugin '%s': metric '%s' is "
				       "both PER_SECOND and SECONDS_EACH",
				       path, p->name, m->name);
	}
	return PB_OK;
}

static int check_hooks(const char *path, const struct pb_plugin *p,
		       struct pb_err *err)
{
	if (p->kind == PB_KIND_WORKLOAD) {
		const struct pb_workload_hooks *h = p->workload;
		if (!h || !h->setup || !h->run_task || !h->reduce ||
		    !h->teardown)
			return pb_fail(err,
				       "%s: workload '%s' lacks a required "
				       "hook (setup, run_task, reduce, "
				       "teardown)",
				       path, p->name);
		if (p->result_size == 0)
			return pb_fail(err,
				       "%s: workload '%s' has result_size "
				       "0",
				       path, p->name);
		if (p->nmetrics > PB_MAX_METRICS)
			return pb_fail(err,
				       "%s: workload '%s' declares %zu "
				       "metrics; at most %d",
				       path, p->name, p->nmetrics,
				       PB_MAX_METRICS);
		return check_metrics(path, p, err);
	}
	if (p->kind == PB_KIND_STRATEGY) {
		if (!p->strategy || !p->strategy->execute)
			return pb_fail(err,
				       "%s: strategy '%s' has no execute "
				       "hook",
				       path, p->name);
		if (p->nmetrics > PB_MAX_METRICS)
			return pb_fail(err,
				       "%s: strategy '%s' declares %zu "
				       "metrics; at most %d",
				       path, p->name, p->nmetrics,
				       PB_MAX_METRICS);
		return check_metrics(path, p, err);
	}
	return pb_fail(err,
		       "%s: unknown plugin kind %u (expected workload "
		       "or strategy)",
		       path, p->kind);
}

/* Checks the descriptor as abi.c read it into the host's layout. */
static int check_descriptor(const char *path, const struct pb_plugin *p,
			    struct pb_err *err)
{
	char buf[320];

	if (!valid_name(p->name))
		return pb_fail(err,
			       "%s: plugin name '%s' is not made of "
			       "a-z, 0-9 and _",
			       path, shown(p->name, buf, sizeof(buf)));
	if (check_hooks(path, p, err))
		return PB_ERROR;
	return check_params(path, p, err);
}

static int push(struct pb_registry *reg, struct pb_abi_plugin *p, void *handle,
		const char *path, struct pb_err *err)
{
	if (reg->n == reg->cap) {
		size_t cap = reg->cap ? 2 * reg->cap : 16;
		struct pb_loaded *items =
		    realloc(reg->items, cap * sizeof(*items));
		if (!items)
			return pb_fail(err, "out of memory loading %s", path);
		reg->items = items;
		reg->cap = cap;
	}
	char *copy = strdup(path);
	if (!copy)
		return pb_fail(err, "out of memory loading %s", path);
	reg->items[reg->n++] = (struct pb_loaded){&p->desc, handle, copy, p};
	return PB_OK;
}

int pb_registry_load_file(struct pb_registry *reg, const char *path,
			  struct pb_err *err)
{
	char full[PB_PATH_MAX];

	/* A path with a slash keeps dlopen away from its search path. */
	if (pb_path_fmt(full, sizeof(full), err, "%s%s",
			strchr(path, '/') ? "" : "./", path))
		return PB_ERROR;
	void *handle = open_plugin(path, full);
	if (!handle)
		return pb_fail(err, "%s: cannot load plugin: %s", path,
			       dlerror());
	const void *sym = dlsym(handle, PB_PLUGIN_SYMBOL_NAME);
	struct pb_abi_plugin *abi = NULL;
	if (!sym) {
		pb_fail(err,
			"%s: not a parabench plugin: no symbol '%s' "
			"(declare it with PB_EXPORT)",
			path, PB_PLUGIN_SYMBOL_NAME);
		goto fail;
	}
	if (pb_abi_read(path, sym, &abi, err) ||
	    check_descriptor(path, &abi->desc, err))
		goto fail;
	for (size_t k = 0; k < reg->n; k++)
		if (strcmp(reg->items[k].plugin->name, abi->desc.name) == 0) {
			pb_fail(err,
				"two plugins are called '%s': %s and %s; "
				"remove or rename one",
				abi->desc.name, reg->items[k].path, path);
			goto fail;
		}
	if (push(reg, abi, handle, path, err))
		goto fail;
	return PB_OK;
fail:
	pb_abi_free(abi);
	close_plugin(path, handle);
	return PB_ERROR;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_so(const char *name)
{
	size_t n = strlen(name);
	return n > 3 && strcmp(name + n - 3, ".so") == 0 && name[0] != '.';
}

/* Grows *items (of *cap elements of size each) to hold n + 1. */
static int reserve(void **items, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return PB_OK;
	size_t more = *cap ? 2 * *cap : 8;
	void *grown = realloc(*items, more * size);
	if (!grown)
		return PB_ERROR;
	*items = grown;
	*cap = more;
	return PB_OK;
}

/* Keeps a file that did not load, with its message. */
static int add_broken(struct pb_registry *reg, const char *path,
		      const char *msg, struct pb_err *err)
{
	char *p = strdup(path), *m = strdup(msg);

	if (!p || !m ||
	    reserve((void **)&reg->broken, &reg->capbroken, reg->nbroken,
		    sizeof(*reg->broken))) {
		free(p);
		free(m);
		return pb_fail(err, "out of memory");
	}
	reg->broken[reg->nbroken++] = (struct pb_broken){p, m};
	return PB_OK;
}

static int add_dir(struct pb_registry *reg, const char *dir, struct pb_err *err)
{
	char *copy = strdup(dir);

	if (!copy || reserve((void **)&reg->dirs, &reg->capdirs, reg->ndirs,
			     sizeof(*reg->dirs))) {
		free(copy);
		return pb_fail(err, "out of memory");
	}
	reg->dirs[reg->ndirs++] = copy;
	return PB_OK;
}

int pb_registry_load_dir(struct pb_registry *reg, const char *dir,
			 struct pb_err *err)
{
	DIR *d;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = PB_OK;

	if (add_dir(reg, dir, err))
		return PB_ERROR;
	if (!(d = opendir(dir)))
		return pb_fail(err, "%s: cannot open plugin folder: %s", dir,
			       strerror(errno));
	for (struct dirent *e; (e = readdir(d));) {
		if (!is_so(e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			char **grown = realloc(names, cap * sizeof(*names));
			if (!grown) {
				rc = pb_fail(err, "out of memory");
				goto out;
			}
			names = grown;
		}
		if (!(names[n] = strdup(e->d_name))) {
			rc = pb_fail(err, "out of memory");
			goto out;
		}
		n++;
	}
	qsort(names, n, sizeof(*names), by_name);
	for (size_t k = 0; k < n && rc == PB_OK; k++) {
		char path[PB_PATH_MAX];
		struct pb_err why = {{0}};
		if (pb_path_join(path, sizeof(path), dir, names[k], &why))
			rc = add_broken(reg, names[k], why.msg, err);
		else if (pb_registry_load_file(reg, path, &why))
			rc = add_broken(reg, path, why.msg, err);
	}
out:
	for (size_t k = 0; k < n; k++)
		free(names[k]);
	free(names);
	closedir(d);
	return rc;
}

/* The folder of the running binary, from /proc/self/exe. */
static int exe_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	/* n == len - 1 may be a cut path: not one to look beside. */
	if (n <= 0 || (size_t)n >= len - 1)
		return PB_ERROR;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash)
		return PB_ERROR;
	*slash = '\0';
	return PB_OK;
}

static bool is_dir(const char *path)
{
	DIR *d = opendir(path);
	if (d)
		closedir(d);
	return d != NULL;
}

static int load_default_dir(struct pb_registry *reg, struct pb_err *err)
{
	char dir[PB_PATH_MAX], path[PB_PATH_MAX];

	if (exe_dir(dir, sizeof(dir)))
		return PB_OK;
	if (pb_path_join(path, sizeof(path), dir, "plugins", err))
		return PB_ERROR;
	if (is_dir(path))
		return pb_registry_load_dir(reg, path, err);
	if (pb_path_join(path, sizeof(path), dir, "../lib/parabench/plugins",
			 err))
		return PB_ERROR;
	if (is_dir(path))
		return pb_registry_load_dir(reg, path, err);
	return PB_OK;
}

static int load_env_path(struct pb_registry *reg, struct pb_err *err)
{
	const char *env = getenv("PARABENCH_PLUGIN_PATH");
	char *copy, *save = NULL;
	int rc = PB_OK;

	if (!env || !*env)
		return PB_OK;
	if (!(copy = strdup(env)))
		return pb_fail(err, "out of memory");
	for (char *dir = strtok_r(copy, ":", &save); dir && rc == PB_OK;
	     dir = strtok_r(NULL, ":", &save))
		rc = pb_registry_load_dir(reg, dir, err);
	free(copy);
	if (rc)
		snprintf(err->msg + strlen(err->msg),
			 sizeof(err->msg) - strlen(err->msg),
			 " (from PARABENCH_PLUGIN_PATH)");
	return rc;
}

int pb_registry_load_default(struct pb_registry *reg,
			     const char *const *extra_dirs, size_t nextra,
			     struct pb_err *err)
{
	if (load_default_dir(reg, err) || load_env_path(reg, err))
		return PB_ERROR;
	for (size_t k = 0; k < nextra; k++)
		if (pb_registry_load_dir(reg, extra_dirs[k], err))
			return PB_ERROR;
	return PB_OK;
}

const struct pb_plugin *pb_registry_find(const struct pb_registry *reg,
					 enum pb_kind kind, const char *name)
{
	for (size_t k = 0; k < reg->n; k++) {
		const struct pb_plugin *p = reg->items[k].plugin;
		if (p->kind == kind && strcmp(p->name, name) == 0)
			return p;
	}
	return NULL;
}

const char *pb_registry_path(const struct pb_registry *reg,
			     const struct pb_plugin *plugin)
{
	for (size_t k = 0; k < reg->n; k++)
		if (reg->items[k].plugin == plugin)
			return reg->items[k].path;
	return NULL;
}

void pb_registry_names(const struct pb_registry *reg, enum pb_kind kind,
		       char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t k = 0; k < reg->n; k++) {
		const struct pb_plugin *p = reg->items[k].plugin;
		if (p->kind != kind || used >= len)
			continue;
		int n = snprintf(buf + used, len - used, "%s%s",
				 used ? ", " : "", p->name);
		if (n > 0)
			used += (size_t)n;
	}
}

const struct pb_broken *pb_registry_broken_for(const struct pb_registry *reg,
					       const char *name)
{
	char quoted[256];

	snprintf(quoted, sizeof(quoted), "'%s'", name);
	for (size_t k = 0; k < reg->nbroken; k++) {
		const char *path = reg->broken[k].path;
		const char *base = strrchr(path, '/');
		size_t n = strlen(name);
		base = base ? base + 1 : path;
		if ((strncmp(base, name, n) == 0 &&
		     strcmp(base + n, ".so") == 0) ||
		    strstr(reg->broken[k].msg, quoted))
			return &reg->broken[k];
	}
	return NULL;
}

void pb_registry_searched(const struct pb_registry *reg, char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t k = 0; k < reg->ndirs && used < len; k++) {
		int n = snprintf(buf + used, len - used, "%s%s", k ? ", " : "",
				 reg->dirs[k]);
		if (n > 0)
			used += (size_t)n;
	}
}

void pb_registry_free(struct pb_registry *reg)
{
	for (size_t k = 0; k < reg->nbroken; k++) {
		free(reg->broken[k].path);
		free(reg->broken[k].msg);
	}
	free(reg->broken);
	for (size_t k = 0; k < reg->ndirs; k++)
		free(reg->dirs[k]);
	free(reg->dirs);
	for (size_t k = 0; k < reg->n; k++) {
		pb_abi_free(reg->items[k].abi);
		close_plugin(reg->items[k].path, reg->items[k].handle);
		free(reg->items[k].path);
	}
	free(reg->items);
	*reg = (struct pb_registry){0};
}
