/*
 * mpi.c — tasks spread over MPI ranks that Open MPI starts, on this machine
 * or, with a hostfile, across nodes: the engine clusters already run.
 *
 * The cell's process becomes a singleton MPI process on its first execute
 * (MPI_Init needs no mpirun) and starts `workers` ranks of
 * parabench-mpi-worker, the program beside this plugin, with
 * MPI_Comm_spawn. Each rank loads the same workload plugin file, gets the
 * workload's parameters and the seed from the parent, and runs setup and
 * worker_init itself; the raw results come back to the parent, so reduce
 * and verify run here as under every strategy. mpi/proto.h lists the
 * messages.
 *
 * schedule: dynamic — the parent grants `chunk` task indices at a time;
 *           a rank holds two grants (the one it runs and the next), and
 *           the results of a chunk are its request for another, as in
 *           fork.c. static — rank r runs [r*n/W, (r+1)*n/W) unasked.
 * chunk 0 is ceil(tasks / (4 x workers)), as for the other strategies.
 *
 * Affinity: ranks are workers like any other. Open MPI starts them, so
 * the host's bind service (which binds its caller) cannot reach them: the
 * MPI parent learns each worker's CPU set from it before MPI_Init
 * (mpi/bind.h), sends the sets in the job message, and each rank binds
 * itself before it loads the workload. Open MPI's own binding is the
 * parameter bind_to, `none` by default, so that `affinity: none` leaves
 * ranks unbound as it leaves threads; asking for both is refused.
 *
 * Measured: the whole of execute, MPI's start in this process (once per
 * process), the spawn, each rank's setup, the work, the disconnect and
 * the ranks' end. The metric `spawn` is the part until every rank said
 * ready. CPU time of the ranks is not in user_s/sys_s: they are children
 * of Open MPI's daemon, not of the cell's process.
 *
 * Open MPI's files: before MPI_Init the parent makes a private folder
 * (under $TMPDIR or /tmp) for Open MPI's session directory and the ranks'
 * death notes, and gives it to host->own_path, so the runner removes it
 * when the cell ends, however it ends. As root, OMPI_ALLOW_RUN_AS_ROOT and
 * OMPI_ALLOW_RUN_AS_ROOT_CONFIRM are set for MPI_Init only (the daemon and
 * the ranks inherit them), then the environment is restored.
 *
 * Failure: a hook's error in a rank makes execute FAILED with its message.
 * A rank on this host that dies (crash, exit(), kill) makes it CRASHED,
 * naming the rank, the task and, from the rank's death note, the signal
 * or exit status: the parent watches each local rank through a pidfd. A
 * rank on another node that dies is not seen from here; Open MPI aborts
 * the job and the cell's timeout ends the wait. On any failure every rank
 * is told to stop, the local ones are killed, and execute returns once
 * each local rank has ended. A rank asks for SIGKILL when Open MPI's
 * daemon dies; the daemon ends its job when the cell's process dies.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <mpi.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mpi/bind.h"
#include "mpi/proto.h"
#include "strategy_util.h"

enum { P_HOSTFILE = PBS_NPARAMS, P_MAP_BY, P_OVERSUBSCRIBE, P_BIND_TO };

static const struct pb_param params[] = {
    [PBS_P_SCHEDULE] =
	PBS_PARAM_SCHEDULE("the parent grants chunks as ranks finish theirs"),
    [PBS_P_CHUNK] = PBS_PARAM_CHUNK("0"),
    [P_HOSTFILE] = {"hostfile", PB_STRING, "", 0, 0, NULL,
		    "Open MPI hostfile naming the nodes to start ranks on; "
		    "empty: this machine only"},
    [P_MAP_BY] = {"map_by", PB_STRING, "", 0, 0, NULL,
		  "Open MPI's --map-by policy (slot, node, core, ...); empty: "
		  "Open MPI's default"},
    [P_OVERSUBSCRIBE] = {"oversubscribe", PB_BOOL, "true", 0, 0, NULL,
			 "allow more ranks than slots (cores) on a node"},
    [P_BIND_TO] = {"bind_to", PB_STRING, "none", 0, 0, NULL,
		   "Open MPI's --bind-to policy (core, hwthread, socket, ...); "
		   "none: Open MPI binds no rank, and `affinity` alone places "
		   "them; empty: Open MPI's default"},
};

enum { M_SPAWN };

static const struct pb_metric metrics[] = {
    [M_SPAWN] = {"spawn", "s",
		 "from the start of execute until every rank is ready: MPI's "
		 "start, the spawn, each rank's setup and worker_init"},
};

/* Results a rank gathers before it sends them. */
#define BATCH_BYTES (64 * 1024)
/* Idle polls of the message queue before the parent sleeps 1 ms at a time. */
#define SPIN_POLLS 200

/* The parent's view of one rank. */
struct rank_view {
	pid_t pid;
	int pidfd; /* -1 unless the rank runs on this host and is watched */
	char host[PBM_HOST_MAX];
	bool hello, ready, dead;
	struct pbm_range held[2]; /* granted, results still due */
	unsigned nheld;
	uint64_t next; /* next result due, inside held[0] */
	MPI_Request job_req;
};

struct team {
	const struct pb_job *job;
	MPI_Comm inter;
	struct rank_view *rk;
	unsigned W;
	bool dynamic;
	uint64_t chunk, next_grant;
	size_t received;
	unsigned nready;
	char *in; /* receive buffer */
	size_t in_cap;
	struct pbm_buf blob;	/* the job message, the same for every rank */
	cpu_set_t *sets;	/* W CPU sets, when bound */
	bool bound;		/* the ranks bind themselves to sets */
	struct pbm_range *sent; /* every grant sent, in order */
	size_t nsent, sent_cap;
	struct timespec t0;
	struct pbs_outcome o;
};

/* Our private folder (Open MPI's session folder, notes) and host name. */
static char mpi_dir[PATH_MAX];
static char my_host[PBM_HOST_MAX];

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Words an MPI error code. */
static const char *mpi_error(int rc, char *buf)
{
	int len = 0;

	if (MPI_Error_string(rc, buf, &len) != MPI_SUCCESS)
		snprintf(buf, MPI_MAX_ERROR_STRING, "MPI error %d", rc);
	return buf;
}

/* ---- Files ------------------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) == 0 || errno == ENOENT ? 0 : -1;
	return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

/*
 * Makes our private folder and gives it to the host: under $TMPDIR, else
 * /dev/shm (memory: Open MPI's shared-memory segments go there too), else
 * /tmp.
 */
static int make_dir(struct pb_host *host, struct pb_err *err)
{
	const char *base = getenv("TMPDIR");
	int n;

	if (!base || !*base)
		base =
		    access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
	n = snprintf(mpi_dir, sizeof(mpi_dir), "%s/parabench-mpi-XXXXXX", base);
	/* Unix sockets live in it, and their paths are short. */
	if (n < 0 || n > 160) {
		mpi_dir[0] = '\0';
		return pb_fail(err,
			       "TMPDIR %s is too long a path for Open MPI's "
			       "session folder (at most 140 bytes)",
			       base);
	}
	if (!mkdtemp(mpi_dir)) {
		int e = errno;
		mpi_dir[0] = '\0';
		return pb_fail(err, "cannot make a folder under %s: %s", base,
			       strerror(e));
	}
	if (host && host->own_path)
		host->own_path(host, mpi_dir);
	return PB_OK;
}

/*
 * The note a dying rank r may have left: its wait status and its task.
 * take: remove it once read.
 */
static bool read_note(unsigned r, int *status, uint64_t *task, bool take)
{
	char path[PATH_MAX + 32], line[64] = "";
	unsigned long long t;
	FILE *f;
	bool ok;

	if (!mpi_dir[0])
		return false;
	snprintf(path, sizeof(path), "%s/rank-%u", mpi_dir, r);
	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	if (take)
		unlink(path);
	*task = PBM_NO_TASK;
	if (ok && sscanf(line, "%d %llu", status, &t) == 2)
		*task = t;
	return ok && sscanf(line, "%d", status) == 1;
}

/* ---- Starting the ranks ------------------------------------------------- */

/* The folder of the file that holds addr, with name appended. */
static int beside(const void *addr, const char *name, char *out, size_t len,
		  struct pb_err *err)
{
	Dl_info info;
	char real[PATH_MAX];
	const char *slash;

	if (!dladdr(addr, &info) || !info.dli_fname ||
	    !realpath(info.dli_fname, real))
		return pb_fail(err, "cannot tell which file a plugin is");
	slash = strrchr(real, '/');
	if (!name)
		return (size_t)snprintf(out, len, "%s", real) < len
			   ? PB_OK
			   : pb_fail(err, "%s: path too long", real);
	if ((size_t)snprintf(out, len, "%.*s/%s", (int)(slash - real), real,
			     name) >= len)
		return pb_fail(err, "%s: path too long", real);
	return PB_OK;
}

/* The job message: what every rank needs to rebuild the workload. */
static int make_blob(struct team *t, struct pb_err *err)
{
	const struct pb_job *job = t->job;
	struct pbm_job_head h = {
	    .magic = PBM_MAGIC,
	    .version = PBM_VERSION,
	    .nparams = (uint32_t)job->workload_args->n,
	    .seed = job->host ? job->host->seed : 1,
	    .ntasks = job->ntasks,
	    .result_size = job->result_size,
	    .batch_bytes = BATCH_BYTES,
	    .dynamic = t->dynamic,
	    .nsets = t->bound ? t->W : 0,
	};

	if (!job->workload || !job->workload_args)
		return pb_fail(err, "the host gave no workload to rebuild in "
				    "the ranks (a parabench older than this "
				    "strategy?)");
	snprintf(h.name, sizeof(h.name), "%s", job->workload->name);
	if (!job->workload_path || !realpath(job->workload_path, h.path))
		return pb_fail(err, "cannot tell the file of workload %s: %s",
			       job->workload->name,
			       job->workload_path ? strerror(errno)
						  : "the host did not say");
	snprintf(h.note_dir, sizeof(h.note_dir), "%s", mpi_dir);
	snprintf(h.host, sizeof(h.host), "%s", my_host);
	pbm_put(&t->blob, &h, sizeof(h));
	if (t->bound)
		pbm_put(&t->blob, t->sets, t->W * sizeof(*t->sets));
	pbm_pack(&t->blob, job->workload_args);
	if (t->blob.oom)
		return pb_fail(err, "out of memory for the job message");
	return PB_OK;
}

/* The map_by value for Open MPI, or "" for its default. */
static void map_by(const struct pb_job *job, char *out, size_t len)
{
	const char *m = job->args->values[P_MAP_BY].u.s;

	if (!job->args->values[P_OVERSUBSCRIBE].u.b)
		snprintf(out, len, "%s", m);
	else if (!*m)
		snprintf(out, len, ":OVERSUBSCRIBE");
	else
		snprintf(out, len, "%s%sOVERSUBSCRIBE", m,
			 strchr(m, ':') ? "," : ":");
}

/* The spawn's info: working folder, mapping, binding, hostfile. */
static int make_info(const struct pb_job *job, MPI_Info *info,
		     struct pb_err *err)
{
	const char *hostfile = job->args->values[P_HOSTFILE].u.s;
	char cwd[PATH_MAX], map[512], real[PATH_MAX];

	MPI_Info_create(info);
	if (getcwd(cwd, sizeof(cwd)))
		MPI_Info_set(*info, "wdir", cwd);
	map_by(job, map, sizeof(map));
	if (*map)
		MPI_Info_set(*info, "map_by", map);
	if (*job->args->values[P_BIND_TO].u.s)
		MPI_Info_set(*info, "bind_to",
			     job->args->values[P_BIND_TO].u.s);
	if (*hostfile) {
		if (!realpath(hostfile, real) || access(real, R_OK) != 0) {
			MPI_Info_free(info);
			return pb_fail(err, "hostfile %s: %s", hostfile,
				       strerror(errno));
		}
		MPI_Info_set(*info, "hostfile", real);
	}
	return PB_OK;
}

/* What to check when the spawn fails under a binding of Open MPI's. */
static const char *spawn_hint(const struct pb_job *job)
{
	const char *bind_to = job->args->values[P_BIND_TO].u.s;

	if (!*bind_to || strcmp(bind_to, "none") == 0)
		return "";
	return " (is bind_to a policy Open MPI knows, and are there enough "
	       "of what it binds to? Open MPI says why on standard error)";
}

static int spawn(struct team *t, struct pb_err *err)
{
	char cmd[PATH_MAX], why[MPI_MAX_ERROR_STRING];
	MPI_Info info;
	int rc;

	if (beside(params, PBM_WORKER, cmd, sizeof(cmd), err))
		return PB_ERROR;
	if (access(cmd, X_OK) != 0)
		return pb_fail(err,
			       "cannot run %s: %s (make builds it beside the "
			       "plugins; make install installs it there)",
			       cmd, strerror(errno));
	if (make_info(t->job, &info, err))
		return PB_ERROR;
	rc = MPI_Comm_spawn(cmd, MPI_ARGV_NULL, (int)t->W, info, 0,
			    MPI_COMM_SELF, &t->inter, MPI_ERRCODES_IGNORE);
	MPI_Info_free(&info);
	if (rc != MPI_SUCCESS)
		return pb_fail(
		    err, "MPI_Comm_spawn of %u ranks of %s failed: %s%s%s",
		    t->W, cmd, mpi_error(rc, why),
		    t->job->args->values[P_OVERSUBSCRIBE].u.b
			? ""
			: " (more ranks than slots? "
			  "oversubscribe: true allows that)",
		    spawn_hint(t->job));
	MPI_Comm_set_errhandler(t->inter, MPI_ERRORS_RETURN);
	for (unsigned r = 0; r < t->W; r++)
		MPI_Isend(t->blob.data, (int)t->blob.len, MPI_BYTE, (int)r,
			  PBM_JOB, t->inter, &t->rk[r].job_req);
	return PB_OK;
}

/* ---- Work --------------------------------------------------------------- */

/*
 * Sends a grant without waiting: a rank may have died, and a send to it
 * must not block. Each grant has a slot of its own that lives as long as
 * the team, so no send can outlive its buffer.
 */
static void send_grant(struct team *t, unsigned r, struct pbm_range g)
{
	MPI_Request req;

	if (t->nsent == t->sent_cap) {
		pbs_fail(&t->o, PB_STATUS_FAILED, "more grants than planned");
		return;
	}
	t->sent[t->nsent] = g;
	if (MPI_Isend(&t->sent[t->nsent], sizeof(g), MPI_BYTE, (int)r,
		      PBM_GRANT, t->inter, &req) == MPI_SUCCESS)
		MPI_Request_free(&req);
	t->nsent++;
}

/* Grants rank r the next chunk, or says that no task is left. */
static void grant_more(struct team *t, unsigned r)
{
	struct rank_view *v = &t->rk[r];
	uint64_t n = t->job->ntasks;
	struct pbm_range g = {n, n};

	if (t->next_grant < n) {
		g.lo = t->next_grant;
		g.hi = n - g.lo > t->chunk ? g.lo + t->chunk : n;
		t->next_grant = g.hi;
		if (v->nheld == 0)
			v->next = g.lo;
		v->held[v->nheld++] = g;
	} else if (v->nheld > 0)
		return; /* the end is said once its last grant is done */
	send_grant(t, r, g);
}

/* Rank r is ready: it runs its static share, or gets its first grants. */
static void on_ready(struct team *t, unsigned r)
{
	struct rank_view *v = &t->rk[r];

	v->ready = true;
	if (++t->nready == t->W && t->job->metrics)
		t->job->metrics[M_SPAWN].value = since(&t->t0);
	if (!t->dynamic) {
		uint64_t lo, hi;
		pbs_share(t->job->ntasks, t->W, r, &lo, &hi);
		v->held[0] = (struct pbm_range){lo, hi};
		v->next = lo;
		v->nheld = lo < hi;
		return;
	}
	grant_more(t, r);
	if (v->nheld == 1) /* the second grant: it never waits for us */
		grant_more(t, r);
}

static void on_hello(struct team *t, unsigned r, const struct pbm_hello *h)
{
	struct rank_view *v = &t->rk[r];

	v->hello = true;
	v->pid = (pid_t)h->pid;
	snprintf(v->host, sizeof(v->host), "%.*s", PBM_HOST_MAX - 1, h->host);
	if (strcmp(v->host, my_host) != 0)
		return;
	v->pidfd = (int)syscall(SYS_pidfd_open, v->pid, 0);
	if (v->pidfd < 0 && errno == ESRCH)
		v->dead = true; /* judged by the watch below */
}

/* Takes in results of rank r; false for results out of turn. */
static bool on_results(struct team *t, unsigned r, const char *p, size_t len)
{
	struct rank_view *v = &t->rk[r];
	size_t rs = t->job->result_size;
	struct pbm_range b;

	if (len < sizeof(b))
		return false;
	memcpy(&b, p, sizeof(b));
	if (v->nheld == 0 || b.lo != v->next || b.hi <= b.lo ||
	    b.hi > v->held[0].hi || len != sizeof(b) + (b.hi - b.lo) * rs)
		return false;
	memcpy((char *)t->job->results + b.lo * rs, p + sizeof(b),
	       (b.hi - b.lo) * rs);
	t->received += b.hi - b.lo;
	v->next = b.hi;
	if (v->next < v->held[0].hi)
		return true;
	v->held[0] = v->held[1];
	v->next = v->held[0].lo;
	v->nheld--;
	if (t->dynamic)
		grant_more(t, r);
	return true;
}

static void on_error(struct team *t, unsigned r, const struct pbm_error *e)
{
	const struct rank_view *v = &t->rk[r];
	char msg[PB_ERR_MAX];

	snprintf(msg, sizeof(msg), "%.*s", PB_ERR_MAX - 1, e->msg);
	if (e->task != PBM_NO_TASK) /* a task's own message, unchanged */
		pbs_fail(&t->o, PB_STATUS_FAILED, "%s", msg);
	else
		pbs_fail(&t->o, PB_STATUS_FAILED, "rank %u of %u on %s: %s", r,
			 t->W, v->host, msg);
}

/* Receives one probed message and acts on it. */
static void take(struct team *t, MPI_Message *msg, const MPI_Status *st)
{
	unsigned r = (unsigned)st->MPI_SOURCE;
	int count = 0;
	bool ok = true;

	MPI_Get_count(st, MPI_BYTE, &count);
	if ((size_t)count > t->in_cap) {
		char *in = realloc(t->in, (size_t)count);
		if (!in) {
			pbs_fail(&t->o, PB_STATUS_FAILED,
				 "out of memory for a message of %d bytes",
				 count);
			return;
		}
		t->in = in;
		t->in_cap = (size_t)count;
	}
	MPI_Mrecv(t->in, count, MPI_BYTE, msg, MPI_STATUS_IGNORE);
	if (r >= t->W)
		return;
	switch (st->MPI_TAG) {
	case PBM_HELLO:
		ok = count == sizeof(struct pbm_hello);
		if (ok)
			on_hello(t, r, (const struct pbm_hello *)t->in);
		break;
	case PBM_PATH:
		ok = count > 0 && t->in[count - 1] == '\0';
		/* A path on another node is not ours to remove. */
		if (ok && t->rk[r].pidfd >= 0 && t->job->host &&
		    t->job->host->own_path)
			t->job->host->own_path(t->job->host, t->in);
		break;
	case PBM_READY:
		ok = count == 0 && !t->rk[r].ready;
		if (ok)
			on_ready(t, r);
		break;
	case PBM_RESULTS:
		ok = on_results(t, r, t->in, (size_t)count);
		break;
	case PBM_ERROR:
		ok = count == sizeof(struct pbm_error);
		if (ok)
			on_error(t, r, (const struct pbm_error *)t->in);
		break;
	default:
		ok = false;
	}
	if (!ok)
		pbs_fail(&t->o, PB_STATUS_CRASHED,
			 "rank %u sent a message out of turn (tag %d, %d "
			 "bytes)",
			 r, st->MPI_TAG, count);
}

/* Says what rank r was doing, from what the parent saw. */
static void where(const struct team *t, unsigned r, char *buf, size_t len)
{
	const struct rank_view *v = &t->rk[r];

	if (!v->ready)
		snprintf(buf, len,
			 "before its first task (in setup or "
			 "worker_init)");
	else if (v->nheld == 0)
		snprintf(buf, len, "after its last task");
	else if (v->held[0].hi - v->next == 1)
		snprintf(buf, len, "while running task %llu",
			 (unsigned long long)v->next);
	else
		snprintf(buf, len,
			 "while running one of tasks %llu..%llu (results "
			 "travel in batches)",
			 (unsigned long long)v->next,
			 (unsigned long long)v->held[0].hi - 1);
}

/* Rank r on this host has ended while the parent still needed it. */
static void judge_death(struct team *t, unsigned r)
{
	struct rank_view *v = &t->rk[r];
	char doing[PBM_HOST_MAX + 256], what[160];
	uint64_t task = PBM_NO_TASK;
	int st = 0;
	bool noted = read_note(r, &st, &task, true);

	v->dead = true;
	if (noted && task != PBM_NO_TASK)
		snprintf(what, sizeof(what), "while running task %llu",
			 (unsigned long long)task);
	else
		where(t, r, what, sizeof(what));
	snprintf(doing, sizeof(doing), "%s (rank %u, pid %d on %s)", what, r,
		 (int)v->pid, v->host);
	if (noted && pbs_judge_wait(&t->o, st, r, t->W, doing))
		return;
	if (noted)
		pbs_fail(&t->o, PB_STATUS_CRASHED,
			 "worker %u of %u exited with status 0 %s before "
			 "sending all its results",
			 r + 1, t->W, doing);
	else
		pbs_fail(&t->o, PB_STATUS_CRASHED,
			 "worker %u of %u died %s without a death note: by a "
			 "signal it could not catch or whose handler was "
			 "reset (Open MPI names it on standard error)",
			 r + 1, t->W, doing);
}

/* Waits up to ms for a local rank to end; true when one has ended. */
static bool watch(struct team *t, int ms)
{
	struct pollfd pfd[t->W];
	unsigned idx[t->W], n = 0;
	bool ended = false;

	for (unsigned r = 0; r < t->W; r++) {
		ended |= t->rk[r].dead; /* gone before we could watch it */
		if (t->rk[r].pidfd >= 0 && !t->rk[r].dead) {
			pfd[n] = (struct pollfd){t->rk[r].pidfd, POLLIN, 0};
			idx[n++] = r;
		}
	}
	if (ended)
		return true;
	if (n == 0) {
		if (ms > 0)
			nanosleep(&(struct timespec){0, 1000000L * ms}, NULL);
		return false;
	}
	if (poll(pfd, n, ms) <= 0)
		return false;
	for (unsigned k = 0; k < n; k++)
		if (pfd[k].revents) {
			t->rk[idx[k]].dead = true;
			ended = true;
		}
	return ended;
}

/*
 * How a dead rank ended, as a rank of blame: 0 it left a note of its own
 * crash or exit, 1 it left none (a signal it could not catch, or one whose
 * handler the task reset), 2 it was stopped by SIGTERM: Open MPI ends the
 * other ranks of a job so, once one died.
 */
static int blame(unsigned r)
{
	uint64_t task;
	int st;

	if (!read_note(r, &st, &task, false))
		return 1;
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM ? 2 : 0;
}

/* Judges the ranks that ended, once their last messages were taken in. */
static void judge_dead(struct team *t)
{
	for (int pass = 0; pass < 3 && !t->o.failed; pass++)
		for (unsigned r = 0; r < t->W && !t->o.failed; r++)
			if (t->rk[r].dead && blame(r) == pass)
				judge_death(t, r);
}

/* Empty polls of the queue after a rank ended: its last messages are in. */
#define DRAIN_POLLS 20

/* Runs the job until every result arrived or something failed. */
static void collect(struct team *t)
{
	unsigned idle = 0, drained = 0;
	bool ended = false;

	while (!t->o.failed &&
	       (t->received < t->job->ntasks || t->nready < t->W)) {
		MPI_Message msg;
		MPI_Status st;
		int flag = 0;
		int rc = MPI_Improbe(MPI_ANY_SOURCE, MPI_ANY_TAG, t->inter,
				     &flag, &msg, &st);
		if (rc != MPI_SUCCESS) {
			char why[MPI_MAX_ERROR_STRING];
			pbs_fail(&t->o, PB_STATUS_CRASHED,
				 "receiving from the ranks: %s",
				 mpi_error(rc, why));
			return;
		}
		if (flag) {
			take(t, &msg, &st);
			idle = drained = 0;
			continue;
		}
		if (ended && ++drained >= DRAIN_POLLS) {
			judge_dead(t);
			return;
		}
		if (!ended)
			ended = watch(t, ++idle > SPIN_POLLS ? 1 : 0);
	}
}

/* Waits for every watched local rank to end (they were told or killed). */
static void wait_local(struct team *t)
{
	for (unsigned r = 0; r < t->W; r++) {
		struct pollfd p = {t->rk[r].pidfd, POLLIN, 0};
		while (t->rk[r].pidfd >= 0 && poll(&p, 1, -1) < 0 &&
		       errno == EINTR)
			;
	}
}

/* After a failure: every rank stops; local ones are killed and awaited. */
static void stop_all(struct team *t)
{
	static const char none;

	for (unsigned r = 0; r < t->W; r++) {
		MPI_Request req;
		if (t->rk[r].job_req != MPI_REQUEST_NULL) {
			MPI_Cancel(&t->rk[r].job_req);
			MPI_Request_free(&t->rk[r].job_req);
		}
		if (MPI_Isend(&none, 0, MPI_BYTE, (int)r, PBM_STOP, t->inter,
			      &req) == MPI_SUCCESS)
			MPI_Request_free(&req);
		if (t->rk[r].pidfd >= 0)
			syscall(SYS_pidfd_send_signal, t->rk[r].pidfd, SIGKILL,
				NULL, 0);
	}
	wait_local(t);
	MPI_Comm_free(&t->inter);
}

/* After success: the ranks tear down and leave; so does the parent. */
static void finish(struct team *t)
{
	MPI_Request reqs[t->W];

	for (unsigned r = 0; r < t->W; r++)
		reqs[r] = t->rk[r].job_req;
	MPI_Waitall((int)t->W, reqs, MPI_STATUSES_IGNORE);
	for (unsigned r = 0; r < t->W; r++)
		t->rk[r].job_req = MPI_REQUEST_NULL;
	MPI_Comm_disconnect(&t->inter);
	wait_local(t);
}

/* ---- The MPI parent: a process of its own per execute ----------------- */

/*
 * Where each rank goes: the CPU sets the host's bind service gives
 * workers 0..W-1 (mpi/bind.h), learnt before MPI_Init, while this process
 * has one thread. When the ranks bind themselves, Open MPI must not bind
 * them too: theirs would be undone by ours, after it had placed MPI_Init.
 */
static int plan_binding(struct team *t, struct pb_err *err)
{
	const char *bind_to = t->job->args->values[P_BIND_TO].u.s;

	t->sets = calloc(t->W, sizeof(*t->sets));
	if (!t->sets)
		return pb_fail(err, "out of memory for %u CPU sets", t->W);
	if (pbm_cpu_sets(t->job, t->W, t->sets, &t->bound, err))
		return PB_ERROR;
	if (t->bound && strcmp(bind_to, "none") != 0)
		return pb_fail(err,
			       "the experiment's affinity binds the ranks, and "
			       "Open MPI's bind_to '%s' would bind them too: "
			       "keep bind_to: none (the default), or use "
			       "affinity: none",
			       bind_to);
	return PB_OK;
}

/* What the MPI parent hands back, in a shared mapping; results follow. */
struct shared {
	struct pbs_outcome o;
	struct pb_metric_value spawn;
	_Alignas(64) char results[];
};

/* Open MPI's daemon, a child of the MPI parent; 0 before MPI_Init. */
static volatile sig_atomic_t daemon_pid;

/*
 * The pid of a child of this process (Open MPI forks one: its daemon), or
 * 0. Any of MPI's threads may have forked it: each has its own list.
 */
static pid_t find_child(void)
{
	char path[64];
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int pid = 0;

	while (d && !pid && (e = readdir(d))) {
		FILE *f;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%.20s/children",
			 e->d_name);
		f = fopen(path, "re");
		if (f && fscanf(f, "%d", &pid) != 1)
			pid = 0;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return (pid_t)pid;
}

/* Kills and reaps Open MPI's daemon; its ranks die with it. */
static void end_children(void)
{
	if (daemon_pid > 0)
		kill((pid_t)daemon_pid, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

/*
 * The cell's process died (timeout, a second ^C, the runner killed): take
 * the daemon along. Open MPI's daemon would end its job by itself once it
 * sees its singleton gone, but now and then it hangs instead.
 */
static void on_cell_death(int sig)
{
	static char rm[] = "rm", rf[] = "-rf", dashes[] = "--";
	char *const argv[] = {rm, rf, dashes, mpi_dir, NULL};
	char *const envp[] = {NULL};

	(void)sig;
	if (daemon_pid > 0) {
		kill((pid_t)daemon_pid, SIGKILL);
		waitpid((pid_t)daemon_pid, NULL, 0);
	}
	/*
	 * The runner may be gone too (killed), and with it whoever would
	 * remove our folder: this process becomes rm (execve and the calls
	 * above are async-signal-safe; no shell).
	 */
	if (mpi_dir[0])
		execve("/bin/rm", argv, envp);
	_exit(PBS_EXIT_LOST);
}

/*
 * The MPI parent's start: out of the cell's process group, so that the
 * group's SIGKILL does not take it before it could take the daemon (which
 * leaves every process group: it calls setsid); told by SIGTERM when the
 * cell's process dies.
 */
static void parent_signals(pid_t cell)
{
	struct sigaction sa = {.sa_handler = on_cell_death};

	setpgid(0, 0);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != cell)
		_exit(PBS_EXIT_LOST);
}

/*
 * Starts MPI here (a singleton: no mpirun), spawns the ranks, runs the job
 * into the shared mapping, ends every rank and Open MPI's daemon, and
 * exits. As root, Open MPI's consent variables are set here only: the
 * daemon and the ranks inherit them, the cell's process never has them.
 */
__attribute__((noreturn)) static void parent_main(const struct pb_job *job,
						  struct shared *sh,
						  const struct timespec *t0,
						  pid_t cell)
{
	struct pb_job mine = *job;
	struct team t = {
	    .job = &mine,
	    .W = job->workers,
	    .dynamic = pbs_dynamic(job),
	    .chunk = pbs_chunk(job),
	    .t0 = *t0,
	    .o = {.status = PB_STATUS_FAILED},
	};
	int provided;

	parent_signals(cell);
	mine.results = sh->results;
	mine.metrics = &sh->spawn;
	setenv("OMPI_MCA_orte_tmpdir_base", mpi_dir, 1);
	/* Shared-memory segments in our folder too: gone with it. */
	setenv("OMPI_MCA_btl_vader_backing_directory", mpi_dir, 1);
	/*
	 * On one machine: shared memory and loopback, and no probing for
	 * network fabrics (UCX, OFI, hcoll), which takes most of a spawn
	 * (0.5 s down to 0.15 s here). Settings of the user's own win; with
	 * a hostfile, Open MPI's defaults stand (the cluster's fabric).
	 */
	if (!*job->args->values[P_HOSTFILE].u.s) {
		setenv("OMPI_MCA_btl_tcp_if_include", "lo", 0);
		setenv("OMPI_MCA_pml", "ob1", 0);
		setenv("OMPI_MCA_btl", "self,vader,tcp", 0);
		setenv("OMPI_MCA_osc", "^ucx", 0);
		setenv("OMPI_MCA_mtl", "^ofi,psm2", 0);
		setenv("OMPI_MCA_coll", "^hcoll", 0);
	}
	if (geteuid() == 0) {
		setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
		setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
	}
	if (gethostname(my_host, sizeof(my_host) - 1) != 0)
		snprintf(my_host, sizeof(my_host), "localhost");
	t.rk = calloc(t.W, sizeof(*t.rk));
	if (!t.rk) {
		pbs_fail(&sh->o, PB_STATUS_FAILED, "out of memory for %u ranks",
			 t.W);
		_exit(0);
	}
	for (unsigned r = 0; r < t.W; r++) {
		t.rk[r].pidfd = -1;
		t.rk[r].job_req = MPI_REQUEST_NULL;
	}
	/* Every chunk once, and one "no task is left" per rank. */
	t.sent_cap = t.dynamic ? job->ntasks / t.chunk + 1 + t.W : 0;
	t.sent = calloc(t.sent_cap ? t.sent_cap : 1, sizeof(*t.sent));
	if (!t.sent) {
		pbs_fail(&sh->o, PB_STATUS_FAILED, "out of memory for grants");
		_exit(0);
	}
	if (plan_binding(&t, &t.o.err)) {
		pbs_fail(&sh->o, PB_STATUS_FAILED, "%s", t.o.err.msg);
		_exit(0);
	}
	MPI_Init_thread(NULL, NULL, MPI_THREAD_SINGLE, &provided);
	daemon_pid = find_child();
	parent_signals(cell); /* again: MPI_Init may have set its own */
	MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	if (make_blob(&t, &t.o.err) || spawn(&t, &t.o.err))
		t.o.failed = true;
	else {
		collect(&t);
		if (t.o.failed)
			stop_all(&t);
		else
			finish(&t);
	}
	/* No MPI_Finalize: the daemon goes now, and the job with it. */
	end_children();
	sh->o = t.o;
	_exit(0);
}

/* Judges how the MPI parent ended and takes over its outcome. */
static void judge_parent(struct pbs_outcome *o, const struct shared *sh,
			 pid_t pid, int st)
{
	if (WIFSIGNALED(st) || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char how[128];
		if (WIFSIGNALED(st))
			snprintf(how, sizeof(how), "was killed by signal %s",
				 strsignal(WTERMSIG(st)));
		else
			snprintf(how, sizeof(how), "exited with status %d",
				 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		pbs_fail(o, PB_STATUS_CRASHED,
			 "the MPI parent process (pid %d) %s%s", (int)pid, how,
			 sh->o.failed ? "; before that: " : "");
		if (sh->o.failed)
			strncat(o->err.msg, sh->o.err.msg,
				sizeof(o->err.msg) - strlen(o->err.msg) - 1);
		return;
	}
	if (sh->o.failed)
		*o = sh->o;
}

static int mpi_execute(const struct pb_job *job, int32_t *status,
		       struct pb_err *err)
{
	struct pbs_outcome o = {.status = PB_STATUS_FAILED};
	size_t bytes = job->ntasks * job->result_size; /* the host's fits */
	struct shared *sh;
	struct timespec t0;
	pid_t parent = getpid(), pid;
	int st = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	*status = PB_STATUS_FAILED;
	if (job->workers == 0)
		return pb_fail(err, "no workers to run %zu tasks on",
			       job->ntasks);
	if (make_dir(job->host, err))
		return PB_ERROR;
	sh = mmap(NULL, sizeof(*sh) + bytes, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		pbs_fail(&o, PB_STATUS_FAILED,
			 "cannot map %zu shared bytes: %s", sizeof(*sh) + bytes,
			 strerror(errno));
		goto out;
	}
	sh->spawn.value = NAN;
	pid = fork();
	if (pid < 0)
		pbs_fail(&o, PB_STATUS_FAILED,
			 "cannot fork the MPI parent process: %s",
			 strerror(errno));
	if (pid == 0) {
		parent_main(job, sh, &t0, parent);
	}
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (pid > 0)
		judge_parent(&o, sh, pid, st);
	if (!o.failed) {
		memcpy(job->results, sh->results, bytes);
		if (job->metrics)
			job->metrics[M_SPAWN] = sh->spawn;
	}
	munmap(sh, sizeof(*sh) + bytes);
out:
	nftw(mpi_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	*status = o.status;
	if (o.failed)
		*err = o.err;
	return o.failed ? PB_ERROR : PB_OK;
}

static const struct pb_strategy_hooks hooks = {
    .size = sizeof(struct pb_strategy_hooks), .execute = mpi_execute};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_STRATEGY, "mpi",
		     "tasks spread over Open MPI ranks (MPI_Comm_spawn), on "
		     "this machine or across nodes with a hostfile",
		     "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .strategy = &hooks,
};
