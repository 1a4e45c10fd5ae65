/*
 * dns/tsig.c: TSIG (RFC 8945) signing and verification over raw messages.
 */
#include <string.h>
#include <strings.h>

#include "dns/name.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "sha256.h"

#define HDR_LEN		12
#define HDR_ARCOUNT	10

/*
 * The TSIG variables (RFC 8945 4.3.3) are assembled on the stack and
 * fed to the HMAC in one piece: both names, class, TTL, Time Signed,
 * Fudge, Error, Other Len and Other Data when it is no longer than
 * VARS_OTHER_MAX octets (the server's time in a BADTIME answer).
 * Longer Other Data, only ever seen in received messages, follows in a
 * second piece.
 */
#define VARS_OTHER_MAX	6
#define VARS_MAX	(2 * DNS_NAME_MAX + 6 + 10 + VARS_OTHER_MAX)
/* A length-prefixed request or prior MAC followed by the header. */
#define HEAD_MAX	(2 + TSIG_MAC_MAX + HDR_LEN)

struct alg {
	const char		*text;
	const uint8_t		*wire;
	size_t			 wirelen;
	size_t			 size;
	const br_hash_class	*vt;
};

static const uint8_t n_md5[] = "\010hmac-md5\007sig-alg\003reg\003int";
static const uint8_t n_sha1[] = "\011hmac-sha1";
static const uint8_t n_sha224[] = "\013hmac-sha224";
static const uint8_t n_sha256[] = "\013hmac-sha256";
static const uint8_t n_sha384[] = "\013hmac-sha384";
static const uint8_t n_sha512[] = "\013hmac-sha512";

/*
 * Indexed by enum tsig_alg.  The wire names are string literals whose
 * terminating NUL is the root label, so sizeof gives the wire length.
 */
static const struct alg algs[TSIG_ALG_COUNT] = {
	{ "hmac-md5.sig-alg.reg.int", n_md5, sizeof(n_md5), 16,
	    &br_md5_vtable },
	{ "hmac-sha1", n_sha1, sizeof(n_sha1), 20, &br_sha1_vtable },
	{ "hmac-sha224", n_sha224, sizeof(n_sha224), 28, &br_sha224_vtable },
	{ "hmac-sha256", n_sha256, sizeof(n_sha256), 32, &sha256_vtable },
	{ "hmac-sha384", n_sha384, sizeof(n_sha384), 48, &br_sha384_vtable },
	{ "hmac-sha512", n_sha512, sizeof(n_sha512), 64, &br_sha512_vtable },
};

/*
 * The TSIG variables of one RR, as covered by the MAC and written to
 * the wire.  Names are lowercased wire names of keylen and alglen
 * octets (both counted with the root label).
 */
struct vars {
	const uint8_t	*keyname;
	size_t		 keylen;
	const uint8_t	*algname;
	size_t		 alglen;
	uint64_t	 timesigned;
	uint16_t	 fudge;
	uint16_t	 error;
	const uint8_t	*other;
	size_t		 otherlen;
};

/*
 * One parsed TSIG RR.  The names are copied out into caller buffers
 * (v.keyname, v.algname); mac and v.other point into the message.
 */
struct rr {
	struct vars	 v;
	uint16_t	 maclen;
	const uint8_t	*mac;
	uint16_t	 origid;
};

/*
 * Erase secret material.  memset is called through a volatile pointer so
 * that the compiler cannot prove the stores dead and drop them.
 */
static void *(*const volatile wipe_memset)(void *, int, size_t) = memset;

static void
wipe(void *p, size_t n)
{
	(void)wipe_memset(p, 0, n);
}

/* Constant-time in n: 1 when equal. */
static int
ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t	x, y, d = 0;
	size_t		i = 0;

	for (; n - i >= 8; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		d |= x ^ y;
	}
	for (; i < n; i++)
		d |= (uint64_t)(a[i] ^ b[i]);
	return d == 0;
}


static uint8_t
lc(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/*
 * The algorithm whose wire name equals name, compared case-insensitively
 * octet by octet, which for wire names is name equality: a length octet
 * only matches itself.  The comparison stops at the first difference,
 * so it never reads past the end of name.  -1 if none.
 */
static int
alg_find(const uint8_t *name, enum tsig_alg *alg)
{
	const uint8_t	*w;
	size_t		 i, n;
	int		 a;

	for (a = 0; a < TSIG_ALG_COUNT; a++) {
		w = algs[a].wire;
		n = algs[a].wirelen;
		for (i = 0; i < n && lc(name[i]) == w[i]; i++)
			continue;
		if (i == n) {
			*alg = (enum tsig_alg)a;
			return 0;
		}
	}
	return -1;
}

int
tsig_alg_from_name(const uint8_t *name, enum tsig_alg *alg)
{
	return alg_find(name, alg);
}

/* alg_find() for a lowercased name of len octets. */
static int
alg_find_lc(const uint8_t *name, size_t len, enum tsig_alg *alg)
{
	int	a;

	for (a = 0; a < TSIG_ALG_COUNT; a++) {
		if (len == algs[a].wirelen &&
		    memcmp(name, algs[a].wire, len) == 0) {
			*alg = (enum tsig_alg)a;
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
 * MAC octets of an answer to a request whose MAC had reqlen octets: the
 * key's length, but never shorter than the request's (RFC 8945 5.2.2.1
 * and 5.3; BIND does the same), and never longer than the digest.
 */
static size_t
answer_len(const struct tsig_key *k, size_t reqlen)
{
	size_t	n = sign_len(k);

	if (reqlen > algs[k->alg].size)
		reqlen = algs[k->alg].size;
	return reqlen > n ? reqlen : n;
}

/*
 * Parse the TSIG RR at off, which must be the last RR of msg.  The names
 * are copied, lowercased, into keyname and algname (DNS_NAME_MAX octets
 * each), which rr->v then points to.  -1 if malformed.
 */
static int
parse_rr(const uint8_t *msg, size_t len, size_t off, uint8_t *keyname,
    uint8_t *algname, struct rr *rr)
{
	struct wire	 w;
	const uint8_t	*p;
	size_t		 rdend;
	uint16_t	 rdlen;

	if (len < HDR_LEN || off < HDR_LEN || off >= len)
		return -1;
	if (wire_load16(msg + HDR_ARCOUNT) == 0)
		return -1;
	wire_rinit(&w, msg, len);
	wire_seek(&w, off);
	wire_getname(&w, keyname, &rr->v.keylen);
	/* Type, class, TTL and RDLENGTH. */
	if ((p = wire_getptr(&w, 10)) == NULL || wire_load16(p) != TSIG_TYPE ||
	    wire_load16(p + 2) != TSIG_CLASS_ANY || wire_load16(p + 4) != 0 ||
	    wire_load16(p + 6) != 0)
		return -1;
	rdlen = wire_load16(p + 8);
	if (!wire_ok(&w) || wire_left(&w) != rdlen)
		return -1;
	rdend = wire_mark(&w) + rdlen;
	wire_getname(&w, algname, &rr->v.alglen);
	/* Time Signed, Fudge and MAC Size. */
	if ((p = wire_getptr(&w, 10)) == NULL)
		return -1;
	rr->v.timesigned = wire_load48(p);
	rr->v.fudge = wire_load16(p + 6);
	rr->maclen = wire_load16(p + 8);
	rr->mac = wire_getptr(&w, rr->maclen);
	/* Original ID, Error and Other Len. */
	if ((p = wire_getptr(&w, 6)) == NULL)
		return -1;
	rr->origid = wire_load16(p);
	rr->v.error = wire_load16(p + 2);
	rr->v.otherlen = wire_load16(p + 4);
	rr->v.other = wire_getptr(&w, rr->v.otherlen);
	if (!wire_ok(&w) || wire_mark(&w) != rdend)
		return -1;
	name_lower(keyname);
	name_lower(algname);
	rr->v.keyname = keyname;
	rr->v.algname = algname;
	return 0;
}

/*
 * The MAC covers, in this order: a length-prefixed request or prior MAC
 * (not always), the message with its ID and ARCOUNT replaced, then the
 * TSIG variables or only the timers.  feed_head() and feed_vars() give
 * them to the HMAC in as few pieces as they can.
 */

/*
 * The length-prefixed MAC pre[0, prelen) when pre is not NULL, then the
 * message msg[0, end) with ID replaced by id and ARCOUNT by arcount.
 * end >= HDR_LEN and prelen <= TSIG_MAC_MAX.
 */
static void
feed_head(br_hmac_context *hc, const uint8_t *pre, size_t prelen,
    const uint8_t *msg, size_t end, uint16_t id, uint16_t arcount)
{
	uint8_t	 head[HEAD_MAX], *h = head;

	if (pre != NULL) {
		wire_store16(h, (uint16_t)prelen);
		memcpy(h + 2, pre, prelen);
		h += 2 + prelen;
	}
	wire_store16(h, id);
	memcpy(h + 2, msg + 2, HDR_ARCOUNT - 2);
	wire_store16(h + HDR_ARCOUNT, arcount);
	h += HDR_LEN;
	br_hmac_update(hc, head, (size_t)(h - head));
	br_hmac_update(hc, msg + HDR_LEN, end - HDR_LEN);
}

/*
 * The TSIG variables of RFC 8945 4.3.3 when full, else the timers (Time
 * Signed, Fudge) only.
 */
static void
feed_vars(br_hmac_context *hc, const struct vars *v, int full)
{
	uint8_t	 b[VARS_MAX], *p = b;

	if (full) {
		memcpy(p, v->keyname, v->keylen);
		p += v->keylen;
		wire_store16(p, TSIG_CLASS_ANY);
		memset(p + 2, 0, 4);		/* TTL */
		p += 6;
		memcpy(p, v->algname, v->alglen);
		p += v->alglen;
	}
	wire_store48(p, v->timesigned);
	wire_store16(p + 6, v->fudge);
	p += 8;
	if (full) {
		wire_store16(p, v->error);
		wire_store16(p + 2, (uint16_t)v->otherlen);
		p += 4;
		if (v->otherlen <= VARS_OTHER_MAX) {
			if (v->otherlen > 0)
				memcpy(p, v->other, v->otherlen);
			p += v->otherlen;
		}
	}
	br_hmac_update(hc, b, (size_t)(p - b));
	if (full && v->otherlen > VARS_OTHER_MAX)
		br_hmac_update(hc, v->other, v->otherlen);
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
	wipe(full, size);
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
	if (parse_rr(msg, len, tsigoff, res->keyname, res->algname,
	    &rr) == -1) {
		memset(res->keyname, 0, sizeof(res->keyname));
		memset(res->algname, 0, sizeof(res->algname));
		return -1;
	}
	res->origid = rr.origid;
	res->timesigned = rr.v.timesigned;
	res->fudge = rr.v.fudge;
	res->maclen = rr.maclen < TSIG_MAC_MAX ? rr.maclen : TSIG_MAC_MAX;
	memcpy(res->mac, rr.mac, res->maclen);

	/*
	 * The names are lowercased: the key's name matches octet for
	 * octet, and as wire names are prefix-free, comparing keylen
	 * octets compares the whole names.
	 */
	res->rcode = TSIG_RCODE_NOTAUTH;
	if (alg_find_lc(rr.v.algname, rr.v.alglen, &alg) == -1 ||
	    (k = lookup(arg, rr.v.keyname, alg)) == NULL ||
	    k->alg != alg || memcmp(k->name, rr.v.keyname, rr.v.keylen) != 0) {
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
	feed_head(&hc, NULL, 0, msg, tsigoff, rr.origid,
	    wire_load16(msg + HDR_ARCOUNT) - 1);
	feed_vars(&hc, &rr.v, 1);
	e = check_mac(&hc, k, &rr);
	wipe(&hc, sizeof(hc));
	if (e != TSIG_NOERROR) {
		res->error = TSIG_BADSIG;
		return -1;
	}
	if (!time_ok(rr.v.timesigned, rr.v.fudge, now)) {
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
rr_size(size_t keylen, size_t alglen, size_t maclen, size_t otherlen)
{
	return keylen + 10 + alglen + 16 + maclen + otherlen;
}

size_t
tsig_key_space(const struct tsig_key *k)
{
	return rr_size(name_len(k->name, DNS_NAME_MAX), algs[k->alg].wirelen,
	    sign_len(k), 0);
}

size_t
tsig_space(const struct tsig_result *res)
{
	switch (res->rcode == TSIG_RCODE_FORMERR ? -1 : res->error) {
	case -1:
		return 0;
	case TSIG_BADKEY:
	case TSIG_BADSIG:
		return rr_size(name_len(res->keyname, DNS_NAME_MAX),
		    name_len(res->algname, DNS_NAME_MAX), 0, 0);
	case TSIG_BADTIME:
		return rr_size(name_len(res->key->name, DNS_NAME_MAX),
		    algs[res->key->alg].wirelen, answer_len(res->key,
		    res->maclen), 6);
	default:
		return rr_size(name_len(res->key->name, DNS_NAME_MAX),
		    algs[res->key->alg].wirelen, answer_len(res->key,
		    res->maclen), 0);
	}
}

/*
 * Fill in the name lengths of v from its names.  -1 if a name is not a
 * well-formed uncompressed wire name.
 */
static int
vars_names(struct vars *v, const uint8_t *keyname, const uint8_t *algname)
{
	v->keyname = keyname;
	v->algname = algname;
	v->keylen = name_len(keyname, DNS_NAME_MAX);
	v->alglen = name_len(algname, DNS_NAME_MAX);
	return v->keylen == 0 || v->alglen == 0 ? -1 : 0;
}

/* 1 if a TSIG RR for v with a maclen-octet MAC can follow buf[0, len). */
static int
fits(size_t len, size_t cap, const struct vars *v, size_t maclen)
{
	return len >= HDR_LEN && len <= cap &&
	    rr_size(v->keylen, v->alglen, maclen, v->otherlen) <= cap - len;
}

/*
 * Append the TSIG RR described by v with MAC mac[0, maclen) to
 * buf[0, len) and increment ARCOUNT.  -1 (buf untouched) if it does not
 * fit.
 */
static int
put_rr(uint8_t *buf, size_t len, size_t cap, size_t *outlen,
    const struct vars *v, const uint8_t *mac, size_t maclen)
{
	uint8_t		*p = buf + len;
	uint16_t	 ar;

	if (!fits(len, cap, v, maclen) ||
	    (ar = wire_load16(buf + HDR_ARCOUNT)) == 0xffff)
		return -1;
	memcpy(p, v->keyname, v->keylen);
	p += v->keylen;
	wire_store16(p, TSIG_TYPE);
	wire_store16(p + 2, TSIG_CLASS_ANY);
	memset(p + 4, 0, 4);			/* TTL */
	wire_store16(p + 8, (uint16_t)(v->alglen + 16 + maclen + v->otherlen));
	p += 10;
	memcpy(p, v->algname, v->alglen);
	p += v->alglen;
	wire_store48(p, v->timesigned);
	wire_store16(p + 6, v->fudge);
	wire_store16(p + 8, (uint16_t)maclen);
	p += 10;
	if (maclen > 0)
		memcpy(p, mac, maclen);
	p += maclen;
	memcpy(p, buf, 2);			/* Original ID */
	wire_store16(p + 2, v->error);
	wire_store16(p + 4, (uint16_t)v->otherlen);
	p += 6;
	if (v->otherlen > 0)
		memcpy(p, v->other, v->otherlen);
	p += v->otherlen;
	*outlen = (size_t)(p - buf);
	wire_store16(buf + HDR_ARCOUNT, ar + 1);
	return 0;
}

/*
 * Sign buf[0, len) with an n-octet MAC: hc, started with the key, must
 * already hold whatever precedes the message unless pre is given, which
 * is then covered first as a length-prefixed MAC (request or prior MAC).
 * full selects all TSIG variables (first or only message) or the timers
 * only.  The MAC is left in mac[TSIG_MAC_MAX], *maclen octets, if mac is
 * not NULL.
 */
static int
sign_with(br_hmac_context *hc, size_t n, uint8_t *buf, size_t len,
    size_t cap, size_t *outlen, const struct vars *v, int full,
    const uint8_t *pre, size_t prelen, uint8_t *mac, size_t *maclen)
{
	uint8_t	 digest[TSIG_MAC_MAX];
	int	 r;

	if (!fits(len, cap, v, n))
		return -1;
	feed_head(hc, pre, prelen, buf, len, wire_load16(buf),
	    wire_load16(buf + HDR_ARCOUNT));
	feed_vars(hc, v, full);
	br_hmac_out(hc, digest);
	r = put_rr(buf, len, cap, outlen, v, digest, n);
	if (r == 0 && mac != NULL) {
		memcpy(mac, digest, n);
		*maclen = n;
	}
	wipe(digest, sizeof(digest));
	return r;
}

int
tsig_sign_response(const struct tsig_result *res, uint8_t *buf, size_t len,
    size_t cap, size_t *outlen, time_t now)
{
	br_hmac_context		 hc;
	struct vars		 v;
	uint8_t			 other[6];
	int			 r;

	if (res->rcode == TSIG_RCODE_FORMERR)
		return -1;
	memset(&v, 0, sizeof(v));
	if (vars_names(&v, res->keyname, res->algname) == -1)
		return -1;
	v.timesigned = (uint64_t)now;
	v.fudge = TSIG_FUDGE;
	v.error = (uint16_t)res->error;
	if (res->error == TSIG_BADKEY || res->error == TSIG_BADSIG ||
	    res->key == NULL)
		return put_rr(buf, len, cap, outlen, &v, NULL, 0);
	if (res->error == TSIG_BADTIME) {
		wire_store48(other, (uint64_t)now);
		v.other = other;
		v.otherlen = sizeof(other);
		v.timesigned = res->timesigned;
	}
	br_hmac_init(&hc, &res->key->kc, 0);
	r = sign_with(&hc, answer_len(res->key, res->maclen), buf,
	    len, cap, outlen, &v, 1, res->mac, res->maclen, NULL, NULL);
	wipe(&hc, sizeof(hc));
	return r;
}

/* The variables of a message signed with k at time now. */
static void
key_vars(struct vars *v, const struct tsig_key *k, time_t now)
{
	memset(v, 0, sizeof(*v));
	v->keyname = k->name;
	v->keylen = name_len(k->name, DNS_NAME_MAX);
	v->algname = algs[k->alg].wire;
	v->alglen = algs[k->alg].wirelen;
	v->timesigned = (uint64_t)now;
	v->fudge = TSIG_FUDGE;
}

int
tsig_sign_request(const struct tsig_key *k, uint8_t *buf, size_t len,
    size_t cap, size_t *outlen, time_t now, uint8_t *mac, size_t *maclen)
{
	br_hmac_context		 hc;
	struct vars		 v;
	int			 r;

	key_vars(&v, k, now);
	br_hmac_init(&hc, &k->kc, 0);
	r = sign_with(&hc, sign_len(k), buf, len, cap, outlen, &v, 1, NULL,
	    0, mac, maclen);
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
	uint8_t	 b[2 + TSIG_MAC_MAX];

	br_hmac_init(&st->hc, &st->kc, 0);
	wire_store16(b, (uint16_t)maclen);
	memcpy(b + 2, mac, maclen);
	br_hmac_update(&st->hc, b, 2 + maclen);
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

/* The request MAC, which the first message of a stream covers first. */
static const uint8_t *
stream_pre(const struct tsig_stream *st)
{
	return st->nsigned == 0 && st->reqmaclen > 0 ? st->reqmac : NULL;
}

int
tsig_stream_verify(struct tsig_stream *st, const uint8_t *msg, size_t len,
    size_t tsigoff, time_t now)
{
	const struct tsig_key	*k = st->key;
	struct rr		 rr;
	uint8_t			 keyname[DNS_NAME_MAX];
	uint8_t			 algname[DNS_NAME_MAX];
	enum tsig_alg		 alg;
	int			 e;

	if (st->failed)
		return -1;
	if (tsigoff == TSIG_NONE)
		return stream_unsigned(st, msg, len);
	if (parse_rr(msg, len, tsigoff, keyname, algname, &rr) == -1)
		return stream_fail(st, TSIG_E_FORMERR);
	if (alg_find_lc(algname, rr.v.alglen, &alg) == -1 ||
	    alg != k->alg ||
	    memcmp(k->name, keyname, rr.v.keylen) != 0)
		return stream_fail(st, TSIG_BADKEY);
	st->peer_error = rr.v.error;
	if (rr.v.error != TSIG_NOERROR && rr.maclen == 0)
		return stream_fail(st, TSIG_E_PEER);
	feed_head(&st->hc, stream_pre(st), st->reqmaclen, msg, tsigoff,
	    rr.origid, wire_load16(msg + HDR_ARCOUNT) - 1);
	feed_vars(&st->hc, &rr.v, st->nsigned == 0);
	if ((e = check_mac(&st->hc, k, &rr)) != TSIG_NOERROR)
		return stream_fail(st, e);
	if (rr.v.error != TSIG_NOERROR)
		return stream_fail(st, TSIG_E_PEER);
	if (!time_ok(rr.v.timesigned, rr.v.fudge, now))
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
	struct vars		 v;
	uint8_t			 mac[TSIG_MAC_MAX];
	size_t			 maclen;

	if (st->failed || len < HDR_LEN || len > cap)
		return -1;
	if (!sign) {
		if (stream_unsigned(st, buf, len) == -1)
			return -1;
		*outlen = len;
		return 0;
	}
	key_vars(&v, k, now);
	if (!fits(len, cap, &v, answer_len(k, st->reqmaclen)))
		return -1;
	if (sign_with(&st->hc, answer_len(k, st->reqmaclen), buf, len, cap,
	    outlen, &v, st->nsigned == 0, stream_pre(st), st->reqmaclen, mac,
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
