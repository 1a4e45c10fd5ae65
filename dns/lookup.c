/*
 * dns/lookup.c: authoritative answers over a zone view.
 */
#include <string.h>

#include "dns/lookup.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/wire.h"

struct lctx {
	const struct zview	*v;
	const uint8_t		*origin;
	uint16_t		 qtype;
	struct lk_answer	*a;
};

static void
add(struct lctx *c, int sec, const uint8_t *owner, const struct rrset *s,
    uint32_t ttl)
{
	struct lk_item	*it;

	if (c->a->n >= LOOKUP_MAXITEMS) {
		c->a->full = 1;
		return;
	}
	it = &c->a->item[c->a->n++];
	it->sec = sec;
	it->owner = owner;
	it->set = s;
	it->ttl = ttl;
}


/*
 * The apex SOA in authority, with the negative-caching TTL; BIND
 * writes TTL 0 in an NXDOMAIN answer to an SOA query.
 */
static void
add_soa(struct lctx *c)
{
	const struct rrset	*soa;
	struct rdata_soa	 t;
	uint32_t		 ttl;

	soa = zview_get(c->v, c->origin, DNS_T_SOA);
	if (soa == NULL || (soa->flags & RRSET_OPAQUE) || soa->nrr != 1)
		return;
	if (rdata_soa(soa->rr[0].rdata, soa->rr[0].len, &t) == -1)
		return;
	ttl = soa->ttl < t.minimum ? soa->ttl : t.minimum;
	if (c->qtype == DNS_T_SOA && c->a->rcode == DNS_R_NXDOMAIN)
		ttl = 0;
	add(c, DNS_SEC_NS, c->origin, soa, ttl);
}

static const struct rrset *
usable(const struct rrset *s)
{
	return s != NULL && !(s->flags & RRSET_OPAQUE) ? s : NULL;
}

/*
 * Label count of the highest zone cut at or above name (below the
 * apex), or 0.  With skip_self, NS at name itself does not count (DS
 * queries are answered on the parent side).
 */
static int
find_cut(struct lctx *c, const uint8_t *name, int skip_self)
{
	int	ol = name_labels(c->origin), nl = name_labels(name), k;

	for (k = ol + 1; k <= nl; k++) {
		if (k == nl && skip_self)
			break;
		if (zview_get(c->v, name_suffix(name, k), DNS_T_NS) != NULL)
			return k;
	}
	return 0;
}

static void
referral(struct lctx *c, const uint8_t *cut)
{
	const struct rrset	*ns, *g;
	const uint8_t		*t;
	int			 i;

	ns = zview_get(c->v, cut, DNS_T_NS);
	c->a->aa = 0;
	if (ns->flags & RRSET_OPAQUE)
		return;		/* not ours to tell: empty referral */
	add(c, DNS_SEC_NS, cut, ns, ns->ttl);
	for (i = 0; i < ns->nrr; i++) {
		t = ns->rr[i].rdata;
		if (name_len(t, ns->rr[i].len) != ns->rr[i].len ||
		    !name_is_sub(t, c->origin))
			continue;
		if ((g = usable(zview_get(c->v, t, DNS_T_A))) != NULL)
			add(c, DNS_SEC_AR, t, g, g->ttl);
		if ((g = usable(zview_get(c->v, t, DNS_T_AAAA))) != NULL)
			add(c, DNS_SEC_AR, t, g, g->ttl);
	}
}

static void	answer_name(struct lctx *, const uint8_t *, int);

/*
 * Answer from the RRsets at node name (qname itself or the source of
 * synthesis), writing owner as the owner of every listed RRset.
 */
static void
answer_at(struct lctx *c, const uint8_t *name, const uint8_t *owner,
    int depth)
{
	const struct rrset	*sets[ZNODE_MAXSETS], *s = NULL, *cn = NULL;
	const uint8_t		*target;
	size_t			 i, n;
	size_t			 k;

	n = zview_sets(c->v, name, sets, ZNODE_MAXSETS);
	if (n > ZNODE_MAXSETS)
		n = ZNODE_MAXSETS;
	for (i = 0; i < n; i++) {
		if (sets[i]->type == c->qtype)
			s = sets[i];
		if (sets[i]->type == DNS_T_CNAME)
			cn = sets[i];
	}
	if (c->qtype == DNS_T_ANY) {
		for (i = 0; i < n; i++)
			if (usable(sets[i]))
				add(c, DNS_SEC_AN, owner, sets[i],
				    sets[i]->ttl);
		/* Only OPAQUE sets: no records, and no SOA either. */
		return;
	}
	if (s != NULL) {
		if (usable(s))
			add(c, DNS_SEC_AN, owner, s, s->ttl);
		return;
	}
	if (cn != NULL) {
		if (!usable(cn) || cn->nrr != 1)
			return;
		add(c, DNS_SEC_AN, owner, cn, cn->ttl);
		target = cn->rr[0].rdata;
		for (k = 0; k < c->a->n; k++)
			if (c->a->item[k].sec == DNS_SEC_AN &&
			    name_equal(c->a->item[k].owner, target))
				return;		/* a loop */
		if (depth < LOOKUP_MAXCHAIN &&
		    name_len(target, cn->rr[0].len) == cn->rr[0].len &&
		    name_is_sub(target, c->origin))
			answer_name(c, target, depth + 1);
		return;
	}
	add_soa(c);		/* NODATA */
}

/* Answer for name (qname, or a CNAME target at depth > 0). */
static void
answer_name(struct lctx *c, const uint8_t *name, int depth)
{
	uint8_t		 wild[DNS_NAME_MAX];
	const uint8_t	*ce;
	int		 k, cel;
	size_t		 celen;

	k = find_cut(c, name, c->qtype == DNS_T_DS);
	if (k > 0) {
		if (depth == 0)
			referral(c, name_suffix(name, k));
		return;
	}
	if (zview_in_use(c->v, name)) {
		answer_at(c, name, name, depth);
		return;
	}
	if (zview_has_desc(c->v, name)) {
		add_soa(c);	/* empty non-terminal: NODATA */
		return;
	}
	/* RFC 4592 4.1: the source of synthesis is "*." + closest encloser. */
	cel = zview_closest(c->v, name, c->origin);
	ce = name_suffix(name, cel);
	celen = name_len(ce, DNS_NAME_MAX);
	if (celen + 2 <= DNS_NAME_MAX) {
		wild[0] = 1;
		wild[1] = '*';
		memcpy(wild + 2, ce, celen);
		if (zview_in_use(c->v, wild)) {
			answer_at(c, wild, name, depth);
			return;
		}
		if (zview_has_desc(c->v, wild)) {
			add_soa(c);
			return;
		}
	}
	c->a->rcode = DNS_R_NXDOMAIN;
	add_soa(c);
}

int
lookup(const struct zview *v, const uint8_t *origin, const uint8_t *qname,
    uint16_t qtype, struct lk_answer *a)
{
	struct lctx	c;
	size_t		len;

	a->rcode = DNS_R_NOERROR;
	a->aa = 1;
	a->full = 0;
	a->n = 0;
	if ((len = name_len(qname, DNS_NAME_MAX)) == 0 ||
	    name_len(origin, DNS_NAME_MAX) == 0 ||
	    !name_is_sub(qname, origin)) {
		a->rcode = DNS_R_REFUSED;
		a->aa = 0;
		return a->rcode;
	}
	memcpy(a->qname, qname, len);
	name_lower(a->qname);
	memcpy(a->origin, origin, name_len(origin, DNS_NAME_MAX));
	name_lower(a->origin);
	c.v = v;
	c.origin = a->origin;
	c.qtype = qtype;
	c.a = a;
	answer_name(&c, a->qname, 0);
	return a->rcode;
}
