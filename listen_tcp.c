/*
 * listen_tcp.c: the TCP connections of the listeners: their slots and
 * limits (tcp-clients, the connection closed to make room), two-byte
 * framing, reading while answers are being taken, queued answers and
 * slow clients, idle and busy timeouts.  Sockets, UDP and inetd are in
 * listen.c; listen_impl.h holds what the two share.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listen.h"
#include "listen_impl.h"
#include "log.h"

#define BUSY_IDLE_MIN	1000	/* ms: shortest idle timeout when busy */

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

static void	tcp_io(void *, int, short);
static void	tcp_close(struct tconn *);

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

/* The connections' part of listen_poll(). */
void
listen_tcp_poll(struct loop *io)
{
	struct tconn	*c;
	const char	*why;
	uint64_t	 idle = idle_now(), t;
	short		 ev;
	int		 i, left = nconns;

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

/* A connection to serve (accepted, or given by inetd): a slot for it. */
int
listen_tcp_add(int nfd, const struct client *clp)
{
	struct tconn	*c = NULL, *v;
	struct client	 cl = *clp;
	int		 i;
	char		 b[64];

	listen_last_io = loop_now();
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
			listen_cb(&c->cl, m, len, listen_cb_arg);
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

/* listen_reply() to a TCP client. */
int
listen_tcp_reply(const struct client *cl, const uint8_t *buf, size_t len)
{
	struct tconn	*c;
	struct outbuf	*o;
	struct iovec	 iov[2];
	uint8_t		 pfx[2];
	ssize_t		 n = 0;
	char		 b[64];

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

int
listen_nconns(void)
{
	return nconns;
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

/* The connections' part of listen_close(). */
void
listen_tcp_close(void)
{
	int	i;

	for (i = 0; i < nslots; i++)
		if (conns[i].fd != -1)
			tcp_close(&conns[i]);
}
