/*
 * dns/rrset_impl.h: private to dns/rrset.c (RRsets and the store)
 * and dns/zview.c (views over a store), the two halves of
 * dns/rrset.h.  A view reads the store through these and applies its
 * changes to it in zview_commit(); nothing else may call them.
 */
#ifndef R53D_DNS_RRSET_IMPL_H
#define R53D_DNS_RRSET_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "dns/name.h"
#include "dns/rrset.h"

/* A name's key: see name_key(). */
struct key {
	uint64_t	w[NAME_KEYWORDS];
	size_t		len;	/* wire length, 0: too long */
	uint32_t	h;
};

/* k for name (any letter case): 0, or -1 if name is too long. */
int		 zs_key_make(struct key *k, const uint8_t *name);
/* 1 if the zero-padded lowercased name nm of length len is k's name. */
int		 zs_key_eq(const uint8_t *nm, size_t len, const struct key *k);

/* A node for k's name with room for cap sets (none yet), or NULL. */
struct znode	*zs_node_alloc(const struct key *k, size_t cap);
/* Drop n's references and free it. */
void		 zs_node_free(struct znode *n);
/* n's set of this type, NULL if none (or n is NULL). */
const struct rrset *zs_node_get(const struct znode *n, uint16_t type);
/*
 * Make s (taking a reference) the set of its type at node n: 1 replaced
 * one, 0 added one, -1 no room (ZNODE_MAXSETS or no memory; unchanged).
 */
int		 zs_node_put(struct znode *n, struct rrset *s);
/* Remove the set of this type from n: 1 removed, 0 there was none. */
int		 zs_node_del(struct znode *n, uint16_t type);

/* The node of k's name, or NULL. */
struct znode	*zs_st_find(const struct zstore *st, const struct key *k);
/* zstore_put(); force ignores the RRset cap (a commit). */
int		 zs_st_put(struct zstore *st, const uint8_t *name,
		    struct rrset *s, int force);
/* Make room in the index for nn nodes: 0 ok, -1 no memory (unchanged). */
int		 zs_st_reserve(struct zstore *st, size_t nn);
/* Put n in the index (cap slots, room reserved). */
void		 zs_ht_insert(struct znode **t, size_t cap, struct znode *n);
/* Take n out of the index, moving later members of its run back. */
void		 zs_ht_remove(struct zstore *st, const struct znode *n);
/*
 * Binary search among node[lo..nnode): index of name, or -(insertion
 * point) - 1.  The insertion point is the index of the first node
 * greater than name.  zs_st_search() searches from 0.
 */
long		 zs_st_search_from(const struct zstore *st,
		    const uint8_t *name, size_t lo);
long		 zs_st_search(const struct zstore *st, const uint8_t *name);

#endif
