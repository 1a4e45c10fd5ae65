/*
 * tests/unit/xfr_cli.c: a driver for dns/xfr.c, used by tests/xfr_ref.py
 * to read zone transfers from BIND's named.  Not part of the daemon.
 *
 *	xfr_cli ZONE AXFR|IXFR SERIAL ID [KEYNAME ALG HEXSECRET REQMAC NOW]
 *	xfr_cli -c ZONE CORPUSFILE
 *	xfr_cli -s ZONE ID
 *
 * The first form reads the answer on standard input as over TCP (each
 * message after a two-octet length) and prints one line per sink call:
 *
 *	axfr_begin SERIAL		rr OWNER TYPE TTL HEXRDATA
 *	axfr_end SERIAL			diff_begin FROM
 *	del OWNER TYPE TTL HEXRDATA	add OWNER TYPE TTL HEXRDATA
 *	diff_end TO			commit TO
 *	uptodate SERIAL
 *
 * (OWNER in DNS text, TYPE a number, RDATA uncompressed), then a verdict:
 * "done", or "error CODE TEXT" with " rcode=N" or " tsig=N" when they
 * say more; input that ends early gets xfr_eof()'s verdict.  With a key,
 * the request was signed with MAC REQMAC (hex) and NOW is the time to
 * verify at.  The second form reads a seed of tests/fuzz/corpus_xfr/
 * (mode octet, serial, then the messages), unsigned, with ID 0x4242.
 * The third reads one framed answer to an unsigned SOA query and prints
 * "soa SERIAL REFRESH RETRY EXPIRE MINIMUM TTL" or "error CODE TEXT".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "dns/tsig.h"
#include "dns/xfr.h"

#define INMAX	(64 * 1024 * 1024)

static int
unhex(const char *s, uint8_t *out, size_t cap, size_t *lenp)
{
	size_t		n = strlen(s), i;
	unsigned	v;

	if (n % 2 != 0 || n / 2 > cap)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	*lenp = n / 2;
	return 0;
}

static int
print_rr(const char *what, const struct xfr_rr *rr)
{
	char	owner[DNS_NAME_TEXTMAX];
	size_t	i;

	if (name_to_text(rr->owner, owner, sizeof(owner)) == -1)
		return -1;
	printf("%s %s %u %u ", what, owner, rr->type, rr->ttl);
	for (i = 0; i < rr->rdlen; i++)
		printf("%02x", rr->rdata[i]);
	printf("\n");
	return 0;
}

static int
p_axfr_begin(void *arg, uint32_t serial)
{
	(void)arg;
	printf("axfr_begin %u\n", serial);
	return 0;
}

static int
p_axfr_rr(void *arg, const struct xfr_rr *rr)
{
	(void)arg;
	return print_rr("rr", rr);
}

static int
p_axfr_end(void *arg, uint32_t serial)
{
	(void)arg;
	printf("axfr_end %u\n", serial);
	return 0;
}

static int
p_diff_begin(void *arg, uint32_t from)
{
	(void)arg;
	printf("diff_begin %u\n", from);
	return 0;
}

static int
p_diff_del(void *arg, const struct xfr_rr *rr)
{
	(void)arg;
	return print_rr("del", rr);
}

static int
p_diff_add(void *arg, const struct xfr_rr *rr)
{
	(void)arg;
	return print_rr("add", rr);
}

static int
p_diff_end(void *arg, uint32_t to)
{
	(void)arg;
	printf("diff_end %u\n", to);
	return 0;
}

static int
p_commit(void *arg, uint32_t to)
{
	(void)arg;
	printf("commit %u\n", to);
	return 0;
}

static int
p_uptodate(void *arg, uint32_t serial)
{
	(void)arg;
	printf("uptodate %u\n", serial);
	return 0;
}

static const struct xfr_sink	sink = {
	p_axfr_begin, p_axfr_rr, p_axfr_end, p_diff_begin, p_diff_del,
	p_diff_add, p_diff_end, p_commit, p_uptodate
};

static void
usage(void)
{
	fprintf(stderr, "usage: xfr_cli ZONE AXFR|IXFR SERIAL ID "
	    "[KEYNAME ALG HEXSECRET REQMAC NOW]\n"
	    "       xfr_cli -c ZONE CORPUSFILE\n"
	    "       xfr_cli -s ZONE ID\n");
	exit(2);
}

/* Read all of f into a new buffer. */
static uint8_t *
slurp(FILE *f, size_t *lenp)
{
	uint8_t	*buf;
	size_t	 n;

	if ((buf = malloc(INMAX)) == NULL)
		return NULL;
	n = fread(buf, 1, INMAX, f);
	if (ferror(f) || n == INMAX) {
		free(buf);
		return NULL;
	}
	*lenp = n;
	return buf;
}

/* Feed the framed messages of in[0, len); print the verdict. */
static int
feed(struct xfr *x, const uint8_t *in, size_t len, time_t now)
{
	size_t	mlen;
	int	rc = XFR_MORE;

	while (rc == XFR_MORE && len >= 2) {
		mlen = (size_t)in[0] << 8 | in[1];
		if (len - 2 < mlen)
			break;
		rc = xfr_feed(x, in + 2, mlen, now, &sink, NULL);
		in += 2 + mlen;
		len -= 2 + mlen;
	}
	if (rc == XFR_MORE)
		rc = xfr_eof(x);
	if (rc == XFR_DONE) {
		printf("done\n");
		return 0;
	}
	printf("error %d %s", (int)x->error, xfr_strerror(x->error));
	if (x->error == XFR_E_RCODE || x->error == XFR_E_ABORTED)
		printf(" rcode=%u", x->rcode);
	if (x->error == XFR_E_TSIG)
		printf(" tsig=%d", x->tsig_error);
	printf("\n");
	return 1;
}

/* Read one framed SOA answer on standard input. */
static int
soa(const char *zonetext, const char *idtext)
{
	struct xfr_soa	 s;
	enum xfr_error	 e;
	uint8_t		 zone[DNS_NAME_MAX], *in;
	size_t		 len;
	uint16_t	 rcode;

	if (name_from_text(zonetext, zone, NULL) == -1 ||
	    (in = slurp(stdin, &len)) == NULL || len < 2 ||
	    len - 2 != (size_t)(in[0] << 8 | in[1]))
		usage();
	e = xfr_soa_answer(in + 2, len - 2, zone,
	    (uint16_t)strtoul(idtext, NULL, 0), NULL, 0, &s, &rcode);
	free(in);
	if (e != XFR_E_NONE) {
		printf("error %d %s rcode=%u\n", (int)e, xfr_strerror(e),
		    rcode);
		return 1;
	}
	printf("soa %u %u %u %u %u %u\n", s.serial, s.refresh, s.retry,
	    s.expire, s.minimum, s.ttl);
	return 0;
}

int
main(int argc, char *argv[])
{
	static struct xfr	 x;
	struct tsig_key		 key;
	struct tsig_stream	 ts, *tsp = NULL;
	uint8_t			 zone[DNS_NAME_MAX], name[DNS_NAME_MAX];
	uint8_t			 secret[TSIG_SECRET_MAX];
	uint8_t			 mac[TSIG_MAC_MAX];
	uint8_t			*in;
	size_t			 len, slen, maclen;
	enum tsig_alg		 alg;
	uint16_t		 qtype;
	uint32_t		 serial;
	time_t			 now = 0;
	FILE			*f;
	int			 rc;

	if (argc == 4 && strcmp(argv[1], "-c") == 0) {
		if (name_from_text(argv[2], zone, NULL) == -1 ||
		    (f = fopen(argv[3], "rb")) == NULL ||
		    (in = slurp(f, &len)) == NULL || len < 5)
			usage();
		fclose(f);
		serial = (uint32_t)in[1] << 24 | (uint32_t)in[2] << 16 |
		    (uint32_t)in[3] << 8 | in[4];
		if (xfr_init(&x, zone, in[0] & 1 ? DNS_T_IXFR : DNS_T_AXFR,
		    serial, 0x4242, NULL, NULL) == -1)
			usage();
		rc = feed(&x, in + 5, len - 5, 0);
		free(in);
		return rc;
	}
	if (argc == 4 && strcmp(argv[1], "-s") == 0)
		return soa(argv[2], argv[3]);
	if (argc != 5 && argc != 10)
		usage();
	if (name_from_text(argv[1], zone, NULL) == -1)
		usage();
	if (strcmp(argv[2], "AXFR") == 0)
		qtype = DNS_T_AXFR;
	else if (strcmp(argv[2], "IXFR") == 0)
		qtype = DNS_T_IXFR;
	else
		usage();
	serial = (uint32_t)strtoul(argv[3], NULL, 10);
	if (argc == 10) {
		if (name_from_text(argv[5], name, NULL) == -1 ||
		    tsig_alg_from_text(argv[6], &alg) == -1 ||
		    unhex(argv[7], secret, sizeof(secret), &slen) == -1 ||
		    tsig_key_init(&key, name, alg, secret, slen, 0) == -1 ||
		    unhex(argv[8], mac, sizeof(mac), &maclen) == -1)
			usage();
		now = (time_t)strtoll(argv[9], NULL, 10);
		tsig_stream_init(&ts, &key, mac, maclen);
		tsp = &ts;
	}
	if (xfr_init(&x, zone, qtype, serial,
	    (uint16_t)strtoul(argv[4], NULL, 0), tsp, NULL) == -1)
		usage();
	if ((in = slurp(stdin, &len)) == NULL)
		usage();
	rc = feed(&x, in, len, now);
	free(in);
	if (tsp != NULL) {
		tsig_stream_wipe(&ts);
		tsig_key_wipe(&key);
	}
	return rc;
}
