/*
 * fuzz_secondary.c: libFuzzer harness for a secondary zone's refresh
 * (secondary.c, included here): SOA answers from a primary and NOTIFYs,
 * in any order, with time passing between them.
 *
 * Zone "example." has two primaries, both this harness: a UDP socket on
 * 127.0.0.1 that reads each SOA query and sends the input's answers
 * back, and a TCP listener on the same port that never answers (a
 * transfer or a truncated answer's TCP query only times out).  The
 * mirror holds Route 53's SOA; no transfer ever completes.
 *
 * Input: operations, each an octet, then its operands:
 *   op & 3 == 0  NOTIFY; bit 2: with a serial (4 octets)
 *   op & 3 == 1  an answer: length (2 octets), message; its ID is made
 *		  the last query's unless bit 2 is set
 *   op & 3 == 2  time passes, to the next deadline
 *   op & 3 == 3  Route 53's serial becomes the next 4 octets
 *
 * Invariants: every query is an SOA query for the zone; the primary's
 * serial changes only with an answer that xfr_soa_answer() takes (to
 * the query's ID and question, an SOA with a serial), and a transfer
 * starts only when that serial is newer (RFC 1982) than Route 53's;
 * the SOA's timers are kept within their clamps; a NOTIFY for a serial
 * Route 53 has while idle changes nothing, any other schedules a
 * refresh; nothing reaches the write pipeline; nothing leaks.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../secondary.c"

#include "dns/msg.h"
#include "fakes.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint8_t	origin[] = "\007example";

static int			 ufd = -1, tfd = -1;
static struct sockaddr_storage	 pss;
static socklen_t		 psslen;
static struct conf_primary	 prims[2];
static struct zone_conf		 zc;

/* The query last read, and whom to answer. */
static struct sockaddr_storage	 peer;
static socklen_t		 peerlen;
static uint16_t			 qid;
static size_t			 nqueries;

static void
setup(void)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&pss;
	size_t			 i;
	int			 tries;

	/* A port free for both UDP and TCP. */
	for (tries = 0; tries < 100; tries++) {
		memset(&pss, 0, sizeof(pss));
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		psslen = sizeof(*sin);
		if ((ufd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK,
		    0)) == -1 ||
		    bind(ufd, (struct sockaddr *)&pss, psslen) == -1 ||
		    getsockname(ufd, (struct sockaddr *)&pss, &psslen) == -1 ||
		    (tfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK,
		    0)) == -1)
			abort();
		if (bind(tfd, (struct sockaddr *)&pss, psslen) == 0 &&
		    listen(tfd, 64) == 0)
			break;
		close(ufd);
		close(tfd);
		ufd = tfd = -1;
	}
	if (ufd == -1)
		abort();
	for (i = 0; i < 2; i++) {
		prims[i].ss = pss;
		prims[i].sslen = psslen;
	}
	strcpy(zc.name, "example");
	zc.primaries = prims;
	zc.nprimaries = 2;
	zc.request_ixfr = 1;
	zc.max_transfer_size = 1 << 20;
	zc.transfer_timeout = 60;
	zc.min_refresh = 60;
	zc.max_refresh = 86400;
	zc.min_retry = 10;
	zc.max_retry = 3600;
}

static void
put_soa(struct mirror *m, uint32_t serial)
{
	static const uint8_t	 names[] = "\002ns\007example\0\004host\007example";
	uint8_t			 rd[sizeof(names) + 20];
	uint32_t		 v[5];
	struct rr		 rr;
	struct rrset		*set;
	size_t			 i;

	memcpy(rd, names, sizeof(names));
	v[0] = serial;
	v[1] = 3600;
	v[2] = 600;
	v[3] = 86400;
	v[4] = 300;
	for (i = 0; i < 5; i++) {
		uint32_t n = htonl(v[i]);

		memcpy(rd + sizeof(names) + 4 * i, &n, 4);
	}
	rr.rdata = rd;
	rr.text = NULL;
	rr.len = sizeof(rd);
	if ((set = rrset_new(DNS_T_SOA, 3600, 0, NULL, &rr, 1)) == NULL ||
	    zstore_put(&m->store, origin, set) == -1)
		abort();
	rrset_unref(set);
}

/* Read the queries sent: each an SOA query for the zone. */
static void
read_queries(void)
{
	struct dns_msg		 q;
	struct sockaddr_storage	 from;
	socklen_t		 fromlen;
	uint8_t			 buf[4096];
	ssize_t			 n;

	for (;;) {
		fromlen = sizeof(from);
		n = recvfrom(ufd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &fromlen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		if (dns_msg_parse(&q, buf, (size_t)n) == -1 ||
		    (q.flags & 0x8000) || q.opcode != 0 ||
		    q.count[DNS_SEC_QD] != 1 || !q.has_q ||
		    !name_equal(q.qname, origin) || q.qtype != DNS_T_SOA ||
		    q.qclass != DNS_C_IN)
			abort();
		peer = from;
		peerlen = fromlen;
		qid = q.id;
		nqueries++;
	}
}

/* Connections over TCP, never answered, are dropped at the end. */
static void
drop_connections(void)
{
	int	cfd;

	while ((cfd = accept(tfd, NULL, NULL)) != -1)
		close(cfd);
}

static void
check(const struct secondary *s)
{
	if (s->units != NULL || s->nunits != 0)
		abort();
	if (s->refresh < zc.min_refresh || s->refresh > zc.max_refresh ||
	    s->retry < zc.min_retry || s->retry > zc.max_retry ||
	    s->expire < s->refresh + s->retry)
		abort();
	if (s->state == SS_WAIT && !s->notified && s->next_at == 0)
		abort();
}

static void
pump(struct secondary *s)
{
	struct pollfd	pfd;
	int		i;

	for (i = 0; i < 4; i++) {
		secondary_pollfd(s, &pfd);
		/*
		 * libFuzzer's -timeout alarm can interrupt poll() even with
		 * a zero timeout: ask again, as the daemon's loop does.
		 */
		for (;;) {
			pfd.revents = 0;
			if (pfd.fd == -1 || poll(&pfd, 1, 0) != -1)
				break;
			if (errno != EINTR)
				abort();
		}
		secondary_step(s, pfd.revents, fake_now);
		check(s);
		read_queries();
	}
}

static void
answer(struct secondary *s, uint8_t *msg, size_t len, int forged)
{
	struct xfr_soa	 soa;
	enum xfr_error	 e = XFR_E_MALFORMED;
	uint32_t	 before = s->pserial, have;
	int		 waiting, hashave;

	if (!forged && len >= 2) {
		msg[0] = (uint8_t)(qid >> 8);
		msg[1] = (uint8_t)qid;
	}
	waiting = s->state == SS_SOA && !s->tcp && peerlen != 0;
	if (waiting)
		e = xfr_soa_answer(msg, len, origin, s->id, NULL, time(NULL),
		    &soa, NULL);
	if (peerlen != 0)
		(void)sendto(ufd, msg, len, 0, (struct sockaddr *)&peer,
		    peerlen);
	hashave = our_serial(s, &have) == 0;
	pump(s);
	if (!waiting || e != XFR_E_NONE) {
		if (s->pserial != before)
			abort();
		return;
	}
	if (s->pserial != soa.serial)
		abort();
	/* A transfer only for a newer serial. */
	if (s->state == SS_XFR && hashave && !serial_gt(soa.serial, have))
		abort();
	if (s->state == SS_WAIT && (!hashave ||
	    serial_gt(soa.serial, have)))
		abort();
}

static void
notify(struct secondary *s, int has, uint32_t serial)
{
	enum sstate	st = s->state;
	int		was = s->notified, quiet;
	uint64_t	next = s->next_at;
	uint32_t	have;

	quiet = has && st == SS_WAIT && !was && our_serial(s, &have) == 0 &&
	    !serial_gt(serial, have);
	secondary_notify(s, has, serial);
	if (quiet) {
		if (s->notified || s->next_at != next)
			abort();
		return;
	}
	if (!s->notified || s->state != st)
		abort();
	if (st == SS_WAIT && s->next_at != (has ? 1 :
	    s->last_refresh + NOTIFY_GAP_MS))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mirror		 m;
	struct secondary	*s;
	const uint8_t		*p = data, *e = data + size;
	uint8_t			*msg;
	uint64_t		 d;
	uint32_t		 v;
	size_t			 len;
	unsigned		 op;

	if (ufd == -1)
		setup();
	fake_now = 1000000;
	fake_wall = 1700000000;
	peerlen = 0;
	nqueries = 0;
	memset(&m, 0, sizeof(m));
	m.name = "example";
	m.origin = origin;
	zstore_init(&m.store, 0);
	put_soa(&m, 100);
	m.loaded = 1;
	if ((s = secondary_new("example", origin, &m, NULL)) == NULL)
		abort();
	secondary_setconf(s, NULL, &zc);
	pump(s);
	while (p < e) {
		op = *p++;
		switch (op & 3) {
		case 0:
			v = 0;
			if ((op & 4) && e - p >= 4) {
				v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
				    (uint32_t)p[2] << 8 | p[3];
				p += 4;
			}
			notify(s, (op & 4) != 0, v);
			pump(s);
			break;
		case 1:
			if (e - p < 2)
				goto out;
			len = (size_t)p[0] << 8 | p[1];
			p += 2;
			if (len > (size_t)(e - p))
				len = (size_t)(e - p);
			if ((msg = malloc(len > 0 ? len : 1)) == NULL)
				abort();
			memcpy(msg, p, len);
			p += len;
			answer(s, msg, len, (op & 4) != 0);
			free(msg);
			break;
		case 2:
			d = secondary_deadline(s);
			if (d > fake_now)
				fake_now = d;
			fake_wall = 1700000000 + (time_t)(fake_now / 1000);
			pump(s);
			break;
		case 3:
			if (e - p < 4)
				goto out;
			put_soa(&m, (uint32_t)p[0] << 24 |
			    (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
			p += 4;
			pump(s);
			break;
		}
	}
 out:
	secondary_stop(s);
	secondary_free(s);
	zstore_free(&m.store);
	read_queries();
	drop_connections();
	return 0;
}
