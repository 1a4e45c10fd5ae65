/*
 * tests/unit/zone_help.h: small builders for names, RDATA and RRsets in
 * the zone store, update and lookup tests.  RDATA is built by hand in
 * canonical wire form (names lowercased) so these tests do not depend on
 * the text codec.
 */
#ifndef R53D_TESTS_ZONE_HELP_H
#define R53D_TESTS_ZONE_HELP_H

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrset.h"
#include "dns/rrtype.h"

struct rd {
	uint8_t	b[600];
	size_t	len;
};

/* Wire name from text, from a ring of static buffers. */
static inline const uint8_t *
N(const char *s)
{
	static uint8_t	ring[64][DNS_NAME_MAX];
	static int	k;
	uint8_t		*p = ring[k++ % 64];

	cr_assert(name_from_text(s, p, NULL) == 0, "bad name %s", s);
	return p;
}

static inline struct rd
rd_a(const char *s)
{
	struct rd	r;

	cr_assert(inet_pton(AF_INET, s, r.b) == 1);
	r.len = 4;
	return r;
}

static inline struct rd
rd_aaaa(const char *s)
{
	struct rd	r;

	cr_assert(inet_pton(AF_INET6, s, r.b) == 1);
	r.len = 16;
	return r;
}

/* NS, CNAME, PTR: one name (lowercased, canonical form). */
static inline struct rd
rd_name(const char *s)
{
	struct rd	r;

	cr_assert(name_from_text(s, r.b, &r.len) == 0);
	name_lower(r.b);
	return r;
}

static inline struct rd
rd_mx(unsigned pref, const char *s)
{
	struct rd	r;
	size_t		l;

	r.b[0] = (uint8_t)(pref >> 8);
	r.b[1] = (uint8_t)pref;
	cr_assert(name_from_text(s, r.b + 2, &l) == 0);
	name_lower(r.b + 2);
	r.len = l + 2;
	return r;
}

/* TXT with one string. */
static inline struct rd
rd_txt(const char *s)
{
	struct rd	r;
	size_t		l = strlen(s);

	cr_assert(l < 256);
	r.b[0] = (uint8_t)l;
	memcpy(r.b + 1, s, l);
	r.len = l + 1;
	return r;
}

static inline void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline struct rd
rd_soa(const char *mname, const char *rname, uint32_t serial,
    uint32_t minimum)
{
	struct rd	r;
	size_t		a, b;

	cr_assert(name_from_text(mname, r.b, &a) == 0);
	cr_assert(name_from_text(rname, r.b + a, &b) == 0);
	name_lower(r.b);
	name_lower(r.b + a);
	put32(r.b + a + b, serial);
	put32(r.b + a + b + 4, 7200);
	put32(r.b + a + b + 8, 900);
	put32(r.b + a + b + 12, 1209600);
	put32(r.b + a + b + 16, minimum);
	r.len = a + b + 20;
	return r;
}

static inline uint32_t
soa_serial_of(const struct rrset *s)
{
	uint32_t	 serial;

	cr_assert(s != NULL && s->nrr == 1);
	cr_assert_eq(rdata_soa_serial(s->rr[0].rdata, s->rr[0].len,
	    &serial), 0);
	return serial;
}

/* An RRset of n RDATA (struct rd arguments), one reference held. */
static inline struct rrset *
S(uint16_t type, uint32_t ttl, int n, ...)
{
	struct rr	rrs[16];
	struct rd	rds[16];
	struct rrset	*s;
	va_list		 ap;
	int		 i;

	cr_assert(n <= 16);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		rds[i] = va_arg(ap, struct rd);
		rrs[i].rdata = rds[i].b;
		rrs[i].len = (uint16_t)rds[i].len;
		rrs[i].text = NULL;
	}
	va_end(ap);
	s = rrset_new(type, ttl, 0, NULL, rrs, (size_t)n);
	cr_assert(s != NULL);
	return s;
}

/* An OPAQUE (alias) RRset without RRs. */
static inline struct rrset *
OPQ(uint16_t type, const char *desc)
{
	struct rrset	*s = rrset_new(type, 0, RRSET_OPAQUE, desc, NULL, 0);

	cr_assert(s != NULL);
	return s;
}

/* Put s at name and drop the caller's reference. */
static inline void
PUT(struct zstore *st, const char *name, struct rrset *s)
{
	cr_assert(zstore_put(st, N(name), s) == 0);
	rrset_unref(s);
}

/* 1 if s holds exactly RDATA r among its RRs. */
static inline int
HAS(const struct rrset *s, struct rd r)
{
	return s != NULL && rrset_find(s, r.b, r.len) >= 0;
}

#endif
