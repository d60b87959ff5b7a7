/*
 * test_registry.c — loading plugins: the good ones, and a clear refusal of
 * every kind of broken one, naming the file.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pbtest.h"
#include "plugin/registry.h"

static char path[4096];

static const char *test_plugin(const char *name)
{
	snprintf(path, sizeof(path), "%s/broken-plugins/%s.so", pbt_build(),
		 name);
	return path;
}

/* Loads one file into a fresh registry and returns the error text. */
static char *refusal(const char *file)
{
	static struct pb_err err;
	struct pb_registry reg = {0};

	memset(&err, 0, sizeof(err));
	cr_assert_eq(pb_registry_load_file(&reg, file, &err), PB_ERROR,
		     "%s was accepted", file);
	cr_assert_eq(reg.n, 0);
	pb_registry_free(&reg);
	cr_assert(strstr(err.msg, file), "message does not name the file: %s",
		  err.msg);
	return err.msg;
}

Test(registry, loads_the_build_plugins)
{
	struct pb_registry reg = {0};
	struct pb_err err = {{0}};
	char dir[4096], names[256];

	snprintf(dir, sizeof(dir), "%s/plugins", pbt_build());
	cr_assert_eq(pb_registry_load_dir(&reg, dir, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_not_null(pb_registry_find(&reg, PB_KIND_WORKLOAD, "pi"));
	cr_assert_not_null(pb_registry_find(&reg, PB_KIND_STRATEGY, "serial"));
	cr_assert_not_null(
	    pb_registry_find(&reg, PB_KIND_STRATEGY, "pthreads"));
	cr_assert_null(pb_registry_find(&reg, PB_KIND_STRATEGY, "pi"),
		       "kinds are separate");
	pb_registry_names(&reg, PB_KIND_STRATEGY, names, sizeof(names));
	cr_assert(strstr(names, "serial") && strstr(names, "pthreads"), "%s",
		  names);
	cr_assert_not_null(
	    strstr(pb_registry_path(
		       &reg, pb_registry_find(&reg, PB_KIND_WORKLOAD, "pi")),
		   "pi.so"));
	pb_registry_free(&reg);
}

Test(registry, refuses_bad_magic)
{
	char *msg = refusal(test_plugin("broken_magic"));
	cr_assert(strstr(msg, "bad magic"), "%s", msg);
}

Test(registry, refuses_an_abi_version_that_never_existed)
{
	char *msg = refusal(test_plugin("broken_version"));
	cr_assert(strstr(msg, "ABI version 0"), "%s", msg);
	char want[64];
	snprintf(want, sizeof(want), "version 1 to %d", PB_ABI_VERSION);
	cr_assert(strstr(msg, want), "%s", msg);
}

Test(registry, refuses_a_descriptor_smaller_than_version_2)
{
	char *msg = refusal(test_plugin("broken_size"));
	cr_assert(strstr(msg, "size of 24 bytes"), "%s", msg);
	cr_assert(strstr(msg, "at least 144"), "%s", msg);
}

/* A larger descriptor whose unknown bytes are not zero: both sizes and
 * both versions in the message (copy_struct_from_user's E2BIG). */
Test(registry, refuses_a_larger_descriptor_with_unknown_bytes_set)
{
	char *msg = refusal(test_plugin("broken_future"));
	char ours[64], theirs[64];
	snprintf(ours, sizeof(ours), "ABI version %d", PB_ABI_VERSION);
	snprintf(theirs, sizeof(theirs), "ABI version %d", PB_ABI_VERSION + 1);
	cr_assert(strstr(msg, "'broken_future'"), "%s", msg);
	cr_assert(strstr(msg, theirs), "%s", msg);
	cr_assert(strstr(msg, ours), "%s", msg);
	cr_assert(strstr(msg, "160 bytes"), "%s", msg);
	cr_assert(strstr(msg, "knows 144 bytes"), "%s", msg);
	cr_assert(strstr(msg, "byte 152"), "%s", msg);
}

Test(registry, refuses_hooks_without_their_size)
{
	char *msg = refusal(test_plugin("broken_hooks_size"));
	cr_assert(strstr(msg, "set .size = sizeof(struct pb_workload_hooks)"),
		  "%s", msg);
}

Test(registry, refuses_a_missing_parameter_table)
{
	char *msg = refusal(test_plugin("broken_null_params"));
	cr_assert(strstr(msg, "2 parameters but no table"), "%s", msg);
}

Test(registry, refuses_a_missing_metric_table)
{
	char *msg = refusal(test_plugin("broken_null_metrics"));
	cr_assert(strstr(msg, "3 metrics but no table"), "%s", msg);
}

Test(registry, refuses_a_metric_name_that_would_split_the_csv)
{
	char *msg = refusal(test_plugin("broken_metric_name"));
	cr_assert(strstr(msg, "metric 1 has the name 'a,b\\nc'"), "%s", msg);
}

Test(registry, refuses_reserved_members_that_are_not_zero)
{
	char *msg = refusal(test_plugin("broken_reserved"));
	cr_assert(strstr(msg, "reserved members"), "%s", msg);
}

Test(registry, refuses_the_version_1_way_of_saying_unbounded)
{
	char *msg = refusal(test_plugin("broken_range"));
	cr_assert(strstr(msg, "PB_NO_MIN, PB_NO_MAX"), "%s", msg);
}

Test(registry, refuses_missing_symbol)
{
	char *msg = refusal(test_plugin("broken_nosymbol"));
	cr_assert(strstr(msg, "no symbol 'parabench_plugin'"), "%s", msg);
}

Test(registry, refuses_missing_required_hook)
{
	char *msg = refusal(test_plugin("broken_hooks"));
	cr_assert(strstr(msg, "lacks a required hook"), "%s", msg);
}

Test(registry, refuses_unparsable_default)
{
	char *msg = refusal(test_plugin("broken_default"));
	cr_assert(strstr(msg, "default of parameter 'chunk'"), "%s", msg);
	cr_assert(strstr(msg, "'lots'"), "%s", msg);
}

Test(registry, refuses_a_file_that_is_not_a_shared_object)
{
	char file[] = "/tmp/pbtest-notso-XXXXXX.so";
	int fd = mkstemps(file, 3);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "hello\n", 6), 6);
	close(fd);
	char *msg = refusal(file);
	cr_assert(strstr(msg, "cannot load plugin"), "%s", msg);
	unlink(file);
}

Test(registry, refuses_a_missing_file)
{
	char *msg = refusal("/nonexistent/parabench/x.so");
	cr_assert(strstr(msg, "cannot load plugin"), "%s", msg);
}

Test(registry, refuses_duplicate_names_naming_both_files)
{
	struct pb_registry reg = {0};
	struct pb_err err = {{0}};
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/plugins", pbt_build());
	cr_assert_eq(pb_registry_load_dir(&reg, dir, &err), PB_OK, "%s",
		     err.msg);
	size_t before = reg.n;
	const char *dup = test_plugin("dup_serial");
	cr_assert_eq(pb_registry_load_file(&reg, dup, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "two plugins are called 'serial'"), "%s",
		  err.msg);
	cr_assert(strstr(err.msg, "serial.so"), "%s", err.msg);
	cr_assert(strstr(err.msg, "dup_serial.so"), "%s", err.msg);
	cr_assert_eq(reg.n, before, "the duplicate was not kept");
	pb_registry_free(&reg);
}

Test(registry, missing_folder_is_an_error)
{
	struct pb_registry reg = {0};
	struct pb_err err = {{0}};

	cr_assert_eq(pb_registry_load_dir(&reg, "/nonexistent/plugins", &err),
		     PB_ERROR);
	cr_assert(strstr(err.msg, "/nonexistent/plugins: cannot open plugin "
				  "folder"),
		  "%s", err.msg);
	pb_registry_free(&reg);
}

Test(registry, env_path_error_says_where_it_came_from)
{
	struct pb_registry reg = {0};
	struct pb_err err = {{0}};

	setenv("PARABENCH_PLUGIN_PATH", "/nonexistent/a:/nonexistent/b", 1);
	cr_assert_eq(pb_registry_load_default(&reg, NULL, 0, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "/nonexistent/a"), "%s", err.msg);
	cr_assert(strstr(err.msg, "PARABENCH_PLUGIN_PATH"), "%s", err.msg);
	unsetenv("PARABENCH_PLUGIN_PATH");
	pb_registry_free(&reg);
}

/* A folder with a broken file still loads the rest (issue 14, item 8). */
Test(registry, a_broken_file_hides_no_other_plugin)
{
	struct pb_registry reg = {0};
	struct pb_err err = {{0}};
	char dir[] = "/tmp/pbtest-mixed-XXXXXX", from[4096], to[8192];
	const char *names[] = {"broken_null_params", "dup_serial",
			       "broken_reserved"};

	cr_assert_not_null(mkdtemp(dir));
	for (size_t k = 0; k < PB_COUNT(names); k++) {
		snprintf(from, sizeof(from), "%s/broken-plugins/%s.so",
			 pbt_build(), names[k]);
		snprintf(to, sizeof(to), "%s/%s.so", dir, names[k]);
		cr_assert_eq(symlink(from, to), 0);
	}
	snprintf(from, sizeof(from), "%s/plugins", pbt_build());
	cr_assert_eq(pb_registry_load_dir(&reg, from, &err), PB_OK);
	cr_assert_eq(pb_registry_load_dir(&reg, dir, &err), PB_OK, "%s",
		     err.msg);
	cr_assert_not_null(pb_registry_find(&reg, PB_KIND_STRATEGY, "serial"));
	cr_assert_eq(reg.nbroken, 3);
	/* In name order: broken_null_params, broken_reserved, dup_serial. */
	cr_assert(strstr(reg.broken[2].path, "dup_serial.so"));
	cr_assert(strstr(reg.broken[2].msg, "two plugins are called"));
	cr_assert_eq(pb_registry_broken_for(&reg, "broken_reserved"),
		     &reg.broken[1]);
	cr_assert_null(pb_registry_broken_for(&reg, "pi"));
	pb_registry_searched(&reg, to, sizeof(to));
	cr_assert(strstr(to, dir) && strstr(to, "/plugins, "), "%s", to);
	pb_registry_free(&reg);
	for (size_t k = 0; k < PB_COUNT(names); k++) {
		snprintf(to, sizeof(to), "%s/%s.so", dir, names[k]);
		unlink(to);
	}
	rmdir(dir);
}
