/*
 * dns/rrset.c: RRsets and the store (sorted name array plus hash index).
 * The views are in dns/zview.c.
 */
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rrset.h"
#include "dns/rrset_impl.h"

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

/* ---- the store ---- */

/*
 * The key of the name zs_key_make() was last given, by content: one UPDATE
 * asks about one name several times in a row (get, then put or del).
 */
static struct key	last_key;
static uint8_t		last_name[DNS_NAME_MAX];

static void
key_copy(struct key *dst, const struct key *src)
{
	size_t	i, nw = (src->len + 7) / 8;

	for (i = 0; i < nw; i++)
		dst->w[i] = src->w[i];
	dst->len = src->len;
	dst->h = src->h;
}

int
zs_key_make(struct key *k, const uint8_t *name)
{
	size_t	len = 0;

	while (name[len] != 0) {
		len += (size_t)name[len] + 1;
		if (len >= DNS_NAME_MAX) {
			k->len = 0;
			return -1;
		}
	}
	len++;
	if (last_key.len == len && memcmp(last_name, name, len) == 0) {
		key_copy(k, &last_key);
		return 0;
	}
	k->len = name_key(name, k->w, &k->h);
	if (k->len == 0)
		return -1;
	key_copy(&last_key, k);
	memcpy(last_name, name, len);
	return 0;
}

/* 1 if the zero-padded lowercased name nm of length len is k's name. */
int
zs_key_eq(const uint8_t *nm, size_t len, const struct key *k)
{
	size_t		i, nw = (k->len + 7) / 8;
	uint64_t	w;

	if (len != k->len)
		return 0;
	for (i = 0; i < nw; i++) {
		memcpy(&w, nm + 8 * i, sizeof(w));
		if (w != k->w[i])
			return 0;
	}
	return 1;
}

void
zstore_init(struct zstore *st, size_t maxrrset)
{
	memset(st, 0, sizeof(*st));
	st->maxrrset = maxrrset;
}

void
zs_node_free(struct znode *n)
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
		zs_node_free(st->node[i]);
	free(st->node);
	free(st->htab);
	memset(st, 0, sizeof(*st));
}

/* A node for k's name with room for cap sets (none yet), or NULL. */
struct znode *
zs_node_alloc(const struct key *k, size_t cap)
{
	struct znode	*n;
	size_t		 nb = (k->len + 7) / 8 * 8;

	if ((n = malloc(sizeof(*n) + nb)) == NULL)
		return NULL;
	if ((n->set = malloc(cap * sizeof(*n->set))) == NULL) {
		free(n);
		return NULL;
	}
	n->cap = (uint8_t)cap;
	n->nset = 0;
	n->nlen = (uint8_t)k->len;
	n->hash = k->h;
	memcpy(n->name, k->w, nb);
	return n;
}

/* The node of k's name, or NULL. */
struct znode *
zs_st_find(const struct zstore *st, const struct key *k)
{
	struct znode	*n;
	size_t		 m, i;

	if (st->hcap == 0)
		return NULL;
	m = st->hcap - 1;
	/* The table is never full, so an empty slot ends every probe. */
	for (i = k->h & m; (n = st->htab[i]) != NULL; i = (i + 1) & m)
		if (n->hash == k->h && zs_key_eq(n->name, n->nlen, k))
			return n;
	return NULL;
}

void
zs_ht_insert(struct znode **t, size_t cap, struct znode *n)
{
	size_t	m = cap - 1, i;

	for (i = n->hash & m; t[i] != NULL; i = (i + 1) & m)
		continue;
	t[i] = n;
}

/* Make room in the index for nn nodes: 0 ok, -1 no memory (unchanged). */
int
zs_st_reserve(struct zstore *st, size_t nn)
{
	struct znode	**t;
	size_t		  cap = st->hcap ? st->hcap : 16, i;

	while (nn > cap / 3 * 2)
		cap *= 2;
	if (cap == st->hcap)
		return 0;
	if ((t = calloc(cap, sizeof(*t))) == NULL)
		return -1;
	for (i = 0; i < st->hcap; i++)
		if (st->htab[i] != NULL)
			zs_ht_insert(t, cap, st->htab[i]);
	free(st->htab);
	st->htab = t;
	st->hcap = cap;
	return 0;
}

/* Take n out of the index, moving later members of its run back. */
void
zs_ht_remove(struct zstore *st, const struct znode *n)
{
	struct znode	**t = st->htab;
	size_t		  m = st->hcap - 1, i, j, home;

	for (i = n->hash & m; t[i] != n; i = (i + 1) & m)
		continue;
	for (j = (i + 1) & m; t[j] != NULL; j = (j + 1) & m) {
		home = t[j]->hash & m;
		/* t[j] may fill the hole iff i lies on its probe path. */
		if (((j - home) & m) >= ((j - i) & m)) {
			t[i] = t[j];
			i = j;
		}
	}
	t[i] = NULL;
}

/*
 * Binary search among node[lo..nnode): index of name, or -(insertion
 * point) - 1.  The insertion point is the index of the first node
 * greater than name.
 */
long
zs_st_search_from(const struct zstore *st, const uint8_t *name,
    size_t lo)
{
	size_t	hi = st->nnode, mid;
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

long
zs_st_search(const struct zstore *st, const uint8_t *name)
{
	return zs_st_search_from(st, name, 0);
}

static struct znode *
st_node(const struct zstore *st, const uint8_t *name)
{
	struct key	k;

	if (st->nnode == 0 || zs_key_make(&k, name) == -1)
		return NULL;
	return zs_st_find(st, &k);
}

const struct znode *
zstore_node(const struct zstore *st, const uint8_t *name)
{
	return st_node(st, name);
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
zs_node_get(const struct znode *n, uint16_t type)
{
	int	i;

	if (n == NULL)
		return NULL;
	for (i = 0; i < n->nset; i++)
		if (n->set[i]->type == type)
			return n->set[i];
	return NULL;
}

const struct rrset *
zstore_get(const struct zstore *st, const uint8_t *name, uint16_t type)
{
	return zs_node_get(zstore_node(st, name), type);
}

/*
 * Make s (taking a reference) the set of its type at node n: 1 replaced
 * one, 0 added one, -1 no room (ZNODE_MAXSETS or no memory; unchanged).
 */
int
zs_node_put(struct znode *n, struct rrset *s)
{
	struct rrset	**sa;
	size_t		  cap;
	int		  k;

	if ((k = node_slot(n, s->type)) >= 0) {
		rrset_ref(s);
		rrset_unref(n->set[k]);
		n->set[k] = s;
		return 1;
	}
	if (n->nset == n->cap) {
		if (n->cap >= ZNODE_MAXSETS)
			return -1;
		cap = n->cap * 2;
		if (cap > ZNODE_MAXSETS)
			cap = ZNODE_MAXSETS;
		if ((sa = realloc(n->set, cap * sizeof(*sa))) == NULL)
			return -1;
		n->set = sa;
		n->cap = (uint8_t)cap;
	}
	n->set[n->nset++] = rrset_ref(s);
	return 0;
}

/* Remove the set of this type from n: 1 removed, 0 there was none. */
int
zs_node_del(struct znode *n, uint16_t type)
{
	int	k;

	if ((k = node_slot(n, type)) < 0)
		return 0;
	rrset_unref(n->set[k]);
	n->set[k] = n->set[--n->nset];
	return 1;
}

int
zs_st_put(struct zstore *st, const uint8_t *name, struct rrset *s,
    int force)
{
	struct key	  k;
	struct znode	 *n, **na;
	size_t		  cap;
	long		  i;
	int		  rv;

	if (zs_key_make(&k, name) == -1)
		return -1;
	if ((n = zs_st_find(st, &k)) != NULL) {
		if (node_slot(n, s->type) < 0 && !force &&
		    st->maxrrset != 0 && st->nrrset >= st->maxrrset)
			return -1;
		if ((rv = zs_node_put(n, s)) == 0)
			st->nrrset++;
		return rv == -1 ? -1 : 0;
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
	if (zs_st_reserve(st, st->nnode + 1) == -1)
		return -1;
	if ((n = zs_node_alloc(&k, 1)) == NULL)
		return -1;
	n->set[n->nset++] = rrset_ref(s);
	/*
	 * Loading from a sorted listing appends: try the end first (here
	 * only, lookups go through the index).
	 */
	if (st->nnode > 0 &&
	    name_cmp(st->node[st->nnode - 1]->name, n->name) < 0)
		i = (long)st->nnode;
	else
		i = -zs_st_search(st, n->name) - 1;
	memmove(&st->node[i + 1], &st->node[i],
	    (st->nnode - (size_t)i) * sizeof(*st->node));
	st->node[i] = n;
	st->nnode++;
	st->nrrset++;
	zs_ht_insert(st->htab, st->hcap, n);
	return 0;
}

int
zstore_put(struct zstore *st, const uint8_t *name, struct rrset *s)
{
	return zs_st_put(st, name, s, 0);
}

/* Remove node n (in the store) with all its sets. */
static void
st_remove_node(struct zstore *st, struct znode *n)
{
	long	i = zs_st_search(st, n->name);

	zs_ht_remove(st, n);
	st->nrrset -= n->nset;
	memmove(&st->node[i], &st->node[i + 1],
	    (st->nnode - (size_t)i - 1) * sizeof(*st->node));
	st->nnode--;
	zs_node_free(n);
}

int
zstore_del(struct zstore *st, const uint8_t *name, uint16_t type)
{
	struct znode	*n;

	if ((n = st_node(st, name)) == NULL)
		return 1;
	if (node_slot(n, type) < 0)
		return 1;
	if (n->nset == 1) {
		st_remove_node(st, n);
		return 0;
	}
	(void)zs_node_del(n, type);
	st->nrrset--;
	return 0;
}

void
zstore_drop_name(struct zstore *st, const uint8_t *name)
{
	struct znode	*n;

	if ((n = st_node(st, name)) != NULL)
		st_remove_node(st, n);
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
	long	i = zs_st_search(st, name);
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

	b = st->capnode * sizeof(*st->node) + st->hcap * sizeof(*st->htab);
	for (i = 0; i < st->nnode; i++) {
		b += sizeof(struct znode) + (st->node[i]->nlen + 7) / 8 * 8;
		b += st->node[i]->cap * sizeof(struct rrset *);
		for (k = 0; k < st->node[i]->nset; k++)
			b += st->node[i]->set[k]->size;
	}
	return b;
}
