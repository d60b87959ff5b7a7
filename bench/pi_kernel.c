/*
 * pi_kernel.c — the benchmark driver of bench/pi_kernel.sh: samples per
 * second per core of the pi workload's two kernels, run through the real
 * plugin (pb_repetition_run, serial strategy, one worker, one task), each
 * beside a plain C loop measured in the same run (bench/pi_kernel_ref.c):
 *
 *   scalar  against the xoshiro256+ loop with the same 32 + 32 bit split,
 *           compiled -O2 like the plugins;
 *   simd    against the 8-lane loop compiled -O3 -march=native, the best
 *           the compiler does unaided: the better of $CC and clang (when
 *           the script found clang), both named in the note. It draws
 *           half the plugin's samples (a rate does not depend on the
 *           count; gcc 12 leaves this loop scalar and slow).
 *
 * Per core means samples / CPU seconds (user + sys) of the timed span, for
 * plugin and reference alike, so that other load on a small shared machine
 * does not count as the kernel's time. Plugin and reference repetitions
 * alternate; figures are medians. Before timing, a small run checks that
 * each reference counts exactly the points the plugin counts, so both do
 * the same work.
 *
 * Usage: pi_kernel [scalar-samples [simd-samples]]  (reads PB_BUILD;
 * prints TSV lines to stdout, notes to stderr; exits 0 unless it cannot
 * start at all)
 */
#define _GNU_SOURCE
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "plugin/registry.h"
#include "plugin/value.h"
#include "run/repetition.h"

#include "bench_util.h"
#include "driver_args.h"

#define REPS 3
#define SEED 1
#define CHECK_SAMPLES 8000000ULL /* a multiple of the 8 lanes */

/* The references, compiled from pi_kernel_ref.c by pi_kernel.sh. */
uint64_t o2_scalar_inside(uint64_t seed, uint64_t n);
uint64_t native_lanes_inside(uint64_t seed, uint64_t n);
/* Absent when the script found no clang. */
__attribute__((weak)) uint64_t native_clang_lanes_inside(uint64_t seed,
							 uint64_t n);

typedef uint64_t (*ref_fn)(uint64_t seed, uint64_t n);

static struct pb_registry reg;
static volatile uint64_t sink; /* keeps the reference loops' results */
static struct pb_host host = {.size = sizeof(struct pb_host),
			      .abi_version = PB_ABI_VERSION,
			      .seed = SEED};

static double cpu_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* What one plugin run gave: per-core rate, inside count, simd width. */
struct pi_run {
	double rate; /* samples per CPU second */
	uint64_t inside;
	double width;
};

/* One repetition of pi (one task, serial, one worker). NaN rate on error. */
static struct pi_run run_pi(const char *kernel, uint64_t samples)
{
	struct pb_arena arena = {0};
	struct pb_err err = {{0}};
	struct pb_cell_spec spec = {.workers = 1};
	struct pi_run out = {NAN, 0, NAN};
	struct pb_measure m;
	char items[128];

	spec.workload = pb_registry_find(&reg, PB_KIND_WORKLOAD, "pi");
	spec.strategy = pb_registry_find(&reg, PB_KIND_STRATEGY, "serial");
	snprintf(items, sizeof(items),
		 "samples=%llu; tasks=1; seed=%d; "
		 "kernel=%s",
		 (unsigned long long)samples, SEED, kernel);
	if (make_args(spec.workload, items, &arena, &spec.wargs, &err) ||
	    make_args(spec.strategy, "", &arena, &spec.sargs, &err)) {
		fprintf(stderr, "pi_kernel: %s\n", err.msg);
		goto out;
	}
	pb_repetition_run(&spec, &host, &m);
	if (m.status != PB_STATUS_OK) {
		fprintf(stderr, "pi_kernel: pi %s: %s: %s\n", items,
			pb_status_name(m.status), m.message);
		goto out;
	}
	out.rate = (double)samples / (m.user_s + m.sys_s);
	/* estimate = 4 inside / samples exactly, for samples < 2^51. */
	out.inside = (uint64_t)llround(
	    bench_metric(spec.workload, &m, "estimate") * (double)samples / 4);
	out.width = bench_metric(spec.workload, &m, "simd_width");
out:
	pb_arena_free(&arena);
	return out;
}

/* Samples per CPU second of a reference loop; NaN without one. */
static double run_ref(ref_fn f, uint64_t samples)
{
	if (!f)
		return NAN;
	double t0 = cpu_s();
	sink += f(SEED, samples);
	return (double)samples / (cpu_s() - t0);
}

/* Warns when a reference does not count what the plugin counts. */
static void check_same_work(const char *kernel, ref_fn f, const char *name)
{
	if (!f)
		return;
	struct pi_run p = run_pi(kernel, CHECK_SAMPLES);
	if (f(SEED, CHECK_SAMPLES) != p.inside)
		fprintf(stderr,
			"pi_kernel: %s counts another number of points than "
			"the %s kernel over %llu samples: not the same work\n",
			name, kernel, CHECK_SAMPLES);
}

static void scalar_figure(uint64_t samples)
{
	double plugin[REPS], ref[REPS];

	check_same_work("scalar", o2_scalar_inside, "the -O2 scalar loop");
	for (int r = 0; r < REPS; r++) {
		plugin[r] = run_pi("scalar", samples).rate;
		ref[r] = run_ref(o2_scalar_inside, samples);
	}
	double p = bench_median(plugin, REPS) / 1e6,
	       q = bench_median(ref, REPS) / 1e6;
	printf("pi_scalar_samples_per_s_per_core\t%.0f\tM/s\tplain_c_xoshiro_"
	       "loop_O2\t%.0f\ttarget >= 500 M/s (%.2fx the plain loop; %.0e "
	       "samples, serial, 1 worker, per CPU second)\n",
	       p, q, p / q, (double)samples);
}

static void simd_figure(uint64_t samples)
{
	double plugin[REPS], cc[REPS], clang[REPS], width = NAN;
	ref_fn clang_fn = native_clang_lanes_inside;

	check_same_work("simd", native_lanes_inside, "the -O3 native loop");
	check_same_work("simd", clang_fn, "the clang -O3 native loop");
	for (int r = 0; r < REPS; r++) {
		struct pi_run p = run_pi("simd", samples);
		plugin[r] = p.rate;
		width = p.width;
		/* Half the samples: the slower loop must not eat the budget. */
		cc[r] = run_ref(native_lanes_inside, samples / 16 * 8);
		clang[r] = run_ref(clang_fn, samples / 16 * 8);
	}
	double p = bench_median(plugin, REPS) / 1e6,
	       c = bench_median(cc, REPS) / 1e6;
	double g = clang_fn ? bench_median(clang, REPS) / 1e6 : NAN;
	double best = isnan(g) ? c : fmax(c, g);
	printf("pi_simd_samples_per_s_per_core\t%.0f\tM/s\tplain_c_8lane_loop_"
	       "O3_march_native\t%.0f\ttarget >= 1800 M/s (%.2fx the best "
	       "compiled loop: cc %.0f, clang %.0f M/s; simd_width %.0f; "
	       "%.0e samples, serial, 1 worker, per CPU second)\n",
	       p, best, p / best, c, g, width, (double)samples);
}

static int load(const char *build)
{
	const char *names[] = {"pi", "serial"};
	return bench_load_plugins("pi_kernel", &reg, build, names,
				  sizeof(names) / sizeof(names[0]));
}

/* A sample count from argv, rounded down to a multiple of 8 lanes. */
static uint64_t samples_arg(int argc, char **argv, int k, uint64_t dflt)
{
	double v = k < argc ? strtod(argv[k], NULL) : (double)dflt;
	uint64_t n = v >= 8 && v < 1e15 ? (uint64_t)v / 8 * 8 : dflt;
	return n;
}

int main(int argc, char **argv)
{
	const char *build = getenv("PB_BUILD");

	if (!build || !*build || load(build)) {
		fprintf(stderr, "pi_kernel: set PB_BUILD to a build folder "
				"with plugins/pi.so and plugins/serial.so\n");
		return 1;
	}
	host.cores = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	scalar_figure(samples_arg(argc, argv, 1, 1000000000ULL));
	simd_figure(samples_arg(argc, argv, 2, 4000000000ULL));
	pb_registry_free(&reg);
	return 0;
}
