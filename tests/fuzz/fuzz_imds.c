/*
 * fuzz_imds.c: libFuzzer harness for the credential fetchers that read
 * answers from the network: IMDSv2 (aws/imds.c: token, role name, keys)
 * and the container endpoint and STS (aws/cfetch.c), both included here
 * with their HTTP connection replaced by a fake one that checks each
 * request head and answers with the input's results.
 *
 * Input: one mode octet, then results, each
 *	flags (1), status (2, big-endian), body length (2), body
 * the body cut to what is left.  Mode bits 0-1: IMDS, container,
 * AssumeRole, AssumeRoleWithWebIdentity; bit 2: the container has an
 * authorization token, AssumeRole's signer a session token.  Flags bits
 * 0-2 (modulo 7): the error class (0, a response); bit 3: an error text.
 *
 * Invariants: every request head is a request line and header lines,
 * each ended by CRLF, with no other control octet and no octet above
 * 0x7e (an answer never puts a CR, LF or anything else into the next
 * request), one Host, and a Content-Length that is the body's; a fetch
 * has a request out exactly while it is busy; every answer ends an STS
 * or container fetch, whose failure reason is printable; IMDS holds a
 * printable token only while a fetch goes on and a role name of the
 * allowed characters; every key set handed out is NUL-terminated,
 * non-empty and free of control characters, with an expiration that
 * is 0 or parsed; nothing leaks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/conn.h"

#define http_conn_init		fake_conn_init
#define http_conn_free		fake_conn_free
#define http_conn_request	fake_conn_request
#define http_conn_pollfd	fake_conn_pollfd
#define http_conn_deadline	fake_conn_deadline
#define http_conn_step		fake_conn_step
#define http_conn_close		fake_conn_close

int		 fake_conn_init(struct http_conn *,
		    const struct http_endpoint *, struct http_resolver *,
		    const struct http_tls_anchors *,
		    const struct http_timeouts *, size_t);
void		 fake_conn_free(struct http_conn *);
int		 fake_conn_request(struct http_conn *, const char *, size_t,
		    const void *, size_t, http_done_cb, void *);
void		 fake_conn_pollfd(const struct http_conn *, struct pollfd *);
uint64_t	 fake_conn_deadline(const struct http_conn *);
void		 fake_conn_step(struct http_conn *, short, uint64_t);
void		 fake_conn_close(struct http_conn *);

#include "../../aws/imds.c"
#include "../../aws/cfetch.c"

#include "fakes.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The fake connection: one request at a time, answered from the input. */
static struct {
	int		 inited;
	int		 busy;
	http_done_cb	 cb;
	void		*arg;
	size_t		 requests;
	const uint8_t	*in;
	size_t		 inlen;
	size_t		 delivered;
} fc;

static const char	*const errtexts[] = {
	NULL, "fake: lookup failed", "fake: refused", "fake: TLS failed",
	"fake: timed out", "fake: malformed", "fake: closed"
};

int
fake_conn_init(struct http_conn *c, const struct http_endpoint *ep,
    struct http_resolver *res, const struct http_tls_anchors *ta,
    const struct http_timeouts *to, size_t maxresp)
{
	(void)res;
	(void)ta;
	(void)to;
	(void)maxresp;
	if (fc.inited)
		abort();
	memset(c, 0, sizeof(*c));
	c->ep = *ep;
	c->fd = -1;
	fc.inited = 1;
	return 0;
}

void
fake_conn_free(struct http_conn *c)
{
	(void)c;
	if (!fc.inited)
		abort();
	fc.inited = 0;
	fc.busy = 0;
}

static int
tchar(int ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= '0' && ch <= '9') || ch == '-';
}

/* A well-formed head: request line, header lines, blank line. */
static void
check_head(const char *head, size_t len, size_t bodylen)
{
	const char	*p = head, *e = head + len, *eol, *colon;
	size_t		 i, hosts = 0, lines = 0;
	int		 clen = 0;

	if (len < 4 || memcmp(e - 4, "\r\n\r\n", 4) != 0)
		abort();
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)head[i];

		if (ch == '\r' ? i + 1 == len || head[i + 1] != '\n' :
		    ch == '\n' ? i == 0 || head[i - 1] != '\r' :
		    ch < 0x20 || ch > 0x7e)
			abort();
	}
	/* The request line: METHOD SP /target SP HTTP/1.1 */
	eol = strstr(p, "\r\n");
	if (!((strncmp(p, "GET /", 5) == 0 || strncmp(p, "PUT /", 5) == 0 ||
	    strncmp(p, "POST /", 6) == 0)) || eol - p < 14 ||
	    memcmp(eol - 9, " HTTP/1.1", 9) != 0 ||
	    memchr(strchr(p, ' ') + 1, ' ', (size_t)(eol - 9 -
	    strchr(p, ' ') - 1)) != NULL)
		abort();
	for (p = eol + 2; p < e - 2; p = eol + 2) {
		eol = strstr(p, "\r\n");
		if ((colon = memchr(p, ':', (size_t)(eol - p))) == NULL ||
		    colon == p || colon[1] != ' ')
			abort();
		for (i = 0; p + i < colon; i++)
			if (!tchar((unsigned char)p[i]))
				abort();
		if (colon - p == 4 && strncmp(p, "Host", 4) == 0)
			hosts++;
		if (colon - p == 14 && strncmp(p, "Content-Length", 14) == 0) {
			if (strtoull(colon + 2, NULL, 10) != bodylen)
				abort();
			clen = 1;
		}
		lines++;
	}
	if (hosts != 1 || lines > 10 || (bodylen > 0 && !clen))
		abort();
}

int
fake_conn_request(struct http_conn *c, const char *head, size_t headlen,
    const void *body, size_t bodylen, http_done_cb cb, void *arg)
{
	(void)c;
	(void)body;
	if (!fc.inited)
		abort();
	if (fc.busy)
		return -1;
	check_head(head, headlen, bodylen);
	fc.busy = 1;
	fc.cb = cb;
	fc.arg = arg;
	fc.requests++;
	return 0;
}

void
fake_conn_pollfd(const struct http_conn *c, struct pollfd *pfd)
{
	(void)c;
	pfd->fd = -1;
	pfd->events = 0;
	pfd->revents = 0;
}

uint64_t
fake_conn_deadline(const struct http_conn *c)
{
	(void)c;
	return fc.busy ? 1 : 0;
}

void
fake_conn_close(struct http_conn *c)
{
	(void)c;
	fc.busy = 0;
}

/* A request is out and a result is left in the input: answer it. */
void
fake_conn_step(struct http_conn *c, short revents, uint64_t now)
{
	struct http_result	 res;
	unsigned		 flags, blen;
	char			*body;

	(void)c;
	(void)revents;
	(void)now;
	if (!fc.busy || fc.inlen < 5)
		return;
	flags = fc.in[0];
	blen = (unsigned)fc.in[3] << 8 | fc.in[4];
	fc.in += 5;
	fc.inlen -= 5;
	if (blen > fc.inlen)
		blen = (unsigned)fc.inlen;
	/* Exactly its size: a read past the end is caught. */
	if ((body = malloc(blen > 0 ? blen : 1)) == NULL)
		abort();
	memcpy(body, fc.in, blen);
	memset(&res, 0, sizeof(res));
	res.error = (enum http_error)((flags & 7) % 7);
	res.may_have_reached = 1;
	res.errtext = res.error != HTTP_OK && (flags & 8) ?
	    errtexts[res.error] : NULL;
	res.status = (int)((unsigned)fc.in[-4] << 8 | fc.in[-3]);
	res.body = body;
	res.bodylen = blen;
	fc.in += blen;
	fc.inlen -= blen;
	fc.busy = 0;
	fc.delivered++;
	fc.cb(&res, fc.arg);
	free(body);
}

static void
check_text(const char *s, size_t cap)
{
	size_t	i;

	if (memchr(s, '\0', cap) == NULL)
		abort();
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

static void
check_keys(const struct creds_keys *k)
{
	check_text(k->akid, sizeof(k->akid));
	check_text(k->secret, sizeof(k->secret));
	check_text(k->token, sizeof(k->token));
	if (k->akid[0] == '\0' || k->secret[0] == '\0' || k->expiration < 0)
		abort();
}

static void
run_imds(uint64_t now)
{
	struct imds		*m;
	struct creds_keys	 k;
	uint64_t		 d;
	size_t			 i, n;

	if ((m = imds_new("http://169.254.169.254", NULL)) == NULL)
		abort();
	retry_seed(&m->rng, 1);
	for (i = 0; i < 64; i++) {
		d = imds_deadline(m);
		if (!fc.busy) {
			if (d == 0)
				break;
			if (d > now)
				now = d;
		} else if (fc.inlen < 5)
			break;
		imds_step(m, 0, now);
		/* A request is out exactly while a fetch goes on. */
		if ((m->state != IDLE) != fc.busy)
			abort();
		if (m->state == IDLE) {
			if (m->token[0] != '\0' ||
			    (m->next_at == 0 && m->fetches == 0) ||
			    (m->next_at != 0 && m->next_at < now))
				abort();
		} else if (m->state != TOKEN) {
			n = strnlen(m->token, sizeof(m->token));
			if (n == 0 || n == sizeof(m->token))
				abort();
			check_text(m->token, sizeof(m->token));
			if (strchr(m->token, ' ') != NULL)
				abort();
		}
		if (m->state == KEYS && (m->role[0] == '\0' ||
		    memchr(m->role, '\0', sizeof(m->role)) == NULL ||
		    !role_ok(m->role)))
			abort();
		if (imds_take(m, &k)) {
			check_keys(&k);
			if (k.expiration != 0 &&
			    m->next_at < now + IMDS_MIN_REFRESH_MS)
				abort();
		}
	}
	imds_free(m);
}

/* The web identity token: a file unlinked at once, read through its fd. */
static char	tokpath[64];

static void
make_token(void)
{
	static const char	tok[] = "eyJhbGciOiJSUzI1NiJ9.e30.c2ln\n";
	char			tmp[] = "/tmp/fuzz_imds.XXXXXX";
	int			fd;

	if ((fd = mkstemp(tmp)) == -1 || unlink(tmp) == -1 ||
	    write(fd, tok, sizeof(tok) - 1) != (ssize_t)sizeof(tok) - 1)
		abort();
	snprintf(tokpath, sizeof(tokpath), "/proc/self/fd/%d", fd);
}

static void
run_cfetch(unsigned mode, uint64_t now)
{
	struct cfetch_spec	 sp;
	struct cfetch		*f;
	struct creds_keys	 k;
	struct sigv4_creds	 signer = { "AKIDEXAMPLE",
				    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
				    NULL };
	enum cfetch_state	 st;
	size_t			 i, before;

	memset(&sp, 0, sizeof(sp));
	switch (mode & 3) {
	case 1:
		sp.kind = CFETCH_CONTAINER;
		sp.url = "http://169.254.170.2/v2/credentials/abc";
		if (mode & 4)
			sp.token = "Basic dG9rZW4=";
		break;
	case 2:
		sp.kind = CFETCH_ASSUME_ROLE;
		sp.url = "http://sts.example";
		sp.role_arn = "arn:aws:iam::123456789012:role/dns";
		sp.external_id = "ext id";
		sp.duration = 900;
		if (mode & 4)
			signer.session_token = "FQoGZXIvYXdzEBYaDEXAMPLE";
		break;
	default:
		if (tokpath[0] == '\0')
			make_token();
		sp.kind = CFETCH_WEB_IDENTITY;
		sp.url = "http://sts.example/";
		sp.role_arn = "arn:aws:iam::123456789012:role/dns";
		sp.token_file = tokpath;
		break;
	}
	if ((f = cfetch_new(&sp, NULL, NULL)) == NULL)
		abort();
	for (i = 0; i < 64 && fc.inlen >= 5; i++) {
		if (cfetch_start(f, &signer, now) == -1 ||
		    cfetch_state(f) != CFETCH_BUSY || !fc.busy)
			abort();
		before = fc.delivered;
		cfetch_step(f, 0, now);
		if (fc.delivered != before + 1)
			abort();
		/* Every answer ends the fetch. */
		st = cfetch_state(f);
		if (st == CFETCH_BUSY || fc.busy)
			abort();
		if (st == CFETCH_FAILED || st == CFETCH_EXPIRED)
			check_text(cfetch_why(f), sizeof(f->why));
		if (st == CFETCH_OK) {
			memset(&k, 0, sizeof(k));
			cfetch_take(f, &k);
			check_keys(&k);
		} else
			cfetch_take(f, &k);
		if (cfetch_state(f) != CFETCH_IDLE)
			abort();
		now += 1000;
	}
	cfetch_free(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned	mode;

	if (size < 1)
		return 0;
	mode = data[0];
	memset(&fc, 0, sizeof(fc));
	fc.in = data + 1;
	fc.inlen = size - 1;
	fake_now = 1000000;
	fake_wall = 1700000000;
	if ((mode & 3) == 0)
		run_imds(fake_now);
	else
		run_cfetch(mode, fake_now);
	if (fc.inited || fc.busy)
		abort();
	return 0;
}
