/*
 * dns/update.h: RFC 2136 UPDATE evaluation as a pure function over a
 * zone view (dns/rrset.h), with BIND 9's semantics and Route 53's rules
 * on top.
 *
 * update_eval() evaluates one UPDATE's prerequisite and update sections
 * against a struct zview and, on success, leaves the changes in the
 * view's overlay, where the next UPDATE of the same batch sees them.
 * Order of checks (BIND 9.18 lib/ns/update.c, send_update() then
 * update_action(); it runs the update-section prescan, permission
 * checks included, before the prerequisites, so a client without
 * permission learns nothing about the zone from prerequisites):
 *
 *   1. prescan of the update section, per RR in order (RFC 2136
 *      3.4.1): owner outside the zone -> NOTZONE; class/TTL/RDATA form
 *      errors and meta types -> FORMERR; then r53d's own refusals
 *      (REFUSED): types Route 53 cannot hold (DHCID is held, as
 *      dns/shadow.h says, when req->dhcid is set: then it is refused
 *      only where it has no shadow, where its RDATA is too long for one,
 *      or where the shadow owner holds TXT of its own; and every RR at
 *      a shadow owner is refused), DNSSEC types, TTL above
 *      2147483647, a Value longer than 4,000 characters (malformed
 *      RDATA: FORMERR); and the permission callback (RFC 2136 3.3) for each
 *      RR (for "delete all RRsets" for each type present) -> REFUSED;
 *   2. prerequisites (3.2), in order: TTL not 0 -> FORMERR, outside the
 *      zone -> NOTZONE, class ANY/NONE with RDATA -> FORMERR, then
 *      NXDOMAIN / YXDOMAIN / NXRRSET / YXRRSET; value-dependent RRsets
 *      are compared as whole sets (TTL ignored, duplicates in the
 *      prerequisite make it fail) -> NXRRSET;
 *   3. the updates (3.4.2), in order, with BIND's quiet refusals: a
 *      CNAME next to other data or other data next to a CNAME, NS or
 *      DNAME on a wildcard owner, DS at the apex, an SOA where none is
 *      (not the apex), an SOA whose serial does not increase (RFC 1982),
 *      deleting the apex SOA, the SOA or NS RRset at the apex, or the
 *      last apex NS RR: each is ignored with a note in the summary.  An
 *      added RR equal to one present (same RDATA, same TTL) is ignored;
 *      otherwise the RRset takes the new RR's TTL.  CNAME and SOA are
 *      single-valued: the new RR replaces the old.  "Delete all RRsets"
 *      at the apex keeps SOA and NS.
 *   4. if the UPDATE changed anything (net), BIND's post-update checks
 *      (check-integrity, on by default for primary zones): every apex
 *      NS inside the zone must have an A or AAAA there and not be a
 *      CNAME, and every MX RR the UPDATE added with a target inside the
 *      zone must too -> REFUSED; then DS RRsets left without NS (or at
 *      the apex) are removed.
 *   Throughout, r53d refuses (REFUSED, whole UPDATE) what Route 53 would
 *      reject:
 *      any change to an OPAQUE (alias / routing policy) RRset, an RRset
 *      of more than RRSET_MAXRR values, more RRsets than the store's
 *      cap (Route 53's MAX_RRSETS_BY_ZONE).
 *
 * On any failure the view is rolled back to where it was before the
 * call (zview_rollback()).  On success the caller may still undo this
 * UPDATE with zview_rollback() until the next update_eval() or
 * zview_begin() (e.g. when it does not fit the batch).  The SOA serial
 * is NOT advanced per UPDATE (BIND does); the caller advances it once
 * per batch with update_bump_serial().
 *
 * Nothing here logs, allocates beyond the view's overlay, or does I/O.
 */
#ifndef R53D_DNS_UPDATE_H
#define R53D_DNS_UPDATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dns/rrset.h"

#define UPDATE_REASON_MAX	512
#define UPDATE_TTL_MAX		2147483647U	/* Route 53's largest TTL */

/* One prerequisite or update RR, already parsed. */
struct upd_rr {
	const uint8_t	*name;	/* uncompressed wire owner, any case */
	uint16_t	 type;
	uint16_t	 class;
	uint32_t	 ttl;
	uint16_t	 rdlen;
	const uint8_t	*rdata;	/* canonical (rdata_canon()); may be NULL
				   when rdlen is 0 */
};

/*
 * Permission for one change at (name, type): return 1 to allow, 0 to
 * refuse the whole UPDATE (REFUSED).  name is a lowercased wire name.
 */
typedef int	 upd_allow_fn(void *arg, const uint8_t *name, uint16_t type);

struct upd_req {
	const uint8_t		*origin;	/* zone apex, wire */
	uint16_t		 zclass;	/* the zone's class: IN */
	const struct upd_rr	*prereq;
	size_t			 nprereq;
	const struct upd_rr	*update;
	size_t			 nupdate;
	upd_allow_fn		*allow;		/* NULL allows everything */
	void			*allow_arg;
	int			 dhcid;		/* DHCID kept as shadow TXT */
};

struct upd_result {
	int		 rcode;		/* DNS_R_* (dns/msg.h) */
	int		 changed;	/* RRsets this UPDATE changed, net */
	int		 soa_set;	/* the UPDATE itself raised the serial */
	/*
	 * One line for the log: on failure the rcode and why (e.g.
	 * "NXRRSET: www.example.com./A: prerequisite 'RRset exists (value
	 * dependent)' not satisfied"); on success what was done ("add
	 * www.example.com. A 192.0.2.1; ...", ignored changes noted);
	 * cut short with "..." when long.
	 */
	char		 reason[UPDATE_REASON_MAX];
};

/*
 * Evaluate one UPDATE against v.  Returns the rcode (also in
 * res->rcode).  See the top of this file for the rules.
 */
int	update_eval(struct zview *v, const struct upd_req *req,
	    struct upd_result *res);

#define UPD_SERIAL_INCREMENT	0	/* serial + 1 */
#define UPD_SERIAL_UNIXTIME		1	/* max(now, serial + 1) */

/*
 * Advance the apex SOA serial in the view, once per batch that changes
 * something: new = policy applied to the store's serial (RFC 1982: +1
 * wraps, and as in BIND the increment skips 0: 0xffffffff -> 1),
 * unless an UPDATE of the batch already set the serial (any serial an
 * UPDATE set is greater than the store's), which is kept (with
 * UPD_SERIAL_UNIXTIME: kept if not less than the policy's value).  It starts with
 * zview_begin(), so the batch's UPDATEs can no longer be rolled back
 * one by one; a zview_rollback() afterwards undoes only the new serial.
 * Returns 0, or -1 if the apex has no (or an OPAQUE or malformed) SOA
 * or the overlay is full.
 */
int	update_bump_serial(struct zview *v, const uint8_t *origin,
	    int policy, time_t now);

/*
 * Set the apex SOA serial in the view to serial (a secondary sets its
 * primary's), after a zview_begin() as above.  0, or -1 as above.
 */
int	update_set_serial(struct zview *v, const uint8_t *origin,
	    uint32_t serial);

#endif
