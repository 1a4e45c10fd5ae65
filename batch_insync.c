/*
 * batch_insync.c: the write pipeline's accepted changes followed to
 * INSYNC (see batch.h): GetChange polls with backoff, the log of how
 * long each change took, and the units waiting on a change ended.
 * batch.c adds each change Route 53 accepts to the list (w).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/r53.h"
#include "batch.h"
#include "batch_impl.h"
#include "log.h"
#include "stats.h"

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
			batch_end_unit(u, BE_INSYNC, c->id, 0, NULL, NULL);
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
			batch_end_unit(u, BE_APPLIED, c->id, 0, NULL, NULL);
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
