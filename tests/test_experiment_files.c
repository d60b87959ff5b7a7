/*
 * test_experiment_files.c — the experiment files shipped in experiments/
 * and experiments/examples/ stay valid: `parabench validate` accepts each
 * one, the notebook's files are all there, and demo.yaml (what `make run`
 * runs) touches every workload and strategy plugin of the build.
 *
 * The repository is found by walking up from PB_BUILD, then from the
 * current directory, to the first folder holding experiments/ and
 * include/parabench/plugin.h, so the test runs from any build folder
 * (build/, build/<name>/, an absolute path) and any working directory.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "experiment/cells.h"
#include "experiment/experiment.h"
#include "pbt_files.h"
#include "pbtest.h"

/* The notebook's questions, one file each (see the README). */
static const char *const notebook_files[] = {
    "pi.yaml",	       "primes.yaml", "copy.yaml",
    "fetch.yaml",      "pipe.yaml",   "amdahl.yaml",
    "spin-check.yaml", "demo.yaml",   "python-gil.yaml",
};

static bool is_repo_root(const char *dir)
{
	char path[PATH_MAX];

	pbt_fmt(path, "%s/include/parabench/plugin.h", dir);
	if (access(path, R_OK) != 0)
		return false;
	pbt_fmt(path, "%s/experiments", dir);
	return access(path, R_OK | X_OK) == 0;
}

/* Walks up from start; fills root and returns true when found. */
static bool find_root_from(const char *start, char *root, size_t len)
{
	char dir[PATH_MAX];

	if (!realpath(start, dir))
		return false;
	for (;;) {
		if (is_repo_root(dir)) {
			snprintf(root, len, "%s", dir);
			return true;
		}
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			return false;
		*slash = '\0';
	}
}

/* The repository root; fails the test when neither walk finds it. */
static const char *repo_root(void)
{
	static char root[PATH_MAX];

	if (find_root_from(pbt_build(), root, sizeof(root)) ||
	    find_root_from(".", root, sizeof(root)))
		return root;
	cr_assert_fail("no folder with experiments/ and "
		       "include/parabench/plugin.h above PB_BUILD (%s) or the "
		       "current directory",
		       pbt_build());
	return NULL;
}

static bool is_yaml(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

/*
 * Validates every *.yaml of folder (relative to the root) with the real
 * binary, expecting exit 0 and "valid" on stdout; returns how many.
 */
static size_t validate_folder(const char *folder)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *e;
	size_t n = 0;

	snprintf(dir, sizeof(dir), "%s/%s", repo_root(), folder);
	DIR *d = opendir(dir);
	cr_assert_not_null(d, "cannot open %s", dir);
	while ((e = readdir(d))) {
		if (!is_yaml(e->d_name))
			continue;
		pbt_fmt(path, "%s/%s", dir, e->d_name);
		/* Its strategy is built only where Open MPI's headers are. */
		if (strcmp(e->d_name, "mpi.yaml") == 0 &&
		    !pbt_have_strategy("mpi")) {
			printf("[SKIP] %s: this build has no mpi strategy\n",
			       path);
			n++;
			continue;
		}
		const char *argv[] = {"validate", path, NULL};
		struct pbt_proc p;
		pbt_parabench(&p, argv);
		cr_expect_eq(p.status, 0, "%s: exit %d\n%s%s", path, p.status,
			     p.out, p.err);
		cr_expect_not_null(strstr(p.out, "valid"), "%s: stdout: %s",
				   path, p.out);
		pbt_proc_free(&p);
		n++;
	}
	closedir(d);
	return n;
}

TestSuite(experiment_files, .timeout = 60);

Test(experiment_files, every_experiment_file_validates)
{
	size_t n = validate_folder("experiments");

	cr_assert_geq(n, sizeof(notebook_files) / sizeof(notebook_files[0]),
		      "only %zu files in experiments/", n);
}

Test(experiment_files, every_example_validates)
{
	cr_assert_gt(validate_folder("experiments/examples"), 0,
		     "no *.yaml in experiments/examples");
}

Test(experiment_files, each_notebook_question_has_its_file)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(notebook_files) / sizeof(*notebook_files);
	     i++) {
		snprintf(path, sizeof(path), "%s/experiments/%s", repo_root(),
			 notebook_files[i]);
		cr_expect_eq(access(path, R_OK), 0, "missing %s", path);
	}
}

/* Whether the experiments of f use plugin p (as workload or strategy). */
static bool uses(const struct pb_experiment_file *f, const struct pb_plugin *p)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct pb_experiment *x = &f->items[i];
		if (x->workload == p)
			return true;
		for (size_t k = 0; k < x->nstrategies; k++)
			if (x->strategies[k].plugin == p)
				return true;
	}
	return false;
}

Test(experiment_files, demo_touches_every_plugin)
{
	const struct pb_registry *reg = pbt_registry();
	struct pb_experiment_file f;
	struct pb_err err = {{0}};
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/experiments/demo.yaml", repo_root());
	cr_assert_eq(pb_experiment_load(path, reg, &f, &err), PB_OK, "%s",
		     err.msg);
	for (size_t i = 0; i < reg->n; i++) {
		const struct pb_plugin *p = reg->items[i].plugin;
		/* Optional at build time (Open MPI): demo.yaml must run
		 * without it; experiments/mpi.yaml is its tour. */
		if (p->kind == PB_KIND_STRATEGY && strcmp(p->name, "mpi") == 0)
			continue;
		cr_expect(uses(&f, p), "demo.yaml does not use the %s '%s'",
			  p->kind == PB_KIND_WORKLOAD ? "workload" : "strategy",
			  p->name);
	}
	pb_experiment_free(&f);
}

/* The check above must be able to fail: a broken file is refused. */
Test(experiment_files, validate_refuses_a_broken_file)
{
	char *dir = pbt_tmpdir();
	char path[PATH_MAX];
	struct pbt_proc p;

	snprintf(path, sizeof(path), "%s/broken.yaml", dir);
	pbt_write(path, "name: broken\nworkload: pi\nstrategies: [serial]\n"
			"workers: [0]\n");
	const char *argv[] = {"validate", path, NULL};
	pbt_parabench(&p, argv);
	cr_expect_eq(p.status, 2, "exit %d\n%s%s", p.status, p.out, p.err);
	cr_expect_not_null(strstr(p.err, "broken.yaml:4:"), "stderr: %s",
			   p.err);
	pbt_proc_free(&p);
	unlink(path);
	rmdir(dir);
}
