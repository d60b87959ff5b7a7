/*
 * capacity_csv.c — capacity.csv, row by row (see capacity_csv.h).
 */
#include "capacity_csv.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/textbuf.h"

static const char header[] = "experiment,round,cell,started_s,threads,"
			     "wall_s,speedup,other_cpu_s,contended\n";

/* A non-empty file's first line must be exactly this version's header. */
static int check_header(int fd, const char *path, struct pb_err *err)
{
	char have[sizeof(header)] = {0};
	ssize_t n = pread(fd, have, sizeof(header) - 1, 0);

	if (n == (ssize_t)sizeof(header) - 1 && strcmp(have, header) == 0)
		return PB_OK;
	return pb_fail(err,
		       "%s: its header is not this version's (%.*s); it was "
		       "written by another parabench: resume with that one, "
		       "or start a new run",
		       path, (int)sizeof(header) - 2, header);
}

int pb_capacity_csv_check(const char *path, struct pb_err *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = PB_OK;

	if (fd < 0)
		return errno == ENOENT ? PB_OK
				       : pb_fail(err, "%s: cannot open: %s",
						 path, strerror(errno));
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		rc = check_header(fd, path, err);
	close(fd);
	return rc;
}

int pb_capacity_csv_open(struct pb_capacity_csv *w, const char *path,
			 struct pb_err *err)
{
	struct stat st;
	struct pb_buf b = {0};
	int rc = PB_OK;

	w->fd = -1;
	if ((size_t)snprintf(w->path, sizeof(w->path), "%s", path) >=
	    sizeof(w->path))
		return pb_fail(err, "%s: path too long", path);
	w->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (w->fd < 0)
		return pb_fail(err, "%s: cannot open: %s", path,
			       strerror(errno));
	if (fstat(w->fd, &st) != 0)
		rc = pb_fail(err, "%s: cannot stat: %s", path, strerror(errno));
	else if (st.st_size > 0)
		rc = check_header(w->fd, w->path, err);
	else {
		pb_buf_printf(&b, "%s", header);
		rc = b.oom ? pb_fail(err, "out of memory")
			   : pb_append_all(w->fd, w->path, &b, err);
		pb_buf_free(&b);
	}
	if (rc != PB_OK) {
		close(w->fd);
		w->fd = -1;
	}
	return rc;
}

int pb_capacity_csv_write(struct pb_capacity_csv *w,
			  const struct pb_capacity_row *row, struct pb_err *err)
{
	struct pb_buf b = {0};

	pb_buf_csv_field(&b, row->experiment);
	pb_buf_printf(&b, ",%u,", row->round);
	if (row->cell >= 0)
		pb_buf_printf(&b, "%ld", row->cell);
	pb_buf_printf(&b, ",%.6f,%u,%.9f,%.6f,", row->started_s, row->threads,
		      row->wall_s, row->speedup);
	if (!isnan(row->other_cpu_s))
		pb_buf_printf(&b, "%.3f", row->other_cpu_s);
	pb_buf_printf(&b, ",%d\n", row->contended ? 1 : 0);
	int rc = b.oom ? pb_fail(err, "out of memory")
		       : pb_append_all(w->fd, w->path, &b, err);
	pb_buf_free(&b);
	return rc;
}

int pb_capacity_csv_close(struct pb_capacity_csv *w, struct pb_err *err)
{
	int rc = PB_OK;

	if (w->fd >= 0 && close(w->fd) != 0)
		rc = pb_fail(err, "%s: cannot close: %s", w->path,
			     strerror(errno));
	w->fd = -1;
	return rc;
}
