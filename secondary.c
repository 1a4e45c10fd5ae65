/*
 * secondary.c: a secondary zone's refresh.  See secondary.h.
 *
 * Set-up, NOTIFY, the SOA queries, the refresh, retry and expire
 * timers, the IXFR and AXFR exchanges and the step: one exchange with
 * one primary at a time.  What a transfer brings is made into units of
 * the write pipeline, and handed over, by secondary_units.c; the state
 * both share is in secondary_impl.h.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrset.h"
#include "dns/serial.h"
#include "dns/tsig.h"
#include "dns/xfr.h"
#include "dns/zdiff.h"
#include "log.h"
#include "loop.h"
#include "mirror.h"
#include "primary.h"
#include "secondary.h"
#include "secondary_impl.h"
#include "stats.h"

#define QUERY_MAX	(DNS_HDR_LEN + 3 * DNS_NAME_MAX + 64 + TSIG_RR_MAX)
#define IDLE_MS		60000		/* a transfer silent this long */
#define SOA_TIMEOUT_MS	10000		/* an SOA query, UDP retries too */
#define NOTIFY_GAP_MS	1000		/* NOTIFYs: one refresh this often */

/* Until a primary's SOA says otherwise, in seconds (clamped). */
#define DEF_REFRESH	3600
#define DEF_RETRY	600
#define DEF_EXPIRE	1209600

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

/* The transfer is over: whole (done) or failed (why). */
static void
xfr_over(struct secondary *s, int done, const char *why, uint64_t now)
{
	struct spri	*p = &s->pri[s->ip];
	uint16_t	 q = s->qtype;
	enum xfr_error	 e = s->x.error;
	int		 rc = s->x.rcode;

	secondary_log_skipped(s);
	if (done && !serial_gt(s->goal, s->lserial) &&
	    !(s->full && s->goal == s->lserial)) {
		/* A zone or increment that would take Route 53 back. */
		log_warnx("zone %s: %s from %s ends at serial %u, not newer "
		    "than %u in Route 53: not taken", s->name,
		    q == DNS_T_IXFR ? "IXFR" : "AXFR", p->str, s->goal,
		    s->lserial);
		secondary_drop_units(s, 1);
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
		secondary_hand_over(s);
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
		secondary_drop_units(s, 1);
		xfr_start(s, DNS_T_AXFR, now);
		return;
	}
	stats_xfr(STATS_XFR_FAIL, 1);
	log_warnx("zone %s: %s from %s failed: %s%s%s", s->name,
	    q == DNS_T_IXFR ? "IXFR" : "AXFR", p->str, why,
	    e == XFR_E_RCODE || e == XFR_E_ABORTED ? " " : "",
	    e == XFR_E_RCODE || e == XFR_E_ABORTED ? dns_rcode_name(rc) : "");
	/* What was complete and authentic goes; the rest is dropped. */
	secondary_drop_units(s, 0);
	end_exchange(s);
	s->roundfail = 1;
	if (s->units != NULL) {
		secondary_hand_over(s);
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
		rv = xfr_feed(&s->x, msg, len, time(NULL), &secondary_sink, s);
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
	secondary_drop_units(s, 1);
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
	secondary_drop_units(s, 1);
	free(s->fe);
	free(s->fnames);
	for (i = 0; i < s->npri; i++)
		tsig_key_wipe(&s->pri[i].key);
	free(s);
}
