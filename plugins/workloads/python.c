/*
 * python.c — a workload whose tasks are calls of a Python function, in
 * CPython embedded in the cell's process: the notebook's own language under
 * every strategy.
 *
 * Task i calls function(i, ntasks, **args) of the script and stores what it
 * returns exactly: an int as int64 when it fits, anything else numeric as a
 * double. reduce sums the results (or calls the script's own reduce on the
 * list of them); verify, when named, is called as verify(result, ntasks,
 * **args) and returns True, or a string saying what was expected.
 *
 * The GIL behaves as it does in CPython:
 *   - the interpreter starts once per process, at the first setup, and the
 *     thread that started it then releases the GIL;
 *   - every task takes the GIL (PyGILState_Ensure) and gives it back after
 *     the call, so threads of the pthreads strategy take turns: CPU-bound
 *     Python does not speed up, sleeping or I/O-bound Python does;
 *   - a child forked by the fork or shm strategy calls PyOS_AfterFork_Child
 *     (in worker_init, or at its first task) and from then on has its own
 *     interpreter and its own GIL, as a multiprocessing child has.
 * Each worker thread gets its thread state in worker_init and keeps it
 * until worker_fini, so a task pays for the GIL, not for a thread state.
 *
 * Every setup runs the script afresh in a new module namespace (named after
 * the script, never "__main__", so `if __name__ == "__main__":` blocks do
 * not run), with sys.path = [the script's folder] + the path Python began
 * with, and sys.argv = [script]. The runner gives every cell processes of
 * its own (one per cell, or one per repetition when interleaved), so no
 * interpreter state passes from one cell to the next; repetitions that
 * share a process share the interpreter (imported modules stay imported).
 *
 * Errors: an exception in a task makes the row `failed` with its type, its
 * message and where it was raised (script:line). SystemExit raised by a
 * task ends the process that ran it, with its exit status, as in Python,
 * and os._exit does the same: the row is `crashed`, never the runner
 * (unless cells run in the runner's own process, --no-isolate). A script
 * that is missing, does not compile, fails at import, or lacks a named
 * function is refused by check, before anything runs: check runs the
 * script in a forked child so the runner never starts Python itself.
 *
 * libpython is made global (RTLD_GLOBAL) before Python starts: C extension
 * modules (numpy, and the standard library's own _decimal, _json...) do not
 * link against libpython and find its symbols only in the global scope,
 * which a plugin loaded RTLD_LOCAL does not join. sys.executable is set to
 * the Python of the embedded library (prefix/bin/pythonX.Y) rather than
 * whatever "python3" comes first on PATH.
 *
 * tasks_per_s is the task count over the timed span (the host divides).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <parabench/plugin.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { P_SCRIPT, P_FUNCTION, P_TASKS, P_ARGS, P_REDUCE, P_VERIFY, NPARAMS };

static const struct pb_param params[] = {
    [P_SCRIPT] = {"script", PB_STRING, NULL, 0, 0, NULL,
		  "the Python file: relative to the experiment file's folder, "
		  "or absolute"},
    [P_FUNCTION] = {"function", PB_STRING, "task", 0, 0, NULL,
		    "called as function(task, ntasks, **args) for each task; "
		    "returns an int or a float"},
    [P_TASKS] = {"tasks", PB_INT, "16", 1, 1e9, NULL, "number of tasks"},
    [P_ARGS] = {"args", PB_STRING_LIST, "[]", 0, 0, NULL,
		"keyword arguments as key=value, each value a Python literal: "
		"[n=1_000_000, name='x']"},
    [P_REDUCE] = {"reduce", PB_STRING, "", 0, 0, NULL,
		  "a function of the script given the list of results, "
		  "returning a number; empty: their sum"},
    [P_VERIFY] = {"verify", PB_STRING, "", 0, 0, NULL,
		  "a function of the script called as verify(result, ntasks, "
		  "**args), returning True or what was expected; empty: none"},
};

enum { M_RESULT, M_TASKS_PER_S };

static const struct pb_metric metrics[] = {
    [M_RESULT] = {"result", "", "the reduced result (the sum by default)"},
    [M_TASKS_PER_S] = {"tasks_per_s", "1/s",
		       "tasks per second of the timed span",
		       PB_METRIC_PER_SECOND},
};

/* A task's result: plain data, zero padding, so results compare bitwise. */
enum { R_INT = 1, R_FLOAT = 2 };
struct py_result {
	int64_t i;
	double f;
	uint32_t kind;
	uint32_t pad;
};

/* Python code the plugin needs, run once per process into helpers. */
static const char helper_code[] =
    "import ast, difflib, os, sys, traceback\n"
    "def fix_executable():\n"
    "    exe = os.path.join(sys.base_prefix, 'bin',\n"
    "                       'python%d.%d' % sys.version_info[:2])\n"
    "    if os.access(exe, os.X_OK):\n"
    "        sys.executable = sys._base_executable = exe\n"
    "def parse_args(items):\n"
    "    kw = {}\n"
    "    for item in items:\n"
    "        key, eq, text = item.partition('=')\n"
    "        key = key.strip()\n"
    "        if not eq or not key.isidentifier():\n"
    "            raise ValueError('args entry %r is not key=value with a "
    "Python name as key' % item)\n"
    "        if key in kw:\n"
    "            raise ValueError('args gives %r twice' % key)\n"
    "        try:\n"
    "            kw[key] = ast.literal_eval(text.strip())\n"
    "        except Exception:\n"
    "            raise ValueError('args entry %r: %r is not a Python "
    "literal (a number such as 1_000_000, a quoted string, True, None, "
    "a tuple, list or dict of those)' % (item, text.strip())) from None\n"
    "    return kw\n"
    "def where(exc, path, shown):\n"
    "    if isinstance(exc, SyntaxError) and exc.filename == path:\n"
    "        return '%s:%s:%s' % (shown, exc.lineno, exc.offset)\n"
    "    frames = traceback.extract_tb(exc.__traceback__)\n"
    "    mine = [f for f in frames if f.filename == path]\n"
    "    out = []\n"
    "    if mine:\n"
    "        out.append('%s:%d, in %s' % (shown, mine[-1].lineno, "
    "mine[-1].name))\n"
    "    if frames and (not mine or frames[-1] is not mine[-1]):\n"
    "        f = frames[-1]\n"
    "        out.append('raised at %s:%d, in %s' % (f.filename, f.lineno, "
    "f.name))\n"
    "    return '; '.join(out)\n"
    "def describe(exc, path, shown):\n"
    "    t = type(exc)\n"
    "    name = t.__qualname__\n"
    "    if t.__module__ not in ('builtins', '__main__'):\n"
    "        name = t.__module__ + '.' + name\n"
    "    text = exc.msg if isinstance(exc, SyntaxError) else str(exc)\n"
    "    msg = name + (': ' + text if text else '')\n"
    "    loc = where(exc, path, shown)\n"
    "    if loc:\n"
    "        msg += ' (' + loc + ')'\n"
    "    return ' '.join(msg.split())\n"
    "def missing(ns, name, what, shown):\n"
    "    mine = sorted(k for k, v in ns.items() if not k.startswith('_')\n"
    "                  and callable(v) and getattr(v, '__module__', None)\n"
    "                  == ns.get('__name__'))\n"
    "    if name in ns:\n"
    "        return '%s %r in %s is a %s, not a function' % (what, name, "
    "shown, type(ns[name]).__name__)\n"
    "    msg = '%s defines no %s %r' % (shown, what, name)\n"
    "    close = difflib.get_close_matches(name, mine, 1)\n"
    "    if close:\n"
    "        msg += \"; did you mean '%s'?\" % close[0]\n"
    "    msg += '; it defines: ' + (', '.join(mine) or 'no function')\n"
    "    return msg\n";

/*
 * What this process knows of its Python. Set by the thread that starts
 * Python, read afterwards; a forked child inherits it and takes it over.
 */
static struct {
	bool started;
	PyThreadState *main; /* the starting thread's, saved: GIL released */
	PyObject *helpers;   /* the namespace of helper_code */
	PyObject *base_path; /* sys.path as Python began */
} py;

/* Set in a child forked after Python started, until after_fork runs. */
static volatile sig_atomic_t forked_child;

struct py_state {
	char *path;  /* the script as opened */
	char *shown; /* the script as written in the experiment */
	size_t ntasks;
	PyObject *ns; /* the script's namespace */
	PyObject *fn, *reduce, *verify, *kwargs;
	PyObject *value; /* reduce's result, for verify */
};

static void on_fork_child(void)
{
	forked_child = 1;
}

/*
 * In a child forked from a process running Python, before it runs Python:
 * makes the forking thread's state current (the GIL may have been held by
 * a thread that does not exist here), lets CPython remake its GIL and
 * locks and drop the other threads' states, then releases the GIL as the
 * parent had. Assumes the fork came from the thread that started Python,
 * as the strategies' forks do.
 */
static void after_fork(void)
{
	forked_child = 0;
	if (!py.started)
		return;
	PyThreadState_Swap(py.main);
	PyOS_AfterFork_Child();
	py.main = PyEval_SaveThread();
}

/* Makes libpython's symbols global, for C extension modules. */
static int globalize_libpython(struct pb_err *err)
{
	Dl_info info;

	if (!dladdr((void *)Py_InitializeFromConfig, &info) || !info.dli_fname)
		return pb_fail(err, "cannot find the file of libpython");
	/* Deliberately never closed: the library stays for the process. */
	if (!dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL))
		return pb_fail(err, "cannot make %s global: %s", info.dli_fname,
			       dlerror());
	return PB_OK;
}

/* Runs helper_code into py.helpers; the GIL is held. */
static int load_helpers(struct pb_err *err)
{
	PyObject *ns = PyDict_New(), *r = NULL;

	if (ns &&
	    PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins()) == 0)
		r = PyRun_String(helper_code, Py_file_input, ns, ns);
	if (!r) {
		PyErr_Print();
		Py_XDECREF(ns);
		return pb_fail(err, "cannot run the plugin's helper code");
	}
	Py_DECREF(r);
	py.helpers = ns;
	return PB_OK;
}

/* Calls helper name with args (a new tuple, stolen); new reference. */
static PyObject *helper(const char *name, PyObject *args)
{
	PyObject *fn = PyDict_GetItemString(py.helpers, name);
	PyObject *r = fn && args ? PyObject_Call(fn, args, NULL) : NULL;

	Py_XDECREF(args);
	return r;
}

/*
 * Starts Python in this process, once: libpython global, no signal
 * handlers of its own (the host's stay), helpers loaded, then the GIL
 * released. Later calls return at once.
 */
static int start_python(struct pb_err *err)
{
	PyConfig config;
	PyStatus status;

	if (py.started)
		return PB_OK;
	if (globalize_libpython(err))
		return PB_ERROR;
	PyConfig_InitPythonConfig(&config);
	config.install_signal_handlers = 0;
	config.parse_argv = 0;
	status = Py_InitializeFromConfig(&config);
	PyConfig_Clear(&config);
	if (PyStatus_Exception(status))
		return pb_fail(err, "cannot start Python: %s%s%s",
			       status.func ? status.func : "",
			       status.func ? ": " : "",
			       status.err_msg ? status.err_msg : "failed");
	if (load_helpers(err))
		return PB_ERROR;
	PyObject *r = helper("fix_executable", PyTuple_New(0));
	if (!r)
		PyErr_Clear();
	Py_XDECREF(r);
	PyObject *path = PySys_GetObject("path");
	py.base_path = path ? PySequence_List(path) : PyList_New(0);
	if (!py.base_path) {
		PyErr_Clear();
		return pb_fail(err, "cannot read sys.path");
	}
	pthread_atfork(NULL, NULL, on_fork_child);
	py.started = true;
	py.main = PyEval_SaveThread();
	return PB_OK;
}

/*
 * Takes the pending exception and describes it into err as "prefix:
 * Type: message (script:line, in f)". The GIL is held.
 */
static int fail_exception(const struct py_state *st, struct pb_err *err,
			  const char *prefix)
{
	PyObject *type, *value, *tb, *text = NULL;

	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	if (value && tb)
		PyException_SetTraceback(value, tb);
	if (value)
		text = helper("describe", Py_BuildValue("(Oss)", value,
							st->path, st->shown));
	const char *s = text ? PyUnicode_AsUTF8(text) : NULL;
	if (s)
		pb_fail(err, "%s: %s", prefix, s);
	else
		pb_fail(err, "%s: %s (it could not be described)", prefix,
			type ? ((PyTypeObject *)type)->tp_name : "an error");
	PyErr_Clear();
	Py_XDECREF(text);
	Py_XDECREF(type);
	Py_XDECREF(value);
	Py_XDECREF(tb);
	return PB_ERROR;
}

/* Reads path whole into a NUL-terminated malloc'd buffer. */
static char *read_text(const char *path, int *error)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	*error = 0;
	if (!f) {
		*error = errno;
		return NULL;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *grown = realloc(buf, cap = 2 * cap + 8192);
			if (!grown) {
				*error = ENOMEM;
				break;
			}
			buf = grown;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0) {
			if (ferror(f))
				*error = EIO;
			break;
		}
	}
	fclose(f);
	if (*error) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* The script's path: as written when absolute, else under host->dir. */
static char *resolve(const char *script, const struct pb_host *host)
{
	const char *dir = host && PB_HAS(host, dir) ? host->dir : NULL;
	char *path;

	if (script[0] == '/' || !dir || !dir[0])
		return strdup(script);
	if (asprintf(&path, "%s/%s", dir, script) < 0)
		return NULL;
	return path;
}

/* A module name from the script's base name: "notebook" for notebook.py. */
static PyObject *module_name(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	PyObject *name = PyUnicode_FromStringAndSize(base, (Py_ssize_t)n);

	if (name && (!PyUnicode_IsIdentifier(name) ||
		     PyUnicode_CompareWithASCIIString(name, "__main__") == 0)) {
		Py_DECREF(name);
		name = PyUnicode_FromString("script");
	}
	return name;
}

/* sys.path = [the script's folder] + the first sys.path; sys.argv. */
static int set_sys(const struct py_state *st)
{
	char *dir = strdup(st->path), *slash = dir ? strrchr(dir, '/') : NULL;
	PyObject *path = PyList_New(0), *argv = NULL, *d = NULL;
	int rc = -1;

	if (!dir || !path)
		goto out;
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	d = PyUnicode_DecodeFSDefault(slash ? dir : "");
	argv = Py_BuildValue("[s]", st->shown);
	if (d && argv && PyList_Append(path, d) == 0 &&
	    PyList_SetSlice(path, 1, 1, py.base_path) == 0 &&
	    PySys_SetObject("path", path) == 0 &&
	    PySys_SetObject("argv", argv) == 0)
		rc = 0;
out:
	Py_XDECREF(path);
	Py_XDECREF(argv);
	Py_XDECREF(d);
	free(dir);
	return rc;
}

/* Looks up a function of the script; *out is a new reference. */
static int find_function(struct py_state *st, const char *name,
			 const char *what, PyObject **out, struct pb_err *err)
{
	PyObject *f = PyDict_GetItemString(st->ns, name), *msg;

	if (f && PyCallable_Check(f)) {
		Py_INCREF(f);
		*out = f;
		return PB_OK;
	}
	msg = helper("missing",
		     Py_BuildValue("(Osss)", st->ns, name, what, st->shown));
	const char *s = msg ? PyUnicode_AsUTF8(msg) : NULL;
	pb_fail(err, "%s; expected the name of a function of the script",
		s ? s : name);
	PyErr_Clear();
	Py_XDECREF(msg);
	return PB_ERROR;
}

/* The keyword arguments from the args list; a new dict in st->kwargs. */
static int parse_kwargs(struct py_state *st, const struct pb_value *v,
			struct pb_err *err)
{
	PyObject *items = PyList_New(0);

	for (size_t k = 0; items && k < v->u.strings.n; k++) {
		PyObject *s = PyUnicode_FromString(v->u.strings.v[k]);
		if (!s || PyList_Append(items, s)) {
			Py_XDECREF(s);
			Py_CLEAR(items);
		}
		Py_XDECREF(s);
	}
	st->kwargs =
	    items ? helper("parse_args", Py_BuildValue("(O)", items)) : NULL;
	Py_XDECREF(items);
	if (st->kwargs)
		return PB_OK;
	PyObject *type, *value, *tb;
	PyErr_Fetch(&type, &value, &tb);
	PyObject *text = value ? PyObject_Str(value) : NULL;
	const char *s = text ? PyUnicode_AsUTF8(text) : NULL;
	pb_fail(err, "%s", s ? s : "cannot read args");
	PyErr_Clear();
	Py_XDECREF(text);
	Py_XDECREF(type);
	Py_XDECREF(value);
	Py_XDECREF(tb);
	return PB_ERROR;
}

/*
 * Runs the script into a fresh namespace and finds what args name. On
 * failure *param is the index of the parameter at fault. The GIL is held.
 */
static int load_script(struct py_state *st, const struct pb_value *v,
		       int *param, struct pb_err *err)
{
	int error;
	char *text = read_text(st->path, &error);

	*param = P_SCRIPT;
	if (!text)
		return pb_fail(err,
			       "cannot read %s (%s): %s; expected a "
			       "Python file, relative to the experiment "
			       "file's folder or absolute",
			       st->shown, st->path, strerror(error));
	char prefix[PB_ERR_MAX / 2];
	PyObject *code = Py_CompileString(text, st->path, Py_file_input);
	free(text);
	if (!code) {
		snprintf(prefix, sizeof(prefix), "%s does not compile",
			 st->shown);
		return fail_exception(st, err, prefix);
	}
	PyObject *name = module_name(st->path);
	PyObject *file = PyUnicode_DecodeFSDefault(st->path);
	st->ns = PyDict_New();
	int ok = name && file && st->ns && set_sys(st) == 0 &&
		 PyDict_SetItemString(st->ns, "__name__", name) == 0 &&
		 PyDict_SetItemString(st->ns, "__file__", file) == 0 &&
		 PyDict_SetItemString(st->ns, "__builtins__",
				      PyEval_GetBuiltins()) == 0;
	Py_XDECREF(name);
	Py_XDECREF(file);
	PyObject *r = ok ? PyEval_EvalCode(code, st->ns, st->ns) : NULL;
	Py_DECREF(code);
	if (!r) {
		snprintf(prefix, sizeof(prefix), "%s fails as it loads",
			 st->shown);
		return fail_exception(st, err, prefix);
	}
	Py_DECREF(r);
	*param = P_FUNCTION;
	if (find_function(st, v[P_FUNCTION].u.s, "function", &st->fn, err))
		return PB_ERROR;
	*param = P_REDUCE;
	if (v[P_REDUCE].u.s[0] &&
	    find_function(st, v[P_REDUCE].u.s, "reduce function", &st->reduce,
			  err))
		return PB_ERROR;
	*param = P_VERIFY;
	if (v[P_VERIFY].u.s[0] &&
	    find_function(st, v[P_VERIFY].u.s, "verify function", &st->verify,
			  err))
		return PB_ERROR;
	*param = P_ARGS;
	return parse_kwargs(st, v + P_ARGS, err);
}

/* Drops the script's objects; the GIL is held. */
static void release_objects(struct py_state *st)
{
	/* Not cleared: what the script registered (atexit, at-fork hooks)
	 * may still use it; the cycle collector frees it otherwise. */
	Py_CLEAR(st->ns);
	Py_CLEAR(st->fn);
	Py_CLEAR(st->reduce);
	Py_CLEAR(st->verify);
	Py_CLEAR(st->kwargs);
	Py_CLEAR(st->value);
}

static void free_state(struct py_state *st)
{
	if (!st)
		return;
	free(st->path);
	free(st->shown);
	free(st);
}

static struct py_state *new_state(const struct pb_value *v,
				  const struct pb_host *host)
{
	struct py_state *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->path = resolve(v[P_SCRIPT].u.s, host);
	st->shown = strdup(v[P_SCRIPT].u.s);
	st->ntasks = (size_t)v[P_TASKS].u.i;
	if (!st->path || !st->shown) {
		free_state(st);
		return NULL;
	}
	return st;
}

/* Starts Python if need be and loads the script. Untimed. */
static int py_setup(const struct pb_args *args, struct pb_host *host,
		    void **state, size_t *ntasks, struct pb_err *err)
{
	const struct pb_value *v = args->values;
	struct py_state *st;
	int param;

	if (v[P_TASKS].u.i < 1)
		return pb_fail(err, "tasks is %lld; expected at least 1",
			       (long long)v[P_TASKS].u.i);
	if (forked_child)
		after_fork();
	if (start_python(err))
		return PB_ERROR;
	st = new_state(v, host);
	if (!st)
		return pb_fail(err, "out of memory");
	PyGILState_STATE g = PyGILState_Ensure();
	int rc = load_script(st, v, &param, err);
	if (rc)
		release_objects(st);
	PyGILState_Release(g);
	if (rc) {
		free_state(st);
		return PB_ERROR;
	}
	*state = st;
	*ntasks = st->ntasks;
	return PB_OK;
}

/* A worker's own thread state, held (GIL released) from init to fini. */
struct py_worker {
	PyGILState_STATE g;
	PyThreadState *saved;
};

static int py_worker_init(void *state, unsigned worker, void **ws,
			  struct pb_err *err)
{
	struct py_worker *w = malloc(sizeof(*w));

	(void)state;
	(void)worker;
	if (forked_child)
		after_fork();
	if (!w)
		return pb_fail(err, "out of memory");
	w->g = PyGILState_Ensure();
	w->saved = PyEval_SaveThread();
	*ws = w;
	return PB_OK;
}

static void py_worker_fini(void *state, void *ws)
{
	struct py_worker *w = ws;

	(void)state;
	if (!w)
		return;
	PyEval_RestoreThread(w->saved);
	PyGILState_Release(w->g);
	free(w);
}

/* SystemExit from a task: the process ends, as Python's would. */
static __attribute__((noreturn)) void exit_as_python(const struct py_state *st,
						     size_t task)
{
	PyObject *type, *value, *tb, *code = NULL;
	int status = 1;

	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	if (value)
		code = PyObject_GetAttrString(value, "code");
	if (!code || code == Py_None)
		status = 0;
	else if (PyLong_Check(code))
		status = (int)(PyLong_AsLong(code) & 0xff);
	PyErr_Clear();
	fprintf(stderr,
		"python: task %zu of %s raised SystemExit (status %d): the "
		"process that ran it ends, as in Python\n",
		task, st->shown, status);
	PyObject *r = PyRun_String("import sys\n"
				   "for f in (sys.stdout, sys.stderr):\n"
				   "    f and f.flush()\n",
				   Py_file_input, py.helpers, py.helpers);
	Py_XDECREF(r);
	fflush(NULL);
	_exit(status);
}

/* Stores what a task returned; the GIL is held. */
static int store(const struct py_state *st, size_t task, PyObject *r,
		 struct py_result *out, struct pb_err *err)
{
	int overflow = 0;

	if (PyLong_Check(r)) {
		long long v = PyLong_AsLongLongAndOverflow(r, &overflow);
		if (!overflow) {
			out->kind = R_INT;
			out->i = v;
			return PB_OK;
		}
		out->f = PyLong_AsDouble(r);
		if (out->f == -1.0 && PyErr_Occurred()) {
			PyErr_Clear();
			return pb_fail(err,
				       "task %zu: %s returned an int too large "
				       "even for a double",
				       task, st->shown);
		}
		out->kind = R_FLOAT;
		return PB_OK;
	}
	if (PyFloat_Check(r) ||
	    (Py_TYPE(r)->tp_as_number && Py_TYPE(r)->tp_as_number->nb_float)) {
		out->f = PyFloat_AsDouble(r);
		if (out->f == -1.0 && PyErr_Occurred())
			return fail_exception(st, err, "result");
		out->kind = R_FLOAT;
		return PB_OK;
	}
	return pb_fail(err,
		       "task %zu: the function returned %s; expected an "
		       "int or a float",
		       task, Py_TYPE(r)->tp_name);
}

static int py_run_task(void *state, void *worker, size_t task, void *result,
		       struct pb_err *err)
{
	struct py_state *st = state;
	int rc;

	(void)worker;
	if (forked_child)
		after_fork();
	PyGILState_STATE g = PyGILState_Ensure();
	PyObject *argv[2] = {PyLong_FromSize_t(task),
			     PyLong_FromSize_t(st->ntasks)};
	PyObject *r = argv[0] && argv[1]
			  ? PyObject_VectorcallDict(st->fn, argv, 2, st->kwargs)
			  : NULL;
	Py_XDECREF(argv[0]);
	Py_XDECREF(argv[1]);
	if (r) {
		rc = store(st, task, r, result, err);
		Py_DECREF(r);
	} else if (PyErr_ExceptionMatches(PyExc_SystemExit)) {
		exit_as_python(st, task);
	} else {
		char prefix[64];
		snprintf(prefix, sizeof(prefix), "task %zu", task);
		rc = fail_exception(st, err, prefix);
	}
	PyGILState_Release(g);
	return rc;
}

/* The results as a Python list; new reference. */
static PyObject *result_list(const struct py_result *r, size_t n)
{
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (size_t k = 0; list && k < n; k++) {
		PyObject *x = r[k].kind == R_INT ? PyLong_FromLongLong(r[k].i)
						 : PyFloat_FromDouble(r[k].f);
		if (!x) {
			Py_CLEAR(list);
			break;
		}
		PyList_SET_ITEM(list, (Py_ssize_t)k, x);
	}
	return list;
}

/* The reduced value into a metric: exact, as text when a double is not. */
static int to_metric(const struct py_state *st, PyObject *v,
		     struct pb_metric_value *m, struct pb_err *err)
{
	int overflow = 0;

	if (PyLong_Check(v)) {
		long long i = PyLong_AsLongLongAndOverflow(v, &overflow);
		if (!overflow && i >= -(1LL << 53) && i <= (1LL << 53)) {
			m->value = (double)i;
			return PB_OK;
		}
		PyObject *s = PyObject_Str(v);
		const char *t = s ? PyUnicode_AsUTF8(s) : NULL;
		if (t)
			snprintf(m->text, sizeof(m->text), "%s", t);
		Py_XDECREF(s);
		if (t)
			return PB_OK;
		return fail_exception(st, err, "result");
	}
	if (PyFloat_Check(v) ||
	    (Py_TYPE(v)->tp_as_number && Py_TYPE(v)->tp_as_number->nb_float)) {
		m->value = PyFloat_AsDouble(v);
		if (m->value == -1.0 && PyErr_Occurred())
			return fail_exception(st, err, "result");
		return PB_OK;
	}
	return pb_fail(err, "%s returned %s; expected an int or a float",
		       st->reduce ? "the reduce function" : "sum",
		       Py_TYPE(v)->tp_name);
}

static int py_reduce(void *state, const void *results, size_t ntasks,
		     struct pb_metric_value *m, struct pb_err *err)
{
	struct py_state *st = state;
	int rc;

	PyGILState_STATE g = PyGILState_Ensure();
	PyObject *list = result_list(results, ntasks);
	Py_CLEAR(st->value);
	if (list && st->reduce)
		st->value = PyObject_CallOneArg(st->reduce, list);
	else if (list)
		st->value = PyObject_CallOneArg(
		    PyDict_GetItemString(PyEval_GetBuiltins(), "sum"), list);
	Py_XDECREF(list);
	if (!st->value)
		rc = fail_exception(st, err, st->reduce ? "reduce" : "sum");
	else
		rc = to_metric(st, st->value, &m[M_RESULT], err);
	PyGILState_Release(g);
	m[M_TASKS_PER_S].value = (double)ntasks;
	return rc;
}

static int py_verify(void *state, const void *results, size_t ntasks,
		     const struct pb_metric_value *m, struct pb_err *err)
{
	struct py_state *st = state;
	int rc = PB_OK;

	(void)results;
	(void)m;
	if (!st->verify)
		return PB_OK;
	PyGILState_STATE g = PyGILState_Ensure();
	PyObject *args = Py_BuildValue("(On)", st->value ? st->value : Py_None,
				       (Py_ssize_t)ntasks);
	PyObject *r = args ? PyObject_Call(st->verify, args, st->kwargs) : NULL;
	Py_XDECREF(args);
	if (!r)
		rc = fail_exception(st, err, "verify");
	else if (PyUnicode_Check(r))
		rc = pb_fail(err, "%s", PyUnicode_AsUTF8(r));
	else if (r != Py_True)
		rc = pb_fail(err,
			     "verify returned %s; expected True, or a "
			     "string saying what was expected",
			     r == Py_False ? "False" : Py_TYPE(r)->tp_name);
	Py_XDECREF(r);
	PyGILState_Release(g);
	return rc;
}

static void py_teardown(void *state)
{
	struct py_state *st = state;

	if (!st)
		return;
	if (forked_child)
		after_fork();
	PyGILState_STATE g = PyGILState_Ensure();
	release_objects(st);
	PyGILState_Release(g);
	free_state(st);
}

/* ---- check: the script, loaded in a child ---------------------------- */

/* How long a script may take to load when checked. */
#define CHECK_SECONDS 120

/* In the checking child: loads the script, writes the verdict, ends. */
static __attribute__((noreturn)) void check_child(const struct pb_args *args,
						  struct py_state *st, int fd)
{
	struct pb_err err = {{0}};
	char out[1 + PB_ERR_MAX];
	int param = P_SCRIPT, devnull = open("/dev/null", O_WRONLY);

	if (devnull >= 0) /* what the script prints at import */
		dup2(devnull, STDOUT_FILENO);
	alarm(CHECK_SECONDS); /* Python installs no handler: SIGALRM ends it */
	if (forked_child)
		after_fork();
	int rc = start_python(&err);
	if (rc == PB_OK) {
		PyGILState_STATE g = PyGILState_Ensure();
		rc = load_script(st, args->values, &param, &err);
		PyGILState_Release(g);
	}
	out[0] = rc == PB_OK ? 0 : (char)(param + 1);
	size_t len = 1 + strnlen(err.msg, PB_ERR_MAX - 1);
	memcpy(out + 1, err.msg, len - 1);
	ssize_t n = write(fd, out, len);
	_exit(n == (ssize_t)len ? 0 : 1);
}

/* Reads the child's verdict and waits for it. */
static int check_verdict(pid_t pid, int fd, const char **param,
			 struct pb_err *err)
{
	char in[1 + PB_ERR_MAX];
	size_t len = 0;
	int status;

	for (;;) {
		ssize_t n = read(fd, in + len, sizeof(in) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*param = params[P_SCRIPT].name;
	if (len == 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		return pb_fail(err,
			       "the script did not finish loading within %d s",
			       CHECK_SECONDS);
	if (len == 0)
		return pb_fail(err,
			       "the script ended the process checking it "
			       "(wait status %#x) as it loaded",
			       status);
	if (in[0] == 0)
		return PB_OK;
	in[len] = '\0';
	if (in[0] >= 1 && in[0] <= NPARAMS)
		*param = params[in[0] - 1].name;
	return pb_fail(err, "%s", in + 1);
}

/*
 * Before anything runs: the script must exist, load, and define the
 * functions named; args must read. Runs in a forked child so that the
 * runner's process never starts Python.
 */
static int py_check(const struct pb_args *args, const struct pb_host *host,
		    const char **param, struct pb_err *err)
{
	struct py_state *st = new_state(args->values, host);
	struct stat sb;
	int fds[2];

	*param = params[P_SCRIPT].name;
	if (!st)
		return pb_fail(err, "out of memory");
	if (stat(st->path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		pb_fail(err,
			"%s not found (looked for %s: %s); expected a "
			"Python file, relative to the experiment file's "
			"folder or absolute",
			st->shown, st->path,
			S_ISDIR(sb.st_mode) ? "a folder" : strerror(errno));
		free_state(st);
		return PB_ERROR;
	}
	if (pipe2(fds, O_CLOEXEC) != 0) {
		free_state(st);
		return pb_fail(err, "cannot make a pipe: %s", strerror(errno));
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		check_child(args, st, fds[1]);
	}
	close(fds[1]);
	int rc = pid < 0 ? pb_fail(err, "cannot fork to check the script: %s",
				   strerror(errno))
			 : check_verdict(pid, fds[0], param, err);
	close(fds[0]);
	free_state(st);
	return rc;
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = py_setup,
    .worker_init = py_worker_init,
    .run_task = py_run_task,
    .worker_fini = py_worker_fini,
    .reduce = py_reduce,
    .verify = py_verify,
    .teardown = py_teardown,
    .check = py_check,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "python",
		     "a Python function as the task, in embedded CPython with "
		     "its GIL",
		     "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(struct py_result),
    .workload = &hooks,
};
