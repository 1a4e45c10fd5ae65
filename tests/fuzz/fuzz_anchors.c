/*
 * fuzz_anchors.c: libFuzzer harness for the trust anchor reader
 * (http_tls_anchors_load(), http/tls.c), which reads a PEM bundle: the
 * input is the file's contents, written to a temporary file unlinked at
 * once and read through /proc/self/fd (libFuzzer may end without exit
 * handlers).
 *
 * Invariants: a refused file leaves the anchors loaded before as they
 * were (one placeholder here), with nothing half-loaded; a loaded one
 * replaces them with as many anchors as the count returned, between 1
 * and HTTP_TLS_MAXANCHORS, each with its DN and an RSA or EC key whose
 * parts are all there; nothing leaks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/tls.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	path[64];
static int	fd = -1;

static void
placeholder(struct http_tls_anchors *ta)
{
	if ((ta->ta = calloc(1, sizeof(*ta->ta))) == NULL)
		abort();
	ta->n = 1;
}

static void
check(const br_x509_trust_anchor *a)
{
	if (a->dn.data == NULL)
		abort();
	switch (a->pkey.key_type) {
	case BR_KEYTYPE_RSA:
		if (a->pkey.key.rsa.n == NULL || a->pkey.key.rsa.e == NULL ||
		    a->pkey.key.rsa.nlen == 0 || a->pkey.key.rsa.elen == 0)
			abort();
		break;
	case BR_KEYTYPE_EC:
		if (a->pkey.key.ec.q == NULL || a->pkey.key.ec.qlen == 0)
			abort();
		break;
	default:
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_tls_anchors	 ta;
	br_x509_trust_anchor	*before;
	size_t			 i;
	int			 n;

	if (fd == -1) {
		char	tmp[] = "/tmp/fuzz_anchors.XXXXXX";

		if ((fd = mkstemp(tmp)) == -1 || unlink(tmp) == -1)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	placeholder(&ta);
	before = ta.ta;
	n = http_tls_anchors_load(&ta, path);
	if (n == -1) {
		if (ta.ta != before || ta.n != 1 ||
		    memcmp(before, &(br_x509_trust_anchor){ 0 },
		    sizeof(*before)) != 0)
			abort();
	} else {
		if (n < 1 || n > HTTP_TLS_MAXANCHORS || (size_t)n != ta.n ||
		    ta.ta == NULL)
			abort();
		for (i = 0; i < ta.n; i++)
			check(&ta.ta[i]);
	}
	http_tls_anchors_free(&ta);
	if (ta.ta != NULL || ta.n != 0)
		abort();
	return 0;
}
