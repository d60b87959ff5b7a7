/*
 * pbt_bad_cases.h — the bad-input cases too big to commit (a 10 MB line,
 * 10,000 levels of nesting, a file over the size limit): generated into a
 * folder by the tests that check them through the loader and the CLI.
 */
#ifndef PB_TEST_BAD_CASES_H
#define PB_TEST_BAD_CASES_H

#include <stddef.h>

enum pbt_bad_case_id {
	PBT_BAD_LONG_VALUE, /* a 10 MB line holding one value */
	PBT_BAD_LONG_LIST,  /* a 10 MB line of list elements */
	PBT_BAD_DEEP_LISTS, /* 10,000 nested flow lists */
	PBT_BAD_DEEP_MAPS,  /* 10,000 nested flow mappings */
	PBT_BAD_HUGE_FILE,  /* a file beyond the 16 MiB limit */
};

/* A file: head, n x open, n x close, tail; refused at line with want. */
struct pbt_bad_case {
	const char *name, *head, *open, *close, *tail;
	size_t n;
	unsigned line;
	const char *want;
};

/* The case of that id. */
const struct pbt_bad_case *pbt_bad_case(enum pbt_bad_case_id id);

/*
 * Writes case c into dir (which may be relative) and returns its path, in
 * a static buffer valid until the next call. Fails the test on error.
 */
const char *pbt_bad_case_write(const struct pbt_bad_case *c, const char *dir);

#endif
