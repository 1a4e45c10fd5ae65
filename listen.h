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
 * Deadlines: with nothing outstanding, the idle timeout from the last
 * byte moved in either direction; a message being read must arrive whole
 * within the idle timeout of its first byte.  While more than three
 * quarters of tcp_clients are open, the idle timeout is a quarter of
 * tcp_idle_ms, at least a second.  At most LISTEN_TCP_PENDING requests
 * are outstanding per connection: beyond that the connection is not read
 * until answers go out, which bounds the bytes buffered per connection
 * to one request plus that many answers.  A client that does not read
 * its answers is closed by the idle timeout.  No call blocks.
 */
#ifndef R53D_LISTEN_H
#define R53D_LISTEN_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "loop.h"

#define LISTEN_CONN_MAX		1024	/* TCP connections: tcp-clients */
#define LISTEN_SOCK_MAX		64	/* listening sockets, UDP and TCP */
#define LISTEN_TCP_PENDING	8
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
void	listen_poll(struct io *);
void	listen_timer(uint64_t);
int	listen_reply(const struct client *, const uint8_t *, size_t);
/* Tell the module a request of this TCP client has ended unanswered. */
void	listen_done(const struct client *);
void	listen_close(void);
/* Text form "addr#port" of a client, for logs. */
const char *client_str(const struct client *, char *, size_t);

#endif
