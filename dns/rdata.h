/*
 * dns/rdata.h: RDATA in wire form, checked, compared and converted to
 * and from Route 53 "Value" text (ROUTE53.md section 6), and to
 * master-file text.
 *
 * Wire RDATA given to these functions is uncompressed unless stated
 * otherwise (rdata_read() is the one that decompresses).  Nothing here
 * allocates; the caller owns every buffer.
 *
 * Text forms written by rdata_to_r53(), per type:
 *   A        192.0.2.1
 *   AAAA     RFC 5952 form (inet_ntop)
 *   CNAME, NS, PTR   name.
 *   MX       pref name.
 *   SRV      prio weight port target.
 *   SOA      mname. rname. serial refresh retry expire minimum
 *   TXT, SPF "s1" "s2" ...  (one or more strings, single spaces)
 *   CAA      flags tag "value"
 *   NAPTR    order pref "flags" "service" "regexp" replacement.
 *   DS       keytag alg digesttype hex
 *   SSHFP    alg fptype hex
 *   TLSA     usage selector mtype hex
 *   SVCB, HTTPS  prio target. key=value ... (RFC 9460)
 *   others   \# len hex  (RFC 3597)
 * Hex is lowercase and unbroken, as dnspython writes it.
 *
 * Character strings (TXT, SPF, CAA value, NAPTR strings) are written in
 * double quotes with \" and \\ for quote and backslash, and with
 * Route 53's OCTAL escapes \ooo for bytes 000-037 and 177-377; space and
 * every other printable byte stay literal.  SVCB/HTTPS values are
 * written unquoted with the same escapes, space included (\040); alpn
 * and mandatory are comma lists in which a literal comma or backslash of
 * an alpn id is first escaped with a backslash (RFC 9460 appendix A).
 * A single SVCB value longer than 4095 characters is not printed
 * (RDATA_ESPACE): the parser reads values of at most that size, and
 * Route 53 takes at most 4000 characters per Value anyway.
 *
 * Checks beyond the layout: DS digests of types 1, 2, 3 and 4 have their
 * hash's length and digest type 0 is refused (it is allowed in CDS);
 * CAA tags are 1-255 letters and digits; SVCB/HTTPS keys are strictly
 * increasing, known keys have their RFC 9460 value shapes, key 65535 is
 * refused, mandatory keys must be present, and AliasMode (priority 0)
 * carries no parameters.  In an alpn list only "\," and "\\" escapes
 * are accepted (after the character-string escapes are decoded).
 *
 * Names inside RDATA keep the letter case they have on the wire (DNS
 * compares them case-insensitively, and Route 53 keeps a Value as it was
 * written); every other byte outside [A-Za-z0-9_-] of a label is written
 * as \ooo, as Route 53 writes names, and they always end with a dot.
 *
 * Input (rdata_from_r53()) accepts exactly those Route 53 forms and
 * also: names with or without the trailing dot, literal or escaped; \X
 * for any other character X inside strings; unquoted TXT is refused
 * (Route 53 refuses it too); hex in either case, with spaces in it; AAAA
 * in any inet_pton form; SVCB values quoted or not, keys in any order
 * (they are sorted on the wire), "keyNNNN" for any key; "\# len hex" for
 * any type.  Fields are separated by one or more spaces or tabs.  Anything
 * else, numbers out of range included, is refused with -1.
 *
 * Master-file text (rdata_to_text(), RFC 1035 section 5.1) has the same
 * fields in the same order, and differs only in its escapes: bytes of
 * character strings and SVCB/HTTPS values are escaped with DECIMAL \DDD
 * (where Route 53's form has octal \ooo), unquoted SVCB/HTTPS values
 * also escape ; ( and ) as \X, and names are written as name_to_text()
 * writes them (\DDD for bytes outside 0x21-0x7e, \X for . \ " ( ) ; @
 * and $, letter case kept, always absolute).  BIND and dnspython read
 * it back to the same RDATA.
 */
#ifndef R53D_DNS_RDATA_H
#define R53D_DNS_RDATA_H

#include <stddef.h>
#include <stdint.h>

#include "dns/wire.h"

#define RDATA_MAX		65535
#define RDATA_R53_MAX		4000	/* Route 53 limit on one Value */

/* rdata_to_r53() and rdata_to_text() failures. */
#define RDATA_EBAD		(-1)	/* malformed RDATA */
#define RDATA_ESPACE		(-2)	/* text does not fit in cap */

/*
 * RDATA (uncompressed) to Route 53 text, NUL-terminated in out (cap
 * bytes).  Returns the text length, RDATA_EBAD or RDATA_ESPACE.
 */
int	rdata_to_r53(uint16_t type, const uint8_t *rd, size_t rdlen,
	    char *out, size_t cap);

/*
 * RDATA (uncompressed) to master-file text, NUL-terminated in out (cap
 * bytes), e.g. for a zone file.  Returns the text length, RDATA_EBAD or
 * RDATA_ESPACE.
 */
int	rdata_to_text(uint16_t type, const uint8_t *rd, size_t rdlen,
	    char *out, size_t cap);

/*
 * Route 53 text (textlen bytes, no NUL needed) to wire RDATA in out (cap
 * bytes), length in *lenp.  0 ok, -1 refused or does not fit.  The
 * result always passes rdata_check().
 */
int	rdata_from_r53(uint16_t type, const char *text, size_t textlen,
	    uint8_t *out, size_t cap, size_t *lenp);

/*
 * Is rd well-formed uncompressed RDATA of this type (the checks a server
 * applies before FORMERR)?  0 yes, -1 no.  Types without a known layout
 * are accepted as opaque bytes.
 */
int	rdata_check(uint16_t type, const uint8_t *rd, size_t rdlen);

/*
 * Copy the RDATA found at msg[rdoff .. rdoff+rdlen) into out as
 * uncompressed wire RDATA, following compression pointers (inside msg)
 * in the names of NS, CNAME, SOA, PTR and MX and, as RFC 3597 section 4
 * asks of receivers, of SRV, NAPTR, RP, AFSDB, RT, KX, PX, DNAME and
 * RRSIG (dnspython compresses SRV and NAPTR targets; BIND accepts them);
 * the SVCB/HTTPS target must not be compressed (RFC 9460).  Checks as rdata_check().  0 ok, -1 malformed or
 * out too small (RDATA_MAX bytes are always enough: only types whose
 * RDATA is at most two names and 20 bytes may be compressed).
 */
int	rdata_read(const uint8_t *msg, size_t msglen, size_t rdoff,
	    size_t rdlen, uint16_t type, uint8_t *out, size_t cap,
	    size_t *lenp);

/*
 * Canonical form (RFC 4034 section 6.2, RFC 6840 section 5.1): names in
 * the RDATA of NS, MD, MF, CNAME, SOA, MB, MG, MR, PTR, HINFO, MINFO, MX,
 * RP, AFSDB, RT, SIG, PX, NXT, NAPTR, KX, SRV, DNAME, A6 and RRSIG are
 * lowercased.  out may equal rd; the length never changes.  0 ok, -1
 * malformed or cap < rdlen.
 */
int	rdata_canon(uint16_t type, const uint8_t *rd, size_t rdlen,
	    uint8_t *out, size_t cap);

/*
 * Order of two RDATA of one type by their canonical forms (RFC 4034
 * section 6.3): <0, 0, >0.  0 iff the two RRs are the same RR.
 * Malformed RDATA compares by raw bytes.
 */
int	rdata_cmp(uint16_t type, const uint8_t *a, size_t alen,
	    const uint8_t *b, size_t blen);

/*
 * Write RDATA (without its length) to a message writer, compressing the
 * names of NS, CNAME, SOA, PTR and MX against ct when ct is not NULL.
 * Errors are the cursor's (sticky); malformed RDATA sets the error too.
 */
void	rdata_put(struct wire *, uint16_t type, const uint8_t *rd,
	    size_t rdlen, struct wire_ctab *ct);

/*
 * SOA RDATA, uncompressed: the five numbers after MNAME and RNAME.
 * rdata_soa() fills *t; rdata_soa_serial() reads the serial and
 * rdata_soa_set_serial() writes it in place.  0, or -1 when rd is not
 * well-formed SOA RDATA.  The one way SOA numbers are read.
 */
struct rdata_soa {
	uint32_t	 serial, refresh, retry, expire, minimum;
};

int	rdata_soa(const uint8_t *rd, size_t len, struct rdata_soa *t);
int	rdata_soa_serial(const uint8_t *rd, size_t len, uint32_t *serial);
int	rdata_soa_set_serial(uint8_t *rd, size_t len, uint32_t serial);

#endif
