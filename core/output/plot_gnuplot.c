/*
 * plot_gnuplot.c — running gnuplot: one process per chart script, without
 * a shell, in the charts folder, its output in charts/gnuplot.log, killed
 * when stuck; and checking that it made both images.
 */
#include "plot_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A chart that takes longer than this is stuck: gnuplot is killed. */
#define GNUPLOT_TIMEOUT_MS 60000

bool pb_plot_available(void)
{
	const char *path = getenv("PATH");
	char file[4096];

	if (!path)
		path = "/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t len = strcspn(p, ":");
		snprintf(file, sizeof(file), "%.*s/gnuplot", (int)len,
			 len ? p : ".");
		if (access(file, X_OK) == 0)
			return true;
		p += len + (p[len] == ':');
	}
	return false;
}

/* Waits for pid, killing it after GNUPLOT_TIMEOUT_MS; its wait status. */
static int wait_child(pid_t pid, bool *timed_out)
{
	struct timespec tick = {0, 10 * 1000 * 1000};
	int status = 0;

	*timed_out = false;
	for (int ms = 0;; ms += 10) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		if (ms >= GNUPLOT_TIMEOUT_MS) {
			*timed_out = true;
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			return status;
		}
		nanosleep(&tick, NULL);
	}
}

/* The end of charts/gnuplot.log, on one line, for an error message. */
static void log_tail(const char *log, char *buf, size_t len)
{
	char text[600];
	int fd = open(log, O_RDONLY | O_CLOEXEC);
	off_t end = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
	ssize_t n = 0;

	buf[0] = '\0';
	if (end < 0)
		goto out;
	off_t from =
	    end > (off_t)sizeof(text) - 1 ? end - (off_t)sizeof(text) + 1 : 0;
	n = pread(fd, text, sizeof(text) - 1, from);
	n = n < 0 ? 0 : n;
	text[n] = '\0';
	while (n > 0 && strchr(" \n\r\t", text[n - 1]))
		text[--n] = '\0';
	for (char *p = text; *p; p++)
		*p = *p == '\n' ? '|' : *p;
	snprintf(buf, len, "%s", text);
out:
	if (fd >= 0)
		close(fd);
}

static int check_image(const char *charts, const char *name, const char *ext,
		       struct pb_err *err)
{
	char path[8192];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s.%s", charts, name, ext);
	if (stat(path, &st) != 0 || st.st_size == 0)
		return pb_fail(err,
			       "%s: gnuplot exited well but made no "
			       "image; see %s/gnuplot.log",
			       path, charts);
	return PB_OK;
}

static int spawn_gnuplot(const char *charts, const char *script, int logfd,
			 pid_t *pid, struct pb_err *err)
{
	char *argv[] = {"gnuplot", "--default-settings", (char *)script, NULL};
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (devnull < 0)
		return pb_fail(err, "/dev/null: %s", strerror(errno));
	*pid = fork();
	if (*pid == 0) {
		/* The child: only async-signal-safe calls until exec. */
		if (chdir(charts) != 0 || dup2(devnull, 0) < 0 ||
		    dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
			_exit(126);
		execvp("gnuplot", argv);
		_exit(127);
	}
	close(devnull);
	if (*pid < 0)
		return pb_fail(err, "cannot start gnuplot: fork: %s",
			       strerror(errno));
	return PB_OK;
}

static int render(const char *charts, const char *name, int logfd,
		  const char *log, struct pb_err *err)
{
	char script[600], tail[400], head[700];
	bool timed_out;
	pid_t pid = -1;

	snprintf(script, sizeof(script), "%s.gp", name);
	snprintf(head, sizeof(head), "== gnuplot --default-settings %s\n",
		 script);
	if (write(logfd, head, strlen(head)) < 0)
		return pb_fail(err, "%s: cannot write: %s", log,
			       strerror(errno));
	if (spawn_gnuplot(charts, script, logfd, &pid, err))
		return PB_ERROR;
	int status = wait_child(pid, &timed_out);
	if (timed_out)
		return pb_fail(err,
			       "%s/%s: gnuplot took more than %d s and "
			       "was stopped",
			       charts, script, GNUPLOT_TIMEOUT_MS / 1000);
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_tail(log, tail, sizeof(tail));
		return pb_fail(
		    err, "%s/%s: gnuplot failed (%s %d): %s", charts, script,
		    status >= 0 && WIFSIGNALED(status) ? "signal" : "exit",
		    status < 0		  ? -1
		    : WIFSIGNALED(status) ? WTERMSIG(status)
					  : WEXITSTATUS(status),
		    tail);
	}
	if (check_image(charts, name, "png", err) ||
	    check_image(charts, name, "svg", err))
		return PB_ERROR;
	return PB_OK;
}

int pb_plot_render_all(const char *dir, const char *charts, char **names,
		       size_t n, struct pb_err *err)
{
	char log[8192];
	int fd, rc = PB_OK;

	if (!pb_plot_available())
		return pb_fail(err,
			       "gnuplot is not installed (not on PATH), "
			       "so the charts were not drawn; their scripts "
			       "and data are in %s. Install it with "
			       "`sudo apt-get install gnuplot-nox` (or "
			       "scripts/install-deps.sh), then run "
			       "`parabench plot %s`",
			       charts, dir);
	snprintf(log, sizeof(log), "%s/gnuplot.log", charts);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return pb_fail(err, "%s: cannot create: %s", log,
			       strerror(errno));
	for (size_t k = 0; k < n && rc == PB_OK; k++)
		rc = render(charts, names[k], fd, log, err);
	close(fd);
	return rc;
}
