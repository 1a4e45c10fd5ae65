/*
 * acl.c: address match lists, update grants and name helpers.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "acl.h"
#include "conf.h"

/* DNS types named by BIND's default rule (RFC 4034, RFC 5155). */
#define T_NS	2
#define T_SOA	6
#define T_RRSIG	46
#define T_NSEC	47
#define T_NSEC3	50
#define T_ANY	255

/* The first label of DNS-01 challenge names (RFC 8555 8.4), in wire form. */
#define ACME_LABEL	"\017_acme-challenge"
#define ACME_LABEL_LEN	16

static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int
acl_name_wire(const char *src, uint8_t wire[255])
{
	size_t		 len = 0, lab = 0;	/* lab: offset of length byte */
	unsigned	 v;
	unsigned char	 c;
	const char	*p = src;

	/*
	 * Invariant: wire[0..len) holds complete labels followed by the
	 * label being built at lab (its length byte not yet final).
	 */
	if (p[0] == '\0' || (p[0] == '.' && p[1] == '\0')) {
		wire[0] = 0;
		return 1;
	}
	wire[len++] = 0;
	while (*p != '\0') {
		c = (unsigned char)*p++;
		if (c == '.') {
			if (len - lab - 1 == 0)
				return -1;		/* empty label */
			wire[lab] = (uint8_t)(len - lab - 1);
			if (*p == '\0')
				break;			/* trailing dot */
			if (len >= 254)
				return -1;
			lab = len;
			wire[len++] = 0;
			continue;
		}
		if (c <= ' ' || c == 0x7f)
			return -1;		/* must be escaped */
		if (c == '\\') {
			if (p[0] >= '0' && p[0] <= '9') {
				if (!(p[1] >= '0' && p[1] <= '9' &&
				    p[2] >= '0' && p[2] <= '9'))
					return -1;
				v = (unsigned)(p[0] - '0') * 100 +
				    (unsigned)(p[1] - '0') * 10 +
				    (unsigned)(p[2] - '0');
				if (v > 255)
					return -1;
				c = (unsigned char)v;
				p += 3;
			} else if (*p != '\0') {
				c = (unsigned char)*p++;
			} else
				return -1;
		}
		if (len - lab - 1 >= 63 || len >= 254)
			return -1;
		wire[len++] = lower(c);
	}
	if (len - lab - 1 > 0)
		wire[lab] = (uint8_t)(len - lab - 1);
	else if (*(p - 1) != '.')
		return -1;
	if (len >= 255)
		return -1;
	wire[len++] = 0;
	return (int)len;
}

int
acl_name_canon(char *dst, size_t dstsize, const char *src)
{
	uint8_t		 wire[255];
	size_t		 o = 0, i, n;
	const uint8_t	*l;
	unsigned char	 c;

	/* Decode, then re-encode: every spelling has one canonical form. */
	if (acl_name_wire(src, wire) < 0)
		return -1;
	for (l = wire; *l != 0; l += *l + 1) {
		if (l != wire) {
			if (o + 1 >= dstsize)
				return -1;
			dst[o++] = '.';
		}
		for (i = 1; i <= *l; i++) {
			c = l[i];
			n = (c <= ' ' || c >= 0x7f || c == '"') ? 4 :
			    (c == '.' || c == '\\' || c == ';') ? 2 : 1;
			if (o + n >= dstsize)
				return -1;
			if (n == 4)
				o += (size_t)snprintf(dst + o, dstsize - o,
				    "\\%03u", (unsigned)c);
			else {
				if (n == 2)
					dst[o++] = '\\';
				dst[o++] = (char)c;
			}
		}
	}
	if (o >= dstsize)
		return -1;
	dst[o] = '\0';
	return 0;
}

/* Number of labels of a wire name (root: 0). */
static int
wire_labels(const uint8_t *w)
{
	int	 n = 0;

	while (*w != 0) {
		w += *w + 1;
		n++;
	}
	return n;
}

/*
 * 1 if wire name a equals b or lies below it; with strict, only below.
 * Both are lowercase (acl_name_wire output).
 */
static int
wire_under(const uint8_t *a, int alen, const uint8_t *b, int blen,
    int strict)
{
	int	 al = wire_labels(a), bl = wire_labels(b);

	if (al < bl || (strict && al == bl))
		return 0;
	for (; al > bl; al--) {
		alen -= *a + 1;
		a += *a + 1;
	}
	return alen == blen && memcmp(a, b, (size_t)blen) == 0;
}

static int
key_equal(const char *a, const char *b)
{
	uint8_t	 wa[255], wb[255];
	int	 la, lb;

	/* The usual case: the same spelling, a valid name once checked. */
	if (strcmp(a, b) == 0)
		return acl_name_wire(a, wa) >= 0;
	if ((la = acl_name_wire(a, wa)) < 0 || (lb = acl_name_wire(b, wb)) < 0)
		return 0;
	return la == lb && memcmp(wa, wb, (size_t)la) == 0;
}

static int
prefix_match(const struct acl_elem *e, int family, const uint8_t *addr)
{
	unsigned	 full, rest;

	if (e->family != family)
		return 0;
	full = e->plen / 8;
	rest = e->plen % 8;
	if (memcmp(e->addr, addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((e->addr[full] ^ addr[full]) & (0xff << (8 - rest)) & 0xff)
	    == 0;
}

int
acl_match(const struct acl *acl, const struct sockaddr *sa,
    const char *keyname)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	const struct acl_elem	*e;
	const uint8_t		*addr = NULL;
	int			 family = 0, m;
	size_t			 i;

	if (sa != NULL && sa->sa_family == AF_INET) {
		family = AF_INET;
		addr = (const uint8_t *)
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		family = AF_INET6;
		addr = ((const struct sockaddr_in6 *)(const void *)sa)
		    ->sin6_addr.s6_addr;
		if (memcmp(addr, mapped, sizeof(mapped)) == 0) {
			family = AF_INET;
			addr += 12;
		}
	}
	for (i = 0; i < acl->nelems; i++) {
		e = &acl->elems[i];
		switch (e->type) {
		case ACL_ANY:
			m = 1;
			break;
		case ACL_NONE:
			m = 0;
			break;
		case ACL_PREFIX:
			m = addr != NULL && prefix_match(e, family, addr);
			break;
		case ACL_KEY:
			m = keyname != NULL && key_equal(e->key, keyname);
			break;
		default:
			m = 0;
			break;
		}
		if (m)
			return !e->negate;
	}
	return 0;
}

/* Does one grant cover rrtype? */
static int
grant_type(const struct grant *g, uint16_t rrtype)
{
	size_t	 i;

	if (g->ntypes == 0)
		return rrtype != T_RRSIG && rrtype != T_NS &&
		    rrtype != T_SOA && rrtype != T_NSEC && rrtype != T_NSEC3;
	for (i = 0; i < g->ntypes; i++) {
		if (g->types[i] == rrtype)
			return 1;
		if (g->types[i] == T_ANY && rrtype != T_NSEC &&
		    rrtype != T_NSEC3)
			return 1;
	}
	return 0;
}

int
acl_grant_scoped(const struct zone_conf *z, const char *keyname)
{
	size_t	i;

	if (keyname == NULL)
		return 0;
	for (i = 0; i < z->ngrants; i++)
		if (key_equal(z->grants[i].key, keyname))
			return 1;
	return 0;
}

int
acl_grant_allows(const struct zone_conf *z, const char *keyname,
    const char *owner, uint16_t rrtype)
{
	const struct grant	*g;
	uint8_t			 ow[255], zw[255], gw[255];
	int			 ol, zl, gl, any = 0;
	size_t			 i;

	if ((ol = acl_name_wire(owner, ow)) < 0 ||
	    (zl = acl_name_wire(z->name, zw)) < 0 ||
	    !wire_under(ow, ol, zw, zl, 0))
		return 0;
	if (keyname == NULL)
		return 1;
	for (i = 0; i < z->ngrants; i++) {
		g = &z->grants[i];
		if (!key_equal(g->key, keyname))
			continue;
		any = 1;
		if (!grant_type(g, rrtype))
			continue;
		if ((gl = acl_name_wire(g->name, gw)) < 0)
			continue;
		switch (g->match) {
		case GRANT_NAME:
			if (ol == gl && memcmp(ow, gw, (size_t)ol) == 0)
				return 1;
			break;
		case GRANT_SUBDOMAIN:
			if (wire_under(ow, ol, gw, gl, 0))
				return 1;
			break;
		case GRANT_WILDCARD:
			/* "*.suffix" covers every name strictly below suffix */
			if (gw[0] == 1 && gw[1] == '*' &&
			    wire_under(ow, ol, gw + 2, gl - 2, 1))
				return 1;
			break;
		case GRANT_ACME:
			/*
			 * "_acme-challenge" as the first label, whatever is
			 * left at or below the name: one label, no deeper.
			 */
			if (ol > ACME_LABEL_LEN &&
			    memcmp(ow, ACME_LABEL, ACME_LABEL_LEN) == 0 &&
			    wire_under(ow + ACME_LABEL_LEN, ol - ACME_LABEL_LEN,
			    gw, gl, 0))
				return 1;
			break;
		}
	}
	return !any;
}
