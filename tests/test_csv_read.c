/*
 * test_csv_read.c — the RFC 4180 reader on tricky and on broken input,
 * and a round trip through the writer's quoting (textbuf.c).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/csv_read.h"
#include "lib/textbuf.h"

static struct pb_csv parse(const char *text, unsigned flags)
{
	struct pb_csv csv;
	struct pb_err err = {{0}};

	cr_assert_eq(
	    pb_csv_parse("t.csv", text, strlen(text), flags, &csv, &err), PB_OK,
	    "%s", err.msg);
	return csv;
}

static void parse_fails(const char *text, size_t len, unsigned flags,
			const char *want)
{
	struct pb_csv csv;
	struct pb_err err = {{0}};

	cr_assert_eq(pb_csv_parse("t.csv", text, len, flags, &csv, &err),
		     PB_ERROR, "accepted: %s", text);
	cr_assert(strstr(err.msg, want), "got: %s", err.msg);
	cr_assert_eq(csv.nrows, 0);
	cr_assert_null(csv.text);
	cr_assert_null(csv.rows);
}

Test(csv_read, plain_table)
{
	struct pb_csv c = parse("a,b,c\n1,2,3\n4,5,6\n", 0);

	cr_assert_eq(c.ncols, 3);
	cr_assert_eq(c.nrows, 2);
	cr_assert_str_eq(c.header[2], "c");
	cr_assert_str_eq(pb_csv_at(&c, 1, 0), "4");
	cr_assert_str_eq(pb_csv_get(&c, 0, "b"), "2");
	cr_assert_str_eq(pb_csv_get(&c, 0, "nope"), "");
	cr_assert_eq(pb_csv_column(&c, "c"), 2);
	cr_assert_eq(pb_csv_column(&c, "d"), -1);
	cr_assert_eq(c.lines[0], 2);
	cr_assert_eq(c.lines[1], 3);
	pb_csv_free(&c);
	pb_csv_free(&c); /* safe twice */
}

Test(csv_read, quoted_commas_quotes_and_newlines)
{
	struct pb_csv c = parse("name,msg\n"
				"\"a,b\",\"say \"\"hi\"\"\"\n"
				"x,\"line one\nline two\r\nline three\"\n"
				"y,\"\"\n",
				0);

	cr_assert_eq(c.nrows, 3);
	cr_assert_str_eq(pb_csv_at(&c, 0, 0), "a,b");
	cr_assert_str_eq(pb_csv_at(&c, 0, 1), "say \"hi\"");
	cr_assert_str_eq(pb_csv_at(&c, 1, 1),
			 "line one\nline two\r\nline three");
	cr_assert_str_eq(pb_csv_at(&c, 2, 1), "");
	/* Row 3 starts after the three-line field. */
	cr_assert_eq(c.lines[2], 6);
	pb_csv_free(&c);
}

Test(csv_read, crlf_and_missing_last_newline)
{
	struct pb_csv c = parse("a,b\r\n1,2\r\n3,4", 0);

	cr_assert_eq(c.nrows, 2);
	cr_assert_str_eq(c.header[1], "b");
	cr_assert_str_eq(pb_csv_at(&c, 0, 1), "2");
	cr_assert_str_eq(pb_csv_at(&c, 1, 1), "4");
	pb_csv_free(&c);
}

Test(csv_read, empty_fields_and_trailing_comma)
{
	struct pb_csv c = parse("a,b,c\n,,\n1,,\n", 0);

	cr_assert_eq(c.nrows, 2);
	for (int k = 0; k < 3; k++)
		cr_assert_str_eq(pb_csv_at(&c, 0, k), "");
	cr_assert_str_eq(pb_csv_at(&c, 1, 0), "1");
	cr_assert_str_eq(pb_csv_at(&c, 1, 2), "");
	pb_csv_free(&c);
}

Test(csv_read, blank_lines_bom_and_header_only)
{
	struct pb_csv c = parse("\xef\xbb\xbf"
				"a,b\n\n1,2\r\n\r\n\n",
				0);

	cr_assert_str_eq(c.header[0], "a");
	cr_assert_eq(c.nrows, 1);
	cr_assert_eq(c.lines[0], 3);
	pb_csv_free(&c);
	c = parse("a,b\n", 0);
	cr_assert_eq(c.nrows, 0);
	cr_assert_eq(c.ncols, 2);
	pb_csv_free(&c);
}

Test(csv_read, lone_cr_is_data)
{
	struct pb_csv c = parse("a\nx\ry\n", 0);

	cr_assert_str_eq(pb_csv_at(&c, 0, 0), "x\ry");
	pb_csv_free(&c);
}

Test(csv_read, refuses_unterminated_quote)
{
	const char *t = "a,b\n1,\"open\n2,3\n";
	parse_fails(t, strlen(t), 0, "t.csv:2: a quoted field is never closed");
}

Test(csv_read, refuses_text_after_closing_quote)
{
	const char *t = "a,b\n\"x\"y,2\n";
	parse_fails(t, strlen(t), 0, "t.csv:2: unexpected character after");
}

Test(csv_read, refuses_quote_in_plain_field)
{
	const char *t = "a,b\n1,2\nab\"c,3\n";
	parse_fails(t, strlen(t), 0, "t.csv:3: a quote in an unquoted field");
}

Test(csv_read, refuses_wrong_field_count)
{
	const char *t = "a,b,c\n1,2,3\n4,5\n";
	parse_fails(t, strlen(t), 0,
		    "t.csv:3: 2 fields where the header has 3");
	t = "a,b\n1,2,3\n";
	parse_fails(t, strlen(t), 0, "t.csv:2: 3 fields");
}

Test(csv_read, refuses_empty_input)
{
	parse_fails("", 0, 0, "t.csv: empty");
	parse_fails("\n\r\n", 3, 0, "t.csv: empty");
}

Test(csv_read, refuses_nul_bytes)
{
	parse_fails("a,b\n1,x\0y\n", 10, 0, "t.csv:2: a NUL byte");
	parse_fails("a,b\n1,\"x\0y\"\n", 12, 0, "t.csv:2: NUL byte");
}

Test(csv_read, drops_a_cut_last_row_only_when_asked)
{
	const char *t = "a,b,c\n1,2,3\n4,5";
	struct pb_csv c = parse(t, PB_CSV_DROP_PARTIAL_TAIL);

	cr_assert_eq(c.nrows, 1);
	cr_assert(c.dropped_tail);
	pb_csv_free(&c);
	parse_fails(t, strlen(t), 0, "t.csv:3: 2 fields");
	/* Cut inside quotes. */
	c = parse("a,b\n1,2\n3,\"unfinished mes", PB_CSV_DROP_PARTIAL_TAIL);
	cr_assert_eq(c.nrows, 1);
	cr_assert(c.dropped_tail);
	pb_csv_free(&c);
	/* A short row that did end with a newline is damage, not a cut. */
	t = "a,b,c\n4,5\n";
	parse_fails(t, strlen(t), PB_CSV_DROP_PARTIAL_TAIL,
		    "t.csv:2: 2 fields");
	/* A complete last row without newline is kept, and said so. */
	c = parse("a,b\n1,2", PB_CSV_DROP_PARTIAL_TAIL);
	cr_assert_eq(c.nrows, 1);
	cr_assert_not(c.dropped_tail);
	cr_assert(c.unterminated);
	pb_csv_free(&c);
	c = parse("a,b\n1,2\n", PB_CSV_DROP_PARTIAL_TAIL);
	cr_assert_not(c.unterminated);
	pb_csv_free(&c);
	/* A header without its newline is unterminated too. */
	c = parse("a,b", PB_CSV_DROP_PARTIAL_TAIL);
	cr_assert(c.unterminated);
	pb_csv_free(&c);
	/* A row with every field but an open quote is cut, never whole. */
	c = parse("a,b\n1,2\n3,\"4", PB_CSV_DROP_PARTIAL_TAIL);
	cr_assert_eq(c.nrows, 1);
	cr_assert(c.dropped_tail);
	cr_assert_not(c.unterminated);
	pb_csv_free(&c);
}

/* Fields are rewritten in place: every column of every row still reads. */
Test(csv_read, fields_after_quoted_ones_in_any_column)
{
	struct pb_csv c = parse("h1,\"h,2\",h3\r\n"
				"\"\"\"\",\"a\"\"b\nc\",z\r\n"
				"\"\",,\"last\"",
				0);

	cr_assert_eq(c.nrows, 2);
	cr_assert_str_eq(c.header[1], "h,2");
	cr_assert_str_eq(c.header[2], "h3");
	cr_assert_str_eq(pb_csv_at(&c, 0, 0), "\"");
	cr_assert_str_eq(pb_csv_at(&c, 0, 1), "a\"b\nc");
	cr_assert_str_eq(pb_csv_at(&c, 0, 2), "z");
	cr_assert_str_eq(pb_csv_at(&c, 1, 0), "");
	cr_assert_str_eq(pb_csv_at(&c, 1, 1), "");
	cr_assert_str_eq(pb_csv_at(&c, 1, 2), "last");
	cr_assert_str_eq(pb_csv_get(&c, 1, "h3"), "last");
	cr_assert_eq(c.lines[1], 4);
	pb_csv_free(&c);
}

Test(csv_read, numbers_are_strict)
{
	double v = -1;

	cr_assert(pb_csv_number("1e-3", &v));
	cr_assert_float_eq(v, 1e-3, 1e-18);
	cr_assert(pb_csv_number("-2.5", &v));
	cr_assert_eq(v, -2.5);
	cr_assert_not(pb_csv_number("", &v));
	cr_assert_not(pb_csv_number("1.0x", &v));
	cr_assert_not(pb_csv_number(" 1", &v));
	cr_assert_not(pb_csv_number("nan", &v));
	cr_assert_not(pb_csv_number("inf", &v));
	cr_assert_not(pb_csv_number("1e999", &v));
	cr_assert_eq(v, -2.5);

	struct pb_csv c = parse("x,y\n3.5,\n", 0);
	cr_assert_eq(pb_csv_num(&c, 0, "x"), 3.5);
	cr_assert(isnan(pb_csv_num(&c, 0, "y")));
	cr_assert(isnan(pb_csv_num(&c, 0, "z")));
	pb_csv_free(&c);
}

Test(csv_read, round_trip_through_the_writer)
{
	const char *tricky[] = {"plain",      "a,b",	     "say \"hi\"",
				"two\nlines", "crlf\r\nend", " edge ",
				"",	      "\"",	     ",,,"};
	struct pb_buf b = {0};
	struct pb_csv c;

	pb_buf_printf(&b, "v\n");
	for (size_t k = 0; k < PB_COUNT(tricky); k++) {
		pb_buf_csv_field(&b, tricky[k]);
		pb_buf_printf(&b, "\n");
	}
	/* The empty field makes a blank line, which the reader skips. */
	c = parse(b.data, 0);
	cr_assert_eq(c.nrows, PB_COUNT(tricky) - 1);
	for (size_t k = 0, r = 0; k < PB_COUNT(tricky); k++) {
		if (!tricky[k][0])
			continue;
		cr_assert_str_eq(pb_csv_at(&c, r++, 0), tricky[k]);
	}
	pb_csv_free(&c);
	pb_buf_free(&b);
}

Test(csv_read, file_errors_name_the_path)
{
	struct pb_csv c;
	struct pb_err err = {{0}};

	cr_assert_eq(pb_csv_read("/nonexistent/runs.csv", 0, &c, &err),
		     PB_ERROR);
	cr_assert(strstr(err.msg, "/nonexistent/runs.csv: cannot open"), "%s",
		  err.msg);
}

Test(csv_read, reads_a_file)
{
	char path[] = "/tmp/pb-csv-XXXXXX";
	int fd = mkstemp(path);
	struct pb_csv c;
	struct pb_err err = {{0}};

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "k,v\n\"a\nb\",2\n", 12), 12);
	close(fd);
	cr_assert_eq(pb_csv_read(path, 0, &c, &err), PB_OK, "%s", err.msg);
	unlink(path);
	cr_assert_str_eq(pb_csv_at(&c, 0, 0), "a\nb");
	pb_csv_free(&c);
}
