/*
 * dns/update.c: RFC 2136 evaluation over a zone view, following BIND 9
 * (lib/ns/update.c: send_update() prescan, update_action()) and
 * refusing up front what Route 53 would reject.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/serial.h"
#include "dns/shadow.h"
#include "dns/update.h"
#include "dns/update_impl.h"
#include "dns/fmt.h"


/* Stands in for the RDATA of empty RRs: never pass NULL on. */
static const uint8_t	no_rdata[1];

static const char *const rcode_names[] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
};

/* ---- summary text ---- */

const char *
update_ntext(const uint8_t *n, char *buf, size_t cap)
{
	if (name_to_text(n, buf, cap) == -1)
		snprintf(buf, cap, "(name)");
	return buf;
}

/* Append to the summary, after sep; cut short with "..." when full. */
static void
vappend(struct uctx *u, const char *sep, const char *fmt, va_list ap)
    __attribute__((__format__(printf, 3, 0)));

static void
vappend(struct uctx *u, const char *sep, const char *fmt, va_list ap)
{
	char	*r = u->res->reason;
	size_t	 cap = sizeof(u->res->reason);
	int	 k;

	if (u->rlen >= cap - 1)
		return;
	k = snprintf(r + u->rlen, cap - u->rlen, "%s",
	    u->rlen > 0 ? sep : "");
	if (k >= 0 && (size_t)k < cap - u->rlen) {
		u->rlen += (size_t)k;
		k = vsnprintf(r + u->rlen, cap - u->rlen, fmt, ap);
	}
	if (k < 0 || (size_t)k >= cap - u->rlen) {
		u->rlen = cap - 1;
		memcpy(r + cap - 4, "...", 4);
		return;
	}
	u->rlen += (size_t)k;
}

/* Append one item to the summary. */
static void
note(struct uctx *u, const char *fmt, ...)
    __attribute__((__format__(printf, 2, 3)));

static void
note(struct uctx *u, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vappend(u, "; ", fmt, ap);
	va_end(ap);
}

int
update_fail(struct uctx *u, int rcode, const char *fmt, ...)
{
	va_list	ap;

	u->rlen = (size_t)snprintf(u->res->reason, sizeof(u->res->reason),
	    "%s: ", rcode_names[rcode]);
	va_start(ap, fmt);
	vappend(u, "", fmt, ap);
	va_end(ap);
	u->res->rcode = rcode;
	return rcode;
}

static const char *
ttext(uint16_t type, char *buf)
{
	return rrtype_to_text(type, buf);
}

/* Text of one RR's RDATA for the summary, shortened when long. */
static const char *
rdtext(uint16_t type, const uint8_t *rd, size_t len, char *buf, size_t cap)
{
	int	k = rdata_to_r53(type, rd != NULL ? rd : no_rdata, len, buf,
	    cap);

	if (k == RDATA_ESPACE)
		snprintf(buf, cap, "(%zu bytes)", len);
	else if (k < 0)
		snprintf(buf, cap, "(malformed)");
	return buf;
}

/* Scratch texts of one name and one type, for failure messages. */
static const char *
uname(struct uctx *u, const uint8_t *n)
{
	return update_ntext(n, u->nb, sizeof(u->nb));
}

static const char *
utype(struct uctx *u, uint16_t type)
{
	return rrtype_to_text(type, u->tb);
}

/*
 * The summary items of the common changes, built without stdio: n
 * bytes of s appended; cut short with "..." like vappend().
 */
static void
app(struct uctx *u, const char *s, size_t n)
{
	char	*r = u->res->reason;
	size_t	 cap = sizeof(u->res->reason);

	if (u->rlen >= cap - 1)
		return;
	if (n >= cap - u->rlen) {
		memcpy(r + u->rlen, s, cap - 1 - u->rlen);
		u->rlen = cap - 1;
		memcpy(r + cap - 4, "...", 4);
		return;
	}
	memcpy(r + u->rlen, s, n);
	u->rlen += n;
	r[u->rlen] = '\0';
}

static void
apps(struct uctx *u, const char *s)
{
	app(u, s, strlen(s));
}

static void
appu(struct uctx *u, uint32_t v)
{
	char	b[FMT_U64_MAX], *p = fmt_u64(b + sizeof(b), v);

	app(u, p, (size_t)(b + sizeof(b) - p));
}

/*
 * One change: "; " unless first, then what ("add", "delete"), the
 * owner, the TTL unless ttl is NULL, the type and the value text unless
 * vtext is NULL.
 */
static void
note_rr(struct uctx *u, const char *what, const uint8_t *nm,
    const uint32_t *ttl, uint16_t type, const char *vtext)
{
	if (u->rlen > 0)
		app(u, "; ", 2);
	apps(u, what);
	app(u, " ", 1);
	apps(u, uname(u, nm));
	app(u, " ", 1);
	if (ttl != NULL) {
		appu(u, *ttl);
		app(u, " ", 1);
	}
	apps(u, utype(u, type));
	if (vtext != NULL) {
		app(u, " ", 1);
		apps(u, vtext);
	}
}

/* ---- helpers ---- */

static int
is_dnssec(uint16_t type)
{
	return type == DNS_T_RRSIG || type == DNS_T_NSEC ||
	    type == DNS_T_NSEC3;
}

/* Types BIND lets live next to a CNAME (dns_rdatatype_atcname). */
static int
at_cname(uint16_t type)
{
	return type == DNS_T_RRSIG || type == DNS_T_NSEC ||
	    type == DNS_T_KEY;
}

/* Serial of an SOA RRset, -1 if it is not a usable one. */
static int
set_serial(const struct rrset *s, uint32_t *serial)
{
	if (s == NULL || (s->flags & RRSET_OPAQUE) || s->nrr != 1)
		return -1;
	return rdata_soa_serial(s->rr[0].rdata, s->rr[0].len, serial);
}

static int
refuse_opaque(struct uctx *u, const uint8_t *name, const struct rrset *s)
{
	char	nb[DNS_NAME_TEXTMAX], tb[RRTYPE_TEXTMAX];

	return update_fail(u, DNS_R_REFUSED, "%s/%s is %s, which r53d does not "
	    "change", update_ntext(name, nb, sizeof(nb)), ttext(s->type, tb),
	    s->desc != NULL ? s->desc : "an alias or routing-policy record");
}

/* Write changes: -1 means SERVFAIL already set. */
static int
vput(struct uctx *u, const uint8_t *name, struct rrset *s)
{
	int	rv;

	if (s == NULL) {
		update_fail(u, DNS_R_SERVFAIL, "out of memory");
		return -1;
	}
	rv = zview_put(u->v, name, s);
	rrset_unref(s);
	if (rv == -1) {
		update_fail(u, DNS_R_SERVFAIL, "too many changes pending for "
		    "the zone");
		return -1;
	}
	return 0;
}

static int
vdel(struct uctx *u, const uint8_t *name, uint16_t type)
{
	if (zview_del(u->v, name, type) == -1) {
		update_fail(u, DNS_R_SERVFAIL, "too many changes pending for "
		    "the zone");
		return -1;
	}
	return 0;
}

/* ---- 1. prescan and permissions ---- */

static int
allowed(struct uctx *u, const uint8_t *name, uint16_t type)
{
	if (u->req->allow == NULL)
		return 1;
	return u->req->allow(u->req->allow_arg, name, type);
}

static int
prescan(struct uctx *u)
{
	const struct upd_req	*q = u->req;
	const struct upd_rr	*r;
	const struct rrset	*sets[ZNODE_MAXSETS];
	uint8_t			 nm[DNS_NAME_MAX], sh[DNS_NAME_MAX];
	char			 vb[RDATA_R53_MAX + 1];
	size_t			 i, k, n, nlen;
	int			 tl;

	for (i = 0; i < q->nupdate; i++) {
		r = &q->update[i];
		if ((nlen = name_len(r->name, DNS_NAME_MAX)) == 0)
			return update_fail(u, DNS_R_FORMERR, "bad owner name");
		memcpy(nm, r->name, nlen);
		name_lower(nm);
		if (!name_is_sub(nm, q->origin))
			return update_fail(u, DNS_R_NOTZONE, "update RR is "
			    "outside zone: %s", uname(u, nm));
		if (r->class == q->zclass) {
			if (rrtype_is_meta(r->type))
				return update_fail(u, DNS_R_FORMERR, "meta-RR "
				    "in update: %s/%s", uname(u, nm),
				    utype(u, r->type));
		} else if (r->class == DNS_C_ANY) {
			if (r->ttl != 0 || r->rdlen != 0 ||
			    (rrtype_is_meta(r->type) && r->type != DNS_T_ANY))
				return update_fail(u, DNS_R_FORMERR, "meta-RR "
				    "in update: %s/%s", uname(u, nm),
				    utype(u, r->type));
		} else if (r->class == DNS_C_NONE) {
			if (r->ttl != 0 || rrtype_is_meta(r->type))
				return update_fail(u, DNS_R_FORMERR, "meta-RR "
				    "in update: %s/%s", uname(u, nm),
				    utype(u, r->type));
		} else
			return update_fail(u, DNS_R_FORMERR, "update RR has "
			    "incorrect class %u", r->class);
		if (is_dnssec(r->type))
			return update_fail(u, DNS_R_REFUSED, "explicit %s "
			    "updates are not allowed: %s", utype(u, r->type),
			    uname(u, nm));
		if (q->dhcid && shadow_is_name(nm))
			return update_fail(u, DNS_R_REFUSED, "%s is reserved "
			    "for DHCID records", uname(u, nm));
		if (r->class == q->zclass && r->type == DNS_T_DHCID &&
		    q->dhcid) {
			if (shadow_name(nm, sh) == -1)
				return update_fail(u, DNS_R_REFUSED, "DHCID "
				    "cannot be stored at %s", uname(u, nm));
			if (!shadow_rdata_ok(r->rdlen))
				return update_fail(u, DNS_R_REFUSED,
				    "%s/DHCID: RDATA of more than %d octets "
				    "cannot be stored", uname(u, nm),
				    SHADOW_RDATA_MAX);
			if (zview_get(u->v, sh, DNS_T_TXT) != NULL)
				return update_fail(u, DNS_R_REFUSED,
				    "%s/DHCID: %s holds TXT records of its own",
				    uname(u, nm), SHADOW_LABEL);
		} else if (r->class == q->zclass && !rrtype_r53_ok(r->type))
			return update_fail(u, DNS_R_REFUSED, "type %s is not "
			    "supported by Route 53: %s", utype(u, r->type),
			    uname(u, nm));
		if (r->class == q->zclass && r->ttl > UPDATE_TTL_MAX)
			return update_fail(u, DNS_R_REFUSED, "TTL %u of %s/%s "
			    "is over Route 53's limit", r->ttl, uname(u, nm),
			    utype(u, r->type));
		if (r->class == q->zclass) {
			tl = rdata_to_r53(r->type, r->rdata != NULL ?
			    r->rdata : no_rdata, r->rdlen, vb, sizeof(vb));
			if (tl == RDATA_ESPACE)
				return update_fail(u, DNS_R_REFUSED, "%s/%s: "
				    "value longer than %d characters (Route 53 "
				    "limit)", uname(u, nm), utype(u, r->type),
				    RDATA_R53_MAX);
			if (tl < 0)
				return update_fail(u, DNS_R_FORMERR, "%s/%s: "
				    "malformed RDATA", uname(u, nm),
				    utype(u, r->type));
		}
		if (r->class == DNS_C_ANY && r->type == DNS_T_ANY) {
			n = zview_sets(u->v, nm, sets, ZNODE_MAXSETS);
			for (k = 0; k < n && k < ZNODE_MAXSETS; k++)
				if (!allowed(u, nm, sets[k]->type))
					return update_fail(u, DNS_R_REFUSED,
					    "rejected by update policy: "
					    "%s/%s", uname(u, nm),
					    utype(u, sets[k]->type));
		} else if (!allowed(u, nm, r->type))
			return update_fail(u, DNS_R_REFUSED, "rejected by "
			    "update policy: %s/%s", uname(u, nm),
			    utype(u, r->type));
	}
	return DNS_R_NOERROR;
}

/* ---- 2. prerequisites ---- */

static int
rd_cmp(const struct upd_rr *a, const struct upd_rr *b)
{
	size_t	m = a->rdlen < b->rdlen ? a->rdlen : b->rdlen;
	int	c = m ? memcmp(a->rdata, b->rdata, m) : 0;

	if (c != 0)
		return c;
	return (a->rdlen > b->rdlen) - (a->rdlen < b->rdlen);
}

static int
temp_order(const void *av, const void *bv)
{
	const struct upd_rr	*a = *(const struct upd_rr *const *)av;
	const struct upd_rr	*b = *(const struct upd_rr *const *)bv;
	int			 c;

	if ((c = name_cmp(a->name, b->name)) != 0)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	return rd_cmp(a, b);
}

/*
 * "RRset exists (value dependent)": the prerequisite RRs of each
 * (name, type) must be exactly the RRset, TTL aside (RFC 2136 3.2.3).
 * As in BIND, the prerequisite is a sorted list compared with the
 * RRset's, so a repeated RR makes it fail.
 */
static int
temp_check(struct uctx *u, const struct upd_rr **t, size_t n)
{
	const struct rrset	*s;
	const struct upd_rr	*r;
	size_t			 i, j, k;
	int			 ok;

	qsort(t, n, sizeof(*t), temp_order);
	for (i = 0; i < n; i = j) {
		r = t[i];
		for (j = i + 1; j < n; j++)
			if (!name_equal(t[j]->name, r->name) ||
			    t[j]->type != r->type)
				break;
		s = zview_get(u->v, r->name, r->type);
		ok = r->type != DNS_T_ANY && s != NULL &&
		    !(s->flags & RRSET_OPAQUE) && s->nrr == j - i;
		for (k = i; ok && k < j; k++) {
			if (k > i && rd_cmp(t[k - 1], t[k]) == 0)
				ok = 0;
			else if (rrset_find(s, t[k]->rdata, t[k]->rdlen) < 0)
				ok = 0;
		}
		if (!ok)
			return update_fail(u, DNS_R_NXRRSET, "%s/%s: 'RRset "
			    "exists (value dependent)' prerequisite not "
			    "satisfied",
			    uname(u, r->name),
			    utype(u, r->type));
	}
	return DNS_R_NOERROR;
}

static int
prereqs(struct uctx *u)
{
	const struct upd_req	*q = u->req;
	const struct upd_rr	*r, **temp = NULL;
	size_t			 i, nt = 0;
	int			 rc = DNS_R_NOERROR;

	if (q->nprereq == 0)
		return DNS_R_NOERROR;
	if ((temp = calloc(q->nprereq, sizeof(*temp))) == NULL)
		return update_fail(u, DNS_R_SERVFAIL, "out of memory");
	for (i = 0; i < q->nprereq && rc == DNS_R_NOERROR; i++) {
		r = &q->prereq[i];
		if (name_len(r->name, DNS_NAME_MAX) == 0) {
			rc = update_fail(u, DNS_R_FORMERR,
			    "bad prerequisite name");
			break;
		}
		if (r->ttl != 0)
			rc = update_fail(u, DNS_R_FORMERR, "prerequisite TTL "
			    "is not zero");
		else if (!name_is_sub(r->name, q->origin))
			rc = update_fail(u, DNS_R_NOTZONE, "%s: prerequisite "
			    "name is out of zone", uname(u, r->name));
		else if (r->class == DNS_C_ANY) {
			if (r->rdlen != 0)
				rc = update_fail(u, DNS_R_FORMERR, "class ANY "
				    "prerequisite RDATA is not empty");
			else if (r->type == DNS_T_ANY) {
				if (!zview_in_use(u->v, r->name))
					rc = update_fail(u, DNS_R_NXDOMAIN,
					    "%s: 'name in use' prerequisite "
					    "not satisfied", uname(u, r->name));
			} else if (zview_get(u->v, r->name, r->type) == NULL)
				rc = update_fail(u, DNS_R_NXRRSET, "%s/%s: "
				    "'rrset exists (value independent)' "
				    "prerequisite not satisfied",
				    uname(u, r->name), utype(u, r->type));
		} else if (r->class == DNS_C_NONE) {
			if (r->rdlen != 0)
				rc = update_fail(u, DNS_R_FORMERR, "class NONE "
				    "prerequisite RDATA is not empty");
			else if (r->type == DNS_T_ANY) {
				if (zview_in_use(u->v, r->name))
					rc = update_fail(u, DNS_R_YXDOMAIN,
					    "%s: 'name not in use' "
					    "prerequisite not satisfied",
					    uname(u, r->name));
			} else if (zview_get(u->v, r->name, r->type) != NULL)
				rc = update_fail(u, DNS_R_YXRRSET, "%s/%s: "
				    "'rrset does not exist' prerequisite not "
				    "satisfied", uname(u, r->name),
				    utype(u, r->type));
		} else if (r->class == q->zclass)
			temp[nt++] = r;
		else
			rc = update_fail(u, DNS_R_FORMERR, "malformed "
			    "prerequisite");
	}
	if (rc == DNS_R_NOERROR && nt > 0)
		rc = temp_check(u, temp, nt);
	free(temp);
	return rc;
}

/* ---- 3. updates ---- */

/* Add one RR (RFC 2136 3.4.2.2, BIND add_rr_prepare_action()). */
static int
add_rr(struct uctx *u, const uint8_t *nm, const struct upd_rr *r)
{
	struct rr		 rrs[RRSET_MAXRR + 1];
	const struct rrset	*old;
	char			 vb[128];
	const char		*vt;
	size_t			 n = 0;
	int			 i, have = 0;

	old = zview_get(u->v, nm, r->type);
	if (old != NULL && (old->flags & RRSET_OPAQUE)) {
		refuse_opaque(u, nm, old);
		return -1;
	}
	/*
	 * New RRs keep no text (NULL: the spelling rdata_to_r53() gives).
	 * Storing it would save converting the value again for the batch,
	 * but RRsets one size class up from those loaded from Route 53
	 * cost the store about a megabyte of fragmentation under load.
	 */
	vt = rdtext(r->type, r->rdata, r->rdlen, vb, sizeof(vb));
	for (i = 0; old != NULL && i < old->nrr; i++) {
		if (old->rr[i].len == r->rdlen && (r->rdlen == 0 ||
		    memcmp(old->rr[i].rdata, r->rdata, r->rdlen) == 0)) {
			if (old->ttl == r->ttl) {
				note_rr(u, "add", nm, NULL, r->type, vt);
				apps(u, ": already present");
				return 0;
			}
			have = 1;	/* stays, with its Route 53 text */
		} else if (r->type == DNS_T_CNAME || r->type == DNS_T_SOA)
			continue;	/* single-valued: replaced */
		rrs[n++] = old->rr[i];
	}
	if (!have) {
		if (n >= RRSET_MAXRR) {
			update_fail(u, DNS_R_REFUSED, "%s/%s would have more "
			    "than %d values (Route 53 limit)", uname(u, nm),
			    utype(u, r->type), RRSET_MAXRR);
			return -1;
		}
		rrs[n].rdata = r->rdata;
		rrs[n].len = r->rdlen;
		rrs[n].text = NULL;
		n++;
	}
	note_rr(u, "add", nm, &r->ttl, r->type, vt);
	if (old != NULL && old->ttl != r->ttl) {
		apps(u, " (RRset TTL ");
		appu(u, old->ttl);
		apps(u, " -> ");
		appu(u, r->ttl);
		apps(u, ")");
	}
	return vput(u, nm, rrset_new(r->type, r->ttl, 0, NULL, rrs, n));
}

int
update_del_rrset(struct uctx *u, const uint8_t *nm, uint16_t type)
{
	const struct rrset	*old = zview_get(u->v, nm, type);

	if (old == NULL)
		return 0;
	if (old->flags & RRSET_OPAQUE) {
		refuse_opaque(u, nm, old);
		return -1;
	}
	note_rr(u, "delete", nm, NULL, type, NULL);
	return vdel(u, nm, type);
}

/* Delete all RRsets at a name, keeping SOA and NS at the apex. */
static int
del_name(struct uctx *u, const uint8_t *nm, int apex)
{
	const struct rrset	*sets[ZNODE_MAXSETS];
	uint16_t		 types[ZNODE_MAXSETS];
	size_t			 i, n;

	n = zview_sets(u->v, nm, sets, ZNODE_MAXSETS);
	if (n > ZNODE_MAXSETS)
		n = ZNODE_MAXSETS;
	for (i = 0; i < n; i++) {
		types[i] = sets[i]->type;
		if (apex && (types[i] == DNS_T_SOA || types[i] == DNS_T_NS))
			continue;
		if (sets[i]->flags & RRSET_OPAQUE) {
			refuse_opaque(u, nm, sets[i]);
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		if (apex && (types[i] == DNS_T_SOA || types[i] == DNS_T_NS))
			continue;
		if (update_del_rrset(u, nm, types[i]) == -1)
			return -1;
	}
	return 0;
}

/* Delete one RR (3.4.2.4). */
static int
del_rr(struct uctx *u, const uint8_t *nm, const struct upd_rr *r)
{
	struct rr		 rrs[RRSET_MAXRR];
	const struct rrset	*old = zview_get(u->v, nm, r->type);
	char			 vb[128];
	int			 i, k;
	size_t			 n = 0;

	if (old == NULL)
		return 0;
	if (old->flags & RRSET_OPAQUE) {
		refuse_opaque(u, nm, old);
		return -1;
	}
	if ((k = rrset_find(old, r->rdata, r->rdlen)) < 0)
		return 0;
	note_rr(u, "delete", nm, NULL, r->type,
	    rdtext(r->type, r->rdata, r->rdlen, vb, sizeof(vb)));
	if (old->nrr == 1)
		return vdel(u, nm, r->type);
	for (i = 0; i < old->nrr; i++)
		if (i != k)
			rrs[n++] = old->rr[i];
	return vput(u, nm, rrset_new(old->type, old->ttl, old->flags, NULL,
	    rrs, n));
}

static int
updates(struct uctx *u, int *soa_changed)
{
	const struct upd_req	*q = u->req;
	const struct upd_rr	*r;
	const struct rrset	*sets[ZNODE_MAXSETS], *s;
	uint8_t			 nm[DNS_NAME_MAX];
	size_t			 i, k, n;
	uint32_t		 cur, want;
	int			 apex, conflict;

	for (i = 0; i < q->nupdate; i++) {
		r = &q->update[i];
		memcpy(nm, r->name, name_len(r->name, DNS_NAME_MAX));
		name_lower(nm);
		apex = name_equal(nm, q->origin);
		if (r->class == q->zclass) {
			if ((r->type == DNS_T_NS || r->type == DNS_T_DNAME) &&
			    name_is_wild(nm)) {
				note(u, "ignored: %s %s on a wildcard",
				    uname(u, nm), utype(u, r->type));
				continue;
			}
			if (r->type == DNS_T_CNAME) {
				n = zview_sets(u->v, nm, sets, ZNODE_MAXSETS);
				conflict = 0;
				for (k = 0; k < n && k < ZNODE_MAXSETS; k++)
					if (sets[k]->type != DNS_T_CNAME &&
					    !at_cname(sets[k]->type))
						conflict = 1;
				if (conflict) {
					note(u, "ignored: CNAME at %s "
					    "alongside other data",
					    uname(u, nm));
					continue;
				}
			} else if (zview_get(u->v, nm, DNS_T_CNAME) != NULL &&
			    !at_cname(r->type)) {
				note(u, "ignored: %s at %s alongside a CNAME",
				    utype(u, r->type), uname(u, nm));
				continue;
			}
			if (r->type == DNS_T_SOA) {
				if (zview_get(u->v, nm, DNS_T_SOA) == NULL) {
					note(u, "ignored: SOA at %s, not the "
					    "apex", uname(u, nm));
					continue;
				}
				s = zview_get(u->v, q->origin, DNS_T_SOA);
				if (rdata_soa_serial(r->rdata, r->rdlen, &want) ==
				    -1 || set_serial(s, &cur) == -1)
					return update_fail(u,
					    DNS_R_SERVFAIL,
					    "no usable SOA at the apex");
				/* BIND: DNS_SERIAL_GE(db, update) -> ignore */
				if (cur - want < 0x80000000U) {
					note(u, "ignored: SOA serial %u does "
					    "not increase %u", want, cur);
					continue;
				}
				*soa_changed = 1;
			}
			if (r->type == DNS_T_DS && apex) {
				note(u, "ignored: DS at the zone apex");
				continue;
			}
			if (add_rr(u, nm, r) == -1)
				return u->res->rcode;
		} else if (r->class == DNS_C_ANY) {
			if (r->type == DNS_T_ANY) {
				if (del_name(u, nm, apex) == -1)
					return u->res->rcode;
			} else if (apex && (r->type == DNS_T_SOA ||
			    r->type == DNS_T_NS)) {
				note(u, "ignored: delete of the apex %s RRset",
				    utype(u, r->type));
			} else if (update_del_rrset(u, nm, r->type) == -1)
				return u->res->rcode;
		} else {	/* DNS_C_NONE, checked by prescan() */
			if (apex && r->type == DNS_T_SOA) {
				note(u, "ignored: delete of the SOA");
				continue;
			}
			if (apex && r->type == DNS_T_NS &&
			    (s = zview_get(u->v, nm, DNS_T_NS)) != NULL &&
			    s->nrr == 1) {
				note(u, "ignored: delete of the last apex NS");
				continue;
			}
			if (del_rr(u, nm, r) == -1)
				return u->res->rcode;
		}
	}
	return DNS_R_NOERROR;
}

int
update_eval(struct zview *v, const struct upd_req *req,
    struct upd_result *res)
{
	struct uctx	u;
	size_t		cnt, cap = v->base->maxrrset;
	int		rc, soa_changed = 0;

	memset(res, 0, sizeof(*res));
	u.v = v;
	u.req = req;
	u.res = res;
	u.rlen = 0;
	zview_begin(v);
	if ((rc = prescan(&u)) != DNS_R_NOERROR)
		goto out;
	if ((rc = prereqs(&u)) != DNS_R_NOERROR)
		goto out;
	if ((rc = updates(&u, &soa_changed)) != DNS_R_NOERROR)
		goto out;
	/* BIND's order: NS sanity, MX integrity, orphaned DS. */
	if (zview_nchanged(v) > 0 &&
	    (update_check_ns(&u) == -1 || update_check_mx(&u) == -1 ||
	    update_check_ds(&u) == -1)) {
		rc = res->rcode;
		goto out;
	}
	res->changed = (int)zview_nchanged(v);
	cnt = zview_count(v);
	if (cap != 0 && cnt > cap) {
		rc = update_fail(&u, DNS_R_REFUSED, "the zone would hold %zu "
		    "record sets, over its limit of %zu", cnt, cap);
		goto out;
	}
	if (res->changed == 0 && u.rlen == 0)
		note(&u, "no change");
	res->soa_set = soa_changed;
out:
	res->rcode = rc;
	if (rc != DNS_R_NOERROR) {
		zview_rollback(v);
		res->changed = 0;
		res->soa_set = 0;
	}
	return rc;
}

/* Put the apex SOA cur, with its serial set, in the view. */
static int
put_serial(struct zview *v, const uint8_t *origin, const struct rrset *cur,
    uint32_t serial)
{
	struct rrset	*s;
	uint8_t		 rd[RDATA_MAX];
	struct rr	 rr;
	int		 rv;

	memcpy(rd, cur->rr[0].rdata, cur->rr[0].len);
	if (rdata_soa_set_serial(rd, cur->rr[0].len, serial) == -1)
		return -1;
	rr.rdata = rd;
	rr.len = cur->rr[0].len;
	rr.text = NULL;
	if ((s = rrset_new(DNS_T_SOA, cur->ttl, 0, NULL, &rr, 1)) == NULL)
		return -1;
	rv = zview_put(v, origin, s);
	rrset_unref(s);
	return rv;
}

int
update_bump_serial(struct zview *v, const uint8_t *origin, int policy,
    time_t now)
{
	const struct rrset	*base, *cur;
	uint32_t		 old, have, want, t;

	zview_begin(v);
	cur = zview_get(v, origin, DNS_T_SOA);
	base = zstore_get(v->base, origin, DNS_T_SOA);
	if (set_serial(cur, &have) == -1)
		return -1;
	if (set_serial(base, &old) == -1)
		old = have;
	want = old + 1;
	if (want == 0)
		want = 1;	/* BIND dns_update_soaserial(): never 0 */
	if (policy == UPD_SERIAL_UNIXTIME) {
		t = (uint32_t)now;
		if (serial_gt(t, want))
			want = t;
	}
	/* A serial an UPDATE set (only ever raised) is kept, even 0. */
	if (have != old && (policy != UPD_SERIAL_UNIXTIME ||
	    !serial_gt(want, have)))
		return 0;
	return put_serial(v, origin, cur, want);
}

int
update_set_serial(struct zview *v, const uint8_t *origin, uint32_t serial)
{
	const struct rrset	*cur;
	uint32_t		 have;

	zview_begin(v);
	cur = zview_get(v, origin, DNS_T_SOA);
	if (set_serial(cur, &have) == -1)
		return -1;
	return put_serial(v, origin, cur, serial);
}

