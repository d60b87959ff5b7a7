/*
 * machine.h — the state of the machine, read from /proc: how much CPU
 * time every process together has used, steal time, load averages, the
 * CPU frequency governor.
 *
 * Other processes' CPU time comes from the first line of /proc/stat,
 * summed over every CPU: over a span of t seconds on n online CPUs, busy =
 * n t - (idle + iowait) - steal. The idle time is the part the kernel keeps
 * precisely (a tickless CPU's idle time is measured, not sampled); user
 * and system time are sampled at each timer tick, so a short span can be
 * charged a whole tick per CPU, which is why they are not used. The kernel
 * prints the sums in USER_HZ units (10 ms, sysconf(_SC_CLK_TCK)), so a
 * difference of two readings is good to about one unit for the whole
 * machine: 0.1 CPUs over a span of 0.1 s, 0.01 CPUs over 1 s.
 * PSI (/proc/pressure/cpu) counts in microseconds, but it measures time
 * tasks spent waiting for a CPU, not time others used: a cell with one
 * worker beside a busy process on the other core waits for nothing, and
 * a cell with more workers than cores waits on itself.
 * Nothing here can fail loudly: a file that cannot be read gives NaN or
 * an empty text, and callers write that as unknown.
 */
#ifndef PB_MACHINE_H
#define PB_MACHINE_H

#include <stdbool.h>
#include <stddef.h>

/* One reading of /proc/stat: seconds summed over every CPU since boot. */
struct pb_cpu_times {
	bool ok;		/* false: /proc/stat could not be read */
	double at;		/* CLOCK_MONOTONIC seconds when it was read */
	long ncpus;		/* CPUs online */
	double idle_s, steal_s; /* idle includes iowait */
};

/* Reads /proc/stat now. */
struct pb_cpu_times pb_cpu_times_now(void);

/* The resolution of pb_cpu_times, in seconds (one USER_HZ unit). */
double pb_cpu_times_resolution(void);

/*
 * CPU seconds that other processes used between a and b, given own: the
 * CPU seconds the caller's processes used in between. NaN when either
 * reading failed. May be a little below 0 (the resolution above).
 */
double pb_other_cpu_s(const struct pb_cpu_times *a,
		      const struct pb_cpu_times *b, double own);

/*
 * Whether others used more than threshold CPUs on average over span_s
 * seconds, given other_cpu_s from pb_other_cpu_s, allowing one unit of
 * the resolution. False when other_cpu_s is NaN (unknown).
 */
bool pb_is_contended(double other_cpu_s, double span_s, double threshold);

/* Steal seconds between a and b; NaN when either reading failed. */
double pb_steal_s(const struct pb_cpu_times *a, const struct pb_cpu_times *b);

/* The 1, 5 and 15 minute load averages; NaN each when unreadable. */
void pb_load_averages(double out[3]);

/*
 * The frequency governor of cpu0 ("performance", "powersave", ...) into
 * buf; "" when the machine does not say (VMs often do not).
 */
void pb_cpu_governor(char *buf, size_t len);

#endif
