/*
 * test_textbuf.c — text buffers, CSV and JSON quoting, whole-row appends.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/textbuf.h"

static char *csv(const char *field)
{
	static char out[256];
	struct pb_buf b = {0};

	pb_buf_csv_field(&b, field);
	snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
	pb_buf_free(&b);
	return out;
}

Test(textbuf, csv_plain_fields_stay_bare)
{
	cr_assert_str_eq(csv("pthreads"), "pthreads");
	cr_assert_str_eq(csv("1.5e-3"), "1.5e-3");
	cr_assert_str_eq(csv(""), "");
	cr_assert_str_eq(csv("1000000;2000000"), "1000000;2000000");
}

Test(textbuf, csv_quotes_what_needs_it)
{
	cr_assert_str_eq(csv("a,b"), "\"a,b\"");
	cr_assert_str_eq(csv("say \"hi\""), "\"say \"\"hi\"\"\"");
	cr_assert_str_eq(csv("line\nbreak"), "\"line\nbreak\"");
	cr_assert_str_eq(csv("cr\rx"), "\"cr\rx\"");
	cr_assert_str_eq(csv(" edge"), "\" edge\"");
	cr_assert_str_eq(csv("edge "), "\"edge \"");
}

Test(textbuf, json_escapes)
{
	struct pb_buf b = {0};

	pb_buf_json_string(&b, "a\"b\\c\nd\te\x01");
	cr_assert_str_eq(b.data, "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
	pb_buf_free(&b);
}

Test(textbuf, printf_grows)
{
	struct pb_buf b = {0};

	for (int k = 0; k < 1000; k++)
		pb_buf_printf(&b, "%04d,", k);
	cr_assert_eq(b.len, 5000);
	cr_assert_eq(strncmp(b.data + 4995, "0999,", 5), 0);
	cr_assert_not(b.oom);
	pb_buf_free(&b);
	cr_assert_null(b.data);
}

Test(textbuf, append_and_atomic_write)
{
	char dir[] = "/tmp/pbtest-textbuf-XXXXXX", path[128], text[64];
	struct pb_buf b = {0};
	struct pb_err err = {{0}};

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f.csv", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	pb_buf_printf(&b, "a,b\n");
	cr_assert_eq(pb_append_all(fd, path, &b, &err), PB_OK);
	cr_assert_eq(pb_append_all(fd, path, &b, &err), PB_OK);
	close(fd);
	fd = open(path, O_RDONLY);
	ssize_t n = read(fd, text, sizeof(text));
	close(fd);
	cr_assert_eq(n, 8);
	cr_assert_eq(memcmp(text, "a,b\na,b\n", 8), 0);

	cr_assert_eq(pb_write_file_atomic(path, "new", 3, &err), PB_OK);
	fd = open(path, O_RDONLY);
	n = read(fd, text, sizeof(text));
	close(fd);
	cr_assert_eq(n, 3);
	snprintf(text, sizeof(text), "%s/f.csv.tmp", dir);
	cr_assert_neq(access(text, F_OK), 0, "no temporary file is left");
	unlink(path);
	cr_assert_eq(rmdir(dir), 0, "nothing else is left either");
	cr_assert_eq(mkdir(dir, 0700), 0);
	unlink(path);
	rmdir(dir);
	pb_buf_free(&b);
}

Test(textbuf, append_to_a_full_device_leaves_no_partial_row)
{
	struct pb_buf b = {0};
	struct pb_err err = {{0}};

	/* /dev/full fails every write with ENOSPC. */
	int fd = open("/dev/full", O_WRONLY);
	cr_assert_geq(fd, 0);
	pb_buf_printf(&b, "row\n");
	cr_assert_eq(pb_append_all(fd, "/dev/full", &b, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "/dev/full"), "%s", err.msg);
	cr_assert(strstr(err.msg, "No space left"), "%s", err.msg);
	close(fd);
	pb_buf_free(&b);
}

Test(textbuf, atomic_write_into_missing_folder_names_it)
{
	struct pb_err err = {{0}};
	cr_assert_eq(
	    pb_write_file_atomic("/nonexistent/x/meta.json", "{}", 2, &err),
	    PB_ERROR);
	cr_assert(strstr(err.msg, "/nonexistent/x/meta.json"), "%s", err.msg);
}
