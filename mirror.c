/*
 * mirror.c: a zone's copy of its hosted zone and the reads that keep it:
 * loading it, the names Route 53 confirmed, re-reading single names,
 * reading the SOA back, and the step.  Finding the hosted zone is in
 * mirror_find.c; mirror_impl.h holds what the two share.  See mirror.h.
 *
 * The Route 53 callbacks below only record: each_*() callbacks put what a
 * listing delivers into fresh or rd[], the done callbacks copy the outcome
 * and set ended.  mirror_step() does the rest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/r53.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrset.h"
#include "dns/rrtype.h"
#include "dns/shadow.h"
#include "log.h"
#include "loop.h"
#include "mirror.h"
#include "mirror_impl.h"

static void	known_clear(struct mirror *);

void
mirror_init(struct mirror *m, struct r53 *r53, const char *name,
    const uint8_t *origin)
{
	memset(m, 0, sizeof(*m));
	m->r53 = r53;
	m->name = name;
	m->origin = origin;
	name_to_r53(origin, m->origin_r53, sizeof(m->origin_r53));
	zstore_init(&m->store, 0);
	zstore_init(&m->fresh, 0);
}

static void
rd_clear(struct mirror *m)
{
	size_t	i;

	for (i = 0; i < m->nrd; i++)
		rrset_unref(m->rd[i]);
	for (i = 0; i < m->nsh; i++)
		rrset_unref(m->sh[i]);
	m->nrd = m->nsh = 0;
	m->rdphase = 0;
	m->rdpast = m->rdnodesc = m->rdshadow = 0;
	m->rdbad = 0;
	rrset_unref(m->rdnext);
	m->rdnext = NULL;
}

void
mirror_free(struct mirror *m)
{
	if (m->op != 0)
		r53_cancel(m->r53, m->op);
	m->op = 0;
	rd_clear(m);
	zstore_free(&m->store);
	zstore_free(&m->fresh);
	known_clear(m);
}

int
mirror_busy(const struct mirror *m)
{
	return m->read != MR_IDLE;
}

uint32_t
mirror_soa(const struct mirror *m)
{
	return m->soa_serial;
}

/* Record a request's end; r53_result is valid only during the call. */
void
mirror_record(struct mirror *m, const struct r53_result *res)
{
	m->op = 0;
	m->ended = 1;
	m->ok = res->outcome == R53_SUCCESS;
	m->stopped = res->stopped;
	m->nozone = res->outcome == R53_AWS_ERROR &&
	    strcmp(res->code, "NoSuchHostedZone") == 0;
	snprintf(m->code, sizeof(m->code), "%s", res->code);
	snprintf(m->msg, sizeof(m->msg), "%s", res->message);
	m->pages = res->pages;
	m->elapsed = res->elapsed_ms;
}

/* Start a request; -1 if it could not be queued (nothing started). */
int
mirror_started(struct mirror *m, enum mirror_read read, uint32_t op)
{
	if (op == 0) {
		m->read = MR_IDLE;
		return -1;
	}
	m->read = read;
	m->op = op;
	m->ended = 0;
	return 0;
}

/* The read is over: idle again, with this status. */
enum mirror_status
mirror_over(struct mirror *m, enum mirror_status st)
{
	m->read = MR_IDLE;
	m->ended = 0;
	return st;
}

const char *
mirror_why(const struct mirror *m, const char *dflt)
{
	static char	b[R53_ERRMSG_SIZE + 80];

	if (m->stopped)
		return "out of memory";
	if (m->code[0] == '\0' && m->msg[0] == '\0')
		return dflt;
	snprintf(b, sizeof(b), "%s%s%s", m->code, m->code[0] != '\0' &&
	    m->msg[0] != '\0' ? ": " : "", m->msg);
	return b;
}

int
mirror_rrset_from_r53(const struct r53_rrset *rs, uint8_t *owner,
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

/*
 * A set just listed at owner: when it is a shadow TXT RRset, *s becomes
 * the DHCID RRset it stands for and owner that set's owner.  0, or -1
 * out of memory (*s unchanged).
 */
static int
unshadow(const struct mirror *m, uint8_t *owner, struct rrset **s)
{
	struct rrset	*d;
	const uint8_t	*o;
	int		 rv;

	if (!m->dhcid || (*s)->type != DNS_T_TXT || !shadow_is_name(owner))
		return 0;
	if ((rv = shadow_set(*s, &d)) == 1)
		return 0;
	if (rv == -1)
		return -1;
	rrset_unref(*s);
	*s = d;
	o = shadow_owner(owner);
	memmove(owner, o, name_len(o, DNS_NAME_MAX));
	return 0;
}

static int	reread_next(struct mirror *, uint64_t);

/* ---- loading ---- */

static int
load_each(void *arg, const struct r53_rrset *rs)
{
	struct mirror	*m = arg;
	struct rrset	*s, *old;
	uint8_t		 owner[DNS_NAME_MAX];
	int		 rv;

	if ((rv = mirror_rrset_from_r53(rs, owner, &s)) == 1)
		return 0;
	if (rv == -1)
		return 1;	/* stops the listing: reported by done */
	if (unshadow(m, owner, &s) == -1) {
		rrset_unref(s);
		return 1;
	}
	/*
	 * Several routing-policy sets share a name and type: one OPAQUE
	 * entry stands for them all.
	 */
	old = (struct rrset *)(uintptr_t)zstore_get(&m->fresh, owner,
	    s->type);
	if (old == NULL || !(old->flags & RRSET_OPAQUE) ||
	    (s->flags & RRSET_OPAQUE))
		rv = zstore_put(&m->fresh, owner, s);
	rrset_unref(s);
	return rv == -1 ? 1 : 0;
}

static void
load_done(void *arg, const struct r53_result *res)
{
	mirror_record(arg, res);
}

int
mirror_load(struct mirror *m)
{
	if (m->partial) {
		/* Everything read so far is forgotten: the apex again. */
		zstore_free(&m->store);
		zstore_init(&m->store, 0);
		known_clear(m);
		m->loaded = 0;
		memcpy(m->names[0], m->origin, name_len(m->origin,
		    DNS_NAME_MAX));
		m->nnames = 1;
		m->iname = 0;
		m->apexload = 1;
		rd_clear(m);
		return reread_next(m, loop_now());
	}
	zstore_free(&m->fresh);
	zstore_init(&m->fresh, 0);
	return mirror_started(m, MR_LOAD, r53_list_rrsets(m->r53, m->hzid, NULL,
	    NULL, 0, load_each, load_done, m));
}

static enum mirror_status
load_end(struct mirror *m)
{
	const struct rrset	*soa;

	if (!m->ok || m->stopped) {
		log_warnx("zone %s: loading hosted zone %s: %s", m->name,
		    m->hzid, mirror_why(m, "failed"));
		zstore_free(&m->fresh);
		if (m->nozone)
			m->hzid[0] = '\0';
		return mirror_over(m, MIRROR_FAIL);
	}
	soa = zstore_get(&m->fresh, m->origin, DNS_T_SOA);
	if (soa == NULL || soa->nrr != 1 || (soa->flags & RRSET_OPAQUE)) {
		log_warnx("zone %s: hosted zone %s has no usable SOA record",
		    m->name, m->hzid);
		zstore_free(&m->fresh);
		return mirror_over(m, MIRROR_FAIL);
	}
	zstore_free(&m->store);
	m->store = m->fresh;
	zstore_init(&m->fresh, 0);
	m->loaded = 1;
	log_info("zone %s: loaded %zu record sets from hosted zone %s in "
	    "%llu ms (%u pages)", m->name, m->store.nrrset, m->hzid,
	    (unsigned long long)m->elapsed, m->pages);
	return mirror_over(m, MIRROR_OK);
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

void
mirror_set_partial(struct mirror *m)
{
	m->partial = 1;
}

void
mirror_set_dhcid(struct mirror *m)
{
	m->dhcid = 1;
}

/* Put hash h in the known set; -1 without memory. */
static int
known_add(struct mirror *m, uint64_t h)
{
	uint64_t	*t;
	size_t		 i, cap;

	if (h == 0)
		h = 1;		/* 0 marks an empty slot */
	if ((m->nknown + 1) * 4 > m->kcap * 3) {
		cap = m->kcap ? m->kcap * 2 : 64;
		if ((t = calloc(cap, sizeof(*t))) == NULL)
			return -1;
		for (i = 0; i < m->kcap; i++)
			if (m->known[i] != 0) {
				size_t j = m->known[i] & (cap - 1);

				while (t[j] != 0)
					j = (j + 1) & (cap - 1);
				t[j] = m->known[i];
			}
		free(m->known);
		m->known = t;
		m->kcap = cap;
	}
	for (i = h & (m->kcap - 1); m->known[i] != 0; i = (i + 1) & (m->kcap - 1))
		if (m->known[i] == h)
			return 0;
	m->known[i] = h;
	m->nknown++;
	return 0;
}

int
mirror_known(const struct mirror *m, const uint8_t *name)
{
	uint64_t	h;
	size_t		i;

	if (!m->partial)
		return 1;
	if (m->kcap == 0)
		return 0;
	if ((h = seen_hash(name)) == 0)
		h = 1;
	for (i = h & (m->kcap - 1); m->known[i] != 0; i = (i + 1) & (m->kcap - 1))
		if (m->known[i] == h)
			return 1;
	return 0;
}

static void
known_clear(struct mirror *m)
{
	free(m->known);
	m->known = NULL;
	m->nknown = m->kcap = 0;
}

void
mirror_seen(struct mirror *m, const uint8_t *name, uint64_t when)
{
	uint64_t		 h = seen_hash(name);
	struct mirror_seen_ent	*s = &m->seen[h % MIRROR_SEEN];

	/* Without memory the name stays unknown: it is read again. */
	if (m->partial)
		(void)known_add(m, h);

	if (s->hash != h || s->when < when) {
		s->hash = h;
		s->when = when;
	}
}

int
mirror_seen_since(const struct mirror *m, const uint8_t *name, uint64_t since)
{
	uint64_t			 h = seen_hash(name);
	const struct mirror_seen_ent	*s = &m->seen[h % MIRROR_SEEN];

	return s->hash == h && s->when != 0 && s->when >= since;
}

/* ---- re-reading single names ---- */

/*
 * Keep s, a set read for a name, in sets[0..*n): 0 to read on.  A set
 * of a type already there (another set of a routing-policy group) is
 * dropped; one more than a node holds ends the read as bad (1).
 */
static int
rd_keep(struct mirror *m, struct rrset **sets, size_t *n, struct rrset *s)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		if (sets[i]->type == s->type) {
			rrset_unref(s);
			return 0;
		}
	if (*n >= ZNODE_MAXSETS) {
		rrset_unref(s);
		m->rdbad = 1;
		return 1;
	}
	sets[(*n)++] = s;
	return 0;
}

/* Phase 1: the sets at names[iname]'s shadow owner. */
static int
rd_shadow(struct mirror *m, uint8_t *owner, struct rrset *s)
{
	if (!name_equal(owner, m->shname)) {
		rrset_unref(s);
		return 1;
	}
	if (unshadow(m, owner, &s) == -1) {
		rrset_unref(s);
		m->rdbad = 1;
		return 1;
	}
	if (s->type == DNS_T_DHCID) {
		/* Route 53 lists one TXT set per name: one DHCID. */
		if (m->nrd >= ZNODE_MAXSETS) {
			rrset_unref(s);
			m->rdbad = 1;
			return 1;
		}
		m->rd[m->nrd++] = s;
		return 0;
	}
	return rd_keep(m, m->sh, &m->nsh, s);
}

static int
rd_each(void *arg, const struct r53_rrset *rs)
{
	struct mirror	*m = arg;
	struct rrset	*s;
	uint8_t		 owner[DNS_NAME_MAX];
	int		 rv;

	if ((rv = mirror_rrset_from_r53(rs, owner, &s)) == 1)
		return 0;
	if (rv == 0 && m->rdphase == 1)
		return rd_shadow(m, owner, s);
	if (rv == 0 && unshadow(m, owner, &s) == -1) {
		rrset_unref(s);
		rv = -1;
	}
	if (rv == 0 && s->type == DNS_T_DHCID &&
	    name_equal(owner, m->names[m->iname])) {
		/* Partial mode lists past the name: its shadow, read next. */
		rrset_unref(s);
		m->rdshadow = 1;
		return 0;
	}
	if (rv == -1 || !name_equal(owner, m->names[m->iname])) {
		m->rdpast = 1;
		if (rv == 0 && !name_is_sub(owner, m->names[m->iname]))
			m->rdnodesc = 1;
		if (rv == 0 && m->partial && m->rdnext == NULL &&
		    name_is_sub(owner, m->names[m->iname])) {
			/* Listed next: the name has descendants. */
			m->rdnext = s;
			memcpy(m->rdnextname, owner, name_len(owner,
			    DNS_NAME_MAX));
			return 1;
		}
		rrset_unref(s);
		m->rdbad = rv == -1;
		return 1;
	}
	return rd_keep(m, m->rd, &m->nrd, s);
}

static void
rd_done(void *arg, const struct r53_result *res)
{
	mirror_record(arg, res);
}

static int
reread_next(struct mirror *m, uint64_t now)
{
	char	r[DNS_NAME_TEXTMAX];

	if (m->rdphase == 1) {
		/* The shadow owner: that name alone. */
		name_to_r53(m->shname, r, sizeof(r));
		return mirror_started(m, MR_NAMES, r53_list_rrsets(m->r53,
		    m->hzid, r, NULL, R53_LIST_ONLY_NAME, rd_each, rd_done,
		    m));
	}
	name_to_r53(m->names[m->iname], r, sizeof(r));
	m->rdstart = now;
	/* Partial mode: one set past the name, which rd_each() stops at. */
	return mirror_started(m, MR_NAMES, r53_list_rrsets(m->r53, m->hzid, r,
	    NULL, m->partial ? 0 : R53_LIST_ONLY_NAME, rd_each, rd_done, m));
}

int
mirror_reread(struct mirror *m, const uint8_t (*names)[DNS_NAME_MAX],
    size_t n, uint64_t now)
{
	size_t	i;

	if (n == 0 || n > MIRROR_REREAD_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		const uint8_t *nm = names[i];

		/* A shadow owner is read with the name it stands for. */
		if (m->dhcid && shadow_is_name(nm) &&
		    name_is_sub(shadow_owner(nm), m->origin))
			nm = shadow_owner(nm);
		memcpy(m->names[i], nm, name_len(nm, DNS_NAME_MAX));
		name_lower(m->names[i]);
	}
	m->nnames = n;
	m->iname = 0;
	rd_clear(m);
	return reread_next(m, now);
}

/* Partial mode: the apex is read; the store is usable. */
static enum mirror_status
apex_end(struct mirror *m)
{
	const struct rrset	*soa;

	m->apexload = 0;
	soa = zstore_get(&m->store, m->origin, DNS_T_SOA);
	if (soa == NULL || soa->nrr != 1 || (soa->flags & RRSET_OPAQUE)) {
		log_warnx("zone %s: hosted zone %s has no usable SOA record",
		    m->name, m->hzid);
		return mirror_over(m, MIRROR_FAIL);
	}
	m->loaded = 1;
	log_info("zone %s: read the apex of hosted zone %s; other names are "
	    "read as requests need them", m->name, m->hzid);
	return mirror_over(m, MIRROR_OK);
}

static enum mirror_status
reread_end(struct mirror *m, uint64_t now)
{
	char	t[DNS_NAME_TEXTMAX];

	if (!m->ok || m->rdbad) {
		name_to_text(m->names[m->iname], t, sizeof(t));
		log_warnx("zone %s: re-reading %s: %s", m->name, t,
		    m->rdbad ? "out of memory" : mirror_why(m, "failed"));
		rd_clear(m);
		return mirror_over(m, MIRROR_FAIL);
	}
	/*
	 * Partial mode lists past the name: when the listing ended there,
	 * or went on to a name not below it, there is no shadow to read.
	 */
	if (m->rdphase == 0 && m->dhcid && !(m->partial && !m->rdshadow &&
	    (!m->rdpast || m->rdnodesc)) &&
	    shadow_name(m->names[m->iname], m->shname) == 0) {
		/* The shadow owner next; then both are replaced. */
		m->rdphase = 1;
		if (reread_next(m, now) == -1) {
			rd_clear(m);
			return mirror_over(m, MIRROR_FAIL);
		}
		return MIRROR_BUSY;
	}
	if (zstore_replace_name(&m->store, m->names[m->iname], m->rd,
	    m->nrd) == -1 || (m->rdphase == 1 && zstore_replace_name(
	    &m->store, m->shname, m->sh, m->nsh) == -1)) {
		/* The name holds a prefix of its sets: load it all again. */
		log_warnx("zone %s: out of memory re-reading names; loading "
		    "the zone again", m->name);
		rd_clear(m);
		m->loaded = 0;
		return mirror_over(m, MIRROR_FAIL);
	}
	if (m->rdnext != NULL && zstore_node(&m->store, m->rdnextname) ==
	    NULL && zstore_put(&m->store, m->rdnextname, m->rdnext) == -1) {
		/* Not known anyway: it would only be read when needed. */
	}
	rd_clear(m);
	mirror_seen(m, m->names[m->iname], m->rdstart);
	if (++m->iname >= m->nnames) {
		if (m->apexload)
			return apex_end(m);
		return mirror_over(m, MIRROR_OK);
	}
	if (reread_next(m, now) == -1)
		return mirror_over(m, MIRROR_FAIL);
	return MIRROR_BUSY;
}

/* ---- the apex SOA ---- */

static int
soa_each(void *arg, const struct r53_rrset *rs)
{
	struct mirror	*m = arg;
	struct rrset	*s;
	uint8_t		 owner[DNS_NAME_MAX];

	if (strcmp(rs->type, "SOA") != 0)
		return 0;
	if (mirror_rrset_from_r53(rs, owner, &s) != 0)
		return 1;
	if (name_equal(owner, m->origin) && s->nrr == 1 &&
	    rdata_soa_serial(s->rr[0].rdata, s->rr[0].len, &m->soa_serial) == 0)
		m->soa_found = 1;
	rrset_unref(s);
	return 1;
}

static void
soa_done(void *arg, const struct r53_result *res)
{
	mirror_record(arg, res);
}

int
mirror_read_soa(struct mirror *m)
{
	m->soa_found = 0;
	return mirror_started(m, MR_SOA, r53_list_rrsets(m->r53, m->hzid,
	    m->origin_r53, "SOA", R53_LIST_ONLY_NAME, soa_each, soa_done, m));
}

static enum mirror_status
soa_end(struct mirror *m)
{
	if (!m->ok || !m->soa_found) {
		log_warnx("zone %s: reading the SOA back: %s", m->name,
		    mirror_why(m, "no SOA"));
		return mirror_over(m, MIRROR_FAIL);
	}
	return mirror_over(m, MIRROR_OK);
}

/* ---- the step ---- */

enum mirror_status
mirror_step(struct mirror *m, uint64_t now)
{
	if (m->read == MR_IDLE || !m->ended)
		return MIRROR_BUSY;
	switch (m->read) {
	case MR_FIND:
		return mirror_find_end(m);
	case MR_VPC:
		return mirror_vpc_end(m);
	case MR_LOAD:
		return load_end(m);
	case MR_NAMES:
		return reread_end(m, now);
	case MR_SOA:
		return soa_end(m);
	case MR_IDLE:
		break;
	}
	return MIRROR_BUSY;
}
