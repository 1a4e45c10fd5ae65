/*
 * fuzz_url.c: libFuzzer harness for the URL parser (http/url.c): the
 * endpoint, imds-endpoint and partition URLs of the configuration.
 *
 * The input, as a NUL-terminated string in a buffer of exactly its size,
 * is parsed.  Invariants: a failure says why; a success gives a host of
 * 1..HTTP_MAXHOST characters, a port, and a path that points into the
 * URL and is "" or starts with '/'; the Host header value of the
 * endpoint fits its documented size, and "scheme://" + it + path parses
 * back to the same endpoint and path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/url.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_endpoint	 ep, ep2;
	const char		*path, *path2, *err;
	char			*url, auth[HTTP_MAXHOST + 9], *again;
	size_t			 hl, al;
	int			 n;

	if ((url = malloc(size + 1)) == NULL)
		abort();
	memcpy(url, data, size);
	url[size] = '\0';
	err = NULL;
	if (http_url_parse(url, &ep, &path, &err) == -1) {
		if (err == NULL || *err == '\0')
			abort();
		free(url);
		return 0;
	}
	hl = strnlen(ep.host, sizeof(ep.host));
	if (hl == 0 || hl > HTTP_MAXHOST || ep.port == 0)
		abort();
	if (path < url || path > url + strlen(url) ||
	    (*path != '\0' && *path != '/'))
		abort();
	if ((n = http_url_authority(&ep, auth, sizeof(auth))) < 0 ||
	    (size_t)n != strlen(auth))
		abort();
	al = strlen(path) + (size_t)n + 16;
	if ((again = malloc(al)) == NULL)
		abort();
	snprintf(again, al, "%s://%s%s", ep.tls ? "https" : "http", auth,
	    path);
	if (http_url_parse(again, &ep2, &path2, &err) == -1 ||
	    ep2.tls != ep.tls || ep2.port != ep.port ||
	    strcmp(ep2.host, ep.host) != 0 || strcmp(path2, path) != 0)
		abort();
	free(again);
	free(url);
	return 0;
}
