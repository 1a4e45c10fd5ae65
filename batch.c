/*
 * batch.c: the UPDATE path of a zone engine: the queue, evaluation of
 * queued UPDATEs on a view of the mirror, change batches sent to Route 53
 * as compare-and-swap, their outcomes, and waiting for INSYNC.
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
#define WAIT_MIN_MS	1000
#define WAIT_MAX_MS	15000

static struct upd_rr	 urr[UPD_RR_MAX];
static uint8_t		 uarena[UPD_ARENA];
static char		 vbuf[RDATA_R53_MAX * 4 + 16];

static void	change_done(void *, const struct r53_result *,
		    const struct r53_change_info *);

/* ---- answering ---- */

static void
recent_add(struct zone *z, const struct upd *u, int rcode)
{
	struct recent	*r;

	if (u->dklen == 0)
		return;
	r = &z->recent[z->rnext++ % ZONE_RECENT];
	memcpy(r->dkey, u->dkey, u->dklen);
	r->dklen = u->dklen;
	r->dhash = u->dhash;
	r->rcode = rcode;
	r->when = mono_ms();
}

static void
upd_free(struct upd *u)
{
	free(u->msg);
	free(u);
}

/* Answer an UPDATE and log it once: client, key, zone, what, outcome. */
static void
finish(struct zone *z, struct upd *u, int rcode, const char *change,
    const char *note)
{
	char		 cs[64];
	const char	*rn = rcode_name(rcode), *why = u->why;
	size_t		 rl = strlen(rn);

	/* dns/update.h reasons for failures start with the rcode. */
	if (strncmp(why, rn, rl) == 0 && why[rl] == ':' && why[rl + 1] == ' ')
		why += rl + 2;
	log_info("update %s key %s zone %s: %s: %s%s%s%s%s%s (%llu ms)",
	    client_str(&u->req.cl, cs, sizeof(cs)),
	    u->req.key[0] ? u->req.key : "-", z->name, rn,
	    why[0] ? why : "-", change ? ", change " : "",
	    change ? change : "", note ? ", " : "", note ? note : "",
	    u->answered ? ", answered SERVFAIL at update-timeout before" : "",
	    (unsigned long long)(mono_ms() - u->req.start));
	recent_add(z, u, rcode);
	if (!u->answered)
		serve_answer(&u->req, rcode);
	upd_free(u);
}

/* ---- taking UPDATEs ---- */

static void
dkey_of(struct upd *u)
{
	const struct client	*cl = &u->req.cl;
	uint8_t			*p = u->dkey;
	uint64_t		 h = 1469598103934665603ULL;
	size_t			 i;

	u->dklen = 0;
	if (cl->proto != CLIENT_UDP)
		return;
	if (cl->peer.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 =
		    (const struct sockaddr_in6 *)&cl->peer;
		memcpy(p, &s6->sin6_addr, 16);
		memcpy(p + 16, &s6->sin6_port, 2);
		p += 18;
	} else {
		const struct sockaddr_in *s4 =
		    (const struct sockaddr_in *)&cl->peer;
		memcpy(p, &s4->sin_addr, 4);
		memcpy(p + 4, &s4->sin_port, 2);
		p += 6;
	}
	*p++ = u->msg[0];
	*p++ = u->msg[1];
	if (u->req.tsig) {
		memcpy(p, u->req.ts.mac, u->req.ts.maclen);
		p += u->req.ts.maclen;
	} else {
		/* Unsigned: the message itself, hashed (FNV-1a). */
		for (i = 0; i < u->len; i++)
			h = (h ^ u->msg[i]) * 1099511628211ULL;
		memcpy(p, &h, sizeof(h));
		p += sizeof(h);
	}
	u->dklen = (size_t)(p - u->dkey);
	/* FNV-1a of the key: the queues are scanned comparing this. */
	for (h = 1469598103934665603ULL, i = 0; i < u->dklen; i++)
		h = (h ^ u->dkey[i]) * 1099511628211ULL;
	u->dhash = h;
}

static int
same_dkey(const struct upd *a, const struct upd *u)
{
	return a->dhash == u->dhash && a->dklen == u->dklen &&
	    u->dklen > 0 && memcmp(a->dkey, u->dkey, u->dklen) == 0;
}

static int
in_progress(const struct zone *z, const struct upd *u)
{
	const struct upd	*x;
	const struct waitchg	*w;

	for (x = z->q; x != NULL; x = x->next)
		if (same_dkey(x, u))
			return 1;
	for (x = z->b; x != NULL; x = x->next)
		if (same_dkey(x, u))
			return 1;
	for (w = z->w; w != NULL; w = w->next)
		for (x = w->upds; x != NULL; x = x->next)
			if (same_dkey(x, u))
				return 1;
	return 0;
}

void
zone_update(struct zone *z, struct dnsreq *req, const uint8_t *msg,
    size_t len)
{
	struct upd	*u;
	uint64_t	 now = mono_ms();
	size_t		 i;

	if (!z->loaded) {
		serve_answer(req, DNS_R_SERVFAIL);
		return;
	}
	if ((u = calloc(1, sizeof(*u))) == NULL ||
	    (u->msg = malloc(len)) == NULL) {
		free(u);
		log_warn("zone %s: update", z->name);
		serve_answer(req, DNS_R_SERVFAIL);
		return;
	}
	memcpy(u->msg, msg, len);
	u->len = len;
	u->req = *req;
	dkey_of(u);
	if (u->dklen > 0) {
		if (in_progress(z, u)) {
			log_debug("zone %s: retransmitted update joins the "
			    "one in progress", z->name);
			serve_forget(req);
			upd_free(u);
			return;
		}
		for (i = 0; i < ZONE_RECENT; i++) {
			struct recent *r = &z->recent[i];

			if (r->dhash == u->dhash && r->dklen == u->dklen &&
			    now - r->when < ZONE_RECENT_MS &&
			    memcmp(r->dkey, u->dkey, u->dklen) == 0) {
				log_debug("zone %s: retransmitted update "
				    "answered again", z->name);
				serve_answer(req, r->rcode);
				upd_free(u);
				return;
			}
		}
	}
	if (z->nq + z->nb >= z->zc->queue_limit) {
		snprintf(u->why, sizeof(u->why), "queue full (%u)",
		    z->zc->queue_limit);
		finish(z, u, DNS_R_REFUSED, NULL, NULL);
		return;
	}
	u->deadline = now + (uint64_t)z->zc->update_timeout * 1000;
	*z->qtail = u;
	z->qtail = &u->next;
	z->nq++;
	batch_kick(z);
}

/* ---- evaluation ---- */

struct allow_ctx {
	const struct zone	*z;
	const struct upd	*u;
};

static int
allow_cb(void *arg, const uint8_t *name, uint16_t type)
{
	struct allow_ctx	*a = arg;
	char			 t[DNS_NAME_TEXTMAX];

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

	if (dns_msg_parse(&m, u->msg, u->len) != DNS_PARSE_OK)
		return DNS_R_FORMERR;
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

static void
eval(struct zone *z, struct upd *u)
{
	struct upd_req		 r;
	struct upd_result	 res;
	struct allow_ctx	 a;
	int			 rc;

	memset(&r, 0, sizeof(r));
	u->changed = 0;
	if ((rc = parse_update(u, &r)) != DNS_R_NOERROR) {
		u->rcode = rc;
		snprintf(u->why, sizeof(u->why), "%s",
		    rc == DNS_R_FORMERR ? "malformed RDATA" :
		    "too large to evaluate");
		return;
	}
	a.z = z;
	a.u = u;
	r.origin = z->origin;
	r.zclass = DNS_C_IN;
	r.allow = allow_cb;
	r.allow_arg = &a;
	update_eval(&z->view, &r, &res);
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
 * The names u's prerequisites name that Route 53 has not confirmed since
 * u arrived, lowercased, into names[0..max); max + 1 when there are more.
 */
static size_t
stale_prereqs(const struct zone *z, const struct upd *u,
    uint8_t (*names)[DNS_NAME_MAX], size_t max)
{
	struct upd_req	 r;
	size_t		 n = 0, i, j;

	memset(&r, 0, sizeof(r));
	if (parse_update(u, &r) != DNS_R_NOERROR)
		return 0;
	for (i = 0; i < r.nprereq; i++) {
		if (zone_seen_since(z, r.prereq[i].name, u->req.start))
			continue;
		for (j = 0; j < n; j++)
			if (name_equal(names[j], r.prereq[i].name))
				break;
		if (j < n)
			continue;
		if (n == max)
			return max + 1;
		memcpy(names[n], r.prereq[i].name,
		    name_len(r.prereq[i].name, DNS_NAME_MAX));
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
 * Record u's "RRset exists" prerequisites as assertions of the batch.
 * Returns -1 when there is no room left (nothing recorded).
 */
static int
asrt_add(struct zone *z, const struct upd *u)
{
	struct upd_req		 r;
	struct zview		 base;
	const struct rrset	*sets[ZNODE_MAXSETS];
	size_t			 i, j, k, ns, n = z->nasrt;
	uint16_t		 type;

	memset(&r, 0, sizeof(r));
	if (parse_update(u, &r) != DNS_R_NOERROR)
		return 0;
	for (i = 0; i < r.nprereq; i++) {
		const struct upd_rr *p = &r.prereq[i];

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
 * Add a DELETE or CREATE of s at name.  Values are stored as offsets
 * into strs first and turned into pointers once strs stops moving.
 */
static int
ch_add(struct chlist *cl, enum r53_action act, const uint8_t *name,
    const struct rrset *s, const char ***vals, size_t *nvals)
{
	char		 nt[DNS_NAME_TEXTMAX], tt[RRTYPE_TEXTMAX];
	const char	*t;
	size_t		 i;

	if (cl->n >= cl->cap || name_to_r53(name, nt, sizeof(nt)) == -1)
		return -1;
	cl->c[cl->n].action = act;
	cl->c[cl->n].name = ch_str(cl, nt);
	cl->c[cl->n].type = ch_str(cl, rrtype_to_text(s->type, tt));
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
	const char	**vals, **vp;
	size_t		 cur, ntrans, nvals = 0, i;
	char		 comment[128];
	int		 pass, rv = -1;

	ntrans = zview_ntrans(&z->view);
	memset(&cl, 0, sizeof(cl));
	cl.cap = 2 * ntrans + 2 * z->nasrt;
	cl.scap = R53_BATCH_CHARS_MAX + 2 * 4096 + cl.cap *
	    (DNS_NAME_TEXTMAX + RRTYPE_TEXTMAX) + R53_BATCH_RECORDS_MAX * 2;
	cl.c = calloc(cl.cap ? cl.cap : 1, sizeof(*cl.c));
	cl.strs = malloc(cl.scap);
	vals = calloc(2 * R53_BATCH_RECORDS_MAX + 4, sizeof(*vals));
	if (cl.c == NULL || cl.strs == NULL || vals == NULL)
		goto out;
	vp = vals;
	for (pass = 0; pass < 2; pass++) {
		cur = 0;
		while (zview_trans_next(&z->view, &cur, &t)) {
			const struct rrset *s = pass == 0 ? t.old : t.new;

			if (s == NULL)
				continue;
			if (nvals + s->nrr > 2 * R53_BATCH_RECORDS_MAX + 4 ||
			    ch_add(&cl, pass == 0 ? R53_DELETE : R53_CREATE,
			    t.name, s, &vp, &nvals) == -1)
				goto out;
		}
		for (i = 0; i < z->nasrt; i++) {
			const struct rrset *s = asrt_set(z, &z->asrt[i]);

			if (s == NULL)
				continue;
			if (nvals + s->nrr > 2 * R53_BATCH_RECORDS_MAX + 4 ||
			    ch_add(&cl, pass == 0 ? R53_DELETE : R53_CREATE,
			    z->asrt[i].name, s, &vp, &nvals) == -1)
				goto out;
		}
	}
	snprintf(comment, sizeof(comment), "r53d: %zu update%s, serial %u",
	    z->nbchanged, z->nbchanged == 1 ? "" : "s", z->newserial);
	z->bsent = mono_ms();
	z->bop = r53_change(zone_r53, z->hzid, comment, cl.c, cl.n,
	    change_done, z);
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
static void
answer_batch(struct zone *z, const char *change)
{
	struct upd	*u;

	z->refused = 0;
	z->bcap = ZONE_BATCH_MAX;

	while ((u = z->b) != NULL) {
		z->b = u->next;
		finish(z, u, u->rcode, u->rcode == DNS_R_NOERROR &&
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
		eval(z, u);
		if (prereq_failed(u->rcode) && !u->fresh &&
		    (n = stale_prereqs(z, u, names, ZONE_REREAD_MAX)) > 0) {
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
		    (asrt_add(z, u) == -1 || !view_fits(z, &vrec, &vchr))) {
			zview_rollback(&z->view);
			z->nasrt = nasrt;
			if (z->nbchanged > 0)
				break;
			/* It does not fit even alone. */
			z->q = u->next;
			z->nq--;
			snprintf(u->why, sizeof(u->why), "too large for one "
			    "Route 53 change batch");
			finish(z, u, DNS_R_REFUSED, NULL, NULL);
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
		answer_batch(z, NULL);
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
		answer_batch(z, NULL);
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

/* Route 53 accepted the batch. */
static void
commit(struct zone *z, const struct r53_change_info *ci, const char *id)
{
	struct waitchg	*w = NULL;
	struct upd	*u, **up;
	struct ztrans	 t;
	size_t		 cur = 0;
	int		 wait;

	/* Route 53 applied the batch after it was sent. */
	while (zview_trans_next(&z->view, &cur, &t))
		zone_seen(z, t.name, z->bsent);
	if (zview_commit(&z->view) == -1) {
		log_warnx("zone %s: out of memory applying a batch; "
		    "reloading the zone", z->name);
		z->loaded = 0;
		z->state = ZS_LOAD;
		zone_schedule(z, 0);
	}
	zview_free(&z->view);
	/* Without a change ID (outcome found by reading back) no wait. */
	wait = z->zc->wait_insync && ci != NULL && ci->status != R53_INSYNC;
	if (wait && (w = calloc(1, sizeof(*w))) != NULL) {
		snprintf(w->id, sizeof(w->id), "%s", id);
		w->sent = z->bsent;
		/* Accepted UPDATEs that changed something wait for INSYNC. */
		for (up = &z->b; (u = *up) != NULL;) {
			if (u->rcode == DNS_R_NOERROR && u->changed) {
				*up = u->next;
				u->next = w->upds;
				w->upds = u;
			} else
				up = &u->next;
		}
		*z->wtail = w;
		z->wtail = &w->next;
		if (z->wop == 0 && z->wnext == 0) {
			z->wdelay = WAIT_MIN_MS;
			z->wnext = mono_ms() + z->wdelay;
		}
	}
	answer_batch(z, id);
	z->bstate = BS_IDLE;
	zone_backoff_reset(z);
}

/* Names named in Route 53's message ("name='x.'", "DNS name x."). */
static size_t
names_in_message(const char *msg, uint8_t (*out)[DNS_NAME_MAX], size_t max)
{
	const char	*p = msg, *q, *e;
	size_t		 n = 0, i;
	uint8_t		 nm[DNS_NAME_MAX];

	while (n < max && p != NULL && *p != '\0') {
		q = strstr(p, "name='");
		e = strstr(p, "DNS name ");
		if (q == NULL && e == NULL)
			break;
		if (q != NULL && (e == NULL || q < e)) {
			q += 6;
			e = strchr(q, '\'');
		} else {
			q = e + 9;
			e = strchr(q, ' ');
		}
		if (e == NULL)
			break;
		if (name_from_r53n(q, (size_t)(e - q), nm, NULL) == 0) {
			for (i = 0; i < n; i++)
				if (name_equal(out[i], nm))
					break;
			if (i == n)
				memcpy(out[n++], nm, sizeof(nm));
		}
		p = e;
	}
	return n;
}

/* Every name the batch touches. */
static size_t
names_in_view(const struct zone *z, uint8_t (*out)[DNS_NAME_MAX], size_t max)
{
	struct ztrans	t;
	size_t		cur = 0, n = 0;

	while (zview_trans_next(&z->view, &cur, &t)) {
		if (n > 0 && name_equal(out[n - 1], t.name))
			continue;
		if (n >= max)
			return max + 1;
		memcpy(out[n++], t.name, name_len(t.name, DNS_NAME_MAX));
	}
	return n;
}

/* Route 53 refused the batch as invalid. */
static void
refused(struct zone *z, const struct r53_result *res)
{
	uint8_t		 names[ZONE_REREAD_MAX + 1][DNS_NAME_MAX];
	size_t		 n;
	struct upd	*u, **up;

	if (!z->refused) {
		/*
		 * First refusal: the mirror may be stale (somebody else
		 * wrote).  Read the names again and evaluate again.
		 */
		log_info("zone %s: Route 53 refused the batch (%s: %s); "
		    "reading the names again", z->name, res->code,
		    res->message);
		z->refused = 1;
		n = names_in_message(res->message, names, ZONE_REREAD_MAX);
		if (n == 0)
			n = names_in_view(z, names, ZONE_REREAD_MAX);
		batch_requeue(z);
		zone_reread(z, (const uint8_t (*)[DNS_NAME_MAX])names, n);
		return;
	}
	if (z->nbchanged > 1) {
		/* Refused again on fresh data: split it. */
		z->bcap = z->nb / 2 > 0 ? z->nb / 2 : 1;
		log_info("zone %s: refused again; trying the first %zu of "
		    "%zu updates alone", z->name, z->bcap, z->nb);
		/* Names Route 53 names may have been written again. */
		n = names_in_message(res->message, names, ZONE_REREAD_MAX);
		batch_requeue(z);
		if (n > 0) {
			zone_reread(z, (const uint8_t (*)[DNS_NAME_MAX])names,
			    n);
			return;
		}
		batch_kick(z);
		return;
	}
	/* One UPDATE alone is refused: it fails; the others go on. */
	for (up = &z->b; (u = *up) != NULL; up = &u->next)
		if (u->rcode == DNS_R_NOERROR && u->changed)
			break;
	if (u != NULL) {
		*up = u->next;
		z->nb--;
		z->nbchanged--;
		snprintf(u->why + strlen(u->why), sizeof(u->why) -
		    strlen(u->why), "; Route 53: %s: %.300s", res->code,
		    res->message);
		finish(z, u, DNS_R_SERVFAIL, NULL, NULL);
	}
	z->btail = &z->b;
	for (u = z->b; u != NULL; u = u->next)
		z->btail = &u->next;
	z->refused = 0;
	z->bcap = ZONE_BATCH_MAX;
	batch_requeue(z);
	batch_kick(z);
}

/* Fail every UPDATE of the batch that changed something. */
static void
fail_batch(struct zone *z, const struct r53_result *res)
{
	struct upd	*u;

	for (u = z->b; u != NULL; u = u->next)
		if (u->rcode == DNS_R_NOERROR && u->changed) {
			u->rcode = DNS_R_SERVFAIL;
			snprintf(u->why + strlen(u->why), sizeof(u->why) -
			    strlen(u->why), "; Route 53: %s: %.300s",
			    res->code, res->message);
		}
	zview_free(&z->view);
	answer_batch(z, NULL);
	z->bstate = BS_IDLE;
}

static int
transient(const struct r53_result *res)
{
	return res->status >= 500 ||
	    strcmp(res->code, "Throttling") == 0 ||
	    strcmp(res->code, "PriorRequestNotComplete") == 0 ||
	    strcmp(res->code, "RequestExpired") == 0;
}

static void
change_done(void *arg, const struct r53_result *res,
    const struct r53_change_info *ci)
{
	struct zone	*z = arg;

	z->bop = 0;
	switch (res->outcome) {
	case R53_SUCCESS:
		log_debug("zone %s: change %s accepted (%s) in %llu ms",
		    z->name, ci->id, ci->status == R53_INSYNC ? "INSYNC" :
		    "PENDING", (unsigned long long)res->elapsed_ms);
		if (z->refused && z->bcap < ZONE_BATCH_MAX) {
			/* Part of a split batch went through. */
			z->bcap = ZONE_BATCH_MAX;
		}
		z->refused = 0;
		commit(z, ci, ci->id);
		batch_kick(z);
		break;
	case R53_UNKNOWN:
		log_warnx("zone %s: outcome of a change batch unknown (%s); "
		    "reading the SOA back", z->name, res->message);
		zone_check_soa(z);
		break;
	case R53_FAILURE:
		log_warnx("zone %s: change batch not sent: %s", z->name,
		    res->message);
		batch_requeue(z);
		zone_schedule(z, ZONE_BACKOFF_MIN);
		break;
	case R53_AWS_ERROR:
		if (strcmp(res->code, "InvalidChangeBatch") == 0 ||
		    strcmp(res->code, "InvalidInput") == 0)
			refused(z, res);
		else if (transient(res)) {
			batch_requeue(z);
			zone_schedule(z, ZONE_BACKOFF_MIN);
		} else {
			log_warnx("zone %s: change batch failed: %s: %s",
			    z->name, res->code, res->message);
			fail_batch(z, res);
			batch_kick(z);
		}
		break;
	}
}

/* After an unknown outcome, the SOA said whether it was applied. */
void
batch_checked(struct zone *z, int applied)
{
	if (applied) {
		log_info("zone %s: the batch with serial %u was applied",
		    z->name, z->newserial);
		commit(z, NULL, "(unknown id)");
	} else {
		log_info("zone %s: the batch with serial %u was not applied; "
		    "evaluating it again", z->name, z->newserial);
		z->bstate = BS_IDLE;
		batch_requeue(z);
		/* The SOA may have changed behind our back. */
		{
			uint8_t	names[1][DNS_NAME_MAX];

			memcpy(names[0], z->origin, sizeof(names[0]));
			zone_reread(z, (const uint8_t (*)[DNS_NAME_MAX])names,
			    1);
			return;
		}
	}
	batch_kick(z);
}

/* ---- INSYNC ---- */

static void
answer_waits(struct zone *z, struct waitchg *upto, const char *note)
{
	struct waitchg	*w;
	struct upd	*u;
	int		 last = 0;

	while (!last && (w = z->w) != NULL) {
		last = w == upto;
		z->w = w->next;
		if (z->w == NULL)
			z->wtail = &z->w;
		log_info("zone %s: change %s %s after %llu ms", z->name,
		    w->id, note, (unsigned long long)(mono_ms() - w->sent));
		while ((u = w->upds) != NULL) {
			w->upds = u->next;
			finish(z, u, DNS_R_NOERROR, w->id, note);
		}
		free(w);
	}
}

static void
getchange_done(void *arg, const struct r53_result *res,
    const struct r53_change_info *ci)
{
	struct zone	*z = arg;
	struct waitchg	*w;

	z->wop = 0;
	if (res->outcome == R53_SUCCESS && ci->status == R53_INSYNC) {
		for (w = z->w; w != NULL; w = w->next)
			if (strcmp(w->id, ci->id) == 0)
				break;
		answer_waits(z, w, "INSYNC");
		z->wnext = 0;
		if (z->w != NULL) {
			z->wdelay = WAIT_MIN_MS;
			z->wnext = mono_ms() + z->wdelay;
		}
		return;
	}
	if (res->outcome != R53_SUCCESS)
		log_warnx("zone %s: GetChange: %s %s", z->name, res->code,
		    res->message);
	z->wdelay = z->wdelay * 3 / 2;
	if (z->wdelay > WAIT_MAX_MS)
		z->wdelay = WAIT_MAX_MS;
	z->wnext = mono_ms() + z->wdelay;
}

/* ---- time ---- */

uint64_t
batch_deadline(const struct zone *z)
{
	const struct upd	*u;
	uint64_t		 d = 0;

	if (z->q != NULL)
		d = z->q->deadline;
	for (u = z->b; u != NULL; u = u->next)
		if (!u->answered && (d == 0 || u->deadline < d))
			d = u->deadline;
	if (z->wnext != 0 && (d == 0 || z->wnext < d))
		d = z->wnext;
	if (z->kick_at != 0 && (d == 0 || z->kick_at < d))
		d = z->kick_at;
	return d;
}

void
batch_timer(struct zone *z, uint64_t now)
{
	struct upd	*u, **up;
	struct waitchg	*w;

	if (z->kick_at != 0 && now >= z->kick_at)
		z->kick_at = 0;

	for (up = &z->q; (u = *up) != NULL;) {
		if (now >= u->deadline) {
			*up = u->next;
			z->nq--;
			snprintf(u->why, sizeof(u->why), "update-timeout "
			    "reached before it could be sent");
			finish(z, u, DNS_R_SERVFAIL, NULL, NULL);
		} else
			up = &u->next;
	}
	z->qtail = &z->q;
	for (u = z->q; u != NULL; u = u->next)
		z->qtail = &u->next;
	/*
	 * In a batch whose outcome Route 53 has not given by the deadline
	 * (retries, an unknown outcome being checked): SERVFAIL now, as
	 * update-timeout promises.  The batch goes on; finish() logs how
	 * it ended and answers no more.
	 */
	for (u = z->b; u != NULL; u = u->next)
		if (!u->answered && now >= u->deadline) {
			char	cs[64];

			log_info("update %s key %s zone %s: SERVFAIL: "
			    "update-timeout reached while Route 53 has not "
			    "answered; the batch goes on (%llu ms)",
			    client_str(&u->req.cl, cs, sizeof(cs)),
			    u->req.key[0] ? u->req.key : "-", z->name,
			    (unsigned long long)(now - u->req.start));
			u->answered = 1;
			serve_answer(&u->req, DNS_R_SERVFAIL);
		}
	/* Applied but not INSYNC by the deadline: answer anyway. */
	for (w = z->w; w != NULL; w = w->next)
		if (w->upds != NULL && now >= w->upds->deadline) {
			answer_waits(z, w, "not INSYNC before update-timeout");
			break;
		}
	if (z->w != NULL && z->wop == 0 && z->wnext != 0 && now >= z->wnext) {
		/* Poll the newest change: once it is INSYNC, all are. */
		for (w = z->w; w->next != NULL; w = w->next)
			;
		z->wnext = 0;
		z->wop = r53_get_change(zone_r53, w->id, getchange_done, z);
		if (z->wop == 0)
			z->wnext = now + WAIT_MAX_MS;
	}
	if (z->bstate == BS_IDLE)
		batch_kick(z);
}

/* The zone goes away: answer everything it holds. */
void
batch_drop_all(struct zone *z, int rcode)
{
	struct upd	*u;
	struct waitchg	*w;

	zview_free(&z->view);
	batch_requeue(z);
	while ((u = z->q) != NULL) {
		z->q = u->next;
		snprintf(u->why, sizeof(u->why), "zone removed");
		finish(z, u, rcode, NULL, NULL);
	}
	z->qtail = &z->q;
	z->nq = 0;
	while ((w = z->w) != NULL) {
		z->w = w->next;
		while ((u = w->upds) != NULL) {
			w->upds = u->next;
			finish(z, u, DNS_R_NOERROR, w->id, "zone removed");
		}
		free(w);
	}
	z->wtail = &z->w;
}
