/*
 * t_http_conn.c: the connection state machine against a scripted plain
 * HTTP server on 127.0.0.1, both driven by one poll loop in this test.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http/conn.h"

/* One scripted answer per request, in order; NULL: never answer. */
struct step {
	const char	*resp;
	int		 close_after;
};

static struct {
	int		 lfd, cfd;
	char		 buf[8192];
	size_t		 len;
	const struct step *script;
	size_t		 nscript, next;
	int		 accepts;
} srv;

static struct http_resolver	res;
static struct http_conn		conn;
static int			ncalls;
static struct http_result	last;
static char			lastbody[256];
static char			lasterr[512];
static const char		*head = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
static int			chain;		/* requests to chain */
static int			close_in_cb;

static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
done(const struct http_result *r, void *arg)
{
	(void)arg;
	ncalls++;
	last = *r;
	snprintf(lastbody, sizeof(lastbody), "%.*s", (int)r->bodylen,
	    r->body ? r->body : "");
	snprintf(lasterr, sizeof(lasterr), "%s", r->errtext ? r->errtext :
	    "");
	if (close_in_cb) {
		http_conn_close(&conn);
		return;
	}
	if (chain > 0 && r->error == HTTP_OK) {
		chain--;
		cr_assert_eq(http_conn_request(&conn, head, strlen(head), NULL,
		    0, done, NULL), 0);
	}
}

static void
srv_start(const struct step *script, size_t n)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	memset(&srv, 0, sizeof(srv));
	srv.cfd = -1;
	srv.script = script;
	srv.nscript = n;
	srv.lfd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(srv.lfd != -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(bind(srv.lfd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	cr_assert(listen(srv.lfd, 4) == 0);
	cr_assert(getsockname(srv.lfd, (struct sockaddr *)&sin, &len) == 0);
	ncalls = 0;
	chain = 0;
	close_in_cb = 0;
	memset(&last, 0, sizeof(last));
}

static void
conn_start(uint32_t response_ms)
{
	struct http_endpoint	ep;
	struct http_timeouts	to;
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	cr_assert(getsockname(srv.lfd, (struct sockaddr *)&sin, &len) == 0);
	memset(&ep, 0, sizeof(ep));
	snprintf(ep.host, sizeof(ep.host), "127.0.0.1");
	ep.port = ntohs(sin.sin_port);
	memset(&to, 0, sizeof(to));
	to.response_ms = response_ms;
	cr_assert_eq(http_resolver_init(&res, 0, 0), 0);
	cr_assert_eq(http_conn_init(&conn, &ep, &res, NULL, &to, 0), 0);
}

static void
srv_serve(void)
{
	const struct step	*s;
	char			*e;
	ssize_t			 n;

	if (srv.cfd == -1)
		return;
	n = read(srv.cfd, srv.buf + srv.len, sizeof(srv.buf) - srv.len - 1);
	if (n <= 0) {
		close(srv.cfd);
		srv.cfd = -1;
		return;
	}
	srv.len += (size_t)n;
	srv.buf[srv.len] = '\0';
	while ((e = strstr(srv.buf, "\r\n\r\n")) != NULL) {
		/* Drop the request head, keep the NUL terminator. */
		srv.len -= (size_t)(e + 4 - srv.buf);
		memmove(srv.buf, e + 4, srv.len + 1);
		if (srv.next >= srv.nscript)
			return;
		s = &srv.script[srv.next++];
		if (s->resp == NULL)
			return;
		cr_assert_eq(write(srv.cfd, s->resp, strlen(s->resp)),
		    (ssize_t)strlen(s->resp));
		if (s->close_after) {
			close(srv.cfd);
			srv.cfd = -1;
			return;
		}
	}
}

/* Run the loop until ncalls reaches want or limit ms pass. */
static void
run(int want, uint64_t limit)
{
	struct pollfd	pfd[3];
	uint64_t	end = now_ms() + limit, now, d;
	int		ms;

	while (ncalls < want && (now = now_ms()) < end) {
		http_conn_pollfd(&conn, &pfd[0]);
		pfd[1].fd = srv.lfd;
		pfd[1].events = POLLIN;
		pfd[2].fd = srv.cfd;
		pfd[2].events = POLLIN;
		ms = (int)(end - now);
		if ((d = http_conn_deadline(&conn)) != 0)
			ms = d <= now ? 0 : (int)(d - now < (uint64_t)ms ?
			    d - now : (uint64_t)ms);
		cr_assert(poll(pfd, 3, ms) != -1 || errno == EINTR);
		if (pfd[1].revents & POLLIN) {
			if (srv.cfd != -1)
				close(srv.cfd);
			srv.cfd = accept(srv.lfd, NULL, NULL);
			srv.len = 0;
			srv.accepts++;
		}
		if (pfd[2].revents)
			srv_serve();
		http_conn_step(&conn, pfd[0].revents, now_ms());
	}
}

static void
teardown_all(void)
{
	http_conn_free(&conn);
	http_resolver_free(&res);
	if (srv.cfd != -1)
		close(srv.cfd);
	close(srv.lfd);
}

Test(conn, keepalive_and_request_from_callback)
{
	static const struct step s[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none", 0 },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo", 0 },
		{ "HTTP/1.1 404 Nope\r\nContent-Length: 5\r\n\r\nthree", 0 },
	};

	srv_start(s, 3);
	conn_start(0);
	chain = 2;
	cr_assert_eq(http_conn_request(&conn, head, strlen(head), NULL, 0,
	    done, NULL), 0);
	cr_assert_eq(http_conn_request(&conn, head, strlen(head), NULL, 0,
	    done, NULL), -1, "a second request while busy is refused");
	cr_assert_eq(ncalls, 0, "no callback from http_conn_request");
	run(3, 5000);
	cr_assert_eq(ncalls, 3);
	cr_assert_eq(last.error, HTTP_OK);
	cr_assert_eq(last.status, 404);
	cr_assert_str_eq(lastbody, "three");
	cr_assert_eq(srv.accepts, 1);
	cr_assert_eq(http_conn_stats(&conn)->connects, 1);
	cr_assert(http_conn_connected(&conn));
	cr_assert(http_conn_idle(&conn));
	teardown_all();
}

Test(conn, connection_close_and_garbage_force_reconnect)
{
	static const struct step s[] = {
		{ "HTTP/1.1 200 OK\r\nConnection: close\r\n"
		    "Content-Length: 1\r\n\r\na", 0 },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nbJUNK", 0 },
		{ "HTTP/1.0 200 OK\r\n\r\nuntil close", 1 },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nd", 0 },
	};

	srv_start(s, 4);
	conn_start(0);
	chain = 3;
	cr_assert_eq(http_conn_request(&conn, head, strlen(head), NULL, 0,
	    done, NULL), 0);
	run(4, 5000);
	cr_assert_eq(ncalls, 4, "%d calls, last error %s", ncalls, lasterr);
	cr_assert_eq(last.error, HTTP_OK);
	cr_assert_str_eq(lastbody, "d");
	/* close, garbage and end-of-stream body each cost a connection */
	cr_assert_eq(http_conn_stats(&conn)->connects, 4);
	cr_assert_eq(http_conn_stats(&conn)->resends, 0);
	teardown_all();
}

Test(conn, response_timeout)
{
	static const struct step s[] = { { NULL, 0 } };
	uint64_t	t0;

	srv_start(s, 1);
	conn_start(300);
	cr_assert_eq(http_conn_request(&conn, head, strlen(head), NULL, 0,
	    done, NULL), 0);
	t0 = now_ms();
	run(1, 5000);
	cr_assert_eq(ncalls, 1);
	cr_assert_eq(last.error, HTTP_ERR_TIMEOUT, "%s", lasterr);
	cr_assert_eq(last.may_have_reached, 1);
	cr_assert(now_ms() - t0 >= 300 && now_ms() - t0 < 3000);
	cr_assert(http_conn_idle(&conn));
	cr_assert(!http_conn_connected(&conn));
	teardown_all();
}

Test(conn, malformed_response)
{
	static const struct step s[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0 },
	};

	srv_start(s, 1);
	conn_start(0);
	cr_assert_eq(http_conn_request(&conn, head, strlen(head), NULL, 0,
	    done, NULL), 0);
	run(1, 5000);
	cr_assert_eq(last.error, HTTP_ERR_PROTOCOL);
	cr_assert(strstr(lasterr, "both Content-Length and Transfer-Encoding")
	    != NULL, "%s", lasterr);
	teardown_all();
}

Test(conn, truncated_response_is_closed_error)
{
	static const struct step s[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 1 },
	};

	srv_start(s, 1);
	conn_start(0);
	cr_assert_eq(http_conn_request(&conn, head, strlen(head), NULL, 0,
	    done, NULL), 0);
	run(1, 5000);
	cr_assert_eq(last.error, HTTP_ERR_CLOSED, "%s", lasterr);
	cr_assert_eq(last.may_have_reached, 1);
	cr_assert_eq(http_conn_stats(&conn)->resends, 0);
	teardown_all();
}

Test(conn, close_from_callback_and_reuse_after)
{
	static const struct step s[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", 0 },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nho", 0 },
	};

	srv_start(s, 2);
	conn_start(0);
	close_in_cb = 1;
	cr_assert_eq(http_conn_request(&conn, head, strlen(head), NULL, 0,
	    done, NULL), 0);
	run(1, 5000);
	cr_assert_eq(ncalls, 1);
	cr_assert(!http_conn_connected(&conn));
	cr_assert(http_conn_idle(&conn));
	close_in_cb = 0;
	cr_assert_eq(http_conn_request(&conn, head, strlen(head), NULL, 0,
	    done, NULL), 0);
	run(2, 5000);
	cr_assert_eq(ncalls, 2);
	cr_assert_str_eq(lastbody, "ho");
	cr_assert_eq(http_conn_stats(&conn)->connects, 2);
	teardown_all();
}

Test(conn, abandoned_request_gets_no_callback)
{
	static const struct step s[] = { { NULL, 0 } };

	srv_start(s, 1);
	conn_start(0);
	cr_assert_eq(http_conn_request(&conn, head, strlen(head), NULL, 0,
	    done, NULL), 0);
	run(1, 200);
	cr_assert_eq(ncalls, 0);
	http_conn_close(&conn);
	cr_assert_eq(http_conn_deadline(&conn), 0);
	run(1, 200);
	cr_assert_eq(ncalls, 0);
	teardown_all();
}
