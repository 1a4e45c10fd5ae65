/*
 * fuzz_tsig.c: libFuzzer harness for TSIG verification.
 *
 * Input: two octets of TSIG RR offset, then the message.  The message is
 * copied into a buffer exactly its size, so any read past it is caught
 * by ASan.  The request is verified with one known key ("key.", HMAC-
 * SHA256, and the same name with HMAC-MD5); a non-FORMERR result is
 * answered with tsig_sign_response() into a buffer of exactly the size
 * tsig_space() promised, and the message is also fed to a multi-message
 * verifier.  Invariants: a FORMERR result carries no key, space is
 * exact, and a signed answer verifies on the client side.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/tsig.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_NOW	((time_t)1700000000)

static struct tsig_key	keys[2];
static int		ready;

static const struct tsig_key *
lookup(void *arg, const uint8_t *name, enum tsig_alg alg)
{
	int	i;

	(void)arg;
	for (i = 0; i < 2; i++)
		if (keys[i].alg == alg && name_equal(keys[i].name, name))
			return &keys[i];
	return NULL;
}

static void
setup(void)
{
	static const uint8_t	name[] = "\003key";
	static const uint8_t	secret[] = "fuzzing secret";

	if (tsig_key_init(&keys[0], name, TSIG_HMAC_SHA256, secret,
	    sizeof(secret) - 1, 16) == -1 ||
	    tsig_key_init(&keys[1], name, TSIG_HMAC_MD5, secret,
	    sizeof(secret) - 1, 0) == -1)
		abort();
	ready = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsig_result	 res;
	struct tsig_stream	 st;
	uint8_t			*msg, *resp;
	size_t			 off, len, space, rlen, outlen;

	if (!ready)
		setup();
	if (size < 2)
		return 0;
	off = (size_t)data[0] << 8 | data[1];
	len = size - 2;
	if ((msg = malloc(len ? len : 1)) == NULL)
		return 0;
	memcpy(msg, data + 2, len);

	if (tsig_verify(&res, msg, len, off, lookup, NULL, FUZZ_NOW) == 0 &&
	    res.rcode != TSIG_RCODE_NOERROR)
		abort();
	if (res.rcode == TSIG_RCODE_FORMERR) {
		if (res.key != NULL || tsig_space(&res) != 0)
			abort();
	} else if (len >= 12) {
		/* Answer with the request's header, as a bare response. */
		space = tsig_space(&res);
		rlen = 12;
		if ((resp = malloc(rlen + space)) == NULL)
			abort();
		memcpy(resp, msg, rlen);
		memset(resp + 6, 0, 6);
		if (tsig_sign_response(&res, resp, rlen, rlen + space,
		    &outlen, FUZZ_NOW) == -1 || outlen != rlen + space)
			abort();
		if (res.rcode == TSIG_RCODE_NOERROR) {
			tsig_stream_init(&st, res.key, res.mac, res.maclen);
			if (tsig_stream_verify(&st, resp, outlen, rlen,
			    FUZZ_NOW) == -1 || tsig_stream_end(&st) == -1)
				abort();
			tsig_stream_wipe(&st);
		}
		free(resp);
	}

	tsig_stream_init(&st, &keys[0], NULL, 0);
	(void)tsig_stream_verify(&st, msg, len, off, FUZZ_NOW);
	(void)tsig_stream_verify(&st, msg, len, TSIG_NONE, FUZZ_NOW);
	(void)tsig_stream_end(&st);
	tsig_stream_wipe(&st);
	free(msg);
	return 0;
}
