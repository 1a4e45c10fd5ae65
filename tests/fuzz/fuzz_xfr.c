/*
 * fuzz_xfr.c: libFuzzer harness for the zone transfer parser.
 *
 * Input: one mode octet (bit 0: IXFR, else AXFR; bits 1-7: which
 * messages the TSIG run leaves unsigned), four octets of the client's
 * serial, then the answer as a sequence of messages each preceded by a
 * two-octet length, as over TCP (tests/fuzz/corpus_xfr/ holds streams of
 * zone "example." with ID 0x4242).  A truncated last frame is dropped.
 *
 * Each message is copied into a buffer of exactly its size, so a read
 * past it is caught by ASan, and fed to xfr_feed() twice over: once
 * without TSIG, and once signed here as a server would sign it
 * (tsig_stream_sign(), the first message and those the mode says) and
 * verified by the parser's tsig_stream, with small limits and, when
 * bit 7 of the mode is set, a sink that refuses its nth call (n from
 * bits 1-6).  Each message is also read as the answer to an SOA query.
 * A checking sink aborts when the calls break the contract of
 * dns/xfr.h: an AXFR is begin, RRs, end; a difference sequence is
 * begin, deletions starting with the SOA of its first serial, additions
 * starting with an SOA, end at that SOA's serial; commits follow ends
 * (at once without TSIG); every RR is well formed, in the zone and of
 * class IN; XFR_DONE comes exactly when the end was reported; nothing is
 * heard after a refusal, which ends the transfer with XFR_E_SINK.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/tsig.h"
#include "dns/xfr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_NOW	((time_t)1700000000)
#define FUZZ_ID		0x4242

static const uint8_t	origin[] = "\007example";
static struct tsig_key	key;
static int		ready;
static struct xfr	x;

/* What the sink has heard; see the contract in dns/xfr.h. */
enum { C_START, C_AXFR, C_DEL0, C_DEL, C_ADD0, C_ADD, C_ENDED, C_DONE };
struct check {
	int		 st;
	uint32_t	 serial;	/* axfr_begin's */
	uint32_t	 from, to;	/* current sequence */
	uint32_t	 last_end;	/* serial of the last diff_end */
	int		 uncommitted;	/* diff_ends to commit */
	int		 ncalls;
	int		 stop_at;	/* refuse this call (1-based) */
	int		 stopped;	/* refused: nothing may follow */
};

/* Count a call; -1 when the sink is to refuse it. */
static int
step(struct check *c)
{
	if (c->stopped)
		abort();
	if (++c->ncalls == c->stop_at) {
		c->stopped = 1;
		return -1;
	}
	return 0;
}

static uint32_t
soa_serial(const struct xfr_rr *rr)
{
	const uint8_t	*p = rr->rdata + rr->rdlen - 20;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
check_rr(const struct xfr_rr *rr)
{
	if (rr->class != DNS_C_IN ||
	    name_len(rr->owner, rr->owner_len) != rr->owner_len ||
	    !name_is_sub(rr->owner, origin) ||
	    rdata_check(rr->type, rr->rdata, rr->rdlen) == -1 ||
	    rrtype_is_meta(rr->type))
		abort();
	if (rr->type == DNS_T_SOA && !name_equal(rr->owner, origin))
		abort();
}

static int
c_axfr_begin(void *arg, uint32_t serial)
{
	struct check	*c = arg;

	if (c->st != C_START)
		abort();
	c->st = C_AXFR;
	c->serial = serial;
	return step(c);
}

static int
c_axfr_rr(void *arg, const struct xfr_rr *rr)
{
	struct check	*c = arg;

	if (c->st != C_AXFR)
		abort();
	check_rr(rr);
	return step(c);
}

static int
c_axfr_end(void *arg, uint32_t serial)
{
	struct check	*c = arg;

	if (c->st != C_AXFR || serial != c->serial)
		abort();
	c->st = C_DONE;
	return step(c);
}

static int
c_diff_begin(void *arg, uint32_t from)
{
	struct check	*c = arg;

	if (c->st != C_START && c->st != C_ENDED)
		abort();
	if (c->st == C_ENDED && from != c->last_end)
		abort();
	c->st = C_DEL0;
	c->from = from;
	return step(c);
}

static int
c_diff_del(void *arg, const struct xfr_rr *rr)
{
	struct check	*c = arg;

	check_rr(rr);
	if (c->st == C_DEL0) {
		if (rr->type != DNS_T_SOA || soa_serial(rr) != c->from)
			abort();
		c->st = C_DEL;
	} else if (c->st != C_DEL || rr->type == DNS_T_SOA)
		abort();
	return step(c);
}

static int
c_diff_add(void *arg, const struct xfr_rr *rr)
{
	struct check	*c = arg;

	check_rr(rr);
	if (c->st == C_DEL) {
		if (rr->type != DNS_T_SOA)
			abort();
		c->to = soa_serial(rr);
		c->st = C_ADD;
	} else if (c->st != C_ADD || rr->type == DNS_T_SOA)
		abort();
	return step(c);
}

static int
c_diff_end(void *arg, uint32_t to)
{
	struct check	*c = arg;

	if (c->st != C_ADD || to != c->to)
		abort();
	c->st = C_ENDED;
	c->last_end = to;
	c->uncommitted++;
	return step(c);
}

static int
c_commit(void *arg, uint32_t to)
{
	struct check	*c = arg;

	if (c->uncommitted == 0 || to != c->last_end)
		abort();
	c->uncommitted = 0;
	return step(c);
}

static int
c_uptodate(void *arg, uint32_t serial)
{
	struct check	*c = arg;

	(void)serial;
	if (c->st != C_START)
		abort();
	c->st = C_DONE;
	return step(c);
}

static const struct xfr_sink	sink = {
	c_axfr_begin, c_axfr_rr, c_axfr_end, c_diff_begin, c_diff_del,
	c_diff_add, c_diff_end, c_commit, c_uptodate
};

static void
setup(void)
{
	static const uint8_t	name[] = "\007xfr-key";
	static const uint8_t	secret[] = "fuzzing transfer secret";

	if (tsig_key_init(&key, name, TSIG_HMAC_SHA256, secret,
	    sizeof(secret) - 1, 0) == -1)
		abort();
	ready = 1;
}

/*
 * The end was reported: the zone, "up to date", or the sequence that
 * reaches the server's serial (only ever reported last), committed.
 */
static int
done(const struct check *c)
{
	return c->st == C_DONE || (c->st == C_ENDED &&
	    c->last_end == x.serial && c->uncommitted == 0);
}

/*
 * Feed the framed messages of data[0, size); sign them first when
 * with_tsig.
 */
static void
run(const uint8_t *data, size_t size, uint16_t qtype, uint32_t serial,
    int mode, int with_tsig)
{
	static const uint8_t	reqmac[32] = { 1, 2, 3 };
	static const struct xfr_limits small = { 64, 8192, 16 };
	struct tsig_stream	tx, rx, st;
	struct xfr_soa		soa;
	struct check		c;
	uint8_t			*m, *sm;
	size_t			len, space, outlen, i;
	int			rc = XFR_MORE, sign;

	memset(&c, 0, sizeof(c));
	space = with_tsig ? tsig_key_space(&key) : 0;
	if (with_tsig) {
		tsig_stream_init(&tx, &key, reqmac, sizeof(reqmac));
		tsig_stream_init(&rx, &key, reqmac, sizeof(reqmac));
		if (mode & 0x80)
			c.stop_at = (mode >> 1 & 0x3f) + 1;
	}
	if (xfr_init(&x, origin, qtype, serial, FUZZ_ID,
	    with_tsig ? &rx : NULL, with_tsig ? &small : NULL) == -1)
		abort();
	for (i = 0; size >= 2 && rc == XFR_MORE; i++) {
		len = (size_t)data[0] << 8 | data[1];
		if (size - 2 < len)
			break;
		if ((m = malloc(len + space ? len + space : 1)) == NULL)
			abort();
		memcpy(m, data + 2, len);
		data += 2 + len;
		size -= 2 + len;
		outlen = len;
		if (with_tsig && len >= 12) {
			sign = i == 0 || !(mode >> (1 + i % 7) & 1) ||
			    size < 2;
			if (tsig_stream_sign(&tx, m, len, len + space,
			    &outlen, sign, FUZZ_NOW) == -1 &&
			    tsig_stream_sign(&tx, m, len, len + space,
			    &outlen, 1, FUZZ_NOW) == -1)
				outlen = len;
		}
		if ((sm = malloc(outlen ? outlen : 1)) == NULL)
			abort();
		memcpy(sm, m, outlen);
		free(m);
		rc = xfr_feed(&x, sm, outlen, FUZZ_NOW, &sink, &c);
		/* The same message as the answer to an SOA query. */
		if (with_tsig)
			tsig_stream_init(&st, &key, reqmac, sizeof(reqmac));
		if (xfr_soa_answer(sm, outlen, origin, FUZZ_ID,
		    with_tsig ? &st : NULL, FUZZ_NOW, &soa, NULL) ==
		    XFR_E_NONE && with_tsig && st.nsigned != 1)
			abort();
		if (with_tsig)
			tsig_stream_wipe(&st);
		free(sm);
		if (rc == XFR_ERR && (x.error == XFR_E_SINK) != c.stopped)
			abort();
		if (c.stopped ? rc != XFR_ERR : (rc == XFR_DONE) != done(&c))
			abort();
		/* Without TSIG every end is committed at once. */
		if (!with_tsig && c.uncommitted != 0)
			abort();
		if (rc == XFR_ERR && (x.error == XFR_E_NONE ||
		    xfr_strerror(x.error) == NULL))
			abort();
	}
	if (rc == XFR_MORE && xfr_eof(&x) != XFR_ERR)
		abort();
	if (with_tsig) {
		tsig_stream_wipe(&tx);
		tsig_stream_wipe(&rx);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t	serial;
	uint16_t	qtype;
	int		mode;

	if (!ready)
		setup();
	if (size < 5)
		return 0;
	mode = data[0];
	qtype = mode & 1 ? DNS_T_IXFR : DNS_T_AXFR;
	serial = (uint32_t)data[1] << 24 | (uint32_t)data[2] << 16 |
	    (uint32_t)data[3] << 8 | data[4];
	run(data + 5, size - 5, qtype, serial, mode, 0);
	run(data + 5, size - 5, qtype, serial, mode, 1);
	return 0;
}
