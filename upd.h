/*
 * upd.h: the UPDATE producer of a zone: RFC 2136 UPDATEs from arrival to
 * answer.
 *
 * serve.c hands over each UPDATE that passed the zone section, TSIG and
 * allow-update checks (upd_take()).  What belongs to UPDATE is here: the
 * zone's queue-limit (beyond it, REFUSED), each UPDATE's deadline
 * (update-timeout: SERVFAIL when it passes before the UPDATE was sent,
 * or while its batch is still out), unsigned UDP retransmissions (joined
 * or answered again; signed ones are recognised earlier, replay.h),
 * evaluating an UPDATE on the pipeline's view (dns/update.h, with the
 * zone's grants), waiting for INSYNC with wait-insync, and the answer
 * with its one log line.  Each UPDATE is a unit of the zone's write
 * pipeline (batch.h), which decides when it is applied and tells it how
 * that ended.
 *
 * Call order: upd_init() when the zone's engine is made; upd_take() for
 * each UPDATE; upd_timer() on every loop pass (upd_deadline() says when
 * the next is due); when the zone goes away, batch_drop() ends every
 * UPDATE still held, then upd_free().
 */
#ifndef R53D_UPD_H
#define R53D_UPD_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "mirror.h"

#define UPD_RECENT	256		/* answers kept for retransmissions */
#define UPD_RECENT_MS	120000		/* ... for this long */
#define UPD_INFLIGHT	1024		/* counters of UPDATEs in progress */
#define UPD_DKEY_MAX	(18 + 2 + 8)	/* peer, ID, hash of the message */

struct dnsreq;
struct upd;
struct zone_conf;

struct upd_recent {
	uint8_t		 dkey[UPD_DKEY_MAX];
	size_t		 dklen;
	uint64_t	 dhash;
	int		 rcode;
	uint64_t	 when;
};

struct updq {
	const char		 *name;		/* the zone, for the log */
	const uint8_t		 *origin;
	const struct zone_conf	**zc;		/* the zone's, reloaded */
	struct batch		 *batch;
	struct mirror		 *mirror;
	/* Every UPDATE not yet answered, in arrival (deadline) order. */
	struct upd		 *head, *tail;
	size_t			  nheld;	/* queued or in a batch */
	/* Direct-mapped by dhash: a newer answer evicts an older one. */
	struct upd_recent	  recent[UPD_RECENT];
	/*
	 * Unsigned UDP UPDATEs held, counted by dhash modulo
	 * UPD_INFLIGHT: a zero count means a retransmission has nothing
	 * to join, without walking the list.
	 */
	uint32_t		  inflight[UPD_INFLIGHT];
};

void		 upd_init(struct updq *, const char *name, const uint8_t *origin,
		    const struct zone_conf **zc, struct batch *,
		    struct mirror *);
/*
 * Take an UPDATE (msg[0..len), req as serve.c made it).  It is answered
 * later through serve_answer(), or at once when the zone is not loaded
 * (SERVFAIL), the queue is full (REFUSED), or it is a retransmission
 * (joined: no answer of its own; or the earlier answer again).
 */
void		 upd_take(struct updq *, struct dnsreq *req,
		    const uint8_t *msg, size_t len);
void		 upd_timer(struct updq *, uint64_t now);
uint64_t	 upd_deadline(const struct updq *);
void		 upd_free(struct updq *);

#endif
