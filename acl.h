/*
 * acl.h: address match lists and per-key update grants, with BIND's
 * semantics, plus the name helpers both need.
 *
 * An ACL is built by the configuration parser (conf.h) and owned by the
 * struct conf it belongs to; these functions only read it.  Nothing here
 * allocates, logs or keeps state; every function may be called at any time
 * with a configuration that conf_load() returned.
 */
#ifndef R53D_ACL_H
#define R53D_ACL_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

/* Presentation name, no trailing dot, plus NUL: 253 + 1, rounded. */
#define ACL_NAME_MAX	256

enum acl_type {
	ACL_ANY,		/* "any": every request */
	ACL_NONE,		/* "none": no request */
	ACL_PREFIX,		/* address or prefix, IPv4 or IPv6 */
	ACL_KEY			/* key "name": signed with that key */
};

struct acl_elem {
	enum acl_type	 type;
	int		 negate;	/* written with "!" */
	int		 family;	/* ACL_PREFIX: AF_INET or AF_INET6 */
	unsigned	 plen;		/* ACL_PREFIX: prefix length in bits */
	uint8_t		 addr[16];	/* ACL_PREFIX: network, host bits 0 */
	char		 key[ACL_NAME_MAX]; /* ACL_KEY: canonical key name */
	const char	*file;		/* where it was written */
	int		 line;
};

/* An address match list: elements in order, first match wins. */
struct acl {
	struct acl_elem	*elems;
	size_t		 nelems;
};

/*
 * Match a request from address sa (AF_INET or AF_INET6; an IPv4-mapped
 * IPv6 address counts as IPv4; NULL matches no address element) that was
 * signed with the key named keyname (canonical or not; NULL if the request
 * was not signed or its signature did not verify).
 * The first element that matches decides: 1 if it is not negated (allow),
 * 0 if it is (deny).  No match at all is 0.
 */
int	acl_match(const struct acl *, const struct sockaddr *sa,
	    const char *keyname);

enum grant_match {
	GRANT_NAME,		/* the owner is exactly the name */
	GRANT_SUBDOMAIN,	/* the owner is the name or below it */
	GRANT_WILDCARD,		/* the owner matches "*.suffix" (BIND) */
	GRANT_ACME		/* "_acme-challenge." then the name (the
				   zone) or a name below it; TXT only */
};

#define GRANT_TYPES_MAX	16
#define GRANT_ACME_TYPE	16	/* TXT: the one type of GRANT_ACME */

/*
 * grant KEY (name | subdomain | wildcard) NAME [TYPE ...];
 * grant KEY zonesub [TYPE ...];		(subdomain of the zone name)
 * grant KEY acme-challenge [TXT];		(GRANT_ACME, name: the zone)
 */
struct grant {
	char		 key[ACL_NAME_MAX];	/* canonical key name */
	enum grant_match match;
	char		 name[ACL_NAME_MAX];	/* canonical name */
	uint16_t	 types[GRANT_TYPES_MAX]; /* 255 means ANY */
	size_t		 ntypes;		/* 0: BIND's default set */
	const char	*file;
	int		 line;
};

struct zone_conf;

/*
 * May the request signed with keyname (NULL: unsigned) change the RRset
 * of type rrtype at owner (presentation form, any case, trailing dot
 * optional) in zone z?  The caller has already checked allow-update.
 *
 * If keyname is NULL or the zone has no grant for that key, the whole zone
 * is allowed.  Otherwise at least one of the key's grants must match the
 * owner and the type, with BIND update-policy rules: a grant without types
 * covers every type except RRSIG, NS, SOA, NSEC and NSEC3; the type ANY in
 * a grant covers every type except NSEC and NSEC3.  An acme-challenge grant
 * covers TXT at "_acme-challenge.X" for X the zone or any name in it, and
 * no name below such a name.  rrtype must be a concrete type: for "delete
 * all RRsets at a name" the caller asks once per existing type.  An owner outside the zone or not a valid name is never
 * allowed.  Returns 1 (allowed) or 0.
 */
int	acl_grant_allows(const struct zone_conf *z, const char *keyname,
	    const char *owner, uint16_t rrtype);
/*
 * 1 if zone z has a grant for keyname (NULL: none has), i.e. whether
 * acl_grant_allows() can refuse an owner inside the zone for that key.
 */
int	acl_grant_scoped(const struct zone_conf *z, const char *keyname);

/*
 * Canonical presentation form of a domain name: letters lowercased, no
 * trailing dot, the root as "", and escapes normalised ("\DDD" for space,
 * '"' and bytes outside the printable ASCII range, "\X" for ".", "\" and
 * ";", no other escapes), so that two spellings of a name have the
 * same canonical form and strcmp() compares names.  Checks label (63) and
 * name (255 in wire form) lengths and rejects empty labels and unescaped
 * blanks or control characters.  dst holds dstsize bytes (ACL_NAME_MAX is
 * enough for a name without such bytes).  Returns 0, or -1 if the name is
 * invalid or does not fit.
 */
int	acl_name_canon(char *dst, size_t dstsize, const char *src);

/*
 * Uncompressed, lowercased wire form of a presentation-form name (escapes
 * \X and \DDD decoded) into wire[255].  Returns the wire length, or -1 if
 * the name is invalid.
 */
int	acl_name_wire(const char *src, uint8_t wire[255]);

#endif
