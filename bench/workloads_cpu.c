/*
 * workloads_cpu.c — the benchmark driver of bench/workloads_cpu.sh: figures
 * of the primes, pipe and spin workloads, run through the real plugins
 * (pb_repetition_run, as the runner does), each beside a reference measured
 * in the same run, printed as TSV lines
 *   figure  value  unit  reference-name  reference-value  target-note
 *
 * primes: trial division and the sieve on the notebook's [1e6, 2e6, 3e6],
 *         serial, against the same sums by plain C loops compiled here; and
 *         the speed-up of 2 pthreads workers, in the notebook's order and
 *         biggest task first, against the bound of that order computed
 *         from the three tasks timed alone.
 * pipe:   stream GB/s with a peer process against `dd if=/dev/zero bs=64k
 *         | dd of=/dev/null bs=64k` moving the same bytes (the reading dd's
 *         own report); ping-pong microseconds per round trip against a plain
 *         C fork-and-two-pipes loop.
 * spin:   wall time of one 100 ms task against 100 ms (calibration), and
 *         the speed-up of 2 workers against the Amdahl prediction at the
 *         two-thread capacity a plain C busy loop measures in the same
 *         repetition (the machine is shared: 2 CPUs are not always free).
 * Plugin and reference repetitions alternate; figures are medians.
 *
 * Usage: workloads_cpu  (reads PB_BUILD; prints to stdout, notes to stderr)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plugin/registry.h"
#include "plugin/value.h"
#include "run/repetition.h"

#include "bench_util.h"
#include "driver_args.h"

#define REPS 3
#define NOTEBOOK "numbers=[1000000, 2000000, 3000000]"
#define STREAM_BYTES (512LL << 20)
#define ROUND_TRIPS 10000

static struct pb_registry reg;
static struct pb_host host = {
    .size = sizeof(struct pb_host), .abi_version = PB_ABI_VERSION, .seed = 1};

static const struct pb_plugin *find(enum pb_kind kind, const char *name)
{
	return bench_find("workloads_cpu", &reg, kind, name);
}

/* One repetition; fills m. PB_ERROR (with a note) unless it was ok. */
static int run_once(const char *workload, const char *wparams,
		    const char *strategy, unsigned workers,
		    struct pb_measure *m)
{
	return bench_run_once("workloads_cpu", &reg, &host, workload, wparams,
			      strategy, workers, m);
}

static double metric(const char *workload, const struct pb_measure *m,
		     const char *name)
{
	return bench_metric(find(PB_KIND_WORKLOAD, workload), m, name);
}

/* Wall seconds of one ok repetition, NaN otherwise. */
static double wall(const char *workload, const char *wparams,
		   const char *strategy, unsigned workers)
{
	struct pb_measure m;

	if (run_once(workload, wparams, strategy, workers, &m))
		return NAN;
	return m.wall_s;
}

/* ---- References: plain C --------------------------------------------- */

static volatile unsigned long long sink;

/* The notebook's is_prime, as anyone would write it in C. */
static int plain_is_prime(long n)
{
	if (n <= 1)
		return 0;
	if (n <= 3)
		return 1;
	if (n % 2 == 0 || n % 3 == 0)
		return 0;
	for (long i = 5; i * i <= n; i += 6)
		if (n % i == 0 || n % (i + 2) == 0)
			return 0;
	return 1;
}

/* Seconds of the plain trial loop over the notebook's numbers. */
static double plain_trial(void)
{
	const long numbers[] = {1000000, 2000000, 3000000};
	double t0 = bench_now_s();

	for (int k = 0; k < 3; k++) {
		unsigned long long sum = 0;
		for (long ix = 2; ix <= numbers[k]; ix++)
			if (plain_is_prime(ix))
				sum += (unsigned long long)ix;
		sink += sum;
	}
	return bench_now_s() - t0;
}

/* Seconds of a plain byte sieve for each of the notebook's numbers. */
static double plain_sieve(void)
{
	const long numbers[] = {1000000, 2000000, 3000000};
	double t0 = bench_now_s();

	for (int k = 0; k < 3; k++) {
		long n = numbers[k];
		unsigned char *c = calloc((size_t)n + 1, 1);
		unsigned long long sum = 0;
		if (!c)
			return NAN;
		for (long i = 2; i <= n; i++) {
			if (c[i])
				continue;
			sum += (unsigned long long)i;
			for (long j = i * i; j <= n; j += i)
				c[j] = 1;
		}
		free(c);
		sink += sum;
	}
	return bench_now_s() - t0;
}

/* Microseconds per round trip of a plain fork + two pipes ping-pong. */
static double plain_pingpong(void)
{
	int down[2], up[2];
	unsigned char b = 0;
	double t0;
	pid_t pid;

	if (pipe(down) || pipe(up))
		return NAN;
	t0 = bench_now_s();
	pid = fork();
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		while (read(down[0], &b, 1) == 1 && write(up[1], &b, 1) == 1)
			;
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	for (int k = 0; pid > 0 && k < ROUND_TRIPS; k++)
		if (write(down[1], &b, 1) != 1 || read(up[0], &b, 1) != 1)
			break;
	double t = bench_now_s() - t0;
	close(down[1]);
	close(up[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid > 0 ? t / ROUND_TRIPS * 1e6 : NAN;
}

/* GB/s the reading dd reports for dd | dd moving STREAM_BYTES in 64k. */
static double dd_pipe_dd(void)
{
	char cmd[256], line[512];
	unsigned long long bytes = 0;
	double s = NAN;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "LC_ALL=C dd if=/dev/zero bs=64k count=%lld 2>/dev/null | "
		 "LC_ALL=C dd of=/dev/null bs=64k 2>&1",
		 STREAM_BYTES / 65536);
	f = popen(cmd, "r");
	if (!f)
		return NAN;
	while (fgets(line, sizeof(line), f)) {
		char *copied = strstr(line, "copied, ");
		if (copied && sscanf(line, "%llu bytes", &bytes) == 1)
			sscanf(copied + 8, "%lf s", &s);
	}
	pclose(f);
	return bytes == (unsigned long long)STREAM_BYTES ? bytes / s / 1e9
							 : NAN;
}

/* ---- Figures --------------------------------------------------------- */

/* Seconds of each of the three notebook tasks alone, serial. */
static void primes_singles(double t[3])
{
	t[0] = wall("primes", "numbers=[1000000]", "serial", 1);
	t[1] = wall("primes", "numbers=[2000000]", "serial", 1);
	t[2] = wall("primes", "numbers=[3000000]", "serial", 1);
}

static void primes_figures(void)
{
	double trial[REPS], ref[REPS], sieve[REPS], plain[REPS];
	double par[REPS], rev[REPS], bound[REPS], rbound[REPS], one[3];

	plain_trial(); /* warm-ups */
	wall("primes", NOTEBOOK, "serial", 1);
	for (int r = 0; r < REPS; r++) {
		trial[r] = wall("primes", NOTEBOOK, "serial", 1);
		ref[r] = plain_trial();
		sieve[r] =
		    wall("primes", NOTEBOOK "; method=sieve", "serial", 1);
		plain[r] = plain_sieve();
		par[r] = wall("primes", NOTEBOOK, "pthreads", 2);
		rev[r] = wall("primes", "numbers=[3000000, 2000000, 1000000]",
			      "pthreads", 2);
		primes_singles(one);
		/*
		 * Claimed in order, worker A takes 1e6, B 2e6, and A, done
		 * first, 3e6: the run lasts 1e6 + 3e6. Biggest first, it
		 * lasts the 3e6 task alone.
		 */
		double all = one[0] + one[1] + one[2];
		bound[r] = all / fmax(one[0] + one[2], one[1]);
		rbound[r] = all / fmax(one[2], one[0] + one[1]);
		par[r] = trial[r] / par[r];
		rev[r] = trial[r] / rev[r];
	}
	printf("primes_trial_notebook_serial\t%.3f\ts\tplain_c_trial_loop\t%.3f"
	       "\ttarget <= 1.1x the plain loop (sums <= 1e6, 2e6, 3e6; "
	       "issue: 0.32-0.37 s)\n",
	       bench_median(trial, REPS), bench_median(ref, REPS));
	printf("primes_sieve_notebook_serial\t%.2f\tms\tplain_c_byte_sieve\t%."
	       "2f\ttarget <= the plain sieve (same three sums; issue: ~9 "
	       "ms)\n",
	       bench_median(sieve, REPS) * 1e3,
	       bench_median(plain, REPS) * 1e3);
	printf("primes_trial_speedup_2workers\t%.2f\tx\tbound_in_this_order\t"
	       "%.2f\ttarget within 5%% of the bound ([1e6, 2e6, 3e6] claimed "
	       "in order: 1e6 + 3e6 on one worker)\n",
	       bench_median(par, REPS), bench_median(bound, REPS));
	printf("primes_trial_speedup_2workers_big_first\t%.2f\tx\tbound_"
	       "total_over_3e6_task\t%.2f\ttarget within 5%% of the bound "
	       "([3e6, 2e6, 1e6]; issue: ~1.76x)\n",
	       bench_median(rev, REPS), bench_median(rbound, REPS));
}

static void pipe_figures(void)
{
	char stream[128], pingpong[128];
	double gbs[REPS], dd[REPS], us[REPS], plain[REPS];
	struct pb_measure m;

	snprintf(stream, sizeof(stream),
		 "tasks=1; bytes=%lld; message=64k; peer=process",
		 STREAM_BYTES);
	snprintf(pingpong, sizeof(pingpong),
		 "tasks=1; mode=pingpong; round_trips=%d; peer=process",
		 ROUND_TRIPS);
	for (int r = -1; r < REPS; r++) { /* r = -1: warm-up */
		double g = NAN, u = NAN, d = dd_pipe_dd();
		if (!run_once("pipe", stream, "serial", 1, &m))
			g = metric("pipe", &m, "gb_per_s");
		double pl = plain_pingpong();
		if (!run_once("pipe", pingpong, "serial", 1, &m))
			u = metric("pipe", &m, "us_per_round_trip");
		if (r < 0)
			continue;
		gbs[r] = g, dd[r] = d, us[r] = u, plain[r] = pl;
	}
	printf("pipe_stream_process_512MiB\t%.2f\tGB/s\tdd_pipe_dd_64k\t%.2f"
	       "\ttarget >= dd|dd (same bytes, 64k writes; issue: 1.4 GB/s "
	       "across CPUs, 4.3 on one)\n",
	       bench_median(gbs, REPS), bench_median(dd, REPS));
	printf("pipe_pingpong_process\t%.1f\tus\tplain_c_fork_pingpong\t%.1f"
	       "\ttarget <= 1.1x the plain loop (%d 1-byte round trips; "
	       "issue: 47 us across CPUs, 5 on one)\n",
	       bench_median(us, REPS), bench_median(plain, REPS), ROUND_TRIPS);
}

static void *busy(void *arg)
{
	uint64_t x = (uintptr_t)arg;

	for (long k = 0; k < 20000000; k++) {
		x = x * 6364136223846793005ULL + 1;
		__asm__ volatile("" : "+r"(x));
	}
	sink += x;
	return NULL;
}

/*
 * The machine's throughput with two busy threads, in CPUs: 2 on two idle
 * cores, less when the cores are shared (hyper-threads, other load).
 */
static double two_cpu_capacity(void)
{
	pthread_t t;
	double t0 = bench_now_s();

	busy(NULL);
	double one = bench_now_s() - t0;
	t0 = bench_now_s();
	if (pthread_create(&t, NULL, busy, NULL))
		return NAN;
	busy(NULL);
	pthread_join(t, NULL);
	return 2 * one / (bench_now_s() - t0);
}

static void spin_figures(void)
{
	/* 8 tasks of 25 ms and 50 ms serial: 250 ms, 150 ms on 2 CPUs. */
	const char *amdahl = "tasks=8; task_time=25ms; serial_time=50ms";
	double one[REPS], sp[REPS], pred[REPS], cap[REPS];

	wall("spin", "tasks=1; task_time=100ms", "serial", 1);
	for (int r = 0; r < REPS; r++) {
		one[r] = wall("spin", "tasks=1; task_time=100ms", "serial", 1);
		double s1 = wall("spin", amdahl, "serial", 1);
		double s2 = wall("spin", amdahl, "pthreads", 2);
		cap[r] = two_cpu_capacity();
		sp[r] = s1 / s2;
		pred[r] = 250.0 / (50.0 + 200.0 / fmin(cap[r], 2.0));
	}
	printf("spin_1task_100ms\t%.1f\tms\tnominal\t100.0\ttarget within "
	       "5%% (calibration accuracy)\n",
	       bench_median(one, REPS) * 1e3);
	printf("spin_amdahl_speedup_2workers\t%.3f\tx\tamdahl_at_measured_"
	       "capacity\t%.3f\ttarget within 5%% (8 x 25 ms tasks + 50 ms "
	       "serial: 1.667 on 2 free CPUs; measured capacity %.2f CPUs)\n",
	       bench_median(sp, REPS), bench_median(pred, REPS),
	       bench_median(cap, REPS));
}

static int load(const char *build)
{
	const char *names[] = {"primes", "pipe", "spin", "serial", "pthreads"};
	return bench_load_plugins("workloads_cpu", &reg, build, names,
				  sizeof(names) / sizeof(names[0]));
}

int main(void)
{
	const char *build = getenv("PB_BUILD");

	if (!build || !*build || load(build)) {
		fprintf(stderr, "workloads_cpu: set PB_BUILD to a build "
				"folder with plugins/\n");
		return 1;
	}
	host.cores = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	primes_figures();
	pipe_figures();
	spin_figures();
	pb_registry_free(&reg);
	return 0;
}
