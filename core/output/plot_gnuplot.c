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

#include "lib/msg.h"
#include "lib/path.h"

/* A chart that takes longer than this is stuck: gnuplot is killed. */
#define GNUPLOT_TIMEOUT_MS 60000

bool pb_plot_available(void)
{
	const char *path = getenv("PATH");
	char file[PB_PATH_MAX];

	if (!path)
		path = "/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t len = strcspn(p, ":");
		/* An entry too long for a path names no program: skipped. */
		if (!pb_path_fmt(file, sizeof(file), NULL, "%.*s/gnuplot",
				 (int)len, len ? p : ".") &&
		    access(file, X_OK) == 0)
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

/* The most of gnuplot's output that is searched for its message. */
#define LOG_SCAN_BYTES 65536

/* True when line (len bytes) holds only spaces, tabs and carets. */
static bool only_marks(const char *line, size_t len)
{
	for (size_t k = 0; k < len; k++)
		if (!strchr(" \t^\r", line[k]))
			return false;
	return true;
}

/* The span of line p (len bytes) without its leading blanks. */
static const char *skip_blanks(const char *p, size_t *len)
{
	while (*len && (*p == ' ' || *p == '\t'))
		p++, (*len)--;
	return p;
}

/*
 * gnuplot's own message, from what it wrote to the log after offset from:
 * its last line that names the script ("x.gp" line 36: all points y value
 * undefined!), a warning only when there is nothing else, followed by the
 * command it echoed above its caret (cut short); otherwise the last line
 * that is neither such an echo nor a caret.
 */
static void gnuplot_message(const char *log, off_t from, const char *script,
			    char *buf, size_t len)
{
	char *text = malloc(LOG_SCAN_BYTES + 1), prefix[700];
	int fd = open(log, O_RDONLY | O_CLOEXEC);
	off_t end = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
	const char *best = NULL, *warn = NULL, *other = NULL, *echo = NULL;
	const char *best_echo = NULL, *prev = NULL;
	size_t best_len = 0, warn_len = 0, other_len = 0, echo_len = 0;
	size_t best_echo_len = 0, prev_len = 0;
	ssize_t n = 0;

	pb_msg_fmt(buf, len, "(gnuplot said nothing; see %s)", log);
	if (!text || end < 0)
		goto out;
	if (end - from > LOG_SCAN_BYTES)
		from = end - LOG_SCAN_BYTES;
	n = pread(fd, text, LOG_SCAN_BYTES, from);
	if (n <= 0)
		goto out;
	text[n] = '\0';
	snprintf(prefix, sizeof(prefix), "\"%s\" line ", script);
	for (const char *p = text; *p;) {
		size_t l = strcspn(p, "\n");
		if (!strncmp(p, prefix, strlen(prefix))) {
			bool w = false;
			for (size_t k = 0; k + 10 <= l && !w; k++)
				w = !memcmp(p + k, ": warning:", 10);
			if (w) {
				warn = p, warn_len = l;
			} else {
				best = p, best_len = l;
				best_echo = echo, best_echo_len = echo_len;
			}
			echo = NULL;
		} else if (l && only_marks(p, l)) {
			echo = prev, echo_len = prev_len;
		} else if (l && strncmp(p, "== ", 3)) {
			other = p, other_len = l;
		}
		prev = p, prev_len = l;
		p += l + (p[l] == '\n');
	}
	if (!best)
		best = warn, best_len = warn_len;
	if (!best)
		best = other, best_len = other_len;
	if (!best)
		goto out;
	if (best_echo)
		best_echo = skip_blanks(best_echo, &best_echo_len);
	snprintf(buf, len, "%.*s%s%.*s%s", (int)best_len, best,
		 best_echo ? " (in: " : "",
		 (int)(best_echo_len > 160 ? 160 : best_echo_len),
		 best_echo ? best_echo : "",
		 !best_echo	       ? ""
		 : best_echo_len > 160 ? " ...)"
				       : ")");
out:
	free(text);
	if (fd >= 0)
		close(fd);
}

static int check_image(const char *charts, const char *name, const char *ext,
		       struct pb_err *err)
{
	char path[PB_PATH_MAX];
	struct stat st;

	if (pb_path_fmt(path, sizeof(path), err, "%s/%s.%s", charts, name, ext))
		return PB_ERROR;
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
	char script[600], said[600], head[700];
	bool timed_out;
	pid_t pid = -1;
	off_t from = lseek(logfd, 0, SEEK_END);

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
		gnuplot_message(log, from < 0 ? 0 : from, script, said,
				sizeof(said));
		return pb_fail(
		    err, "%s/%s: gnuplot failed (%s %d): %s", charts, script,
		    status >= 0 && WIFSIGNALED(status) ? "signal" : "exit",
		    status < 0		  ? -1
		    : WIFSIGNALED(status) ? WTERMSIG(status)
					  : WEXITSTATUS(status),
		    said);
	}
	if (check_image(charts, name, "png", err) ||
	    check_image(charts, name, "svg", err))
		return PB_ERROR;
	return PB_OK;
}

int pb_plot_render_all(const char *dir, const char *charts, char **names,
		       size_t n, struct pb_err *err)
{
	char log[PB_PATH_MAX];
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
	if (pb_path_join(log, sizeof(log), charts, "gnuplot.log", err))
		return PB_ERROR;
	/* O_NOFOLLOW: a link planted there is refused, never written through. */
	fd = open(log,
		  O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC |
		      O_NOFOLLOW,
		  0644);
	if (fd < 0)
		return pb_fail(err, "%s: cannot create: %s", log,
			       strerror(errno));
	for (size_t k = 0; k < n && rc == PB_OK; k++)
		rc = render(charts, names[k], fd, log, err);
	close(fd);
	return rc;
}
