/*
 * dns/zdiff.h: what a secondary changes in its mirror.  A zone as a
 * primary sends it (AXFR) is compared with the store, and an increment
 * (IXFR) is applied to a view, giving in both cases the RRsets that make
 * the mirror what the primary has.
 *
 * A struct zrrs collects RRs as a transfer delivers them, copied into
 * arenas of its own: owners lowercased and kept as a canonical sort key
 * (the labels from the root down, so that memcmp() gives RFC 4034 6.1
 * order), RDATA canonical (rdata_canon()).  Memory: about 40 octets an
 * RR plus its owner and RDATA, bounded by the caller's transfer limits.
 *
 *	zrrs_init(&rs); zrrs_add(&rs, ...) for each RR; zrrs_sort(&rs);
 *	zdiff_store(store, &rs, keep, cb, arg);		(AXFR)
 *	or zdiff_apply(view, &dels, &adds, keep, arg)	(one IXFR sequence)
 *	zrrs_free(&rs);
 *
 * keep(arg, name, type, set) decides which RRsets the secondary manages:
 * it is asked for every (name, type) either side has, with the store's
 * (or view's) RRset or NULL, and returns 0 to leave that RRset alone
 * (the apex SOA and NS, alias and routing-policy sets, types Route 53
 * cannot hold): such RRsets are neither changed nor deleted.
 *
 * Nothing here logs or does I/O; -1 means out of memory or a limit.
 */
#ifndef R53D_DNS_ZDIFF_H
#define R53D_DNS_ZDIFF_H

#include <stddef.h>
#include <stdint.h>

#include "dns/rrset.h"

struct zrr {
	const uint8_t	*key;		/* canonical sort key of the owner */
	const uint8_t	*rdata;		/* canonical */
	uint32_t	 ttl;
	uint16_t	 type;
	uint16_t	 rdlen;
	uint16_t	 keylen;
};

struct zrrs_chunk;

struct zrrs {
	struct zrr		*v;
	size_t			 n, cap;
	struct zrrs_chunk	*chunks;	/* the arena */
	size_t			 bytes;		/* allocated, for limits */
};

/* keep(): 1 when the secondary manages (name, type); set may be NULL. */
typedef int	 zdiff_keep_fn(void *arg, const uint8_t *name, uint16_t type,
		    const struct rrset *set);
/*
 * A transition of the AXFR diff: the store's RRset old (NULL: none)
 * becomes new (NULL: deleted; one reference, the callee's).  -1 stops.
 */
typedef int	 zdiff_fn(void *arg, const uint8_t *name, uint16_t type,
		    const struct rrset *old, struct rrset *new);

void	zrrs_init(struct zrrs *);
void	zrrs_free(struct zrrs *);
/* Copy one RR (owner wire, any case; RDATA uncompressed): 0 or -1. */
int	zrrs_add(struct zrrs *, const uint8_t *owner, uint16_t type,
	    uint32_t ttl, const uint8_t *rdata, uint16_t rdlen);
/* Sort by owner (canonical order), type and RDATA. */
void	zrrs_sort(struct zrrs *);
/* The owner of an RR as a wire name (lowercased) into out. */
void	zrr_owner(const struct zrr *, uint8_t out[DNS_NAME_MAX]);

/*
 * Compare the store with the sorted RRs: cb() for every managed (name,
 * type) whose RRset differs, in canonical order.  The RRsets new are
 * built from the RRs: duplicates dropped, the lowest TTL of the RRs as
 * the TTL (RFC 2181 5.2), RRSET_MAXRR RRs at most (-1 beyond).
 */
int	zdiff_store(const struct zstore *, const struct zrrs *sorted,
	    zdiff_keep_fn *keep, zdiff_fn *cb, void *arg);

/*
 * Apply one IXFR difference sequence to the view: the RRs of dels
 * (sorted) removed from and those of adds (sorted) added to their
 * RRsets, for managed (name, type) only.  An RRset that gets an RR takes
 * that RR's TTL.  0, or -1 (no memory, overlay full, RRSET_MAXRR).
 */
int	zdiff_apply(struct zview *, const struct zrrs *dels,
	    const struct zrrs *adds, zdiff_keep_fn *keep, void *arg);

#endif
