/*
 * test_plot.c — charts from a hand-made results folder (tests/data,
 * copied to a temporary folder first): PNG and SVG files that gnuplot
 * really made, scripts that re-render from their own folder, quoting of
 * odd names, and the errors: no gnuplot, a bad template, gnuplot failing.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/textbuf.h"
#include "output/plot.h"
#include "pbt_files.h"
#include "pbt_gnuplot.h"

static const char *tmp; /* the scratch folder */

static void need_gnuplot(void)
{
	if (!pb_plot_available())
		cr_skip_test("gnuplot is not installed");
}

static off_t file_size(const char *fmt, const char *name)
{
	char path[8192];
	struct stat st;

	snprintf(path, sizeof(path), fmt, tmp, name);
	return stat(path, &st) == 0 ? st.st_size : -1;
}

static bool file_starts(const char *path, const void *magic, size_t n)
{
	char buf[64];
	int fd = open(path, O_RDONLY);
	bool ok = fd >= 0 && read(fd, buf, n) == (ssize_t)n &&
		  memcmp(buf, magic, n) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

static void plot_ok(void)
{
	struct pb_err err = {{0}};
	cr_assert_eq(pb_plot_dir(tmp, pbt_source_path("plots"), &err), PB_OK,
		     "%s", err.msg);
}

TestSuite(plot, .fini = pbt_scratch_remove);

Test(plot, png_and_svg_for_every_chart)
{
	static const char *const made[] = {
	    "speedup-scaling-1",   "time-scaling-1",	"efficiency-scaling-1",
	    "time-scaling-2",	   "speedup-oversub-1", "time-oversub-1",
	    "efficiency-oversub-1"};
	char path[8192];

	need_gnuplot();
	tmp = pbt_scratch_data("results-basic");
	plot_ok();
	for (size_t k = 0; k < PB_COUNT(made); k++) {
		snprintf(path, sizeof(path), "%s/charts/%s.png", tmp, made[k]);
		cr_assert(file_starts(path, "\x89PNG\r\n\x1a\n", 8),
			  "%s is not a PNG", path);
		cr_assert_gt(file_size("%s/charts/%s.png", made[k]), 5000);
		snprintf(path, sizeof(path), "%s/charts/%s.svg", tmp, made[k]);
		cr_assert(pbt_file_has(path, "<svg"), "%s is not an SVG", path);
		cr_assert_gt(file_size("%s/charts/%s.gp", made[k]), 0);
		cr_assert_gt(file_size("%s/charts/%s.dat", made[k]), 0);
	}
	/* scaling-2 has no baseline: no speed-up or efficiency chart. */
	cr_assert_eq(file_size("%s/charts/%s.gp", "speedup-scaling-2"), -1);
	cr_assert_eq(file_size("%s/charts/%s.png", "efficiency-scaling-2"), -1);
	/* Plotting analysed runs.csv first; gnuplot fitted nothing. */
	cr_assert_gt(file_size("%s/%s", "summary.csv"), 0);
	cr_assert_gt(file_size("%s/%s", "fits.csv"), 0);
	cr_assert_eq(file_size("%s/%s", "fit.log"), -1);
	cr_assert_eq(file_size("%s/charts/%s", "fit.log"), -1);
	cr_assert_geq(file_size("%s/charts/%s", "gnuplot.log"), 0);
}

Test(plot, scripts_carry_the_fit_and_the_oversubscription)
{
	char path[8192];

	need_gnuplot();
	tmp = pbt_scratch_data("results-basic");
	plot_ok();
	snprintf(path, sizeof(path), "%s/charts/speedup-scaling-1.gp", tmp);
	/* Both axes logarithmic: the ideal y = x is a straight line. */
	cr_assert(pbt_file_has(path, "set logscale xy 2\n"));
	cr_assert(pbt_file_has(path, "\n     x with lines"));
	cr_assert(pbt_file_has(path, "set xtics (1, 2, 4)"));
	cr_assert(pbt_file_has(path, "set ytics (1, 1.5, 2, 3, 4)"));
	cr_assert(pbt_file_has(path, "'speedup-scaling-1.dat' index 1"));
	/* The fit only across the worker counts fitted (4 > 2 cores). */
	cr_assert(pbt_file_has(path, "(x >= 1 && x <= 2 ? Tb/(a1 + b1/x) : "
				     "1/0) with lines"));
	cr_assert(pbt_file_has(path, "more workers than cores (2)"));
	cr_assert(pbt_file_has(path, "'pthreads (schedule=static): s = 0.20, "
				     "exact (2 points)'"));
	/* The control: drawn, labelled, not fitted. */
	cr_assert(pbt_file_has(path, "title 'serial (control)'"));
	cr_assert_not(pbt_file_has(path, "a0 ="));
	/* The caption: points, bars and their coverage, n, the machine. */
	cr_assert(pbt_file_has(path, "n = 3 to 10 runs per point"));
	cr_assert(pbt_file_has(path, "min to max where n < 6 (covers only "
				     "75%)"));
	cr_assert(pbt_file_has(path, "'Host testhost, 2 cores; shaded: more "
				     "workers than cores."));
	cr_assert_not(pbt_file_has(path, "@"), "a placeholder was left");
	/* experiments.csv predates node_cores: no band beyond a node. */
	cr_assert_not(pbt_file_has(path, "set object 2"));
	cr_assert_not(pbt_file_has(path, "NUMA"));
	cr_assert(pbt_file_has(path, "set bmargin 8\n"));
	snprintf(path, sizeof(path), "%s/charts/speedup-scaling-1.dat", tmp);
	cr_assert(pbt_file_has(path, "4 2.5 2.39024 2.61538 1\n"));
}

/* results-basic with cores and node_cores (text, "" for none) as given. */
static void plot_with_nodes(const char *cores, const char *node)
{
	char exps[1024];

	tmp = pbt_scratch_data("results-basic");
	snprintf(exps, sizeof(exps),
		 "experiment,workload,workload_params,strategy_params,"
		 "baseline_strategy,baseline_workers,fit_oversubscribed,"
		 "repetitions,warmup,cores,node_cores,metric_units\n"
		 "scaling,spin,work;serial,schedule,serial,1,false,3,1,%s,%s,"
		 "estimate=GB/s\n"
		 "oversub,spin,work;serial,,fork,1,true,3,1,%s,%s,"
		 "estimate=GB/s\n",
		 cores, node, cores, node);
	pbt_write_in(tmp, "experiments.csv", exps);
	plot_ok();
}

static bool chart_has(const char *chart, const char *text)
{
	char path[8192];

	snprintf(path, sizeof(path), "%s/charts/%s.gp", tmp, chart);
	return pbt_file_has(path, text);
}

/*
 * 1 core per NUMA node, 2 cores, workers 1, 2, 4: 2 is beyond one node
 * (a light band from halfway between 1 and 2 to halfway between 2 and 4),
 * 4 beyond the cores (the dark band as before); a caption line says which
 * is which, and that the band beyond a node is fitted.
 */
Test(plot, workers_beyond_one_numa_node_are_shaded_lighter)
{
	need_gnuplot();
	plot_with_nodes("2", "1");
	cr_assert(chart_has("speedup-scaling-1",
			    "set object 2 rect from first 1.41421, graph 0 to "
			    "first 2.82843, graph 1 fc rgb '#f6f6f6' fs solid "
			    "1.0 noborder behind\n"
			    "set label 2 ' beyond one NUMA node (1 core)' at "
			    "first 1.41421, graph 0.10 left"));
	cr_assert(chart_has("speedup-scaling-1",
			    "set object 1 rect from first 2.82843, graph 0 to "
			    "graph 1, graph 1 fc rgb '#eeeeee'"));
	cr_assert(chart_has("speedup-scaling-1", "set bmargin 9.5\n"));
	cr_assert(chart_has("speedup-scaling-1",
			    "'Host testhost, 2 cores, 1 in the smallest NUMA "
			    "node. Dashed: Amdahl fit"));
	cr_assert(chart_has("speedup-scaling-1",
			    "set label 104 'Shaded light: beyond one NUMA "
			    "node, some workers on another node''s cores "
			    "(fitted: real cores); dark: more workers than "
			    "cores.'"));
	/* Efficiency charts keep their labels at the top, off the key. */
	cr_assert(chart_has("efficiency-oversub-1",
			    "' beyond one NUMA node (1 core)' at first "
			    "1.41421, graph 0.89 left"));
	/* A metric chart has no fit to speak of. */
	cr_assert(chart_has("metric-estimate-scaling-1",
			    "beyond one NUMA node, some workers on another "
			    "node''s cores; dark"));
}

/*
 * 4 cores per node of 8: scaling (1, 2, 4) has no count beyond a node, so
 * no band (the caption still gives the node); oversub's 8 is beyond a
 * node but within the cores: a light band to the right edge, no dark one.
 */
Test(plot, the_band_beyond_a_node_needs_a_count_in_it)
{
	need_gnuplot();
	plot_with_nodes("8", "4");
	cr_assert_not(chart_has("speedup-scaling-1", "set object"));
	cr_assert(chart_has("speedup-scaling-1",
			    "'Host testhost, 8 cores, 4 in the smallest NUMA "
			    "node. Dashed"));
	cr_assert_not(chart_has("speedup-scaling-1", "Shaded light"));
	cr_assert(chart_has("speedup-oversub-1",
			    "set object 2 rect from first 5.65685, graph 0 to "
			    "graph 1, graph 1 fc rgb '#f6f6f6'"));
	cr_assert_not(chart_has("speedup-oversub-1", "set object 1 "));
	cr_assert(chart_has("speedup-oversub-1", "(fitted: real cores).'"));
}

/* A node as large as the machine (or none) shades nothing new. */
Test(plot, a_node_of_every_core_is_no_band)
{
	need_gnuplot();
	plot_with_nodes("2", "2");
	cr_assert_not(chart_has("speedup-scaling-1", "NUMA"));
	cr_assert_not(chart_has("speedup-scaling-1", "set object 2"));
	cr_assert(chart_has("speedup-scaling-1",
			    "'Host testhost, 2 cores; shaded: more workers "
			    "than cores."));
	pbt_scratch_remove();
	plot_with_nodes("2", "");
	cr_assert_not(chart_has("speedup-scaling-1", "NUMA"));
}

/* Runs gnuplot on script inside dir, as a user would; its exit status. */
static int gnuplot_in(const char *dir, const char *script)
{
	int status;
	pid_t pid = fork();

	cr_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (chdir(dir) != 0)
			_exit(126);
		dup2(null, 1);
		dup2(null, 2);
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(plot, scripts_rerender_from_their_folder)
{
	char charts[4096], png[8192];

	need_gnuplot();
	tmp = pbt_scratch_data("results-basic");
	plot_ok();
	snprintf(charts, sizeof(charts), "%s/charts", tmp);
	snprintf(png, sizeof(png), "%s/time-oversub-1.png", charts);
	cr_assert_eq(unlink(png), 0);
	cr_assert_eq(gnuplot_in(charts, "time-oversub-1.gp"), 0);
	cr_assert_gt(file_size("%s/charts/%s", "time-oversub-1.png"), 5000);
}

Test(plot, odd_names_are_quoted)
{
	char path[8192];

	need_gnuplot();
	tmp = pbt_scratch_new();
	pbt_write_in(
	    tmp, "runs.csv",
	    "experiment,cell,workload,strategy,workers,repetition,status,"
	    "wall_s,param_label,message\n"
	    "it's odd,1,w,serial,1,1,ok,1.0,\"it's, \"\"odd\"\"\",\n"
	    "it's odd,2,w,serial,2,1,ok,1.0,\"it's, \"\"odd\"\"\",\n"
	    "it's odd,3,w,threads,2,1,ok,0.5,\"it's, \"\"odd\"\"\",\n"
	    "it's odd,4,w,serial,1,1,ok,1.0,plain,\n");
	pbt_write_in(tmp, "experiments.csv",
		     "experiment,workload,workload_params,strategy_params,"
		     "baseline_strategy,baseline_workers,fit_oversubscribed,"
		     "cores\n"
		     "it's odd,w,label,,serial,1,false,2\n");
	plot_ok();
	cr_assert_gt(file_size("%s/charts/%s", "speedup-it_s_odd-1.png"), 5000);
	snprintf(path, sizeof(path), "%s/charts/speedup-it_s_odd-1.gp", tmp);
	cr_assert(pbt_file_has(path, "'it''s odd (label=it''s, \"odd\"): "
				     "speed-up'"));
}

Test(plot, without_gnuplot_says_how_to_install_it)
{
	struct pb_err err = {{0}};

	tmp = pbt_scratch_data("results-basic");
	setenv("PATH", "/nonexistent-for-this-test", 1);
	cr_assert_not(pb_plot_available());
	cr_assert_eq(pb_plot_dir(tmp, pbt_source_path("plots"), &err),
		     PB_ERROR);
	cr_assert(strstr(err.msg, "gnuplot is not installed"), "%s", err.msg);
	cr_assert(strstr(err.msg, "apt-get install gnuplot-nox"), "%s",
		  err.msg);
	cr_assert(strstr(err.msg, "scripts/install-deps.sh"), "%s", err.msg);
	/* The CSVs, scripts and data are there; the images are not. */
	cr_assert_gt(file_size("%s/%s", "summary.csv"), 0);
	cr_assert_gt(file_size("%s/charts/%s", "speedup-scaling-1.gp"), 0);
	cr_assert_gt(file_size("%s/charts/%s", "speedup-scaling-1.dat"), 0);
	cr_assert_eq(file_size("%s/charts/%s", "speedup-scaling-1.png"), -1);
}

/* A copy of plots/ in tmp/tpl whose speedup.gp gets extra text. */
static const char *bad_templates(const char *extra)
{
	static char dir[4096];
	char path[8192];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/tpl", tmp);
	cr_assert_eq(mkdir(dir, 0755), 0);
	pbt_copy_tree(pbt_source_path("plots"), dir);
	snprintf(path, sizeof(path), "%s/speedup.gp", dir);
	f = fopen(path, "a");
	cr_assert(f);
	fputs(extra, f);
	fclose(f);
	return dir;
}

Test(plot, unknown_placeholder_is_an_error)
{
	struct pb_err err = {{0}};

	tmp = pbt_scratch_data("results-basic");
	const char *tpl = bad_templates("set label '@BOGUS@'\n");
	cr_assert_eq(pb_plot_dir(tmp, tpl, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "speedup.gp: unknown placeholder @BOGUS@"),
		  "%s", err.msg);
}

Test(plot, missing_templates_are_named)
{
	struct pb_err err = {{0}};

	tmp = pbt_scratch_data("results-basic");
	cr_assert_eq(pb_plot_dir(tmp, "/nonexistent/plots", &err), PB_ERROR);
	cr_assert(strstr(err.msg, "/nonexistent/plots/speedup.gp"), "%s",
		  err.msg);
	cr_assert(strstr(err.msg, "chart template"), "%s", err.msg);
}

Test(plot, gnuplot_failure_is_reported_with_its_words)
{
	struct pb_err err = {{0}};

	need_gnuplot();
	tmp = pbt_scratch_data("results-basic");
	const char *tpl = bad_templates("set no_such_option_at_all\n");
	cr_assert_eq(pb_plot_dir(tmp, tpl, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "speedup-scaling-1.gp: gnuplot failed "
				  "(exit 1)"),
		  "%s", err.msg);
	cr_assert(strstr(err.msg, "no_such_option_at_all"), "%s", err.msg);
}

Test(plot, bad_results_folder_fails_before_plotting)
{
	struct pb_err err = {{0}};

	tmp = pbt_scratch_new();
	cr_assert_eq(pb_plot_dir(tmp, pbt_source_path("plots"), &err),
		     PB_ERROR);
	cr_assert(strstr(err.msg, "runs.csv: cannot open"), "%s", err.msg);
	cr_assert_eq(file_size("%s/%s", "charts"), -1);
}

Test(plot, chart_names_are_safe_file_names)
{
	char name[64];

	pb_chart_name("speedup", "a b/c'd-1", name, sizeof(name));
	cr_assert_str_eq(name, "speedup-a_b_c_d-1");
	pb_chart_name("time", "ok_name.v2-3", name, sizeof(name));
	cr_assert_str_eq(name, "time-ok_name.v2-3");
}

/* A name that ends a comment or a string and runs a shell if written raw. */
#define HOSTILE "x'\nsystem 'touch PWNED' #`touch PWNED` @m"

static bool pwned(const char *dir)
{
	char path[8192];

	pbt_fmt(path, "%s/PWNED", dir);
	return access(path, F_OK) == 0;
}

Test(plot, hostile_names_never_run)
{
	static const char *const bad[] = {"system", "touch", "PWNED", NULL};
	static const char *const scripts[] = {
	    "speedup-ex__system__touch_PWNED____touch_PWNED___m-1.gp",
	    "time-ex__system__touch_PWNED____touch_PWNED___m-2.gp"};
	char charts[8192], meta[8192];

	need_gnuplot();
	tmp = pbt_scratch_new();
	/* Experiment, strategies, workload and strategy parameter values,
	 * a metric name, the description and the host: all hostile. */
	pbt_write_in(
	    tmp, "runs.csv",
	    "experiment,cell,workload,strategy,workers,repetition,status,"
	    "wall_s,param_size,param_tag,\"metric_m" HOSTILE "\",message\n"
	    "\"e" HOSTILE "\",1,w,\"s" HOSTILE "\",1,1,ok,1.0,\"1" HOSTILE
	    "\",,5,\n"
	    "\"e" HOSTILE "\",2,w,\"t" HOSTILE "\",2,1,ok,0.6,\"1" HOSTILE
	    "\",\"a" HOSTILE "\",5,\n"
	    "\"e" HOSTILE "\",3,w,\"t" HOSTILE "\",4,1,ok,0.4,\"1" HOSTILE
	    "\",\"a" HOSTILE "\",5,\n"
	    "\"e" HOSTILE "\",4,w,\"t" HOSTILE "\",2,1,ok,0.7,\"1" HOSTILE
	    "\",\"b" HOSTILE "\",5,\n"
	    "\"e" HOSTILE "\",5,w,\"t" HOSTILE "\",4,1,ok,0.5,\"1" HOSTILE
	    "\",\"b" HOSTILE "\",5,\n"
	    "\"e" HOSTILE "\",6,w,\"t" HOSTILE "\",2,1,ok,0.5,\"2" HOSTILE
	    "\",\"a" HOSTILE "\",5,\n"
	    "\"e" HOSTILE "\",7,w,\"t" HOSTILE "\",4,1,ok,0.3,\"2" HOSTILE
	    "\",\"a" HOSTILE "\",5,\n");
	/* The metric has a unit (hostile too): it gets a chart. */
	pbt_write_in(tmp, "experiments.csv",
		     "experiment,description,workload,workload_params,"
		     "strategy_params,baseline_strategy,baseline_workers,"
		     "fit_oversubscribed,cores,metric_units\n"
		     "\"e" HOSTILE "\",\"d" HOSTILE "\",w,size,tag,\"s" HOSTILE
		     "\",1,false,2,\"m" HOSTILE "=GB/s" HOSTILE "\"\n");
	pbt_write_in(tmp, "meta.json",
		     "{\"host\": \"h'\\nsystem 'touch PWNED' #\", "
		     "\"cores\": 2}\n");
	plot_ok();
	snprintf(charts, sizeof(charts), "%s/charts", tmp);
	cr_assert_not(pwned(tmp));
	cr_assert_not(pwned(charts));
	cr_assert_not(pwned("."));
	pbt_assert_gp_inert(charts, bad);
	/* Re-rendering the saved scripts by hand is just as safe. */
	for (size_t k = 0; k < PB_COUNT(scripts); k++) {
		cr_assert_eq(gnuplot_in(charts, scripts[k]), 0, "%s",
			     scripts[k]);
		cr_assert_not(pwned(charts));
	}
	snprintf(meta, sizeof(meta),
		 "%s/charts/metric-mx__system__touch_"
		 "PWNED____touch_PWNED___m-ex__system__touch_PWNED____touch_"
		 "PWNED___m-1.gp",
		 tmp);
	cr_assert(pbt_file_has(meta, "set ylabel 'mx'' system ''touch "
				     "PWNED'' #`touch PWNED` @m (GB/sx''"));
	cr_assert_eq(gnuplot_in(charts, meta + strlen(charts) + 1), 0);
	cr_assert_not(pwned(charts));
	snprintf(meta, sizeof(meta), "%s/charts/%s", tmp, scripts[0]);
	cr_assert(pbt_file_has(meta, "'tx'' system ''touch PWNED'' "
				     "#`touch PWNED` @m (tag=ax'' system"));
}

Test(plot, gnuplot_message_is_shown_not_the_caret_line)
{
	struct pb_err err = {{0}};
	char extra[2048];

	need_gnuplot();
	tmp = pbt_scratch_data("results-basic");
	/* A long command: gnuplot echoes it and puts a caret far right. */
	snprintf(extra, sizeof(extra),
		 "\nset autoscale y\nplot 1/0 title '%0900d'\n", 0);
	const char *tpl = bad_templates(extra);
	cr_assert_eq(pb_plot_dir(tmp, tpl, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "gnuplot failed (exit 1): \"speedup-"
				  "scaling-1.gp\" line "),
		  "%s", err.msg);
	cr_assert(strstr(err.msg, "undefined"), "%s", err.msg);
	cr_assert_null(strstr(err.msg, "    "), "%s", err.msg);
}

Test(plot, all_zero_times_draw_what_can_be_drawn)
{
	tmp = pbt_scratch_new();
	need_gnuplot();
	pbt_write_in(tmp, "runs.csv",
		     "experiment,cell,workload,strategy,workers,repetition,"
		     "status,wall_s,message\n"
		     "e,1,w,serial,1,1,ok,0,\n"
		     "e,2,w,threads,2,1,ok,0,\n"
		     "e,3,w,threads,4,1,ok,0,\n");
	pbt_write_in(tmp, "experiments.csv",
		     "experiment,workload,workload_params,strategy_params,"
		     "baseline_strategy,baseline_workers,fit_oversubscribed,"
		     "cores\n"
		     "e,w,,,serial,1,false,2\n");
	plot_ok();
	/* No time has a place on a log axis: no time chart. */
	cr_assert_eq(file_size("%s/charts/%s", "time-e-1.gp"), -1);
}

/* 20,000 distinct worker counts: sorted in n log n, gnuplot's own ticks. */
Test(plot, many_worker_counts, .timeout = 60)
{
	struct pb_buf runs = {0};
	struct pb_err err = {{0}};
	char path[8192];
	enum { N = 20000 };

	tmp = pbt_scratch_new();
	pb_buf_printf(&runs, "experiment,cell,workload,strategy,workers,"
			     "repetition,status,wall_s,message\n"
			     "e,1,w,serial,1,1,ok,10,\n");
	/* Written in descending order: the charts must sort them. */
	for (unsigned w = N; w >= 1; w--)
		pb_buf_printf(&runs, "e,%u,w,threads,%u,1,ok,%.9g,\n",
			      N - w + 2, w, 1 + 9.0 / w);
	cr_assert_not(runs.oom);
	pbt_write_in(tmp, "runs.csv", runs.data);
	pb_buf_free(&runs);
	pbt_write_in(tmp, "experiments.csv",
		     "experiment,workload,workload_params,strategy_params,"
		     "baseline_strategy,baseline_workers,fit_oversubscribed,"
		     "cores\n"
		     "e,w,,,serial,1,true,2\n");
	setenv("PATH", "/nonexistent-for-this-test", 1);
	cr_assert_eq(pb_plot_dir(tmp, pbt_source_path("plots"), &err),
		     PB_ERROR);
	snprintf(path, sizeof(path), "%s/charts/time-e-1.gp", tmp);
	cr_assert(pbt_file_has(path, "set xtics\n"));
	snprintf(path, sizeof(path), "%s/charts/time-e-1.dat", tmp);
	char *dat = pbt_read(path);
	const char *p = strstr(dat, "# index 1: 'threads'\n");
	cr_assert(p);
	p = strchr(p, '\n') + 1;
	for (unsigned w = 1; w <= N; w++) {
		cr_assert_eq(strtoul(p, NULL, 10), w, "row %u", w);
		p = strchr(p, '\n');
		cr_assert(p);
		p++;
	}
	free(dat);
}

/* The "lc rgb '#...' dt N lw 2 pt N" of series label in the script. */
static char *series_style(const char *path, const char *label)
{
	char *gp = pbt_read(path), want[300], *style;
	const char *t, *lc, *pt;

	snprintf(want, sizeof(want), "title '%s", label);
	t = strstr(gp, want);
	cr_assert(t, "%s: no series %s", path, label);
	for (lc = t; lc > gp && strncmp(lc, "lc rgb", 6); lc--)
		;
	pt = strstr(lc, " pt ");
	cr_assert(pt && pt < t);
	/* colour and marker; the dashes may differ */
	style = calloc(1, 64);
	snprintf(style, 64, "%.16s%.6s", lc, pt);
	free(gp);
	return style;
}

Test(plot, one_colour_and_marker_per_strategy_across_charts)
{
	char a[8192], b[8192];

	need_gnuplot();
	tmp = pbt_scratch_data("results-basic");
	plot_ok();
	/* pthreads is the 2nd series in scaling-1, the only one in
	 * scaling-2: the same colour and marker all the same. */
	snprintf(a, sizeof(a), "%s/charts/speedup-scaling-1.gp", tmp);
	snprintf(b, sizeof(b), "%s/charts/time-scaling-2.gp", tmp);
	char *sa = series_style(a, "pthreads (schedule=static)");
	char *sb = series_style(b, "pthreads");
	cr_assert_str_eq(sa, sb);
	/* Okabe–Ito, not the old list-order palette. */
	cr_assert(strstr(sa, "#56B4E9"), "%s", sa);
	char *sc = series_style(a, "serial");
	cr_assert_str_neq(sa, sc);
	free(sa);
	free(sb);
	free(sc);
}

/* The number of ticks in the "set ytics (...)" of a script. */
static size_t ytick_count(const char *path)
{
	char *gp = pbt_read(path);
	const char *p = strstr(gp, "set ytics (");
	size_t n = 1;

	cr_assert(p, "%s: no ytics", path);
	for (p += 11; *p && *p != ')'; p++)
		n += *p == ',';
	free(gp);
	return n;
}

Test(plot, axes_have_enough_ticks_and_the_ideal_inside)
{
	static const char *const charts[] = {
	    "speedup-scaling-1",   "time-scaling-1",	"efficiency-scaling-1",
	    "time-scaling-2",	   "speedup-oversub-1", "time-oversub-1",
	    "efficiency-oversub-1"};
	char path[8192];

	need_gnuplot();
	tmp = pbt_scratch_data("results-basic");
	plot_ok();
	for (size_t k = 0; k < PB_COUNT(charts); k++) {
		snprintf(path, sizeof(path), "%s/charts/%s.gp", tmp, charts[k]);
		cr_assert_geq(ytick_count(path), 4, "%s", charts[k]);
	}
	/* Time: log-log, so baseline / workers is straight too. */
	snprintf(path, sizeof(path), "%s/charts/time-oversub-1.gp", tmp);
	cr_assert(pbt_file_has(path, "set logscale x 2\nset logscale y 10\n"));
	cr_assert(pbt_file_has(path, "\n     Tb/x with lines"));
	/* Efficiency: the ideal 1 below the top of the frame. */
	snprintf(path, sizeof(path), "%s/charts/efficiency-oversub-1.gp", tmp);
	char *gp = pbt_read(path);
	const char *yr = strstr(gp, "set yrange [0:");
	cr_assert(yr);
	cr_assert_gt(strtod(yr + 14, NULL), 1.05);
	free(gp);
}

Test(plot, metric_with_a_unit_gets_a_chart)
{
	char path[8192];

	need_gnuplot();
	tmp = pbt_scratch_data("results-basic");
	plot_ok();
	snprintf(path, sizeof(path), "%s/charts/metric-estimate-scaling-1.gp",
		 tmp);
	cr_assert(pbt_file_has(path, "set ylabel 'estimate (GB/s), median'"));
	cr_assert(pbt_file_has(path, "with linespoints"));
	cr_assert(pbt_file_has(path, "No bars: the median only."));
	cr_assert_gt(file_size("%s/charts/%s", "metric-estimate-scaling-1.png"),
		     5000);
	/* primes has no unit: no chart. */
	cr_assert_eq(file_size("%s/charts/%s", "metric-primes-scaling-1.gp"),
		     -1);
}
