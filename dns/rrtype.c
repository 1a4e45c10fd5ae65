/*
 * dns/rrtype.c: RR type and class mnemonics.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dns/rrtype.h"

struct mnem {
	uint16_t	 num;
	const char	*name;
};

static const struct mnem types[] = {
	{ DNS_T_A, "A" },		{ DNS_T_NS, "NS" },
	{ DNS_T_CNAME, "CNAME" },	{ DNS_T_SOA, "SOA" },
	{ DNS_T_PTR, "PTR" },		{ DNS_T_HINFO, "HINFO" },
	{ DNS_T_MX, "MX" },		{ DNS_T_TXT, "TXT" },
	{ DNS_T_RP, "RP" },		{ DNS_T_AFSDB, "AFSDB" },
	{ DNS_T_SIG, "SIG" },		{ DNS_T_KEY, "KEY" },
	{ DNS_T_AAAA, "AAAA" },		{ DNS_T_LOC, "LOC" },
	{ DNS_T_SRV, "SRV" },		{ DNS_T_NAPTR, "NAPTR" },
	{ DNS_T_KX, "KX" },		{ DNS_T_CERT, "CERT" },
	{ DNS_T_DNAME, "DNAME" },	{ DNS_T_OPT, "OPT" },
	{ DNS_T_APL, "APL" },		{ DNS_T_DS, "DS" },
	{ DNS_T_SSHFP, "SSHFP" },	{ DNS_T_IPSECKEY, "IPSECKEY" },
	{ DNS_T_RRSIG, "RRSIG" },	{ DNS_T_NSEC, "NSEC" },
	{ DNS_T_DNSKEY, "DNSKEY" },	{ DNS_T_DHCID, "DHCID" },
	{ DNS_T_NSEC3, "NSEC3" },	{ DNS_T_NSEC3PARAM, "NSEC3PARAM" },
	{ DNS_T_TLSA, "TLSA" },		{ DNS_T_SMIMEA, "SMIMEA" },
	{ DNS_T_HIP, "HIP" },		{ DNS_T_CDS, "CDS" },
	{ DNS_T_CDNSKEY, "CDNSKEY" },	{ DNS_T_OPENPGPKEY, "OPENPGPKEY" },
	{ DNS_T_CSYNC, "CSYNC" },	{ DNS_T_ZONEMD, "ZONEMD" },
	{ DNS_T_SVCB, "SVCB" },		{ DNS_T_HTTPS, "HTTPS" },
	{ DNS_T_SPF, "SPF" },		{ DNS_T_TKEY, "TKEY" },
	{ DNS_T_TSIG, "TSIG" },		{ DNS_T_IXFR, "IXFR" },
	{ DNS_T_AXFR, "AXFR" },		{ DNS_T_ANY, "ANY" },
	{ DNS_T_URI, "URI" },		{ DNS_T_CAA, "CAA" },
};

static const struct mnem classes[] = {
	{ DNS_C_IN, "IN" },	{ DNS_C_CH, "CH" },	{ DNS_C_HS, "HS" },
	{ DNS_C_NONE, "NONE" },	{ DNS_C_ANY, "ANY" },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *
lookup_num(const struct mnem *t, size_t n, uint16_t v)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (t[i].num == v)
			return t[i].name;
	return NULL;
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
lookup_text(const struct mnem *t, size_t n, const char *s, size_t len,
    const char *prefix, uint16_t *out)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strlen(t[i].name) == len &&
		    strncasecmp(t[i].name, s, len) == 0) {
			*out = t[i].num;
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
	const char	*s;

	if ((s = rrtype_name(type)) != NULL)
		snprintf(buf, RRTYPE_TEXTMAX, "%s", s);
	else
		snprintf(buf, RRTYPE_TEXTMAX, "TYPE%u", (unsigned)type);
	return buf;
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
rrclass_to_text(uint16_t class, char *buf)
{
	const char	*s;

	if ((s = lookup_num(classes, NELEM(classes), class)) != NULL)
		snprintf(buf, RRTYPE_TEXTMAX, "%s", s);
	else
		snprintf(buf, RRTYPE_TEXTMAX, "CLASS%u", (unsigned)class);
	return buf;
}

int
rrclass_from_text(const char *s, uint16_t *out)
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
