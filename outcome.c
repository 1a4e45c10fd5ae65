/*
 * outcome.c: what becomes of a sent change batch: accepted (the mirror
 * takes it), refused (names read again, then the batch split until the
 * one bad UPDATE fails alone), unknown (the SOA read back says whether it
 * was applied), or a transient failure (sent again later).
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acl.h"
#include "aws/r53.h"
#include "conf.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrset.h"
#include "dns/rrtype.h"
#include "dns/update.h"
#include "log.h"
#include "loop.h"
#include "serve.h"
#include "zone.h"
#include "zone_impl.h"

/* Route 53 accepted the batch. */
static void
commit(struct zone *z, const struct r53_change_info *ci, const char *id)
{
	struct waitchg	*w = NULL;
	struct upd	*u, **up;
	struct ztrans	 t;
	size_t		 cur = 0;
	int		 wait;

	/* Route 53 applied the batch after it was sent. */
	while (zview_trans_next(&z->view, &cur, &t))
		zone_seen(z, t.name, z->bsent);
	if (zview_commit(&z->view) == -1) {
		log_warnx("zone %s: out of memory applying a batch; "
		    "reloading the zone", z->name);
		z->loaded = 0;
		z->state = ZS_LOAD;
		zone_schedule(z, 0);
	}
	zview_free(&z->view);
	/* Without a change ID (outcome found by reading back) no wait. */
	wait = z->zc->wait_insync && ci != NULL && ci->status != R53_INSYNC;
	if (wait && (w = calloc(1, sizeof(*w))) != NULL) {
		snprintf(w->id, sizeof(w->id), "%s", id);
		w->sent = z->bsent;
		/* Accepted UPDATEs that changed something wait for INSYNC. */
		for (up = &z->b; (u = *up) != NULL;) {
			if (u->rcode == DNS_R_NOERROR && u->changed) {
				*up = u->next;
				u->next = w->upds;
				w->upds = u;
			} else
				up = &u->next;
		}
		*z->wtail = w;
		z->wtail = &w->next;
		if (z->wop == 0 && z->wnext == 0) {
			z->wdelay = WAIT_MIN_MS;
			z->wnext = mono_ms() + z->wdelay;
		}
	}
	batch_answer(z, id);
	z->bstate = BS_IDLE;
	zone_backoff_reset(z);
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

/* Every name the batch touches. */
static size_t
names_in_view(const struct zone *z, uint8_t (*out)[DNS_NAME_MAX], size_t max)
{
	struct ztrans	t;
	size_t		cur = 0, n = 0;

	while (zview_trans_next(&z->view, &cur, &t)) {
		if (n > 0 && name_equal(out[n - 1], t.name))
			continue;
		if (n >= max)
			return max + 1;
		memcpy(out[n++], t.name, name_len(t.name, DNS_NAME_MAX));
	}
	return n;
}

/* Route 53 refused the batch as invalid. */
static void
refused(struct zone *z, const struct r53_result *res)
{
	uint8_t		 names[ZONE_REREAD_MAX + 1][DNS_NAME_MAX];
	size_t		 n;
	struct upd	*u, **up;

	if (!z->refused) {
		/*
		 * First refusal: the mirror may be stale (somebody else
		 * wrote).  Read the names again and evaluate again.
		 */
		log_info("zone %s: Route 53 refused the batch (%s: %s); "
		    "reading the names again", z->name, res->code,
		    res->message);
		z->refused = 1;
		n = names_in_message(res->message, names, ZONE_REREAD_MAX);
		if (n == 0)
			n = names_in_view(z, names, ZONE_REREAD_MAX);
		batch_requeue(z);
		zone_reread(z, (const uint8_t (*)[DNS_NAME_MAX])names, n);
		return;
	}
	if (z->nbchanged > 1) {
		/* Refused again on fresh data: split it. */
		z->bcap = z->nb / 2 > 0 ? z->nb / 2 : 1;
		log_info("zone %s: refused again; trying the first %zu of "
		    "%zu updates alone", z->name, z->bcap, z->nb);
		/* Names Route 53 names may have been written again. */
		n = names_in_message(res->message, names, ZONE_REREAD_MAX);
		batch_requeue(z);
		if (n > 0) {
			zone_reread(z, (const uint8_t (*)[DNS_NAME_MAX])names,
			    n);
			return;
		}
		batch_kick(z);
		return;
	}
	/* One UPDATE alone is refused: it fails; the others go on. */
	for (up = &z->b; (u = *up) != NULL; up = &u->next)
		if (u->rcode == DNS_R_NOERROR && u->changed)
			break;
	if (u != NULL) {
		*up = u->next;
		z->nb--;
		z->nbchanged--;
		snprintf(u->why + strlen(u->why), sizeof(u->why) -
		    strlen(u->why), "; Route 53: %s: %.300s", res->code,
		    res->message);
		upd_finish(z, u, DNS_R_SERVFAIL, NULL, NULL);
	}
	z->btail = &z->b;
	for (u = z->b; u != NULL; u = u->next)
		z->btail = &u->next;
	z->refused = 0;
	z->bcap = ZONE_BATCH_MAX;
	batch_requeue(z);
	batch_kick(z);
}

/* Fail every UPDATE of the batch that changed something. */
static void
fail_batch(struct zone *z, const struct r53_result *res)
{
	struct upd	*u;

	for (u = z->b; u != NULL; u = u->next)
		if (u->rcode == DNS_R_NOERROR && u->changed) {
			u->rcode = DNS_R_SERVFAIL;
			snprintf(u->why + strlen(u->why), sizeof(u->why) -
			    strlen(u->why), "; Route 53: %s: %.300s",
			    res->code, res->message);
		}
	zview_free(&z->view);
	batch_answer(z, NULL);
	z->bstate = BS_IDLE;
}

static int
transient(const struct r53_result *res)
{
	return res->status >= 500 ||
	    strcmp(res->code, "Throttling") == 0 ||
	    strcmp(res->code, "PriorRequestNotComplete") == 0 ||
	    strcmp(res->code, "RequestExpired") == 0;
}

void
batch_done(void *arg, const struct r53_result *res,
    const struct r53_change_info *ci)
{
	struct zone	*z = arg;

	z->bop = 0;
	switch (res->outcome) {
	case R53_SUCCESS:
		log_debug("zone %s: change %s accepted (%s) in %llu ms",
		    z->name, ci->id, ci->status == R53_INSYNC ? "INSYNC" :
		    "PENDING", (unsigned long long)res->elapsed_ms);
		if (z->refused && z->bcap < ZONE_BATCH_MAX) {
			/* Part of a split batch went through. */
			z->bcap = ZONE_BATCH_MAX;
		}
		z->refused = 0;
		commit(z, ci, ci->id);
		batch_kick(z);
		break;
	case R53_UNKNOWN:
		log_warnx("zone %s: outcome of a change batch unknown (%s); "
		    "reading the SOA back", z->name, res->message);
		zone_check_soa(z);
		break;
	case R53_FAILURE:
		log_warnx("zone %s: change batch not sent: %s", z->name,
		    res->message);
		batch_requeue(z);
		zone_schedule(z, ZONE_BACKOFF_MIN);
		break;
	case R53_AWS_ERROR:
		if (strcmp(res->code, "InvalidChangeBatch") == 0 ||
		    strcmp(res->code, "InvalidInput") == 0)
			refused(z, res);
		else if (transient(res)) {
			batch_requeue(z);
			zone_schedule(z, ZONE_BACKOFF_MIN);
		} else {
			log_warnx("zone %s: change batch failed: %s: %s",
			    z->name, res->code, res->message);
			fail_batch(z, res);
			batch_kick(z);
		}
		break;
	}
}

/* After an unknown outcome, the SOA said whether it was applied. */
void
batch_checked(struct zone *z, int applied)
{
	if (applied) {
		log_info("zone %s: the batch with serial %u was applied",
		    z->name, z->newserial);
		commit(z, NULL, "(unknown id)");
	} else {
		log_info("zone %s: the batch with serial %u was not applied; "
		    "evaluating it again", z->name, z->newserial);
		z->bstate = BS_IDLE;
		batch_requeue(z);
		/* The SOA may have changed behind our back. */
		{
			uint8_t	names[1][DNS_NAME_MAX];

			memcpy(names[0], z->origin, sizeof(names[0]));
			zone_reread(z, (const uint8_t (*)[DNS_NAME_MAX])names,
			    1);
			return;
		}
	}
	batch_kick(z);
}
