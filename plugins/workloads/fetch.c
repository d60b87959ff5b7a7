/*
 * fetch.c — network I/O over real HTTP with libcurl, the notebook's "fetch
 * five pages with one thread, then with five" example.
 *
 * Each task is one GET. With `urls`, task i fetches urls[i % n] (any http://
 * or https:// URL). Without urls, setup starts an embedded HTTP server
 * (libmicrohttpd, one thread per connection, so delayed replies overlap
 * as a remote site's do) on 127.0.0.1 with an ephemeral port, and every
 * task fetches its "/": `size` bytes after `delay`, a stand-in for a remote
 * site's latency. The experiment then runs anywhere, offline.
 *
 * The embedded server answers GET and HEAD:
 *   /status/NNN        status NNN (200..599) after `delay`, a short text body
 *                      (tests use it to provoke HTTP errors: /status/404)
 *   /redirect/N        N > 0: 302 to /redirect/N-1; N == 0: as "/"
 *   /redirect-to-file  302 to file:///etc/passwd (must be refused)
 *   /chunked           as "/", but chunked: no Content-Length
 *   anything else      `size` bytes ('a'..'z' repeated) after `delay`
 * Other methods get 405. The delay is cut short when teardown stops it.
 *
 * Each worker keeps one curl easy handle (made in worker_init), so its
 * requests reuse one connection (metric `connections` counts the ones
 * opened: at most one per worker when the server keeps them alive). Safety: transfers and redirects are
 * limited to http and https, at most 5 redirects, at most `max_bytes` of
 * body (aborted beyond), and at most `timeout` per request. A transport
 * error, an HTTP status outside 2xx or a cut-off response fails the task
 * with the URL, curl's own words and its error code.
 *
 * The text metric `server` is the base URL of the embedded server
 * ("http://127.0.0.1:PORT/"; "" with urls), so that `urls` can point at a
 * server started by another setup (the tests do).
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <parabench/plugin.h>
#include <pthread.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

enum { P_URLS, P_REQUESTS, P_SIZE, P_DELAY, P_TIMEOUT, P_MAX_BYTES };

static const struct pb_param params[] = {
    [P_URLS] = {"urls", PB_STRING_LIST, "[]", 0, 0, NULL,
		"http(s) URLs to fetch round-robin; empty: an embedded "
		"server on 127.0.0.1"},
    [P_REQUESTS] = {"requests", PB_INT, "5", 1, 1e7, NULL,
		    "number of GET requests (tasks)"},
    [P_SIZE] = {"size", PB_SIZE, "1k", 0, 1e12, NULL,
		"body bytes the embedded server answers"},
    [P_DELAY] = {"delay", PB_DURATION, "20ms", 0, 3600, NULL,
		 "the embedded server's wait before answering (latency)"},
    [P_TIMEOUT] = {"timeout", PB_DURATION, "10s", 0.001, 86400, NULL,
		   "limit on each whole request"},
    [P_MAX_BYTES] = {"max_bytes", PB_SIZE, "64M", 1, PB_NO_MAX, NULL,
		     "largest body accepted; a larger one fails the task"},
};

enum { M_REQUESTS, M_BYTES, M_REQ_PER_S, M_CONNECTIONS, M_SERVER };

static const struct pb_metric metrics[] = {
    [M_REQUESTS] = {"requests", "", "requests completed"},
    [M_BYTES] = {"bytes", "B", "body bytes received"},
    [M_REQ_PER_S] = {"req_per_s", "1/s",
		     "requests / the timed span (host-measured)",
		     PB_METRIC_PER_SECOND},
    [M_CONNECTIONS] = {"connections", "",
		       "connections opened; a worker reuses its own"},
    [M_SERVER] = {"server", "",
		  "base URL of the embedded server (\"\" with urls)"},
};

/* The embedded server; lives inside the state, so it never moves. */
struct server {
	struct MHD_Daemon *daemon;
	uint64_t size;
	double delay;
	pthread_mutex_t lock; /* guards stopping */
	pthread_cond_t wake;  /* CLOCK_MONOTONIC; broadcast on stop */
	bool stopping;
	bool sync_ready; /* lock and wake initialised */
};

struct fetch_state {
	char base_url[64]; /* the embedded server's, or "" */
	char **urls;
	size_t nurls;
	uint64_t size, max_bytes;
	long timeout_ms;
	bool curl_ready;
	struct server server;
};

/* What one request did (the host times the span: req_per_s is a
 * per-second metric). */
struct fetch_result {
	uint64_t bytes;
	int64_t content_length; /* -1 when the server sent none */
	int32_t status;
	uint32_t connects; /* new connections this request opened */
};

/* A worker's connection: one easy handle, reused for all its requests. */
struct fetch_worker {
	CURL *curl;
	char errbuf[CURL_ERROR_SIZE];
};

/* Where the write callback counts a body. */
struct sink {
	uint64_t bytes, max;
	bool over;
};

/* ---- The embedded server ------------------------------------------------ */

/* Sleeps for the server's delay, or less when the server is stopping. */
static void wait_delay(struct server *srv)
{
	struct timespec until;
	double whole;

	if (srv->delay <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += (long)(modf(srv->delay, &whole) * 1e9);
	until.tv_sec += (time_t)whole + until.tv_nsec / 1000000000;
	until.tv_nsec %= 1000000000;
	pthread_mutex_lock(&srv->lock);
	while (!srv->stopping && pthread_cond_timedwait(&srv->wake, &srv->lock,
							&until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&srv->lock);
}

/* Body bytes: 'a'..'z' repeated, from position pos. */
static ssize_t read_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	const struct server *srv = cls;
	size_t n;

	if (pos >= srv->size)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = srv->size - pos < max ? (size_t)(srv->size - pos) : max;
	for (size_t k = 0; k < n; k++)
		buf[k] = (char)('a' + (pos + k) % 26);
	return (ssize_t)n;
}

/* Queues a response and drops our reference to it. */
static enum MHD_Result send_response(struct MHD_Connection *c, unsigned status,
				     struct MHD_Response *r,
				     const char *location)
{
	enum MHD_Result rc;

	if (!r)
		return MHD_NO;
	if (location &&
	    MHD_add_response_header(r, "Location", location) == MHD_NO) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status,
				 const char *location)
{
	char text[64];
	int n = snprintf(text, sizeof(text), "status %u\n", status);

	return send_response(c, status,
			     MHD_create_response_from_buffer(
				 (size_t)n, text, MHD_RESPMEM_MUST_COPY),
			     location);
}

static enum MHD_Result send_body(struct MHD_Connection *c, struct server *srv,
				 bool chunked)
{
	uint64_t size = chunked ? MHD_SIZE_UNKNOWN : srv->size;

	return send_response(c, MHD_HTTP_OK,
			     MHD_create_response_from_callback(
				 size, 64 * 1024, read_body, srv, NULL),
			     NULL);
}

/* The number after prefix in url, or -1 when it is not all digits. */
static long number_after(const char *url, const char *prefix)
{
	size_t n = strlen(prefix);
	char *end;
	long v;

	if (strncmp(url, prefix, n) || url[n] < '0' || url[n] > '9')
		return -1;
	errno = 0;
	v = strtol(url + n, &end, 10);
	return *end || errno ? -1 : v;
}

/* The request handler; runs in the connection's own thread. */
static enum MHD_Result answer(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct server *srv = cls;
	char location[64];
	long n;

	(void)version;
	(void)upload;
	/*
	 * The first call only announces the request: answering then would
	 * make libmicrohttpd close the connection (it cannot know that no
	 * body follows), and the workers' connection reuse would be lost.
	 */
	if (!*con_cls) {
		*con_cls = srv;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0; /* a body is not expected: drop it */
		return MHD_YES;
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, NULL);
	wait_delay(srv);
	if ((n = number_after(url, "/status/")) >= 0)
		return send_text(c, n >= 200 && n <= 599 ? (unsigned)n : 400,
				 NULL);
	if ((n = number_after(url, "/redirect/")) > 0) {
		snprintf(location, sizeof(location), "/redirect/%ld", n - 1);
		return send_text(c, MHD_HTTP_FOUND, location);
	}
	if (strcmp(url, "/redirect-to-file") == 0)
		return send_text(c, MHD_HTTP_FOUND, "file:///etc/passwd");
	return send_body(c, srv, strcmp(url, "/chunked") == 0);
}

static int init_sync(struct server *srv, struct pb_err *err)
{
	pthread_condattr_t attr;
	int rc;

	if ((rc = pthread_condattr_init(&attr)))
		return pb_fail(err, "embedded server: %s", strerror(rc));
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	rc = pthread_cond_init(&srv->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (rc)
		return pb_fail(err, "embedded server: %s", strerror(rc));
	pthread_mutex_init(&srv->lock, NULL);
	srv->sync_ready = true;
	return PB_OK;
}

/* Starts the server on 127.0.0.1, port chosen by the kernel. */
static int server_start(struct fetch_state *st, struct pb_err *err)
{
	struct server *srv = &st->server;
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	const union MHD_DaemonInfo *info;

	if (init_sync(srv, err))
		return PB_ERROR;
	errno = 0;
	srv->daemon = MHD_start_daemon(
	    MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
	    NULL, NULL, answer, srv, MHD_OPTION_SOCK_ADDR, &sa,
	    MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_END);
	if (!srv->daemon)
		return pb_fail(err,
			       "cannot start the embedded HTTP server on "
			       "127.0.0.1 (libmicrohttpd): %s",
			       errno ? strerror(errno) : "unknown error");
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (!info || !info->port)
		return pb_fail(err, "the embedded HTTP server did not say "
				    "which port it listens on");
	snprintf(st->base_url, sizeof(st->base_url), "http://127.0.0.1:%u/",
		 (unsigned)info->port);
	return PB_OK;
}

/* Ends pending delays, stops the server and joins its threads. */
static void server_stop(struct server *srv)
{
	if (!srv->sync_ready)
		return;
	pthread_mutex_lock(&srv->lock);
	srv->stopping = true;
	pthread_cond_broadcast(&srv->wake);
	pthread_mutex_unlock(&srv->lock);
	if (srv->daemon)
		MHD_stop_daemon(srv->daemon);
	srv->daemon = NULL;
	pthread_cond_destroy(&srv->wake);
	pthread_mutex_destroy(&srv->lock);
	srv->sync_ready = false;
}

/* ---- Setup and teardown -------------------------------------------------- */

/* Accepts only well-formed http:// and https:// URLs. */
static int check_url(const char *url, size_t k, struct pb_err *err)
{
	CURLU *u;
	CURLUcode rc;

	if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
		return pb_fail(err,
			       "urls[%zu] '%s' is not an http:// or "
			       "https:// URL; expected e.g. "
			       "https://example.org/",
			       k, url);
	u = curl_url();
	if (!u)
		return pb_fail(err, "out of memory");
	rc = curl_url_set(u, CURLUPART_URL, url, 0);
	curl_url_cleanup(u);
	if (rc != CURLUE_OK)
		return pb_fail(err, "urls[%zu] '%s' is not a valid URL: %s", k,
			       url, curl_url_strerror(rc));
	return PB_OK;
}

/* Checks and copies the URLs (args need not outlive setup). */
static int copy_urls(const struct pb_value *v, struct fetch_state *st,
		     struct pb_err *err)
{
	size_t n = v->u.strings.n;

	if (!n)
		return PB_OK;
	st->urls = calloc(n, sizeof(*st->urls));
	if (!st->urls)
		return pb_fail(err, "out of memory");
	for (size_t k = 0; k < n; k++) {
		if (check_url(v->u.strings.v[k], k, err))
			return PB_ERROR;
		st->urls[k] = strdup(v->u.strings.v[k]);
		if (!st->urls[k])
			return pb_fail(err, "out of memory");
		st->nurls = k + 1;
	}
	return PB_OK;
}

/* Stops the server (cutting pending delays short), releases libcurl and
 * frees the state; also used by setup to undo a half-made state. */
static void fetch_teardown(void *state)
{
	struct fetch_state *st = state;

	server_stop(&st->server);
	if (st->curl_ready)
		curl_global_cleanup();
	for (size_t k = 0; k < st->nurls; k++)
		free(st->urls[k]);
	free(st->urls);
	free(st);
}

/*
 * Checks the parameters and URLs, initialises libcurl (here: setup runs
 * before any worker exists, and curl_global_init is not thread-safe on
 * every platform) and, without urls, starts the embedded server.
 */
static int fetch_setup(const struct pb_args *args, struct pb_host *host,
		       void **state, size_t *ntasks, struct pb_err *err)
{
	const struct pb_value *v = args->values;
	struct fetch_state *st = calloc(1, sizeof(*st));

	(void)host;
	if (!st)
		return pb_fail(err, "out of memory");
	st->size = (uint64_t)v[P_SIZE].u.i;
	st->max_bytes = (uint64_t)v[P_MAX_BYTES].u.i;
	st->timeout_ms = (long)ceil(v[P_TIMEOUT].u.f * 1000);
	st->server.size = st->size;
	st->server.delay = v[P_DELAY].u.f;
	if (v[P_REQUESTS].u.i < 1) {
		pb_fail(err, "requests is %lld; expected at least 1",
			(long long)v[P_REQUESTS].u.i);
		goto fail;
	}
	if (st->timeout_ms < 1 || v[P_MAX_BYTES].u.i < 1) {
		pb_fail(err, "timeout and max_bytes must be positive");
		goto fail;
	}
	if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) {
		pb_fail(err, "cannot initialise libcurl");
		goto fail;
	}
	st->curl_ready = true;
	if (copy_urls(&v[P_URLS], st, err) ||
	    (!st->nurls && server_start(st, err)))
		goto fail;
	*state = st;
	*ntasks = (size_t)v[P_REQUESTS].u.i;
	return PB_OK;
fail:
	fetch_teardown(st);
	return PB_ERROR;
}

/* ---- Tasks -------------------------------------------------------------- */

/* Counts body bytes; aborts the transfer (returns 0) beyond the cap. */
static size_t sink_write(char *data, size_t size, size_t n, void *user)
{
	struct sink *s = user;
	size_t len = size * n;

	(void)data;
	if (len > s->max - s->bytes) {
		s->over = true;
		return 0;
	}
	s->bytes += len;
	return len;
}

/* Sets one option or fails naming it. */
#define SET(h, opt, val, err)                                                  \
	do {                                                                   \
		CURLcode c_ = curl_easy_setopt((h), opt, (val));               \
		if (c_ != CURLE_OK)                                            \
			return pb_fail((err), "curl: cannot set %s: %s", #opt, \
				       curl_easy_strerror(c_));                \
	} while (0)

/* The options every request of a worker shares. */
static int configure(const struct fetch_state *st, struct fetch_worker *w,
		     struct pb_err *err)
{
	CURL *h = w->curl;

	SET(h, CURLOPT_NOSIGNAL, 1L, err);
	SET(h, CURLOPT_TIMEOUT_MS, st->timeout_ms, err);
	SET(h, CURLOPT_PROTOCOLS_STR, "http,https", err);
	SET(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https", err);
	SET(h, CURLOPT_FOLLOWLOCATION, 1L, err);
	SET(h, CURLOPT_MAXREDIRS, 5L, err);
	SET(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)st->max_bytes, err);
	SET(h, CURLOPT_WRITEFUNCTION, sink_write, err);
	SET(h, CURLOPT_ERRORBUFFER, w->errbuf, err);
	SET(h, CURLOPT_USERAGENT, "parabench-fetch/1.0", err);
	/* The embedded server is local: a proxy from the environment
	 * would only get in the way. */
	if (!st->nurls)
		SET(h, CURLOPT_NOPROXY, "*", err);
	return PB_OK;
}

static void fetch_worker_fini(void *state, void *ws)
{
	struct fetch_worker *w = ws;

	(void)state;
	if (!w)
		return;
	if (w->curl)
		curl_easy_cleanup(w->curl);
	free(w);
}

/* Makes the worker's curl handle, owned by the worker until fini. */
static int fetch_worker_init(void *state, unsigned worker, void **ws,
			     struct pb_err *err)
{
	struct fetch_worker *w = calloc(1, sizeof(*w));

	(void)worker;
	*ws = NULL;
	if (!w)
		return pb_fail(err, "out of memory");
	w->curl = curl_easy_init();
	if (!w->curl) {
		free(w);
		return pb_fail(err, "curl_easy_init failed");
	}
	if (configure(state, w, err)) {
		fetch_worker_fini(state, w);
		return PB_ERROR;
	}
	*ws = w;
	return PB_OK;
}

/* Turns a finished transfer into PB_OK or a message naming the URL. */
static int outcome(const struct fetch_state *st, const struct fetch_worker *w,
		   const char *url, CURLcode code, const struct sink *s,
		   long status, struct pb_err *err)
{
	if (s->over || code == CURLE_FILESIZE_EXCEEDED)
		return pb_fail(err,
			       "GET %s: the response is larger than "
			       "max_bytes (%llu bytes); raise max_bytes "
			       "to accept it",
			       url, (unsigned long long)st->max_bytes);
	if (code != CURLE_OK)
		return pb_fail(err, "GET %s: %s (curl error %d)", url,
			       w->errbuf[0] ? w->errbuf
					    : curl_easy_strerror(code),
			       (int)code);
	if (status < 200 || status > 299)
		return pb_fail(err, "GET %s: HTTP %ld; expected a 2xx status",
			       url, status);
	return PB_OK;
}

/* One GET of url on w's connection; fills r. */
static int get(const struct fetch_state *st, struct fetch_worker *w,
	       const char *url, struct fetch_result *r, struct pb_err *err)
{
	struct sink s = {.max = st->max_bytes};
	curl_off_t length = -1;
	long status = 0, connects = 0;
	CURLcode code;

	w->errbuf[0] = '\0';
	if ((code = curl_easy_setopt(w->curl, CURLOPT_URL, url)) ||
	    (code = curl_easy_setopt(w->curl, CURLOPT_WRITEDATA, &s)))
		return pb_fail(err, "GET %s: %s (curl error %d)", url,
			       curl_easy_strerror(code), (int)code);
	code = curl_easy_perform(w->curl);
	curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(w->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
	curl_easy_getinfo(w->curl, CURLINFO_NUM_CONNECTS, &connects);
	r->connects = (uint32_t)connects;
	r->status = (int32_t)status;
	r->bytes = s.bytes;
	r->content_length = length;
	return outcome(st, w, url, code, &s, status, err);
}

static int fetch_run_task(void *state, void *ws, size_t task, void *result,
			  struct pb_err *err)
{
	const struct fetch_state *st = state;
	const char *url = st->nurls ? st->urls[task % st->nurls] : st->base_url;
	void *own = NULL;
	int rc;

	/* A strategy that skipped worker_init still gets a handle. */
	if (!ws && fetch_worker_init(state, 0, &own, err))
		return PB_ERROR;
	rc = get(st, ws ? ws : own, url, result, err);
	fetch_worker_fini(state, own);
	return rc;
}

/* ---- Reduce and verify ---------------------------------------------------- */

static int fetch_reduce(void *state, const void *results, size_t ntasks,
			struct pb_metric_value *m, struct pb_err *err)
{
	const struct fetch_state *st = state;
	const struct fetch_result *r = results;
	uint64_t bytes = 0, done = 0, connects = 0;

	(void)err;
	_Static_assert(sizeof(st->base_url) <= PB_METRIC_TEXT_MAX,
		       "the base URL fits a metric text");
	memcpy(m[M_SERVER].text, st->base_url, sizeof(st->base_url));
	for (size_t k = 0; k < ntasks; k++) {
		bytes += r[k].bytes;
		done += r[k].status != 0;
		connects += r[k].connects;
	}
	m[M_REQUESTS].value = (double)done;
	m[M_BYTES].value = (double)bytes;
	m[M_CONNECTIONS].value = (double)connects;
	/* Per timed second: the host divides by the span. */
	m[M_REQ_PER_S].value = (double)done;
	return PB_OK;
}

/*
 * Embedded server: every request got 200 and exactly `size` bytes. URLs:
 * every request got a 2xx and as many bytes as its Content-Length, if any.
 */
static int fetch_verify(void *state, const void *results, size_t ntasks,
			const struct pb_metric_value *m, struct pb_err *err)
{
	const struct fetch_state *st = state;
	const struct fetch_result *r = results;

	if (m[M_REQUESTS].value != (double)ntasks)
		return pb_fail(err, "%.0f requests completed; expected %zu",
			       m[M_REQUESTS].value, ntasks);
	for (size_t k = 0; k < ntasks; k++) {
		const char *url =
		    st->nurls ? st->urls[k % st->nurls] : st->base_url;
		bool status_ok = st->nurls
				     ? r[k].status >= 200 && r[k].status <= 299
				     : r[k].status == 200;
		int64_t want =
		    st->nurls ? r[k].content_length : (int64_t)st->size;
		if (!status_ok)
			return pb_fail(err,
				       "request %zu (GET %s) got HTTP %d; "
				       "expected %s",
				       k, url, (int)r[k].status,
				       st->nurls ? "2xx" : "200");
		if (want >= 0 && r[k].bytes != (uint64_t)want)
			return pb_fail(err,
				       "request %zu (GET %s) got %llu "
				       "bytes; expected %lld",
				       k, url, (unsigned long long)r[k].bytes,
				       (long long)want);
	}
	return PB_OK;
}

static const struct pb_workload_hooks hooks = {
    .size = sizeof(struct pb_workload_hooks),
    .setup = fetch_setup,
    .worker_init = fetch_worker_init,
    .run_task = fetch_run_task,
    .worker_fini = fetch_worker_fini,
    .reduce = fetch_reduce,
    .verify = fetch_verify,
    .teardown = fetch_teardown,
};

PB_EXPORT const struct pb_plugin PB_PLUGIN_SYMBOL = {
    PB_PLUGIN_HEADER(PB_KIND_WORKLOAD, "fetch",
		     "HTTP GET requests with libcurl, to given URLs or an "
		     "embedded local server (network I/O)",
		     "1.0"),
    .params = params,
    .nparams = PB_COUNT(params),
    .metrics = metrics,
    .nmetrics = PB_COUNT(metrics),
    .result_size = sizeof(struct fetch_result),
    .workload = &hooks,
};
