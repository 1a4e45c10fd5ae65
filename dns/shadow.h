/*
 * dns/shadow.h: how a DHCID RRset (RFC 4701), which Route 53 cannot
 * store, is kept in a hosted zone: as a TXT RRset at a shadow owner.
 *
 * The DHCID RRset at NAME is stored as the TXT RRset at
 *
 *	_r53d-dhcid.NAME			(SHADOW_LABEL)
 *
 * with the same TTL and one TXT value per DHCID RR, a single
 * character-string made of the marker and the DHCID RDATA in base64
 * (RFC 4701 section 3.4's presentation):
 *
 *	"r53d-dhcid:AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA="
 *
 * A TXT RRset at a shadow owner is read back as DHCID only when every
 * one of its values is exactly such a string (one character-string,
 * the marker, base64 of SHADOW_RDATA_MAX bytes at most); anything else
 * there is somebody's own TXT and stays TXT.  One character-string holds
 * 255 bytes, so DHCID RDATA of more than SHADOW_RDATA_MAX (183) bytes
 * cannot be stored (RFC 4701's SHA-256 form has 35).  No shadow exists
 * for a wildcard owner, for an owner that is itself a shadow owner, or
 * when the shadow owner would be longer than 255 octets.
 *
 * Names are uncompressed wire names (dns/wire.h).  Nothing here logs or
 * does I/O; shadow_set() allocates the RRset it returns and, while it
 * runs, room for the decoded RDATA.
 */
#ifndef R53D_DNS_SHADOW_H
#define R53D_DNS_SHADOW_H

#include <stddef.h>
#include <stdint.h>

#include "dns/rrset.h"

#define SHADOW_LABEL		"_r53d-dhcid"
#define SHADOW_MARK		"r53d-dhcid:"
#define SHADOW_RDATA_MAX	183	/* (255 - 11) / 4 * 3 */

/* 1 if the first label of name is SHADOW_LABEL (any letter case). */
int		 shadow_is_name(const uint8_t *name);
/* The owner a shadow name stands for: name without its first label. */
const uint8_t	*shadow_owner(const uint8_t *name);
/*
 * The shadow owner of name into out (DNS_NAME_MAX bytes), lowercased:
 * 0, or -1 when name has none (wildcard, shadow, too long).
 */
int		 shadow_name(const uint8_t *name, uint8_t *out);
/* 1 if DHCID RDATA of this length can be stored (1 to 183 bytes). */
int		 shadow_rdata_ok(size_t rdlen);
/*
 * The Route 53 TXT value standing for DHCID RDATA rd (rdlen bytes),
 * NUL-terminated in out (cap bytes): its length, or -1 when it cannot
 * be stored or does not fit.
 */
int		 shadow_value(const uint8_t *rd, size_t rdlen, char *out,
		    size_t cap);
/*
 * The DHCID RDATA a TXT value (its wire RDATA) stands for, into out
 * (SHADOW_RDATA_MAX bytes are enough): 0 with *lenp set, or -1 when the
 * value is not a shadow value.
 */
int		 shadow_rdata(const uint8_t *txt, size_t txtlen, uint8_t *out,
		    size_t cap, size_t *lenp);
/*
 * The DHCID RRset a TXT RRset at a shadow owner stands for: 0 with *out
 * set (one reference; each RR keeps its TXT value text as listed, for
 * the DELETE), 1 when txt is not a shadow set (OPAQUE, empty, or one
 * value is not a shadow value), -1 out of memory.
 */
int		 shadow_set(const struct rrset *txt, struct rrset **out);

#endif
