/*
 * fuzz_serve.c: libFuzzer harness for the dispatch of DNS messages
 * (serve.c) with its EDNS and TSIG glue, the zones' answers and the
 * UPDATE path behind it, as the listeners (listen.c and listen_tcp.c,
 * included here for their TCP connections) hand messages over.
 *
 * The daemon runs with a fixed configuration (tests/fuzz/fakes.h for
 * the clocks and Route 53): keys of four algorithms, zone "example"
 * open to UPDATEs signed with them and grants for one, zone
 * "sub.example" open to UPDATEs from loopback, with wait-insync and a
 * queue limit of 2, and zone "sec.example", a secondary that takes
 * NOTIFYs signed with "acme"; its primary is a UDP socket of the
 * harness that reads the SOA queries and never answers.  Every input
 * starts from freshly loaded zones.
 *
 * Input: one mode octet, then the message.
 *   bit 0	over TCP (a connection of listen_tcp.c on a socket pair), else
 *		UDP (a datagram socket pair)
 *   bits 1-2	sign it: not, with "ddns-key", with "acme", with a key
 *		not configured (BADKEY)
 *   bit 3	signed 1000 s in the past (BADTIME)
 *   bit 4	send it twice (retransmission, replay)
 *   bits 5-6	how Route 53 ends change batches: accepted, refused as an
 *		InvalidChangeBatch naming a name, a failure, unknown
 *   bit 7	run the zones (batches out and back) between the copies
 *
 * Invariants: every answer parses as a DNS message; it is a response of
 * the request's opcode and ID; when the request's question parsed, the
 * answer's is the same; over UDP it fits what the request allows; a
 * request gets at most one answer per copy, and a message shorter than
 * a header or with QR set gets none; once the zones have run, every
 * UPDATE has been answered or forgotten (no TCP request outstanding).
 * A NOTIFY (RFC 1996) gets exactly one answer per copy, at once; it is
 * NOERROR, with AA, exactly when it is well formed, for sec.example
 * IN SOA, and signed in time with "acme"; every query the secondary
 * sends its primary is an SOA query for sec.example.
 */
/* First: it defines _GNU_SOURCE. */
#include "../../listen.c"
#include "../../listen_tcp.c"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/tsig.h"
#include "rig.h"
#include "serve.h"
#include "zone.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	conftext_fmt[] =
	"key \"ddns-key\" { algorithm hmac-sha256;\n"
	"  secret \"dt3VXTwDhGcTRyOzTceHkquGopBDj00mpd3SO955CqA=\"; };\n"
	"key \"acme\" { algorithm hmac-sha512; secret \"XOf498Ff7dYcY1tOioJV"
	"ajjl2n4NLATC6D+pIb3Pl0J0FU1bSyfZb9HSiqY8ybNM+5RDgh6OqFwVhRd65fFP0g=="
	"\"; };\n"
	"key \"old\" { algorithm hmac-md5; secret \"S8J+DZxwyhjNb2Rvu8qk1w==\";"
	" };\n"
	"key \"short\" { algorithm hmac-sha1-80; secret \"c2hhMXNlY3JldA==\"; };\n"
	"aws { imds no; };\n"
	"zone \"example\" {\n"
	"  allow-update { key \"ddns-key\"; key \"acme\"; key \"old\";"
	" key \"short\"; };\n"
	"  grant \"acme\" subdomain \"_acme-challenge.example\" TXT;\n"
	"  allow-query { any; };\n"
	"};\n"
	"zone \"sub.example\" {\n"
	"  allow-update { 127.0.0.1; };\n"
	"  wait-insync yes;\n"
	"  queue-limit 2;\n"
	"};\n"
	"zone \"sec.example\" {\n"
	"  primaries { 127.0.0.1 port %u; };\n"
	"  allow-notify { key \"acme\"; };\n"
	"};\n";

#define RRSET(n, t, v)	"<ResourceRecordSet><Name>" n "</Name><Type>" t \
	"</Type><TTL>300</TTL><ResourceRecords>" v "</ResourceRecords>" \
	"</ResourceRecordSet>"
#define RR(v)		"<ResourceRecord><Value>" v "</Value></ResourceRecord>"

static const char	listing[] =
	"<ListResourceRecordSetsResponse xmlns=\"https://route53.amazonaws.com"
	"/doc/2013-04-01/\"><ResourceRecordSets>"
	RRSET("example.", "NS", RR("ns1.example.") RR("ns2.example."))
	RRSET("example.", "SOA", RR("ns1.example. hostmaster.example. 7 7200 "
	    "900 1209600 300"))
	RRSET("example.", "MX", RR("10 mail.example."))
	RRSET("example.", "TXT", RR("&quot;v=spf1 -all&quot;"))
	RRSET("\\052.example.", "A", RR("192.0.2.42"))
	RRSET("_acme-challenge.example.", "TXT", RR("&quot;old&quot;"))
	RRSET("alias.example.", "A", "")
	RRSET("mail.example.", "A", RR("192.0.2.25"))
	RRSET("mail.example.", "AAAA", RR("2001:db8::25"))
	RRSET("ns1.example.", "A", RR("192.0.2.1"))
	RRSET("sub.example.", "NS", RR("ns1.example."))
	RRSET("sub.example.", "SOA", RR("ns1.example. h.example. 1 2 3 4 5"))
	RRSET("sec.example.", "NS", RR("ns1.example."))
	RRSET("sec.example.", "SOA", RR("ns1.example. h.example. 9 60 60 "
	    "600 60"))
	RRSET("www.example.", "CNAME", RR("mail.example."))
	RRSET("x.y.example.", "SRV", RR("1 2 3 mail.example."))
	"</ResourceRecordSets><IsTruncated>false</IsTruncated>"
	"<MaxItems>300</MaxItems></ListResourceRecordSetsResponse>";

static struct conf	*cf;
static int		 pfd = -1;		/* sec.example's primary */
static int		 mode;
static uint8_t		 ans[LISTEN_UDP_MAX + 2];
static int		 last_rcode, last_aa;	/* of the last answer */
static size_t		 signed_at;	/* where sign() put a TSIG, or 0 */

/* Bits 5-6 of the mode: how Route 53 ends change batches. */
static const enum rig_end	ends[4] = {
	RIG_ACCEPTED, RIG_INVALID, RIG_FAILURE, RIG_UNKNOWN
};

static void
setup(void)
{
	struct sockaddr_in	sin;
	socklen_t		sinlen = sizeof(sin);
	char			text[sizeof(conftext_fmt) + 16];
	int			n;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((pfd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) == -1 ||
	    bind(pfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(pfd, (struct sockaddr *)&sin, &sinlen) == -1)
		abort();
	n = snprintf(text, sizeof(text), conftext_fmt,
	    (unsigned)ntohs(sin.sin_port));
	if (n < 0 || (size_t)n >= sizeof(text))
		abort();
	cf = rig_setup(text, (size_t)n);
	listen_cb = serve_request;
}

/* Route 53's answers to change batches, as the mode says. */
static void
on_change(const char *comment, const struct r53_change *c, size_t n,
    const char *xml, size_t len, struct fake_answer *a)
{
	(void)comment;
	(void)xml;
	(void)len;
	rig_answer(ends[mode >> 5 & 3], c[n - 1].name, c[n - 1].type,
	    a);
}


static void
count_held(void *arg, const struct zone_figures *f)
{
	*(size_t *)arg += f->updates + f->queued;
}

/*
 * Step the zones and Route 53, a second passing each round, until no
 * UPDATE is held and no TCP request is outstanding, at most for rounds.
 */
static void
run_zones(int rounds, const struct tconn *c)
{
	size_t	held;
	int	i;

	for (i = 0; i < rounds; i++) {
		zones_timer(fake_now);
		(void)fake_r53_run();
		fake_now += 1000;
		held = 0;
		zones_each(count_held, &held);
		if (held == 0 && r53_pending(NULL) == 0 &&
		    (c == NULL || c->fd == -1 || c->pending == 0))
			break;
	}
}

static void
check_answer(const uint8_t *req, size_t reqlen, const struct dns_msg *rq,
    int rqok, const uint8_t *a, size_t alen, int tcp)
{
	struct dns_msg	m;

	if (dns_msg_parse(&m, a, alen) != DNS_PARSE_OK)
		abort();
	if (reqlen < DNS_HDR_LEN || memcmp(a, req, 2) != 0 ||
	    !(a[2] & 0x80) || (a[2] & 0x78) != (req[2] & 0x78))
		abort();
	if (rqok && rq->count[DNS_SEC_QD] == 1 && rq->has_q &&
	    (!m.has_q || m.count[DNS_SEC_QD] != 1 ||
	    !name_equal(m.qname, rq->qname) || m.qtype != rq->qtype ||
	    m.qclass != rq->qclass))
		abort();
	if (!tcp && alen > dns_msg_udp_max(rq))
		abort();
	last_rcode = m.rcode;
	last_aa = (a[2] & 0x04) != 0;
}

/* The queries sent to sec.example's primary: SOA queries for it. */
static void
primary_queries(void)
{
	static const uint8_t	 sec[] = "\003sec\007example";
	struct dns_msg		 q;
	uint8_t			 buf[1024];
	ssize_t			 n;

	while ((n = recv(pfd, buf, sizeof(buf), 0)) != -1 || errno == EINTR) {
		if (n == -1)
			continue;
		if (dns_msg_parse(&q, buf, (size_t)n) != DNS_PARSE_OK ||
		    (q.flags & 0x8000) || q.opcode != DNS_OP_QUERY ||
		    !q.has_q || !name_equal(q.qname, sec) ||
		    q.qtype != DNS_T_SOA)
			abort();
	}
}

/*
 * Whether a NOTIFY is to be taken: well formed, one question, sec.example
 * IN SOA, signed in time with "acme" (the TSIG the message ends with is
 * the one sign() added: an input's counts may make it read otherwise).
 */
static int
notify_ok(const uint8_t *req, size_t reqlen)
{
	static const uint8_t	sec[] = "\003sec\007example";
	struct dns_msg		m;

	return dns_msg_parse(&m, req, reqlen) == DNS_PARSE_OK &&
	    (!m.opt.present || m.opt.version == 0) && m.has_tsig &&
	    signed_at != 0 && m.tsig_off == signed_at &&
	    (mode >> 1 & 3) == 2 && !(mode & 8) &&
	    m.count[DNS_SEC_QD] == 1 && m.has_q &&
	    name_equal(m.qname, sec) && m.qtype == DNS_T_SOA &&
	    m.qclass == DNS_C_IN;
}

/* Take every answer waiting; returns how many. */
static int
answers(const uint8_t *req, size_t reqlen, int tfd)
{
	struct dns_msg	 rq;
	ssize_t		 n;
	size_t		 have = 0, len;
	int		 count = 0, rqok;

	rqok = dns_msg_parse(&rq, req, reqlen) == DNS_PARSE_OK;
	if (tfd == -1) {
		while ((n = recv(rig_udpfd[1], ans, sizeof(ans), 0)) >= 0) {
			check_answer(req, reqlen, &rq, rqok, ans, (size_t)n, 0);
			count++;
		}
		return count;
	}
	while ((n = read(tfd, ans + have, sizeof(ans) - have)) > 0)
		have += (size_t)n;
	while (have >= 2) {
		len = (size_t)ans[0] << 8 | ans[1];
		if (have - 2 < len)
			abort();	/* answers are written whole */
		check_answer(req, reqlen, &rq, rqok, ans + 2, len, 1);
		count++;
		memmove(ans, ans + 2 + len, have - 2 - len);
		have -= 2 + len;
	}
	if (have != 0)
		abort();
	return count;
}

/* Sign msg as a client would, per the mode; returns its new length. */
static size_t
sign(uint8_t *msg, size_t len, size_t cap)
{
	static const char *const names[] = { NULL, "ddns-key", "acme",
	    "nobody" };
	const struct conf_key	*ck;
	struct tsig_key		 k;
	uint8_t			 wname[DNS_NAME_MAX], mac[TSIG_MAC_MAX];
	size_t			 outlen, maclen;
	int			 which = mode >> 1 & 3;

	signed_at = 0;
	if (which == 0 || len < DNS_HDR_LEN)
		return len;
	if (name_from_text(names[which], wname, NULL) == -1)
		abort();
	ck = conf_key_find(cf, which == 3 ? "ddns-key" : names[which]);
	if (ck == NULL || tsig_key_init(&k, wname, ck->alg, ck->secret,
	    ck->secretlen, 0) == -1)
		abort();
	if (tsig_sign_request(&k, msg, len, cap, &outlen,
	    fake_wall - (mode & 8 ? 1000 : 0), mac, &maclen) == -1)
		outlen = len;
	else
		signed_at = len;
	tsig_key_wipe(&k);
	return outlen;
}

/* One copy of the message: a datagram, or a frame on connection c. */
static int
deliver(const uint8_t *msg, size_t len, struct tconn *c, int peer)
{
	struct client	 cl;
	uint8_t		 pfx[2];

	if (c == NULL) {
		rig_udp(&cl);
		serve_request(&cl, msg, len, NULL);
		return answers(msg, len, -1);
	}
	pfx[0] = (uint8_t)(len >> 8);
	pfx[1] = (uint8_t)len;
	if (write(peer, pfx, 2) != 2 || write(peer, msg, len) != (ssize_t)len)
		abort();
	if (c->fd != -1)
		tcp_io(c, c->fd, POLLIN);
	return answers(msg, len, peer);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client	 cl;
	struct tconn	*c = NULL;
	uint8_t		*msg;
	size_t		 len, cap = DNS_MSG_MAX;
	int		 sp[2] = { -1, -1 }, n, copies, i;

	if (cf == NULL)
		setup();
	if (size < 1 || size - 1 > DNS_MSG_MAX - 1024)
		return 0;
	mode = data[0];
	rig_load(cf, listing, on_change);
	if ((msg = malloc(cap)) == NULL)
		abort();
	memcpy(msg, data + 1, size - 1);
	len = sign(msg, size - 1, cap);
	if (mode & 1) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1 ||
		    nonblock(sp[0]) == -1 || nonblock(sp[1]) == -1)
			abort();
		rig_tcp(&cl);
		if (listen_tcp_add(sp[0], &cl) == -1)
			abort();
		for (i = 0; i < nslots; i++)
			if (conns[i].fd == sp[0])
				c = &conns[i];
	}
	copies = mode & 16 ? 2 : 1;
	for (i = 0; i < copies; i++) {
		n = deliver(msg, len, c, sp[1]);
		if (n > 1 || (n > 0 && (len < DNS_HDR_LEN || (msg[2] & 0x80))))
			abort();
		if (len >= DNS_HDR_LEN && !(msg[2] & 0x80) &&
		    (msg[2] >> 3 & 15) == DNS_OP_NOTIFY) {
			if (n != 1)
				abort();
			if ((last_rcode == DNS_R_NOERROR) !=
			    notify_ok(msg, len) ||
			    (last_rcode == DNS_R_NOERROR && !last_aa))
				abort();
		}
		if (c != NULL && c->fd == -1)
			break;
		if (mode & 128) {
			run_zones(10, c);
			n = answers(msg, len, c != NULL ? sp[1] : -1);
			if (n > 1)
				abort();
		}
	}
	/* update-timeout (60 s) ends every UPDATE. */
	run_zones(100, c);
	if (c != NULL && c->fd != -1 && c->pending != 0)
		abort();
	rig_end();
	primary_queries();
	(void)answers(msg, len, c != NULL ? sp[1] : -1);
	if (c != NULL && c->fd != -1)
		tcp_close(c);
	if (sp[1] != -1)
		close(sp[1]);
	free(msg);
	return 0;
}
