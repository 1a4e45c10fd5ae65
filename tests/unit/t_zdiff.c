/*
 * Unit tests for dns/zdiff.c: RRs from a transfer sorted in canonical
 * order, a zone compared with a store, an increment applied to a view,
 * and what the keep() policy leaves alone.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrset.h"
#include "dns/rrtype.h"
#include "dns/zdiff.h"
#include "zone_help.h"

static void
add(struct zrrs *rs, const char *owner, uint16_t type, uint32_t ttl,
    struct rd r)
{
	cr_assert_eq(zrrs_add(rs, N(owner), type, ttl, r.b, (uint16_t)r.len),
	    0);
}

/* keep(): everything but the apex SOA and NS, and OPAQUE sets. */
static int
keep(void *arg, const uint8_t *name, uint16_t type, const struct rrset *set)
{
	(void)arg;
	if (name_equal(name, N("example.com.")) &&
	    (type == DNS_T_SOA || type == DNS_T_NS))
		return 0;
	return set == NULL || !(set->flags & RRSET_OPAQUE);
}

struct got {
	char		 line[64][160];
	int		 n;
};

static int
record(void *arg, const uint8_t *name, uint16_t type,
    const struct rrset *old, struct rrset *new)
{
	struct got	*g = arg;
	char		 t[DNS_NAME_TEXTMAX], tt[RRTYPE_TEXTMAX];

	cr_assert(g->n < 64);
	name_to_text(name, t, sizeof(t));
	snprintf(g->line[g->n++], sizeof(g->line[0]), "%.120s %s %s %s",
	    t, rrtype_to_text(type, tt), old != NULL ? "old" : "-",
	    new == NULL ? "delete" : new->nrr == 1 ? "one" : "more");
	if (new != NULL) {
		/* The lowest TTL of the RRs is the RRset's. */
		if (type == DNS_T_A && name_equal(name, N("two.example.com.")))
			cr_assert_eq(new->ttl, 60);
		rrset_unref(new);
	}
	return 0;
}

static int
keep_all(void *arg, const uint8_t *name, uint16_t type,
    const struct rrset *set)
{
	(void)arg;
	(void)name;
	(void)type;
	(void)set;
	return 1;
}

Test(zdiff, canonical_order_of_the_sort)
{
	struct zrrs	rs;
	uint8_t		o[DNS_NAME_MAX];
	const char	*want[] = { "example.com.", "a.example.com.",
	    "yljkjljk.a.example.com.", "Z.a.example.com.",
	    "zABC.a.EXAMPLE.com.", "z.example.com.", "\\001.z.example.com.",
	    "*.z.example.com.", "\\200.z.example.com." };
	size_t		i, n = sizeof(want) / sizeof(want[0]);

	/* RFC 4034 6.1's own example, added backwards. */
	zrrs_init(&rs);
	for (i = n; i-- > 0;)
		add(&rs, want[i], DNS_T_A, 300, rd_a("192.0.2.1"));
	zrrs_sort(&rs);
	cr_assert_eq(rs.n, n);
	for (i = 0; i < n; i++) {
		zrr_owner(&rs.v[i], o);
		cr_assert(name_equal(o, N(want[i])), "position %zu", i);
	}
	zrrs_free(&rs);
}

/*
 * Orders the sort meets: in order, in order but for a few, backwards
 * (past the insertion sort's budget), shuffled.
 */
Test(zdiff, sort_whatever_the_order)
{
	struct zrrs	rs;
	char		owner[64];
	unsigned	k, i, n = 3000, idx, x = 12345;
	uint8_t		prev[DNS_NAME_MAX], o[DNS_NAME_MAX];

	for (k = 0; k < 4; k++) {
		zrrs_init(&rs);
		for (i = 0; i < n; i++) {
			if (k == 0)
				idx = i;
			else if (k == 1)
				idx = i % 100 == 7 ? n - 1 - i : i;
			else if (k == 2)
				idx = n - 1 - i;
			else {
				x = x * 1103515245 + 12345;
				idx = (x >> 8) % n;
			}
			snprintf(owner, sizeof(owner), "h%05u.example.com.",
			    idx);
			add(&rs, owner, DNS_T_A, 300, rd_a("192.0.2.1"));
		}
		zrrs_sort(&rs);
		cr_assert_eq(rs.n, n);
		for (i = 1; i < rs.n; i++) {
			zrr_owner(&rs.v[i - 1], prev);
			zrr_owner(&rs.v[i], o);
			cr_assert(name_cmp(prev, o) <= 0, "order %u, at %u",
			    k, i);
		}
		zrrs_free(&rs);
	}
}

Test(zdiff, zone_against_store)
{
	struct zstore	st;
	struct zrrs	rs;
	struct got	g;
	int		i;

	zstore_init(&st, 0);
	PUT(&st, "example.com.", S(DNS_T_SOA, 900, 1,
	    rd_soa("ns.awsdns.", "host.", 5, 300)));
	PUT(&st, "example.com.", S(DNS_T_NS, 900, 1, rd_name("ns.awsdns.")));
	PUT(&st, "same.example.com.", S(DNS_T_A, 300, 1, rd_a("192.0.2.1")));
	PUT(&st, "gone.example.com.", S(DNS_T_A, 300, 1, rd_a("192.0.2.2")));
	PUT(&st, "changed.example.com.", S(DNS_T_A, 300, 1,
	    rd_a("192.0.2.3")));
	PUT(&st, "alias.example.com.", OPQ(DNS_T_A, "alias to x"));
	PUT(&st, "mixed.example.com.", S(DNS_T_TXT, 300, 1, rd_txt("keep")));
	PUT(&st, "mixed.example.com.", S(DNS_T_A, 300, 1, rd_a("192.0.2.9")));

	zrrs_init(&rs);
	add(&rs, "example.com.", DNS_T_SOA, 3600, rd_soa("ns1.example.com.",
	    "h.example.com.", 77, 60));
	add(&rs, "example.com.", DNS_T_NS, 3600, rd_name("ns1.example.com."));
	add(&rs, "SAME.example.com.", DNS_T_A, 300, rd_a("192.0.2.1"));
	add(&rs, "changed.example.com.", DNS_T_A, 300, rd_a("192.0.2.4"));
	add(&rs, "new.example.com.", DNS_T_A, 300, rd_a("192.0.2.5"));
	add(&rs, "two.example.com.", DNS_T_A, 300, rd_a("192.0.2.6"));
	add(&rs, "two.example.com.", DNS_T_A, 60, rd_a("192.0.2.7"));
	add(&rs, "two.example.com.", DNS_T_A, 300, rd_a("192.0.2.6"));
	add(&rs, "alias.example.com.", DNS_T_A, 300, rd_a("192.0.2.8"));
	add(&rs, "mixed.example.com.", DNS_T_TXT, 300, rd_txt("keep"));
	zrrs_sort(&rs);
	memset(&g, 0, sizeof(g));
	cr_assert_eq(zdiff_store(&st, &rs, keep, record, &g), 0);
	{
		const char *want[] = {
			"changed.example.com. A old one",
			"gone.example.com. A old delete",
			"mixed.example.com. A old delete",
			"new.example.com. A - one",
			"two.example.com. A - more",
		};

		cr_assert_eq(g.n, 5);
		for (i = 0; i < 5; i++)
			cr_assert_str_eq(g.line[i], want[i]);
	}
	/* Without a policy the apex and the alias are compared too. */
	memset(&g, 0, sizeof(g));
	cr_assert_eq(zdiff_store(&st, &rs, keep_all, record, &g), 0);
	cr_assert_eq(g.n, 8);
	zrrs_free(&rs);
	zstore_free(&st);
}

Test(zdiff, empty_store_and_empty_zone)
{
	struct zstore	st;
	struct zrrs	rs;
	struct got	g;

	zstore_init(&st, 0);
	zrrs_init(&rs);
	memset(&g, 0, sizeof(g));
	cr_assert_eq(zdiff_store(&st, &rs, keep, record, &g), 0);
	cr_assert_eq(g.n, 0);
	add(&rs, "a.example.com.", DNS_T_A, 300, rd_a("192.0.2.1"));
	add(&rs, "b.example.com.", DNS_T_MX, 300, rd_mx(10, "a.example.com."));
	zrrs_sort(&rs);
	cr_assert_eq(zdiff_store(&st, &rs, keep, record, &g), 0);
	cr_assert_eq(g.n, 2);
	cr_assert_str_eq(g.line[0], "a.example.com. A - one");
	cr_assert_str_eq(g.line[1], "b.example.com. MX - one");
	zrrs_free(&rs);
	zstore_free(&st);
}

Test(zdiff, increment_on_a_view)
{
	struct zstore		 st;
	struct zview		 v;
	struct zrrs		 dels, adds;
	const struct rrset	*s;

	zstore_init(&st, 0);
	PUT(&st, "example.com.", S(DNS_T_NS, 900, 1, rd_name("ns.awsdns.")));
	PUT(&st, "www.example.com.", S(DNS_T_A, 300, 2, rd_a("192.0.2.1"),
	    rd_a("192.0.2.2")));
	PUT(&st, "old.example.com.", S(DNS_T_A, 300, 1, rd_a("192.0.2.3")));
	PUT(&st, "alias.example.com.", OPQ(DNS_T_A, "alias to x"));
	zview_init(&v, &st);
	zrrs_init(&dels);
	zrrs_init(&adds);
	/* www: one RR out, one in with a new TTL; old: gone; new: added. */
	add(&dels, "www.example.com.", DNS_T_A, 300, rd_a("192.0.2.1"));
	add(&adds, "www.example.com.", DNS_T_A, 120, rd_a("192.0.2.9"));
	add(&dels, "old.example.com.", DNS_T_A, 300, rd_a("192.0.2.3"));
	add(&adds, "new.example.com.", DNS_T_TXT, 60, rd_txt("hello"));
	/* The apex NS and the alias are not the secondary's. */
	add(&dels, "example.com.", DNS_T_NS, 900, rd_name("ns.awsdns."));
	add(&adds, "alias.example.com.", DNS_T_A, 60, rd_a("192.0.2.4"));
	/* Deleting what is not there changes nothing. */
	add(&dels, "nowhere.example.com.", DNS_T_A, 60, rd_a("192.0.2.5"));
	zrrs_sort(&dels);
	zrrs_sort(&adds);
	cr_assert_eq(zdiff_apply(&v, &dels, &adds, keep, NULL), 0);
	s = zview_get(&v, N("www.example.com."), DNS_T_A);
	cr_assert(s != NULL && s->nrr == 2 && s->ttl == 120);
	cr_assert(HAS(s, rd_a("192.0.2.2")) && HAS(s, rd_a("192.0.2.9")));
	cr_assert_null(zview_get(&v, N("old.example.com."), DNS_T_A));
	s = zview_get(&v, N("new.example.com."), DNS_T_TXT);
	cr_assert(s != NULL && s->nrr == 1 && s->ttl == 60);
	cr_assert_not_null(zview_get(&v, N("example.com."), DNS_T_NS));
	s = zview_get(&v, N("alias.example.com."), DNS_T_A);
	cr_assert(s != NULL && (s->flags & RRSET_OPAQUE));
	cr_assert_null(zview_get(&v, N("nowhere.example.com."), DNS_T_A));
	cr_assert_eq(zview_ntrans(&v), 3);
	zrrs_free(&dels);
	zrrs_free(&adds);
	zview_free(&v);
	zstore_free(&st);
}
