/*
 * fuzz_creds.c: libFuzzer harness for the credential parsers: the IMDS
 * JSON document (from the network) and the shared credentials file.
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
	free(buf);
	return 0;
}
