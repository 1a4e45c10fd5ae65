/*
 * creds.c: credential sources (configuration, environment, shared
 * credentials file, IMDSv2).  See creds.h.
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

#include "aws/creds.h"
#include "aws/imds.h"
#include "aws/util.h"
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
	const char	*p, *end, *eol, *a, *b, *v, *ve;
	size_t		 plen;
	int		 ln = 0, in = 0, found = 0;

	memset(k, 0, sizeof(*k));
	plen = strlen(profile);
	p = buf;
	end = buf + len;
	while (p < end) {
		ln++;
		if (line != NULL)
			*line = ln;
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
			in = (size_t)(b - a) == plen &&
			    memcmp(a, profile, plen) == 0;
			found |= in;
			continue;
		}
		/* key = value */
		for (v = a; v < b && *v != '=' && *v != ':'; v++)
			;
		if (v == b)
			goto bad;
		ve = v;
		while (ve > a && isblank_((unsigned char)ve[-1]))
			ve--;
		if (!in) {
			continue;
		}
		v++;
		while (v < b && isblank_((unsigned char)*v))
			v++;
#define KEYIS(s)	((size_t)(ve - a) == sizeof(s) - 1 && \
			    strncasecmp(a, s, sizeof(s) - 1) == 0)
		if (KEYIS("aws_access_key_id")) {
			if (setfield(k->akid, sizeof(k->akid), v,
			    (size_t)(b - v)) == -1)
				goto bad;
		} else if (KEYIS("aws_secret_access_key")) {
			if (setfield(k->secret, sizeof(k->secret), v,
			    (size_t)(b - v)) == -1)
				goto bad;
		} else if (KEYIS("aws_session_token")) {
			if (setfield(k->token, sizeof(k->token), v,
			    (size_t)(b - v)) == -1)
				goto bad;
		}
#undef KEYIS
	}
	if (!found || k->akid[0] == '\0' || k->secret[0] == '\0') {
		keys_wipe(k);
		return 1;
	}
	return 0;
 bad:
	keys_wipe(k);
	return -1;
}

/*
 * Read a whole small file into buf (NUL-terminated).  Returns its
 * length, -1 with errno set, or -2 if it is larger than cap - 1.
 */
static ssize_t
readfile(const char *path, char *buf, size_t cap)
{
	ssize_t	n;
	size_t	got = 0;
	int	fd;
	char	extra;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		if (got == cap - 1) {
			n = read(fd, &extra, 1);
			close(fd);
			if (n == 0)
				break;
			return -2;
		}
		n = read(fd, buf + got, cap - 1 - got);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		if (n == 0) {
			close(fd);
			break;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
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

/* Source 3.  Returns 0 found, 1 not there, -1 error (logged). */
static int
from_file(struct creds *c)
{
	static char		 buf[CREDS_FILE_MAX + 1];
	struct creds_keys	 k;
	char			 path[1024];
	const char		*file, *profile;
	ssize_t			 n;
	int			 rv, line = 0;

	if ((profile = getenv("AWS_PROFILE")) == NULL || *profile == '\0')
		profile = "default";
	if ((file = getenv("AWS_SHARED_CREDENTIALS_FILE")) != NULL &&
	    *file != '\0') {
		if (strlen(file) >= sizeof(path)) {
			log_warnx("AWS_SHARED_CREDENTIALS_FILE is too long");
			return -1;
		}
	} else
		file = NULL;
	if (creds_file_path(path, sizeof(path)) == -1)
		return 1;
	n = readfile(path, buf, sizeof(buf));
	if (n == -1) {
		if (errno == ENOENT && file == NULL)
			return 1;
		log_warn("%s", path);
		return -1;
	}
	if (n == -2) {
		util_wipe(buf, sizeof(buf));
		log_warnx("%s: larger than %d bytes", path, CREDS_FILE_MAX);
		return -1;
	}
	rv = creds_parse_ini(buf, (size_t)n, profile, &k, &line);
	util_wipe(buf, sizeof(buf));
	if (rv == -1) {
		log_warnx("%s:%d: malformed line or value too long", path,
		    line);
		return -1;
	}
	if (rv == 1) {
		if (file != NULL || strcmp(profile, "default") != 0) {
			log_warnx("%s: no credentials for profile %s", path,
			    profile);
			return -1;
		}
		return 1;
	}
	use_keys(c, &k);
	c->source = CREDS_FILE;
	snprintf(c->where, sizeof(c->where), "file %.*s [%.32s]",
	    (int)(sizeof(c->where) - 48), path, profile);
	return 0;
}

/* Source 2.  Returns 0 found, 1 not there, -1 error (logged). */
static int
from_env(struct creds *c)
{
	struct creds_keys	 k;
	const char		*id, *sec, *tok;

	id = getenv("AWS_ACCESS_KEY_ID");
	sec = getenv("AWS_SECRET_ACCESS_KEY");
	tok = getenv("AWS_SESSION_TOKEN");
	if (id == NULL || *id == '\0' || sec == NULL || *sec == '\0')
		return 1;
	memset(&k, 0, sizeof(k));
	if (setfield(k.akid, sizeof(k.akid), id, strlen(id)) == -1 ||
	    setfield(k.secret, sizeof(k.secret), sec, strlen(sec)) == -1 ||
	    (tok != NULL && *tok != '\0' &&
	    setfield(k.token, sizeof(k.token), tok, strlen(tok)) == -1)) {
		keys_wipe(&k);
		log_warnx("AWS credentials in the environment are too long");
		return -1;
	}
	use_keys(c, &k);
	c->source = CREDS_ENV;
	snprintf(c->where, sizeof(c->where), "environment");
	return 0;
}

/* A setting that is there. */
static int
set(const char *s)
{
	return s != NULL && *s != '\0';
}

int
creds_init(struct creds *c, const struct aws_settings *aws,
    struct http_resolver *res)
{
	struct creds_keys	 k;
	int			 rv;

	memset(c, 0, sizeof(*c));
	c->source = CREDS_NONE;
	snprintf(c->where, sizeof(c->where), "none");
	if (set(aws->access_key_id) && set(aws->secret_key)) {
		memset(&k, 0, sizeof(k));
		if (setfield(k.akid, sizeof(k.akid), aws->access_key_id,
		    strlen(aws->access_key_id)) == -1 ||
		    setfield(k.secret, sizeof(k.secret), aws->secret_key,
		    strlen(aws->secret_key)) == -1) {
			keys_wipe(&k);
			log_warnx("configured AWS credentials are too long");
			return -1;
		}
		use_keys(c, &k);
		c->source = CREDS_CONFIG;
		snprintf(c->where, sizeof(c->where), "configuration");
		return 0;
	}
	if ((rv = from_env(c)) != 1)
		return rv;
	if ((rv = from_file(c)) != 1)
		return rv;
	if (aws->imds) {
		if (!set(aws->imds_endpoint) ||
		    (c->imds = imds_new(aws->imds_endpoint, res)) == NULL)
			return -1;
		c->source = CREDS_IMDS;
		snprintf(c->where, sizeof(c->where), "instance metadata %.*s",
		    (int)(sizeof(c->where) - 20), aws->imds_endpoint);
		return 0;
	}
	log_warnx("no AWS credentials: set access-key-id and "
	    "secret-access-key-file, AWS_ACCESS_KEY_ID and "
	    "AWS_SECRET_ACCESS_KEY, a shared credentials file, or imds yes");
	return -1;
}

void
creds_free(struct creds *c)
{
	if (c->imds != NULL)
		imds_free(c->imds);
	c->imds = NULL;
	keys_wipe(&c->keys);
	c->have = 0;
	c->sv.access_key_id = c->sv.secret_key = c->sv.session_token = NULL;
}

const struct sigv4_creds *
creds_get(struct creds *c)
{
	struct creds_keys	 k;

	if (c->imds != NULL && imds_take(c->imds, &k))
		use_keys(c, &k);
	return c->have ? &c->sv : NULL;
}

void
creds_pollfd(struct creds *c, struct pollfd *pfd)
{
	pfd->fd = -1;
	pfd->events = 0;
	pfd->revents = 0;
	if (c->imds != NULL)
		imds_pollfd(c->imds, pfd);
}

uint64_t
creds_deadline(const struct creds *c)
{
	return c->imds != NULL ? imds_deadline(c->imds) : 0;
}

void
creds_step(struct creds *c, short revents, uint64_t now)
{
	struct creds_keys	 k;

	if (c->imds == NULL)
		return;
	imds_step(c->imds, revents, now);
	if (imds_take(c->imds, &k))
		use_keys(c, &k);
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

int
creds_parse_imds(const char *buf, size_t len, struct creds_keys *k,
    const char **why)
{
	struct jcur	 j;
	char		 key[64], val[CREDS_TOKEN_MAX], exp[64];
	int		 first = 1, have_exp = 0;

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
			} else if (strcmp(key, "Token") == 0) {
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
			} else if (strcmp(key, "Code") == 0 &&
			    strcmp(val, "Success") != 0) {
				*why = "Code is not Success";
				goto fail;
			}
		} else if (jscalar(&j) == -1)
			goto fail;
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
