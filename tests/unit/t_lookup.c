/*
 * t_lookup.c: authoritative answers.  The zone is the one of RFC 4592
 * section 2.2.1 plus a DS, glue, CNAME chains and Route 53 aliases; the
 * expected answers are the ones named 9.18 gives for the same zone.
 */
#include "dns/lookup.h"
#include "dns/msg.h"
#include "tests/unit/zone_help.h"

static struct zstore	st;
static struct zview	v;
static struct lk_answer	a;

static struct rd
rd_srv(unsigned prio, unsigned w, unsigned port, const char *target)
{
	struct rd	r;
	size_t		l;

	r.b[0] = (uint8_t)(prio >> 8);
	r.b[1] = (uint8_t)prio;
	r.b[2] = (uint8_t)(w >> 8);
	r.b[3] = (uint8_t)w;
	r.b[4] = (uint8_t)(port >> 8);
	r.b[5] = (uint8_t)port;
	cr_assert(name_from_text(target, r.b + 6, &l) == 0);
	r.len = 6 + l;
	return r;
}

static struct rd
rd_ds(void)
{
	struct rd	r;

	memset(r.b, 0xab, 36);
	r.b[0] = 0x30;
	r.b[1] = 0x39;
	r.b[2] = 8;
	r.b[3] = 2;
	r.len = 36;
	return r;
}

static void
setup(void)
{
	zstore_init(&st, 0);
	PUT(&st, "example.", S(DNS_T_SOA, 3600, 1, rd_soa("ns.example.com.",
	    "h.example.", 1, 300)));
	PUT(&st, "example.", S(DNS_T_NS, 3600, 2, rd_name("ns.example.com."),
	    rd_name("ns.example.net.")));
	PUT(&st, "*.example.", S(DNS_T_TXT, 3600, 1,
	    rd_txt("this is a wildcard")));
	PUT(&st, "*.example.", S(DNS_T_MX, 3600, 1, rd_mx(10,
	    "host1.example.")));
	PUT(&st, "sub.*.example.", S(DNS_T_TXT, 3600, 1,
	    rd_txt("this is not a wildcard")));
	PUT(&st, "host1.example.", S(DNS_T_A, 3600, 1, rd_a("192.0.2.1")));
	PUT(&st, "_ssh._tcp.host1.example.", S(DNS_T_SRV, 3600, 1,
	    rd_srv(0, 0, 22, "host1.example.")));
	PUT(&st, "_ssh._tcp.host2.example.", S(DNS_T_SRV, 3600, 1,
	    rd_srv(0, 0, 22, "host2.example.")));
	PUT(&st, "subdel.example.", S(DNS_T_NS, 3600, 3,
	    rd_name("ns.example.com."), rd_name("ns.example.net."),
	    rd_name("ns.subdel.example.")));
	PUT(&st, "subdel.example.", S(DNS_T_DS, 3600, 1, rd_ds()));
	PUT(&st, "ns.subdel.example.", S(DNS_T_A, 3600, 1,
	    rd_a("192.0.2.53")));
	PUT(&st, "ns.subdel.example.", S(DNS_T_AAAA, 3600, 1,
	    rd_aaaa("2001:db8::53")));
	PUT(&st, "c1.example.", S(DNS_T_CNAME, 3600, 1,
	    rd_name("c2.example.")));
	PUT(&st, "c2.example.", S(DNS_T_CNAME, 3600, 1,
	    rd_name("nowhere.example.")));
	PUT(&st, "c3.example.", S(DNS_T_CNAME, 3600, 1,
	    rd_name("host1.example.")));
	PUT(&st, "c4.example.", S(DNS_T_CNAME, 3600, 1,
	    rd_name("www.example.org.")));
	PUT(&st, "loop1.example.", S(DNS_T_CNAME, 3600, 1,
	    rd_name("loop2.example.")));
	PUT(&st, "loop2.example.", S(DNS_T_CNAME, 3600, 1,
	    rd_name("loop1.example.")));
	PUT(&st, "x.*.y.example.", S(DNS_T_TXT, 3600, 1, rd_txt("deep")));
	PUT(&st, "alias.example.", OPQ(DNS_T_A, "alias to elb"));
	PUT(&st, "alias.example.", S(DNS_T_TXT, 60, 1, rd_txt("side")));
	zview_init(&v, &st);
}

static void
teardown(void)
{
	zview_free(&v);
	zstore_free(&st);
}

TestSuite(lookup, .init = setup, .fini = teardown);

static int
L(const char *qname, uint16_t qtype)
{
	return lookup(&v, N("example."), N(qname), qtype, &a);
}

/* Item i is (sec, owner, type) and, if ttl >= 0, has that TTL. */
static void
IT(size_t i, int sec, const char *owner, uint16_t type, long ttl)
{
	char	got[DNS_NAME_TEXTMAX];

	cr_assert_lt(i, a.n, "only %zu items", a.n);
	name_to_text(a.item[i].owner, got, sizeof(got));
	cr_assert_eq(a.item[i].sec, sec, "item %zu section", i);
	cr_assert(name_equal(a.item[i].owner, N(owner)), "item %zu owner %s",
	    i, got);
	cr_assert_eq(a.item[i].set->type, type, "item %zu type", i);
	if (ttl >= 0)
		cr_assert_eq(a.item[i].ttl, (uint32_t)ttl, "item %zu TTL", i);
}

Test(lookup, exact_answer)
{
	cr_assert_eq(L("HOST1.example.", DNS_T_A), DNS_R_NOERROR);
	cr_assert(a.aa);
	cr_assert_eq(a.n, 1);
	IT(0, DNS_SEC_AN, "host1.example.", DNS_T_A, 3600);
	cr_assert(HAS(a.item[0].set, rd_a("192.0.2.1")));
}

Test(lookup, apex_soa_and_ns)
{
	cr_assert_eq(L("example.", DNS_T_SOA), DNS_R_NOERROR);
	cr_assert_eq(a.n, 1);
	IT(0, DNS_SEC_AN, "example.", DNS_T_SOA, 3600);
	cr_assert_eq(L("example.", DNS_T_NS), DNS_R_NOERROR);
	cr_assert(a.aa);
	IT(0, DNS_SEC_AN, "example.", DNS_T_NS, 3600);
}

Test(lookup, nodata_soa_ttl_is_minimum)
{
	cr_assert_eq(L("host1.example.", DNS_T_MX), DNS_R_NOERROR);
	cr_assert(a.aa);
	cr_assert_eq(a.n, 1);
	IT(0, DNS_SEC_NS, "example.", DNS_T_SOA, 300);
	/* NODATA for SOA keeps the TTL too. */
	cr_assert_eq(L("host1.example.", DNS_T_SOA), DNS_R_NOERROR);
	IT(0, DNS_SEC_NS, "example.", DNS_T_SOA, 300);
	/* The parent's DS at our apex: NODATA. */
	cr_assert_eq(L("example.", DNS_T_DS), DNS_R_NOERROR);
	IT(0, DNS_SEC_NS, "example.", DNS_T_SOA, 300);
}

/* RFC 4592 2.2.1: the six example queries and their answers. */
Test(lookup, rfc4592_synthesis)
{
	/* host3.example. MX: synthesized from *.example. */
	cr_assert_eq(L("host3.example.", DNS_T_MX), DNS_R_NOERROR);
	cr_assert(a.aa);
	cr_assert_eq(a.n, 1);
	IT(0, DNS_SEC_AN, "host3.example.", DNS_T_MX, 3600);
	/* host3.example. A: wildcard matched, no A: NODATA. */
	cr_assert_eq(L("host3.example.", DNS_T_A), DNS_R_NOERROR);
	cr_assert_eq(a.n, 1);
	IT(0, DNS_SEC_NS, "example.", DNS_T_SOA, 300);
	/* foo.bar.example. TXT: synthesized. */
	cr_assert_eq(L("foo.bar.example.", DNS_T_TXT), DNS_R_NOERROR);
	IT(0, DNS_SEC_AN, "foo.bar.example.", DNS_T_TXT, 3600);
	cr_assert(HAS(a.item[0].set, rd_txt("this is a wildcard")));
}

Test(lookup, rfc4592_no_synthesis)
{
	/* host1.example. MX: the name exists, NODATA. */
	cr_assert_eq(L("host1.example.", DNS_T_MX), DNS_R_NOERROR);
	IT(0, DNS_SEC_NS, "example.", DNS_T_SOA, 300);
	/* sub.*.example. MX: exists, NODATA (no wildcard match). */
	cr_assert_eq(L("sub.*.example.", DNS_T_MX), DNS_R_NOERROR);
	cr_assert_eq(a.n, 1);
	IT(0, DNS_SEC_NS, "example.", DNS_T_SOA, 300);
	cr_assert_eq(L("sub.*.example.", DNS_T_TXT), DNS_R_NOERROR);
	cr_assert(HAS(a.item[0].set, rd_txt("this is not a wildcard")));
	/* _telnet._tcp.host1.example. SRV: closest encloser is the empty
	 * non-terminal _tcp.host1.example, with no "*" child: NXDOMAIN. */
	cr_assert_eq(L("_telnet._tcp.host1.example.", DNS_T_SRV),
	    DNS_R_NXDOMAIN);
	cr_assert(a.aa);
	cr_assert_eq(a.n, 1);
	IT(0, DNS_SEC_NS, "example.", DNS_T_SOA, 300);
	/* ghost.*.example. MX: closest encloser *.example, no *.*: NXDOMAIN. */
	cr_assert_eq(L("ghost.*.example.", DNS_T_MX), DNS_R_NXDOMAIN);
	/* NXDOMAIN for an SOA query: SOA TTL 0, as named. */
	cr_assert_eq(L("_telnet._tcp.host1.example.", DNS_T_SOA),
	    DNS_R_NXDOMAIN);
	IT(0, DNS_SEC_NS, "example.", DNS_T_SOA, 0);
}

Test(lookup, empty_non_terminals)
{
	/* _tcp.host1.example: NODATA, no wildcard match. */
	cr_assert_eq(L("_tcp.host1.example.", DNS_T_TXT), DNS_R_NOERROR);
	cr_assert_eq(a.n, 1);
	IT(0, DNS_SEC_NS, "example.", DNS_T_SOA, 300);
	/* a.y.example: the source of synthesis *.y.example is itself an
	 * empty non-terminal: NODATA. */
	cr_assert_eq(L("a.y.example.", DNS_T_TXT), DNS_R_NOERROR);
	cr_assert_eq(a.n, 1);
	IT(0, DNS_SEC_NS, "example.", DNS_T_SOA, 300);
}

Test(lookup, wildcard_gives_nxdomain_nowhere_in_zone)
{
	zstore_drop_name(&st, N("*.example."));
	zstore_drop_name(&st, N("sub.*.example."));
	cr_assert_eq(L("host3.example.", DNS_T_MX), DNS_R_NXDOMAIN);
	IT(0, DNS_SEC_NS, "example.", DNS_T_SOA, 300);
}

Test(lookup, referral_with_glue)
{
	cr_assert_eq(L("host.subdel.example.", DNS_T_A), DNS_R_NOERROR);
	cr_assert_not(a.aa);
	cr_assert_eq(a.n, 3);
	IT(0, DNS_SEC_NS, "subdel.example.", DNS_T_NS, 3600);
	IT(1, DNS_SEC_AR, "ns.subdel.example.", DNS_T_A, 3600);
	IT(2, DNS_SEC_AR, "ns.subdel.example.", DNS_T_AAAA, 3600);
	/* NS at the cut: a referral too. */
	cr_assert_eq(L("subdel.example.", DNS_T_NS), DNS_R_NOERROR);
	cr_assert_not(a.aa);
	IT(0, DNS_SEC_NS, "subdel.example.", DNS_T_NS, 3600);
	/* Data below the cut is occluded. */
	cr_assert_eq(L("ns.subdel.example.", DNS_T_A), DNS_R_NOERROR);
	cr_assert_not(a.aa);
	IT(0, DNS_SEC_NS, "subdel.example.", DNS_T_NS, 3600);
	/* DS below the cut: referral. */
	cr_assert_eq(L("x.subdel.example.", DNS_T_DS), DNS_R_NOERROR);
	cr_assert_not(a.aa);
}

Test(lookup, ds_at_delegation_from_parent_side)
{
	cr_assert_eq(L("subdel.example.", DNS_T_DS), DNS_R_NOERROR);
	cr_assert(a.aa);
	cr_assert_eq(a.n, 1);
	IT(0, DNS_SEC_AN, "subdel.example.", DNS_T_DS, 3600);
	zstore_del(&st, N("subdel.example."), DNS_T_DS);
	cr_assert_eq(L("subdel.example.", DNS_T_DS), DNS_R_NOERROR);
	cr_assert(a.aa);
	IT(0, DNS_SEC_NS, "example.", DNS_T_SOA, 300);
}

Test(lookup, cname_chains)
{
	/* In-zone target with data. */
	cr_assert_eq(L("c3.example.", DNS_T_A), DNS_R_NOERROR);
	cr_assert(a.aa);
	cr_assert_eq(a.n, 2);
	IT(0, DNS_SEC_AN, "c3.example.", DNS_T_CNAME, 3600);
	IT(1, DNS_SEC_AN, "host1.example.", DNS_T_A, 3600);
	/* c1 -> c2 -> nowhere.example, which the wildcard covers without
	 * an A: NODATA at the end of the chain. */
	cr_assert_eq(L("c1.example.", DNS_T_A), DNS_R_NOERROR);
	cr_assert_eq(a.n, 3);
	IT(0, DNS_SEC_AN, "c1.example.", DNS_T_CNAME, 3600);
	IT(1, DNS_SEC_AN, "c2.example.", DNS_T_CNAME, 3600);
	IT(2, DNS_SEC_NS, "example.", DNS_T_SOA, 300);
	/* ... and covers it with MX: synthesized at the chain's end. */
	cr_assert_eq(L("c1.example.", DNS_T_MX), DNS_R_NOERROR);
	IT(2, DNS_SEC_AN, "nowhere.example.", DNS_T_MX, 3600);
	/* Without the wildcard the chain ends in NXDOMAIN (RFC 6604);
	 * sub.*.example would keep *.example as an empty non-terminal. */
	zstore_drop_name(&st, N("*.example."));
	zstore_drop_name(&st, N("sub.*.example."));
	cr_assert_eq(L("c1.example.", DNS_T_A), DNS_R_NXDOMAIN);
	cr_assert(a.aa);
	IT(0, DNS_SEC_AN, "c1.example.", DNS_T_CNAME, 3600);
	IT(2, DNS_SEC_NS, "example.", DNS_T_SOA, 300);
	/* Out of zone target: just the CNAME. */
	cr_assert_eq(L("c4.example.", DNS_T_A), DNS_R_NOERROR);
	cr_assert_eq(a.n, 1);
	/* Asking for the CNAME itself. */
	cr_assert_eq(L("c3.example.", DNS_T_CNAME), DNS_R_NOERROR);
	cr_assert_eq(a.n, 1);
	/* A loop stops after each link was listed once. */
	cr_assert_eq(L("loop1.example.", DNS_T_A), DNS_R_NOERROR);
	cr_assert_eq(a.n, 2);
	IT(1, DNS_SEC_AN, "loop2.example.", DNS_T_CNAME, 3600);
}

Test(lookup, any_lists_all_rrsets)
{
	cr_assert_eq(L("example.", DNS_T_ANY), DNS_R_NOERROR);
	cr_assert(a.aa);
	cr_assert_eq(a.n, 2);
	cr_assert_eq(a.item[0].sec, DNS_SEC_AN);
	cr_assert_eq(a.item[1].sec, DNS_SEC_AN);
	/* Synthesized from the wildcard: TXT and MX, owner qname. */
	cr_assert_eq(L("zz.example.", DNS_T_ANY), DNS_R_NOERROR);
	cr_assert_eq(a.n, 2);
	IT(0, DNS_SEC_AN, "zz.example.", a.item[0].set->type, 3600);
	/* Aliases are left out. */
	cr_assert_eq(L("alias.example.", DNS_T_ANY), DNS_R_NOERROR);
	cr_assert_eq(a.n, 1);
	IT(0, DNS_SEC_AN, "alias.example.", DNS_T_TXT, 60);
}

Test(lookup, opaque_rrsets)
{
	/* The alias's own type: no data and no SOA (not cacheable). */
	cr_assert_eq(L("alias.example.", DNS_T_A), DNS_R_NOERROR);
	cr_assert(a.aa);
	cr_assert_eq(a.n, 0);
	/* Other types at the name answer normally. */
	cr_assert_eq(L("alias.example.", DNS_T_TXT), DNS_R_NOERROR);
	cr_assert_eq(a.n, 1);
	cr_assert_eq(L("alias.example.", DNS_T_MX), DNS_R_NOERROR);
	IT(0, DNS_SEC_NS, "example.", DNS_T_SOA, 300);
	/* The alias makes its name exist: no wildcard match there. */
	zstore_del(&st, N("alias.example."), DNS_T_TXT);
	cr_assert_eq(L("alias.example.", DNS_T_TXT), DNS_R_NOERROR);
	IT(0, DNS_SEC_NS, "example.", DNS_T_SOA, 300);
}

Test(lookup, out_of_zone_refused)
{
	cr_assert_eq(L("example.org.", DNS_T_A), DNS_R_REFUSED);
	cr_assert_not(a.aa);
	cr_assert_eq(a.n, 0);
}

Test(lookup, answers_from_the_overlay)
{
	struct rrset	*s;

	s = S(DNS_T_A, 60, 1, rd_a("192.0.2.99"));
	cr_assert_eq(zview_put(&v, N("new.example."), s), 0);
	rrset_unref(s);
	cr_assert_eq(zview_del(&v, N("c3.example."), DNS_T_CNAME), 0);
	cr_assert_eq(zview_del(&v, N("host1.example."), DNS_T_A), 0);
	cr_assert_eq(L("new.example.", DNS_T_A), DNS_R_NOERROR);
	IT(0, DNS_SEC_AN, "new.example.", DNS_T_A, 60);
	/* c3 is gone; the wildcard now covers it. */
	cr_assert_eq(L("c3.example.", DNS_T_MX), DNS_R_NOERROR);
	IT(0, DNS_SEC_AN, "c3.example.", DNS_T_MX, 3600);
	/* host1 lost its A but stays an empty non-terminal: NODATA. */
	cr_assert_eq(L("host1.example.", DNS_T_MX), DNS_R_NOERROR);
	IT(0, DNS_SEC_NS, "example.", DNS_T_SOA, 300);
}
