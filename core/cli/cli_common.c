/*
 * cli_common.c — what every command shares: error printing, plugin
 * loading, where the gnuplot templates are.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "lib/path.h"

const char *cli_command_line = "";

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("parabench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_load_plugins(struct pb_registry *reg, const char *const *dirs,
		     size_t ndirs)
{
	struct pb_err err = {{0}};

	if (pb_registry_load_default(reg, dirs, ndirs, &err) == PB_OK)
		return PB_OK;
	cli_error("%s", err.msg);
	return PB_ERROR;
}

int cli_share_dir(const char *name, char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		if (snprintf(buf, len, "%s/../share/parabench/%s", exe, name) <
			(int)len &&
		    access(buf, R_OK) == 0)
			return PB_OK;
	}
#ifdef PB_SOURCE_DIR
	if (snprintf(buf, len, "%s/%s", PB_SOURCE_DIR, name) < (int)len &&
	    access(buf, R_OK) == 0)
		return PB_OK;
#endif
	return PB_ERROR;
}

/*
 * Installed, the templates are in ../share/parabench/plots beside the
 * binary; in a build tree, in the source tree the binary was built from.
 */
const char *cli_plots_dir(void)
{
	static char dir[PB_PATH_MAX];
	char exe[PB_PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	/* A candidate that does not fit (or a cut exe path) is passed over. */
	if (n > 0 && (size_t)n < sizeof(exe) - 1) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		if (!pb_path_join(dir, sizeof(dir), exe,
				  "../share/parabench/plots", NULL) &&
		    access(dir, R_OK) == 0)
			return dir;
	}
#ifdef PB_SOURCE_DIR
	if (!pb_path_join(dir, sizeof(dir), PB_SOURCE_DIR, "plots", NULL) &&
	    access(dir, R_OK) == 0)
		return dir;
#endif
	return "plots";
}
