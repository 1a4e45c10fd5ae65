/*
 * zone.c: the engine of each configured zone: life cycle, queries, and
 * the step.  See zone.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/r53.h"
#include "batch.h"
#include "conf.h"
#include "dns/lookup.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rrset.h"
#include "dns/update.h"
#include "log.h"
#include "loop.h"
#include "mirror.h"
#include "secondary.h"
#include "listen.h"
#include "upd.h"
#include "zone.h"

#define ZONE_BACKOFF_MIN 1000		/* ms */
#define ZONE_BACKOFF_MAX 300000
#define ZONE_HELD_MAX	256		/* queries held, partial mode */
#define ZONE_HELD_MS	10000		/* ... at most this long */

/*
 * A query held in partial mode until the names it needs are read: the
 * request as it came, handed to the dispatcher again then.
 */
struct zheld {
	struct zheld	*next;
	struct client	 cl;
	uint8_t		 qname[DNS_NAME_MAX];	/* lowercased */
	uint64_t	 deadline;
	size_t		 len;
	uint8_t		 msg[];
};

/*
 * The states of a zone's engine.  At most one read of the mirror and one
 * change batch are out at a time, and the mirror's store changes only
 * while no batch holds changes on a view of it (the pipeline's commit
 * aside), so a view is never built on a store that moves.
 */
enum zstate {
	Z_FIND,		/* no hosted zone ID: the mirror is finding it, or
			   it failed and retry_at is set */
	Z_LOAD,		/* the mirror is loading (or will at retry_at);
			   queries use the old load if there is one; the
			   pipeline holds no batch */
	Z_READY,	/* loaded, no batch out: a batch is built when units
			   wait, retry_at has passed and a request token is
			   there (kick_at otherwise) */
	Z_SENT,		/* a change batch is in flight */
	Z_CHECK,	/* its outcome is unknown: the mirror reads the SOA
			   back (or will at retry_at); the batch is held */
	Z_REREAD,	/* the batch was put back: the mirror reads rnames
			   again (or will at retry_at) */
	Z_VERIFY	/* its outcome is still unknown: the mirror reads
			   rnames, names it wrote (none: the whole zone);
			   the batch is held */
};

struct zone {
	struct zone		*next;
	const struct zone_conf	*zc;
	char			 name[ACL_NAME_MAX];
	uint8_t			 origin[DNS_NAME_MAX];
	enum zstate		 state;
	uint64_t		 retry_at;	/* 0: not waiting */
	unsigned		 backoff;
	uint64_t		 kick_at;	/* a token then; 0: none */
	uint8_t			 rnames[MIRROR_REREAD_MAX][DNS_NAME_MAX];
	size_t			 nrnames;
	struct mirror		 mirror;
	struct batch		 batch;
	struct updq		 upd;
	struct secondary	*sec;		/* with primaries, else NULL */
	short			 sec_revents;
	struct zheld		*held, **heldtail;
	size_t			 nheld;
};

static struct r53	*zone_r53;
static struct zone	*zones;
static int		 partial;	/* inetd: names read as needed */
static zone_dispatch_fn	*dispatch;
static int		 redispatching;

void
zones_init(struct r53 *r, int part, zone_dispatch_fn *fn)
{
	zone_r53 = r;
	partial = part;
	dispatch = fn;
}

static void	held_release(struct zone *, int, uint64_t);
static size_t	held_names(struct zone *, uint8_t (*)[DNS_NAME_MAX]);

/* After a failure: the next attempt after a doubling, jittered delay. */
static void
retry_later(struct zone *z, uint64_t now)
{
	unsigned	b = z->backoff ? z->backoff : ZONE_BACKOFF_MIN;

	z->retry_at = now + b / 2 + (unsigned)(random() % (b / 2 + 1));
	z->backoff = b * 2 > ZONE_BACKOFF_MAX ? ZONE_BACKOFF_MAX : b * 2;
}

static void
succeeded(struct zone *z)
{
	z->backoff = 0;
	z->retry_at = 0;
}

/* Go to a state whose read starts at once (retry_at cleared). */
static void
enter(struct zone *z, enum zstate st)
{
	z->state = st;
	z->retry_at = 0;
}

/*
 * Carry out what the pipeline asks, with names[0..n) the names it gave
 * (read only).  Returns 1 when the step should look at the zone again at
 * once, 0 when it waits.
 */
static int
follow(struct zone *z, enum bnext bn, uint8_t (*names)[DNS_NAME_MAX],
    size_t n, uint64_t now)
{
	switch (bn) {
	case BN_IDLE:
		z->state = Z_READY;
		return 0;
	case BN_AGAIN:
		z->state = Z_READY;
		return 1;
	case BN_SENT:
		z->state = Z_SENT;
		/* A dry run has its outcome already. */
		return batch_ended(&z->batch);
	case BN_REREAD:
		memcpy(z->rnames, names, n * sizeof(names[0]));
		z->nrnames = n;
		enter(z, Z_REREAD);
		return 1;
	case BN_RELOAD:
		enter(z, Z_LOAD);
		return 1;
	case BN_CHECK:
		enter(z, Z_CHECK);
		return 1;
	case BN_VERIFY:
		memcpy(z->rnames, names, n * sizeof(names[0]));
		z->nrnames = n;
		enter(z, Z_VERIFY);
		return 1;
	case BN_RETRY:
		z->state = Z_READY;
		z->retry_at = now + ZONE_BACKOFF_MIN;
		return 0;
	}
	return 0;
}

/*
 * Start the read a state needs, unless one is out or it is not time yet.
 * Returns the mirror's status when a read is out, MIRROR_BUSY otherwise.
 */
static enum mirror_status
read_step(struct zone *z, uint64_t now)
{
	struct mirror	*m = &z->mirror;
	int		 rv = 0;

	if (mirror_busy(m))
		return mirror_step(m, now);
	if (z->retry_at != 0 && now < z->retry_at)
		return MIRROR_BUSY;
	z->retry_at = 0;
	switch (z->state) {
	case Z_FIND:
		rv = mirror_find(m, z->zc->hosted_zone, z->zc->private_zone,
		    z->zc->vpc);
		break;
	case Z_LOAD:
		rv = mirror_load(m);
		break;
	case Z_CHECK:
		rv = mirror_read_soa(m);
		break;
	case Z_VERIFY:
		if (z->nrnames == 0) {
			rv = mirror_load(m);
			break;
		}
		/* FALLTHROUGH */
	case Z_REREAD:
		rv = mirror_reread(m, (const uint8_t (*)[DNS_NAME_MAX])
		    z->rnames, z->nrnames, now);
		break;
	default:
		break;
	}
	if (rv == -1)
		retry_later(z, now);
	return MIRROR_BUSY;
}

/*
 * Partial mode: the hosted zone could not be found or read.  Nobody
 * should wait for the retry: what waits is answered SERVFAIL now.
 */
static void
partial_failed(struct zone *z, uint64_t now)
{
	if (!partial)
		return;
	held_release(z, 1, now);
	batch_fail_queued(&z->batch, "the hosted zone cannot be read");
}

/* Take every step the zone can take now. */
static void
zone_step(struct zone *z, uint64_t now)
{
	uint8_t			 names[MIRROR_REREAD_MAX][DNS_NAME_MAX];
	struct batch_conf	 bc;
	enum mirror_status	 ms;
	enum bnext		 bn;
	size_t			 n = 0;
	uint64_t		 t;

	batch_track(&z->batch, now);
	for (;;) {
		switch (z->state) {
		case Z_FIND:
			if ((ms = read_step(z, now)) == MIRROR_BUSY)
				return;
			if (ms == MIRROR_FAIL) {
				partial_failed(z, now);
				retry_later(z, now);
				return;
			}
			succeeded(z);
			enter(z, Z_LOAD);
			continue;
		case Z_LOAD:
			if ((ms = read_step(z, now)) == MIRROR_BUSY)
				return;
			if (ms == MIRROR_FAIL) {
				if (z->mirror.hzid[0] == '\0')
					z->state = Z_FIND;
				partial_failed(z, now);
				retry_later(z, now);
				return;
			}
			succeeded(z);
			z->state = Z_READY;
			continue;
		case Z_READY:
			if (!z->mirror.loaded) {
				/* A commit ran out of memory. */
				enter(z, Z_LOAD);
				continue;
			}
			if (z->held != NULL) {
				held_release(z, 0, now);
				if ((n = held_names(z, z->rnames)) > 0 &&
				    (z->retry_at == 0 || now >= z->retry_at)) {
					z->nrnames = n;
					enter(z, Z_REREAD);
					continue;
				}
			}
			if (batch_queued(&z->batch) == 0 ||
			    (z->retry_at != 0 && now < z->retry_at))
				return;
			/*
			 * Not before the batch can go: units that arrive
			 * while the token bucket refills join it instead
			 * of waiting for the next one.
			 */
			if ((t = r53_send_at(zone_r53, now)) > now) {
				z->kick_at = t;
				return;
			}
			z->kick_at = 0;
			z->retry_at = 0;
			bc.coalesce = z->zc->coalesce;
			bc.dry_run = z->zc->dry_run;
			bc.policy = z->zc->serial_policy == SERIAL_UNIXTIME ?
			    UPD_SERIAL_UNIXTIME : UPD_SERIAL_INCREMENT;
			bn = batch_build(&z->batch, &bc, now, names, &n);
			if (!follow(z, bn, names, n, now))
				return;
			continue;
		case Z_SENT:
			if (!batch_ended(&z->batch))
				return;
			bn = batch_outcome(&z->batch, now, names, &n);
			if (bn == BN_AGAIN)
				succeeded(z);
			if (!follow(z, bn, names, n, now))
				return;
			continue;
		case Z_CHECK:
			if ((ms = read_step(z, now)) == MIRROR_BUSY)
				return;
			if (ms == MIRROR_FAIL) {
				retry_later(z, now);
				return;
			}
			succeeded(z);
			bn = batch_checked(&z->batch, mirror_soa(&z->mirror),
			    now, names, &n);
			if (!follow(z, bn, names, n, now))
				return;
			continue;
		case Z_VERIFY:
			if ((ms = read_step(z, now)) == MIRROR_BUSY)
				return;
			if (ms == MIRROR_FAIL) {
				retry_later(z, now);
				return;
			}
			succeeded(z);
			bn = batch_verified(&z->batch, now, names, &n);
			if (!follow(z, bn, names, n, now))
				return;
			continue;
		case Z_REREAD:
			if ((ms = read_step(z, now)) == MIRROR_BUSY)
				return;
			if (ms == MIRROR_FAIL) {
				if (!z->mirror.loaded)
					z->state = Z_LOAD;
				retry_later(z, now);
				return;
			}
			succeeded(z);
			z->state = Z_READY;
			continue;
		}
	}
}

/* ---- queries ---- */

int
zone_query(struct zone *z, const struct dns_msg *m, struct dns_wmsg *w)
{
	struct zview		 v;
	static struct lk_answer	 a;
	const struct lk_item	*it;
	size_t			 i, k;
	int			 rv;

	zview_init(&v, &z->mirror.store);
	lookup(&v, z->origin, m->qname, m->qtype, &a);
	if (a.aa)
		dns_wmsg_setflags(w, DNS_F_AA, 0);
	for (i = 0; i < a.n; i++) {
		it = &a.item[i];
		for (k = 0; k < it->set->nrr; k++) {
			rv = dns_wmsg_rr(w, it->sec, it->owner, it->set->type,
			    DNS_C_IN, it->ttl, it->set->rr[k].rdata,
			    it->set->rr[k].len);
			if (rv != DNS_W_OK)
				goto done;
		}
	}
done:
	zview_free(&v);
	return a.rcode;
}

/* ---- queries held in partial mode ---- */

/*
 * The names a lookup of qname needs the store to hold (partial mode):
 * qname, the names between the apex and it (delegations, empty
 * non-terminals), and the wildcard below each of those and the apex.
 * fn(arg, name) for each; stops when it returns non-zero.
 */
static void
query_names(const struct zone *z, const uint8_t *qname,
    int (*fn)(void *, const uint8_t *), void *arg)
{
	uint8_t		 w[DNS_NAME_MAX];
	const uint8_t	*a = qname;
	int		 lq = name_labels(qname), l0 = name_labels(z->origin);
	int		 k;
	size_t		 len;

	/* a runs from qname up to the apex, k its label count. */
	for (k = lq; k >= l0; k--) {
		if (k > l0 && fn(arg, a))
			return;
		if (k < lq) {
			len = name_len(a, DNS_NAME_MAX);
			if (len + 2 <= DNS_NAME_MAX) {
				w[0] = 1;
				w[1] = '*';
				memcpy(w + 2, a, len);
				if (fn(arg, w))
					return;
			}
		}
		a += a[0] + 1;
	}
}

static int
unknown_cb(void *arg, const uint8_t *name)
{
	const struct zone	*z = ((void **)arg)[0];
	int			*found = ((void **)arg)[1];

	if (!mirror_known(&z->mirror, name)) {
		*found = 1;
		return 1;
	}
	return 0;
}

int
zone_query_wait(struct zone *z, const uint8_t *qname)
{
	int	 found = 0;
	void	*arg[2] = { z, &found };

	if (!partial)
		return ZQ_ANSWER;
	if (redispatching)
		return redispatching == 2 ? ZQ_FAIL : ZQ_ANSWER;
	if (!z->mirror.loaded)
		return ZQ_HOLD;
	query_names(z, qname, unknown_cb, arg);
	return found ? ZQ_HOLD : ZQ_ANSWER;
}

/* 1 while names the query for qname needs are not read. */
static int
held_waits(struct zone *z, const uint8_t *qname)
{
	int	 found = 0;
	void	*arg[2] = { z, &found };

	if (!z->mirror.loaded)
		return 1;
	query_names(z, qname, unknown_cb, arg);
	return found;
}

int
zone_query_hold(struct zone *z, const struct client *cl,
    const uint8_t *qname, const uint8_t *msg, size_t len)
{
	struct zheld	*h;

	if (z->nheld >= ZONE_HELD_MAX || (h = malloc(sizeof(*h) + len)) ==
	    NULL)
		return -1;
	h->next = NULL;
	h->cl = *cl;
	memcpy(h->qname, qname, name_len(qname, DNS_NAME_MAX));
	name_lower(h->qname);
	h->deadline = loop_now() + ZONE_HELD_MS;
	h->len = len;
	memcpy(h->msg, msg, len);
	*z->heldtail = h;
	z->heldtail = &h->next;
	z->nheld++;
	return 0;
}

struct names_acc {
	const struct zone	*z;
	uint8_t			(*names)[DNS_NAME_MAX];
	size_t			 n;
};

static int
collect_cb(void *arg, const uint8_t *name)
{
	struct names_acc	*a = arg;
	size_t			 i;

	if (mirror_known(&a->z->mirror, name))
		return 0;
	for (i = 0; i < a->n; i++)
		if (name_equal(a->names[i], name))
			return 0;
	if (a->n == MIRROR_REREAD_MAX)
		return 1;
	memcpy(a->names[a->n], name, name_len(name, DNS_NAME_MAX));
	name_lower(a->names[a->n]);
	a->n++;
	return 0;
}

/*
 * Hand the held queries that can be answered now back to the
 * dispatcher, which answers them from the store; those whose time is
 * up, or all when fail is set (the hosted zone cannot be read), are
 * answered SERVFAIL: an answer from names not read could be wrong.
 */
static void
held_release(struct zone *z, int fail, uint64_t now)
{
	struct zheld	*h, **hp;
	int		 give_up;

	for (hp = &z->held; (h = *hp) != NULL;) {
		give_up = fail || now >= h->deadline;
		if (!give_up && held_waits(z, h->qname)) {
			hp = &h->next;
			continue;
		}
		*hp = h->next;
		z->nheld--;
		redispatching = give_up ? 2 : 1;
		dispatch(&h->cl, h->msg, h->len);
		redispatching = 0;
		free(h);
	}
	z->heldtail = &z->held;
	for (h = z->held; h != NULL; h = h->next)
		z->heldtail = &h->next;
}

/* The names the held queries wait for; 0 if none. */
static size_t
held_names(struct zone *z, uint8_t (*names)[DNS_NAME_MAX])
{
	struct names_acc	 a = { z, names, 0 };
	struct zheld		*h;

	for (h = z->held; h != NULL && a.n < MIRROR_REREAD_MAX; h = h->next)
		query_names(z, h->qname, collect_cb, &a);
	return a.n;
}

static uint64_t
held_deadline(const struct zone *z)
{
	const struct zheld	*h;
	uint64_t		 d = 0;

	for (h = z->held; h != NULL; h = h->next)
		if (d == 0 || h->deadline < d)
			d = h->deadline;
	return d;
}

/* ---- life cycle ---- */

struct zone *
zone_find(const uint8_t *qname)
{
	struct zone	*z, *best = NULL;
	int		 bl = -1, l;

	for (z = zones; z != NULL; z = z->next) {
		if (!name_is_sub(qname, z->origin))
			continue;
		if ((l = name_labels(z->origin)) > bl) {
			best = z;
			bl = l;
		}
	}
	return best;
}

int
zone_loaded(const struct zone *z)
{
	return z->mirror.loaded;
}

const uint8_t *
zone_origin(const struct zone *z)
{
	return z->origin;
}

const struct zone_conf *
zone_conf(const struct zone *z)
{
	return z->zc;
}

struct updq *
zone_upd(struct zone *z)
{
	return &z->upd;
}

int
zone_is_secondary(const struct zone *z)
{
	return z->sec != NULL;
}

void
zone_notify(struct zone *z, int has_serial, uint32_t serial)
{
	if (z->sec != NULL)
		secondary_notify(z->sec, has_serial, serial);
}

int
zones_ready(void)
{
	struct zone	*z;

	for (z = zones; z != NULL; z = z->next)
		if (!z->mirror.loaded)
			return 0;
	return 1;
}

void
zones_each(void (*fn)(void *, const struct zone_figures *), void *arg)
{
	struct zone_figures	 f;
	struct zone		*z;

	for (z = zones; z != NULL; z = z->next) {
		f.name = z->name;
		f.loaded = z->mirror.loaded;
		f.names = z->mirror.store.nnode;
		f.rrsets = z->mirror.store.nrrset;
		f.queued = batch_queued(&z->batch);
		f.updates = z->upd.nheld;
		fn(arg, &f);
	}
}

static struct zone *
zone_new(const struct zone_conf *zc)
{
	struct zone	*z;

	if ((z = calloc(1, sizeof(*z))) == NULL)
		return NULL;
	z->zc = zc;
	snprintf(z->name, sizeof(z->name), "%s", zc->name);
	if (name_from_text(zc->name, z->origin, NULL) == -1) {
		free(z);
		return NULL;
	}
	name_lower(z->origin);
	mirror_init(&z->mirror, zone_r53, z->name, z->origin);
	if (partial)
		mirror_set_partial(&z->mirror);
	if (zc->dhcid)
		mirror_set_dhcid(&z->mirror);
	z->heldtail = &z->held;
	batch_init(&z->batch, zone_r53, &z->mirror, z->name, z->origin);
	upd_init(&z->upd, z->name, z->origin, &z->zc, &z->batch,
	    &z->mirror);
	z->state = Z_FIND;
	z->retry_at = 1;	/* a deadline: the first step is due now */
	return z;
}

static void
zone_destroy(struct zone *z, const char *why)
{
	held_release(z, 1, loop_now());
	batch_drop(&z->batch, why);
	secondary_free(z->sec);
	upd_free(&z->upd);
	mirror_free(&z->mirror);
	free(z);
}

void
zones_setconf(const struct conf *cf)
{
	struct zone	*z, **zp, *nz, *list = NULL;
	size_t		 i;

	for (i = 0; i < cf->nzones; i++) {
		const struct zone_conf *zc = &cf->zones[i];

		for (zp = &zones; (z = *zp) != NULL; zp = &z->next)
			if (strcmp(z->name, zc->name) == 0)
				break;
		if (z != NULL) {
			*zp = z->next;
			if (strcmp(z->zc->hosted_zone, zc->hosted_zone) != 0)
				log_warnx("zone %s: a new hosted-zone takes "
				    "effect at restart", z->name);
			else if (z->mirror.hzid[0] != '\0' &&
			    (z->zc->private_zone != zc->private_zone ||
			    strcmp(z->zc->vpc, zc->vpc) != 0))
				log_warnx("zone %s: new private or vpc takes "
				    "effect at restart", z->name);
			if (!zc->dhcid != !z->mirror.dhcid)
				log_warnx("zone %s: a new dhcid setting takes "
				    "effect at restart", z->name);
			z->zc = zc;
		} else if ((z = zone_new(zc)) == NULL) {
			log_warnx("zone %s: cannot set up", zc->name);
			continue;
		}
		/* Primaries configured: the zone is a secondary. */
		if (zc->nprimaries > 0 && z->sec == NULL &&
		    (z->sec = secondary_new(z->name, z->origin, &z->mirror,
		    &z->batch)) == NULL)
			log_warnx("zone %s: cannot set up transfers", z->name);
		if (z->sec != NULL && zc->nprimaries == 0) {
			log_info("zone %s: no primaries any more", z->name);
			secondary_free(z->sec);
			z->sec = NULL;
		}
		if (z->sec != NULL)
			secondary_setconf(z->sec, cf, zc);
		z->next = list;
		list = z;
	}
	for (z = zones; z != NULL; z = nz) {
		nz = z->next;
		log_info("zone %s: removed from the configuration", z->name);
		zone_destroy(z, "zone removed");
	}
	zones = list;
}

static void
sec_io(void *arg, int fd, short revents)
{
	struct zone	*z = arg;

	(void)fd;
	z->sec_revents |= revents;
}

void
zones_poll(struct loop *io)
{
	struct pollfd	 pfd;
	struct zone	*z;

	for (z = zones; z != NULL; z = z->next) {
		if (z->sec != NULL) {
			secondary_pollfd(z->sec, &pfd);
			loop_add(io, pfd.fd, pfd.events, sec_io, z);
			loop_deadline(io, secondary_deadline(z->sec));
		}
		loop_deadline(io, z->retry_at);
		loop_deadline(io, z->kick_at);
		loop_deadline(io, held_deadline(z));
		loop_deadline(io, upd_deadline(&z->upd));
		loop_deadline(io, batch_deadline(&z->batch));
	}
}

void
zones_timer(uint64_t now)
{
	struct zone	*z;

	for (z = zones; z != NULL; z = z->next) {
		upd_timer(&z->upd, now);
		if (z->held != NULL)
			held_release(z, 0, now);
		zone_step(z, now);
		if (z->sec != NULL) {
			secondary_step(z->sec, z->sec_revents, now);
			z->sec_revents = 0;
			/* Units it handed over go out in this pass. */
			zone_step(z, now);
		}
	}
}

void
zones_drain(void)
{
	struct zone	*z;

	for (z = zones; z != NULL; z = z->next) {
		batch_untrack(&z->batch);
		if (z->sec != NULL)
			secondary_stop(z->sec);
	}
}

int
zones_idle(void)
{
	struct zone	*z;

	for (z = zones; z != NULL; z = z->next)
		if (batch_queued(&z->batch) > 0 || batch_busy(&z->batch) ||
		    z->held != NULL)
			return 0;
	return 1;
}

void
zones_free(void)
{
	struct zone	*z, *nz;

	for (z = zones; z != NULL; z = nz) {
		nz = z->next;
		zone_destroy(z, "shutting down");
	}
	zones = NULL;
}
