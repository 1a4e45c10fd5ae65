/*
 * primary.h: one exchange with a primary server, driven by the poll
 * loop: a query over UDP answered by one datagram, or a query over TCP
 * answered by one or more length-framed messages (a zone transfer, or an
 * SOA query whose UDP answer was truncated).
 *
 * The caller builds (and signs) the query and judges every answer: the
 * exchange only moves bytes.  Over UDP the socket is connected to the
 * primary, so datagrams from anyone else never arrive, and an answer
 * whose ID is not the query's is dropped; the query is sent again
 * (PRIMARY_UDP_TRIES times in all) when no answer came within
 * PRIMARY_UDP_WAIT_MS.  Over TCP a message longer than the buffer cannot
 * arrive (the length prefix is 16 bits) and the buffer is 65,537 octets.
 *
 * Call order:
 *
 *	primary_start(p, ss, sslen, tcp, query, len, limits, now)
 *	every pass, until primary_done(p):
 *		primary_pollfd(p, &pfd); d = primary_deadline(p);
 *		... poll(2) ...
 *		primary_step(p, pfd.revents, now);
 *		while (primary_next(p, &msg, &msglen)) use msg;
 *	primary_close(p)		(any time; also frees the buffer)
 *
 * primary_done() is 1 once the exchange is over: after the UDP answer
 * was taken, when the TCP peer closed the connection (p->eof), or on a
 * failure or time-out (p->failed, with p->why a sentence for the log).
 * The caller may close it earlier, when it has what it wants.  Messages
 * returned by primary_next() are valid until the next primary_*() call.
 */
#ifndef R53D_PRIMARY_H
#define R53D_PRIMARY_H

#include <sys/socket.h>

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#define PRIMARY_UDP_TRIES	3
#define PRIMARY_UDP_WAIT_MS	2000
#define PRIMARY_CONNECT_MS	10000

struct primary {
	int			 fd;		/* -1: closed */
	int			 tcp;
	int			 connected;	/* TCP connect completed */
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	uint8_t			*q;		/* the query, framed for TCP */
	size_t			 qlen, qoff;
	uint16_t		 id;
	int			 tries;		/* UDP sends so far */
	uint8_t			*buf;		/* received bytes */
	size_t			 have;		/* bytes in buf */
	size_t			 taken;		/* bytes handed out */
	int			 ready;		/* UDP: one answer waits */
	uint64_t		 deadline;	/* the whole exchange */
	uint64_t		 connect_by;	/* TCP: connected by then */
	uint64_t		 idle_ms;	/* TCP: most between bytes */
	uint64_t		 last;		/* last byte moved */
	uint64_t		 resend;	/* UDP: next send */
	int			 eof;
	int			 failed;
	char			 why[128];
	short			 revents;
};

/*
 * Start an exchange with the primary at ss: send query[0..len) (no
 * length prefix; it is added for TCP).  timeout_ms bounds the whole
 * exchange, idle_ms the silence between two bytes over TCP.  Returns 0,
 * or -1 with p->why set (nothing to close).
 */
int	primary_start(struct primary *p, const struct sockaddr_storage *ss,
	    socklen_t sslen, int tcp, const uint8_t *query, size_t len,
	    uint64_t timeout_ms, uint64_t idle_ms, uint64_t now);
void	primary_pollfd(const struct primary *p, struct pollfd *pfd);
uint64_t primary_deadline(const struct primary *p);
void	primary_step(struct primary *p, short revents, uint64_t now);
/* The next complete answer message: 1 with *msg, *len set, or 0. */
int	primary_next(struct primary *p, const uint8_t **msg, size_t *len);
int	primary_done(const struct primary *p);
int	primary_active(const struct primary *p);
void	primary_close(struct primary *p);
/* "192.0.2.1#53" for messages. */
const char *primary_str(const struct sockaddr_storage *, char *, size_t);

#endif
