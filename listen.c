/*
 * listen.c: UDP and TCP DNS listeners.
 */
/* struct in6_pktinfo needs this on glibc */
#define _GNU_SOURCE

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "listen.h"
#include "log.h"

#define UDP_BURST	32	/* datagrams read per wake-up */
#define ACCEPT_PAUSE_MS	1000	/* no accept() after running out of fds */
#define ACCEPT_BURST	32	/* connections accepted per wake-up */
/* Connections the kernel completes before r53d takes them (capped by
 * somaxconn): with a short queue, a burst of connections has the
 * kernel drop new SYNs, and every client waits for a retransmission. */
#define LISTEN_BACKLOG	LISTEN_CONN_MAX
#define BUSY_IDLE_MIN	1000	/* ms: shortest idle timeout when busy */
/*
 * UDP receive buffer asked for: clients answered together (a whole batch
 * of UPDATEs) send again together, while r53d is still answering.  The
 * kernel caps it at net.core.rmem_max.
 */
#define UDP_RCVBUF	(1024 * 1024)

struct outbuf {
	struct outbuf	*next;
	size_t		 len, off;
	uint8_t		 data[];
};

/*
 * A TCP connection.  Invariants: fd == -1 means the slot is free; while
 * reading a message, have < 2 means the length prefix is incomplete and
 * msg == NULL, otherwise msg holds need bytes of which have - 2 are in;
 * have > 0 means a message is partly in, since begun; pending counts
 * requests handed to the handler and not yet answered or released; out
 * is the queue of framed answers not yet written, nout of them in
 * outbytes bytes (also summed in outtotal), and wlast is when it last
 * moved or became non-empty; last is when a byte moved either way.
 */
struct tconn {
	int		 fd;
	uint32_t	 gen;
	struct client	 cl;
	uint8_t		 lenbuf[2];
	size_t		 have;
	size_t		 need;
	uint8_t		*msg;
	int		 pending;
	int		 eof;
	struct outbuf	*out, **outtail;
	int		 nout;
	size_t		 outbytes;
	uint64_t	 last;
	uint64_t	 begun;
	uint64_t	 wlast;
};

struct lsock {
	int	fd;
	int	tcp;
	int	family;
};

static struct lsock	 socks[LISTEN_SOCK_MAX];
static int		 nsocks;
/*
 * Slots [0, nslots) have been used (fd -1 when free again); the rest were
 * never touched, so their pages cost no memory until a busy moment.
 */
static struct tconn	 conns[LISTEN_CONN_MAX];
static int		 nslots;
static int		 nconns;
static size_t		 outtotal;	/* outbytes of every connection */
static int		 max_conns = 64;
static int		 idle_ms = 10000;
static uint32_t		 gen_next = 1;
static uint64_t		 accept_resume;	/* 0, or when to accept again */
static uint64_t		 last_io;	/* a datagram or connection came */
static listen_handler	 handler;
static void		*handler_arg;
static uint8_t		 udpbuf[LISTEN_UDP_MAX];

static void	udp_read(void *, int, short);
static void	tcp_accept(void *, int, short);
static void	tcp_io(void *, int, short);
static void	tcp_close(struct tconn *);

/*
 * "addr#port" as inet_ntop() and "%d" wrote it, truncated to len - 1
 * bytes like snprintf(); the address is formatted by rdata_to_r53(),
 * whose A and AAAA text is inet_ntop()'s, without stdio on the UPDATE
 * path.
 */
const char *
listen_client_str(const struct client *cl, char *buf, size_t len)
{
	char		 a[64], d[5], *p = d + sizeof(d);
	int		 n;
	unsigned	 port;

	if (cl->peer.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 =
		    (const struct sockaddr_in6 *)&cl->peer;
		n = rdata_to_r53(DNS_T_AAAA, s6->sin6_addr.s6_addr, 16, a,
		    sizeof(a));
		port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 =
		    (const struct sockaddr_in *)&cl->peer;
		n = cl->peer.ss_family != AF_INET ? -1 :
		    rdata_to_r53(DNS_T_A, (const uint8_t *)&s4->sin_addr, 4,
		    a, sizeof(a));
		port = ntohs(s4->sin_port);
	}
	if (n < 0) {
		a[0] = '?';
		n = 1;
	}
	a[n++] = '#';
	do {
		*--p = (char)('0' + port % 10);
		port /= 10;
	} while (port != 0);
	while (p < d + sizeof(d))
		a[n++] = *p++;
	if (len > 0) {
		if ((size_t)n >= len)
			n = (int)len - 1;
		memcpy(buf, a, (size_t)n);
		buf[n] = '\0';
	}
	return buf;
}

static int
nonblock(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return -1;
	return 0;
}

static int
bind_one(const struct sockaddr_storage *ss, int tcp)
{
	char		 a[INET6_ADDRSTRLEN];
	socklen_t	 len;
	const void	*ap;
	int		 fd, on = 1, port, rcvbuf = UDP_RCVBUF;

	if (ss->ss_family == AF_INET6) {
		len = sizeof(struct sockaddr_in6);
		ap = &((const struct sockaddr_in6 *)ss)->sin6_addr;
		port = ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	} else {
		len = sizeof(struct sockaddr_in);
		ap = &((const struct sockaddr_in *)ss)->sin_addr;
		port = ntohs(((const struct sockaddr_in *)ss)->sin_port);
	}
	inet_ntop(ss->ss_family, ap, a, sizeof(a));
	if (nsocks >= LISTEN_SOCK_MAX) {
		log_warnx("listen %s port %d: too many listeners", a, port);
		return -1;
	}
	fd = socket(ss->ss_family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (fd == -1) {
		log_warn("listen %s port %d: socket", a, port);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ss->ss_family == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		if (!tcp)
			setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
			    sizeof(on));
	} else if (!tcp)
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	if (!tcp)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof(rcvbuf));
	if (bind(fd, (const struct sockaddr *)ss, len) == -1) {
		log_warn("listen %s port %d (%s): bind", a, port,
		    tcp ? "tcp" : "udp");
		close(fd);
		return -1;
	}
	if ((tcp && listen(fd, LISTEN_BACKLOG) == -1) || nonblock(fd) == -1) {
		log_warn("listen %s port %d", a, port);
		close(fd);
		return -1;
	}
	socks[nsocks].fd = fd;
	socks[nsocks].tcp = tcp;
	socks[nsocks].family = ss->ss_family;
	nsocks++;
	return 0;
}

int
listen_open(const struct listen_conf *lc, listen_handler h, void *arg)
{
	int	i, rv = 0;

	handler = h;
	handler_arg = arg;
	listen_set_limits(lc->tcp_clients, lc->tcp_idle_ms);
	for (i = 0; i < lc->naddrs; i++) {
		if (bind_one(&lc->addrs[i], 0) == -1)
			rv = -1;
		if (bind_one(&lc->addrs[i], 1) == -1)
			rv = -1;
	}
	return rv;
}

/* Whether a and b are the same address and port. */
static int
same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;

	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET6) {
		a6 = (const struct sockaddr_in6 *)a;
		b6 = (const struct sockaddr_in6 *)b;
		return a6->sin6_port == b6->sin6_port &&
		    a6->sin6_scope_id == b6->sin6_scope_id &&
		    memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
	}
	if (a->ss_family == AF_INET) {
		a4 = (const struct sockaddr_in *)a;
		b4 = (const struct sockaddr_in *)b;
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	}
	return 1;
}

void
listen_log(void)
{
	struct sockaddr_storage	 ss[LISTEN_SOCK_MAX];
	struct client		 cl;
	socklen_t		 len;
	char			 a[64];
	int			 i, j, udp, tcp;

	for (i = 0; i < nsocks; i++) {
		memset(&ss[i], 0, sizeof(ss[i]));
		len = sizeof(ss[i]);
		if (getsockname(socks[i].fd, (struct sockaddr *)&ss[i],
		    &len) == -1)
			memset(&ss[i], 0, sizeof(ss[i]));
	}
	for (i = 0; i < nsocks; i++) {
		for (j = 0; j < i && !same_addr(&ss[j], &ss[i]); j++)
			;
		if (j < i)
			continue;	/* logged with an earlier socket */
		udp = tcp = 0;
		for (j = i; j < nsocks; j++)
			if (same_addr(&ss[j], &ss[i])) {
				if (socks[j].tcp)
					tcp = 1;
				else
					udp = 1;
			}
		memset(&cl, 0, sizeof(cl));
		cl.peer = ss[i];
		log_info("listening on %s (%s%s%s)",
		    listen_client_str(&cl, a, sizeof(a)), udp ? "udp" : "",
		    udp && tcp ? ", " : "", tcp ? "tcp" : "");
	}
}

void
listen_set_limits(int tcp_clients, int tcp_idle_ms)
{
	if (tcp_clients > 0)
		max_conns = tcp_clients > LISTEN_CONN_MAX ?
		    LISTEN_CONN_MAX : tcp_clients;
	if (tcp_idle_ms > 0)
		idle_ms = tcp_idle_ms;
}

/*
 * The idle timeout in force: tcp-idle-timeout, or a quarter of it (at
 * least BUSY_IDLE_MIN) while more than three quarters of tcp-clients
 * are open.
 */
static uint64_t
idle_now(void)
{
	uint64_t	busy = (uint64_t)idle_ms / 4;

	if (nconns * 4 <= max_conns * 3)
		return (uint64_t)idle_ms;
	if (busy < BUSY_IDLE_MIN)
		busy = BUSY_IDLE_MIN;
	return busy < (uint64_t)idle_ms ? busy : (uint64_t)idle_ms;
}

/*
 * When c's timeout started, or 0 if none runs.  Queued answers must see
 * a byte written within the idle timeout, and a message partly in must
 * arrive whole within it of its first byte; with neither and no request
 * outstanding, the timeout runs from the last byte moved.  A connection
 * waiting only for the handler has none.
 */
static uint64_t
conn_since(const struct tconn *c, const char **why)
{
	uint64_t	t = 0;

	if (c->out != NULL) {
		*why = "answers not read";
		t = c->wlast;
	}
	if (c->have > 0 && (t == 0 || c->begun < t)) {
		*why = "message not complete in time";
		t = c->begun;
	}
	if (t == 0 && c->pending == 0) {
		*why = "idle timeout";
		t = c->last;
	}
	return t;
}

/*
 * Whether c may be read: it has not ended, fewer than LISTEN_TCP_PENDING
 * requests are outstanding (with the handler, or answered and not yet
 * written), and its answers are being taken: less than LISTEN_TCP_OUTBUF
 * waits, and none at all while the total is within an answer of
 * LISTEN_TCP_OUTTOTAL.  So the answer to a request read now fits
 * LISTEN_TCP_OUTMAX, and the total unless c's answers were flowing.
 */
static int
conn_readable(const struct tconn *c)
{
	if (c->eof || c->pending + c->nout >= LISTEN_TCP_PENDING ||
	    c->outbytes >= LISTEN_TCP_OUTBUF)
		return 0;
	return c->outbytes == 0 ||
	    outtotal + LISTEN_TCP_FRAME_MAX <= LISTEN_TCP_OUTTOTAL;
}

/*
 * The connection to close for a new one when every slot is taken: the
 * least recently active of those with no request outstanding and no
 * answer queued, or NULL if there is none.
 */
static struct tconn *
conn_victim(void)
{
	struct tconn	*c, *v = NULL;
	const char	*why;
	uint64_t	 t, vt = 0;
	int		 i, left = nconns;

	for (i = 0; i < nslots && left > 0; i++) {
		c = &conns[i];
		if (c->fd == -1)
			continue;
		left--;
		if (c->pending > 0 || c->out != NULL)
			continue;
		t = conn_since(c, &why);
		if (v == NULL || t < vt || (t == vt && c->gen < v->gen)) {
			v = c;
			vt = t;
		}
	}
	return v;
}

void
listen_poll(struct loop *io)
{
	struct tconn	*c;
	const char	*why;
	uint64_t	 idle = idle_now(), t;
	short		 ev;
	int		 i, left = nconns;

	if (accept_resume != 0 && loop_now() >= accept_resume)
		accept_resume = 0;
	loop_deadline(io, accept_resume);
	for (i = 0; i < nsocks; i++) {
		if (socks[i].tcp && accept_resume != 0)
			continue;
		loop_add(io, socks[i].fd, POLLIN,
		    socks[i].tcp ? tcp_accept : udp_read, &socks[i]);
	}
	/* Up to the last open connection, not through every slot. */
	for (i = 0; i < nslots && left > 0; i++) {
		c = &conns[i];
		if (c->fd == -1)
			continue;
		left--;
		ev = 0;
		if (conn_readable(c))
			ev |= POLLIN;
		if (c->out != NULL)
			ev |= POLLOUT;
		loop_add(io, c->fd, ev, tcp_io, c);
		if ((t = conn_since(c, &why)) != 0)
			loop_deadline(io, t + idle);
	}
}

void
listen_timer(uint64_t now)
{
	struct tconn	*c;
	const char	*why;
	char		 b[64];
	uint64_t	 idle = idle_now(), t;
	int		 i, left = nconns;

	for (i = 0; i < nslots && left > 0; i++) {
		c = &conns[i];
		if (c->fd == -1)
			continue;
		left--;
		if (c->eof && c->pending == 0 && c->out == NULL) {
			tcp_close(c);
			continue;
		}
		if ((t = conn_since(c, &why)) != 0 && now >= t + idle) {
			log_debug("tcp %s: %s", listen_client_str(&c->cl, b,
			    sizeof(b)), why);
			tcp_close(c);
		}
	}
}

static void
udp_read(void *arg, int fd, short revents)
{
	struct lsock	*ls = arg;
	struct client	 cl;
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	hdr;
		uint8_t		buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	}		 cbuf;
	ssize_t		 n;
	int		 k;

	(void)revents;
	for (k = 0; k < UDP_BURST; k++) {
		memset(&cl, 0, sizeof(cl));
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = udpbuf;
		iov.iov_len = sizeof(udpbuf);
		mh.msg_name = &cl.peer;
		mh.msg_namelen = sizeof(cl.peer);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		if ((n = recvmsg(fd, &mh, 0)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("udp recvmsg");
			return;
		}
		last_io = loop_now();
		cl.proto = CLIENT_UDP;
		cl.peerlen = mh.msg_namelen;
		cl.ufd = fd;
		cl.slot = -1;
		for (cm = CMSG_FIRSTHDR(&mh); cm != NULL;
		    cm = CMSG_NXTHDR(&mh, cm)) {
			if (ls->family == AF_INET &&
			    cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;
				struct sockaddr_in *s4 =
				    (struct sockaddr_in *)&cl.local;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				s4->sin_family = AF_INET;
				s4->sin_addr = pi.ipi_addr;
				cl.ifindex = pi.ipi_ifindex;
				cl.haslocal = 1;
			} else if (ls->family == AF_INET6 &&
			    cm->cmsg_level == IPPROTO_IPV6 &&
			    cm->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo pi;
				struct sockaddr_in6 *s6 =
				    (struct sockaddr_in6 *)&cl.local;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				s6->sin6_family = AF_INET6;
				s6->sin6_addr = pi.ipi6_addr;
				cl.ifindex = (int)pi.ipi6_ifindex;
				cl.haslocal = 1;
			}
		}
		handler(&cl, udpbuf, (size_t)n, handler_arg);
	}
}

static int
udp_send(const struct client *cl, const uint8_t *buf, size_t len)
{
	struct msghdr	 mh;
	struct iovec	 iov;
	union {
		struct cmsghdr	hdr;
		uint8_t		buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	}		 cbuf;
	struct cmsghdr	*cm;

	memset(&mh, 0, sizeof(mh));
	memset(&cbuf, 0, sizeof(cbuf));
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	mh.msg_name = (void *)(uintptr_t)&cl->peer;
	mh.msg_namelen = cl->peerlen;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (cl->haslocal) {
		mh.msg_control = cbuf.buf;
		cm = (struct cmsghdr *)cbuf.buf;
		if (cl->local.ss_family == AF_INET) {
			struct in_pktinfo pi;

			memset(&pi, 0, sizeof(pi));
			pi.ipi_spec_dst =
			    ((const struct sockaddr_in *)&cl->local)->sin_addr;
			mh.msg_controllen = CMSG_SPACE(sizeof(pi));
			cm->cmsg_level = IPPROTO_IP;
			cm->cmsg_type = IP_PKTINFO;
			cm->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		} else {
			struct in6_pktinfo pi;

			memset(&pi, 0, sizeof(pi));
			pi.ipi6_addr =
			    ((const struct sockaddr_in6 *)&cl->local)->sin6_addr;
			pi.ipi6_ifindex = (unsigned)cl->ifindex;
			mh.msg_controllen = CMSG_SPACE(sizeof(pi));
			cm->cmsg_level = IPPROTO_IPV6;
			cm->cmsg_type = IPV6_PKTINFO;
			cm->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		}
	}
	if (sendmsg(cl->ufd, &mh, 0) == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			log_warn("udp sendmsg");
		return -1;
	}
	return 0;
}

static int	conn_add(int, const struct client *);

static void
tcp_accept(void *arg, int fd, short revents)
{
	struct client	 cl;
	int		 nfd, n;
	char		 b[64];

	(void)arg;
	(void)revents;
	for (n = 0; n < ACCEPT_BURST; n++) {
		memset(&cl, 0, sizeof(cl));
		cl.peerlen = sizeof(cl.peer);
		nfd = accept(fd, (struct sockaddr *)&cl.peer, &cl.peerlen);
		if (nfd == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				/* The connection waits; do not spin on it. */
				log_warn("tcp accept, pausing");
				accept_resume = loop_now() + ACCEPT_PAUSE_MS;
			} else if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_warn("tcp accept");
			return;
		}
		cl.proto = CLIENT_TCP;
		if (nonblock(nfd) == -1) {
			log_warn("tcp %s", listen_client_str(&cl, b,
			    sizeof(b)));
			close(nfd);
			continue;
		}
		conn_add(nfd, &cl);
	}
}

/* A connection to serve (accepted, or given by inetd): a slot for it. */
static int
conn_add(int nfd, const struct client *clp)
{
	struct tconn	*c = NULL, *v;
	struct client	 cl = *clp;
	int		 i;
	char		 b[64];

	last_io = loop_now();
	/* A reload may have lowered tcp-clients below what is open. */
	while (nconns >= max_conns && (v = conn_victim()) != NULL) {
		log_debug("tcp %s: closed to make room",
		    listen_client_str(&v->cl, b, sizeof(b)));
		tcp_close(v);
	}
	if (nconns >= max_conns) {
		log_warnx("tcp %s: refused, %d connections open, none idle",
		    listen_client_str(&cl, b, sizeof(b)), nconns);
		close(nfd);
		return -1;
	}
	for (i = 0; i < nslots; i++)
		if (conns[i].fd == -1) {
			c = &conns[i];
			break;
		}
	if (c == NULL && nslots < LISTEN_CONN_MAX)
		c = &conns[nslots++];
	if (c == NULL) {
		close(nfd);
		return -1;
	}
	memset(c, 0, sizeof(*c));
	c->fd = nfd;
	c->gen = gen_next++;
	c->cl = cl;
	c->cl.ufd = -1;
	c->cl.slot = (int)(c - conns);
	c->cl.gen = c->gen;
	c->outtail = &c->out;
	c->last = loop_now();
	nconns++;
	return 0;
}

static void
tcp_close(struct tconn *c)
{
	struct outbuf	*o;

	while ((o = c->out) != NULL) {
		c->out = o->next;
		free(o);
	}
	outtotal -= c->outbytes;
	c->outbytes = 0;
	c->nout = 0;
	free(c->msg);
	c->msg = NULL;
	close(c->fd);
	c->fd = -1;
	nconns--;
}

/* Read what is there; hand over each complete message. */
static int
tcp_read(struct tconn *c)
{
	ssize_t	n;

	while (conn_readable(c)) {
		if (c->have < 2)
			n = read(c->fd, c->lenbuf + c->have, 2 - c->have);
		else
			n = read(c->fd, c->msg + (c->have - 2),
			    c->need - (c->have - 2));
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return 0;
			return -1;
		}
		if (n == 0) {
			c->eof = 1;
			return 0;
		}
		c->last = loop_now();
		if (c->have == 0)
			c->begun = c->last;
		c->have += (size_t)n;
		if (c->have == 2) {
			c->need = (size_t)c->lenbuf[0] << 8 | c->lenbuf[1];
			if (c->need == 0)
				return -1;
			if ((c->msg = malloc(c->need)) == NULL) {
				log_warn("tcp message");
				return -1;
			}
		}
		if (c->have >= 2 && c->have - 2 == c->need) {
			uint8_t	*m = c->msg;
			size_t	 len = c->need;

			c->msg = NULL;
			c->have = 0;
			c->pending++;
			handler(&c->cl, m, len, handler_arg);
			free(m);
			if (c->fd == -1)
				return 0;
		}
	}
	return 0;
}

static int
tcp_write(struct tconn *c)
{
	struct outbuf	*o;
	ssize_t		 n;

	while ((o = c->out) != NULL) {
		n = write(c->fd, o->data + o->off, o->len - o->off);
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return 0;
			return -1;
		}
		c->last = c->wlast = loop_now();
		o->off += (size_t)n;
		if (o->off < o->len)
			return 0;
		c->out = o->next;
		if (c->out == NULL)
			c->outtail = &c->out;
		c->nout--;
		c->outbytes -= o->len;
		outtotal -= o->len;
		free(o);
	}
	return 0;
}

static void
tcp_io(void *arg, int fd, short revents)
{
	struct tconn	*c = arg;

	(void)fd;
	if (revents & (POLLOUT | POLLERR | POLLHUP))
		if (c->out != NULL && tcp_write(c) == -1) {
			tcp_close(c);
			return;
		}
	if (revents & (POLLIN | POLLERR | POLLHUP)) {
		if (tcp_read(c) == -1) {
			tcp_close(c);
			return;
		}
	}
	if (c->fd == -1)
		return;
	if (c->eof && c->pending == 0 && c->out == NULL)
		tcp_close(c);
	else if ((revents & (POLLERR | POLLHUP)) && c->out == NULL &&
	    !conn_readable(c))
		/* No read or write is due to notice the error: no spin. */
		tcp_close(c);
}

static struct tconn *
conn_of(const struct client *cl)
{
	struct tconn	*c;

	if (cl->slot < 0 || cl->slot >= LISTEN_CONN_MAX)
		return NULL;
	if (cl->slot >= nslots)
		return NULL;
	c = &conns[cl->slot];
	if (c->fd == -1 || c->gen != cl->gen)
		return NULL;
	return c;
}

int
listen_reply(const struct client *cl, const uint8_t *buf, size_t len)
{
	struct tconn	*c;
	struct outbuf	*o;
	struct iovec	 iov[2];
	uint8_t		 pfx[2];
	ssize_t		 n = 0;
	char		 b[64];

	if (cl->proto == CLIENT_UDP)
		return udp_send(cl, buf, len);
	if ((c = conn_of(cl)) == NULL)
		return -1;
	if (c->pending > 0)
		c->pending--;
	if (len > 65535)
		return -1;
	pfx[0] = len >> 8;
	pfx[1] = len & 0xff;
	/* Straight to the socket when nothing waits: most answers fit. */
	if (c->out == NULL) {
		iov[0].iov_base = pfx;
		iov[0].iov_len = 2;
		iov[1].iov_base = (void *)(uintptr_t)buf;
		iov[1].iov_len = len;
		if ((n = writev(c->fd, iov, 2)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR) {
				tcp_close(c);
				return -1;
			}
			n = 0;
		}
		if (n > 0)
			c->last = loop_now();
		if ((size_t)n == 2 + len)
			return 0;
	}
	if (c->outbytes + 2 + len > LISTEN_TCP_OUTMAX ||
	    outtotal + 2 + len > LISTEN_TCP_OUTTOTAL) {
		log_debug("tcp %s: answers not read, closing",
		    listen_client_str(&c->cl, b, sizeof(b)));
		tcp_close(c);
		return -1;
	}
	if ((o = malloc(sizeof(*o) + 2 + len)) == NULL) {
		log_warn("tcp answer");
		tcp_close(c);
		return -1;
	}
	o->next = NULL;
	o->off = (size_t)n;
	o->len = 2 + len;
	memcpy(o->data, pfx, 2);
	memcpy(o->data + 2, buf, len);
	if (c->out == NULL)
		c->wlast = loop_now();
	*c->outtail = o;
	c->outtail = &o->next;
	c->nout++;
	c->outbytes += o->len;
	outtotal += o->len;
	return 0;
}

void
listen_done(const struct client *cl)
{
	struct tconn	*c;

	if (cl->proto == CLIENT_TCP && (c = conn_of(cl)) != NULL &&
	    c->pending > 0)
		c->pending--;
}

/* The options bind_one() sets on a UDP socket, for one given to us. */
static void
udp_options(int fd, int family)
{
	int	on = 1, rcvbuf = UDP_RCVBUF;

	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
		    sizeof(on));
	else
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
}

enum listen_kind
listen_adopt(int fd, listen_handler h, void *arg, int tcp_idle_ms)
{
	struct sockaddr_storage	 ss;
	struct client		 cl;
	socklen_t		 len;
	int			 type, acc = 0;

	handler = h;
	handler_arg = arg;
	listen_set_limits(1, tcp_idle_ms);
	len = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1)
		return LISTEN_NONE;
	len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1 ||
	    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) ||
	    nonblock(fd) == -1)
		return LISTEN_NONE;
	last_io = loop_now();
	if (type == SOCK_DGRAM) {
		udp_options(fd, ss.ss_family);
		socks[nsocks].fd = fd;
		socks[nsocks].tcp = 0;
		socks[nsocks].family = ss.ss_family;
		nsocks++;
		return LISTEN_UDP;
	}
	if (type != SOCK_STREAM)
		return LISTEN_NONE;
	len = sizeof(acc);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) == 0 &&
	    acc) {
		listen_set_limits(LISTEN_CONN_MAX, tcp_idle_ms);
		socks[nsocks].fd = fd;
		socks[nsocks].tcp = 1;
		socks[nsocks].family = ss.ss_family;
		nsocks++;
		return LISTEN_TCP;
	}
	memset(&cl, 0, sizeof(cl));
	cl.proto = CLIENT_TCP;
	cl.peerlen = sizeof(cl.peer);
	if (getpeername(fd, (struct sockaddr *)&cl.peer, &cl.peerlen) == -1)
		return LISTEN_NONE;
	if (conn_add(fd, &cl) == -1)
		return LISTEN_NONE;
	return LISTEN_CONN;
}

uint64_t
listen_last(void)
{
	return last_io;
}

int
listen_nconns(void)
{
	return nconns;
}

void
listen_drain(void)
{
	int	i, j;

	for (i = j = 0; i < nsocks; i++) {
		if (socks[i].tcp) {
			close(socks[i].fd);
			continue;
		}
		socks[j++] = socks[i];
	}
	nsocks = j;
}

int
listen_busy(void)
{
	int	i;

	for (i = 0; i < nslots; i++)
		if (conns[i].fd != -1 && (conns[i].pending > 0 ||
		    conns[i].outbytes > 0))
			return 1;
	return 0;
}

void
listen_close(void)
{
	int	i;

	for (i = 0; i < nslots; i++)
		if (conns[i].fd != -1)
			tcp_close(&conns[i]);
	for (i = 0; i < nsocks; i++)
		close(socks[i].fd);
	nsocks = 0;
}
