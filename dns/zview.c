/*
 * dns/zview.c: views of a store (dns/rrset.h): an overlay of changes
 * with savepoints, read like the store, listed as transitions and
 * committed to the store in one pass.
 */
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rrset.h"
#include "dns/rrset_impl.h"

#define NOENT	UINT32_MAX

/*
 * One overlay entry: (name, type) -> new RRset, or NULL for deleted.
 * The entries of one name share the name of the first one added (which
 * is the last one rollback removes) and form a chain in type order from
 * the one the name table points at.
 */
struct zview_ent {
	uint8_t		*name;	/* lowercased, zero-padded, see own */
	uint32_t	 hash;	/* name_key() hash */
	uint32_t	 sib;	/* next entry at the name, or NOENT */
	uint8_t		 nlen;
	uint8_t		 own;	/* this entry allocated name */
	uint16_t	 type;
	struct rrset	*set;	/* reference held, or NULL */
	/* The store's node at name, or NULL (the store does not change). */
	struct znode	*node;
	/*
	 * When gen equals the view's, the entry was touched since the
	 * last zview_begin() and saved is what the view held then (kept
	 * alive by the undo log or the store, so no reference here).
	 */
	unsigned	 gen;
	const struct rrset *saved;
	/*
	 * The store's RRset at (name, type), looked up once: the store
	 * does not change while the view has entries.
	 */
	const struct rrset *base;
};

/*
 * Undo record: entry ent held prev before the change (prev reference now
 * owned by the record), or did not exist (inserted).  Entries are only
 * ever appended, and only rollback removes them, newest first, so the
 * index stays valid as long as the record.  first: the entry's first
 * change since the savepoint (each touched entry has exactly one such
 * record).
 */
struct zview_undo {
	uint32_t	 ent;
	uint8_t		 inserted;
	uint8_t		 first;
	struct rrset	*prev;
};

/* ---- views ---- */

void
zview_init(struct zview *v, struct zstore *st)
{
	memset(v, 0, sizeof(*v));
	v->base = st;
}

static void
undo_clear(struct zview *v)
{
	size_t	i;

	for (i = 0; i < v->nundo; i++)
		rrset_unref(v->undo[i].prev);
	v->nundo = 0;
	v->save_delta = v->delta;
}

void
zview_reset(struct zview *v)
{
	size_t	i;

	undo_clear(v);
	for (i = 0; i < v->nent; i++) {
		rrset_unref(v->ent[i].set);
		if (v->ent[i].own)
			free(v->ent[i].name);
	}
	v->nent = 0;
	if (v->nname > 0)
		memset(v->htab, 0, v->hcap * sizeof(*v->htab));
	v->nname = 0;
	v->delta = v->save_delta = 0;
}

void
zview_free(struct zview *v)
{
	zview_reset(v);
	free(v->ent);
	free(v->ord);
	free(v->htab);
	free(v->undo);
	memset(v, 0, sizeof(*v));
}

void
zview_begin(struct zview *v)
{
	undo_clear(v);
	v->gen++;
}

/*
 * The first entry (lowest type) at k's name, or NOENT; *slotp: its slot
 * in the name table.
 */
static uint32_t
ov_head(const struct zview *v, const struct key *k, size_t *slotp)
{
	const struct zview_ent	*e;
	size_t			 m, i;
	uint32_t		 x;

	if (v->nname == 0)
		return NOENT;
	m = v->hcap - 1;
	for (i = k->h & m; (x = v->htab[i]) != 0; i = (i + 1) & m) {
		e = &v->ent[x - 1];
		if (e->hash == k->h && zs_key_eq(e->name, e->nlen, k)) {
			*slotp = i;
			return x - 1;
		}
	}
	return NOENT;
}

/* The slot of the name table holding name (an entry's, shared). */
static size_t
ov_slot(const struct zview *v, const struct zview_ent *e)
{
	size_t	m = v->hcap - 1, i;

	for (i = e->hash & m; v->ent[v->htab[i] - 1].name != e->name;
	    i = (i + 1) & m)
		continue;
	return i;
}

static void
ov_tab_insert(uint32_t *t, size_t cap, uint32_t hash, uint32_t x)
{
	size_t	m = cap - 1, i;

	for (i = hash & m; t[i] != 0; i = (i + 1) & m)
		continue;
	t[i] = x;
}

static void
ov_tab_remove(struct zview *v, size_t i)
{
	uint32_t	*t = v->htab;
	size_t		 m = v->hcap - 1, j, home;

	for (j = (i + 1) & m; t[j] != 0; j = (j + 1) & m) {
		home = v->ent[t[j] - 1].hash & m;
		if (((j - home) & m) >= ((j - i) & m)) {
			t[i] = t[j];
			i = j;
		}
	}
	t[i] = 0;
	v->nname--;
}

/* Room in the name table for one more name, at most half full. */
static int
ov_tab_reserve(struct zview *v)
{
	uint32_t	*t;
	size_t		 cap = v->hcap ? v->hcap : 32, i;

	while ((v->nname + 1) * 2 > cap)
		cap *= 2;
	if (cap == v->hcap)
		return 0;
	if ((t = calloc(cap, sizeof(*t))) == NULL)
		return -1;
	for (i = 0; i < v->hcap; i++)
		if (v->htab[i] != 0)
			ov_tab_insert(t, cap, v->ent[v->htab[i] - 1].hash,
			    v->htab[i]);
	free(v->htab);
	v->htab = t;
	v->hcap = cap;
	return 0;
}

/* The entry of type in the chain starting at j, or NOENT. */
static uint32_t
ov_type(const struct zview *v, uint32_t j, uint16_t type)
{
	for (; j != NOENT && v->ent[j].type <= type; j = v->ent[j].sib)
		if (v->ent[j].type == type)
			return j;
	return NOENT;
}

static int
ent_cmp(const struct zview_ent *e, const uint8_t *name, uint16_t type)
{
	int	c = name_cmp(e->name, name);

	if (c != 0)
		return c;
	return e->type < type ? -1 : e->type > type;
}

/* Position in ord[] of the first entry >= (name, type). */
static size_t
ent_lower(const struct zview *v, const uint8_t *name, uint16_t type)
{
	size_t	lo = 0, hi = v->nent, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ent_cmp(&v->ent[v->ord[mid]], name, type) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The view's lookup of (k, type): the set, and in *ep the overlay entry
 * (NULL when the store decides).
 */
static const struct rrset *
view_find(const struct zview *v, const struct key *k, uint16_t type,
    const struct zview_ent **ep)
{
	const struct znode	*n;
	size_t			 slot;
	uint32_t		 h, j;

	*ep = NULL;
	if ((h = ov_head(v, k, &slot)) != NOENT) {
		if ((j = ov_type(v, h, type)) != NOENT) {
			*ep = &v->ent[j];
			return v->ent[j].set;
		}
		n = v->ent[h].node;
	} else
		n = v->base->nnode > 0 ? zs_st_find(v->base, k) : NULL;
	return zs_node_get(n, type);
}

const struct rrset *
zview_get(const struct zview *v, const uint8_t *name, uint16_t type)
{
	const struct zview_ent	*e;
	struct key		 k;

	if (zs_key_make(&k, name) == -1)
		return NULL;
	return view_find(v, &k, type, &e);
}

size_t
zview_sets(const struct zview *v, const uint8_t *name,
    const struct rrset **out, size_t max)
{
	const struct znode	*n;
	struct key		 k;
	size_t			 slot, cnt = 0;
	uint32_t		 h, j;
	int			 i;

	if (zs_key_make(&k, name) == -1)
		return 0;
	if ((h = ov_head(v, &k, &slot)) != NOENT)
		n = v->ent[h].node;
	else
		n = v->base->nnode > 0 ? zs_st_find(v->base, &k) : NULL;
	if (n != NULL) {
		for (i = 0; i < n->nset; i++) {
			if (ov_type(v, h, n->set[i]->type) != NOENT)
				continue;
			if (cnt < max)
				out[cnt] = n->set[i];
			cnt++;
		}
	}
	for (j = h; j != NOENT; j = v->ent[j].sib) {
		if (v->ent[j].set == NULL)
			continue;
		if (cnt < max)
			out[cnt] = v->ent[j].set;
		cnt++;
	}
	return cnt;
}

int
zview_in_use(const struct zview *v, const uint8_t *name)
{
	const struct rrset	*dummy[1];

	return zview_sets(v, name, dummy, 0) > 0;
}

int
zview_has_desc(const struct zview *v, const uint8_t *name)
{
	const struct zstore	*st = v->base;
	const struct zview_ent	*e;
	long			 i;
	size_t			 j;

	/*
	 * Store side: the first descendant still in use decides.  A node
	 * is skipped only if the overlay deleted all its sets, so this
	 * loop runs at most (overlay entries + 1) times.
	 */
	i = zs_st_search(st, name);
	j = i >= 0 ? (size_t)i + 1 : (size_t)(-i - 1);
	for (; j < st->nnode && name_is_sub(st->node[j]->name, name); j++)
		if (zview_in_use(v, st->node[j]->name))
			return 1;
	/* Overlay side: a new set below name. */
	for (j = ent_lower(v, name, 0xffff); j < v->nent; j++) {
		e = &v->ent[v->ord[j]];
		if (!name_is_sub(e->name, name))
			break;
		if (e->set != NULL && !name_equal(e->name, name))
			return 1;
	}
	return 0;
}

int
zview_exists(const struct zview *v, const uint8_t *name)
{
	return zview_in_use(v, name) || zview_has_desc(v, name);
}

int
zview_closest(const struct zview *v, const uint8_t *qname,
    const uint8_t *origin)
{
	int	ql = name_labels(qname), ol = name_labels(origin), k;

	for (k = ql; k > ol; k--)
		if (zview_exists(v, name_suffix(qname, k)))
			return k;
	return ol;
}

size_t
zview_count(const struct zview *v)
{
	long	n = (long)v->base->nrrset + v->delta;

	return n > 0 ? (size_t)n : 0;
}

/* Room for one more entry in ent[] and ord[]: 0 ok, -1 no memory. */
static int
ov_grow(struct zview *v)
{
	struct zview_ent	*na;
	uint32_t		*no;
	size_t			 cap;

	if (v->nent < v->capent)
		return 0;
	cap = v->capent ? v->capent * 2 : 16;
	if ((na = realloc(v->ent, cap * sizeof(*na))) == NULL)
		return -1;
	v->ent = na;
	if ((no = realloc(v->ord, cap * sizeof(*no))) == NULL)
		return -1;
	v->ord = no;
	v->capent = cap;
	return 0;
}

/*
 * Set entry (name, type) to s (NULL: deleted), recording undo.  Keeps
 * delta, the change of the visible RRset count.
 */
static int
ov_set(struct zview *v, const uint8_t *name, uint16_t type, struct rrset *s)
{
	struct zview_ent	*e;
	struct zview_undo	*u, *nu;
	struct znode		*node;
	const struct rrset	*base = NULL;
	struct key		 k;
	size_t			 slot = 0, cap, pos;
	uint32_t		 h, j, prev, idx;
	uint8_t			*nm;
	int			 was;

	if (zs_key_make(&k, name) == -1)
		return -1;
	h = ov_head(v, &k, &slot);
	prev = NOENT;
	for (j = h; j != NOENT && v->ent[j].type < type; j = v->ent[j].sib)
		prev = j;
	if (j != NOENT && v->ent[j].type == type) {
		was = v->ent[j].set != NULL;
		node = NULL;
	} else {
		node = h != NOENT ? v->ent[h].node :
		    v->base->nnode > 0 ? zs_st_find(v->base, &k) : NULL;
		was = (base = zs_node_get(node, type)) != NULL;
	}
	/* Deleting what is not there changes nothing. */
	if (s == NULL && !was)
		return 0;
	if (v->nundo == v->capundo) {
		cap = v->capundo ? v->capundo * 2 : 16;
		if (cap > ZVIEW_MAXENT * 2)
			return -1;
		if ((nu = realloc(v->undo, cap * sizeof(*nu))) == NULL)
			return -1;
		v->undo = nu;
		v->capundo = cap;
	}
	if (j != NOENT && v->ent[j].type == type) {
		e = &v->ent[j];
		u = &v->undo[v->nundo++];
		u->ent = j;
		u->inserted = 0;
		u->first = e->gen != v->gen;
		if (u->first) {
			e->gen = v->gen;
			e->saved = e->set;
		}
		u->prev = e->set;
		e->set = rrset_ref(s);
		v->delta += (s != NULL) - was;
		return 0;
	}
	if (v->nent >= ZVIEW_MAXENT || ov_grow(v) == -1)
		return -1;
	if (h == NOENT) {
		if (ov_tab_reserve(v) == -1)
			return -1;
		if ((nm = malloc((k.len + 7) / 8 * 8)) == NULL)
			return -1;
		memcpy(nm, k.w, (k.len + 7) / 8 * 8);
	} else
		nm = v->ent[h].name;
	pos = ent_lower(v, nm, type);
	idx = (uint32_t)v->nent;
	e = &v->ent[idx];
	e->name = nm;
	e->own = h == NOENT;
	e->hash = k.h;
	e->nlen = (uint8_t)k.len;
	e->type = type;
	e->sib = j;
	e->set = rrset_ref(s);
	e->node = node;
	e->gen = v->gen;
	e->saved = e->base = base;
	if (h == NOENT) {
		ov_tab_insert(v->htab, v->hcap, k.h, idx + 1);
		v->nname++;
	} else if (prev == NOENT)
		v->htab[slot] = idx + 1;
	else
		v->ent[prev].sib = idx;
	memmove(&v->ord[pos + 1], &v->ord[pos],
	    (v->nent - pos) * sizeof(*v->ord));
	v->ord[pos] = idx;
	v->nent++;
	u = &v->undo[v->nundo++];
	u->ent = idx;
	u->inserted = 1;
	u->first = 1;
	u->prev = NULL;
	v->delta += (s != NULL) - was;
	return 0;
}

int
zview_put(struct zview *v, const uint8_t *name, struct rrset *s)
{
	return ov_set(v, name, s->type, s);
}

int
zview_del(struct zview *v, const uint8_t *name, uint16_t type)
{
	return ov_set(v, name, type, NULL);
}

/* Remove the newest entry (rollback of its insertion). */
static void
ov_pop(struct zview *v)
{
	struct zview_ent	*e = &v->ent[v->nent - 1];
	uint32_t		 idx = (uint32_t)v->nent - 1, j;
	size_t			 slot, pos;

	slot = ov_slot(v, e);
	j = v->htab[slot] - 1;
	if (j == idx) {
		if (e->sib == NOENT)
			ov_tab_remove(v, slot);
		else
			v->htab[slot] = e->sib + 1;
	} else {
		while (v->ent[j].sib != idx)
			j = v->ent[j].sib;
		v->ent[j].sib = e->sib;
	}
	pos = ent_lower(v, e->name, e->type);
	memmove(&v->ord[pos], &v->ord[pos + 1],
	    (v->nent - pos - 1) * sizeof(*v->ord));
	rrset_unref(e->set);
	/* Entries sharing this name were added later: already gone. */
	if (e->own)
		free(e->name);
	v->nent--;
}

void
zview_rollback(struct zview *v)
{
	struct zview_undo	*u;
	struct zview_ent	*e;

	while (v->nundo > 0) {
		u = &v->undo[--v->nundo];
		/* Later changes were undone first: u->ent is the newest. */
		if (u->inserted) {
			ov_pop(v);
			continue;
		}
		e = &v->ent[u->ent];
		rrset_unref(e->set);
		e->set = u->prev;
		/* Untouched again: its next change is a first one. */
		if (u->first)
			e->gen = v->gen - 1;
	}
	v->delta = v->save_delta;
}

const struct rrset *
zview_saved(const struct zview *v, const uint8_t *name, uint16_t type)
{
	const struct zview_ent	*e;
	const struct rrset	*s;
	struct key		 k;

	if (zs_key_make(&k, name) == -1)
		return NULL;
	s = view_find(v, &k, type, &e);
	if (e != NULL && e->gen == v->gen)
		return e->saved;
	return s;
}

size_t
zview_nchanged(const struct zview *v)
{
	const struct zview_ent	*e;
	size_t			 i, n = 0;

	/* One first record per touched entry: the cost is the group's. */
	for (i = 0; i < v->nundo; i++) {
		if (!v->undo[i].first)
			continue;
		e = &v->ent[v->undo[i].ent];
		if (!rrset_same(e->saved, e->set))
			n++;
	}
	return n;
}

int
zview_group_next(const struct zview *v, size_t *cursor, struct ztrans *t,
    const struct rrset **saved)
{
	const struct zview_undo	*u;
	const struct zview_ent	*e;

	while (*cursor < v->nundo) {
		u = &v->undo[(*cursor)++];
		if (!u->first)
			continue;
		e = &v->ent[u->ent];
		t->name = e->name;
		t->type = e->type;
		t->old = e->base;
		t->new = e->set;
		*saved = e->saved;
		return 1;
	}
	return 0;
}

int
zview_trans_next(const struct zview *v, size_t *cursor, struct ztrans *t)
{
	const struct zview_ent	*e;

	while (*cursor < v->nent) {
		e = &v->ent[v->ord[(*cursor)++]];
		t->name = e->name;
		t->type = e->type;
		t->old = e->base;
		t->new = e->set;
		if (!rrset_same(t->old, t->new))
			return 1;
	}
	return 0;
}

size_t
zview_ntrans(const struct zview *v)
{
	struct ztrans	t;
	size_t		c = 0, n = 0;

	while (zview_trans_next(v, &c, &t))
		n++;
	return n;
}

/*
 * Commit without preparing anything: each change on its own (used only
 * when the memory for the one-pass commit is not available).
 */
static int
commit_each(struct zview *v)
{
	struct zview_ent	*e;
	size_t			 i;
	int			 rv = 0;

	for (i = 0; i < v->nent; i++) {
		e = &v->ent[v->ord[i]];
		if (rrset_same(e->base, e->set))
			continue;
		if (e->set == NULL)
			(void)zstore_del(v->base, e->name, e->type);
		else if (zs_st_put(v->base, e->name, e->set, 1) == -1)
			rv = -1;
	}
	return rv;
}

/* A name that appears in or leaves the sorted node array. */
struct cev {
	struct znode	*n;
	size_t		 pos;	/* insertion point, or index when leaving */
	int		 add;
};

/*
 * Apply the changes of the entries ord[i..j) (one name, node n in the
 * store) to n in place.  Returns -1 if some could not be applied.
 */
static int
commit_node(struct zview *v, struct znode *n, size_t i, size_t j)
{
	struct zstore		*st = v->base;
	struct zview_ent	*e;
	int			 rv = 0, r;

	for (; i < j; i++) {
		e = &v->ent[v->ord[i]];
		if (rrset_same(e->base, e->set))
			continue;
		if (e->set == NULL)
			st->nrrset -= (size_t)zs_node_del(n, e->type);
		else if ((r = zs_node_put(n, e->set)) == -1)
			rv = -1;
		else if (r == 0)
			st->nrrset++;
	}
	return rv;
}

/* A new node holding the sets of the entries ord[i..j), or NULL. */
static struct znode *
commit_new(struct zview *v, size_t i, size_t j, int *rv)
{
	struct zview_ent	*e = &v->ent[v->ord[i]];
	struct znode		*n;
	struct key		 k;
	size_t			 c = 0, cap, x;

	for (x = i; x < j; x++)
		c += v->ent[v->ord[x]].set != NULL;
	if (c == 0)
		return NULL;
	if (c > ZNODE_MAXSETS) {
		c = ZNODE_MAXSETS;
		*rv = -1;
	}
	for (cap = 1; cap < c; cap *= 2)
		continue;
	k.len = e->nlen;
	k.h = e->hash;
	memcpy(k.w, e->name, (k.len + 7) / 8 * 8);
	if ((n = zs_node_alloc(&k, cap)) == NULL) {
		*rv = -1;
		return NULL;
	}
	for (x = i; x < j && n->nset < c; x++)
		if ((e = &v->ent[v->ord[x]])->set != NULL)
			n->set[n->nset++] = rrset_ref(e->set);
	v->base->nrrset += n->nset;
	return n;
}

/*
 * Commit in one pass over the overlay (in canonical order): sets are
 * replaced in place, the nodes of names that appear or leave are found
 * in the old sorted array by binary search, and the array is rebuilt
 * once by copying the runs between them.  Everything that can fail is
 * allocated first, except per-name nodes and set arrays, whose failure
 * only loses that name's changes (rv -1), like commit_each().
 */
int
zview_commit(struct zview *v)
{
	struct zstore		 *st = v->base;
	struct zview_ent	 *e;
	struct znode		**dst, *n;
	struct cev		 *ev;
	size_t			  i, j, ngroup = 0, nadd = 0, nev = 0, cap = 0;
	size_t			  src, w, lo;
	long			  p;
	int			  rv = 0, live;

	if (v->nent == 0) {
		zview_reset(v);
		return 0;
	}
	/* Entries of one name are adjacent in ord[] and share the name. */
	for (i = 0; i < v->nent; i = j) {
		e = &v->ent[v->ord[i]];
		live = 0;
		for (j = i; j < v->nent && v->ent[v->ord[j]].name == e->name;
		    j++)
			live |= v->ent[v->ord[j]].set != NULL;
		ngroup++;
		nadd += e->node == NULL && live;
	}
	dst = NULL;
	if ((ev = malloc(ngroup * sizeof(*ev))) == NULL)
		goto slow;
	if (nadd > 0) {
		cap = st->capnode ? st->capnode : 64;
		while (cap < st->nnode + nadd)
			cap *= 2;
		if (zs_st_reserve(st, st->nnode + nadd) == -1 ||
		    (dst = malloc(cap * sizeof(*dst))) == NULL) {
			free(ev);
			goto slow;
		}
	}
	lo = 0;
	for (i = 0; i < v->nent; i = j) {
		e = &v->ent[v->ord[i]];
		for (j = i; j < v->nent && v->ent[v->ord[j]].name == e->name;
		    j++)
			continue;
		if ((n = e->node) == NULL) {
			if ((n = commit_new(v, i, j, &rv)) == NULL)
				continue;
			zs_ht_insert(st->htab, st->hcap, n);
			p = -zs_st_search_from(st, n->name, lo) - 1;
			ev[nev].add = 1;
		} else {
			if (commit_node(v, n, i, j) == -1)
				rv = -1;
			if (n->nset > 0)
				continue;
			zs_ht_remove(st, n);
			p = zs_st_search_from(st, n->name, lo);
			ev[nev].add = 0;
		}
		ev[nev].n = n;
		ev[nev].pos = (size_t)p;
		lo = (size_t)p;
		nev++;
	}
	if (nev > 0) {
		/* Removals only: compact in place (w <= src throughout). */
		if (dst == NULL)
			dst = st->node;
		for (i = 0, src = 0, w = 0; i < nev; i++) {
			if (ev[i].pos > src && dst + w != st->node + src)
				memmove(dst + w, st->node + src,
				    (ev[i].pos - src) * sizeof(*dst));
			if (ev[i].pos > src) {
				w += ev[i].pos - src;
				src = ev[i].pos;
			}
			if (ev[i].add)
				dst[w++] = ev[i].n;
			else {
				zs_node_free(st->node[src]);
				src++;
			}
		}
		if (st->nnode > src && dst + w != st->node + src)
			memmove(dst + w, st->node + src,
			    (st->nnode - src) * sizeof(*dst));
		w += st->nnode - src;
		if (dst != st->node) {
			free(st->node);
			st->node = dst;
			st->capnode = cap;
		}
		st->nnode = w;
	} else
		free(dst);
	free(ev);
	zview_reset(v);
	return rv;
slow:
	rv = commit_each(v);
	zview_reset(v);
	return rv;
}
