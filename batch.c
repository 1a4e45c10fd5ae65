/*
 * batch.c: a zone's write pipeline (see batch.h): the queue, building a
 * batch from the queued units, what follows once Route 53 has answered
 * (commit, refusals and splitting, retries, failures), and the ending of
 * units.  Beside it, sharing batch_impl.h: batch_send.c costs the view
 * and sends it as a change batch, batch_verify.c settles an outcome that
 * is unknown, batch_insync.c follows accepted changes to INSYNC.
 *
 * A batch is built on a view of the mirror: each queued unit is applied
 * after a savepoint, costed, and kept or rolled back; the view's
 * transitions (every DELETE first, then every CREATE) and the asserted
 * RRsets, sent unchanged, make the change batch, with the apex SOA's new
 * serial.  The Route 53 callbacks (batch_send.c, batch_insync.c) only
 * record; batch_outcome() acts on what they recorded.
 *
 * The states of the batch out, and the calls of the zone's step that
 * move it (what each returns in brackets):
 *
 *   idle	b is NULL and op 0; units wait in q.  batch_build() takes
 *		units from q into b and sends them: -> sent [BN_SENT]; or
 *		units end without a request, or names are to be read
 *		first: -> idle [BN_AGAIN, BN_REREAD, BN_RELOAD].
 *   sent	b holds the units, the view their changes, op the request
 *		(a dry run ends it at once).  Its callback records the
 *		outcome: -> ended.
 *   ended	batch_ended().  batch_outcome(): accepted: committed, the
 *		units end; refused: requeued and the names read again,
 *		then split (bcap) until the one unit refused alone ends;
 *		not sent or transient: requeued [BN_RETRY]; failed: the
 *		units end; -> idle.  Unknown: -> checking [BN_CHECK], or,
 *		when the batch kept the serial, requeued and its names
 *		read again -> idle.
 *   checking	b still holds the units; the SOA is read back.
 *		batch_checked() (batch_verify.c): applied, or not applied
 *		and requeued -> idle; or -> verifying [BN_VERIFY].
 *   verifying	vset holds what the batch wrote, vcur how much of it was
 *		read.  batch_verified(): the next round [BN_VERIFY]; or
 *		applied, not applied and requeued, or failed -> idle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/r53.h"
#include "batch.h"
#include "batch_impl.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrset.h"
#include "dns/rrtype.h"
#include "dns/update.h"
#include "log.h"
#include "mirror.h"
#include "stats.h"

struct bctx {
	struct batch	*b;
	uint8_t		(*names)[DNS_NAME_MAX];	/* to read first */
	size_t		 nnames;
	int		 overflow;	/* more names than room */
	int		 setserial;
	uint32_t	 serial;
	int		 keepserial;
};

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
int
batch_end_unit(struct bunit *u, enum bend_how how, const char *change,
    int track, const char *code, const char *msg)
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

/* ---- building ---- */

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
int
batch_store_serial(const struct batch *b, uint32_t *serial)
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

	return batch_store_serial(b, &have) == -1 || have != serial;
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
void
batch_end_units(struct batch *b, enum bend_how how, const char *change,
    int track)
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
			batch_end_unit(u, BE_APPLIED, NULL, 0, NULL, NULL);
			continue;
		}
		if (batch_end_unit(u, how, change, c != NULL, b->code,
		    b->msg) && how == BE_APPLIED && c != NULL) {
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
		    !batch_view_fits(b, &vrec, &vchr))) {
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
			batch_end_unit(u, BE_TOOLARGE, NULL, 0, "",
			    "too large for one Route 53 change batch");
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
		batch_end_units(b, BE_APPLIED, NULL, 0);
		return BN_AGAIN;
	}
	b->setserial = c.setserial;
	b->keepserial = c.keepserial && !c.setserial;
	if (batch_store_serial(b, &b->oldserial) == -1)
		b->oldserial = 0;
	if (put_serial(b, bc, &c) == -1 ||
	    view_serial(b, &b->newserial) == -1 || batch_send(b, now) == -1) {
		log_warnx("zone %s: cannot build a change batch", b->name);
		zview_free(&b->view);
		zview_init(&b->view, &b->mirror->store);
		snprintf(b->code, sizeof(b->code), "%s", "");
		snprintf(b->msg, sizeof(b->msg), "cannot build a change "
		    "batch");
		batch_end_units(b, BE_NOTBUILT, NULL, 0);
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
void
batch_commit(struct batch *b, const char *change, int track)
{
	struct ztrans	t;
	size_t		cur = 0;

	if (b->dryrun) {
		/* Nothing was sent: the mirror stays as Route 53 has it. */
		b->dryrun = 0;
		zview_free(&b->view);
		zview_init(&b->view, &b->mirror->store);
		batch_end_units(b, BE_APPLIED, change, 0);
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
	batch_end_units(b, BE_APPLIED, change, track);
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
		batch_end_unit(u, BE_REFUSED, NULL, 0, b->code, b->msg);
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
		batch_commit(b, b->changeid, !b->insync);
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
		batch_end_units(b, BE_FAILED, NULL, 0);
		return BN_AGAIN;
	}
	return BN_AGAIN;
}

/* ---- the end ---- */

void
batch_fail_queued(struct batch *b, const char *why)
{
	struct bunit	*u;

	while ((u = b->q) != NULL) {
		b->q = u->next;
		b->nq--;
		batch_end_unit(u, BE_FAILED, NULL, 0, "", why);
	}
	b->qtail = &b->q;
}

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
		batch_end_unit(u, BE_DROPPED, NULL, 0, "", why);
	}
	b->qtail = &b->q;
	b->nq = 0;
	while ((c = b->w) != NULL) {
		b->w = c->next;
		b->nw--;
		while ((u = c->units) != NULL) {
			c->units = u->next;
			batch_end_unit(u, BE_DROPPED, c->id, 0, "", why);
		}
		free(c);
	}
	b->wtail = &b->w;
	zview_free(&b->view);
	batch_verify_free(b);
}
