#!/usr/bin/env bash
# ci-tsan-preload.sh OUT.so: build the small library that lets Criterion
# 2.4.1 (Debian 12) run test binaries built with -fsanitize=thread; it is
# meant for LD_PRELOAD, and scripts/run-tests.sh preloads it for TSan test
# binaries only. It works around two third-party problems, not ours:
#
# 1. Criterion's sandbox (BoxFort) maps its inheritable arena at a random
#    16 MiB-aligned address in [0x2000_0000_0000, 0x6000_0000_0000), drawn
#    with rand_r(), and gives up after 10 occupied candidates ("Could not
#    initialize inheritable arena: Resource temporarily unavailable", or a
#    crash). ThreadSanitizer holds nearly all of that range for its shadow;
#    only 0x5500_0000_0000-0x5680_0000_0000 is left to programs
#    (Snaipe/Criterion#274, open). Our rand_r() only draws numbers that put
#    the arena in that window. parabench never calls rand_r().
#
# 2. Each Criterion test process runs a nanomsg thread. A child forked from
#    it (a cell process, a fork worker) gets that thread's stack in glibc's
#    stack cache, so the child's first new thread has the same pthread_t,
#    and gcc 12's ThreadSanitizer, which still counts the parent's thread as
#    alive in the child, dies: "ThreadSanitizer: dup thread with used id".
#    Our pthread_create() gives nanomsg's thread a stack of its own (never
#    cached, never freed: the thread lives as long as the process); every
#    other thread is created as usual. (TSan ignores such a child after a
#    multithreaded fork anyway; the real binary, run by the end-to-end
#    tests through fork+exec, is checked in full.)
set -euo pipefail
out=${1:?usage: ci-tsan-preload.sh OUT.so}
src=$(mktemp /tmp/pb-tsan-preload-XXXXXX.c)
trap 'rm -f "$src"' EXIT
cat >"$src" <<'C'
/* Criterion under TSan: see scripts/ci-tsan-preload.sh. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

int rand_r(unsigned int *seed)
{
	/* base = 0x2000_0000_0000 + r * 16 MiB; r in [0x350000, 0x368000)
	 * gives 0x5500_0000_0000 to 0x5680_0000_0000. */
	*seed = *seed * 1103515245u + 12345u;
	return 0x350000 + (int)((*seed >> 8) % 0x18000);
}

typedef int create_fn(pthread_t *, const pthread_attr_t *,
		      void *(*)(void *), void *);

static int from_nanomsg(const void *caller)
{
	Dl_info info;

	return dladdr(caller, &info) && info.dli_fname &&
	       strstr(info.dli_fname, "libnanomsg");
}

int pthread_create(pthread_t *t, const pthread_attr_t *attr,
		   void *(*fn)(void *), void *arg)
{
	static const size_t size = 8 << 20;
	create_fn *real = (create_fn *)dlsym(RTLD_NEXT, "pthread_create");
	pthread_attr_t own;
	void *stack;
	int rc;

	if (attr || !from_nanomsg(__builtin_return_address(0)))
		return real(t, attr, fn, arg);
	stack = mmap(NULL, size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return real(t, attr, fn, arg);
	pthread_attr_init(&own);
	pthread_attr_setstack(&own, stack, size);
	rc = real(t, &own, fn, arg);
	pthread_attr_destroy(&own);
	if (rc)
		munmap(stack, size);
	return rc;
}
C
${CC:-cc} -shared -fPIC -O2 -Wall -Wextra -Werror "$src" -o "$out" -ldl
