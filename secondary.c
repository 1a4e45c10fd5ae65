/*
 * secondary.c: the zone transfer producer.  See secondary.h.
 *
 * One exchange with one primary at a time.  A transfer's RRs are read
 * by dns/xfr.c into the sink below: the RRs of an AXFR are collected and
 * compared with the mirror at the end; each IXFR sequence is applied to
 * a private view of the mirror as it ends, and what it changed becomes
 * units.  Units go to the pipeline only once the transfer is over (with
 * only the committed sequences of one that failed), so the mirror does
 * not move under the private view.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "conf.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrset.h"
#include "dns/rrtype.h"
#include "dns/shadow.h"
#include "dns/serial.h"
#include "dns/tsig.h"
#include "dns/xfr.h"
#include "dns/zdiff.h"
#include "log.h"
#include "loop.h"
#include "mirror.h"
#include "primary.h"
#include "secondary.h"
#include "stats.h"

#define SKIP_TYPES	16		/* kinds of RRs left out, logged */
#define QUERY_MAX	(DNS_HDR_LEN + 3 * DNS_NAME_MAX + 64 + TSIG_RR_MAX)
#define IDLE_MS		60000		/* a transfer silent this long */
#define SOA_TIMEOUT_MS	10000		/* an SOA query, UDP retries too */
#define NOTIFY_GAP_MS	1000		/* NOTIFYs: one refresh this often */

/* Until a primary's SOA says otherwise, in seconds (clamped). */
#define DEF_REFRESH	3600
#define DEF_RETRY	600
#define DEF_EXPIRE	1209600

struct spri {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	int			 haskey;
	struct tsig_key		 key;
	char			 str[80];
};

/* One RRset a unit sets at (name, type): set NULL deletes it. */
struct xent {
	const uint8_t	*name;
	uint16_t	 type;
	struct rrset	*set;
};

/* A unit: part (or all) of one increment, or of an AXFR's difference. */
struct xunit {
	struct bunit		 unit;		/* first */
	struct xunit		*next;		/* before it goes */
	struct secondary	*s;
	int			 first;		/* of its transfer */
	int			 last;		/* sets the serial */
	int			 committed;
	uint32_t		 serial;	/* the increment's end */
	size_t			 n;
	struct xent		 e[];		/* names follow the entries */
};

enum sstate {
	SS_WAIT,	/* no exchange: until next_at (and the mirror is
			   loaded) or a NOTIFY */
	SS_SOA,		/* an SOA query is out to pri[ip] */
	SS_XFR,		/* a transfer from pri[ip] is out */
	SS_APPLY	/* a transfer's units are in the pipeline (nunits) */
};

struct secondary {
	const char		*name;
	const uint8_t		*origin;
	struct mirror		*m;
	struct batch		*b;
	struct spri		 pri[CONF_PRIMARIES_MAX];
	size_t			 npri;
	int			 request_ixfr;
	size_t			 max_size;
	unsigned		 timeout;
	unsigned		 min_refresh, max_refresh, min_retry, max_retry;

	enum sstate		 state;
	size_t			 ip;		/* the primary asked */
	int			 roundfail;	/* a primary failed this round */
	int			 notified;
	uint64_t		 next_at;
	unsigned		 refresh, retry, expire;	/* seconds */
	unsigned		 fails;		/* failed rounds in a row */
	uint64_t		 last_ok;	/* a primary answered */
	uint64_t		 last_refresh;	/* when the last round began */
	uint64_t		 notify_time;	/* of the first NOTIFY waiting */
	int			 expired;
	int			 stopped;	/* shutting down */

	/* The exchange. */
	struct primary		 conn;
	short			 revents;
	int			 tcp;
	uint16_t		 id;
	uint16_t		 qtype;
	uint8_t			 mac[TSIG_MAC_MAX];
	size_t			 maclen;
	struct tsig_stream	 ts;
	int			 signed_;
	struct xfr		 x;
	uint32_t		 pserial;	/* the primary's */
	uint32_t		 lserial;	/* Route 53's, at the start */
	uint64_t		 started;
	size_t			 nrrs;
	uint64_t		 cpu[3];	/* parsing and comparing: user
					   and system us, page faults */
	uint64_t		 notified_at;	/* the NOTIFY that began it */
	uint64_t		 sent_at;	/* the query out ... */
	uint64_t		 waited;	/* ... and the primary's time */
	int			 timed;		/* log the NOTIFY's latency */

	/* What the transfer brings. */
	struct zrrs		 all;		/* AXFR */
	struct zrrs		 dels, adds;	/* the IXFR sequence */
	struct zview		 view;		/* IXFR: the mirror changed */
	int			 viewon;
	int			 full;		/* an AXFR(-style) answer */
	size_t			 nseq;
	size_t			 nchanges;
	struct xunit		*units, **utail;	/* made, not sent */
	size_t			 nunits;	/* in the pipeline */
	int			 unitfail;
	uint32_t		 goal;		/* serial the units reach */

	/* The unit being filled. */
	struct xent		*fe;
	size_t			 fn, fcap;
	uint8_t			*fnames;
	size_t			 fnlen, fncap;
	size_t			 frec, fchr;

	uint16_t		 skipped[SKIP_TYPES];
	size_t			 nskipped[SKIP_TYPES];
	size_t			 nskip;
};

static enum bapply	xu_apply(struct bunit *, struct bctx *);
static int		xu_done(struct bunit *, const struct bend *);

static const struct bunit_ops xu_ops = { xu_apply, xu_done };

/* ---- set-up ---- */

struct secondary *
secondary_new(const char *name, const uint8_t *origin, struct mirror *m,
    struct batch *b)
{
	struct secondary	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->name = name;
	s->origin = origin;
	s->m = m;
	s->b = b;
	s->conn.fd = -1;
	s->state = SS_WAIT;
	s->next_at = 1;		/* a refresh at start-up */
	s->utail = &s->units;
	zrrs_init(&s->all);
	zrrs_init(&s->dels);
	zrrs_init(&s->adds);
	s->refresh = DEF_REFRESH;
	s->retry = DEF_RETRY;
	s->expire = DEF_EXPIRE;
	return s;
}

static unsigned
clamp(unsigned v, unsigned lo, unsigned hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void
secondary_setconf(struct secondary *s, const struct conf *cf,
    const struct zone_conf *zc)
{
	const struct conf_key	*k;
	uint8_t			 wname[DNS_NAME_MAX];
	size_t			 i;

	for (i = 0; i < s->npri; i++)
		tsig_key_wipe(&s->pri[i].key);
	s->npri = 0;
	for (i = 0; i < zc->nprimaries && i < CONF_PRIMARIES_MAX; i++) {
		struct spri	*p = &s->pri[s->npri];

		memset(p, 0, sizeof(*p));
		p->ss = zc->primaries[i].ss;
		p->sslen = zc->primaries[i].sslen;
		primary_str(&p->ss, p->str, sizeof(p->str));
		if (zc->primaries[i].key[0] != '\0') {
			if ((k = conf_key_find(cf, zc->primaries[i].key)) ==
			    NULL || name_from_text(k->name, wname, NULL) == -1 ||
			    tsig_key_init(&p->key, wname, k->alg, k->secret,
			    k->secretlen, k->truncbits / 8) == -1) {
				log_warnx("zone %s: primary %s: key %s cannot "
				    "be used", s->name, p->str,
				    zc->primaries[i].key);
				continue;
			}
			p->haskey = 1;
		}
		s->npri++;
	}
	s->request_ixfr = zc->request_ixfr;
	s->max_size = zc->max_transfer_size;
	s->timeout = zc->transfer_timeout;
	s->min_refresh = zc->min_refresh;
	s->max_refresh = zc->max_refresh;
	s->min_retry = zc->min_retry;
	s->max_retry = zc->max_retry;
	s->refresh = clamp(s->refresh, s->min_refresh, s->max_refresh);
	s->retry = clamp(s->retry, s->min_retry, s->max_retry);
}

/* ---- units ---- */

static void
xu_free(struct xunit *u)
{
	size_t	i;

	for (i = 0; i < u->n; i++)
		rrset_unref(u->e[i].set);
	free(u);
}

/* Close the unit being filled (even an empty one when last). */
static int
close_unit(struct secondary *s, int last, uint32_t serial)
{
	struct xunit	*u;
	uint8_t		*names;
	size_t		 i;

	if (s->fn == 0 && !last)
		return 0;
	u = malloc(sizeof(*u) + s->fn * sizeof(u->e[0]) + s->fnlen);
	if (u == NULL)
		return -1;
	memset(u, 0, sizeof(*u));
	u->unit.ops = &xu_ops;
	u->s = s;
	u->last = last;
	u->serial = serial;
	u->n = s->fn;
	names = (uint8_t *)&u->e[s->fn];
	memcpy(names, s->fnames, s->fnlen);
	for (i = 0; i < s->fn; i++) {
		u->e[i] = s->fe[i];
		/* The names were stored as offsets. */
		u->e[i].name = names + (size_t)(uintptr_t)s->fe[i].name;
	}
	*s->utail = u;
	s->utail = &u->next;
	s->fn = s->fnlen = 0;
	s->frec = s->fchr = 0;
	return 0;
}

/*
 * One transition of the increment or the difference: the unit being
 * filled takes it, or a new one when it would not fit one batch.
 */
static int
add_entry(struct secondary *s, const uint8_t *name, uint16_t type,
    const struct rrset *old, struct rrset *set)
{
	size_t	 rec = 0, chr = 0, nl = name_len(name, DNS_NAME_MAX);
	void	*p;

	if (batch_cost(old, &rec, &chr) == -1 ||
	    batch_cost(set, &rec, &chr) == -1) {
		rrset_unref(set);
		return -1;
	}
	if (s->fn > 0 && (s->frec + rec > BATCH_RECORDS ||
	    s->fchr + chr > BATCH_CHARS) && close_unit(s, 0, 0) == -1) {
		rrset_unref(set);
		return -1;
	}
	if (s->fn == s->fcap) {
		if ((p = reallocarray(s->fe, s->fcap ? s->fcap * 2 : 256,
		    sizeof(*s->fe))) == NULL) {
			rrset_unref(set);
			return -1;
		}
		s->fe = p;
		s->fcap = s->fcap ? s->fcap * 2 : 256;
	}
	if (s->fnlen + nl > s->fncap) {
		if ((p = realloc(s->fnames, s->fncap * 2 + nl + 4096)) ==
		    NULL) {
			rrset_unref(set);
			return -1;
		}
		s->fnames = p;
		s->fncap = s->fncap * 2 + nl + 4096;
	}
	memcpy(s->fnames + s->fnlen, name, nl);
	s->fe[s->fn].name = (const uint8_t *)(uintptr_t)s->fnlen;
	s->fe[s->fn].type = type;
	s->fe[s->fn].set = set;
	s->fn++;
	s->nchanges++;
	s->fnlen += nl;
	s->frec += rec;
	s->fchr += chr;
	return 0;
}

static void
drop_units(struct secondary *s, int committed_too)
{
	struct xunit	*u, **up;

	for (up = &s->units; (u = *up) != NULL;) {
		if (u->committed && !committed_too) {
			up = &u->next;
			continue;
		}
		*up = u->next;
		xu_free(u);
	}
	s->utail = &s->units;
	for (u = s->units; u != NULL; u = u->next)
		s->utail = &u->next;
}

static enum bapply
xu_apply(struct bunit *unit, struct bctx *c)
{
	struct xunit		*u = (struct xunit *)unit;
	struct zview		*v = batch_view(c);
	const struct rrset	*cur;
	size_t			 i;

	for (i = 0; i < u->n; i++) {
		cur = zview_get(v, u->e[i].name, u->e[i].type);
		/* Somebody made it an alias since: left alone. */
		if (cur != NULL && (cur->flags & RRSET_OPAQUE))
			continue;
		if (u->e[i].set == NULL) {
			if (cur != NULL && zview_del(v, u->e[i].name,
			    u->e[i].type) == -1)
				return BA_FULL;
		} else if (!rrset_same(cur, u->e[i].set) &&
		    zview_put(v, u->e[i].name, u->e[i].set) == -1)
			return BA_FULL;
	}
	if (u->first && u->s->timed) {
		/* The change batch is sent as soon as this returns. */
		log_debug("zone %s: %llu ms from the NOTIFY to the change "
		    "batch, %llu of them the primary's", u->s->name,
		    (unsigned long long)(loop_now() - u->s->notified_at),
		    (unsigned long long)u->s->waited);
		u->s->timed = 0;
	}
	if (u->last) {
		batch_set_serial(c, u->serial);
		return BA_CHANGED;
	}
	batch_keep_serial(c);
	return zview_nchanged(v) > 0 ? BA_CHANGED : BA_UNCHANGED;
}

static int
xu_done(struct bunit *unit, const struct bend *e)
{
	struct xunit		*u = (struct xunit *)unit;
	struct secondary	*s = u->s;

	switch (e->how) {
	case BE_APPLIED:
	case BE_INSYNC:
		stats_xfr(STATS_XFR_APPLIED, u->n);
		if (u->last)
			log_debug("zone %s: Route 53 holds serial %u",
			    s->name, u->serial);
		break;
	default:
		s->unitfail = 1;
		stats_xfr(STATS_XFR_NOTAPPLIED, u->n);
		log_warnx("zone %s: changes from the primary (to serial %u) "
		    "not applied: %s%s%s", s->name, u->serial, e->code,
		    *e->code != '\0' ? ": " : "", e->message);
		break;
	}
	s->nunits--;
	xu_free(u);
	return 0;
}

/* ---- what is taken from the primary ---- */

static void
note_skip(struct secondary *s, uint16_t type)
{
	size_t	i;

	for (i = 0; i < s->nskip; i++)
		if (s->skipped[i] == type) {
			s->nskipped[i]++;
			return;
		}
	if (s->nskip < SKIP_TYPES) {
		s->skipped[s->nskip] = type;
		s->nskipped[s->nskip++] = 1;
	}
}

/* zdiff_keep_fn: what the secondary manages. */
static int
keep(void *arg, const uint8_t *name, uint16_t type, const struct rrset *set)
{
	struct secondary	*s = arg;

	if (name_equal(name, s->origin) &&
	    (type == DNS_T_SOA || type == DNS_T_NS))
		return 0;
	if (set != NULL && (set->flags & RRSET_OPAQUE))
		return 0;
	/* DHCID is held as dns/shadow.h says; its shadow owners are not. */
	if (s->m->dhcid && shadow_is_name(name))
		return 0;
	if (s->m->dhcid && type == DNS_T_DHCID)
		return 1;
	if (!rrtype_r53_ok(type))
		return 0;
	return 1;
}

/* An RR the transfer brings: 1 to take it, 0 to leave it out. */
static int
take(struct secondary *s, const struct xfr_rr *rr)
{
	uint8_t	sh[DNS_NAME_MAX];

	s->nrrs++;
	if (rr->type == DNS_T_SOA)
		return 0;		/* the serial only, set per batch */
	if (s->m->dhcid && (shadow_is_name(rr->owner) ||
	    (rr->type == DNS_T_DHCID && (shadow_name(rr->owner, sh) == -1 ||
	    !shadow_rdata_ok(rr->rdlen))))) {
		note_skip(s, rr->type);
		return 0;
	}
	if (s->m->dhcid && rr->type == DNS_T_DHCID)
		return 1;
	if (!rrtype_r53_ok(rr->type)) {
		note_skip(s, rr->type);
		return 0;
	}
	return 1;
}

static void
log_skipped(struct secondary *s)
{
	char	t[RRTYPE_TEXTMAX];
	size_t	i;

	for (i = 0; i < s->nskip; i++)
		log_info("zone %s: %zu %s record%s from the primary left out: "
		    "Route 53 cannot hold them", s->name, s->nskipped[i],
		    rrtype_to_text(s->skipped[i], t),
		    s->nskipped[i] == 1 ? "" : "s");
	s->nskip = 0;
}

/* ---- the sink ---- */

static int
sk_axfr_begin(void *arg, uint32_t serial)
{
	struct secondary	*s = arg;

	(void)serial;
	s->full = 1;
	zrrs_free(&s->all);
	zrrs_init(&s->all);
	return 0;
}

static int
sk_axfr_rr(void *arg, const struct xfr_rr *rr)
{
	struct secondary	*s = arg;

	if (!take(s, rr))
		return 0;
	return zrrs_add(&s->all, rr->owner, rr->type, rr->ttl, rr->rdata,
	    rr->rdlen);
}

static int
diff_cb(void *arg, const uint8_t *name, uint16_t type,
    const struct rrset *old, struct rrset *new)
{
	return add_entry(arg, name, type, old, new);
}

static int
sk_axfr_end(void *arg, uint32_t serial)
{
	struct secondary	*s = arg;
	struct xunit		*u;
	int			 rv;

	zrrs_sort(&s->all);
	rv = zdiff_store(&s->m->store, &s->all, keep, diff_cb, s);
	zrrs_free(&s->all);
	zrrs_init(&s->all);
	if (rv == -1 || close_unit(s, 1, serial) == -1)
		return -1;
	for (u = s->units; u != NULL; u = u->next)
		u->committed = 1;
	s->goal = serial;
	return 0;
}

static int
sk_diff_begin(void *arg, uint32_t from)
{
	struct secondary	*s = arg;

	(void)from;
	zrrs_free(&s->dels);
	zrrs_free(&s->adds);
	zrrs_init(&s->dels);
	zrrs_init(&s->adds);
	if (!s->viewon) {
		zview_init(&s->view, &s->m->store);
		s->viewon = 1;
	}
	return 0;
}

static int
sk_diff_del(void *arg, const struct xfr_rr *rr)
{
	struct secondary	*s = arg;

	if (!take(s, rr))
		return 0;
	return zrrs_add(&s->dels, rr->owner, rr->type, rr->ttl, rr->rdata,
	    rr->rdlen);
}

static int
sk_diff_add(void *arg, const struct xfr_rr *rr)
{
	struct secondary	*s = arg;

	if (!take(s, rr))
		return 0;
	return zrrs_add(&s->adds, rr->owner, rr->type, rr->ttl, rr->rdata,
	    rr->rdlen);
}

/* A sequence ended: what it changed on the view becomes units. */
static int
sk_diff_end(void *arg, uint32_t to)
{
	struct secondary	*s = arg;
	struct ztrans		 t;
	const struct rrset	*saved;
	size_t			 cur = 0;

	zview_begin(&s->view);
	zrrs_sort(&s->dels);
	zrrs_sort(&s->adds);
	if (zdiff_apply(&s->view, &s->dels, &s->adds, keep, s) == -1)
		return -1;
	while (zview_group_next(&s->view, &cur, &t, &saved)) {
		if (rrset_same(saved, t.new))
			continue;
		if (add_entry(s, t.name, t.type, saved,
		    t.new != NULL ? rrset_ref((struct rrset *)(uintptr_t)
		    t.new) : NULL) == -1)
			return -1;
	}
	s->nseq++;
	return close_unit(s, 1, to);
}

static int
sk_commit(void *arg, uint32_t to)
{
	struct secondary	*s = arg;
	struct xunit		*u;

	for (u = s->units; u != NULL; u = u->next)
		u->committed = 1;
	s->goal = to;
	return 0;
}

static int
sk_uptodate(void *arg, uint32_t serial)
{
	(void)arg;
	(void)serial;
	return 0;
}

static const struct xfr_sink sink = {
	sk_axfr_begin, sk_axfr_rr, sk_axfr_end,
	sk_diff_begin, sk_diff_del, sk_diff_add, sk_diff_end,
	sk_commit, sk_uptodate
};

/* ---- exchanges ---- */

static uint16_t
new_id(void)
{
	uint16_t	id;

	if (getentropy(&id, sizeof(id)) == -1)
		id = (uint16_t)random();
	return id;
}

static void
end_exchange(struct secondary *s)
{
	primary_close(&s->conn);
	if (s->signed_)
		tsig_stream_wipe(&s->ts);
	s->signed_ = 0;
	if (s->viewon) {
		zview_free(&s->view);
		s->viewon = 0;
	}
	zrrs_free(&s->all);
	zrrs_free(&s->dels);
	zrrs_free(&s->adds);
	zrrs_init(&s->all);
	zrrs_init(&s->dels);
	zrrs_init(&s->adds);
	s->fn = s->fnlen = s->frec = s->fchr = 0;
}

/* Send a query (SOA, IXFR or AXFR) to pri[ip]; -1 if it cannot go. */
static int
send_query(struct secondary *s, uint16_t qtype, int tcp, uint64_t now)
{
	struct spri		*p = &s->pri[s->ip];
	const struct rrset	*soa;
	uint8_t			 q[QUERY_MAX];
	size_t			 len, slen;
	uint64_t		 to;

	s->id = new_id();
	s->qtype = qtype;
	s->tcp = tcp;
	soa = zstore_get(&s->m->store, s->origin, DNS_T_SOA);
	if (xfr_query(q, sizeof(q), p->haskey ? tsig_key_space(&p->key) : 0,
	    s->origin, qtype, s->id, qtype == DNS_T_IXFR && soa != NULL ?
	    soa->rr[0].rdata : NULL, qtype == DNS_T_IXFR && soa != NULL ?
	    soa->rr[0].len : 0, &len) == -1)
		return -1;
	s->maclen = 0;
	if (p->haskey) {
		if (tsig_sign_request(&p->key, q, len, sizeof(q), &slen,
		    time(NULL), s->mac, &s->maclen) == -1)
			return -1;
		len = slen;
		tsig_stream_init(&s->ts, &p->key, s->mac, s->maclen);
		s->signed_ = 1;
	}
	to = qtype == DNS_T_SOA ? SOA_TIMEOUT_MS :
	    (uint64_t)s->timeout * 1000;
	if (primary_start(&s->conn, &p->ss, p->sslen, tcp, q, len, to,
	    IDLE_MS, now) == -1) {
		log_warnx("zone %s: primary %s: %s", s->name, p->str,
		    s->conn.why);
		return -1;
	}
	s->sent_at = now;
	stats_xfr(qtype == DNS_T_SOA ? STATS_XFR_SOA : qtype == DNS_T_IXFR ?
	    STATS_XFR_IXFR : STATS_XFR_AXFR, 1);
	return 0;
}

static void	next_primary(struct secondary *, uint64_t);

/* Ask pri[ip] for its SOA. */
static void
soa_start(struct secondary *s, uint64_t now)
{
	s->state = SS_SOA;
	if (send_query(s, DNS_T_SOA, 0, now) == -1) {
		stats_xfr(STATS_XFR_SOA_FAIL, 1);
		next_primary(s, now);
	}
}

/* The refresh after this one: jittered refresh, or retry with backoff. */
static void
schedule(struct secondary *s, int ok, uint64_t now)
{
	uint64_t	ms;
	unsigned	k;

	if (ok) {
		s->fails = 0;
		ms = (uint64_t)s->refresh * 1000;
		ms -= (uint64_t)random() % (ms / 10 + 1);
	} else {
		s->fails++;
		ms = (uint64_t)s->retry * 1000;
		for (k = 1; k < s->fails && ms < (uint64_t)s->max_retry *
		    1000; k++)
			ms *= 2;
		if (ms > (uint64_t)s->max_retry * 1000)
			ms = (uint64_t)s->max_retry * 1000;
		ms -= (uint64_t)random() % (ms / 10 + 1);
	}
	s->state = SS_WAIT;
	s->next_at = s->notified ? now : now + ms;
	s->notified = 0;
}

/* This primary failed: the next one, or the round failed. */
static void
next_primary(struct secondary *s, uint64_t now)
{
	end_exchange(s);
	s->roundfail = 1;
	if (++s->ip < s->npri) {
		soa_start(s, now);
		return;
	}
	log_warnx("zone %s: no primary answered; trying again later",
	    s->name);
	schedule(s, 0, now);
}

/* The mirror's serial: Route 53's, the replication cursor. */
static int
our_serial(const struct secondary *s, uint32_t *serial)
{
	const struct rrset	*soa;

	soa = zstore_get(&s->m->store, s->origin, DNS_T_SOA);
	if (soa == NULL || soa->nrr != 1)
		return -1;
	return rdata_soa_serial(soa->rr[0].rdata, soa->rr[0].len, serial);
}

static void
xfr_start(struct secondary *s, uint16_t qtype, uint64_t now)
{
	struct spri	*p = &s->pri[s->ip];
	size_t		 i;

	end_exchange(s);
	s->state = SS_XFR;
	s->full = 0;
	s->nseq = 0;
	s->nrrs = 0;
	s->nchanges = 0;
	memset(s->cpu, 0, sizeof(s->cpu));
	s->goal = s->lserial;
	s->started = now;
	for (i = 0; i < s->nskip; i++)
		s->nskipped[i] = 0;
	s->nskip = 0;
	if (send_query(s, qtype, 1, now) == -1) {
		stats_xfr(STATS_XFR_FAIL, 1);
		next_primary(s, now);
		return;
	}
	{
		struct xfr_limits	lim;

		memset(&lim, 0, sizeof(lim));
		lim.max_bytes = s->max_size;
		xfr_init(&s->x, s->origin, qtype, s->lserial, s->id,
		    p->haskey ? &s->ts : NULL, &lim);
	}
	log_debug("zone %s: %s from %s, serial %u to %u", s->name,
	    qtype == DNS_T_IXFR ? "IXFR" : "AXFR", p->str, s->lserial,
	    s->pserial);
}

/* The SOA answer: transfer, or nothing to do. */
static void
soa_answer(struct secondary *s, const uint8_t *msg, size_t len,
    uint64_t now)
{
	struct spri	*p = &s->pri[s->ip];
	struct xfr_soa	 soa;
	enum xfr_error	 e;
	uint16_t	 rcode = 0;
	int		 have;

	e = xfr_soa_answer(msg, len, s->origin, s->id, p->haskey ? &s->ts :
	    NULL, time(NULL), &soa, &rcode);
	if (e == XFR_E_TC && !s->tcp) {
		end_exchange(s);
		if (send_query(s, DNS_T_SOA, 1, now) == -1)
			next_primary(s, now);
		return;
	}
	if (e != XFR_E_NONE) {
		stats_xfr(STATS_XFR_SOA_FAIL, 1);
		log_warnx("zone %s: primary %s: SOA answer: %s%s%s", s->name,
		    p->str, xfr_strerror(e), e == XFR_E_RCODE ? " " : "",
		    e == XFR_E_RCODE ? dns_rcode_name(rcode) : "");
		next_primary(s, now);
		return;
	}
	end_exchange(s);
	s->last_ok = now;
	if (s->expired) {
		log_warnx("zone %s: primary %s answers again", s->name,
		    p->str);
		s->expired = 0;
	}
	s->refresh = clamp(soa.refresh, s->min_refresh, s->max_refresh);
	s->retry = clamp(soa.retry, s->min_retry, s->max_retry);
	s->expire = soa.expire > s->refresh + s->retry ? soa.expire :
	    s->refresh + s->retry;
	s->pserial = soa.serial;
	have = our_serial(s, &s->lserial) == 0;
	if (have && !serial_gt(s->pserial, s->lserial)) {
		stats_xfr(STATS_XFR_UPTODATE, 1);
		if (s->pserial != s->lserial)
			log_warnx("zone %s: primary %s has serial %u, older "
			    "than %u in Route 53; nothing transferred",
			    s->name, p->str, s->pserial, s->lserial);
		else
			log_debug("zone %s: serial %u, up to date", s->name,
			    s->lserial);
		schedule(s, 1, now);
		return;
	}
	xfr_start(s, have && s->request_ixfr ? DNS_T_IXFR : DNS_T_AXFR, now);
}

/* Hand the (committed) units to the pipeline. */
static void
hand_over(struct secondary *s)
{
	struct xunit	*u, *next;

	if (s->units != NULL)
		s->units->first = 1;
	if (s->timed)
		log_debug("zone %s: %llu ms from the NOTIFY to the changes "
		    "ready, %llu of them the primary's", s->name,
		    (unsigned long long)(loop_now() - s->notified_at),
		    (unsigned long long)s->waited);
	for (u = s->units; u != NULL; u = next) {
		next = u->next;
		u->next = NULL;
		s->nunits++;
		batch_add(s->b, &u->unit);
	}
	s->units = NULL;
	s->utail = &s->units;
	s->unitfail = 0;
	s->state = SS_APPLY;
}

/* The transfer is over: whole (done) or failed (why). */
static void
xfr_over(struct secondary *s, int done, const char *why, uint64_t now)
{
	struct spri	*p = &s->pri[s->ip];
	uint16_t	 q = s->qtype;
	enum xfr_error	 e = s->x.error;
	int		 rc = s->x.rcode;

	log_skipped(s);
	if (done && !serial_gt(s->goal, s->lserial) &&
	    !(s->full && s->goal == s->lserial)) {
		/* A zone or increment that would take Route 53 back. */
		log_warnx("zone %s: %s from %s ends at serial %u, not newer "
		    "than %u in Route 53: not taken", s->name,
		    q == DNS_T_IXFR ? "IXFR" : "AXFR", p->str, s->goal,
		    s->lserial);
		drop_units(s, 1);
		done = 0;
		why = "an older serial";
		e = XFR_E_SERIAL;
	}
	if (done) {
		stats_xfr(STATS_XFR_DONE, 1);
		stats_xfr(STATS_XFR_RRS, s->nrrs);
		log_info("zone %s: %s from %s: serial %u to %u, %zu RRs, %zu "
		    "increment%s, %zu RRsets to change, in %llu ms (%llu ms "
		    "of CPU reading and comparing)", s->name,
		    s->full ? (q == DNS_T_IXFR ? "IXFR answered in full" :
		    "AXFR") : "IXFR", p->str, s->lserial, s->goal, s->nrrs,
		    s->full ? 1 : s->nseq, s->full || s->nseq == 1 ? "" : "s",
		    s->nchanges, (unsigned long long)(now - s->started),
		    (unsigned long long)((s->cpu[0] + s->cpu[1]) / 1000));
		log_debug("zone %s: of the CPU, %llu ms in the kernel, for "
		    "%llu page faults among others", s->name,
		    (unsigned long long)(s->cpu[1] / 1000),
		    (unsigned long long)s->cpu[2]);
		end_exchange(s);
		hand_over(s);
		return;
	}
	/* IXFR refused, unknown, or "ask with AXFR": AXFR, same primary. */
	if (q == DNS_T_IXFR && (e == XFR_E_NEWER || (e == XFR_E_RCODE &&
	    (rc == DNS_R_NOTIMP || rc == DNS_R_REFUSED ||
	    rc == DNS_R_FORMERR)))) {
		stats_xfr(STATS_XFR_FALLBACK, 1);
		log_info("zone %s: primary %s: IXFR: %s%s%s; asking for AXFR",
		    s->name, p->str, why, e == XFR_E_RCODE ? " " : "",
		    e == XFR_E_RCODE ? dns_rcode_name(rc) : "");
		drop_units(s, 1);
		xfr_start(s, DNS_T_AXFR, now);
		return;
	}
	stats_xfr(STATS_XFR_FAIL, 1);
	log_warnx("zone %s: %s from %s failed: %s%s%s", s->name,
	    q == DNS_T_IXFR ? "IXFR" : "AXFR", p->str, why,
	    e == XFR_E_RCODE || e == XFR_E_ABORTED ? " " : "",
	    e == XFR_E_RCODE || e == XFR_E_ABORTED ? dns_rcode_name(rc) : "");
	/* What was complete and authentic goes; the rest is dropped. */
	drop_units(s, 0);
	end_exchange(s);
	s->roundfail = 1;
	if (s->units != NULL) {
		hand_over(s);
		return;
	}
	next_primary(s, now);
}

/* The process's CPU so far: user and system microseconds, page faults. */
static void
cpu_use(uint64_t v[3])
{
	struct rusage	ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1) {
		v[0] = v[1] = v[2] = 0;
		return;
	}
	v[0] = (uint64_t)ru.ru_utime.tv_sec * 1000000 +
	    (uint64_t)ru.ru_utime.tv_usec;
	v[1] = (uint64_t)ru.ru_stime.tv_sec * 1000000 +
	    (uint64_t)ru.ru_stime.tv_usec;
	v[2] = (uint64_t)ru.ru_minflt + (uint64_t)ru.ru_majflt;
}

static void
xfr_messages(struct secondary *s, uint64_t now)
{
	const uint8_t	*msg;
	size_t		 len;
	uint64_t	 t0[3], t1[3];
	int		 rv, i;

	while (s->state == SS_XFR && primary_next(&s->conn, &msg, &len)) {
		if (s->sent_at != 0) {
			s->waited += loop_now() - s->sent_at;
			s->sent_at = 0;
		}
		cpu_use(t0);
		rv = xfr_feed(&s->x, msg, len, time(NULL), &sink, s);
		cpu_use(t1);
		for (i = 0; i < 3; i++)
			s->cpu[i] += t1[i] - t0[i];
		if (rv == XFR_DONE) {
			xfr_over(s, 1, NULL, now);
			return;
		}
		if (rv == XFR_ERR) {
			xfr_over(s, 0, xfr_strerror(s->x.error), now);
			return;
		}
	}
	if (s->state != SS_XFR || !primary_done(&s->conn))
		return;
	if (s->conn.failed) {
		xfr_over(s, 0, s->conn.why, now);
		return;
	}
	/* The primary closed the connection. */
	if (xfr_eof(&s->x) == XFR_DONE)
		xfr_over(s, 1, NULL, now);
	else
		xfr_over(s, 0, xfr_strerror(s->x.error), now);
}

/* ---- the step ---- */

void
secondary_notify(struct secondary *s, int has_serial, uint32_t serial)
{
	uint32_t	have;

	if (s->stopped)
		return;
	/*
	 * A NOTIFY for a serial Route 53 already has, while nothing is
	 * going on, needs no refresh: so a burst of them is one refresh.
	 */
	if (has_serial && s->state == SS_WAIT && !s->notified &&
	    our_serial(s, &have) == 0 && !serial_gt(serial, have)) {
		log_debug("zone %s: serial %u is in Route 53 already",
		    s->name, serial);
		return;
	}
	if (!s->notified)
		s->notify_time = loop_now();
	s->notified = 1;
	if (s->state != SS_WAIT)
		return;
	/*
	 * A newer serial: at once.  Without one (PowerDNS sends none),
	 * at most one refresh a second, so that a burst is one refresh.
	 */
	if (has_serial)
		s->next_at = 1;
	else
		s->next_at = s->last_refresh + NOTIFY_GAP_MS;
}

void
secondary_stop(struct secondary *s)
{
	if (s->stopped)
		return;
	if (s->state == SS_SOA || s->state == SS_XFR)
		log_info("zone %s: refresh from %s stopped: shutting down",
		    s->name, s->pri[s->ip].str);
	end_exchange(s);
	/* Not handed over: Route 53's serial says where to resume. */
	drop_units(s, 1);
	s->stopped = 1;
	s->state = SS_WAIT;
}

void
secondary_pollfd(struct secondary *s, struct pollfd *pfd)
{
	primary_pollfd(&s->conn, pfd);
}

uint64_t
secondary_deadline(const struct secondary *s)
{
	uint64_t	d = 0, e;

	if (s->stopped)
		return 0;
	if (s->state == SS_WAIT && s->m->loaded && s->npri > 0)
		d = s->next_at;
	if (primary_active(&s->conn) && (e = primary_deadline(&s->conn)) != 0 &&
	    (d == 0 || e < d))
		d = e;
	if (s->last_ok != 0 && !s->expired) {
		e = s->last_ok + (uint64_t)s->expire * 1000;
		if (d == 0 || e < d)
			d = e;
	}
	return d;
}

void
secondary_step(struct secondary *s, short revents, uint64_t now)
{
	const uint8_t	*msg;
	size_t		 len;

	if (s->stopped)
		return;
	if (s->last_ok == 0 && s->m->loaded)
		s->last_ok = now;	/* Route 53's data is current now */
	if (!s->expired && s->last_ok != 0 &&
	    now >= s->last_ok + (uint64_t)s->expire * 1000) {
		s->expired = 1;
		log_warnx("zone %s: EXPIRED: no primary has answered for %u "
		    "s; the hosted zone keeps its data and r53d keeps "
		    "answering from it, asking the primaries at the retry "
		    "interval", s->name, s->expire);
	}
	switch (s->state) {
	case SS_WAIT:
		if (!s->m->loaded || s->npri == 0 || now < s->next_at)
			return;
		s->ip = 0;
		s->roundfail = 0;
		/* This refresh answers every NOTIFY so far. */
		s->timed = s->notified;
		s->notified_at = s->notify_time;
		s->waited = 0;
		s->notified = 0;
		s->last_refresh = now;
		soa_start(s, now);
		return;
	case SS_SOA:
		primary_step(&s->conn, revents, now);
		while (s->state == SS_SOA &&
		    primary_next(&s->conn, &msg, &len)) {
			s->waited += now - s->sent_at;
			s->sent_at = 0;
			soa_answer(s, msg, len, now);
			return;
		}
		if (s->state == SS_SOA && primary_done(&s->conn)) {
			stats_xfr(STATS_XFR_SOA_FAIL, 1);
			log_warnx("zone %s: primary %s: %s", s->name,
			    s->pri[s->ip].str, s->conn.failed ? s->conn.why :
			    "closed without an answer");
			next_primary(s, now);
		}
		return;
	case SS_XFR:
		primary_step(&s->conn, revents, now);
		xfr_messages(s, now);
		return;
	case SS_APPLY:
		if (s->nunits > 0)
			return;
		if (s->unitfail || s->roundfail) {
			/* Try again: the SOA says where Route 53 stands. */
			schedule(s, 0, now);
			return;
		}
		log_info("zone %s: serial %u from the primary is in Route 53",
		    s->name, s->goal);
		schedule(s, 1, now);
		return;
	}
}

void
secondary_free(struct secondary *s)
{
	size_t	i;

	if (s == NULL)
		return;
	end_exchange(s);
	drop_units(s, 1);
	free(s->fe);
	free(s->fnames);
	for (i = 0; i < s->npri; i++)
		tsig_key_wipe(&s->pri[i].key);
	free(s);
}
