/*
 * csv_read.c — the RFC 4180 reader (see csv_read.h).
 *
 * One pass over the bytes. Unquoted fields are copied straight from the
 * text; quoted ones are unescaped into a scratch buffer first. Field
 * pointers collect in one growing array, row after row, so a table is two
 * allocations plus its arena.
 */
#include "csv_read.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "textbuf.h"

/* What reading one field or record came to. */
enum step {
	STEP_OK,
	STEP_ERROR,
	STEP_OPEN_QUOTE, /* the text ended inside quotes (droppable tail) */
};

struct parser {
	const char *name;
	const char *p, *end;
	size_t line;
	unsigned flags;
	struct pb_csv *csv;
	struct pb_buf scratch; /* a quoted field being unescaped */
	const char **fields;   /* every field so far, header first */
	size_t nfields, capfields;
	size_t *lines; /* start line of each record, header first */
	size_t nlines, caplines;
	struct pb_err *err;
};

static bool grow(void **array, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t cap2 = *cap ? *cap * 2 : 64;
	while (cap2 < need)
		cap2 *= 2;
	void *p = realloc(*array, cap2 * size);
	if (!p)
		return false;
	*array = p;
	*cap = cap2;
	return true;
}

static enum step push_field(struct parser *ps, const char *s, size_t n)
{
	char *copy = pb_arena_strndup(&ps->csv->arena, s, n);

	if (!copy || !grow((void **)&ps->fields, &ps->capfields,
			   ps->nfields + 1, sizeof(char *))) {
		pb_fail(ps->err, "%s: out of memory reading line %zu", ps->name,
			ps->line);
		return STEP_ERROR;
	}
	ps->fields[ps->nfields++] = copy;
	return STEP_OK;
}

/* After a closing quote only a comma or a line end may follow. */
static enum step after_quote(struct parser *ps)
{
	if (ps->p == ps->end || *ps->p == ',' || *ps->p == '\n')
		return STEP_OK;
	if (*ps->p == '\r' && ps->p + 1 < ps->end && ps->p[1] == '\n')
		return STEP_OK;
	pb_fail(ps->err,
		"%s:%zu: unexpected character after a closing quote; a "
		"quote inside a quoted field must be doubled (\"\")",
		ps->name, ps->line);
	return STEP_ERROR;
}

static enum step quoted_field(struct parser *ps)
{
	size_t start = ps->line;

	ps->scratch.len = 0;
	ps->p++;
	for (;;) {
		const char *q = memchr(ps->p, '"', (size_t)(ps->end - ps->p));
		const char *stop = q ? q : ps->end;
		if (memchr(ps->p, '\0', (size_t)(stop - ps->p))) {
			pb_fail(ps->err,
				"%s:%zu: NUL byte in a field; a CSV "
				"file holds text only",
				ps->name, ps->line);
			return STEP_ERROR;
		}
		for (const char *c = ps->p; c < stop; c++)
			ps->line += *c == '\n';
		pb_buf_printf(&ps->scratch, "%.*s", (int)(stop - ps->p), ps->p);
		if (!q) {
			ps->p = ps->end;
			if (ps->flags & PB_CSV_DROP_PARTIAL_TAIL)
				return STEP_OPEN_QUOTE;
			pb_fail(ps->err,
				"%s:%zu: a quoted field is never "
				"closed; it needs a closing quote (\")",
				ps->name, start);
			return STEP_ERROR;
		}
		ps->p = q + 1;
		if (ps->p < ps->end && *ps->p == '"') {
			pb_buf_printf(&ps->scratch, "\"");
			ps->p++;
			continue;
		}
		break;
	}
	if (ps->scratch.oom) {
		pb_fail(ps->err, "%s:%zu: out of memory", ps->name, start);
		return STEP_ERROR;
	}
	if (after_quote(ps) != STEP_OK)
		return STEP_ERROR;
	return push_field(ps, ps->scratch.data ? ps->scratch.data : "",
			  ps->scratch.len);
}

static enum step plain_field(struct parser *ps)
{
	const char *start = ps->p;

	while (ps->p < ps->end && *ps->p != ',' && *ps->p != '\n') {
		if (*ps->p == '\r' && ps->p + 1 < ps->end && ps->p[1] == '\n')
			break;
		if (*ps->p == '"' || *ps->p == '\0') {
			pb_fail(ps->err,
				"%s:%zu: %s in an unquoted field; "
				"a field holding quotes must be quoted, its "
				"quotes doubled",
				ps->name, ps->line,
				*ps->p ? "a quote" : "a NUL byte");
			return STEP_ERROR;
		}
		ps->p++;
	}
	return push_field(ps, start, (size_t)(ps->p - start));
}

/* Consumes a line end at p, if any; true when there was one. */
static bool line_end(struct parser *ps)
{
	if (ps->p < ps->end && *ps->p == '\n') {
		ps->p++;
	} else if (ps->p + 1 < ps->end && ps->p[0] == '\r' &&
		   ps->p[1] == '\n') {
		ps->p += 2;
	} else {
		return false;
	}
	ps->line++;
	return true;
}

/* Reads one record's fields; *ended says whether a line end closed it. */
static enum step record(struct parser *ps, bool *ended)
{
	for (;;) {
		enum step st = ps->p < ps->end && *ps->p == '"'
				   ? quoted_field(ps)
				   : plain_field(ps);
		if (st != STEP_OK)
			return st;
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		*ended = line_end(ps);
		return STEP_OK;
	}
}

static int note_line(struct parser *ps, size_t line)
{
	if (!grow((void **)&ps->lines, &ps->caplines, ps->nlines + 1,
		  sizeof(size_t)))
		return pb_fail(ps->err, "%s: out of memory", ps->name);
	ps->lines[ps->nlines++] = line;
	return PB_OK;
}

/* Checks the record just read; drops a partial tail when allowed. */
static int accept_record(struct parser *ps, enum step st, bool ended,
			 size_t first, size_t line)
{
	struct pb_csv *csv = ps->csv;
	size_t n = ps->nfields - first;
	bool tail = st == STEP_OPEN_QUOTE || (!ended && n < csv->ncols);

	if (ps->nlines > 0 && (n != csv->ncols || st == STEP_OPEN_QUOTE)) {
		if (tail && (ps->flags & PB_CSV_DROP_PARTIAL_TAIL)) {
			ps->nfields = first;
			csv->dropped_tail = true;
			return PB_OK;
		}
		return pb_fail(ps->err,
			       "%s:%zu: %zu fields where the header "
			       "has %zu; every row needs one field per "
			       "column",
			       ps->name, line, n, csv->ncols);
	}
	csv->unterminated = !ended;
	if (ps->nlines == 0) {
		if (st == STEP_OPEN_QUOTE)
			return pb_fail(ps->err,
				       "%s:%zu: the header's quoted "
				       "field is never closed",
				       ps->name, line);
		csv->ncols = n;
	}
	return note_line(ps, line);
}

static int parse_all(struct parser *ps)
{
	while (ps->p < ps->end) {
		if (line_end(ps))
			continue; /* a blank line */
		size_t first = ps->nfields, line = ps->line;
		bool ended = false;
		enum step st = record(ps, &ended);
		if (st == STEP_ERROR)
			return PB_ERROR;
		if (accept_record(ps, st, ended, first, line))
			return PB_ERROR;
	}
	if (ps->nlines == 0)
		return pb_fail(ps->err,
			       "%s: empty; expected a header line "
			       "naming the columns",
			       ps->name);
	return PB_OK;
}

int pb_csv_parse(const char *name, const char *text, size_t len, unsigned flags,
		 struct pb_csv *out, struct pb_err *err)
{
	struct parser ps = {.name = name,
			    .p = text,
			    .end = text + len,
			    .line = 1,
			    .flags = flags,
			    .csv = out,
			    .err = err};

	*out = (struct pb_csv){0};
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		ps.p += 3;
	if (parse_all(&ps))
		goto fail;
	out->header = ps.fields;
	out->fields = ps.fields + out->ncols;
	out->nrows = ps.nlines - 1;
	/* Row r starts on lines[r]: drop the header's own entry. */
	memmove(ps.lines, ps.lines + 1, out->nrows * sizeof(size_t));
	out->lines = ps.lines;
	pb_buf_free(&ps.scratch);
	return PB_OK;
fail:
	free(ps.fields);
	free(ps.lines);
	pb_buf_free(&ps.scratch);
	pb_arena_free(&out->arena);
	*out = (struct pb_csv){0};
	return PB_ERROR;
}

int pb_csv_read(const char *path, unsigned flags, struct pb_csv *out,
		struct pb_err *err)
{
	char *text;
	size_t len;

	*out = (struct pb_csv){0};
	if (pb_read_whole_file(path, &text, &len, err))
		return PB_ERROR;
	int rc = pb_csv_parse(path, text, len, flags, out, err);
	free(text);
	return rc;
}

long pb_csv_column(const struct pb_csv *csv, const char *name)
{
	for (size_t k = 0; k < csv->ncols; k++)
		if (strcmp(csv->header[k], name) == 0)
			return (long)k;
	return -1;
}

const char *pb_csv_get(const struct pb_csv *csv, size_t row, const char *name)
{
	long col = pb_csv_column(csv, name);
	return col < 0 ? "" : pb_csv_at(csv, row, (size_t)col);
}

bool pb_csv_number(const char *field, double *out)
{
	char *end;
	double v;

	if (!field || !*field || *field == ' ' || *field == '\t')
		return false;
	errno = 0;
	v = strtod(field, &end);
	if (*end || !isfinite(v) || errno == ERANGE)
		return false;
	*out = v;
	return true;
}

double pb_csv_num(const struct pb_csv *csv, size_t row, const char *name)
{
	double v;
	return pb_csv_number(pb_csv_get(csv, row, name), &v) ? v : NAN;
}

void pb_csv_free(struct pb_csv *csv)
{
	free(csv->header); /* the start of the field array */
	free(csv->lines);
	pb_arena_free(&csv->arena);
	*csv = (struct pb_csv){0};
}
