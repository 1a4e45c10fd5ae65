/*
 * chaos.h: the CHAOS-class zones r53d holds itself, answered as BIND
 * answers its built-in zones: version.bind and version.server (the
 * version option), hostname.bind and id.server (the hostname option),
 * and stats.r53d (the counters of stats.h, for allow-stats only).
 *
 * Each is a zone of its own, with an SOA and an NS at its apex and a
 * TXT there unless turned off ("version none;"): a query for TXT gets
 * the TXT (TTL 0, the name echoed as asked) with the NS in the
 * authority section; without it, or for a type the zone lacks, no data
 * and the SOA in the authority section; a name below the apex
 * NXDOMAIN.  The stats TXT is one RR per group of counters, each
 * string "name=value" (the first names the group); what does not fit
 * the client's UDP size is cut with TC set, and TCP gets it all.
 *
 * Pure but for the clock and the host name: chaos_find() says which zone
 * a name is in; chaos_allowed() whether the client may ask it;
 * chaos_answer() writes the answer into a reply the caller started
 * (dns_wmsg_reply() with AA) and returns the rcode to set.
 */
#ifndef R53D_CHAOS_H
#define R53D_CHAOS_H

#include <sys/socket.h>

#include "dns/msg.h"

struct conf;

enum chaos_zone {
	CHAOS_NONE,		/* not ours: REFUSED, as BIND answers */
	CHAOS_VERSION,		/* version.bind, version.server */
	CHAOS_HOSTNAME,		/* hostname.bind, id.server */
	CHAOS_STATS		/* stats.r53d */
};

/* The zone qname is in, at or below its apex (*apex, lowercased). */
enum chaos_zone	 chaos_find(const uint8_t *qname, const uint8_t **apex);
/* 1 when the client may query the zone (stats: allow-stats). */
int		 chaos_allowed(const struct conf *, enum chaos_zone,
		    const struct sockaddr *peer, const char *keyname);
int		 chaos_answer(const struct conf *, enum chaos_zone,
		    const uint8_t *apex, const struct dns_msg *,
		    struct dns_wmsg *);

#endif
