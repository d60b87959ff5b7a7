/*
 * machine.c — reading the machine's state from /proc (see machine.h).
 */
#include "machine.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double pb_cpu_times_resolution(void)
{
	long hz = sysconf(_SC_CLK_TCK);

	return 1.0 / (double)(hz > 0 ? hz : 100);
}

struct pb_cpu_times pb_cpu_times_now(void)
{
	struct pb_cpu_times t = {0};
	unsigned long long v[8] = {0};
	char line[512];
	double before = now_s();
	FILE *f = fopen("/proc/stat", "re");

	if (!f)
		return t;
	/* cpu user nice system idle iowait irq softirq steal [guest ...] */
	if (fgets(line, sizeof(line), f) &&
	    sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
		double unit = pb_cpu_times_resolution();
		t.idle_s = (double)(v[3] + v[4]) * unit;
		t.steal_s = (double)v[7] * unit;
		t.ncpus = sysconf(_SC_NPROCESSORS_ONLN);
		t.ok = t.ncpus > 0;
	}
	fclose(f);
	t.at = (before + now_s()) / 2;
	return t;
}

double pb_other_cpu_s(const struct pb_cpu_times *a,
		      const struct pb_cpu_times *b, double own)
{
	if (!a->ok || !b->ok || a->ncpus != b->ncpus)
		return NAN;
	double all = (double)a->ncpus * (b->at - a->at);
	return all - (b->idle_s - a->idle_s) - (b->steal_s - a->steal_s) - own;
}

bool pb_is_contended(double other_cpu_s, double span_s, double threshold)
{
	return !isnan(other_cpu_s) &&
	       other_cpu_s > threshold * span_s + pb_cpu_times_resolution();
}

double pb_steal_s(const struct pb_cpu_times *a, const struct pb_cpu_times *b)
{
	if (!a->ok || !b->ok)
		return NAN;
	return b->steal_s - a->steal_s;
}

void pb_load_averages(double out[3])
{
	FILE *f = fopen("/proc/loadavg", "re");

	out[0] = out[1] = out[2] = NAN;
	if (!f)
		return;
	if (fscanf(f, "%lf %lf %lf", &out[0], &out[1], &out[2]) != 3)
		out[0] = out[1] = out[2] = NAN;
	fclose(f);
}

void pb_cpu_governor(char *buf, size_t len)
{
	FILE *f = fopen("/sys/devices/system/cpu/cpu0/cpufreq/"
			"scaling_governor",
			"re");

	if (len)
		buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}
