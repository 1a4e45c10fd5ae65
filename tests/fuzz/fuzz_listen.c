/*
 * fuzz_listen.c: libFuzzer harness for the TCP framing of listen_tcp.c
 * (included with listen.c, for its connections): a byte stream from a
 * client cut at arbitrary points, several framed messages, lengths that
 * lie, a length prefix followed by a close, answers late or never.
 *
 * Input: a flags octet (bit 0: the client closes its side after the
 * stream; bit 1: answers wait until the end instead of going at once;
 * bit 2: every third request is released unanswered, listen_done();
 * bit 3: the client reads no answers until the end), a cut octet (the
 * stream is written in pieces of 1 + cut % 64 octets, each followed by
 * the connection's read handler), then the stream.  The connection is a
 * socket pair; the clock is fake (tests/fuzz/fakes.h) and advances a
 * millisecond a piece, and the idle timer runs at the end.
 *
 * Invariants: the handler sees, in order, a prefix of the frames the
 * stream holds, each with its exact length and contents, and all of the
 * frames that came before the end while answers went at once (a zero
 * length closes the connection); never more than LISTEN_TCP_PENDING
 * requests outstanding; every answer arrives at the client whole and in
 * order; no descriptor or buffer is left behind (LeakSanitizer, and a
 * closed connection's slot).
 */
/* First: it defines _GNU_SOURCE. */
#include "../../listen.c"
#include "../../listen_tcp.c"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fakes.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAXREQ	4096

static struct {
	size_t		 off, len;	/* the frame in the stream */
}			 frames[MAXREQ];
static size_t		 nframes, nseen;
static struct client	 held[MAXREQ];
static uint16_t		 heldid[MAXREQ];
static size_t		 nheld;
static const uint8_t	*stream;
static int		 flags;
static int		 peer = -1;
static uint8_t		 rbuf[2 * LISTEN_TCP_OUTMAX];
static size_t		 rhave;
static size_t		 nanswers, nreplied;

/* The answer to a request: its first octet (or 0), twice, framed. */
static void
reply(const struct client *cl, uint16_t id)
{
	uint8_t	a[2];

	a[0] = (uint8_t)(id >> 8);
	a[1] = (uint8_t)id;
	if (listen_reply(cl, a, sizeof(a)) == 0)
		nreplied++;
}

static void
on_msg(const struct client *cl, const uint8_t *m, size_t len, void *arg)
{
	const struct tconn	*c = &conns[cl->slot];

	(void)arg;
	if (nseen >= nframes || frames[nseen].len != len ||
	    memcmp(stream + frames[nseen].off, m, len) != 0)
		abort();
	if (c->pending > LISTEN_TCP_PENDING || nheld >= MAXREQ)
		abort();
	if ((flags & 4) && nseen % 3 == 2)
		listen_done(cl);
	else if (flags & 2) {
		held[nheld] = *cl;
		heldid[nheld++] = (uint16_t)nseen;
	} else
		reply(cl, (uint16_t)nseen);
	nseen++;
}

/* Read what the client has been sent; check each answer in order. */
static void
client_read(void)
{
	ssize_t	n;
	size_t	len;

	while (rhave < sizeof(rbuf) &&
	    (n = read(peer, rbuf + rhave, sizeof(rbuf) - rhave)) > 0)
		rhave += (size_t)n;
	while (rhave >= 2) {
		len = (size_t)rbuf[0] << 8 | rbuf[1];
		if (len != 2)
			abort();
		if (rhave < 4)
			break;
		nanswers++;
		memmove(rbuf, rbuf + 4, rhave - 4);
		rhave -= 4;
	}
}

/* The frames the stream holds, up to a zero length or its end. */
static void
split(const uint8_t *s, size_t n)
{
	size_t	pos = 0, len;

	nframes = 0;
	while (n - pos >= 2 && nframes < MAXREQ) {
		len = (size_t)s[pos] << 8 | s[pos + 1];
		if (len == 0 || n - pos - 2 < len)
			break;
		frames[nframes].off = pos + 2;
		frames[nframes].len = len;
		nframes++;
		pos += 2 + len;
	}
}

static struct tconn *
conn_open(int fd)
{
	struct client	cl;
	int		i;

	memset(&cl, 0, sizeof(cl));
	cl.proto = CLIENT_TCP;
	cl.peer.ss_family = AF_INET;
	cl.peerlen = sizeof(struct sockaddr_in);
	if (listen_tcp_add(fd, &cl) == -1)
		abort();
	for (i = 0; i < nslots; i++)
		if (conns[i].fd == fd)
			return &conns[i];
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tconn	*c;
	size_t		 pos, step, i, n;
	ssize_t		 w;
	int		 sp[2];

	if (size < 2)
		return 0;
	flags = data[0];
	step = 1 + data[1] % 64;
	stream = data + 2;
	size -= 2;
	split(stream, size);
	nseen = nheld = nanswers = nreplied = rhave = 0;
	listen_cb = on_msg;
	listen_set_limits(4, 10000);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1 ||
	    nonblock(sp[0]) == -1 || nonblock(sp[1]) == -1)
		abort();
	peer = sp[1];
	c = conn_open(sp[0]);
	for (pos = 0; pos < size && c->fd != -1; pos += n) {
		n = size - pos < step ? size - pos : step;
		/* Not read (held answers stop reading): the client waits. */
		if ((w = write(peer, stream + pos, n)) <= 0)
			break;
		n = (size_t)w;
		fake_now += 1;
		tcp_io(c, c->fd, POLLIN);
		if (!(flags & 8))
			client_read();
		if (c->fd != -1 && c->out != NULL && !(flags & 8))
			tcp_io(c, c->fd, POLLOUT);
	}
	/* Answers went at once and the reads never stopped: all seen. */
	if (!(flags & 2) && !(flags & 8) && c->fd != -1 && pos == size &&
	    nseen != nframes)
		abort();
	if (flags & 1)
		shutdown(peer, SHUT_WR);
	if (c->fd != -1)
		tcp_io(c, c->fd, POLLIN | (flags & 1 ? POLLHUP : 0));
	for (i = 0; i < nheld; i++)
		reply(&held[i], heldid[i]);
	for (i = 0; i < 64 && c->fd != -1 && c->out != NULL; i++) {
		client_read();
		tcp_io(c, c->fd, POLLOUT);
	}
	client_read();
	if (nanswers > nreplied || nanswers > nseen)
		abort();
	fake_now += 20000;
	listen_timer(fake_now);
	if (c->fd != -1 || nconns != 0 || outtotal != 0)
		abort();
	close(peer);
	return 0;
}
