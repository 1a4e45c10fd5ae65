/*
 * batch.c: evaluation of queued UPDATEs on a view of the mirror and the
 * change batch built from them: every changed RRset sent as DELETE old +
 * CREATE new (a compare-and-swap), within Route 53's batch limits, with
 * the SOA serial advanced.  What becomes of the batch is in outcome.c.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acl.h"
#include "aws/r53.h"
#include "conf.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrset.h"
#include "dns/rrtype.h"
#include "dns/update.h"
#include "log.h"
#include "loop.h"
#include "serve.h"
#include "zone.h"
#include "zone_impl.h"

#define UPD_RR_MAX	4096		/* RRs in one UPDATE */
#define UPD_ARENA	(512 * 1024)	/* names and RDATA of one UPDATE */
/* Room left in every batch for the SOA's DELETE and CREATE. */
#define SOA_RECORDS	2
#define SOA_CHARS	(2 * 1100)

static struct upd_rr	 urr[UPD_RR_MAX];
static uint8_t		 uarena[UPD_ARENA];
static char		 vbuf[RDATA_R53_MAX * 4 + 16];

/* ---- evaluation ---- */

struct allow_ctx {
	const struct zone	*z;
	const struct upd	*u;
	int			 scoped;	/* the key has grants */
};

/*
 * update_eval() asks only for owners inside the zone, which
 * grant_allows() refuses only when the key has grants of its own.
 */
static int
allow_cb(void *arg, const uint8_t *name, uint16_t type)
{
	struct allow_ctx	*a = arg;
	char			 t[DNS_NAME_TEXTMAX];

	if (!a->scoped)
		return 1;
	if (name_to_text(name, t, sizeof(t)) == -1)
		return 0;
	return grant_allows(a->z->zc, a->u->req.key[0] ? a->u->req.key :
	    NULL, t, type);
}

/* Parse the prerequisite and update sections into urr[] and uarena. */
static int
parse_update(const struct upd *u, struct upd_req *r)
{
	struct dns_msg		 m;
	struct dns_rr_iter	 it;
	struct dns_rr		 rr;
	size_t			 n = 0, used = 0, len;
	int			 sec, k;

	/*
	 * serve.c parsed these very bytes when the UPDATE came in; its
	 * result (section offsets and counts) is kept in u->req.hdr.
	 */
	m = u->req.hdr;
	m.buf = u->msg;
	m.len = u->len;
	for (sec = DNS_SEC_PREREQ; sec <= DNS_SEC_UPDATE; sec++) {
		if (sec == DNS_SEC_PREREQ)
			r->prereq = &urr[n];
		else
			r->update = &urr[n];
		dns_rr_iter_init(&it, &m, sec);
		while ((k = dns_rr_next(&it, &rr)) == 1) {
			if (n >= UPD_RR_MAX ||
			    used + rr.owner_len + rr.rdlen > UPD_ARENA)
				return DNS_R_REFUSED;
			memcpy(uarena + used, rr.owner, rr.owner_len);
			urr[n].name = uarena + used;
			used += rr.owner_len;
			urr[n].type = rr.type;
			urr[n].class = rr.class;
			urr[n].ttl = rr.ttl;
			urr[n].rdlen = 0;
			urr[n].rdata = NULL;
			if (rr.rdlen > 0) {
				if (dns_rr_rdata(&m, &rr, uarena + used,
				    UPD_ARENA - used, &len) == -1) {
					if (UPD_ARENA - used < RDATA_MAX)
						return DNS_R_REFUSED;
					return DNS_R_FORMERR;
				}
				if (rdata_canon(rr.type, uarena + used, len,
				    uarena + used, len) == -1)
					return DNS_R_FORMERR;
				urr[n].rdata = uarena + used;
				urr[n].rdlen = (uint16_t)len;
				used += len;
			}
			n++;
		}
		if (k == -1)
			return DNS_R_FORMERR;
		if (sec == DNS_SEC_PREREQ)
			r->nprereq = (size_t)(&urr[n] - r->prereq);
		else
			r->nupdate = (size_t)(&urr[n] - r->update);
	}
	return DNS_R_NOERROR;
}

/*
 * Evaluate u on the view.  *r keeps u's parsed sections (in urr[] and
 * uarena, valid until the next parse_update()) for stale_prereqs() and
 * asrt_add(); it is meaningful only when u->rcode is not FORMERR or
 * REFUSED from the parse itself, i.e. whenever those two are called.
 */
static void
eval(struct zone *z, struct upd *u, struct upd_req *r)
{
	struct upd_result	 res;
	struct allow_ctx	 a;
	int			 rc;

	memset(r, 0, sizeof(*r));
	u->changed = 0;
	if ((rc = parse_update(u, r)) != DNS_R_NOERROR) {
		u->rcode = rc;
		snprintf(u->why, sizeof(u->why), "%s",
		    rc == DNS_R_FORMERR ? "malformed RDATA" :
		    "too large to evaluate");
		return;
	}
	a.z = z;
	a.u = u;
	a.scoped = grant_scoped(z->zc, u->req.key[0] ? u->req.key : NULL);
	r->origin = z->origin;
	r->zclass = DNS_C_IN;
	r->allow = allow_cb;
	r->allow_arg = &a;
	update_eval(&z->view, r, &res);
	u->rcode = res.rcode;
	u->changed = res.changed;
	memcpy(u->why, res.reason, sizeof(u->why));
}

/* Prerequisite rcodes (RFC 2136 3.2): the answer depends on the data. */
static int
prereq_failed(int rcode)
{
	return rcode == DNS_R_NXDOMAIN || rcode == DNS_R_YXDOMAIN ||
	    rcode == DNS_R_YXRRSET || rcode == DNS_R_NXRRSET;
}

/*
 * The names u's prerequisites (r, as eval() parsed u) name that Route 53
 * has not confirmed since u arrived, lowercased, into names[0..max);
 * max + 1 when there are more.
 */
static size_t
stale_prereqs(const struct zone *z, const struct upd *u,
    const struct upd_req *r, uint8_t (*names)[DNS_NAME_MAX], size_t max)
{
	size_t		 n = 0, i, j;

	for (i = 0; i < r->nprereq; i++) {
		if (zone_seen_since(z, r->prereq[i].name, u->req.start))
			continue;
		for (j = 0; j < n; j++)
			if (name_equal(names[j], r->prereq[i].name))
				break;
		if (j < n)
			continue;
		if (n == max)
			return max + 1;
		memcpy(names[n], r->prereq[i].name,
		    name_len(r->prereq[i].name, DNS_NAME_MAX));
		name_lower(names[n]);
		n++;
	}
	return n;
}

/*
 * Prerequisites that an RRset exists (RFC 2136 2.4.1, 2.4.2) or that a
 * name is in use (2.4.4, through one of its RRsets) become part of the
 * compare-and-swap: the batch deletes and creates again, unchanged, each
 * such RRset it does not change anyway, so Route 53 refuses the batch
 * when somebody else changed that RRset since r53d read it.  (That a name
 * or RRset does not exist cannot be asserted that way; those
 * prerequisites rest on the mirror.)
 */

/* 1 if the view changes (name, type): its own DELETE covers it. */
static int
in_trans(const struct zone *z, const uint8_t *name, uint16_t type)
{
	return !rrset_same(zstore_get(z->view.base, name, type),
	    zview_get(&z->view, name, type));
}

/* The RRset an assertion stands for, or NULL when none is needed. */
static const struct rrset *
asrt_set(const struct zone *z, const struct zasrt *a)
{
	const struct rrset	*s;

	if (in_trans(z, a->name, a->type))
		return NULL;
	s = zstore_get(z->view.base, a->name, a->type);
	if (s == NULL || (s->flags & RRSET_OPAQUE) || s->nrr == 0)
		return NULL;
	return s;
}

/*
 * Record the "RRset exists" prerequisites of r (an UPDATE as eval()
 * parsed it) as assertions of the batch.  Returns -1 when there is no
 * room left (nothing recorded).
 */
static int
asrt_add(struct zone *z, const struct upd_req *r)
{
	struct zview		 base;
	const struct rrset	*sets[ZNODE_MAXSETS];
	size_t			 i, j, k, ns, n = z->nasrt;
	uint16_t		 type;

	for (i = 0; i < r->nprereq; i++) {
		const struct upd_rr *p = &r->prereq[i];

		if (p->class != DNS_C_ANY && p->class != DNS_C_IN)
			continue;
		type = p->type;
		if (type == DNS_T_ANY) {
			if (p->class != DNS_C_ANY)
				continue;
			/* Name in use: any one of its RRsets will do. */
			zview_init(&base, z->view.base);
			ns = zview_sets(&base, p->name, sets, ZNODE_MAXSETS);
			for (k = 0; k < ns; k++)
				if (!(sets[k]->flags & RRSET_OPAQUE) &&
				    sets[k]->nrr > 0)
					break;
			type = k < ns ? sets[k]->type : 0;
			zview_free(&base);
			if (type == 0)
				continue;
		}
		for (j = 0; j < n; j++)
			if (z->asrt[j].type == type &&
			    name_equal(z->asrt[j].name, p->name))
				break;
		if (j < n)
			continue;
		if (n == ZONE_ASRT_MAX)
			return -1;
		memcpy(z->asrt[n].name, p->name, name_len(p->name,
		    DNS_NAME_MAX));
		name_lower(z->asrt[n].name);
		z->asrt[n].type = type;
		n++;
	}
	z->nasrt = n;
	return 0;
}

/* Route 53 text of one RR: the text Route 53 listed, or ours. */
static const char *
rr_text(uint16_t type, const struct rr *rr, char *buf, size_t cap)
{
	if (rr->text != NULL)
		return rr->text;
	if (rdata_to_r53(type, rr->rdata, rr->len, buf, cap) < 0)
		return NULL;
	return buf;
}

static int
set_cost(const struct rrset *s, size_t *records, size_t *chars)
{
	const char	*t;
	size_t		 i;

	if (s == NULL)
		return 0;
	for (i = 0; i < s->nrr; i++) {
		if ((t = rr_text(s->type, &s->rr[i], vbuf,
		    sizeof(vbuf))) == NULL)
			return -1;
		*chars += strlen(t);
	}
	*records += s->nrr;
	return 0;
}

/*
 * 1 if the changes in the view fit one ChangeBatch with the SOA's.
 * *vrec and *vchr hold the cost of the view's transitions at the
 * savepoint; when the view fits they become the cost now.  Only the
 * RRsets the group since the savepoint touched are costed again (a
 * transition costs its old and its new RRset), so building a batch stays
 * linear in its size.
 */
static int
view_fits(const struct zone *z, size_t *vrec, size_t *vchr)
{
	struct ztrans		 t;
	const struct rrset	*saved;
	size_t			 cur = 0, records, chars, trec, tchr;
	size_t			 br = 0, bc = 0, ar = 0, ac = 0;
	int			 before, after;

	size_t		 i;

	while (zview_group_next(&z->view, &cur, &t, &saved)) {
		before = !rrset_same(t.old, saved);
		after = !rrset_same(t.old, t.new);
		/* The old RRset's cost is in both or in neither. */
		if ((before != after && set_cost(t.old, before ? &br : &ar,
		    before ? &bc : &ac) == -1) ||
		    (before && set_cost(saved, &br, &bc) == -1) ||
		    (after && set_cost(t.new, &ar, &ac) == -1))
			return 0;
	}
	/* br, bc: what the group replaced, part of the totals. */
	records = trec = *vrec + ar - br;
	chars = tchr = *vchr + ac - bc;
	for (i = 0; i < z->nasrt; i++) {
		const struct rrset *s = asrt_set(z, &z->asrt[i]);

		if (set_cost(s, &records, &chars) == -1 ||
		    set_cost(s, &records, &chars) == -1)
			return 0;
	}
	if (records + SOA_RECORDS > R53_BATCH_RECORDS_MAX ||
	    chars + SOA_CHARS > R53_BATCH_CHARS_MAX)
		return 0;
	*vrec = trec;
	*vchr = tchr;
	return 1;
}

/* ---- building and sending a batch ---- */

struct chlist {
	struct r53_change	*c;
	size_t			 n, cap;
	char			*strs;		/* every string, one block */
	size_t			 used, scap;
};

static const char *
ch_str(struct chlist *cl, const char *s)
{
	size_t	n = strlen(s) + 1;
	char	*p;

	if (cl->used + n > cl->scap)
		return NULL;
	p = cl->strs + cl->used;
	memcpy(p, s, n);
	cl->used += n;
	return p;
}

/*
 * Add a DELETE or CREATE of s at name; *rname is name's Route 53
 * text in strs, made here if NULL.  strs never moves, so the change
 * list points into it.
 */
static int
ch_add(struct chlist *cl, enum r53_action act, const uint8_t *name,
    const char **rname, const struct rrset *s, const char ***vals,
    size_t *nvals)
{
	char		 nt[DNS_NAME_TEXTMAX], tt[RRTYPE_TEXTMAX];
	const char	*t;
	size_t		 i;

	if (cl->n >= cl->cap)
		return -1;
	/* The owner's text, made at its DELETE, serves its CREATE too. */
	if (*rname == NULL) {
		if (name_to_r53(name, nt, sizeof(nt)) == -1)
			return -1;
		*rname = ch_str(cl, nt);
	}
	cl->c[cl->n].action = act;
	cl->c[cl->n].name = *rname;
	/* A known type's name is a constant string: no copy. */
	if ((t = rrtype_name(s->type)) == NULL)
		t = ch_str(cl, rrtype_to_text(s->type, tt));
	cl->c[cl->n].type = t;
	cl->c[cl->n].ttl = s->ttl;
	cl->c[cl->n].values = *vals;
	cl->c[cl->n].nvalues = s->nrr;
	if (cl->c[cl->n].name == NULL || cl->c[cl->n].type == NULL)
		return -1;
	for (i = 0; i < s->nrr; i++) {
		if ((t = rr_text(s->type, &s->rr[i], vbuf,
		    sizeof(vbuf))) == NULL || (t = ch_str(cl, t)) == NULL)
			return -1;
		(*vals)[i] = t;
	}
	*vals += s->nrr;
	*nvals += s->nrr;
	cl->n++;
	return 0;
}

/* Send the view's transitions: every DELETE first, then every CREATE. */
static int
send_batch(struct zone *z)
{
	struct chlist	 cl;
	struct ztrans	 t;
	const char	**vals, **vp, **names = NULL;
	size_t		 cur, ntrans, nvals = 0, i, k;
	char		 comment[128];
	int		 pass, rv = -1;

	ntrans = zview_ntrans(&z->view);
	memset(&cl, 0, sizeof(cl));
	cl.cap = 2 * ntrans + 2 * z->nasrt;
	cl.scap = R53_BATCH_CHARS_MAX + 2 * 4096 + cl.cap *
	    (DNS_NAME_TEXTMAX + RRTYPE_TEXTMAX) + R53_BATCH_RECORDS_MAX * 2;
	/* Every entry used is written first: no need to clear them. */
	cl.c = reallocarray(NULL, cl.cap ? cl.cap : 1, sizeof(*cl.c));
	cl.strs = malloc(cl.scap);
	vals = reallocarray(NULL, 2 * R53_BATCH_RECORDS_MAX + 4,
	    sizeof(*vals));
	/* Owner texts by transition (both passes list them in one order). */
	names = calloc(ntrans + z->nasrt + 1, sizeof(*names));
	if (cl.c == NULL || cl.strs == NULL || vals == NULL || names == NULL)
		goto out;
	vp = vals;
	for (pass = 0; pass < 2; pass++) {
		cur = 0;
		for (k = 0; zview_trans_next(&z->view, &cur, &t); k++) {
			const struct rrset *s = pass == 0 ? t.old : t.new;

			if (s == NULL)
				continue;
			if (k >= ntrans ||
			    nvals + s->nrr > 2 * R53_BATCH_RECORDS_MAX + 4 ||
			    ch_add(&cl, pass == 0 ? R53_DELETE : R53_CREATE,
			    t.name, &names[k], s, &vp, &nvals) == -1)
				goto out;
		}
		for (i = 0; i < z->nasrt; i++) {
			const struct rrset *s = asrt_set(z, &z->asrt[i]);

			if (s == NULL)
				continue;
			if (nvals + s->nrr > 2 * R53_BATCH_RECORDS_MAX + 4 ||
			    ch_add(&cl, pass == 0 ? R53_DELETE : R53_CREATE,
			    z->asrt[i].name, &names[ntrans + i], s, &vp,
			    &nvals) == -1)
				goto out;
		}
	}
	snprintf(comment, sizeof(comment), "r53d: %zu update%s, serial %u",
	    z->nbchanged, z->nbchanged == 1 ? "" : "s", z->newserial);
	z->bsent = mono_ms();
	z->bop = r53_change(zone_r53, z->hzid, comment, cl.c, cl.n,
	    batch_done, z);
	if (z->bop != 0) {
		z->bstate = BS_SENT;
		rv = 0;
		log_debug("zone %s: sending %zu changes for %zu updates, "
		    "serial %u", z->name, cl.n, z->nb, z->newserial);
	}
out:
	for (i = 0; i < cl.n; i++)
		cl.c[i].values = NULL;
	free(cl.c);
	free(cl.strs);
	free(vals);
	free(names);
	return rv;
}

/* The view's SOA serial (0 is a serial too): 0, or -1 without an SOA. */
static int
view_serial(const struct zone *z, uint32_t *serial)
{
	const struct rrset	*s;
	const uint8_t		*p;
	int			 off;

	s = zview_get(&z->view, z->origin, DNS_T_SOA);
	if (s == NULL || s->nrr != 1 ||
	    (off = soa_serial_off(s->rr[0].rdata, s->rr[0].len)) < 0)
		return -1;
	p = s->rr[0].rdata + off;
	*serial = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	return 0;
}

/*
 * Answer every UPDATE of the batch with its own rcode.  The batch is over
 * whichever way it ended (applied, found applied, nothing left to send
 * after a refusal, failed): a refusal of the next one is a first one.
 */
void
batch_answer(struct zone *z, const char *change)
{
	struct upd	*u;

	z->refused = 0;
	z->bcap = ZONE_BATCH_MAX;

	while ((u = z->b) != NULL) {
		z->b = u->next;
		upd_finish(z, u, u->rcode, u->rcode == DNS_R_NOERROR &&
		    u->changed ? change : NULL, NULL);
	}
	z->btail = &z->b;
	z->nb = z->nbchanged = 0;
}

/*
 * Build the next batch from the queue if the engine is idle: evaluate
 * queued UPDATEs in order on the view while they fit, then send.
 */
void
batch_kick(struct zone *z)
{
	uint8_t		 names[ZONE_REREAD_MAX + 1][DNS_NAME_MAX];
	struct upd_req	 r;
	struct upd	*u;
	uint64_t	 now;
	size_t		 vrec = 0, vchr = 0, n, nasrt;
	int		 policy;

	if (z->state != ZS_READY || !z->loaded || z->bstate != BS_IDLE ||
	    z->op != 0 || z->q == NULL || z->retry_at != 0)
		return;
	/*
	 * Not before the batch can go: UPDATEs that arrive while the token
	 * bucket refills join it instead of waiting for the next one.
	 */
	now = mono_ms();
	if ((z->kick_at = r53_send_at(zone_r53, now)) > now)
		return;
	z->kick_at = 0;
	zview_init(&z->view, &z->mirror);
	z->nb = z->nbchanged = 0;
	z->nasrt = 0;
	while ((u = z->q) != NULL && z->nb < z->bcap &&
	    z->nb < ZONE_BATCH_MAX && (z->zc->coalesce || z->nb == 0)) {
		zview_begin(&z->view);
		eval(z, u, &r);
		if (prereq_failed(u->rcode) && !u->fresh &&
		    (n = stale_prereqs(z, u, &r, names,
		    ZONE_REREAD_MAX)) > 0) {
			/*
			 * It failed on data Route 53 has not confirmed since
			 * it arrived: somebody else may have changed it.
			 * Read those names again, then evaluate it again.
			 * eval() rolled the view back already.
			 */
			if (z->nb > 0)
				break;
			u->fresh = 1;
			zview_free(&z->view);
			log_debug("zone %s: %s; reading %zu name%s again",
			    z->name, u->why, n, n == 1 ? "" : "s");
			zone_reread(z, (const uint8_t (*)[DNS_NAME_MAX])names,
			    n);
			return;
		}
		nasrt = z->nasrt;
		if (u->rcode == DNS_R_NOERROR && u->changed &&
		    (asrt_add(z, &r) == -1 || !view_fits(z, &vrec, &vchr))) {
			zview_rollback(&z->view);
			z->nasrt = nasrt;
			if (z->nbchanged > 0)
				break;
			/* It does not fit even alone. */
			z->q = u->next;
			z->nq--;
			snprintf(u->why, sizeof(u->why), "too large for one "
			    "Route 53 change batch");
			upd_finish(z, u, DNS_R_REFUSED, NULL, NULL);
			continue;
		}
		if (u->rcode == DNS_R_NOERROR && u->changed)
			z->nbchanged++;
		z->q = u->next;
		z->nq--;
		u->next = NULL;
		*z->btail = u;
		z->btail = &u->next;
		z->nb++;
	}
	if (z->q == NULL)
		z->qtail = &z->q;
	if (z->nb == 0) {
		zview_free(&z->view);
		return;
	}
	if (z->nbchanged == 0 || zview_ntrans(&z->view) == 0) {
		/* Nothing to send: answer now. */
		zview_free(&z->view);
		batch_answer(z, NULL);
		batch_kick(z);
		return;
	}
	zview_begin(&z->view);
	policy = z->zc->serial_policy == SERIAL_UNIXTIME ?
	    UPD_SERIAL_UNIXTIME : UPD_SERIAL_INCREMENT;
	if (update_bump_serial(&z->view, z->origin, policy,
	    time(NULL)) == -1 || view_serial(z, &z->newserial) == -1 ||
	    send_batch(z) == -1) {
		log_warnx("zone %s: cannot build a change batch", z->name);
		zview_free(&z->view);
		for (u = z->b; u != NULL; u = u->next)
			if (u->rcode == DNS_R_NOERROR && u->changed) {
				u->rcode = DNS_R_SERVFAIL;
				snprintf(u->why, sizeof(u->why), "cannot "
				    "build a change batch");
			}
		batch_answer(z, NULL);
		return;
	}
}

/* Put the batch back at the head of the queue, view emptied. */
void
batch_requeue(struct zone *z)
{
	if (z->b != NULL) {
		*z->btail = z->q;
		if (z->q == NULL)
			z->qtail = z->btail;
		z->q = z->b;
		z->nq += z->nb;
		z->b = NULL;
		z->btail = &z->b;
	}
	z->nb = z->nbchanged = 0;
	zview_free(&z->view);
	zview_init(&z->view, &z->mirror);
	if (z->bstate != BS_REREAD && z->bstate != BS_RELOAD)
		z->bstate = BS_IDLE;
}
