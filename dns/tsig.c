/*
 * dns/tsig.c: TSIG (RFC 8945) signing and verification over raw messages.
 */
#include <string.h>
#include <strings.h>

#include "dns/name.h"
#include "dns/tsig.h"
#include "dns/wire.h"

#define HDR_LEN		12
#define HDR_ARCOUNT	10

struct alg {
	const char		*text;
	const uint8_t		*wire;
	size_t			 size;
	const br_hash_class	*vt;
};

static const uint8_t n_md5[] = "\010hmac-md5\007sig-alg\003reg\003int";
static const uint8_t n_sha1[] = "\011hmac-sha1";
static const uint8_t n_sha224[] = "\013hmac-sha224";
static const uint8_t n_sha256[] = "\013hmac-sha256";
static const uint8_t n_sha384[] = "\013hmac-sha384";
static const uint8_t n_sha512[] = "\013hmac-sha512";

/* Indexed by enum tsig_alg. */
static const struct alg algs[TSIG_ALG_COUNT] = {
	{ "hmac-md5.sig-alg.reg.int", n_md5, 16, &br_md5_vtable },
	{ "hmac-sha1", n_sha1, 20, &br_sha1_vtable },
	{ "hmac-sha224", n_sha224, 28, &br_sha224_vtable },
	{ "hmac-sha256", n_sha256, 32, &br_sha256_vtable },
	{ "hmac-sha384", n_sha384, 48, &br_sha384_vtable },
	{ "hmac-sha512", n_sha512, 64, &br_sha512_vtable },
};

/* One parsed TSIG RR; pointers point into the message. */
struct rr {
	uint8_t		 keyname[DNS_NAME_MAX];
	uint8_t		 algname[DNS_NAME_MAX];
	uint64_t	 timesigned;
	uint16_t	 fudge;
	uint16_t	 maclen;
	const uint8_t	*mac;
	uint16_t	 origid;
	uint16_t	 error;
	uint16_t	 otherlen;
	const uint8_t	*other;
};

/* Everything one TSIG RR to be written needs. */
struct out {
	const uint8_t	*keyname;
	const uint8_t	*algname;
	uint64_t	 timesigned;
	uint16_t	 fudge;
	uint16_t	 error;
	const uint8_t	*other;
	size_t		 otherlen;
};

static void
wipe(void *p, size_t n)
{
	volatile uint8_t	*v = p;

	while (n-- > 0)
		*v++ = 0;
}

/* Constant-time in n: 1 when equal. */
static int
ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t	d = 0;
	size_t	i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

int
tsig_alg_from_name(const uint8_t *name, enum tsig_alg *alg)
{
	int	i;

	for (i = 0; i < TSIG_ALG_COUNT; i++) {
		if (name_equal(name, algs[i].wire)) {
			*alg = (enum tsig_alg)i;
			return 0;
		}
	}
	return -1;
}

int
tsig_alg_from_text(const char *s, enum tsig_alg *alg)
{
	size_t	n = strlen(s), k;
	int	i;

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 8 && strncasecmp(s, "hmac-md5", n) == 0) {
		*alg = TSIG_HMAC_MD5;
		return 0;
	}
	for (i = 0; i < TSIG_ALG_COUNT; i++) {
		k = strlen(algs[i].text);
		if (n == k && strncasecmp(s, algs[i].text, n) == 0) {
			*alg = (enum tsig_alg)i;
			return 0;
		}
	}
	return -1;
}

const uint8_t *
tsig_alg_name(enum tsig_alg alg)
{
	return algs[alg].wire;
}

const char *
tsig_alg_text(enum tsig_alg alg)
{
	return algs[alg].text;
}

size_t
tsig_alg_size(enum tsig_alg alg)
{
	return algs[alg].size;
}

/* Shortest MAC RFC 8945 5.2.2.1 allows for a digest of size octets. */
static size_t
min_mac(size_t size)
{
	return size / 2 > TSIG_MAC_MIN ? size / 2 : TSIG_MAC_MIN;
}

int
tsig_key_init(struct tsig_key *k, const uint8_t *name, enum tsig_alg alg,
    const uint8_t *secret, size_t secretlen, size_t trunc)
{
	size_t	nlen, size;

	memset(k, 0, sizeof(*k));
	if ((unsigned)alg >= TSIG_ALG_COUNT)
		return -1;
	size = algs[alg].size;
	if ((nlen = name_len(name, DNS_NAME_MAX)) == 0 || secretlen == 0 ||
	    secretlen > TSIG_SECRET_MAX)
		return -1;
	if (trunc != 0 && (trunc < min_mac(size) || trunc > size))
		return -1;
	memcpy(k->name, name, nlen);
	name_lower(k->name);
	k->alg = alg;
	memcpy(k->secret, secret, secretlen);
	k->secretlen = secretlen;
	k->trunc = trunc == size ? 0 : trunc;
	br_hmac_key_init(&k->kc, algs[alg].vt, secret, secretlen);
	return 0;
}

void
tsig_key_wipe(struct tsig_key *k)
{
	wipe(k, sizeof(*k));
}

/* MAC octets this key signs with. */
static size_t
sign_len(const struct tsig_key *k)
{
	return k->trunc != 0 ? k->trunc : algs[k->alg].size;
}

/*
 * Parse the TSIG RR at off, which must be the last RR of msg.  Names are
 * copied out lowercased.  -1 if malformed.
 */
static int
parse_rr(const uint8_t *msg, size_t len, size_t off, struct rr *rr)
{
	struct wire	w;
	size_t		rdend;
	uint16_t	rdlen, hi;

	memset(rr, 0, sizeof(*rr));
	if (len < HDR_LEN || off < HDR_LEN || off >= len)
		return -1;
	if ((msg[HDR_ARCOUNT] << 8 | msg[HDR_ARCOUNT + 1]) == 0)
		return -1;
	wire_rinit(&w, msg, len);
	wire_seek(&w, off);
	wire_getname(&w, rr->keyname, NULL);
	if (wire_get16(&w) != TSIG_TYPE || wire_get16(&w) != TSIG_CLASS_ANY ||
	    wire_get32(&w) != 0)
		return -1;
	rdlen = wire_get16(&w);
	if (!wire_ok(&w) || wire_left(&w) != rdlen)
		return -1;
	rdend = wire_mark(&w) + rdlen;
	wire_getname(&w, rr->algname, NULL);
	hi = wire_get16(&w);
	rr->timesigned = (uint64_t)hi << 32 | wire_get32(&w);
	rr->fudge = wire_get16(&w);
	rr->maclen = wire_get16(&w);
	rr->mac = wire_getptr(&w, rr->maclen);
	rr->origid = wire_get16(&w);
	rr->error = wire_get16(&w);
	rr->otherlen = wire_get16(&w);
	rr->other = wire_getptr(&w, rr->otherlen);
	if (!wire_ok(&w) || wire_mark(&w) != rdend)
		return -1;
	name_lower(rr->keyname);
	name_lower(rr->algname);
	return 0;
}

static void
hmac_u16(br_hmac_context *hc, uint16_t v)
{
	uint8_t	b[2];

	b[0] = v >> 8;
	b[1] = v & 0xff;
	br_hmac_update(hc, b, 2);
}

/* A length-prefixed MAC, as request MAC or prior MAC. */
static void
hmac_mac(br_hmac_context *hc, const uint8_t *mac, size_t maclen)
{
	hmac_u16(hc, (uint16_t)maclen);
	br_hmac_update(hc, mac, maclen);
}

/*
 * The message msg[0, end) as the MAC sees it: ID replaced by id, ARCOUNT
 * replaced by arcount.  end >= HDR_LEN.
 */
static void
hmac_msg(br_hmac_context *hc, const uint8_t *msg, size_t end, uint16_t id,
    uint16_t arcount)
{
	hmac_u16(hc, id);
	br_hmac_update(hc, msg + 2, HDR_ARCOUNT - 2);
	hmac_u16(hc, arcount);
	br_hmac_update(hc, msg + HDR_LEN, end - HDR_LEN);
}

static void
hmac_timers(br_hmac_context *hc, uint64_t t, uint16_t fudge)
{
	hmac_u16(hc, (uint16_t)(t >> 32));
	hmac_u16(hc, (uint16_t)(t >> 16));
	hmac_u16(hc, (uint16_t)t);
	hmac_u16(hc, fudge);
}

/* The TSIG variables of RFC 8945 4.3.3; names already lowercased. */
static void
hmac_vars(br_hmac_context *hc, const uint8_t *keyname,
    const uint8_t *algname, uint64_t t, uint16_t fudge, uint16_t error,
    const uint8_t *other, size_t otherlen)
{
	br_hmac_update(hc, keyname, name_len(keyname, DNS_NAME_MAX));
	hmac_u16(hc, TSIG_CLASS_ANY);
	hmac_u16(hc, 0);
	hmac_u16(hc, 0);		/* TTL */
	br_hmac_update(hc, algname, name_len(algname, DNS_NAME_MAX));
	hmac_timers(hc, t, fudge);
	hmac_u16(hc, error);
	hmac_u16(hc, (uint16_t)otherlen);
	if (otherlen > 0)
		br_hmac_update(hc, other, otherlen);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Check a received MAC of a known algorithm against the computed digest
 * in hc: returns TSIG_NOERROR, TSIG_E_FORMERR (size outside RFC 8945
 * 5.2.2.1) or TSIG_BADSIG.  The comparison is constant-time.
 */
static int
check_mac(br_hmac_context *hc, const struct tsig_key *k, const struct rr *rr)
{
	uint8_t	 full[TSIG_MAC_MAX];
	size_t	 size = algs[k->alg].size;
	int	 ok;

	if (rr->maclen > size || rr->maclen < min_mac(size))
		return TSIG_E_FORMERR;
	br_hmac_out(hc, full);
	ok = ct_equal(full, rr->mac, rr->maclen);
	wipe(full, sizeof(full));
	return ok ? TSIG_NOERROR : TSIG_BADSIG;
}

static int
time_ok(uint64_t timesigned, uint16_t fudge, time_t now)
{
	int64_t	d = (int64_t)now - (int64_t)timesigned;

	return d <= fudge && d >= -(int64_t)fudge;
}

/*
 * The key's truncation policy, after the RFC 8945 5.2.2.1 bounds were
 * checked: a key without one accepts any MAC length within them, as
 * BIND does; a key with one accepts no shorter MAC (else BADTRUNC).
 */
static int
trunc_ok(const struct tsig_key *k, size_t maclen)
{
	return k->trunc == 0 || maclen >= k->trunc;
}

int
tsig_verify(struct tsig_result *res, const uint8_t *msg, size_t len,
    size_t tsigoff, tsig_lookup_fn lookup, void *arg, time_t now)
{
	struct rr		 rr;
	br_hmac_context		 hc;
	const struct tsig_key	*k;
	enum tsig_alg		 alg;
	int			 e;

	memset(res, 0, sizeof(*res));
	res->rcode = TSIG_RCODE_FORMERR;
	res->error = TSIG_NOERROR;
	if (parse_rr(msg, len, tsigoff, &rr) == -1)
		return -1;
	memcpy(res->keyname, rr.keyname, sizeof(res->keyname));
	memcpy(res->algname, rr.algname, sizeof(res->algname));
	res->origid = rr.origid;
	res->timesigned = rr.timesigned;
	res->fudge = rr.fudge;
	res->maclen = rr.maclen < TSIG_MAC_MAX ? rr.maclen : TSIG_MAC_MAX;
	memcpy(res->mac, rr.mac, res->maclen);

	res->rcode = TSIG_RCODE_NOTAUTH;
	if (tsig_alg_from_name(rr.algname, &alg) == -1 ||
	    (k = lookup(arg, rr.keyname, alg)) == NULL ||
	    k->alg != alg || !name_equal(k->name, rr.keyname)) {
		res->error = TSIG_BADKEY;
		return -1;
	}
	if (rr.maclen > algs[alg].size ||
	    rr.maclen < min_mac(algs[alg].size)) {
		res->rcode = TSIG_RCODE_FORMERR;
		return -1;
	}
	res->key = k;

	br_hmac_init(&hc, &k->kc, 0);
	hmac_msg(&hc, msg, tsigoff, rr.origid,
	    get16(msg + HDR_ARCOUNT) - 1);
	hmac_vars(&hc, rr.keyname, rr.algname, rr.timesigned, rr.fudge,
	    rr.error, rr.other, rr.otherlen);
	e = check_mac(&hc, k, &rr);
	wipe(&hc, sizeof(hc));
	if (e != TSIG_NOERROR) {
		res->error = TSIG_BADSIG;
		return -1;
	}
	if (!time_ok(rr.timesigned, rr.fudge, now)) {
		res->error = TSIG_BADTIME;
		return -1;
	}
	if (!trunc_ok(k, rr.maclen)) {
		res->error = TSIG_BADTRUNC;
		return -1;
	}
	res->rcode = TSIG_RCODE_NOERROR;
	return 0;
}

static size_t
rr_size(const uint8_t *keyname, const uint8_t *algname, size_t maclen,
    size_t otherlen)
{
	return name_len(keyname, DNS_NAME_MAX) + 10 +
	    name_len(algname, DNS_NAME_MAX) + 16 + maclen + otherlen;
}

size_t
tsig_key_space(const struct tsig_key *k)
{
	return rr_size(k->name, algs[k->alg].wire, sign_len(k), 0);
}

size_t
tsig_space(const struct tsig_result *res)
{
	switch (res->rcode == TSIG_RCODE_FORMERR ? -1 : res->error) {
	case -1:
		return 0;
	case TSIG_BADKEY:
	case TSIG_BADSIG:
		return rr_size(res->keyname, res->algname, 0, 0);
	case TSIG_BADTIME:
		return tsig_key_space(res->key) + 6;
	default:
		return tsig_key_space(res->key);
	}
}

/* 1 if a TSIG RR for o with a maclen-octet MAC can follow buf[0, len). */
static int
fits(size_t len, size_t cap, const struct out *o, size_t maclen)
{
	return len >= HDR_LEN && len <= cap &&
	    rr_size(o->keyname, o->algname, maclen, o->otherlen) <= cap - len;
}

/*
 * Append the TSIG RR described by o with MAC mac[0, maclen) to
 * buf[0, len) and increment ARCOUNT.  -1 (buf untouched) if it does not
 * fit.
 */
static int
put_rr(uint8_t *buf, size_t len, size_t cap, size_t *outlen,
    const struct out *o, const uint8_t *mac, size_t maclen)
{
	struct wire	w;
	size_t		rdmark;
	uint16_t	ar;

	if (!fits(len, cap, o, maclen) ||
	    (ar = get16(buf + HDR_ARCOUNT)) == 0xffff)
		return -1;
	wire_winit(&w, buf, cap);
	wire_seek(&w, len);
	wire_putname(&w, o->keyname, NULL);
	wire_put16(&w, TSIG_TYPE);
	wire_put16(&w, TSIG_CLASS_ANY);
	wire_put32(&w, 0);
	rdmark = wire_mark(&w);
	wire_put16(&w, 0);
	wire_putname(&w, o->algname, NULL);
	wire_put16(&w, (uint16_t)(o->timesigned >> 32));
	wire_put32(&w, (uint32_t)o->timesigned);
	wire_put16(&w, o->fudge);
	wire_put16(&w, (uint16_t)maclen);
	wire_putbytes(&w, mac, maclen);
	wire_put16(&w, get16(buf));
	wire_put16(&w, o->error);
	wire_put16(&w, (uint16_t)o->otherlen);
	wire_putbytes(&w, o->other, o->otherlen);
	wire_set16(&w, rdmark, (uint16_t)(wire_mark(&w) - rdmark - 2));
	if (!wire_ok(&w))
		return -1;
	*outlen = wire_mark(&w);
	buf[HDR_ARCOUNT] = (ar + 1) >> 8;
	buf[HDR_ARCOUNT + 1] = (ar + 1) & 0xff;
	return 0;
}

/*
 * Sign buf[0, len) with k: hc must already hold whatever precedes the
 * message (request or prior MAC).  full selects all TSIG variables
 * (first or only message) or the timers only.  The MAC is left in
 * mac[TSIG_MAC_MAX], *maclen octets.
 */
static int
sign_with(br_hmac_context *hc, const struct tsig_key *k, uint8_t *buf,
    size_t len, size_t cap, size_t *outlen, const struct out *o, int full,
    uint8_t *mac, size_t *maclen)
{
	uint8_t	 digest[TSIG_MAC_MAX];
	size_t	 n = sign_len(k);
	int	 r;

	if (!fits(len, cap, o, n))
		return -1;
	hmac_msg(hc, buf, len, get16(buf), get16(buf + HDR_ARCOUNT));
	if (full)
		hmac_vars(hc, o->keyname, o->algname, o->timesigned,
		    o->fudge, o->error, o->other, o->otherlen);
	else
		hmac_timers(hc, o->timesigned, o->fudge);
	br_hmac_out(hc, digest);
	r = put_rr(buf, len, cap, outlen, o, digest, n);
	if (r == 0 && mac != NULL) {
		memcpy(mac, digest, n);
		*maclen = n;
	}
	wipe(digest, sizeof(digest));
	return r;
}

static void
put48(uint8_t *p, uint64_t t)
{
	int	i;

	for (i = 5; i >= 0; i--) {
		p[i] = t & 0xff;
		t >>= 8;
	}
}

int
tsig_sign_response(const struct tsig_result *res, uint8_t *buf, size_t len,
    size_t cap, size_t *outlen, time_t now)
{
	br_hmac_context		 hc;
	struct out		 o;
	uint8_t			 other[6];
	int			 r;

	if (res->rcode == TSIG_RCODE_FORMERR)
		return -1;
	memset(&o, 0, sizeof(o));
	o.keyname = res->keyname;
	o.algname = res->algname;
	o.timesigned = (uint64_t)now;
	o.fudge = TSIG_FUDGE;
	o.error = (uint16_t)res->error;
	if (res->error == TSIG_BADKEY || res->error == TSIG_BADSIG ||
	    res->key == NULL)
		return put_rr(buf, len, cap, outlen, &o, NULL, 0);
	if (res->error == TSIG_BADTIME) {
		put48(other, (uint64_t)now);
		o.other = other;
		o.otherlen = sizeof(other);
		o.timesigned = res->timesigned;
	}
	br_hmac_init(&hc, &res->key->kc, 0);
	hmac_mac(&hc, res->mac, res->maclen);
	r = sign_with(&hc, res->key, buf, len, cap, outlen, &o, 1, NULL, NULL);
	wipe(&hc, sizeof(hc));
	return r;
}

int
tsig_sign_request(const struct tsig_key *k, uint8_t *buf, size_t len,
    size_t cap, size_t *outlen, time_t now, uint8_t *mac, size_t *maclen)
{
	br_hmac_context		 hc;
	struct out		 o;
	int			 r;

	memset(&o, 0, sizeof(o));
	o.keyname = k->name;
	o.algname = algs[k->alg].wire;
	o.timesigned = (uint64_t)now;
	o.fudge = TSIG_FUDGE;
	br_hmac_init(&hc, &k->kc, 0);
	r = sign_with(&hc, k, buf, len, cap, outlen, &o, 1, mac, maclen);
	wipe(&hc, sizeof(hc));
	return r;
}

void
tsig_stream_init(struct tsig_stream *st, const struct tsig_key *k,
    const uint8_t *reqmac, size_t reqmaclen)
{
	memset(st, 0, sizeof(*st));
	st->key = k;
	if (reqmaclen > TSIG_MAC_MAX)
		reqmaclen = TSIG_MAC_MAX;
	if (reqmaclen > 0)
		memcpy(st->reqmac, reqmac, reqmaclen);
	st->reqmaclen = reqmaclen;
	st->kc = k->kc;
	br_hmac_init(&st->hc, &st->kc, 0);
}

static int
stream_fail(struct tsig_stream *st, int error)
{
	st->failed = 1;
	st->error = error;
	wipe(&st->hc, sizeof(st->hc));
	return -1;
}

/* After a signed message with MAC mac: start covering the next ones. */
static void
stream_chain(struct tsig_stream *st, const uint8_t *mac, size_t maclen)
{
	br_hmac_init(&st->hc, &st->kc, 0);
	hmac_mac(&st->hc, mac, maclen);
	st->nsigned++;
	st->nunsigned = 0;
}

/* An unsigned message: allowed only after a signed one, 99 in a row. */
static int
stream_unsigned(struct tsig_stream *st, const uint8_t *msg, size_t len)
{
	if (st->nsigned == 0 || st->nunsigned >= TSIG_UNSIGNED_MAX)
		return stream_fail(st, TSIG_E_UNSIGNED);
	br_hmac_update(&st->hc, msg, len);
	st->nunsigned++;
	return 0;
}

int
tsig_stream_verify(struct tsig_stream *st, const uint8_t *msg, size_t len,
    size_t tsigoff, time_t now)
{
	const struct tsig_key	*k = st->key;
	struct rr		 rr;
	enum tsig_alg		 alg;
	int			 e;

	if (st->failed)
		return -1;
	if (tsigoff == TSIG_NONE)
		return stream_unsigned(st, msg, len);
	if (parse_rr(msg, len, tsigoff, &rr) == -1)
		return stream_fail(st, TSIG_E_FORMERR);
	if (tsig_alg_from_name(rr.algname, &alg) == -1 || alg != k->alg ||
	    !name_equal(rr.keyname, k->name))
		return stream_fail(st, TSIG_BADKEY);
	st->peer_error = rr.error;
	if (rr.error != TSIG_NOERROR && rr.maclen == 0)
		return stream_fail(st, TSIG_E_PEER);
	if (st->nsigned == 0 && st->reqmaclen > 0)
		hmac_mac(&st->hc, st->reqmac, st->reqmaclen);
	hmac_msg(&st->hc, msg, tsigoff, rr.origid,
	    get16(msg + HDR_ARCOUNT) - 1);
	if (st->nsigned == 0)
		hmac_vars(&st->hc, rr.keyname, rr.algname, rr.timesigned,
		    rr.fudge, rr.error, rr.other, rr.otherlen);
	else
		hmac_timers(&st->hc, rr.timesigned, rr.fudge);
	if ((e = check_mac(&st->hc, k, &rr)) != TSIG_NOERROR)
		return stream_fail(st, e);
	if (rr.error != TSIG_NOERROR)
		return stream_fail(st, TSIG_E_PEER);
	if (!time_ok(rr.timesigned, rr.fudge, now))
		return stream_fail(st, TSIG_BADTIME);
	if (!trunc_ok(k, rr.maclen))
		return stream_fail(st, TSIG_BADTRUNC);
	stream_chain(st, rr.mac, rr.maclen);
	return 0;
}

int
tsig_stream_sign(struct tsig_stream *st, uint8_t *buf, size_t len,
    size_t cap, size_t *outlen, int sign, time_t now)
{
	const struct tsig_key	*k = st->key;
	struct out		 o;
	uint8_t			 mac[TSIG_MAC_MAX];
	size_t			 maclen;
	int			 first = st->nsigned == 0;

	if (st->failed || len < HDR_LEN || len > cap)
		return -1;
	if (!sign) {
		if (stream_unsigned(st, buf, len) == -1)
			return -1;
		*outlen = len;
		return 0;
	}
	memset(&o, 0, sizeof(o));
	o.keyname = k->name;
	o.algname = algs[k->alg].wire;
	o.timesigned = (uint64_t)now;
	o.fudge = TSIG_FUDGE;
	if (!fits(len, cap, &o, sign_len(k)))
		return -1;
	if (first && st->reqmaclen > 0)
		hmac_mac(&st->hc, st->reqmac, st->reqmaclen);
	if (sign_with(&st->hc, k, buf, len, cap, outlen, &o, first, mac,
	    &maclen) == -1)
		return stream_fail(st, TSIG_E_FORMERR);
	stream_chain(st, mac, maclen);
	wipe(mac, sizeof(mac));
	return 0;
}

int
tsig_stream_end(struct tsig_stream *st)
{
	if (st->failed)
		return -1;
	if (st->nsigned == 0 || st->nunsigned > 0) {
		st->failed = 1;
		st->error = TSIG_E_UNSIGNED;
		return -1;
	}
	return 0;
}

void
tsig_stream_wipe(struct tsig_stream *st)
{
	wipe(st, sizeof(*st));
}
