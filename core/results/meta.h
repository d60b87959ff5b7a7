/*
 * meta.h — meta.json: where, with what and when a run was made.
 *
 * A flat JSON object whose values are strings, numbers and booleans only,
 * so the analysis can read it back without a JSON library.
 */
#ifndef PB_META_H
#define PB_META_H

#include <parabench/plugin.h>

#include "plugin/registry.h"

struct pb_meta {
	const char *command_line;
	const char *experiment_file;
	const char *experiment_text;
	const char *status; /* "running", "complete", "interrupted" */
	char started_utc[32];
	char ended_utc[32];		    /* "" while running */
	const struct pb_registry *registry; /* for the plugins' versions */
};

/* Writes ISO 8601 UTC time with milliseconds ("2026-11-25T20:17:25.123Z"). */
void pb_utc_now(char buf[32]);

/* Writes dir/meta.json atomically; host facts are gathered here. */
int pb_meta_write(const char *dir, const struct pb_meta *m, struct pb_err *err);

/*
 * The loaded plugins as "name version; ..." in load order: the text a
 * resumed run compares. Written into buf.
 */
void pb_meta_plugins(const struct pb_registry *reg, char *buf, size_t len);

#endif
