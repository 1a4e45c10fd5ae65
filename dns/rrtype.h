/*
 * dns/rrtype.h: RR type and class numbers and their mnemonics.
 *
 * The DNS_T_* and DNS_C_* constants are the IANA numbers.  Mnemonics are
 * the upper-case names of the IANA registry; unknown numbers are written
 * and read in the RFC 3597 forms "TYPEnnn" and "CLASSnnn".  Parsing is
 * case-insensitive.  rrtype_r53_ok() tells which types a Route 53 hosted
 * zone can hold (ROUTE53.md 6.1): everything else is skipped by policy.
 * Nothing here allocates; returned strings are static.
 */
#ifndef R53D_DNS_RRTYPE_H
#define R53D_DNS_RRTYPE_H

#include <stddef.h>
#include <stdint.h>

#define DNS_T_A			1
#define DNS_T_NS		2
#define DNS_T_CNAME		5
#define DNS_T_SOA		6
#define DNS_T_PTR		12
#define DNS_T_HINFO		13
#define DNS_T_MX		15
#define DNS_T_TXT		16
#define DNS_T_RP		17
#define DNS_T_AFSDB		18
#define DNS_T_SIG		24
#define DNS_T_KEY		25
#define DNS_T_AAAA		28
#define DNS_T_LOC		29
#define DNS_T_SRV		33
#define DNS_T_NAPTR		35
#define DNS_T_KX		36
#define DNS_T_CERT		37
#define DNS_T_DNAME		39
#define DNS_T_OPT		41
#define DNS_T_APL		42
#define DNS_T_DS		43
#define DNS_T_SSHFP		44
#define DNS_T_IPSECKEY		45
#define DNS_T_RRSIG		46
#define DNS_T_NSEC		47
#define DNS_T_DNSKEY		48
#define DNS_T_DHCID		49
#define DNS_T_NSEC3		50
#define DNS_T_NSEC3PARAM	51
#define DNS_T_TLSA		52
#define DNS_T_SMIMEA		53
#define DNS_T_HIP		55
#define DNS_T_CDS		59
#define DNS_T_CDNSKEY		60
#define DNS_T_OPENPGPKEY	61
#define DNS_T_CSYNC		62
#define DNS_T_ZONEMD		63
#define DNS_T_SVCB		64
#define DNS_T_HTTPS		65
#define DNS_T_SPF		99
#define DNS_T_TKEY		249
#define DNS_T_TSIG		250
#define DNS_T_IXFR		251
#define DNS_T_AXFR		252
#define DNS_T_ANY		255
#define DNS_T_URI		256
#define DNS_T_CAA		257

#define DNS_C_IN		1
#define DNS_C_CH		3
#define DNS_C_HS		4
#define DNS_C_NONE		254
#define DNS_C_ANY		255

/* Longest text rrtype_to_text()/rrtype_class_to_text() write, with the NUL. */
#define RRTYPE_TEXTMAX		16

/*
 * Write the mnemonic (or "TYPEnnn") of a type into buf, which holds
 * RRTYPE_TEXTMAX bytes; returns buf.
 */
const char	*rrtype_to_text(uint16_t, char *);
/* Mnemonic or "TYPEnnn" (case-insensitive) to number: 0 ok, -1 unknown. */
int		 rrtype_from_text(const char *, uint16_t *);
int		 rrtype_from_textn(const char *, size_t, uint16_t *);
/* Static mnemonic of a known type, NULL if the number has none. */
const char	*rrtype_name(uint16_t);

const char	*rrtype_class_to_text(uint16_t, char *);
int		 rrtype_class_from_text(const char *, uint16_t *);

/* 1 for the 17 types a Route 53 hosted zone stores, else 0. */
int		 rrtype_r53_ok(uint16_t);
/* 1 for OPT and the meta/question range 128-255 (TKEY, TSIG, AXFR, ...). */
int		 rrtype_is_meta(uint16_t);

#endif
