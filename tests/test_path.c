/*
 * test_path.c — lib/path: a path that does not fit is an error and an
 * empty string, never a shorter path; safe single path components.
 */
#include <criterion/criterion.h>

#include "lib/path.h"

Test(path, join_fits_to_the_last_byte)
{
	char out[8];
	struct pb_err err = {{0}};

	cr_assert_eq(pb_path_join(out, sizeof(out), "abc", "def", &err), PB_OK);
	cr_assert_str_eq(out, "abc/def"); /* 7 bytes and the NUL */
	cr_assert_eq(pb_path_join(out, sizeof(out), "abc", "defg", &err),
		     PB_ERROR);
	cr_assert_str_eq(out, "", "never a shorter path");
	cr_assert(strstr(err.msg, "the path is 8 bytes long; at most 7 fit"),
		  "%s", err.msg);
}

Test(path, fmt_refuses_what_does_not_fit)
{
	char out[PB_PATH_MAX], name[PB_PATH_MAX + 1];
	struct pb_err err = {{0}};

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	cr_assert_eq(pb_path_fmt(out, sizeof(out), &err, "%s", name), PB_ERROR);
	cr_assert_str_eq(out, "");
	cr_assert_lt(strlen(err.msg), 200, "the message is bounded");
	name[sizeof(name) - 2] = '\0';
	cr_assert_eq(pb_path_fmt(out, sizeof(out), &err, "%s", name), PB_OK);
	cr_assert_str_eq(out, name);
	cr_assert_eq(pb_path_fmt(out, sizeof(out), NULL, "x/%s", name),
		     PB_ERROR, "without err too");
}

Test(path, safe_components)
{
	char long_name[300];

	cr_assert(pb_path_component_ok("pi-scaling"));
	cr_assert(pb_path_component_ok("..x"));
	cr_assert(pb_path_component_ok(".hidden"));
	cr_assert_not(pb_path_component_ok(""));
	cr_assert_not(pb_path_component_ok("."));
	cr_assert_not(pb_path_component_ok(".."));
	cr_assert_not(pb_path_component_ok("a/b"));
	cr_assert_not(pb_path_component_ok("/"));
	cr_assert_not(pb_path_component_ok("a\nb"));
	cr_assert_not(pb_path_component_ok(NULL));
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	cr_assert_not(pb_path_component_ok(long_name));
	long_name[255] = '\0';
	cr_assert(pb_path_component_ok(long_name));
}
