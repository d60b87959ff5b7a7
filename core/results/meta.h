/*
 * meta.h — meta.json: where, with what and when a run was made.
 *
 * A JSON object written with jansson: host facts, versions, the command
 * line, the experiment as run (its text and SHA-256), times, status, and
 * the plugins as an array of {name, version, kind, file}. A caller adds
 * its own members through pb_meta.extra; meta_read.h reads it back.
 * docs/results.md lists the members.
 */
#ifndef PB_META_H
#define PB_META_H

#include <jansson.h>
#include <parabench/plugin.h>

#include "plugin/registry.h"

struct pb_meta {
	const char *command_line;
	const char *experiment_file;
	const char *experiment_text;
	size_t experiment_len;
	const char *status; /* "running", "complete", "interrupted" */
	char started_utc[32];
	char ended_utc[32];		    /* "" while running */
	const struct pb_registry *registry; /* for the plugins' versions */
	unsigned repetitions; /* --repetitions given; 0: each experiment's */
	/*
	 * Optional: an object whose members are written after the ones
	 * above (replacing one of the same key). The caller owns it.
	 */
	json_t *extra;
};

/* Writes ISO 8601 UTC time with milliseconds ("2026-11-25T20:17:25.123Z"). */
void pb_utc_now(char buf[32]);

/*
 * Seconds since the time stamp utc (pb_utc_now's form, milliseconds
 * optional) by the real-time clock; NaN when utc is not such a stamp.
 */
double pb_utc_age_s(const char *utc);

/*
 * The whole meta.json document for m, host facts gathered here. The caller
 * owns the result (json_decref); NULL with err set when out of memory.
 */
json_t *pb_meta_json(const struct pb_meta *m, struct pb_err *err);

/* Writes dir/meta.json atomically (pb_meta_json, then the file). */
int pb_meta_write(const char *dir, const struct pb_meta *m, struct pb_err *err);

/*
 * The loaded plugins in load order, as a new array of
 * {"name", "version", "kind", "file"} objects (caller owns; NULL when out
 * of memory).
 */
json_t *pb_meta_plugins(const struct pb_registry *reg);

/*
 * A JSON string of s: s itself when it is valid UTF-8, else s with each
 * invalid byte replaced by U+FFFD. New reference; NULL when out of memory.
 */
json_t *pb_json_text(const char *s, size_t len);

/* The SHA-256 of len bytes of text, as 64 lower-case hex digits. */
void pb_sha256_hex(const char *text, size_t len, char out[65]);

#endif
