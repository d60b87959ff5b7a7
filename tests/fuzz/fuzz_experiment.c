/*
 * fuzz_experiment.c — libFuzzer target for the experiment loader.
 *
 * Feeds each input to pb_experiment_parse with the plugins of a build
 * (loaded once: $PB_BUILD/plugins, else plugins/ or ../plugins beside the
 * fuzzer binary), expands the cells of small accepted files, and checks the
 * loader's promises: a refused input gives exactly one line that starts
 * with "fuzz.yaml:" and leaves nothing allocated. Counts go into a volatile
 * so the optimiser cannot drop the work.
 *
 * Build with every core source but core/main.c, and run:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=undefined -std=gnu11 -Iinclude -Icore \
 *     tests/fuzz/fuzz_experiment.c $(ls core/[!m]*.c core/m[!a]*.c) \
 *     -o build/fuzz_experiment -lyaml -lm -pthread
 *   build/fuzz_experiment -max_total_time=60 -dict=tests/fuzz/experiment.dict \
 *     CORPUS_DIR tests/bad experiments
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "experiment/cells.h"
#include "experiment/experiment.h"

/* Accepted files up to this many cells are expanded too. */
#define EXPAND_MAX 4096

static struct pb_registry registry;
static volatile size_t sink;

static int try_dir(const char *dir)
{
	struct pb_err err = {{0}};

	if (access(dir, R_OK) != 0)
		return PB_ERROR;
	if (pb_registry_load_dir(&registry, dir, &err) != PB_OK) {
		fprintf(stderr, "fuzz_experiment: %s\n", err.msg);
		return PB_ERROR;
	}
	return PB_OK;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[PATH_MAX], exe[PATH_MAX];
	const char *build = getenv("PB_BUILD");
	ssize_t n;

	(void)argc;
	(void)argv;
	if (build && *build) {
		snprintf(dir, sizeof(dir), "%s/plugins", build);
		if (try_dir(dir) == PB_OK)
			return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		snprintf(dir, sizeof(dir), "%s/plugins", exe);
		if (try_dir(dir) == PB_OK)
			return 0;
		snprintf(dir, sizeof(dir), "%s/../plugins", exe);
		if (try_dir(dir) == PB_OK)
			return 0;
	}
	fprintf(stderr, "fuzz_experiment: no plugin folder found; set "
			"PB_BUILD to a build folder\n");
	return 0;
}

static void expand(const struct pb_experiment_file *f)
{
	struct pb_cells cells;
	struct pb_err err;
	size_t n = pb_cells_count(f);

	sink += n;
	if (n > EXPAND_MAX)
		return;
	if (pb_cells_expand(f, &cells, &err) != PB_OK)
		__builtin_trap(); /* only out of memory may fail here */
	for (size_t k = 0; k < cells.n; k++)
		sink +=
		    cells.items[k].spec.workers + cells.items[k].spec.wargs.n;
	pb_cells_free(&cells);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pb_experiment_file f;
	struct pb_err err = {{0}};

	if (pb_experiment_parse("fuzz.yaml", (const char *)data, size,
				&registry, &f, &err) == PB_OK) {
		expand(&f);
		pb_experiment_free(&f);
		return 0;
	}
	/* A refusal: one located line, nothing left allocated. */
	if (strncmp(err.msg, "fuzz.yaml:", 10) != 0 || strchr(err.msg, '\n') ||
	    f.arena.head || f.items)
		__builtin_trap();
	sink += strlen(err.msg);
	return 0;
}
