/*
 * dns/xfr.c: zone transfer requests and the streaming parser of their
 * answers (see xfr.h for the contract).
 *
 * Every message of an answer must:
 *   - parse as a whole (dns_msg_parse(): names with backward compression
 *     pointers only, RDLENGTHs inside the message, OPT and TSIG placed
 *     right), else XFR_E_MALFORMED;
 *   - carry the request's ID (RFC 5936 2.2.1), QR set and opcode QUERY;
 *   - pass tsig_stream_verify() when the request was signed (RFC 8945
 *     5.3.1: the first message signed, then at most TSIG_UNSIGNED_MAX
 *     unsigned ones in a row, the last one signed);
 *   - have TC clear (a transfer runs over TCP, RFC 5936 4) and rcode
 *     NOERROR: an error rcode in the first message is XFR_E_RCODE (the
 *     caller may fall back from IXFR to AXFR on NOTIMP, FORMERR or
 *     REFUSED), in a later one XFR_E_ABORTED (RFC 5936 2.2.1);
 *   - hold no question or the one asked (RFC 5936 2.2.1 lets every
 *     message after the first go without it; one that lacks it in the
 *     first message is taken too, as the ID and TSIG tie it to the
 *     request).
 * Only the answer section holds data (RFC 5936 2.2.1); the authority
 * and additional sections are ignored.  Every data RR must be of class
 * IN, not of a meta type (OPT, TSIG, AXFR, ANY, ...), have RDATA well
 * formed for its type, and be owned by the origin or a name below it
 * (PowerDNS refuses out-of-zone data in a transfer too).  An SOA RR is
 * only ever expected at the origin.
 *
 * The RR stream (RFC 5936 2.2, RFC 1995 4) is a state machine, below.
 */
#include <string.h>

#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/serial.h"
#include "dns/xfr.h"

/*
 * Parser states; what is true in each:
 *   XS_FIRST	nothing read yet; the next RR must be the zone's SOA.
 *   XS_SECOND	IXFR: the server's SOA (serial N) was read and is kept
 *		in soa_*; the next RR tells the form.  At the end of the
 *		first message, a lone SOA not newer than the client's
 *		serial means up to date.
 *   XS_AXFR	axfr_begin(N) was reported; RRs are zone data until an
 *		SOA of serial N closes the zone.
 *   XS_DEL	diff_begin(from) and the old SOA were reported; RRs are
 *		deleted until the new SOA (serial to) comes.
 *   XS_ADD	the new SOA was reported; RRs are added until an SOA of
 *		serial to: the final one if to == N, else the old SOA of
 *		the next sequence.
 *   XS_END	the last RR was read; the rest of the message must be
 *		empty, then the end is reported at XFR_DONE.
 *   XS_DONE	XFR_DONE was returned.
 *   XS_FAILED	XFR_ERR was returned; error is set.
 * In XS_END, x->end says which end to report (END_*).
 */
enum {
	XS_FIRST,
	XS_SECOND,
	XS_AXFR,
	XS_DEL,
	XS_ADD,
	XS_END,
	XS_DONE,
	XS_FAILED
};

enum {
	END_AXFR = 1,
	END_DIFF,
	END_UPTODATE
};

static const struct xfr_sink	nosink;	/* for a NULL sink */

/* The serial and four timers, 32 bits each, end SOA RDATA. */
#define SOA_TAIL	20

static const char *const errtext[] = {
	[XFR_E_NONE] = "no error",
	[XFR_E_MALFORMED] = "malformed message",
	[XFR_E_ID] = "message ID is not the request's",
	[XFR_E_NOTRESP] = "not a response to a query",
	[XFR_E_TC] = "truncated answer",
	[XFR_E_RCODE] = "server answered with an error",
	[XFR_E_ABORTED] = "server ended the transfer with an error",
	[XFR_E_QUESTION] = "question is not the one asked",
	[XFR_E_NOTAUTH] = "answer is not authoritative",
	[XFR_E_CLASS] = "record of a class other than IN",
	[XFR_E_OUTZONE] = "record outside the zone",
	[XFR_E_NOSOA] = "no SOA record of the zone where one is due",
	[XFR_E_BADSOA] = "SOA record away from the zone apex",
	[XFR_E_SERIAL] = "SOA serials out of order",
	[XFR_E_TRAILING] = "data after the end of the transfer",
	[XFR_E_NEWER] = "only a newer SOA: incremental transfer unavailable",
	[XFR_E_INCOMPLETE] = "transfer incomplete",
	[XFR_E_TSIG] = "TSIG verification failed",
	[XFR_E_SINK] = "transfer stopped by its receiver",
	[XFR_E_MAXRRS] = "too many records",
	[XFR_E_MAXBYTES] = "transfer too large",
	[XFR_E_MAXMSGS] = "too many messages"
};

const char *
xfr_strerror(enum xfr_error e)
{
	if ((unsigned)e >= sizeof(errtext) / sizeof(errtext[0]) ||
	    errtext[e] == NULL)
		return "unknown error";
	return errtext[e];
}



/* No question, or the one asked (name, type, class IN). */
static int
question_ok(const struct dns_msg *m, const uint8_t *origin, uint16_t qtype)
{
	if (m->count[DNS_SEC_QD] == 0)
		return 1;
	return m->count[DNS_SEC_QD] == 1 && m->has_q &&
	    m->qtype == qtype && m->qclass == DNS_C_IN &&
	    name_equal(m->qname, origin);
}

int
xfr_init(struct xfr *x, const uint8_t *origin, uint16_t qtype,
    uint32_t client_serial, uint16_t id, struct tsig_stream *ts,
    const struct xfr_limits *lim)
{
	size_t	len;

	memset(x, 0, offsetof(struct xfr, rd));
	x->state = XS_FAILED;
	x->error = XFR_E_MALFORMED;
	if ((len = name_len(origin, DNS_NAME_MAX)) == 0 ||
	    (qtype != DNS_T_AXFR && qtype != DNS_T_IXFR))
		return -1;
	memcpy(x->origin, origin, len);
	x->qtype = qtype;
	x->id = id;
	x->client_serial = client_serial;
	x->ts = ts;
	if (lim != NULL)
		x->lim = *lim;
	if (x->lim.max_rrs == 0)
		x->lim.max_rrs = XFR_DEF_MAX_RRS;
	if (x->lim.max_bytes == 0)
		x->lim.max_bytes = XFR_DEF_MAX_BYTES;
	if (x->lim.max_msgs == 0)
		x->lim.max_msgs = XFR_DEF_MAX_MSGS;
	x->state = XS_FIRST;
	x->error = XFR_E_NONE;
	return 0;
}

static int
fail(struct xfr *x, enum xfr_error e)
{
	x->state = XS_FAILED;
	x->error = e;
	return XFR_ERR;
}

/* A callback's verdict: 0 on, -1 stop (XFR_E_SINK set). */
static int
sink_ok(struct xfr *x, int rc)
{
	if (rc == 0)
		return 0;
	fail(x, XFR_E_SINK);
	return -1;
}

#define CALL(x, s, fn, ...)						\
	((s)->fn == NULL ? 0 : sink_ok((x), (s)->fn(__VA_ARGS__)))

/* A sequence ended; commit it now if what was read is authentic. */
static int
seq_end(struct xfr *x, const struct xfr_sink *s, void *arg, int authentic)
{
	if (CALL(x, s, diff_end, arg, x->to) == -1)
		return -1;
	if (!authentic) {
		x->pending = 1;
		x->pending_to = x->to;
		return 0;
	}
	x->pending = 0;
	return CALL(x, s, commit, arg, x->to);
}

/*
 * Take one answer RR: check it, then move the state machine.  Returns
 * 0, or XFR_ERR with the error set.
 */
static int
take_rr(struct xfr *x, const struct dns_msg *m, const struct dns_rr *rr,
    const struct xfr_sink *s, void *arg, int authentic)
{
	struct xfr_rr	 r, first;
	size_t		 rdlen;
	uint32_t	 serial = 0;
	int		 soa;

	if (x->state == XS_END)
		return fail(x, XFR_E_TRAILING);
	if (++x->nrrs > x->lim.max_rrs)
		return fail(x, XFR_E_MAXRRS);
	if (rrtype_is_meta(rr->type))
		return fail(x, XFR_E_MALFORMED);
	if (rr->class != DNS_C_IN)
		return fail(x, XFR_E_CLASS);
	if (!name_is_sub(rr->owner, x->origin))
		return fail(x, XFR_E_OUTZONE);
	if (dns_rr_rdata(m, rr, x->rd, sizeof(x->rd), &rdlen) == -1)
		return fail(x, XFR_E_MALFORMED);
	r.owner = rr->owner;
	r.owner_len = rr->owner_len;
	r.type = rr->type;
	r.class = rr->class;
	r.ttl = rr->ttl;
	r.rdata = x->rd;
	r.rdlen = (uint16_t)rdlen;
	if ((soa = rr->type == DNS_T_SOA)) {
		if (!name_equal(rr->owner, x->origin))
			return fail(x, XFR_E_BADSOA);
		if (rdata_soa_serial(x->rd, rdlen, &serial) == -1)
			return fail(x, XFR_E_MALFORMED);
	}

	switch (x->state) {
	case XS_FIRST:
		/* RFC 5936 2.2, RFC 1995 4: the server's current SOA. */
		if (!soa)
			return fail(x, XFR_E_NOSOA);
		x->serial = serial;
		if (x->qtype == DNS_T_AXFR) {
			if (CALL(x, s, axfr_begin, arg, serial) == -1 ||
			    CALL(x, s, axfr_rr, arg, &r) == -1)
				return XFR_ERR;
			x->state = XS_AXFR;
			return 0;
		}
		if (rdlen > sizeof(x->soa_rd))
			return fail(x, XFR_E_MALFORMED);
		memcpy(x->soa_owner, rr->owner, rr->owner_len);
		x->soa_owner_len = rr->owner_len;
		x->soa_ttl = rr->ttl;
		memcpy(x->soa_rd, x->rd, rdlen);
		x->soa_rdlen = (uint16_t)rdlen;
		x->state = XS_SECOND;
		return 0;
	case XS_SECOND:
		if (!soa) {
			/* RFC 1995 4: the whole zone, as AXFR sends it. */
			first.owner = x->soa_owner;
			first.owner_len = x->soa_owner_len;
			first.type = DNS_T_SOA;
			first.class = DNS_C_IN;
			first.ttl = x->soa_ttl;
			first.rdata = x->soa_rd;
			first.rdlen = x->soa_rdlen;
			if (CALL(x, s, axfr_begin, arg, x->serial) == -1 ||
			    CALL(x, s, axfr_rr, arg, &first) == -1 ||
			    CALL(x, s, axfr_rr, arg, &r) == -1)
				return XFR_ERR;
			x->state = XS_AXFR;
			return 0;
		}
		/*
		 * RFC 1995 4: differences from the client's serial on, to a
		 * newer one.
		 */
		if (serial != x->client_serial ||
		    !serial_gt(x->serial, x->client_serial))
			return fail(x, XFR_E_SERIAL);
		x->from = serial;
		if (CALL(x, s, diff_begin, arg, x->from) == -1 ||
		    CALL(x, s, diff_del, arg, &r) == -1)
			return XFR_ERR;
		x->state = XS_DEL;
		return 0;
	case XS_AXFR:
		if (!soa)
			return CALL(x, s, axfr_rr, arg, &r) == -1 ? XFR_ERR : 0;
		/* RFC 5936 2.2: the closing SOA repeats the first. */
		if (serial != x->serial)
			return fail(x, XFR_E_SERIAL);
		x->state = XS_END;
		x->end = END_AXFR;
		return 0;
	case XS_DEL:
		if (!soa)
			return CALL(x, s, diff_del, arg, &r) == -1 ? XFR_ERR : 0;
		/* The new SOA: a step forward, never past the server's. */
		if (!serial_gt(serial, x->from) ||
		    (serial != x->serial && !serial_gt(x->serial, serial)))
			return fail(x, XFR_E_SERIAL);
		x->to = serial;
		if (CALL(x, s, diff_add, arg, &r) == -1)
			return XFR_ERR;
		x->state = XS_ADD;
		return 0;
	case XS_ADD:
		if (!soa)
			return CALL(x, s, diff_add, arg, &r) == -1 ? XFR_ERR : 0;
		/*
		 * RFC 1995 4: the next sequence starts from this one's new
		 * serial; once that is the server's, this SOA is the last.
		 */
		if (serial != x->to)
			return fail(x, XFR_E_SERIAL);
		if (x->to == x->serial) {
			x->state = XS_END;
			x->end = END_DIFF;
			return 0;
		}
		if (seq_end(x, s, arg, authentic) == -1)
			return XFR_ERR;
		x->from = x->to;
		if (CALL(x, s, diff_begin, arg, x->from) == -1 ||
		    CALL(x, s, diff_del, arg, &r) == -1)
			return XFR_ERR;
		x->state = XS_DEL;
		return 0;
	default:
		return fail(x, XFR_E_TRAILING);
	}
}

/* The end of the transfer was read: finish TSIG, report the end. */
static int
finish(struct xfr *x, const struct xfr_sink *s, void *arg)
{
	int	rc = 0;

	if (x->ts != NULL && tsig_stream_end(x->ts) == -1) {
		x->tsig_error = x->ts->error;
		return fail(x, XFR_E_TSIG);
	}
	switch (x->end) {
	case END_AXFR:
		rc = CALL(x, s, axfr_end, arg, x->serial);
		break;
	case END_DIFF:
		rc = seq_end(x, s, arg, 1);
		break;
	case END_UPTODATE:
		rc = CALL(x, s, uptodate, arg, x->serial);
		break;
	}
	if (rc == -1)
		return XFR_ERR;
	x->state = XS_DONE;
	return XFR_DONE;
}

int
xfr_feed(struct xfr *x, const uint8_t *msg, size_t len, time_t now,
    const struct xfr_sink *s, void *arg)
{
	struct dns_msg		 m;
	struct dns_rr_iter	 it;
	struct dns_rr		 rr;
	int			 authentic, rc, first;

	if (s == NULL)
		s = &nosink;
	if (x->state == XS_FAILED)
		return XFR_ERR;
	if (x->state == XS_DONE)
		return fail(x, XFR_E_TRAILING);
	first = x->nmsgs == 0;
	if (++x->nmsgs > x->lim.max_msgs)
		return fail(x, XFR_E_MAXMSGS);
	if (len > x->lim.max_bytes - x->nbytes)
		return fail(x, XFR_E_MAXBYTES);
	x->nbytes += len;

	if (dns_msg_parse(&m, msg, len) != DNS_PARSE_OK)
		return fail(x, XFR_E_MALFORMED);
	if (m.id != x->id)
		return fail(x, XFR_E_ID);
	if (!(m.flags & DNS_F_QR) || m.opcode != DNS_OP_QUERY)
		return fail(x, XFR_E_NOTRESP);
	/* RFC 8945 5.3.1: verified before anything in it is used. */
	authentic = 1;
	if (x->ts != NULL) {
		if (tsig_stream_verify(x->ts, msg, len,
		    m.has_tsig ? m.tsig_off : TSIG_NONE, now) == -1) {
			x->tsig_error = x->ts->error;
			return fail(x, XFR_E_TSIG);
		}
		authentic = m.has_tsig;
	}
	if (m.flags & DNS_F_TC)
		return fail(x, XFR_E_TC);
	if (m.rcode != DNS_R_NOERROR) {
		x->rcode = m.rcode;
		return fail(x, first ? XFR_E_RCODE : XFR_E_ABORTED);
	}
	if (!question_ok(&m, x->origin, x->qtype))
		return fail(x, XFR_E_QUESTION);

	/* This message authenticates those before it. */
	if (authentic && x->pending) {
		x->pending = 0;
		if (CALL(x, s, commit, arg, x->pending_to) == -1)
			return XFR_ERR;
	}

	dns_rr_iter_init(&it, &m, DNS_SEC_AN);
	while ((rc = dns_rr_next(&it, &rr)) == 1)
		if (take_rr(x, &m, &rr, s, arg, authentic) == XFR_ERR)
			return XFR_ERR;
	if (rc == -1)
		return fail(x, XFR_E_MALFORMED);

	switch (x->state) {
	case XS_FIRST:
		/* RFC 5936 2.2: the first message starts with the SOA. */
		return fail(x, XFR_E_NOSOA);
	case XS_SECOND:
		/*
		 * RFC 1995 4: a lone SOA not newer than the client's is "up
		 * to date".  A newer one may be followed by more messages.
		 */
		if (!first || serial_gt(x->serial, x->client_serial))
			return XFR_MORE;
		x->state = XS_END;
		x->end = END_UPTODATE;
		return finish(x, s, arg);
	case XS_END:
		return finish(x, s, arg);
	default:
		return XFR_MORE;
	}
}

int
xfr_eof(struct xfr *x)
{
	switch (x->state) {
	case XS_DONE:
		return XFR_DONE;
	case XS_FAILED:
		return XFR_ERR;
	case XS_SECOND:
		return fail(x, XFR_E_NEWER);
	default:
		return fail(x, XFR_E_INCOMPLETE);
	}
}

int
xfr_query(uint8_t *buf, size_t cap, size_t reserve, const uint8_t *origin,
    uint16_t qtype, uint16_t id, const uint8_t *soa, size_t soalen,
    size_t *lenp)
{
	struct dns_wmsg	 w;

	if (qtype != DNS_T_SOA && qtype != DNS_T_AXFR && qtype != DNS_T_IXFR)
		return -1;
	if (dns_wmsg_init(&w, buf, cap, id, DNS_OP_QUERY << 11) == -1 ||
	    dns_wmsg_reserve(&w, reserve) == -1 ||
	    dns_wmsg_question(&w, origin, qtype, DNS_C_IN) == -1)
		return -1;
	/* RFC 1995 3: the client's SOA in the authority section. */
	if (qtype == DNS_T_IXFR && (soa == NULL || soalen > 0xffff ||
	    dns_wmsg_rr(&w, DNS_SEC_NS, origin, DNS_T_SOA, DNS_C_IN, 0, soa,
	    (uint16_t)soalen) != DNS_W_OK))
		return -1;
	return dns_wmsg_finish(&w, lenp);
}

enum xfr_error
xfr_soa_answer(const uint8_t *msg, size_t len, const uint8_t *origin,
    uint16_t id, struct tsig_stream *ts, time_t now, struct xfr_soa *soa,
    uint16_t *rcode)
{
	struct dns_msg		 m;
	struct dns_rr_iter	 it;
	struct dns_rr		 rr;
	uint8_t			 rd[2 * DNS_NAME_MAX + SOA_TAIL];
	struct rdata_soa	 t;
	size_t			 rdlen;
	int			 rc;

	memset(soa, 0, sizeof(*soa));
	if (rcode != NULL)
		*rcode = 0;
	if (dns_msg_parse(&m, msg, len) != DNS_PARSE_OK)
		return XFR_E_MALFORMED;
	if (m.id != id)
		return XFR_E_ID;
	if (!(m.flags & DNS_F_QR) || m.opcode != DNS_OP_QUERY)
		return XFR_E_NOTRESP;
	if (m.flags & DNS_F_TC)
		return XFR_E_TC;
	if (ts != NULL && (tsig_stream_verify(ts, msg, len,
	    m.has_tsig ? m.tsig_off : TSIG_NONE, now) == -1 ||
	    tsig_stream_end(ts) == -1))
		return XFR_E_TSIG;
	if (m.rcode != DNS_R_NOERROR) {
		if (rcode != NULL)
			*rcode = m.rcode;
		return XFR_E_RCODE;
	}
	if (!question_ok(&m, origin, DNS_T_SOA))
		return XFR_E_QUESTION;
	if (!(m.flags & DNS_F_AA))
		return XFR_E_NOTAUTH;
	dns_rr_iter_init(&it, &m, DNS_SEC_AN);
	while ((rc = dns_rr_next(&it, &rr)) == 1) {
		if (rr.type != DNS_T_SOA || rr.class != DNS_C_IN ||
		    !name_equal(rr.owner, origin))
			continue;
		if (dns_rr_rdata(&m, &rr, rd, sizeof(rd), &rdlen) == -1)
			return XFR_E_MALFORMED;
		if (rdata_soa(rd, rdlen, &t) == -1)
			return XFR_E_MALFORMED;
		soa->serial = t.serial;
		soa->refresh = t.refresh;
		soa->retry = t.retry;
		soa->expire = t.expire;
		soa->minimum = t.minimum;
		soa->ttl = rr.ttl;
		return XFR_E_NONE;
	}
	return rc == -1 ? XFR_E_MALFORMED : XFR_E_NOSOA;
}
