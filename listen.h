/*
 * listen.h: DNS listeners: UDP sockets and TCP connections.
 *
 * listen_open() binds every configured address (UDP and TCP) at start-up,
 * before privileges are dropped; it reports each failure and returns -1 if
 * any address could not be bound.  Afterwards the module is driven by the
 * loop: listen_poll() adds its descriptors and deadlines, listen_timer()
 * closes idle TCP connections.
 *
 * Each complete DNS message that arrives is handed to the handler given to
 * listen_open(), together with a struct client naming where it came from.
 * The handler answers then (listen_reply) or later: a struct client may be
 * copied and kept; listen_reply() on a TCP connection that has closed
 * meanwhile returns -1 and drops the answer.  The message buffer is valid
 * only during the handler call.
 *
 * TCP: two-byte length framing, several messages per connection, at most
 * tcp_clients connections at once.  When all are taken, a new connection
 * closes the one idle longest among those with no request outstanding
 * and no answer queued; if there is none, the new one is closed at once.
 *
 * A request is outstanding from when it is handed to the handler until
 * its answer has been written to the socket (or listen_done()).  A
 * connection is read only while fewer than LISTEN_TCP_PENDING of its
 * requests are outstanding and less than LISTEN_TCP_OUTBUF bytes of its
 * answers wait; while the answers waiting on every connection come
 * within LISTEN_TCP_FRAME_MAX of LISTEN_TCP_OUTTOTAL, only connections
 * with none waiting are read.  So a connection holds one request being
 * read and at most LISTEN_TCP_OUTMAX bytes of answers, and all of them
 * together at most LISTEN_TCP_OUTTOTAL: listen_reply() closes the
 * connection rather than pass either bound.
 *
 * Deadlines, each the idle timeout: with nothing outstanding, from the
 * last byte moved in either direction; a message being read must arrive
 * whole within it of its first byte; waiting answers must see a byte
 * written within it.  While more than three quarters of tcp_clients are
 * open, the idle timeout is a quarter of tcp_idle_ms, at least a second.
 * No call blocks.
 */
#ifndef R53D_LISTEN_H
#define R53D_LISTEN_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "loop.h"

#define LISTEN_CONN_MAX		1024		/* TCP connections, at most */
#define LISTEN_SOCK_MAX		64		/* UDP and TCP listeners */
#define LISTEN_TCP_PENDING	8		/* requests outstanding */
#define LISTEN_TCP_FRAME_MAX	(2 + 65535)	/* a framed answer */
#define LISTEN_TCP_OUTBUF	(64 * 1024)	/* waiting: stop reading */
#define LISTEN_TCP_OUTMAX	(128 * 1024)	/* waiting, per connection */
#define LISTEN_TCP_OUTTOTAL	(16 * 1024 * 1024) /* waiting, in all */
#define LISTEN_UDP_MAX		65535

enum { CLIENT_UDP = 1, CLIENT_TCP = 2 };

struct client {
	int			 proto;		/* CLIENT_UDP or CLIENT_TCP */
	struct sockaddr_storage	 peer;
	socklen_t		 peerlen;
	/* UDP: the socket and the local address the datagram came to */
	int			 ufd;
	struct sockaddr_storage	 local;
	int			 ifindex;
	int			 haslocal;
	/* TCP: connection slot and generation */
	int			 slot;
	uint32_t		 gen;
};

typedef void	(*listen_handler)(const struct client *, const uint8_t *,
		    size_t, void *);

struct listen_conf {
	const struct sockaddr_storage	*addrs;
	int				 naddrs;
	int				 tcp_clients;	/* max connections */
	int				 tcp_idle_ms;
};

int	listen_open(const struct listen_conf *, listen_handler, void *);
void	listen_set_limits(int tcp_clients, int tcp_idle_ms);
void	listen_poll(struct loop *);
void	listen_timer(uint64_t);
int	listen_reply(const struct client *, const uint8_t *, size_t);
/* Tell the module a request of this TCP client has ended unanswered. */
void	listen_done(const struct client *);
/*
 * inetd mode: serve the socket fd (standard input) as inetd or systemd
 * gave it, instead of listen_open(): a UDP socket (inetd "wait"), a
 * listening TCP socket (also "wait"), or one TCP connection ("nowait",
 * or systemd's Accept=yes).  Returns which, or LISTEN_NONE when fd is
 * none of them.  listen_last() is when the last datagram or connection
 * came, listen_nconns() how many connections are open: the caller
 * decides from them when it is idle.
 */
enum listen_kind { LISTEN_NONE, LISTEN_UDP, LISTEN_TCP, LISTEN_CONN };

enum listen_kind listen_adopt(int fd, listen_handler, void *,
	    int tcp_idle_ms);
uint64_t listen_last(void);
int	listen_nconns(void);

/*
 * Shutting down: close the TCP listeners (no new connections); the UDP
 * sockets and the connections open stay, for the answers still due.
 */
void	listen_drain(void);
/* 1 while a TCP connection has a request outstanding or answers to write. */
int	listen_busy(void);
void	listen_close(void);
/*
 * Log each address listen_open() bound, one line with the transports
 * bound to it: "listening on 192.0.2.53#53 (udp, tcp)".
 */
void	listen_log(void);
/* Text form "addr#port" of a client, for logs. */
const char *listen_client_str(const struct client *, char *, size_t);

#endif
