/*
 * command.c — any program as the task, as hyperfine runs commands, but under
 * every strategy and worker count.
 *
 * Task i starts `command` (an argv list, no shell; fork and execvp, the
 * child dying with its parent) in the experiment file's folder, with {task}, {ntasks} and {seed} replaced
 * in every word by i, the task count and the experiment's seed, and waits
 * for it. Its standard input is /dev/null; its standard output goes to
 * /dev/null too, unless result is last-number: then the last number it
 * prints is the task's result (reduce sums them into `result`). Its
 * standard error is read only for its last line, which a failing task
 * reports.
 *
 * A command that cannot start, exits with a status other than 0, is killed
 * by a signal, or (with last-number) prints no number fails the row with
 * the task, the command and the last line of its standard error.
 *
 * The pipes are close-on-exec, so a command started by one worker thread
 * never holds another's pipe open.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <parabench/plugin.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { P_COMMAND, P_TASKS, P_RESULT };

static const struct pb_param params[] = {
    [P_COMMAND] = {"command", PB_STRING_LIST, NULL, 0, 0, NULL,
		   "the program and its arguments, no shell: [sleep, 0.1]; "
		   "{task}, {ntasks} and {seed} are replaced in each word"},
    [P_TASKS] = {"tasks", PB_INT, "16", 1, 1e9, NULL,
		 "number of tasks: runs of the command"},
    [P_RESULT] = {"result", PB_ENUM, "none", 0, 0, "none|last-number",
		  "none: output to /dev/null; last-number: the last number "
		  "the command prints is the task's result"},
};

enum { M_RESULT, M_TASKS_PER_S };

static const struct pb_metric metrics[] = {
    [M_RESULT] = {"result", "",
		  "the sum of the tasks' last numbers (last-number)", 0},
    [M_TASKS_PER_S] = {"tasks_per_s", "1/s",
		       "commands run per second of the timed span",
		       PB_METRIC_PER_SECOND},
};

/* What is kept of a command's output: its last bytes. */
#define OUT_TAIL 4096
#define ERR_TAIL 1024

struct cmd_state {
	size_t argc;
	const char *const *words; /* the host's, valid for the cell */
	const char *dir;	  /* where commands run; NULL: here */
	uint64_t seed;
	size_t ntasks;
	bool parse;
};

struct cmd_result {
	double value;
};

/* The last bytes written to a pipe, up to cap. */
struct tail {
	char *buf;
	size_t cap, len;
};

static void tail_add(struct tail *t, const char *data, size_t n)
{
	if (n >= t->cap) {
		memcpy(t->buf, data + n - t->cap, t->cap);
		t->len = t->cap;
		return;
	}
	if (t->len + n > t->cap) {
		size_t drop = t->len + n - t->cap;
		memmove(t->buf, t->buf + drop, t->len - drop);
		t->len -= drop;
	}
	memcpy(t->buf + t->len, data, n);
	t->len += n;
}

/* Word w with the placeholders replaced; malloc'd, NULL out of memory. */
static char *expand(const char *w, size_t task, const struct cmd_state *st)
{
	static const char *const names[] = {"{task}", "{ntasks}", "{seed}"};
	unsigned long long vals[] = {task, st->ntasks,
				     (unsigned long long)st->seed};
	size_t cap = strlen(w) + 1, len = 0;
	char *out = malloc(cap);

	while (out && *w) {
		size_t k = 0, n = 1;
		char num[24];
		const char *piece = w;
		for (; k < PB_COUNT(names); k++)
			if (strncmp(w, names[k], strlen(names[k])) == 0)
				break;
		if (k < PB_COUNT(names)) {
			n = (size_t)snprintf(num, sizeof(num), "%llu", vals[k]);
			piece = num;
			w += strlen(names[k]);
		} else {
			w++;
		}
		if (len + n + 1 > cap) {
			char *grown = realloc(out, cap = 2 * (len + n + 1));
			if (!grown) {
				free(out);
				return NULL;
			}
			out = grown;
		}
		memcpy(out + len, piece, n);
		len += n;
	}
	if (out)
		out[len] = '\0';
	return out;
}

static void free_argv(char **argv)
{
	for (size_t k = 0; argv && argv[k]; k++)
		free(argv[k]);
	free(argv);
}

/* The argv of task; NULL out of memory. */
static char **task_argv(const struct cmd_state *st, size_t task)
{
	char **argv = calloc(st->argc + 1, sizeof(*argv));

	for (size_t k = 0; argv && k < st->argc; k++)
		if (!(argv[k] = expand(st->words[k], task, st))) {
			free_argv(argv);
			return NULL;
		}
	return argv;
}

/* The last number in text (a maximal numeral strtod reads whole). */
static bool last_number(const char *text, size_t len, double *out)
{
	static const char numeral[] = "0123456789.eE+-";
	size_t p = len;

	while (p > 0) {
		while (p > 0 && !(text[p - 1] >= '0' && text[p - 1] <= '9'))
			p--;
		if (p == 0)
			return false;
		size_t s = p - 1;
		while (s > 0 && text[s - 1] && strchr(numeral, text[s - 1]))
			s--;
		char buf[128];
		for (; s < p; s++) {
			size_t n =
			    p - s < sizeof(buf) - 1 ? p - s : sizeof(buf) - 1;
			char *end;
			memcpy(buf, text + s, n);
			buf[n] = '\0';
			double v = strtod(buf, &end);
			if (end == buf + n && end != buf && isfinite(v)) {
				*out = v;
				return true;
			}
		}
		p--;
	}
	return false;
}

/* The last non-empty line of t, NUL-terminated in place. */
static const char *last_line(struct tail *t)
{
	size_t end = t->len;

	while (end > 0 && (t->buf[end - 1] == '\n' || t->buf[end - 1] == '\r'))
		end--;
	size_t start = end;
	while (start > 0 && t->buf[start - 1] != '\n')
		start--;
	t->buf[end] = '\0';
	for (char *c = t->buf + start; *c; c++)
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	return t->buf + start;
}

/* Reads both pipes to their end, keeping their tails. */
static void drain(int out_fd, struct tail *out, int err_fd, struct tail *err)
{
	struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
	struct tail *tails[2] = {out, err};
	char buf[4096];

	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int k = 0; k < 2; k++) {
			if (fds[k].fd < 0 || !fds[k].revents)
				continue;
			ssize_t n = read(fds[k].fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				fds[k].fd = -1;
				continue;
			}
			tail_add(tails[k], buf, (size_t)n);
		}
	}
}

/*
 * Starts argv with stdin from /dev/null, stdout to out_w (or /dev/null),
 * stderr to err_w, in st->dir. fork and exec rather than posix_spawnp: the
 * child first gets a parent-death signal (kept across exec), so a command
 * never outlives the process that waits for it, even one killed with
 * SIGKILL. Between fork and exec only async-signal-safe calls (the parent
 * may have threads). Returns 0, or the errno of what failed, exec
 * included (sent back through a close-on-exec pipe).
 */
static int spawn(const struct cmd_state *st, char **argv, int out_w, int err_w,
		 pid_t *pid)
{
	pid_t parent = getpid();
	int report[2], e = 0;
	ssize_t n;

	if (pipe2(report, O_CLOEXEC))
		return errno;
	*pid = fork();
	if (*pid < 0) {
		e = errno;
		close(report[0]);
		close(report[1]);
		return e;
	}
	if (*pid == 0) {
		int null;
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 ||
		    getppid() != parent)
			_exit(127);
		null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0 && dup2(null, STDIN_FILENO) >= 0 &&
		    dup2(out_w >= 0 ? out_w : null, STDOUT_FILENO) >= 0 &&
		    dup2(err_w, STDERR_FILENO) >= 0 &&
		    (!st->dir || chdir(st->dir) == 0))
			execvp(argv[0], argv);
		e = errno;
		if (write(report[1], &e, sizeof(e)) != sizeof(e))
			_exit(126);
		_exit(127);
	}
	close(report[1]);
	while ((n = read(report[0], &e, sizeof(e))) < 0 && errno == EINTR)
		;
	close(report[0]);
	if (n != (ssize_t)sizeof(e))
		return 0; /* exec closed the pipe: the command runs */
	while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
		;
	return e;
}

/* Says how the command ended when that was not exit status 0. */
static int judge(int status, size_t task, char **argv, struct tail *err_tail,
		 struct pb_err *err)
{
	char how[96];
	const char *line = last_line(err_tail);

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return PB_OK;
	if (WIFEXITED(status))
		snprintf(how, sizeof(how), "exited with status %d",
			 WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), "was killed by SIG%s",
			 sigabbrev_np(WTERMSIG(status))
			     ? sigabbrev_np(WTERMSIG(status))
			     : "?");
	else
		snprintf(how, sizeof(how), "ended (wait status %#x)", status);
	return pb_fail(err, "task %zu: %s %s%s%s", task, argv[0], how,
		       line[0] ? ": " : "", line);
}

/* Runs argv to its end; its last number into r when st->parse. */
static int run_command(const struct cmd_state *st, size_t task, char **argv,
		       struct cmd_result *r, struct pb_err *err)
{
	int outp[2] = {-1, -1}, errp[2] = {-1, -1}, status = 0, rc;
	char out_buf[OUT_TAIL], err_buf[ERR_TAIL + 1];
	struct tail out = {out_buf, sizeof(out_buf), 0};
	struct tail errt = {err_buf, ERR_TAIL, 0};
	pid_t pid = -1;

	if ((st->parse && pipe2(outp, O_CLOEXEC)) || pipe2(errp, O_CLOEXEC)) {
		rc = pb_fail(err, "task %zu: cannot make a pipe: %s", task,
			     strerror(errno));
		goto out;
	}
	int e = spawn(st, argv, outp[1], errp[1], &pid);
	close(errp[1]);
	errp[1] = -1;
	if (outp[1] >= 0)
		close(outp[1]);
	outp[1] = -1;
	if (e) {
		rc = pb_fail(err, "task %zu: cannot start %s: %s", task,
			     argv[0], strerror(e));
		goto out;
	}
	drain(outp[0], &out, errp[0], &errt);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	rc = judge(status, task, argv, &errt, err);
	if (rc == PB_OK && st->parse &&
	    !last_number(out.buf, out.len, &r->value))
		rc = pb_fail(err,
			     "task %zu: %s printed no number; expected one "
			     "on its standard output (result: last-number)",
			     task, argv[0]);
out:
	for (int k = 0; k < 2; k++) {
		if (outp[k] >= 0)
			close(outp[k]);
		if (errp[k] >= 0)
			close(errp[k]);
	}
	return rc;
}

static int cmd_run_task(void *state, void *worker, size_t task, void *result,
			struct pb_err *err)
{
	const struct cmd_state *st = state;
	char **argv = task_argv(st, task);

	(void)worker;
	if (!argv)
		return pb_fail(err, "task %zu: out of memory", task);
	int rc = run_command(st, task, argv, result, err);
	free_argv(argv);
	return rc;
}

static const char *host_dir(const struct pb_host *host)
{
	return host && PB_HAS(host, dir) && host->dir && host->dir[0]
		   ? host->dir
		   : NULL;
}

/* The command must name a program: a path that exists, or one on PATH. */
static int check_program(const char *prog, const char *dir, struct pb_err *err)
{
	char *path = NULL;

	if (!prog[0])
		return pb_fail(err, "the program is an empty word; expected "
				    "[program, arguments...]");
	if (strchr(prog, '/')) {
		if (prog[0] != '/' && dir &&
		    asprintf(&path, "%s/%s", dir, prog) < 0)
			return pb_fail(err, "out of memory");
		int ok = access(path ? path : prog, X_OK) == 0;
		int e = errno;
		free(path);
		if (!ok)
			return pb_fail(err,
				       "%s cannot be run: %s; expected a "
				       "program, relative to the experiment "
				       "file's folder or absolute",
				       prog, strerror(e));
		return PB_OK;
	}
	const char *p = getenv("PATH");
	for (p = p ? p : "/usr/bin:/bin"; p;) {
		const char *colon = strchr(p, ':');
		int n = colon ? (int)(colon - p) : (int)strlen(p);
		if (asprintf(&path, "%.*s/%s", n, n ? p : ".", prog) < 0)
			return pb_fail(err, "out of memory");
		struct stat sb;
		int ok = access(path, X_OK) == 0 && stat(path, &sb) == 0 &&
			 S_ISREG(sb.st_mode);
		free(path);
		path = NULL;
		if (ok)
			return PB_OK;
		p = colon ? colon + 1 : NULL;
	}
	return pb_fail(err,
		       "no program %s on PATH; expected [program, "
		       "arguments...]",
		       prog);
}

static int cmd_check(const struct pb_args *args, const struct pb_host *host,
		     const char **param, struct pb_err *err)
{
	const struct pb_value *cmd = &args->values[P_COMMAND];

	*param = params[P_COMMAND].name;
	if (cmd->u.strings.n == 0)
		return pb_fail(err, "the command is empty; expected [program, "
				    "arguments...]");
	return check_program(cmd->u.strings.v[0], host_dir(host), err);
}

static int cmd_setup(const struct pb_args *args, struct pb_host *host,
		     void **state, size_t *ntasks, struct pb_err *err)
{
	const struct pb_value *v = args->values;
	const char *param;
	struct cmd_state *st;

	if (v[P_TASKS].u.i < 1)
		return pb_fail(err, "tasks is %lld; expected at least 1",
			       (long long)v[P_TASKS].u.i);
	if (cmd_check(args, host, &param, err))
		return PB_ERROR;
	if (!(st = calloc(1, sizeof(*st))))
		return pb_fail(err, "out of memory");
	st->argc = v[P_COMMAND].u.strings.n;
	st->words = v[P_COMMAND].u.strings.v;
	st->dir = host_dir(host);
	st->seed = host->seed;
	st->ntasks = (size_t)v[P_TASKS].u.i;
	st->parse = strcmp(v[P_RESULT].u.s, "last-number") == 0;
	*state = st;
	*ntasks = st->ntasks;
	return PB_OK;
}

static int cmd_reduce(void *state, const void *results, size_t ntasks,
		      struct pb_metric_value *m, struct pb_err *err)
{
	const struct cmd_state *st = state;
	const struct cmd_result *r = results;
	double sum = 0;

	(void)err;
	for (size_t k = 0; st->parse && k < ntasks; k++)
		sum += r[k].value;
	if (st->parse)
		m[M_RESULT].value = sum;
	m[M_TASKS_PER_S].value = (double)ntasks;
	return PB_OK;
}

static void cmd_teardown(void *state)
{
	free(state);
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = cmd_setup,
    .run_task = cmd_run_task,
    .reduce = cmd_reduce,
    .teardown = cmd_teardown,
    .check = cmd_check,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "command",
		     "any program as the task (fork and exec, no shell)",
		     "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(struct cmd_result),
    .workload = &hooks,
};
