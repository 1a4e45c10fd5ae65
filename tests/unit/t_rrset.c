/*
 * t_rrset.c: the zone store and its overlay views.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/zone_help.h"

Test(rrset, new_dedups_and_keeps_text)
{
	struct rd	a = rd_a("192.0.2.1"), b = rd_a("192.0.2.2");
	struct rr	rrs[3] = {
		{ a.b, "192.0.2.1", 4 },
		{ b.b, NULL, 4 },
		{ a.b, "192.000.002.001", 4 },
	};
	struct rrset	*s;

	s = rrset_new(DNS_T_A, 300, 0, NULL, rrs, 3);
	cr_assert_not_null(s);
	cr_assert_eq(s->nrr, 2);
	cr_assert_str_eq(s->rr[0].text, "192.0.2.1");
	cr_assert_null(s->rr[1].text);
	cr_assert_eq(rrset_find(s, b.b, 4), 1);
	cr_assert_eq(s->refs, 1);
	rrset_unref(s);
}

Test(rrset, limit_400_values)
{
	struct rr	*rrs;
	uint8_t		*d;
	struct rrset	*s;
	int		 i;

	rrs = calloc(401, sizeof(*rrs));
	d = calloc(401, 4);
	for (i = 0; i < 401; i++) {
		d[i * 4] = 10;
		d[i * 4 + 2] = (uint8_t)(i >> 8);
		d[i * 4 + 3] = (uint8_t)i;
		rrs[i].rdata = d + i * 4;
		rrs[i].len = 4;
	}
	cr_assert_null(rrset_new(DNS_T_A, 60, 0, NULL, rrs, 401));
	s = rrset_new(DNS_T_A, 60, 0, NULL, rrs, 400);
	cr_assert_not_null(s);
	cr_assert_eq(s->nrr, 400);
	rrset_unref(s);
	free(rrs);
	free(d);
}

Test(rrset, same_ignores_order_and_text)
{
	struct rrset	*x, *y, *z;

	x = S(DNS_T_A, 60, 2, rd_a("192.0.2.1"), rd_a("192.0.2.2"));
	y = S(DNS_T_A, 60, 2, rd_a("192.0.2.2"), rd_a("192.0.2.1"));
	z = S(DNS_T_A, 61, 2, rd_a("192.0.2.2"), rd_a("192.0.2.1"));
	cr_assert(rrset_same(x, y));
	cr_assert_not(rrset_same(x, z));
	cr_assert(rrset_same_rdata(x, z));
	cr_assert_not(rrset_same(x, NULL));
	cr_assert(rrset_same(NULL, NULL));
	rrset_unref(x);
	rrset_unref(y);
	rrset_unref(z);
}

/* RFC 4034 section 6.1: names in canonical order. */
Test(zstore, canonical_order)
{
	static const char *const order[] = {
		"example.", "a.example.", "yljkjljk.a.example.",
		"Z.a.example.", "zABC.a.EXAMPLE.", "z.example.",
		"\\001.z.example.", "*.z.example.", "\\200.z.example.",
	};
	static const int ins[] = { 5, 2, 8, 0, 7, 3, 1, 6, 4 };
	struct zstore	st;
	char		txt[DNS_NAME_TEXTMAX];
	uint8_t		want[DNS_NAME_MAX];
	size_t		i;

	zstore_init(&st, 0);
	for (i = 0; i < 9; i++)
		PUT(&st, order[ins[i]], S(DNS_T_A, 1, 1, rd_a("192.0.2.1")));
	cr_assert_eq(zstore_nnodes(&st), 9);
	for (i = 0; i < 9; i++) {
		cr_assert(name_from_text(order[i], want, NULL) == 0);
		name_lower(want);
		name_to_text(zstore_nth(&st, i)->name, txt, sizeof(txt));
		cr_assert(memcmp(zstore_nth(&st, i)->name, want,
		    zstore_nth(&st, i)->nlen) == 0, "%zu: %s", i, txt);
	}
	/* Lookups ignore case. */
	cr_assert_not_null(zstore_get(&st, N("ZABC.A.example"), DNS_T_A));
	zstore_free(&st);
}

Test(zstore, empty_non_terminals)
{
	struct zstore	st;
	struct zview	 v;
	struct rrset	*s;
	const uint8_t	*o = N("example.");

	zstore_init(&st, 0);
	PUT(&st, "example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.1")));
	PUT(&st, "a.b.c.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.2")));
	PUT(&st, "d.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.3")));
	cr_assert(zstore_has_desc(&st, N("b.c.example.")));
	cr_assert(zstore_has_desc(&st, N("c.example.")));
	cr_assert_not(zstore_has_desc(&st, N("a.b.c.example.")));
	cr_assert_not(zstore_has_desc(&st, N("bb.c.example.")));
	cr_assert_null(zstore_node(&st, N("b.c.example.")));

	zview_init(&v, &st);
	cr_assert(zview_exists(&v, N("b.c.example.")));
	cr_assert_not(zview_in_use(&v, N("b.c.example.")));
	cr_assert_not(zview_exists(&v, N("x.c.example.")));
	/* Closest encloser of x.b.c.example is b.c.example (3 labels). */
	cr_assert_eq(zview_closest(&v, N("x.b.c.example."), o), 3);
	cr_assert_eq(zview_closest(&v, N("q.r.example."), o), 1);
	cr_assert_eq(zview_closest(&v, N("z.a.b.c.example."), o), 4);

	/* Deleting the only descendant in the overlay removes the ENT. */
	cr_assert(zview_del(&v, N("a.b.c.example."), DNS_T_A) == 0);
	cr_assert_not(zview_exists(&v, N("b.c.example.")));
	cr_assert(zstore_has_desc(&st, N("b.c.example.")));
	/* A new name in the overlay creates ENTs above it. */
	s = S(DNS_T_TXT, 1, 1, rd_txt("x"));
	cr_assert(zview_put(&v, N("x.y.d.example."), s) == 0);
	rrset_unref(s);
	cr_assert(zview_exists(&v, N("y.d.example.")));
	cr_assert(zview_has_desc(&v, N("d.example.")));
	cr_assert_not(zstore_has_desc(&st, N("d.example.")));
	zview_free(&v);
	zstore_free(&st);
}

static void
name_i(char *buf, size_t cap, int i)
{
	snprintf(buf, cap, "h%d.s%d.example.", i, i % 97);
}

Test(zstore, ten_thousand_rrsets)
{
	struct zstore	 st;
	char		 nb[64];
	struct rrset	*s;
	size_t		 i, before, after, bytes;
	int		*perm, j, t, k;
	struct mallinfo2 m0, m1;

	perm = malloc(10000 * sizeof(*perm));
	for (j = 0; j < 10000; j++)
		perm[j] = j;
	srand(7);
	for (j = 9999; j > 0; j--) {
		k = rand() % (j + 1);
		t = perm[j];
		perm[j] = perm[k];
		perm[k] = t;
	}
	m0 = mallinfo2();
	zstore_init(&st, 10000);
	for (j = 0; j < 10000; j++) {
		name_i(nb, sizeof(nb), perm[j]);
		s = S(DNS_T_A, 300, 1, rd_a("192.0.2.1"));
		cr_assert_eq(zstore_put(&st, N(nb), s), 0, "put %d", j);
		rrset_unref(s);
	}
	m1 = mallinfo2();
	cr_assert_eq(st.nrrset, 10000);
	/* The cap holds. */
	s = S(DNS_T_TXT, 300, 1, rd_txt("over"));
	cr_assert_eq(zstore_put(&st, N("h1.s1.example."), s), -1);
	cr_assert_eq(zstore_put(&st, N("new.example."), s), -1);
	rrset_unref(s);
	/* Canonical order throughout. */
	for (i = 1; i < zstore_nnodes(&st); i++)
		cr_assert(name_cmp(zstore_nth(&st, i - 1)->name,
		    zstore_nth(&st, i)->name) < 0);
	/* Every name found; "sN.example" are empty non-terminals. */
	for (j = 0; j < 10000; j++) {
		name_i(nb, sizeof(nb), j);
		cr_assert_not_null(zstore_get(&st, N(nb), DNS_T_A));
		cr_assert_null(zstore_get(&st, N(nb), DNS_T_AAAA));
	}
	cr_assert(zstore_has_desc(&st, N("s5.example.")));
	cr_assert_null(zstore_node(&st, N("s5.example.")));
	bytes = zstore_bytes(&st);
	cr_log_info("store: %zu bytes accounted, %zu bytes from malloc, "
	    "for 10000 A RRsets: %zu / %zu per RRset", bytes,
	    m1.uordblks - m0.uordblks, bytes / 10000,
	    (m1.uordblks - m0.uordblks) / 10000);
	fprintf(stderr, "store: %zu bytes per A RRset (%zu from malloc)\n",
	    bytes / 10000, (size_t)(m1.uordblks - m0.uordblks) / 10000);
	/* Budget: 10,000 RRsets within 2.5 MiB of heap. */
	cr_assert_lt(m1.uordblks - m0.uordblks, 2621440);
	/* Delete the even ones. */
	before = st.nrrset;
	for (j = 0; j < 10000; j += 2) {
		name_i(nb, sizeof(nb), j);
		cr_assert_eq(zstore_del(&st, N(nb), DNS_T_A), 0);
		cr_assert_eq(zstore_del(&st, N(nb), DNS_T_A), 1);
	}
	after = st.nrrset;
	cr_assert_eq(before - after, 5000);
	cr_assert_eq(zstore_nnodes(&st), 5000);
	for (j = 0; j < 10000; j++) {
		name_i(nb, sizeof(nb), j);
		if (j % 2)
			cr_assert_not_null(zstore_get(&st, N(nb), DNS_T_A));
		else
			cr_assert_null(zstore_node(&st, N(nb)));
	}
	zstore_free(&st);
	free(perm);
}

Test(zstore, drop_and_replace_name)
{
	struct zstore	 st;
	struct rrset	*sets[2];

	zstore_init(&st, 0);
	PUT(&st, "www.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.1")));
	PUT(&st, "www.example.", S(DNS_T_TXT, 1, 1, rd_txt("a")));
	PUT(&st, "x.example.", S(DNS_T_TXT, 1, 1, rd_txt("a")));
	cr_assert_eq(st.nrrset, 3);
	sets[0] = S(DNS_T_AAAA, 5, 1, rd_aaaa("2001:db8::1"));
	sets[1] = OPQ(DNS_T_A, "alias to elb");
	cr_assert_eq(zstore_replace_name(&st, N("WWW.example."), sets, 2), 0);
	rrset_unref(sets[0]);
	rrset_unref(sets[1]);
	cr_assert_eq(st.nrrset, 3);
	cr_assert_null(zstore_get(&st, N("www.example."), DNS_T_TXT));
	cr_assert(zstore_get(&st, N("www.example."), DNS_T_A)->flags &
	    RRSET_OPAQUE);
	cr_assert_str_eq(zstore_get(&st, N("www.example."), DNS_T_A)->desc,
	    "alias to elb");
	zstore_drop_name(&st, N("www.example."));
	cr_assert_eq(st.nrrset, 1);
	cr_assert_eq(zstore_nnodes(&st), 1);
	zstore_free(&st);
}

static struct rrset *
VPUT(struct zview *v, const char *name, struct rrset *s)
{
	cr_assert_eq(zview_put(v, N(name), s), 0);
	rrset_unref(s);
	return s;
}

Test(zview, savepoints_and_rollback)
{
	struct zstore	st;
	struct zview	v;
	size_t		n;

	zstore_init(&st, 0);
	PUT(&st, "a.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.1")));
	PUT(&st, "b.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.2")));
	zview_init(&v, &st);

	zview_begin(&v);		/* first UPDATE */
	VPUT(&v, "a.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.9")));
	cr_assert(zview_del(&v, N("b.example."), DNS_T_A) == 0);
	VPUT(&v, "c.example.", S(DNS_T_TXT, 1, 1, rd_txt("c")));
	cr_assert_eq(zview_count(&v), 2);
	cr_assert(HAS(zview_get(&v, N("a.example."), DNS_T_A),
	    rd_a("192.0.2.9")));
	/* The store is untouched. */
	cr_assert(HAS(zstore_get(&st, N("a.example."), DNS_T_A),
	    rd_a("192.0.2.1")));

	zview_begin(&v);		/* second UPDATE, then it fails */
	VPUT(&v, "a.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.10")));
	VPUT(&v, "b.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.11")));
	VPUT(&v, "d.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.12")));
	cr_assert(zview_del(&v, N("c.example."), DNS_T_TXT) == 0);
	cr_assert_eq(zview_count(&v), 3);
	zview_rollback(&v);

	/* Exactly the state after the first UPDATE. */
	cr_assert_eq(zview_count(&v), 2);
	cr_assert(HAS(zview_get(&v, N("a.example."), DNS_T_A),
	    rd_a("192.0.2.9")));
	cr_assert_null(zview_get(&v, N("b.example."), DNS_T_A));
	cr_assert_not_null(zview_get(&v, N("c.example."), DNS_T_TXT));
	cr_assert_null(zview_get(&v, N("d.example."), DNS_T_A));
	cr_assert_not(zview_exists(&v, N("d.example.")));
	n = zview_ntrans(&v);
	cr_assert_eq(n, 3);

	/* A rollback right after begin changes nothing. */
	zview_begin(&v);
	zview_rollback(&v);
	cr_assert_eq(zview_ntrans(&v), 3);
	zview_free(&v);
	zstore_free(&st);
}

Test(zview, transitions_and_commit)
{
	struct zstore	 st;
	struct zview	 v;
	struct ztrans	 t;
	size_t		 c = 0;
	char		 txt[DNS_NAME_TEXTMAX];
	struct rd	 r1 = rd_a("192.0.2.1");
	struct rr	 rr1 = { r1.b, "192.0.2.1", 4 };
	struct rrset	*orig;

	zstore_init(&st, 0);
	orig = rrset_new(DNS_T_A, 60, 0, NULL, &rr1, 1);
	PUT(&st, "a.example.", orig);
	PUT(&st, "b.example.", S(DNS_T_TXT, 60, 1, rd_txt("old")));
	PUT(&st, "z.example.", S(DNS_T_A, 60, 1, rd_a("192.0.2.26")));
	zview_init(&v, &st);
	zview_begin(&v);
	/* Same data as stored: no transition, and the text survives. */
	VPUT(&v, "a.example.", S(DNS_T_A, 60, 1, rd_a("192.0.2.1")));
	/* Changed, created, deleted. */
	VPUT(&v, "b.example.", S(DNS_T_TXT, 60, 1, rd_txt("new")));
	VPUT(&v, "c.example.", S(DNS_T_MX, 60, 1, rd_mx(10, "c.example")));
	cr_assert(zview_del(&v, N("z.example."), DNS_T_A) == 0);
	/* Created then deleted again: no transition. */
	VPUT(&v, "q.example.", S(DNS_T_A, 60, 1, rd_a("192.0.2.99")));
	cr_assert(zview_del(&v, N("q.example."), DNS_T_A) == 0);

	cr_assert(zview_trans_next(&v, &c, &t));
	name_to_text(t.name, txt, sizeof(txt));
	cr_assert_str_eq(txt, "b.example.");
	cr_assert(HAS(t.old, rd_txt("old")) && HAS(t.new, rd_txt("new")));
	cr_assert(zview_trans_next(&v, &c, &t));
	name_to_text(t.name, txt, sizeof(txt));
	cr_assert_str_eq(txt, "c.example.");
	cr_assert(t.old == NULL && t.type == DNS_T_MX);
	cr_assert(zview_trans_next(&v, &c, &t));
	name_to_text(t.name, txt, sizeof(txt));
	cr_assert_str_eq(txt, "z.example.");
	cr_assert(t.old != NULL && t.new == NULL);
	cr_assert_not(zview_trans_next(&v, &c, &t));

	cr_assert_eq(zview_commit(&v), 0);
	cr_assert_eq(v.nent, 0);
	cr_assert_eq(st.nrrset, 3);
	cr_assert(HAS(zstore_get(&st, N("b.example."), DNS_T_TXT),
	    rd_txt("new")));
	cr_assert_not_null(zstore_get(&st, N("c.example."), DNS_T_MX));
	cr_assert_null(zstore_node(&st, N("z.example.")));
	cr_assert_null(zstore_node(&st, N("q.example.")));
	cr_assert_str_eq(zstore_get(&st, N("a.example."), DNS_T_A)->rr[0].text,
	    "192.0.2.1");
	zview_free(&v);
	zstore_free(&st);
}

Test(zview, saved_state_and_net_changes)
{
	struct zstore	 st;
	struct zview	 v;
	struct rrset	*s1;

	zstore_init(&st, 0);
	PUT(&st, "a.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.1")));
	zview_init(&v, &st);
	zview_begin(&v);
	VPUT(&v, "a.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.2")));
	zview_begin(&v);
	cr_assert_eq(zview_nchanged(&v), 0);
	cr_assert(HAS(zview_saved(&v, N("a.example."), DNS_T_A),
	    rd_a("192.0.2.2")));
	/* Change and change back: no net change. */
	VPUT(&v, "a.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.3")));
	VPUT(&v, "b.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.4")));
	cr_assert_eq(zview_nchanged(&v), 2);
	cr_assert(HAS(zview_saved(&v, N("a.example."), DNS_T_A),
	    rd_a("192.0.2.2")));
	cr_assert_null(zview_saved(&v, N("b.example."), DNS_T_A));
	s1 = S(DNS_T_A, 1, 1, rd_a("192.0.2.2"));
	cr_assert_eq(zview_put(&v, N("a.example."), s1), 0);
	rrset_unref(s1);
	cr_assert_eq(zview_del(&v, N("b.example."), DNS_T_A), 0);
	cr_assert_eq(zview_nchanged(&v), 0);
	zview_free(&v);
	zstore_free(&st);
}

/* Each (name, type) the group touched, once, with its savepoint state. */
Test(zview, group_lists_touched_sets_once)
{
	struct zstore		 st;
	struct zview		 v;
	struct ztrans		 t;
	const struct rrset	*saved;
	char			 txt[DNS_NAME_TEXTMAX];
	size_t			 c, n;
	int			 seen_a, seen_b;

	zstore_init(&st, 0);
	PUT(&st, "a.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.1")));
	zview_init(&v, &st);
	zview_begin(&v);
	VPUT(&v, "a.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.2")));
	zview_begin(&v);
	c = 0;
	cr_assert_not(zview_group_next(&v, &c, &t, &saved));

	/* a changed twice, b created: two entries. */
	VPUT(&v, "a.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.3")));
	VPUT(&v, "a.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.4")));
	VPUT(&v, "b.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.5")));
	c = 0;
	n = 0;
	seen_a = seen_b = 0;
	while (zview_group_next(&v, &c, &t, &saved)) {
		n++;
		name_to_text(t.name, txt, sizeof(txt));
		if (strcmp(txt, "a.example.") == 0) {
			seen_a++;
			cr_assert(HAS(t.old, rd_a("192.0.2.1")));
			cr_assert(HAS(saved, rd_a("192.0.2.2")));
			cr_assert(HAS(t.new, rd_a("192.0.2.4")));
		} else {
			cr_assert_str_eq(txt, "b.example.");
			seen_b++;
			cr_assert_null(t.old);
			cr_assert_null(saved);
			cr_assert(HAS(t.new, rd_a("192.0.2.5")));
		}
	}
	cr_assert(n == 2 && seen_a == 1 && seen_b == 1);

	/* After a rollback, a new change is listed from the savepoint. */
	zview_rollback(&v);
	c = 0;
	cr_assert_not(zview_group_next(&v, &c, &t, &saved));
	cr_assert_eq(zview_nchanged(&v), 0);
	cr_assert(zview_del(&v, N("a.example."), DNS_T_A) == 0);
	c = 0;
	cr_assert(zview_group_next(&v, &c, &t, &saved));
	cr_assert(HAS(saved, rd_a("192.0.2.2")));
	cr_assert_null(t.new);
	cr_assert_not(zview_group_next(&v, &c, &t, &saved));
	cr_assert_eq(zview_nchanged(&v), 1);
	zview_free(&v);
	zstore_free(&st);
}

Test(zview, reset_drops_everything)
{
	struct zstore	st;
	struct zview	v;

	zstore_init(&st, 0);
	PUT(&st, "a.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.1")));
	zview_init(&v, &st);
	zview_begin(&v);
	VPUT(&v, "b.example.", S(DNS_T_A, 1, 1, rd_a("192.0.2.2")));
	cr_assert(zview_del(&v, N("a.example."), DNS_T_A) == 0);
	zview_begin(&v);
	zview_reset(&v);
	cr_assert_eq(zview_ntrans(&v), 0);
	cr_assert_eq(zview_count(&v), 1);
	cr_assert_not_null(zview_get(&v, N("a.example."), DNS_T_A));
	cr_assert_null(zview_get(&v, N("b.example."), DNS_T_A));
	zview_free(&v);
	zstore_free(&st);
}
