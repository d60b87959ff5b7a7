/*
 * copy.c — file copy, the notebook's file-system I/O example (two 250 MB
 * files copied by one thread, then by two).
 *
 * setup makes a private folder with mkdtemp (mode 0700) under `dir`, hands
 * it to the host (own_path) so that it is removed even if the cell's
 * process dies, and writes `files` source files src-0, src-1, ... of `size`
 * bytes of deterministic content (xorshift64, one word per 8 bytes, seeded
 * by the file's index). Tasks copy src-K to dst-K: one task per file
 * (`split: files`), or one task per `block` of a file (`split: blocks`; the
 * destinations are then created in setup, at full size).
 *
 * What a repetition measures: the sources were just written, so they are in
 * the page cache, as the notebook's files were after their first run and as
 * the `cp` reference is; the copy goes page cache to page cache, plus the
 * write-back to the device when `fsync: true`. Each repetition has its own
 * setup, so a destination never exists before its copy: every byte is
 * really written (split: files creates it with O_TRUNC; split: blocks starts
 * from a sparse file, so blocks are allocated during the copy in both cases).
 * On file systems with reflinks (btrfs, XFS) copy_file_range may share
 * extents instead of copying; on ext4 and tmpfs it copies in the kernel.
 * The sources are not synced: below the kernel's dirty thresholds they are
 * deleted before they would ever be written back, which keeps the disk
 * quiet (syncing them in setup made later repetitions noisier here: the
 * write-back and the discards of their deletion overlap the timed copies).
 * Sources larger than the dirty thresholds are written back while copying.
 *
 * Safety: teardown removes only the files it knows by name (src-K, dst-K)
 * and then the folder with rmdir — never a recursive delete — so anything
 * else found in the folder stays, and so does the folder.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <parabench/plugin.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

enum { P_FILES, P_SIZE, P_DIR, P_SPLIT, P_BLOCK, P_METHOD, P_BUFFER, P_FSYNC };

static const struct pb_param params[] = {
    [P_FILES] = {"files", PB_INT, "2", 1, 1e5, NULL,
		 "number of source files (each copied to its own "
		 "destination)"},
    [P_SIZE] = {"size", PB_SIZE, "250M", 1, PB_NO_MAX, NULL, "bytes per file"},
    [P_DIR] = {"dir", PB_STRING, "", 0, 0, NULL,
	       "folder in which a private temporary folder is made; empty: "
	       "$TMPDIR or /tmp"},
    [P_SPLIT] = {"split", PB_ENUM, "files", 0, 0, "files|blocks",
		 "files: one task per file; blocks: one task per block of a "
		 "file"},
    [P_BLOCK] = {"block", PB_SIZE, "16M", 1, PB_NO_MAX, NULL,
		 "bytes per task with split: blocks"},
    [P_METHOD] = {"method", PB_ENUM, "readwrite", 0, 0,
		  "readwrite|copy_file_range|sendfile|mmap",
		  "read+write through a buffer, copy_file_range(2), "
		  "sendfile(2), or write(2) from an mmap of the source"},
    [P_BUFFER] = {"buffer", PB_SIZE, "1M", 1, 1073741824, NULL,
		  "buffer size of method readwrite"},
    [P_FSYNC] = {"fsync", PB_BOOL, "false", 0, 0, NULL,
		 "fsync each destination before its task ends (durable)"},
};

enum { M_BYTES, M_GB_PER_S };

static const struct pb_metric metrics[] = {
    [M_BYTES] = {"bytes", "B", "bytes copied"},
    [M_GB_PER_S] = {"gb_per_s", "GB/s",
		    "bytes / the timed span (host-measured), 1 GB = 1e9 bytes",
		    PB_METRIC_PER_SECOND},
};

enum method { READWRITE, COPY_FILE_RANGE, SENDFILE, MMAP };

/* More tasks than this is a typo (a tiny block), not an experiment. */
#define MAX_TASKS 10000000ULL
/* Bytes per system call: below the kernel's 0x7ffff000 cap per call. */
#define MAX_IO (1ULL << 30)
/* Chunk size for writing sources and for verify. */
#define CHUNK (1u << 20)

struct copy_state {
	/* "" until mkdtemp succeeded; room is left in a path for the
	 * "/<kind>-<file>" of every file (file_path never cuts). */
	char folder[PATH_MAX - 32];
	uint64_t files, size, block, blocks_per_file, buffer;
	enum method method;
	bool by_blocks, fsync;
};

/* What a task did: plain data, the same under every strategy (the host
 * times the span; gb_per_s is a per-second metric). */
struct copy_result {
	uint64_t bytes;
};

/* The part of a file one task copies. */
struct range {
	uint64_t file, offset, len;
};

/* Writes "<folder>/<kind>-<file>" into path (PATH_MAX bytes). */
static void file_path(const struct copy_state *st, const char *kind,
		      uint64_t file, char *path)
{
	snprintf(path, PATH_MAX, "%s/%s-%llu", st->folder, kind,
		 (unsigned long long)file);
}

/* "250.0 MiB": a byte count a reader takes in at a glance. */
static const char *human(uint64_t bytes, char *buf, size_t len)
{
	static const char *units[] = {"B",   "KiB", "MiB", "GiB",
				      "TiB", "PiB", "EiB"};
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 1024 && u + 1 < PB_COUNT(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", v, units[u]);
	return buf;
}

/* ---- Source content ---------------------------------------------------- */

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Fills n words (8 bytes each) with the xorshift64 sequence after *x. */
static void generate(uint64_t *x, uint64_t *words, size_t n)
{
	uint64_t s = *x;

	for (size_t k = 0; k < n; k++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		words[k] = s;
	}
	*x = s;
}

/* Writes all len bytes of buf at the descriptor's position. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len < MAX_IO ? len : MAX_IO);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Creates source file `file` with its deterministic content. */
static int write_source(const struct copy_state *st, uint64_t file,
			uint64_t *words, struct pb_err *err)
{
	char path[PATH_MAX];
	uint64_t x = splitmix64(file + 1) | 1; /* xorshift needs x != 0 */
	int fd, rc = PB_OK;

	file_path(st, "src", file, path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return pb_fail(err, "cannot create source file %s: %s", path,
			       strerror(errno));
	for (uint64_t done = 0; done < st->size && rc == PB_OK;) {
		uint64_t n = st->size - done < CHUNK ? st->size - done : CHUNK;
		generate(&x, words, (n + 7) / 8);
		if (write_all(fd, (const char *)words, n))
			rc = pb_fail(err, "cannot write source file %s: %s",
				     path, strerror(errno));
		done += n;
	}
	if (close(fd) && rc == PB_OK)
		rc = pb_fail(err, "cannot write source file %s: %s", path,
			     strerror(errno));
	return rc;
}

/* Creates destination `file` at full size (sparse) for split: blocks. */
static int make_destination(const struct copy_state *st, uint64_t file,
			    struct pb_err *err)
{
	char path[PATH_MAX];
	int fd, rc = PB_OK;

	file_path(st, "dst", file, path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return pb_fail(err, "cannot create destination file %s: %s",
			       path, strerror(errno));
	if (ftruncate(fd, (off_t)st->size))
		rc = pb_fail(err,
			     "cannot size destination file %s to %llu "
			     "bytes: %s",
			     path, (unsigned long long)st->size,
			     strerror(errno));
	close(fd);
	return rc;
}

/* ---- Setup and teardown -------------------------------------------------- */

/*
 * Removes src-K and dst-K for every K, then the folder; ignores what is
 * already gone. rmdir fails, harmlessly, if someone else put a file there.
 */
static void remove_made(struct copy_state *st)
{
	char path[PATH_MAX];

	if (!st->folder[0])
		return;
	for (uint64_t k = 0; k < st->files; k++) {
		file_path(st, "src", k, path);
		unlink(path);
		file_path(st, "dst", k, path);
		unlink(path);
	}
	rmdir(st->folder);
	st->folder[0] = '\0';
}

/* Reads and checks the parameters that need more than their table range. */
static int read_params(const struct pb_args *args, struct copy_state *st,
		       struct pb_err *err)
{
	const struct pb_value *v = args->values;
	static const char *methods[] = {"readwrite", "copy_file_range",
					"sendfile", "mmap"};

	if (v[P_FILES].u.i < 1)
		return pb_fail(err, "files is %lld; expected at least 1",
			       (long long)v[P_FILES].u.i);
	if (v[P_SIZE].u.i < 1)
		return pb_fail(err,
			       "size is %lld bytes; expected at least 1 "
			       "(e.g. 250M)",
			       (long long)v[P_SIZE].u.i);
	if (v[P_BLOCK].u.i < 1 || v[P_BUFFER].u.i < 1)
		return pb_fail(err, "block and buffer must be at least 1 byte");
	st->files = (uint64_t)v[P_FILES].u.i;
	st->size = (uint64_t)v[P_SIZE].u.i;
	st->block = (uint64_t)v[P_BLOCK].u.i;
	st->buffer = (uint64_t)v[P_BUFFER].u.i;
	st->by_blocks = strcmp(v[P_SPLIT].u.s, "blocks") == 0;
	st->fsync = v[P_FSYNC].u.b;
	st->method = READWRITE;
	for (size_t k = 0; k < PB_COUNT(methods); k++)
		if (strcmp(v[P_METHOD].u.s, methods[k]) == 0)
			st->method = (enum method)k;
	st->blocks_per_file =
	    st->by_blocks ? (st->size + st->block - 1) / st->block : 1;
	if (st->blocks_per_file > MAX_TASKS / st->files)
		return pb_fail(err,
			       "%llu files of %llu bytes in blocks of %llu "
			       "make more than %llu tasks; expected a larger "
			       "block",
			       (unsigned long long)st->files,
			       (unsigned long long)st->size,
			       (unsigned long long)st->block, MAX_TASKS);
	return PB_OK;
}

/* The folder the user named, or $TMPDIR, or /tmp. */
static const char *base_dir(const struct pb_args *args)
{
	const char *dir = args->values[P_DIR].u.s, *tmp = getenv("TMPDIR");

	if (dir && *dir)
		return dir;
	return tmp && *tmp ? tmp : "/tmp";
}

/* Checks that dir exists, is a folder and that we may create in it. */
static int check_dir(const char *dir, struct pb_err *err)
{
	struct stat sb;

	if (strlen(dir) > PATH_MAX - 64)
		return pb_fail(err, "dir '%.200s...' is too long", dir);
	if (stat(dir, &sb))
		return pb_fail(err,
			       "dir '%s': %s; expected an existing "
			       "writable folder",
			       dir, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return pb_fail(err,
			       "dir '%s' is not a folder; expected an "
			       "existing writable folder",
			       dir);
	if (access(dir, W_OK | X_OK))
		return pb_fail(err,
			       "dir '%s' is not writable: %s; expected "
			       "a folder where files can be created",
			       dir, strerror(errno));
	return PB_OK;
}

/* Refuses when dir has less free space than sources + copies + 5%. */
static int check_space(const struct copy_state *st, const char *dir,
		       struct pb_err *err)
{
	struct statvfs vfs;
	uint64_t need, free_bytes;
	char a[32], b[32];

	if (statvfs(dir, &vfs))
		return pb_fail(err,
			       "cannot read the free space of dir '%s': "
			       "%s",
			       dir, strerror(errno));
	free_bytes = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (__builtin_mul_overflow(st->files, st->size, &need) ||
	    __builtin_mul_overflow(need, 2, &need) ||
	    __builtin_add_overflow(need, need / 20, &need))
		need = UINT64_MAX;
	if (need <= free_bytes)
		return PB_OK;
	return pb_fail(err,
		       "not enough free space in '%s': %llu files of %llu "
		       "bytes and their copies need %s (with a 5%% margin), "
		       "%s is free; choose a smaller size or fewer files, or "
		       "another dir",
		       dir, (unsigned long long)st->files,
		       (unsigned long long)st->size, human(need, a, sizeof(a)),
		       human(free_bytes, b, sizeof(b)));
}

/*
 * Makes the private folder (by an absolute path: the host may remove it
 * from another working directory), registers it, writes the files.
 */
static int make_files(struct copy_state *st, const char *dir,
		      struct pb_host *host, struct pb_err *err)
{
	uint64_t *words = malloc(CHUNK);
	char tmpl[sizeof(st->folder)], abs[PATH_MAX];
	int rc = PB_OK;

	if (!words)
		return pb_fail(err, "out of memory for a %u-byte buffer",
			       CHUNK);
	if (!realpath(dir, abs)) {
		rc = pb_fail(err, "dir '%s': %s", dir, strerror(errno));
		goto out;
	}
	if (snprintf(tmpl, sizeof(tmpl), "%s/parabench-copy-XXXXXX", abs) >=
	    (int)sizeof(tmpl)) {
		rc = pb_fail(err,
			     "dir '%s': its path is too long for the files "
			     "inside (at most %zu bytes)",
			     dir, sizeof(tmpl) - 23);
		goto out;
	}
	if (!mkdtemp(tmpl)) {
		rc = pb_fail(err, "cannot create a folder in dir '%s': %s", dir,
			     strerror(errno));
		goto out;
	}
	snprintf(st->folder, sizeof(st->folder), "%s", tmpl);
	if (host && host->own_path)
		host->own_path(host, st->folder);
	for (uint64_t k = 0; k < st->files && rc == PB_OK; k++)
		rc = write_source(st, k, words, err);
	for (uint64_t k = 0; st->by_blocks && k < st->files && rc == PB_OK; k++)
		rc = make_destination(st, k, err);
out:
	free(words);
	return rc;
}

/*
 * Validates the parameters and the folder, checks the free space, then
 * makes the folder and files. On failure nothing it made is left behind.
 */
static int copy_setup(const struct pb_args *args, struct pb_host *host,
		      void **state, size_t *ntasks, struct pb_err *err)
{
	struct copy_state *st = calloc(1, sizeof(*st));
	const char *dir = base_dir(args);

	if (!st)
		return pb_fail(err, "out of memory");
	if (read_params(args, st, err) || check_dir(dir, err) ||
	    check_space(st, dir, err) || make_files(st, dir, host, err)) {
		remove_made(st);
		free(st);
		return PB_ERROR;
	}
	*state = st;
	*ntasks = st->files * st->blocks_per_file;
	return PB_OK;
}

/* Removes the files and the folder that setup made, then frees state. */
static void copy_teardown(void *state)
{
	remove_made(state);
	free(state);
}

/* ---- Tasks -------------------------------------------------------------- */

/* A readwrite worker keeps its buffer; other methods need no state. */
static int copy_worker_init(void *state, unsigned worker, void **ws,
			    struct pb_err *err)
{
	const struct copy_state *st = state;

	(void)worker;
	*ws = NULL;
	if (st->method != READWRITE)
		return PB_OK;
	*ws = malloc(st->buffer);
	if (!*ws)
		return pb_fail(err, "out of memory for a %llu-byte buffer",
			       (unsigned long long)st->buffer);
	return PB_OK;
}

static void copy_worker_fini(void *state, void *ws)
{
	(void)state;
	free(ws);
}

static struct range task_range(const struct copy_state *st, size_t task)
{
	struct range r = {.file = task / st->blocks_per_file};

	r.offset = (task % st->blocks_per_file) * st->block;
	r.len = st->by_blocks ? st->size - r.offset : st->size;
	if (st->by_blocks && r.len > st->block)
		r.len = st->block;
	return r;
}

/* Fails with the failing call, the file and the offset. */
static int io_fail(struct pb_err *err, const char *what, const char *path,
		   uint64_t offset)
{
	if (errno == 0)
		return pb_fail(err,
			       "%s %s at offset %llu: the source ended "
			       "early",
			       what, path, (unsigned long long)offset);
	return pb_fail(err, "%s %s at offset %llu: %s", what, path,
		       (unsigned long long)offset, strerror(errno));
}

/* Writes all len bytes of buf at offset off. */
static int pwrite_all(int fd, const char *buf, uint64_t len, uint64_t off)
{
	while (len) {
		ssize_t n =
		    pwrite(fd, buf, len < MAX_IO ? len : MAX_IO, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

static int by_readwrite(const struct copy_state *st, char *buf, int in, int out,
			struct range r, const char *src, const char *dst,
			struct pb_err *err)
{
	for (uint64_t done = 0; done < r.len;) {
		uint64_t want =
		    r.len - done < st->buffer ? r.len - done : st->buffer;
		errno = 0;
		ssize_t n = pread(in, buf, want, (off_t)(r.offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return io_fail(err, "read", src, r.offset + done);
		if (pwrite_all(out, buf, (uint64_t)n, r.offset + done))
			return io_fail(err, "write", dst, r.offset + done);
		done += (uint64_t)n;
	}
	return PB_OK;
}

static int by_copy_file_range(int in, int out, struct range r, const char *src,
			      struct pb_err *err)
{
	loff_t in_off = (loff_t)r.offset, out_off = (loff_t)r.offset;

	for (uint64_t done = 0; done < r.len;) {
		uint64_t want = r.len - done < MAX_IO ? r.len - done : MAX_IO;
		errno = 0;
		ssize_t n =
		    copy_file_range(in, &in_off, out, &out_off, want, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return io_fail(err, "copy_file_range from", src,
				       r.offset + done);
		done += (uint64_t)n;
	}
	return PB_OK;
}

static int by_sendfile(int in, int out, struct range r, const char *src,
		       const char *dst, struct pb_err *err)
{
	off_t in_off = (off_t)r.offset;

	/* sendfile writes at the descriptor's position, which is ours. */
	if (lseek(out, (off_t)r.offset, SEEK_SET) < 0)
		return io_fail(err, "seek in", dst, r.offset);
	for (uint64_t done = 0; done < r.len;) {
		uint64_t want = r.len - done < MAX_IO ? r.len - done : MAX_IO;
		errno = 0;
		ssize_t n = sendfile(out, in, &in_off, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return io_fail(err, "sendfile from", src,
				       r.offset + done);
		done += (uint64_t)n;
	}
	return PB_OK;
}

/* Maps the source range (from a page boundary) and writes it out. */
static int by_mmap(int in, int out, struct range r, const char *src,
		   const char *dst, struct pb_err *err)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t skip = r.offset % page;
	char *map;
	int rc = PB_OK;

	map = mmap(NULL, r.len + skip, PROT_READ, MAP_SHARED, in,
		   (off_t)(r.offset - skip));
	if (map == MAP_FAILED)
		return io_fail(err, "mmap of", src, r.offset);
	madvise(map, r.len + skip, MADV_SEQUENTIAL);
	if (pwrite_all(out, map + skip, r.len, r.offset))
		rc = io_fail(err, "write", dst, r.offset);
	munmap(map, r.len + skip);
	return rc;
}

/* Copies r from in to out by the configured method. */
static int copy_range(const struct copy_state *st, char *buf, int in, int out,
		      struct range r, const char *src, const char *dst,
		      struct pb_err *err)
{
	switch (st->method) {
	case COPY_FILE_RANGE:
		return by_copy_file_range(in, out, r, src, err);
	case SENDFILE:
		return by_sendfile(in, out, r, src, dst, err);
	case MMAP:
		return by_mmap(in, out, r, src, dst, err);
	case READWRITE:
		break;
	}
	return by_readwrite(st, buf, in, out, r, src, dst, err);
}

/* Opens both files, copies, syncs if asked, closes. */
static int copy_task(const struct copy_state *st, char *buf, struct range r,
		     struct copy_result *res, struct pb_err *err)
{
	char src[PATH_MAX], dst[PATH_MAX];
	int in = -1, out = -1, rc = PB_ERROR;
	int flags = st->by_blocks ? O_WRONLY : O_WRONLY | O_CREAT | O_TRUNC;

	file_path(st, "src", r.file, src);
	file_path(st, "dst", r.file, dst);
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		pb_fail(err, "cannot open source %s: %s", src, strerror(errno));
		goto out;
	}
	out = open(dst, flags | O_CLOEXEC, 0600);
	if (out < 0) {
		pb_fail(err, "cannot open destination %s: %s", dst,
			strerror(errno));
		goto out;
	}
	if (copy_range(st, buf, in, out, r, src, dst, err))
		goto out;
	if (st->fsync && fsync(out)) {
		pb_fail(err, "fsync %s: %s", dst, strerror(errno));
		goto out;
	}
	rc = close(out) ? pb_fail(err, "close %s: %s", dst, strerror(errno))
			: PB_OK;
	out = -1;
	res->bytes = r.len;
out:
	if (out >= 0)
		close(out);
	if (in >= 0)
		close(in);
	return rc;
}

static int copy_run_task(void *state, void *ws, size_t task, void *result,
			 struct pb_err *err)
{
	const struct copy_state *st = state;
	char *buf = ws;
	int rc;

	/* A strategy that skipped worker_init still gets a buffer. */
	if (st->method == READWRITE && !buf &&
	    copy_worker_init(state, 0, (void **)&buf, err))
		return PB_ERROR;
	rc = copy_task(st, buf, task_range(st, task), result, err);
	if (buf != ws)
		free(buf);
	return rc;
}

/* ---- Reduce and verify ---------------------------------------------------- */

static int copy_reduce(void *state, const void *results, size_t ntasks,
		       struct pb_metric_value *m, struct pb_err *err)
{
	const struct copy_result *r = results;
	uint64_t bytes = 0;

	(void)state;
	(void)err;
	for (size_t k = 0; k < ntasks; k++)
		bytes += r[k].bytes;
	m[M_BYTES].value = (double)bytes;
	/* Per timed second: the host divides by the span (1 GB = 1e9 B). */
	m[M_GB_PER_S].value = (double)bytes / 1e9;
	return PB_OK;
}

/* Reads exactly len bytes at off; 0 or -1 with errno (0: file too short). */
static int pread_exact(int fd, char *buf, size_t len, uint64_t off)
{
	while (len) {
		errno = 0;
		ssize_t n = pread(fd, buf, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* The first offset where a and b differ (both n bytes long). */
static size_t first_difference(const char *a, const char *b, size_t n)
{
	size_t k = 0;

	while (k < n && a[k] == b[k])
		k++;
	return k;
}

/* Compares the open files src and dst chunk by chunk. */
static int compare_open(const struct copy_state *st, int s, int d,
			const char *dst, char *a, char *b, struct pb_err *err)
{
	struct stat sb;

	if (fstat(d, &sb))
		return pb_fail(err, "stat %s: %s", dst, strerror(errno));
	if ((uint64_t)sb.st_size != st->size)
		return pb_fail(err, "%s has %lld bytes; expected %llu", dst,
			       (long long)sb.st_size,
			       (unsigned long long)st->size);
	for (uint64_t off = 0; off < st->size; off += CHUNK) {
		size_t n = st->size - off < CHUNK ? st->size - off : CHUNK;
		if (pread_exact(s, a, n, off) || pread_exact(d, b, n, off))
			return pb_fail(err,
				       "reading %s at offset %llu "
				       "failed: %s",
				       dst, (unsigned long long)off,
				       errno ? strerror(errno) : "too short");
		if (memcmp(a, b, n))
			return pb_fail(
			    err,
			    "%s differs from its source at "
			    "byte %llu of %llu",
			    dst,
			    (unsigned long long)(off +
						 first_difference(a, b, n)),
			    (unsigned long long)st->size);
	}
	return PB_OK;
}

/* Compares destination `file` with its source. */
static int compare_file(const struct copy_state *st, uint64_t file, char *a,
			char *b, struct pb_err *err)
{
	char src[PATH_MAX], dst[PATH_MAX];
	int s, d, rc;

	file_path(st, "src", file, src);
	file_path(st, "dst", file, dst);
	s = open(src, O_RDONLY | O_CLOEXEC);
	if (s < 0)
		return pb_fail(err, "cannot open %s: %s", src, strerror(errno));
	d = open(dst, O_RDONLY | O_CLOEXEC);
	if (d < 0) {
		rc = pb_fail(err, "cannot open %s: %s", dst, strerror(errno));
		close(s);
		return rc;
	}
	rc = compare_open(st, s, d, dst, a, b, err);
	close(d);
	close(s);
	return rc;
}

/* Every destination is byte-identical to its source; every byte counted. */
static int copy_verify(void *state, const void *results, size_t ntasks,
		       const struct pb_metric_value *m, struct pb_err *err)
{
	const struct copy_state *st = state;
	char *a = malloc(CHUNK), *b = malloc(CHUNK);
	int rc = PB_OK;

	(void)results;
	(void)ntasks;
	if (!a || !b) {
		rc = pb_fail(err, "out of memory for verify buffers");
		goto out;
	}
	if (m[M_BYTES].value != (double)(st->files * st->size)) {
		rc = pb_fail(err, "copied %.0f bytes; expected %llu",
			     m[M_BYTES].value,
			     (unsigned long long)(st->files * st->size));
		goto out;
	}
	for (uint64_t k = 0; k < st->files && rc == PB_OK; k++)
		rc = compare_file(st, k, a, b, err);
out:
	free(a);
	free(b);
	return rc;
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = copy_setup,
    .worker_init = copy_worker_init,
    .run_task = copy_run_task,
    .worker_fini = copy_worker_fini,
    .reduce = copy_reduce,
    .verify = copy_verify,
    .teardown = copy_teardown,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "copy",
		     "file copy in a private temporary folder (file-system "
		     "I/O)",
		     "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(struct copy_result),
    .workload = &hooks,
};
