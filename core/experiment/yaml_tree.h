/*
 * yaml_tree.h — loading one YAML document safely, and located messages.
 *
 * libyaml's document API accepts what an experiment file must not: several
 * documents, nesting deep enough to overflow the stack of its recursive
 * composer, scalars of many megabytes. pb_yaml_load first streams the
 * events with a few limits, then composes the document, and turns every
 * libyaml error (reader, scanner, parser, composer) into one message
 * "path:line:column: what is wrong; what was expected" with 1-based
 * positions.
 */
#ifndef PB_YAML_TREE_H
#define PB_YAML_TREE_H

#include <parabench/plugin.h>
#include <yaml.h>

/* Limits of an experiment file; each gives a located message. */
#define PB_YAML_MAX_BYTES (16u << 20) /* the whole file */
#define PB_YAML_MAX_DEPTH 64	      /* lists and mappings inside each other */
#define PB_YAML_MAX_NODES 262144      /* scalars, lists, mappings, aliases */
#define PB_YAML_MAX_SCALAR 65536      /* bytes of one value */

/*
 * Parses the one document of text (len bytes) into doc. On success the
 * caller owns doc (yaml_document_delete) and its root is non-NULL. On
 * failure err holds one message naming path, and doc needs no cleanup.
 * Refuses: invalid YAML or UTF-8, an empty stream, a second document, and
 * anything beyond the limits above.
 */
int pb_yaml_load(const char *path, const char *text, size_t len,
		 yaml_document_t *doc, struct pb_err *err);

/*
 * Formats "path:line:column: " and the message into err (line and column
 * 1-based; line 0: no position, "path: "), replacing control characters so
 * it stays one line. Returns PB_ERROR.
 */
__attribute__((format(printf, 5, 6))) int pb_yaml_fail(struct pb_err *err,
						       const char *path,
						       unsigned line,
						       unsigned column,
						       const char *fmt, ...);

/* The node at index (as stored in pairs and items), or NULL. */
yaml_node_t *pb_yaml_node(yaml_document_t *doc, int index);

/* True for a plain empty scalar and the plain words ~, null, Null, NULL. */
bool pb_yaml_is_null(const yaml_node_t *node);

/* What the node is, for "got ..." in messages: "a list", "a mapping"... */
const char *pb_yaml_kind(const yaml_node_t *node);

/* The text of a scalar node (NUL-terminated by libyaml), else "". */
const char *pb_yaml_text(const yaml_node_t *node);

/*
 * Copies at most 40 bytes of s into buf (len >= 48), ending on a character
 * boundary and adding "..." when cut: for quoting user text in messages.
 */
const char *pb_yaml_clip(const char *s, char *buf, size_t len);

#endif
