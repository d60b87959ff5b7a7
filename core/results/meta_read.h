/*
 * meta_read.h — reading meta.json back (with jansson): the run's status,
 * times, host facts, experiment hash and plugins, for the report, the
 * analysis and --resume.
 */
#ifndef PB_META_READ_H
#define PB_META_READ_H

#include <jansson.h>
#include <parabench/plugin.h>

#include "lib/textbuf.h"

/* A parsed meta.json: a JSON object. */
struct pb_meta_doc {
	json_t *root; /* owned; NULL when nothing is held */
};

/*
 * Parses len bytes of text into out; name labels it in messages
 * ("dir/meta.json:3:14: ..."). Fails unless the text is one JSON object.
 * On failure out holds nothing to free.
 */
int pb_meta_parse(const char *name, const char *text, size_t len,
		  struct pb_meta_doc *out, struct pb_err *err);

/* Reads and parses the file at path; fails naming it. */
int pb_meta_read(const char *path, struct pb_meta_doc *out, struct pb_err *err);

/* The string value of key, or NULL when absent or not a string. */
const char *pb_meta_get(const struct pb_meta_doc *doc, const char *key);

/* The value of key when it is an integer in [lo, hi]: true and *out set. */
bool pb_meta_int(const struct pb_meta_doc *doc, const char *key, long long lo,
		 long long hi, long long *out);

/* The value of key as it is (borrowed), or NULL when absent. */
json_t *pb_meta_value(const struct pb_meta_doc *doc, const char *key);

/*
 * Appends a plugins array ("plugins" of meta.json) as text, for people
 * and for comparing two runs: "name version (kind), ..." in its order.
 * Anything else (an older string) is appended as it stands.
 */
void pb_meta_plugins_text(const json_t *plugins, struct pb_buf *b);

/* Frees the document. Safe on a zeroed or freed one. */
void pb_meta_doc_free(struct pb_meta_doc *doc);

#endif
