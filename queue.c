/*
 * queue.c: UPDATEs of a zone engine from arrival to answer: taking them
 * (retransmissions recognised), answering and logging them once, their
 * deadlines, and waiting for INSYNC.  Evaluating and sending them is in
 * batch.c; what becomes of a sent batch in outcome.c.
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
#include "fmt.h"
#include "log.h"
#include "loop.h"
#include "serve.h"
#include "zone.h"
#include "zone_impl.h"

/* ---- answering ---- */

static void
recent_add(struct zone *z, const struct upd *u, int rcode)
{
	struct recent	*r;

	if (u->dklen == 0)
		return;
	r = &z->recent[u->dhash % ZONE_RECENT];
	memcpy(r->dkey, u->dkey, u->dklen);
	r->dklen = u->dklen;
	r->dhash = u->dhash;
	r->rcode = rcode;
	r->when = mono_ms();
}

static void
upd_free(struct upd *u)
{
	free(u);	/* the message lives in the same block */
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

/* Answer an UPDATE and log it once: client, key, zone, what, outcome. */
void
upd_finish(struct zone *z, struct upd *u, int rcode, const char *change,
    const char *note)
{
	struct line	 l;
	char		 cs[64];
	const char	*rn = rcode_name(rcode), *why = u->why;
	size_t		 rl = strlen(rn);

	/* dns/update.h reasons for failures start with the rcode. */
	if (strncmp(why, rn, rl) == 0 && why[rl] == ':' && why[rl + 1] == ' ')
		why += rl + 2;
	l.n = 0;
	line_puts(&l, "update ");
	line_puts(&l, client_str(&u->req.cl, cs, sizeof(cs)));
	line_puts(&l, " key ");
	line_puts(&l, u->req.key[0] ? u->req.key : "-");
	line_puts(&l, " zone ");
	line_puts(&l, z->name);
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
	line_u64(&l, mono_ms() - u->req.start);
	line_puts(&l, " ms)");
	log_infoline(l.b);
	recent_add(z, u, rcode);
	if (u->counted)
		z->inflight[u->dhash % ZONE_INFLIGHT]--;
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

	if (z->inflight[u->dhash % ZONE_INFLIGHT] == 0)
		return 0;
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
	struct recent	*r;

	/*
	 * One block for the struct and the message.  Not calloc(): struct
	 * upd is large; each field is set below.
	 */
	if (len > DNS_MSG_MAX || (u = malloc(sizeof(*u) + len)) == NULL) {
		log_warn("zone %s: update", z->name);
		serve_answer(req, DNS_R_SERVFAIL);
		return;
	}
	u->msg = (uint8_t *)(u + 1);
	u->next = NULL;
	u->deadline = 0;
	u->rcode = DNS_R_NOERROR;
	u->changed = 0;
	u->why[0] = '\0';
	u->fresh = 0;
	u->answered = 0;
	u->counted = 0;
	u->dklen = 0;
	u->dhash = 0;
	memcpy(u->msg, msg, len);
	u->len = len;
	u->req = *req;
	if (!z->loaded) {
		/* Loading, or reloading after a SIGHUP: logged like any. */
		snprintf(u->why, sizeof(u->why), "the zone is not loaded "
		    "from Route 53 yet");
		upd_finish(z, u, DNS_R_SERVFAIL, NULL, NULL);
		return;
	}
	dkey_of(u);
	if (u->dklen > 0) {
		if (in_progress(z, u)) {
			log_debug("zone %s: retransmitted update joins the "
			    "one in progress", z->name);
			serve_forget(req);
			upd_free(u);
			return;
		}
		r = &z->recent[u->dhash % ZONE_RECENT];
		if (r->dhash == u->dhash && r->dklen == u->dklen &&
		    now - r->when < ZONE_RECENT_MS &&
		    memcmp(r->dkey, u->dkey, u->dklen) == 0) {
			log_debug("zone %s: retransmitted update answered "
			    "again", z->name);
			serve_answer(req, r->rcode);
			upd_free(u);
			return;
		}
	}
	if (z->nq + z->nb >= z->zc->queue_limit) {
		snprintf(u->why, sizeof(u->why), "queue full (%u)",
		    z->zc->queue_limit);
		upd_finish(z, u, DNS_R_REFUSED, NULL, NULL);
		return;
	}
	u->deadline = now + (uint64_t)z->zc->update_timeout * 1000;
	if (u->dklen > 0) {
		u->counted = 1;
		z->inflight[u->dhash % ZONE_INFLIGHT]++;
	}
	*z->qtail = u;
	z->qtail = &u->next;
	z->nq++;
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
			upd_finish(z, u, DNS_R_NOERROR, w->id, note);
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
			upd_finish(z, u, DNS_R_SERVFAIL, NULL, NULL);
		} else
			up = &u->next;
	}
	z->qtail = &z->q;
	for (u = z->q; u != NULL; u = u->next)
		z->qtail = &u->next;
	/*
	 * In a batch whose outcome Route 53 has not given by the deadline
	 * (retries, an unknown outcome being checked): SERVFAIL now, as
	 * update-timeout promises.  The batch goes on; upd_finish() logs how
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
		upd_finish(z, u, rcode, NULL, NULL);
	}
	z->qtail = &z->q;
	z->nq = 0;
	while ((w = z->w) != NULL) {
		z->w = w->next;
		while ((u = w->upds) != NULL) {
			w->upds = u->next;
			upd_finish(z, u, DNS_R_NOERROR, w->id, "zone removed");
		}
		free(w);
	}
	z->wtail = &z->w;
}
