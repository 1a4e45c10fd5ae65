/*
 * fuzz_creds.c: libFuzzer harness for the credential parsers: the IMDS
 * and container JSON document (from the network), the credential_process
 * output, an STS answer, and the shared files (keys and profile keys).
 *
 * Each input is copied into a buffer exactly its size, so a read past
 * the end is caught by ASan.  Invariants: a successful parse yields
 * NUL-terminated, non-empty keys without control characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/creds.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const struct creds_keys *k)
{
	const char	*f[3];
	size_t		 i, j, n;

	f[0] = k->akid;
	f[1] = k->secret;
	f[2] = k->token;
	if (memchr(k->akid, '\0', sizeof(k->akid)) == NULL ||
	    memchr(k->secret, '\0', sizeof(k->secret)) == NULL ||
	    memchr(k->token, '\0', sizeof(k->token)) == NULL)
		abort();
	if (k->akid[0] == '\0' || k->secret[0] == '\0')
		abort();
	for (i = 0; i < 3; i++) {
		n = strlen(f[i]);
		for (j = 0; j < n; j++)
			if ((unsigned char)f[i][j] < 0x20)
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct creds_keys	 k;
	const char			*why;
	char				*buf;
	int				 line;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	if (creds_parse_imds(buf, size, &k, &why) == 0)
		check(&k);
	else if (why == NULL)
		abort();
	if (creds_parse_ini(buf, size, "default", &k, &line) == 0)
		check(&k);
	if (creds_parse_process(buf, size, &k, &why) == 0)
		check(&k);
	else if (why == NULL)
		abort();
	{
		char	v[64], code[64], msg[128];

		if (creds_ini_get(buf, size, "profile default", "role_arn", v,
		    sizeof(v), &line) == 0 && (v[0] == '\0' ||
		    memchr(v, '\0', sizeof(v)) == NULL))
			abort();
		/* Last: the XML reader rewrites buf in place. */
		if (creds_parse_sts(buf, size, &k, code, sizeof(code), msg,
		    sizeof(msg), &why) == 0)
			check(&k);
		else if (memchr(code, '\0', sizeof(code)) == NULL)
			abort();
	}
	free(buf);
	return 0;
}
