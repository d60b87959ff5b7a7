/*
 * value.h — parsing and printing of parameter values.
 *
 * The one place that knows how "1e7", "10_000_000", "250M", "1GiB", "20ms"
 * and "yes" are read. Errors say what was expected and what was found, with
 * no location: the caller knows the file, line and column and prepends them.
 */
#ifndef PB_VALUE_H
#define PB_VALUE_H

#include <parabench/plugin.h>

#include "lib/arena.h"

/* An integer: optional sign, '_' between digits, optional integral exponent. */
int pb_parse_int(const char *text, int64_t *out, struct pb_err *why);

/* A finite floating-point number; '_' between digits allowed. */
int pb_parse_float(const char *text, double *out, struct pb_err *why);

/* A byte count: a number and an optional unit (k M G T, KiB.., kB.., B). */
int pb_parse_size(const char *text, int64_t *out, struct pb_err *why);

/* A duration in seconds: a number and an optional unit (ns us ms s m h). */
int pb_parse_duration(const char *text, double *out, struct pb_err *why);

/* true/false, yes/no, on/off (any case). */
int pb_parse_bool(const char *text, bool *out, struct pb_err *why);

/*
 * Writes the range of a number parameter to buf, as "1 to 1e+09", "at
 * least 1" or "at most 5"; "" when it has none (unbounded, or not a
 * number). Returns buf.
 */
const char *pb_range_text(const struct pb_param *p, char *buf, size_t len);

/* The word a user writes for a type in an error or in `parabench list`. */
const char *pb_type_name(enum pb_type type);

/*
 * Parses the text of one scalar for parameter p (for a list type: one
 * element) and checks it against p's range or choices. Strings are copied
 * into the arena. For list types, use pb_value_from_items.
 */
int pb_value_parse(const struct pb_param *p, const char *text,
		   struct pb_arena *arena, struct pb_value *out,
		   struct pb_err *why);

/* Builds a list value for p from n element texts, each parsed and checked. */
int pb_value_from_items(const struct pb_param *p, const char *const *items,
			size_t n, struct pb_arena *arena, struct pb_value *out,
			struct pb_err *why);

/*
 * The default of parameter p. A list default is written "[a, b]" (or "[]").
 * Fails when p has no default (it is required) or the default is malformed.
 */
int pb_value_default(const struct pb_param *p, struct pb_arena *arena,
		     struct pb_value *out, struct pb_err *why);

/*
 * Writes v as text for CSV and JSON: integers and sizes in full, floats and
 * durations (seconds) by pb_format_double, booleans as true/false, lists
 * joined by ';'. Returns the length it needed, like snprintf.
 */
int pb_value_format(const struct pb_value *v, char *buf, size_t len);

/*
 * v as pb_value_format writes it, whole however long (a list of any
 * length): a string the caller frees, or NULL when out of memory.
 */
char *pb_value_text(const struct pb_value *v);

/*
 * Writes x with the fewest significant digits (up to 17) that read back as
 * exactly x: 0.2, not 0.20000000000000001. Returns the length, like
 * snprintf.
 */
int pb_format_double(double x, char *buf, size_t len);

/* True when a and b hold the same value. */
bool pb_value_equal(const struct pb_value *a, const struct pb_value *b);

#endif
