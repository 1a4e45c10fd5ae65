/*
 * secondary.h: the zone transfer producer of a zone with primaries: r53d
 * as a secondary (RFC 1996, 1995, 5936) whose zone file is the hosted
 * zone.
 *
 * A refresh asks the primaries, in the order configured, for their SOA
 * (UDP, TCP when truncated, TSIG with the primary's key) and compares its
 * serial (RFC 1982) with the serial in Route 53's SOA, as the mirror
 * holds it: the replication cursor.  When the primary's is newer, the
 * changes come by IXFR from Route 53's serial (AXFR with request-ixfr
 * no, when the primary cannot do IXFR, or sends the whole zone), over
 * TCP, every signed message verified.  They become units of the zone's
 * write pipeline (batch.h): each increment the RRsets it changes
 * (computed on a view of the mirror), an AXFR the difference between the
 * zone and the mirror; split where one batch cannot hold them, with
 * Route 53's SOA serial set to the primary's serial by the last part of
 * each increment only.  Nothing of an incomplete or unverified increment
 * is applied.  A restart resumes from Route 53's serial, and parts of an
 * increment applied before a crash are simply applied again.
 *
 * What r53d does not take from the primary (logged once per type and
 * transfer): the apex SOA but for its serial, the apex NS (Route 53's
 * name servers answer for the zone), DNSSEC records and every other type
 * Route 53 cannot hold.  Alias and routing-policy record sets in the
 * hosted zone are never touched.
 *
 * Refreshes come at start-up, on NOTIFY (a burst makes one refresh), and
 * at the primary's SOA refresh interval (clamped, with jitter); after a
 * failure the next primary is tried, then the round is repeated at the
 * retry interval, doubled after each failed round up to max-retry-time.
 * Past the SOA expire time without an answer from any primary the zone
 * is expired: logged loudly once, the changes of the last transfer that
 * are still waiting are dropped, and queries go on being answered from
 * the mirror (the hosted zone is still served by Route 53 anyway).
 *
 * Call order: secondary_new() when a zone with primaries is set up;
 * secondary_setconf() after each reload; secondary_notify() for each
 * NOTIFY allowed; every loop pass secondary_pollfd() and
 * secondary_deadline() before poll(2) and secondary_step() after it;
 * secondary_stop() when shutting down; secondary_free() when the zone
 * goes (after batch_drop()).
 */
#ifndef R53D_SECONDARY_H
#define R53D_SECONDARY_H

#include <poll.h>
#include <stdint.h>

struct batch;
struct conf;
struct mirror;
struct secondary;
struct zone_conf;

struct secondary *secondary_new(const char *name, const uint8_t *origin,
		    struct mirror *, struct batch *);
/* The zone's configuration (its primaries) and the keys to sign with. */
void		 secondary_setconf(struct secondary *, const struct conf *,
		    const struct zone_conf *);
/*
 * A NOTIFY came: refresh now, or as soon as the exchange in progress
 * ends.  serial: the SOA serial the NOTIFY carried, if has_serial.
 */
void		 secondary_notify(struct secondary *, int has_serial,
		    uint32_t serial);
/*
 * Shutting down: end the exchange in progress, drop what it brought and
 * was not handed to the pipeline yet, and start nothing more.  Units in
 * the pipeline stay (secondary_free() still comes after batch_drop()).
 */
void		 secondary_stop(struct secondary *);
void		 secondary_pollfd(struct secondary *, struct pollfd *);
uint64_t	 secondary_deadline(const struct secondary *);
void		 secondary_step(struct secondary *, short revents,
		    uint64_t now);
void		 secondary_free(struct secondary *);

#endif
