/*
 * outdir.h — the results folder of a run: new every time, never reused.
 */
#ifndef PB_OUTDIR_H
#define PB_OUTDIR_H

#include <parabench/plugin.h>

#include "lock.h"

/*
 * Makes the results folder, writes its path to buf and claims it (lock.h):
 * on success *lock is held, and no other run can have the folder. With
 * out == NULL: results/<name>/<UTC yyyymmdd-HHMMSS>[-N]/ under the current
 * directory (parents made as needed). With out: that folder, which must
 * not exist or be empty. Fails with the path and the reason.
 */
int pb_outdir_create(const char *name, const char *out, char *buf, size_t len,
		     struct pb_dir_lock *lock, struct pb_err *err);

/* mkdir -p with mode 0755; fails naming the first component it cannot make. */
int pb_mkdirs(const char *path, struct pb_err *err);

#endif
