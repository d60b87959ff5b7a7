/*
 * pbt_bad_cases.c — the generated bad-input cases (see pbt_bad_cases.h).
 */
#include "pbt_bad_cases.h"

#include <criterion/criterion.h>
#include <stdio.h>

static const struct pbt_bad_case cases[] = {
    [PBT_BAD_LONG_VALUE] =
	{"long-value.yaml", "workload: pi\nstrategies: serial\ndescription: \"",
	 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "", "\"\n",
	 200000, 3,
	 "a value of 10000000 bytes; expected at most 65536 "
	 "bytes per value"},
    [PBT_BAD_LONG_LIST] = {"long-list.yaml",
			   "workload: pi\nstrategies: serial\nworkers: [",
			   "1, ", "", "1]\n", 3500000, 3,
			   "more than 262144 YAML values"},
    [PBT_BAD_DEEP_LISTS] = {"deep.yaml",
			    "workload: pi\nstrategies: serial\nparams: "
			    "{samples: ",
			    "[", "]", "}\n", 10000, 3,
			    "nested more than 64 deep"},
    [PBT_BAD_DEEP_MAPS] = {"deep-map.yaml", "", "{a: ", "", "1\n", 10000, 1,
			   "nested more than 64 deep"},
    [PBT_BAD_HUGE_FILE] = {"huge.yaml", "workload: pi\nstrategies: serial\n",
			   "# padding padding padding padding padding\n", "",
			   "", 420000, 1, "expected a smaller experiment file"},
};

const struct pbt_bad_case *pbt_bad_case(enum pbt_bad_case_id id)
{
	return &cases[id];
}

const char *pbt_bad_case_write(const struct pbt_bad_case *c, const char *dir)
{
	static char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, c->name);
	f = fopen(path, "w");
	cr_assert_not_null(f, "cannot write %s", path);
	fputs(c->head, f);
	for (size_t k = 0; k < c->n; k++)
		fputs(c->open, f);
	for (size_t k = 0; k < c->n; k++)
		fputs(c->close, f);
	fputs(c->tail, f);
	cr_assert_eq(fclose(f), 0, "cannot write %s", path);
	return path;
}
