/*
 * test_value.c — core/plugin/value.c: reading and printing parameter values.
 *
 * Integers with separators and exponents, floats, sizes and durations with
 * their units, booleans, enums, ranges, lists and defaults; the edges
 * (2^63, overflow to infinity) and the exact wording of the messages the
 * experiment loader passes on.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "plugin/value.h"

static struct pb_err why;

static int64_t int_ok(const char *text)
{
	int64_t v = -12345;
	cr_assert_eq(pb_parse_int(text, &v, &why), PB_OK, "'%s': %s", text,
		     why.msg);
	return v;
}

static void int_bad(const char *text, const char *msg)
{
	int64_t v;
	why.msg[0] = '\0';
	cr_assert_eq(pb_parse_int(text, &v, &why), PB_ERROR, "'%s' accepted",
		     text);
	cr_assert(strstr(why.msg, msg), "'%s': message '%s' lacks '%s'", text,
		  why.msg, msg);
}

Test(value, int_plain_signs_and_leading_zeros)
{
	cr_assert_eq(int_ok("42"), 42);
	cr_assert_eq(int_ok("-3"), -3);
	cr_assert_eq(int_ok("+7"), 7);
	cr_assert_eq(int_ok("0"), 0);
	cr_assert_eq(int_ok("-0"), 0);
	cr_assert_eq(int_ok("00012"), 12);
}

Test(value, int_separators)
{
	cr_assert_eq(int_ok("10_000_000"), 10000000);
	cr_assert_eq(int_ok("1_0"), 10);
	cr_assert_eq(int_ok("-1_000"), -1000);
	int_bad("1__0", "'_' must stand between two digits");
	int_bad("_1", "'_' must stand between two digits");
	int_bad("1_", "'_' must stand between two digits");
	int_bad("1_e3", "'_' must stand between two digits");
}

Test(value, int_exponents)
{
	cr_assert_eq(int_ok("1e7"), 10000000);
	cr_assert_eq(int_ok("1E3"), 1000);
	cr_assert_eq(int_ok("1.5e1"), 15);
	cr_assert_eq(int_ok("0.1e1"), 1);
	cr_assert_eq(int_ok("1e-0"), 1);
	cr_assert_eq(int_ok("1e18"), 1000000000000000000LL);
	cr_assert_eq(int_ok("2.5e3"), 2500);
	int_bad("1.5", "expected a whole number, got '1.5'");
	int_bad("1e-1", "expected a whole number");
}

Test(value, int_limits_and_overflow)
{
	cr_assert_eq(int_ok("9223372036854775807"), INT64_MAX);
	cr_assert_eq(int_ok("-9223372036854775808"), INT64_MIN);
	int_bad("9223372036854775808", "out of range: integers are at most");
	int_bad("-9223372036854775809", "out of range");
	int_bad("1e19", "'1e19' is out of range");
	int_bad("1e400", "out of range");
	int_bad("1e5000", "expected an integer such as 42, 10_000 or 1e7");
}

Test(value, int_rejects_garbage)
{
	const char *bad[] = {"",    "abc",   "1e",    "0x10", "0x1p4",
			     " 1",  "1 ",    "inf",   "nan",  "infinity",
			     "--5", "1,000", "1.2.3", "e5",   "12abc"};
	for (size_t k = 0; k < PB_COUNT(bad); k++)
		int_bad(bad[k], "expected an integer such as 42, 10_000 or "
				"1e7, got");
}

Test(value, int_too_long_text)
{
	char buf[300];
	memset(buf, '1', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	int_bad(buf, "number too long");
}

static double float_ok(const char *text)
{
	double v = -1;
	cr_assert_eq(pb_parse_float(text, &v, &why), PB_OK, "'%s': %s", text,
		     why.msg);
	return v;
}

Test(value, floats)
{
	cr_assert_float_eq(float_ok("0.25"), 0.25, 1e-15);
	cr_assert_float_eq(float_ok("1e-3"), 1e-3, 1e-18);
	cr_assert_float_eq(float_ok("-2.5"), -2.5, 1e-15);
	cr_assert_float_eq(float_ok("1_000.5"), 1000.5, 1e-12);
	cr_assert_eq(float_ok("1e308"), 1e308);
	cr_assert_eq(float_ok("3"), 3.0);
	const char *bad[] = {"1e309", "nan", "inf",   "-inf", "0x1p3",
			     ".",     "",    "1.5.5", "abc"};
	for (size_t k = 0; k < PB_COUNT(bad); k++) {
		double v;
		cr_assert_eq(pb_parse_float(bad[k], &v, &why), PB_ERROR,
			     "'%s' accepted", bad[k]);
		cr_assert(strstr(why.msg, "expected a number such as 0.25"),
			  "%s", why.msg);
	}
	double v;
	cr_assert_eq(pb_parse_float("1._5", &v, &why), PB_ERROR);
	cr_assert(strstr(why.msg, "'_' must stand between two digits"));
}

static int64_t size_ok(const char *text)
{
	int64_t v = -1;
	cr_assert_eq(pb_parse_size(text, &v, &why), PB_OK, "'%s': %s", text,
		     why.msg);
	return v;
}

static void size_bad(const char *text, const char *msg)
{
	int64_t v;
	cr_assert_eq(pb_parse_size(text, &v, &why), PB_ERROR, "'%s' accepted",
		     text);
	cr_assert(strstr(why.msg, msg), "'%s': '%s' lacks '%s'", text, why.msg,
		  msg);
}

Test(value, size_units)
{
	cr_assert_eq(size_ok("4096"), 4096);
	cr_assert_eq(size_ok("100B"), 100);
	cr_assert_eq(size_ok("4k"), 4096);
	cr_assert_eq(size_ok("4K"), 4096);
	cr_assert_eq(size_ok("250M"), 250LL << 20);
	cr_assert_eq(size_ok("2G"), 2LL << 30);
	cr_assert_eq(size_ok("3T"), 3LL << 40);
	cr_assert_eq(size_ok("1KiB"), 1024);
	cr_assert_eq(size_ok("1MiB"), 1 << 20);
	cr_assert_eq(size_ok("1GiB"), 1 << 30);
	cr_assert_eq(size_ok("1TiB"), 1LL << 40);
	cr_assert_eq(size_ok("1kB"), 1000);
	cr_assert_eq(size_ok("1KB"), 1000);
	cr_assert_eq(size_ok("2MB"), 2000000);
	cr_assert_eq(size_ok("1GB"), 1000000000);
	cr_assert_eq(size_ok("1TB"), 1000000000000LL);
}

Test(value, size_forms)
{
	cr_assert_eq(size_ok("1.5k"), 1536);
	cr_assert_eq(size_ok("12.5 GiB"), 12LL * (1 << 30) + (1 << 29));
	cr_assert_eq(size_ok("1e3k"), 1024000);
	cr_assert_eq(size_ok("1_0k"), 10240);
	cr_assert_eq(size_ok("1e6"), 1000000);
	cr_assert_eq(size_ok("0"), 0);
	cr_assert_eq(size_ok("0.5"), 1); /* whole bytes, rounded */
}

Test(value, size_errors)
{
	size_bad("-1k", "a size cannot be negative");
	size_bad("8388608T", "out of range");
	size_bad("9223372036854775808", "out of range");
	size_bad("5 parsecs", "expected a size such as 4096, 4k, 250M or 1GiB");
	size_bad("5e", "expected a size");
	size_bad("k", "expected a size");
	size_bad("", "expected a size");
	size_bad("0x10", "expected a size");
	size_bad("nan", "expected a size");
	size_bad("4 k ", "expected a size");
	size_bad("4kib", "expected a size"); /* units are case-sensitive */
}

/* Regression: 2^63 - 0.5 rounded up to 2^63 inside llroundl (overflow). */
Test(value, size_just_below_two_to_the_63)
{
	cr_assert_eq(size_ok("9223372036854775807"), INT64_MAX);
	size_bad("9223372036854775807.5", "out of range");
}

static double dur_ok(const char *text)
{
	double v = -1;
	cr_assert_eq(pb_parse_duration(text, &v, &why), PB_OK, "'%s': %s", text,
		     why.msg);
	return v;
}

static void dur_bad(const char *text, const char *msg)
{
	double v;
	cr_assert_eq(pb_parse_duration(text, &v, &why), PB_ERROR,
		     "'%s' accepted", text);
	cr_assert(strstr(why.msg, msg), "'%s': '%s' lacks '%s'", text, why.msg,
		  msg);
}

Test(value, duration_units)
{
	cr_assert_float_eq(dur_ok("20ms"), 0.020, 1e-15);
	cr_assert_float_eq(dur_ok("1.5s"), 1.5, 1e-15);
	cr_assert_float_eq(dur_ok("2m"), 120, 1e-12);
	cr_assert_float_eq(dur_ok("2min"), 120, 1e-12);
	cr_assert_float_eq(dur_ok("1h"), 3600, 1e-12);
	cr_assert_float_eq(dur_ok("250us"), 250e-6, 1e-18);
	cr_assert_float_eq(dur_ok("7ns"), 7e-9, 1e-21);
	cr_assert_float_eq(dur_ok("3"), 3, 1e-15);
	cr_assert_float_eq(dur_ok("1.5 s"), 1.5, 1e-15);
	cr_assert_float_eq(dur_ok("1e3ms"), 1, 1e-15);
}

Test(value, duration_errors)
{
	dur_bad("-1s", "a duration cannot be negative");
	dur_bad("5 parsecs", "expected a duration such as 20ms, 1.5s or 2m");
	dur_bad("1d", "expected a duration");
	dur_bad("ms", "expected a duration");
	dur_bad("inf", "expected a duration");
	dur_bad("nan", "expected a duration");
	dur_bad("1S", "expected a duration"); /* case-sensitive units */
}

/* Regression: values beyond DBL_MAX used to come back as infinity. */
Test(value, duration_overflow_is_refused)
{
	dur_bad("1e400", "out of range");
	dur_bad("1e308h", "out of range");
	dur_bad("1e4931h", "out of range");
}

Test(value, duration_minus_zero_is_zero)
{
	double v = dur_ok("-0");
	cr_assert_eq(v, 0.0);
	cr_assert_not(signbit(v), "-0 duration kept its sign");
}

Test(value, bools)
{
	const char *yes[] = {"true", "TRUE", "True", "yes", "Yes", "on", "ON"};
	const char *no[] = {"false", "FALSE", "no", "No", "off", "Off"};
	bool b;

	for (size_t k = 0; k < PB_COUNT(yes); k++) {
		cr_assert_eq(pb_parse_bool(yes[k], &b, &why), PB_OK, "%s",
			     yes[k]);
		cr_assert(b, "%s", yes[k]);
	}
	for (size_t k = 0; k < PB_COUNT(no); k++) {
		cr_assert_eq(pb_parse_bool(no[k], &b, &why), PB_OK, "%s",
			     no[k]);
		cr_assert_not(b, "%s", no[k]);
	}
	const char *bad[] = {"1", "0", "", "maybe", "y", "truee"};
	for (size_t k = 0; k < PB_COUNT(bad); k++) {
		cr_assert_eq(pb_parse_bool(bad[k], &b, &why), PB_ERROR, "%s",
			     bad[k]);
		cr_assert(strstr(why.msg, "expected true or false, got"));
	}
}

Test(value, type_names)
{
	cr_assert_str_eq(pb_type_name(PB_INT), "int");
	cr_assert_str_eq(pb_type_name(PB_FLOAT), "float");
	cr_assert_str_eq(pb_type_name(PB_SIZE), "size");
	cr_assert_str_eq(pb_type_name(PB_DURATION), "duration");
	cr_assert_str_eq(pb_type_name(PB_STRING), "string");
	cr_assert_str_eq(pb_type_name(PB_ENUM), "enum");
	cr_assert_str_eq(pb_type_name(PB_BOOL), "bool");
	cr_assert_str_eq(pb_type_name(PB_INT_LIST), "int list");
	cr_assert_str_eq(pb_type_name(PB_STRING_LIST), "string list");
	cr_assert_str_eq(pb_type_name((enum pb_type)99), "?");
}

static const struct pb_param p_tasks = {"tasks", PB_INT, "64",	 1,
					1e9,	 NULL,	 "tasks"};
static const struct pb_param p_any = {"any",	 PB_INT, "0",  PB_NO_MIN,
				      PB_NO_MAX, NULL,	 "any"};
static const struct pb_param p_floor = {"floor",   PB_INT, "0",		5,
					PB_NO_MAX, NULL,   "at least 5"};
static const struct pb_param p_ratio = {"ratio", PB_FLOAT, "0.5",  0,
					1,	 NULL,	   "ratio"};
static const struct pb_param p_block = {"block", PB_SIZE, "4k",	  1,
					1 << 30, NULL,	  "block"};
static const struct pb_param p_pause = {"pause", PB_DURATION, "0",    0,
					60,	 NULL,	      "pause"};
static const struct pb_param p_sched = {
    "schedule", PB_ENUM, "dynamic", 0, 0, "static|dynamic", "schedule"};
static const struct pb_param p_flag = {"flag", PB_BOOL, "false", 0,
				       0,      NULL,	"flag"};
static const struct pb_param p_label = {"label", PB_STRING, NULL,   0,
					0,	 NULL,	    "label"};
static const struct pb_param p_nums = {"numbers", PB_INT_LIST, "[1e6, 2e6]", 1,
				       1e9,	  NULL,	       "numbers"};
static const struct pb_param p_words = {"words", PB_STRING_LIST, "[]",	 0,
					0,	 NULL,		 "words"};

static struct pb_value parse_ok(const struct pb_param *p, const char *text,
				struct pb_arena *a)
{
	struct pb_value v;
	cr_assert_eq(pb_value_parse(p, text, a, &v, &why), PB_OK, "%s=%s: %s",
		     p->name, text, why.msg);
	return v;
}

static void parse_bad(const struct pb_param *p, const char *text,
		      const char *msg)
{
	struct pb_arena a = {0};
	struct pb_value v;
	cr_assert_eq(pb_value_parse(p, text, &a, &v, &why), PB_ERROR,
		     "%s=%s accepted", p->name, text);
	cr_assert(strstr(why.msg, msg), "%s=%s: '%s' lacks '%s'", p->name, text,
		  why.msg, msg);
	pb_arena_free(&a);
}

Test(value, ranges_are_inclusive)
{
	struct pb_arena a = {0};
	cr_assert_eq(parse_ok(&p_tasks, "1", &a).u.i, 1);
	cr_assert_eq(parse_ok(&p_tasks, "1e9", &a).u.i, 1000000000);
	parse_bad(&p_tasks, "0", "0 is out of range: expected 1 to 1000000000");
	parse_bad(&p_tasks, "2e9", "2e9 is out of range");
	parse_bad(&p_tasks, "-1", "out of range");
	cr_assert_float_eq(parse_ok(&p_ratio, "1", &a).u.f, 1, 1e-15);
	parse_bad(&p_ratio, "1.01", "out of range: expected 0 to 1");
	cr_assert_eq(parse_ok(&p_block, "1GiB", &a).u.i, 1 << 30);
	parse_bad(&p_block, "2G", "2G is out of range");
	parse_bad(&p_block, "0", "out of range");
	cr_assert_float_eq(parse_ok(&p_pause, "1m", &a).u.f, 60, 1e-12);
	parse_bad(&p_pause, "61s", "out of range: expected 0 to 60");
	pb_arena_free(&a);
}

Test(value, no_min_and_no_max_mean_unbounded)
{
	struct pb_arena a = {0};
	cr_assert_eq(parse_ok(&p_any, "-9e18", &a).u.i, -9000000000000000000LL);
	cr_assert_eq(parse_ok(&p_any, "9e18", &a).u.i, 9000000000000000000LL);
	cr_assert_eq(parse_ok(&p_floor, "9e18", &a).u.i, 9000000000000000000LL);
	parse_bad(&p_floor, "4", "expected at least 5");
	pb_arena_free(&a);
}

Test(value, range_text_says_which_bounds_there_are)
{
	char buf[96];
	cr_assert_str_eq(pb_range_text(&p_any, buf, sizeof(buf)), "");
	cr_assert_str_eq(pb_range_text(&p_floor, buf, sizeof(buf)),
			 "at least 5");
	cr_assert_str_eq(pb_range_text(&p_ratio, buf, sizeof(buf)), "0 to 1");
	cr_assert_str_eq(pb_range_text(&p_flag, buf, sizeof(buf)), "");
}

Test(value, types_of_parsed_values)
{
	struct pb_arena a = {0};
	cr_assert_eq(parse_ok(&p_tasks, "3", &a).type, PB_INT);
	cr_assert_eq(parse_ok(&p_ratio, "0.1", &a).type, PB_FLOAT);
	cr_assert_eq(parse_ok(&p_block, "4k", &a).type, PB_SIZE);
	cr_assert_eq(parse_ok(&p_pause, "1s", &a).type, PB_DURATION);
	cr_assert_eq(parse_ok(&p_flag, "on", &a).type, PB_BOOL);
	cr_assert(parse_ok(&p_flag, "on", &a).u.b);
	/* One element of a list type parses as the element type. */
	struct pb_value e = parse_ok(&p_nums, "5", &a);
	cr_assert_eq(e.type, PB_INT);
	cr_assert_eq(e.u.i, 5);
	parse_bad(&p_nums, "0", "out of range");
	cr_assert_eq(parse_ok(&p_words, "x", &a).type, PB_STRING);
	pb_arena_free(&a);
}

Test(value, enums_are_exact_words)
{
	struct pb_arena a = {0};
	struct pb_value v = parse_ok(&p_sched, "static", &a);
	cr_assert_eq(v.type, PB_ENUM);
	cr_assert_str_eq(v.u.s, "static");
	cr_assert_str_eq(parse_ok(&p_sched, "dynamic", &a).u.s, "dynamic");
	parse_bad(&p_sched, "Static",
		  "expected one of static|dynamic, got 'Static'");
	parse_bad(&p_sched, "stat", "expected one of static|dynamic");
	parse_bad(&p_sched, "static|dynamic", "expected one of");
	parse_bad(&p_sched, "", "expected one of");
	pb_arena_free(&a);
}

Test(value, strings_are_copied_into_the_arena)
{
	struct pb_arena a = {0};
	char text[] = "hello";
	struct pb_value v = parse_ok(&p_label, text, &a);
	cr_assert_eq(v.type, PB_STRING);
	cr_assert_neq(v.u.s, text);
	text[0] = 'j';
	cr_assert_str_eq(v.u.s, "hello");
	cr_assert_str_eq(parse_ok(&p_label, "", &a).u.s, "");
	pb_arena_free(&a);
}

Test(value, lists_from_items)
{
	struct pb_arena a = {0};
	struct pb_value v;
	const char *nums[] = {"1e6", "2_000", "3"};
	const char *words[] = {"a", "b c"};

	cr_assert_eq(pb_value_from_items(&p_nums, nums, 3, &a, &v, &why), PB_OK,
		     "%s", why.msg);
	cr_assert_eq(v.type, PB_INT_LIST);
	cr_assert_eq(v.u.ints.n, 3);
	cr_assert_eq(v.u.ints.v[0], 1000000);
	cr_assert_eq(v.u.ints.v[1], 2000);
	cr_assert_eq(v.u.ints.v[2], 3);
	cr_assert_eq(pb_value_from_items(&p_words, words, 2, &a, &v, &why),
		     PB_OK);
	cr_assert_eq(v.type, PB_STRING_LIST);
	cr_assert_eq(v.u.strings.n, 2);
	cr_assert_str_eq(v.u.strings.v[1], "b c");
	cr_assert_eq(pb_value_from_items(&p_nums, NULL, 0, &a, &v, &why),
		     PB_OK);
	cr_assert_eq(v.u.ints.n, 0);
	const char *bad[] = {"1", "x"};
	cr_assert_eq(pb_value_from_items(&p_nums, bad, 2, &a, &v, &why),
		     PB_ERROR);
	cr_assert(strstr(why.msg, "got 'x'"), "%s", why.msg);
	const char *big[] = {"2e9"};
	cr_assert_eq(pb_value_from_items(&p_nums, big, 1, &a, &v, &why),
		     PB_ERROR);
	cr_assert(strstr(why.msg, "out of range"), "%s", why.msg);
	pb_arena_free(&a);
}

Test(value, defaults)
{
	struct pb_arena a = {0};
	struct pb_value v;

	cr_assert_eq(pb_value_default(&p_tasks, &a, &v, &why), PB_OK);
	cr_assert_eq(v.u.i, 64);
	cr_assert_eq(pb_value_default(&p_sched, &a, &v, &why), PB_OK);
	cr_assert_str_eq(v.u.s, "dynamic");
	cr_assert_eq(pb_value_default(&p_nums, &a, &v, &why), PB_OK);
	cr_assert_eq(v.type, PB_INT_LIST);
	cr_assert_eq(v.u.ints.n, 2);
	cr_assert_eq(v.u.ints.v[1], 2000000);
	cr_assert_eq(pb_value_default(&p_words, &a, &v, &why), PB_OK);
	cr_assert_eq(v.type, PB_STRING_LIST);
	cr_assert_eq(v.u.strings.n, 0);
	cr_assert_eq(pb_value_default(&p_label, &a, &v, &why), PB_ERROR);
	cr_assert(strstr(why.msg, "parameter 'label' is required"), "%s",
		  why.msg);
	struct pb_param malformed = p_nums;
	malformed.default_value = "1, 2";
	cr_assert_eq(pb_value_default(&malformed, &a, &v, &why), PB_ERROR);
	cr_assert(strstr(why.msg, "bad list default"), "%s", why.msg);
	struct pb_param out_of_range = p_tasks;
	out_of_range.default_value = "0";
	cr_assert_eq(pb_value_default(&out_of_range, &a, &v, &why), PB_ERROR);
	pb_arena_free(&a);
}

static const char *fmt(const struct pb_value *v)
{
	static char buf[256];
	pb_value_format(v, buf, sizeof(buf));
	return buf;
}

Test(value, format)
{
	struct pb_arena a = {0};
	struct pb_value v;
	const char *nums[] = {"1", "-2", "3e3"};
	const char *words[] = {"a", "b"};

	cr_assert_str_eq(fmt(&(struct pb_value){PB_INT, 0, {.i = -42}}), "-42");
	cr_assert_str_eq(fmt(&(struct pb_value){PB_SIZE, 0, {.i = 1 << 30}}),
			 "1073741824");
	cr_assert_str_eq(fmt(&(struct pb_value){PB_FLOAT, 0, {.f = 0.1}}),
			 "0.1");
	cr_assert_str_eq(fmt(&(struct pb_value){PB_DURATION, 0, {.f = 120}}),
			 "120");
	cr_assert_str_eq(fmt(&(struct pb_value){PB_BOOL, 0, {.b = true}}),
			 "true");
	cr_assert_str_eq(fmt(&(struct pb_value){PB_BOOL, 0, {.b = false}}),
			 "false");
	cr_assert_str_eq(fmt(&(struct pb_value){PB_ENUM, 0, {.s = "static"}}),
			 "static");
	pb_value_from_items(&(struct pb_param){"n", PB_INT_LIST, NULL,
					       PB_NO_MIN, PB_NO_MAX, NULL,
					       NULL},
			    nums, 3, &a, &v, &why);
	cr_assert_str_eq(fmt(&v), "1;-2;3000");
	pb_value_from_items(&p_words, words, 2, &a, &v, &why);
	cr_assert_str_eq(fmt(&v), "a;b");
	pb_value_from_items(&p_words, NULL, 0, &a, &v, &why);
	cr_assert_str_eq(fmt(&v), "");
	pb_arena_free(&a);
}

Test(value, format_reports_the_length_it_needed)
{
	struct pb_value v = {PB_INT, 0, {.i = 123456789}};
	char small[4];

	cr_assert_eq(pb_value_format(&v, small, sizeof(small)), 9);
	cr_assert_str_eq(small, "123");
	cr_assert_eq(pb_value_format(&v, NULL, 0), 9);
}

Test(value, float_format_round_trips)
{
	double xs[] = {0.1, 1.0 / 3, 1e-300, 123456.789, 2.5e15};
	char buf[64];
	for (size_t k = 0; k < PB_COUNT(xs); k++) {
		struct pb_value v = {PB_FLOAT, 0, {.f = xs[k]}};
		double back;
		pb_value_format(&v, buf, sizeof(buf));
		cr_assert_eq(pb_parse_float(buf, &back, &why), PB_OK);
		cr_assert_eq(back, xs[k], "%s", buf);
	}
}

Test(value, equal)
{
	struct pb_arena a = {0};
	struct pb_value x, y;
	const char *n1[] = {"1", "2"}, *n2[] = {"1", "3"}, *n3[] = {"1"};
	const char *w1[] = {"a", "b"}, *w2[] = {"a", "c"};

	x = parse_ok(&p_tasks, "1e3", &a);
	y = parse_ok(&p_tasks, "1000", &a);
	cr_assert(pb_value_equal(&x, &y));
	y = parse_ok(&p_tasks, "1001", &a);
	cr_assert_not(pb_value_equal(&x, &y));
	y = parse_ok(&p_block, "1000", &a); /* same number, other type */
	cr_assert_not(pb_value_equal(&x, &y));
	x = parse_ok(&p_label, "abc", &a);
	y = parse_ok(&p_label, "abc", &a);
	cr_assert(pb_value_equal(&x, &y));
	pb_value_from_items(&p_nums, n1, 2, &a, &x, &why);
	pb_value_from_items(&p_nums, n1, 2, &a, &y, &why);
	cr_assert(pb_value_equal(&x, &y));
	pb_value_from_items(&p_nums, n2, 2, &a, &y, &why);
	cr_assert_not(pb_value_equal(&x, &y));
	pb_value_from_items(&p_nums, n3, 1, &a, &y, &why);
	cr_assert_not(pb_value_equal(&x, &y));
	pb_value_from_items(&p_nums, NULL, 0, &a, &x, &why);
	pb_value_from_items(&p_nums, NULL, 0, &a, &y, &why);
	cr_assert(pb_value_equal(&x, &y));
	pb_value_from_items(&p_words, w1, 2, &a, &x, &why);
	pb_value_from_items(&p_words, w2, 2, &a, &y, &why);
	cr_assert_not(pb_value_equal(&x, &y));
	pb_value_from_items(&p_words, w1, 2, &a, &y, &why);
	cr_assert(pb_value_equal(&x, &y));
	pb_arena_free(&a);
}

Test(value, doubles_print_shortest_exact)
{
	char buf[64];
	double xs[] = {0.2, 1.0 / 3, 3.141592653589793, 1e-300, 2.5e9, 0};

	pb_format_double(0.2, buf, sizeof(buf));
	cr_assert_str_eq(buf, "0.2");
	pb_format_double(2.5e9, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2500000000");
	for (size_t k = 0; k < sizeof(xs) / sizeof(xs[0]); k++) {
		pb_format_double(xs[k], buf, sizeof(buf));
		cr_assert_eq(strtod(buf, NULL), xs[k], "%s", buf);
	}
}

Test(value, text_is_whole_however_long)
{
	struct pb_arena a = {0};
	struct pb_err why = {{0}};
	struct pb_value v;
	static const char *words[3000];
	const struct pb_param p = {"w",	      PB_STRING_LIST, NULL, PB_NO_MIN,
				   PB_NO_MAX, NULL,	      NULL};

	for (size_t k = 0; k < PB_COUNT(words); k++)
		words[k] = k + 1 < PB_COUNT(words) ? "word" : "last";
	cr_assert_eq(
	    pb_value_from_items(&p, words, PB_COUNT(words), &a, &v, &why),
	    PB_OK, "%s", why.msg);
	char *text = pb_value_text(&v);
	cr_assert_not_null(text);
	/* 3000 words of 4 letters and 2999 ';': far beyond 8 KiB. */
	cr_assert_eq(strlen(text), 3000 * 4 + 2999);
	cr_assert_str_eq(text + strlen(text) - 5, ";last");
	free(text);
	pb_arena_free(&a);
}
