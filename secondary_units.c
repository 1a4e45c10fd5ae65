/*
 * secondary_units.c: what a secondary zone's transfer brings, made into
 * units of the zone's write pipeline (batch.h).  See secondary_impl.h.
 *
 * A transfer's RRs are read by dns/xfr.c into the sink below, leaving
 * out what Route 53 cannot hold or r53d does not take: the RRs of an
 * AXFR are collected and compared with the mirror at the end; each
 * IXFR sequence is applied to a private view of the mirror as it ends,
 * and what it changed becomes units, split where one batch cannot hold
 * them.  Units go to the pipeline only once the transfer is over (with
 * only the committed sequences of one that failed), so the mirror does
 * not move under the private view.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rrset.h"
#include "dns/rrtype.h"
#include "dns/shadow.h"
#include "dns/xfr.h"
#include "dns/zdiff.h"
#include "log.h"
#include "loop.h"
#include "mirror.h"
#include "secondary_impl.h"
#include "stats.h"

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

static enum bapply	xu_apply(struct bunit *, struct bctx *);
static int		xu_done(struct bunit *, const struct bend *);

static const struct bunit_ops xu_ops = { xu_apply, xu_done };

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

void
secondary_drop_units(struct secondary *s, int committed_too)
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

void
secondary_log_skipped(struct secondary *s)
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

const struct xfr_sink secondary_sink = {
	sk_axfr_begin, sk_axfr_rr, sk_axfr_end,
	sk_diff_begin, sk_diff_del, sk_diff_add, sk_diff_end,
	sk_commit, sk_uptodate
};

/* ---- the hand-over ---- */

void
secondary_hand_over(struct secondary *s)
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
