/*
 * sigv4.c: AWS Signature Version 4, no allocation, no I/O.
 *
 * The canonical request is produced through a sink that either stores
 * it in a caller buffer or feeds it to SHA-256, so signing never needs
 * room for it.  A hashing sink gathers the many small pieces in a stack
 * buffer and hashes them a buffer at a time.
 */
/* Debian's BearSSL headers test an undefined macro under -Wundef. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wundef"
#include <bearssl.h>
#pragma GCC diagnostic pop
#include <limits.h>
#include <string.h>
#include <time.h>

#include "aws/sigv4.h"
#include "aws/util.h"
#include "sha256.h"

#define ALGORITHM	"AWS4-HMAC-SHA256"
#define TERMINATOR	"aws4_request"

#define SINK_HBUF	256

/*
 * Output sink: stores into buf or hashes into sha, never both.
 * Invariants, unless err is set: when buf is set, buf[0..len) holds
 * everything put so far and len < cap; when sha is set, sha has been
 * given everything put so far but hbuf[0..hlen), and hlen < SINK_HBUF.
 * sink_flush() empties hbuf before the hash is taken.
 */
struct sink {
	char			*buf;
	size_t			 cap;
	size_t			 len;
	struct sha256_ctx	*sha;
	size_t			 hlen;
	int			 err;
	unsigned char		 hbuf[SINK_HBUF];
};

/* A header chosen for signing, with its name compared in lower case. */
struct hdr {
	const char	*name;
	const char	*value;
};

/* Headers never signed (botocore SIGNED_HEADERS_BLACKLIST and hop-by-hop). */
static const char *const skip_headers[] = {
	"authorization", "connection", "expect", "keep-alive",
	"proxy-authenticate", "proxy-authorization", "te", "trailer",
	"transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
	NULL
};

/* A storing sink (buf set) or a hashing one (sha set). */
static void
sink_init(struct sink *s, char *buf, size_t cap, struct sha256_ctx *sha)
{
	s->buf = buf;
	s->cap = cap;
	s->len = 0;
	s->sha = buf == NULL ? sha : NULL;
	s->hlen = 0;
	s->err = (buf != NULL && (cap == 0 || cap > INT_MAX));
	if (buf != NULL && cap > 0)
		buf[0] = '\0';
}

static void
sink_flush(struct sink *s)
{
	if (s->sha != NULL && s->hlen > 0)
		sha256_update(s->sha, s->hbuf, s->hlen);
	s->hlen = 0;
}

static void
sink_put(struct sink *s, const void *p, size_t n)
{
	if (s->err)
		return;
	if (s->sha != NULL) {
		if (n >= SINK_HBUF - s->hlen) {
			sink_flush(s);
			if (n >= SINK_HBUF) {
				sha256_update(s->sha, p, n);
				s->len += n;
				return;
			}
		}
		memcpy(s->hbuf + s->hlen, p, n);
		s->hlen += n;
	} else if (s->buf != NULL) {
		if (n >= s->cap - s->len) {
			s->err = 1;
			return;
		}
		memcpy(s->buf + s->len, p, n);
		s->buf[s->len + n] = '\0';
	}
	s->len += n;
}

static void
sink_str(struct sink *s, const char *str)
{
	sink_put(s, str, strlen(str));
}

static void
sink_chr(struct sink *s, char c)
{
	sink_put(s, &c, 1);
}

static int
sink_done(const struct sink *s)
{
	if (s->err || s->len > INT_MAX)
		return -1;
	return (int)s->len;
}

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == '~';
}

/* Encoded form of one byte into e (1 or 3 characters); returns length. */
static size_t
enc1(unsigned char c, char e[3])
{
	static const char	hexu[] = "0123456789ABCDEF";

	if (unreserved(c)) {
		e[0] = (char)c;
		return 1;
	}
	e[0] = '%';
	e[1] = hexu[c >> 4];
	e[2] = hexu[c & 0x0f];
	return 3;
}

static void
sink_enc(struct sink *s, const char *p, size_t n)
{
	char	e[96];
	size_t	i, k = 0;

	for (i = 0; i < n; i++) {
		if (k > sizeof(e) - 3) {
			sink_put(s, e, k);
			k = 0;
		}
		k += enc1((unsigned char)p[i], e + k);
	}
	sink_put(s, e, k);
}

/* Compare the encoded forms of a and b without building them. */
static int
enc_cmp(const char *a, const char *b)
{
	char	ea[3], eb[3];
	size_t	ia = 0, na = 0, ib = 0, nb = 0;

	for (;;) {
		if (ia == na) {
			ia = 0;
			na = *a != '\0' ? enc1((unsigned char)*a++, ea) : 0;
		}
		if (ib == nb) {
			ib = 0;
			nb = *b != '\0' ? enc1((unsigned char)*b++, eb) : 0;
		}
		if (na == 0 || nb == 0)
			return (na != 0) - (nb != 0);
		if (ea[ia] != eb[ib])
			return (unsigned char)ea[ia] - (unsigned char)eb[ib];
		ia++;
		ib++;
	}
}

static int
lc(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Compare header names as their lower-case forms. */
static int
name_cmp(const char *a, const char *b)
{
	while (*a != '\0' && lc((unsigned char)*a) == lc((unsigned char)*b)) {
		a++;
		b++;
	}
	return lc((unsigned char)*a) - lc((unsigned char)*b);
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\v' || c == '\f';
}

/* A header name: non-empty, printable, no white space or colon. */
static int
valid_name(const char *n)
{
	if (*n == '\0')
		return 0;
	for (; *n != '\0'; n++)
		if ((unsigned char)*n <= ' ' || (unsigned char)*n >= 0x7f ||
		    *n == ':')
			return 0;
	return 1;
}

/* Scope element or access key: printable, no white space, / or ,. */
static int
valid_token(const char *t, size_t max)
{
	size_t	n = 0;

	if (t == NULL || *t == '\0')
		return 0;
	for (; *t != '\0'; t++, n++)
		if ((unsigned char)*t <= ' ' || (unsigned char)*t >= 0x7f ||
		    *t == '/' || *t == ',' || n >= max)
			return 0;
	return 1;
}

int
sigv4_amzdate(time_t t, char out[SIGV4_DATE_SIZE])
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < 70 ||
	    tm.tm_year > 9999 - 1900)
		return -1;
	if (strftime(out, SIGV4_DATE_SIZE, "%Y%m%dT%H%M%SZ", &tm) !=
	    SIGV4_DATE_SIZE - 1)
		return -1;
	return 0;
}

/*
 * Canonical URI into s.  Dot segments are resolved on a stack of the
 * surviving segments first, so nothing already put is taken back (the
 * sink may be a hash).
 */
static void
put_uri(struct sink *s, const char *path)
{
	const char	*seg[SIGV4_MAX_SEGMENTS];
	size_t		 segl[SIGV4_MAX_SEGMENTS];
	size_t		 nseg = 0, i, plen, l;
	const char	*p, *e;

	plen = strlen(path);
	if (plen == 0) {
		sink_chr(s, '/');
		return;
	}
	for (p = path; p < path + plen; p = e + 1) {
		e = memchr(p, '/', (size_t)(path + plen - p));
		if (e == NULL)
			e = path + plen;
		l = (size_t)(e - p);
		if (l == 0 || (l == 1 && p[0] == '.'))
			continue;
		if (l == 2 && p[0] == '.' && p[1] == '.') {
			if (nseg > 0)
				nseg--;
			continue;
		}
		if (nseg == SIGV4_MAX_SEGMENTS) {
			s->err = 1;
			return;
		}
		seg[nseg] = p;
		segl[nseg++] = l;
	}
	if (path[0] == '/')
		sink_chr(s, '/');
	for (i = 0; i < nseg; i++) {
		if (i > 0)
			sink_chr(s, '/');
		sink_enc(s, seg[i], segl[i]);
	}
	if (path[plen - 1] == '/' && nseg > 0)
		sink_chr(s, '/');
}

static void
put_query(struct sink *s, const struct sigv4_param *params, size_t n)
{
	const struct sigv4_param	*ord[SIGV4_MAX_PARAMS], *t;
	const char			*v;
	size_t				 i, j;
	int				 c;

	if (n > SIGV4_MAX_PARAMS || (n > 0 && params == NULL)) {
		s->err = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		if (params[i].key == NULL) {
			s->err = 1;
			return;
		}
		ord[i] = &params[i];
	}
	/* Insertion sort on (encoded key, encoded value). */
	for (i = 1; i < n; i++) {
		t = ord[i];
		for (j = i; j > 0; j--) {
			c = enc_cmp(ord[j - 1]->key, t->key);
			if (c == 0)
				c = enc_cmp(ord[j - 1]->value != NULL ?
				    ord[j - 1]->value : "",
				    t->value != NULL ? t->value : "");
			if (c <= 0)
				break;
			ord[j] = ord[j - 1];
		}
		ord[j] = t;
	}
	for (i = 0; i < n; i++) {
		if (i > 0)
			sink_chr(s, '&');
		sink_enc(s, ord[i]->key, strlen(ord[i]->key));
		sink_chr(s, '=');
		v = ord[i]->value != NULL ? ord[i]->value : "";
		sink_enc(s, v, strlen(v));
	}
}

int
sigv4_canonical_uri(const char *path, char *buf, size_t cap)
{
	struct sink	s;

	if (path == NULL || buf == NULL)
		return -1;
	sink_init(&s, buf, cap, NULL);
	put_uri(&s, path);
	return sink_done(&s);
}

int
sigv4_canonical_query(const struct sigv4_param *params, size_t n, char *buf,
    size_t cap)
{
	struct sink	s;

	if (buf == NULL)
		return -1;
	sink_init(&s, buf, cap, NULL);
	put_query(&s, params, n);
	return sink_done(&s);
}

static int
skipped(const char *name)
{
	size_t	i;

	for (i = 0; skip_headers[i] != NULL; i++)
		if (name_cmp(name, skip_headers[i]) == 0)
			return 1;
	return 0;
}

static int
has_token(const struct sigv4_creds *creds)
{
	return creds->session_token != NULL && creds->session_token[0] != '\0';
}

/*
 * Choose and sort the signed headers into h (stable, by lower-case name).
 * Returns their number, or -1 on invalid input.
 */
static int
select_headers(const struct sigv4_request *req,
    const struct sigv4_creds *creds, const char *amzdate,
    struct hdr h[SIGV4_MAX_HEADERS + 2])
{
	struct hdr	t;
	size_t		n = 0, i, j;
	int		host = 0;

	if (req->nheaders > SIGV4_MAX_HEADERS ||
	    (req->nheaders > 0 && req->headers == NULL))
		return -1;
	for (i = 0; i < req->nheaders; i++) {
		if (req->headers[i].name == NULL ||
		    req->headers[i].value == NULL ||
		    !valid_name(req->headers[i].name))
			return -1;
		if (skipped(req->headers[i].name) ||
		    name_cmp(req->headers[i].name, "x-amz-date") == 0)
			continue;
		if (has_token(creds) && name_cmp(req->headers[i].name,
		    "x-amz-security-token") == 0)
			continue;
		if (name_cmp(req->headers[i].name, "host") == 0)
			host = 1;
		h[n].name = req->headers[i].name;
		h[n++].value = req->headers[i].value;
	}
	if (!host)
		return -1;
	h[n].name = "x-amz-date";
	h[n++].value = amzdate;
	if (has_token(creds)) {
		h[n].name = "x-amz-security-token";
		h[n++].value = creds->session_token;
	}
	for (i = 1; i < n; i++) {
		t = h[i];
		for (j = i; j > 0 && name_cmp(h[j - 1].name, t.name) > 0; j--)
			h[j] = h[j - 1];
		h[j] = t;
	}
	return (int)n;
}

/* str in lower case (upper 0) or upper case (upper 1). */
static void
put_case(struct sink *s, const char *str, int upper)
{
	char	b[64];
	size_t	k = 0;
	int	c;

	for (; *str != '\0'; str++) {
		if (k == sizeof(b)) {
			sink_put(s, b, k);
			k = 0;
		}
		c = (unsigned char)*str;
		if (upper)
			b[k++] = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
		else
			b[k++] = (char)lc(c);
	}
	sink_put(s, b, k);
}

static void
put_lower(struct sink *s, const char *name)
{
	put_case(s, name, 0);
}

/* Value with outer white space trimmed and inner runs made one space. */
static void
put_trimmed(struct sink *s, const char *v)
{
	const char	*e;

	while (*v != '\0') {
		while (is_space((unsigned char)*v))
			v++;
		if (*v == '\0')
			break;
		for (e = v; *e != '\0' && !is_space((unsigned char)*e); e++)
			continue;
		sink_put(s, v, (size_t)(e - v));
		v = e;
		while (is_space((unsigned char)*v))
			v++;
		if (*v != '\0')
			sink_chr(s, ' ');
	}
}

static void
put_signed_headers(struct sink *s, const struct hdr *h, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (i > 0 && name_cmp(h[i - 1].name, h[i].name) == 0)
			continue;
		if (i > 0)
			sink_chr(s, ';');
		put_lower(s, h[i].name);
	}
}

static int
check_request(const struct sigv4_request *req, const struct sigv4_creds *creds)
{
	if (req == NULL || creds == NULL || req->method == NULL ||
	    req->method[0] == '\0' || req->path == NULL ||
	    (req->bodylen > 0 && req->body == NULL))
		return -1;
	if (!valid_token(creds->access_key_id, 128) ||
	    creds->secret_key == NULL ||
	    strlen(creds->secret_key) > SIGV4_MAX_SECRET ||
	    !valid_token(req->region, SIGV4_MAX_SCOPE) ||
	    !valid_token(req->service, SIGV4_MAX_SCOPE))
		return -1;
	return 0;
}

/*
 * The whole canonical request into s, with the n signed headers h chosen
 * by select_headers().
 */
static void
put_creq(struct sink *s, const struct sigv4_request *req,
    const struct hdr *h, int n)
{
	char		bodyhash[UTIL_SHA256_HEXLEN + 1];
	int		i;

	put_case(s, req->method, 1);
	sink_chr(s, '\n');
	put_uri(s, req->path);
	sink_chr(s, '\n');
	put_query(s, req->params, req->nparams);
	sink_chr(s, '\n');
	for (i = 0; i < n; i++) {
		if (i > 0 && name_cmp(h[i - 1].name, h[i].name) == 0) {
			sink_chr(s, ',');
		} else {
			if (i > 0)
				sink_chr(s, '\n');
			put_lower(s, h[i].name);
			sink_chr(s, ':');
		}
		put_trimmed(s, h[i].value);
	}
	sink_str(s, "\n\n");
	put_signed_headers(s, h, (size_t)n);
	sink_chr(s, '\n');
	util_sha256_hex(bodyhash, req->body != NULL ? req->body : "",
	    req->bodylen);
	sink_str(s, bodyhash);
}

int
sigv4_canonical_request(const struct sigv4_request *req,
    const struct sigv4_creds *creds, char *buf, size_t cap)
{
	struct hdr	h[SIGV4_MAX_HEADERS + 2];
	struct sink	s;
	char		amzdate[SIGV4_DATE_SIZE];
	int		n;

	if (buf == NULL || check_request(req, creds) == -1 ||
	    sigv4_amzdate(req->when, amzdate) == -1 ||
	    (n = select_headers(req, creds, amzdate, h)) < 0)
		return -1;
	sink_init(&s, buf, cap, NULL);
	put_creq(&s, req, h, n);
	return sink_done(&s);
}

/* "date/region/service/aws4_request" */
static void
put_scope(struct sink *s, const struct sigv4_request *req,
    const char *amzdate)
{
	sink_put(s, amzdate, 8);
	sink_chr(s, '/');
	sink_str(s, req->region);
	sink_chr(s, '/');
	sink_str(s, req->service);
	sink_str(s, "/" TERMINATOR);
}

static int
make_sts(const struct sigv4_request *req, const struct hdr *h, int n,
    const char *amzdate, char *buf, size_t cap)
{
	struct sha256_ctx	sha;
	struct sink		s;
	uint8_t			md[UTIL_SHA256_LEN];
	char			hex[UTIL_SHA256_HEXLEN + 1];

	sha256_init(&sha);
	sink_init(&s, NULL, 0, &sha);
	put_creq(&s, req, h, n);
	if (s.err)
		return -1;
	sink_flush(&s);
	sha256_out(&sha, md);
	util_hex(hex, md, sizeof(md));

	sink_init(&s, buf, cap, NULL);
	sink_str(&s, ALGORITHM "\n");
	sink_str(&s, amzdate);
	sink_chr(&s, '\n');
	put_scope(&s, req, amzdate);
	sink_chr(&s, '\n');
	sink_str(&s, hex);
	return sink_done(&s);
}

int
sigv4_string_to_sign(const struct sigv4_request *req,
    const struct sigv4_creds *creds, char *buf, size_t cap)
{
	struct hdr	h[SIGV4_MAX_HEADERS + 2];
	char		amzdate[SIGV4_DATE_SIZE];
	int		n;

	if (buf == NULL || check_request(req, creds) == -1 ||
	    sigv4_amzdate(req->when, amzdate) == -1 ||
	    (n = select_headers(req, creds, amzdate, h)) < 0)
		return -1;
	return make_sts(req, h, n, amzdate, buf, cap);
}

/*
 * The signing key of the latest signature, as an HMAC key ready for
 * use, and what it was derived from.  Requests of the same day, region,
 * service and secret (nearly all of them) skip the four HMACs that
 * derive it and the set-up of the fifth.  Secret material: see
 * sigv4_forget().  Invariant: kc is valid only when valid is set.
 */
static struct {
	int			 valid;
	char			 date[8];
	char			 region[SIGV4_MAX_SCOPE + 1];
	char			 service[SIGV4_MAX_SCOPE + 1];
	size_t			 secretlen;
	char			 secret[SIGV4_MAX_SECRET];
	br_hmac_key_context	 kc;
} skey;

void
sigv4_forget(void)
{
	util_wipe(&skey, sizeof(skey));
}

/*
 * The signing key for amzdate's day, req's region and service, and
 * secret (checked by check_request(): at most SIGV4_MAX_SECRET octets,
 * scope elements at most SIGV4_MAX_SCOPE), derived unless cached.
 */
static const br_hmac_key_context *
signing_key(const struct sigv4_request *req, const char *secret,
    const char *amzdate)
{
	char		kbuf[4 + SIGV4_MAX_SECRET];
	uint8_t		k[UTIL_SHA256_LEN];
	size_t		slen, rlen, svlen;

	slen = strlen(secret);
	rlen = strlen(req->region);
	svlen = strlen(req->service);
	if (skey.valid && skey.secretlen == slen &&
	    memcmp(skey.date, amzdate, 8) == 0 &&
	    memcmp(skey.region, req->region, rlen + 1) == 0 &&
	    memcmp(skey.service, req->service, svlen + 1) == 0 &&
	    memcmp(skey.secret, secret, slen) == 0)
		return &skey.kc;

	sigv4_forget();
	memcpy(kbuf, "AWS4", 4);
	memcpy(kbuf + 4, secret, slen);
	util_hmac_sha256(k, kbuf, 4 + slen, amzdate, 8);
	util_wipe(kbuf, sizeof(kbuf));
	util_hmac_sha256(k, k, sizeof(k), req->region, rlen);
	util_hmac_sha256(k, k, sizeof(k), req->service, svlen);
	util_hmac_sha256(k, k, sizeof(k), TERMINATOR, strlen(TERMINATOR));
	br_hmac_key_init(&skey.kc, &sha256_vtable, k, sizeof(k));
	util_wipe(k, sizeof(k));
	memcpy(skey.date, amzdate, 8);
	memcpy(skey.region, req->region, rlen + 1);
	memcpy(skey.service, req->service, svlen + 1);
	memcpy(skey.secret, secret, slen);
	skey.secretlen = slen;
	skey.valid = 1;
	return &skey.kc;
}

int
sigv4_sign(const struct sigv4_request *req, const struct sigv4_creds *creds,
    char amzdate[SIGV4_DATE_SIZE], char *authz, size_t authzcap)
{
	struct hdr	h[SIGV4_MAX_HEADERS + 2];
	struct sink	s;
	br_hmac_context	hc;
	char		sts[SIGV4_STS_SIZE];
	char		sig[UTIL_SHA256_HEXLEN + 1];
	uint8_t		k[UTIL_SHA256_LEN];
	int		stslen, n;

	if (amzdate == NULL || authz == NULL ||
	    check_request(req, creds) == -1 ||
	    sigv4_amzdate(req->when, amzdate) == -1 ||
	    (n = select_headers(req, creds, amzdate, h)) < 0)
		return -1;
	stslen = make_sts(req, h, n, amzdate, sts, sizeof(sts));
	if (stslen < 0)
		return -1;

	br_hmac_init(&hc, signing_key(req, creds->secret_key, amzdate), 0);
	br_hmac_update(&hc, sts, (size_t)stslen);
	br_hmac_out(&hc, k);
	util_wipe(&hc, sizeof(hc));
	util_hex(sig, k, sizeof(k));
	util_wipe(k, sizeof(k));

	sink_init(&s, authz, authzcap, NULL);
	sink_str(&s, ALGORITHM " Credential=");
	sink_str(&s, creds->access_key_id);
	sink_chr(&s, '/');
	put_scope(&s, req, amzdate);
	sink_str(&s, ", SignedHeaders=");
	put_signed_headers(&s, h, (size_t)n);
	sink_str(&s, ", Signature=");
	sink_str(&s, sig);
	return sink_done(&s);
}
