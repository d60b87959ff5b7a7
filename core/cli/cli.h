/*
 * cli.h — the commands of the parabench program. Each command parses its
 * own options, prints its own output and any error exactly once (to
 * stderr, as "parabench: ..."), and returns the process exit status:
 * 0 all well, 1 some cell not ok (or an output error), 2 bad usage or bad
 * input, 130/143 interrupted by SIGINT/SIGTERM.
 */
#ifndef PB_CLI_H
#define PB_CLI_H

#include <parabench/plugin.h>

#include "plugin/registry.h"

enum { EXIT_NOT_OK = 1, EXIT_USAGE = 2 };

int cli_run(int argc, char **argv);
int cli_list(int argc, char **argv);
int cli_validate(int argc, char **argv);
int cli_analyze(int argc, char **argv);
int cli_plot(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_compare(int argc, char **argv);
int cli_new(int argc, char **argv);

/*
 * The end of `run`: analysis, charts and report of dir. Problems are
 * printed as warnings (a missing gnuplot is not fatal); PB_ERROR when the
 * analysis or the report could not be written.
 */
int cli_finish_report(const char *dir, bool quiet);

/*
 * Lists on stderr the cells of dir with rows not ok: experiment, cell,
 * strategy, workers, the count per status and the first message's first
 * line (at most 20 cells). A problem reading runs.csv is printed instead.
 */
void cli_print_failures(const char *dir);

/* Prints "parabench: <message>" to stderr. */
__attribute__((format(printf, 1, 2))) void cli_error(const char *fmt, ...);

/*
 * Loads the default plugin folders plus dirs; prints the error and returns
 * PB_ERROR on failure.
 */
int cli_load_plugins(struct pb_registry *reg, const char *const *dirs,
		     size_t ndirs);

/*
 * Writes to buf the folder share/parabench/<name> of the installed copy
 * (beside the binary), or else <source tree>/<name> of a build tree.
 * PB_ERROR when neither exists.
 */
int cli_share_dir(const char *name, char *buf, size_t len);

/* The folder of gnuplot templates: beside the build or installed. */
const char *cli_plots_dir(void);

/*
 * Opens /dev/null on any of fds 0-2 that is closed, before anything else
 * is opened; ends the program (status 2) when it cannot.
 */
void cli_reserve_std_fds(void);

/*
 * Flushes and closes stdout; when output was lost (a closed stdout, a
 * full disk, a closed pipe) prints why and returns 1 if rc was 0, else rc.
 */
int cli_close_stdout(int rc);

/*
 * Makes an exit() from a plugin's constructor or destructor end the
 * program with status 2 and a message naming the plugin file. Call once.
 */
void cli_guard_plugin_exit(void);

/* The command line, joined with spaces, for meta.json. */
extern const char *cli_command_line;

#endif
