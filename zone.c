/*
 * zone.c: per-zone engines: finding the hosted zone, loading and
 * re-reading the mirror, and answering queries from it.  The UPDATE path
 * is in batch.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/r53.h"
#include "conf.h"
#include "dns/lookup.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrset.h"
#include "dns/rrtype.h"
#include "log.h"
#include "loop.h"
#include "serve.h"
#include "zone.h"
#include "zone_impl.h"

struct r53		*zone_r53;
static struct zone	*zones;

static void	find_start(struct zone *);
static void	load_start(struct zone *);
static void	reread_next(struct zone *);

void
zones_init(struct r53 *r)
{
	zone_r53 = r;
}

void
zone_schedule(struct zone *z, unsigned ms)
{
	z->retry_at = mono_ms() + ms;
}

/* Schedule the next attempt with doubling backoff and some jitter. */
static void
zone_retry_later(struct zone *z)
{
	unsigned	b = z->backoff ? z->backoff : ZONE_BACKOFF_MIN;

	zone_schedule(z, b / 2 + (unsigned)(random() % (b / 2 + 1)));
	z->backoff = b * 2 > ZONE_BACKOFF_MAX ? ZONE_BACKOFF_MAX : b * 2;
}

void
zone_backoff_reset(struct zone *z)
{
	z->backoff = 0;
}

/*
 * Convert one record set as Route 53 lists it.  Alias and routing-policy
 * sets, and sets whose values r53d cannot parse, become OPAQUE.  Returns
 * 0 with *out set (one reference) and owner filled, 1 to skip the set,
 * -1 on no memory.
 */
int
zone_rrset_from_r53(const struct r53_rrset *rs, uint8_t *owner,
    struct rrset **out)
{
	struct rr	 rrs[RRSET_MAXRR];
	uint8_t		*arena = NULL, *p;
	size_t		 i, need = 0, len;
	uint16_t	 type;
	char		 desc[R53_ROUTING_SIZE + 64];
	uint16_t	 flags = 0;

	*out = NULL;
	if (name_from_r53(rs->name, owner, NULL) == -1 ||
	    rrtype_from_text(rs->type, &type) == -1) {
		log_warnx("Route 53 lists a record set r53d cannot read: "
		    "%.300s %.20s", rs->name, rs->type);
		return 1;
	}
	if (rs->flags & (R53_RRSET_ALIAS | R53_RRSET_ROUTING)) {
		if (rs->flags & R53_RRSET_ALIAS)
			snprintf(desc, sizeof(desc), "alias to %s %s",
			    rs->alias_dns_name ? rs->alias_dns_name : "?",
			    rs->routing);
		else
			snprintf(desc, sizeof(desc), "routing policy %s%s%s",
			    rs->set_identifier ? "id=" : "",
			    rs->set_identifier ? rs->set_identifier : "",
			    rs->routing);
		*out = rrset_new(type, rs->has_ttl ? rs->ttl : 0,
		    RRSET_OPAQUE, desc, NULL, 0);
		return *out == NULL ? -1 : 0;
	}
	for (i = 0; i < rs->nvalues; i++)
		need += strlen(rs->values[i]) + 16;
	if ((arena = malloc(need + 1)) == NULL)
		return -1;
	p = arena;
	for (i = 0; i < rs->nvalues && i < RRSET_MAXRR; i++) {
		size_t	tl = strlen(rs->values[i]);

		if (rdata_from_r53(type, rs->values[i], tl, p,
		    (size_t)(arena + need - p), &len) == -1 ||
		    rdata_canon(type, p, len, p, len) == -1) {
			snprintf(desc, sizeof(desc), "value r53d cannot "
			    "parse: %.200s", rs->values[i]);
			log_warnx("%s %s: %s; r53d leaves this record set "
			    "alone", rs->name, rs->type, desc);
			flags = RRSET_OPAQUE;
			break;
		}
		rrs[i].rdata = p;
		rrs[i].len = (uint16_t)len;
		rrs[i].text = rs->values[i];
		p += len;
	}
	if (flags & RRSET_OPAQUE)
		*out = rrset_new(type, rs->ttl, RRSET_OPAQUE, desc, NULL, 0);
	else
		*out = rrset_new(type, rs->ttl, 0, NULL, rrs, rs->nvalues);
	free(arena);
	return *out == NULL ? -1 : 0;
}

/* ---- finding the hosted zone ---- */

static void
found_zone(struct zone *z, const char *id)
{
	snprintf(z->hzid, sizeof(z->hzid), "%.*s", R53_ID_MAX, id);
	log_info("zone %s: hosted zone %s", z->name, z->hzid);
	zone_backoff_reset(z);
	load_start(z);
}

static void
getzone_done(void *arg, const struct r53_result *res, const struct r53_zone *hz)
{
	struct zone	*z = arg;
	uint8_t		 a[DNS_NAME_MAX];

	z->op = 0;
	if (res->outcome != R53_SUCCESS) {
		log_warnx("zone %s: hosted zone %s: %s%s%s", z->name,
		    z->zc->hosted_zone, res->code, *res->code ? ": " : "",
		    res->message);
		zone_retry_later(z);
		return;
	}
	if (name_from_r53(hz->name, a, NULL) == -1 ||
	    !name_equal(a, z->origin)) {
		log_warnx("zone %s: hosted zone %s is named %s, not %s",
		    z->name, hz->id, hz->name, z->name);
		zone_retry_later(z);
		return;
	}
	found_zone(z, hz->id);
}

static int
byname_each(void *arg, const struct r53_zone *hz)
{
	struct zone	*z = arg;
	uint8_t		 a[DNS_NAME_MAX];

	if (name_from_r53(hz->name, a, NULL) == -1)
		return 0;
	if (!name_equal(a, z->origin))
		return name_cmp(a, z->origin) > 0 ? 1 : 0;
	if (z->nfound < 4)
		snprintf(z->found[z->nfound], sizeof(z->found[0]), "%s%s",
		    hz->id, hz->private_zone ? " (private)" : " (public)");
	z->nfound++;
	return 0;
}

static void
byname_done(void *arg, const struct r53_result *res)
{
	struct zone	*z = arg;
	char		*sp;
	int		 i;

	z->op = 0;
	if (res->outcome != R53_SUCCESS) {
		log_warnx("zone %s: looking up the hosted zone: %s%s%s",
		    z->name, res->code, *res->code ? ": " : "", res->message);
		zone_retry_later(z);
		return;
	}
	if (z->nfound == 0) {
		log_warnx("zone %s: no hosted zone of that name", z->name);
		zone_retry_later(z);
		return;
	}
	if (z->nfound > 1) {
		log_warnx("zone %s: %d hosted zones have this name; set "
		    "hosted-zone to the one to use:", z->name, z->nfound);
		for (i = 0; i < z->nfound && i < 4; i++)
			log_warnx("zone %s:   %s", z->name, z->found[i]);
		zone_retry_later(z);
		return;
	}
	if ((sp = strchr(z->found[0], ' ')) != NULL)
		*sp = '\0';
	found_zone(z, z->found[0]);
}

static void
find_start(struct zone *z)
{
	z->state = ZS_FIND;
	z->retry_at = 0;
	if (z->zc->hosted_zone[0] != '\0') {
		z->op = r53_get_zone(zone_r53, z->zc->hosted_zone,
		    getzone_done, z);
	} else {
		z->nfound = 0;
		z->op = r53_list_zones_by_name(zone_r53, z->origin_r53,
		    byname_each, byname_done, z);
	}
	if (z->op == 0)
		zone_retry_later(z);
}

/* ---- loading the mirror ---- */

static int
load_each(void *arg, const struct r53_rrset *rs)
{
	struct zone	*z = arg;
	struct rrset	*s, *old;
	uint8_t		 owner[DNS_NAME_MAX];
	int		 rv;

	if ((rv = zone_rrset_from_r53(rs, owner, &s)) == 1)
		return 0;
	if (rv == -1)
		return 1;	/* stops the listing: reported by done */
	/*
	 * Several routing-policy sets share a name and type: one OPAQUE
	 * entry stands for them all.
	 */
	old = (struct rrset *)(uintptr_t)zstore_get(&z->fresh, owner,
	    s->type);
	if (old == NULL || !(old->flags & RRSET_OPAQUE) ||
	    (s->flags & RRSET_OPAQUE))
		rv = zstore_put(&z->fresh, owner, s);
	rrset_unref(s);
	return rv == -1 ? 1 : 0;
}

static void
load_done(void *arg, const struct r53_result *res)
{
	struct zone	*z = arg;
	const struct rrset *soa;

	z->op = 0;
	if (res->outcome != R53_SUCCESS || res->stopped) {
		log_warnx("zone %s: loading hosted zone %s: %s%s%s", z->name,
		    z->hzid, res->stopped ? "out of memory" : res->code,
		    *res->code ? ": " : "", res->message);
		zstore_free(&z->fresh);
		if (res->outcome == R53_AWS_ERROR &&
		    strcmp(res->code, "NoSuchHostedZone") == 0) {
			z->state = ZS_FIND;
			z->hzid[0] = '\0';
		}
		zone_retry_later(z);
		return;
	}
	soa = zstore_get(&z->fresh, z->origin, DNS_T_SOA);
	if (soa == NULL || soa->nrr != 1 || (soa->flags & RRSET_OPAQUE)) {
		log_warnx("zone %s: hosted zone %s has no usable SOA record",
		    z->name, z->hzid);
		zstore_free(&z->fresh);
		zone_retry_later(z);
		return;
	}
	zstore_free(&z->mirror);
	z->mirror = z->fresh;
	zstore_init(&z->fresh, 0);
	z->loaded = 1;
	z->state = ZS_READY;
	zone_backoff_reset(z);
	log_info("zone %s: loaded %zu record sets from hosted zone %s in "
	    "%llu ms (%u pages)", z->name, z->mirror.nrrset, z->hzid,
	    (unsigned long long)res->elapsed_ms, res->pages);
	if (z->bstate == BS_RELOAD) {
		z->bstate = BS_IDLE;
		batch_requeue(z);
	}
	batch_kick(z);
}

static void
load_start(struct zone *z)
{
	z->state = ZS_LOAD;
	z->retry_at = 0;
	zstore_free(&z->fresh);
	zstore_init(&z->fresh, 0);
	z->op = r53_list_rrsets(zone_r53, z->hzid, NULL, NULL, 0,
	    load_each, load_done, z);
	if (z->op == 0)
		zone_retry_later(z);
}

/* Read the whole zone again (the batch waits, requeued afterwards). */
void
zone_reload(struct zone *z)
{
	z->bstate = BS_RELOAD;
	load_start(z);
}

/* ---- names Route 53 confirmed ---- */

static uint64_t
seen_hash(const uint8_t *name)
{
	uint64_t	h = 1469598103934665603ULL;
	size_t		i, n = name_len(name, DNS_NAME_MAX);
	uint8_t		c;

	for (i = 0; i < n; i++) {
		c = name[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		h = (h ^ c) * 1099511628211ULL;
	}
	return h;
}

/* Route 53 held what the mirror holds for name at some time >= when. */
void
zone_seen(struct zone *z, const uint8_t *name, uint64_t when)
{
	uint64_t	 h = seen_hash(name);
	struct seen	*s = &z->seen[h % ZONE_SEEN];

	if (s->hash != h || s->when < when) {
		s->hash = h;
		s->when = when;
	}
}

/* 1 if Route 53 confirmed the mirror's data of name at or after since. */
int
zone_seen_since(const struct zone *z, const uint8_t *name, uint64_t since)
{
	uint64_t		 h = seen_hash(name);
	const struct seen	*s = &z->seen[h % ZONE_SEEN];

	return s->hash == h && s->when != 0 && s->when >= since;
}

/* ---- re-reading single names ---- */

static int
rd_each(void *arg, const struct r53_rrset *rs)
{
	struct zone	*z = arg;
	struct rrset	*s;
	uint8_t		 owner[DNS_NAME_MAX];
	size_t		 i;
	int		 rv;

	if ((rv = zone_rrset_from_r53(rs, owner, &s)) == 1)
		return 0;
	if (rv == -1 || !name_equal(owner, z->names[z->iname])) {
		rrset_unref(s);
		z->rdbad = rv == -1;
		return 1;
	}
	for (i = 0; i < z->nrd; i++)
		if (z->rd[i]->type == s->type) {
			/* another set of a routing-policy group */
			rrset_unref(s);
			return 0;
		}
	if (z->nrd >= ZNODE_MAXSETS) {
		rrset_unref(s);
		z->rdbad = 1;
		return 1;
	}
	z->rd[z->nrd++] = s;
	return 0;
}

static void
rd_clear(struct zone *z)
{
	size_t	i;

	for (i = 0; i < z->nrd; i++)
		rrset_unref(z->rd[i]);
	z->nrd = 0;
	z->rdbad = 0;
}

static void
rd_done(void *arg, const struct r53_result *res)
{
	struct zone	*z = arg;
	char		 t[DNS_NAME_TEXTMAX];

	z->op = 0;
	if (res->outcome != R53_SUCCESS || z->rdbad) {
		name_to_text(z->names[z->iname], t, sizeof(t));
		log_warnx("zone %s: re-reading %s: %s%s%s", z->name, t,
		    z->rdbad ? "out of memory" : res->code,
		    *res->code ? ": " : "", res->message);
		rd_clear(z);
		zone_retry_later(z);
		return;
	}
	if (zstore_replace_name(&z->mirror, z->names[z->iname], z->rd,
	    z->nrd) == -1) {
		rd_clear(z);
		zone_reload(z);
		return;
	}
	rd_clear(z);
	zone_seen(z, z->names[z->iname], z->rdstart);
	z->iname++;
	reread_next(z);
}

static void
reread_next(struct zone *z)
{
	char	r[DNS_NAME_TEXTMAX];

	z->retry_at = 0;
	if (z->iname >= z->nnames) {
		free(z->names);
		z->names = NULL;
		z->nnames = z->iname = 0;
		z->bstate = BS_IDLE;
		zone_backoff_reset(z);
		batch_requeue(z);
		batch_kick(z);
		return;
	}
	name_to_r53(z->names[z->iname], r, sizeof(r));
	z->rdstart = mono_ms();
	z->op = r53_list_rrsets(zone_r53, z->hzid, r, NULL,
	    R53_LIST_ONLY_NAME, rd_each, rd_done, z);
	if (z->op == 0)
		zone_retry_later(z);
}

/*
 * Read these names again from Route 53 into the mirror, then evaluate
 * the batch again.  The view must be reset already.  Many names: read
 * the whole zone instead.
 */
void
zone_reread(struct zone *z, const uint8_t (*names)[DNS_NAME_MAX], size_t n)
{
	free(z->names);
	z->names = NULL;
	z->nnames = z->iname = 0;
	if (n == 0 || n > ZONE_REREAD_MAX ||
	    (z->names = calloc(n, sizeof(*z->names))) == NULL) {
		zone_reload(z);
		return;
	}
	memcpy(z->names, names, n * sizeof(*names));
	z->nnames = n;
	z->bstate = BS_REREAD;
	reread_next(z);
}

/* ---- checking the apex SOA after an unknown outcome ---- */

static int
soa_each(void *arg, const struct r53_rrset *rs)
{
	struct zone	*z = arg;
	struct rrset	*s;
	uint8_t		 owner[DNS_NAME_MAX];
	int		 off;

	if (strcmp(rs->type, "SOA") != 0)
		return 0;
	if (zone_rrset_from_r53(rs, owner, &s) != 0)
		return 1;
	if (name_equal(owner, z->origin) && s->nrr == 1 &&
	    (off = soa_serial_off(s->rr[0].rdata, s->rr[0].len)) >= 0) {
		const uint8_t *p = s->rr[0].rdata + off;

		z->soa_seen = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
		z->soa_found = 1;
	}
	rrset_unref(s);
	return 1;
}

static void
soa_done(void *arg, const struct r53_result *res)
{
	struct zone	*z = arg;

	z->op = 0;
	if (res->outcome != R53_SUCCESS || !z->soa_found) {
		log_warnx("zone %s: reading the SOA back: %s%s%s", z->name,
		    res->code, *res->code ? ": " : "", *res->message ?
		    res->message : "no SOA");
		zone_retry_later(z);
		return;
	}
	zone_backoff_reset(z);
	batch_checked(z, z->soa_seen == z->newserial);
}

/*
 * The outcome of the batch in flight is unknown: its serial is unique,
 * so the apex SOA tells whether Route 53 applied it.
 */
void
zone_check_soa(struct zone *z)
{
	z->bstate = BS_CHECK;
	z->retry_at = 0;
	z->soa_found = 0;
	z->op = r53_list_rrsets(zone_r53, z->hzid, z->origin_r53, "SOA",
	    R53_LIST_ONLY_NAME, soa_each, soa_done, z);
	if (z->op == 0)
		zone_retry_later(z);
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

	zview_init(&v, &z->mirror);
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

/* ---- life cycle ---- */

struct zone *
zone_find(const uint8_t *qname)
{
	struct zone	*z, *best = NULL;
	int		 bl = -1, l;

	for (z = zones; z != NULL; z = z->next) {
		if (z->state == ZS_DEAD || !name_is_sub(qname, z->origin))
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
	return z->loaded;
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

int
zones_ready(void)
{
	struct zone	*z;

	for (z = zones; z != NULL; z = z->next)
		if (!z->loaded)
			return 0;
	return 1;
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
	name_to_r53(z->origin, z->origin_r53, sizeof(z->origin_r53));
	zstore_init(&z->mirror, 0);
	zstore_init(&z->fresh, 0);
	z->qtail = &z->q;
	z->btail = &z->b;
	z->wtail = &z->w;
	z->bcap = ZONE_BATCH_MAX;
	z->state = ZS_FIND;
	z->retry_at = 1;	/* start on the next timer pass */
	return z;
}

static void
zone_destroy(struct zone *z)
{
	if (z->op != 0)
		r53_cancel(zone_r53, z->op);
	if (z->bop != 0)
		r53_cancel(zone_r53, z->bop);
	if (z->wop != 0)
		r53_cancel(zone_r53, z->wop);
	batch_drop_all(z, DNS_R_SERVFAIL);
	rd_clear(z);
	free(z->names);
	zview_free(&z->view);
	zstore_free(&z->mirror);
	zstore_free(&z->fresh);
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
			z->zc = zc;
		} else if ((z = zone_new(zc)) == NULL) {
			log_warnx("zone %s: cannot set up", zc->name);
			continue;
		}
		z->next = list;
		list = z;
	}
	for (z = zones; z != NULL; z = nz) {
		nz = z->next;
		log_info("zone %s: removed from the configuration", z->name);
		zone_destroy(z);
	}
	zones = list;
}

void
zones_poll(struct io *io)
{
	struct zone	*z;

	for (z = zones; z != NULL; z = z->next) {
		io_deadline(io, z->retry_at);
		io_deadline(io, batch_deadline(z));
	}
}

void
zones_timer(uint64_t now)
{
	struct zone	*z;

	for (z = zones; z != NULL; z = z->next) {
		if (z->retry_at != 0 && now >= z->retry_at && z->op == 0) {
			z->retry_at = 0;
			if (z->state == ZS_FIND)
				find_start(z);
			else if (z->state == ZS_LOAD)
				load_start(z);
			else if (z->bstate == BS_REREAD)
				reread_next(z);
			else if (z->bstate == BS_CHECK)
				zone_check_soa(z);
			else if (z->bstate == BS_RELOAD)
				load_start(z);
			else
				batch_kick(z);
		}
		batch_timer(z, now);
	}
}

void
zones_free(void)
{
	struct zone	*z, *nz;

	for (z = zones; z != NULL; z = nz) {
		nz = z->next;
		zone_destroy(z);
	}
	zones = NULL;
}
