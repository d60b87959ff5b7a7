/*
 * capacity.h — what k threads of this machine achieve right now.
 *
 * A hypervisor's contention is invisible from inside a guest (steal time
 * often stays 0 while another guest takes half a core), so each round of
 * a run also measures the machine itself: the same fixed busy loop (an
 * LCG in registers: no memory traffic, no system calls) on 1 thread and on
 * k threads at once, each thread doing the same work. On an idle machine
 * with k free cores, k threads take as long as one: the capacity at k,
 * k * t(1) / t(k), is k. Less means the machine gave less.
 */
#ifndef PB_CAPACITY_H
#define PB_CAPACITY_H

#include <parabench/plugin.h>
#include <stdint.h>

/*
 * The number of loop iterations one thread runs in about target_s
 * seconds on this machine now (at least 100,000).
 */
uint64_t pb_capacity_calibrate(double target_s);

/*
 * Runs the loop of iters iterations on threads threads at once and gives
 * the wall seconds from their common start to the last one's end. Fails
 * when a thread cannot be created (nothing is left running).
 */
int pb_capacity_probe(unsigned threads, uint64_t iters, double *wall_s,
		      struct pb_err *err);

#endif
