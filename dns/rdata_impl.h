/*
 * dns/rdata_impl.h: internals shared by dns/rdata.c (layouts, checks,
 * per-type text), dns/rdata_str.c (text output and input cursors,
 * character-string escapes) and dns/rdata_svcb.c (SVCB/HTTPS
 * parameters).  Private to those files; everything else uses
 * dns/rdata.h.
 *
 * Nothing here allocates.  The tb_ writers and tin_ readers work on the
 * caller's buffers through the two cursors below; their contracts are
 * the cursors' invariants.
 */
#ifndef R53D_DNS_RDATA_IMPL_H
#define R53D_DNS_RDATA_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "dns/wire.h"

/*
 * Text output.  A struct tb collects text into the caller's buffer; the
 * first overflow is sticky and the result is then RDATA_ESPACE.  mf
 * selects the master-file form (RFC 1035 section 5.1: decimal escapes,
 * names as name_to_text() writes them) instead of Route 53's.
 */
struct tb {
	char	*s;
	size_t	 cap;
	size_t	 len;
	int	 err;
	int	 mf;
};

void	tb_put(struct tb *, const char *, size_t);
void	tb_str(struct tb *, const char *);
void	tb_c(struct tb *, char);
void	tb_u(struct tb *, unsigned long);
/*
 * One byte of a character-string: \" and \\, and an escape of three
 * digits (Route 53's octal \ooo, the master file's decimal \DDD) for
 * 000-037 and 177-377, and for space too unless quoted.  An unquoted
 * byte of a master file also escapes ; ( and ) as \X.
 */
void	tb_esc(struct tb *, uint8_t c, int quoted);
/* A quoted character-string from len bytes. */
void	tb_qstr(struct tb *, const uint8_t *, size_t len);
/*
 * A wire name, case kept, with the final dot: in Route 53's form, or as
 * name_to_text() writes it.
 */
void	tb_name(struct tb *, const uint8_t *);
/* Lowercase hex, unbroken. */
void	tb_hex(struct tb *, const uint8_t *, size_t);
/*
 * An address of family af (AF_INET, AF_INET6) as glibc's inet_ntop()
 * writes it, without calling it; any other family sets the error.
 */
void	tb_addr(struct tb *, int af, const uint8_t *);

/*
 * Text input.  A struct tin is a cursor over the caller's text; fields
 * are separated by spaces or tabs.  Every reader returns -1 on anything
 * it does not expect.
 */
struct tin {
	const char	*s;
	size_t		 len;
	size_t		 pos;
};

static inline int
is_sp(char c)
{
	return c == ' ' || c == '\t';
}

/* Skip separators; tin_more() says whether a field follows. */
void	tin_sp(struct tin *);
int	tin_more(struct tin *);
/* The next non-empty field, pointing into the text. */
int	tin_token(struct tin *, const char **p, size_t *n);
/* p[0..n): decimal digits only, at most max. */
int	tin_decimal(const char *p, size_t n, uint32_t max, uint32_t *v);
/* The next field as a decimal number of at most max. */
int	tin_num(struct tin *, uint32_t max, uint32_t *v);
/*
 * Decode the escapes of a character-string body s[0..n) (no quotes):
 * \ooo octal (exactly three digits, at most 377) and \X for any other X.
 * Output into out (cap bytes), length in *lenp.
 */
int	cs_decode(const char *s, size_t n, uint8_t *out, size_t cap,
	    size_t *lenp);
/* The body of a quoted string at the cursor, escapes still in it. */
int	tin_quoted(struct tin *, const char **p, size_t *n);
/* A quoted string as a character-string (length octet, at most 255). */
int	tin_cstring(struct tin *, struct wire *);
/* A name, with or without its final dot, as wire bytes. */
int	tin_name(struct tin *, struct wire *);
/* The rest of the text as hex digits, spaces allowed between them. */
int	tin_hex(struct tin *, struct wire *, size_t *count);
/* p[0..n) as an address of family af into out (4 or 16 bytes). */
int	tin_addr(const char *p, size_t n, int af, uint8_t *out);

/*
 * SVCB/HTTPS parameters (RFC 9460), dns/rdata_svcb.c.
 */

/* SvcParams in wire form (RFC 9460 section 2.2), p[0..len): 0 or -1. */
int	svcb_check(const uint8_t *p, size_t len);
/* SvcParams of well-formed RDATA as text, each preceded by a space. */
void	tb_svcb(struct tb *, const uint8_t *p, size_t len);
/* The rest of the text as SvcParams in wire form, sorted by key. */
int	tin_svcb(struct tin *, struct wire *);

#endif
