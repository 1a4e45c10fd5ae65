/*
 * sigv4.c: AWS Signature Version 4, no allocation, no I/O.
 *
 * The canonical request is produced through a sink that either stores
 * it in a caller buffer or feeds it to SHA-256 (or both), so signing
 * never needs room for it.
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

#define ALGORITHM	"AWS4-HMAC-SHA256"
#define TERMINATOR	"aws4_request"

/*
 * Output sink.  Invariant: when buf is set, buf[0..len) holds everything
 * put so far and len < cap, unless err is set.
 */
struct sink {
	char			*buf;
	size_t			 cap;
	size_t			 len;
	br_sha256_context	*sha;
	int			 err;
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

static void
sink_init(struct sink *s, char *buf, size_t cap, br_sha256_context *sha)
{
	s->buf = buf;
	s->cap = cap;
	s->len = 0;
	s->sha = sha;
	s->err = (buf != NULL && (cap == 0 || cap > INT_MAX));
	if (buf != NULL && cap > 0)
		buf[0] = '\0';
}

static void
sink_put(struct sink *s, const void *p, size_t n)
{
	if (s->err)
		return;
	if (s->sha != NULL)
		br_sha256_update(s->sha, p, n);
	if (s->buf != NULL) {
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
	char	e[3];
	size_t	i;

	for (i = 0; i < n; i++)
		sink_put(s, e, enc1((unsigned char)p[i], e));
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

static void
put_lower(struct sink *s, const char *name)
{
	for (; *name != '\0'; name++)
		sink_chr(s, (char)lc((unsigned char)*name));
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

/* The whole canonical request into s; amzdate is already formatted. */
static void
put_creq(struct sink *s, const struct sigv4_request *req,
    const struct sigv4_creds *creds, const char *amzdate)
{
	struct hdr	h[SIGV4_MAX_HEADERS + 2];
	char		bodyhash[UTIL_SHA256_HEXLEN + 1];
	const char	*m;
	int		n, i;

	n = select_headers(req, creds, amzdate, h);
	if (n < 0) {
		s->err = 1;
		return;
	}
	for (m = req->method; *m != '\0'; m++)
		sink_chr(s, (char)(*m >= 'a' && *m <= 'z' ? *m - 'a' + 'A' :
		    *m));
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
	struct sink	s;
	char		amzdate[SIGV4_DATE_SIZE];

	if (buf == NULL || check_request(req, creds) == -1 ||
	    sigv4_amzdate(req->when, amzdate) == -1)
		return -1;
	sink_init(&s, buf, cap, NULL);
	put_creq(&s, req, creds, amzdate);
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
make_sts(const struct sigv4_request *req, const struct sigv4_creds *creds,
    const char *amzdate, char *buf, size_t cap)
{
	br_sha256_context	sha;
	struct sink		s;
	uint8_t			md[UTIL_SHA256_LEN];
	char			hex[UTIL_SHA256_HEXLEN + 1];

	br_sha256_init(&sha);
	sink_init(&s, NULL, 0, &sha);
	put_creq(&s, req, creds, amzdate);
	if (s.err)
		return -1;
	br_sha256_out(&sha, md);
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
	char	amzdate[SIGV4_DATE_SIZE];

	if (buf == NULL || check_request(req, creds) == -1 ||
	    sigv4_amzdate(req->when, amzdate) == -1)
		return -1;
	return make_sts(req, creds, amzdate, buf, cap);
}

int
sigv4_sign(const struct sigv4_request *req, const struct sigv4_creds *creds,
    char amzdate[SIGV4_DATE_SIZE], char *authz, size_t authzcap)
{
	struct hdr	h[SIGV4_MAX_HEADERS + 2];
	struct sink	s;
	char		sts[SIGV4_STS_SIZE];
	char		kbuf[4 + SIGV4_MAX_SECRET];
	char		sig[UTIL_SHA256_HEXLEN + 1];
	uint8_t		k[UTIL_SHA256_LEN];
	size_t		slen;
	int		stslen, n;

	if (amzdate == NULL || authz == NULL ||
	    check_request(req, creds) == -1 ||
	    sigv4_amzdate(req->when, amzdate) == -1)
		return -1;
	stslen = make_sts(req, creds, amzdate, sts, sizeof(sts));
	if (stslen < 0)
		return -1;

	slen = strlen(creds->secret_key);
	memcpy(kbuf, "AWS4", 4);
	memcpy(kbuf + 4, creds->secret_key, slen);
	util_hmac_sha256(k, kbuf, 4 + slen, amzdate, 8);
	util_wipe(kbuf, sizeof(kbuf));
	util_hmac_sha256(k, k, sizeof(k), req->region, strlen(req->region));
	util_hmac_sha256(k, k, sizeof(k), req->service, strlen(req->service));
	util_hmac_sha256(k, k, sizeof(k), TERMINATOR, strlen(TERMINATOR));
	util_hmac_sha256(k, k, sizeof(k), sts, (size_t)stslen);
	util_hex(sig, k, sizeof(k));
	util_wipe(k, sizeof(k));

	n = select_headers(req, creds, amzdate, h);
	if (n < 0)
		return -1;
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
