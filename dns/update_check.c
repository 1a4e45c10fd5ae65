/*
 * dns/update_check.c: the checks BIND 9 applies after an UPDATE's changes
 * (lib/ns/update.c check_mx(), remove_orphaned_ds(); lib/dns/zone.c
 * zone_check_ns()): in-zone apex NS and new MX targets need addresses,
 * and DS left without NS goes.  Part of dns/update.c's evaluation.
 */
#include <stdio.h>
#include <string.h>

#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "dns/update.h"
#include "dns/update_impl.h"

/*
 * What BIND's dns_db_find() says about the addresses of target, as the
 * post-update checks use it (zone_check_ns(), check_mx()).
 */
#define FA_OK		0	/* SUCCESS, DELEGATION, outside the zone */
#define FA_NONE		1	/* NXRRSET, NXDOMAIN */
#define FA_EMPTY	2	/* EMPTYNAME: an empty non-terminal */
#define FA_CNAME	3	/* CNAME */

static int
node_addr(struct uctx *u, const uint8_t *n)
{
	if (zview_get(u->v, n, DNS_T_A) != NULL ||
	    zview_get(u->v, n, DNS_T_AAAA) != NULL)
		return FA_OK;
	if (zview_get(u->v, n, DNS_T_CNAME) != NULL)
		return FA_CNAME;
	return FA_NONE;
}

static int
find_addr(struct uctx *u, const uint8_t *t)
{
	const uint8_t	*origin = u->req->origin, *ce;
	uint8_t		 wild[DNS_NAME_MAX];
	size_t		 celen;
	int		 k, tl;

	if (!name_is_sub(t, origin))
		return FA_OK;
	tl = name_labels(t);
	for (k = name_labels(origin) + 1; k <= tl; k++)
		if (zview_get(u->v, name_suffix(t, k), DNS_T_NS) != NULL)
			return FA_OK;		/* delegation */
	if (zview_in_use(u->v, t))
		return node_addr(u, t);
	if (zview_has_desc(u->v, t))
		return FA_EMPTY;
	ce = name_suffix(t, zview_closest(u->v, t, origin));
	celen = name_len(ce, DNS_NAME_MAX);
	if (celen + 2 > DNS_NAME_MAX)
		return FA_NONE;
	wild[0] = 1;
	wild[1] = '*';
	memcpy(wild + 2, ce, celen);
	if (zview_in_use(u->v, wild))
		return node_addr(u, wild);
	if (zview_has_desc(u->v, wild))
		return FA_EMPTY;
	return FA_NONE;
}

/*
 * BIND dns_zone_nscheck() after a changing UPDATE (check-integrity is
 * on by default for primary zones): every apex NS inside the zone must
 * have an address and must not be a CNAME.
 */
int
update_check_ns(struct uctx *u)
{
	const struct rrset	*ns;
	const uint8_t		*t;
	char			 nb[DNS_NAME_TEXTMAX];
	int			 i, r;

	ns = zview_get(u->v, u->req->origin, DNS_T_NS);
	if (ns == NULL || (ns->flags & RRSET_OPAQUE))
		return 0;
	for (i = 0; i < ns->nrr; i++) {
		t = ns->rr[i].rdata;
		if (name_len(t, ns->rr[i].len) != ns->rr[i].len)
			continue;
		if ((r = find_addr(u, t)) == FA_OK)
			continue;
		update_fail(u, DNS_R_REFUSED, "post update name server sanity "
		    "check failed: NS '%s' %s", update_ntext(t, nb, sizeof(nb)),
		    r == FA_CNAME ? "is a CNAME (illegal)" :
		    "has no address records (A or AAAA)");
		return -1;
	}
	return 0;
}

/*
 * BIND check_mx(): every MX RR this UPDATE added (or re-added with a
 * new TTL) whose target is inside the zone needs an address there.
 */
int
update_check_mx(struct uctx *u)
{
	const struct upd_req	*q = u->req;
	const struct rrset	*cur, *old;
	const struct rr		*rr;
	uint8_t			 nm[DNS_NAME_MAX];
	char			 nb[DNS_NAME_TEXTMAX], tb[DNS_NAME_TEXTMAX];
	size_t			 i;
	int			 k, r;

	for (i = 0; i < q->nupdate; i++) {
		if (q->update[i].type != DNS_T_MX ||
		    q->update[i].class != q->zclass)
			continue;
		memcpy(nm, q->update[i].name,
		    name_len(q->update[i].name, DNS_NAME_MAX));
		name_lower(nm);
		cur = zview_get(u->v, nm, DNS_T_MX);
		if (cur == NULL || (cur->flags & RRSET_OPAQUE))
			continue;
		old = zview_saved(u->v, nm, DNS_T_MX);
		for (k = 0; k < cur->nrr; k++) {
			rr = &cur->rr[k];
			if (old != NULL && old->ttl == cur->ttl &&
			    rrset_find(old, rr->rdata, rr->len) >= 0)
				continue;
			if (rr->len < 3 ||
			    name_len(rr->rdata + 2, rr->len - 2) !=
			    (size_t)rr->len - 2)
				continue;
			r = find_addr(u, rr->rdata + 2);
			if (r != FA_NONE && r != FA_CNAME)
				continue;
			update_fail(u, DNS_R_REFUSED, "%s/MX '%s' %s",
			    update_ntext(nm, nb, sizeof(nb)),
			    update_ntext(rr->rdata + 2, tb, sizeof(tb)),
			    r == FA_CNAME ? "is a CNAME (illegal)" :
			    "has no address records (A or AAAA)");
			return -1;
		}
	}
	return 0;
}

/*
 * BIND remove_orphaned_ds(): a DS RRset may only live at a delegation
 * (NS at the same name, not the apex).  Checked at every name where the
 * UPDATE added DS or may have removed NS.
 */
int
update_check_ds(struct uctx *u)
{
	const struct upd_req	*q = u->req;
	const struct upd_rr	*r;
	uint8_t			 nm[DNS_NAME_MAX];
	size_t			 i;

	for (i = 0; i < q->nupdate; i++) {
		r = &q->update[i];
		if (!(r->type == DNS_T_DS && r->class == q->zclass) &&
		    !(r->type == DNS_T_NS && r->class != q->zclass) &&
		    !(r->type == DNS_T_ANY && r->class == DNS_C_ANY))
			continue;
		memcpy(nm, r->name, name_len(r->name, DNS_NAME_MAX));
		name_lower(nm);
		if (zview_get(u->v, nm, DNS_T_DS) == NULL)
			continue;
		if (zview_get(u->v, nm, DNS_T_NS) != NULL &&
		    !name_equal(nm, q->origin))
			continue;
		if (update_del_rrset(u, nm, DNS_T_DS) == -1)
			return -1;
	}
	return 0;
}
