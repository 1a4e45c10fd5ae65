/*
 * imds.c: IMDSv2 credential fetcher.  See imds.h.
 *
 * States (m->state):
 *   IDLE	no request in flight; the next fetch starts at next_at
 *		(0: never, the keys do not expire)
 *   TOKEN	PUT /latest/api/token in flight
 *   ROLE	GET .../security-credentials/ in flight; token is set
 *   KEYS	GET .../security-credentials/ROLE in flight; role is set
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/creds.h"
#include "aws/imds.h"
#include "aws/retry.h"
#include "aws/util.h"
#include "http/conn.h"
#include "log.h"

#ifndef R53D_VERSION
#define R53D_VERSION	"0"
#endif

#define IMDS_CREDS_PATH	"/latest/meta-data/iam/security-credentials/"
#define IMDS_MAXRESP	(64 * 1024)
#define IMDS_TOKEN_MAX	1024
#define IMDS_ROLE_MAX	128

enum { IDLE, TOKEN, ROLE, KEYS };

struct imds {
	struct http_conn	 conn;
	char			 url[128];	/* for messages */
	char			 authority[HTTP_MAXHOST + 9];
	int			 state;
	uint64_t		 next_at;
	uint64_t		 now;
	char			 head[IMDS_TOKEN_MAX + 512];
	char			 token[IMDS_TOKEN_MAX];
	char			 role[IMDS_ROLE_MAX];
	struct creds_keys	 keys;		/* fetched, not yet taken */
	int			 fresh;
	struct retry_policy	 pol;
	struct retry		 retry;
	struct retry_rng	 rng;
	unsigned long		 fetches;
};

static void	 done(const struct http_result *, void *);

struct imds *
imds_new(const char *url, struct http_resolver *res)
{
	struct imds		*m;
	struct http_endpoint	 ep;
	struct http_timeouts	 to = { 2000, 2000, 5000, 20000 };
	const char		*path, *err;

	if (http_url_parse(url, &ep, &path, &err) == -1) {
		log_warnx("imds-endpoint %s: %s", url, err);
		return NULL;
	}
	if (ep.tls) {
		log_warnx("imds-endpoint %s: the instance metadata service "
		    "speaks plain http", url);
		return NULL;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		log_warn("imds");
		return NULL;
	}
	snprintf(m->url, sizeof(m->url), "%.*s", (int)sizeof(m->url) - 1,
	    url);
	if (http_url_authority(&ep, m->authority,
	    sizeof(m->authority)) == -1 ||
	    http_conn_init(&m->conn, &ep, res, NULL, &to, IMDS_MAXRESP) == -1) {
		log_warnx("imds-endpoint %s: cannot set up", url);
		free(m);
		return NULL;
	}
	m->state = IDLE;
	m->next_at = 1;		/* at the first timer */
	m->pol.base_ms = IMDS_RETRY_BASE_MS;
	m->pol.cap_ms = IMDS_RETRY_CAP_MS;
	m->pol.max_attempts = ~0u;
	retry_start(&m->retry, 0);
	retry_seed(&m->rng, ((uint64_t)getpid() << 32) ^ util_mono_ms());
	return m;
}

void
imds_free(struct imds *m)
{
	if (m == NULL)
		return;
	http_conn_free(&m->conn);
	util_wipe(m->token, sizeof(m->token));
	util_wipe(&m->keys, sizeof(m->keys));
	free(m);
}

void
imds_pollfd(struct imds *m, struct pollfd *pfd)
{
	http_conn_pollfd(&m->conn, pfd);
}

uint64_t
imds_deadline(const struct imds *m)
{
	uint64_t	d = http_conn_deadline(&m->conn);

	if (m->state == IDLE && m->next_at != 0 && (d == 0 || m->next_at < d))
		d = m->next_at;
	return d;
}

/* Send one request; on refusal the fetch fails. */
static int
send_req(struct imds *m, const char *method, const char *path)
{
	int	n;

	if (m->state == TOKEN)
		n = snprintf(m->head, sizeof(m->head),
		    "%s %s HTTP/1.1\r\nHost: %s\r\n"
		    "User-Agent: r53d/%s\r\n"
		    "X-aws-ec2-metadata-token-ttl-seconds: %d\r\n"
		    "Content-Length: 0\r\n\r\n",
		    method, path, m->authority, R53D_VERSION,
		    IMDS_TOKEN_TTL_S);
	else
		n = snprintf(m->head, sizeof(m->head),
		    "%s %s HTTP/1.1\r\nHost: %s\r\n"
		    "User-Agent: r53d/%s\r\n"
		    "X-aws-ec2-metadata-token: %s\r\n\r\n",
		    method, path, m->authority, R53D_VERSION, m->token);
	if (n < 0 || (size_t)n >= sizeof(m->head))
		return -1;
	return http_conn_request(&m->conn, m->head, (size_t)n, NULL, 0,
	    done, m);
}

/* The fetch failed: schedule the next try. */
static void
fail(struct imds *m, const char *what, const char *why)
{
	uint64_t	when;

	if (retry_next(&m->pol, &m->retry, &m->rng, m->now, &when) == -1)
		when = m->now + IMDS_RETRY_CAP_MS;
	log_warnx("instance metadata %s: %s: %s; retrying in %llu ms",
	    m->url, what, why, (unsigned long long)(when - m->now));
	util_wipe(m->token, sizeof(m->token));
	m->state = IDLE;
	m->next_at = when;
}

/* Body text without surrounding white space, as a bounded string. */
static int
body_text(const struct http_result *res, char *out, size_t cap,
    int oneline)
{
	const char	*b = res->body, *e = res->body + res->bodylen;
	size_t		 i, n;

	while (b < e && (*b == ' ' || *b == '\n' || *b == '\r' || *b == '\t'))
		b++;
	if (oneline) {
		const char *nl = memchr(b, '\n', (size_t)(e - b));

		if (nl != NULL)
			e = nl;
	}
	while (e > b && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r' ||
	    e[-1] == '\t'))
		e--;
	n = (size_t)(e - b);
	if (n == 0 || n >= cap)
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)b[i] <= ' ' || (unsigned char)b[i] >= 0x7f)
			return -1;
	memcpy(out, b, n);
	out[n] = '\0';
	return 0;
}

static int
role_ok(const char *r)
{
	for (; *r != '\0'; r++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789+=,.@_-", *r) == NULL)
			return 0;
	return 1;
}

static void
got_keys(struct imds *m, const struct http_result *res)
{
	struct creds_keys	 k;
	const char		*why;
	time_t			 wall;
	int64_t			 left;
	uint64_t		 delay;

	if (creds_parse_imds(res->body, res->bodylen, &k, &why) == -1) {
		fail(m, "credentials", why);
		return;
	}
	util_wipe(m->token, sizeof(m->token));
	util_wipe(&m->keys, sizeof(m->keys));
	m->keys = k;
	util_wipe(&k, sizeof(k));
	m->fresh = 1;
	m->fetches++;
	m->state = IDLE;
	retry_start(&m->retry, 0);
	if (m->keys.expiration == 0) {
		m->next_at = 0;
		log_info("instance metadata: credentials for role %s "
		    "(no expiration)", m->role);
		return;
	}
	wall = time(NULL);
	left = (int64_t)m->keys.expiration - (int64_t)wall - CREDS_REFRESH_S;
	delay = left <= 0 ? 0 : (uint64_t)left * 1000;
	if (delay < IMDS_MIN_REFRESH_MS)
		delay = IMDS_MIN_REFRESH_MS;
	m->next_at = m->now + delay;
	log_info("instance metadata: credentials for role %s, "
	    "refresh in %llu s", m->role, (unsigned long long)(delay / 1000));
}

static void
done(const struct http_result *res, void *arg)
{
	struct imds	*m = arg;
	char		 path[sizeof(IMDS_CREDS_PATH) + IMDS_ROLE_MAX];
	char		 why[80];
	const char	*what;

	what = m->state == TOKEN ? "token" : m->state == ROLE ? "role" :
	    "credentials";
	if (res->error != HTTP_OK) {
		fail(m, what, res->errtext != NULL ? res->errtext :
		    http_conn_strerror(res->error));
		return;
	}
	if (res->status != 200) {
		snprintf(why, sizeof(why), "HTTP status %d", res->status);
		fail(m, what, why);
		return;
	}
	switch (m->state) {
	case TOKEN:
		if (body_text(res, m->token, sizeof(m->token), 0) == -1) {
			fail(m, what, "malformed token");
			return;
		}
		m->state = ROLE;
		if (send_req(m, "GET", IMDS_CREDS_PATH) == -1)
			fail(m, "role", "cannot send the request");
		break;
	case ROLE:
		if (body_text(res, m->role, sizeof(m->role), 1) == -1 ||
		    !role_ok(m->role)) {
			fail(m, what, "no role, or a malformed role name");
			return;
		}
		snprintf(path, sizeof(path), "%s%s", IMDS_CREDS_PATH, m->role);
		m->state = KEYS;
		if (send_req(m, "GET", path) == -1)
			fail(m, "credentials", "cannot send the request");
		break;
	case KEYS:
		got_keys(m, res);
		break;
	}
}

void
imds_step(struct imds *m, short revents, uint64_t now)
{
	m->now = now;
	http_conn_step(&m->conn, revents, now);
	if (m->state != IDLE || m->next_at == 0 || now < m->next_at)
		return;
	retry_attempt(&m->retry);
	m->state = TOKEN;
	if (send_req(m, "PUT", "/latest/api/token") == -1)
		fail(m, "token", "cannot send the request");
}

int
imds_take(struct imds *m, struct creds_keys *k)
{
	if (!m->fresh)
		return 0;
	*k = m->keys;
	util_wipe(&m->keys, sizeof(m->keys));
	m->fresh = 0;
	return 1;
}

void
imds_kick(struct imds *m)
{
	if (m->state == IDLE)
		m->next_at = 1;
}

unsigned long
imds_fetches(const struct imds *m)
{
	return m->fetches;
}
