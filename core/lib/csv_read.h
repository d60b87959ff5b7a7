/*
 * csv_read.h — an RFC 4180 CSV reader for the analysis: runs.csv,
 * experiments.csv, and the summary.csv / fits.csv it writes itself.
 *
 * The first record is the header. Fields may be quoted; inside quotes a
 * doubled quote is one quote, and commas, CR and LF are data. Records end
 * with LF or CRLF; the last one may lack it. Blank lines are skipped (none
 * of our files has a one-column table where a blank line would be a
 * record). A UTF-8 byte order mark before the header is ignored. The reader
 * is strict otherwise: a quote inside an unquoted field, text after a
 * closing quote, an unterminated quote, a NUL byte or a record whose field
 * count differs from the header's is an error naming file and line.
 */
#ifndef PB_CSV_READ_H
#define PB_CSV_READ_H

#include <parabench/plugin.h>

#include "arena.h" /* for the readers of tables, who use both */
#include "file.h"  /* pb_read_whole_file, for the readers of tables */

/*
 * A whole table in memory: the file's text rewritten so that each row is
 * its fields one after the other, each ended by a NUL.
 */
struct pb_csv {
	size_t ncols;
	const char **header; /* ncols column names (into text) */
	size_t nrows;
	char *text;	   /* owned: the rows' fields */
	size_t *rows;	   /* nrows: where in text each row begins */
	size_t *lines;	   /* 1-based line on which each row starts */
	bool dropped_tail; /* see PB_CSV_DROP_PARTIAL_TAIL */
	bool unterminated; /* the last record kept had no line end */
};

enum pb_csv_flags {
	/*
	 * A last record without its line end and with too few fields (or
	 * an unterminated quote) is dropped instead of being an error, and
	 * dropped_tail is set: what a run killed in mid-write leaves behind.
	 * A last record without its line end but with every field is kept
	 * (unterminated says so): whether it is whole is the caller's call.
	 */
	PB_CSV_DROP_PARTIAL_TAIL = 1,
};

/*
 * Parses len bytes of text (need not be NUL-terminated) into out. name
 * labels the text in messages ("dir/runs.csv:12: ..."). On failure out
 * holds nothing that needs freeing.
 */
int pb_csv_parse(const char *name, const char *text, size_t len, unsigned flags,
		 struct pb_csv *out, struct pb_err *err);

/* Reads and parses the file at path; fails naming it when unreadable. */
int pb_csv_read(const char *path, unsigned flags, struct pb_csv *out,
		struct pb_err *err);

/* The index of the column called name, or -1 when there is none. */
long pb_csv_column(const struct pb_csv *csv, const char *name);

/*
 * The field of row and column col (both in range). Walks the row's fields
 * before col: cheap for tables of a few dozen columns.
 */
const char *pb_csv_at(const struct pb_csv *csv, size_t row, size_t col);

/* The field of row in the column called name; "" when no such column. */
const char *pb_csv_get(const struct pb_csv *csv, size_t row, const char *name);

/*
 * Parses a whole field as a finite number into *out. Returns false for an
 * empty field, trailing text, NaN or infinity (and leaves *out alone).
 */
bool pb_csv_number(const char *field, double *out);

/* The number in row's column name, or NaN when empty or not a number. */
double pb_csv_num(const struct pb_csv *csv, size_t row, const char *name);

/* Frees the table. Safe on a zeroed or freed table. */
void pb_csv_free(struct pb_csv *csv);

#endif
