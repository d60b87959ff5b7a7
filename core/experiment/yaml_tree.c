/*
 * yaml_tree.c — one YAML document, loaded within limits (see yaml_tree.h).
 *
 * Two passes over the text. The first streams events (libyaml's parser is
 * iterative) and refuses a second document, nesting beyond
 * PB_YAML_MAX_DEPTH, too many nodes and oversized scalars, so that the
 * second pass, libyaml's recursive composer (yaml_parser_load), never sees
 * input that could exhaust the stack or the memory. Syntax errors surface
 * in the first pass, composer errors (undefined alias, duplicate anchor) in
 * the second.
 */
#include "yaml_tree.h"

#include <stdarg.h>

#include "lib/msg.h"

/* Cuts a trailing partial UTF-8 sequence left by truncation. */
static void trim_partial_utf8(char *s)
{
	size_t n = strlen(s), k = n, need;

	while (k > 0 && ((unsigned char)s[k - 1] & 0xc0) == 0x80)
		k--;
	if (k == 0 || ((unsigned char)s[k - 1] & 0x80) == 0)
		return;
	unsigned char lead = (unsigned char)s[k - 1];
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	if (n - (k - 1) < need)
		s[k - 1] = '\0';
}

int pb_yaml_fail(struct pb_err *err, const char *path, unsigned line,
		 unsigned column, const char *fmt, ...)
{
	char msg[PB_ERR_MAX];
	va_list ap;

	if (!err)
		return PB_ERROR;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* A message: bounded, and cut visibly when a path is very long. */
	if (line)
		pb_msg_fmt(err->msg, sizeof(err->msg), "%s:%u:%u: %s", path,
			   line, column, msg);
	else
		pb_msg_fmt(err->msg, sizeof(err->msg), "%s: %s", path, msg);
	trim_partial_utf8(err->msg);
	/* A path or a value may hold line breaks: the message is one line. */
	for (unsigned char *s = (unsigned char *)err->msg; *s; s++)
		if (*s < 0x20 || *s == 0x7f)
			*s = ' ';
	return PB_ERROR;
}

yaml_node_t *pb_yaml_node(yaml_document_t *doc, int index)
{
	return yaml_document_get_node(doc, index);
}

bool pb_yaml_is_null(const yaml_node_t *node)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};

	if (node->type != YAML_SCALAR_NODE ||
	    node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (size_t k = 0; k < PB_COUNT(nulls); k++)
		if (strcmp((const char *)node->data.scalar.value, nulls[k]) ==
		    0)
			return true;
	return false;
}

const char *pb_yaml_kind(const yaml_node_t *node)
{
	switch (node->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_SCALAR_NODE:
		return pb_yaml_is_null(node) ? "an empty value" : "a value";
	default:
		return "nothing";
	}
}

const char *pb_yaml_text(const yaml_node_t *node)
{
	if (node->type != YAML_SCALAR_NODE)
		return "";
	return (const char *)node->data.scalar.value;
}

const char *pb_yaml_clip(const char *s, char *buf, size_t len)
{
	const size_t keep = 40;
	size_t n = strlen(s);

	if (n <= keep || len < keep + 8) {
		snprintf(buf, len, "%s", s);
		return buf;
	}
	n = keep;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	snprintf(buf, len, "%.*s...", (int)n, s);
	return buf;
}

/* The 1-based line and column of byte offset off, counting characters. */
static void offset_to_pos(const char *text, size_t len, size_t off,
			  unsigned *line, unsigned *column)
{
	*line = 1;
	*column = 1;
	if (off > len)
		off = len;
	for (size_t k = 0; k < off; k++) {
		unsigned char ch = (unsigned char)text[k];
		if (ch == '\n' ||
		    (ch == '\r' && (k + 1 >= len || text[k + 1] != '\n'))) {
			++*line;
			*column = 1;
		} else if ((ch & 0xc0) != 0x80 && ch != '\r') {
			++*column;
		}
	}
}

/* The byte offset of a libyaml mark (0-based line, column in characters). */
static size_t mark_to_offset(const char *text, size_t len, yaml_mark_t m)
{
	size_t k = 0, line = 0, col = 0;

	while (k < len && line < m.line) {
		if (text[k] == '\n' ||
		    (text[k] == '\r' && (k + 1 >= len || text[k + 1] != '\n')))
			line++;
		k++;
	}
	while (k < len && col < m.column) {
		k++;
		while (k < len && ((unsigned char)text[k] & 0xc0) == 0x80)
			k++;
		col++;
	}
	return k;
}

static int fail_mark(struct pb_err *err, const char *path, yaml_mark_t m,
		     const char *what)
{
	return pb_yaml_fail(err, path, (unsigned)m.line + 1,
			    (unsigned)m.column + 1, "%s", what);
}

static int reader_error(const char *path, const char *text, size_t len,
			const yaml_parser_t *p, struct pb_err *err)
{
	unsigned line, column;

	offset_to_pos(text, len, p->problem_offset, &line, &column);
	if (p->problem_value >= 0)
		return pb_yaml_fail(err, path, line, column,
				    "invalid text: %s (value 0x%02x at byte "
				    "%zu); expected UTF-8 text%s",
				    p->problem, (unsigned)p->problem_value,
				    p->problem_offset,
				    strstr(p->problem, "control")
					? " without control characters"
					: "");
	return pb_yaml_fail(err, path, line, column,
			    "invalid text: %s; expected UTF-8 text",
			    p->problem);
}

static int syntax_error(const char *path, const char *text, size_t len,
			const yaml_parser_t *p, struct pb_err *err)
{
	yaml_mark_t m = p->problem_mark;
	size_t at = mark_to_offset(text, len, m);
	const char *problem = p->problem ? p->problem : "unknown problem";
	char where[160] = "";

	if ((at < len && text[at] == '\t') || strstr(problem, "tab"))
		return pb_yaml_fail(err, path, (unsigned)m.line + 1,
				    (unsigned)m.column + 1,
				    "a tab character (%s); expected spaces: "
				    "YAML indents with spaces only",
				    problem);
	if (p->context)
		snprintf(where, sizeof(where), " (%s at line %u, column %u)",
			 p->context, (unsigned)p->context_mark.line + 1,
			 (unsigned)p->context_mark.column + 1);
	return pb_yaml_fail(err, path, (unsigned)m.line + 1,
			    (unsigned)m.column + 1,
			    "YAML syntax error: %s%s; expected valid YAML "
			    "(check quotes, brackets and indentation)",
			    problem, where);
}

/* The anchor name written after the '*' at mark m, for the message. */
static void alias_name(const char *text, size_t len, yaml_mark_t m, char *buf,
		       size_t size)
{
	size_t k = mark_to_offset(text, len, m), n = 0;

	if (k < len && text[k] == '*')
		k++;
	while (k < len && n + 1 < size && n < 40 &&
	       !strchr(" \t\r\n,[]{}", text[k]))
		buf[n++] = text[k++];
	buf[n] = '\0';
}

static int composer_error(const char *path, const char *text, size_t len,
			  const yaml_parser_t *p, struct pb_err *err)
{
	yaml_mark_t m = p->problem_mark;
	const char *problem = p->problem ? p->problem : "unknown problem";
	char name[48];

	if (strstr(problem, "undefined alias")) {
		alias_name(text, len, m, name, sizeof(name));
		return pb_yaml_fail(err, path, (unsigned)m.line + 1,
				    (unsigned)m.column + 1,
				    "%s *%s; expected an anchor &%s defined "
				    "earlier in the file",
				    problem, name, name);
	}
	if (p->context && strstr(p->context, "duplicate anchor"))
		return pb_yaml_fail(err, path, (unsigned)m.line + 1,
				    (unsigned)m.column + 1,
				    "found duplicate anchor (first occurrence "
				    "at line %u, column %u); expected each "
				    "anchor name once",
				    (unsigned)p->context_mark.line + 1,
				    (unsigned)p->context_mark.column + 1);
	return pb_yaml_fail(
	    err, path, (unsigned)m.line + 1, (unsigned)m.column + 1,
	    "%s%s%s; expected a well-formed YAML document", problem,
	    p->context ? " " : "", p->context ? p->context : "");
}

static int parser_error(const char *path, const char *text, size_t len,
			const yaml_parser_t *p, struct pb_err *err)
{
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return pb_yaml_fail(err, path, 1, 1,
				    "out of memory while reading YAML; "
				    "expected a smaller file");
	case YAML_READER_ERROR:
		return reader_error(path, text, len, p, err);
	case YAML_COMPOSER_ERROR:
		return composer_error(path, text, len, p, err);
	default:
		return syntax_error(path, text, len, p, err);
	}
}

struct scan {
	unsigned depth;
	size_t nodes, docs;
};

/* Counts a node; refuses the one beyond PB_YAML_MAX_NODES. */
static int count_node(struct scan *s, const char *path, const yaml_event_t *ev,
		      struct pb_err *err)
{
	char what[128];

	if (++s->nodes <= PB_YAML_MAX_NODES)
		return PB_OK;
	snprintf(what, sizeof(what),
		 "more than %u YAML values, lists and mappings; expected a "
		 "smaller experiment file",
		 PB_YAML_MAX_NODES);
	return fail_mark(err, path, ev->start_mark, what);
}

static int check_scalar(const char *path, const yaml_event_t *ev,
			struct pb_err *err)
{
	size_t n = ev->data.scalar.length;

	if (n > PB_YAML_MAX_SCALAR)
		return pb_yaml_fail(err, path,
				    (unsigned)ev->start_mark.line + 1,
				    (unsigned)ev->start_mark.column + 1,
				    "a value of %zu bytes; expected at most %u "
				    "bytes per value",
				    n, PB_YAML_MAX_SCALAR);
	if (strlen((const char *)ev->data.scalar.value) != n)
		return fail_mark(err, path, ev->start_mark,
				 "a value holds a NUL character (\\0); "
				 "expected text without NUL");
	return PB_OK;
}

static int check_event(struct scan *s, const char *path, const yaml_event_t *ev,
		       struct pb_err *err)
{
	char what[160];

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++s->docs > 1)
			return fail_mark(err, path, ev->start_mark,
					 "a second YAML document; expected one "
					 "document per file (put several "
					 "experiments under 'experiments:')");
		return PB_OK;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (++s->depth > PB_YAML_MAX_DEPTH) {
			snprintf(what, sizeof(what),
				 "lists and mappings nested more than %d "
				 "deep; expected at most %d levels",
				 PB_YAML_MAX_DEPTH, PB_YAML_MAX_DEPTH);
			return fail_mark(err, path, ev->start_mark, what);
		}
		return count_node(s, path, ev, err);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		s->depth--;
		return PB_OK;
	case YAML_SCALAR_EVENT:
		if (check_scalar(path, ev, err))
			return PB_ERROR;
		return count_node(s, path, ev, err);
	case YAML_ALIAS_EVENT:
		return count_node(s, path, ev, err);
	default:
		return PB_OK;
	}
}

/* The first pass: events only, with the limits of yaml_tree.h. */
static int scan_events(const char *path, const char *text, size_t len,
		       struct pb_err *err)
{
	struct scan s = {0};
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = PB_OK;
	bool done = false;

	if (!yaml_parser_initialize(&p))
		return pb_yaml_fail(err, path, 1, 1,
				    "out of memory; expected a smaller file");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done && rc == PB_OK) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = parser_error(path, text, len, &p, err);
			break;
		}
		rc = check_event(&s, path, &ev, err);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	if (rc == PB_OK && s.docs == 0)
		rc = pb_yaml_fail(err, path, 1, 1,
				  "the file is empty; expected a mapping of "
				  "experiment keys such as 'workload: pi'");
	yaml_parser_delete(&p);
	return rc;
}

int pb_yaml_load(const char *path, const char *text, size_t len,
		 yaml_document_t *doc, struct pb_err *err)
{
	yaml_parser_t p;
	int rc = PB_OK;

	memset(doc, 0, sizeof(*doc));
	if (len > PB_YAML_MAX_BYTES)
		return pb_yaml_fail(err, path, 1, 1,
				    "the file is %zu bytes; expected an "
				    "experiment file of at most %u MiB",
				    len, PB_YAML_MAX_BYTES >> 20);
	if (scan_events(path, text, len, err))
		return PB_ERROR;
	if (!yaml_parser_initialize(&p))
		return pb_yaml_fail(err, path, 1, 1,
				    "out of memory; expected a smaller file");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	/* On failure yaml_parser_load has deleted the document itself. */
	if (!yaml_parser_load(&p, doc)) {
		rc = parser_error(path, text, len, &p, err);
		memset(doc, 0, sizeof(*doc));
	} else if (!yaml_document_get_root_node(doc)) {
		yaml_document_delete(doc);
		rc = pb_yaml_fail(err, path, 1, 1,
				  "the file is empty; expected a mapping of "
				  "experiment keys such as 'workload: pi'");
	}
	yaml_parser_delete(&p);
	return rc;
}
