/*
 * meta.c — gathering host facts and writing meta.json (see meta.h).
 */
#include "meta.h"

#include <stdio.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "lib/textbuf.h"

#ifndef PB_VERSION
#define PB_VERSION "dev"
#endif
#ifndef PB_GIT_COMMIT
#define PB_GIT_COMMIT "unknown"
#endif
#ifndef PB_CFLAGS
#define PB_CFLAGS ""
#endif

void pb_utc_now(char buf[32])
{
	struct timeval tv;
	struct tm tm;
	char base[24];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, 32, "%s.%03ldZ", base, (long)(tv.tv_usec / 1000));
}

/* The "model name" line of /proc/cpuinfo, or "unknown". */
static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[512];

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) == 0 && colon) {
			snprintf(buf, len, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
}

void pb_meta_plugins(const struct pb_registry *reg, char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t k = 0; reg && k < reg->n && used < len; k++) {
		const struct pb_plugin *p = reg->items[k].plugin;
		int n = snprintf(buf + used, len - used, "%s%s %s",
				 k ? "; " : "", p->name, p->version);
		if (n > 0)
			used += (size_t)n;
	}
}

static void field(struct pb_buf *b, const char *key, const char *value)
{
	pb_buf_printf(b, "%s\n  ", b->len > 1 ? "," : "");
	pb_buf_json_string(b, key);
	pb_buf_printf(b, ": ");
	pb_buf_json_string(b, value ? value : "");
}

static void host_fields(struct pb_buf *b)
{
	struct utsname u;
	char cpu[256], kernel[512], cores[16];

	uname(&u);
	snprintf(kernel, sizeof(kernel), "%s %s %s", u.sysname, u.release,
		 u.version);
	cpu_model(cpu, sizeof(cpu));
	snprintf(cores, sizeof(cores), "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	field(b, "host", u.nodename);
	field(b, "cpu_model", cpu);
	pb_buf_printf(b, ",\n  \"cores\": %s", cores);
	field(b, "kernel", kernel);
	field(b, "machine", u.machine);
}

int pb_meta_write(const char *dir, const struct pb_meta *m, struct pb_err *err)
{
	struct pb_buf b = {0};
	char path[4096], plugins[4096];

	pb_meta_plugins(m->registry, plugins, sizeof(plugins));
	pb_buf_printf(&b, "{");
	field(&b, "parabench_version", PB_VERSION);
	field(&b, "git_commit", PB_GIT_COMMIT);
	host_fields(&b);
#ifdef __clang__
	field(&b, "compiler", "clang " __clang_version__);
#else
	field(&b, "compiler", "gcc " __VERSION__);
#endif
	field(&b, "cflags", PB_CFLAGS);
	field(&b, "command_line", m->command_line);
	field(&b, "experiment_file", m->experiment_file);
	field(&b, "experiment_text", m->experiment_text);
	field(&b, "started_utc", m->started_utc);
	field(&b, "ended_utc", m->ended_utc);
	field(&b, "status", m->status);
	field(&b, "plugins", plugins);
	pb_buf_printf(&b, "\n}\n");
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	int rc = b.oom ? pb_fail(err, "out of memory writing %s", path)
		       : pb_write_file_atomic(path, b.data, b.len, err);
	pb_buf_free(&b);
	return rc;
}
