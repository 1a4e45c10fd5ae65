/*
 * creds.c: the credential chain: its sources (configuration,
 * environment, web identity, container, IMDSv2; the shared files and
 * profiles are in credsfile.c), creds_init(), and the refresh schedule
 * of its stages.  The parsers of what the sources give are in
 * credsparse.c.  See creds.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "aws/cfetch.h"
#include "aws/creds.h"
#include "aws/creds_impl.h"
#include "aws/imds.h"
#include "aws/retry.h"
#include "aws/util.h"
#include "http/tls.h"
#include "http/url.h"
#include "log.h"

/* Make c use k (which is wiped afterwards). */
static void
use_keys(struct creds *c, struct creds_keys *k)
{
	keys_wipe(&c->keys);
	c->keys = *k;
	keys_wipe(k);
	c->sv.access_key_id = c->keys.akid;
	c->sv.secret_key = c->keys.secret;
	c->sv.session_token = c->keys.token[0] != '\0' ? c->keys.token : NULL;
	c->have = 1;
}

/*
 * ---- The chain ----
 */

/* A setting that is there. */
static int
set(const char *s)
{
	return s != NULL && *s != '\0';
}

const char *
creds_env(const char *name)
{
	const char	*v = getenv(name);

	return set(v) ? v : NULL;
}

static struct creds_stage *
stage_add(struct build *b)
{
	struct creds_stage	*s;

	if (b->c->nst == CREDS_STAGES) {
		log_warnx("credentials: more than %d roles chained, or a "
		    "loop of source_profile", CREDS_STAGES - 1);
		return NULL;
	}
	s = &b->c->st[b->c->nst++];
	memset(s, 0, sizeof(*s));
	return s;
}

/* Point the stage's signing view at its keys. */
static void
stage_sv(struct creds_stage *s)
{
	s->sv.access_key_id = s->keys.akid;
	s->sv.secret_key = s->keys.secret;
	s->sv.session_token = s->keys.token[0] != '\0' ? s->keys.token : NULL;
}

/* A stage with keys k (wiped). */
int
creds_add_static(struct build *b, struct creds_keys *k)
{
	struct creds_stage	*s;

	if ((s = stage_add(b)) == NULL) {
		keys_wipe(k);
		return -1;
	}
	s->keys = *k;
	keys_wipe(k);
	s->have = 1;
	stage_sv(s);
	return 0;
}

int
creds_add_fetch(struct build *b, const struct cfetch_spec *sp)
{
	struct creds_stage	*s;
	struct cfetch		*f;

	if ((f = cfetch_new(sp, b->res, b->ta)) == NULL)
		return -1;
	if ((s = stage_add(b)) == NULL) {
		cfetch_free(f);
		return -1;
	}
	s->fetch = f;
	s->next_at = 1;		/* at the first step */
	return 0;
}

/* Keys from three strings (id, secret, token or NULL). */
int
creds_keys_of(struct creds_keys *k, const char *id, const char *sec,
    const char *tok)
{
	memset(k, 0, sizeof(*k));
	if (creds_setfield(k->akid, sizeof(k->akid), id, strlen(id)) == -1 ||
	    creds_setfield(k->secret, sizeof(k->secret), sec, strlen(sec)) == -1 ||
	    (tok != NULL && *tok != '\0' &&
	    creds_setfield(k->token, sizeof(k->token), tok, strlen(tok)) == -1)) {
		keys_wipe(k);
		return -1;
	}
	return 0;
}

/* Source 2.  Returns 0 found, 1 not there, -1 error (logged). */
int
creds_from_env(struct build *b)
{
	struct creds_keys	 k;
	const char		*id, *sec;

	id = creds_env("AWS_ACCESS_KEY_ID");
	sec = creds_env("AWS_SECRET_ACCESS_KEY");
	if (id == NULL || sec == NULL)
		return 1;
	if (creds_keys_of(&k, id, sec, creds_env("AWS_SESSION_TOKEN")) == -1) {
		log_warnx("AWS credentials in the environment are too long");
		return -1;
	}
	return creds_add_static(b, &k);
}

/* Source 3.  Returns 0 found, 1 not there, -1 error (logged). */
static int
from_webid(struct build *b)
{
	struct cfetch_spec	 sp;

	if (creds_env("AWS_ROLE_ARN") == NULL ||
	    creds_env("AWS_WEB_IDENTITY_TOKEN_FILE") == NULL)
		return 1;
	memset(&sp, 0, sizeof(sp));
	sp.kind = CFETCH_WEB_IDENTITY;
	sp.url = b->sts;
	sp.region = b->aws->region;
	sp.role_arn = creds_env("AWS_ROLE_ARN");
	sp.session_name = creds_env("AWS_ROLE_SESSION_NAME");
	sp.token_file = creds_env("AWS_WEB_IDENTITY_TOKEN_FILE");
	return creds_add_fetch(b, &sp);
}

/* Plain http is for these hosts only (the SDKs' rule). */
static int
container_host_ok(const char *url)
{
	struct http_endpoint	 ep;
	const char		*path, *err;

	if (http_url_parse(url, &ep, &path, &err) == -1)
		return 0;
	if (ep.tls)
		return 1;
	return strncmp(ep.host, "127.", 4) == 0 ||
	    strcmp(ep.host, "::1") == 0 ||
	    strcasecmp(ep.host, "localhost") == 0 ||
	    strcmp(ep.host, "169.254.170.2") == 0 ||
	    strcmp(ep.host, "169.254.170.23") == 0 ||
	    strcasecmp(ep.host, "fd00:ec2::23") == 0;
}

/* Source 5.  Returns 0 found, 1 not there, -1 error (logged). */
int
creds_from_container(struct build *b)
{
	struct cfetch_spec	 sp;
	const char		*rel, *full, *base;
	char			 url[1024];

	rel = creds_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	full = creds_env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	if (rel == NULL && full == NULL)
		return 1;
	if (rel != NULL) {
		base = set(b->aws->container_endpoint) ?
		    b->aws->container_endpoint : CREDS_ECS_ENDPOINT;
		if (*rel != '/' || (size_t)snprintf(url, sizeof(url), "%.*s%s",
		    (int)(strlen(base) - (base[strlen(base) - 1] == '/')),
		    base, rel) >= sizeof(url)) {
			log_warnx("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "
			    "malformed or too long");
			return -1;
		}
	} else {
		if (strlen(full) >= sizeof(url) || !container_host_ok(full)) {
			log_warnx("AWS_CONTAINER_CREDENTIALS_FULL_URI %.200s: "
			    "not https, and not a loopback or the ECS or EKS "
			    "address", full);
			return -1;
		}
		snprintf(url, sizeof(url), "%s", full);
	}
	memset(&sp, 0, sizeof(sp));
	sp.kind = CFETCH_CONTAINER;
	sp.url = url;
	sp.token_file = creds_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	sp.token = creds_env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	return creds_add_fetch(b, &sp);
}

/* Source 6, or a credential_source. */
int
creds_from_imds(struct build *b)
{
	if (b->c->nst != 0) {
		log_warnx("credentials: instance metadata can only start "
		    "a chain");
		return -1;
	}
	if (!set(b->aws->imds_endpoint) ||
	    (b->c->imds = imds_new(b->aws->imds_endpoint, b->res)) == NULL)
		return -1;
	if (stage_add(b) == NULL)
		return -1;
	return 0;
}

/* The description of a chain that is not a profile. */
static void
describe(struct creds *c, const char *what)
{
	snprintf(c->where, sizeof(c->where), "%s", what);
}

int
creds_init(struct creds *c, const struct aws_settings *aws,
    struct http_resolver *res, const struct http_tls_anchors *ta)
{
	struct build		 b;
	struct creds_keys	 k;
	enum aws_creds_pin	 pin = aws->pin;
	int			 rv = 1;

	memset(c, 0, sizeof(*c));
	c->source = CREDS_NONE;
	c->busy = -1;
	c->pfetch = c->pimds = -1;
	retry_seed(&c->rng, ((uint64_t)getpid() << 32) ^
	    util_mono_ms());
	describe(c, "none");
	memset(&b, 0, sizeof(b));
	b.c = c;
	b.aws = aws;
	b.res = res;
	b.ta = ta;
	if (set(aws->sts_endpoint))
		snprintf(b.sts, sizeof(b.sts), "%s", aws->sts_endpoint);
	else
		snprintf(b.sts, sizeof(b.sts), "https://sts.%.64s.%.32s",
		    set(aws->region) ? aws->region : "us-east-1",
		    set(aws->dns_suffix) ? aws->dns_suffix : "amazonaws.com");

	if (pin == AWS_CREDS_CHAIN || pin == AWS_CREDS_CONFIG) {
		if (set(aws->access_key_id) && set(aws->secret_key)) {
			if (creds_keys_of(&k, aws->access_key_id, aws->secret_key,
			    NULL) == -1) {
				log_warnx("configured AWS credentials are too "
				    "long");
				return -1;
			}
			if (creds_add_static(&b, &k) == -1)
				return -1;
			c->source = CREDS_CONFIG;
			describe(c, "configuration");
			rv = 0;
		}
	}
	if (rv == 1 && (pin == AWS_CREDS_CHAIN || pin == AWS_CREDS_ENV)) {
		if ((rv = creds_from_env(&b)) == 0) {
			c->source = CREDS_ENV;
			describe(c, "environment");
		}
	}
	if (rv == 1 && (pin == AWS_CREDS_CHAIN || pin == AWS_CREDS_WEBID)) {
		if ((rv = from_webid(&b)) == 0) {
			c->source = CREDS_WEBID;
			snprintf(c->where, sizeof(c->where), "web identity "
			    "%.140s", creds_env("AWS_ROLE_ARN"));
		}
	}
	if (rv == 1 && (pin == AWS_CREDS_CHAIN || pin == AWS_CREDS_PROFILE)) {
		if ((rv = creds_from_files(&b)) == 0)
			c->source = CREDS_FILE;
		creds_free_files(&b);
	}
	if (rv == 1 && (pin == AWS_CREDS_CHAIN ||
	    pin == AWS_CREDS_CONTAINER)) {
		if ((rv = creds_from_container(&b)) == 0) {
			c->source = CREDS_CONTAINER;
			snprintf(c->where, sizeof(c->where), "%.150s",
			    cfetch_describe(c->st[0].fetch));
		}
	}
	if (rv == 1 && ((pin == AWS_CREDS_CHAIN && aws->imds) ||
	    pin == AWS_CREDS_IMDS)) {
		if ((rv = creds_from_imds(&b)) == 0) {
			c->source = CREDS_IMDS;
			snprintf(c->where, sizeof(c->where), "instance "
			    "metadata %.130s", aws->imds_endpoint);
		}
	}
	if (rv == 1) {
		if (pin != AWS_CREDS_CHAIN)
			log_warnx("no AWS credentials from the source the "
			    "credentials keyword names");
		else
			log_warnx("no AWS credentials: set access-key-id and "
			    "secret-access-key-file, AWS_ACCESS_KEY_ID and "
			    "AWS_SECRET_ACCESS_KEY, AWS_ROLE_ARN and "
			    "AWS_WEB_IDENTITY_TOKEN_FILE, a profile in the "
			    "shared files, a container endpoint, or imds yes");
	}
	if (rv != 0) {
		creds_free(c);
		return -1;
	}
	if (c->nst > 0 && c->st[c->nst - 1].have) {
		k = c->st[c->nst - 1].keys;
		use_keys(c, &k);
	}
	return 0;
}

void
creds_free(struct creds *c)
{
	size_t	i;

	if (c->imds != NULL)
		imds_free(c->imds);
	c->imds = NULL;
	for (i = 0; i < c->nst; i++) {
		cfetch_free(c->st[i].fetch);
		keys_wipe(&c->st[i].keys);
	}
	memset(c->st, 0, sizeof(c->st));
	c->nst = 0;
	c->busy = -1;
	keys_wipe(&c->keys);
	c->have = 0;
	c->sv.access_key_id = c->sv.secret_key = c->sv.session_token = NULL;
}

/* Keys that have expired by the wall clock. */
static int
stale(const struct creds_keys *k)
{
	return k->expiration != 0 && time(NULL) >= k->expiration;
}

/* Stage i has new keys k (wiped): use them and plan their refresh. */
static void
stage_keys(struct creds *c, size_t i, struct creds_keys *k, uint64_t now)
{
	struct creds_stage	*s = &c->st[i];
	struct creds_keys	 last;
	int64_t			 left, life;
	uint64_t		 delay;

	keys_wipe(&s->keys);
	s->keys = *k;
	keys_wipe(k);
	s->have = 1;
	stage_sv(s);
	if (s->logged)
		log_info("credentials: %s works again",
		    s->fetch != NULL ? cfetch_describe(s->fetch) : "source");
	s->failures = 0;
	s->logged = 0;
	if (s->fetch != NULL) {
		if (s->keys.expiration == 0)
			s->next_at = 0;
		else {
			life = (int64_t)s->keys.expiration - (int64_t)time(NULL);
			left = life - CREDS_REFRESH_S;
			if (left <= 0)
				left = life / 2;
			delay = left <= 0 ? 0 : (uint64_t)left * 1000;
			if (delay < CREDS_MIN_REFRESH_MS)
				delay = CREDS_MIN_REFRESH_MS;
			s->next_at = now + delay;
		}
		log_info("credentials from %s%s, refresh in %llu s",
		    cfetch_describe(s->fetch), s->keys.expiration == 0 ?
		    " (no expiration)" : "", s->next_at == 0 ? 0ULL :
		    (unsigned long long)((s->next_at - now) / 1000));
	}
	if (i + 1 == c->nst) {
		last = s->keys;
		use_keys(c, &last);
	}
}

/* The fetch of stage i ended without keys: plan the next try. */
static void
stage_failed(struct creds *c, size_t i, int expired, uint64_t now)
{
	struct creds_stage	*s = &c->st[i];
	struct retry_policy	 pol;
	uint64_t		 ceil, wait;

	pol.base_ms = CREDS_RETRY_BASE_MS;
	pol.cap_ms = CREDS_RETRY_CAP_MS;
	pol.max_attempts = ~0u;
	s->failures++;
	ceil = retry_ceiling(&pol, s->failures);
	wait = ceil / 2 + retry_rand(&c->rng, ceil / 2);
	s->next_at = now + wait;
	if (!s->logged) {
		if (expired)
			log_warnx("credentials: %s: the token has expired or "
			    "is refused: %s; retrying every %d s at most",
			    cfetch_describe(s->fetch), cfetch_why(s->fetch),
			    CREDS_RETRY_CAP_MS / 1000);
		else
			log_warnx("credentials: %s: %s; retrying in %llu ms",
			    cfetch_describe(s->fetch), cfetch_why(s->fetch),
			    (unsigned long long)wait);
		s->logged = 1;
	} else
		log_info("credentials: %s: %s (attempt %u); retrying in "
		    "%llu ms", cfetch_describe(s->fetch), cfetch_why(s->fetch),
		    s->failures, (unsigned long long)wait);
}

/* Whether stage i may be fetched: the stage before it has keys. */
static int
startable(const struct creds *c, size_t i)
{
	return c->st[i].fetch != NULL && c->st[i].next_at != 0 &&
	    (i == 0 || (c->st[i - 1].have && !stale(&c->st[i - 1].keys)));
}

const struct sigv4_creds *
creds_get(struct creds *c)
{
	struct creds_keys	 k;

	if (c->imds != NULL && imds_take(c->imds, &k))
		stage_keys(c, 0, &k, c->now);
	if (!c->have || stale(&c->keys))
		return NULL;
	return &c->sv;
}

size_t
creds_pollfds(struct creds *c, struct pollfd *pfd, size_t max)
{
	struct pollfd	 p;
	size_t		 n = 0;

	c->pfetch = c->pimds = -1;
	if (max < CREDS_FDS_MAX)
		return 0;
	if (c->imds != NULL) {
		imds_pollfd(c->imds, &p);
		if (p.fd != -1) {
			c->pimds = (int)n;
			pfd[n++] = p;
		}
	}
	if (c->busy >= 0) {
		cfetch_pollfd(c->st[c->busy].fetch, &p);
		if (p.fd != -1) {
			c->pfetch = (int)n;
			pfd[n++] = p;
		}
	}
	return n;
}

uint64_t
creds_deadline(const struct creds *c)
{
	uint64_t	d = 0, t;
	size_t		i;

	if (c->imds != NULL)
		d = imds_deadline(c->imds);
	if (c->busy >= 0) {
		t = cfetch_deadline(c->st[c->busy].fetch);
		return t != 0 && (d == 0 || t < d) ? t : d;
	}
	for (i = 0; i < c->nst; i++)
		if (startable(c, i) && (d == 0 || c->st[i].next_at < d))
			d = c->st[i].next_at;
	return d;
}

void
creds_step(struct creds *c, const struct pollfd *pfd, size_t n,
    uint64_t now)
{
	struct creds_keys	 k;
	struct creds_stage	*s;
	enum cfetch_state	 st;
	size_t			 i;

	c->now = now;
	if (c->imds != NULL) {
		imds_step(c->imds, c->pimds >= 0 && (size_t)c->pimds < n ?
		    pfd[c->pimds].revents : 0, now);
		if (imds_take(c->imds, &k))
			stage_keys(c, 0, &k, now);
	}
	if (c->busy >= 0) {
		s = &c->st[c->busy];
		cfetch_step(s->fetch, c->pfetch >= 0 && (size_t)c->pfetch < n ?
		    pfd[c->pfetch].revents : 0, now);
		st = cfetch_state(s->fetch);
		if (st == CFETCH_BUSY)
			goto out;
		memset(&k, 0, sizeof(k));
		cfetch_take(s->fetch, &k);
		if (st == CFETCH_OK)
			stage_keys(c, (size_t)c->busy, &k, now);
		else
			stage_failed(c, (size_t)c->busy, st == CFETCH_EXPIRED,
			    now);
		c->busy = -1;
	}
	for (i = 0; i < c->nst; i++) {
		if (!startable(c, i) || now < c->st[i].next_at)
			continue;
		s = &c->st[i];
		c->busy = (int)i;
		if (cfetch_start(s->fetch, i > 0 ? &c->st[i - 1].sv : NULL,
		    now) == -1) {
			cfetch_take(s->fetch, &k);
			stage_failed(c, i, 0, now);
			c->busy = -1;
			continue;
		}
		break;
	}
 out:
	c->pfetch = c->pimds = -1;
}

int
creds_expired(struct creds *c)
{
	struct creds_stage	*s;
	int			 logged = !c->have;

	if (c->nst == 0)
		return 0;
	s = &c->st[c->nst - 1];
	if (s->fetch == NULL && c->imds == NULL) {
		log_warnx("credentials from %s: AWS says the token has "
		    "expired; set new ones", c->where);
		return 0;
	}
	if (!logged)
		log_warnx("credentials from %s: AWS says the token has "
		    "expired; fetching new ones", c->where);
	keys_wipe(&c->keys);
	c->have = 0;
	c->sv.access_key_id = c->sv.secret_key = c->sv.session_token = NULL;
	s->have = 0;
	if (c->imds != NULL && c->nst == 1)
		imds_kick(c->imds);
	else if (c->busy != (int)(c->nst - 1))
		s->next_at = 1;
	return 1;
}

int
creds_runs_commands(const struct creds *c)
{
	size_t	i;

	for (i = 0; i < c->nst; i++)
		if (c->st[i].fetch != NULL &&
		    strcmp(cfetch_describe(c->st[i].fetch),
		    "credential_process") == 0)
			return 1;
	return 0;
}

const char *
creds_describe(const struct creds *c)
{
	return c->where;
}
