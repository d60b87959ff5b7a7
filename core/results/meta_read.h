/*
 * meta_read.h — reading meta.json back: a flat JSON object whose values
 * are strings, numbers, booleans (or null), the shape meta.c writes.
 *
 * Not a general JSON parser: a nested object or array is refused with a
 * message saying so. Strings are unescaped (\uXXXX and surrogate pairs to
 * UTF-8); numbers and booleans are kept as their text.
 */
#ifndef PB_META_READ_H
#define PB_META_READ_H

#include <parabench/plugin.h>

#include "lib/arena.h"

/* The keys and values of meta.json, in file order. */
struct pb_meta_doc {
	size_t n;
	const char **keys;
	const char **values;   /* string contents, or a number's/bool's text */
	struct pb_arena arena; /* owns the strings; keys, values: malloc */
};

/*
 * Parses len bytes of text into out; name labels it in messages
 * ("dir/meta.json:3:14: ..."). On failure out holds nothing to free.
 */
int pb_meta_parse(const char *name, const char *text, size_t len,
		  struct pb_meta_doc *out, struct pb_err *err);

/* Reads and parses the file at path. */
int pb_meta_read(const char *path, struct pb_meta_doc *out, struct pb_err *err);

/* The value of key, or NULL when absent (the last one when repeated). */
const char *pb_meta_get(const struct pb_meta_doc *doc, const char *key);

/* Frees the document. Safe on a zeroed or freed one. */
void pb_meta_doc_free(struct pb_meta_doc *doc);

#endif
