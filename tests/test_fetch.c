/*
 * test_fetch.c — the fetch workload, on 127.0.0.1 only: the embedded server
 * under serial and pthreads (and fork/shm when they are built), `urls`
 * pointing at an embedded server, and every failure a user meets —
 * connection refused, HTTP 404/500, a timeout, too many redirects, a
 * redirect to file://, a response over max_bytes, malformed URLs — each a
 * `failed` row naming the URL and curl's error code (never curl's wording,
 * which changes between versions). The tests use only what the plugin
 * shows: its parameters, metrics and messages. Runs leave no descriptor
 * and no thread behind.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <curl/curl.h> /* the CURLE_ codes only: nothing is linked */
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pbt_direct.h"
#include "pbtest.h"
#include "plugin/value.h"

static void run_ok(const char *params, const char *strategy, unsigned workers,
		   double requests, double bytes)
{
	struct pb_measure m;

	pbt_run_ok("fetch", params, strategy, "", workers, &m);
	cr_assert_eq(pbt_metric("fetch", &m, "requests"), requests, "%s",
		     params);
	cr_assert_eq(pbt_metric("fetch", &m, "bytes"), bytes, "%s", params);
	cr_assert_gt(pbt_metric("fetch", &m, "req_per_s"), 0, "%s", params);
	cr_assert_float_eq(pbt_metric("fetch", &m, "req_per_s"),
			   requests / m.wall_s, 1e-9 * requests / m.wall_s,
			   "req_per_s is over the host's span: %s", params);
}

/* Runs fetch and expects a failed row whose message holds every want. */
static void run_failed(const char *params, const char *want1, const char *want2)
{
	struct pb_measure m;

	pbt_run("fetch", params, "serial", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED, "%s: %s", params, m.message);
	cr_assert(strstr(m.message, want1), "%s\nexpected: %s", m.message,
		  want1);
	cr_assert(!want2 || strstr(m.message, want2), "%s\nexpected: %s",
		  m.message, want2);
}

/* Runs fetch and expects a failed row holding where and curl's code. */
static void run_failed_curl(const char *params, const char *where,
			    CURLcode code)
{
	char want[64];

	snprintf(want, sizeof(want), "(curl error %d)", (int)code);
	run_failed(params, where, want);
}

/* Runs fetch, expects ok and at most max_connections connections. */
static void run_reusing(const char *params, const char *strategy,
			unsigned workers, double requests, double bytes,
			double max_connections)
{
	struct pb_measure m;

	run_ok(params, strategy, workers, requests, bytes);
	pbt_run("fetch", params, strategy, "", workers, &m);
	double c = pbt_metric("fetch", &m, "connections");
	cr_assert(c >= 1 && c <= max_connections,
		  "%s under %s x%u: %.0f connections, expected 1 to %.0f",
		  params, strategy, workers, c, max_connections);
}

Test(fetch, embedded_server_serial_reuses_one_connection)
{
	run_reusing("requests=5; delay=1ms", "serial", 1, 5, 5 * 1024, 1);
}

Test(fetch, embedded_server_pthreads_five_workers)
{
	run_reusing("requests=5", "pthreads", 5, 5, 5 * 1024, 5);
	run_reusing("requests=23; size=10000; delay=0", "pthreads", 5, 23,
		    23 * 10000.0, 5);
}

Test(fetch, empty_and_large_bodies)
{
	run_ok("requests=2; size=0; delay=0", "serial", 1, 2, 0);
	run_ok("requests=3; size=3M; delay=0", "pthreads", 2, 3, 3 * 3145728.0);
}

Test(fetch, process_strategies_when_built)
{
	const char *names[] = {"fork", "shm"};
	int ran = 0;

	for (size_t k = 0; k < PB_COUNT(names); k++) {
		if (!pbt_have_strategy(names[k]))
			continue;
		run_ok("requests=5", names[k], 5, 5, 5 * 1024);
		ran++;
	}
	if (!ran)
		cr_skip("neither the fork nor the shm strategy is built yet");
}

Test(fetch, leaves_no_descriptor_and_no_thread)
{
	int fds = pbt_count_fds(), threads = pbt_count_threads();

	run_ok("requests=10; delay=1ms", "pthreads", 5, 10, 10 * 1024);
	run_failed("requests=2; delay=0; size=100k; max_bytes=1k",
		   "larger than max_bytes", NULL);
	cr_assert_eq(pbt_count_fds(), fds);
	cr_assert_eq(pbt_count_threads(), threads);
}

/* ---- A server started by one setup, used through `urls` by another ----- */

/*
 * Starts fetch's embedded server in d (one request is made, so that
 * reduce fills the metrics) and returns its base URL, the metric `server`.
 */
static const char *start_server(struct pbt_direct *d, const char *params)
{
	char all[256];

	snprintf(all, sizeof(all), "requests=1; %s", params);
	pbt_direct_start(d, "fetch", all);
	cr_assert_eq(pbt_direct_run(d), PB_OK, "%s", d->err.msg);
	for (size_t k = 0; k < d->p->nmetrics; k++)
		if (strcmp(d->p->metrics[k].name, "server") == 0) {
			const char *base = d->m[k].text;
			cr_assert(strncmp(base, "http://127.0.0.1:", 17) == 0,
				  "%s", base);
			return base;
		}
	cr_assert_fail("fetch has no metric `server`");
	return NULL;
}

Test(fetch, urls_pointing_at_an_embedded_server)
{
	struct pbt_direct srv;
	char params[512];

	const char *b = start_server(&srv, "delay=0; size=3000");
	snprintf(params, sizeof(params),
		 "requests=6; urls=[%s, %schunked, %sredirect/3]", b, b, b);
	run_reusing(params, "pthreads", 3, 6, 6 * 3000.0, 3);
	run_reusing(params, "serial", 1, 6, 6 * 3000.0, 1);
	pbt_direct_teardown(&srv);
}

Test(fetch, http_404_and_500_fail_the_row)
{
	struct pbt_direct srv;
	char params[512], url[256];

	const char *b = start_server(&srv, "delay=0");
	snprintf(url, sizeof(url), "%sstatus/404", b);
	snprintf(params, sizeof(params), "urls=[%s]", url);
	run_failed(params, url, "HTTP 404; expected a 2xx status");
	snprintf(url, sizeof(url), "%sstatus/500", b);
	snprintf(params, sizeof(params), "requests=1; urls=[%s]", url);
	run_failed(params, url, "HTTP 500");
	pbt_direct_teardown(&srv);
}

Test(fetch, redirects_are_capped_and_stay_on_http)
{
	struct pbt_direct srv;
	char params[512], url[256];

	const char *b = start_server(&srv, "delay=0");
	snprintf(url, sizeof(url), "%sredirect/5", b);
	snprintf(params, sizeof(params), "requests=1; urls=[%s]", url);
	run_ok(params, "serial", 1, 1, 1024);
	snprintf(url, sizeof(url), "%sredirect/6", b);
	snprintf(params, sizeof(params), "requests=1; urls=[%s]", url);
	run_failed_curl(params, url, CURLE_TOO_MANY_REDIRECTS);
	snprintf(url, sizeof(url), "%sredirect-to-file", b);
	snprintf(params, sizeof(params), "requests=1; urls=[%s]", url);
	run_failed_curl(params, url, CURLE_UNSUPPORTED_PROTOCOL);
	pbt_direct_teardown(&srv);
}

Test(fetch, response_cap_with_and_without_content_length)
{
	struct pbt_direct srv;
	char params[512];

	run_failed("requests=1; size=100k; max_bytes=10k; delay=0",
		   "GET http://127.0.0.1:",
		   "the response is larger than max_bytes (10240 bytes)");
	/* Chunked: no Content-Length, the write callback stops it. */
	const char *b = start_server(&srv, "delay=0; size=100k");
	snprintf(params, sizeof(params),
		 "requests=1; max_bytes=10k; "
		 "urls=[%schunked]",
		 b);
	run_failed(params, "chunked: the response is larger than max_bytes",
		   NULL);
	pbt_direct_teardown(&srv);
}

/* Quoted, a URL holding ',' and ';' is one item of urls, kept whole. */
Test(fetch, url_with_comma_and_semicolon_is_one_url)
{
	struct pbt_direct srv;
	char params[512], url[256];

	const char *b = start_server(&srv, "delay=0");
	snprintf(url, sizeof(url), "%sstatus/404?a=1,2;b=3", b);
	snprintf(params, sizeof(params), "requests=2; urls=[\"%s\"]", url);
	run_failed(params, url, "HTTP 404; expected a 2xx status");
	pbt_direct_teardown(&srv);
}

/* A port on 127.0.0.1 that nothing listens on (bound, then closed). */
static unsigned closed_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert_geq(fd, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

Test(fetch, connection_refused_names_url_and_curl_code)
{
	char params[256], url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%u/page", closed_port());
	snprintf(params, sizeof(params), "requests=2; urls=[%s]", url);
	run_failed_curl(params, url, CURLE_COULDNT_CONNECT);
}

Test(fetch, timeout_fails_the_row)
{
	run_failed_curl("requests=1; delay=3s; timeout=100ms",
			"GET http://127.0.0.1:", CURLE_OPERATION_TIMEDOUT);
}

Test(fetch, malformed_urls_fail_setup)
{
	run_failed("urls=[ftp://127.0.0.1/file]",
		   "setup: urls[0] 'ftp://127.0.0.1/file' is not an http:// "
		   "or https:// URL",
		   NULL);
	run_failed("urls=[http://127.0.0.1/, 127.0.0.1/]",
		   "setup: urls[1] '127.0.0.1/' is not an http:// or https:// "
		   "URL",
		   NULL);
	run_failed("urls=[http://]",
		   "setup: urls[0] 'http://' is not a valid "
		   "URL: ",
		   NULL);
	run_failed(
	    "urls=[http://bad host/]",
	    "setup: urls[0] 'http://bad host/' is not a valid URL: ", NULL);
}

/* Results of one server's tasks, checked against another's size. */
Test(fetch, verify_catches_a_wrong_length_and_a_lost_request)
{
	struct pbt_direct a, b;

	pbt_direct_start(&a, "fetch", "requests=3; delay=0; size=1000");
	pbt_direct_start(&b, "fetch", "requests=3; delay=0; size=2000");
	cr_assert_eq(pbt_direct_run(&a), PB_OK, "%s", a.err.msg);
	const struct pb_workload_hooks *h = a.h;
	cr_assert_eq(pbt_direct_verify(&a), PB_OK, "%s", a.err.msg);
	cr_assert_eq(h->verify(b.state, a.results, a.ntasks, a.m, &b.err),
		     PB_ERROR);
	cr_assert(strstr(b.err.msg, "request 0 (GET http://127.0.0.1:"), "%s",
		  b.err.msg);
	cr_assert(strstr(b.err.msg, "got 1000 bytes; expected 2000"), "%s",
		  b.err.msg);
	a.m[0].value = 2; /* metric `requests` */
	cr_assert_eq(pbt_direct_verify(&a), PB_ERROR);
	cr_assert(strstr(a.err.msg, "2 requests completed; expected 3"), "%s",
		  a.err.msg);
	pbt_direct_teardown(&b);
	pbt_direct_teardown(&a);
}

Test(fetch, table_refuses_bad_counts)
{
	const struct pb_plugin *p = pbt_plugin(PB_KIND_WORKLOAD, "fetch");
	struct pb_arena arena = {0};
	struct pb_value v;
	struct pb_err why = {{0}};
	const char *bad[][2] = {{"requests", "0"},
				{"requests", "-5"},
				{"max_bytes", "0"},
				{"timeout", "0"},
				{"delay", "-1s"}};

	for (size_t k = 0; k < PB_COUNT(bad); k++)
		for (size_t j = 0; j < p->nparams; j++)
			if (strcmp(p->params[j].name, bad[k][0]) == 0)
				cr_assert_eq(pb_value_parse(&p->params[j],
							    bad[k][1], &arena,
							    &v, &why),
					     PB_ERROR, "%s=%s accepted",
					     bad[k][0], bad[k][1]);
	pb_arena_free(&arena);
}

Test(fetch, setup_refuses_zero_requests)
{
	struct pbt_direct d;

	pbt_direct_init(&d, "fetch", "");
	pbt_value(&d.args, "requests")->u.i = 0;
	pbt_direct_expect_setup_error(&d, "requests is 0; expected at least 1");
	pbt_direct_teardown(&d);
}
