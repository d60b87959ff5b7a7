/*
 * capacity_csv.c — capacity.csv, row by row (see capacity_csv.h).
 */
#include "capacity_csv.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/textbuf.h"

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
	w->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (w->fd < 0)
		return pb_fail(err, "%s: cannot open: %s", path,
			       strerror(errno));
	if (fstat(w->fd, &st) == 0 && st.st_size == 0) {
		pb_buf_printf(&b, "experiment,round,started_s,threads,wall_s,"
				  "speedup\n");
		rc = b.oom ? pb_fail(err, "out of memory")
			   : pb_append_all(w->fd, w->path, &b, err);
		pb_buf_free(&b);
	}
	return rc;
}

int pb_capacity_csv_write(struct pb_capacity_csv *w, const char *experiment,
			  unsigned round, double started_s, unsigned threads,
			  double wall_s, double speedup, struct pb_err *err)
{
	struct pb_buf b = {0};

	pb_buf_csv_field(&b, experiment);
	pb_buf_printf(&b, ",%u,%.6f,%u,%.9f,%.6f\n", round, started_s, threads,
		      wall_s, speedup);
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
