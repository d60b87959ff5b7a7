/*
 * outdir.h — the results folder of a run: new every time, never reused.
 */
#ifndef PB_OUTDIR_H
#define PB_OUTDIR_H

#include <parabench/plugin.h>

/*
 * Makes the results folder and writes its path to buf. With out == NULL:
 * results/<name>/<UTC yyyymmdd-HHMMSS>[-N]/ under the current directory
 * (parents made as needed). With out: that folder, which must not exist or
 * be empty. Fails with the path and the reason.
 */
int pb_outdir_create(const char *name, const char *out, char *buf, size_t len,
		     struct pb_err *err);

/* mkdir -p with mode 0755; fails naming the first component it cannot make. */
int pb_mkdirs(const char *path, struct pb_err *err);

#endif
