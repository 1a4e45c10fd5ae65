/*
 * upd.c: the UPDATE producer of a zone.  See upd.h.
 *
 * An UPDATE is a struct upd holding its message, its request (to answer)
 * and, first, its unit of the write pipeline.  It is on the zone's list
 * of held UPDATEs from upd_take() until it is answered and freed.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "batch.h"
#include "conf.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrset.h"
#include "dns/update.h"
#include "dns/fmt.h"
#include "log.h"
#include "loop.h"
#include "mirror.h"
#include "serve.h"
#include "upd.h"

#define UPD_RR_MAX	4096		/* RRs in one UPDATE */
#define UPD_ARENA	(512 * 1024)	/* names and RDATA of one UPDATE */

struct upd {
	struct bunit	 unit;		/* first: the pipeline's view of it */
	struct updq	*q;
	struct upd	*prev, *next;	/* the zone's held UPDATEs */
	struct dnsreq	 req;
	uint8_t		*msg;		/* the UPDATE as received */
	size_t		 len;
	uint64_t	 deadline;	/* monotonic ms */
	int		 rcode;		/* of the last evaluation */
	int		 changed;	/* RRsets it changed then */
	char		 why[UPDATE_REASON_MAX];
	int		 answered;	/* SERVFAIL sent at its deadline
					   while in a batch: req is spent */
	int		 counted;	/* in inflight[] */
	int		 held;		/* counted in nheld */
	uint8_t		 dkey[UPD_DKEY_MAX];	/* unsigned UDP only */
	size_t		 dklen;
	uint64_t	 dhash;
};

static enum bapply	upd_apply(struct bunit *, struct bctx *);
static int		upd_done(struct bunit *, const struct bend *);

static const struct bunit_ops upd_ops = { upd_apply, upd_done };

static struct upd_rr	 urr[UPD_RR_MAX];
static uint8_t		 uarena[UPD_ARENA];

void
upd_init(struct updq *q, const char *name, const uint8_t *origin,
    const struct zone_conf **zc, struct batch *b, struct mirror *m)
{
	memset(q, 0, sizeof(*q));
	q->name = name;
	q->origin = origin;
	q->zc = zc;
	q->batch = b;
	q->mirror = m;
}

/* ---- answering ---- */

static void
recent_add(struct updq *q, const struct upd *u, int rcode)
{
	struct upd_recent	*r;

	if (u->dklen == 0)
		return;
	r = &q->recent[u->dhash % UPD_RECENT];
	memcpy(r->dkey, u->dkey, u->dklen);
	r->dklen = u->dklen;
	r->dhash = u->dhash;
	r->rcode = rcode;
	r->when = loop_now();
}

/* The log line of one UPDATE, built without stdio; cut at the end. */
struct line {
	char	b[1024];
	size_t	n;
};

static void
line_put(struct line *l, const char *s, size_t n)
{
	if (n > sizeof(l->b) - 1 - l->n)
		n = sizeof(l->b) - 1 - l->n;
	memcpy(l->b + l->n, s, n);
	l->n += n;
	l->b[l->n] = '\0';
}

static void
line_puts(struct line *l, const char *s)
{
	line_put(l, s, strlen(s));
}

static void
line_u64(struct line *l, uint64_t v)
{
	char	b[FMT_U64_MAX], *p = fmt_u64(b + sizeof(b), v);

	line_put(l, p, (size_t)(b + sizeof(b) - p));
}

/*
 * Answer an UPDATE and log it once: client, key, zone, what, outcome;
 * then free it.  It must be out of the pipeline.
 */
static void
finish(struct upd *u, int rcode, const char *change, const char *note)
{
	struct updq	*q = u->q;
	struct line	 l;
	char		 cs[64];
	const char	*rn = dns_rcode_name(rcode), *why = u->why;
	size_t		 rl = strlen(rn);

	/* dns/update.h reasons for failures start with the rcode. */
	if (strncmp(why, rn, rl) == 0 && why[rl] == ':' && why[rl + 1] == ' ')
		why += rl + 2;
	l.n = 0;
	line_puts(&l, "update ");
	line_puts(&l, listen_client_str(&u->req.cl, cs, sizeof(cs)));
	line_puts(&l, " key ");
	line_puts(&l, u->req.key[0] ? u->req.key : "-");
	line_puts(&l, " zone ");
	line_puts(&l, q->name);
	line_puts(&l, ": ");
	line_put(&l, rn, rl);
	line_puts(&l, ": ");
	line_puts(&l, why[0] ? why : "-");
	if (change != NULL) {
		line_puts(&l, ", change ");
		line_puts(&l, change);
	}
	if (note != NULL) {
		line_puts(&l, ", ");
		line_puts(&l, note);
	}
	if (u->answered)
		line_puts(&l, ", answered SERVFAIL at update-timeout before");
	line_puts(&l, " (");
	line_u64(&l, loop_now() - u->req.start);
	line_puts(&l, " ms)");
	log_infoline(l.b);
	recent_add(q, u, rcode);
	if (u->counted)
		q->inflight[u->dhash % UPD_INFLIGHT]--;
	if (u->held)
		q->nheld--;
	if (!u->answered)
		serve_answer(&u->req, rcode);
	if (u->prev != NULL)
		u->prev->next = u->next;
	else if (q->head == u)
		q->head = u->next;
	if (u->next != NULL)
		u->next->prev = u->prev;
	else if (q->tail == u)
		q->tail = u->prev;
	free(u);	/* the message lives in the same block */
}

/* Append Route 53's reason for a failure to the UPDATE's. */
static void
why_route53(struct upd *u, const char *code, const char *msg)
{
	size_t	n = strlen(u->why);

	snprintf(u->why + n, sizeof(u->why) - n, "; Route 53: %s%s%.300s",
	    code, *code != '\0' ? ": " : "", msg);
}

/* The pipeline tells how the UPDATE ended. */
static int
upd_done(struct bunit *unit, const struct bend *e)
{
	struct upd		*u = (struct upd *)unit;
	const struct zone_conf	*zc = *u->q->zc;
	int			 applied = u->rcode == DNS_R_NOERROR &&
				    u->changed;

	if (u->held && e->how != BE_INSYNC) {
		u->held = 0;
		u->q->nheld--;
	}
	switch (e->how) {
	case BE_APPLIED:
		if (applied && e->track && zc->wait_insync && !u->answered)
			return 1;	/* answered at INSYNC */
		finish(u, u->rcode, applied ? e->change : NULL, NULL);
		break;
	case BE_INSYNC:
		finish(u, DNS_R_NOERROR, e->change, "INSYNC");
		break;
	case BE_FAILED:
	case BE_REFUSED:
		why_route53(u, e->code, e->message);
		finish(u, DNS_R_SERVFAIL, NULL, NULL);
		break;
	case BE_TOOLARGE:
		snprintf(u->why, sizeof(u->why), "%s", e->message);
		finish(u, DNS_R_REFUSED, NULL, NULL);
		break;
	case BE_NOTBUILT:
		snprintf(u->why, sizeof(u->why), "%s", e->message);
		finish(u, DNS_R_SERVFAIL, NULL, NULL);
		break;
	case BE_DROPPED:
		if (e->change != NULL)
			finish(u, DNS_R_NOERROR, e->change, e->message);
		else {
			snprintf(u->why, sizeof(u->why), "%s", e->message);
			finish(u, DNS_R_SERVFAIL, NULL, NULL);
		}
		break;
	}
	return 0;
}

/* ---- evaluation ---- */

struct allow_ctx {
	const struct zone_conf	*zc;
	const struct upd	*u;
	int			 scoped;	/* the key has grants */
};

/*
 * update_eval() asks only for owners inside the zone, which
 * acl_grant_allows() refuses only when the key has grants of its own.
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
	return acl_grant_allows(a->zc, a->u->req.key[0] ? a->u->req.key : NULL,
	    t, type);
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

/* Prerequisite rcodes (RFC 2136 3.2): the answer depends on the data. */
static int
prereq_failed(int rcode)
{
	return rcode == DNS_R_NXDOMAIN || rcode == DNS_R_YXDOMAIN ||
	    rcode == DNS_R_YXRRSET || rcode == DNS_R_NXRRSET;
}

/*
 * Ask for the names u's prerequisites (r) name that Route 53 has not
 * confirmed since u arrived.  Returns how many were asked for.
 */
static size_t
stale_prereqs(const struct upd *u, const struct upd_req *r, struct bctx *c)
{
	const struct mirror	*m = batch_mirror(c);
	size_t			 n = 0, i;

	for (i = 0; i < r->nprereq; i++) {
		if (mirror_seen_since(m, r->prereq[i].name, u->req.start))
			continue;
		if (batch_reread(c, r->prereq[i].name) != 0)
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
 * prerequisites rest on the mirror.)  -1 when the batch has no room.
 */
static int
assert_prereqs(const struct upd_req *r, struct bctx *c)
{
	const struct mirror	*m = batch_mirror(c);
	struct zview		 base;
	const struct rrset	*sets[ZNODE_MAXSETS];
	size_t			 i, k, ns;
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
			zview_init(&base, (struct zstore *)(uintptr_t)
			    &m->store);
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
		if (batch_assert(c, p->name, type) == -1)
			return -1;
	}
	return 0;
}

/*
 * Partial mode (inetd): the names the UPDATE touches that the mirror has
 * not read yet are asked for (batch_reread()).  Returns how many.
 */
static size_t
unknown_names(const struct upd_req *r, struct bctx *c)
{
	const struct mirror	*m = batch_mirror(c);
	size_t			 n = 0, i;

	for (i = 0; i < r->nprereq + r->nupdate; i++) {
		const uint8_t *nm = i < r->nprereq ? r->prereq[i].name :
		    r->update[i - r->nprereq].name;

		/* Outside the zone: NOTZONE, nothing to read. */
		if (!name_is_sub(nm, r->origin) || mirror_known(m, nm))
			continue;
		if (batch_reread(c, nm) != 0)
			n++;
	}
	return n;
}

/* Evaluate the UPDATE on the pipeline's view. */
static enum bapply
upd_apply(struct bunit *unit, struct bctx *c)
{
	struct upd		*u = (struct upd *)unit;
	const struct zone_conf	*zc = *u->q->zc;
	struct upd_req		 r;
	struct upd_result	 res;
	struct allow_ctx	 a;
	size_t			 n;
	int			 rc;

	memset(&r, 0, sizeof(r));
	u->changed = 0;
	if ((rc = parse_update(u, &r)) != DNS_R_NOERROR) {
		u->rcode = rc;
		snprintf(u->why, sizeof(u->why), "%s",
		    rc == DNS_R_FORMERR ? "malformed RDATA" :
		    "too large to evaluate");
		return BA_UNCHANGED;
	}
	a.zc = zc;
	a.u = u;
	a.scoped = acl_grant_scoped(zc, u->req.key[0] ? u->req.key : NULL);
	r.origin = u->q->origin;
	r.zclass = DNS_C_IN;
	r.allow = allow_cb;
	r.allow_arg = &a;
	r.dhcid = batch_mirror(c)->dhcid;
	if ((n = unknown_names(&r, c)) > 0) {
		log_debug("zone %s: reading %zu name%s the update touches",
		    u->q->name, n, n == 1 ? "" : "s");
		return BA_REREAD;
	}
	update_eval(batch_view(c), &r, &res);
	u->rcode = res.rcode;
	u->changed = res.changed;
	memcpy(u->why, res.reason, sizeof(u->why));
	if (prereq_failed(u->rcode) && !u->unit.reread &&
	    (n = stale_prereqs(u, &r, c)) > 0) {
		/*
		 * It failed on data Route 53 has not confirmed since it
		 * arrived: somebody else may have changed it.  Those names
		 * are read again, then it is evaluated again.
		 */
		log_debug("zone %s: %s; reading %zu name%s again",
		    u->q->name, u->why, n, n == 1 ? "" : "s");
		return BA_REREAD;
	}
	if (u->rcode != DNS_R_NOERROR || !u->changed)
		return BA_UNCHANGED;
	if (assert_prereqs(&r, c) == -1)
		return BA_FULL;
	return BA_CHANGED;
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
	/*
	 * Signed UPDATEs are recognised by key and MAC wherever they come
	 * from (replay.h), before they get here.
	 */
	if (cl->proto != CLIENT_UDP || u->req.tsig)
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
	/* The message itself, hashed (FNV-1a). */
	for (i = 0; i < u->len; i++)
		h = (h ^ u->msg[i]) * 1099511628211ULL;
	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	u->dklen = (size_t)(p - u->dkey);
	/* FNV-1a of the key: the list is scanned comparing this. */
	for (h = 1469598103934665603ULL, i = 0; i < u->dklen; i++)
		h = (h ^ u->dkey[i]) * 1099511628211ULL;
	u->dhash = h;
}

static int
in_progress(const struct updq *q, const struct upd *u)
{
	const struct upd	*x;

	if (q->inflight[u->dhash % UPD_INFLIGHT] == 0)
		return 0;
	for (x = q->head; x != NULL; x = x->next)
		if (x->dhash == u->dhash && x->dklen == u->dklen &&
		    memcmp(x->dkey, u->dkey, u->dklen) == 0)
			return 1;
	return 0;
}

void
upd_take(struct updq *q, struct dnsreq *req, const uint8_t *msg, size_t len)
{
	const struct zone_conf	*zc = *q->zc;
	struct upd		*u;
	struct upd_recent	*r;
	uint64_t		 now = loop_now();

	/*
	 * One block for the struct and the message.  Not calloc(): struct
	 * upd is large; each field is set below.
	 */
	if (len > DNS_MSG_MAX || (u = malloc(sizeof(*u) + len)) == NULL) {
		log_warn("zone %s: update", q->name);
		serve_answer(req, DNS_R_SERVFAIL);
		return;
	}
	u->unit.next = NULL;
	u->unit.ops = &upd_ops;
	u->unit.where = BU_NONE;
	u->unit.changed = 0;
	u->unit.reread = 0;
	u->q = q;
	u->msg = (uint8_t *)(u + 1);
	u->deadline = 0;
	u->rcode = DNS_R_NOERROR;
	u->changed = 0;
	u->why[0] = '\0';
	u->answered = 0;
	u->counted = 0;
	u->held = 0;
	u->dklen = 0;
	u->dhash = 0;
	memcpy(u->msg, msg, len);
	u->len = len;
	u->req = *req;
	if (q->mirror->loaded || q->mirror->partial) {
		dkey_of(u);
		if (u->dklen > 0 && in_progress(q, u)) {
			log_debug("zone %s: retransmitted update joins the "
			    "one in progress", q->name);
			serve_forget(req);
			free(u);
			return;
		}
		r = &q->recent[u->dhash % UPD_RECENT];
		if (u->dklen > 0 && r->dhash == u->dhash &&
		    r->dklen == u->dklen && now - r->when < UPD_RECENT_MS &&
		    memcmp(r->dkey, u->dkey, u->dklen) == 0) {
			log_debug("zone %s: retransmitted update answered "
			    "again", q->name);
			serve_answer(req, r->rcode);
			free(u);
			return;
		}
	}
	/* On the list from now on: finish() takes it off. */
	u->next = NULL;
	u->prev = q->tail;
	if (q->tail != NULL)
		q->tail->next = u;
	else
		q->head = u;
	q->tail = u;
	if (!q->mirror->loaded && !q->mirror->partial) {
		/* Loading, or reloading after a SIGHUP: logged like any. */
		snprintf(u->why, sizeof(u->why), "the zone is not loaded "
		    "from Route 53 yet");
		finish(u, DNS_R_SERVFAIL, NULL, NULL);
		return;
	}
	if (q->nheld >= zc->queue_limit) {
		snprintf(u->why, sizeof(u->why), "queue full (%u)",
		    zc->queue_limit);
		finish(u, DNS_R_REFUSED, NULL, NULL);
		return;
	}
	u->deadline = now + (uint64_t)zc->update_timeout * 1000;
	if (u->dklen > 0) {
		u->counted = 1;
		q->inflight[u->dhash % UPD_INFLIGHT]++;
	}
	u->held = 1;
	q->nheld++;
	batch_add(q->batch, &u->unit);
}

/* ---- time ---- */

uint64_t
upd_deadline(const struct updq *q)
{
	const struct upd	*u;

	/* In arrival order, which is deadline order. */
	for (u = q->head; u != NULL; u = u->next)
		if (!u->answered)
			return u->deadline;
	return 0;
}

void
upd_timer(struct updq *q, uint64_t now)
{
	struct upd	*u, *next;
	char		 cs[64];

	for (u = q->head; u != NULL && (u->answered || now >= u->deadline);
	    u = next) {
		next = u->next;
		switch (u->unit.where) {
		case BU_QUEUED:
			/* Never sent, or put back after its batch failed. */
			batch_cancel(q->batch, &u->unit);
			snprintf(u->why, sizeof(u->why), "update-timeout "
			    "reached before it could be sent");
			finish(u, DNS_R_SERVFAIL, NULL, NULL);
			break;
		case BU_BATCH:
			if (u->answered)
				break;
			/*
			 * Its batch has not ended by the deadline (retries,
			 * an unknown outcome being checked): SERVFAIL now,
			 * as update-timeout promises.  The batch goes on;
			 * finish() logs how it ended and answers no more.
			 */
			log_info("update %s key %s zone %s: SERVFAIL: "
			    "update-timeout reached while Route 53 has not "
			    "answered; the batch goes on (%llu ms)",
			    listen_client_str(&u->req.cl, cs, sizeof(cs)),
			    u->req.key[0] ? u->req.key : "-", q->name,
			    (unsigned long long)(now - u->req.start));
			u->answered = 1;
			serve_answer(&u->req, DNS_R_SERVFAIL);
			break;
		case BU_WAIT:
			/* Applied but not INSYNC by the deadline. */
			batch_cancel(q->batch, &u->unit);
			finish(u, DNS_R_NOERROR, NULL,
			    "not INSYNC before update-timeout");
			break;
		case BU_NONE:
			break;
		}
	}
}

void
upd_free(struct updq *q)
{
	struct upd	*u;

	/* batch_drop() ended every UPDATE; none is left but by mistake. */
	while ((u = q->head) != NULL) {
		q->head = u->next;
		free(u);
	}
	q->tail = NULL;
}
