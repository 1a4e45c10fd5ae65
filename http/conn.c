/*
 * conn.c: HTTP/1.1 client connection state machine.  See conn.h.
 *
 * Split in the djbdns way: http_conn_pollfd()/http_conn_deadline() say
 * what the connection waits for; http_conn_step() takes the steps that
 * are possible now.  Each handler returns H_WAIT (wait for the loop),
 * H_AGAIN (state changed: run the new state's handler at once) or H_DONE
 * (the done callback ran: touch nothing, return).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/conn.h"
#include "log.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL	0
#endif

#define RBUF_INITIAL	16384

enum {
	CS_UNCONNECTED,	/* fd == -1, no lookup; a request may wait to start */
	CS_RESOLVING,	/* busy, fd == -1; lookup in flight or answered */
	CS_CONNECTING,	/* busy; non-blocking connect on fd to addrs[ai-1] */
	CS_HANDSHAKE,	/* busy; TCP up, TLS handshake running, none sent */
	CS_READY,	/* connected and TLS up; kept alive until deadline */
	CS_WRITING,	/* busy; off bytes of head+body given to socket/TLS */
	CS_READING,	/* busy; request sent; rbuf[0..rlen) fed to resp */
	CS_CLOSED	/* freed: every call is a no-op */
};

enum { H_WAIT, H_AGAIN, H_DONE };

static int	start_connect(struct http_conn *, uint64_t);

static void
sock_close(struct http_conn *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	http_resolve_cancel(&c->lk);
	c->state = CS_UNCONNECTED;
	c->nserved = 0;
}

/* Hand the result to the caller: the request is over before cb runs. */
static int
deliver(struct http_conn *c, struct http_result *r)
{
	http_done_cb	 cb = c->cb;
	void		*arg = c->arg;

	c->busy = 0;
	c->started = 0;
	c->cb = NULL;
	c->arg = NULL;
	c->head = NULL;
	c->body = NULL;
	cb(r, arg);
	return H_DONE;
}

static int
fail(struct http_conn *c, enum http_error e, const char *fmt, ...)
    __attribute__((__format__(printf, 3, 4)));

static int
fail(struct http_conn *c, enum http_error e, const char *fmt, ...)
{
	struct http_result	r;
	va_list			ap;

	sock_close(c);
	va_start(ap, fmt);
	vsnprintf(c->errbuf, sizeof(c->errbuf), fmt, ap);
	va_end(ap);
	memset(&r, 0, sizeof(r));
	r.error = e;
	r.may_have_reached = c->reached;
	r.errtext = c->errbuf;
	return deliver(c, &r);
}

static int
tls_fail(struct http_conn *c)
{
	char	why[200];
	int	err;

	err = http_tls_error(&c->tls);
	if (err == 0)
		snprintf(why, sizeof(why), "connection closed by the "
		    "server");
	else
		http_tls_describe(&c->tls, err, why, sizeof(why));
	return fail(c, HTTP_ERR_TLS, "TLS: %s port %u: %s", c->ep.host,
	    (unsigned)c->ep.port, why);
}

static void
on_resolved(struct http_lookup *lk, int err, const char *errtext,
    void *arg)
{
	struct http_conn	*c = arg;

	(void)lk;
	c->resolved = 1;
	c->resolve_err = err;
	c->resolve_errtext = errtext;
	c->kick = 1;
}

/* The peer closed (or wrote to) an idle reused connection. */
static int
peer_gone(struct http_conn *c)
{
	char	ch;
	ssize_t	n;

	if (c->ep.tls && !http_tls_ready(&c->tls))
		return 1;
	n = recv(c->fd, &ch, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return 0;
	return 1;
}

static int
begin_write(struct http_conn *c, uint64_t now)
{
	c->reused = c->nserved > 0;
	if (c->reused && peer_gone(c)) {
		/* Nothing was written: safe to reconnect for any method. */
		log_debug("http: %s: idle connection was closed, reconnecting",
		    c->ep.host);
		return start_connect(c, now);
	}
	c->off = 0;
	c->flushed = 0;
	c->wrote = 0;
	c->rlen = 0;
	http_resp_init(&c->resp, c->maxresp);
	c->state = CS_WRITING;
	c->req_deadline = now + c->to.response_ms;
	return H_AGAIN;
}

static int
connected(struct http_conn *c, uint64_t now)
{
	c->stats.connects++;
	c->nserved = 0;
	if (!c->ep.tls)
		return begin_write(c, now);
	if (http_tls_reset(&c->tls, c->ep.host) == -1)
		return fail(c, HTTP_ERR_TLS, "TLS: cannot start a session "
		    "for %s", c->ep.host);
	c->state = CS_HANDSHAKE;
	c->deadline = now + c->to.handshake_ms;
	return H_AGAIN;
}

/* Try addresses from ai on until one connects or is in progress. */
static int
connect_next(struct http_conn *c, uint64_t now)
{
	const struct sockaddr	*sa;
	socklen_t		 salen;
	int			 fd, on = 1;

	while (c->ai < c->lk.addrs.n) {
		sa = (const struct sockaddr *)&c->lk.addrs.a[c->ai];
		salen = c->lk.addrs.len[c->ai];
		c->ai++;
		if ((fd = socket(sa->sa_family, SOCK_STREAM, 0)) == -1) {
			c->lasterrno = errno;
			continue;
		}
		if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) ==
		    -1 || fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
			c->lasterrno = errno;
			close(fd);
			continue;
		}
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on,
		    sizeof(on));
		if (connect(fd, sa, salen) == 0) {
			c->fd = fd;
			return connected(c, now);
		}
		if (errno == EINPROGRESS || errno == EINTR) {
			c->fd = fd;
			c->state = CS_CONNECTING;
			c->deadline = now + c->to.connect_ms;
			return H_WAIT;
		}
		c->lasterrno = errno;
		close(fd);
	}
	if (c->timedout)
		return fail(c, HTTP_ERR_TIMEOUT, "connecting to %s port %u "
		    "timed out", c->ep.host, (unsigned)c->ep.port);
	return fail(c, HTTP_ERR_CONNECT, "cannot connect to %s port %u: %s",
	    c->ep.host, (unsigned)c->ep.port, strerror(c->lasterrno));
}

static int
start_connect(struct http_conn *c, uint64_t now)
{
	int	rc;

	sock_close(c);
	c->state = CS_RESOLVING;
	c->resolved = 0;
	c->ai = 0;
	c->lasterrno = 0;
	c->timedout = 0;
	c->deadline = now + c->to.connect_ms;
	rc = http_resolve_start(c->res, &c->lk, c->ep.host, c->ep.port,
	    on_resolved, c);
	if (rc == -1)
		return fail(c, HTTP_ERR_RESOLVE, "cannot resolve %s: too many "
		    "lookups", c->ep.host);
	if (rc == 1) {
		c->resolved = 1;
		c->resolve_err = 0;
	}
	return H_AGAIN;
}

/*
 * The socket died under a request before any response byte arrived.
 * Send again on a fresh connection if that cannot apply it twice.
 */
static int
dead(struct http_conn *c, uint64_t now, const char *why)
{
	if (c->reused && c->rlen == 0 && !c->resent &&
	    (!c->wrote || c->idempotent)) {
		log_debug("http: %s: reused connection died (%s), sending "
		    "again", c->ep.host, why);
		c->resent = c->wrote;
		c->stats.resends++;
		return start_connect(c, now);
	}
	return fail(c, HTTP_ERR_CLOSED, "connection to %s closed before a "
	    "response (%s)", c->ep.host, why);
}

static int
finish(struct http_conn *c, uint64_t now)
{
	struct http_result	r;

	c->stats.requests++;
	c->nserved++;
	memset(&r, 0, sizeof(r));
	r.error = HTTP_OK;
	r.may_have_reached = 1;
	r.status = c->resp.status;
	r.body = c->rbuf + c->resp.body;
	r.bodylen = c->resp.bodylen;
	r.resp = &c->resp;
	if (c->resp.keepalive && c->resp.used == c->rlen) {
		c->state = CS_READY;
		c->deadline = now + c->to.idle_ms;
	} else
		sock_close(c);	/* keeps rbuf: the body stays valid */
	return deliver(c, &r);
}

static void
request_start(struct http_conn *c)
{
	c->started = 1;
	c->reached = 0;
	c->resent = 0;
}

static int
h_unconnected(struct http_conn *c, uint64_t now)
{
	if (!c->busy || c->started)
		return H_WAIT;
	request_start(c);
	return start_connect(c, now);
}

static int
h_resolving(struct http_conn *c, uint64_t now)
{
	if (!c->resolved) {
		if (now < c->deadline)
			return H_WAIT;
		return fail(c, HTTP_ERR_TIMEOUT, "looking up %s timed out",
		    c->ep.host);
	}
	if (c->resolve_err)
		return fail(c, HTTP_ERR_RESOLVE, "cannot resolve %s: %s",
		    c->ep.host, c->resolve_errtext);
	return connect_next(c, now);
}

static int
h_connecting(struct http_conn *c, short revents, uint64_t now)
{
	socklen_t	len = sizeof(int);
	int		err = 0;

	if (revents) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err == 0)
			return connected(c, now);
		if (err == EINPROGRESS)
			return H_WAIT;
	} else if (now >= c->deadline) {
		c->timedout = 1;
		err = ETIMEDOUT;
	} else
		return H_WAIT;
	c->lasterrno = err;
	close(c->fd);
	c->fd = -1;
	return connect_next(c, now);
}

static int
h_handshake(struct http_conn *c, uint64_t now)
{
	int	rc;

	rc = http_tls_pump(&c->tls, c->fd, 1, NULL);
	if (http_tls_ready(&c->tls)) {
		c->stats.handshakes++;
		return begin_write(c, now);
	}
	if (rc == -1)
		return tls_fail(c);
	if (now >= c->deadline)
		return fail(c, HTTP_ERR_TIMEOUT, "TLS handshake with %s port "
		    "%u timed out", c->ep.host, (unsigned)c->ep.port);
	return H_WAIT;
}

static int
h_ready(struct http_conn *c, short revents, uint64_t now)
{
	char	junk[64];
	int	gone = 0;

	if (c->busy && !c->started) {
		request_start(c);
		return begin_write(c, now);
	}
	if (revents) {
		if (c->ep.tls)
			gone = http_tls_pump(&c->tls, c->fd, 1, NULL) == -1 ||
			    http_tls_read(&c->tls, junk, sizeof(junk)) > 0;
		else
			gone = peer_gone(c);
	}
	if (gone || now >= c->deadline) {
		log_debug("http: %s: %s idle connection", c->ep.host,
		    gone ? "server closed" : "closing");
		sock_close(c);
	}
	return H_WAIT;
}

static int
h_writing(struct http_conn *c, uint64_t now)
{
	struct iovec	 iov[2];
	struct msghdr	 msg;
	size_t		 total = c->headlen + c->bodylen, k;
	ssize_t		 n;
	int		 niov, sent, rc;

	for (;;) {
		if (c->off == total && (!c->ep.tls || (c->flushed &&
		    !(http_tls_events(&c->tls, 0) & POLLOUT)))) {
			c->state = CS_READING;
			return H_AGAIN;
		}
		niov = 0;
		if (c->off < c->headlen) {
			iov[niov].iov_base = (void *)(uintptr_t)(c->head +
			    c->off);
			iov[niov++].iov_len = c->headlen - c->off;
			if (c->bodylen > 0) {
				iov[niov].iov_base =
				    (void *)(uintptr_t)c->body;
				iov[niov++].iov_len = c->bodylen;
			}
		} else if (c->off < total) {
			iov[niov].iov_base = (void *)(uintptr_t)(c->body +
			    (c->off - c->headlen));
			iov[niov++].iov_len = total - c->off;
		}
		if (c->ep.tls) {
			k = niov > 0 ? http_tls_write(&c->tls,
			    iov[0].iov_base, iov[0].iov_len) : 0;
			c->off += k;
			if (c->off == total && !c->flushed) {
				http_tls_flush(&c->tls);
				c->flushed = 1;
			}
			sent = 0;
			rc = http_tls_pump(&c->tls, c->fd, 0, &sent);
			if (sent)
				c->wrote = c->reached = 1;
			if (rc == -1) {
				if (http_tls_error(&c->tls) <= 0)
					return dead(c, now, c->tls.sockerr ?
					    strerror(c->tls.sockerr) :
					    "end of stream");
				return tls_fail(c);
			}
			if (k == 0 && !sent)
				break;
			continue;
		}
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		msg.msg_iovlen = (size_t)niov;
		n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
		if (n > 0) {
			c->off += (size_t)n;
			c->wrote = c->reached = 1;
		} else if (n == -1 && (errno == EAGAIN ||
		    errno == EWOULDBLOCK || errno == EINTR))
			break;
		else
			return dead(c, now, n == -1 ? strerror(errno) :
			    "short write");
	}
	if (now >= c->req_deadline)
		return fail(c, HTTP_ERR_TIMEOUT, "sending to %s timed out",
		    c->ep.host);
	return H_WAIT;
}

/* The stream ended (cleanly, as far as TLS goes). */
static int
at_eof(struct http_conn *c, uint64_t now)
{
	if (http_resp_eof(&c->resp, c->rbuf, c->rlen) == HTTP_RESP_DONE)
		return finish(c, now);
	if (c->rlen == 0)
		return dead(c, now, "end of stream");
	return fail(c, HTTP_ERR_CLOSED, "%s: %s", c->ep.host, c->resp.err);
}

static int
h_reading(struct http_conn *c, uint64_t now)
{
	char	*nb;
	size_t	 room, ncap;
	ssize_t	 n;
	int	 rc;

	for (;;) {
		if (c->rlen == c->rcap) {
			if (c->rcap >= c->maxresp)
				return fail(c, HTTP_ERR_PROTOCOL, "response "
				    "from %s too large", c->ep.host);
			ncap = c->rcap * 2 > c->maxresp ? c->maxresp :
			    c->rcap * 2;
			if ((nb = realloc(c->rbuf, ncap)) == NULL)
				return fail(c, HTTP_ERR_PROTOCOL, "response "
				    "from %s: out of memory", c->ep.host);
			c->rbuf = nb;
			c->rcap = ncap;
		}
		room = c->rcap - c->rlen;
		if (c->ep.tls) {
			n = (ssize_t)http_tls_read(&c->tls, c->rbuf + c->rlen,
			    room);
			if (n == 0) {
				rc = http_tls_pump(&c->tls, c->fd, 1, NULL);
				n = (ssize_t)http_tls_read(&c->tls,
				    c->rbuf + c->rlen, room);
				if (n == 0 && rc == -1) {
					rc = http_tls_error(&c->tls);
					if (rc == 0)
						return at_eof(c, now);
					if (rc == -1 && c->rlen == 0)
						return dead(c, now,
						    strerror(c->tls.sockerr));
					return tls_fail(c);
				}
				if (n == 0)
					break;
			}
		} else {
			n = recv(c->fd, c->rbuf + c->rlen, room, 0);
			if (n == 0)
				return at_eof(c, now);
			if (n == -1) {
				if (errno == EAGAIN || errno == EWOULDBLOCK ||
				    errno == EINTR)
					break;
				if (c->rlen == 0)
					return dead(c, now, strerror(errno));
				return fail(c, HTTP_ERR_CLOSED, "reading from "
				    "%s: %s", c->ep.host, strerror(errno));
			}
		}
		c->rlen += (size_t)n;
		rc = http_resp_parse(&c->resp, c->rbuf, c->rlen);
		if (rc == HTTP_RESP_DONE)
			return finish(c, now);
		if (rc == HTTP_RESP_ERROR)
			return fail(c, HTTP_ERR_PROTOCOL, "bad response from "
			    "%s: %s", c->ep.host, c->resp.err);
	}
	if (now >= c->req_deadline)
		return fail(c, HTTP_ERR_TIMEOUT, "no response from %s within "
		    "%u ms", c->ep.host, (unsigned)c->to.response_ms);
	return H_WAIT;
}

void
http_conn_step(struct http_conn *c, short revents, uint64_t now)
{
	int	fd = c->fd, rc;

	if (c->state == CS_CLOSED)
		return;
	c->kick = 0;
	do {
		if (c->fd != fd)
			revents = 0;	/* they were for another socket */
		switch (c->state) {
		case CS_UNCONNECTED:
			rc = h_unconnected(c, now);
			break;
		case CS_RESOLVING:
			rc = h_resolving(c, now);
			break;
		case CS_CONNECTING:
			rc = h_connecting(c, revents, now);
			revents = 0;
			break;
		case CS_HANDSHAKE:
			rc = h_handshake(c, now);
			break;
		case CS_READY:
			rc = h_ready(c, revents, now);
			revents = 0;
			break;
		case CS_WRITING:
			rc = h_writing(c, now);
			break;
		case CS_READING:
			rc = h_reading(c, now);
			break;
		default:
			rc = H_WAIT;
			break;
		}
	} while (rc == H_AGAIN);
}

void
http_conn_pollfd(const struct http_conn *c, struct pollfd *pfd)
{
	struct http_tls	*t = (struct http_tls *)(uintptr_t)&c->tls;

	pfd->fd = c->fd;
	pfd->events = 0;
	pfd->revents = 0;
	switch (c->state) {
	case CS_CONNECTING:
		pfd->events = POLLOUT;
		break;
	case CS_HANDSHAKE:
		pfd->events = http_tls_events(t, 1);
		break;
	case CS_READY:
		pfd->events = POLLIN;
		break;
	case CS_WRITING:
		pfd->events = POLLOUT;
		break;
	case CS_READING:
		pfd->events = POLLIN;
		if (c->ep.tls)
			pfd->events |= http_tls_events(t, 1);
		break;
	default:
		pfd->fd = -1;
		break;
	}
}

uint64_t
http_conn_deadline(const struct http_conn *c)
{
	if (c->kick)
		return 1;
	switch (c->state) {
	case CS_UNCONNECTED:
		return c->busy && !c->started ? 1 : 0;
	case CS_READY:
		return c->busy && !c->started ? 1 : c->deadline;
	case CS_RESOLVING:
	case CS_CONNECTING:
	case CS_HANDSHAKE:
		return c->deadline;
	case CS_WRITING:
	case CS_READING:
		return c->req_deadline;
	default:
		return 0;
	}
}

static int
idempotent(const char *head, size_t len)
{
	static const char *const m[] = {
		"GET ", "HEAD ", "PUT ", "DELETE ", "OPTIONS "
	};
	size_t	i, n;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		n = strlen(m[i]);
		if (len >= n && memcmp(head, m[i], n) == 0)
			return 1;
	}
	return 0;
}

int
http_conn_request(struct http_conn *c, const char *head, size_t headlen,
    const void *body, size_t bodylen, http_done_cb cb, void *arg)
{
	if (c->state == CS_CLOSED || c->busy)
		return -1;
	c->head = head;
	c->headlen = headlen;
	c->body = body;
	c->bodylen = body != NULL ? bodylen : 0;
	c->cb = cb;
	c->arg = arg;
	c->idempotent = idempotent(head, headlen);
	c->busy = 1;
	c->started = 0;
	c->kick = 1;
	return 0;
}

int
http_conn_init(struct http_conn *c, const struct http_endpoint *ep,
    struct http_resolver *res, const struct http_tls_anchors *ta,
    const struct http_timeouts *to, size_t maxresp)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->state = CS_UNCONNECTED;
	c->ep = *ep;
	c->res = res;
	http_lookup_init(&c->lk);
	if (to != NULL)
		c->to = *to;
	if (c->to.connect_ms == 0)
		c->to.connect_ms = 10000;
	if (c->to.handshake_ms == 0)
		c->to.handshake_ms = 10000;
	if (c->to.response_ms == 0)
		c->to.response_ms = 30000;
	if (c->to.idle_ms == 0)
		c->to.idle_ms = 30000;
	c->maxresp = maxresp ? maxresp : HTTP_DEFAULT_MAXRESP;
	if (c->maxresp < HTTP_RESP_MAXHEAD)
		c->maxresp = HTTP_RESP_MAXHEAD;
	c->rcap = c->maxresp < RBUF_INITIAL ? c->maxresp : RBUF_INITIAL;
	if ((c->rbuf = malloc(c->rcap)) == NULL) {
		log_warn("http: response buffer");
		return -1;
	}
	if (ep->tls) {
		if (ta == NULL || ta->n == 0) {
			log_warnx("http: %s: no trust anchors", ep->host);
			free(c->rbuf);
			return -1;
		}
		if (http_tls_init(&c->tls, ta) == -1) {
			free(c->rbuf);
			return -1;
		}
		c->tls_inited = 1;
	}
	return 0;
}

void
http_conn_free(struct http_conn *c)
{
	if (c->state == CS_CLOSED)
		return;
	http_conn_close(c);
	if (c->tls_inited)
		http_tls_free(&c->tls);
	c->tls_inited = 0;
	free(c->rbuf);
	c->rbuf = NULL;
	c->state = CS_CLOSED;
}

void
http_conn_set_time(struct http_conn *c, time_t when)
{
	http_tls_set_time(&c->tls, when);
}

void
http_conn_close(struct http_conn *c)
{
	if (c->state == CS_CLOSED)
		return;
	sock_close(c);
	c->busy = 0;
	c->started = 0;
	c->kick = 0;
	c->cb = NULL;
	c->arg = NULL;
	c->head = NULL;
	c->body = NULL;
}

int
http_conn_idle(const struct http_conn *c)
{
	return c->state != CS_CLOSED && !c->busy;
}

int
http_conn_connected(const struct http_conn *c)
{
	return c->state == CS_READY && !c->busy;
}

const struct http_conn_stats *
http_conn_stats(const struct http_conn *c)
{
	return &c->stats;
}

const char *
http_conn_strerror(enum http_error e)
{
	switch (e) {
	case HTTP_OK:		return "OK";
	case HTTP_ERR_RESOLVE:	return "RESOLVE";
	case HTTP_ERR_CONNECT:	return "CONNECT";
	case HTTP_ERR_TLS:	return "TLS";
	case HTTP_ERR_TIMEOUT:	return "TIMEOUT";
	case HTTP_ERR_PROTOCOL:	return "PROTOCOL";
	case HTTP_ERR_CLOSED:	return "CLOSED";
	}
	return "?";
}
