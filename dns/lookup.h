/*
 * dns/lookup.h: authoritative answers from a zone view (dns/rrset.h),
 * the way BIND and NSD answer for a zone they are primary for.
 *
 * lookup() decides what goes into a response; the daemon writes the
 * listed RRsets with dns/msg.h.  Rules, in this order:
 *
 *   - qname outside the zone: REFUSED, nothing listed.
 *   - Zone cut: the first name from the apex (excluded) down to qname
 *     holding NS is a delegation.  A query at or below it gets a
 *     referral: NOERROR, AA clear, the NS RRset in authority and the
 *     A/AAAA of its in-zone targets (glue) in additional.  Exception:
 *     DS at the cut itself is the parent's data and is answered from
 *     this zone like any other type (RFC 4035 3.1.4.1).
 *   - qname holds RRsets: the qtype RRset (AA).  A CNAME answers any
 *     other qtype and is followed inside the zone (as BIND does), up to
 *     LOOKUP_MAXCHAIN links, each link answered by these same rules;
 *     the rcode and the SOA follow the last name of the chain (RFC
 *     6604).  A chain stops quietly at a name outside the zone or under
 *     a zone cut.  qtype ANY lists every RRset at the name (not RFC 8482
 *     minimal ANY: the clients r53d serves are management tools).
 *   - qname has no RRsets but names below it do (empty non-terminal):
 *     NODATA.
 *   - otherwise wildcards (RFC 4592): the closest encloser's "*" child
 *     (the source of synthesis) answers with qname as owner, if it
 *     exists; NXDOMAIN if it does not.  A source of synthesis that is
 *     itself an empty non-terminal gives NODATA.
 *   - NODATA and NXDOMAIN carry the apex SOA in authority with TTL
 *     min(SOA TTL, SOA MINIMUM) (RFC 2308 section 5); TTL 0 in an
 *     NXDOMAIN answer to an SOA query (as named 9.18 does).
 *
 * OPAQUE RRsets (Route 53 alias and routing-policy sets, whose data
 * r53d does not have) make their names exist, but are never listed.
 * When the answer would come from one, r53d answers NOERROR with no
 * records and without the SOA, so that no resolver caches a negative
 * answer for data Route 53 itself serves (RFC 2308: a NODATA answer
 * without SOA is not cached).
 *
 * Additional-section processing for MX, SRV and NS answers is not done
 * (BIND's minimal-responses no-auth style); glue is added to referrals.
 *
 * To answer from the store alone, use a view without changes
 * (zview_init() allocates nothing).
 *
 * Pointers in the result (owners, RRsets) point into the view, into
 * the RDATA of listed CNAME/NS RRsets, or into the result itself; they
 * stay valid while the view and the store are unchanged and the result
 * lives.  Nothing here allocates, logs or does I/O.
 */
#ifndef R53D_DNS_LOOKUP_H
#define R53D_DNS_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include "dns/rrset.h"
#include "dns/wire.h"

#define LOOKUP_MAXITEMS	96	/* RRsets listed in one answer */
#define LOOKUP_MAXCHAIN	8	/* CNAME links followed */

struct lk_item {
	int			 sec;	/* DNS_SEC_AN, _NS or _AR (msg.h) */
	const uint8_t		*owner;	/* owner name to write */
	const struct rrset	*set;	/* write all of set->rr[] ... */
	uint32_t		 ttl;	/* ... with this TTL */
};

struct lk_answer {
	int		 rcode;		/* DNS_R_NOERROR, _NXDOMAIN, _REFUSED */
	int		 aa;		/* 1: set AA */
	int		 full;		/* items were left out (glue) */
	size_t		 n;
	struct lk_item	 item[LOOKUP_MAXITEMS];	/* in section order */
	uint8_t		 qname[DNS_NAME_MAX];	/* lowercased copies */
	uint8_t		 origin[DNS_NAME_MAX];
};

/*
 * Answer (qname, qtype) from zone origin in view v into *a.  qname is
 * an uncompressed wire name in any case.  Returns a->rcode.
 */
int	lookup(const struct zview *v, const uint8_t *origin,
	    const uint8_t *qname, uint16_t qtype, struct lk_answer *a);

#endif
