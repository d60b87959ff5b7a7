/*
 * meta_read.c — the flat JSON reader for meta.json (see meta_read.h).
 *
 * A recursive-descent reader for one level: an object of key/value pairs.
 * Errors give line:column of the offending byte and what was expected.
 */
#include "meta_read.h"

#include <stdlib.h>

#include "lib/csv_read.h"
#include "lib/textbuf.h"

struct jp {
	const char *name;
	const char *start, *p, *end;
	struct pb_buf buf; /* the string being unescaped */
	struct pb_meta_doc *doc;
	size_t cap;
	struct pb_err *err;
};

/* Fails with the position of p: "name:line:column: what". */
__attribute__((format(printf, 2, 3))) static int jp_fail(struct jp *jp,
							 const char *fmt, ...)
{
	unsigned line = 1, col = 1;
	char what[512];
	va_list ap;

	for (const char *c = jp->start; c < jp->p; c++) {
		col = *c == '\n' ? 1 : col + 1;
		line += *c == '\n';
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return pb_fail(jp->err, "%s:%u:%u: %s", jp->name, line, col, what);
}

static void skip_ws(struct jp *jp)
{
	while (jp->p < jp->end && strchr(" \t\r\n", *jp->p) && *jp->p)
		jp->p++;
}

static int hex4(struct jp *jp, unsigned *out)
{
	*out = 0;
	for (int k = 0; k < 4; k++, jp->p++) {
		char c = jp->p < jp->end ? *jp->p : '\0';
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
						    : 16;
		if (d == 16)
			return jp_fail(jp,
				       "expected four hex digits after \\u");
		*out = *out * 16 + d;
	}
	return PB_OK;
}

static void put_utf8(struct pb_buf *b, unsigned cp)
{
	if (cp < 0x80)
		pb_buf_printf(b, "%c", (char)cp);
	else if (cp < 0x800)
		pb_buf_printf(b, "%c%c", (char)(0xc0 | cp >> 6),
			      (char)(0x80 | (cp & 0x3f)));
	else if (cp < 0x10000)
		pb_buf_printf(b, "%c%c%c", (char)(0xe0 | cp >> 12),
			      (char)(0x80 | ((cp >> 6) & 0x3f)),
			      (char)(0x80 | (cp & 0x3f)));
	else
		pb_buf_printf(b, "%c%c%c%c", (char)(0xf0 | cp >> 18),
			      (char)(0x80 | ((cp >> 12) & 0x3f)),
			      (char)(0x80 | ((cp >> 6) & 0x3f)),
			      (char)(0x80 | (cp & 0x3f)));
}

/* \uXXXX, after the 'u': a surrogate pair makes one code point. */
static int unicode_escape(struct jp *jp)
{
	unsigned cp, lo;

	if (hex4(jp, &cp))
		return PB_ERROR;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return jp_fail(jp, "a lone low surrogate \\u%04x", cp);
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (jp->end - jp->p < 2 || jp->p[0] != '\\' || jp->p[1] != 'u')
			return jp_fail(jp, "a high surrogate must be followed "
					   "by a low one (\\udc00-\\udfff)");
		jp->p += 2;
		if (hex4(jp, &lo))
			return PB_ERROR;
		if (lo < 0xdc00 || lo > 0xdfff)
			return jp_fail(jp, "a high surrogate must be followed "
					   "by a low one (\\udc00-\\udfff)");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0)
		return jp_fail(jp, "\\u0000 is not supported in meta.json");
	put_utf8(&jp->buf, cp);
	return PB_OK;
}

static int escape(struct jp *jp)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	char c = jp->p < jp->end ? *jp->p : '\0';
	const char *hit = c ? strchr(from, c) : NULL;

	jp->p++;
	if (c == 'u')
		return unicode_escape(jp);
	if (!hit)
		return jp_fail(jp, "unknown escape; expected one of \\\" \\\\ "
				   "\\/ \\b \\f \\n \\r \\t \\uXXXX");
	pb_buf_printf(&jp->buf, "%c", to[hit - from]);
	return PB_OK;
}

/* A string literal at p; its unescaped copy goes to *out (arena). */
static int string(struct jp *jp, const char **out)
{
	jp->buf.len = 0;
	jp->p++; /* the opening quote */
	for (;;) {
		if (jp->p >= jp->end)
			return jp_fail(jp, "the text ends inside a string; "
					   "expected a closing \"");
		unsigned char c = (unsigned char)*jp->p;
		if (c == '"')
			break;
		if (c < 0x20)
			return jp_fail(jp,
				       "a control character inside a "
				       "string; write it as an escape (\\n)");
		if (c == '\\') {
			jp->p++;
			if (escape(jp))
				return PB_ERROR;
			continue;
		}
		pb_buf_printf(&jp->buf, "%c", (char)c);
		jp->p++;
	}
	jp->p++;
	*out = pb_arena_strndup(&jp->doc->arena,
				jp->buf.data ? jp->buf.data : "", jp->buf.len);
	if (jp->buf.oom || !*out)
		return jp_fail(jp, "out of memory");
	return PB_OK;
}

static size_t digits(struct jp *jp)
{
	size_t n = 0;

	while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9') {
		jp->p++;
		n++;
	}
	return n;
}

/* A JSON number, kept as its text. */
static int number(struct jp *jp, const char **out)
{
	const char *from = jp->p;
	bool ok;

	if (*jp->p == '-')
		jp->p++;
	ok = digits(jp) > 0;
	if (ok && jp->p < jp->end && *jp->p == '.') {
		jp->p++;
		ok = digits(jp) > 0;
	}
	if (ok && jp->p < jp->end && (*jp->p == 'e' || *jp->p == 'E')) {
		jp->p++;
		if (jp->p < jp->end && (*jp->p == '+' || *jp->p == '-'))
			jp->p++;
		ok = digits(jp) > 0;
	}
	if (!ok)
		return jp_fail(jp, "a malformed number");
	*out = pb_arena_strndup(&jp->doc->arena, from, (size_t)(jp->p - from));
	return *out ? PB_OK : jp_fail(jp, "out of memory");
}

static int word(struct jp *jp, const char **out)
{
	static const char *const words[] = {"true", "false", "null"};

	for (size_t k = 0; k < PB_COUNT(words); k++) {
		size_t n = strlen(words[k]);
		if ((size_t)(jp->end - jp->p) >= n &&
		    memcmp(jp->p, words[k], n) == 0) {
			jp->p += n;
			*out = words[k];
			return PB_OK;
		}
	}
	return jp_fail(jp, "expected a value: a string, a number, true, "
			   "false or null");
}

static int value(struct jp *jp, const char **out)
{
	char c = jp->p < jp->end ? *jp->p : '\0';

	if (c == '"')
		return string(jp, out);
	if (c == '{' || c == '[')
		return jp_fail(jp,
			       "a nested %s: meta.json is a flat object "
			       "of strings, numbers and booleans",
			       c == '{' ? "object" : "array");
	if (c == '-' || (c >= '0' && c <= '9'))
		return number(jp, out);
	return word(jp, out);
}

static int add_pair(struct jp *jp, const char *key, const char *val)
{
	struct pb_meta_doc *d = jp->doc;

	if (d->n == jp->cap) {
		size_t cap = jp->cap ? jp->cap * 2 : 32;
		const char **k = realloc(d->keys, cap * sizeof(*k));
		if (k)
			d->keys = k;
		const char **v =
		    k ? realloc(d->values, cap * sizeof(*v)) : NULL;
		if (!v)
			return jp_fail(jp, "out of memory");
		d->values = v;
		jp->cap = cap;
	}
	d->keys[d->n] = key;
	d->values[d->n++] = val;
	return PB_OK;
}

static int pair(struct jp *jp)
{
	const char *key, *val;

	skip_ws(jp);
	if (jp->p >= jp->end || *jp->p != '"')
		return jp_fail(jp, "expected a key in double quotes");
	if (string(jp, &key))
		return PB_ERROR;
	skip_ws(jp);
	if (jp->p >= jp->end || *jp->p != ':')
		return jp_fail(jp, "expected ':' after the key \"%s\"", key);
	jp->p++;
	skip_ws(jp);
	if (value(jp, &val))
		return PB_ERROR;
	return add_pair(jp, key, val);
}

static int object(struct jp *jp)
{
	skip_ws(jp);
	if (jp->p >= jp->end || *jp->p != '{')
		return jp_fail(jp, "expected '{': meta.json is one JSON "
				   "object");
	jp->p++;
	skip_ws(jp);
	if (jp->p < jp->end && *jp->p == '}') {
		jp->p++;
	} else {
		for (;;) {
			if (pair(jp))
				return PB_ERROR;
			skip_ws(jp);
			char c = jp->p < jp->end ? *jp->p : '\0';
			jp->p += c != '\0';
			if (c == '}')
				break;
			if (c != ',') {
				jp->p -= c != '\0';
				return jp_fail(jp, "expected ',' or '}' "
						   "after a value");
			}
		}
	}
	skip_ws(jp);
	if (jp->p < jp->end)
		return jp_fail(jp, "text after the object's closing '}'");
	return PB_OK;
}

int pb_meta_parse(const char *name, const char *text, size_t len,
		  struct pb_meta_doc *out, struct pb_err *err)
{
	struct jp jp = {.name = name,
			.start = text,
			.p = text,
			.end = text + len,
			.doc = out,
			.err = err};
	int rc;

	*out = (struct pb_meta_doc){0};
	rc = object(&jp);
	pb_buf_free(&jp.buf);
	if (rc)
		pb_meta_doc_free(out);
	return rc;
}

int pb_meta_read(const char *path, struct pb_meta_doc *out, struct pb_err *err)
{
	char *text;
	size_t len;

	*out = (struct pb_meta_doc){0};
	if (pb_read_whole_file(path, &text, &len, err))
		return PB_ERROR;
	int rc = pb_meta_parse(path, text, len, out, err);
	free(text);
	return rc;
}

const char *pb_meta_get(const struct pb_meta_doc *doc, const char *key)
{
	for (size_t k = doc->n; k-- > 0;)
		if (strcmp(doc->keys[k], key) == 0)
			return doc->values[k];
	return NULL;
}

void pb_meta_doc_free(struct pb_meta_doc *doc)
{
	free(doc->keys);
	free(doc->values);
	pb_arena_free(&doc->arena);
	*doc = (struct pb_meta_doc){0};
}
