/*
 * libFuzzer harness for dns/msg.c and dns/rdata.c: parse a message
 * fully, read every RR's RDATA, print it as Route 53 text and parse that
 * back, and echo every RR into a response that must parse again.
 * Any disagreement aborts, so the fuzzer finds wrong answers as well as
 * memory errors.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/msg.h"
#include "dns/rdata.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint8_t	rd[RDATA_MAX], back[RDATA_MAX], canon[RDATA_MAX];
static char	text[4 * RDATA_MAX + 64];
static uint8_t	out[DNS_MSG_MAX];

static void
check_rdata(uint16_t type, const uint8_t *p, size_t len)
{
	size_t	blen;
	int	n;

	if (rdata_check(type, p, len) != 0)
		abort();
	if (rdata_canon(type, p, len, canon, sizeof(canon)) != 0 ||
	    rdata_cmp(type, p, len, canon, len) != 0 ||
	    rdata_cmp(type, p, len, p, len) != 0)
		abort();
	n = rdata_to_r53(type, p, len, text, sizeof(text));
	if (n < 0) {
		if (n != RDATA_ESPACE)	/* checked RDATA is printable */
			abort();
		return;
	}
	if ((size_t)n != strlen(text))
		abort();
	if (rdata_from_r53(type, text, (size_t)n, back, sizeof(back),
	    &blen) != 0 || blen != len || memcmp(back, p, len) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_msg		 m, r;
	struct dns_rr_iter	 it;
	struct dns_rr		 rr;
	struct dns_wmsg		 w;
	size_t			 len, olen, pos = 0;
	const uint8_t		*od;
	uint16_t		 code, ol;
	int			 sec, rv, echoed = 1;

	if (dns_msg_parse(&m, data, size) != DNS_PARSE_OK) {
		if (size >= DNS_HDR_LEN)
			(void)dns_msg_error(out, sizeof(out), &m,
			    DNS_R_FORMERR, 1, &olen);
		return 0;
	}
	while (dns_opt_next(&m, &pos, &code, &od, &ol) == 1)
		;
	if (dns_wmsg_reply(&w, out, dns_msg_udp_max(&m) + 600, &m,
	    DNS_F_AA) == -1)
		abort();	/* a parsed question always fits */
	(void)dns_wmsg_reserve(&w, 100);
	(void)dns_wmsg_edns(&w, DNS_EDNS_UDP, 0);
	for (sec = DNS_SEC_QD; sec < DNS_SEC_COUNT; sec++) {
		dns_rr_iter_init(&it, &m, sec);
		while ((rv = dns_rr_next(&it, &rr)) == 1) {
			if (sec == DNS_SEC_QD)
				continue;
			if (dns_rr_rdata(&m, &rr, rd, sizeof(rd), &len) != 0) {
				/* A server answers FORMERR. */
				echoed = 0;
				continue;
			}
			check_rdata(rr.type, rd, len);
			if (rr.type == DNS_T_OPT || rr.type == DNS_T_TSIG)
				continue;
			rv = dns_wmsg_rr(&w, sec, rr.owner, rr.type, rr.class,
			    rr.ttl, rd, (uint16_t)len);
			if (rv == DNS_W_BAD)
				abort();
		}
		if (rv == -1)
			abort();	/* the parser accepted this section */
	}
	if (dns_wmsg_finish(&w, &olen) != 0)
		abort();
	if (dns_msg_parse(&r, out, olen) != DNS_PARSE_OK)
		abort();
	(void)echoed;
	return 0;
}
