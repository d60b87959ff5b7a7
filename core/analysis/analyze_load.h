/*
 * analyze_load.h — reading the analysis' inputs: runs.csv,
 * experiments.csv and meta.json (analyze_load.c).
 */
#ifndef PB_ANALYZE_LOAD_H
#define PB_ANALYZE_LOAD_H

#include "analyze_state.h"

/* The core count dir/meta.json gives, or 0: only a fallback, never fatal. */
unsigned pb_an_meta_cores(const char *dir);

/*
 * The text of key in dir/meta.json, a copy in arena, or "" when there is
 * no such file or key (NULL only when out of memory).
 */
const char *pb_an_meta_text(const char *dir, const char *key,
			    struct pb_arena *arena);

/*
 * Reads a->dir's runs.csv (a cut-short last row dropped), experiments.csv
 * and meta.json's core count into a, resolving the columns. Fails naming
 * the file, line and what was expected.
 */
int pb_an_load_inputs(struct analysis *a, struct pb_err *err);

#endif
