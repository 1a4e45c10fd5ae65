/*
 * dns/rrset.h: the in-memory zone store (the mirror of one hosted zone)
 * and views of it with uncommitted changes on top.
 *
 * RRsets.  A struct rrset is immutable once built by rrset_new() and
 * reference counted: the store, a view's overlay and any caller may hold
 * references to the same RRset.  Its RRs are kept in the order given
 * (for RRsets read from Route 53: the order Route 53 listed them), with
 * duplicates (equal type and canonical RDATA, RFC 4034 6.2) removed.
 * Each RR may carry the exact Value text Route 53 listed for it; a
 * DELETE sent to Route 53 must repeat that text, because Route 53
 * deletes only on an exact match.  A NULL text means "Route 53 holds the
 * value in the spelling r53d writes for this RDATA" (rdata_to_r53()).
 *
 * An OPAQUE RRset stands for alias or routing-policy record sets
 * (AliasTarget or SetIdentifier), possibly several with the same name
 * and type.  r53d never changes them; they are stored (usually without
 * RRs) so that their names exist for queries and conflict checks, with a
 * description for log messages.
 *
 * The store.  RRsets are keyed by (owner name, type).  Owner names are
 * kept lowercased in RFC 4034 6.1 canonical order in one sorted array of
 * name nodes, so that predecessor, descendant and closest-encloser
 * questions are binary searches.  In canonical order every descendant of
 * a name follows it directly, so a name with no RRsets of its own exists
 * (as an empty non-terminal) iff the next stored name lies below it.  A
 * node always holds at least one RRset; nodes are removed with their
 * last RRset.  Names passed in may use any letter case.
 *
 * Exact-name lookups (zstore_node, zstore_get, the view's reads and
 * writes) go through a hash index instead: an open-addressing table
 * (linear probing, deletion by backward shift, no tombstones) of node
 * pointers keyed by name_key() of the name, whose size is a power of two
 * doubled so that at most 2/3 of it is used: between 1.5 and 3 pointers
 * per node, bounded like the nodes.  Each node keeps its hash.  Adding
 * or removing one name with zstore_put() or zstore_del() still moves the
 * tail of the sorted array; zview_commit() rebuilds it in one pass.
 *
 * Views.  A struct zview is a store plus an overlay of changes, keyed by
 * (name, type), each either a new RRset or a deletion, with the same
 * read API as the store.  Overlay entries are found through a small hash
 * table of their names (each name's entries are chained in type order)
 * and listed in canonical order through a sorted index.  Coalescing evaluates several UPDATEs in a row
 * on one view, each seeing the changes of the earlier ones, without
 * copying the store.  Legal order:
 *
 *	zview_init(v, store)
 *	repeat:	zview_begin(v)		savepoint for the next UPDATE
 *		zview_put/zview_del ...	(update_eval() does these)
 *		[zview_rollback(v)]	undo back to the savepoint
 *	zview_trans_next(...)		list the transitions
 *	zview_commit(v) or zview_reset(v)
 *	zview_free(v)
 *
 * While a view has changes, the store must not be changed except through
 * zview_commit() (zview_reset() first to drop the changes).
 *
 * Memory: every allocation is bounded: at most RRSET_MAXRR RRs of at
 * most RDATA_MAX bytes per RRset, ZNODE_MAXSETS RRsets per name, the
 * store's RRset cap (zstore_init) and ZVIEW_MAXENT overlay entries.
 * Functions returning -1 for "no memory" leave their object unchanged
 * unless stated otherwise.  Nothing here logs or does I/O.
 */
#ifndef R53D_DNS_RRSET_H
#define R53D_DNS_RRSET_H

#include <stddef.h>
#include <stdint.h>

#define RRSET_MAXRR	400	/* Route 53: values per record set */
#define RRSET_OPAQUE	0x01	/* alias or routing policy: hands off */
#define ZNODE_MAXSETS	64	/* RRsets (types) at one name */
#define ZVIEW_MAXENT	8192	/* overlay entries of one view */

struct rr {
	const uint8_t	*rdata;	/* canonical uncompressed RDATA */
	const char	*text;	/* Route 53 Value as listed, or NULL */
	uint16_t	 len;	/* RDATA length */
};

struct rrset {
	uint32_t	 refs;	/* references; freed at zero */
	uint32_t	 ttl;
	uint16_t	 type;
	uint16_t	 nrr;
	uint16_t	 flags;	/* RRSET_OPAQUE */
	const char	*desc;	/* description of an OPAQUE set, or NULL */
	size_t		 size;	/* bytes in this one allocation */
	struct rr	 rr[];	/* nrr RRs; data lives in the same block */
};

/* A name and its RRsets; read-only for callers. */
struct znode {
	uint8_t		 nlen;	/* wire length of name */
	uint8_t		 nset;	/* >= 1 */
	uint8_t		 cap;	/* slots in set[] */
	uint32_t	 hash;	/* name_key() hash of name */
	struct rrset	**set;	/* RRsets, unordered */
	uint8_t		 name[];	/* lowercased wire name, zero-padded
					   to whole 64-bit words */
};

struct zstore {
	struct znode	**node;	/* canonical order */
	size_t		 nnode;
	size_t		 capnode;
	size_t		 nrrset;	/* RRsets held */
	size_t		 maxrrset;	/* cap; 0 means no cap */
	struct znode	**htab;	/* hash index of node[], NULL: empty */
	size_t		 hcap;	/* slots in htab: 0 or a power of two */
};

/*
 * Build an RRset from n RRs (copied, text included).  Duplicate RDATA
 * is dropped (the first one, with its text, stays).  desc is copied too
 * and may be NULL.  Returns a set holding one reference for the caller,
 * or NULL if n > RRSET_MAXRR or out of memory.
 */
struct rrset	*rrset_new(uint16_t type, uint32_t ttl, uint16_t flags,
		    const char *desc, const struct rr *rrs, size_t n);
struct rrset	*rrset_ref(struct rrset *);	/* returns its argument */
void		 rrset_unref(struct rrset *);	/* NULL is fine */
/* Index of the RR with this RDATA in s, or -1. */
int		 rrset_find(const struct rrset *, const uint8_t *, size_t);
/*
 * 1 if a and b hold the same data: both NULL, or the same type, TTL,
 * flags and set of RDATA (order and Value text do not count).
 */
int		 rrset_same(const struct rrset *, const struct rrset *);
/* 1 if the RDATA sets are equal (TTL, text and flags do not count). */
int		 rrset_same_rdata(const struct rrset *, const struct rrset *);


/* An empty store holding at most maxrrset RRsets (0: no cap). */
void		 zstore_init(struct zstore *, size_t maxrrset);
void		 zstore_free(struct zstore *);	/* drops all references */
/* The node of a name, NULL if the name holds no RRset. */
const struct znode *zstore_node(const struct zstore *, const uint8_t *);
const struct rrset *zstore_get(const struct zstore *, const uint8_t *,
		    uint16_t type);
/*
 * Store s (taking a reference of its own) at name, replacing the RRset
 * of the same type.  -1: out of memory, ZNODE_MAXSETS or the RRset cap
 * reached; the store is unchanged.
 */
int		 zstore_put(struct zstore *, const uint8_t *, struct rrset *);
/* Remove the RRset: 0 done, 1 there was none. */
int		 zstore_del(struct zstore *, const uint8_t *, uint16_t type);
/* Remove every RRset at name (before re-reading it from Route 53). */
void		 zstore_drop_name(struct zstore *, const uint8_t *);
/*
 * Replace every RRset at name by the n given ones (each taking a
 * reference), e.g. with what Route 53 now lists for that name.  On -1
 * (no memory or cap) the name holds a prefix of the sets: re-read it.
 */
int		 zstore_replace_name(struct zstore *, const uint8_t *,
		    struct rrset *const *, size_t n);
/* 1 if a name strictly below name holds an RRset. */
int		 zstore_has_desc(const struct zstore *, const uint8_t *);
/* Nodes in canonical order: i from 0 to zstore_nnodes() - 1. */
size_t		 zstore_nnodes(const struct zstore *);
const struct znode *zstore_nth(const struct zstore *, size_t);
/* Bytes allocated for the store (nodes, arrays, RRsets), for budgets. */
size_t		 zstore_bytes(const struct zstore *);

struct zview_ent;
struct zview_undo;

struct zview {
	struct zstore		*base;
	struct zview_ent	*ent;	/* in the order they were added */
	uint32_t		*ord;	/* ent[] indices by (name, type) */
	size_t			 nent;
	size_t			 capent;	/* of ent[] and ord[] */
	uint32_t		*htab;	/* names: first entry + 1, 0 free */
	size_t			 hcap;	/* 0 or a power of two */
	size_t			 nname;	/* names in htab */
	struct zview_undo	*undo;	/* since the savepoint */
	size_t			 nundo;
	size_t			 capundo;
	long			 delta;	/* RRset count change vs base */
	long			 save_delta;
	unsigned		 gen;	/* savepoint generation */
};

/* One touched (name, type): what the store has, what the view has. */
struct ztrans {
	const uint8_t		*name;	/* lowercased; valid like the sets */
	uint16_t		 type;
	const struct rrset	*old;	/* in the store, NULL if none */
	const struct rrset	*new;	/* in the view, NULL if deleted */
};

void		 zview_init(struct zview *, struct zstore *);
void		 zview_free(struct zview *);	/* drops the changes */
/*
 * Savepoint: accept the changes made so far (they can no longer be
 * rolled back one UPDATE at a time) and start recording a new group.
 */
void		 zview_begin(struct zview *);
/* Undo every change since the last zview_begin() (or zview_init()). */
void		 zview_rollback(struct zview *);
/* Drop every change (the batch failed): the view equals the store. */
void		 zview_reset(struct zview *);
/* The RRset at (name, type) as the view held it at the savepoint. */
const struct rrset *zview_saved(const struct zview *, const uint8_t *,
		    uint16_t type);
/*
 * Number of (name, type) whose RRset differs from the savepoint's
 * (rrset_same()): what the current group changed, net.
 */
size_t		 zview_nchanged(const struct zview *);
/*
 * Each (name, type) touched since the savepoint, once, in no particular
 * order (cursor starts at 0): t as zview_trans_next() would fill it
 * (old from the store, new from the view, possibly the same) and *saved
 * what the view held at the savepoint.  0 after the last.  Lets a caller
 * keep the cost of a view up to date one group at a time.
 */
int		 zview_group_next(const struct zview *, size_t *cursor,
		    struct ztrans *, const struct rrset **saved);

/* Reads: the store as changed by the overlay. */
const struct rrset *zview_get(const struct zview *, const uint8_t *,
		    uint16_t type);
/*
 * Fill out[] with the RRsets at name (at most max; ZNODE_MAXSETS is
 * always enough) and return how many there are.
 */
size_t		 zview_sets(const struct zview *, const uint8_t *,
		    const struct rrset **out, size_t max);
/* 1 if name holds an RRset (RFC 2136 "name is in use"). */
int		 zview_in_use(const struct zview *, const uint8_t *);
/* 1 if a name strictly below name holds an RRset. */
int		 zview_has_desc(const struct zview *, const uint8_t *);
/* 1 if name exists in the DNS sense: in use or empty non-terminal. */
int		 zview_exists(const struct zview *, const uint8_t *);
/*
 * Label count of the closest encloser of qname (RFC 4592): the longest
 * suffix of qname, not shorter than origin, that exists.  Returns the
 * origin's label count if nothing below it exists.
 */
int		 zview_closest(const struct zview *, const uint8_t *qname,
		    const uint8_t *origin);
/* RRsets in the view (the store's count plus the overlay's changes). */
size_t		 zview_count(const struct zview *);

/*
 * Writes.  zview_put() makes s (taking a reference) the RRset of its
 * type at name; zview_del() deletes that RRset.  0 ok, -1 when the
 * overlay is full (ZVIEW_MAXENT) or out of memory: nothing changed.
 * These do not check the store's RRset cap; see zview_count().
 */
int		 zview_put(struct zview *, const uint8_t *, struct rrset *);
int		 zview_del(struct zview *, const uint8_t *, uint16_t type);

/*
 * Transitions, in canonical name order then type: set *cursor to 0 and
 * call until it returns 0; each call returning 1 fills *t.  Entries
 * whose old and new sets are rrset_same() are skipped.  The pointers
 * stay valid until the view or store changes.
 */
int		 zview_trans_next(const struct zview *, size_t *cursor,
		    struct ztrans *);
/* Number of transitions (as zview_trans_next() would list). */
size_t		 zview_ntrans(const struct zview *);

/*
 * Apply the overlay to the store and empty it (Route 53 accepted the
 * batch).  An unchanged RRset keeps the store's copy, whose Value text
 * is what Route 53 holds.  The RRset cap is not applied: the store must
 * follow what Route 53 accepted.  -1: out of memory part way; the store
 * then holds some of the changes and the view is reset; the caller must
 * re-read the touched names (listed by zview_trans_next() before).
 */
int		 zview_commit(struct zview *);

#endif
