/*
 * tests/unit/tsig_cli.c: a line-oriented driver for dns/tsig.c, used by
 * tests/tsig_ref.py to check r53d's TSIG against dnspython.  Not part of
 * the daemon.  Messages travel as hex; one command per input line:
 *
 *	key NAME ALG HEXSECRET TRUNC	add a key (index = order of adding)
 *	verify NOW HEXMSG		verify a request as the server does,
 *					print "verify RCODE ERROR" and
 *					"response HEX" (the signed answer)
 *	sign NOW KEY HEXMSG		sign a request: "signed HEX MAC"
 *	xfrsign NOW KEY REQMAC PATTERN HEX...
 *					sign a multi-message answer; PATTERN
 *					has one S (signed) or U (unsigned) per
 *					message: "xfr HEX..." and "end RC"
 *	xfrverify NOW KEY REQMAC HEX...	verify a multi-message answer:
 *					"xfrverify RC RC... end RC ERROR"
 *
 * REQMAC "-" means none.  Errors print "error WHAT".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/tsig.h"
#include "dns/wire.h"

#define NKEYS	16
#define MSGMAX	65535
#define LINEMAX	(1024 * 1024)

static struct tsig_key	keys[NKEYS];
static int		nkeys;

static const struct tsig_key *
lookup(void *arg, const uint8_t *name, enum tsig_alg alg)
{
	int	i;

	(void)arg;
	for (i = 0; i < nkeys; i++)
		if (keys[i].alg == alg && name_equal(keys[i].name, name))
			return &keys[i];
	return NULL;
}

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

static void
puthex(const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
}

/* Offset of the last RR if it is a TSIG RR, else TSIG_NONE; -1 if bad. */
static long
find_tsig(const uint8_t *msg, size_t len)
{
	struct wire	w;
	unsigned	qd, rrs, i;
	size_t		off = TSIG_NONE;
	uint16_t	type, rdlen;

	wire_rinit(&w, msg, len);
	wire_skip(&w, 4);
	qd = wire_get16(&w);
	rrs = wire_get16(&w);
	rrs += wire_get16(&w);
	rrs += wire_get16(&w);
	for (i = 0; i < qd; i++) {
		wire_skipname(&w);
		wire_skip(&w, 4);
	}
	for (i = 0; i < rrs; i++) {
		off = wire_mark(&w);
		wire_skipname(&w);
		type = wire_get16(&w);
		wire_skip(&w, 6);
		rdlen = wire_get16(&w);
		wire_skip(&w, rdlen);
		if (type != TSIG_TYPE)
			off = TSIG_NONE;
	}
	if (!wire_ok(&w) || wire_left(&w) != 0)
		return -1;
	return (long)off;
}

/* A response to msg: header and question, QR set, the given RCODE. */
static size_t
make_response(const uint8_t *msg, size_t len, uint8_t *out, int rcode)
{
	struct wire	w;
	unsigned	qd, i;
	size_t		end;

	wire_rinit(&w, msg, len);
	wire_skip(&w, 4);
	qd = wire_get16(&w);
	wire_skip(&w, 6);
	for (i = 0; i < qd; i++) {
		wire_skipname(&w);
		wire_skip(&w, 4);
	}
	if (!wire_ok(&w))
		return 0;
	end = wire_mark(&w);
	memcpy(out, msg, end);
	out[2] |= 0x80;
	out[3] = (out[3] & 0xf0) | (rcode & 0x0f);
	memset(out + 6, 0, 6);
	return end;
}

static void
cmd_key(char **av, int ac)
{
	uint8_t		name[DNS_NAME_MAX], secret[TSIG_SECRET_MAX];
	size_t		slen;
	enum tsig_alg	alg;

	if (ac != 5 || nkeys == NKEYS || name_from_text(av[1], name, NULL) ||
	    tsig_alg_from_text(av[2], &alg) ||
	    unhex(av[3], secret, sizeof(secret), &slen) ||
	    tsig_key_init(&keys[nkeys], name, alg, secret, slen,
	    (size_t)atoi(av[4])) == -1) {
		printf("error key\n");
		return;
	}
	printf("key %d\n", nkeys++);
}

static void
cmd_verify(char **av, int ac)
{
	static uint8_t		msg[MSGMAX], resp[MSGMAX];
	struct tsig_result	res;
	size_t			len, rlen, outlen;
	long			off;
	time_t			now;

	if (ac != 3 || unhex(av[2], msg, sizeof(msg), &len) == -1 ||
	    (off = find_tsig(msg, len)) <= 0) {
		printf("error verify\n");
		return;
	}
	now = (time_t)strtoll(av[1], NULL, 10);
	tsig_verify(&res, msg, len, (size_t)off, lookup, NULL, now);
	printf("verify %d %d\n", res.rcode, res.error);
	if (res.rcode == TSIG_RCODE_FORMERR)
		return;
	if ((rlen = make_response(msg, len, resp, res.rcode)) == 0 ||
	    tsig_sign_response(&res, resp, rlen, sizeof(resp), &outlen,
	    now) == -1) {
		printf("error response\n");
		return;
	}
	printf("response ");
	puthex(resp, outlen);
	printf("\n");
}

static int
getkey(const char *s)
{
	int	k = atoi(s);

	return k >= 0 && k < nkeys ? k : -1;
}

static void
cmd_sign(char **av, int ac)
{
	static uint8_t	msg[MSGMAX];
	uint8_t		mac[TSIG_MAC_MAX];
	size_t		len, outlen, maclen;
	int		k;

	if (ac != 4 || (k = getkey(av[2])) == -1 ||
	    unhex(av[3], msg, sizeof(msg), &len) == -1 ||
	    tsig_sign_request(&keys[k], msg, len, sizeof(msg), &outlen,
	    (time_t)strtoll(av[1], NULL, 10), mac, &maclen) == -1) {
		printf("error sign\n");
		return;
	}
	printf("signed ");
	puthex(msg, outlen);
	printf(" ");
	puthex(mac, maclen);
	printf("\n");
}

static void
cmd_xfrsign(char **av, int ac)
{
	static uint8_t		msg[MSGMAX];
	struct tsig_stream	st;
	uint8_t			reqmac[TSIG_MAC_MAX];
	size_t			reqmaclen = 0, len, outlen;
	time_t			now;
	int			k, i, n;

	if (ac < 6 || (k = getkey(av[2])) == -1 ||
	    (strcmp(av[3], "-") != 0 &&
	    unhex(av[3], reqmac, sizeof(reqmac), &reqmaclen) == -1) ||
	    (n = (int)strlen(av[4])) != ac - 5) {
		printf("error xfrsign\n");
		return;
	}
	now = (time_t)strtoll(av[1], NULL, 10);
	tsig_stream_init(&st, &keys[k], reqmac, reqmaclen);
	printf("xfr");
	for (i = 0; i < n; i++) {
		if (unhex(av[5 + i], msg, sizeof(msg), &len) == -1 ||
		    tsig_stream_sign(&st, msg, len, sizeof(msg), &outlen,
		    av[4][i] == 'S', now) == -1) {
			printf(" -");
			continue;
		}
		printf(" ");
		puthex(msg, outlen);
	}
	printf("\nend %d\n", tsig_stream_end(&st));
	tsig_stream_wipe(&st);
}

static void
cmd_xfrverify(char **av, int ac)
{
	static uint8_t		msg[MSGMAX];
	struct tsig_stream	st;
	uint8_t			reqmac[TSIG_MAC_MAX];
	size_t			reqmaclen = 0, len;
	long			off;
	time_t			now;
	int			k, i, rc;

	if (ac < 5 || (k = getkey(av[2])) == -1 ||
	    (strcmp(av[3], "-") != 0 &&
	    unhex(av[3], reqmac, sizeof(reqmac), &reqmaclen) == -1)) {
		printf("error xfrverify\n");
		return;
	}
	now = (time_t)strtoll(av[1], NULL, 10);
	tsig_stream_init(&st, &keys[k], reqmac, reqmaclen);
	printf("xfrverify");
	for (i = 4; i < ac; i++) {
		if (unhex(av[i], msg, sizeof(msg), &len) == -1 ||
		    (off = find_tsig(msg, len)) < 0)
			rc = -2;
		else
			rc = tsig_stream_verify(&st, msg, len, (size_t)off,
			    now);
		printf(" %d", rc);
	}
	rc = tsig_stream_end(&st);
	printf(" end %d %d\n", rc, st.error);
	tsig_stream_wipe(&st);
}

int
main(void)
{
	static char	 line[LINEMAX];
	char		*av[512], *p;
	int		 ac;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		ac = 0;
		for (p = strtok(line, " \t\n"); p != NULL && ac < 512;
		    p = strtok(NULL, " \t\n"))
			av[ac++] = p;
		if (ac == 0)
			continue;
		if (strcmp(av[0], "key") == 0)
			cmd_key(av, ac);
		else if (strcmp(av[0], "verify") == 0)
			cmd_verify(av, ac);
		else if (strcmp(av[0], "sign") == 0)
			cmd_sign(av, ac);
		else if (strcmp(av[0], "xfrsign") == 0)
			cmd_xfrsign(av, ac);
		else if (strcmp(av[0], "xfrverify") == 0)
			cmd_xfrverify(av, ac);
		else
			printf("error command\n");
		fflush(stdout);
	}
	return 0;
}
