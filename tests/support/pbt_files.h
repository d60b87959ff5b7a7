/*
 * pbt_files.h — files for the tests: folders of the source tree (test
 * data, chart templates), a scratch folder per test filled with a copy of
 * tests/data (tests never write into tests/data), and whole-file reads and
 * writes. Every helper fails the test on error, naming the path.
 */
#ifndef PBT_FILES_H
#define PBT_FILES_H

#include <stdbool.h>

/*
 * The path of name ("tests/data", "plots") in the source tree: name itself
 * when it can be read from the current folder, else under the folder the
 * build was made from (PB_SOURCE_DIR). Returns a static buffer, valid
 * until the next call.
 */
const char *pbt_source_path(const char *name);

/*
 * Copies what folder from holds into folder to (made if missing), folders
 * recursively, leaving out names that begin with '.'. Regular files and
 * folders only.
 */
void pbt_copy_tree(const char *from, const char *to);

/*
 * Makes a new empty private folder under /tmp and makes it the test's
 * scratch folder, removing the previous one. Returns its path, owned by
 * these helpers and valid until pbt_scratch_remove or the next call.
 */
const char *pbt_scratch_new(void);

/* pbt_scratch_new, filled with a copy of tests/data/<name>. */
const char *pbt_scratch_data(const char *name);

/*
 * Removes the scratch folder and everything in it, if there is one; for a
 * TestSuite's .fini. Never fails.
 */
void pbt_scratch_remove(void);

/*
 * snprintf into the array buf, failing the test when the text does not
 * fit: a test's path is never silently cut either. Needs Criterion.
 */
#define pbt_fmt(buf, ...)                                                      \
	cr_assert_lt((size_t)snprintf(buf, sizeof(buf), __VA_ARGS__),          \
		     sizeof(buf), "does not fit in %zu bytes: %s",             \
		     sizeof(buf), buf)

/* Writes text to dir/name, replacing the file. */
void pbt_write_in(const char *dir, const char *name, const char *text);

/* The whole file at path, NUL-terminated; the caller frees it. */
char *pbt_read(const char *path);

/* True when the file at path holds needle. */
bool pbt_file_has(const char *path, const char *needle);

#endif
