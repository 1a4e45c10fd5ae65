/*
 * listen.c: UDP and TCP DNS listeners: the sockets (bound at start-up,
 * or given by inetd or systemd), UDP datagrams in and out, accepting
 * TCP connections, and what the module does as a whole (poll, reply,
 * drain, close).  The TCP connections themselves, with their framing
 * and bounds, are in listen_tcp.c; listen_impl.h holds what the two
 * share.
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
#include <string.h>
#include <unistd.h>

#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "listen.h"
#include "listen_impl.h"
#include "log.h"

#define UDP_BURST	32	/* datagrams read per wake-up */
#define ACCEPT_PAUSE_MS	1000	/* no accept() after running out of fds */
#define ACCEPT_BURST	32	/* connections accepted per wake-up */
/* Connections the kernel completes before r53d takes them (capped by
 * somaxconn): with a short queue, a burst of connections has the
 * kernel drop new SYNs, and every client waits for a retransmission. */
#define LISTEN_BACKLOG	LISTEN_CONN_MAX
/*
 * UDP receive buffer asked for: clients answered together (a whole batch
 * of UPDATEs) send again together, while r53d is still answering.  The
 * kernel caps it at net.core.rmem_max.
 */
#define UDP_RCVBUF	(1024 * 1024)

struct lsock {
	int	fd;
	int	tcp;
	int	family;
};

static struct lsock	 socks[LISTEN_SOCK_MAX];
static int		 nsocks;
static uint64_t		 accept_resume;	/* 0, or when to accept again */
/* A datagram or connection came. */
uint64_t		 listen_last_io;
listen_handler		 listen_cb;
void			*listen_cb_arg;
static uint8_t		 udpbuf[LISTEN_UDP_MAX];

static void	udp_read(void *, int, short);
static void	tcp_accept(void *, int, short);

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

	listen_cb = h;
	listen_cb_arg = arg;
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
listen_poll(struct loop *io)
{
	int	i;

	if (accept_resume != 0 && loop_now() >= accept_resume)
		accept_resume = 0;
	loop_deadline(io, accept_resume);
	for (i = 0; i < nsocks; i++) {
		if (socks[i].tcp && accept_resume != 0)
			continue;
		loop_add(io, socks[i].fd, POLLIN,
		    socks[i].tcp ? tcp_accept : udp_read, &socks[i]);
	}
	listen_tcp_poll(io);
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
		listen_last_io = loop_now();
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
		listen_cb(&cl, udpbuf, (size_t)n, listen_cb_arg);
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
		listen_tcp_add(nfd, &cl);
	}
}

int
listen_reply(const struct client *cl, const uint8_t *buf, size_t len)
{
	if (cl->proto == CLIENT_UDP)
		return udp_send(cl, buf, len);
	return listen_tcp_reply(cl, buf, len);
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

	listen_cb = h;
	listen_cb_arg = arg;
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
	listen_last_io = loop_now();
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
	if (listen_tcp_add(fd, &cl) == -1)
		return LISTEN_NONE;
	return LISTEN_CONN;
}

uint64_t
listen_last(void)
{
	return listen_last_io;
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

void
listen_close(void)
{
	int	i;

	listen_tcp_close();
	for (i = 0; i < nsocks; i++)
		close(socks[i].fd);
	nsocks = 0;
}
