/*
 * pbtest.c — test helpers (see pbtest.h).
 */
#include "pbtest.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "value.h"

static struct pb_registry registry;
static bool loaded;

const char *pbt_build(void)
{
	const char *b = getenv("PB_BUILD");
	return b && *b ? b : "build";
}

const struct pb_registry *pbt_registry(void)
{
	char dir[4096];
	struct pb_err err = {{0}};

	if (loaded)
		return &registry;
	snprintf(dir, sizeof(dir), "%s/plugins", pbt_build());
	if (pb_registry_load_dir(&registry, dir, &err))
		cr_assert_fail("loading plugins: %s", err.msg);
	loaded = true;
	return &registry;
}

const struct pb_plugin *pbt_plugin(enum pb_kind kind, const char *name)
{
	const struct pb_plugin *p =
	    pb_registry_find(pbt_registry(), kind, name);
	if (!p) {
		/* Test-only plugins are loaded one by one, on demand. */
		char path[4096];
		struct pb_err err = {{0}};
		snprintf(path, sizeof(path), "%s/test-plugins/%s.so",
			 pbt_build(), name);
		if (access(path, R_OK) == 0 &&
		    pb_registry_load_file(&registry, path, &err) == PB_OK)
			p = pb_registry_find(&registry, kind, name);
		else if (err.msg[0])
			cr_assert_fail("%s", err.msg);
	}
	cr_assert_not_null(p, "no %s plugin '%s' in %s",
			   kind == PB_KIND_WORKLOAD ? "workload" : "strategy",
			   name, pbt_build());
	return p;
}

static size_t param_index(const struct pb_plugin *p, const char *name)
{
	for (size_t k = 0; k < p->nparams; k++)
		if (strcmp(p->params[k].name, name) == 0)
			return k;
	cr_assert_fail("plugin %s has no parameter '%s'", p->name, name);
	return 0;
}

/* Parses one "name=value" into values[]. */
static void set_one(const struct pb_plugin *p, char *item,
		    struct pb_value *values, struct pb_arena *arena)
{
	struct pb_err why = {{0}};
	char *eq = strchr(item, '=');

	cr_assert_not_null(eq, "expected name=value, got '%s'", item);
	*eq = '\0';
	char *name = item, *text = eq + 1;
	while (*name == ' ')
		name++;
	for (char *e = eq; e > name && e[-1] == ' ';)
		*--e = '\0';
	while (*text == ' ')
		text++;
	size_t k = param_index(p, name);
	struct pb_param q = p->params[k];
	q.default_value = text;
	int rc = (q.type == PB_INT_LIST || q.type == PB_STRING_LIST)
		     ? pb_value_default(&q, arena, &values[k], &why)
		     : pb_value_parse(&q, text, arena, &values[k], &why);
	cr_assert_eq(rc, PB_OK, "%s.%s=%s: %s", p->name, name, text, why.msg);
}

struct pb_args pbt_args(const struct pb_plugin *p, const char *params,
			struct pb_arena *arena)
{
	struct pb_value *values =
	    pb_arena_alloc(arena, (p->nparams + 1) * sizeof(*values));
	struct pb_err why = {{0}};

	for (size_t k = 0; k < p->nparams; k++)
		if (p->params[k].default_value &&
		    pb_value_default(&p->params[k], arena, &values[k], &why))
			cr_assert_fail("%s: %s", p->name, why.msg);
	if (params && *params) {
		char *copy = pb_arena_strdup(arena, params), *save = NULL;
		for (char *item = strtok_r(copy, ";", &save); item;
		     item = strtok_r(NULL, ";", &save))
			set_one(p, item, values, arena);
	}
	return (struct pb_args){p->nparams, p->params, values};
}

#define MAX_OWNED 64
static char owned[MAX_OWNED][4096];
static const char *owned_ptrs[MAX_OWNED];
static size_t nowned;

static void own_path(struct pb_host *host, const char *path)
{
	(void)host;
	if (nowned < MAX_OWNED) {
		snprintf(owned[nowned], sizeof(owned[nowned]), "%s", path);
		owned_ptrs[nowned] = owned[nowned];
		nowned++;
	}
}

size_t pbt_owned_paths(const char ***paths)
{
	*paths = owned_ptrs;
	return nowned;
}

void pbt_run(const char *workload, const char *wparams, const char *strategy,
	     const char *sparams, unsigned workers, struct pb_measure *m)
{
	struct pb_arena arena = {0};
	struct pb_cell_spec spec;
	struct pb_host host = {
	    .size = sizeof(host),
	    .own_path = own_path,
	    .seed = 1,
	    .cores = (unsigned)sysconf(_SC_NPROCESSORS_ONLN),
	};

	nowned = 0;
	spec.workload = pbt_plugin(PB_KIND_WORKLOAD, workload);
	spec.strategy = pbt_plugin(PB_KIND_STRATEGY, strategy);
	spec.wargs = pbt_args(spec.workload, wparams, &arena);
	spec.sargs = pbt_args(spec.strategy, sparams, &arena);
	spec.workers = workers;
	pb_repetition_run(&spec, &host, m);
	pb_arena_free(&arena);
}

static size_t metric_index(const char *workload, const char *name)
{
	const struct pb_plugin *p = pbt_plugin(PB_KIND_WORKLOAD, workload);
	for (size_t k = 0; k < p->nmetrics; k++)
		if (strcmp(p->metrics[k].name, name) == 0)
			return k;
	cr_assert_fail("workload %s has no metric '%s'", workload, name);
	return 0;
}

double pbt_metric(const char *workload, const struct pb_measure *m,
		  const char *name)
{
	return m->metrics[metric_index(workload, name)].value;
}

const char *pbt_metric_text(const char *workload, const struct pb_measure *m,
			    const char *name)
{
	return m->metrics[metric_index(workload, name)].text;
}

int pbt_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	cr_assert_not_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3; /* ".", ".." and the DIR's own descriptor */
}

/* Reads all of fd into a NUL-terminated string. */
static char *slurp_fd(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	cr_assert_not_null(buf);
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
	}
	buf[len] = '\0';
	return buf;
}

static int capture_file(void)
{
	char path[] = "/tmp/pbtest-out-XXXXXX";
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	unlink(path);
	return fd;
}

void pbt_parabench(struct pbt_proc *p, const char *const *argv)
{
	char prog[4096];
	const char *args[64] = {prog};
	size_t n = 1;
	int out = capture_file(), err = capture_file(), status;

	snprintf(prog, sizeof(prog), "%s/parabench", pbt_build());
	for (; argv[n - 1] && n < 63; n++)
		args[n] = argv[n - 1];
	args[n] = NULL;
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		dup2(null, 0);
		dup2(out, 1);
		dup2(err, 2);
		execv(prog, (char *const *)args);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	p->status =
	    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	p->out = slurp_fd(out);
	p->err = slurp_fd(err);
	close(out);
	close(err);
}

void pbt_proc_free(struct pbt_proc *p)
{
	free(p->out);
	free(p->err);
	p->out = p->err = NULL;
}

void pbt_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "cannot write %s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

char *pbt_tmpdir(void)
{
	static char dir[64];

	snprintf(dir, sizeof(dir), "/tmp/pbtest-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	return dir;
}
