/*
 * conf_zone.c: zone "NAME" { ... }; -- zone options, address match
 * lists (allow-update, allow-query, allow-notify), update-policy grants,
 * primaries, and finding a zone by name.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acl.h"
#include "conf.h"
#include "conf_impl.h"

/* RR types a grant may name (IANA DNS parameters registry). */
static const struct {
	const char	*name;
	uint16_t	 type;
} rrtypes[] = {
	{ "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "SOA", 6 }, { "PTR", 12 },
	{ "HINFO", 13 }, { "MX", 15 }, { "TXT", 16 }, { "RP", 17 },
	{ "AFSDB", 18 }, { "AAAA", 28 }, { "LOC", 29 }, { "SRV", 33 },
	{ "NAPTR", 35 }, { "KX", 36 }, { "CERT", 37 }, { "DNAME", 39 },
	{ "DS", 43 }, { "SSHFP", 44 }, { "RRSIG", 46 }, { "NSEC", 47 },
	{ "DNSKEY", 48 }, { "DHCID", 49 }, { "NSEC3", 50 },
	{ "NSEC3PARAM", 51 }, { "TLSA", 52 }, { "SMIMEA", 53 },
	{ "CDS", 59 }, { "CDNSKEY", 60 }, { "OPENPGPKEY", 61 },
	{ "SVCB", 64 }, { "HTTPS", 65 }, { "SPF", 99 }, { "URI", 256 },
	{ "CAA", 257 }, { "ANY", 255 }
};

/* ACLs */

static int
prefix(struct parser *p, struct acl_elem *e, const char *s)
{
	char		 addr[64], b[100], *sl, *end;
	unsigned long	 plen;
	unsigned	 maxlen, i;

	if (strlen(s) >= sizeof(addr))
		goto bad;
	memcpy(addr, s, strlen(s) + 1);
	if ((sl = strchr(addr, '/')) != NULL)
		*sl++ = '\0';
	if (inet_pton(AF_INET, addr, e->addr) == 1) {
		e->family = AF_INET;
		maxlen = 32;
	} else if (inet_pton(AF_INET6, addr, e->addr) == 1) {
		e->family = AF_INET6;
		maxlen = 128;
	} else
		goto bad;
	if (sl == NULL)
		plen = maxlen;
	else {
		errno = 0;
		plen = strtoul(sl, &end, 10);
		if (!isdigit((unsigned char)*sl) || *end != '\0' ||
		    errno == ERANGE || plen > maxlen) {
			TERR(p, "invalid prefix length in \"%s\"",
			    cf_show(s, b, sizeof(b)));
			return -1;
		}
	}
	e->plen = (unsigned)plen;
	for (i = e->plen; i < maxlen; i++) {
		if (e->addr[i / 8] & (0x80 >> (i % 8))) {
			TERR(p, "prefix \"%s\" has bits set beyond its length",
			    cf_show(s, b, sizeof(b)));
			return -1;
		}
	}
	e->type = ACL_PREFIX;
	return 0;
bad:
	TERR(p, "invalid address \"%s\"", cf_show(s, b, sizeof(b)));
	return -1;
}

struct acl_elem *
cf_acl_add(struct parser *p, struct acl *acl)
{
	return cf_grow(p, &acl->elems, &acl->nelems, sizeof(struct acl_elem),
	    CONF_ACL_MAX, "address match list elements");
}

/* One element of an address match list, with its ";". */
static int
acl_elem(struct parser *p, struct acl *acl)
{
	struct acl_elem	 e, *ne;
	char		 buf[CONF_STRING_MAX], b[100];
	int		 negate = 0;

	memset(&e, 0, sizeof(e));
	if (cf_peek(p)->type == T_BANG) {
		cf_next(p);
		negate = 1;
	}
	if (cf_peek(p)->type == T_LBRACE) {
		TERR(p, "nested address match lists are not supported");
		return -1;
	}
	if (cf_word(p, "address match list element", buf, sizeof(buf)) == -1)
		return -1;
	e.negate = negate;
	e.file = p->tok.file;
	e.line = p->tok.line;
	if (strcasecmp(buf, "any") == 0)
		e.type = ACL_ANY;
	else if (strcasecmp(buf, "none") == 0)
		e.type = ACL_NONE;
	else if (strcasecmp(buf, "key") == 0) {
		if (cf_word(p, "key name", buf, sizeof(buf)) == -1)
			return -1;
		if (acl_name_canon(e.key, sizeof(e.key), buf) == -1 ||
		    e.key[0] == '\0') {
			TERR(p, "invalid key name %s", cf_tokdesc(&p->tok, b,
			    sizeof(b)));
			return -1;
		}
		e.type = ACL_KEY;
		e.file = p->tok.file;
		e.line = p->tok.line;
	} else if (strcasecmp(buf, "localhost") == 0) {
		/* Loopback: 127.0.0.0/8 and ::1. */
		if (prefix(p, &e, "127.0.0.0/8") == -1 ||
		    (ne = cf_acl_add(p, acl)) == NULL)
			return -1;
		*ne = e;
		if (prefix(p, &e, "::1") == -1)
			return -1;
	} else if (strcasecmp(buf, "localnets") == 0) {
		TERR(p, "\"localnets\" is not supported; list the prefixes");
		return -1;
	} else if (prefix(p, &e, buf) == -1)
		return -1;
	if ((ne = cf_acl_add(p, acl)) == NULL)
		return -1;
	*ne = e;
	return expect_semi(p);
}

/* { element; ... }; with recovery inside the list. */
static int
acl_list(struct parser *p, const char *kw, struct acl *acl, unsigned *seen,
    unsigned bit);

int
cf_acl_list(struct parser *p, const char *kw, struct acl *acl,
    unsigned *seen, unsigned bit)
{
	return acl_list(p, kw, acl, seen, bit);
}

static int
acl_list(struct parser *p, const char *kw, struct acl *acl, unsigned *seen,
    unsigned bit)
{
	struct tok	*t;

	if (cf_once(p, seen, bit, kw) == -1 || expect_lbrace(p) == -1)
		return -1;
	for (;;) {
		t = cf_peek(p);
		if (t->type == T_RBRACE) {
			cf_next(p);
			break;
		}
		if (t->type == T_EOF) {
			TERR(p, "unexpected end of file in %s", kw);
			return -1;
		}
		if (acl_elem(p, acl) == -1)
			cf_skip(p);
		if (p->stop)
			return -1;
	}
	expect_semi(p);
	return 0;
}

/* Zones */

static int
rrtype(const char *s, uint16_t *type)
{
	size_t		 i;
	unsigned long	 n;
	char		*end;

	for (i = 0; i < sizeof(rrtypes) / sizeof(rrtypes[0]); i++) {
		if (strcasecmp(s, rrtypes[i].name) == 0) {
			*type = rrtypes[i].type;
			return 0;
		}
	}
	if (strncasecmp(s, "TYPE", 4) == 0 && isdigit((unsigned char)s[4])) {
		errno = 0;
		n = strtoul(s + 4, &end, 10);
		if (*end == '\0' && errno == 0 && n <= 65535) {
			*type = (uint16_t)n;
			return 0;
		}
	}
	return -1;
}

const char *
cf_rrtype_name(uint16_t type, char *buf, size_t size)
{
	size_t	 i;

	for (i = 0; i < sizeof(rrtypes) / sizeof(rrtypes[0]); i++)
		if (rrtypes[i].type == type)
			return rrtypes[i].name;
	snprintf(buf, size, "TYPE%u", (unsigned)type);
	return buf;
}

struct zonectx {
	size_t		 idx;		/* index of the zone in conf->zones */
	unsigned	 seen;
	const char	*hz_file, *priv_file, *vpc_file;	/* where */
	int		 hz_line, priv_line, vpc_line;
};

enum {
	Z_HOSTED = 1, Z_UPDATE = 2, Z_QUERY = 4, Z_NOTIFY = 8, Z_SERIAL = 16,
	Z_INSYNC = 32, Z_TIMEOUT = 64, Z_QLIMIT = 128, Z_PRIMARIES = 256,
	Z_POLICY = 512, Z_COALESCE = 1024, Z_IXFR = 2048, Z_XFRSIZE = 4096,
	Z_XFRTIME = 8192, Z_MINREF = 16384, Z_MAXREF = 32768,
	Z_MINRETRY = 65536, Z_MAXRETRY = 131072, Z_DRYRUN = 262144,
	Z_PRIVATE = 524288, Z_VPC = 1048576, Z_DHCID = 2097152
};

/* The secondary's number settings: keyword, bit, bounds, field. */
static const struct {
	const char	*kw;
	unsigned	 bit;
	unsigned	 min, max;
	size_t		 off;
} secnum[] = {
	{ "max-transfer-size", Z_XFRSIZE, 4096, 1024U * 1024 * 1024,
	    offsetof(struct zone_conf, max_transfer_size) },
	{ "transfer-timeout", Z_XFRTIME, 10, 86400,
	    offsetof(struct zone_conf, transfer_timeout) },
	{ "min-refresh-time", Z_MINREF, 1, 2419200,
	    offsetof(struct zone_conf, min_refresh) },
	{ "max-refresh-time", Z_MAXREF, 1, 2419200,
	    offsetof(struct zone_conf, max_refresh) },
	{ "min-retry-time", Z_MINRETRY, 1, 1209600,
	    offsetof(struct zone_conf, min_retry) },
	{ "max-retry-time", Z_MAXRETRY, 1, 1209600,
	    offsetof(struct zone_conf, max_retry) },
};

/*
 * grant KEY (name | subdomain | wildcard | zonesub | acme-challenge) [NAME]
 *     [TYPE ...];
 * (the statement keyword is already read).  zonesub and acme-challenge take
 * no NAME; acme-challenge takes no type but TXT and means TXT without one.
 */
static int
grant(struct parser *p, struct zone_conf *z)
{
	struct grant	 g, *ng;
	char		 buf[CONF_STRING_MAX], b[100];
	uint16_t	 t;

	memset(&g, 0, sizeof(g));
	if (cf_word(p, "key name", buf, sizeof(buf)) == -1)
		return -1;
	g.file = p->tok.file;
	g.line = p->tok.line;
	if (acl_name_canon(g.key, sizeof(g.key), buf) == -1 ||
	    g.key[0] == '\0') {
		TERR(p, "invalid key name %s", cf_tokdesc(&p->tok, b,
		    sizeof(b)));
		return -1;
	}
	if (cf_word(p, "name, subdomain, wildcard, zonesub or acme-challenge",
	    buf, sizeof(buf)) == -1)
		return -1;
	if (strcasecmp(buf, "zonesub") == 0) {
		g.match = GRANT_SUBDOMAIN;
		memcpy(g.name, z->name, sizeof(g.name));
	} else if (strcasecmp(buf, "acme-challenge") == 0) {
		g.match = GRANT_ACME;
		memcpy(g.name, z->name, sizeof(g.name));
	} else {
		if (strcasecmp(buf, "name") == 0)
			g.match = GRANT_NAME;
		else if (strcasecmp(buf, "subdomain") == 0)
			g.match = GRANT_SUBDOMAIN;
		else if (strcasecmp(buf, "wildcard") == 0)
			g.match = GRANT_WILDCARD;
		else {
			TERR(p, "unsupported grant rule %s (use name, "
			    "subdomain, wildcard, zonesub or acme-challenge)",
			    cf_tokdesc(&p->tok, b, sizeof(b)));
			return -1;
		}
		if (cf_word(p, "name", buf, sizeof(buf)) == -1)
			return -1;
		if (acl_name_canon(g.name, sizeof(g.name), buf) == -1) {
			TERR(p, "invalid name %s", cf_tokdesc(&p->tok, b,
			    sizeof(b)));
			return -1;
		}
		if (g.match == GRANT_WILDCARD && (g.name[0] != '*' ||
		    !(g.name[1] == '.' || g.name[1] == '\0'))) {
			TERR(p, "wildcard name \"%s\" does not start with "
			    "\"*.\"", g.name);
			return -1;
		}
	}
	while (cf_peek(p)->type == T_WORD) {
		cf_next(p);
		if (rrtype(p->tok.text, &t) == -1) {
			TERR(p, "unknown type %s", cf_tokdesc(&p->tok, b,
			    sizeof(b)));
			return -1;
		}
		if (g.ntypes >= GRANT_TYPES_MAX) {
			TERR(p, "too many types in grant (max %d)",
			    GRANT_TYPES_MAX);
			return -1;
		}
		if (g.match == GRANT_ACME && t != GRANT_ACME_TYPE) {
			TERR(p, "acme-challenge grants allow only TXT, not %s",
			    cf_tokdesc(&p->tok, b, sizeof(b)));
			return -1;
		}
		g.types[g.ntypes++] = t;
	}
	if (g.match == GRANT_ACME && g.ntypes == 0)
		g.types[g.ntypes++] = GRANT_ACME_TYPE;
	if (expect_semi(p) == -1)
		return -1;
	if ((ng = cf_grow(p, &z->grants, &z->ngrants, sizeof(*ng),
	    CONF_GRANTS_MAX, "grants")) == NULL)
		return -1;
	*ng = g;
	return 0;
}

static int
policy_opt(struct parser *p, const char *kw, void *arg)
{
	struct zonectx	*zc = arg;

	if (strcasecmp(kw, "grant") == 0)
		return grant(p, &p->conf->zones[zc->idx]);
	TERR(p, "unsupported update-policy rule \"%s\" (only grant)", kw);
	return -1;
}

static int
primaries_opt(struct parser *p, const char *kw, void *arg)
{
	struct zonectx		*zc = arg;
	struct zone_conf	*z = &p->conf->zones[zc->idx];
	struct conf_primary	 pr, *np;

	(void)kw;
	memset(&pr, 0, sizeof(pr));
	/* The statement starts with the address, still the lookahead. */
	if (cf_addrport(p, "address", &pr.ss, &pr.sslen, pr.key, &pr.file,
	    &pr.line) == -1)
		return -1;
	if (expect_semi(p) == -1)
		return -1;
	z = &p->conf->zones[zc->idx];
	if ((np = cf_grow(p, &z->primaries, &z->nprimaries, sizeof(*np),
	    CONF_PRIMARIES_MAX, "primaries")) == NULL)
		return -1;
	*np = pr;
	return 0;
}

static int
zone_opt(struct parser *p, const char *kw, void *arg)
{
	struct zonectx		*zc = arg;
	struct zone_conf	*z = &p->conf->zones[zc->idx];
	char			 buf[CONF_STRING_MAX], b[100], *id;
	size_t			 i;
	int			 rv;

	if (strcasecmp(kw, "hosted-zone") == 0) {
		if (cf_once(p, &zc->seen, Z_HOSTED, kw) == -1 ||
		    cf_word(p, kw, buf, sizeof(buf)) == -1)
			return -1;
		id = buf;
		if (strncmp(id, "/hostedzone/", 12) == 0)
			id += 12;
		for (i = 0; id[i] != '\0'; i++)
			if (!isalnum((unsigned char)id[i]))
				break;
		if (i == 0 || id[i] != '\0' || i >= sizeof(z->hosted_zone)) {
			TERR(p, "invalid hosted zone id %s",
			    cf_tokdesc(&p->tok, b, sizeof(b)));
			return -1;
		}
		memcpy(z->hosted_zone, id, i + 1);
		zc->hz_file = p->tok.file;
		zc->hz_line = p->tok.line;
		return expect_semi(p);
	}
	if (strcasecmp(kw, "private") == 0) {
		if (cf_once(p, &zc->seen, Z_PRIVATE, kw) == -1)
			return -1;
		zc->priv_file = p->tok.file;
		zc->priv_line = p->tok.line;
		return cf_end(p, cf_boolean(p, kw, &z->private_zone));
	}
	if (strcasecmp(kw, "vpc") == 0) {
		if (cf_once(p, &zc->seen, Z_VPC, kw) == -1 ||
		    cf_word(p, kw, buf, sizeof(buf)) == -1)
			return -1;
		/* EC2 VPC IDs: "vpc-" and hexadecimal digits. */
		for (i = 4; buf[i] != '\0'; i++)
			if (!isxdigit((unsigned char)buf[i]))
				break;
		if (strncmp(buf, "vpc-", 4) != 0 || i == 4 ||
		    buf[i] != '\0' || i > CONF_VPC_MAX) {
			TERR(p, "invalid VPC ID %s (want vpc- and up to %d "
			    "hexadecimal digits)", cf_tokdesc(&p->tok, b,
			    sizeof(b)), CONF_VPC_MAX - 4);
			return -1;
		}
		memcpy(z->vpc, buf, i + 1);
		zc->vpc_file = p->tok.file;
		zc->vpc_line = p->tok.line;
		return expect_semi(p);
	}
	if (strcasecmp(kw, "allow-update") == 0)
		return acl_list(p, kw, &z->allow_update, &zc->seen, Z_UPDATE);
	if (strcasecmp(kw, "allow-query") == 0)
		return acl_list(p, kw, &z->allow_query, &zc->seen, Z_QUERY);
	if (strcasecmp(kw, "allow-notify") == 0)
		return acl_list(p, kw, &z->allow_notify, &zc->seen, Z_NOTIFY);
	if (strcasecmp(kw, "grant") == 0)
		return grant(p, z);
	if (strcasecmp(kw, "update-policy") == 0) {
		if (cf_once(p, &zc->seen, Z_POLICY, kw) == -1 ||
		    expect_lbrace(p) == -1)
			return -1;
		return cf_stmt_block(p, "update-policy", policy_opt, zc);
	}
	if (strcasecmp(kw, "primaries") == 0) {
		if (cf_once(p, &zc->seen, Z_PRIMARIES, kw) == -1 ||
		    expect_lbrace(p) == -1)
			return -1;
		return cf_stmt_block(p, "primaries", primaries_opt, zc);
	}
	if (strcasecmp(kw, "serial-policy") == 0) {
		if (cf_once(p, &zc->seen, Z_SERIAL, kw) == -1 ||
		    cf_word(p, kw, buf, sizeof(buf)) == -1)
			return -1;
		if (strcasecmp(buf, "increment") == 0)
			z->serial_policy = SERIAL_INCREMENT;
		else if (strcasecmp(buf, "unixtime") == 0)
			z->serial_policy = SERIAL_UNIXTIME;
		else {
			TERR(p, "serial-policy: expected increment or "
			    "unixtime, got %s", cf_tokdesc(&p->tok, b,
			    sizeof(b)));
			return -1;
		}
		return expect_semi(p);
	}
	if (strcasecmp(kw, "coalesce") == 0) {
		if (cf_once(p, &zc->seen, Z_COALESCE, kw) == -1)
			return -1;
		return cf_end(p, cf_boolean(p, kw, &z->coalesce));
	}
	if (strcasecmp(kw, "dry-run") == 0) {
		if (cf_once(p, &zc->seen, Z_DRYRUN, kw) == -1)
			return -1;
		return cf_end(p, cf_boolean(p, kw, &z->dry_run));
	}
	if (strcasecmp(kw, "dhcid") == 0) {
		if (cf_once(p, &zc->seen, Z_DHCID, kw) == -1)
			return -1;
		return cf_end(p, cf_boolean(p, kw, &z->dhcid));
	}
	if (strcasecmp(kw, "wait-insync") == 0) {
		if (cf_once(p, &zc->seen, Z_INSYNC, kw) == -1)
			return -1;
		return cf_end(p, cf_boolean(p, kw, &z->wait_insync));
	}
	if (strcasecmp(kw, "update-timeout") == 0) {
		if (cf_once(p, &zc->seen, Z_TIMEOUT, kw) == -1)
			return -1;
		rv = cf_number(p, kw, 1, 3600, &z->update_timeout);
		return cf_end(p, rv);
	}
	if (strcasecmp(kw, "queue-limit") == 0) {
		if (cf_once(p, &zc->seen, Z_QLIMIT, kw) == -1)
			return -1;
		rv = cf_number(p, kw, 1, 100000, &z->queue_limit);
		return cf_end(p, rv);
	}
	if (strcasecmp(kw, "request-ixfr") == 0) {
		if (cf_once(p, &zc->seen, Z_IXFR, kw) == -1)
			return -1;
		return cf_end(p, cf_boolean(p, kw, &z->request_ixfr));
	}
	for (i = 0; i < sizeof(secnum) / sizeof(secnum[0]); i++) {
		if (strcasecmp(kw, secnum[i].kw) != 0)
			continue;
		if (cf_once(p, &zc->seen, secnum[i].bit, kw) == -1)
			return -1;
		rv = cf_number(p, kw, secnum[i].min, secnum[i].max,
		    (unsigned *)(void *)((char *)z + secnum[i].off));
		return cf_end(p, rv);
	}
	TERR(p, "unknown keyword \"%s\" in zone", kw);
	return -1;
}

static const struct zone_conf *
zone_lookup(const struct conf *c, const char *name, size_t n)
{
	char	 canon[ACL_NAME_MAX];
	size_t	 i;

	if (acl_name_canon(canon, sizeof(canon), name) == -1)
		return NULL;
	for (i = 0; i < n; i++)
		if (strcmp(c->zones[i].name, canon) == 0)
			return &c->zones[i];
	return NULL;
}

/*
 * private and vpc choose among the hosted zones found by name: not
 * with hosted-zone, which names one; vpc means private.
 */
static void
choice(struct parser *p, struct zone_conf *z, const struct zonectx *zc)
{
	if (z->hosted_zone[0] != '\0' && (zc->seen & (Z_PRIVATE | Z_VPC))) {
		if (zc->seen & Z_PRIVATE)
			cf_perr(p, zc->priv_file, zc->priv_line, "zone \"%s\": "
			    "private chooses among zones found by name; "
			    "hosted-zone (line %d) already names one", z->name,
			    zc->hz_line);
		if (zc->seen & Z_VPC)
			cf_perr(p, zc->vpc_file, zc->vpc_line, "zone \"%s\": "
			    "vpc chooses among zones found by name; "
			    "hosted-zone (line %d) already names one", z->name,
			    zc->hz_line);
		return;
	}
	if (z->vpc[0] == '\0')
		return;
	if (z->private_zone == 0)
		cf_perr(p, zc->vpc_file, zc->vpc_line, "zone \"%s\": vpc "
		    "means a private hosted zone, but private is no (line %d)",
		    z->name, zc->priv_line);
	z->private_zone = 1;
}

/* zone "NAME" { ... }; */
int
cf_zone(struct parser *p)
{
	struct conf		*c = p->conf;
	struct zone_conf	*z;
	const struct zone_conf	*old;
	struct zonectx		 zc;
	char			 name[ACL_NAME_MAX], canon[ACL_NAME_MAX];
	char			 b[100];
	const char		*file;
	int			 line, rv;

	file = cf_peek(p)->file;
	line = p->tok.line;
	if (cf_word(p, "zone name", name, sizeof(name)) == -1)
		return -1;
	if (acl_name_canon(canon, sizeof(canon), name) == -1 ||
	    canon[0] == '\0') {
		TERR(p, "invalid zone name %s", cf_tokdesc(&p->tok, b,
		    sizeof(b)));
		return -1;
	}
	if ((old = zone_lookup(c, canon, c->nzones)) != NULL) {
		TERR(p, "duplicate zone \"%s\" (first defined at %s:%d)",
		    canon, old->file, old->line);
		return -1;
	}
	if ((z = cf_grow(p, &c->zones, &c->nzones, sizeof(*z), CONF_ZONES_MAX,
	    "zones")) == NULL)
		return -1;
	memcpy(z->name, canon, sizeof(canon));
	z->file = file;
	z->line = line;
	z->update_timeout = CONF_DEFAULT_UPDATE_TIMEOUT;
	z->queue_limit = CONF_DEFAULT_QUEUE_LIMIT;
	z->coalesce = 1;
	z->dhcid = 1;
	z->dry_run = -1;		/* the top level's */
	z->request_ixfr = 1;
	z->max_transfer_size = CONF_DEFAULT_XFR_SIZE;
	z->transfer_timeout = CONF_DEFAULT_XFR_TIMEOUT;
	z->min_refresh = CONF_DEFAULT_MIN_REFRESH;
	z->max_refresh = CONF_DEFAULT_MAX_REFRESH;
	z->min_retry = CONF_DEFAULT_MIN_RETRY;
	z->max_retry = CONF_DEFAULT_MAX_RETRY;
	z->private_zone = -1;
	memset(&zc, 0, sizeof(zc));
	zc.idx = c->nzones - 1;
	if (expect_lbrace(p) == -1)
		return -1;
	rv = cf_stmt_block(p, "zone", zone_opt, &zc);
	choice(p, &c->zones[zc.idx], &zc);
	return rv;
}


const struct zone_conf *
conf_zone_find(const struct conf *c, const char *name)
{
	return zone_lookup(c, name, c->nzones);
}

const struct zone_conf *
conf_zone_for(const struct conf *c, const char *owner)
{
	const struct zone_conf	*z;
	const char		*s = owner;

	/* Walk up label by label: "a.b.c", "b.c", "c". */
	for (;;) {
		if ((z = zone_lookup(c, s, c->nzones)) != NULL)
			return z;
		while (*s != '\0' && *s != '.') {
			if (*s == '\\' && s[1] != '\0')
				s++;
			s++;
		}
		if (*s == '\0' || s[1] == '\0')
			return NULL;
		s++;
	}
}
