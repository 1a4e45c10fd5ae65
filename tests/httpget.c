/*
 * httpget.c: fetch a URL with r53d's HTTP client (tests only).
 *
 * usage: httpget [-qv] [--ca FILE] [--time UNIX] [--count N] [--sleep MS]
 *	  [--post DATA] [--max BYTES] [--timeout MS] URL
 *
 * Sends the request count times over one http_conn, the next request
 * being started from the done callback (or after --sleep ms), and runs
 * its own poll loop with the shared resolver.  For each response it
 * prints "status S length L" and, unless -q, the body; for a failure
 * "error CLASS reached R: text".  At the end it prints the connection's
 * counters: "connects C handshakes H requests N resends S".  Exit status
 * 0 if every request got a response, else 1.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/conn.h"
#include "http/resolve.h"
#include "http/tls.h"
#include "http/url.h"
#include "log.h"

static struct http_conn	 conn;
static char		 head[2048];
static size_t		 headlen;
static const char	*post;
static int		 remaining, failed, quiet, stop;
static long		 sleep_ms;
static uint64_t		 wake;		/* next request after a sleep */

static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void	done(const struct http_result *, void *);

static void
send_next(void)
{
	if (http_conn_request(&conn, head, headlen, post,
	    post ? strlen(post) : 0, done, NULL) == -1) {
		fprintf(stderr, "httpget: request refused: busy\n");
		failed = stop = 1;
	}
}

static void
done(const struct http_result *r, void *arg)
{
	(void)arg;
	if (r->error != HTTP_OK) {
		printf("error %s reached %d: %s\n",
		    http_conn_strerror(r->error), r->may_have_reached,
		    r->errtext);
		failed = stop = 1;
		return;
	}
	printf("status %d length %zu\n", r->status, r->bodylen);
	if (!quiet) {
		fwrite(r->body, 1, r->bodylen, stdout);
		printf("\n");
	}
	fflush(stdout);
	if (--remaining <= 0) {
		stop = 1;
		return;
	}
	if (sleep_ms > 0)
		wake = now_ms() + (uint64_t)sleep_ms;
	else
		send_next();	/* from inside the callback, on purpose */
}

static long
num(const char *s, long min, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "httpget: bad number %s\n", s);
		exit(2);
	}
	return v;
}

static void
usage(void)
{
	fprintf(stderr, "usage: httpget [-qv] [--ca file] [--time unix] "
	    "[--count n] [--sleep ms] [--post data] [--max bytes] "
	    "[--timeout ms] url\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct http_resolver	 res;
	struct http_tls_anchors	 ta = { NULL, 0 };
	struct http_endpoint	 ep;
	struct http_timeouts	 to;
	struct pollfd		 pfd[1 + HTTP_RESOLVE_MAXFDS];
	const struct http_conn_stats *st;
	const char		*ca = HTTP_TLS_DEFAULT_CA, *url = NULL;
	const char		*path, *err;
	char			 auth[300];
	uint64_t		 now, d, next;
	size_t			 nres;
	long			 when = 0, maxresp = 0, timeout = 0;
	int			 i, verbose = 0, n, ms;

	remaining = 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-q") == 0)
			quiet = 1;
		else if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if (i + 1 < argc && strcmp(argv[i], "--ca") == 0)
			ca = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--time") == 0)
			when = num(argv[++i], 1, LONG_MAX);
		else if (i + 1 < argc && strcmp(argv[i], "--count") == 0)
			remaining = (int)num(argv[++i], 1, 100000);
		else if (i + 1 < argc && strcmp(argv[i], "--sleep") == 0)
			sleep_ms = num(argv[++i], 0, 600000);
		else if (i + 1 < argc && strcmp(argv[i], "--post") == 0)
			post = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--max") == 0)
			maxresp = num(argv[++i], 1, 1L << 30);
		else if (i + 1 < argc && strcmp(argv[i], "--timeout") == 0)
			timeout = num(argv[++i], 1, 600000);
		else if (argv[i][0] == '-' || url != NULL)
			usage();
		else
			url = argv[i];
	}
	if (url == NULL)
		usage();
	log_init(1, verbose);
	if (http_url_parse(url, &ep, &path, &err) == -1) {
		fprintf(stderr, "httpget: %s: %s\n", url, err);
		return 2;
	}
	if (http_url_authority(&ep, auth, sizeof(auth)) == -1)
		return 2;
	n = snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: httpget\r\n", post ? "POST" : "GET",
	    *path ? path : "/", auth);
	if (post)
		n += snprintf(head + n, sizeof(head) - (size_t)n,
		    "Content-Type: text/plain\r\nContent-Length: %zu\r\n",
		    strlen(post));
	n += snprintf(head + n, sizeof(head) - (size_t)n, "\r\n");
	if (n < 0 || (size_t)n >= sizeof(head))
		return 2;
	headlen = (size_t)n;

	if (ep.tls && http_tls_anchors_load(&ta, ca) == -1)
		return 2;
	if (http_resolver_init(&res, 0, 0) == -1)
		return 2;
	memset(&to, 0, sizeof(to));
	if (timeout) {
		to.connect_ms = to.handshake_ms = to.response_ms =
		    (uint32_t)timeout;
	}
	if (http_conn_init(&conn, &ep, &res, &ta, &to, (size_t)maxresp) == -1)
		return 2;
	if (when)
		http_conn_set_time(&conn, (time_t)when);
	send_next();

	while (!stop) {
		now = now_ms();
		http_conn_pollfd(&conn, &pfd[0]);
		nres = http_resolver_pollfds(&res, pfd + 1,
		    HTTP_RESOLVE_MAXFDS);
		next = 0;
		if ((d = http_conn_deadline(&conn)) != 0)
			next = d;
		if ((d = http_resolver_deadline(&res, now)) != 0 &&
		    (next == 0 || d < next))
			next = d;
		if (wake != 0 && (next == 0 || wake < next))
			next = wake;
		if (next == 0)
			ms = -1;
		else if (next <= now)
			ms = 0;
		else
			ms = (int)(next - now);
		if (poll(pfd, 1 + nres, ms) == -1 && errno != EINTR) {
			perror("poll");
			return 2;
		}
		now = now_ms();
		http_resolver_step(&res, pfd + 1, nres, now);
		http_conn_step(&conn, pfd[0].revents, now);
		if (wake != 0 && now >= wake && !stop) {
			wake = 0;
			send_next();
		}
	}
	st = http_conn_stats(&conn);
	printf("connects %lu handshakes %lu requests %lu resends %lu\n",
	    st->connects, st->handshakes, st->requests, st->resends);
	http_conn_free(&conn);
	http_resolver_free(&res);
	http_tls_anchors_free(&ta);
	return failed ? 1 : 0;
}
