/*
 * conn.h: one HTTP/1.1 client connection, driven by the poll loop.
 *
 * A struct http_conn is bound to one endpoint (scheme, host, port) for
 * its life.  It carries one request at a time (no pipelining) and keeps
 * its TCP (and TLS) connection alive between requests, so one handshake
 * serves many requests.  It never blocks and never calls poll(): each
 * pass of the loop asks it what it waits for and hands it what happened.
 *
 * Loop contract, every pass:
 *
 *	http_conn_pollfd(c, &pfd);	fd may be -1 (poll ignores it) and
 *					may differ from the last pass
 *	d = http_conn_deadline(c);	absolute monotonic ms, 0 for none;
 *					1 means "step me at once"
 *	... poll(timeout up to the earliest deadline) ...
 *	http_conn_step(c, pfd.revents, now);
 *
 * http_conn_step() may be called on every pass whether or not anything
 * happened (it does nothing when nothing is due) and must be called when
 * revents is non-zero or now >= the deadline.  The shared resolver
 * (resolve.h) must be stepped by the same loop.
 *
 * Requests.  The caller builds the whole request head: request line and
 * every header including Host (http_url_authority() gives its value)
 * and, when there is a body, Content-Length, ending with the blank line.
 * The connection sends head and body unchanged (Route 53 signs them).
 * The caller owns head and body and must keep them unchanged until the
 * done callback has been called or http_conn_close() has returned.
 *
 * The done callback is called exactly once per accepted request, and only
 * from http_conn_step(), never from http_conn_request().  It may call any
 * http_conn function on the same connection, including
 * http_conn_request() for the next request (which then reuses the
 * connection), http_conn_close() and http_conn_free(); the connection
 * touches nothing of itself after the callback returns.  Everything the
 * result points to (body, headers, error text) is valid only during the
 * callback.
 *
 * Reuse and retries.  A kept-alive connection that the server closed is
 * noticed while idle (end of stream or TLS close_notify) and dropped.  If
 * a request is sent on a reused connection that turns out to be dead
 * before any response byte arrived, it is sent again once on a fresh
 * connection, but only if nothing of it had been written or the method is
 * idempotent (GET, HEAD, PUT, DELETE, OPTIONS).  Otherwise (a POST that
 * may have reached the server) the result is HTTP_ERR_CLOSED with
 * may_have_reached set, and the caller decides.
 *
 * Memory per connection: the struct (about 10 KiB with the BearSSL client
 * and X.509 contexts and the response parser), one BR_SSL_BUFSIZE_BIDI
 * TLS buffer (33,178 bytes, https only) and the response buffer, which
 * starts at 16 KiB and doubles as needed up to the response cap (1 MiB
 * unless set), and is kept for reuse.  An https endpoint named by a
 * literal IP address adds 16 KiB for the server certificate (tls.h).
 *
 * Nothing here logs above log_debug: failures go up in the result, whose
 * errtext is a complete sentence meant to be logged as is, e.g. "TLS:
 * host port 443: certificate not valid at current time
 * 1970-01-01T00:00:05Z: is the system clock set?".
 */
#ifndef R53D_HTTP_CONN_H
#define R53D_HTTP_CONN_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "http/resolve.h"
#include "http/resp.h"
#include "http/tls.h"
#include "http/url.h"

#define HTTP_DEFAULT_MAXRESP	(1024 * 1024)

/* Error classes of a result; 0 is success (a response, any status). */
enum http_error {
	HTTP_OK = 0,
	HTTP_ERR_RESOLVE,	/* host name lookup failed */
	HTTP_ERR_CONNECT,	/* no address accepted a TCP connection */
	HTTP_ERR_TLS,		/* handshake or certificate failure */
	HTTP_ERR_TIMEOUT,	/* a connect, handshake or response timeout */
	HTTP_ERR_PROTOCOL,	/* malformed or too large response */
	HTTP_ERR_CLOSED		/* connection closed before a response */
};

struct http_result {
	enum http_error		 error;
	/*
	 * Set once any byte of this request was written to a socket: the
	 * server may have acted on it even though error is set.
	 */
	int			 may_have_reached;
	const char		*errtext;	/* "TLS: ...", when error */
	int			 status;	/* when HTTP_OK */
	const char		*body;		/* not NUL-terminated */
	size_t			 bodylen;
	const struct http_resp	*resp;		/* http_resp_header() */
};

typedef void	 (*http_done_cb)(const struct http_result *res, void *arg);

struct http_timeouts {
	uint32_t	connect_ms;	/* name lookup, and each TCP attempt */
	uint32_t	handshake_ms;	/* TLS handshake */
	uint32_t	response_ms;	/* from sending to the whole response */
	uint32_t	idle_ms;	/* keep an idle connection this long */
};

struct http_conn_stats {
	unsigned long	connects;	/* TCP connections established */
	unsigned long	handshakes;	/* TLS handshakes completed */
	unsigned long	requests;	/* responses received */
	unsigned long	resends;	/* requests sent again, see above */
};

struct http_conn {
	/* Configuration, fixed at init. */
	struct http_endpoint	 ep;
	struct http_resolver	*res;
	struct http_timeouts	 to;
	size_t			 maxresp;

	/* Connection. */
	int			 state;
	int			 fd;
	int			 kick;		/* step at once */
	uint64_t		 deadline;
	struct http_lookup	 lk;
	int			 resolved;	/* lookup answered */
	int			 resolve_err;
	const char		*resolve_errtext;
	size_t			 ai;		/* next address to try */
	int			 lasterrno;	/* last connect failure */
	int			 timedout;	/* a connect attempt timed out */
	unsigned long		 nserved;	/* responses on this socket */
	struct http_tls		 tls;
	int			 tls_inited;

	/* Request in progress. */
	int			 busy;		/* a request is accepted */
	int			 started;	/* its clock has started */
	const char		*head;
	size_t			 headlen;
	const unsigned char	*body;
	size_t			 bodylen;
	size_t			 off;		/* bytes of head+body sent */
	int			 flushed;
	int			 idempotent;
	int			 reused;	/* sent on a reused socket */
	int			 wrote;		/* bytes reached this socket */
	int			 reached;	/* ... any socket, sticky */
	int			 resent;
	uint64_t		 req_deadline;
	http_done_cb		 cb;
	void			*arg;

	/* Response. */
	char			*rbuf;
	size_t			 rlen;
	size_t			 rcap;
	struct http_resp	 resp;

	char			 errbuf[512];
	struct http_conn_stats	 stats;
};

/*
 * Set up c for endpoint ep.  res is the shared resolver; ta the trust
 * anchors (required for https, ignored for http); both are borrowed and
 * must outlive c.  to may be NULL for the defaults (10 s connect, 10 s
 * handshake, 30 s response, 30 s idle); a zero field also takes its
 * default.  maxresp caps the raw size of one response (0: 1 MiB).
 * Allocates the TLS buffer and the first response buffer: call at
 * start-up.  Returns 0, or -1 after logging why.
 */
int	 http_conn_init(struct http_conn *c, const struct http_endpoint *ep,
	    struct http_resolver *res, const struct http_tls_anchors *ta,
	    const struct http_timeouts *to, size_t maxresp);

/* Close and release everything; a pending request gets no callback. */
void	 http_conn_free(struct http_conn *c);

/*
 * Validate certificates against this wall-clock time instead of time(3)
 * (tests); 0 restores the system clock.  Applies to the next handshake.
 */
void	 http_conn_set_time(struct http_conn *c, time_t when);

/*
 * Send a request (see above for head and body).  Returns 0 if accepted:
 * cb will be called exactly once.  Returns -1 if a request is already in
 * progress; nothing is sent and cb is not called.
 */
int	 http_conn_request(struct http_conn *c, const char *head,
	    size_t headlen, const void *body, size_t bodylen,
	    http_done_cb cb, void *arg);

/* The fd and events to poll for (fd -1 if none). */
void	 http_conn_pollfd(const struct http_conn *c, struct pollfd *pfd);

/* Absolute monotonic ms at which to step c, 0 if no deadline. */
uint64_t http_conn_deadline(const struct http_conn *c);

/* Act on revents (from the pollfd above) and on expired deadlines. */
void	 http_conn_step(struct http_conn *c, short revents, uint64_t now);

/*
 * Drop the TCP/TLS connection now.  A pending request is abandoned
 * without a callback.  The connection stays usable: the next request
 * connects again.
 */
void	 http_conn_close(struct http_conn *c);

/* No request in progress: http_conn_request() would accept one. */
int	 http_conn_idle(const struct http_conn *c);

/* Connected (TCP and, for https, TLS) and idle: reuse is possible. */
int	 http_conn_connected(const struct http_conn *c);

const struct http_conn_stats *http_conn_stats(const struct http_conn *c);

/* Static name of an error class ("TIMEOUT", ...). */
const char *http_conn_strerror(enum http_error e);

#endif
