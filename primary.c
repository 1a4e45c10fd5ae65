/*
 * primary.c: one exchange with a primary server.  See primary.h.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "primary.h"

#define BUFCAP	(2 + 65535)		/* one framed message at most */

const char *
primary_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char		 a[INET6_ADDRSTRLEN];
	unsigned	 port;

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		port = ntohs(s4->sin_port);
	}
	snprintf(buf, len, "%s#%u", a, port);
	return buf;
}

static void
fail(struct primary *p, const char *what, int err)
{
	if (p->failed || p->eof)
		return;
	p->failed = 1;
	/* The caller's log line names the primary. */
	if (err != 0)
		snprintf(p->why, sizeof(p->why), "%s: %s", what,
		    strerror(err));
	else
		snprintf(p->why, sizeof(p->why), "%s", what);
	if (p->fd != -1)
		close(p->fd);
	p->fd = -1;
}

void
primary_close(struct primary *p)
{
	if (p->fd != -1)
		close(p->fd);
	p->fd = -1;
	free(p->q);
	free(p->buf);
	p->q = p->buf = NULL;
	p->have = p->taken = 0;
	p->ready = 0;
}

int
primary_start(struct primary *p, const struct sockaddr_storage *ss,
    socklen_t sslen, int tcp, const uint8_t *query, size_t len,
    uint64_t timeout_ms, uint64_t idle_ms, uint64_t now)
{
	int	fl;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	p->tcp = tcp;
	p->ss = *ss;
	p->sslen = sslen;
	if (len < 12 || len > 65535) {
		snprintf(p->why, sizeof(p->why), "query of %zu octets", len);
		return -1;
	}
	p->id = (uint16_t)(query[0] << 8 | query[1]);
	if ((p->q = malloc(len + 2)) == NULL ||
	    (p->buf = malloc(BUFCAP)) == NULL) {
		snprintf(p->why, sizeof(p->why), "out of memory");
		primary_close(p);
		return -1;
	}
	p->q[0] = (uint8_t)(len >> 8);
	p->q[1] = (uint8_t)len;
	memcpy(p->q + 2, query, len);
	/* UDP sends the query without its prefix. */
	p->qoff = tcp ? 0 : 2;
	p->qlen = len + 2;
	p->deadline = now + timeout_ms;
	p->idle_ms = idle_ms;
	p->last = now;
	p->fd = socket(ss->ss_family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (p->fd == -1 || (fl = fcntl(p->fd, F_GETFL)) == -1 ||
	    fcntl(p->fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(p->fd, F_SETFD, FD_CLOEXEC) == -1) {
		snprintf(p->why, sizeof(p->why), "socket: %s",
		    strerror(errno));
		primary_close(p);
		return -1;
	}
	if (connect(p->fd, (const struct sockaddr *)ss, sslen) == -1 &&
	    errno != EINPROGRESS) {
		fail(p, "connect", errno);
		return 0;
	}
	if (tcp)
		p->connect_by = now + PRIMARY_CONNECT_MS;
	else {
		p->connected = 1;
		p->resend = now;	/* the first send, at the first step */
	}
	return 0;
}

void
primary_pollfd(const struct primary *p, struct pollfd *pfd)
{
	pfd->fd = p->fd;
	pfd->events = 0;
	pfd->revents = 0;
	if (p->fd == -1)
		return;
	if (p->tcp && (!p->connected || p->qoff < p->qlen))
		pfd->events |= POLLOUT;
	if (p->connected)
		pfd->events |= POLLIN;
}

uint64_t
primary_deadline(const struct primary *p)
{
	uint64_t	d;

	if (p->fd == -1)
		return 0;
	d = p->deadline;
	if (p->tcp && !p->connected && p->connect_by < d)
		d = p->connect_by;
	if (p->tcp && p->connected && p->idle_ms != 0 &&
	    p->last + p->idle_ms < d)
		d = p->last + p->idle_ms;
	if (!p->tcp && p->resend != 0 && p->resend < d)
		d = p->resend;
	if (!p->tcp && p->tries == 0)
		d = 1;		/* send now */
	return d;
}

static void
udp_step(struct primary *p, short revents, uint64_t now)
{
	ssize_t	n;

	if (p->resend != 0 && now >= p->resend) {
		if (p->tries == PRIMARY_UDP_TRIES) {
			fail(p, "no answer over UDP", 0);
			return;
		}
		/* Not sent (a full buffer, a signal): the next resend is. */
		if (send(p->fd, p->q + 2, p->qlen - 2, 0) == -1 &&
		    errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR) {
			fail(p, "send", errno);
			return;
		}
		p->tries++;
		p->resend = now + PRIMARY_UDP_WAIT_MS;
	}
	if (!(revents & (POLLIN | POLLERR | POLLHUP)) || p->ready)
		return;
	for (;;) {
		n = recv(p->fd, p->buf, BUFCAP, 0);
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return;
			/* An ICMP error: the port is closed, say. */
			fail(p, "recv", errno);
			return;
		}
		if (n < 12 || (uint16_t)(p->buf[0] << 8 | p->buf[1]) != p->id)
			continue;	/* not the answer: keep waiting */
		p->have = (size_t)n;
		p->taken = 0;
		p->ready = 1;
		p->resend = 0;
		return;
	}
}

static void
tcp_step(struct primary *p, short revents, uint64_t now)
{
	ssize_t		n;
	int		err;
	socklen_t	el = sizeof(err);

	if (!p->connected) {
		if (!(revents & (POLLOUT | POLLERR | POLLHUP)))
			return;
		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &el) == -1)
			err = errno;
		if (err != 0) {
			fail(p, "connect", err);
			return;
		}
		p->connected = 1;
		p->last = now;
	}
	while (p->qoff < p->qlen) {
		n = write(p->fd, p->q + p->qoff, p->qlen - p->qoff);
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				break;
			fail(p, "write", errno);
			return;
		}
		p->qoff += (size_t)n;
		p->last = now;
	}
	if (!(revents & (POLLIN | POLLERR | POLLHUP)))
		return;
	/* Keep the unread messages at the start of the buffer. */
	if (p->taken > 0) {
		memmove(p->buf, p->buf + p->taken, p->have - p->taken);
		p->have -= p->taken;
		p->taken = 0;
	}
	while (p->have < BUFCAP) {
		n = read(p->fd, p->buf + p->have, BUFCAP - p->have);
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return;
			fail(p, "read", errno);
			return;
		}
		if (n == 0) {
			p->eof = 1;
			close(p->fd);
			p->fd = -1;
			return;
		}
		p->have += (size_t)n;
		p->last = now;
		/* One whole message in: let the caller take it first. */
		if (p->have >= 2 && p->have - 2 >=
		    (size_t)(p->buf[0] << 8 | p->buf[1]))
			return;
	}
}

void
primary_step(struct primary *p, short revents, uint64_t now)
{
	if (p->fd == -1)
		return;
	if (now >= p->deadline || (p->tcp && !p->connected &&
	    now >= p->connect_by)) {
		fail(p, p->connected ? "timed out" : "connect timed out", 0);
		return;
	}
	if (p->tcp && p->connected && p->idle_ms != 0 &&
	    now >= p->last + p->idle_ms) {
		fail(p, "nothing received for too long", 0);
		return;
	}
	if (p->tcp)
		tcp_step(p, revents, now);
	else
		udp_step(p, revents, now);
}

int
primary_next(struct primary *p, const uint8_t **msg, size_t *len)
{
	size_t	n;

	if (p->buf == NULL)
		return 0;
	if (!p->tcp) {
		if (!p->ready || p->taken > 0)
			return 0;
		p->taken = p->have;
		*msg = p->buf;
		*len = p->have;
		return 1;
	}
	if (p->have - p->taken < 2)
		return 0;
	n = (size_t)(p->buf[p->taken] << 8 | p->buf[p->taken + 1]);
	if (p->have - p->taken - 2 < n)
		return 0;
	*msg = p->buf + p->taken + 2;
	*len = n;
	p->taken += 2 + n;
	return 1;
}

int
primary_done(const struct primary *p)
{
	if (p->failed || p->eof)
		return 1;
	return !p->tcp && p->ready && p->taken > 0;
}

int
primary_active(const struct primary *p)
{
	return p->buf != NULL;
}
