/*
 * value.c — reading and writing parameter values (see value.h).
 */
#include "value.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#define NUM_MAX 128

/*
 * Copies text without the '_' separators into buf. A '_' must stand between
 * two digits, so "1__0", "_1" and "1_" are refused.
 */
static int strip_separators(const char *text, char *buf, size_t len,
			    struct pb_err *why)
{
	size_t n = 0;

	for (const char *p = text; *p; p++) {
		if (*p == '_') {
			if (p == text || !isdigit((unsigned char)p[-1]) ||
			    !isdigit((unsigned char)p[1]))
				return pb_fail(why,
					       "'_' must stand between two "
					       "digits, got '%s'",
					       text);
			continue;
		}
		if (n + 1 >= len)
			return pb_fail(why, "number too long: '%.40s...'",
				       text);
		buf[n++] = *p;
	}
	buf[n] = '\0';
	return PB_OK;
}

/* Parses the whole of buf as a long double; false if anything is left. */
static bool parse_ld(const char *buf, long double *out)
{
	char *end;

	if (!*buf || isspace((unsigned char)*buf))
		return false;
	errno = 0;
	*out = strtold(buf, &end);
	return *end == '\0' && errno == 0 && isfinite(*out);
}

int pb_parse_int(const char *text, int64_t *out, struct pb_err *why)
{
	char buf[NUM_MAX];
	long double v;

	if (strip_separators(text, buf, sizeof(buf), why))
		return PB_ERROR;
	if (strpbrk(buf, "xXpP") || !parse_ld(buf, &v))
		return pb_fail(why,
			       "expected an integer such as 42, 10_000 or "
			       "1e7, got '%s'",
			       text);
	if (v != truncl(v))
		return pb_fail(why, "expected a whole number, got '%s'", text);
	/* 2^63 is exact in long double; anything at or above overflows. */
	if (v >= 9223372036854775808.0L || v < -9223372036854775808.0L)
		return pb_fail(why,
			       "'%s' is out of range: integers are at most "
			       "9.2e18",
			       text);
	*out = (int64_t)v;
	return PB_OK;
}

int pb_parse_float(const char *text, double *out, struct pb_err *why)
{
	char buf[NUM_MAX];
	long double v;

	if (strip_separators(text, buf, sizeof(buf), why))
		return PB_ERROR;
	if (strpbrk(buf, "xXpP") || !parse_ld(buf, &v) || !isfinite((double)v))
		return pb_fail(why,
			       "expected a number such as 0.25 or 1e-3, got "
			       "'%s'",
			       text);
	*out = (double)v;
	return PB_OK;
}

/* Splits "12.5 GiB" into the number and the unit that follows it. */
static int split_unit(const char *text, char *num, size_t len,
		      const char **unit)
{
	const char *p = text;

	while (*p && (isdigit((unsigned char)*p) || strchr("+-._eE", *p))) {
		/* An 'e' not followed by a digit or sign starts a unit. */
		if ((*p == 'e' || *p == 'E') &&
		    !(isdigit((unsigned char)p[1]) || p[1] == '-' ||
		      p[1] == '+'))
			break;
		p++;
	}
	if ((size_t)(p - text) >= len)
		return PB_ERROR;
	memcpy(num, text, p - text);
	num[p - text] = '\0';
	while (*p == ' ')
		p++;
	*unit = p;
	return PB_OK;
}

struct unit {
	const char *name;
	long double scale;
};

static const struct unit size_units[] = {
    {"", 1},
    {"B", 1},
    {"k", 1024.0L},
    {"K", 1024.0L},
    {"M", 1048576.0L},
    {"G", 1073741824.0L},
    {"T", 1099511627776.0L},
    {"KiB", 1024.0L},
    {"MiB", 1048576.0L},
    {"GiB", 1073741824.0L},
    {"TiB", 1099511627776.0L},
    {"kB", 1e3L},
    {"KB", 1e3L},
    {"MB", 1e6L},
    {"GB", 1e9L},
    {"TB", 1e12L},
};

static const struct unit duration_units[] = {
    {"", 1},	   {"s", 1},  {"ns", 1e-9L}, {"us", 1e-6L},
    {"ms", 1e-3L}, {"m", 60}, {"min", 60},   {"h", 3600},
};

static bool find_unit(const struct unit *units, size_t n, const char *name,
		      long double *scale)
{
	for (size_t k = 0; k < n; k++)
		if (strcmp(units[k].name, name) == 0) {
			*scale = units[k].scale;
			return true;
		}
	return false;
}

/* A number with a unit, scaled; shared by sizes and durations. */
static int parse_scaled(const char *text, const struct unit *units, size_t n,
			long double *out)
{
	char num[NUM_MAX], buf[NUM_MAX];
	const char *unit;
	long double v, scale;

	if (split_unit(text, num, sizeof(num), &unit) ||
	    strip_separators(num, buf, sizeof(buf), NULL) ||
	    !parse_ld(buf, &v) || !find_unit(units, n, unit, &scale))
		return PB_ERROR;
	*out = v * scale;
	return PB_OK;
}

int pb_parse_size(const char *text, int64_t *out, struct pb_err *why)
{
	long double v;

	if (parse_scaled(text, size_units, PB_COUNT(size_units), &v))
		return pb_fail(why,
			       "expected a size such as 4096, 4k, 250M or "
			       "1GiB, got '%s'",
			       text);
	if (v < 0)
		return pb_fail(why, "a size cannot be negative, got '%s'",
			       text);
	/* Round first: 2^63 - 0.5 would round to 2^63 and overflow llroundl. */
	v = roundl(v);
	if (v >= 9223372036854775808.0L)
		return pb_fail(why, "size '%s' is out of range", text);
	*out = (int64_t)v;
	return PB_OK;
}

int pb_parse_duration(const char *text, double *out, struct pb_err *why)
{
	long double v;

	if (parse_scaled(text, duration_units, PB_COUNT(duration_units), &v))
		return pb_fail(why,
			       "expected a duration such as 20ms, 1.5s or "
			       "2m, got '%s'",
			       text);
	if (v < 0)
		return pb_fail(why, "a duration cannot be negative, got '%s'",
			       text);
	/* A long double beyond DBL_MAX (1e400, 1e308h) would become inf. */
	if (!isfinite((double)v))
		return pb_fail(why, "duration '%s' is out of range", text);
	*out = v == 0 ? 0.0 : (double)v; /* "-0" is 0, not -0 */
	return PB_OK;
}

int pb_parse_bool(const char *text, bool *out, struct pb_err *why)
{
	static const char *yes[] = {"true", "yes", "on"};
	static const char *no[] = {"false", "no", "off"};

	for (size_t k = 0; k < 3; k++) {
		if (strcasecmp(text, yes[k]) == 0)
			return *out = true, PB_OK;
		if (strcasecmp(text, no[k]) == 0)
			return *out = false, PB_OK;
	}
	return pb_fail(why, "expected true or false, got '%s'", text);
}

const char *pb_type_name(enum pb_type type)
{
	switch (type) {
	case PB_INT:
		return "int";
	case PB_FLOAT:
		return "float";
	case PB_SIZE:
		return "size";
	case PB_DURATION:
		return "duration";
	case PB_STRING:
		return "string";
	case PB_ENUM:
		return "enum";
	case PB_BOOL:
		return "bool";
	case PB_INT_LIST:
		return "int list";
	case PB_STRING_LIST:
		return "string list";
	}
	return "?";
}

const char *pb_range_text(const struct pb_param *p, char *buf, size_t len)
{
	bool number = p->type == PB_INT || p->type == PB_FLOAT ||
		      p->type == PB_SIZE || p->type == PB_DURATION ||
		      p->type == PB_INT_LIST;
	bool lo = !isinf(p->min), hi = !isinf(p->max);

	if (!number || (!lo && !hi))
		snprintf(buf, len, "%s", "");
	else if (lo && hi)
		snprintf(buf, len, "%.15g to %.15g", p->min, p->max);
	else if (lo)
		snprintf(buf, len, "at least %.15g", p->min);
	else
		snprintf(buf, len, "at most %.15g", p->max);
	return buf;
}

/* The position of word among the '|'-separated choices, or -1. */
static long choice_index(const char *choices, const char *word)
{
	size_t n = strlen(word);
	long index = 0;

	for (const char *p = choices; p && *p; index++) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncmp(p, word, n) == 0)
			return index;
		p = bar ? bar + 1 : NULL;
	}
	return -1;
}

/* Bounds are explicit: PB_NO_MIN and PB_NO_MAX (infinities) for none. */
static int check_range(const struct pb_param *p, double v, const char *text,
		       struct pb_err *why)
{
	if (v >= p->min && v <= p->max)
		return PB_OK;
	if (isinf(p->max))
		return pb_fail(why,
			       "%s is out of range: expected at least %.15g",
			       text, p->min);
	if (isinf(p->min))
		return pb_fail(why,
			       "%s is out of range: expected at most %.15g",
			       text, p->max);
	return pb_fail(why, "%s is out of range: expected %.15g to %.15g", text,
		       p->min, p->max);
}

/* The element type of a list type; scalar types are their own. */
static enum pb_type element_type(enum pb_type t)
{
	return t == PB_INT_LIST ? PB_INT : t == PB_STRING_LIST ? PB_STRING : t;
}

int pb_value_parse(const struct pb_param *p, const char *text,
		   struct pb_arena *arena, struct pb_value *out,
		   struct pb_err *why)
{
	out->type = element_type(p->type);
	out->index = 0;
	switch (out->type) {
	case PB_INT:
	case PB_SIZE:
		if ((out->type == PB_INT ? pb_parse_int(text, &out->u.i, why)
					 : pb_parse_size(text, &out->u.i, why)))
			return PB_ERROR;
		return check_range(p, (double)out->u.i, text, why);
	case PB_FLOAT:
	case PB_DURATION:
		if ((out->type == PB_FLOAT
			 ? pb_parse_float(text, &out->u.f, why)
			 : pb_parse_duration(text, &out->u.f, why)))
			return PB_ERROR;
		return check_range(p, out->u.f, text, why);
	case PB_BOOL:
		return pb_parse_bool(text, &out->u.b, why);
	case PB_ENUM: {
		long index = choice_index(p->choices, text);
		if (index < 0)
			return pb_fail(why, "expected one of %s, got '%s'",
				       p->choices, text);
		out->index = (uint32_t)index;
	}
		/* fall through */
	case PB_STRING:
		out->u.s = pb_arena_strdup(arena, text);
		return out->u.s ? PB_OK : pb_fail(why, "out of memory");
	default:
		return pb_fail(why, "internal: bad parameter type");
	}
}

int pb_value_from_items(const struct pb_param *p, const char *const *items,
			size_t n, struct pb_arena *arena, struct pb_value *out,
			struct pb_err *why)
{
	int64_t *ints = pb_arena_alloc(arena, (n ? n : 1) * sizeof(*ints));
	const char **strs = pb_arena_alloc(arena, (n ? n : 1) * sizeof(*strs));

	if (!ints || !strs)
		return pb_fail(why, "out of memory");
	for (size_t k = 0; k < n; k++) {
		struct pb_value e;
		if (pb_value_parse(p, items[k], arena, &e, why))
			return PB_ERROR;
		if (p->type == PB_INT_LIST)
			ints[k] = e.u.i;
		else
			strs[k] = e.u.s;
	}
	out->type = p->type;
	out->index = 0;
	if (p->type == PB_INT_LIST) {
		out->u.ints.n = n;
		out->u.ints.v = ints;
	} else {
		out->u.strings.n = n;
		out->u.strings.v = strs;
	}
	return PB_OK;
}

/* Strips leading and trailing white space in place. */
static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Splits "[a, b, c]" into trimmed non-empty items, in the arena. */
static int split_list(const char *text, struct pb_arena *arena,
		      const char ***items, size_t *n)
{
	size_t len = strlen(text), count = 0;
	char *inner, *save = NULL;

	if (len < 2 || text[0] != '[' || text[len - 1] != ']')
		return PB_ERROR;
	inner = pb_arena_strndup(arena, text + 1, len - 2);
	*items = pb_arena_alloc(arena, (len + 1) * sizeof(**items));
	if (!inner || !*items)
		return PB_ERROR;
	for (char *tok = strtok_r(inner, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *item = trim(tok);
		if (*item)
			(*items)[count++] = item;
	}
	*n = count;
	return PB_OK;
}

int pb_value_default(const struct pb_param *p, struct pb_arena *arena,
		     struct pb_value *out, struct pb_err *why)
{
	const char **items;
	size_t n;

	if (!p->default_value)
		return pb_fail(why, "parameter '%s' is required", p->name);
	if (p->type != PB_INT_LIST && p->type != PB_STRING_LIST)
		return pb_value_parse(p, p->default_value, arena, out, why);
	if (split_list(p->default_value, arena, &items, &n))
		return pb_fail(why, "bad list default '%s' of '%s'",
			       p->default_value, p->name);
	return pb_value_from_items(p, items, n, arena, out, why);
}

int pb_format_double(double x, char *buf, size_t len)
{
	char tmp[64];
	int n = 0;

	for (int digits = 15; digits <= 17; digits++) {
		n = snprintf(tmp, sizeof(tmp), "%.*g", digits, x);
		if (strtod(tmp, NULL) == x || isnan(x))
			break;
	}
	snprintf(buf, len, "%s", tmp);
	return n;
}

/* snprintf at offset *used of buf, tolerating truncation. */
__attribute__((format(printf, 4, 5))) static void append(char *buf, size_t len,
							 size_t *used,
							 const char *fmt, ...)
{
	va_list ap;
	size_t at = *used < len ? *used : len;

	va_start(ap, fmt);
	int n = vsnprintf(buf + at, len - at, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n;
}

int pb_value_format(const struct pb_value *v, char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	switch (v->type) {
	case PB_INT:
	case PB_SIZE:
		append(buf, len, &used, "%lld", (long long)v->u.i);
		break;
	case PB_FLOAT:
	case PB_DURATION: {
		char num[64];
		pb_format_double(v->u.f, num, sizeof(num));
		append(buf, len, &used, "%s", num);
		break;
	}
	case PB_BOOL:
		append(buf, len, &used, "%s", v->u.b ? "true" : "false");
		break;
	case PB_STRING:
	case PB_ENUM:
		append(buf, len, &used, "%s", v->u.s);
		break;
	case PB_INT_LIST:
		for (size_t k = 0; k < v->u.ints.n; k++)
			append(buf, len, &used, "%s%lld", k ? ";" : "",
			       (long long)v->u.ints.v[k]);
		break;
	case PB_STRING_LIST:
		for (size_t k = 0; k < v->u.strings.n; k++)
			append(buf, len, &used, "%s%s", k ? ";" : "",
			       v->u.strings.v[k]);
		break;
	}
	return (int)used;
}

char *pb_value_text(const struct pb_value *v)
{
	int n = pb_value_format(v, NULL, 0);
	char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;

	if (text)
		pb_value_format(v, text, (size_t)n + 1);
	return text;
}

bool pb_value_equal(const struct pb_value *a, const struct pb_value *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case PB_INT:
	case PB_SIZE:
		return a->u.i == b->u.i;
	case PB_FLOAT:
	case PB_DURATION:
		return a->u.f == b->u.f;
	case PB_BOOL:
		return a->u.b == b->u.b;
	case PB_STRING:
	case PB_ENUM:
		return strcmp(a->u.s, b->u.s) == 0;
	case PB_INT_LIST:
		return a->u.ints.n == b->u.ints.n &&
		       (a->u.ints.n == 0 ||
			memcmp(a->u.ints.v, b->u.ints.v,
			       a->u.ints.n * sizeof(int64_t)) == 0);
	case PB_STRING_LIST:
		if (a->u.strings.n != b->u.strings.n)
			return false;
		for (size_t k = 0; k < a->u.strings.n; k++)
			if (strcmp(a->u.strings.v[k], b->u.strings.v[k]))
				return false;
		return true;
	}
	return false;
}
