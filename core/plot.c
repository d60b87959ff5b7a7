/*
 * plot.c — chart data, scripts from the plots/ templates, and gnuplot
 * runs (see plot.h).
 *
 * A template is plain gnuplot with placeholders: an at-sign, capitals or
 * '_', an at-sign. Each is replaced by text made here; a placeholder this
 * code does not know is an error naming the template, so a typo in a
 * template cannot silently drop part of a chart. Everything put into a
 * script as a string is a single-quoted gnuplot literal (quotes doubled,
 * control characters made spaces), file names included.
 */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"
#include "csv_read.h"
#include "outdir.h"
#include "textbuf.h"

/* A chart that takes longer than this is stuck: gnuplot is killed. */
#define GNUPLOT_TIMEOUT_MS 60000

enum kind { K_SPEEDUP, K_TIME, K_EFFICIENCY, K_N };
static const char *const kind_names[K_N] = {"speedup", "time", "efficiency"};

/* Distinguishable on white, also in grey print; cycled beyond eight. */
static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c",
				     "#ff7f0e", "#9467bd", "#8c564b",
				     "#e377c2", "#17becf"};

/* One chart being made. */
struct chart {
	const struct pb_view *v;
	const struct pb_view_group *g;
	enum kind kind;
	char name[512];
	double tb; /* the baseline's median seconds, NaN without one */
	unsigned wmin, wmax;
};

void pb_chart_name(const char *kind, const char *group, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%s", kind, group);
	for (char *p = buf; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
			    "XYZ0123456789_.-",
			    *p))
			*p = '_';
}

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

/* ---- Values ----------------------------------------------------------- */

static double row_num(const struct chart *c, size_t row, const char *col)
{
	return pb_csv_num(&c->v->summary, row, col);
}

/* The value and its interval of one summary row for this chart's kind. */
static void row_values(const struct chart *c, size_t row, double out[3])
{
	double w = row_num(c, row, "workers");

	switch (c->kind) {
	case K_SPEEDUP:
		out[0] = row_num(c, row, "speedup");
		out[1] = row_num(c, row, "speedup_lo");
		out[2] = row_num(c, row, "speedup_hi");
		break;
	case K_TIME:
		out[0] = row_num(c, row, "median_s");
		out[1] = row_num(c, row, "ci_lo_s");
		out[2] = row_num(c, row, "ci_hi_s");
		break;
	default:
		out[0] = row_num(c, row, "efficiency");
		out[1] = row_num(c, row, "speedup_lo") / w;
		out[2] = row_num(c, row, "speedup_hi") / w;
	}
}

static bool has_data(const struct chart *c)
{
	double v[3];

	for (size_t k = 0; k < c->g->nrows; k++) {
		row_values(c, c->g->rows[k], v);
		if (isfinite(v[0]))
			return true;
	}
	return false;
}

/* The fit of series s: a and b when fits.csv has both, else false. */
static bool series_fit(const struct chart *c, size_t s, double *a, double *b)
{
	long f = c->g->series[s].fit;

	if (f < 0)
		return false;
	*a = pb_csv_num(&c->v->fits, (size_t)f, "a_s");
	*b = pb_csv_num(&c->v->fits, (size_t)f, "b_s");
	return isfinite(*a) && isfinite(*b);
}

/* ---- Text of the data file and the script ------------------------------ */

/* A single-quoted gnuplot string literal. */
static void gp_quote(struct pb_buf *b, const char *s)
{
	pb_buf_printf(b, "'");
	for (; *s; s++) {
		if (*s == '\'')
			pb_buf_printf(b, "''");
		else
			pb_buf_printf(b, "%c",
				      (unsigned char)*s < 0x20 ? ' ' : *s);
	}
	pb_buf_printf(b, "'");
}

static void dat_value(struct pb_buf *b, double v)
{
	if (isfinite(v))
		pb_buf_printf(b, " %.9g", v);
	else
		pb_buf_printf(b, " ?");
}

/* The rows of series s, sorted by workers (insertion sort: few rows). */
static void sorted_rows(const struct chart *c, size_t s, size_t *rows)
{
	const struct pb_view_series *se = &c->g->series[s];

	for (size_t k = 0; k < se->nrows; k++) {
		size_t r = se->rows[k], j = k;
		double w = row_num(c, r, "workers");
		while (j > 0 && row_num(c, rows[j - 1], "workers") > w) {
			rows[j] = rows[j - 1];
			j--;
		}
		rows[j] = r;
	}
}

static void dat_text(const struct chart *c, struct pb_buf *b, size_t *rows)
{
	pb_buf_printf(b,
		      "# %s.dat: data of %s.gp, from summary.csv\n"
		      "# workers value low high oversubscribed\n",
		      c->name, c->name);
	for (size_t s = 0; s < c->g->nseries; s++) {
		const struct pb_view_series *se = &c->g->series[s];
		pb_buf_printf(b, "%s# index %zu: %s\n", s ? "\n\n" : "", s,
			      se->label);
		sorted_rows(c, s, rows);
		for (size_t k = 0; k < se->nrows; k++) {
			double v[3], w = row_num(c, rows[k], "workers");
			row_values(c, rows[k], v);
			pb_buf_printf(b, "%g", w);
			dat_value(b, v[0]);
			dat_value(b, v[1]);
			dat_value(b, v[2]);
			pb_buf_printf(b, " %d\n",
				      c->g->cores && w > c->g->cores);
		}
	}
}

static void xtics(const struct chart *c, struct pb_buf *b)
{
	unsigned last = 0;

	/* Ascending distinct worker counts, found by repeated minimum. */
	for (;;) {
		unsigned next = 0;
		for (size_t k = 0; k < c->g->nrows; k++) {
			double w = row_num(c, c->g->rows[k], "workers");
			if (w > last && (next == 0 || w < next))
				next = (unsigned)w;
		}
		if (!next)
			break;
		pb_buf_printf(b, "%s%u", last ? ", " : "", next);
		last = next;
	}
}

/* Shades the worker counts above the machine's cores, if any. */
static void marks(const struct chart *c, struct pb_buf *b)
{
	unsigned above = 0, cores = c->g->cores;
	char text[96];

	for (size_t k = 0; cores && k < c->g->nrows; k++) {
		unsigned w = (unsigned)row_num(c, c->g->rows[k], "workers");
		if (w > cores && (above == 0 || w < above))
			above = w;
	}
	if (!above)
		return;
	/* Halfway between cores and the next count, on the log axis. */
	double edge = sqrt((double)cores * above);
	snprintf(text, sizeof(text), " more workers than cores (%u)", cores);
	pb_buf_printf(b,
		      "set object 1 rect from first %.6g, graph 0 to "
		      "graph 1, graph 1 fc rgb '#eeeeee' fs solid 1.0 "
		      "noborder behind\n"
		      "set label 1 ",
		      edge);
	gp_quote(b, text);
	/* Away from the key: it sits at the bottom of efficiency charts. */
	pb_buf_printf(b,
		      " at first %.6g, graph %s left "
		      "textcolor rgb '#666666'\n",
		      edge, c->kind == K_EFFICIENCY ? "0.95" : "0.04");
}

static void defs(const struct chart *c, struct pb_buf *b)
{
	double a, bb;

	if (isfinite(c->tb))
		pb_buf_printf(b, "Tb = %.17g  # the baseline's median, s\n",
			      c->tb);
	for (size_t s = 0; s < c->g->nseries; s++)
		if (series_fit(c, s, &a, &bb))
			pb_buf_printf(b,
				      "a%zu = %.17g; b%zu = %.17g  # %s: "
				      "T(p) = a + b/p\n",
				      s, a, s, bb, c->g->series[s].label);
}

/* The Amdahl curve of series s in this chart's quantity. */
static const char *fit_expr(const struct chart *c, size_t s, char *buf,
			    size_t len)
{
	if (c->kind == K_TIME)
		snprintf(buf, len, "a%zu + b%zu/x", s, s);
	else if (c->kind == K_SPEEDUP)
		snprintf(buf, len, "Tb/(a%zu + b%zu/x)", s, s);
	else
		snprintf(buf, len, "Tb/(a%zu + b%zu/x)/x", s, s);
	return buf;
}

static void series_title(const struct chart *c, size_t s, struct pb_buf *b)
{
	const struct pb_view_series *se = &c->g->series[s];
	double sf = se->fit < 0 ? NAN
				: pb_csv_num(&c->v->fits, (size_t)se->fit,
					     "serial_fraction");
	char t[512];

	if (isfinite(sf))
		snprintf(t, sizeof(t), "%s: s = %.2f", se->label, sf);
	else
		snprintf(t, sizeof(t), "%s", se->label);
	gp_quote(b, t);
}

static void plot_series(const struct chart *c, size_t s, struct pb_buf *b)
{
	const char *color = colors[s % PB_COUNT(colors)];
	char dat[600], expr[64];
	double a, bb;

	snprintf(dat, sizeof(dat), "%s.dat", c->name);
	pb_buf_printf(b, "%s", s ? ", \\\n     " : "plot ");
	gp_quote(b, dat);
	pb_buf_printf(b,
		      " index %zu using 1:2:3:4 with yerrorlines "
		      "lc rgb '%s' lw 2 pt 7 ps 1.1 title ",
		      s, color);
	series_title(c, s, b);
	pb_buf_printf(b, ", \\\n     ");
	gp_quote(b, dat);
	pb_buf_printf(b,
		      " index %zu using 1:($5 > 0 ? $2 : 1/0) with points "
		      "lc rgb '%s' pt 6 ps 2.4 lw 1.5 notitle",
		      s, color);
	if (series_fit(c, s, &a, &bb) && (c->kind == K_TIME || isfinite(c->tb)))
		pb_buf_printf(b,
			      ", \\\n     %s with lines lc rgb '%s' "
			      "dt (8,5) lw 1.5 notitle",
			      fit_expr(c, s, expr, sizeof(expr)), color);
}

static void plot_command(const struct chart *c, struct pb_buf *b)
{
	static const char *const ideal[K_N] = {"x", "Tb/x", "1"};
	static const char *const ideal_title[K_N] = {
	    "ideal (y = x)", "ideal (baseline / workers)", "ideal (1)"};

	for (size_t s = 0; s < c->g->nseries; s++)
		plot_series(c, s, b);
	if (c->kind != K_TIME || isfinite(c->tb))
		pb_buf_printf(b,
			      ", \\\n     %s with lines lc rgb '#555555' "
			      "dt 3 lw 1.5 title '%s'",
			      ideal[c->kind], ideal_title[c->kind]);
	pb_buf_printf(b, ", \\\n     NaN with lines lc rgb '#555555' "
			 "dt (8,5) lw 1.5 title 'Amdahl fit (dashed)'");
	if (c->g->cores && c->wmax > c->g->cores)
		pb_buf_printf(b, ", \\\n     NaN with points lc rgb '#555555' "
				 "pt 6 ps 2.4 title 'more workers than "
				 "cores'");
	pb_buf_printf(b, "\n");
}

static void title(const struct chart *c, struct pb_buf *b)
{
	static const char *const what[K_N] = {"speed-up", "wall time",
					      "efficiency"};
	char t[1024];

	if (c->g->label[0])
		snprintf(t, sizeof(t), "%s (%s): %s", c->g->experiment,
			 c->g->label, what[c->kind]);
	else
		snprintf(t, sizeof(t), "%s: %s", c->g->experiment,
			 what[c->kind]);
	gp_quote(b, t);
}

static void ylabel(const struct chart *c, struct pb_buf *b)
{
	char t[512];

	if (c->kind == K_TIME) {
		gp_quote(b, "median wall time (s)");
		return;
	}
	snprintf(
	    t, sizeof(t), "%sspeed-up over %s (%u worker%s)%s",
	    c->kind == K_SPEEDUP ? "" : "efficiency: ", c->g->baseline_strategy,
	    c->g->baseline_workers, c->g->baseline_workers == 1 ? "" : "s",
	    c->kind == K_SPEEDUP ? "" : " / workers");
	gp_quote(b, t);
}

/* The text for placeholder key, or false when the key is unknown. */
static bool fill(const struct chart *c, const char *key, size_t len,
		 struct pb_buf *b)
{
#define IS(k) (len == strlen(k) && memcmp(key, k, len) == 0)
	if (IS("HEADER"))
		pb_buf_printf(b,
			      "%s.gp: made by `parabench plot` from "
			      "plots/%s.gp. Re-render it in this folder "
			      "with: gnuplot %s.gp",
			      c->name, kind_names[c->kind], c->name);
	else if (IS("NAME"))
		pb_buf_printf(b, "%s", c->name);
	else if (IS("TITLE"))
		title(c, b);
	else if (IS("YLABEL"))
		ylabel(c, b);
	else if (IS("XTICS"))
		xtics(c, b);
	else if (IS("XMIN"))
		pb_buf_printf(b, "%.6g", c->wmin / 1.3);
	else if (IS("XMAX"))
		pb_buf_printf(b, "%.6g", c->wmax * 1.3);
	else if (IS("MARKS"))
		marks(c, b);
	else if (IS("DEFS"))
		defs(c, b);
	else if (IS("PLOT"))
		plot_command(c, b);
	else
		return false;
	return true;
#undef IS
}

static int fill_template(const struct chart *c, const char *tpl,
			 const char *tpl_path, struct pb_buf *b,
			 struct pb_err *err)
{
	for (const char *p = tpl; *p;) {
		size_t len = 0;
		if (*p == '@')
			len = strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
		if (!len || p[len + 1] != '@') {
			pb_buf_printf(b, "%c", *p++);
			continue;
		}
		if (!fill(c, p + 1, len, b))
			return pb_fail(err,
				       "%s: unknown placeholder @%.*s@; "
				       "known: HEADER NAME TITLE YLABEL XTICS "
				       "XMIN XMAX MARKS DEFS PLOT",
				       tpl_path, (int)len, p + 1);
		p += len + 2;
	}
	return PB_OK;
}

/* ---- Writing and rendering -------------------------------------------- */

static int write_text(const char *charts, const char *name, const char *ext,
		      const struct pb_buf *b, struct pb_err *err)
{
	char path[8192];

	snprintf(path, sizeof(path), "%s/%s.%s", charts, name, ext);
	if (b->oom)
		return pb_fail(err, "out of memory making %s", path);
	return pb_write_file_atomic(path, b->data ? b->data : "", b->len, err);
}

static void chart_range(struct chart *c)
{
	c->wmin = 0;
	c->wmax = 1;
	for (size_t k = 0; k < c->g->nrows; k++) {
		unsigned w = (unsigned)row_num(c, c->g->rows[k], "workers");
		c->wmin = c->wmin && c->wmin < w ? c->wmin : w;
		c->wmax = c->wmax > w ? c->wmax : w;
	}
	if (!c->wmin)
		c->wmin = 1;
}

/* Writes the .dat and .gp of one chart; *made says whether it had data. */
static int make_chart(struct chart *c, const char *charts, const char *tpl,
		      const char *tpl_path, bool *made, struct pb_err *err)
{
	struct pb_buf dat = {0}, gp = {0};
	size_t *rows = malloc((c->g->nrows + 1) * sizeof(size_t));
	int rc = PB_ERROR;

	*made = false;
	if (!rows)
		return pb_fail(err, "out of memory");
	c->tb =
	    c->g->base < 0 ? NAN : row_num(c, (size_t)c->g->base, "median_s");
	chart_range(c);
	if (!has_data(c) || (c->kind != K_TIME && !isfinite(c->tb))) {
		rc = PB_OK;
		goto out;
	}
	dat_text(c, &dat, rows);
	if (fill_template(c, tpl, tpl_path, &gp, err) ||
	    write_text(charts, c->name, "dat", &dat, err) ||
	    write_text(charts, c->name, "gp", &gp, err))
		goto out;
	*made = true;
	rc = PB_OK;
out:
	free(rows);
	pb_buf_free(&dat);
	pb_buf_free(&gp);
	return rc;
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

static int render_all(const char *dir, const char *charts, char **names,
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

static int read_templates(const char *templates_dir, char *text[K_N],
			  char path[K_N][4096], struct pb_err *err)
{
	struct pb_err why;
	size_t len;

	for (int k = 0; k < K_N; k++) {
		snprintf(path[k], 4096, "%s/%s.gp", templates_dir,
			 kind_names[k]);
		if (pb_read_whole_file(path[k], &text[k], &len, &why))
			return pb_fail(err,
				       "%s (a chart template); is "
				       "parabench's plots folder there?",
				       why.msg);
	}
	return PB_OK;
}

/* Writes every chart's files; names[] receives the charts made. */
static int make_all(const struct pb_view *v, const char *charts, char *tpl[K_N],
		    char tpl_path[K_N][4096], char **names, size_t *n,
		    struct pb_err *err)
{
	for (size_t g = 0; g < v->ngroups; g++) {
		for (int k = 0; k < K_N; k++) {
			struct chart c = {
			    .v = v, .g = &v->groups[g], .kind = (enum kind)k};
			bool made;
			pb_chart_name(kind_names[k], v->groups[g].id, c.name,
				      sizeof(c.name));
			if (make_chart(&c, charts, tpl[k], tpl_path[k], &made,
				       err))
				return PB_ERROR;
			if (made && !(names[(*n)++] = strdup(c.name)))
				return pb_fail(err, "out of memory");
		}
	}
	return PB_OK;
}

int pb_plot_dir(const char *dir, const char *templates_dir, struct pb_err *err)
{
	struct pb_view v;
	char charts[4096], tpl_path[K_N][4096], *tpl[K_N] = {0};
	char **names = NULL;
	size_t n = 0;
	int rc = PB_ERROR;

	if (pb_view_load(dir, &v, err))
		return PB_ERROR;
	snprintf(charts, sizeof(charts), "%s/charts", dir);
	names = calloc(v.ngroups * K_N + 1, sizeof(char *));
	if (!names) {
		pb_fail(err, "out of memory");
		goto out;
	}
	if (read_templates(templates_dir, tpl, tpl_path, err) ||
	    pb_mkdirs(charts, err) ||
	    make_all(&v, charts, tpl, tpl_path, names, &n, err))
		goto out;
	rc = render_all(dir, charts, names, n, err);
out:
	for (size_t k = 0; names && k < n; k++)
		free(names[k]);
	free(names);
	for (int k = 0; k < K_N; k++)
		free(tpl[k]);
	pb_view_free(&v);
	return rc;
}
