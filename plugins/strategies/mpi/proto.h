/*
 * proto.h — what the mpi strategy (mpi.c, in the cell's process) and its
 * ranks (worker.c, the program parabench-mpi-worker) say to each other over
 * the intercommunicator MPI_Comm_spawn makes. Header-only: the two sides
 * are separate programs and neither links the host.
 *
 * Messages (tag: direction, payload):
 *   PBM_HELLO    rank -> parent  struct pbm_hello, right after MPI_Init:
 *                                its pid and host, so that the parent can
 *                                watch a rank on its own host for its end
 *   PBM_JOB      parent -> rank  the job: struct pbm_job_head, then
 *                                nsets CPU sets (cpu_set_t, one per rank,
 *                                in rank order; none when the ranks stay
 *                                unbound), then the workload's parameter
 *                                values (pbm_pack)
 *   PBM_PATH     rank -> parent  a path the rank's setup made (own_path)
 *   PBM_READY    rank -> parent  setup and worker_init done; no payload
 *   PBM_RESULTS  rank -> parent  struct pbm_range, then the raw results of
 *                                tasks [lo, hi), result_size bytes each
 *   PBM_ERROR    rank -> parent  struct pbm_error: a hook's error text
 *   PBM_GRANT    parent -> rank  struct pbm_range: run tasks [lo, hi);
 *                                lo == hi: no task is left, finish
 *   PBM_STOP     parent -> rank  another rank failed: stop after the task
 *                                in hand, tear down and leave
 *
 * A rank that dies writes a note first when it can (a caught signal, or
 * exit() through on_exit): "<wait status> <task>" into
 * <note_dir>/rank-<r>, where note_dir is the parent's private folder on the
 * parent's host. The parent reads it to say how the rank ended.
 */
#ifndef PB_MPI_PROTO_H
#define PB_MPI_PROTO_H

#include <parabench/plugin.h>
#include <stdint.h>
#include <stdlib.h>

enum pbm_tag {
	PBM_HELLO = 1,
	PBM_JOB,
	PBM_PATH,
	PBM_READY,
	PBM_RESULTS,
	PBM_ERROR,
	PBM_GRANT,
	PBM_STOP,
};

/* "PBMPIJOB": a blob that is not a job is refused, not misread. */
#define PBM_MAGIC 0x424f4a49504d4250ULL
/* Bumped whenever a message changes: parent and ranks come from one build. */
#define PBM_VERSION 2
#define PBM_NO_TASK UINT64_MAX
#define PBM_PATH_MAX 4096
#define PBM_HOST_MAX 256
/* The name of the program beside the plugin. */
#define PBM_WORKER "parabench-mpi-worker"

struct pbm_hello {
	int64_t pid;
	char host[PBM_HOST_MAX];
};

struct pbm_range {
	uint64_t lo, hi;
};

struct pbm_error {
	uint64_t task; /* PBM_NO_TASK: setup or worker_init */
	char msg[PB_ERR_MAX];
};

/* The start of a PBM_JOB message; the parameter values follow. */
struct pbm_job_head {
	uint64_t magic;
	uint32_t version;
	uint32_t nparams;
	uint64_t seed;
	uint64_t ntasks;      /* what setup gave the parent: ranks must agree */
	uint64_t result_size; /* bytes per result */
	uint64_t batch_bytes; /* results a rank gathers before it sends */
	uint32_t dynamic;     /* 1: wait for grants; 0: run the static share */
	uint32_t nsets;	      /* CPU sets after the head: 0, or one per rank */
	char name[128];	      /* the workload's name */
	char path[PBM_PATH_MAX];     /* its plugin file */
	char note_dir[PBM_PATH_MAX]; /* where a dying rank leaves its note */
	char host[PBM_HOST_MAX];     /* the parent's host */
};

/* ---- Parameter values, packed ------------------------------------------ */

/* A growing byte buffer; data is malloc'd. */
struct pbm_buf {
	char *data;
	size_t len, cap;
	bool oom;
};

static inline void pbm_put(struct pbm_buf *b, const void *p, size_t n)
{
	size_t pad = (8 - n % 8) % 8; /* every item stays 8-byte aligned */

	if (b->oom)
		return;
	if (b->len + n + pad > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + pad)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d) {
			b->oom = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	memset(b->data + b->len + n, 0, pad);
	b->len += n + pad;
}

static inline void pbm_put_u64(struct pbm_buf *b, uint64_t v)
{
	pbm_put(b, &v, sizeof(v));
}

static inline void pbm_put_str(struct pbm_buf *b, const char *s)
{
	size_t n = strlen(s) + 1;

	pbm_put_u64(b, n);
	pbm_put(b, s, n);
}

/* Appends every value of args: its type, then the value. */
static inline void pbm_pack(struct pbm_buf *b, const struct pb_args *args)
{
	for (size_t k = 0; k < args->n; k++) {
		const struct pb_value *v = &args->values[k];
		uint32_t type = pb_arg_param(args, k)->type;
		pbm_put_u64(b, type);
		pbm_put_u64(b, v->index);
		switch (type) {
		case PB_INT:
		case PB_SIZE:
			pbm_put(b, &v->u.i, sizeof(v->u.i));
			break;
		case PB_FLOAT:
		case PB_DURATION:
			pbm_put(b, &v->u.f, sizeof(v->u.f));
			break;
		case PB_BOOL:
			pbm_put_u64(b, v->u.b);
			break;
		case PB_STRING:
		case PB_ENUM:
			pbm_put_str(b, v->u.s ? v->u.s : "");
			break;
		case PB_INT_LIST:
			pbm_put_u64(b, v->u.ints.n);
			for (size_t j = 0; j < v->u.ints.n; j++)
				pbm_put(b, &v->u.ints.v[j], sizeof(int64_t));
			break;
		case PB_STRING_LIST:
			pbm_put_u64(b, v->u.strings.n);
			for (size_t j = 0; j < v->u.strings.n; j++)
				pbm_put_str(b, v->u.strings.v[j]);
			break;
		}
	}
}

/* Reads packed values back; strings point into the blob, which must live. */
struct pbm_reader {
	const char *p, *end;
};

static inline const void *pbm_take(struct pbm_reader *r, size_t n)
{
	size_t pad = (8 - n % 8) % 8;
	const char *at = r->p;

	if ((size_t)(r->end - r->p) < n + pad)
		return NULL;
	r->p += n + pad;
	return at;
}

static inline bool pbm_take_u64(struct pbm_reader *r, uint64_t *v)
{
	const void *p = pbm_take(r, sizeof(*v));

	if (p)
		memcpy(v, p, sizeof(*v));
	return p != NULL;
}

static inline const char *pbm_take_str(struct pbm_reader *r)
{
	uint64_t n;
	const char *s;

	if (!pbm_take_u64(r, &n) || n == 0 || n > (uint64_t)(r->end - r->p))
		return NULL;
	s = pbm_take(r, (size_t)n);
	return s && s[n - 1] == '\0' ? s : NULL;
}

/* The memory unpacked values hold besides the blob; free with pbm_free. */
struct pbm_args {
	struct pb_args args;
	struct pb_value *values;
	void **lists; /* one array per list value */
	size_t nlists;
};

static inline void pbm_free(struct pbm_args *a)
{
	for (size_t k = 0; k < a->nlists; k++)
		free(a->lists[k]);
	free(a->lists);
	free(a->values);
	memset(a, 0, sizeof(*a));
}

/* Unpacks one list value of type t into v; false on a malformed blob. */
static inline bool pbm_take_list(struct pbm_reader *r, struct pbm_args *a,
				 enum pb_type t, struct pb_value *v)
{
	uint64_t n;
	size_t each = t == PB_INT_LIST ? sizeof(int64_t) : sizeof(char *);

	if (!pbm_take_u64(r, &n) || n > (uint64_t)(r->end - r->p) / 8)
		return false;
	void *arr = calloc(n ? n : 1, each);
	if (!arr)
		return false;
	a->lists[a->nlists++] = arr;
	for (uint64_t j = 0; j < n; j++) {
		if (t == PB_INT_LIST) {
			const void *p = pbm_take(r, sizeof(int64_t));
			if (!p)
				return false;
			memcpy((int64_t *)arr + j, p, sizeof(int64_t));
		} else if (!(((const char **)arr)[j] = pbm_take_str(r)))
			return false;
	}
	if (t == PB_INT_LIST)
		v->u.ints = (__typeof__(v->u.ints)){n, arr};
	else
		v->u.strings = (__typeof__(v->u.strings)){n, arr};
	return true;
}

/*
 * Unpacks the values of plugin p's parameters from [blob, blob + len) into
 * out, checking that the blob holds exactly p's parameters with p's types
 * (parent and rank must load the same plugin). PB_ERROR with err filled.
 */
static inline int pbm_unpack(const char *blob, size_t len,
			     const struct pb_plugin *p, uint32_t nparams,
			     struct pbm_args *out, struct pb_err *err)
{
	struct pbm_reader r = {blob, blob + len};

	memset(out, 0, sizeof(*out));
	if (nparams != p->nparams)
		return pb_fail(err,
			       "the parent's %s has %u parameters, this "
			       "rank's %zu: not the same plugin file",
			       p->name, nparams, p->nparams);
	out->values = calloc(p->nparams ? p->nparams : 1, sizeof(*out->values));
	out->lists = calloc(p->nparams ? p->nparams : 1, sizeof(void *));
	if (!out->values || !out->lists) {
		pbm_free(out);
		return pb_fail(err, "out of memory for the job's parameters");
	}
	out->args = (struct pb_args){
	    .n = p->nparams,
	    .params = p->params,
	    .values = out->values,
	    .size = sizeof(struct pb_args),
	    .param_size = p->param_size,
	};
	for (size_t k = 0; k < p->nparams; k++) {
		const struct pb_param *param = pb_arg_param(&out->args, k);
		struct pb_value *v = &out->values[k];
		uint64_t t, index = 0;
		const void *q = NULL;
		bool ok = pbm_take_u64(&r, &t) && t == param->type &&
			  pbm_take_u64(&r, &index);

		v->type = param->type;
		v->index = (uint32_t)index;
		if (ok && (t == PB_INT || t == PB_SIZE || t == PB_FLOAT ||
			   t == PB_DURATION || t == PB_BOOL)) {
			ok = (q = pbm_take(&r, 8)) != NULL;
			if (ok && t == PB_BOOL)
				v->u.b = *(const uint64_t *)q != 0;
			else if (ok)
				memcpy(&v->u, q, 8);
		} else if (ok && (t == PB_STRING || t == PB_ENUM))
			ok = (v->u.s = pbm_take_str(&r)) != NULL;
		else if (ok && (t == PB_INT_LIST || t == PB_STRING_LIST))
			ok = pbm_take_list(&r, out, (enum pb_type)t, v);
		else
			ok = false;
		if (!ok) {
			pbm_free(out);
			return pb_fail(err,
				       "the job's value of %s parameter '%s' "
				       "is malformed or of another type",
				       p->name, param->name);
		}
	}
	return PB_OK;
}

#endif /* PB_MPI_PROTO_H */
