/*
 * t_update.c: RFC 2136 evaluation with BIND 9's semantics and Route 53's
 * limits.  The expected outcomes were checked against named 9.18 where
 * BIND and the RFC could differ (order of checks, quiet refusals).
 */
#include <stdio.h>
#include <stdlib.h>

#include "dns/msg.h"
#include "dns/serial.h"
#include "dns/update.h"
#include "tests/unit/zone_help.h"

#define ORIGIN	"example.com."

static struct zstore	st;
static struct zview	v;
static struct rd	ring[64];
static int		nring;

static struct rd
none(void)
{
	struct rd	r;

	r.len = 0;
	return r;
}

/* One prerequisite or update RR; RDATA kept in a ring of buffers. */
static struct upd_rr
R(const char *name, uint16_t class, uint16_t type, uint32_t ttl,
    struct rd rd)
{
	struct upd_rr	r;
	struct rd	*p = &ring[nring++ % 64];

	*p = rd;
	r.name = N(name);
	r.class = class;
	r.type = type;
	r.ttl = ttl;
	r.rdlen = (uint16_t)p->len;
	r.rdata = p->len ? p->b : NULL;
	return r;
}

static int	deny_type;	/* permission callback refuses this type */
static int	dhcid;		/* upd_req.dhcid */

static int
allow_cb(void *arg, const uint8_t *name, uint16_t type)
{
	(void)arg;
	(void)name;
	return type != deny_type;
}

static int
EV(const struct upd_rr *pre, size_t np, const struct upd_rr *up, size_t nu,
    struct upd_result *res)
{
	struct upd_req	q;

	memset(&q, 0, sizeof(q));
	q.origin = N(ORIGIN);
	q.zclass = DNS_C_IN;
	q.prereq = pre;
	q.nprereq = np;
	q.update = up;
	q.nupdate = nu;
	q.allow = allow_cb;
	q.dhcid = dhcid;
	return update_eval(&v, &q, res);
}

/* Evaluate an update section only. */
#define UPD(res, ...) do {						\
	struct upd_rr _u[] = { __VA_ARGS__ };				\
	EV(NULL, 0, _u, sizeof(_u) / sizeof(_u[0]), (res));		\
} while (0)

/* Evaluate prerequisites plus one harmless update. */
#define PRE(res, ...) do {						\
	struct upd_rr _p[] = { __VA_ARGS__ };				\
	struct upd_rr _u[1];						\
	_u[0] = R("flag.example.com.", DNS_C_IN, DNS_T_TXT, 60,	\
	    rd_txt("ran"));						\
	EV(_p, sizeof(_p) / sizeof(_p[0]), _u, 1, (res));		\
} while (0)

static const struct rrset *
G(const char *name, uint16_t type)
{
	return zview_get(&v, N(name), type);
}

static void
setup(void)
{
	zstore_init(&st, 100);
	PUT(&st, ORIGIN, S(DNS_T_SOA, 900, 1, rd_soa("ns1.example.com.",
	    "hostmaster.example.com.", 10, 300)));
	PUT(&st, ORIGIN, S(DNS_T_NS, 172800, 2, rd_name("ns1.example.com."),
	    rd_name("ns2.example.net.")));
	PUT(&st, ORIGIN, OPQ(DNS_T_A, "alias to lb-1.elb.amazonaws.com."));
	PUT(&st, "ns1.example.com.", S(DNS_T_A, 3600, 1, rd_a("192.0.2.53")));
	PUT(&st, "www.example.com.", S(DNS_T_A, 300, 2, rd_a("192.0.2.1"),
	    rd_a("192.0.2.2")));
	PUT(&st, "www.example.com.", S(DNS_T_TXT, 300, 1, rd_txt("hello")));
	PUT(&st, "ftp.example.com.", S(DNS_T_CNAME, 300, 1,
	    rd_name("www.example.com.")));
	PUT(&st, "a.b.c.example.com.", S(DNS_T_A, 60, 1, rd_a("192.0.2.9")));
	PUT(&st, "sub.example.com.", S(DNS_T_NS, 3600, 1,
	    rd_name("ns.sub.example.com.")));
	PUT(&st, "ns.sub.example.com.", S(DNS_T_A, 3600, 1,
	    rd_a("192.0.2.77")));
	PUT(&st, "geo.example.com.", OPQ(DNS_T_A, "geolocation set 'eu'"));
	zview_init(&v, &st);
	deny_type = -1;
	dhcid = 0;
}

static void
teardown(void)
{
	zview_free(&v);
	zstore_free(&st);
}

TestSuite(prereq, .init = setup, .fini = teardown);
TestSuite(update, .init = setup, .fini = teardown);
TestSuite(refuse, .init = setup, .fini = teardown);
TestSuite(batch, .init = setup, .fini = teardown);

/* ---- prerequisites (RFC 2136 2.4, 3.2) ---- */

Test(prereq, name_in_use)
{
	struct upd_result	res;

	PRE(&res, R("www.example.com.", DNS_C_ANY, DNS_T_ANY, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_NOERROR, "%s", res.reason);
	cr_assert_not_null(G("flag.example.com.", DNS_T_TXT));
	PRE(&res, R("nope.example.com.", DNS_C_ANY, DNS_T_ANY, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_NXDOMAIN);
	cr_assert(strstr(res.reason, "nope.example.com.") != NULL, "%s",
	    res.reason);
	/* An empty non-terminal is not "in use" (named does the same). */
	PRE(&res, R("b.c.example.com.", DNS_C_ANY, DNS_T_ANY, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_NXDOMAIN);
}

Test(prereq, name_not_in_use)
{
	struct upd_result	res;

	PRE(&res, R("www.example.com.", DNS_C_NONE, DNS_T_ANY, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_YXDOMAIN);
	cr_assert_null(G("flag.example.com.", DNS_T_TXT));
	PRE(&res, R("c.example.com.", DNS_C_NONE, DNS_T_ANY, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	/* Alias-only names are in use. */
	PRE(&res, R("geo.example.com.", DNS_C_NONE, DNS_T_ANY, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_YXDOMAIN);
}

Test(prereq, rrset_exists_value_independent)
{
	struct upd_result	res;

	PRE(&res, R("www.example.com.", DNS_C_ANY, DNS_T_TXT, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	PRE(&res, R("www.example.com.", DNS_C_ANY, DNS_T_MX, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_NXRRSET);
	cr_assert(strstr(res.reason, "www.example.com./MX") != NULL, "%s",
	    res.reason);
}

Test(prereq, rrset_does_not_exist)
{
	struct upd_result	res;

	PRE(&res, R("www.example.com.", DNS_C_NONE, DNS_T_A, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_YXRRSET);
	PRE(&res, R("www.example.com.", DNS_C_NONE, DNS_T_AAAA, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
}

Test(prereq, rrset_exists_value_dependent)
{
	struct upd_result	res;

	/* The whole set, in another order: satisfied. */
	PRE(&res, R("www.example.com.", DNS_C_IN, DNS_T_A, 0,
	    rd_a("192.0.2.2")),
	    R("www.example.com.", DNS_C_IN, DNS_T_TXT, 0, rd_txt("hello")),
	    R("WWW.example.com.", DNS_C_IN, DNS_T_A, 0, rd_a("192.0.2.1")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR, "%s", res.reason);
	zview_reset(&v);
	/* A subset is not. */
	PRE(&res, R("www.example.com.", DNS_C_IN, DNS_T_A, 0,
	    rd_a("192.0.2.1")));
	cr_assert_eq(res.rcode, DNS_R_NXRRSET);
	/* Nor a superset. */
	PRE(&res, R("www.example.com.", DNS_C_IN, DNS_T_A, 0,
	    rd_a("192.0.2.1")),
	    R("www.example.com.", DNS_C_IN, DNS_T_A, 0, rd_a("192.0.2.2")),
	    R("www.example.com.", DNS_C_IN, DNS_T_A, 0, rd_a("192.0.2.3")));
	cr_assert_eq(res.rcode, DNS_R_NXRRSET);
	/* Nor a repeated RR (named 9.18 answers NXRRSET too). */
	PRE(&res, R("www.example.com.", DNS_C_IN, DNS_T_A, 0,
	    rd_a("192.0.2.1")),
	    R("www.example.com.", DNS_C_IN, DNS_T_A, 0, rd_a("192.0.2.1")));
	cr_assert_eq(res.rcode, DNS_R_NXRRSET);
	/* Nor a missing RRset, nor type ANY, nor an alias. */
	PRE(&res, R("www.example.com.", DNS_C_IN, DNS_T_AAAA, 0,
	    rd_aaaa("2001:db8::1")));
	cr_assert_eq(res.rcode, DNS_R_NXRRSET);
	PRE(&res, R("www.example.com.", DNS_C_IN, DNS_T_ANY, 0,
	    rd_a("192.0.2.1")));
	cr_assert_eq(res.rcode, DNS_R_NXRRSET);
	PRE(&res, R("geo.example.com.", DNS_C_IN, DNS_T_A, 0,
	    rd_a("192.0.2.1")));
	cr_assert_eq(res.rcode, DNS_R_NXRRSET);
	cr_assert_null(G("flag.example.com.", DNS_T_TXT));
}

Test(prereq, format_errors)
{
	struct upd_result	res;

	PRE(&res, R("www.example.com.", DNS_C_ANY, DNS_T_ANY, 1, none()));
	cr_assert_eq(res.rcode, DNS_R_FORMERR);
	PRE(&res, R("www.example.com.", DNS_C_ANY, DNS_T_A, 0,
	    rd_a("192.0.2.1")));
	cr_assert_eq(res.rcode, DNS_R_FORMERR);
	PRE(&res, R("www.example.com.", DNS_C_NONE, DNS_T_A, 0,
	    rd_a("192.0.2.1")));
	cr_assert_eq(res.rcode, DNS_R_FORMERR);
	PRE(&res, R("www.example.com.", DNS_C_CH, DNS_T_A, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_FORMERR);
	PRE(&res, R("www.example.org.", DNS_C_ANY, DNS_T_ANY, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_NOTZONE);
}

/* named 9.18 scans the update section, permissions included, first. */
Test(prereq, update_prescan_comes_first)
{
	struct upd_result	res;
	struct upd_rr		p[1], u[1];

	p[0] = R("nope.example.com.", DNS_C_ANY, DNS_T_ANY, 0, none());
	u[0] = R("x.example.org.", DNS_C_IN, DNS_T_A, 60, rd_a("192.0.2.1"));
	EV(p, 1, u, 1, &res);
	cr_assert_eq(res.rcode, DNS_R_NOTZONE);
	u[0] = R("x.example.com.", DNS_C_IN, DNS_T_A, 60, rd_a("192.0.2.1"));
	deny_type = DNS_T_A;
	EV(p, 1, u, 1, &res);
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	deny_type = -1;
	EV(p, 1, u, 1, &res);
	cr_assert_eq(res.rcode, DNS_R_NXDOMAIN);
}

/* Several failing prerequisites: the value-dependent ones come last. */
Test(prereq, value_dependent_checked_last)
{
	struct upd_result	res;

	PRE(&res, R("www.example.com.", DNS_C_IN, DNS_T_A, 0,
	    rd_a("192.0.2.99")),
	    R("www.example.com.", DNS_C_NONE, DNS_T_ANY, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_YXDOMAIN);
}

/* ---- updates (RFC 2136 3.4.2) ---- */

Test(update, add_merges_and_takes_new_ttl)
{
	struct upd_result	 res;
	const struct rrset	*s;

	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_A, 600,
	    rd_a("192.0.2.7")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	s = G("www.example.com.", DNS_T_A);
	cr_assert_eq(s->nrr, 3);
	cr_assert_eq(s->ttl, 600);
	cr_assert(HAS(s, rd_a("192.0.2.1")) && HAS(s, rd_a("192.0.2.7")));
	cr_assert(strstr(res.reason, "add www.example.com. 600 A "
	    "192.0.2.7") != NULL, "%s", res.reason);
	cr_assert_eq(zview_ntrans(&v), 1);
}

Test(update, duplicate_ignored_ttl_change_applied)
{
	struct upd_result	 res;
	const struct rrset	*s;

	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_A, 300,
	    rd_a("192.0.2.1")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	cr_assert_eq(res.changed, 0);
	cr_assert_eq(zview_ntrans(&v), 0);
	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_A, 30,
	    rd_a("192.0.2.1")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	s = G("www.example.com.", DNS_T_A);
	cr_assert_eq(s->nrr, 2);
	cr_assert_eq(s->ttl, 30);
	cr_assert_eq(zview_ntrans(&v), 1);
}

Test(update, add_new_name)
{
	struct upd_result	res;

	UPD(&res, R("_acme-challenge.www.example.com.", DNS_C_IN, DNS_T_TXT,
	    60, rd_txt("token1")),
	    R("_acme-challenge.www.example.com.", DNS_C_IN, DNS_T_TXT, 60,
	    rd_txt("token2")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	cr_assert_eq(G("_acme-challenge.www.example.com.", DNS_T_TXT)->nrr,
	    2);
	cr_assert_eq(zview_count(&v), st.nrrset + 1);
}

Test(update, cname_conflicts_ignored_both_ways)
{
	struct upd_result	 res;
	const struct rrset	*s;

	/* CNAME where other data lives: ignored, NOERROR. */
	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_CNAME, 60,
	    rd_name("x.example.net.")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	cr_assert_null(G("www.example.com.", DNS_T_CNAME));
	cr_assert(strstr(res.reason, "ignored") != NULL, "%s", res.reason);
	/* Other data where a CNAME lives: ignored. */
	UPD(&res, R("ftp.example.com.", DNS_C_IN, DNS_T_TXT, 60,
	    rd_txt("x")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	cr_assert_null(G("ftp.example.com.", DNS_T_TXT));
	/* At the apex SOA and NS are there: a CNAME is ignored. */
	UPD(&res, R(ORIGIN, DNS_C_IN, DNS_T_CNAME, 60,
	    rd_name("x.example.net.")));
	cr_assert_null(G(ORIGIN, DNS_T_CNAME));
	/* Next to an alias A as well. */
	UPD(&res, R("geo.example.com.", DNS_C_IN, DNS_T_CNAME, 60,
	    rd_name("x.example.net.")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	cr_assert_null(G("geo.example.com.", DNS_T_CNAME));
	cr_assert_eq(zview_ntrans(&v), 0);
	/* A CNAME replaces the CNAME (single-valued). */
	UPD(&res, R("ftp.example.com.", DNS_C_IN, DNS_T_CNAME, 120,
	    rd_name("files.example.net.")));
	s = G("ftp.example.com.", DNS_T_CNAME);
	cr_assert_eq(s->nrr, 1);
	cr_assert(HAS(s, rd_name("files.example.net.")));
	cr_assert_eq(s->ttl, 120);
	/* Delete the A and TXT, then a CNAME fits, in one UPDATE. */
	UPD(&res, R("www.example.com.", DNS_C_ANY, DNS_T_ANY, 0, none()),
	    R("www.example.com.", DNS_C_IN, DNS_T_CNAME, 60,
	    rd_name("x.example.net.")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	cr_assert_not_null(G("www.example.com.", DNS_T_CNAME));
	cr_assert_null(G("www.example.com.", DNS_T_A));
}

Test(update, delete_rr_rrset_name)
{
	struct upd_result	res;

	UPD(&res, R("www.example.com.", DNS_C_NONE, DNS_T_A, 0,
	    rd_a("192.0.2.1")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	cr_assert_eq(G("www.example.com.", DNS_T_A)->nrr, 1);
	cr_assert_eq(G("www.example.com.", DNS_T_A)->ttl, 300);
	/* Deleting an RR that is not there changes nothing. */
	UPD(&res, R("www.example.com.", DNS_C_NONE, DNS_T_A, 0,
	    rd_a("192.0.2.1")));
	cr_assert_eq(res.changed, 0);
	/* The last RR takes the RRset with it. */
	UPD(&res, R("www.example.com.", DNS_C_NONE, DNS_T_A, 0,
	    rd_a("192.0.2.2")));
	cr_assert_null(G("www.example.com.", DNS_T_A));
	cr_assert_not_null(G("www.example.com.", DNS_T_TXT));
	/* Delete an RRset. */
	UPD(&res, R("www.example.com.", DNS_C_ANY, DNS_T_TXT, 0, none()));
	cr_assert_null(G("www.example.com.", DNS_T_TXT));
	cr_assert_not(zview_exists(&v, N("www.example.com.")));
	/* Delete a name. */
	UPD(&res, R("a.b.c.example.com.", DNS_C_ANY, DNS_T_ANY, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	cr_assert_not(zview_exists(&v, N("c.example.com.")));
}

Test(update, apex_protections)
{
	struct upd_result	res;

	/* Delete all at the apex: SOA and NS stay; the alias refuses. */
	UPD(&res, R(ORIGIN, DNS_C_ANY, DNS_T_ANY, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	cr_assert(strstr(res.reason, "alias to lb-1") != NULL, "%s",
	    res.reason);
	zstore_del(&st, N(ORIGIN), DNS_T_A);
	PUT(&st, ORIGIN, S(DNS_T_TXT, 60, 1, rd_txt("v=spf1 -all")));
	UPD(&res, R(ORIGIN, DNS_C_ANY, DNS_T_ANY, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_NOERROR, "%s", res.reason);
	cr_assert_null(G(ORIGIN, DNS_T_TXT));
	cr_assert_not_null(G(ORIGIN, DNS_T_SOA));
	cr_assert_eq(G(ORIGIN, DNS_T_NS)->nrr, 2);
	/* Deleting the SOA or NS RRset at the apex is ignored. */
	UPD(&res, R(ORIGIN, DNS_C_ANY, DNS_T_SOA, 0, none()),
	    R(ORIGIN, DNS_C_ANY, DNS_T_NS, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	cr_assert_eq(res.changed, 0);
	/* Deleting apex NS RRs: the last one stays. */
	UPD(&res, R(ORIGIN, DNS_C_NONE, DNS_T_NS, 0,
	    rd_name("ns1.example.com.")),
	    R(ORIGIN, DNS_C_NONE, DNS_T_NS, 0, rd_name("ns2.example.net.")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	cr_assert_eq(G(ORIGIN, DNS_T_NS)->nrr, 1);
	cr_assert(HAS(G(ORIGIN, DNS_T_NS), rd_name("ns2.example.net.")));
	cr_assert(strstr(res.reason, "last apex NS") != NULL, "%s",
	    res.reason);
	/* Deleting the SOA RR is ignored. */
	UPD(&res, R(ORIGIN, DNS_C_NONE, DNS_T_SOA, 0, rd_soa(
	    "ns1.example.com.", "hostmaster.example.com.", 10, 300)));
	cr_assert_not_null(G(ORIGIN, DNS_T_SOA));
	/* Delete all at a delegation point is fine (not the apex). */
	UPD(&res, R("sub.example.com.", DNS_C_ANY, DNS_T_ANY, 0, none()));
	cr_assert_null(G("sub.example.com.", DNS_T_NS));
}

Test(update, soa_rules)
{
	struct upd_result	res;

	/* Not greater (RFC 1982): ignored. */
	UPD(&res, R(ORIGIN, DNS_C_IN, DNS_T_SOA, 900, rd_soa(
	    "ns1.example.com.", "admin.example.com.", 10, 300)));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	cr_assert_eq(res.changed, 0);
	cr_assert_eq(res.soa_set, 0);
	/* Greater: replaces the SOA. */
	UPD(&res, R(ORIGIN, DNS_C_IN, DNS_T_SOA, 900, rd_soa(
	    "ns1.example.com.", "admin.example.com.", 11, 60)));
	cr_assert_eq(res.soa_set, 1);
	cr_assert_eq(G(ORIGIN, DNS_T_SOA)->nrr, 1);
	cr_assert_eq(soa_serial_of(G(ORIGIN, DNS_T_SOA)), 11);
	/* Greater across the wrap. */
	zview_reset(&v);
	PUT(&st, ORIGIN, S(DNS_T_SOA, 900, 1, rd_soa("ns1.example.com.",
	    "hostmaster.example.com.", 0xfffffff0U, 300)));
	UPD(&res, R(ORIGIN, DNS_C_IN, DNS_T_SOA, 900, rd_soa(
	    "ns1.example.com.", "admin.example.com.", 5, 60)));
	cr_assert_eq(soa_serial_of(G(ORIGIN, DNS_T_SOA)), 5);
	/* An SOA below the apex is ignored. */
	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_SOA, 900, rd_soa(
	    "a.", "b.", 99, 60)));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	cr_assert_null(G("www.example.com.", DNS_T_SOA));
}

Test(update, wildcard_ns_and_ds_rules)
{
	struct upd_result	 res;
	struct rd		 ds;

	memset(ds.b, 0xab, 36);
	ds.b[0] = 0x30;
	ds.b[1] = 0x39;
	ds.b[2] = 8;
	ds.b[3] = 2;
	ds.len = 36;
	UPD(&res, R("*.w.example.com.", DNS_C_IN, DNS_T_NS, 60,
	    rd_name("ns.example.net.")),
	    R(ORIGIN, DNS_C_IN, DNS_T_DS, 60, ds),
	    R("nodeleg.example.com.", DNS_C_IN, DNS_T_DS, 60, ds),
	    R("sub.example.com.", DNS_C_IN, DNS_T_DS, 60, ds));
	cr_assert_eq(res.rcode, DNS_R_NOERROR, "%s", res.reason);
	cr_assert_null(G("*.w.example.com.", DNS_T_NS));
	cr_assert_null(G(ORIGIN, DNS_T_DS));
	/* DS without NS is removed again, as named does. */
	cr_assert_null(G("nodeleg.example.com.", DNS_T_DS));
	cr_assert_not_null(G("sub.example.com.", DNS_T_DS));
	/* Removing the delegation takes the DS along. */
	UPD(&res, R("sub.example.com.", DNS_C_ANY, DNS_T_NS, 0, none()));
	cr_assert_null(G("sub.example.com.", DNS_T_NS));
	cr_assert_null(G("sub.example.com.", DNS_T_DS));
}

/* named's check-integrity after an UPDATE (dns_zone_nscheck, check_mx). */
Test(update, post_update_integrity_checks)
{
	struct upd_result	res;

	/* The in-zone apex NS loses its address: REFUSED. */
	UPD(&res, R("ns1.example.com.", DNS_C_ANY, DNS_T_A, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	cr_assert(strstr(res.reason, "NS 'ns1.example.com.'") != NULL, "%s",
	    res.reason);
	cr_assert_not_null(G("ns1.example.com.", DNS_T_A));
	/* ... unless it gets an AAAA in the same UPDATE. */
	UPD(&res, R("ns1.example.com.", DNS_C_ANY, DNS_T_A, 0, none()),
	    R("ns1.example.com.", DNS_C_IN, DNS_T_AAAA, 60,
	    rd_aaaa("2001:db8::53")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR, "%s", res.reason);
	/* A new in-zone apex NS without address: REFUSED. */
	UPD(&res, R(ORIGIN, DNS_C_IN, DNS_T_NS, 60,
	    rd_name("ns9.example.com.")));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	/* Below a delegation counts as having an address. */
	UPD(&res, R(ORIGIN, DNS_C_IN, DNS_T_NS, 60,
	    rd_name("x.sub.example.com.")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR, "%s", res.reason);
	/* MX to an in-zone name without address, or to a CNAME. */
	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_MX, 60,
	    rd_mx(10, "nowhere.example.com.")));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	cr_assert(strstr(res.reason, "www.example.com./MX "
	    "'nowhere.example.com.'") != NULL, "%s", res.reason);
	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_MX, 60,
	    rd_mx(10, "ftp.example.com.")));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	cr_assert(strstr(res.reason, "CNAME") != NULL, "%s", res.reason);
	/* MX to an empty non-terminal passes (EMPTYNAME), as in named. */
	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_MX, 60,
	    rd_mx(10, "b.c.example.com.")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR, "%s", res.reason);
	/* Out of zone and addressed targets pass; an address created in
	 * the same UPDATE counts. */
	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_MX, 60,
	    rd_mx(20, "mx.example.net.")),
	    R("m.example.com.", DNS_C_IN, DNS_T_MX, 60,
	    rd_mx(10, "mail.example.com.")),
	    R("mail.example.com.", DNS_C_IN, DNS_T_A, 60, rd_a("192.0.2.25")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR, "%s", res.reason);
	/* An UPDATE that changes nothing runs no checks. */
	zstore_del(&st, N("ns1.example.com."), DNS_T_A);
	zview_reset(&v);
	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_A, 300,
	    rd_a("192.0.2.1")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR, "%s", res.reason);
	cr_assert_eq(res.changed, 0);
	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_A, 300,
	    rd_a("192.0.2.3")));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
}

Test(update, nothing_to_do)
{
	struct upd_result	res;

	cr_assert_eq(EV(NULL, 0, NULL, 0, &res), DNS_R_NOERROR);
	cr_assert_str_eq(res.reason, "no change");
}

/* ---- r53d refusals and form errors ---- */

Test(refuse, unsupported_and_dnssec_types)
{
	struct upd_result	res;

	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_LOC, 60,
	    rd_txt("whatever")));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	cr_assert(strstr(res.reason, "LOC") != NULL, "%s", res.reason);
	UPD(&res, R("www.example.com.", DNS_C_IN, 0, 60, rd_txt("x")));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_NSEC, 60,
	    rd_txt("whatever")));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	/* Deleting a type Route 53 cannot hold is a no-op. */
	UPD(&res, R("www.example.com.", DNS_C_ANY, DNS_T_LOC, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	/* TTL over 2^31-1. */
	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_A, 0x80000000U,
	    rd_a("192.0.2.1")));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
}

/* DHCID, held as shadow TXT (dns/shadow.h) when the zone says so. */
Test(refuse, dhcid_only_where_it_has_a_shadow)
{
	struct upd_result	res;
	static uint8_t		big[200];
	struct rd		b;

	UPD(&res, R("h.example.com.", DNS_C_IN, DNS_T_DHCID, 60,
	    rd_txt("client-id")));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	cr_assert(strstr(res.reason, "DHCID") != NULL, "%s", res.reason);
	dhcid = 1;
	UPD(&res, R("h.example.com.", DNS_C_IN, DNS_T_A, 60,
	    rd_a("192.0.2.8")), R("h.example.com.", DNS_C_IN, DNS_T_DHCID,
	    60, rd_txt("client-id")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR, "%s", res.reason);
	cr_assert_not_null(G("h.example.com.", DNS_T_DHCID));
	/* The prerequisites of RFC 4703 see it. */
	PRE(&res, R("h.example.com.", DNS_C_IN, DNS_T_DHCID, 0,
	    rd_txt("client-id")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR, "%s", res.reason);
	PRE(&res, R("h.example.com.", DNS_C_IN, DNS_T_DHCID, 0,
	    rd_txt("another")));
	cr_assert_eq(res.rcode, DNS_R_NXRRSET, "%s", res.reason);
	/* No shadow for a wildcard, nor for RDATA over 183 octets. */
	UPD(&res, R("*.w.example.com.", DNS_C_IN, DNS_T_DHCID, 60,
	    rd_txt("client-id")));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	b.len = sizeof(big);
	memcpy(b.b, big, sizeof(big));
	UPD(&res, R("big.example.com.", DNS_C_IN, DNS_T_DHCID, 60, b));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	cr_assert(strstr(res.reason, "183") != NULL, "%s", res.reason);
	/* Shadow owners are not for UPDATEs; a TXT of one's own blocks. */
	UPD(&res, R("_r53d-dhcid.x.example.com.", DNS_C_IN, DNS_T_TXT, 60,
	    rd_txt("mine")));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	cr_assert(strstr(res.reason, "reserved") != NULL, "%s", res.reason);
	zview_reset(&v);
	PUT(&st, "_r53d-dhcid.own.example.com.", S(DNS_T_TXT, 60, 1,
	    rd_txt("mine")));
	UPD(&res, R("own.example.com.", DNS_C_IN, DNS_T_DHCID, 60,
	    rd_txt("client-id")));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	cr_assert(strstr(res.reason, "of its own") != NULL, "%s", res.reason);
}

Test(refuse, value_over_4000_characters)
{
	static uint8_t		big[16 * 256];
	struct upd_result	res;
	struct upd_rr		u[1];
	int			i;

	for (i = 0; i < 16; i++) {
		big[i * 256] = 255;
		memset(big + i * 256 + 1, 'a', 255);
	}
	/* 15 strings of 255: 15 * 257 + 14 = 3869 characters. */
	u[0] = R("big.example.com.", DNS_C_IN, DNS_T_TXT, 60, none());
	u[0].rdata = big;
	u[0].rdlen = 15 * 256;
	cr_assert_eq(EV(NULL, 0, u, 1, &res), DNS_R_NOERROR, "%s",
	    res.reason);
	/* 16 strings: 4126 characters. */
	zview_reset(&v);
	u[0].rdlen = 16 * 256;
	cr_assert_eq(EV(NULL, 0, u, 1, &res), DNS_R_REFUSED);
	cr_assert(strstr(res.reason, "4000") != NULL, "%s", res.reason);
	cr_assert_null(G("big.example.com.", DNS_T_TXT));
	/* Malformed RDATA: FORMERR. */
	u[0].type = DNS_T_A;
	u[0].rdlen = 3;
	cr_assert_eq(EV(NULL, 0, u, 1, &res), DNS_R_FORMERR);
}

Test(refuse, permission_denied)
{
	struct upd_result	res;

	deny_type = DNS_T_TXT;
	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_A, 60,
	    rd_a("192.0.2.5")),
	    R("www.example.com.", DNS_C_ANY, DNS_T_TXT, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	cr_assert_eq(zview_ntrans(&v), 0);
	/* Delete-all needs permission for each type present. */
	UPD(&res, R("www.example.com.", DNS_C_ANY, DNS_T_ANY, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	UPD(&res, R("ftp.example.com.", DNS_C_ANY, DNS_T_ANY, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
}

Test(refuse, opaque_rrsets)
{
	struct upd_result	res;

	UPD(&res, R("geo.example.com.", DNS_C_IN, DNS_T_A, 60,
	    rd_a("192.0.2.5")));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	cr_assert(strstr(res.reason, "geolocation set") != NULL, "%s",
	    res.reason);
	UPD(&res, R("geo.example.com.", DNS_C_ANY, DNS_T_A, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	UPD(&res, R("geo.example.com.", DNS_C_NONE, DNS_T_A, 0,
	    rd_a("192.0.2.5")));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	UPD(&res, R("geo.example.com.", DNS_C_ANY, DNS_T_ANY, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
	/* Other types at that name are fine. */
	UPD(&res, R("geo.example.com.", DNS_C_IN, DNS_T_TXT, 60,
	    rd_txt("ok")));
	cr_assert_eq(res.rcode, DNS_R_NOERROR);
	cr_assert(G("geo.example.com.", DNS_T_A)->flags & RRSET_OPAQUE);
}

Test(refuse, four_hundred_values)
{
	struct upd_result	 res;
	struct upd_rr		*u;
	struct rd		*rds;
	uint8_t			 nm[DNS_NAME_MAX];
	int			 i;

	cr_assert(name_from_text("many.example.com.", nm, NULL) == 0);
	u = calloc(401, sizeof(*u));
	rds = calloc(401, sizeof(*rds));
	for (i = 0; i < 401; i++) {
		rds[i].b[0] = 10;
		rds[i].b[1] = 0;
		rds[i].b[2] = (uint8_t)(i >> 8);
		rds[i].b[3] = (uint8_t)i;
		u[i].name = nm;
		u[i].class = DNS_C_IN;
		u[i].type = DNS_T_A;
		u[i].ttl = 60;
		u[i].rdlen = 4;
		u[i].rdata = rds[i].b;
	}
	cr_assert_eq(EV(NULL, 0, u, 400, &res), DNS_R_NOERROR, "%s",
	    res.reason);
	cr_assert_eq(G("many.example.com.", DNS_T_A)->nrr, 400);
	zview_reset(&v);
	cr_assert_eq(EV(NULL, 0, u, 401, &res), DNS_R_REFUSED);
	cr_assert(strstr(res.reason, "400") != NULL, "%s", res.reason);
	cr_assert_null(G("many.example.com.", DNS_T_A));
	free(u);
	free(rds);
}

Test(refuse, zone_cap)
{
	struct upd_result	res;
	char			nb[64];
	static uint8_t		nm[100][DNS_NAME_MAX];
	struct upd_rr		u[100];
	int			i, n;

	n = 100 - (int)st.nrrset;
	for (i = 0; i < n + 1; i++) {
		snprintf(nb, sizeof(nb), "n%d.example.com.", i);
		u[i] = R(nb, DNS_C_IN, DNS_T_A, 60, rd_a("192.0.2.1"));
		cr_assert(name_from_text(nb, nm[i], NULL) == 0);
		u[i].name = nm[i];
	}
	cr_assert_eq(EV(NULL, 0, u, (size_t)n, &res), DNS_R_NOERROR, "%s",
	    res.reason);
	cr_assert_eq(zview_count(&v), 100);
	zview_reset(&v);
	cr_assert_eq(EV(NULL, 0, u, (size_t)n + 1, &res), DNS_R_REFUSED);
	cr_assert(strstr(res.reason, "limit of 100") != NULL, "%s",
	    res.reason);
	cr_assert_eq(zview_count(&v), st.nrrset);
}

Test(refuse, update_format_errors)
{
	struct upd_result	res;

	UPD(&res, R("www.example.com.", DNS_C_ANY, DNS_T_A, 60, none()));
	cr_assert_eq(res.rcode, DNS_R_FORMERR);
	UPD(&res, R("www.example.com.", DNS_C_ANY, DNS_T_A, 0,
	    rd_a("192.0.2.1")));
	cr_assert_eq(res.rcode, DNS_R_FORMERR);
	UPD(&res, R("www.example.com.", DNS_C_ANY, DNS_T_AXFR, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_FORMERR);
	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_ANY, 60, none()));
	cr_assert_eq(res.rcode, DNS_R_FORMERR);
	UPD(&res, R("www.example.com.", DNS_C_NONE, DNS_T_A, 5,
	    rd_a("192.0.2.1")));
	cr_assert_eq(res.rcode, DNS_R_FORMERR);
	UPD(&res, R("www.example.com.", DNS_C_NONE, DNS_T_ANY, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_FORMERR);
	UPD(&res, R("www.example.com.", DNS_C_CH, DNS_T_A, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_FORMERR);
	UPD(&res, R("example.org.", DNS_C_IN, DNS_T_A, 60,
	    rd_a("192.0.2.1")));
	cr_assert_eq(res.rcode, DNS_R_NOTZONE);
	cr_assert_eq(zview_ntrans(&v), 0);
}

/* ---- atomicity and coalescing ---- */

Test(batch, failing_third_prereq_leaves_no_trace)
{
	struct upd_result	res;
	struct upd_rr		p[3], u[2];

	p[0] = R("www.example.com.", DNS_C_ANY, DNS_T_ANY, 0, none());
	p[1] = R("www.example.com.", DNS_C_ANY, DNS_T_A, 0, none());
	p[2] = R("ftp.example.com.", DNS_C_NONE, DNS_T_CNAME, 0, none());
	u[0] = R("new.example.com.", DNS_C_IN, DNS_T_A, 60, rd_a("192.0.2.1"));
	u[1] = R("www.example.com.", DNS_C_ANY, DNS_T_TXT, 0, none());
	cr_assert_eq(EV(p, 3, u, 2, &res), DNS_R_YXRRSET);
	cr_assert_eq(zview_ntrans(&v), 0);
	cr_assert_eq(zview_count(&v), st.nrrset);
	cr_assert(strstr(res.reason, "YXRRSET: ftp.example.com./CNAME") ==
	    res.reason, "%s", res.reason);
}

Test(batch, failing_third_update_leaves_no_trace)
{
	struct upd_result	res;
	struct upd_rr		u[3];

	u[0] = R("new.example.com.", DNS_C_IN, DNS_T_A, 60, rd_a("192.0.2.1"));
	u[1] = R("www.example.com.", DNS_C_ANY, DNS_T_TXT, 0, none());
	u[2] = R("geo.example.com.", DNS_C_ANY, DNS_T_A, 0, none());
	cr_assert_eq(EV(NULL, 0, u, 3, &res), DNS_R_REFUSED);
	cr_assert_eq(zview_ntrans(&v), 0);
	cr_assert_null(G("new.example.com.", DNS_T_A));
	cr_assert_not_null(G("www.example.com.", DNS_T_TXT));
}

Test(batch, coalesced_updates_see_each_other)
{
	struct upd_result	 res;
	struct upd_rr		 p[2], u[2];
	struct ztrans		 t;
	size_t			 c = 0;
	int			 n = 0;

	/* 1: create host. */
	u[0] = R("host.example.com.", DNS_C_IN, DNS_T_A, 60,
	    rd_a("192.0.2.10"));
	cr_assert_eq(EV(NULL, 0, u, 1, &res), DNS_R_NOERROR);
	/* 2: sees 1's RRset in its value-dependent prerequisite. */
	p[0] = R("host.example.com.", DNS_C_IN, DNS_T_A, 0,
	    rd_a("192.0.2.10"));
	u[0] = R("host.example.com.", DNS_C_IN, DNS_T_TXT, 60, rd_txt("dhcid"));
	cr_assert_eq(EV(p, 1, u, 1, &res), DNS_R_NOERROR, "%s", res.reason);
	/* 3: a DHCP-style "name must not exist" fails, leaving 1 and 2. */
	p[0] = R("host.example.com.", DNS_C_NONE, DNS_T_ANY, 0, none());
	u[0] = R("host.example.com.", DNS_C_IN, DNS_T_A, 60,
	    rd_a("192.0.2.11"));
	cr_assert_eq(EV(p, 1, u, 1, &res), DNS_R_YXDOMAIN);
	/* 4: replace www's A (delete RRset + add) and see it. */
	u[0] = R("www.example.com.", DNS_C_ANY, DNS_T_A, 0, none());
	u[1] = R("www.example.com.", DNS_C_IN, DNS_T_A, 60, rd_a("192.0.2.3"));
	cr_assert_eq(EV(NULL, 0, u, 2, &res), DNS_R_NOERROR);
	/* 5: undone by the caller after evaluation (did not fit). */
	u[0] = R("late.example.com.", DNS_C_IN, DNS_T_A, 60,
	    rd_a("192.0.2.4"));
	cr_assert_eq(EV(NULL, 0, u, 1, &res), DNS_R_NOERROR);
	zview_rollback(&v);

	while (zview_trans_next(&v, &c, &t)) {
		n++;
		if (name_equal(t.name, N("host.example.com.")))
			cr_assert(t.old == NULL && t.new != NULL);
		else {
			cr_assert(name_equal(t.name, N("www.example.com.")));
			cr_assert_eq(t.type, DNS_T_A);
			cr_assert_eq(t.old->nrr, 2);
			cr_assert_eq(t.new->nrr, 1);
			cr_assert(HAS(t.new, rd_a("192.0.2.3")));
		}
	}
	cr_assert_eq(n, 3);	/* host/A, host/TXT, www/A */
	cr_assert(HAS(G("host.example.com.", DNS_T_A), rd_a("192.0.2.10")));
	cr_assert_null(G("late.example.com.", DNS_T_A));
	cr_assert_eq(zview_commit(&v), 0);
	cr_assert_not_null(zstore_get(&st, N("host.example.com."),
	    DNS_T_TXT));
}

Test(batch, bump_serial)
{
	struct upd_result	res;
	struct upd_rr		u[1];

	/* increment */
	cr_assert_eq(update_bump_serial(&v, N(ORIGIN), UPD_SERIAL_INCREMENT, 0),
	    0);
	cr_assert_eq(soa_serial_of(G(ORIGIN, DNS_T_SOA)), 11);
	/* Per batch: a second call still gives store + 1. */
	cr_assert_eq(update_bump_serial(&v, N(ORIGIN), UPD_SERIAL_INCREMENT, 0),
	    0);
	cr_assert_eq(soa_serial_of(G(ORIGIN, DNS_T_SOA)), 11);
	/* unixtime: max(now, serial + 1) */
	cr_assert_eq(update_bump_serial(&v, N(ORIGIN), UPD_SERIAL_UNIXTIME,
	    1700000000), 0);
	cr_assert_eq(soa_serial_of(G(ORIGIN, DNS_T_SOA)), 1700000000);
	zview_reset(&v);
	cr_assert_eq(update_bump_serial(&v, N(ORIGIN), UPD_SERIAL_UNIXTIME, 5),
	    0);
	cr_assert_eq(soa_serial_of(G(ORIGIN, DNS_T_SOA)), 11);
	/* An UPDATE that raised the serial further is kept. */
	zview_reset(&v);
	u[0] = R(ORIGIN, DNS_C_IN, DNS_T_SOA, 900, rd_soa("ns1.example.com.",
	    "hostmaster.example.com.", 50, 300));
	cr_assert_eq(EV(NULL, 0, u, 1, &res), DNS_R_NOERROR);
	cr_assert_eq(update_bump_serial(&v, N(ORIGIN), UPD_SERIAL_INCREMENT, 0),
	    0);
	cr_assert_eq(soa_serial_of(G(ORIGIN, DNS_T_SOA)), 50);
	/* Wrap: 0xffffffff + 1 = 1; BIND's increment never gives 0. */
	zview_reset(&v);
	PUT(&st, ORIGIN, S(DNS_T_SOA, 900, 1, rd_soa("ns1.example.com.",
	    "hostmaster.example.com.", 0xffffffffU, 300)));
	cr_assert_eq(update_bump_serial(&v, N(ORIGIN), UPD_SERIAL_INCREMENT, 0),
	    0);
	cr_assert_eq(soa_serial_of(G(ORIGIN, DNS_T_SOA)), 1);
	/* The bump keeps the SOA's other fields and TTL. */
	cr_assert_eq(G(ORIGIN, DNS_T_SOA)->ttl, 900);
	cr_assert(serial_gt(0, 0xffffffffU));
	cr_assert_not(serial_gt(0xffffffffU, 0));
	/* ... but a client may set 0 itself (RFC 1982: 0 > 0xffffffff). */
	zview_reset(&v);
	u[0] = R(ORIGIN, DNS_C_IN, DNS_T_SOA, 900, rd_soa("ns1.example.com.",
	    "hostmaster.example.com.", 0, 300));
	cr_assert_eq(EV(NULL, 0, u, 1, &res), DNS_R_NOERROR);
	cr_assert_eq(update_bump_serial(&v, N(ORIGIN), UPD_SERIAL_INCREMENT, 0),
	    0);
	cr_assert_eq(soa_serial_of(G(ORIGIN, DNS_T_SOA)), 0);
}

/* The summary line lists each change in full, in order. */
Test(update, summary_text)
{
	struct upd_result	 res;
	struct upd_rr		 up[40];
	size_t			 i, n;

	UPD(&res, R("www.example.com.", DNS_C_IN, DNS_T_A, 300,
	    rd_a("192.0.2.1")),
	    R("www.example.com.", DNS_C_IN, DNS_T_A, 600, rd_a("192.0.2.7")),
	    R("www.example.com.", DNS_C_NONE, DNS_T_A, 0, rd_a("192.0.2.2")),
	    R("www.example.com.", DNS_C_ANY, DNS_T_TXT, 0, none()));
	cr_assert_eq(res.rcode, DNS_R_NOERROR, "%s", res.reason);
	cr_assert_str_eq(res.reason, "add www.example.com. A 192.0.2.1: "
	    "already present; add www.example.com. 600 A 192.0.2.7 (RRset "
	    "TTL 300 -> 600); delete www.example.com. A 192.0.2.2; delete "
	    "www.example.com. TXT");

	/* Long summaries end in "..." within UPDATE_REASON_MAX. */
	zview_rollback(&v);
	for (i = 0; i < 40; i++)
		up[i] = R("a-rather-long-label-for-the-summary.example.com.",
		    DNS_C_IN, DNS_T_A, 4000000000U - i, rd_a("192.0.2.200"));
	EV(NULL, 0, up, 40, &res);
	cr_assert_eq(res.rcode, DNS_R_REFUSED, "%s", res.reason);
	for (i = 0; i < 40; i++)
		up[i].ttl = 86400 + (uint32_t)i;
	EV(NULL, 0, up, 40, &res);
	cr_assert_eq(res.rcode, DNS_R_NOERROR, "%s", res.reason);
	n = strlen(res.reason);
	cr_assert_eq(n, UPDATE_REASON_MAX - 1);
	cr_assert_str_eq(res.reason + n - 3, "...");
	cr_assert(strncmp(res.reason, "add a-rather-long-label-for-the-summary"
	    ".example.com. 86400 A 192.0.2.200; add a-rather-long-label-for-"
	    "the-summary.example.com. 86401 A 192.0.2.200: ", 100) == 0,
	    "%s", res.reason);
	cr_assert(strstr(res.reason, "(RRset TTL 86400 -> 86401)") != NULL,
	    "%s", res.reason);
}
