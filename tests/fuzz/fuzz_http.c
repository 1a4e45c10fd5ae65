/*
 * fuzz_http.c: libFuzzer harness for the HTTP response parser.
 *
 * The first input byte picks how the rest is cut into reads; each read is
 * handed over in a buffer exactly as large as what has arrived, so a read
 * past the end is caught by ASan.  Invariants checked after every call:
 * the parser never claims more bytes than it was given and the body lies
 * inside what it consumed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/resp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const struct http_resp *r, int rc, size_t len)
{
	size_t	vl;

	if (rc == HTTP_RESP_DONE) {
		if (r->used > len || r->body + r->bodylen > r->used)
			abort();
		if (r->status < 100 || r->status > 599)
			abort();
		(void)http_resp_header(r, "content-type", &vl);
		(void)http_resp_reason(r, &vl);
	} else if (rc == HTTP_RESP_ERROR) {
		if (r->err == NULL || r->keepalive)
			abort();
	} else if (rc != HTTP_RESP_NEED_MORE)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_resp	 r;
	char			*w = NULL, *nw;
	size_t			 step, len = 0, next;
	int			 rc = HTTP_RESP_NEED_MORE;

	if (size < 1)
		return 0;
	step = data[0] == 0 ? size : data[0];
	data++;
	size--;
	/* A small cap so the size limit is exercised too. */
	http_resp_init(&r, HTTP_RESP_MAXHEAD + (size_t)(size % 4096));
	while (len < size && rc == HTTP_RESP_NEED_MORE) {
		next = len + step > size ? size : len + step;
		if ((nw = malloc(next)) == NULL)
			abort();
		if (len > 0)
			memcpy(nw, w, len);
		memcpy(nw + len, data + len, next - len);
		free(w);
		w = nw;
		len = next;
		rc = http_resp_parse(&r, w, len);
		check(&r, rc, len);
	}
	if (rc == HTTP_RESP_NEED_MORE) {
		rc = http_resp_eof(&r, w, len);
		if (rc == HTTP_RESP_NEED_MORE)
			abort();
		check(&r, rc, len);
	}
	free(w);
	return 0;
}
