/*
 * conf_key.c: key "NAME" { algorithm ALG; secret "BASE64"; }; -- TSIG
 * keys, their algorithm names (with BIND's truncation syntax) and
 * lookups by name.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acl.h"
#include "dns/base64.h"
#include "conf.h"
#include "conf_impl.h"

/* Per-block "seen" flags, to refuse an option given twice. */
enum {
	S_ALG = 1, S_SECRET = 2
};

static const struct {
	const char	*name;
	enum tsig_alg	 alg;
	unsigned	 bits;
} algs[] = {
	{ "hmac-md5",			TSIG_HMAC_MD5,		128 },
	{ "hmac-md5.sig-alg.reg.int",	TSIG_HMAC_MD5,		128 },
	{ "hmac-sha1",			TSIG_HMAC_SHA1,		160 },
	{ "hmac-sha224",		TSIG_HMAC_SHA224,	224 },
	{ "hmac-sha256",		TSIG_HMAC_SHA256,	256 },
	{ "hmac-sha384",		TSIG_HMAC_SHA384,	384 },
	{ "hmac-sha512",		TSIG_HMAC_SHA512,	512 }
};

/* Keys */

/* Parse an algorithm name into k; reports as key "name". */
static int
algorithm(struct parser *p, struct conf_key *k, const char *s)
{
	char		 n[64], b[100];
	size_t		 i, len, nl;
	unsigned	 bits, min;
	char		*dash, *end;

	len = strlen(s);
	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len >= sizeof(n))
		goto unknown;
	for (i = 0; i < len; i++)
		n[i] = (char)tolower((unsigned char)s[i]);
	n[len] = '\0';
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strcmp(n, algs[i].name) == 0) {
			k->alg = algs[i].alg;
			k->truncbits = 0;
			return 0;
		}
	}
	/* BIND's truncation syntax: hmac-sha256-128 */
	if ((dash = strrchr(n, '-')) == NULL || !isdigit((unsigned char)dash[1]))
		goto unknown;
	nl = (size_t)(dash - n);
	errno = 0;
	bits = (unsigned)strtoul(dash + 1, &end, 10);
	if (*end != '\0' || errno == ERANGE || strlen(dash + 1) > 5)
		goto unknown;
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strlen(algs[i].name) != nl ||
		    strncmp(n, algs[i].name, nl) != 0)
			continue;
		min = algs[i].bits / 2 > 80 ? algs[i].bits / 2 : 80;
		if (bits < min || bits > algs[i].bits) {
			TERR(p, "key \"%s\": digest bits %u out of range "
			    "(%u..%u)", k->name, bits, min, algs[i].bits);
			return -1;
		}
		if (bits % 8 != 0) {
			TERR(p, "key \"%s\": digest bits %u not a multiple "
			    "of 8", k->name, bits);
			return -1;
		}
		k->alg = algs[i].alg;
		k->truncbits = bits == algs[i].bits ? 0 : bits;
		return 0;
	}
unknown:
	TERR(p, "key \"%s\": unknown algorithm \"%s\"", k->name,
	    cf_show(s, b, sizeof(b)));
	return -1;
}

struct keyctx {
	struct conf_key	*k;
	unsigned	 seen;
};

static int
key_opt(struct parser *p, const char *kw, void *arg)
{
	struct keyctx	*kc = arg;
	struct conf_key	*k = kc->k;
	char		 buf[CONF_STRING_MAX];
	uint8_t		 dec[BASE64_DECMAX(CONF_STRING_MAX)];
	size_t		 declen;
	int		 rv;

	if (strcasecmp(kw, "algorithm") == 0) {
		if (cf_once(p, &kc->seen, S_ALG, kw) == -1 ||
		    cf_word(p, "algorithm", buf, sizeof(buf)) == -1 ||
		    algorithm(p, k, buf) == -1)
			return -1;
		return expect_semi(p);
	}
	if (strcasecmp(kw, "secret") == 0) {
		if (cf_once(p, &kc->seen, S_SECRET, kw) == -1 ||
		    cf_word(p, "secret", buf, sizeof(buf)) == -1)
			return -1;
		rv = base64_decode(buf, strlen(buf), dec, sizeof(dec),
		    &declen);
		explicit_bzero(buf, sizeof(buf));
		explicit_bzero(p->tok.text, sizeof(p->tok.text));
		if (rv == -1) {
			TERR(p, "key \"%s\": invalid base64 in secret",
			    k->name);
			return -1;
		}
		if (declen == 0 || declen > CONF_SECRET_MAX) {
			explicit_bzero(dec, sizeof(dec));
			TERR(p, "key \"%s\": secret must be 1 to %d bytes",
			    k->name, CONF_SECRET_MAX);
			return -1;
		}
		memcpy(k->secret, dec, declen);
		k->secretlen = declen;
		explicit_bzero(dec, sizeof(dec));
		snprintf((char *)dec, sizeof(dec), "key \"%s\": secret",
		    k->name);
		cf_check_secret_src(p, p->tok.file, p->tok.line,
		    (const char *)dec);
		return expect_semi(p);
	}
	TERR(p, "unknown keyword \"%s\" in key", kw);
	return -1;
}

/* The key or zone named name, any spelling; NULL if none. */
struct conf_key *
cf_key_lookup(const struct conf *c, const char *name)
{
	char	 canon[ACL_NAME_MAX];
	size_t	 i;

	if (acl_name_canon(canon, sizeof(canon), name) == -1)
		return NULL;
	for (i = 0; i < c->nkeys; i++)
		if (strcmp(c->keys[i].name, canon) == 0)
			return &c->keys[i];
	return NULL;
}

/* key "NAME" { algorithm ALG; secret "BASE64"; }; */
int
cf_key(struct parser *p)
{
	struct conf	*c = p->conf;
	struct conf_key	*k, *old;
	struct keyctx	 kc;
	char		 name[ACL_NAME_MAX], canon[ACL_NAME_MAX], b[100];
	const char	*file;
	int		 line, rv;
	size_t		 idx;

	file = cf_peek(p)->file;
	line = p->tok.line;
	if (cf_word(p, "key name", name, sizeof(name)) == -1)
		return -1;
	if (acl_name_canon(canon, sizeof(canon), name) == -1 ||
	    canon[0] == '\0') {
		TERR(p, "invalid key name %s", cf_tokdesc(&p->tok, b,
		    sizeof(b)));
		return -1;
	}
	if ((old = cf_key_lookup(c, canon)) != NULL) {
		TERR(p, "duplicate key \"%s\" (first defined at %s:%d)",
		    canon, old->file, old->line);
		return -1;
	}
	if ((k = cf_grow(p, &c->keys, &c->nkeys, sizeof(*k), CONF_KEYS_MAX,
	    "keys")) == NULL)
		return -1;
	idx = c->nkeys - 1;
	memcpy(k->name, canon, sizeof(canon));
	k->file = file;
	k->line = line;
	memset(&kc, 0, sizeof(kc));
	kc.k = k;
	if (expect_lbrace(p) == -1)
		return -1;
	rv = cf_stmt_block(p, "key", key_opt, &kc);
	k = &c->keys[idx];
	if (!(kc.seen & S_ALG))
		cf_perr(p, file, line, "key \"%s\": missing algorithm",
		    k->name);
	if (!(kc.seen & S_SECRET))
		cf_perr(p, file, line, "key \"%s\": missing secret", k->name);
	return rv;
}


const struct conf_key *
conf_key_find(const struct conf *c, const char *name)
{
	return cf_key_lookup(c, name);
}

const char *
conf_tsig_alg_name(enum tsig_alg alg)
{
	size_t	 i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].alg == alg)
			return algs[i].name;
	return "unknown";
}
