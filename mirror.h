/*
 * mirror.h: a zone's copy of its hosted zone, and every read of Route 53
 * that keeps it: finding the hosted zone, loading it whole, re-reading
 * single names, and reading the apex SOA back.
 *
 * The store holds every record set of hosted zone hzid as Route 53 last
 * listed it, plus the batches Route 53 accepted since (the write pipeline,
 * batch.h, commits its view into it).  Alias and routing-policy record
 * sets, and sets whose values r53d cannot read, are kept as OPAQUE
 * entries.  A load fills a fresh store and replaces the old one only when
 * it is complete, so queries are answered from the old one meanwhile.
 *
 * One read at a time.  A read is started with mirror_find(),
 * mirror_load(), mirror_reread() or mirror_read_soa(), which return -1
 * when the request could not even be queued (nothing started).  The
 * Route 53 callbacks only record what they got; the owner's step calls
 * mirror_step(), which takes the next step of a read of several requests
 * (names one by one) and, once the read is over, applies it and returns
 * MIRROR_OK or MIRROR_FAIL, logged; the mirror is then idle again.
 *
 * DHCID (mirror_set_dhcid()): a TXT RRset at a shadow owner that
 * dns/shadow.h reads as DHCID is held in the store as that DHCID RRset
 * at its owner, never as TXT; re-reading a name reads its shadow owner
 * too (a second request, saved in partial mode when the listing past
 * the name shows that nothing lies below it), and a shadow owner given
 * to mirror_reread() stands for its owner.
 *
 * Names Route 53 confirmed: when a read or an accepted batch showed that
 * the store held what Route 53 held for a name at some time, the owner
 * records it with mirror_seen(); mirror_seen_since() answers whether that
 * happened after a given time (a small direct-mapped table: a lost entry
 * only costs a re-read).
 *
 * Call order: mirror_init(), then reads and steps, then mirror_free()
 * (which cancels a read in flight).  The store may be read at any time;
 * it changes only in mirror_step() and through the pipeline's commit.
 */
#ifndef R53D_MIRROR_H
#define R53D_MIRROR_H

#include <stddef.h>
#include <stdint.h>

#include "aws/r53.h"
#include "dns/name.h"
#include "dns/rrset.h"

#define MIRROR_REREAD_MAX	16	/* names re-read one by one */
#define MIRROR_SEEN		512	/* names Route 53 confirmed lately */
#define MIRROR_FOUND_MAX	8	/* same-name zones kept: logged, and
					   the candidates for a VPC */
#define MIRROR_VPC_SIZE		65	/* a VPC ID and its NUL */

enum mirror_read {
	MR_IDLE,	/* no read: op == 0 */
	MR_FIND,	/* GetHostedZone or ListHostedZonesByName */
	MR_VPC,		/* GetHostedZone of found[icand], for its VPCs */
	MR_LOAD,	/* ListResourceRecordSets, every page, into fresh */
	MR_NAMES,	/* names[iname] being listed into rd[] */
	MR_SOA		/* the apex SOA being listed */
};

enum mirror_status {
	MIRROR_BUSY,	/* a read is in progress */
	MIRROR_OK,	/* the read is over and applied */
	MIRROR_FAIL	/* the read failed (logged); try again later */
};

struct mirror_seen_ent {
	uint64_t	 hash;
	uint64_t	 when;
};

struct mirror {
	struct r53	*r53;
	const char	*name;		/* the zone, for messages */
	const uint8_t	*origin;	/* lowercased wire apex */
	char		 origin_r53[DNS_NAME_TEXTMAX];
	char		 hzid[R53_ID_MAX + 1];	/* "" until found */
	struct zstore	 store;
	int		 loaded;	/* store holds a complete load */

	enum mirror_read read;
	uint32_t	 op;		/* the request in flight, 0 if none */
	int		 ended;		/* op's callback has run */
	/* What the callback recorded. */
	int		 ok;
	int		 nozone;	/* NoSuchHostedZone */
	int		 stopped;	/* a listing was stopped (no memory) */
	char		 code[64];
	char		 msg[R53_ERRMSG_SIZE];
	unsigned	 pages;
	uint64_t	 elapsed;

	struct zstore	 fresh;		/* MR_LOAD */
	/*
	 * MR_FIND by name: nfound zones have the name, the first
	 * MIRROR_FOUND_MAX of them in found[]; nmatch of them are what
	 * want_private asks for (-1: either), the first is foundid.
	 * MR_VPC: found[icand] is being read; vpc_hit says its VPCs hold
	 * vpc, vpc_cut that some of its VPCs were not kept.
	 */
	int		 nfound, nmatch;
	struct {
		char	 id[R53_ID_MAX + 1];
		int	 private_zone;
	}		 found[MIRROR_FOUND_MAX];
	char		 foundid[R53_ID_MAX + 1];
	int		 want_private;
	char		 vpc[MIRROR_VPC_SIZE];	/* "": none asked for */
	int		 icand, vpc_hit, vpc_cut;
	uint8_t		 names[MIRROR_REREAD_MAX][DNS_NAME_MAX];
	size_t		 nnames, iname;	/* MR_NAMES */
	struct rrset	*rd[ZNODE_MAXSETS];
	size_t		 nrd;
	/* DHCID: names[iname]'s shadow owner is read second, into sh[]. */
	int		 dhcid;
	int		 rdphase;	/* 0: names[iname]; 1: its shadow */
	int		 rdpast;	/* partial: listed past the name ... */
	int		 rdnodesc;	/* ... to a name not below it */
	int		 rdshadow;	/* ... or saw its shadow */
	uint8_t		 shname[DNS_NAME_MAX];
	struct rrset	*sh[ZNODE_MAXSETS];
	size_t		 nsh;
	int		 rdbad;
	uint64_t	 rdstart;	/* when names[iname] was asked */
	uint32_t	 soa_serial;	/* MR_SOA */
	int		 soa_found;
	/* The first set of a name below the one read (partial mode). */
	struct rrset	*rdnext;
	uint8_t		 rdnextname[DNS_NAME_MAX];

	struct mirror_seen_ent seen[MIRROR_SEEN];

	/*
	 * Partial mode (inetd): a load reads the apex only, and the store
	 * holds just the names read since, as requests needed them; known
	 * is the set of those names (hashes, open addressing).
	 */
	int		 partial;
	int		 apexload;	/* MR_NAMES is reading the apex */
	uint64_t	*known;
	size_t		 nknown, kcap;
};

/* name and origin must outlive the mirror (the zone's own copies). */
void		 mirror_init(struct mirror *, struct r53 *, const char *name,
		    const uint8_t *origin);
void		 mirror_free(struct mirror *);

/*
 * Find the hosted zone: by ID (hosted_zone not empty: GetHostedZone,
 * checking its name) or by name (ListHostedZonesByName).  Among
 * same-name zones, want_private 1 or 0 keeps the private or the public
 * ones (-1: all), and vpc (NULL or "": none; at most MIRROR_VPC_SIZE - 1
 * characters) keeps the private one associated with that VPC, read with
 * GetHostedZone one candidate after the other.  More than one zone
 * left is refused, never guessed, and logged with the zones' IDs and
 * the keyword that would choose.  On MIRROR_OK hzid is set.
 */
int		 mirror_find(struct mirror *, const char *hosted_zone,
		    int want_private, const char *vpc);
/*
 * Load the whole hosted zone.  On MIRROR_OK the store is replaced and
 * loaded is set; on MIRROR_FAIL with nozone set, the hosted zone is gone
 * (hzid is cleared): find it again.
 */
int		 mirror_load(struct mirror *);
/*
 * Read these names again (n <= MIRROR_REREAD_MAX, lowercased wire) into
 * the store, one request each, each name marked seen.  A name whose
 * read fails makes the whole read fail; the names read before it stay.
 */
int		 mirror_reread(struct mirror *, const uint8_t (*)[DNS_NAME_MAX],
		    size_t n, uint64_t now);
/* Read the apex SOA; on MIRROR_OK its serial is mirror_soa(). */
int		 mirror_read_soa(struct mirror *);
uint32_t	 mirror_soa(const struct mirror *);

/* Take the next step of the read in progress; see above. */
enum mirror_status mirror_step(struct mirror *, uint64_t now);
int		 mirror_busy(const struct mirror *);

/*
 * Partial mode (see struct mirror), set once before the first load.
 * mirror_known() says whether the store holds what Route 53 has for
 * name: always in full mode; in partial mode, once the name was read
 * (or written by a batch Route 53 accepted).  A read of a name in
 * partial mode also keeps the first record set of a name below it, if
 * there is one, so that the store knows the name has descendants (an
 * empty non-terminal is not NXDOMAIN).
 */
void		 mirror_set_partial(struct mirror *);
/* Hold DHCID as dns/shadow.h says; set once before the first load. */
void		 mirror_set_dhcid(struct mirror *);
int		 mirror_known(const struct mirror *, const uint8_t *name);

/* Route 53 held what the store holds for name at some time >= when. */
void		 mirror_seen(struct mirror *, const uint8_t *, uint64_t when);
int		 mirror_seen_since(const struct mirror *, const uint8_t *,
		    uint64_t since);

/*
 * One record set as Route 53 lists it, for the store: 0 with *out set
 * (one reference) and owner filled, 1 to skip it (logged), -1 no memory.
 */
int		 mirror_rrset_from_r53(const struct r53_rrset *,
		    uint8_t *owner, struct rrset **out);

#endif
