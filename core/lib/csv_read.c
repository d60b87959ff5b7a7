/*
 * csv_read.c — the RFC 4180 reader (see csv_read.h).
 *
 * One pass over the bytes, rewriting them in place: each field, unquoted
 * or unescaped, is moved down to the write cursor and ended with a NUL, so
 * a row is its fields one after the other. A table is the text plus one
 * offset and one line number per row: about the file's size in memory
 * (runs.csv may hold a million rows).
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

/*
 * The text is rewritten as it is read: w, the write cursor, never passes
 * p, the read cursor, since every field gives up at least its separator
 * (or its quotes) to the NUL written after it.
 */
struct parser {
	const char *name;
	char *buf;	   /* the text, owned; len + 1 bytes */
	char *p, *end, *w; /* read cursor, end of text, write cursor */
	size_t line;
	unsigned flags;
	struct pb_csv *csv;
	size_t *rows;  /* start (in buf) of each record, header first */
	size_t *lines; /* start line of each record, header first */
	size_t nrecs, caprows, caplines;
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

/* Moves n bytes at from to the write cursor. */
static void keep(struct parser *ps, const char *from, size_t n)
{
	if (ps->w != from)
		memmove(ps->w, from, n);
	ps->w += n;
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

	ps->p++;
	for (;;) {
		char *q = memchr(ps->p, '"', (size_t)(ps->end - ps->p));
		char *stop = q ? q : ps->end;
		if (memchr(ps->p, '\0', (size_t)(stop - ps->p))) {
			pb_fail(ps->err,
				"%s:%zu: NUL byte in a field; a CSV "
				"file holds text only",
				ps->name, ps->line);
			return STEP_ERROR;
		}
		for (const char *c = ps->p; c < stop; c++)
			ps->line += *c == '\n';
		keep(ps, ps->p, (size_t)(stop - ps->p));
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
			*ps->w++ = '"';
			ps->p++;
			continue;
		}
		break;
	}
	return after_quote(ps);
}

static enum step plain_field(struct parser *ps)
{
	char *start = ps->p;

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
	keep(ps, start, (size_t)(ps->p - start));
	return STEP_OK;
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

/*
 * Reads one record's fields, each ended by a NUL at the write cursor;
 * *n counts them, *ended says whether a line end closed the record.
 */
static enum step record(struct parser *ps, size_t *n, bool *ended)
{
	for (;;) {
		enum step st = ps->p < ps->end && *ps->p == '"'
				   ? quoted_field(ps)
				   : plain_field(ps);
		if (st != STEP_OK)
			return st;
		(*n)++;
		/* The separator is consumed before its byte may be reused. */
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			*ps->w++ = '\0';
			continue;
		}
		*ended = line_end(ps);
		*ps->w++ = '\0';
		return STEP_OK;
	}
}

static int note_record(struct parser *ps, size_t start, size_t line)
{
	if (!grow((void **)&ps->rows, &ps->caprows, ps->nrecs + 1,
		  sizeof(size_t)) ||
	    !grow((void **)&ps->lines, &ps->caplines, ps->nrecs + 1,
		  sizeof(size_t)))
		return pb_fail(ps->err, "%s: out of memory", ps->name);
	ps->rows[ps->nrecs] = start;
	ps->lines[ps->nrecs++] = line;
	return PB_OK;
}

/* Checks the record just read; drops a partial tail when allowed. */
static int accept_record(struct parser *ps, enum step st, bool ended, size_t n,
			 char *start, size_t line)
{
	struct pb_csv *csv = ps->csv;
	bool tail = st == STEP_OPEN_QUOTE || (!ended && n < csv->ncols);

	if (ps->nrecs > 0 && (n != csv->ncols || st == STEP_OPEN_QUOTE)) {
		if (tail && (ps->flags & PB_CSV_DROP_PARTIAL_TAIL)) {
			ps->w = start;
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
	if (ps->nrecs == 0) {
		if (st == STEP_OPEN_QUOTE)
			return pb_fail(ps->err,
				       "%s:%zu: the header's quoted "
				       "field is never closed",
				       ps->name, line);
		csv->ncols = n;
	}
	return note_record(ps, (size_t)(start - ps->buf), line);
}

static int parse_all(struct parser *ps)
{
	while (ps->p < ps->end) {
		if (line_end(ps))
			continue; /* a blank line */
		size_t n = 0, line = ps->line;
		char *start = ps->w;
		bool ended = false;
		enum step st = record(ps, &n, &ended);
		if (st == STEP_ERROR)
			return PB_ERROR;
		if (accept_record(ps, st, ended, n, start, line))
			return PB_ERROR;
	}
	if (ps->nrecs == 0)
		return pb_fail(ps->err,
			       "%s: empty; expected a header line "
			       "naming the columns",
			       ps->name);
	return PB_OK;
}

/* The header's names, pointing into the rewritten text. */
static int header_names(struct parser *ps)
{
	struct pb_csv *csv = ps->csv;
	const char *p = ps->buf + ps->rows[0];

	csv->header = malloc((csv->ncols ? csv->ncols : 1) * sizeof(char *));
	if (!csv->header)
		return pb_fail(ps->err, "%s: out of memory", ps->name);
	for (size_t k = 0; k < csv->ncols; k++) {
		csv->header[k] = p;
		p += strlen(p) + 1;
	}
	return PB_OK;
}

/* Parses buf (len bytes and a NUL after them), taking it over. */
static int parse_owned(const char *name, char *buf, size_t len, unsigned flags,
		       struct pb_csv *out, struct pb_err *err)
{
	struct parser ps = {.name = name,
			    .buf = buf,
			    .p = buf,
			    .end = buf + len,
			    .w = buf,
			    .line = 1,
			    .flags = flags,
			    .csv = out,
			    .err = err};

	*out = (struct pb_csv){0};
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		ps.p += 3;
	if (parse_all(&ps) || header_names(&ps))
		goto fail;
	out->text = buf;
	out->nrows = ps.nrecs - 1;
	/* Row r is record r + 1: drop the header's own entries. */
	memmove(ps.rows, ps.rows + 1, out->nrows * sizeof(size_t));
	memmove(ps.lines, ps.lines + 1, out->nrows * sizeof(size_t));
	out->rows = ps.rows;
	out->lines = ps.lines;
	return PB_OK;
fail:
	free(ps.rows);
	free(ps.lines);
	free(buf);
	free(out->header);
	*out = (struct pb_csv){0};
	return PB_ERROR;
}

int pb_csv_parse(const char *name, const char *text, size_t len, unsigned flags,
		 struct pb_csv *out, struct pb_err *err)
{
	char *buf = malloc(len + 1);

	*out = (struct pb_csv){0};
	if (!buf)
		return pb_fail(err, "%s: out of memory", name);
	memcpy(buf, text, len);
	buf[len] = '\0';
	return parse_owned(name, buf, len, flags, out, err);
}

int pb_csv_read(const char *path, unsigned flags, struct pb_csv *out,
		struct pb_err *err)
{
	char *text;
	size_t len;

	*out = (struct pb_csv){0};
	if (pb_read_whole_file(path, &text, &len, err))
		return PB_ERROR;
	return parse_owned(path, text, len, flags, out, err);
}

const char *pb_csv_at(const struct pb_csv *csv, size_t row, size_t col)
{
	const char *p = csv->text + csv->rows[row];

	while (col--)
		p += strlen(p) + 1;
	return p;
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
	free(csv->header);
	free(csv->rows);
	free(csv->lines);
	free(csv->text);
	*csv = (struct pb_csv){0};
}
