/*
 * dns/rrset.c: RRsets, the sorted name store and overlay views.
 */
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rrset.h"

/* One overlay entry: (name, type) -> new RRset, or NULL for deleted. */
struct zview_ent {
	uint8_t		*name;	/* lowercased, own allocation */
	uint16_t	 type;
	struct rrset	*set;	/* reference held, or NULL */
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
 * Undo record: entry (name, type) held prev before the change (prev
 * reference now owned by the record), or did not exist (inserted).
 * name points at the entry's own name, which outlives the record.
 * first: the entry's first change since the savepoint (each touched
 * entry has exactly one such record).
 */
struct zview_undo {
	const uint8_t	*name;
	uint16_t	 type;
	int		 inserted;
	int		 first;
	struct rrset	*prev;
};

/* ---- RRsets ---- */

static int
rd_equal(const struct rr *r, const uint8_t *rd, size_t len)
{
	return r->len == len && (len == 0 || memcmp(r->rdata, rd, len) == 0);
}

struct rrset *
rrset_new(uint16_t type, uint32_t ttl, uint16_t flags, const char *desc,
    const struct rr *rrs, size_t n)
{
	struct rrset	*s;
	size_t		 size, i, j, k, tl;
	uint8_t		*p;
	int		 dup;

	if (n > RRSET_MAXRR)
		return NULL;
	size = sizeof(*s) + n * sizeof(struct rr);
	for (i = 0; i < n; i++) {
		size += rrs[i].len;
		if (rrs[i].text != NULL)
			size += strlen(rrs[i].text) + 1;
	}
	if (desc != NULL)
		size += strlen(desc) + 1;
	if ((s = malloc(size)) == NULL)
		return NULL;
	s->refs = 1;
	s->ttl = ttl;
	s->type = type;
	s->flags = flags;
	s->size = size;
	s->nrr = 0;
	p = (uint8_t *)&s->rr[n];
	for (i = 0; i < n; i++) {
		dup = 0;
		for (j = 0; j < i && !dup; j++)
			dup = rd_equal(&rrs[j], rrs[i].rdata, rrs[i].len);
		if (dup)
			continue;
		k = s->nrr++;
		s->rr[k].len = rrs[i].len;
		s->rr[k].rdata = p;
		if (rrs[i].len > 0)
			memcpy(p, rrs[i].rdata, rrs[i].len);
		p += rrs[i].len;
		s->rr[k].text = NULL;
		if (rrs[i].text != NULL) {
			tl = strlen(rrs[i].text) + 1;
			memcpy(p, rrs[i].text, tl);
			s->rr[k].text = (const char *)p;
			p += tl;
		}
	}
	s->desc = NULL;
	if (desc != NULL) {
		memcpy(p, desc, strlen(desc) + 1);
		s->desc = (const char *)p;
	}
	return s;
}

struct rrset *
rrset_ref(struct rrset *s)
{
	if (s != NULL)
		s->refs++;
	return s;
}

void
rrset_unref(struct rrset *s)
{
	if (s != NULL && --s->refs == 0)
		free(s);
}

int
rrset_find(const struct rrset *s, const uint8_t *rd, size_t len)
{
	int	i;

	for (i = 0; i < s->nrr; i++)
		if (rd_equal(&s->rr[i], rd, len))
			return i;
	return -1;
}

int
rrset_same_rdata(const struct rrset *a, const struct rrset *b)
{
	int	i;

	if (a->type != b->type || a->nrr != b->nrr)
		return 0;
	/* RRs are unique within a set, so inclusion means equality. */
	for (i = 0; i < a->nrr; i++)
		if (rrset_find(b, a->rr[i].rdata, a->rr[i].len) == -1)
			return 0;
	return 1;
}

int
rrset_same(const struct rrset *a, const struct rrset *b)
{
	if (a == b)
		return 1;
	if (a == NULL || b == NULL)
		return 0;
	if (a->ttl != b->ttl || a->flags != b->flags)
		return 0;
	if ((a->desc == NULL) != (b->desc == NULL) ||
	    (a->desc != NULL && strcmp(a->desc, b->desc) != 0))
		return 0;
	return rrset_same_rdata(a, b);
}

int
soa_serial_off(const uint8_t *rd, size_t len)
{
	size_t	a, b;

	if ((a = name_len(rd, len)) == 0)
		return -1;
	if ((b = name_len(rd + a, len - a)) == 0)
		return -1;
	if (len != a + b + 20)
		return -1;
	return (int)(a + b);
}

/* ---- the store ---- */

void
zstore_init(struct zstore *st, size_t maxrrset)
{
	memset(st, 0, sizeof(*st));
	st->maxrrset = maxrrset;
}

static void
node_free(struct znode *n)
{
	int	i;

	for (i = 0; i < n->nset; i++)
		rrset_unref(n->set[i]);
	free(n->set);
	free(n);
}

void
zstore_free(struct zstore *st)
{
	size_t	i;

	for (i = 0; i < st->nnode; i++)
		node_free(st->node[i]);
	free(st->node);
	memset(st, 0, sizeof(*st));
}

/*
 * Binary search: index of name, or -(insertion point) - 1.  The insertion
 * point is the index of the first node greater than name.
 */
static long
st_search(const struct zstore *st, const uint8_t *name)
{
	size_t	lo = 0, hi = st->nnode, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = name_cmp(st->node[mid]->name, name);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

const struct znode *
zstore_node(const struct zstore *st, const uint8_t *name)
{
	long	i = st_search(st, name);

	return i >= 0 ? st->node[i] : NULL;
}

static int
node_slot(const struct znode *n, uint16_t type)
{
	int	i;

	for (i = 0; i < n->nset; i++)
		if (n->set[i]->type == type)
			return i;
	return -1;
}

const struct rrset *
zstore_get(const struct zstore *st, const uint8_t *name, uint16_t type)
{
	const struct znode	*n;
	int			 i;

	if ((n = zstore_node(st, name)) == NULL)
		return NULL;
	i = node_slot(n, type);
	return i >= 0 ? n->set[i] : NULL;
}

static int
st_put(struct zstore *st, const uint8_t *name, struct rrset *s, int force)
{
	struct znode	*n, **na;
	struct rrset	**sa;
	size_t		 nlen, cap;
	long		 i;
	int		 k;

	if ((nlen = name_len(name, DNS_NAME_MAX)) == 0)
		return -1;
	/*
	 * Loading from a sorted listing appends: try the end first (here
	 * only, not in every lookup's st_search()).
	 */
	if (st->nnode > 0 &&
	    name_cmp(st->node[st->nnode - 1]->name, name) < 0)
		i = -(long)st->nnode - 1;
	else
		i = st_search(st, name);
	if (i >= 0) {
		n = st->node[i];
		if ((k = node_slot(n, s->type)) >= 0) {
			rrset_ref(s);
			rrset_unref(n->set[k]);
			n->set[k] = s;
			return 0;
		}
		if (!force && st->maxrrset != 0 && st->nrrset >= st->maxrrset)
			return -1;
		if (n->nset == n->cap) {
			if (n->cap >= ZNODE_MAXSETS)
				return -1;
			cap = n->cap * 2;
			if (cap > ZNODE_MAXSETS)
				cap = ZNODE_MAXSETS;
			sa = realloc(n->set, cap * sizeof(*sa));
			if (sa == NULL)
				return -1;
			n->set = sa;
			n->cap = (uint8_t)cap;
		}
		n->set[n->nset++] = rrset_ref(s);
		st->nrrset++;
		return 0;
	}
	if (!force && st->maxrrset != 0 && st->nrrset >= st->maxrrset)
		return -1;
	if (st->nnode == st->capnode) {
		/* Bounded: the RRset cap bounds the node count. */
		cap = st->capnode ? st->capnode * 2 : 64;
		if (!force && st->maxrrset != 0 && cap > st->maxrrset)
			cap = st->maxrrset;
		if (cap <= st->nnode)
			cap = st->nnode + 1;
		if ((na = realloc(st->node, cap * sizeof(*na))) == NULL)
			return -1;
		st->node = na;
		st->capnode = cap;
	}
	if ((n = malloc(sizeof(*n) + nlen)) == NULL)
		return -1;
	if ((n->set = malloc(sizeof(*n->set))) == NULL) {
		free(n);
		return -1;
	}
	n->cap = 1;
	n->nset = 1;
	n->nlen = (uint8_t)nlen;
	memcpy(n->name, name, nlen);
	name_lower(n->name);
	n->set[0] = rrset_ref(s);
	i = -i - 1;
	memmove(&st->node[i + 1], &st->node[i],
	    (st->nnode - (size_t)i) * sizeof(*st->node));
	st->node[i] = n;
	st->nnode++;
	st->nrrset++;
	return 0;
}

int
zstore_put(struct zstore *st, const uint8_t *name, struct rrset *s)
{
	return st_put(st, name, s, 0);
}

static void
st_remove_node(struct zstore *st, size_t i)
{
	st->nrrset -= st->node[i]->nset;
	node_free(st->node[i]);
	memmove(&st->node[i], &st->node[i + 1],
	    (st->nnode - i - 1) * sizeof(*st->node));
	st->nnode--;
}

int
zstore_del(struct zstore *st, const uint8_t *name, uint16_t type)
{
	struct znode	*n;
	long		 i;
	int		 k;

	if ((i = st_search(st, name)) < 0)
		return 1;
	n = st->node[i];
	if ((k = node_slot(n, type)) < 0)
		return 1;
	if (n->nset == 1) {
		st_remove_node(st, (size_t)i);
		return 0;
	}
	rrset_unref(n->set[k]);
	n->set[k] = n->set[--n->nset];
	st->nrrset--;
	return 0;
}

void
zstore_drop_name(struct zstore *st, const uint8_t *name)
{
	long	i;

	if ((i = st_search(st, name)) >= 0)
		st_remove_node(st, (size_t)i);
}

int
zstore_replace_name(struct zstore *st, const uint8_t *name,
    struct rrset *const *sets, size_t n)
{
	size_t	i;

	zstore_drop_name(st, name);
	for (i = 0; i < n; i++)
		if (zstore_put(st, name, sets[i]) == -1)
			return -1;
	return 0;
}

int
zstore_has_desc(const struct zstore *st, const uint8_t *name)
{
	long	i = st_search(st, name);
	size_t	next;

	next = i >= 0 ? (size_t)i + 1 : (size_t)(-i - 1);
	return next < st->nnode && name_is_sub(st->node[next]->name, name);
}

size_t
zstore_nnodes(const struct zstore *st)
{
	return st->nnode;
}

const struct znode *
zstore_nth(const struct zstore *st, size_t i)
{
	return i < st->nnode ? st->node[i] : NULL;
}

size_t
zstore_bytes(const struct zstore *st)
{
	size_t	i, b;
	int	k;

	b = st->capnode * sizeof(*st->node);
	for (i = 0; i < st->nnode; i++) {
		b += sizeof(struct znode) + st->node[i]->nlen;
		b += st->node[i]->cap * sizeof(struct rrset *);
		for (k = 0; k < st->node[i]->nset; k++)
			b += st->node[i]->set[k]->size;
	}
	return b;
}

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
		free(v->ent[i].name);
	}
	v->nent = 0;
	v->delta = v->save_delta = 0;
}

void
zview_free(struct zview *v)
{
	zview_reset(v);
	free(v->ent);
	free(v->undo);
	memset(v, 0, sizeof(*v));
}

void
zview_begin(struct zview *v)
{
	undo_clear(v);
	v->gen++;
}

static int
ent_cmp(const struct zview_ent *e, const uint8_t *name, uint16_t type)
{
	int	c = name_cmp(e->name, name);

	if (c != 0)
		return c;
	return e->type < type ? -1 : e->type > type;
}

/* Index of the first entry >= (name, type). */
static size_t
ent_lower(const struct zview *v, const uint8_t *name, uint16_t type)
{
	size_t	lo = 0, hi = v->nent, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ent_cmp(&v->ent[mid], name, type) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct zview_ent *
ent_find(const struct zview *v, const uint8_t *name, uint16_t type)
{
	size_t	i = ent_lower(v, name, type);

	if (i < v->nent && ent_cmp(&v->ent[i], name, type) == 0)
		return &v->ent[i];
	return NULL;
}

const struct rrset *
zview_get(const struct zview *v, const uint8_t *name, uint16_t type)
{
	const struct zview_ent	*e;

	if ((e = ent_find(v, name, type)) != NULL)
		return e->set;
	return zstore_get(v->base, name, type);
}

size_t
zview_sets(const struct zview *v, const uint8_t *name,
    const struct rrset **out, size_t max)
{
	const struct znode	*n;
	const struct zview_ent	*e;
	size_t			 i, cnt = 0;
	int			 k;

	if ((n = zstore_node(v->base, name)) != NULL) {
		for (k = 0; k < n->nset; k++) {
			if (ent_find(v, name, n->set[k]->type) != NULL)
				continue;
			if (cnt < max)
				out[cnt] = n->set[k];
			cnt++;
		}
	}
	for (i = ent_lower(v, name, 0); i < v->nent; i++) {
		e = &v->ent[i];
		if (name_cmp(e->name, name) != 0)
			break;
		if (e->set == NULL)
			continue;
		if (cnt < max)
			out[cnt] = e->set;
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
	long			 i;
	size_t			 j;

	/*
	 * Store side: the first descendant still in use decides.  A node
	 * is skipped only if the overlay deleted all its sets, so this
	 * loop runs at most (overlay entries + 1) times.
	 */
	i = st_search(st, name);
	j = i >= 0 ? (size_t)i + 1 : (size_t)(-i - 1);
	for (; j < st->nnode && name_is_sub(st->node[j]->name, name); j++)
		if (zview_in_use(v, st->node[j]->name))
			return 1;
	/* Overlay side: a new set below name. */
	for (j = ent_lower(v, name, 0xffff); j < v->nent; j++) {
		if (!name_is_sub(v->ent[j].name, name))
			break;
		if (v->ent[j].set != NULL && !name_equal(v->ent[j].name, name))
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

/*
 * Set entry (name, type) to s (NULL: deleted), recording undo when
 * log is set.  Keeps delta, the change of the visible RRset count.
 */
static int
ov_set(struct zview *v, const uint8_t *name, uint16_t type, struct rrset *s,
    int log)
{
	struct zview_ent	*e, *na;
	struct zview_undo	*u, *nu;
	const struct rrset	*base = NULL;
	size_t			 i, nlen, cap;
	uint8_t			*nm;
	int			 was, first, found;

	i = ent_lower(v, name, type);
	found = i < v->nent && ent_cmp(&v->ent[i], name, type) == 0;
	if (found)
		was = v->ent[i].set != NULL;
	else
		was = (base = zstore_get(v->base, name, type)) != NULL;
	/* Deleting what is not there changes nothing. */
	if (s == NULL && !was)
		return 0;
	if (log && v->nundo == v->capundo) {
		cap = v->capundo ? v->capundo * 2 : 16;
		if (cap > ZVIEW_MAXENT * 2)
			return -1;
		if ((nu = realloc(v->undo, cap * sizeof(*nu))) == NULL)
			return -1;
		v->undo = nu;
		v->capundo = cap;
	}
	if (found) {
		e = &v->ent[i];
		first = e->gen != v->gen;
		if (first) {
			e->gen = v->gen;
			e->saved = e->set;
		}
		if (log) {
			u = &v->undo[v->nundo++];
			u->name = e->name;
			u->type = type;
			u->inserted = 0;
			u->first = first;
			u->prev = e->set;
		} else
			rrset_unref(e->set);
		e->set = rrset_ref(s);
	} else {
		if (v->nent >= ZVIEW_MAXENT)
			return -1;
		if (v->nent == v->capent) {
			cap = v->capent ? v->capent * 2 : 16;
			if ((na = realloc(v->ent, cap * sizeof(*na))) == NULL)
				return -1;
			v->ent = na;
			v->capent = cap;
		}
		if ((nlen = name_len(name, DNS_NAME_MAX)) == 0)
			return -1;
		if ((nm = malloc(nlen)) == NULL)
			return -1;
		memcpy(nm, name, nlen);
		name_lower(nm);
		memmove(&v->ent[i + 1], &v->ent[i],
		    (v->nent - i) * sizeof(*v->ent));
		e = &v->ent[i];
		e->name = nm;
		v->nent++;
		e->type = type;
		e->set = rrset_ref(s);
		e->gen = v->gen;
		e->saved = e->base = base;
		if (log) {
			u = &v->undo[v->nundo++];
			u->name = e->name;
			u->type = type;
			u->inserted = 1;
			u->first = 1;
			u->prev = NULL;
		}
	}
	v->delta += (s != NULL) - was;
	return 0;
}

int
zview_put(struct zview *v, const uint8_t *name, struct rrset *s)
{
	return ov_set(v, name, s->type, s, 1);
}

int
zview_del(struct zview *v, const uint8_t *name, uint16_t type)
{
	return ov_set(v, name, type, NULL, 1);
}

void
zview_rollback(struct zview *v)
{
	struct zview_undo	*u;
	size_t			 i;

	while (v->nundo > 0) {
		u = &v->undo[--v->nundo];
		i = ent_lower(v, u->name, u->type);
		/* The entry exists: later changes were undone first. */
		if (u->inserted) {
			rrset_unref(v->ent[i].set);
			free(v->ent[i].name);
			memmove(&v->ent[i], &v->ent[i + 1],
			    (v->nent - i - 1) * sizeof(*v->ent));
			v->nent--;
		} else {
			rrset_unref(v->ent[i].set);
			v->ent[i].set = u->prev;
			/* Untouched again: its next change is a first one. */
			if (u->first)
				v->ent[i].gen = v->gen - 1;
		}
	}
	v->delta = v->save_delta;
}

const struct rrset *
zview_saved(const struct zview *v, const uint8_t *name, uint16_t type)
{
	const struct zview_ent	*e;

	if ((e = ent_find(v, name, type)) != NULL && e->gen == v->gen)
		return e->saved;
	return zview_get(v, name, type);
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
		e = ent_find(v, v->undo[i].name, v->undo[i].type);
		if (e != NULL && !rrset_same(e->saved, e->set))
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
		if (!u->first || (e = ent_find(v, u->name, u->type)) == NULL)
			continue;
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
		e = &v->ent[(*cursor)++];
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

int
zview_commit(struct zview *v)
{
	struct zview_ent	*e;
	const struct rrset	*old;
	size_t			 i;
	int			 rv = 0;

	for (i = 0; i < v->nent; i++) {
		e = &v->ent[i];
		old = e->base;
		if (rrset_same(old, e->set))
			continue;
		if (e->set == NULL)
			(void)zstore_del(v->base, e->name, e->type);
		else if (st_put(v->base, e->name, e->set, 1) == -1)
			rv = -1;
	}
	zview_reset(v);
	return rv;
}
