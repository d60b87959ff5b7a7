/*
 * worker.c — parabench-mpi-worker, the program the mpi strategy spawns as
 * its ranks (see ../mpi.c and proto.h for the messages).
 *
 * A rank: MPI_Init, say hello (pid, host), receive the job, load the same
 * workload plugin file the parent loaded (dlopen + the descriptor symbol,
 * checked like the host's registry checks it: magic, ABI version, size,
 * kind, name), rebuild its parameters, bind itself where the parent's
 * bind service put its worker (when the experiment asks for an affinity;
 * bind.h), run setup and worker_init, say ready, then run tasks — its
 * static share, or the grants the parent hands out — sending the raw
 * results back in batches. Then worker_fini, teardown, disconnect,
 * finalize.
 *
 * It does not link core/: the loader it needs is twenty lines, and core's
 * registry would drag in the YAML, JSON and hwloc libraries on every node.
 *
 * Dying: the rank asks for SIGKILL when its parent (Open MPI's orted)
 * dies, so no rank outlives its job. A crash signal or exit() in a hook
 * first leaves a note for the parent (proto.h) naming the wait status and
 * the task, written with async-signal-safe calls only.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <mpi.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "bind.h"
#include "proto.h"

/* What the rank is doing, for its death note. */
static volatile uint64_t current_task = PBM_NO_TASK;
static volatile sig_atomic_t finished;
static char note_path[PBM_PATH_MAX + 64];

struct rank {
	MPI_Comm parent;
	int r, W;
	struct pbm_job_head head;
	char host[PBM_HOST_MAX]; /* this rank's */
	char *blob;		 /* the whole PBM_JOB message */
	size_t blob_len;
	size_t params_at; /* where the parameter values start in blob */
	const struct pb_plugin *plugin;
	void *handle;
	struct pbm_args args;
	void *state, *ws;
	bool set_up, inited;
	char *out; /* a batch of results: range, then the bytes */
	size_t out_cap;
};

/* ---- Death notes ------------------------------------------------------- */

/* Writes "<status> <task>\n" to the note file; async-signal-safe. */
static void write_note(int status)
{
	char buf[64];
	size_t n = 0;
	char tmp[24];
	uint64_t t = current_task;
	unsigned long long s = (unsigned)status;
	int fd;

	if (!note_path[0])
		return;
	do
		tmp[n++] = (char)('0' + s % 10);
	while ((s /= 10) && n < sizeof(tmp));
	size_t len = 0;
	while (n)
		buf[len++] = tmp[--n];
	buf[len++] = ' ';
	if (t == PBM_NO_TASK)
		buf[len++] = '-';
	else {
		do
			tmp[n++] = (char)('0' + t % 10);
		while ((t /= 10) && n < sizeof(tmp));
		while (n)
			buf[len++] = tmp[--n];
	}
	buf[len++] = '\n';
	fd = open(note_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		ssize_t w = write(fd, buf, len);
		(void)w;
		close(fd);
	}
}

static void on_crash(int sig)
{
	write_note(sig); /* a wait status of "killed by sig" */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_exit_note(int status, void *arg)
{
	(void)arg;
	if (!finished)
		write_note((status & 0xff) << 8); /* "exited with status" */
}

static void install_notes(const struct pbm_job_head *h, int r)
{
	/* SIGTERM too: Open MPI stops a job's other ranks with it. */
	static const int sigs[] = {SIGSEGV, SIGBUS,  SIGFPE,
				   SIGILL,  SIGABRT, SIGTERM};
	struct sigaction sa = {.sa_handler = on_crash};

	if (!h->note_dir[0])
		return;
	snprintf(note_path, sizeof(note_path), "%s/rank-%d", h->note_dir, r);
	sigemptyset(&sa.sa_mask);
	for (size_t k = 0; k < PB_COUNT(sigs); k++)
		sigaction(sigs[k], &sa, NULL);
	on_exit(on_exit_note, NULL);
}

/* ---- Talking to the parent --------------------------------------------- */

static void send_to_parent(struct rank *k, int tag, const void *p, size_t n)
{
	MPI_Send(p, (int)n, MPI_BYTE, 0, tag, k->parent);
}

static void send_error(struct rank *k, uint64_t task, const struct pb_err *e)
{
	struct pbm_error m = {.task = task};

	snprintf(m.msg, sizeof(m.msg), "%s", e->msg);
	send_to_parent(k, PBM_ERROR, &m, sizeof(m));
}

/* own_path of the rank's setup: the parent registers it with its host. */
static void own_path(struct pb_host *host, const char *path)
{
	struct rank *k = host->opaque;

	send_to_parent(k, PBM_PATH, path, strnlen(path, PBM_PATH_MAX - 1) + 1);
}

/* Receives the job: the head, then the packed parameter values. */
static int receive_job(struct rank *k, struct pb_err *err)
{
	MPI_Status st;
	int len = 0;

	MPI_Probe(0, PBM_JOB, k->parent, &st);
	MPI_Get_count(&st, MPI_BYTE, &len);
	k->blob = malloc(len > 0 ? (size_t)len : 1);
	if (!k->blob)
		return pb_fail(err, "out of memory for a job of %d bytes", len);
	MPI_Recv(k->blob, len, MPI_BYTE, 0, PBM_JOB, k->parent,
		 MPI_STATUS_IGNORE);
	k->blob_len = len > 0 ? (size_t)len : 0;
	if (k->blob_len < sizeof(k->head))
		return pb_fail(err, "the job message is %d bytes, too short",
			       len);
	memcpy(&k->head, k->blob, sizeof(k->head));
	if (k->head.magic != PBM_MAGIC || k->head.version != PBM_VERSION)
		return pb_fail(err,
			       "the job message is not version %d of the "
			       "protocol: parent and %s come from different "
			       "builds",
			       PBM_VERSION, PBM_WORKER);
	k->head.name[sizeof(k->head.name) - 1] = '\0';
	k->head.path[sizeof(k->head.path) - 1] = '\0';
	k->head.note_dir[sizeof(k->head.note_dir) - 1] = '\0';
	k->head.host[sizeof(k->head.host) - 1] = '\0';
	if (k->head.nsets != 0 && k->head.nsets != (uint32_t)k->W)
		return pb_fail(err,
			       "the job message has %u CPU sets for %d ranks",
			       k->head.nsets, k->W);
	k->params_at = sizeof(k->head) + k->head.nsets * sizeof(cpu_set_t);
	if (k->blob_len < k->params_at)
		return pb_fail(err, "the job message is %d bytes, too short",
			       len);
	return PB_OK;
}

/*
 * Binds this rank where the parent's bind service put its worker, before
 * the workload is loaded, so that setup already runs (and touches its
 * memory) there. The CPU numbers are those of the parent's machine: a
 * rank on another node refuses rather than guess.
 */
static int bind_rank(struct rank *k, struct pb_err *err)
{
	cpu_set_t set;

	if (k->head.nsets == 0)
		return PB_OK;
	if (strcmp(k->host, k->head.host) != 0)
		return pb_fail(err,
			       "`affinity` can bind ranks only on %s, the "
			       "machine parabench runs on; this rank runs on "
			       "%s: with a hostfile, use affinity: none (and "
			       "Open MPI's bind_to)",
			       k->head.host, k->host);
	memcpy(&set, k->blob + sizeof(k->head) + (size_t)k->r * sizeof(set),
	       sizeof(set));
	return pbm_bind_self(&set, (unsigned)k->r, err);
}

/* ---- Loading the workload ---------------------------------------------- */

/* Opens the plugin file and checks its descriptor as the registry does. */
static int load_workload(struct rank *k, struct pb_err *err)
{
	const struct pbm_job_head *h = &k->head;
	const struct pb_plugin *p;

	k->handle = dlopen(h->path, RTLD_NOW | RTLD_LOCAL);
	if (!k->handle)
		return pb_fail(err,
			       "cannot load %s: %s (every node needs "
			       "the same plugin files at the same paths)",
			       h->path, dlerror());
	p = dlsym(k->handle, PB_PLUGIN_SYMBOL_NAME);
	if (!p)
		return pb_fail(err, "%s has no symbol %s", h->path,
			       PB_PLUGIN_SYMBOL_NAME);
	/* The host translates older plugins; parent and ranks come from one
	 * build, whose plugins are all of this version. */
	if (p->magic != PB_MAGIC || p->abi_version != PB_ABI_VERSION ||
	    p->struct_size != sizeof(struct pb_plugin) ||
	    p->param_size != sizeof(struct pb_param))
		return pb_fail(err,
			       "%s: plugin ABI version %u (size %u), this "
			       "%s wants version %u (size %zu): rebuild",
			       h->path, p->abi_version, p->struct_size,
			       PBM_WORKER, PB_ABI_VERSION,
			       sizeof(struct pb_plugin));
	if (p->kind != PB_KIND_WORKLOAD || !p->workload ||
	    strcmp(p->name, h->name) != 0)
		return pb_fail(err, "%s is not the workload '%s'", h->path,
			       h->name);
	if (p->result_size != h->result_size)
		return pb_fail(err,
			       "%s: result_size %zu here, %llu in the parent: "
			       "not the same plugin file",
			       h->path, p->result_size,
			       (unsigned long long)h->result_size);
	k->plugin = p;
	return pbm_unpack(k->blob + k->params_at, k->blob_len - k->params_at, p,
			  h->nparams, &k->args, err);
}

/* ---- Running tasks ----------------------------------------------------- */

/* The batch in hand: results of [range.lo, range.hi) after the range. */
static struct pbm_range *batch(struct rank *k)
{
	return (struct pbm_range *)k->out;
}

static void flush(struct rank *k)
{
	struct pbm_range *b = batch(k);

	if (b->hi > b->lo)
		send_to_parent(k, PBM_RESULTS, k->out,
			       sizeof(*b) +
				   (b->hi - b->lo) * k->head.result_size);
	b->lo = b->hi;
}

/* True when the parent sent PBM_STOP. */
static bool stopped(struct rank *k)
{
	int flag = 0;

	MPI_Iprobe(0, PBM_STOP, k->parent, &flag, MPI_STATUS_IGNORE);
	return flag;
}

/* Runs [lo, hi), sending results in batches; PB_ERROR after an error. */
static int run_range(struct rank *k, uint64_t lo, uint64_t hi)
{
	const struct pb_workload_hooks *w = k->plugin->workload;
	size_t rs = k->head.result_size;
	struct pb_err err = {{0}};

	*batch(k) = (struct pbm_range){lo, lo};
	for (uint64_t i = lo; i < hi; i++) {
		struct pbm_range *b = batch(k);
		if (sizeof(*b) + (b->hi - b->lo + 1) * rs > k->out_cap) {
			flush(k);
			if (stopped(k))
				return PB_ERROR;
		}
		char *slot = k->out + sizeof(*b) + (b->hi - b->lo) * rs;
		memset(slot, 0, rs); /* results start zeroed */
		current_task = i;
		if (w->run_task(k->state, k->ws, i, slot, &err)) {
			current_task = PBM_NO_TASK;
			flush(k);
			send_error(k, i, &err);
			return PB_ERROR;
		}
		current_task = PBM_NO_TASK;
		b->hi = i + 1;
	}
	flush(k);
	return PB_OK;
}

/* Runs the grants of the parent until it says no task is left. */
static void run_grants(struct rank *k)
{
	for (;;) {
		struct pbm_range g;
		MPI_Status st;
		MPI_Recv(&g, sizeof(g), MPI_BYTE, 0, MPI_ANY_TAG, k->parent,
			 &st);
		if (st.MPI_TAG != PBM_GRANT || g.lo >= g.hi)
			return;
		if (run_range(k, g.lo, g.hi))
			return;
	}
}

static void run_static(struct rank *k)
{
	uint64_t n = k->head.ntasks, W = (uint64_t)k->W, r = (uint64_t)k->r;

	run_range(k, r * n / W, (r + 1) * n / W);
}

/* setup, worker_init and the batch buffer; PB_ERROR with err filled. */
static int prepare(struct rank *k, struct pb_host *host, struct pb_err *err)
{
	size_t ntasks = 0;

	if (receive_job(k, err) || bind_rank(k, err) || load_workload(k, err))
		return PB_ERROR;
	install_notes(&k->head, k->r);
	host->seed = k->head.seed;
	if (k->plugin->workload->setup(&k->args.args, host, &k->state, &ntasks,
				       err))
		return PB_ERROR;
	k->set_up = true;
	if (ntasks != k->head.ntasks)
		return pb_fail(err,
			       "setup made %zu tasks on this rank, %llu in "
			       "the parent: the workload is not deterministic",
			       ntasks, (unsigned long long)k->head.ntasks);
	k->out_cap =
	    sizeof(struct pbm_range) +
	    (k->head.batch_bytes > k->head.result_size ? k->head.batch_bytes
						       : k->head.result_size);
	k->out = malloc(k->out_cap);
	if (!k->out)
		return pb_fail(err, "out of memory for a batch of results");
	if (k->plugin->workload->worker_init &&
	    k->plugin->workload->worker_init(k->state, (unsigned)k->r, &k->ws,
					     err))
		return PB_ERROR;
	k->inited = true;
	return PB_OK;
}

int main(int argc, char **argv)
{
	struct rank k = {0};
	struct pb_host host = {.size = sizeof(host),
			       .abi_version = PB_ABI_VERSION,
			       .own_path = own_path};
	struct pbm_hello hello = {.pid = getpid()};
	struct pb_err err = {{0}};

	(void)argc;
	(void)argv;
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* no rank outlives its orted */
	MPI_Init(NULL, NULL);
	MPI_Comm_get_parent(&k.parent);
	if (k.parent == MPI_COMM_NULL) {
		fprintf(stderr,
			"%s: started by the mpi strategy of parabench, "
			"not by hand\n",
			PBM_WORKER);
		MPI_Finalize();
		return 2;
	}
	MPI_Comm_rank(MPI_COMM_WORLD, &k.r);
	MPI_Comm_size(MPI_COMM_WORLD, &k.W);
	gethostname(hello.host, sizeof(hello.host) - 1);
	memcpy(k.host, hello.host, sizeof(k.host));
	send_to_parent(&k, PBM_HELLO, &hello, sizeof(hello));
	host.opaque = &k;
	host.cores = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	if (prepare(&k, &host, &err))
		send_error(&k, PBM_NO_TASK, &err);
	else {
		send_to_parent(&k, PBM_READY, NULL, 0);
		if (k.head.dynamic)
			run_grants(&k);
		else
			run_static(&k);
	}
	if (k.inited && k.plugin->workload->worker_fini)
		k.plugin->workload->worker_fini(k.state, k.ws);
	if (k.set_up)
		k.plugin->workload->teardown(k.state);
	finished = 1;
	pbm_free(&k.args);
	free(k.out);
	free(k.blob);
	MPI_Comm_disconnect(&k.parent);
	MPI_Finalize();
	/* The plugin stays loaded: its destructors may run at exit. */
	return 0;
}
