/*
 * pbtest.c — test helpers (see pbtest.h).
 */
#include "pbtest.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plugin/value.h"

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

/*
 * Copies the text at *at, up to the first character of stops outside
 * double quotes (or the end), into the arena and leaves *at on that stop.
 * With unquote, the quotes go, \" and \\ inside them stand for " and \,
 * and spaces outside quotes are trimmed at both ends; *quoted (if given)
 * tells whether a quote was seen. Without, the text is copied as it is.
 * Fails the test on a quote left open.
 */
static char *scan(const char **at, const char *stops, bool unquote,
		  bool *quoted, struct pb_arena *arena)
{
	const char *s = *at;
	char *out = pb_arena_alloc(arena, strlen(s) + 1);
	size_t len = 0, keep = 0; /* keep: the length without trailing spaces */
	bool in = false, any = false;

	cr_assert_not_null(out);

	for (; *s && (in || !strchr(stops, *s)); s++) {
		char c = *s;
		if (c == '"') {
			in = !in;
			any = true;
			if (!unquote)
				out[len++] = c;
			keep = len;
			continue;
		}
		if (in && c == '\\' && (s[1] == '"' || s[1] == '\\')) {
			if (!unquote)
				out[len++] = c;
			c = *++s;
		}
		if (unquote && !in && c == ' ' && len == 0 && !any)
			continue; /* a leading space */
		out[len++] = c;
		if (!unquote || in || c != ' ')
			keep = len;
	}
	cr_assert_not(in, "a quote is left open in '%s'", *at);
	out[keep] = '\0';
	*at = s;
	if (quoted)
		*quoted = any;
	return out;
}

/* Parses the text of a list value, [a, "b,c", ...], into *value. */
static void set_list(const struct pb_param *q, const char *text,
		     struct pb_value *value, struct pb_arena *arena,
		     struct pb_err *why)
{
	size_t len = strlen(text), n = 0;
	const char **items = pb_arena_alloc(arena, (len + 1) * sizeof(*items));

	cr_assert(len >= 2 && text[0] == '[' && text[len - 1] == ']',
		  "%s=%s: expected a list, [a, b, ...]", q->name, text);
	const char *at = pb_arena_strndup(arena, text + 1, len - 2);
	while (*at) {
		bool quoted;
		char *item = scan(&at, ",", true, &quoted, arena);
		if (*item || quoted) /* "[a, ]" has one item, as in defaults */
			items[n++] = item;
		if (*at == ',')
			at++;
	}
	cr_assert_eq(pb_value_from_items(q, items, n, arena, value, why), PB_OK,
		     "%s=%s: %s", q->name, text, why->msg);
}

/* Parses one raw "name=value" into values[]. */
static void set_one(const struct pb_plugin *p, const char *item,
		    struct pb_value *values, struct pb_arena *arena)
{
	struct pb_err why = {{0}};
	const char *eq = strchr(item, '=');

	cr_assert_not_null(eq, "expected name=value, got '%s'", item);
	const char *name = scan(&item, "=", true, NULL, arena), *rest = eq + 1;
	size_t k = param_index(p, name);
	const struct pb_param *q = &p->params[k];
	if (q->type == PB_INT_LIST || q->type == PB_STRING_LIST) {
		char *raw = pb_arena_strdup(arena, rest + strspn(rest, " "));
		char *end = raw + strlen(raw);
		while (end > raw && end[-1] == ' ')
			*--end = '\0';
		set_list(q, raw, &values[k], arena, &why);
		return;
	}
	const char *text = scan(&rest, "", true, NULL, arena);
	cr_assert_eq(pb_value_parse(q, text, arena, &values[k], &why), PB_OK,
		     "%s.%s=%s: %s", p->name, name, text, why.msg);
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
	/* Items are split on ';' outside quotes; blank items are skipped. */
	for (const char *at = params ? params : ""; *at;) {
		const char *item = scan(&at, ";", false, NULL, arena);
		if (item[strspn(item, " ")])
			set_one(p, item, values, arena);
		if (*at == ';')
			at++;
	}
	return pb_args_of(p, values);
}

struct pb_value *pbt_value(struct pb_args *args, const char *name)
{
	const struct pb_value *v = pb_arg(args, name);

	cr_assert_not_null(v, "no parameter %s", name);
	return (struct pb_value *)v;
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
	struct pb_cell_spec spec = {0};
	struct pb_host host = {
	    .size = sizeof(host),
	    .abi_version = PB_ABI_VERSION,
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

void pbt_run_ok(const char *workload, const char *wparams, const char *strategy,
		const char *sparams, unsigned workers, struct pb_measure *m)
{
	pbt_run(workload, wparams, strategy, sparams, workers, m);
	cr_assert_eq(m->status, PB_STATUS_OK, "%s [%s] under %s [%s] x%u: %s",
		     workload, wparams, strategy, sparams, workers, m->message);
}

bool pbt_have_strategy(const char *name)
{
	return pb_registry_find(pbt_registry(), PB_KIND_STRATEGY, name);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif

const char *pbt_mpi_skip_reason(void)
{
#ifdef SANITIZED
	return "Open MPI is not instrumented and trips the sanitizers; the "
	       "plain `make test` runs the mpi tests";
#endif
	if (!pbt_have_strategy("mpi"))
		return "this build has no mpi strategy (no Open MPI headers: "
		       "Debian libopenmpi-dev)";
	return NULL;
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

/* Entries of folder path, "." and ".." left out. */
static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	int n = 0;

	cr_assert_not_null(d, "cannot read %s", path);
	while (readdir(d))
		n++;
	closedir(d);
	return n - 2;
}

int pbt_count_fds(void)
{
	/* The DIR that reads the folder has a descriptor of its own. */
	return count_entries("/proc/self/fd") - 1;
}

int pbt_count_threads(void)
{
	return count_entries("/proc/self/task");
}

void pbt_assert_no_child(const char *what)
{
	errno = 0;
	cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1,
		     "%s: a child process is left", what);
	cr_assert_eq(errno, ECHILD, "%s: waitpid: %s", what, strerror(errno));
}

void pbt_assert_crashed(const struct pb_measure *m, const char *a,
			const char *b)
{
	cr_assert_eq(m->status, PB_STATUS_CRASHED, "status %s: %s",
		     pb_status_name(m->status), m->message);
	cr_assert(strstr(m->message, a) && strstr(m->message, b),
		  "expected '%s' and '%s' in: %s", a, b, m->message);
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
