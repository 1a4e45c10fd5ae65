/*
 * dns/rrtype.c: RR type and class mnemonics.
 */
#include <string.h>
#include <strings.h>

#include "dns/rrtype.h"

/*
 * Mnemonics indexed by type number: one table serves both directions, a
 * lookup by number being one bounds check and one load.
 */
static const char *const types[DNS_T_CAA + 1] = {
	[DNS_T_A] = "A",		[DNS_T_NS] = "NS",
	[DNS_T_CNAME] = "CNAME",	[DNS_T_SOA] = "SOA",
	[DNS_T_PTR] = "PTR",		[DNS_T_HINFO] = "HINFO",
	[DNS_T_MX] = "MX",		[DNS_T_TXT] = "TXT",
	[DNS_T_RP] = "RP",		[DNS_T_AFSDB] = "AFSDB",
	[DNS_T_SIG] = "SIG",		[DNS_T_KEY] = "KEY",
	[DNS_T_AAAA] = "AAAA",		[DNS_T_LOC] = "LOC",
	[DNS_T_SRV] = "SRV",		[DNS_T_NAPTR] = "NAPTR",
	[DNS_T_KX] = "KX",		[DNS_T_CERT] = "CERT",
	[DNS_T_DNAME] = "DNAME",	[DNS_T_OPT] = "OPT",
	[DNS_T_APL] = "APL",		[DNS_T_DS] = "DS",
	[DNS_T_SSHFP] = "SSHFP",	[DNS_T_IPSECKEY] = "IPSECKEY",
	[DNS_T_RRSIG] = "RRSIG",	[DNS_T_NSEC] = "NSEC",
	[DNS_T_DNSKEY] = "DNSKEY",	[DNS_T_DHCID] = "DHCID",
	[DNS_T_NSEC3] = "NSEC3",	[DNS_T_NSEC3PARAM] = "NSEC3PARAM",
	[DNS_T_TLSA] = "TLSA",		[DNS_T_SMIMEA] = "SMIMEA",
	[DNS_T_HIP] = "HIP",		[DNS_T_CDS] = "CDS",
	[DNS_T_CDNSKEY] = "CDNSKEY",	[DNS_T_OPENPGPKEY] = "OPENPGPKEY",
	[DNS_T_CSYNC] = "CSYNC",	[DNS_T_ZONEMD] = "ZONEMD",
	[DNS_T_SVCB] = "SVCB",		[DNS_T_HTTPS] = "HTTPS",
	[DNS_T_SPF] = "SPF",		[DNS_T_TKEY] = "TKEY",
	[DNS_T_TSIG] = "TSIG",		[DNS_T_IXFR] = "IXFR",
	[DNS_T_AXFR] = "AXFR",		[DNS_T_ANY] = "ANY",
	[DNS_T_URI] = "URI",		[DNS_T_CAA] = "CAA",
};

static const char *const classes[DNS_C_ANY + 1] = {
	[DNS_C_IN] = "IN",	[DNS_C_CH] = "CH",	[DNS_C_HS] = "HS",
	[DNS_C_NONE] = "NONE",	[DNS_C_ANY] = "ANY",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *
lookup_num(const char *const *t, size_t n, uint16_t v)
{
	return v < n ? t[v] : NULL;
}

/*
 * The mnemonic s, or prefix and v in decimal, with a NUL into buf
 * (RRTYPE_TEXTMAX bytes: the longest is a 5-letter prefix and 5 digits).
 */
static const char *
to_text(const char *s, const char *prefix, uint16_t v, char *buf)
{
	char	 d[5], *p = d + sizeof(d);
	size_t	 n;

	if (s != NULL) {
		n = strlen(s);
		memcpy(buf, s, n + 1);
		return buf;
	}
	n = strlen(prefix);
	memcpy(buf, prefix, n);
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	memcpy(buf + n, p, (size_t)(d + sizeof(d) - p));
	buf[n + (size_t)(d + sizeof(d) - p)] = '\0';
	return buf;
}

/* Parse "PREFIXnnn" (decimal, no sign, no leading zeros, <= 65535). */
static int
generic(const char *s, size_t len, const char *prefix, uint16_t *out)
{
	size_t		 pl = strlen(prefix), i;
	unsigned long	 v = 0;

	if (len <= pl || strncasecmp(s, prefix, pl) != 0)
		return -1;
	if (len - pl > 5 || (s[pl] == '0' && len - pl > 1))
		return -1;
	for (i = pl; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

static int
lookup_text(const char *const *t, size_t n, const char *s, size_t len,
    const char *prefix, uint16_t *out)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (t[i] != NULL && strlen(t[i]) == len &&
		    strncasecmp(t[i], s, len) == 0) {
			*out = (uint16_t)i;
			return 0;
		}
	}
	return generic(s, len, prefix, out);
}

const char *
rrtype_name(uint16_t type)
{
	return lookup_num(types, NELEM(types), type);
}

const char *
rrtype_to_text(uint16_t type, char *buf)
{
	return to_text(rrtype_name(type), "TYPE", type, buf);
}

int
rrtype_from_textn(const char *s, size_t len, uint16_t *out)
{
	return lookup_text(types, NELEM(types), s, len, "TYPE", out);
}

int
rrtype_from_text(const char *s, uint16_t *out)
{
	return rrtype_from_textn(s, strlen(s), out);
}

const char *
rrtype_class_to_text(uint16_t class, char *buf)
{
	return to_text(lookup_num(classes, NELEM(classes), class), "CLASS",
	    class, buf);
}

int
rrtype_class_from_text(const char *s, uint16_t *out)
{
	return lookup_text(classes, NELEM(classes), s, strlen(s), "CLASS",
	    out);
}

int
rrtype_r53_ok(uint16_t type)
{
	switch (type) {
	case DNS_T_A:
	case DNS_T_AAAA:
	case DNS_T_CAA:
	case DNS_T_CNAME:
	case DNS_T_DS:
	case DNS_T_HTTPS:
	case DNS_T_MX:
	case DNS_T_NAPTR:
	case DNS_T_NS:
	case DNS_T_PTR:
	case DNS_T_SOA:
	case DNS_T_SPF:
	case DNS_T_SRV:
	case DNS_T_SSHFP:
	case DNS_T_SVCB:
	case DNS_T_TLSA:
	case DNS_T_TXT:
		return 1;
	default:
		return 0;
	}
}

int
rrtype_is_meta(uint16_t type)
{
	return type == DNS_T_OPT || (type >= 128 && type <= 255);
}
