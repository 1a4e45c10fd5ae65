/*
 * creds.c: the credential chain (configuration, environment, web
 * identity, shared files and profiles, container, IMDSv2), its refresh
 * schedule, and the parsers of what the sources give.  See creds.h.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "aws/cfetch.h"
#include "aws/creds.h"
#include "aws/imds.h"
#include "aws/retry.h"
#include "aws/util.h"
#include "aws/xml.h"
#include "http/tls.h"
#include "http/url.h"
#include "log.h"

/*
 * Copy a string into a fixed field; -1 if it is empty, does not fit or
 * holds a control character (keys and tokens go into request headers).
 */
static int
setfield(char *dst, size_t cap, const char *src, size_t len)
{
	size_t	i;

	if (len == 0 || len >= cap)
		return -1;
	for (i = 0; i < len; i++)
		if ((unsigned char)src[i] < 0x20 || src[i] == 0x7f)
			return -1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

static void
keys_wipe(struct creds_keys *k)
{
	util_wipe(k, sizeof(*k));
}

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
 * ---- Shared credentials file ----
 */

static int
isblank_(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

int
creds_parse_ini(const char *buf, size_t len, const char *profile,
    struct creds_keys *k, int *line)
{
	int	rv;

	memset(k, 0, sizeof(*k));
	if ((rv = creds_ini_get(buf, len, profile, "aws_access_key_id",
	    k->akid, sizeof(k->akid), line)) == -1 ||
	    (rv == 0 && (rv = creds_ini_get(buf, len, profile,
	    "aws_secret_access_key", k->secret, sizeof(k->secret),
	    line)) == -1) ||
	    (rv == 0 && creds_ini_get(buf, len, profile, "aws_session_token",
	    k->token, sizeof(k->token), line) == -1)) {
		keys_wipe(k);
		return -1;
	}
	if (rv == 1 || k->akid[0] == '\0' || k->secret[0] == '\0') {
		keys_wipe(k);
		return 1;
	}
	return 0;
}

int
creds_ini_get(const char *buf, size_t len, const char *section,
    const char *key, char *out, size_t cap, int *line)
{
	const char	*p, *end, *eol, *a, *b, *v, *ve;
	size_t		 slen, klen = 0, vlen;
	int		 ln = 0, in = 0, found = 0, have = 0;

	if (cap > 0)
		out[0] = '\0';
	slen = strlen(section);
	if (key != NULL)
		klen = strlen(key);
	p = buf;
	end = buf + len;
	while (p < end) {
		ln++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		a = p;
		b = eol;
		p = eol < end ? eol + 1 : end;
		while (a < b && isblank_((unsigned char)*a))
			a++;
		while (b > a && isblank_((unsigned char)b[-1]))
			b--;
		if (a == b || *a == '#' || *a == ';')
			continue;
		if (memchr(a, '\0', (size_t)(b - a)) != NULL)
			goto bad;
		if (*a == '[') {
			if (b[-1] != ']')
				goto bad;
			a++;
			b--;
			while (a < b && isblank_((unsigned char)*a))
				a++;
			while (b > a && isblank_((unsigned char)b[-1]))
				b--;
			in = (size_t)(b - a) == slen &&
			    memcmp(a, section, slen) == 0;
			found |= in;
			continue;
		}
		for (v = a; v < b && *v != '=' && *v != ':'; v++)
			;
		if (v == b)
			goto bad;
		ve = v;
		while (ve > a && isblank_((unsigned char)ve[-1]))
			ve--;
		if (!in || key == NULL || (size_t)(ve - a) != klen ||
		    strncasecmp(a, key, klen) != 0)
			continue;
		v++;
		while (v < b && isblank_((unsigned char)*v))
			v++;
		vlen = (size_t)(b - v);
		if (vlen == 0) {
			have = 0;
			if (cap > 0)
				out[0] = '\0';
			continue;
		}
		if (setfield(out, cap, v, vlen) == -1)
			goto bad;
		have = 1;
	}
	if (key == NULL)
		return found ? 0 : 1;
	return have ? 0 : 1;
 bad:
	if (line != NULL)
		*line = ln;
	if (cap > 0)
		util_wipe(out, cap);
	return -1;
}

/*
 * Read a whole small file into a new buffer (NUL-terminated).  Returns
 * its length, -1 with errno set, or -2 if it is larger than max.
 */
static ssize_t
readfile(const char *path, char **bufp, size_t max)
{
	char	*buf;
	ssize_t	 n;
	size_t	 got = 0;
	int	 fd, saved;

	*bufp = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((buf = malloc(max + 2)) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	for (;;) {
		n = read(fd, buf + got, max + 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			close(fd);
			util_wipe(buf, max + 2);
			free(buf);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > max) {
			close(fd);
			util_wipe(buf, max + 2);
			free(buf);
			return -2;
		}
	}
	close(fd);
	buf[got] = '\0';
	*bufp = buf;
	return (ssize_t)got;
}

int
creds_file_path(char *buf, size_t size)
{
	const char	*file, *home;

	if ((file = getenv("AWS_SHARED_CREDENTIALS_FILE")) != NULL &&
	    *file != '\0')
		return (size_t)snprintf(buf, size, "%s", file) >= size ? -1 : 0;
	if ((home = getenv("HOME")) == NULL || *home == '\0')
		return -1;
	if ((size_t)snprintf(buf, size, "%s/.aws/credentials", home) >= size)
		return -1;
	return 0;
}

/*
 * ---- The chain ----
 */

/* What creds_init() works with. */
struct build {
	struct creds			*c;
	const struct aws_settings	*aws;
	struct http_resolver		*res;
	const struct http_tls_anchors	*ta;
	char				 sts[300];	/* STS endpoint */
	/* The shared files, NULL when there is none. */
	char				*cred, *conf;
	size_t				 credlen, conflen;
	char				 credpath[1024], confpath[1024];
};

/* A setting that is there. */
static int
set(const char *s)
{
	return s != NULL && *s != '\0';
}

static const char *
env(const char *name)
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
static int
add_static(struct build *b, struct creds_keys *k)
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

static int
add_fetch(struct build *b, const struct cfetch_spec *sp)
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
static int
keys_of(struct creds_keys *k, const char *id, const char *sec,
    const char *tok)
{
	memset(k, 0, sizeof(*k));
	if (setfield(k->akid, sizeof(k->akid), id, strlen(id)) == -1 ||
	    setfield(k->secret, sizeof(k->secret), sec, strlen(sec)) == -1 ||
	    (tok != NULL && *tok != '\0' &&
	    setfield(k->token, sizeof(k->token), tok, strlen(tok)) == -1)) {
		keys_wipe(k);
		return -1;
	}
	return 0;
}

/* Source 2.  Returns 0 found, 1 not there, -1 error (logged). */
static int
from_env(struct build *b)
{
	struct creds_keys	 k;
	const char		*id, *sec;

	id = env("AWS_ACCESS_KEY_ID");
	sec = env("AWS_SECRET_ACCESS_KEY");
	if (id == NULL || sec == NULL)
		return 1;
	if (keys_of(&k, id, sec, env("AWS_SESSION_TOKEN")) == -1) {
		log_warnx("AWS credentials in the environment are too long");
		return -1;
	}
	return add_static(b, &k);
}

/* Source 3.  Returns 0 found, 1 not there, -1 error (logged). */
static int
from_webid(struct build *b)
{
	struct cfetch_spec	 sp;

	if (env("AWS_ROLE_ARN") == NULL ||
	    env("AWS_WEB_IDENTITY_TOKEN_FILE") == NULL)
		return 1;
	memset(&sp, 0, sizeof(sp));
	sp.kind = CFETCH_WEB_IDENTITY;
	sp.url = b->sts;
	sp.region = b->aws->region;
	sp.role_arn = env("AWS_ROLE_ARN");
	sp.session_name = env("AWS_ROLE_SESSION_NAME");
	sp.token_file = env("AWS_WEB_IDENTITY_TOKEN_FILE");
	return add_fetch(b, &sp);
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
static int
from_container(struct build *b)
{
	struct cfetch_spec	 sp;
	const char		*rel, *full, *base;
	char			 url[1024];

	rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
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
	sp.token_file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	sp.token = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	return add_fetch(b, &sp);
}

/* Source 6, or a credential_source. */
static int
from_imds(struct build *b)
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

/*
 * Load a shared file: the one env names (which must then exist when
 * strict), else ~/.aws/NAME (which may be absent).  0 or -1 (logged).
 */
static int
load_shared(const char *envname, const char *name, int strict, char **buf,
    size_t *len, char *path, size_t cap)
{
	const char	*file, *home;
	ssize_t		 n;

	*buf = NULL;
	*len = 0;
	path[0] = '\0';
	if ((file = env(envname)) != NULL) {
		if (strlen(file) >= cap) {
			log_warnx("%s is too long", envname);
			return -1;
		}
		snprintf(path, cap, "%s", file);
	} else {
		if ((home = env("HOME")) == NULL ||
		    (size_t)snprintf(path, cap, "%s/.aws/%s", home, name) >=
		    cap) {
			path[0] = '\0';
			return 0;
		}
	}
	n = readfile(path, buf, CREDS_FILE_MAX);
	if (n == -1) {
		if (errno == ENOENT && (file == NULL || !strict)) {
			path[0] = '\0';
			return 0;
		}
		log_warn("%s", path);
		return -1;
	}
	if (n == -2) {
		log_warnx("%s: larger than %d bytes", path, CREDS_FILE_MAX);
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

/*
 * A key of a profile: the credentials file's [NAME] first, then the
 * config file's [profile NAME] (or [default]).  0 found, 1 not, -1
 * malformed (logged).  key NULL: whether the profile exists.
 */
static int
prof_get(struct build *b, const char *name, const char *key, char *out,
    size_t cap)
{
	char	sect[300];
	int	rv, line = 0, i;

	if (b->cred != NULL) {
		rv = creds_ini_get(b->cred, b->credlen, name, key, out, cap,
		    &line);
		if (rv == -1) {
			log_warnx("%s:%d: malformed line or value too long",
			    b->credpath, line);
			return -1;
		}
		if (rv == 0)
			return 0;
	}
	if (b->conf == NULL)
		return 1;
	for (i = 0; i < 2; i++) {
		if (i == 0)
			snprintf(sect, sizeof(sect), "profile %.250s", name);
		else if (strcmp(name, "default") == 0)
			snprintf(sect, sizeof(sect), "default");
		else
			break;
		rv = creds_ini_get(b->conf, b->conflen, sect, key, out, cap,
		    &line);
		if (rv == -1) {
			log_warnx("%s:%d: malformed line or value too long",
			    b->confpath, line);
			return -1;
		}
		if (rv == 0)
			return 0;
	}
	return 1;
}

/* Look up several keys of a profile at once. */
struct prof {
	char	role_arn[CREDS_VALUE_MAX];
	char	source_profile[256];
	char	credential_source[64];
	char	external_id[CREDS_VALUE_MAX];
	char	session_name[128];
	char	duration[16];
	char	webid_file[1024];
	char	process[CREDS_VALUE_MAX];
	char	akid[CREDS_AKID_MAX];
	char	secret[CREDS_SECRET_MAX];
	char	token[CREDS_TOKEN_MAX];
};

static int
prof_read(struct build *b, const char *name, struct prof *p)
{
	static const struct { const char *key; size_t off, len; } keys[] = {
#define K(k, f)	{ k, offsetof(struct prof, f), sizeof(((struct prof *)0)->f) }
		K("role_arn", role_arn),
		K("source_profile", source_profile),
		K("credential_source", credential_source),
		K("external_id", external_id),
		K("role_session_name", session_name),
		K("duration_seconds", duration),
		K("web_identity_token_file", webid_file),
		K("credential_process", process),
		K("aws_access_key_id", akid),
		K("aws_secret_access_key", secret),
		K("aws_session_token", token),
#undef K
	};
	size_t	i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (prof_get(b, name, keys[i].key, (char *)p + keys[i].off,
		    keys[i].len) == -1)
			return -1;
	return 0;
}

static void
prof_wipe(struct prof *p)
{
	util_wipe(p, sizeof(*p));
}

/*
 * A profile (source 4).  Returns 0 found, 1 not there (or without
 * credentials), -1 error (logged).
 */
static int
from_profile(struct build *b, const char *name, int depth)
{
	struct prof		*p;
	struct creds_keys	 k;
	struct cfetch_spec	 sp;
	char			*end;
	unsigned long		 dur = 0;
	int			 rv = 1;

	if (depth >= CREDS_STAGES) {
		log_warnx("profile %s: more than %d roles chained, or a loop "
		    "of source_profile", name, CREDS_STAGES - 1);
		return -1;
	}
	if (prof_get(b, name, NULL, NULL, 0) != 0)
		return 1;
	if ((p = malloc(sizeof(*p))) == NULL) {
		log_warn("credentials");
		return -1;
	}
	if (prof_read(b, name, p) == -1) {
		rv = -1;
		goto out;
	}
	memset(&sp, 0, sizeof(sp));
	sp.url = b->sts;
	sp.region = b->aws->region;
	sp.role_arn = p->role_arn;
	sp.session_name = p->session_name;
	if (p->duration[0] != '\0') {
		errno = 0;
		dur = strtoul(p->duration, &end, 10);
		if (*end != '\0' || errno != 0 || dur < 900 || dur > 43200) {
			log_warnx("profile %s: duration_seconds %s: not 900 "
			    "to 43200", name, p->duration);
			rv = -1;
			goto out;
		}
	}
	sp.duration = (unsigned)dur;
	if (p->role_arn[0] != '\0' && p->webid_file[0] != '\0') {
		sp.kind = CFETCH_WEB_IDENTITY;
		sp.token_file = p->webid_file;
		rv = add_fetch(b, &sp);
		goto out;
	}
	if (p->role_arn[0] != '\0') {
		if (p->source_profile[0] != '\0' &&
		    p->credential_source[0] != '\0') {
			log_warnx("profile %s: both source_profile and "
			    "credential_source", name);
			rv = -1;
			goto out;
		}
		if (p->source_profile[0] != '\0' &&
		    strcmp(p->source_profile, name) == 0) {
			/* Its own keys sign the AssumeRole. */
			if (p->akid[0] == '\0' || p->secret[0] == '\0' ||
			    keys_of(&k, p->akid, p->secret, p->token) == -1 ||
			    add_static(b, &k) == -1) {
				log_warnx("profile %s: source_profile is the "
				    "profile itself, which has no keys", name);
				rv = -1;
				goto out;
			}
		} else if (p->source_profile[0] != '\0') {
			if ((rv = from_profile(b, p->source_profile,
			    depth + 1)) != 0) {
				if (rv == 1)
					log_warnx("profile %s: source_profile "
					    "%s has no credentials", name,
					    p->source_profile);
				rv = -1;
				goto out;
			}
		} else if (strcmp(p->credential_source, "Environment") == 0) {
			if ((rv = from_env(b)) != 0) {
				if (rv == 1)
					log_warnx("profile %s: "
					    "credential_source Environment: "
					    "no AWS_ACCESS_KEY_ID and "
					    "AWS_SECRET_ACCESS_KEY", name);
				rv = -1;
				goto out;
			}
		} else if (strcmp(p->credential_source, "EcsContainer") == 0) {
			if ((rv = from_container(b)) != 0) {
				if (rv == 1)
					log_warnx("profile %s: "
					    "credential_source EcsContainer: "
					    "no AWS_CONTAINER_CREDENTIALS_"
					    "RELATIVE_URI or FULL_URI", name);
				rv = -1;
				goto out;
			}
		} else if (strcmp(p->credential_source,
		    "Ec2InstanceMetadata") == 0) {
			if (from_imds(b) == -1) {
				rv = -1;
				goto out;
			}
		} else {
			log_warnx("profile %s: role_arn needs source_profile, "
			    "or credential_source Environment, EcsContainer "
			    "or Ec2InstanceMetadata", name);
			rv = -1;
			goto out;
		}
		sp.kind = CFETCH_ASSUME_ROLE;
		sp.external_id = p->external_id;
		rv = add_fetch(b, &sp);
		goto out;
	}
	if (p->process[0] != '\0') {
		sp.kind = CFETCH_PROCESS;
		sp.command = p->process;
		rv = add_fetch(b, &sp);
		goto out;
	}
	if (p->akid[0] != '\0' && p->secret[0] != '\0') {
		if (keys_of(&k, p->akid, p->secret, p->token) == -1) {
			rv = -1;
			goto out;
		}
		rv = add_static(b, &k);
		goto out;
	}
	rv = 1;
 out:
	prof_wipe(p);
	free(p);
	return rv;
}

/* Source 4 with the shared files.  0, 1 or -1 (logged). */
static int
from_files(struct build *b)
{
	const char	*name;
	int		 named = 1, rv;

	if ((name = b->aws->profile) == NULL || *name == '\0')
		name = env("AWS_PROFILE");
	if (name == NULL) {
		name = "default";
		named = 0;
	}
	if (load_shared("AWS_SHARED_CREDENTIALS_FILE", "credentials", 1,
	    &b->cred, &b->credlen, b->credpath, sizeof(b->credpath)) == -1 ||
	    load_shared("AWS_CONFIG_FILE", "config", 0, &b->conf, &b->conflen,
	    b->confpath, sizeof(b->confpath)) == -1)
		return -1;
	rv = from_profile(b, name, 0);
	if (rv == 1 && (named || env("AWS_SHARED_CREDENTIALS_FILE") != NULL)) {
		log_warnx("%s%s%s: no credentials for profile %s",
		    b->credpath[0] != '\0' ? b->credpath : "",
		    b->credpath[0] != '\0' && b->confpath[0] != '\0' ?
		    ", " : "", b->confpath[0] != '\0' ? b->confpath :
		    b->credpath[0] == '\0' ? "no shared files" : "", name);
		return -1;
	}
	if (rv == 0)
		snprintf(b->c->where, sizeof(b->c->where), "file %.100s "
		    "[%.40s]", b->credpath[0] != '\0' ? b->credpath :
		    b->confpath, name);
	return rv;
}

static void
free_files(struct build *b)
{
	if (b->cred != NULL) {
		util_wipe(b->cred, b->credlen);
		free(b->cred);
	}
	if (b->conf != NULL) {
		util_wipe(b->conf, b->conflen);
		free(b->conf);
	}
	b->cred = b->conf = NULL;
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
			if (keys_of(&k, aws->access_key_id, aws->secret_key,
			    NULL) == -1) {
				log_warnx("configured AWS credentials are too "
				    "long");
				return -1;
			}
			if (add_static(&b, &k) == -1)
				return -1;
			c->source = CREDS_CONFIG;
			describe(c, "configuration");
			rv = 0;
		}
	}
	if (rv == 1 && (pin == AWS_CREDS_CHAIN || pin == AWS_CREDS_ENV)) {
		if ((rv = from_env(&b)) == 0) {
			c->source = CREDS_ENV;
			describe(c, "environment");
		}
	}
	if (rv == 1 && (pin == AWS_CREDS_CHAIN || pin == AWS_CREDS_WEBID)) {
		if ((rv = from_webid(&b)) == 0) {
			c->source = CREDS_WEBID;
			snprintf(c->where, sizeof(c->where), "web identity "
			    "%.140s", env("AWS_ROLE_ARN"));
		}
	}
	if (rv == 1 && (pin == AWS_CREDS_CHAIN || pin == AWS_CREDS_PROFILE)) {
		if ((rv = from_files(&b)) == 0)
			c->source = CREDS_FILE;
		free_files(&b);
	}
	if (rv == 1 && (pin == AWS_CREDS_CHAIN ||
	    pin == AWS_CREDS_CONTAINER)) {
		if ((rv = from_container(&b)) == 0) {
			c->source = CREDS_CONTAINER;
			snprintf(c->where, sizeof(c->where), "%.150s",
			    cfetch_describe(c->st[0].fetch));
		}
	}
	if (rv == 1 && ((pin == AWS_CREDS_CHAIN && aws->imds) ||
	    pin == AWS_CREDS_IMDS)) {
		if ((rv = from_imds(&b)) == 0) {
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

/*
 * ---- IMDS JSON ----
 */

time_t
creds_parse_time(const char *s)
{
	struct tm	tm;
	int		v[6], i, j;
	const char	*p = s;
	static const int width[6] = { 4, 2, 2, 2, 2, 2 };
	static const char sep[6] = { '-', '-', 'T', ':', ':', '\0' };

	for (i = 0; i < 6; i++) {
		v[i] = 0;
		for (j = 0; j < width[i]; j++, p++) {
			if (*p < '0' || *p > '9')
				return -1;
			v[i] = v[i] * 10 + (*p - '0');
		}
		if (sep[i] != '\0' && *p++ != sep[i])
			return -1;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (p[0] != 'Z' || p[1] != '\0')
		return -1;
	if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 ||
	    v[3] > 23 || v[4] > 59 || v[5] > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	return timegm(&tm);
}

/* A cursor over the JSON text; every read is bounded by end. */
struct jcur {
	const char	*p;
	const char	*end;
};

static void
jws(struct jcur *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Read a JSON string at the cursor into out (cap bytes, NUL-terminated).
 * \uXXXX escapes are accepted only for ASCII, which is all credentials
 * hold.  Returns 0, or -1 if malformed or too long.
 */
static int
jstring(struct jcur *j, char *out, size_t cap)
{
	size_t	n = 0;
	int	ch, i, h, u;

	if (j->p >= j->end || *j->p != '"')
		return -1;
	j->p++;
	for (;;) {
		if (j->p >= j->end)
			return -1;
		ch = (unsigned char)*j->p++;
		if (ch == '"')
			break;
		if (ch < 0x20)
			return -1;
		if (ch == '\\') {
			if (j->p >= j->end)
				return -1;
			ch = (unsigned char)*j->p++;
			switch (ch) {
			case '"': case '\\': case '/':
				break;
			case 'b': ch = '\b'; break;
			case 'f': ch = '\f'; break;
			case 'n': ch = '\n'; break;
			case 'r': ch = '\r'; break;
			case 't': ch = '\t'; break;
			case 'u':
				if (j->end - j->p < 4)
					return -1;
				for (u = 0, i = 0; i < 4; i++) {
					if ((h = hexval(j->p[i])) == -1)
						return -1;
					u = u * 16 + h;
				}
				j->p += 4;
				if (u == 0 || u > 0x7f)
					return -1;
				ch = u;
				break;
			default:
				return -1;
			}
		}
		if (n + 1 >= cap)
			return -1;
		out[n++] = (char)ch;
	}
	out[n] = '\0';
	return 0;
}

/* Skip a scalar that is not a string: number, true, false, null. */
static int
jscalar(struct jcur *j)
{
	const char	*s = j->p;

	while (j->p < j->end && ((*j->p >= '0' && *j->p <= '9') ||
	    (*j->p >= 'a' && *j->p <= 'z') || *j->p == '-' || *j->p == '+' ||
	    *j->p == '.' || *j->p == 'E'))
		j->p++;
	return j->p == s ? -1 : 0;
}

/*
 * The flat JSON object of IMDS and container endpoints (process 0:
 * "Token", "Code") or of credential_process (process 1: "SessionToken",
 * "Version": 1 required).
 */
static int
parse_json(const char *buf, size_t len, struct creds_keys *k,
    const char **why, int process)
{
	struct jcur	 j;
	char		 key[64], val[CREDS_TOKEN_MAX], exp[64];
	const char	*s;
	int		 first = 1, have_exp = 0, version = 0;

	memset(k, 0, sizeof(*k));
	j.p = buf;
	j.end = buf + len;
	*why = "malformed JSON";
	jws(&j);
	if (j.p >= j.end || *j.p++ != '{')
		goto fail;
	for (;;) {
		jws(&j);
		if (j.p < j.end && *j.p == '}' && first) {
			j.p++;
			break;
		}
		if (jstring(&j, key, sizeof(key)) == -1)
			goto fail;
		jws(&j);
		if (j.p >= j.end || *j.p++ != ':')
			goto fail;
		jws(&j);
		if (j.p < j.end && *j.p == '"') {
			if (jstring(&j, val, sizeof(val)) == -1) {
				*why = "malformed or overlong string";
				goto fail;
			}
			if (strcmp(key, "AccessKeyId") == 0) {
				if (setfield(k->akid, sizeof(k->akid), val,
				    strlen(val)) == -1)
					goto toolong;
			} else if (strcmp(key, "SecretAccessKey") == 0) {
				if (setfield(k->secret, sizeof(k->secret), val,
				    strlen(val)) == -1)
					goto toolong;
			} else if (strcmp(key, process ? "SessionToken" :
			    "Token") == 0) {
				if (setfield(k->token, sizeof(k->token), val,
				    strlen(val)) == -1)
					goto toolong;
			} else if (strcmp(key, "Expiration") == 0) {
				if (strlen(val) >= sizeof(exp)) {
					*why = "malformed Expiration";
					goto fail;
				}
				memcpy(exp, val, strlen(val) + 1);
				have_exp = 1;
			} else if (!process && strcmp(key, "Code") == 0 &&
			    strcmp(val, "Success") != 0) {
				*why = "Code is not Success";
				goto fail;
			} else if (process && strcmp(key, "Version") == 0) {
				*why = "Version is not 1";
				goto fail;
			}
		} else {
			s = j.p;
			if (jscalar(&j) == -1)
				goto fail;
			if (process && strcmp(key, "Version") == 0) {
				if (j.p - s != 1 || *s != '1') {
					*why = "Version is not 1";
					goto fail;
				}
				version = 1;
			}
		}
		first = 0;
		jws(&j);
		if (j.p >= j.end)
			goto fail;
		if (*j.p == ',') {
			j.p++;
			continue;
		}
		if (*j.p++ != '}')
			goto fail;
		break;
	}
	jws(&j);
	if (j.p != j.end)
		goto fail;
	util_wipe(val, sizeof(val));
	if (process && !version) {
		*why = "Version 1 missing";
		keys_wipe(k);
		return -1;
	}
	if (k->akid[0] == '\0' || k->secret[0] == '\0') {
		*why = "AccessKeyId or SecretAccessKey missing";
		keys_wipe(k);
		return -1;
	}
	if (have_exp && (k->expiration = creds_parse_time(exp)) == -1) {
		*why = "malformed Expiration";
		keys_wipe(k);
		return -1;
	}
	*why = NULL;
	return 0;
 toolong:
	*why = "empty, overlong or malformed key or token";
 fail:
	util_wipe(val, sizeof(val));
	keys_wipe(k);
	return -1;
}

int
creds_parse_imds(const char *buf, size_t len, struct creds_keys *k,
    const char **why)
{
	return parse_json(buf, len, k, why, 0);
}

int
creds_parse_process(const char *buf, size_t len, struct creds_keys *k,
    const char **why)
{
	return parse_json(buf, len, k, why, 1);
}

/*
 * ---- STS answers ----
 */

/* Copy a text into a bounded field, cut to fit. */
static void
cut(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src);
}

/* Read Error's children Code and Message. */
static int
sts_error(struct xml *x, char *code, size_t codecap, char *msg,
    size_t msgcap)
{
	const char	*t;
	int		 rv;

	while ((rv = xml_child(x)) == 1) {
		if (xml_is(x, "Code")) {
			if (xml_text(x, &t, NULL) == -1)
				return -1;
			cut(code, codecap, t);
		} else if (xml_is(x, "Message")) {
			if (xml_text(x, &t, NULL) == -1)
				return -1;
			cut(msg, msgcap, t);
		} else if (xml_skip(x) == -1)
			return -1;
	}
	return rv;
}

/* Read Credentials' children into *k.  0, or -1 with *why. */
static int
sts_keys(struct xml *x, struct creds_keys *k, int *have_exp,
    const char **why)
{
	const char	*t;
	size_t		 n;
	int		 rv;

	while ((rv = xml_child(x)) == 1) {
		if (xml_is(x, "AccessKeyId") || xml_is(x, "SecretAccessKey") ||
		    xml_is(x, "SessionToken") || xml_is(x, "Expiration")) {
			int	which = xml_is(x, "AccessKeyId") ? 0 :
			    xml_is(x, "SecretAccessKey") ? 1 :
			    xml_is(x, "SessionToken") ? 2 : 3;

			if (xml_text(x, &t, &n) == -1)
				return -1;
			if (which == 3) {
				if ((k->expiration = creds_parse_time(t)) ==
				    -1) {
					*why = "malformed Expiration";
					return -1;
				}
				*have_exp = 1;
			} else if (setfield(which == 0 ? k->akid : which == 1 ?
			    k->secret : k->token, which == 0 ?
			    sizeof(k->akid) : which == 1 ? sizeof(k->secret) :
			    sizeof(k->token), t, n) == -1) {
				*why = "empty, overlong or malformed key or "
				    "token";
				return -1;
			}
		} else if (xml_skip(x) == -1)
			return -1;
	}
	return rv;
}

int
creds_parse_sts(char *buf, size_t len, struct creds_keys *k, char *code,
    size_t codecap, char *msg, size_t msgcap, const char **why)
{
	struct xml	 x;
	int		 rv, found = 0, have_exp = 0, err = 0;

	memset(k, 0, sizeof(*k));
	if (codecap > 0)
		code[0] = '\0';
	if (msgcap > 0)
		msg[0] = '\0';
	*why = "malformed XML";
	xml_init(&x, buf, len);
	if (xml_child(&x) != 1)
		goto bad;
	if (xml_is(&x, "ErrorResponse")) {
		err = 1;
		while ((rv = xml_child(&x)) == 1) {
			if (xml_is(&x, "Error")) {
				if (sts_error(&x, code, codecap, msg,
				    msgcap) == -1)
					goto bad;
				found = 1;
			} else if (xml_skip(&x) == -1)
				goto bad;
		}
	} else if (xml_is(&x, "AssumeRoleResponse") ||
	    xml_is(&x, "AssumeRoleWithWebIdentityResponse")) {
		while ((rv = xml_child(&x)) == 1) {
			if (!xml_is(&x, "AssumeRoleResult") &&
			    !xml_is(&x, "AssumeRoleWithWebIdentityResult")) {
				if (xml_skip(&x) == -1)
					goto bad;
				continue;
			}
			while ((rv = xml_child(&x)) == 1) {
				if (!xml_is(&x, "Credentials")) {
					if (xml_skip(&x) == -1)
						goto bad;
					continue;
				}
				if (sts_keys(&x, k, &have_exp, why) == -1)
					goto bad;
				found = 1;
			}
			if (rv == -1)
				goto bad;
		}
	} else {
		*why = "not an STS answer";
		goto bad;
	}
	if (rv == -1 || xml_next(&x) != XML_EOF)
		goto bad;
	if (err) {
		if (!found || code[0] == '\0') {
			*why = "no Error Code";
			goto bad;
		}
		*why = NULL;
		return 1;
	}
	if (!found || k->akid[0] == '\0' || k->secret[0] == '\0' ||
	    k->token[0] == '\0' || !have_exp) {
		*why = "Credentials incomplete";
		goto bad;
	}
	*why = NULL;
	return 0;
 bad:
	keys_wipe(k);
	return -1;
}
