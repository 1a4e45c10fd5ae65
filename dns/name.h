/*
 * dns/name.h: domain names in uncompressed wire form.
 *
 * Every function takes and produces the wire form described in
 * dns/wire.h (length-prefixed labels ending with the root label, at most
 * DNS_NAME_MAX bytes).  Two presentation forms exist:
 *
 *   DNS text (RFC 1035 section 5.1): "\DDD" decimal escapes and "\X"
 *   quoting, as dig, nsupdate and zone files write names;
 *
 *   Route 53 text (ROUTE53.md 6.2): "\ooo" OCTAL escapes; on output every
 *   byte outside [a-z0-9_-] of a label is escaped, as Route 53 lists
 *   names, and letters are lowercased.
 *
 * Text parsers accept names with or without the trailing dot and always
 * produce absolute names; "." and "" both mean the root.  All functions
 * are pure, allocate nothing, and return -1 (or 0 for lengths) on bad
 * input or when the output does not fit.
 */
#ifndef R53D_DNS_NAME_H
#define R53D_DNS_NAME_H

#include <stddef.h>
#include <stdint.h>

#include "dns/wire.h"

/* Worst-case text length of a name: every byte as a 4-char escape. */
#define DNS_NAME_TEXTMAX	(DNS_NAME_MAX * 4 + 2)

/* Length of a well-formed wire name, 0 if malformed or too long. */
size_t	name_len(const uint8_t *, size_t);
int	name_labels(const uint8_t *);		/* root is 0 */

int	name_from_text(const char *, uint8_t *, size_t *);
int	name_from_textn(const char *, size_t, uint8_t *, size_t *);
int	name_to_text(const uint8_t *, char *, size_t);
int	name_from_r53(const char *, uint8_t *, size_t *);
int	name_from_r53n(const char *, size_t, uint8_t *, size_t *);
int	name_to_r53(const uint8_t *, char *, size_t);
/*
 * Route 53 text forms that keep letter case, for names inside RDATA:
 * like the two above, but letters are neither lowercased on input nor
 * escaped on output (A-Z and a-z stay literal).
 */
int	name_from_r53n_case(const char *, size_t, uint8_t *, size_t *);
int	name_to_r53_case(const uint8_t *, char *, size_t);

void	name_lower(uint8_t *);			/* in place, ASCII only */
int	name_equal(const uint8_t *, const uint8_t *);	/* case-insensitive */
/* RFC 4034 section 6.1 canonical order: <0, 0, >0. */
int	name_cmp(const uint8_t *, const uint8_t *);
/* 1 if a is b or lies below b. */
int	name_is_sub(const uint8_t *a, const uint8_t *b);
/* Pointer to the suffix of n that has the given number of labels. */
const uint8_t *name_suffix(const uint8_t *n, int labels);
/* 1 if the first label is the single byte "*". */
int	name_is_wild(const uint8_t *);

/* 64-bit words holding the longest name. */
#define NAME_KEYWORDS	((DNS_NAME_MAX + 7) / 8)
/*
 * Case-insensitive key of a name, for hash tables: w[] (NAME_KEYWORDS
 * words) receives the lowercased wire name, zero-padded to whole words,
 * and *hash a hash of those words (names equal but for letter case get
 * equal keys).  Returns the wire length, or 0 if the name is longer than
 * DNS_NAME_MAX (w and *hash then hold nothing useful).  The name must
 * otherwise be well formed.
 */
size_t	name_key(const uint8_t *, uint64_t *w, uint32_t *hash);

#endif
