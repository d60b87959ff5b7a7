/*
 * counters.c — perf_event_open over the timed span, from a built-in table
 * of the kernel's generic events.
 */
#include "counters.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct event {
	const char *name;
	uint32_t type;
	uint64_t config;
};

static const struct event events[] = {
    {"task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK},
    {"page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS},
    {"context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES},
    {"cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS},
    {"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
    {"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
    {"cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES},
    {"branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES},
};

static const struct event *find(const char *name)
{
	for (size_t i = 0; i < PB_COUNT(events); i++)
		if (strcmp(events[i].name, name) == 0)
			return &events[i];
	return NULL;
}

bool pb_counter_known(const char *name)
{
	return find(name) != NULL;
}

const char *pb_counter_names(void)
{
	return "task-clock, page-faults, context-switches, cpu-migrations, "
	       "cycles, instructions, cache-misses, branch-misses";
}

/*
 * One counter of this process and of the threads and children it makes
 * from now on. Kernel time is counted where perf_event_paranoid allows it,
 * else only user time (EACCES with it, so the second try leaves it out).
 */
static int open_event(const struct event *e)
{
	struct perf_event_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = e->type;
	attr.config = e->config;
	attr.disabled = 1;
	attr.inherit = 1;
	attr.exclude_hv = 1;
	attr.read_format =
	    PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1,
			  PERF_FLAG_FD_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		attr.exclude_kernel = 1;
		fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1,
				  PERF_FLAG_FD_CLOEXEC);
	}
	return fd;
}

int pb_counters_open(struct pb_counters *c, const char *const *names,
		     unsigned n, struct pb_err *err)
{
	memset(c, 0, sizeof(*c));
	for (unsigned i = 0; i < PB_MAX_COUNTERS; i++)
		c->fd[i] = -1;
	if (n > PB_MAX_COUNTERS)
		return pb_fail(err, "counters: %u asked for, at most %d", n,
			       PB_MAX_COUNTERS);
	for (unsigned i = 0; i < n; i++) {
		const struct event *e = find(names[i]);

		if (!e) {
			pb_counters_close(c);
			return pb_fail(err,
				       "counters: unknown event '%s'; expected "
				       "one of %s",
				       names[i], pb_counter_names());
		}
		c->names[i] = names[i];
		c->fd[i] = open_event(e);
		c->open_errno[i] = c->fd[i] < 0 ? errno : 0;
		c->n = i + 1;
	}
	return PB_OK;
}

void pb_counters_start(struct pb_counters *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		if (c->fd[i] < 0)
			continue;
		ioctl(c->fd[i], PERF_EVENT_IOC_RESET, 0);
		ioctl(c->fd[i], PERF_EVENT_IOC_ENABLE, 0);
	}
}

void pb_counters_stop(struct pb_counters *c)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->fd[i] >= 0)
			ioctl(c->fd[i], PERF_EVENT_IOC_DISABLE, 0);
}

bool pb_counters_read(const struct pb_counters *c, unsigned i, uint64_t *value)
{
	uint64_t v[3]; /* value, time enabled, time running */

	if (i >= c->n || c->fd[i] < 0)
		return false;
	if (read(c->fd[i], v, sizeof(v)) != (ssize_t)sizeof(v))
		return false;
	/* Multiplexed: the kernel counted only part of the time. */
	if (v[2] > 0 && v[2] < v[1])
		v[0] = (uint64_t)((double)v[0] * ((double)v[1] / (double)v[2]));
	*value = v[0];
	return true;
}

void pb_counters_close(struct pb_counters *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		if (c->fd[i] >= 0)
			close(c->fd[i]);
		c->fd[i] = -1;
	}
}

int pb_counter_column(const char *name, char *buf, size_t len,
		      struct pb_err *err)
{
	int n = snprintf(buf, len, "counter_%s", name);

	if (n < 0 || (size_t)n >= len)
		return pb_fail(err, "counter '%s': column name too long", name);
	for (char *p = buf; *p; p++)
		if (*p == '-')
			*p = '_';
	return PB_OK;
}
