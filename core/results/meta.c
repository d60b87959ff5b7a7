/*
 * meta.c — gathering host facts and writing meta.json (see meta.h).
 */
#include "meta.h"

#include <math.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "lib/path.h"
#include "lib/textbuf.h"
#include "lib/topology.h"

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
	/* 0..999 ms: the stamp always fits its 32 bytes. */
	snprintf(buf, 32, "%s.%03dZ", base, (int)(tv.tv_usec / 1000) % 1000);
}

double pb_utc_age_s(const char *utc)
{
	struct tm tm = {0};
	struct timeval tv;
	int ms = 0, used = 0;

	if (sscanf(utc, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
		   &used) != 6)
		return NAN;
	utc += used;
	if (*utc == '.') {
		if (sscanf(utc, ".%3d%n", &ms, &used) != 1 || used != 4)
			return NAN;
		utc += used;
	}
	if (strcmp(utc, "Z") != 0 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60 || ms < 0)
		return NAN;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	gettimeofday(&tv, NULL);
	return (double)(tv.tv_sec - t) + tv.tv_usec / 1e6 - ms / 1e3;
}

void pb_sha256_hex(const char *text, size_t len, char out[65])
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, len, (const uint8_t *)text);
	sha256_digest(&ctx, sizeof(digest), digest);
	for (size_t k = 0; k < sizeof(digest); k++)
		snprintf(out + 2 * k, 3, "%02x", digest[k]);
}

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

json_t *pb_json_text(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k = 0, used = 0;
	char *fixed;
	json_t *j;

	if (!s)
		return json_string("");
	while (k < len && utf8_seq(u + k, len - k))
		k += utf8_seq(u + k, len - k);
	if (k == len)
		return json_stringn(s, len);
	/* Each bad byte becomes the 3 bytes of U+FFFD. */
	if (len > SIZE_MAX / 3 || !(fixed = malloc(3 * len)))
		return NULL;
	for (k = 0; k < len;) {
		size_t n = utf8_seq(u + k, len - k);
		if (n) {
			memcpy(fixed + used, s + k, n);
			used += n, k += n;
		} else {
			memcpy(fixed + used, "\xef\xbf\xbd", 3);
			used += 3, k++;
		}
	}
	j = json_stringn(fixed, used);
	free(fixed);
	return j;
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

/* Sets obj[key] = value (stolen); false when either is NULL. */
static bool set(json_t *obj, const char *key, json_t *value)
{
	return json_object_set_new(obj, key, value) == 0;
}

static bool set_text(json_t *obj, const char *key, const char *s)
{
	return set(obj, key, pb_json_text(s, s ? strlen(s) : 0));
}

json_t *pb_meta_plugins(const struct pb_registry *reg)
{
	json_t *list = json_array();
	bool ok = list != NULL;

	for (size_t k = 0; ok && reg && k < reg->n; k++) {
		const struct pb_plugin *p = reg->items[k].plugin;
		json_t *o = json_object();
		ok = o && set_text(o, "name", p->name) &&
		     set_text(o, "version", p->version) &&
		     set_text(o, "kind",
			      p->kind == PB_KIND_WORKLOAD ? "workload"
							  : "strategy") &&
		     set_text(o, "file", reg->items[k].path);
		ok = json_array_append_new(list, o) == 0 && ok;
	}
	if (!ok) {
		json_decref(list);
		return NULL;
	}
	return list;
}

/* One cache level: {"level", "size_bytes", "count", "shared_by_pus"}. */
static json_t *cache_json(const struct pb_cache_level *c)
{
	return json_pack("{s:I, s:I, s:I, s:I}", "level", (json_int_t)c->depth,
			 "size_bytes", (json_int_t)c->size, "count",
			 (json_int_t)c->count, "shared_by_pus",
			 (json_int_t)c->share_pu);
}

/*
 * The machine's shape from hwloc: counts, caches and the one-line summary
 * report.md shows; {"error": why} when hwloc cannot read it.
 */
static json_t *topology_json(void)
{
	struct pb_topology t;
	struct pb_err err = {{0}};
	char line[512];
	json_t *o = NULL, *caches;

	if (pb_topology_load(&t, &err) != PB_OK ||
	    pb_topology_summary(&t, line, sizeof(line), &err) != PB_OK) {
		pb_topology_free(&t);
		return json_pack("{s:s}", "error", err.msg);
	}
	caches = json_array();
	for (unsigned k = 0; caches && k < t.ncaches; k++)
		json_array_append_new(caches, cache_json(&t.caches[k]));
	if (caches)
		o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:b, s:o, s:s}",
			      "packages", (json_int_t)t.packages, "numa_nodes",
			      (json_int_t)t.numa_nodes, "node_cores",
			      (json_int_t)t.node_cores, "cores",
			      (json_int_t)t.cores, "pus", (json_int_t)t.pus,
			      "smt", t.pus > t.cores, "caches", caches,
			      "summary", line);
	pb_topology_free(&t);
	return o;
}

static bool host_fields(json_t *o)
{
	struct utsname u;
	char cpu[256], kernel[3 * sizeof(u.release)];

	uname(&u);
	snprintf(kernel, sizeof(kernel), "%s %s %s", u.sysname, u.release,
		 u.version);
	cpu_model(cpu, sizeof(cpu));
	return set_text(o, "host", u.nodename) &&
	       set_text(o, "cpu_model", cpu) &&
	       set(o, "cores", json_integer(sysconf(_SC_NPROCESSORS_ONLN))) &&
	       set_text(o, "kernel", kernel) &&
	       set_text(o, "machine", u.machine) &&
	       set(o, "topology", topology_json());
}

static bool run_fields(json_t *o, const struct pb_meta *m)
{
	char sha[65];
	const char *text = m->experiment_text ? m->experiment_text : "";
	size_t len = m->experiment_text ? m->experiment_len : 0;

	pb_sha256_hex(text, len, sha);
	return set_text(o, "command_line", m->command_line) &&
	       set_text(o, "experiment_file", m->experiment_file) &&
	       set(o, "experiment_text", pb_json_text(text, len)) &&
	       set_text(o, "experiment_sha256", sha) &&
	       set(o, "repetitions",
		   m->repetitions ? json_integer(m->repetitions)
				  : json_null()) &&
	       set_text(o, "started_utc", m->started_utc) &&
	       set_text(o, "ended_utc", m->ended_utc) &&
	       set_text(o, "status", m->status) &&
	       set(o, "plugins", pb_meta_plugins(m->registry));
}

json_t *pb_meta_json(const struct pb_meta *m, struct pb_err *err)
{
	json_t *o = json_object();
	bool ok = o && set_text(o, "parabench_version", PB_VERSION) &&
		  set_text(o, "git_commit", PB_GIT_COMMIT) && host_fields(o);
#ifdef __clang__
	ok = ok && set_text(o, "compiler", "clang " __clang_version__);
#else
	ok = ok && set_text(o, "compiler", "gcc " __VERSION__);
#endif
	ok = ok && set_text(o, "cflags", PB_CFLAGS) && run_fields(o, m);
	if (ok && m->extra)
		ok = json_object_update(o, m->extra) == 0;
	if (!ok) {
		json_decref(o);
		pb_fail(err, "out of memory building meta.json");
		return NULL;
	}
	return o;
}

int pb_meta_write(const char *dir, const struct pb_meta *m, struct pb_err *err)
{
	char path[PB_PATH_MAX];
	json_t *o;
	char *text;
	int rc;

	if (pb_path_join(path, sizeof(path), dir, "meta.json", err))
		return PB_ERROR;
	o = pb_meta_json(m, err);
	if (!o)
		return PB_ERROR;
	text = json_dumps(o, JSON_INDENT(2));
	json_decref(o);
	if (!text)
		return pb_fail(err, "out of memory writing %s", path);
	/* json_dumps ends without a newline; a text file has one. */
	size_t len = strlen(text);
	char *full = realloc(text, len + 2);
	if (!full) {
		free(text);
		return pb_fail(err, "out of memory writing %s", path);
	}
	memcpy(full + len, "\n", 2);
	rc = pb_write_file_atomic(path, full, len + 1, err);
	free(full);
	return rc;
}
