/*
 * cli_stdio.c — the program's standard streams and its exit: fds 0-2 are
 * always taken, an output error on stdout is an error, and a plugin that
 * ends the program while it loads is named.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/*
 * A closed 0, 1 or 2 would be handed to the next open(): runs.csv as fd 2
 * would receive the progress line, and a plugin's printf would land in a
 * file. /dev/null takes the place, opened in the other direction (as glibc
 * does for set-user-ID programs), so that a write to a closed stdout still
 * fails and is reported at exit.
 */
void cli_reserve_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int got = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
		if (got < 0 || got != fd) /* 0-2 are taken in order */
			_exit(EXIT_USAGE);
	}
}

int cli_close_stdout(int rc)
{
	bool pending = __fpending(stdout) != 0;
	bool failed = ferror(stdout) != 0;

	errno = 0;
	bool close_failed = fclose(stdout) != 0;
	int e = errno;

	/* Like coreutils' close_stdout: nothing written to a closed stdout
	 * is no error; anything lost is. (stdout is closed: no cli_error.) */
	if (!failed && !(close_failed && (pending || e != EBADF)))
		return rc;
	fprintf(stderr, "parabench: cannot write to standard output%s%s\n",
		e ? ": " : "", e ? strerror(e) : "");
	return rc == 0 ? EXIT_NOT_OK : rc;
}

static void exit_in_plugin_code(void)
{
	const char *path = pb_registry_in_plugin_code();

	if (!path)
		return;
	cli_error("%s: the plugin ended the program while it was loaded or "
		  "unloaded (exit() in a constructor or destructor); remove "
		  "or fix it",
		  path);
	_exit(EXIT_USAGE);
}

void cli_guard_plugin_exit(void)
{
	atexit(exit_in_plugin_code);
}
