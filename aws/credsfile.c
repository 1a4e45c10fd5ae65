/*
 * credsfile.c: the shared config and credentials files of the AWS SDKs:
 * reading them, their INI syntax (creds_parse_ini, creds_ini_get), and
 * the profiles they hold, turned into stages of the chain (source 4 of
 * creds.h: role_arn, source_profile, credential_source,
 * credential_process, keys).
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "aws/cfetch.h"
#include "aws/creds.h"
#include "aws/creds_impl.h"
#include "aws/util.h"
#include "log.h"

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
		if (creds_setfield(out, cap, v, vlen) == -1)
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
	if ((file = creds_env(envname)) != NULL) {
		if (strlen(file) >= cap) {
			log_warnx("%s is too long", envname);
			return -1;
		}
		snprintf(path, cap, "%s", file);
	} else {
		if ((home = creds_env("HOME")) == NULL ||
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
 * ---- Profiles ----
 */

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
		rv = creds_add_fetch(b, &sp);
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
			    creds_keys_of(&k, p->akid, p->secret, p->token) == -1 ||
			    creds_add_static(b, &k) == -1) {
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
			if ((rv = creds_from_env(b)) != 0) {
				if (rv == 1)
					log_warnx("profile %s: "
					    "credential_source Environment: "
					    "no AWS_ACCESS_KEY_ID and "
					    "AWS_SECRET_ACCESS_KEY", name);
				rv = -1;
				goto out;
			}
		} else if (strcmp(p->credential_source, "EcsContainer") == 0) {
			if ((rv = creds_from_container(b)) != 0) {
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
			if (creds_from_imds(b) == -1) {
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
		rv = creds_add_fetch(b, &sp);
		goto out;
	}
	if (p->process[0] != '\0') {
		sp.kind = CFETCH_PROCESS;
		sp.command = p->process;
		rv = creds_add_fetch(b, &sp);
		goto out;
	}
	if (p->akid[0] != '\0' && p->secret[0] != '\0') {
		if (creds_keys_of(&k, p->akid, p->secret, p->token) == -1) {
			rv = -1;
			goto out;
		}
		rv = creds_add_static(b, &k);
		goto out;
	}
	rv = 1;
 out:
	prof_wipe(p);
	free(p);
	return rv;
}

/* Source 4 with the shared files.  0, 1 or -1 (logged). */
int
creds_from_files(struct build *b)
{
	const char	*name;
	int		 named = 1, rv;

	if ((name = b->aws->profile) == NULL || *name == '\0')
		name = creds_env("AWS_PROFILE");
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
	if (rv == 1 && (named || creds_env("AWS_SHARED_CREDENTIALS_FILE") != NULL)) {
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

void
creds_free_files(struct build *b)
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
