/*
 * libFuzzer harness for the Route 53 text parser of dns/rdata.c.  The
 * first byte picks one of the Route 53 types, the rest is the Value
 * text.  Whatever parses must print, and the printed text must parse to
 * the same RDATA.  Its master-file text must print too, as one line of
 * printable ASCII.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/rdata.h"
#include "dns/rrtype.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint16_t types[] = {
	DNS_T_A, DNS_T_AAAA, DNS_T_CAA, DNS_T_CNAME, DNS_T_DS, DNS_T_HTTPS,
	DNS_T_MX, DNS_T_NAPTR, DNS_T_NS, DNS_T_PTR, DNS_T_SOA, DNS_T_SPF,
	DNS_T_SRV, DNS_T_SSHFP, DNS_T_SVCB, DNS_T_TLSA, DNS_T_TXT, 4321,
};

static uint8_t	rd[RDATA_MAX], back[RDATA_MAX];
static char	text[4 * RDATA_MAX + 64];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t	type;
	size_t		len, blen, i;
	int		n;

	if (size < 1)
		return 0;
	type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	if (rdata_from_r53(type, (const char *)data + 1, size - 1, rd,
	    sizeof(rd), &len) != 0)
		return 0;
	if (rdata_check(type, rd, len) != 0)
		abort();
	n = rdata_to_r53(type, rd, len, text, sizeof(text));
	if (n < 0) {
		if (n != RDATA_ESPACE)
			abort();
		return 0;
	}
	if (rdata_from_r53(type, text, (size_t)n, back, sizeof(back),
	    &blen) != 0 || blen != len || memcmp(rd, back, len) != 0)
		abort();
	n = rdata_to_text(type, rd, len, text, sizeof(text));
	if (n < 0) {
		if (n != RDATA_ESPACE)
			abort();
		return 0;
	}
	for (i = 0; i < (size_t)n; i++)
		if (text[i] < 0x20 || text[i] > 0x7e)
			abort();
	return 0;
}
