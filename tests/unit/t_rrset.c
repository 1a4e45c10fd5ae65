/*
 * t_rrset.c: the zone store and its overlay views.
 */
#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "tests/unit/zone_help.h"

/* Bytes in use from malloc: glibc tells (mallinfo2), musl does not. */
#ifdef __GLIBC__
#define HEAP_MEASURED	1
static size_t
heap_in_use(void)
{
	return mallinfo2().uordblks;
}
#else
#define HEAP_MEASURED	0
static size_t
heap_in_use(void)
{
	return 0;
}
#endif

/*
 * Allocation failures on demand: when fail_at >= 0, the allocation that
 * brings it to zero fails (and every later one too if fail_all).  The
 * replacements forward to the C library's own functions.
 */
void	*__libc_malloc(size_t);
void	*__libc_calloc(size_t, size_t);
void	*__libc_realloc(void *, size_t);

static long	fail_at = -1;
static int	fail_all, failed;

static int
fail_now(void)
{
	if (fail_at < 0)
		return 0;
	if (fail_at == 0) {
		failed = 1;
		if (!fail_all)
			fail_at = -1;
		return 1;
	}
	fail_at--;
	return 0;
}

void *
malloc(size_t n)
{
	return fail_now() ? NULL : __libc_malloc(n);
}

void *
calloc(size_t n, size_t m)
{
	return fail_now() ? NULL : __libc_calloc(n, m);
}

void *
realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __libc_realloc(p, n);
}

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
	size_t		 m0, m1;

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
	m0 = heap_in_use();
	zstore_init(&st, 10000);
	for (j = 0; j < 10000; j++) {
		name_i(nb, sizeof(nb), perm[j]);
		s = S(DNS_T_A, 300, 1, rd_a("192.0.2.1"));
		cr_assert_eq(zstore_put(&st, N(nb), s), 0, "put %d", j);
		rrset_unref(s);
	}
	m1 = heap_in_use();
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
	    m1 - m0, bytes / 10000, (m1 - m0) / 10000);
	fprintf(stderr, "store: %zu bytes per A RRset (%zu from malloc)\n",
	    bytes / 10000, (m1 - m0) / 10000);
	/* Budget: 10,000 RRsets within 2.5 MiB of heap. */
	if (HEAP_MEASURED)
		cr_assert_lt(m1 - m0, 2621440);
	else
		cr_log_info("store: heap not measured: no mallinfo2 here");
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

/* ---- the hash index ---- */

/* name_key() folds exactly the letters A-Z, and only for equal keys. */
Test(index, name_key_is_case_insensitive)
{
	static const char *const txt[] = {
		"www.Example.COM.", "@[`{.\\193\\225.example.",
		"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.",
		"\\000\\031AZaz09-_.example.", ".",
	};
	uint64_t	kw[NAME_KEYWORDS], lw[NAME_KEYWORDS];
	uint8_t		n[DNS_NAME_MAX], low[DNS_NAME_MAX], *p, big[320];
	uint32_t	h1, h2;
	size_t		i, len, j, l2;

	for (i = 0; i < sizeof(txt) / sizeof(txt[0]); i++) {
		cr_assert(name_from_text(txt[i], n, &len) == 0);
		memcpy(low, n, len);
		name_lower(low);
		cr_assert_eq(name_key(n, kw, &h1), len);
		cr_assert_eq(name_key(low, lw, &h2), len);
		cr_assert_eq(h1, h2, "%s", txt[i]);
		/* The key is the lowercased name, zero-padded. */
		p = (uint8_t *)kw;
		cr_assert(memcmp(p, low, len) == 0, "%s", txt[i]);
		for (j = len; j < (len + 7) / 8 * 8; j++)
			cr_assert_eq(p[j], 0);
		cr_assert(memcmp(kw, lw, (len + 7) / 8 * 8) == 0);
	}
	/* Bytes next to the letters and above 0x7f keep their value. */
	cr_assert(name_from_text("@[`{\\193\\218\\225\\250.", n, &len) == 0);
	cr_assert_eq(name_key(n, kw, &h1), len);
	cr_assert(memcmp(kw, n, len) == 0);
	/* One changed byte changes the hash (for these names). */
	cr_assert(name_from_text("www.example.com.", n, &len) == 0);
	cr_assert(name_from_text("wwx.example.com.", low, &l2) == 0);
	name_key(n, kw, &h1);
	name_key(low, lw, &h2);
	cr_assert_neq(h1, h2);
	/* Too long (256 bytes): 0; one label less is fine. */
	memset(big, 0, sizeof(big));
	for (i = 0; i < 4; i++)
		big[i * 64] = 63;
	cr_assert_eq(name_key(big, kw, &h1), 0);
	big[192] = 61;
	cr_assert_eq(name_key(big, kw, &h1), 255);
}

static void
name_c(uint8_t *out, unsigned i)
{
	char	t[64];

	snprintf(t, sizeof(t), "c%u.example.", i);
	cr_assert(name_from_text(t, out, NULL) == 0);
}

static int
u64cmp(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Two names whose name_key() hashes are equal (birthday search), so that
 * they share every probe sequence in the store and view tables.
 */
static void
colliding_pair(uint8_t *a, uint8_t *b)
{
	uint64_t	*hv, kw[NAME_KEYWORDS];
	uint8_t		 n[DNS_NAME_MAX];
	uint32_t	 h;
	unsigned	 i, cnt;

	for (cnt = 1U << 17; cnt <= 1U << 21; cnt *= 2) {
		hv = malloc(cnt * sizeof(*hv));
		cr_assert_not_null(hv);
		for (i = 0; i < cnt; i++) {
			name_c(n, i);
			name_key(n, kw, &h);
			hv[i] = (uint64_t)h << 32 | i;
		}
		qsort(hv, cnt, sizeof(*hv), u64cmp);
		for (i = 1; i < cnt; i++)
			if (hv[i] >> 32 == hv[i - 1] >> 32)
				break;
		if (i < cnt) {
			name_c(a, (uint32_t)hv[i - 1]);
			name_c(b, (uint32_t)hv[i]);
			free(hv);
			return;
		}
		free(hv);
	}
	cr_assert_fail("no colliding names found");
}

Test(index, full_hash_collisions)
{
	uint8_t		 a[DNS_NAME_MAX], b[DNS_NAME_MAX], c[DNS_NAME_MAX];
	uint64_t	 kw[NAME_KEYWORDS];
	uint32_t	 ha, hb;
	struct zstore	 st;
	struct zview	 v;
	struct rrset	*sa, *sb, *sc;
	char		 t[DNS_NAME_TEXTMAX];

	colliding_pair(a, b);
	name_key(a, kw, &ha);
	name_key(b, kw, &hb);
	cr_assert_eq(ha, hb);
	cr_assert_not(name_equal(a, b));
	name_to_text(a, t, sizeof(t));
	cr_log_info("colliding names: %s", t);
	sa = S(DNS_T_A, 1, 1, rd_a("192.0.2.1"));
	sb = S(DNS_T_A, 2, 1, rd_a("192.0.2.2"));
	sc = S(DNS_T_TXT, 3, 1, rd_txt("c"));
	zstore_init(&st, 0);
	cr_assert_eq(zstore_put(&st, a, sa), 0);
	cr_assert_null(zstore_node(&st, b));
	cr_assert_eq(zstore_put(&st, b, sb), 0);
	cr_assert_eq(zstore_get(&st, a, DNS_T_A), sa);
	cr_assert_eq(zstore_get(&st, b, DNS_T_A), sb);
	cr_assert_eq(zstore_nnodes(&st), 2);
	/* Remove the first of the probe run: the second moves back. */
	cr_assert_eq(zstore_del(&st, a, DNS_T_A), 0);
	cr_assert_null(zstore_node(&st, a));
	cr_assert_eq(zstore_get(&st, b, DNS_T_A), sb);
	cr_assert_eq(zstore_put(&st, a, sa), 0);
	cr_assert_eq(zstore_get(&st, a, DNS_T_A), sa);

	/* The view's name table with the same pair. */
	zview_init(&v, &st);
	zview_begin(&v);
	cr_assert_eq(zview_del(&v, a, DNS_T_A), 0);
	cr_assert_null(zview_get(&v, a, DNS_T_A));
	cr_assert_eq(zview_get(&v, b, DNS_T_A), sb);
	cr_assert_eq(zview_put(&v, b, sc), 0);
	cr_assert_eq(zview_get(&v, b, DNS_T_TXT), sc);
	cr_assert_null(zview_get(&v, a, DNS_T_TXT));
	cr_assert_not(zview_in_use(&v, a));
	cr_assert(zview_in_use(&v, b));
	cr_assert_eq(zview_commit(&v), 0);
	cr_assert_null(zstore_node(&st, a));
	cr_assert_eq(zstore_get(&st, b, DNS_T_TXT), sc);
	cr_assert_eq(zstore_nnodes(&st), 1);
	/* New names first seen in a view, then rolled back one by one. */
	name_c(c, 0);
	zview_begin(&v);
	cr_assert_eq(zview_put(&v, a, sa), 0);
	zview_begin(&v);
	cr_assert_eq(zview_put(&v, c, sc), 0);
	cr_assert_eq(zview_del(&v, b, DNS_T_A), 0);
	zview_rollback(&v);
	cr_assert_eq(zview_get(&v, a, DNS_T_A), sa);
	cr_assert_eq(zview_get(&v, b, DNS_T_A), sb);
	cr_assert_null(zview_get(&v, c, DNS_T_TXT));
	cr_assert_eq(zview_commit(&v), 0);
	cr_assert_eq(zstore_get(&st, a, DNS_T_A), sa);
	cr_assert_eq(zstore_nnodes(&st), 2);
	zview_free(&v);
	zstore_free(&st);
	rrset_unref(sa);
	rrset_unref(sb);
	rrset_unref(sc);
}

/* The index grows from empty through many doublings and shrinks back. */
Test(index, growth_deletes_and_reinserts)
{
	struct zstore	 st;
	struct rrset	*s;
	uint8_t		 n[DNS_NAME_MAX];
	unsigned	 i, j, next = 1;

	zstore_init(&st, 0);
	s = S(DNS_T_A, 1, 1, rd_a("192.0.2.1"));
	for (i = 0; i < 5000; i++) {
		name_c(n, i * 7 % 5000);
		cr_assert_eq(zstore_put(&st, n, s), 0);
		if (i + 1 != next)
			continue;
		next *= 2;
		cr_assert_geq(st.hcap * 2, zstore_nnodes(&st) * 3);
		for (j = 0; j < 5000; j++) {
			name_c(n, j * 7 % 5000);
			if (j <= i)
				cr_assert_not_null(zstore_node(&st, n), "%u", j);
			else
				cr_assert_null(zstore_node(&st, n), "%u", j);
		}
	}
	for (i = 0; i < 5000; i += 3) {
		name_c(n, i);
		cr_assert_eq(zstore_del(&st, n, DNS_T_A), 0);
	}
	for (i = 0; i < 5000; i++) {
		name_c(n, i);
		cr_assert_eq(zstore_node(&st, n) == NULL, i % 3 == 0, "%u", i);
	}
	for (i = 0; i < 5000; i += 6) {
		name_c(n, i);
		cr_assert_eq(zstore_put(&st, n, s), 0);
	}
	for (i = 0; i < 5000; i++) {
		name_c(n, i);
		cr_assert_eq(zstore_node(&st, n) == NULL, i % 6 == 3, "%u", i);
	}
	for (i = 1; i < zstore_nnodes(&st); i++)
		cr_assert(name_cmp(zstore_nth(&st, i - 1)->name,
		    zstore_nth(&st, i)->name) < 0);
	zstore_free(&st);
	rrset_unref(s);
}

/* ---- differential test against a plain model ---- */

/*
 * The model: a fixed pool of names (every name of up to three labels from
 * ML under "example.", so descendants and empty non-terminals abound),
 * MT types, and for each (name, type) the RRset pointer held by the store,
 * by the view and by the view at its savepoint.  The labels include bytes
 * next to the letters and above 0x7f; lookups flip the case of letters.
 */
#define ML	6
#define MP	(1 + ML + ML * ML + ML * ML * ML)
#define MT	6
#define MV	4

static const char *const m_lab[ML] = {
	"a", "bq", "*", "[", "@z", "\\193m",
};
static const uint16_t m_type[MT] = {
	DNS_T_A, DNS_T_NS, DNS_T_CNAME, DNS_T_MX, DNS_T_TXT, DNS_T_AAAA,
};

struct model {
	uint8_t			 name[MP][DNS_NAME_MAX];	/* sorted */
	const struct rrset	*st[MP][MT];
	const struct rrset	*vw[MP][MT];
	const struct rrset	*sv[MP][MT];
	struct rrset		*var[MT][MV];
	unsigned		 seed;
};

static unsigned
m_rand(struct model *m)
{
	m->seed = m->seed * 1103515245U + 12345U;
	return (m->seed >> 8) & 0xffffff;
}

static int
m_namecmp(const void *a, const void *b)
{
	return name_cmp(a, b);
}

static void
m_init(struct model *m, unsigned seed)
{
	char	t[64];
	int	i, j, k, p = 0, t0, v;

	memset(m, 0, sizeof(*m));
	m->seed = seed;
	cr_assert(name_from_text("example.", m->name[p++], NULL) == 0);
	for (i = 0; i < ML; i++) {
		snprintf(t, sizeof(t), "%s.example.", m_lab[i]);
		cr_assert(name_from_text(t, m->name[p++], NULL) == 0);
		for (j = 0; j < ML; j++) {
			snprintf(t, sizeof(t), "%s.%s.example.", m_lab[j],
			    m_lab[i]);
			cr_assert(name_from_text(t, m->name[p++], NULL) == 0);
			for (k = 0; k < ML; k++) {
				snprintf(t, sizeof(t), "%s.%s.%s.example.",
				    m_lab[k], m_lab[j], m_lab[i]);
				cr_assert(name_from_text(t, m->name[p++],
				    NULL) == 0);
			}
		}
	}
	cr_assert_eq(p, MP);
	qsort(m->name, MP, DNS_NAME_MAX, m_namecmp);
	/* Variants 0 and 1 (2 and 3) are rrset_same() but distinct. */
	for (t0 = 0; t0 < MT; t0++)
		for (v = 0; v < MV; v++) {
			m->var[t0][v] = rrset_new(m_type[t0],
			    (uint32_t)(v / 2 + 1), 0, NULL, NULL, 0);
			cr_assert_not_null(m->var[t0][v]);
		}
}

static void
m_free(struct model *m)
{
	int	t, v;

	for (t = 0; t < MT; t++)
		for (v = 0; v < MV; v++)
			rrset_unref(m->var[t][v]);
}

/* Name p with a random letter case, in a ring of buffers. */
static const uint8_t *
m_mixed(struct model *m, int p)
{
	static uint8_t	ring[8][DNS_NAME_MAX];
	static int	r;
	uint8_t		*o = ring[r++ & 7];
	size_t		 len, i;

	len = name_len(m->name[p], DNS_NAME_MAX);
	memcpy(o, m->name[p], len);
	for (i = 0; i < len; i++)
		if (o[i] >= 'a' && o[i] <= 'z' && (m_rand(m) & 1))
			o[i] -= 'a' - 'A';
	return o;
}

static int
m_in_use(const struct rrset *c[MP][MT], int p)
{
	int	t;

	for (t = 0; t < MT; t++)
		if (c[p][t] != NULL)
			return 1;
	return 0;
}

/* 1 if a pool name strictly below name has a set in c. */
static int
m_has_desc(struct model *m, const struct rrset *c[MP][MT],
    const uint8_t *name)
{
	int	p;

	for (p = 0; p < MP; p++)
		if (!name_equal(m->name[p], name) &&
		    name_is_sub(m->name[p], name) && m_in_use(c, p))
			return 1;
	return 0;
}

static int
m_find(struct model *m, const uint8_t *name)
{
	int	p;

	for (p = 0; p < MP; p++)
		if (name_equal(m->name[p], name))
			return p;
	return -1;
}

static int
m_exists(struct model *m, const struct rrset *c[MP][MT],
    const uint8_t *name)
{
	int	p = m_find(m, name);

	return (p >= 0 && m_in_use(c, p)) || m_has_desc(m, c, name);
}

#define VW	((const struct rrset *(*)[MT])m->vw)
#define ST	((const struct rrset *(*)[MT])m->st)

static void
m_check_view(struct model *m, const struct zview *v, int full)
{
	const struct rrset	*out[ZNODE_MAXSETS], *saved;
	const uint8_t		*nm;
	struct ztrans		 tr;
	static uint8_t		 seen[MP][MT];
	uint8_t			 q[DNS_NAME_MAX];
	size_t			 c, cnt, n, len;
	int			 p, t, i, k, nset, ndiff, p0;

	for (p0 = 0; p0 < (full ? MP : 8); p0++) {
		p = full ? p0 : (int)(m_rand(m) % MP);
		nm = m_mixed(m, p);
		nset = 0;
		for (t = 0; t < MT; t++) {
			cr_assert_eq(zview_get(v, nm, m_type[t]), m->vw[p][t],
			    "get %d %d", p, t);
			cr_assert_eq(zview_saved(v, nm, m_type[t]),
			    m->sv[p][t], "saved %d %d", p, t);
			nset += m->vw[p][t] != NULL;
		}
		n = zview_sets(v, nm, out, ZNODE_MAXSETS);
		cr_assert_eq(n, (size_t)nset, "sets %d", p);
		for (i = 0; i < (int)n; i++) {
			for (t = 0; t < MT; t++)
				if (out[i] == m->vw[p][t])
					break;
			cr_assert_lt(t, MT);
			for (k = 0; k < i; k++)
				cr_assert_neq(out[k], out[i]);
		}
		cr_assert_eq(zview_in_use(v, nm), nset > 0);
		cr_assert_eq(zview_has_desc(v, nm), m_has_desc(m, VW, nm),
		    "has_desc %d", p);
		cr_assert_eq(zview_exists(v, nm), m_exists(m, VW, nm));
		/* A name one label below: not in the pool. */
		len = name_len(nm, DNS_NAME_MAX);
		q[0] = 2;
		q[1] = 'n';
		q[2] = (uint8_t)('0' + m_rand(m) % 10);
		memcpy(q + 3, nm, len);
		cr_assert_null(zview_get(v, q, DNS_T_A));
		cr_assert_not(zview_has_desc(v, q));
		/* Closest encloser of the outside name. */
		k = name_labels(q);
		while (k > 1 && !m_exists(m, VW, name_suffix(q, k)))
			k--;
		cr_assert_eq(zview_closest(v, q, m->name[0]), k,
		    "closest %d", p);
	}
	if (!full)
		return;
	/* Count and transitions in canonical order. */
	cnt = 0;
	for (p = 0; p < MP; p++)
		for (t = 0; t < MT; t++)
			cnt += m->vw[p][t] != NULL;
	cr_assert_eq(zview_count(v), cnt);
	c = 0;
	n = 0;
	for (p = 0; p < MP; p++)
		for (t = 0; t < MT; t++) {
			if (rrset_same(m->st[p][t], m->vw[p][t]))
				continue;
			cr_assert(zview_trans_next(v, &c, &tr));
			cr_assert(name_equal(tr.name, m->name[p]), "trans %d", p);
			cr_assert_eq(tr.type, m_type[t]);
			cr_assert_eq(tr.old, m->st[p][t]);
			cr_assert_eq(tr.new, m->vw[p][t]);
			n++;
		}
	cr_assert_not(zview_trans_next(v, &c, &tr));
	cr_assert_eq(zview_ntrans(v), n);
	/* The group: every net change since the savepoint, once. */
	ndiff = 0;
	for (p = 0; p < MP; p++)
		for (t = 0; t < MT; t++)
			ndiff += !rrset_same(m->sv[p][t], m->vw[p][t]);
	cr_assert_eq(zview_nchanged(v), (size_t)ndiff);
	c = 0;
	k = 0;
	memset(seen, 0, sizeof(seen));
	while (zview_group_next(v, &c, &tr, &saved)) {
		p = m_find(m, tr.name);
		cr_assert_geq(p, 0);
		for (t = 0; m_type[t] != tr.type; t++)
			continue;
		cr_assert_eq(saved, m->sv[p][t]);
		cr_assert_eq(tr.new, m->vw[p][t]);
		cr_assert_eq(tr.old, m->st[p][t]);
		k += !rrset_same(saved, tr.new);
		cr_assert_eq(seen[p][t]++, 0, "listed twice");
	}
	cr_assert_eq(k, ndiff);
}

static void
m_check_store(struct model *m, const struct zstore *st)
{
	const struct znode	*nd;
	size_t			 i = 0, sum = 0;
	int			 p, t, cnt;

	for (p = 0; p < MP; p++) {
		cnt = 0;
		for (t = 0; t < MT; t++) {
			cr_assert_eq(zstore_get(st, m_mixed(m, p), m_type[t]),
			    m->st[p][t], "store %d %d", p, t);
			cnt += m->st[p][t] != NULL;
		}
		cr_assert_eq(zstore_has_desc(st, m_mixed(m, p)),
		    m_has_desc(m, ST, m->name[p]));
		if (cnt == 0) {
			cr_assert_null(zstore_node(st, m->name[p]));
			continue;
		}
		/* Canonical order: the pool is sorted. */
		nd = zstore_nth(st, i++);
		cr_assert_not_null(nd);
		cr_assert(name_equal(nd->name, m->name[p]), "nth %zu", i);
		cr_assert_eq(nd, zstore_node(st, m->name[p]));
		cr_assert_eq(nd->nset, cnt);
		sum += (size_t)cnt;
	}
	cr_assert_eq(zstore_nnodes(st), i);
	cr_assert_eq(st->nrrset, sum);
}

static void
m_copy(const struct rrset *dst[MP][MT], const struct rrset *src[MP][MT])
{
	memcpy(dst, src, sizeof(const struct rrset *[MP][MT]));
}

/* Commits are 1 in cdiv operations: overlays of about cdiv entries. */
static void
differential(unsigned seed, int ops, unsigned cdiv)
{
	struct model	*m;
	struct zstore	 st;
	struct zview	 v;
	struct rrset	*s, *sets[MT];
	int		 op, p, t, i, n, clean = 1;

	m = calloc(1, sizeof(*m));
	cr_assert_not_null(m);
	m_init(m, seed);
	zstore_init(&st, 0);
	zview_init(&v, &st);
	for (op = 0; op < ops; op++) {
		p = (int)(m_rand(m) % MP);
		t = (int)(m_rand(m) % MT);
		s = m->var[t][m_rand(m) % MV];
		switch (m_rand(m) % cdiv == 0 ? 0 : 1 + m_rand(m) % 99) {
		case 0:				/* commit */
			cr_assert_eq(zview_commit(&v), 0);
			for (p = 0; p < MP; p++)
				for (t = 0; t < MT; t++)
					if (!rrset_same(m->st[p][t],
					    m->vw[p][t]))
						m->st[p][t] = m->vw[p][t];
			m_copy(m->vw, ST);
			m_copy(m->sv, ST);
			m_check_store(m, &st);
			clean = 1;
			break;
		case 1: case 2:			/* reset */
			if (m_rand(m) % 4)
				break;
			zview_reset(&v);
			m_copy(m->vw, ST);
			m_copy(m->sv, ST);
			clean = 1;
			break;
		case 4: case 5: case 6: case 7:	/* savepoint */
			zview_begin(&v);
			m_copy(m->sv, VW);
			break;
		case 8: case 9: case 10:	/* rollback */
			zview_rollback(&v);
			m_copy(m->vw, (const struct rrset *(*)[MT])m->sv);
			break;
		case 11: case 12:		/* direct store changes */
			if (!clean)
				break;
			if (m_rand(m) % 3 == 0) {
				zstore_drop_name(&st, m_mixed(m, p));
				for (t = 0; t < MT; t++)
					m->st[p][t] = NULL;
			} else if (m_rand(m) % 2) {
				cr_assert_eq(zstore_put(&st, m_mixed(m, p), s),
				    0);
				m->st[p][t] = s;
			} else {
				n = 0;
				for (i = 0; i < MT; i++) {
					m->st[p][i] = NULL;
					if (m_rand(m) % 2) {
						sets[n] = m->var[i][m_rand(m) %
						    MV];
						m->st[p][i] = sets[n++];
					}
				}
				cr_assert_eq(zstore_replace_name(&st,
				    m_mixed(m, p), sets, (size_t)n), 0);
			}
			m_copy(m->vw, ST);
			m_copy(m->sv, ST);
			m_check_store(m, &st);
			break;
		default:
			/* Whole names appear and leave often. */
			if (m_rand(m) % 5 < 2) {
				cr_assert_eq(zview_del(&v, m_mixed(m, p),
				    m_type[t]), 0);
				m->vw[p][t] = NULL;
			} else {
				cr_assert_eq(zview_put(&v, m_mixed(m, p), s),
				    0);
				m->vw[p][t] = s;
			}
			clean = 0;
			break;
		}
		m_check_view(m, &v, op % 97 == 0);
	}
	m_check_view(m, &v, 1);
	cr_assert_eq(zview_commit(&v), 0);
	zview_free(&v);
	zstore_free(&st);
	m_free(m);
	free(m);
}

Test(index, differential_random, .timeout = 120)
{
	unsigned	seed;

	for (seed = 1; seed <= 3; seed++)
		differential(seed, 6000, 30);
	/* Large overlays, many names appearing at once. */
	differential(4, 8000, 400);
	differential(5, 8000, 1000);
}

/* ---- commit without enough memory ---- */

#define OOM_OLD	40
#define OOM_NEW	10

static void
oom_name(uint8_t *out, const char *pfx, int i)
{
	char	t[64];

	snprintf(t, sizeof(t), "%s%d.Example.", pfx, i);
	cr_assert(name_from_text(t, out, NULL) == 0);
}

/* The store is consistent: order, index, counts. */
static void
oom_check_store(const struct zstore *st)
{
	const struct znode	*n;
	size_t			 i, sum = 0;

	for (i = 0; i < zstore_nnodes(st); i++) {
		n = zstore_nth(st, i);
		cr_assert_geq(n->nset, 1);
		cr_assert_eq(zstore_node(st, n->name), n);
		sum += n->nset;
		if (i > 0)
			cr_assert_lt(name_cmp(zstore_nth(st, i - 1)->name,
			    n->name), 0);
	}
	cr_assert_eq(sum, st->nrrset);
}

/*
 * zview_commit() with the k-th allocation failing (or all from the k-th
 * on), for every k until none fails: the store stays consistent, each
 * (name, type) holds either its old or its new set, -1 is returned if
 * and only if some change is missing, and the view is reset.
 */
static void
oom_commit(int all)
{
	struct zstore	 st;
	struct zview	 v;
	struct rrset	*a, *txt, *mx, *a2;
	const struct rrset *got, *want_old, *want_new;
	uint8_t		 n[DNS_NAME_MAX];
	long		 k;
	int		 i, rv, t, complete;
	static const uint16_t types[3] = { DNS_T_A, DNS_T_TXT, DNS_T_MX };

	a = S(DNS_T_A, 1, 1, rd_a("192.0.2.1"));
	txt = S(DNS_T_TXT, 1, 1, rd_txt("t"));
	mx = S(DNS_T_MX, 1, 1, rd_mx(10, "mx.example"));
	a2 = S(DNS_T_A, 2, 1, rd_a("192.0.2.2"));
	for (k = 0;; k++) {
		zstore_init(&st, 0);
		for (i = 0; i < OOM_OLD; i++) {
			oom_name(n, "n", i);
			cr_assert_eq(zstore_put(&st, n, a), 0);
			if (i % 2)
				cr_assert_eq(zstore_put(&st, n, txt), 0);
		}
		zview_init(&v, &st);
		zview_begin(&v);
		for (i = 0; i < OOM_NEW; i++) {
			oom_name(n, "x", i);
			cr_assert_eq(zview_put(&v, n, a), 0);
			if (i % 2)
				cr_assert_eq(zview_put(&v, n, txt), 0);
		}
		for (i = 0; i < 5; i++) {	/* names that leave */
			oom_name(n, "n", i);
			cr_assert_eq(zview_del(&v, n, DNS_T_A), 0);
			cr_assert_eq(zview_del(&v, n, DNS_T_TXT), 0);
		}
		for (i = 10; i < 15; i++) {	/* set arrays grow */
			oom_name(n, "n", i);
			cr_assert_eq(zview_put(&v, n, mx), 0);
		}
		for (i = 20; i < 25; i++) {	/* replaced in place */
			oom_name(n, "n", i);
			cr_assert_eq(zview_put(&v, n, a2), 0);
		}

		failed = 0;
		fail_all = all;
		fail_at = k;
		rv = zview_commit(&v);
		fail_at = -1;

		cr_assert_eq(v.nent, 0);
		cr_assert_eq(zview_count(&v), st.nrrset);
		oom_check_store(&st);
		complete = 1;
		for (i = 0; i < OOM_OLD + OOM_NEW; i++) {
			if (i < OOM_OLD)
				oom_name(n, "n", i);
			else
				oom_name(n, "x", i - OOM_OLD);
			for (t = 0; t < 3; t++) {
				want_old = want_new = NULL;
				if (i < OOM_OLD && types[t] == DNS_T_A)
					want_old = a;
				if (i < OOM_OLD && types[t] == DNS_T_TXT &&
				    i % 2)
					want_old = txt;
				want_new = want_old;
				if (i < 5)
					want_new = NULL;
				if (i >= 10 && i < 15 && types[t] == DNS_T_MX)
					want_new = mx;
				if (i >= 20 && i < 25 && types[t] == DNS_T_A)
					want_new = a2;
				if (i >= OOM_OLD && types[t] == DNS_T_A)
					want_new = a;
				if (i >= OOM_OLD && types[t] == DNS_T_TXT &&
				    (i - OOM_OLD) % 2)
					want_new = txt;
				got = zstore_get(&st, n, types[t]);
				cr_assert(got == want_old || got == want_new,
				    "k %ld name %d type %d", k, i, t);
				complete &= got == want_new;
			}
		}
		cr_assert_eq(rv == 0, complete, "k %ld rv %d", k, rv);
		zview_free(&v);
		zstore_free(&st);
		if (!failed)
			break;
	}
	cr_assert_gt(k, 5, "the commit allocates");
	rrset_unref(a);
	rrset_unref(txt);
	rrset_unref(mx);
	rrset_unref(a2);
}

Test(index, commit_out_of_memory)
{
	void	*(*volatile mf)(size_t) = malloc;
	void	*p;

	/* Under valgrind (or a sanitizer) the replacements are not used. */
	fail_all = 0;
	fail_at = 0;
	p = mf(1);
	fail_at = -1;
	free(p);
	if (p != NULL)
		cr_skip_test("malloc cannot be made to fail here");
	oom_commit(0);
	oom_commit(1);
}
