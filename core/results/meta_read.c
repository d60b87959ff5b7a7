/*
 * meta_read.c — meta.json through jansson (see meta_read.h).
 */
#include "meta_read.h"

#include <stdlib.h>

#include "lib/csv_read.h"

int pb_meta_parse(const char *name, const char *text, size_t len,
		  struct pb_meta_doc *out, struct pb_err *err)
{
	json_error_t je;

	out->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!out->root)
		return pb_fail(err,
			       "%s:%d:%d: %s; expected the JSON object of "
			       "a meta.json",
			       name, je.line < 1 ? 1 : je.line,
			       je.column < 1 ? 1 : je.column, je.text);
	if (!json_is_object(out->root)) {
		pb_meta_doc_free(out);
		return pb_fail(err,
			       "%s:1:1: not a JSON object; expected the JSON "
			       "object of a meta.json",
			       name);
	}
	return PB_OK;
}

int pb_meta_read(const char *path, struct pb_meta_doc *out, struct pb_err *err)
{
	char *text;
	size_t len;

	out->root = NULL;
	if (pb_read_whole_file(path, &text, &len, err))
		return PB_ERROR;
	int rc = pb_meta_parse(path, text, len, out, err);
	free(text);
	return rc;
}

json_t *pb_meta_value(const struct pb_meta_doc *doc, const char *key)
{
	return doc->root ? json_object_get(doc->root, key) : NULL;
}

const char *pb_meta_get(const struct pb_meta_doc *doc, const char *key)
{
	return json_string_value(pb_meta_value(doc, key));
}

bool pb_meta_int(const struct pb_meta_doc *doc, const char *key, long long lo,
		 long long hi, long long *out)
{
	json_t *v = pb_meta_value(doc, key);

	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return false;
	*out = json_integer_value(v);
	return true;
}

static const char *member(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "?";
}

void pb_meta_plugins_text(const json_t *plugins, struct pb_buf *b)
{
	size_t k;
	const json_t *p;

	if (json_is_string(plugins)) {
		pb_buf_printf(b, "%s", json_string_value(plugins));
		return;
	}
	json_array_foreach(plugins, k, p)
	    pb_buf_printf(b, "%s%s %s (%s)", k ? ", " : "", member(p, "name"),
			  member(p, "version"), member(p, "kind"));
}

void pb_meta_doc_free(struct pb_meta_doc *doc)
{
	json_decref(doc->root);
	doc->root = NULL;
}
