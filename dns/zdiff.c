/*
 * dns/zdiff.c: a zone or an increment from a primary, compared with the
 * mirror.  See zdiff.h.
 */
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrset.h"
#include "dns/zdiff.h"

#define CHUNK		(256 * 1024)	/* arena allocations */
#define KEY_MAX		(2 * DNS_NAME_MAX)

struct zrrs_chunk {
	struct zrrs_chunk	*next;
	size_t			 used, cap;
	uint8_t			 data[];
};

void
zrrs_init(struct zrrs *rs)
{
	memset(rs, 0, sizeof(*rs));
}

void
zrrs_free(struct zrrs *rs)
{
	struct zrrs_chunk	*c;

	while ((c = rs->chunks) != NULL) {
		rs->chunks = c->next;
		free(c);
	}
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}

static uint8_t *
arena(struct zrrs *rs, size_t n)
{
	struct zrrs_chunk	*c = rs->chunks;
	size_t			 cap;
	uint8_t			*p;

	if (c == NULL || c->cap - c->used < n) {
		cap = n > CHUNK ? n : CHUNK;
		if ((c = malloc(sizeof(*c) + cap)) == NULL)
			return NULL;
		c->cap = cap;
		c->used = 0;
		c->next = rs->chunks;
		rs->chunks = c;
		rs->bytes += sizeof(*c) + cap;
	}
	p = c->data + c->used;
	c->used += n;
	return p;
}

/*
 * The sort key of a wire name: its labels from the root down, each
 * lowercased and ended by 0; octets 0 and 1 inside a label are written
 * 1 1 and 1 2, so that memcmp() orders keys as RFC 4034 6.1 orders the
 * names.  Returns the key's length.
 */
static size_t
key_of(const uint8_t *name, uint8_t *key)
{
	const uint8_t	*lab[DNS_NAME_MAX / 2 + 1];
	size_t		 nl = 0, k = 0, i;
	const uint8_t	*p;
	uint8_t		 c;

	for (p = name; *p != 0; p += 1 + *p)
		lab[nl++] = p;
	while (nl-- > 0) {
		p = lab[nl];
		for (i = 1; i <= p[0]; i++) {
			c = p[i];
			if (c >= 'A' && c <= 'Z')
				c += 'a' - 'A';
			if (c <= 1) {
				key[k++] = 1;
				key[k++] = c + 1;
			} else
				key[k++] = c;
		}
		key[k++] = 0;
	}
	return k;
}

/* The wire name of a key. */
static void
name_of(const uint8_t *key, size_t keylen, uint8_t *out)
{
	uint8_t	 lab[DNS_NAME_MAX / 2 + 1][64];
	size_t	 len[DNS_NAME_MAX / 2 + 1];
	size_t	 nl = 0, i = 0, o = 0;

	while (i < keylen && nl < DNS_NAME_MAX / 2 + 1) {
		len[nl] = 0;
		while (i < keylen && key[i] != 0) {
			if (key[i] == 1 && i + 1 < keylen) {
				lab[nl][len[nl]++] = key[i + 1] - 1;
				i += 2;
			} else
				lab[nl][len[nl]++] = key[i++];
			if (len[nl] == 63)
				break;
		}
		i++;		/* the end of the label */
		nl++;
	}
	while (nl-- > 0) {
		out[o++] = (uint8_t)len[nl];
		memcpy(out + o, lab[nl], len[nl]);
		o += len[nl];
	}
	out[o] = 0;
}

void
zrr_owner(const struct zrr *r, uint8_t out[DNS_NAME_MAX])
{
	name_of(r->key, r->keylen, out);
}

int
zrrs_add(struct zrrs *rs, const uint8_t *owner, uint16_t type, uint32_t ttl,
    const uint8_t *rdata, uint16_t rdlen)
{
	uint8_t		 key[KEY_MAX];
	struct zrr	*v, *r;
	uint8_t		*p;
	size_t		 kl, cap;

	if (rs->n == rs->cap) {
		cap = rs->cap ? rs->cap * 2 : 1024;
		if ((v = reallocarray(rs->v, cap, sizeof(*v))) == NULL)
			return -1;
		rs->bytes += (cap - rs->cap) * sizeof(*v);
		rs->v = v;
		rs->cap = cap;
	}
	kl = key_of(owner, key);
	if ((p = arena(rs, kl + rdlen)) == NULL)
		return -1;
	memcpy(p, key, kl);
	if (rdlen > 0) {
		memcpy(p + kl, rdata, rdlen);
		if (rdata_canon(type, p + kl, rdlen, p + kl, rdlen) == -1)
			return -1;
	}
	r = &rs->v[rs->n++];
	r->key = p;
	r->keylen = (uint16_t)kl;
	r->rdata = p + kl;
	r->rdlen = rdlen;
	r->type = type;
	r->ttl = ttl;
	return 0;
}

static int
keycmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	int	c;

	if ((c = memcmp(a, b, al < bl ? al : bl)) != 0)
		return c;
	return al < bl ? -1 : al > bl;
}

static int
rr_cmp(const void *x, const void *y)
{
	const struct zrr	*a = x, *b = y;
	int			 c;

	if ((c = keycmp(a->key, a->keylen, b->key, b->keylen)) != 0)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	return keycmp(a->rdata, a->rdlen, b->rdata, b->rdlen);
}

/*
 * Primaries send their zones in or near canonical order (BIND, Knot and
 * NSD walk sorted trees; the RRsets of one owner may come in another
 * order): an insertion sort does that in one pass.  It gives up after
 * moving INSERT_BUDGET elements an RR, and qsort() takes what is left.
 */
#define INSERT_BUDGET	8

void
zrrs_sort(struct zrrs *rs)
{
	struct zrr	 t, *v = rs->v;
	size_t		 i, j, budget = rs->n * INSERT_BUDGET;

	for (i = 1; i < rs->n; i++) {
		if (rr_cmp(&v[i - 1], &v[i]) <= 0)
			continue;
		t = v[i];
		for (j = i; j > 0 && budget > 0 && rr_cmp(&v[j - 1], &t) > 0;
		    j--, budget--)
			v[j] = v[j - 1];
		v[j] = t;
		if (budget == 0) {
			qsort(rs->v, rs->n, sizeof(rs->v[0]), rr_cmp);
			return;
		}
	}
}

/* The end of the run of RRs of v[i]'s owner (and type, if bytype). */
static size_t
run_end(const struct zrrs *rs, size_t i, int bytype)
{
	size_t	j;

	for (j = i + 1; j < rs->n; j++)
		if (keycmp(rs->v[j].key, rs->v[j].keylen, rs->v[i].key,
		    rs->v[i].keylen) != 0 ||
		    (bytype && rs->v[j].type != rs->v[i].type))
			break;
	return j;
}

/* An RRset of v[i..j), the lowest TTL; NULL on no memory or too big. */
static struct rrset *
build(const struct zrrs *rs, size_t i, size_t j)
{
	struct rr	 rrs[RRSET_MAXRR];
	uint32_t	 ttl = rs->v[i].ttl;
	size_t		 k, n = 0;

	for (k = i; k < j; k++) {
		if (n == RRSET_MAXRR)
			return NULL;
		rrs[n].rdata = rs->v[k].rdata;
		rrs[n].len = rs->v[k].rdlen;
		rrs[n].text = NULL;
		n++;
		if (rs->v[k].ttl < ttl)
			ttl = rs->v[k].ttl;
	}
	return rrset_new(rs->v[i].type, ttl, 0, NULL, rrs, n);
}

/* Every managed RRset of a store node is gone. */
static int
gone(const struct znode *nd, zdiff_keep_fn *keep, zdiff_fn *cb, void *arg)
{
	size_t	k;

	for (k = 0; k < nd->nset; k++)
		if (keep(arg, nd->name, nd->set[k]->type, nd->set[k]) &&
		    cb(arg, nd->name, nd->set[k]->type, nd->set[k], NULL) == -1)
			return -1;
	return 0;
}

/* The RRs v[i..j) of one owner, against what the store has there. */
static int
one_name(const struct zrrs *rs, size_t i, size_t j, const uint8_t *name,
    const struct znode *nd, zdiff_keep_fn *keep, zdiff_fn *cb, void *arg)
{
	const struct rrset	*old;
	struct rrset		*new;
	size_t			 k, e;

	for (k = i; k < j; k = e) {
		e = run_end(rs, k, 1);
		old = NULL;
		if (nd != NULL) {
			size_t	x;

			for (x = 0; x < nd->nset; x++)
				if (nd->set[x]->type == rs->v[k].type)
					old = nd->set[x];
		}
		if (!keep(arg, name, rs->v[k].type, old))
			continue;
		if ((new = build(rs, k, e)) == NULL)
			return -1;
		if (rrset_same(old, new)) {
			rrset_unref(new);
			continue;
		}
		if (cb(arg, name, rs->v[k].type, old, new) == -1)
			return -1;
	}
	if (nd == NULL)
		return 0;
	/* Types the store has and the primary does not. */
	for (k = 0; k < nd->nset; k++) {
		size_t	x;

		for (x = i; x < j; x++)
			if (rs->v[x].type == nd->set[k]->type)
				break;
		if (x < j || !keep(arg, name, nd->set[k]->type, nd->set[k]))
			continue;
		if (cb(arg, name, nd->set[k]->type, nd->set[k], NULL) == -1)
			return -1;
	}
	return 0;
}

int
zdiff_store(const struct zstore *st, const struct zrrs *rs,
    zdiff_keep_fn *keep, zdiff_fn *cb, void *arg)
{
	const struct znode	*nd;
	uint8_t			 nk[KEY_MAX], name[DNS_NAME_MAX];
	size_t			 i = 0, j = 0, e, nkl = 0, nn;
	int			 c;

	nn = zstore_nnodes(st);
	nd = nn > 0 ? zstore_nth(st, 0) : NULL;
	if (nd != NULL)
		nkl = key_of(nd->name, nk);
	while (i < nn || j < rs->n) {
		if (i >= nn)
			c = 1;
		else if (j >= rs->n)
			c = -1;
		else
			c = keycmp(nk, nkl, rs->v[j].key, rs->v[j].keylen);
		if (c < 0) {
			if (gone(nd, keep, cb, arg) == -1)
				return -1;
		} else {
			e = run_end(rs, j, 0);
			zrr_owner(&rs->v[j], name);
			if (one_name(rs, j, e, name, c == 0 ? nd : NULL, keep,
			    cb, arg) == -1)
				return -1;
			j = e;
			if (c > 0)
				continue;
		}
		if (++i < nn) {
			nd = zstore_nth(st, i);
			nkl = key_of(nd->name, nk);
		}
	}
	return 0;
}

/* The RRs of one (owner, type) in a sorted set: [*i, *e). */
static int
group(const struct zrrs *rs, const uint8_t *key, size_t kl, uint16_t type,
    size_t *i, size_t *e)
{
	size_t	k = *i;

	while (k < rs->n && (keycmp(rs->v[k].key, rs->v[k].keylen, key,
	    kl) < 0 || (keycmp(rs->v[k].key, rs->v[k].keylen, key, kl) == 0 &&
	    rs->v[k].type < type)))
		k++;
	*i = k;
	while (k < rs->n && rs->v[k].type == type &&
	    keycmp(rs->v[k].key, rs->v[k].keylen, key, kl) == 0)
		k++;
	*e = k;
	return *e > *i;
}

/* One (name, type) of a sequence: old minus dels[di..de) plus adds. */
static int
apply_one(struct zview *v, const uint8_t *name, uint16_t type,
    const struct zrrs *dels, size_t di, size_t de, const struct zrrs *adds,
    size_t ai, size_t ae, zdiff_keep_fn *keep, void *arg)
{
	struct rr		 rrs[RRSET_MAXRR];
	const struct rrset	*old = zview_get(v, name, type);
	struct rrset		*new;
	uint32_t		 ttl = old != NULL ? old->ttl : 0;
	size_t			 n = 0, k, x;
	int			 rv;

	if (!keep(arg, name, type, old))
		return 0;
	for (k = 0; old != NULL && k < old->nrr; k++) {
		for (x = di; x < de; x++)
			if (dels->v[x].rdlen == old->rr[k].len &&
			    memcmp(dels->v[x].rdata, old->rr[k].rdata,
			    old->rr[k].len) == 0)
				break;
		if (x < de)
			continue;
		rrs[n++] = old->rr[k];
	}
	for (k = ai; k < ae; k++) {
		if (n == RRSET_MAXRR)
			return -1;
		if (k == ai || adds->v[k].ttl < ttl)
			ttl = adds->v[k].ttl;
		rrs[n].rdata = adds->v[k].rdata;
		rrs[n].len = adds->v[k].rdlen;
		rrs[n].text = NULL;
		n++;
	}
	if (n == 0)
		return old == NULL ? 0 : zview_del(v, name, type);
	if ((new = rrset_new(type, ttl, 0, NULL, rrs, n)) == NULL)
		return -1;
	rv = zview_put(v, name, new);
	rrset_unref(new);
	return rv;
}

int
zdiff_apply(struct zview *v, const struct zrrs *dels, const struct zrrs *adds,
    zdiff_keep_fn *keep, void *arg)
{
	const struct zrr	*r;
	uint8_t			 name[DNS_NAME_MAX];
	size_t			 i = 0, j = 0, di, de, ai, ae;

	/* Each (owner, type) either side names, in order. */
	while (i < dels->n || j < adds->n) {
		if (j >= adds->n || (i < dels->n && rr_cmp(&dels->v[i],
		    &adds->v[j]) <= 0))
			r = &dels->v[i];
		else
			r = &adds->v[j];
		di = i;
		ai = j;
		group(dels, r->key, r->keylen, r->type, &di, &de);
		group(adds, r->key, r->keylen, r->type, &ai, &ae);
		zrr_owner(r, name);
		if (apply_one(v, name, r->type, dels, di, de, adds, ai, ae,
		    keep, arg) == -1)
			return -1;
		i = de > i ? de : i;
		j = ae > j ? ae : j;
	}
	return 0;
}
