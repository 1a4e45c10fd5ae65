/*
 * zone.h: the per-zone engines that tie DNS to Route 53.
 *
 * Each configured zone has an engine that finds its hosted zone (by the
 * configured ID, or by name with ListHostedZonesByName, refusing to guess
 * between same-name zones), loads the zone mirror with
 * ListResourceRecordSets, answers queries from the mirror, and turns
 * UPDATEs into Route 53 change batches:
 *
 *   - UPDATEs queue per zone (at most the zone's queue-limit; beyond it,
 *     REFUSED) and each has a deadline (update-timeout; SERVFAIL when it
 *     passes before the UPDATE was sent);
 *   - while no change is in flight, the queued UPDATEs are evaluated in
 *     arrival order on a view of the mirror (dns/rrset.h, dns/update.h)
 *     and every UPDATE that fits is sent in one ChangeBatch (1,000
 *     records, 32,000 characters, UPSERT counted twice; one that cannot
 *     fit any batch is REFUSED), with the apex SOA serial advanced;
 *   - every transition is sent as DELETE old + CREATE new, so every batch
 *     is a compare-and-swap: when Route 53 refuses it, the names involved
 *     are read again and the UPDATEs evaluated again; when it refuses it
 *     again, the batch is split until the one bad UPDATE is answered
 *     SERVFAIL alone;
 *   - when the outcome of a batch is unknown, the apex SOA is read back:
 *     its serial tells whether the batch was applied, so nothing is ever
 *     applied twice;
 *   - answers go out when Route 53 accepts the batch (PENDING), or with
 *     wait-insync when GetChange says INSYNC.
 *
 * Life cycle: zones_init() once with the Route 53 client; zones_setconf()
 * at start-up and after each reload (engines of zones that stay keep
 * their mirror and queue; removed zones answer SERVFAIL to what they
 * hold); zones_poll()/zones_timer() on every loop pass; zones_free() at
 * exit.  The struct conf passed in must outlive the engines' use of it.
 */
#ifndef R53D_ZONE_H
#define R53D_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include "dns/msg.h"

struct conf;
struct dnsreq;
struct io;
struct r53;
struct zone;

void		 zones_init(struct r53 *);
void		 zones_setconf(const struct conf *);
void		 zones_poll(struct io *);
void		 zones_timer(uint64_t now);
void		 zones_free(void);
/* 1 when every zone is loaded (tests, start-up logging). */
int		 zones_ready(void);

/* The engine of the zone holding qname (longest match), or NULL. */
struct zone	*zone_find(const uint8_t *qname);
int		 zone_loaded(const struct zone *);
const struct zone_conf *zone_conf(const struct zone *);
/* The zone's apex, lowercased wire form of zone_conf()->name. */
const uint8_t	*zone_origin(const struct zone *);

/*
 * Answer a query from the mirror into w (already holding the header and
 * question).  Returns the rcode to set; the AA flag is set in w.
 */
int		 zone_query(struct zone *, const struct dns_msg *,
		    struct dns_wmsg *w);

/*
 * Take an UPDATE (msg[0..len), already checked for zone section, TSIG
 * and allow-update).  The engine answers req later with serve_answer(),
 * or at once if the zone is not loaded (SERVFAIL), its queue is full
 * (REFUSED), or the message is a retransmission of one still in
 * progress (no answer: the first one's answer serves both).
 */
void		 zone_update(struct zone *, struct dnsreq *req,
		    const uint8_t *msg, size_t len);

#endif
