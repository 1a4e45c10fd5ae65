/*
 * batch_send.c: the write pipeline's change batch (see batch.h and
 * batch.c): what a view costs in Route 53's limits (batch_cost(),
 * batch_view_fits()), and its transitions and asserted RRsets made into
 * a ChangeResourceRecordSets request and sent (batch_send()), or logged
 * in a dry run; the request's callback records the outcome for
 * batch_outcome().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/r53.h"
#include "batch.h"
#include "batch_impl.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrset.h"
#include "dns/rrtype.h"
#include "dns/shadow.h"
#include "log.h"
#include "mirror.h"
#include "stats.h"

/* Room left in every batch for the SOA's DELETE and CREATE. */
#define SOA_RECORDS	(R53_BATCH_RECORDS_MAX - BATCH_RECORDS)
#define SOA_CHARS	(R53_BATCH_CHARS_MAX - BATCH_CHARS)

static char	 vbuf[RDATA_R53_MAX * 4 + 16];

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

int
batch_cost(const struct rrset *s, size_t *records, size_t *chars)
{
	return set_cost(s, records, chars);
}

/*
 * 1 if the changes in the view fit one ChangeBatch with the SOA's.
 * *vrec and *vchr hold the cost of the view's transitions at the
 * savepoint; when the view fits they become the cost now.  Only the
 * RRsets the unit since the savepoint touched are costed again (a
 * transition costs its old and its new RRset), so building a batch stays
 * linear in its size.
 */
int
batch_view_fits(const struct batch *b, size_t *vrec, size_t *vchr)
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

/* ---- the request ---- */

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
 * if Route 53 had accepted it; batch_commit() then leaves the mirror as it is.
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
int
batch_send(struct batch *b, uint64_t now)
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
