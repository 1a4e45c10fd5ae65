/*
 * credsparse.c: the parsers of what the credential sources give: the
 * JSON of the IMDS, the container endpoints and credential_process
 * (creds_parse_imds, creds_parse_process), STS answers in XML
 * (creds_parse_sts), and their time stamps (creds_parse_time).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "aws/creds.h"
#include "aws/creds_impl.h"
#include "aws/util.h"
#include "aws/xml.h"

/*
 * Copy a string into a fixed field; -1 if it is empty, does not fit or
 * holds a control character (keys and tokens go into request headers).
 */
int
creds_setfield(char *dst, size_t cap, const char *src, size_t len)
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
				if (creds_setfield(k->akid, sizeof(k->akid), val,
				    strlen(val)) == -1)
					goto toolong;
			} else if (strcmp(key, "SecretAccessKey") == 0) {
				if (creds_setfield(k->secret, sizeof(k->secret), val,
				    strlen(val)) == -1)
					goto toolong;
			} else if (strcmp(key, process ? "SessionToken" :
			    "Token") == 0) {
				if (creds_setfield(k->token, sizeof(k->token), val,
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
			} else if (creds_setfield(which == 0 ? k->akid : which == 1 ?
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
