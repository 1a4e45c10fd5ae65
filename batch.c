/*
 * batch.c: a zone's write pipeline.  See batch.h.
 *
 * A batch is built on a view of the mirror: each queued unit is applied
 * after a savepoint, costed, and kept or rolled back; the view's
 * transitions (every DELETE first, then every CREATE) and the asserted
 * RRsets, sent unchanged, make the change batch, with the apex SOA's new
 * serial.  The Route 53 callbacks below only record; batch_outcome()
 * acts on what they recorded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/r53.h"
#include "batch.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrset.h"
#include "dns/rrtype.h"
#include "dns/shadow.h"
#include "dns/update.h"
#include "log.h"
#include "mirror.h"
#include "stats.h"

/* Record sets in a page of ListResourceRecordSets (Route 53's default). */
#define LIST_PAGE	300

/* Room left in every batch for the SOA's DELETE and CREATE. */
#define SOA_RECORDS	(R53_BATCH_RECORDS_MAX - BATCH_RECORDS)
#define SOA_CHARS	(R53_BATCH_CHARS_MAX - BATCH_CHARS)

struct bctx {
	struct batch	*b;
	uint8_t		(*names)[DNS_NAME_MAX];	/* to read first */
	size_t		 nnames;
	int		 overflow;	/* more names than room */
	int		 setserial;
	uint32_t	 serial;
	int		 keepserial;
};

static char	 vbuf[RDATA_R53_MAX * 4 + 16];

static int	 set_cost(const struct rrset *, size_t *, size_t *);

void
batch_init(struct batch *b, struct r53 *r53, struct mirror *m,
    const char *name, const uint8_t *origin)
{
	memset(b, 0, sizeof(*b));
	b->r53 = r53;
	b->mirror = m;
	b->name = name;
	b->origin = origin;
	b->qtail = &b->q;
	b->btail = &b->b;
	b->wtail = &b->w;
	b->bcap = BATCH_UNITS_MAX;
	zview_init(&b->view, &m->store);
}

/* ---- the queue ---- */

void
batch_add(struct batch *b, struct bunit *u)
{
	u->next = NULL;
	u->where = BU_QUEUED;
	u->reread = 0;
	*b->qtail = u;
	b->qtail = &u->next;
	b->nq++;
	stats_queued(b->nq);
}

static void
fix_qtail(struct batch *b)
{
	struct bunit	*u;

	b->qtail = &b->q;
	for (u = b->q; u != NULL; u = u->next)
		b->qtail = &u->next;
}

int
batch_cancel(struct batch *b, struct bunit *u)
{
	struct bunit	**up;
	struct bchange	 *c;

	if (u->where == BU_QUEUED) {
		for (up = &b->q; *up != NULL; up = &(*up)->next)
			if (*up == u) {
				*up = u->next;
				b->nq--;
				if (u->next == NULL)
					fix_qtail(b);
				u->where = BU_NONE;
				return 0;
			}
	} else if (u->where == BU_WAIT) {
		for (c = b->w; c != NULL; c = c->next)
			for (up = &c->units; *up != NULL; up = &(*up)->next)
				if (*up == u) {
					*up = u->next;
					u->where = BU_NONE;
					return 0;
				}
	}
	return u->where == BU_NONE ? 0 : -1;
}

size_t
batch_queued(const struct batch *b)
{
	return b->nq;
}

int
batch_busy(const struct batch *b)
{
	return b->b != NULL || b->op != 0;
}

/* Unit u ends; it stays with the pipeline only to wait for INSYNC. */
static int
end_unit(struct bunit *u, enum bend_how how, const char *change, int track,
    const char *code, const char *msg)
{
	struct bend	e;

	e.how = how;
	e.change = change;
	e.track = track;
	e.code = code != NULL ? code : "";
	e.message = msg != NULL ? msg : "";
	u->where = BU_NONE;
	u->next = NULL;
	return u->ops->done(u, &e);
}

void
batch_requeue(struct batch *b)
{
	struct bunit	*u;

	if (b->b != NULL) {
		*b->btail = b->q;
		if (b->q == NULL)
			b->qtail = b->btail;
		b->q = b->b;
		b->nq += b->nb;
		b->b = NULL;
		b->btail = &b->b;
	}
	for (u = b->q; u != NULL; u = u->next)
		u->where = BU_QUEUED;
	b->nb = b->nbchanged = 0;
	b->nasrt = 0;
	zview_free(&b->view);
	zview_init(&b->view, &b->mirror->store);
}

/* ---- what a unit may ask ---- */

struct zview *
batch_view(struct bctx *c)
{
	return &c->b->view;
}

const struct mirror *
batch_mirror(struct bctx *c)
{
	return c->b->mirror;
}

int
batch_reread(struct bctx *c, const uint8_t *name)
{
	size_t	i;

	for (i = 0; i < c->nnames; i++)
		if (name_equal(c->names[i], name))
			return 0;
	if (c->nnames == MIRROR_REREAD_MAX) {
		c->overflow = 1;
		return -1;
	}
	memcpy(c->names[c->nnames], name, name_len(name, DNS_NAME_MAX));
	name_lower(c->names[c->nnames]);
	c->nnames++;
	return 1;
}

void
batch_set_serial(struct bctx *c, uint32_t serial)
{
	c->setserial = 1;
	c->serial = serial;
}

void
batch_keep_serial(struct bctx *c)
{
	c->keepserial = 1;
}

int
batch_cost(const struct rrset *s, size_t *records, size_t *chars)
{
	return set_cost(s, records, chars);
}

int
batch_assert(struct bctx *c, const uint8_t *name, uint16_t type)
{
	struct batch	*b = c->b;
	size_t		 j;

	for (j = 0; j < b->nasrt; j++)
		if (b->asrt[j].type == type &&
		    name_equal(b->asrt[j].name, name))
			return 0;
	if (b->nasrt == BATCH_ASSERT_MAX)
		return -1;
	memcpy(b->asrt[b->nasrt].name, name, name_len(name, DNS_NAME_MAX));
	name_lower(b->asrt[b->nasrt].name);
	b->asrt[b->nasrt].type = type;
	b->nasrt++;
	return 0;
}

/* ---- cost ---- */

/* 1 if the view changes (name, type): its own DELETE covers it. */
static int
in_trans(const struct batch *b, const uint8_t *name, uint16_t type)
{
	return !rrset_same(zstore_get(b->view.base, name, type),
	    zview_get(&b->view, name, type));
}

/* The RRset an assertion stands for, or NULL when none is needed. */
static const struct rrset *
asrt_set(const struct batch *b, const struct basrt *a)
{
	const struct rrset	*s;

	if (in_trans(b, a->name, a->type))
		return NULL;
	s = zstore_get(b->view.base, a->name, a->type);
	if (s == NULL || (s->flags & RRSET_OPAQUE) || s->nrr == 0)
		return NULL;
	return s;
}

/*
 * Route 53 text of one RR: the text Route 53 listed, or ours; a DHCID
 * RR's is its shadow TXT value (dns/shadow.h).
 */
static const char *
rr_text(uint16_t type, const struct rr *rr, char *buf, size_t cap)
{
	if (rr->text != NULL)
		return rr->text;
	if (type == DNS_T_DHCID) {
		if (shadow_value(rr->rdata, rr->len, buf, cap) < 0)
			return NULL;
		return buf;
	}
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
 * RRsets the unit since the savepoint touched are costed again (a
 * transition costs its old and its new RRset), so building a batch stays
 * linear in its size.
 */
static int
view_fits(const struct batch *b, size_t *vrec, size_t *vchr)
{
	struct ztrans		 t;
	const struct rrset	*saved;
	size_t			 cur = 0, records, chars, trec, tchr, i;
	size_t			 br = 0, bc = 0, ar = 0, ac = 0;
	int			 before, after;

	while (zview_group_next(&b->view, &cur, &t, &saved)) {
		before = !rrset_same(t.old, saved);
		after = !rrset_same(t.old, t.new);
		/* The old RRset's cost is in both or in neither. */
		if ((before != after && set_cost(t.old, before ? &br : &ar,
		    before ? &bc : &ac) == -1) ||
		    (before && set_cost(saved, &br, &bc) == -1) ||
		    (after && set_cost(t.new, &ar, &ac) == -1))
			return 0;
	}
	/* br, bc: what the unit replaced, part of the totals. */
	records = trec = *vrec + ar - br;
	chars = tchr = *vchr + ac - bc;
	for (i = 0; i < b->nasrt; i++) {
		const struct rrset *s = asrt_set(b, &b->asrt[i]);

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

/* ---- building and sending ---- */

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
 * list points into it.  A DHCID RRset goes as its shadow TXT RRset.
 */
static int
ch_add(struct chlist *cl, enum r53_action act, const uint8_t *name,
    const char **rname, const struct rrset *s, const char ***vals,
    size_t *nvals)
{
	char		 nt[DNS_NAME_TEXTMAX], tt[RRTYPE_TEXTMAX];
	uint8_t		 sh[DNS_NAME_MAX];
	const char	*t;
	size_t		 i;

	if (cl->n >= cl->cap)
		return -1;
	/* The owner's text, made at its DELETE, serves its CREATE too. */
	if (*rname == NULL) {
		if (s->type == DNS_T_DHCID) {
			if (shadow_name(name, sh) == -1)
				return -1;
			name = sh;
		}
		if (name_to_r53(name, nt, sizeof(nt)) == -1)
			return -1;
		*rname = ch_str(cl, nt);
	}
	cl->c[cl->n].action = act;
	cl->c[cl->n].name = *rname;
	/* A known type's name is a constant string: no copy. */
	if (s->type == DNS_T_DHCID)
		t = rrtype_name(DNS_T_TXT);
	else if ((t = rrtype_name(s->type)) == NULL)
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

static void
change_done(void *arg, const struct r53_result *res,
    const struct r53_change_info *ci)
{
	struct batch	*b = arg;

	b->op = 0;
	b->ended = 1;
	b->outcome = res->outcome;
	b->transient = r53_transient(res);
	snprintf(b->code, sizeof(b->code), "%s", res->code);
	snprintf(b->msg, sizeof(b->msg), "%s", res->message);
	b->changeid[0] = '\0';
	b->insync = 0;
	if (res->outcome == R53_SUCCESS && ci != NULL) {
		snprintf(b->changeid, sizeof(b->changeid), "%s", ci->id);
		b->insync = ci->status == R53_INSYNC;
		stats_pending(res->elapsed_ms);
		if (b->insync)
			stats_insync(res->elapsed_ms);
		log_debug("zone %s: change %s accepted (%s) in %llu ms",
		    b->name, ci->id, ci->status == R53_INSYNC ? "INSYNC" :
		    "PENDING", (unsigned long long)res->elapsed_ms);
	}
}

/*
 * dry-run: log the batch that would go, one line a change, and end it as
 * if Route 53 had accepted it; commit() then leaves the mirror as it is.
 */
static void
dry_run(struct batch *b, const struct chlist *cl)
{
	char	line[1024];
	size_t	i, j, n;
	int	w;

	log_info("zone %s: dry run: a change batch of %zu changes for %zu "
	    "units, serial %u, not sent", b->name, cl->n, b->nb,
	    b->newserial);
	for (i = 0; i < cl->n; i++) {
		const struct r53_change *c = &cl->c[i];

		w = snprintf(line, sizeof(line), "%s %s %u %s",
		    c->action == R53_DELETE ? "DELETE" : c->action ==
		    R53_CREATE ? "CREATE" : "UPSERT", c->name,
		    (unsigned)c->ttl, c->type);
		n = w > 0 && (size_t)w < sizeof(line) ? (size_t)w : 0;
		for (j = 0; j < c->nvalues && n < sizeof(line); j++) {
			w = snprintf(line + n, sizeof(line) - n, "%s%s",
			    j == 0 ? " " : " | ", c->values[j]);
			if (w < 0 || (size_t)w >= sizeof(line) - n) {
				/* Long sets: the log line ends with "...". */
				memcpy(line + sizeof(line) - 4, "...", 4);
				break;
			}
			n += (size_t)w;
		}
		log_info("zone %s: dry run: %s", b->name, line);
	}
	b->op = 0;
	b->ended = 1;
	b->outcome = R53_SUCCESS;
	b->transient = 0;
	b->code[0] = b->msg[0] = '\0';
	snprintf(b->changeid, sizeof(b->changeid), "(dry run)");
	b->insync = 1;
	b->dryrun = 1;
}

/* Send the view's transitions: every DELETE first, then every CREATE. */
static int
send_batch(struct batch *b, uint64_t now)
{
	struct chlist	 cl;
	struct ztrans	 t;
	const char	**vals, **vp, **names = NULL;
	size_t		 cur, ntrans, nvals = 0, i, k;
	char		 comment[128];
	int		 pass, rv = -1;

	ntrans = zview_ntrans(&b->view);
	memset(&cl, 0, sizeof(cl));
	cl.cap = 2 * ntrans + 2 * b->nasrt;
	cl.scap = R53_BATCH_CHARS_MAX + 2 * 4096 + cl.cap *
	    (DNS_NAME_TEXTMAX + RRTYPE_TEXTMAX) + R53_BATCH_RECORDS_MAX * 2;
	/* Every entry used is written first: no need to clear them. */
	cl.c = reallocarray(NULL, cl.cap ? cl.cap : 1, sizeof(*cl.c));
	cl.strs = malloc(cl.scap);
	vals = reallocarray(NULL, 2 * R53_BATCH_RECORDS_MAX + 4,
	    sizeof(*vals));
	/* Owner texts by transition (both passes list them in one order). */
	names = calloc(ntrans + b->nasrt + 1, sizeof(*names));
	if (cl.c == NULL || cl.strs == NULL || vals == NULL || names == NULL)
		goto out;
	vp = vals;
	for (pass = 0; pass < 2; pass++) {
		cur = 0;
		for (k = 0; zview_trans_next(&b->view, &cur, &t); k++) {
			const struct rrset *s = pass == 0 ? t.old : t.new;

			if (s == NULL)
				continue;
			if (k >= ntrans ||
			    nvals + s->nrr > 2 * R53_BATCH_RECORDS_MAX + 4 ||
			    ch_add(&cl, pass == 0 ? R53_DELETE : R53_CREATE,
			    t.name, &names[k], s, &vp, &nvals) == -1)
				goto out;
		}
		for (i = 0; i < b->nasrt; i++) {
			const struct rrset *s = asrt_set(b, &b->asrt[i]);

			if (s == NULL)
				continue;
			if (nvals + s->nrr > 2 * R53_BATCH_RECORDS_MAX + 4 ||
			    ch_add(&cl, pass == 0 ? R53_DELETE : R53_CREATE,
			    b->asrt[i].name, &names[ntrans + i], s, &vp,
			    &nvals) == -1)
				goto out;
		}
	}
	snprintf(comment, sizeof(comment), "r53d: %zu unit%s, serial %u",
	    b->nbchanged, b->nbchanged == 1 ? "" : "s", b->newserial);
	b->sent = now;
	b->ended = 0;
	if (b->dry) {
		stats_batch(b->nb, cl.n);
		dry_run(b, &cl);
		rv = 0;
		goto out;
	}
	b->op = r53_change(b->r53, b->mirror->hzid, comment, cl.c, cl.n,
	    change_done, b);
	if (b->op != 0) {
		rv = 0;
		stats_batch(b->nb, cl.n);
		log_debug("zone %s: sending %zu changes for %zu units, "
		    "serial %u", b->name, cl.n, b->nb, b->newserial);
	}
out:
	free(cl.c);
	free(cl.strs);
	free(vals);
	free(names);
	return rv;
}

/* The view's SOA serial: 0, or -1 without a usable SOA. */
static int
view_serial(const struct batch *b, uint32_t *serial)
{
	const struct rrset	*s;

	s = zview_get(&b->view, b->origin, DNS_T_SOA);
	if (s == NULL || s->nrr != 1 || (s->flags & RRSET_OPAQUE))
		return -1;
	return rdata_soa_serial(s->rr[0].rdata, s->rr[0].len, serial);
}

/*
 * The batch's serial: the one a unit set, the one it has when units
 * asked to keep it, or the zone's policy.
 */
static int
put_serial(struct batch *b, const struct batch_conf *bc,
    const struct bctx *c)
{
	zview_begin(&b->view);
	if (c->setserial)
		return update_set_serial(&b->view, b->origin, c->serial);
	if (c->keepserial)
		return 0;
	return update_bump_serial(&b->view, b->origin, bc->policy,
	    time(NULL));
}

/* The SOA serial of the store: 0, or -1 without a usable SOA. */
static int
store_serial(const struct batch *b, uint32_t *serial)
{
	const struct rrset	*s;

	s = zstore_get(&b->mirror->store, b->origin, DNS_T_SOA);
	if (s == NULL || s->nrr != 1 || (s->flags & RRSET_OPAQUE))
		return -1;
	return rdata_soa_serial(s->rr[0].rdata, s->rr[0].len, serial);
}

/* 1 if the SOA serial of the store is not serial. */
static int
serial_differs(const struct batch *b, uint32_t serial)
{
	uint32_t	have;

	return store_serial(b, &have) == -1 || have != serial;
}

/*
 * Too many changes tracked: the oldest that no unit waits for is no
 * longer followed.
 */
static void
forget_oldest(struct batch *b)
{
	struct bchange	*c, **cp;

	for (cp = &b->w; (c = *cp) != NULL; cp = &c->next)
		if (c->units == NULL && c->next != NULL) {
			*cp = c->next;
			log_debug("zone %s: change %s no longer followed",
			    b->name, c->id);
			free(c);
			b->nw--;
			return;
		}
}

/*
 * Every unit of the batch ends: applied (change id, or NULL when nothing
 * was sent), or failed.  The batch is over whichever way it ended: a
 * refusal of the next one is a first one.
 */
static void
end_batch(struct batch *b, enum bend_how how, const char *change, int track)
{
	struct bchange	*c = NULL;
	struct bunit	*u;

	b->refused = 0;
	b->bcap = BATCH_UNITS_MAX;
	b->nasrt = 0;
	if (track && !b->untrack && (c = calloc(1, sizeof(*c))) != NULL) {
		snprintf(c->id, sizeof(c->id), "%s", change);
		c->sent = b->sent;
	}
	while ((u = b->b) != NULL) {
		b->b = u->next;
		if (how != BE_APPLIED && !u->changed) {
			/* Its own result stands. */
			end_unit(u, BE_APPLIED, NULL, 0, NULL, NULL);
			continue;
		}
		if (end_unit(u, how, change, c != NULL, b->code, b->msg) &&
		    how == BE_APPLIED && c != NULL) {
			u->where = BU_WAIT;
			u->next = c->units;
			c->units = u;
		}
	}
	b->btail = &b->b;
	b->nb = b->nbchanged = 0;
	if (c != NULL) {
		/*
		 * Kept even when no unit waits for it: the log tells when
		 * each change became INSYNC.
		 */
		*b->wtail = c;
		b->wtail = &c->next;
		if (++b->nw > BATCH_TRACK_MAX)
			forget_oldest(b);
		if (b->wop == 0 && b->wnext == 0) {
			b->wdelay = BATCH_WAIT_MIN_MS;
			b->wnext = b->sent + b->wdelay;
		}
	}
}

enum bnext
batch_build(struct batch *b, const struct batch_conf *bc, uint64_t now,
    uint8_t (*names)[DNS_NAME_MAX], size_t *n)
{
	struct bctx	 c, saved;
	struct bunit	*u;
	size_t		 vrec = 0, vchr = 0, nasrt;
	enum bapply	 a;

	if (b->q == NULL || b->b != NULL || b->op != 0)
		return BN_IDLE;
	memset(&c, 0, sizeof(c));
	c.b = b;
	c.names = names;
	zview_free(&b->view);
	zview_init(&b->view, &b->mirror->store);
	b->nb = b->nbchanged = 0;
	b->nasrt = 0;
	b->dry = bc->dry_run;
	while ((u = b->q) != NULL && b->nb < b->bcap &&
	    b->nb < BATCH_UNITS_MAX && (bc->coalesce || b->nb == 0)) {
		zview_begin(&b->view);
		nasrt = b->nasrt;
		c.nnames = 0;
		c.overflow = 0;
		saved = c;
		a = u->ops->apply(u, &c);
		if (a == BA_REREAD) {
			zview_rollback(&b->view);
			b->nasrt = nasrt;
			c.setserial = saved.setserial;
			c.serial = saved.serial;
			c.keepserial = saved.keepserial;
			if (b->nb > 0)
				break;	/* send those before it first */
			zview_free(&b->view);
			zview_init(&b->view, &b->mirror->store);
			*n = c.nnames;
			u->reread = 1;
			/*
			 * In partial mode a reload would forget what was
			 * read: these names now, the others at the next
			 * apply.
			 */
			return c.overflow && !b->mirror->partial ? BN_RELOAD :
			    BN_REREAD;
		}
		u->changed = a == BA_CHANGED || a == BA_FULL;
		if (a == BA_FULL || (u->changed &&
		    !view_fits(b, &vrec, &vchr))) {
			/* What it asked of the batch goes with it. */
			zview_rollback(&b->view);
			b->nasrt = nasrt;
			c.setserial = saved.setserial;
			c.serial = saved.serial;
			c.keepserial = saved.keepserial;
			if (b->nbchanged > 0)
				break;
			/* It does not fit even alone. */
			b->q = u->next;
			b->nq--;
			if (b->q == NULL)
				b->qtail = &b->q;
			end_unit(u, BE_TOOLARGE, NULL, 0, "", "too large for "
			    "one Route 53 change batch");
			continue;
		}
		if (u->changed)
			b->nbchanged++;
		b->q = u->next;
		b->nq--;
		u->next = NULL;
		u->where = BU_BATCH;
		*b->btail = u;
		b->btail = &u->next;
		b->nb++;
	}
	if (b->q == NULL)
		b->qtail = &b->q;
	if (b->nb == 0) {
		zview_free(&b->view);
		zview_init(&b->view, &b->mirror->store);
		return b->q != NULL ? BN_AGAIN : BN_IDLE;
	}
	if (b->nbchanged == 0 || (zview_ntrans(&b->view) == 0 &&
	    !(c.setserial && serial_differs(b, c.serial)))) {
		/* Nothing to send: every unit ends now. */
		zview_free(&b->view);
		zview_init(&b->view, &b->mirror->store);
		end_batch(b, BE_APPLIED, NULL, 0);
		return BN_AGAIN;
	}
	b->setserial = c.setserial;
	b->keepserial = c.keepserial && !c.setserial;
	if (store_serial(b, &b->oldserial) == -1)
		b->oldserial = 0;
	if (put_serial(b, bc, &c) == -1 ||
	    view_serial(b, &b->newserial) == -1 || send_batch(b, now) == -1) {
		log_warnx("zone %s: cannot build a change batch", b->name);
		zview_free(&b->view);
		zview_init(&b->view, &b->mirror->store);
		snprintf(b->code, sizeof(b->code), "%s", "");
		snprintf(b->msg, sizeof(b->msg), "cannot build a change "
		    "batch");
		end_batch(b, BE_NOTBUILT, NULL, 0);
		return BN_AGAIN;
	}
	return BN_SENT;
}

/* ---- outcomes ---- */

int
batch_ended(const struct batch *b)
{
	return b->op == 0 && b->ended;
}

/* Route 53 applied the batch: the mirror takes the view. */
static void
commit(struct batch *b, const char *change, int track)
{
	struct ztrans	t;
	size_t		cur = 0;

	if (b->dryrun) {
		/* Nothing was sent: the mirror stays as Route 53 has it. */
		b->dryrun = 0;
		zview_free(&b->view);
		zview_init(&b->view, &b->mirror->store);
		end_batch(b, BE_APPLIED, change, 0);
		return;
	}
	/* Route 53 held these names as the view has them once it applied. */
	while (zview_trans_next(&b->view, &cur, &t))
		mirror_seen(b->mirror, t.name, b->sent);
	if (zview_commit(&b->view) == -1) {
		log_warnx("zone %s: out of memory applying a batch; "
		    "reloading the zone", b->name);
		b->mirror->loaded = 0;
	}
	zview_free(&b->view);
	zview_init(&b->view, &b->mirror->store);
	end_batch(b, BE_APPLIED, change, track);
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

/* Every name the batch touches: max + 1 when there are more. */
static size_t
names_in_view(const struct batch *b, uint8_t (*out)[DNS_NAME_MAX],
    size_t max)
{
	struct ztrans	t;
	size_t		cur = 0, n = 0;

	while (zview_trans_next(&b->view, &cur, &t)) {
		if (n > 0 && name_equal(out[n - 1], t.name))
			continue;
		if (n >= max)
			return max + 1;
		memcpy(out[n++], t.name, name_len(t.name, DNS_NAME_MAX));
	}
	return n;
}

/* Route 53 refused the batch as invalid. */
static enum bnext
refused(struct batch *b, uint8_t (*names)[DNS_NAME_MAX], size_t *n)
{
	struct bunit	*u, **up;

	if (!b->refused) {
		/*
		 * First refusal: the mirror may be stale (somebody else
		 * wrote).  Read the names again and apply the units again.
		 */
		log_info("zone %s: Route 53 refused the batch (%s: %s); "
		    "reading the names again", b->name, b->code, b->msg);
		b->refused = 1;
		*n = names_in_message(b->msg, names, MIRROR_REREAD_MAX);
		if (*n == 0)
			*n = names_in_view(b, names, MIRROR_REREAD_MAX);
		batch_requeue(b);
		return *n == 0 || *n > MIRROR_REREAD_MAX ? BN_RELOAD :
		    BN_REREAD;
	}
	if (b->nbchanged > 1) {
		/* Refused again on fresh data: split it. */
		b->bcap = b->nb / 2 > 0 ? b->nb / 2 : 1;
		log_info("zone %s: refused again; trying the first %zu of "
		    "%zu units alone", b->name, b->bcap, b->nb);
		/* Names Route 53 names may have been written again. */
		*n = names_in_message(b->msg, names, MIRROR_REREAD_MAX);
		batch_requeue(b);
		return *n > 0 ? BN_REREAD : BN_AGAIN;
	}
	/* One unit alone is refused: it fails; the others go on. */
	for (up = &b->b; (u = *up) != NULL; up = &u->next)
		if (u->changed)
			break;
	if (u != NULL) {
		*up = u->next;
		b->nb--;
		b->nbchanged--;
		end_unit(u, BE_REFUSED, NULL, 0, b->code, b->msg);
	}
	b->btail = &b->b;
	for (u = b->b; u != NULL; u = u->next)
		b->btail = &u->next;
	b->refused = 0;
	b->bcap = BATCH_UNITS_MAX;
	batch_requeue(b);
	return BN_AGAIN;
}

enum bnext
batch_outcome(struct batch *b, uint64_t now, uint8_t (*names)[DNS_NAME_MAX],
    size_t *n)
{
	(void)now;
	b->ended = 0;
	*n = 0;
	switch (b->outcome) {
	case R53_SUCCESS:
		if (b->refused && b->bcap < BATCH_UNITS_MAX) {
			/* Part of a split batch went through. */
			b->bcap = BATCH_UNITS_MAX;
		}
		commit(b, b->changeid, !b->insync);
		return BN_AGAIN;
	case R53_UNKNOWN:
		if (b->keepserial) {
			/*
			 * The serial does not tell: read what the batch
			 * touched again and apply its units again (parts of
			 * an increment, which set absolute RRsets).
			 */
			log_warnx("zone %s: outcome of a change batch unknown "
			    "(%s); reading its names again", b->name, b->msg);
			*n = names_in_view(b, names, MIRROR_REREAD_MAX);
			batch_requeue(b);
			return *n == 0 || *n > MIRROR_REREAD_MAX ? BN_RELOAD :
			    BN_REREAD;
		}
		log_warnx("zone %s: outcome of a change batch unknown (%s); "
		    "reading the SOA back", b->name, b->msg);
		return BN_CHECK;
	case R53_FAILURE:
		log_warnx("zone %s: change batch not sent: %s", b->name,
		    b->msg);
		batch_requeue(b);
		return BN_RETRY;
	case R53_AWS_ERROR:
		if (strcmp(b->code, "InvalidChangeBatch") == 0 ||
		    strcmp(b->code, "InvalidInput") == 0)
			return refused(b, names, n);
		if (b->transient) {
			batch_requeue(b);
			return BN_RETRY;
		}
		log_warnx("zone %s: change batch failed: %s: %s", b->name,
		    b->code, b->msg);
		zview_free(&b->view);
		zview_init(&b->view, &b->mirror->store);
		end_batch(b, BE_FAILED, NULL, 0);
		return BN_AGAIN;
	}
	return BN_AGAIN;
}

static void
verify_free(struct batch *b)
{
	size_t	i;

	for (i = 0; i < b->nvset; i++)
		rrset_unref(b->vset[i].set);
	free(b->vset);
	b->vset = NULL;
	b->nvset = b->vcur = 0;
}

/*
 * Keep what the batch wrote (the view's transitions) and drop the view,
 * whose pointers into the store the reads would leave dangling.
 */
static int
verify_keep(struct batch *b)
{
	struct ztrans	t;
	size_t		cur = 0, n = zview_ntrans(&b->view), i = 0;

	verify_free(b);
	if (n == 0 || (b->vset = calloc(n, sizeof(*b->vset))) == NULL)
		return -1;
	while (i < n && zview_trans_next(&b->view, &cur, &t)) {
		memcpy(b->vset[i].name, t.name, name_len(t.name,
		    DNS_NAME_MAX));
		b->vset[i].type = t.type;
		b->vset[i].set = t.new != NULL ?
		    rrset_ref((struct rrset *)(uintptr_t)t.new) : NULL;
		i++;
	}
	b->nvset = i;
	zview_free(&b->view);
	zview_init(&b->view, &b->mirror->store);
	return 0;
}

/* The next names to read, at most MIRROR_REREAD_MAX. */
static size_t
verify_names(struct batch *b, uint8_t (*names)[DNS_NAME_MAX])
{
	size_t	n = 0;

	while (b->vcur < b->nvset) {
		const uint8_t *nm = b->vset[b->vcur].name;

		if (n > 0 && name_equal(names[n - 1], nm)) {
			b->vcur++;
			continue;
		}
		if (n == MIRROR_REREAD_MAX)
			break;
		memcpy(names[n++], nm, name_len(nm, DNS_NAME_MAX));
		b->vcur++;
	}
	return n;
}

/* The names the batch wrote. */
static size_t
verify_count(const struct batch *b)
{
	size_t	i, n = 0;

	for (i = 0; i < b->nvset; i++)
		if (i == 0 || !name_equal(b->vset[i - 1].name,
		    b->vset[i].name))
			n++;
	return n;
}

/* Applied: the units end NOERROR; the store holds what was read. */
static void
applied_unknown_id(struct batch *b)
{
	log_info("zone %s: the batch with serial %u was applied", b->name,
	    b->newserial);
	snprintf(b->code, sizeof(b->code), "%s", "");
	snprintf(b->msg, sizeof(b->msg), "%s", "");
}

enum bnext
batch_checked(struct batch *b, uint32_t serial, uint64_t now,
    uint8_t (*names)[DNS_NAME_MAX], size_t *n)
{
	(void)now;
	if (serial == b->newserial && b->setserial) {
		/* Absolute RRsets from a primary: whoever wrote, they hold. */
		applied_unknown_id(b);
		commit(b, "(unknown id)", 0);
		return BN_AGAIN;
	}
	if (serial != b->oldserial && verify_keep(b) == 0) {
		if (!b->mirror->partial && verify_count(b) >
		    b->mirror->store.nrrset / LIST_PAGE + 1) {
			/* Fewer requests: read the whole zone (*n 0). */
			log_info("zone %s: Route 53 has serial %u; reading the "
			    "zone to see whether the batch with serial %u was "
			    "applied", b->name, serial, b->newserial);
			b->vcur = b->nvset;
			*n = 0;
			return BN_VERIFY;
		}
		log_info("zone %s: Route 53 has serial %u; reading the names "
		    "of the batch with serial %u to see whether it was "
		    "applied", b->name, serial, b->newserial);
		*n = verify_names(b, names);
		return BN_VERIFY;
	}
	if (serial == b->newserial) {
		/* Out of memory to verify: the serial alone tells. */
		applied_unknown_id(b);
		commit(b, "(unknown id)", 0);
		return BN_AGAIN;
	}
	log_info("zone %s: the batch with serial %u was not applied; "
	    "evaluating it again", b->name, b->newserial);
	batch_requeue(b);
	/* The SOA may have changed behind our back. */
	memcpy(names[0], b->origin, name_len(b->origin, DNS_NAME_MAX));
	*n = 1;
	return BN_REREAD;
}

enum bnext
batch_verified(struct batch *b, uint64_t now,
    uint8_t (*names)[DNS_NAME_MAX], size_t *n)
{
	const struct rrset	*s;
	size_t			 i, differ = 0;
	uint32_t		 serial = 0;

	(void)now;
	if (b->vcur < b->nvset) {
		*n = verify_names(b, names);
		return BN_VERIFY;
	}
	*n = 0;
	for (i = 0; i < b->nvset; i++) {
		s = zstore_get(&b->mirror->store, b->vset[i].name,
		    b->vset[i].type);
		if (!rrset_same(s, b->vset[i].set))
			differ++;
	}
	verify_free(b);
	if (differ == 0) {
		/* The store already holds it: nothing to commit. */
		applied_unknown_id(b);
		end_batch(b, BE_APPLIED, "(unknown id)", 0);
		return BN_AGAIN;
	}
	if (store_serial(b, &serial) == 0 && serial == b->oldserial) {
		log_info("zone %s: the batch with serial %u was not applied; "
		    "evaluating it again", b->name, b->newserial);
		batch_requeue(b);
		return BN_AGAIN;
	}
	log_warnx("zone %s: the batch with serial %u may or may not have "
	    "been applied: Route 53 has serial %u and %zu RRsets the batch "
	    "wrote differ; its updates fail", b->name, b->newserial, serial,
	    differ);
	snprintf(b->code, sizeof(b->code), "%s", "");
	snprintf(b->msg, sizeof(b->msg), "outcome unknown: written over "
	    "since (serial %u)", serial);
	end_batch(b, BE_FAILED, NULL, 0);
	return BN_AGAIN;
}

/* ---- INSYNC ---- */

static void
getchange_done(void *arg, const struct r53_result *res,
    const struct r53_change_info *ci)
{
	struct batch	*b = arg;

	b->wop = 0;
	b->wended = 1;
	b->wok = res->outcome == R53_SUCCESS;
	b->winsync = b->wok && ci->status == R53_INSYNC;
	snprintf(b->wid, sizeof(b->wid), "%s", b->wok ? ci->id : "");
	if (!b->wok)
		log_warnx("zone %s: GetChange: %s %s", b->name, res->code,
		    res->message);
}

/* Changes up to and including upto are INSYNC: their units end. */
static void
insync(struct batch *b, struct bchange *upto, uint64_t now)
{
	struct bchange	*c;
	struct bunit	*u;
	int		 last = 0;

	while (!last && (c = b->w) != NULL) {
		last = c == upto;
		b->w = c->next;
		b->nw--;
		if (b->w == NULL)
			b->wtail = &b->w;
		log_info("zone %s: change %s INSYNC after %llu ms", b->name,
		    c->id, (unsigned long long)(now - c->sent));
		stats_insync(now - c->sent);
		while ((u = c->units) != NULL) {
			c->units = u->next;
			end_unit(u, BE_INSYNC, c->id, 0, NULL, NULL);
		}
		free(c);
	}
}

void
batch_track(struct batch *b, uint64_t now)
{
	struct bchange	*c;
	int		 waited = 0;

	if (b->wended) {
		b->wended = 0;
		if (b->winsync) {
			for (c = b->w; c != NULL; c = c->next)
				if (strcmp(c->id, b->wid) == 0)
					break;
			if (c != NULL)
				insync(b, c, now);
			b->wnext = 0;
			b->wdelay = BATCH_WAIT_MIN_MS;
		} else {
			b->wdelay = b->wdelay * 3 / 2;
			if (b->wdelay > BATCH_WAIT_MAX_MS)
				b->wdelay = BATCH_WAIT_MAX_MS;
		}
		b->wnext = b->w != NULL ? now + b->wdelay : 0;
	}
	if (b->w == NULL) {
		b->wnext = 0;
		return;
	}
	if (b->wnext == 0)
		b->wnext = now + b->wdelay;
	if (b->wop == 0 && now >= b->wnext) {
		/*
		 * When no unit waits, the poll only tells the log: it goes
		 * when the client has nothing else to send and a token to
		 * spare, so that it never delays a change.
		 */
		for (c = b->w; c != NULL; c = c->next)
			waited |= c->units != NULL;
		if (!waited && (b->untrack || r53_pending(b->r53) > 0 ||
		    r53_send_at(b->r53, now) > now)) {
			b->wnext = now + BATCH_WAIT_MIN_MS;
			return;
		}
		/* Poll the newest change: once it is INSYNC, all are. */
		for (c = b->w; c->next != NULL; c = c->next)
			;
		b->wnext = 0;
		b->wop = r53_get_change(b->r53, c->id, getchange_done, b);
		if (b->wop == 0)
			b->wnext = now + BATCH_WAIT_MAX_MS;
	}
}

void
batch_fail_queued(struct batch *b, const char *why)
{
	struct bunit	*u;

	while ((u = b->q) != NULL) {
		b->q = u->next;
		b->nq--;
		end_unit(u, BE_FAILED, NULL, 0, "", why);
	}
	b->qtail = &b->q;
}

void
batch_untrack(struct batch *b)
{
	struct bchange	*c;
	struct bunit	*u;

	b->untrack = 1;
	if (b->wop != 0)
		r53_cancel(b->r53, b->wop);
	b->wop = 0;
	while ((c = b->w) != NULL) {
		b->w = c->next;
		b->nw--;
		/* Accepted: applied, whether INSYNC yet or not. */
		while ((u = c->units) != NULL) {
			c->units = u->next;
			u->where = BU_NONE;
			end_unit(u, BE_APPLIED, c->id, 0, NULL, NULL);
		}
		free(c);
	}
	b->wtail = &b->w;
	b->wnext = 0;
}

uint64_t
batch_deadline(const struct batch *b)
{
	return b->wop == 0 ? b->wnext : 0;
}

/* ---- the end ---- */

void
batch_drop(struct batch *b, const char *why)
{
	struct bunit	*u;
	struct bchange	*c;

	if (b->op != 0)
		r53_cancel(b->r53, b->op);
	if (b->wop != 0)
		r53_cancel(b->r53, b->wop);
	b->op = b->wop = 0;
	batch_requeue(b);
	while ((u = b->q) != NULL) {
		b->q = u->next;
		end_unit(u, BE_DROPPED, NULL, 0, "", why);
	}
	b->qtail = &b->q;
	b->nq = 0;
	while ((c = b->w) != NULL) {
		b->w = c->next;
		b->nw--;
		while ((u = c->units) != NULL) {
			c->units = u->next;
			end_unit(u, BE_DROPPED, c->id, 0, "", why);
		}
		free(c);
	}
	b->wtail = &b->w;
	zview_free(&b->view);
	verify_free(b);
}
