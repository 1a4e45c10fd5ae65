/*
 * t_xfr.c: dns/xfr (zone transfer requests and the streaming parser of
 * their answers) and dns/serial.  Streams are built here with the
 * message writer (names compressed), cut into messages at every
 * possible place, optionally TSIG-signed as a server signs them
 * (tsig_stream_sign()), and fed to the parser; every test compares the
 * exact sequence of sink calls, recorded as text.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/serial.h"
#include "dns/tsig.h"
#include "dns/xfr.h"

#define NOW	((time_t)1700000000)
#define ID	0x4242
#define MAXMSG	64
#define MSGCAP	4096

static const uint8_t	origin[] = "\007example";

/* ---- recording sink ---- */

static char	rec[65536];
static size_t	reclen;
static int	stop_at;	/* return -1 from the nth call (1-based) */
static int	ncalls;

static int
out(const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(rec + reclen, sizeof(rec) - reclen, fmt, ap);
	va_end(ap);
	cr_assert(n > 0 && (size_t)n < sizeof(rec) - reclen);
	reclen += (size_t)n;
	return ++ncalls == stop_at ? -1 : 0;
}

static int
out_rr(const char *what, const struct xfr_rr *rr)
{
	char	owner[DNS_NAME_TEXTMAX], type[RRTYPE_TEXTMAX], rd[4096];

	cr_assert_eq(rr->class, DNS_C_IN);
	cr_assert_eq(name_len(rr->owner, rr->owner_len), rr->owner_len);
	cr_assert_eq(name_to_text(rr->owner, owner, sizeof(owner)), 0);
	cr_assert(rdata_to_r53(rr->type, rr->rdata, rr->rdlen, rd,
	    sizeof(rd)) >= 0);
	return out("%s %s %u %s %s\n", what, owner, rr->ttl,
	    rrtype_to_text(rr->type, type), rd);
}

static int
s_axfr_begin(void *arg, uint32_t serial)
{
	(void)arg;
	return out("axfr_begin %u\n", serial);
}

static int
s_axfr_rr(void *arg, const struct xfr_rr *rr)
{
	(void)arg;
	return out_rr("rr", rr);
}

static int
s_axfr_end(void *arg, uint32_t serial)
{
	(void)arg;
	return out("axfr_end %u\n", serial);
}

static int
s_diff_begin(void *arg, uint32_t from)
{
	(void)arg;
	return out("diff_begin %u\n", from);
}

static int
s_diff_del(void *arg, const struct xfr_rr *rr)
{
	(void)arg;
	return out_rr("del", rr);
}

static int
s_diff_add(void *arg, const struct xfr_rr *rr)
{
	(void)arg;
	return out_rr("add", rr);
}

static int
s_diff_end(void *arg, uint32_t to)
{
	(void)arg;
	return out("diff_end %u\n", to);
}

static int
s_commit(void *arg, uint32_t to)
{
	(void)arg;
	return out("commit %u\n", to);
}

static int
s_uptodate(void *arg, uint32_t serial)
{
	(void)arg;
	return out("uptodate %u\n", serial);
}

static const struct xfr_sink sink = {
	s_axfr_begin, s_axfr_rr, s_axfr_end, s_diff_begin, s_diff_del,
	s_diff_add, s_diff_end, s_commit, s_uptodate
};

static void
rec_reset(void)
{
	reclen = 0;
	rec[0] = '\0';
	ncalls = 0;
	stop_at = 0;
}

/* ---- building answers ---- */

static uint8_t	msg[MAXMSG][MSGCAP];
static size_t	mlen[MAXMSG];
static int	nmsg;

/*
 * One RR from "owner ttl [class] type rdata...": owner "@" is the
 * origin, a name ending with a dot is absolute, others are relative;
 * RDATA in Route 53 text.
 */
static void
parse_rr(const char *spec, uint8_t *owner, uint16_t *class, uint16_t *type,
    uint32_t *ttl, uint8_t *rd, size_t *rdlen)
{
	char		 o[300], t[32], c[32], name[600];
	const char	*p;
	int		 n;

	cr_assert_eq(sscanf(spec, "%299s %u %31s %n", o, ttl, t, &n), 3,
	    "%s", spec);
	p = spec + n;
	*class = DNS_C_IN;
	if (rrtype_class_from_text(t, class) == 0) {
		cr_assert_eq(sscanf(p, "%31s %n", c, &n), 1);
		p += n;
		memcpy(t, c, sizeof(t));
	}
	cr_assert_eq(rrtype_from_text(t, type), 0, "%s", spec);
	if (strcmp(o, "@") == 0)
		snprintf(name, sizeof(name), "example.");
	else if (o[strlen(o) - 1] == '.')
		snprintf(name, sizeof(name), "%s", o);
	else
		snprintf(name, sizeof(name), "%s.example.", o);
	cr_assert_eq(name_from_text(name, owner, NULL), 0, "%s", spec);
	cr_assert_eq(rdata_from_r53(*type, p, strlen(p), rd, RDATA_MAX,
	    rdlen), 0, "%s", spec);
}

/* Start a response message: QR, AA, the question unless noq. */
static void
msg_begin(struct dns_wmsg *w, uint8_t *buf, uint16_t id, uint16_t flags,
    uint16_t qtype, int noq)
{
	cr_assert_eq(dns_wmsg_init(w, buf, MSGCAP, id,
	    DNS_F_QR | DNS_F_AA | flags), 0);
	cr_assert_eq(dns_wmsg_reserve(w, TSIG_RR_MAX), 0);
	if (!noq)
		cr_assert_eq(dns_wmsg_question(w, origin, qtype, DNS_C_IN),
		    0);
}

static void
msg_rr(struct dns_wmsg *w, const char *spec)
{
	static uint8_t	rd[RDATA_MAX];
	uint8_t		owner[DNS_NAME_MAX];
	uint16_t	class, type;
	uint32_t	ttl;
	size_t		rdlen;

	parse_rr(spec, owner, &class, &type, &ttl, rd, &rdlen);
	cr_assert_eq(dns_wmsg_rr(w, DNS_SEC_AN, owner, type, class, ttl, rd,
	    (uint16_t)rdlen), DNS_W_OK, "%s", spec);
}

/*
 * Cut rrs[0, n) into messages: a new message starts before rrs[i] when
 * cut[i] is set (cut may be NULL: one message).  Messages after the
 * first carry the question only when their index is even (RFC 5936
 * 2.2.1 allows both).
 */
static void
build(const char *const *rrs, size_t n, const int *cut, uint16_t qtype)
{
	struct dns_wmsg	w;
	size_t		i;

	nmsg = 0;
	for (i = 0; i < n || i == 0; i++) {
		if (i == 0 || (cut != NULL && cut[i])) {
			if (nmsg > 0)
				cr_assert_eq(dns_wmsg_finish(&w,
				    &mlen[nmsg - 1]), 0);
			cr_assert(nmsg < MAXMSG);
			msg_begin(&w, msg[nmsg], ID, 0, qtype,
			    nmsg > 0 && nmsg % 2 == 1);
			nmsg++;
		}
		if (i < n)
			msg_rr(&w, rrs[i]);
	}
	cr_assert_eq(dns_wmsg_finish(&w, &mlen[nmsg - 1]), 0);
}

/* Message i of the given RRs, with header flags and rcode. */
static void
build_at(int i, const char *const *rrs, size_t n, uint16_t id,
    uint16_t flags, uint16_t rcode, uint16_t qtype)
{
	struct dns_wmsg	w;
	size_t		k;

	msg_begin(&w, msg[i], id, flags, qtype, 0);
	for (k = 0; k < n; k++)
		msg_rr(&w, rrs[k]);
	dns_wmsg_rcode(&w, rcode);
	cr_assert_eq(dns_wmsg_finish(&w, &mlen[i]), 0);
}

static void
build_one(const char *const *rrs, size_t n, uint16_t id, uint16_t flags,
    uint16_t rcode, uint16_t qtype)
{
	build_at(0, rrs, n, id, flags, rcode, qtype);
	nmsg = 1;
}

/* ---- TSIG ---- */

static struct tsig_key	key;
static uint8_t		reqmac[TSIG_MAC_MAX];
static size_t		reqmaclen;

static void
tsig_setup(void)
{
	static const uint8_t	secret[32] = "transfer key secret, 32 octets!";
	uint8_t			name[DNS_NAME_MAX], q[512];
	size_t			len, outlen;

	cr_assert_eq(name_from_text("xfr-key.", name, NULL), 0);
	cr_assert_eq(tsig_key_init(&key, name, TSIG_HMAC_SHA256, secret,
	    sizeof(secret), 0), 0);
	cr_assert_eq(xfr_query(q, sizeof(q), tsig_key_space(&key), origin,
	    DNS_T_IXFR, ID, (const uint8_t *)"\0\0\0\0\0\0\1\0\0\0\0\0\0\0\0"
	    "\0\0\0\0\0\0\0", 22, &len), 0);
	cr_assert_eq(tsig_sign_request(&key, q, len, sizeof(q), &outlen, NOW,
	    reqmac, &reqmaclen), 0);
}

/* Sign the built messages as a server does: pattern S or U each. */
static void
sign(const char *pattern)
{
	struct tsig_stream	tx;
	int			i;

	cr_assert_eq((int)strlen(pattern), nmsg);
	tsig_stream_init(&tx, &key, reqmac, reqmaclen);
	for (i = 0; i < nmsg; i++)
		cr_assert_eq(tsig_stream_sign(&tx, msg[i], mlen[i], MSGCAP,
		    &mlen[i], pattern[i] == 'S', NOW), 0);
	tsig_stream_wipe(&tx);
}

/* ---- feeding ---- */

static struct xfr	x;

/*
 * Feed every built message; returns the last result, or the first
 * XFR_ERR.  Every message before the last must give XFR_MORE.
 */
static int
feed(void)
{
	int	i, rc = XFR_MORE;

	for (i = 0; i < nmsg; i++) {
		rc = xfr_feed(&x, msg[i], mlen[i], NOW, &sink, NULL);
		if (rc == XFR_ERR)
			return rc;
		if (i + 1 < nmsg)
			cr_assert_eq(rc, XFR_MORE, "message %d of %d", i,
			    nmsg);
	}
	return rc;
}

static int
run(uint16_t qtype, uint32_t serial, const struct xfr_limits *lim)
{
	rec_reset();
	cr_assert_eq(xfr_init(&x, origin, qtype, serial, ID, NULL, lim), 0);
	return feed();
}

static int
run_tsig(uint16_t qtype, uint32_t serial, struct tsig_stream *rx)
{
	rec_reset();
	tsig_stream_init(rx, &key, reqmac, reqmaclen);
	cr_assert_eq(xfr_init(&x, origin, qtype, serial, ID, rx, NULL), 0);
	return feed();
}

#define ASSERT_REC(want)						\
	cr_assert_str_eq(rec, want, "\ngot:\n%s\nwant:\n%s", rec, want)

/* ---- the zone and its history ---- */

#define SOA(n)	"@ 3600 SOA ns.example. host.example. " #n " 3600 600 86400 300"
#define SOATXT(n) "example. 3600 SOA ns.example. host.example. " #n \
		" 3600 600 86400 300"

static const char *const zone[] = {
	SOA(1),
	"@ 3600 NS ns.example.",
	"@ 3600 MX 10 mail.example.",
	"ns 3600 A 192.0.2.53",
	"www 300 A 192.0.2.1",
	"www 300 AAAA 2001:db8::1",
	"mail 300 A 192.0.2.25",
	"txt 60 TXT \"hello\" \"world\"",
	"alias 300 CNAME www.example.",
	SOA(1),
};
#define NZONE	(sizeof(zone) / sizeof(zone[0]))

static const char zone_rec[] =
	"axfr_begin 1\n"
	"rr " SOATXT(1) "\n"
	"rr example. 3600 NS ns.example.\n"
	"rr example. 3600 MX 10 mail.example.\n"
	"rr ns.example. 3600 A 192.0.2.53\n"
	"rr www.example. 300 A 192.0.2.1\n"
	"rr www.example. 300 AAAA 2001:db8::1\n"
	"rr mail.example. 300 A 192.0.2.25\n"
	"rr txt.example. 60 TXT \"hello\" \"world\"\n"
	"rr alias.example. 300 CNAME www.example.\n"
	"axfr_end 1\n";

/* One sequence, 1 -> 2. */
static const char *const ixfr1[] = {
	SOA(2),
	SOA(1),
	"www 300 A 192.0.2.1",
	SOA(2),
	"www 300 A 192.0.2.2",
	"new 300 A 192.0.2.3",
	SOA(2),
};

static const char ixfr1_rec[] =
	"diff_begin 1\n"
	"del " SOATXT(1) "\n"
	"del www.example. 300 A 192.0.2.1\n"
	"add " SOATXT(2) "\n"
	"add www.example. 300 A 192.0.2.2\n"
	"add new.example. 300 A 192.0.2.3\n"
	"diff_end 2\n"
	"commit 2\n";

/*
 * Three sequences, 1 -> 2 -> 3 -> 4, as a server with a journal sends
 * them (not condensed: www changes twice, back and forth, and txt is
 * deleted and added back).
 */
static const char *const ixfr3[] = {
	SOA(4),
	SOA(1),
	"www 300 A 192.0.2.1",
	SOA(2),
	"www 300 A 192.0.2.2",
	SOA(2),
	"www 300 A 192.0.2.2",
	"txt 60 TXT \"hello\" \"world\"",
	SOA(3),
	"www 300 A 192.0.2.1",
	SOA(3),
	"mail 300 A 192.0.2.25",
	SOA(4),
	"txt 60 TXT \"hello\" \"world\"",
	"mail 600 A 192.0.2.26",
	SOA(4),
};

static const char ixfr3_rec[] =
	"diff_begin 1\n"
	"del " SOATXT(1) "\n"
	"del www.example. 300 A 192.0.2.1\n"
	"add " SOATXT(2) "\n"
	"add www.example. 300 A 192.0.2.2\n"
	"diff_end 2\n"
	"commit 2\n"
	"diff_begin 2\n"
	"del " SOATXT(2) "\n"
	"del www.example. 300 A 192.0.2.2\n"
	"del txt.example. 60 TXT \"hello\" \"world\"\n"
	"add " SOATXT(3) "\n"
	"add www.example. 300 A 192.0.2.1\n"
	"diff_end 3\n"
	"commit 3\n"
	"diff_begin 3\n"
	"del " SOATXT(3) "\n"
	"del mail.example. 300 A 192.0.2.25\n"
	"add " SOATXT(4) "\n"
	"add txt.example. 60 TXT \"hello\" \"world\"\n"
	"add mail.example. 600 A 192.0.2.26\n"
	"diff_end 4\n"
	"commit 4\n";

/*
 * The same history condensed: no RR both deleted and added, empty
 * parts allowed (the second sequence adds nothing but its SOA).
 */
static const char *const ixfr3c[] = {
	SOA(4),
	SOA(1),
	SOA(2),
	"extra 300 A 192.0.2.9",
	SOA(2),
	"txt 60 TXT \"hello\" \"world\"",
	"extra 300 A 192.0.2.9",
	SOA(3),
	SOA(3),
	"mail 300 A 192.0.2.25",
	SOA(4),
	"mail 600 A 192.0.2.26",
	SOA(4),
};

static const char ixfr3c_rec[] =
	"diff_begin 1\n"
	"del " SOATXT(1) "\n"
	"add " SOATXT(2) "\n"
	"add extra.example. 300 A 192.0.2.9\n"
	"diff_end 2\n"
	"commit 2\n"
	"diff_begin 2\n"
	"del " SOATXT(2) "\n"
	"del txt.example. 60 TXT \"hello\" \"world\"\n"
	"del extra.example. 300 A 192.0.2.9\n"
	"add " SOATXT(3) "\n"
	"diff_end 3\n"
	"commit 3\n"
	"diff_begin 3\n"
	"del " SOATXT(3) "\n"
	"del mail.example. 300 A 192.0.2.25\n"
	"add " SOATXT(4) "\n"
	"add mail.example. 600 A 192.0.2.26\n"
	"diff_end 4\n"
	"commit 4\n";

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Feed rrs cut in every way into two and three messages and into one
 * message per RR; each time the sink must hear want.
 */
static void
every_cut(const char *const *rrs, size_t n, uint16_t qtype, uint32_t serial,
    const char *want)
{
	int	cut[64];
	size_t	i, j;

	cr_assert(n < 64);
	build(rrs, n, NULL, qtype);
	cr_assert_eq(run(qtype, serial, NULL), XFR_DONE);
	ASSERT_REC(want);
	for (i = 1; i < n; i++) {
		for (j = i; j < n; j++) {
			memset(cut, 0, sizeof(cut));
			cut[i] = cut[j] = 1;
			build(rrs, n, cut, qtype);
			cr_assert_eq(run(qtype, serial, NULL), XFR_DONE,
			    "cut at %zu and %zu: %s", i, j,
			    xfr_strerror(x.error));
			cr_assert_str_eq(rec, want, "cut at %zu, %zu:\n%s", i,
			    j, rec);
			cr_assert_eq(x.nmsgs, (size_t)nmsg);
		}
	}
	for (i = 0; i < n; i++)
		cut[i] = 1;
	build(rrs, n, cut, qtype);
	cr_assert_eq(run(qtype, serial, NULL), XFR_DONE);
	ASSERT_REC(want);
	cr_assert_eq(x.nrrs, n);
	/* Nothing may follow the end. */
	cr_assert_eq(xfr_feed(&x, msg[0], mlen[0], NOW, &sink, NULL), XFR_ERR);
	cr_assert_eq(x.error, XFR_E_TRAILING);
	ASSERT_REC(want);
	cr_assert_eq(xfr_eof(&x), XFR_ERR);
}

/* ---- serials ---- */

Test(serial, rfc1982)
{
	cr_assert_eq(serial_cmp(1, 1), SERIAL_EQ);
	cr_assert_eq(serial_cmp(2, 1), SERIAL_GT);
	cr_assert_eq(serial_cmp(1, 2), SERIAL_LT);
	cr_assert_eq(serial_cmp(0, 0xffffffffU), SERIAL_GT);
	cr_assert_eq(serial_cmp(0x7fffffffU, 0), SERIAL_GT);
	cr_assert_eq(serial_cmp(0x80000000U, 0), SERIAL_UNDEF);
	cr_assert_eq(serial_cmp(0, 0x80000000U), SERIAL_UNDEF);
	cr_assert_eq(serial_cmp(0x80000001U, 0), SERIAL_LT);
	cr_assert(serial_gt(5, 0xfffffff0U));
	cr_assert_not(serial_gt(0x80000000U, 0));
	cr_assert_not(serial_gt(0, 0x80000000U));
	cr_assert_not(serial_gt(7, 7));
}

/* ---- AXFR ---- */

Test(xfr, axfr_one_message)
{
	build(zone, NZONE, NULL, DNS_T_AXFR);
	cr_assert_eq(nmsg, 1);
	cr_assert_eq(run(DNS_T_AXFR, 0, NULL), XFR_DONE);
	ASSERT_REC(zone_rec);
	cr_assert_eq(x.nrrs, NZONE);
	cr_assert_eq(x.nbytes, mlen[0]);
	cr_assert_eq(x.error, XFR_E_NONE);
	cr_assert_eq(xfr_eof(&x), XFR_DONE);
}

Test(xfr, axfr_every_cut)
{
	every_cut(zone, NZONE, DNS_T_AXFR, 0, zone_rec);
}

/* An RR of a type the parser has no layout for passes as opaque data. */
Test(xfr, axfr_unknown_type)
{
	static const char *const rrs[] = {
		SOA(7), "x 300 TYPE65280 \\# 3 010203", SOA(7)
	};

	build(rrs, N(rrs), NULL, DNS_T_AXFR);
	cr_assert_eq(run(DNS_T_AXFR, 0, NULL), XFR_DONE);
	ASSERT_REC("axfr_begin 7\nrr " SOATXT(7) "\n"
	    "rr x.example. 300 TYPE65280 \\# 3 010203\naxfr_end 7\n");
}

/* ---- IXFR ---- */

Test(xfr, ixfr_one_sequence)
{
	every_cut(ixfr1, N(ixfr1), DNS_T_IXFR, 1, ixfr1_rec);
}

Test(xfr, ixfr_three_sequences)
{
	every_cut(ixfr3, N(ixfr3), DNS_T_IXFR, 1, ixfr3_rec);
}

Test(xfr, ixfr_three_sequences_condensed)
{
	every_cut(ixfr3c, N(ixfr3c), DNS_T_IXFR, 1, ixfr3c_rec);
}

/* RFC 1995 4: the server sends the whole zone instead. */
Test(xfr, ixfr_answered_axfr_style)
{
	every_cut(zone, NZONE, DNS_T_IXFR, 0xfffffff0U, zone_rec);
}

Test(xfr, ixfr_up_to_date)
{
	static const char *const rrs[] = { SOA(4) };

	build(rrs, 1, NULL, DNS_T_IXFR);
	cr_assert_eq(run(DNS_T_IXFR, 4, NULL), XFR_DONE);
	ASSERT_REC("uptodate 4\n");
	/* The client is ahead of the server: nothing newer either. */
	cr_assert_eq(run(DNS_T_IXFR, 9, NULL), XFR_DONE);
	ASSERT_REC("uptodate 4\n");
	/* Nothing may follow. */
	cr_assert_eq(xfr_feed(&x, msg[0], mlen[0], NOW, &sink, NULL), XFR_ERR);
	cr_assert_eq(x.error, XFR_E_TRAILING);
	ASSERT_REC("uptodate 4\n");
}

/*
 * A lone newer SOA may be the first of several messages; if nothing
 * follows, the caller learns from xfr_eof() that it should use AXFR.
 */
Test(xfr, ixfr_lone_newer_soa)
{
	static const char *const rrs[] = { SOA(4) };

	build(rrs, 1, NULL, DNS_T_IXFR);
	cr_assert_eq(run(DNS_T_IXFR, 3, NULL), XFR_MORE);
	ASSERT_REC("");
	cr_assert_eq(xfr_eof(&x), XFR_ERR);
	cr_assert_eq(x.error, XFR_E_NEWER);
	cr_assert_eq(xfr_feed(&x, msg[0], mlen[0], NOW, &sink, NULL), XFR_ERR);
	cr_assert_eq(x.error, XFR_E_NEWER, "errors are sticky");
}

/* The serial space wraps (RFC 1982). */
Test(xfr, ixfr_serial_wraps)
{
	static const char *const rrs[] = {
		SOA(1), SOA(4294967295), SOA(0), SOA(0), SOA(1), SOA(1)
	};

	build(rrs, N(rrs), NULL, DNS_T_IXFR);
	cr_assert_eq(run(DNS_T_IXFR, 0xffffffffU, NULL), XFR_DONE);
	ASSERT_REC("diff_begin 4294967295\ndel " SOATXT(4294967295) "\n"
	    "add " SOATXT(0) "\ndiff_end 0\ncommit 0\n"
	    "diff_begin 0\ndel " SOATXT(0) "\nadd " SOATXT(1) "\n"
	    "diff_end 1\ncommit 1\n");
}

/* ---- errors ---- */

/* Build one message of rrs and feed it; expect XFR_ERR with e. */
static void
fails(const char *const *rrs, size_t n, uint16_t qtype, uint32_t serial,
    enum xfr_error e, const char *want)
{
	build(rrs, n, NULL, qtype);
	cr_assert_eq(run(qtype, serial, NULL), XFR_ERR);
	cr_assert_eq(x.error, e, "%s, not %s", xfr_strerror(x.error),
	    xfr_strerror(e));
	ASSERT_REC(want);
	/* Sticky: nothing more is heard. */
	cr_assert_eq(xfr_feed(&x, msg[0], mlen[0], NOW, &sink, NULL), XFR_ERR);
	cr_assert_eq(x.error, e);
	cr_assert_eq(xfr_eof(&x), XFR_ERR);
	cr_assert_eq(x.error, e);
	ASSERT_REC(want);
}

Test(xfr, header_errors)
{
	static const struct {
		uint16_t	id, flags, rcode;
		enum xfr_error	e;
	} c[] = {
		{ ID + 1, 0, 0, XFR_E_ID },
		{ ID, DNS_F_TC, 0, XFR_E_TC },
		{ ID, 0, DNS_R_REFUSED, XFR_E_RCODE },
		{ ID, 0, DNS_R_NOTIMP, XFR_E_RCODE },
		{ ID, 0, DNS_R_FORMERR, XFR_E_RCODE },
		{ ID, DNS_OP_NOTIFY << 11, 0, XFR_E_NOTRESP },
	};
	size_t	i;

	for (i = 0; i < N(c); i++) {
		build_one(zone, NZONE, c[i].id, c[i].flags, c[i].rcode,
		    DNS_T_AXFR);
		cr_assert_eq(run(DNS_T_AXFR, 0, NULL), XFR_ERR);
		cr_assert_eq(x.error, c[i].e, "case %zu: %s", i,
		    xfr_strerror(x.error));
		cr_assert_eq(x.rcode, c[i].rcode);
		ASSERT_REC("");
	}
	/* QR clear. */
	build_one(zone, NZONE, ID, 0, 0, DNS_T_AXFR);
	msg[0][2] &= ~(DNS_F_QR >> 8);
	cr_assert_eq(run(DNS_T_AXFR, 0, NULL), XFR_ERR);
	cr_assert_eq(x.error, XFR_E_NOTRESP);
	ASSERT_REC("");
	/* An error rcode in a later message ends the transfer there. */
	build_at(0, ixfr1, 4, ID, 0, 0, DNS_T_IXFR);
	build_at(1, ixfr1 + 4, 3, ID, 0, DNS_R_SERVFAIL, DNS_T_IXFR);
	nmsg = 2;
	cr_assert_eq(run(DNS_T_IXFR, 1, NULL), XFR_ERR);
	cr_assert_eq(x.error, XFR_E_ABORTED);
	cr_assert_eq(x.rcode, DNS_R_SERVFAIL);
	ASSERT_REC("diff_begin 1\ndel " SOATXT(1) "\n"
	    "del www.example. 300 A 192.0.2.1\nadd " SOATXT(2) "\n");
}

Test(xfr, question_errors)
{
	struct dns_wmsg	 w;
	static const struct {
		const char	*name;
		uint16_t	 type, class;
	} c[] = {
		{ "example.net.", DNS_T_AXFR, DNS_C_IN },
		{ "www.example.", DNS_T_AXFR, DNS_C_IN },
		{ "example.", DNS_T_IXFR, DNS_C_IN },
		{ "example.", DNS_T_AXFR, DNS_C_CH },
	};
	uint8_t	 name[DNS_NAME_MAX];
	size_t	 i;

	for (i = 0; i < N(c); i++) {
		cr_assert_eq(name_from_text(c[i].name, name, NULL), 0);
		cr_assert_eq(dns_wmsg_init(&w, msg[0], MSGCAP, ID,
		    DNS_F_QR), 0);
		cr_assert_eq(dns_wmsg_question(&w, name, c[i].type,
		    c[i].class), 0);
		msg_rr(&w, zone[0]);
		cr_assert_eq(dns_wmsg_finish(&w, &mlen[0]), 0);
		nmsg = 1;
		cr_assert_eq(run(DNS_T_AXFR, 0, NULL), XFR_ERR);
		cr_assert_eq(x.error, XFR_E_QUESTION, "case %zu", i);
		ASSERT_REC("");
	}
	/* Two questions, even the right ones. */
	cr_assert_eq(dns_wmsg_init(&w, msg[0], MSGCAP, ID, DNS_F_QR), 0);
	cr_assert_eq(dns_wmsg_question(&w, origin, DNS_T_AXFR, DNS_C_IN), 0);
	cr_assert_eq(dns_wmsg_question(&w, origin, DNS_T_AXFR, DNS_C_IN), 0);
	msg_rr(&w, zone[0]);
	cr_assert_eq(dns_wmsg_finish(&w, &mlen[0]), 0);
	cr_assert_eq(run(DNS_T_AXFR, 0, NULL), XFR_ERR);
	cr_assert_eq(x.error, XFR_E_QUESTION);
	/* The question in another letter case is the same question. */
	cr_assert_eq(name_from_text("ExAmPlE.", name, NULL), 0);
	cr_assert_eq(dns_wmsg_init(&w, msg[0], MSGCAP, ID, DNS_F_QR), 0);
	cr_assert_eq(dns_wmsg_question(&w, name, DNS_T_AXFR, DNS_C_IN), 0);
	msg_rr(&w, zone[0]);
	cr_assert_eq(dns_wmsg_finish(&w, &mlen[0]), 0);
	cr_assert_eq(run(DNS_T_AXFR, 0, NULL), XFR_MORE);
	/* No question at all, even in the first message. */
	cr_assert_eq(dns_wmsg_init(&w, msg[0], MSGCAP, ID, DNS_F_QR), 0);
	for (i = 0; i < NZONE; i++)
		msg_rr(&w, zone[i]);
	cr_assert_eq(dns_wmsg_finish(&w, &mlen[0]), 0);
	cr_assert_eq(run(DNS_T_AXFR, 0, NULL), XFR_DONE);
	ASSERT_REC(zone_rec);
}

Test(xfr, axfr_missing_closing_soa)
{
	build(zone, NZONE - 1, NULL, DNS_T_AXFR);
	cr_assert_eq(run(DNS_T_AXFR, 0, NULL), XFR_MORE);
	cr_assert_eq(xfr_eof(&x), XFR_ERR);
	cr_assert_eq(x.error, XFR_E_INCOMPLETE);
	cr_assert_str_eq(xfr_strerror(x.error), "transfer incomplete");
	/* Everything but the end was heard. */
	cr_assert_eq(strncmp(rec, zone_rec, reclen), 0);
	cr_assert_eq(strstr(rec, "axfr_end"), NULL);
}

Test(xfr, serial_errors)
{
	static const char *const axfr_bad[] = { SOA(1), "www 1 A 192.0.2.1",
	    SOA(2) };
	static const char *const first_old[] = { SOA(4), SOA(2), SOA(4),
	    SOA(4) };
	static const char *const backwards[] = { SOA(4), SOA(1), SOA(1),
	    SOA(4) };
	static const char *const past_server[] = { SOA(4), SOA(1), SOA(5),
	    SOA(4) };
	static const char *const next_old[] = { SOA(4), SOA(1), SOA(2),
	    SOA(3), SOA(4), SOA(4) };
	static const char *const not_newer[] = { SOA(4), SOA(4), SOA(5),
	    SOA(4) };

	fails(axfr_bad, N(axfr_bad), DNS_T_AXFR, 0, XFR_E_SERIAL,
	    "axfr_begin 1\nrr " SOATXT(1) "\nrr www.example. 1 A 192.0.2.1\n");
	/* IXFR from 1, but the first old SOA is 2. */
	fails(first_old, N(first_old), DNS_T_IXFR, 1, XFR_E_SERIAL, "");
	fails(backwards, N(backwards), DNS_T_IXFR, 1, XFR_E_SERIAL,
	    "diff_begin 1\ndel " SOATXT(1) "\n");
	fails(past_server, N(past_server), DNS_T_IXFR, 1, XFR_E_SERIAL,
	    "diff_begin 1\ndel " SOATXT(1) "\n");
	/* The next sequence must start where the last one ended. */
	fails(next_old, N(next_old), DNS_T_IXFR, 1, XFR_E_SERIAL,
	    "diff_begin 1\ndel " SOATXT(1) "\nadd " SOATXT(2) "\n");
	/* Differences from a serial the server is not ahead of. */
	fails(not_newer, N(not_newer), DNS_T_IXFR, 4, XFR_E_SERIAL, "");
}

Test(xfr, data_after_the_end)
{
	static const char *const axfr[] = { SOA(1), "www 1 A 192.0.2.1",
	    SOA(1), "late 1 A 192.0.2.2" };
	static const char *const ixfr[] = { SOA(2), SOA(1), SOA(2), SOA(2),
	    "late 1 A 192.0.2.2" };
	static const char *const uptodate[] = { SOA(2), SOA(2) };

	fails(axfr, N(axfr), DNS_T_AXFR, 0, XFR_E_TRAILING,
	    "axfr_begin 1\nrr " SOATXT(1) "\nrr www.example. 1 A 192.0.2.1\n");
	fails(ixfr, N(ixfr), DNS_T_IXFR, 1, XFR_E_TRAILING,
	    "diff_begin 1\ndel " SOATXT(1) "\nadd " SOATXT(2) "\n");
	/* Two SOAs of the client's serial: neither form. */
	fails(uptodate, N(uptodate), DNS_T_IXFR, 2, XFR_E_SERIAL, "");
}

Test(xfr, record_errors)
{
	static const char *const any[] = { SOA(1), "www 0 ANY A 192.0.2.1",
	    SOA(1) };
	static const char *const none[] = { SOA(1), "www 0 NONE A 192.0.2.1",
	    SOA(1) };
	static const char *const ch[] = { SOA(1), "www 0 CH TXT \"x\"",
	    SOA(1) };
	static const char *const outside[] = { SOA(1),
	    "www.example.net. 300 A 192.0.2.1", SOA(1) };
	static const char *const deepsoa[] = { SOA(1),
	    "sub 300 SOA ns.example. host.example. 1 1 1 1 1", SOA(1) };
	static const char *const nosoa[] = { "www 300 A 192.0.2.1", SOA(1) };
	static const char *const meta[] = { SOA(1), "www 0 TYPE255 \\# 0",
	    SOA(1) };
	static const char *const ixfr_first[] = { "www 300 A 192.0.2.1" };
	static const char *const axfr_head[] = { SOA(1) };
	const char	*head = "axfr_begin 1\nrr " SOATXT(1) "\n";

	fails(any, N(any), DNS_T_AXFR, 0, XFR_E_CLASS, head);
	fails(none, N(none), DNS_T_AXFR, 0, XFR_E_CLASS, head);
	fails(ch, N(ch), DNS_T_AXFR, 0, XFR_E_CLASS, head);
	fails(outside, N(outside), DNS_T_AXFR, 0, XFR_E_OUTZONE, head);
	fails(deepsoa, N(deepsoa), DNS_T_AXFR, 0, XFR_E_BADSOA, head);
	fails(nosoa, N(nosoa), DNS_T_AXFR, 0, XFR_E_NOSOA, "");
	fails(ixfr_first, 1, DNS_T_IXFR, 1, XFR_E_NOSOA, "");
	fails(meta, N(meta), DNS_T_AXFR, 0, XFR_E_MALFORMED, head);
	/* A first message without any RR. */
	fails(axfr_head, 0, DNS_T_AXFR, 0, XFR_E_NOSOA, "");
}

/* Hand-made messages the writer refuses to make. */
Test(xfr, malformed_messages)
{
	static const uint8_t		loop[] = {
		0x42, 0x42, 0x84, 0x00, 0, 0, 0, 1, 0, 0, 0, 0,
		/* owner: a pointer to itself */
		0xc0, 12, 0, 6, 0, 1, 0, 0, 0, 0, 0, 0,
	};
	static const uint8_t		fwd[] = {
		0x42, 0x42, 0x84, 0x00, 0, 0, 0, 1, 0, 0, 0, 0,
		/* owner: a pointer forward into its own RDATA */
		0xc0, 24, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 7, 'e', 'x', 0,
	};
	uint8_t				 bad[MSGCAP];
	size_t				 n, i;

	rec_reset();
	cr_assert_eq(xfr_init(&x, origin, DNS_T_AXFR, 0, ID, NULL, NULL), 0);
	cr_assert_eq(xfr_feed(&x, loop, sizeof(loop), NOW, &sink, NULL),
	    XFR_ERR);
	cr_assert_eq(x.error, XFR_E_MALFORMED);
	cr_assert_eq(xfr_init(&x, origin, DNS_T_AXFR, 0, ID, NULL, NULL), 0);
	cr_assert_eq(xfr_feed(&x, fwd, sizeof(fwd), NOW, &sink, NULL),
	    XFR_ERR);
	cr_assert_eq(x.error, XFR_E_MALFORMED);
	/* Short messages, and every prefix of a good one. */
	build(zone, NZONE, NULL, DNS_T_AXFR);
	for (n = 0; n < mlen[0]; n++) {
		cr_assert_eq(xfr_init(&x, origin, DNS_T_AXFR, 0, ID, NULL,
		    NULL), 0);
		cr_assert_eq(xfr_feed(&x, msg[0], n, NOW, &sink, NULL),
		    XFR_ERR, "prefix %zu", n);
		cr_assert_eq(x.error, XFR_E_MALFORMED);
	}
	ASSERT_REC("");
	/* An A RR of three octets: RDATA checked per type. */
	memcpy(bad, msg[0], mlen[0]);
	for (i = 0; i + 14 <= mlen[0]; i++)
		if (memcmp(bad + i, "\0\1\0\1\0\0\1\54\0\4\300\0\2\1", 14)
		    == 0)
			break;
	cr_assert(i + 14 <= mlen[0], "www A not found");
	bad[i + 9] = 3;
	memmove(bad + i + 13, bad + i + 14, mlen[0] - i - 14);
	cr_assert_eq(xfr_init(&x, origin, DNS_T_AXFR, 0, ID, NULL, NULL), 0);
	cr_assert_eq(xfr_feed(&x, bad, mlen[0] - 1, NOW, &sink, NULL),
	    XFR_ERR);
	cr_assert_eq(x.error, XFR_E_MALFORMED);
	/* Bad arguments. */
	cr_assert_eq(xfr_init(&x, origin, DNS_T_SOA, 0, ID, NULL, NULL), -1);
	cr_assert_eq(xfr_init(&x, (const uint8_t *)"\077", DNS_T_AXFR, 0,
	    ID, NULL, NULL), -1);
	cr_assert_eq(xfr_feed(&x, msg[0], mlen[0], NOW, &sink, NULL), XFR_ERR);
}

Test(xfr, limits)
{
	struct xfr_limits	lim;
	int			cut[NZONE];
	size_t			i, total = 0;

	for (i = 0; i < NZONE; i++)
		cut[i] = 1;
	build(zone, NZONE, cut, DNS_T_AXFR);
	for (i = 0; i < (size_t)nmsg; i++)
		total += mlen[i];

	/* Exactly at each limit: fine. */
	lim.max_rrs = NZONE;
	lim.max_bytes = total;
	lim.max_msgs = NZONE;
	cr_assert_eq(run(DNS_T_AXFR, 0, &lim), XFR_DONE);
	ASSERT_REC(zone_rec);

	lim.max_rrs = NZONE - 1;
	cr_assert_eq(run(DNS_T_AXFR, 0, &lim), XFR_ERR);
	cr_assert_eq(x.error, XFR_E_MAXRRS);
	cr_assert_eq(strstr(rec, "axfr_end"), NULL);
	lim.max_rrs = 0;	/* the default */
	lim.max_bytes = total - 1;
	cr_assert_eq(run(DNS_T_AXFR, 0, &lim), XFR_ERR);
	cr_assert_eq(x.error, XFR_E_MAXBYTES);
	cr_assert_eq(x.nbytes, total - mlen[nmsg - 1]);
	lim.max_bytes = 0;
	lim.max_msgs = NZONE - 1;
	cr_assert_eq(run(DNS_T_AXFR, 0, &lim), XFR_ERR);
	cr_assert_eq(x.error, XFR_E_MAXMSGS);
	cr_assert_eq(strstr(rec, "axfr_end"), NULL);

	/* Defaults. */
	cr_assert_eq(xfr_init(&x, origin, DNS_T_AXFR, 0, ID, NULL, NULL), 0);
	cr_assert_eq(x.lim.max_rrs, XFR_DEF_MAX_RRS);
	cr_assert_eq(x.lim.max_bytes, XFR_DEF_MAX_BYTES);
	cr_assert_eq(x.lim.max_msgs, XFR_DEF_MAX_MSGS);
}

Test(xfr, sink_stops)
{
	int	i;

	build(ixfr3, N(ixfr3), NULL, DNS_T_IXFR);
	for (i = 1; i <= 23; i++) {
		rec_reset();
		stop_at = i;
		cr_assert_eq(xfr_init(&x, origin, DNS_T_IXFR, 1, ID, NULL,
		    NULL), 0);
		cr_assert_eq(xfr_feed(&x, msg[0], mlen[0], NOW, &sink, NULL),
		    XFR_ERR, "stop at %d", i);
		cr_assert_eq(x.error, XFR_E_SINK);
		cr_assert_eq(ncalls, i, "no call after the refusal");
	}
	/* A NULL sink hears nothing; a sink with NULL callbacks too. */
	cr_assert_eq(xfr_init(&x, origin, DNS_T_IXFR, 1, ID, NULL, NULL), 0);
	cr_assert_eq(xfr_feed(&x, msg[0], mlen[0], NOW, NULL, NULL), XFR_DONE);
}

/* ---- TSIG ---- */

/* ixfr3 one RR per message, signed per pattern (NULL: unsigned). */
static void
build_signed(const char *pattern)
{
	int	cut[N(ixfr3)];
	size_t	i;

	for (i = 0; i < N(ixfr3); i++)
		cut[i] = 1;
	build(ixfr3, N(ixfr3), cut, DNS_T_IXFR);
	if (pattern != NULL)
		sign(pattern);
}

Test(xfr, tsig_every_message)
{
	struct tsig_stream	rx;

	tsig_setup();
	build_signed("SSSSSSSSSSSSSSSS");
	cr_assert_eq(run_tsig(DNS_T_IXFR, 1, &rx), XFR_DONE);
	ASSERT_REC(ixfr3_rec);
	cr_assert_eq(rx.nsigned, 16);
	tsig_stream_wipe(&rx);

	/* Several RRs per message, and the AXFR. */
	build(zone, NZONE, NULL, DNS_T_AXFR);
	sign("S");
	cr_assert_eq(run_tsig(DNS_T_AXFR, 0, &rx), XFR_DONE);
	ASSERT_REC(zone_rec);
	tsig_stream_wipe(&rx);

	/* Up to date, signed. */
	build(ixfr3, 1, NULL, DNS_T_IXFR);
	sign("S");
	cr_assert_eq(run_tsig(DNS_T_IXFR, 4, &rx), XFR_DONE);
	ASSERT_REC("uptodate 4\n");
	tsig_stream_wipe(&rx);
}

/*
 * Every third message signed (and the last): a sequence that ends in an
 * unsigned message is committed only once the next signed one verified,
 * before anything of it is heard.  The sequences end at RR 5 (unsigned:
 * committed at message 6), RR 10 (unsigned: at message 12) and RR 15
 * (the final SOA, signed).
 */
static const char every3_rec[] =
	"diff_begin 1\n"
	"del " SOATXT(1) "\n"
	"del www.example. 300 A 192.0.2.1\n"
	"add " SOATXT(2) "\n"
	"add www.example. 300 A 192.0.2.2\n"
	"diff_end 2\n"
	"diff_begin 2\n"
	"del " SOATXT(2) "\n"
	"commit 2\n"
	"del www.example. 300 A 192.0.2.2\n"
	"del txt.example. 60 TXT \"hello\" \"world\"\n"
	"add " SOATXT(3) "\n"
	"add www.example. 300 A 192.0.2.1\n"
	"diff_end 3\n"
	"diff_begin 3\n"
	"del " SOATXT(3) "\n"
	"del mail.example. 300 A 192.0.2.25\n"
	"commit 3\n"
	"add " SOATXT(4) "\n"
	"add txt.example. 60 TXT \"hello\" \"world\"\n"
	"add mail.example. 600 A 192.0.2.26\n"
	"diff_end 4\n"
	"commit 4\n";

Test(xfr, tsig_every_third_message)
{
	struct tsig_stream	rx;

	tsig_setup();
	build_signed("SUUSUUSUUSUUSUUS");
	cr_assert_eq(run_tsig(DNS_T_IXFR, 1, &rx), XFR_DONE);
	ASSERT_REC(every3_rec);
	cr_assert_eq(rx.nsigned, 6);
	tsig_stream_wipe(&rx);
}

/* The last message unsigned: the end is never reported. */
Test(xfr, tsig_last_message_unsigned)
{
	struct tsig_stream	rx;
	size_t			n;

	tsig_setup();
	build_signed("SUUSUUSUUSUUSUUU");
	cr_assert_eq(run_tsig(DNS_T_IXFR, 1, &rx), XFR_ERR);
	cr_assert_eq(x.error, XFR_E_TSIG);
	cr_assert_eq(x.tsig_error, TSIG_E_UNSIGNED);
	n = (size_t)(strstr(every3_rec, "diff_end 4\n") - every3_rec);
	cr_assert_eq(reclen, n);
	cr_assert_eq(strncmp(rec, every3_rec, n), 0, "%s", rec);
	tsig_stream_wipe(&rx);
}

Test(xfr, tsig_first_message_unsigned)
{
	struct tsig_stream	rx;
	static uint8_t		first[MSGCAP];
	size_t			firstlen;

	/* A server cannot make this: sign all, then put back the first. */
	tsig_setup();
	build_signed(NULL);
	memcpy(first, msg[0], mlen[0]);
	firstlen = mlen[0];
	sign("SSSSSSSSSSSSSSSS");
	memcpy(msg[0], first, firstlen);
	mlen[0] = firstlen;
	cr_assert_eq(run_tsig(DNS_T_IXFR, 1, &rx), XFR_ERR);
	cr_assert_eq(x.error, XFR_E_TSIG);
	cr_assert_eq(x.tsig_error, TSIG_E_UNSIGNED);
	ASSERT_REC("");
	tsig_stream_wipe(&rx);
}

/* A bad MAC in the middle: the transfer fails at that message. */
Test(xfr, tsig_bad_mac)
{
	struct tsig_stream	rx;

	tsig_setup();
	build_signed("SUUSUUSUUSUUSUUS");
	msg[6][mlen[6] - 10] ^= 0x01;	/* in the MAC: 6 octets follow */
	cr_assert_eq(run_tsig(DNS_T_IXFR, 1, &rx), XFR_ERR);
	cr_assert_eq(x.error, XFR_E_TSIG);
	cr_assert_eq(x.tsig_error, TSIG_BADSIG);
	cr_assert_eq(x.nmsgs, 7);
	/* The sequence that ended in message 5 is never committed. */
	ASSERT_REC("diff_begin 1\n"
	    "del " SOATXT(1) "\n"
	    "del www.example. 300 A 192.0.2.1\n"
	    "add " SOATXT(2) "\n"
	    "add www.example. 300 A 192.0.2.2\n"
	    "diff_end 2\n"
	    "diff_begin 2\n"
	    "del " SOATXT(2) "\n");
	tsig_stream_wipe(&rx);
}

/* An unsigned message changed on the way: the next signed one fails. */
Test(xfr, tsig_tampered_unsigned_message)
{
	struct tsig_stream	rx;
	struct dns_msg		m;
	struct dns_rr_iter	it;
	struct dns_rr		rr;

	tsig_setup();
	build_signed("SUUSUUSUUSUUSUUS");
	/* Message 5, the old SOA of sequence 2: one bit of its TTL. */
	cr_assert_eq(dns_msg_parse(&m, msg[5], mlen[5]), DNS_PARSE_OK);
	dns_rr_iter_init(&it, &m, DNS_SEC_AN);
	cr_assert_eq(dns_rr_next(&it, &rr), 1);
	cr_assert_eq(rr.type, DNS_T_SOA);
	msg[5][rr.rdoff - 3] ^= 0x01;
	cr_assert_eq(run_tsig(DNS_T_IXFR, 1, &rx), XFR_ERR);
	cr_assert_eq(x.error, XFR_E_TSIG);
	cr_assert_eq(x.tsig_error, TSIG_BADSIG);
	cr_assert_eq(x.nmsgs, 7);
	/* Heard with its changed TTL, but never committed. */
	cr_assert_not_null(strstr(rec, "diff_end 2\n"));
	cr_assert_not_null(strstr(rec, "del example. 3601 SOA"));
	cr_assert_eq(strstr(rec, "commit"), NULL);
	tsig_stream_wipe(&rx);
}

/* ---- requests ---- */

Test(xfr, queries)
{
	static const uint8_t	soa[] = {
		2, 'n', 's', 0, 4, 'h', 'o', 's', 't', 0,
		0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
	};
	uint8_t			buf[512], rd[RDATA_MAX], mac[TSIG_MAC_MAX];
	struct dns_msg		m;
	struct dns_rr_iter	it;
	struct dns_rr		rr;
	size_t			len, rdlen, outlen, maclen, space;
	static const uint16_t	types[] = { DNS_T_SOA, DNS_T_AXFR,
				    DNS_T_IXFR };
	size_t			i;

	tsig_setup();
	space = tsig_key_space(&key);
	for (i = 0; i < N(types); i++) {
		cr_assert_eq(xfr_query(buf, sizeof(buf), space, origin,
		    types[i], 0x1234, soa, sizeof(soa), &len), 0);
		cr_assert_eq(dns_msg_parse(&m, buf, len), DNS_PARSE_OK);
		cr_assert_eq(m.id, 0x1234);
		cr_assert_eq(m.flags, 0, "QUERY, no flags");
		cr_assert_eq(m.count[DNS_SEC_QD], 1);
		cr_assert_eq(m.count[DNS_SEC_AN], 0);
		cr_assert_eq(m.count[DNS_SEC_AR], 0);
		cr_assert(name_equal(m.qname, origin));
		cr_assert_eq(m.qtype, types[i]);
		cr_assert_eq(m.qclass, DNS_C_IN);
		cr_assert_eq(m.count[DNS_SEC_NS], types[i] == DNS_T_IXFR);
		if (types[i] == DNS_T_IXFR) {
			/* RFC 1995 3: the client's SOA in authority. */
			dns_rr_iter_init(&it, &m, DNS_SEC_NS);
			cr_assert_eq(dns_rr_next(&it, &rr), 1);
			cr_assert(name_equal(rr.owner, origin));
			cr_assert_eq(rr.type, DNS_T_SOA);
			cr_assert_eq(rr.class, DNS_C_IN);
			cr_assert_eq(rr.ttl, 0);
			cr_assert_eq(dns_rr_rdata(&m, &rr, rd, sizeof(rd),
			    &rdlen), 0);
			cr_assert_eq(rdlen, sizeof(soa));
			cr_assert_arr_eq(rd, soa, sizeof(soa));
		}
		/* The reserve is exactly what the signature needs. */
		cr_assert_eq(tsig_sign_request(&key, buf, len, len + space,
		    &outlen, NOW, mac, &maclen), 0);
		cr_assert_eq(outlen, len + space);
		cr_assert_eq(dns_msg_parse(&m, buf, outlen), DNS_PARSE_OK);
		cr_assert(m.has_tsig);
		/* Too small a buffer, by one octet. */
		cr_assert_eq(xfr_query(buf, len + space - 1, space, origin,
		    types[i], 1, soa, sizeof(soa), &len), -1);
	}
	cr_assert_eq(xfr_query(buf, sizeof(buf), 0, origin, DNS_T_A, 1, NULL,
	    0, &len), -1);
	cr_assert_eq(xfr_query(buf, sizeof(buf), 0, origin, DNS_T_IXFR, 1,
	    NULL, 0, &len), -1);
	cr_assert_eq(xfr_query(buf, sizeof(buf), 0, origin, DNS_T_IXFR, 1,
	    soa, sizeof(soa) - 1, &len), -1, "malformed SOA");
	cr_assert_eq(xfr_query(buf, sizeof(buf), 0, origin, DNS_T_AXFR, 1,
	    NULL, 0, &len), 0);
	cr_assert_eq(len, 12 + 9 + 4);
}

/* ---- SOA answers ---- */

static size_t
soa_answer(uint8_t *buf, uint16_t id, uint16_t flags, uint16_t rcode,
    const char *const *rrs, size_t n)
{
	struct dns_wmsg	w;
	size_t		i, len;

	cr_assert_eq(dns_wmsg_init(&w, buf, MSGCAP, id, DNS_F_QR | flags),
	    0);
	cr_assert_eq(dns_wmsg_reserve(&w, TSIG_RR_MAX), 0);
	cr_assert_eq(dns_wmsg_question(&w, origin, DNS_T_SOA, DNS_C_IN), 0);
	for (i = 0; i < n; i++)
		msg_rr(&w, rrs[i]);
	dns_wmsg_rcode(&w, rcode);
	cr_assert_eq(dns_wmsg_finish(&w, &len), 0);
	return len;
}

Test(xfr, soa_answer)
{
	static const char *const ok[] = {
		"www 300 A 192.0.2.1",
		"@ 900 SOA ns.example. host.example. 2024010101 7200 900 "
		    "1209600 600",
	};
	static const char *const other[] = {
		"sub 300 SOA ns.example. host.example. 1 2 3 4 5",
	};
	uint8_t			buf[MSGCAP];
	struct xfr_soa		soa;
	struct tsig_stream	tx, rx;
	size_t			len, outlen;
	uint16_t		rcode;

	len = soa_answer(buf, 7, DNS_F_AA, 0, ok, 2);
	cr_assert_eq(xfr_soa_answer(buf, len, origin, 7, NULL, NOW, &soa,
	    &rcode), XFR_E_NONE);
	cr_assert_eq(soa.serial, 2024010101U);
	cr_assert_eq(soa.refresh, 7200);
	cr_assert_eq(soa.retry, 900);
	cr_assert_eq(soa.expire, 1209600);
	cr_assert_eq(soa.minimum, 600);
	cr_assert_eq(soa.ttl, 900);
	cr_assert_eq(xfr_soa_answer(buf, len, origin, 8, NULL, NOW, &soa,
	    &rcode), XFR_E_ID);
	cr_assert_eq(xfr_soa_answer(buf, len, (const uint8_t *)"\3net",
	    7, NULL, NOW, &soa, &rcode), XFR_E_QUESTION);
	cr_assert_eq(xfr_soa_answer(buf, len - 1, origin, 7, NULL, NOW, &soa,
	    &rcode), XFR_E_MALFORMED);

	len = soa_answer(buf, 7, DNS_F_AA | DNS_F_TC, 0, NULL, 0);
	cr_assert_eq(xfr_soa_answer(buf, len, origin, 7, NULL, NOW, &soa,
	    &rcode), XFR_E_TC);
	len = soa_answer(buf, 7, DNS_F_AA, DNS_R_REFUSED, NULL, 0);
	cr_assert_eq(xfr_soa_answer(buf, len, origin, 7, NULL, NOW, &soa,
	    &rcode), XFR_E_RCODE);
	cr_assert_eq(rcode, DNS_R_REFUSED);
	len = soa_answer(buf, 7, 0, 0, ok, 2);
	cr_assert_eq(xfr_soa_answer(buf, len, origin, 7, NULL, NOW, &soa,
	    &rcode), XFR_E_NOTAUTH);
	len = soa_answer(buf, 7, DNS_F_AA, 0, ok, 1);
	cr_assert_eq(xfr_soa_answer(buf, len, origin, 7, NULL, NOW, &soa,
	    &rcode), XFR_E_NOSOA);
	len = soa_answer(buf, 7, DNS_F_AA, 0, other, 1);
	cr_assert_eq(xfr_soa_answer(buf, len, origin, 7, NULL, NOW, &soa,
	    &rcode), XFR_E_NOSOA);
	buf[2] &= ~(DNS_F_QR >> 8);
	cr_assert_eq(xfr_soa_answer(buf, len, origin, 7, NULL, NOW, &soa,
	    &rcode), XFR_E_NOTRESP);

	/* Signed: the answer must verify against the request's MAC. */
	tsig_setup();
	len = soa_answer(buf, 7, DNS_F_AA, 0, ok, 2);
	tsig_stream_init(&tx, &key, reqmac, reqmaclen);
	cr_assert_eq(tsig_stream_sign(&tx, buf, len, sizeof(buf), &outlen, 1,
	    NOW), 0);
	tsig_stream_wipe(&tx);
	tsig_stream_init(&rx, &key, reqmac, reqmaclen);
	cr_assert_eq(xfr_soa_answer(buf, outlen, origin, 7, &rx, NOW, &soa,
	    NULL), XFR_E_NONE);
	cr_assert_eq(soa.serial, 2024010101U);
	tsig_stream_init(&rx, &key, reqmac, reqmaclen);
	cr_assert_eq(xfr_soa_answer(buf, outlen, origin, 7, &rx,
	    NOW + 3600, &soa, NULL), XFR_E_TSIG);
	cr_assert_eq(rx.error, TSIG_BADTIME);
	len = soa_answer(buf, 7, DNS_F_AA, 0, ok, 2);
	tsig_stream_init(&rx, &key, reqmac, reqmaclen);
	cr_assert_eq(xfr_soa_answer(buf, len, origin, 7, &rx, NOW, &soa,
	    NULL), XFR_E_TSIG, "unsigned");
	cr_assert_eq(rx.error, TSIG_E_UNSIGNED);
	tsig_stream_wipe(&rx);
}

Test(xfr, strerror)
{
	cr_assert_str_eq(xfr_strerror(XFR_E_SERIAL),
	    "SOA serials out of order");
	cr_assert_str_eq(xfr_strerror(XFR_E_MAXMSGS), "too many messages");
	cr_assert_str_eq(xfr_strerror((enum xfr_error)999), "unknown error");
}
