/*
 * t_sigv4.c: aws/sigv4 against the AWS SigV4 test suite (tests/sigv4/,
 * read at run time from the repository root) and edge cases.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

/* Debian's BearSSL headers test an undefined macro under -Wundef. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wundef"
#include <bearssl.h>
#pragma GCC diagnostic pop

#include "aws/sigv4.h"

#define VECDIR		"tests/sigv4/"
#define FILEMAX		8192
#define MAXH		SIGV4_MAX_HEADERS

/* 20150830T123600Z */
#define VEC_TIME	((time_t)1440938160)

enum token_source {
	TOKEN_REQ,	/* X-Amz-Security-Token in the .req, if any */
	TOKEN_SREQ	/* the suite signs a token it lists only in .sreq */
};

/* Held inline: Criterion copies parameters into another process. */
struct vcase {
	char			 dir[64];	/* under tests/sigv4/ */
	enum token_source	 token;
};

static const struct vcase cases[] = {
	{ "get-header-key-duplicate", TOKEN_REQ },
	{ "get-header-value-multiline", TOKEN_REQ },
	{ "get-header-value-order", TOKEN_REQ },
	{ "get-header-value-trim", TOKEN_REQ },
	{ "get-unreserved", TOKEN_REQ },
	{ "get-utf8", TOKEN_REQ },
	{ "get-vanilla", TOKEN_REQ },
	{ "get-vanilla-empty-query-key", TOKEN_REQ },
	{ "get-vanilla-query", TOKEN_REQ },
	{ "get-vanilla-query-order-encoded", TOKEN_REQ },
	{ "get-vanilla-query-order-key", TOKEN_REQ },
	{ "get-vanilla-query-order-key-case", TOKEN_REQ },
	{ "get-vanilla-query-order-value", TOKEN_REQ },
	{ "get-vanilla-query-unreserved", TOKEN_REQ },
	{ "get-vanilla-utf8-query", TOKEN_REQ },
	{ "get-vanilla-with-session-token", TOKEN_SREQ },
	{ "post-header-key-case", TOKEN_REQ },
	{ "post-header-key-sort", TOKEN_REQ },
	{ "post-header-value-case", TOKEN_REQ },
	/* The "after" case adds the token after signing: it is unsigned. */
	{ "post-sts-token/post-sts-header-after", TOKEN_REQ },
	{ "post-sts-token/post-sts-header-before", TOKEN_REQ },
	{ "post-vanilla", TOKEN_REQ },
	{ "post-vanilla-empty-query-value", TOKEN_REQ },
	{ "post-vanilla-query", TOKEN_REQ },
	{ "post-x-www-form-urlencoded", TOKEN_REQ },
	{ "post-x-www-form-urlencoded-parameters", TOKEN_REQ },
};

/* A .req file taken apart; all strings point into text[]. */
struct parsed {
	char			text[FILEMAX];
	char			*method, *path, *body;
	size_t			 bodylen;
	struct sigv4_param	 params[SIGV4_MAX_PARAMS];
	size_t			 nparams;
	struct sigv4_header	 headers[MAXH];
	size_t			 nheaders;
	char			*token;
};

static void
readfile(const char *dir, const char *ext, char *buf, size_t cap)
{
	char		 path[512];
	const char	*base;
	FILE		*f;
	size_t		 n;

	base = strrchr(dir, '/');
	base = base != NULL ? base + 1 : dir;
	snprintf(path, sizeof(path), VECDIR "%s/%s.%s", dir, base, ext);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s (run from the repo root)",
	    path);
	n = fread(buf, 1, cap - 1, f);
	cr_assert(n < cap - 1, "%s too big", path);
	buf[n] = '\0';
	fclose(f);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decode s in place (the suite's raw query may be encoded). */
static void
pdecode(char *s)
{
	char	*d = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			*d++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 2;
		} else
			*d++ = *s;
	}
	*d = '\0';
}

/* Find header name in a raw request text (for the token in .sreq). */
static char *
find_header(char *text, const char *name)
{
	char	*line, *save = NULL, *colon;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		colon = strchr(line, ':');
		if (colon != NULL && (size_t)(colon - line) == strlen(name) &&
		    strncasecmp(line, name, strlen(name)) == 0)
			return colon + 1;
	}
	return NULL;
}

static void
parse_req(const struct vcase *vc, struct parsed *p)
{
	char	*line, *next, *sp, *q, *pair, *save = NULL, *eq, *colon;
	char	 sreq[FILEMAX], *tok;
	size_t	 n;

	memset(p, 0, sizeof(*p));
	readfile(vc->dir, "req", p->text, sizeof(p->text));

	/* Request line: METHOD SP target SP HTTP/1.1 */
	line = p->text;
	next = strchr(line, '\n');
	cr_assert_not_null(next);
	*next++ = '\0';
	sp = strchr(line, ' ');
	cr_assert_not_null(sp);
	*sp = '\0';
	p->method = line;
	p->path = sp + 1;
	sp = strrchr(p->path, ' ');
	cr_assert_not_null(sp);
	*sp = '\0';
	q = strchr(p->path, '?');
	if (q != NULL) {
		*q++ = '\0';
		for (pair = strtok_r(q, "&", &save); pair != NULL;
		    pair = strtok_r(NULL, "&", &save)) {
			cr_assert(p->nparams < SIGV4_MAX_PARAMS);
			eq = strchr(pair, '=');
			if (eq != NULL)
				*eq++ = '\0';
			pdecode(pair);
			if (eq != NULL)
				pdecode(eq);
			p->params[p->nparams].key = pair;
			p->params[p->nparams++].value = eq;
		}
	}
	pdecode(p->path);

	/* Headers; a line starting with white space continues the last. */
	p->body = NULL;
	for (line = next; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (*line == '\0') {
			p->body = next;
			break;
		}
		if (*line == ' ' || *line == '\t') {
			cr_assert(p->nheaders > 0);
			/* Rejoin with the LF the file had. */
			line[-1] = '\n';
			continue;
		}
		colon = strchr(line, ':');
		cr_assert_not_null(colon, "bad header line in %s", vc->dir);
		*colon = '\0';
		if (strcasecmp(line, "X-Amz-Date") == 0)
			continue;	/* the signer adds its own */
		if (strcasecmp(line, "X-Amz-Security-Token") == 0) {
			p->token = colon + 1;
			continue;
		}
		cr_assert(p->nheaders < MAXH);
		p->headers[p->nheaders].name = line;
		p->headers[p->nheaders++].value = colon + 1;
	}
	if (p->body == NULL && next != NULL && line != NULL && *line == '\0')
		p->body = next;
	p->bodylen = p->body != NULL ? strlen(p->body) : 0;

	if (vc->token == TOKEN_SREQ) {
		readfile(vc->dir, "sreq", sreq, sizeof(sreq));
		tok = find_header(sreq, "X-Amz-Security-Token");
		cr_assert_not_null(tok);
		n = strlen(tok);
		/* Keep it alive in the unused tail of text[]. */
		cr_assert(n + 1 < sizeof(p->text) - strlen(p->text) - 1);
		p->token = p->text + sizeof(p->text) - n - 1;
		memcpy(p->token, tok, n + 1);
	}
}

ParameterizedTestParameters(sigv4, suite)
{
	return cr_make_param_array(struct vcase, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(const struct vcase *vc, sigv4, suite)
{
	static struct parsed	p;
	struct sigv4_request	req;
	struct sigv4_creds	cr;
	char			want[FILEMAX], got[FILEMAX];
	char			date[SIGV4_DATE_SIZE];
	int			n;

	parse_req(vc, &p);
	memset(&req, 0, sizeof(req));
	req.method = p.method;
	req.path = p.path;
	req.params = p.params;
	req.nparams = p.nparams;
	req.headers = p.headers;
	req.nheaders = p.nheaders;
	req.body = p.body;
	req.bodylen = p.bodylen;
	req.region = "us-east-1";
	req.service = "service";
	req.when = VEC_TIME;
	cr.access_key_id = "AKIDEXAMPLE";
	cr.secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	cr.session_token = p.token;

	readfile(vc->dir, "creq", want, sizeof(want));
	n = sigv4_canonical_request(&req, &cr, got, sizeof(got));
	cr_assert(n >= 0, "%s: canonical request failed", vc->dir);
	cr_expect_eq((size_t)n, strlen(got));
	cr_expect_str_eq(got, want, "%s: canonical request", vc->dir);

	readfile(vc->dir, "sts", want, sizeof(want));
	n = sigv4_string_to_sign(&req, &cr, got, sizeof(got));
	cr_assert(n >= 0, "%s: string to sign failed", vc->dir);
	cr_expect_str_eq(got, want, "%s: string to sign", vc->dir);

	readfile(vc->dir, "authz", want, sizeof(want));
	n = sigv4_sign(&req, &cr, date, got, sizeof(got));
	cr_assert(n >= 0, "%s: sign failed", vc->dir);
	cr_expect_str_eq(got, want, "%s: authorization", vc->dir);
	cr_expect_str_eq(date, "20150830T123600Z");
}

Test(sigv4, amzdate)
{
	char	d[SIGV4_DATE_SIZE];

	cr_assert_eq(sigv4_amzdate(0, d), 0);
	cr_expect_str_eq(d, "19700101T000000Z");
	cr_assert_eq(sigv4_amzdate((time_t)1735787045, d), 0);
	cr_expect_str_eq(d, "20250102T030405Z");
	cr_expect_eq(sigv4_amzdate((time_t)-1, d), -1);
}

Test(sigv4, canonical_uri)
{
	static const struct {
		const char	*in, *out;
	} t[] = {
		{ "", "/" },
		{ "/", "/" },
		{ "/2013-04-01/hostedzone/Z1/rrset/",
		    "/2013-04-01/hostedzone/Z1/rrset/" },
		{ "/a/./b/../c//d/", "/a/c/d/" },
		{ "/..", "/" },
		{ "//x", "/x" },
		{ "/a b/*\\", "/a%20b/%2A%5C" },
		{ "/~user/100%", "/~user/100%25" },
	};
	char	buf[128];
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cr_assert(sigv4_canonical_uri(t[i].in, buf, sizeof(buf)) >= 0);
		cr_expect_str_eq(buf, t[i].out, "path %s", t[i].in);
	}
}

Test(sigv4, canonical_query_route53)
{
	struct sigv4_param	p[] = {
		{ "type", "TXT" },
		{ "name", "\\052.example.com." },
		{ "maxitems", "300" },
		{ "identifier", "a b+c/d" },
		{ "empty", NULL },
	};
	char			buf[256];
	int			n;

	n = sigv4_canonical_query(p, 5, buf, sizeof(buf));
	cr_assert(n > 0);
	cr_expect_str_eq(buf, "empty=&identifier=a%20b%2Bc%2Fd&maxitems=300&"
	    "name=%5C052.example.com.&type=TXT");
	cr_expect_eq((size_t)n, strlen(buf));
	p[1].value = "*.example.com.";
	cr_assert(sigv4_canonical_query(&p[1], 1, buf, sizeof(buf)) > 0);
	cr_expect_str_eq(buf, "name=%2A.example.com.");
	cr_assert(sigv4_canonical_query(NULL, 0, buf, sizeof(buf)) == 0);
	cr_expect_str_eq(buf, "");
}

static void
route53_request(struct sigv4_request *req, struct sigv4_header *h)
{
	h[0].name = "Host";
	h[0].value = "route53.amazonaws.com";
	h[1].name = "User-Agent";
	h[1].value = "r53d/0.1";
	memset(req, 0, sizeof(*req));
	req->method = "get";
	req->path = "/2013-04-01/change/C0021990I7F3JHLHICJ4";
	req->headers = h;
	req->nheaders = 2;
	req->region = "us-east-1";
	req->service = "route53";
	req->when = (time_t)1735787045;
}

Test(sigv4, skip_list_and_replaced_headers)
{
	struct sigv4_request	req;
	struct sigv4_header	h[4];
	struct sigv4_creds	cr = { "AKIDEXAMPLE", "secret", NULL };
	char			a[512], b[512], creq[1024], date[SIGV4_DATE_SIZE];

	route53_request(&req, h);
	cr_assert(sigv4_sign(&req, &cr, date, a, sizeof(a)) > 0);
	cr_expect(strstr(a, "SignedHeaders=host;x-amz-date,") != NULL, "%s",
	    a);
	cr_expect(strstr(a, "Credential=AKIDEXAMPLE/20250102/us-east-1/"
	    "route53/aws4_request,") != NULL, "%s", a);
	cr_assert(sigv4_canonical_request(&req, &cr, creq, sizeof(creq)) > 0);
	cr_expect(strncmp(creq, "GET\n", 4) == 0);

	/* A caller X-Amz-Date, Authorization or Connection changes nothing. */
	h[2].name = "X-Amz-Date";
	h[2].value = "19990101T000000Z";
	h[3].name = "authorization";
	h[3].value = "AWS4-HMAC-SHA256 stale";
	req.nheaders = 4;
	cr_assert(sigv4_sign(&req, &cr, date, b, sizeof(b)) > 0);
	cr_expect_str_eq(a, b);

	/* A session token is signed and listed. */
	cr.session_token = "tok/en==";
	cr_assert(sigv4_sign(&req, &cr, date, b, sizeof(b)) > 0);
	cr_expect(strstr(b, "SignedHeaders=host;x-amz-date;"
	    "x-amz-security-token,") != NULL, "%s", b);
	cr_assert(sigv4_canonical_request(&req, &cr, creq, sizeof(creq)) > 0);
	cr_expect(strstr(creq, "\nx-amz-security-token:tok/en==\n") != NULL);

	/* Changing the secret changes only the signature. */
	cr.session_token = NULL;
	cr.secret_key = "secreT";
	cr_assert(sigv4_sign(&req, &cr, date, b, sizeof(b)) > 0);
	cr_expect_str_neq(a, b);
	cr_expect(strncmp(a, b, strlen(a) - 64) == 0);
}

Test(sigv4, bad_input)
{
	struct sigv4_request	req;
	struct sigv4_header	h[4];
	struct sigv4_creds	cr = { "AKIDEXAMPLE", "secret", NULL };
	char			a[512], date[SIGV4_DATE_SIZE];

	route53_request(&req, h);
	h[0].name = "Hots";
	cr_expect_eq(sigv4_sign(&req, &cr, date, a, sizeof(a)), -1,
	    "no Host header must fail");
	h[0].name = "Host:";
	cr_expect_eq(sigv4_sign(&req, &cr, date, a, sizeof(a)), -1);
	h[0].name = "Host";
	req.region = "us east";
	cr_expect_eq(sigv4_sign(&req, &cr, date, a, sizeof(a)), -1);
	req.region = "us-east-1";
	cr.access_key_id = "";
	cr_expect_eq(sigv4_sign(&req, &cr, date, a, sizeof(a)), -1);
	cr.access_key_id = "AKID";
	req.nheaders = SIGV4_MAX_HEADERS + 1;
	cr_expect_eq(sigv4_sign(&req, &cr, date, a, sizeof(a)), -1);
}

Test(sigv4, exact_capacity)
{
	struct sigv4_request	req;
	struct sigv4_header	h[2];
	struct sigv4_creds	cr = { "AKIDEXAMPLE", "secret", "tok" };
	char			a[512], b[512], date[SIGV4_DATE_SIZE];
	int			n, m;
	size_t			cap;

	route53_request(&req, h);
	n = sigv4_sign(&req, &cr, date, a, sizeof(a));
	cr_assert(n > 0);
	for (cap = 0; cap <= (size_t)n; cap++) {
		memset(b, 'x', sizeof(b));
		cr_expect_eq(sigv4_sign(&req, &cr, date, b, cap), -1,
		    "cap %zu", cap);
		cr_expect_eq(b[cap], 'x', "wrote past cap %zu", cap);
	}
	cr_expect_eq(sigv4_sign(&req, &cr, date, b, (size_t)n + 1), n);
	cr_expect_str_eq(a, b);

	m = sigv4_canonical_request(&req, &cr, a, sizeof(a));
	cr_assert(m > 0);
	cr_expect_eq(sigv4_canonical_request(&req, &cr, b, (size_t)m), -1);
	cr_expect_eq(sigv4_canonical_request(&req, &cr, b, (size_t)m + 1), m);
}

/* Lower-case hex of n octets into out (2n + 1 octets). */
static void
tohex(char *out, const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static void
ref_hmac(uint8_t out[32], const void *key, size_t keylen, const void *msg,
    size_t msglen)
{
	br_hmac_key_context	kc;
	br_hmac_context		hc;

	br_hmac_key_init(&kc, &br_sha256_vtable, key, keylen);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, msglen);
	br_hmac_out(&hc, out);
}

/*
 * The signature by the book: the key chain derived afresh from the
 * secret, over sigv4_string_to_sign()'s output.
 */
static void
ref_signature(const struct sigv4_request *req, const struct sigv4_creds *cr,
    char sig[65])
{
	char	sts[SIGV4_STS_SIZE], date[SIGV4_DATE_SIZE], k0[256];
	uint8_t	k[32];
	int	n;

	cr_assert_eq(sigv4_amzdate(req->when, date), 0);
	n = sigv4_string_to_sign(req, cr, sts, sizeof(sts));
	cr_assert(n > 0);
	snprintf(k0, sizeof(k0), "AWS4%s", cr->secret_key);
	ref_hmac(k, k0, strlen(k0), date, 8);
	ref_hmac(k, k, 32, req->region, strlen(req->region));
	ref_hmac(k, k, 32, req->service, strlen(req->service));
	ref_hmac(k, k, 32, "aws4_request", 12);
	ref_hmac(k, k, 32, sts, (size_t)n);
	tohex(sig, k, 32);
}

/*
 * sigv4_sign() keeps the signing key of its last call: every change of
 * secret (same length or a prefix), day, region or service must give the
 * signature derived afresh, and so must a return to earlier inputs.
 */
Test(sigv4, signing_key_cache)
{
	static const struct {
		const char	*secret, *region, *service;
		time_t		 dt;
	} steps[] = {
		{ "secret", "us-east-1", "route53", 0 },
		{ "secret", "us-east-1", "route53", 3600 },	/* same day */
		{ "secreT", "us-east-1", "route53", 3600 },	/* same length */
		{ "secre", "us-east-1", "route53", 3600 },	/* prefix */
		{ "secrets", "us-east-1", "route53", 3600 },	/* longer */
		{ "secret", "us-east-1", "route53", 86400 },	/* next day */
		{ "secret", "us-east-10", "route53", 86400 },
		{ "secret", "us-east-", "route53", 86400 },
		{ "secret", "us-east-1", "route5", 86400 },
		{ "secret", "us-east-1", "route53x", 86400 },
		{ "secret", "us-east-1", "route53", 86400 },
		{ "secret", "us-east-1", "route53", 0 },	/* day back */
		{ "secret", "us-east-1", "route53", 0 },
	};
	struct sigv4_request	req;
	struct sigv4_header	h[4];
	struct sigv4_creds	cr = { "AKIDEXAMPLE", "secret", NULL };
	char			a[512], b[512], sig[65], date[SIGV4_DATE_SIZE];
	const char		*p;
	size_t			i;
	int			round;

	route53_request(&req, h);
	/* Round 0 forgets before each call; round 1 never does. */
	for (round = 0; round < 2; round++) {
		for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
			cr.secret_key = steps[i].secret;
			req.region = steps[i].region;
			req.service = steps[i].service;
			req.when = (time_t)1735787045 + steps[i].dt;
			if (round == 0)
				sigv4_forget();
			cr_assert(sigv4_sign(&req, &cr, date, a,
			    sizeof(a)) > 0);
			ref_signature(&req, &cr, sig);
			p = strstr(a, "Signature=");
			cr_assert_not_null(p);
			cr_expect_str_eq(p + 10, sig, "round %d step %zu", round,
			    i);
			/* Twice in a row: the cached key. */
			cr_assert(sigv4_sign(&req, &cr, date, b,
			    sizeof(b)) > 0);
			cr_expect_str_eq(a, b);
		}
	}
}

/*
 * The hashing sink gathers pieces in a buffer: the string to sign must
 * carry the SHA-256 of exactly what the storing sink writes, for pieces
 * of every size around the buffer's.
 */
Test(sigv4, hashed_equals_stored)
{
	static char		 val[3][700], path[700], creq[8192];
	struct sigv4_request	 req;
	struct sigv4_header	 h[5];
	struct sigv4_param	 q[2];
	struct sigv4_creds	 cr = { "AKIDEXAMPLE", "secret", NULL };
	br_sha256_context	 sha;
	uint8_t			 md[32];
	char			 sts[SIGV4_STS_SIZE], hex[65];
	size_t			 len, i;
	int			 n;

	for (len = 0; len < sizeof(val[0]); len += len < 300 ? 1 : 37) {
		for (i = 0; i < len; i++) {
			val[0][i] = (char)('a' + i % 26);
			val[1][i] = i % 7 == 3 ? ' ' : (char)('A' + i % 26);
			/* Encoded to three octets in path and query. */
			path[i] = i % 25 == 0 ? '/' : i % 3 ? 'p' : '*';
			val[2][i] = (char)(i % 2 ? '=' : 'v');
		}
		val[0][len] = val[1][len] = val[2][len] = path[len] = '\0';
		route53_request(&req, h);
		h[1].name = "X-Long";
		h[1].value = val[0];
		h[2].name = "X-Spaced";
		h[2].value = val[1];
		h[3].name = "X-LONG";
		h[3].value = val[2];
		req.nheaders = 4;
		req.path = path;
		q[0].key = val[2];
		q[0].value = val[0];
		q[1].key = "k";
		q[1].value = val[2];
		req.params = q;
		req.nparams = 2;
		req.method = len % 2 ? "post" : "GET";
		n = sigv4_canonical_request(&req, &cr, creq, sizeof(creq));
		cr_assert(n > 0, "len %zu", len);
		br_sha256_init(&sha);
		br_sha256_update(&sha, creq, (size_t)n);
		br_sha256_out(&sha, md);
		tohex(hex, md, 32);
		n = sigv4_string_to_sign(&req, &cr, sts, sizeof(sts));
		cr_assert(n > 64);
		cr_expect_str_eq(sts + n - 64, hex, "len %zu", len);
	}
}
