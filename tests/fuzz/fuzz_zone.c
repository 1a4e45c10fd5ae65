/*
 * fuzz_zone.c: libFuzzer harness for the zone store, RFC 2136
 * evaluation and lookups.
 *
 * The input is a program: each op byte selects evaluate an UPDATE
 * (prerequisite and update RRs drawn from a small name table, any
 * class, type, TTL, and RDATA that is either raw input bytes or a
 * well-formed name), roll back, commit, reset, bump the serial, or look
 * a name up.  Every RDATA is copied into a buffer of exactly its size
 * so that ASan sees any over-read.  Invariants checked after each op:
 * the store is in strict canonical order, its RRset count is the sum
 * of its nodes', no node is empty, a failed UPDATE leaves the view as
 * it was, and a lookup never lists an OPAQUE set or more than it may.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/lookup.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rrset.h"
#include "dns/rrtype.h"
#include "dns/update.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAXRR	12

static const char *const names[] = {
	"example.", "www.example.", "*.example.", "a.b.example.",
	"b.example.", "sub.example.", "x.sub.example.", "*.sub.example.",
	"ns.sub.example.", "c.example.", "WWW.Example.", "outside.org.",
	"*.b.example.", "q.*.example.", "d.c.example.", "example.net.",
};
static const uint16_t types[] = {
	DNS_T_A, DNS_T_AAAA, DNS_T_NS, DNS_T_CNAME, DNS_T_SOA, DNS_T_MX,
	DNS_T_TXT, DNS_T_DS, DNS_T_ANY, DNS_T_LOC, DNS_T_AXFR, DNS_T_NSEC,
	DNS_T_SRV, DNS_T_CAA, DNS_T_PTR, 0,
};
static const uint16_t classes[] = {
	DNS_C_IN, DNS_C_ANY, DNS_C_NONE, DNS_C_CH,
};
static const uint32_t ttls[] = { 0, 60, 300, 0x80000000U };

struct in {
	const uint8_t	*p;
	size_t		 n;
};

static uint8_t
byte(struct in *in)
{
	uint8_t	b;

	if (in->n == 0)
		return 0;
	b = *in->p++;
	in->n--;
	return b;
}

static uint8_t	wname[16][DNS_NAME_MAX];
static int	ready;

static void
check_store(const struct zstore *st)
{
	size_t	i, sum = 0;

	for (i = 0; i < zstore_nnodes(st); i++) {
		if (zstore_nth(st, i)->nset == 0)
			abort();
		sum += zstore_nth(st, i)->nset;
		if (i > 0 && name_cmp(zstore_nth(st, i - 1)->name,
		    zstore_nth(st, i)->name) >= 0)
			abort();
	}
	if (sum != st->nrrset)
		abort();
}

/* Build one RR; its RDATA goes into *buf, which the caller frees. */
static void
mkrr(struct in *in, struct upd_rr *r, uint8_t **buf)
{
	uint8_t	 k = byte(in), len;
	size_t	 nl;

	r->name = wname[k & 15];
	r->type = types[(k >> 4) & 15];
	k = byte(in);
	r->class = classes[k & 3];
	r->ttl = ttls[(k >> 2) & 3];
	len = byte(in);
	*buf = NULL;
	r->rdata = NULL;
	r->rdlen = 0;
	if (len & 0x80) {
		/* A well-formed name as RDATA (NS, CNAME, PTR targets). */
		nl = name_len(wname[len & 15], DNS_NAME_MAX);
		*buf = malloc(nl);
		memcpy(*buf, wname[len & 15], nl);
		name_lower(*buf);
		r->rdlen = (uint16_t)nl;
	} else if (len & 0x3f) {
		len &= 0x3f;
		*buf = malloc(len);
		for (nl = 0; nl < len; nl++)
			(*buf)[nl] = byte(in);
		r->rdlen = len;
	}
	r->rdata = *buf;
}

static int
allow(void *arg, const uint8_t *name, uint16_t type)
{
	(void)arg;
	(void)name;
	return type != DNS_T_PTR;
}

static void
one_update(struct in *in, struct zview *v)
{
	struct upd_rr		 pre[MAXRR], up[MAXRR];
	uint8_t			*pb[MAXRR], *ub[MAXRR];
	struct upd_req		 q;
	struct upd_result	 res;
	size_t			 np, nu, i, before;

	np = byte(in) % 4;
	nu = byte(in) % MAXRR;
	for (i = 0; i < np; i++)
		mkrr(in, &pre[i], &pb[i]);
	for (i = 0; i < nu; i++)
		mkrr(in, &up[i], &ub[i]);
	memset(&q, 0, sizeof(q));
	q.origin = wname[0];
	q.zclass = DNS_C_IN;
	q.prereq = pre;
	q.nprereq = np;
	q.update = up;
	q.nupdate = nu;
	q.allow = allow;
	before = zview_ntrans(v);
	if (update_eval(v, &q, &res) != DNS_R_NOERROR) {
		if (zview_ntrans(v) != before || res.changed != 0)
			abort();
	}
	if (memchr(res.reason, '\0', sizeof(res.reason)) == NULL)
		abort();
	for (i = 0; i < np; i++)
		free(pb[i]);
	for (i = 0; i < nu; i++)
		free(ub[i]);
}

static void
one_lookup(struct in *in, const struct zview *v)
{
	struct lk_answer	a;
	uint8_t			k = byte(in);
	size_t			i;

	lookup(v, wname[0], wname[k & 15], types[k >> 4], &a);
	if (a.n > LOOKUP_MAXITEMS)
		abort();
	for (i = 0; i < a.n; i++) {
		if (a.item[i].set == NULL ||
		    (a.item[i].set->flags & RRSET_OPAQUE))
			abort();
		if (i > 0 && a.item[i].sec < a.item[i - 1].sec)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t	 soa[] = {
		2, 'n', 's', 0, 1, 'h', 0,
		0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5,
	};
	struct zstore		 st;
	struct zview		 v;
	struct rrset		*s;
	struct rr		 rr;
	struct in		 in = { data, size };
	size_t			 i;
	int			 steps = 0;

	if (!ready) {
		for (i = 0; i < 16; i++)
			if (name_from_text(names[i], wname[i], NULL) == -1)
				abort();
		ready = 1;
	}
	zstore_init(&st, 40);
	rr.rdata = soa;
	rr.len = sizeof(soa);
	rr.text = NULL;
	s = rrset_new(DNS_T_SOA, 900, 0, NULL, &rr, 1);
	zstore_put(&st, wname[0], s);
	rrset_unref(s);
	rr.rdata = wname[8];
	rr.len = (uint16_t)name_len(wname[8], DNS_NAME_MAX);
	s = rrset_new(DNS_T_NS, 900, 0, NULL, &rr, 1);
	zstore_put(&st, wname[0], s);
	zstore_put(&st, wname[5], s);
	rrset_unref(s);
	s = rrset_new(DNS_T_A, 0, RRSET_OPAQUE, "alias", NULL, 0);
	zstore_put(&st, wname[9], s);
	rrset_unref(s);
	zview_init(&v, &st);
	while (in.n > 0 && steps++ < 64) {
		switch (byte(&in) % 7) {
		case 0:
		case 1:
			one_update(&in, &v);
			break;
		case 2:
			zview_rollback(&v);
			break;
		case 3:
			(void)zview_commit(&v);
			break;
		case 4:
			zview_reset(&v);
			break;
		case 5:
			(void)update_bump_serial(&v, wname[0],
			    byte(&in) & 1, (time_t)1700000000);
			break;
		default:
			one_lookup(&in, &v);
			break;
		}
		check_store(&st);
	}
	zview_free(&v);
	zstore_free(&st);
	return 0;
}
