/*
 * t_http_resp.c: HTTP/1.1 response parser.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/resp.h"

#define MAX	(1024 * 1024)

/*
 * Feed in[0..n) to a fresh parser in pieces: the first piece is split
 * bytes long, the rest arrives one byte at a time if bytewise, else at
 * once.  The work buffer is exactly as large as what has arrived, so a
 * read past the end shows under ASan/valgrind.  If eof, the stream then
 * ends.  Returns the last result; *rp and *workp stay valid.
 */
static int
feed(const char *in, size_t n, size_t max, size_t split, int bytewise,
    int eof, struct http_resp *r, char **workp)
{
	char	*w = NULL, *nw;
	size_t	 len = 0, next;
	int	 rc = HTTP_RESP_NEED_MORE;

	http_resp_init(r, max);
	while (len < n) {
		next = len == 0 ? split : (bytewise ? len + 1 : n);
		if (next > n)
			next = n;
		if (next == len)
			next = len + 1;
		nw = malloc(next);
		cr_assert_not_null(nw);
		memcpy(nw, w == NULL ? "" : w, len);
		memcpy(nw + len, in + len, next - len);
		free(w);
		w = nw;
		len = next;
		rc = http_resp_parse(r, w, len);
		if (rc != HTTP_RESP_NEED_MORE)
			break;
	}
	if (rc == HTTP_RESP_NEED_MORE && eof)
		rc = http_resp_eof(r, w, len);
	*workp = w;
	return rc;
}

/* Check every split point and byte-at-a-time delivery agree. */
static void
expect_ok(const char *in, int eof, int status, const char *body,
    int keepalive, size_t used)
{
	struct http_resp	 r;
	char			*w;
	size_t			 n = strlen(in), split;
	int			 bytewise, rc;

	for (bytewise = 0; bytewise < 2; bytewise++)
		for (split = 1; split <= n; split++) {
			rc = feed(in, n, MAX, split, bytewise, eof, &r, &w);
			cr_assert_eq(rc, HTTP_RESP_DONE,
			    "split %zu/%d: rc %d (%s)", split, bytewise, rc,
			    r.err ? r.err : "");
			cr_assert_eq(r.status, status);
			cr_assert_eq(r.bodylen, strlen(body),
			    "split %zu: bodylen %zu", split, r.bodylen);
			cr_assert(memcmp(w + r.body, body, r.bodylen) == 0,
			    "split %zu: body differs", split);
			cr_assert_eq(r.keepalive, keepalive);
			cr_assert_eq(r.used, used, "split %zu: used %zu",
			    split, r.used);
			free(w);
		}
}

static const char *
expect_err(const char *in, int eof, size_t max)
{
	static char		 why[128];
	struct http_resp	 r;
	char			*w;
	size_t			 n = strlen(in), split;
	int			 bytewise, rc;

	why[0] = '\0';
	for (bytewise = 0; bytewise < 2; bytewise++)
		for (split = 1; split <= n; split++) {
			rc = feed(in, n, max, split, bytewise, eof, &r, &w);
			cr_assert_eq(rc, HTTP_RESP_ERROR, "split %zu: rc %d",
			    split, rc);
			cr_assert_not_null(r.err);
			cr_assert_eq(r.keepalive, 0);
			if (why[0] == '\0')
				snprintf(why, sizeof(why), "%s", r.err);
			else
				cr_assert_str_eq(why, r.err,
				    "split %zu changes the error", split);
			free(w);
		}
	return why;
}

Test(resp, content_length)
{
	const char *in = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
	    "Content-Length: 5\r\n\r\nhello";

	expect_ok(in, 0, 200, "hello", 1, strlen(in));
}

Test(resp, headers_and_reason)
{
	struct http_resp	 r;
	char			*w;
	const char		*v;
	size_t			 vl;
	const char *in = "HTTP/1.1 404 Not  Found\r\nX-Amzn-RequestId:  "
	    "abc-123 \t\r\nContent-Length: 0\r\nx-empty:\r\n\r\n";

	cr_assert_eq(feed(in, strlen(in), MAX, 1, 0, 0, &r, &w),
	    HTTP_RESP_DONE);
	cr_assert_eq(r.status, 404);
	v = http_resp_reason(&r, &vl);
	cr_assert_eq(vl, 10);
	cr_assert(memcmp(v, "Not  Found", 10) == 0);
	v = http_resp_header(&r, "x-amzn-requestid", &vl);
	cr_assert_not_null(v);
	cr_assert_eq(vl, 7);
	cr_assert(memcmp(v, "abc-123", 7) == 0);
	v = http_resp_header(&r, "X-EMPTY", &vl);
	cr_assert_not_null(v);
	cr_assert_eq(vl, 0);
	cr_assert_null(http_resp_header(&r, "X-Absent", &vl));
	cr_assert_eq(r.nhdrs, 3);
	cr_assert_eq(r.bodylen, 0);
	free(w);
}

Test(resp, chunked)
{
	const char *in = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n5\r\nhello\r\n1;name=value;x=\"q\"\r\n,\r\n"
	    "000A  \r\n0123456789\r\n0\r\nX-Trailer: t\r\nY: u\r\n\r\n";

	expect_ok(in, 0, 200, "hello,0123456789", 1, strlen(in));
}

Test(resp, chunked_empty_body_and_lf_only)
{
	const char *in = "HTTP/1.1 200 OK\nTransfer-Encoding: Chunked\n\n"
	    "0\n\n";

	expect_ok(in, 0, 200, "", 1, strlen(in));
}

Test(resp, chunked_large_hex_with_leading_zeros)
{
	char	in[512], body[300];
	size_t	i;

	for (i = 0; i < 255; i++)
		body[i] = (char)('a' + i % 26);
	body[255] = '\0';
	snprintf(in, sizeof(in), "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n0000000000000000000000ff\r\n%s\r\n0\r\n\r\n",
	    body);
	expect_ok(in, 0, 200, body, 1, strlen(in));
}

Test(resp, http10_until_close)
{
	const char *in = "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nall of it";

	expect_ok(in, 1, 200, "all of it", 0, strlen(in));
}

Test(resp, http11_without_length_until_close)
{
	const char *in = "HTTP/1.1 500 Oops\r\n\r\nbody";

	expect_ok(in, 1, 500, "body", 0, strlen(in));
}

Test(resp, http10_keepalive)
{
	const char *in = "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n"
	    "Content-Length: 2\r\n\r\nok";

	expect_ok(in, 0, 200, "ok", 1, strlen(in));
}

Test(resp, connection_close)
{
	const char *in = "HTTP/1.1 200 OK\r\nConnection: foo, close\r\n"
	    "Content-Length: 2\r\n\r\nok";

	expect_ok(in, 0, 200, "ok", 0, strlen(in));
}

Test(resp, no_body_statuses)
{
	const char *a = "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n";
	const char *b = "HTTP/1.1 304 Not Modified\r\n\r\n";

	expect_ok(a, 0, 204, "", 1, strlen(a));
	expect_ok(b, 0, 304, "", 1, strlen(b));
}

Test(resp, interim_100_skipped)
{
	const char *in = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"
	    "Content-Length: 3\r\n\r\nnew";

	expect_ok(in, 0, 201, "new", 1, strlen(in));
}

Test(resp, garbage_after_body_is_not_consumed)
{
	struct http_resp	 r;
	char			*w;
	const char *in = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokJUNK";
	const char *ch = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "2\r\nok\r\n0\r\n\r\nHTTP/1.1 200";

	cr_assert_eq(feed(in, strlen(in), MAX, strlen(in), 0, 0, &r, &w),
	    HTTP_RESP_DONE);
	cr_assert_eq(r.used, strlen(in) - 4);
	cr_assert_eq(r.bodylen, 2);
	free(w);
	cr_assert_eq(feed(ch, strlen(ch), MAX, strlen(ch), 0, 0, &r, &w),
	    HTTP_RESP_DONE);
	cr_assert_eq(r.used, strlen(ch) - strlen("HTTP/1.1 200"));
	cr_assert(memcmp(w + r.body, "ok", 2) == 0);
	free(w);
}

Test(resp, bad_status_lines)
{
	static const char *bad[] = {
		"HTTP/2 200 OK\r\n\r\n",
		"HTTP/1.1 20 OK\r\n\r\n",
		"HTTP/1.1 2000 OK\r\n\r\n",
		"HTTP/1.1 099 Low\r\n\r\n",
		"HTTP/1.1 600 High\r\n\r\n",
		"HTTP/1.1  200 OK\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\n\r\n",
		"http/1.1 200 OK\r\n\r\n",
		"HTTP/1.1 200 O\001K\r\n\r\n",
		"SSH-2.0-OpenSSH_9.2\r\n",
		"\r\nHTTP/1.1 200 OK\r\n\r\n",
	};
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_str_eq(expect_err(bad[i], 1, MAX),
		    "malformed status line", "case %zu", i);
}

Test(resp, bad_header_fields)
{
	cr_assert_str_eq(expect_err("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n"
	    "\r\n", 0, MAX), "malformed header field");
	cr_assert_str_eq(expect_err("HTTP/1.1 200 OK\r\nA : b\r\n\r\n",
	    0, MAX), "malformed header field");
	cr_assert_str_eq(expect_err("HTTP/1.1 200 OK\r\nNo colon\r\n\r\n",
	    0, MAX), "malformed header field");
	cr_assert_str_eq(expect_err("HTTP/1.1 200 OK\r\n: v\r\n\r\n",
	    0, MAX), "malformed header field");
	cr_assert_str_eq(expect_err("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n",
	    0, MAX), "malformed header field");
}

Test(resp, too_many_headers)
{
	char	in[4096];
	size_t	i, n;

	n = (size_t)snprintf(in, sizeof(in), "HTTP/1.1 200 OK\r\n");
	for (i = 0; i <= HTTP_RESP_MAXHDRS; i++)
		n += (size_t)snprintf(in + n, sizeof(in) - n, "H%zu: v\r\n",
		    i);
	snprintf(in + n, sizeof(in) - n, "\r\n");
	cr_assert_str_eq(expect_err(in, 0, MAX), "too many header fields");
}

Test(resp, huge_head)
{
	struct http_resp	 r;
	char			*in, *w;
	size_t			 n = HTTP_RESP_MAXHEAD + 100;

	in = malloc(n + 1);
	cr_assert_not_null(in);
	memset(in, 'a', n);
	memcpy(in, "HTTP/1.1 200 OK\r\nX: ", 20);
	in[n] = '\0';
	/* Byte-at-a-time over 16 KiB is slow with fresh buffers: split. */
	cr_assert_eq(feed(in, n, MAX, 100, 0, 0, &r, &w), HTTP_RESP_ERROR);
	cr_assert_str_eq(r.err, "response head too large");
	free(w);
	cr_assert_eq(feed(in, n, MAX, n, 0, 0, &r, &w), HTTP_RESP_ERROR);
	cr_assert_str_eq(r.err, "response head too large");
	free(w);
	free(in);
}

Test(resp, bad_content_length)
{
	static const char *bad[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n",
		("HTTP/1.1 200 OK\r\nContent-Length: "
		    "99999999999999999999999\r\n\r\n"),
	};
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_str_eq(expect_err(bad[i], 1, MAX),
		    "bad Content-Length", "case %zu", i);
	cr_assert_str_eq(expect_err("HTTP/1.1 200 OK\r\nContent-Length: "
	    "18446744073709551615\r\n\r\n", 1, MAX), "bad Content-Length");
	cr_assert_str_eq(expect_err("HTTP/1.1 200 OK\r\nContent-Length: "
	    "9999999999999999999\r\n\r\n", 1, MAX), "response too large");
	cr_assert_str_eq(expect_err("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
	    "Content-Length: 3\r\n\r\nabc", 1, MAX),
	    "conflicting Content-Length fields");
	expect_ok("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
	    "Content-Length: 2\r\n\r\nab", 0, 200, "ab", 1, 59);
}

Test(resp, both_length_and_chunked)
{
	cr_assert_str_eq(expect_err("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 1, MAX),
	    "both Content-Length and Transfer-Encoding");
}

Test(resp, other_codings)
{
	cr_assert_str_eq(expect_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: "
	    "gzip, chunked\r\n\r\n0\r\n\r\n", 1, MAX),
	    "unsupported Transfer-Encoding");
	cr_assert_str_eq(expect_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: "
	    "chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 1, MAX),
	    "unsupported Transfer-Encoding");
	cr_assert_str_eq(expect_err("HTTP/1.1 101 Switching\r\n\r\n", 1, MAX),
	    "unexpected 101 response");
}

Test(resp, bad_chunks)
{
	const char *h = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
	char	in[8192];

	snprintf(in, sizeof(in), "%sffffffffffffffffff1\r\n", h);
	cr_assert_str_eq(expect_err(in, 1, MAX), "chunk too large");
	snprintf(in, sizeof(in), "%s100001\r\n", h);	/* > 1 MiB */
	cr_assert_str_eq(expect_err(in, 1, MAX), "chunk too large");
	snprintf(in, sizeof(in), "%sxyz\r\n", h);
	cr_assert_str_eq(expect_err(in, 1, MAX), "malformed chunk size");
	snprintf(in, sizeof(in), "%s-5\r\nhello\r\n0\r\n\r\n", h);
	cr_assert_str_eq(expect_err(in, 1, MAX), "malformed chunk size");
	snprintf(in, sizeof(in), "%s5 x\r\nhello\r\n0\r\n\r\n", h);
	cr_assert_str_eq(expect_err(in, 1, MAX), "malformed chunk size");
	snprintf(in, sizeof(in), "%s5;a\001\r\nhello\r\n0\r\n\r\n", h);
	cr_assert_str_eq(expect_err(in, 1, MAX),
	    "malformed chunk extension");
	snprintf(in, sizeof(in), "%s5\r\nhelloX\r\n0\r\n\r\n", h);
	cr_assert_str_eq(expect_err(in, 1, MAX),
	    "missing CRLF after chunk data");
	snprintf(in, sizeof(in), "%s5\r\nhello\rX0\r\n\r\n", h);
	cr_assert_str_eq(expect_err(in, 1, MAX),
	    "missing CRLF after chunk data");
	snprintf(in, sizeof(in), "%s5\r\nhello\r\n0\r\n", h);
	cr_assert_str_eq(expect_err(in, 1, MAX),
	    "connection closed before the end of the response");
}

Test(resp, chunk_line_too_long)
{
	struct http_resp	 r;
	char			*in, *w;
	size_t			 hl, n;
	const char *h = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

	hl = strlen(h);
	n = hl + HTTP_RESP_MAXLINE + 10;
	in = malloc(n);
	cr_assert_not_null(in);
	memcpy(in, h, hl);
	memset(in + hl, ' ', n - hl);
	memcpy(in + hl, "5;", 2);
	cr_assert_eq(feed(in, n, MAX, hl + 1, 0, 0, &r, &w), HTTP_RESP_ERROR);
	cr_assert_str_eq(r.err, "chunked framing line too long");
	free(w);
	free(in);
}

Test(resp, size_cap)
{
	char	*in, *p;
	size_t	 max = 20000, i;
	const char *body;

	/* Content-Length beyond the cap fails at once, before the body. */
	cr_assert_str_eq(expect_err("HTTP/1.1 200 OK\r\nContent-Length: "
	    "20000\r\n\r\n", 0, max), "response too large");

	/* So does a close-delimited or chunked body that grows past it. */
	in = malloc(max * 2 + 1000);
	cr_assert_not_null(in);
	p = in + sprintf(in, "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n");
	for (i = 0; i < 50; i++)
		p += sprintf(p, "190\r\n%400d\r\n", 0);	/* 400 bytes */
	sprintf(p, "0\r\n\r\n");
	{
		struct http_resp	 r;
		char			*w;

		cr_assert_eq(feed(in, strlen(in), max, 1, 0, 0, &r, &w),
		    HTTP_RESP_ERROR);
		cr_assert_str_eq(r.err, "response too large");
		free(w);
		cr_assert_eq(feed(in, strlen(in), max * 2, 1, 0, 0, &r, &w),
		    HTTP_RESP_DONE);
		cr_assert_eq(r.bodylen, 50 * 400);
		free(w);

		p = in + sprintf(in, "HTTP/1.0 200 OK\r\n\r\n");
		memset(p, 'x', max);
		p[max] = '\0';
		cr_assert_eq(feed(in, strlen(in), max, 1, 0, 1, &r, &w),
		    HTTP_RESP_ERROR);
		cr_assert_str_eq(r.err, "response too large");
		free(w);
	}
	body = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
	expect_ok(body, 0, 200, "abc", 1, strlen(body));
	free(in);
}

Test(resp, eof_cases)
{
	cr_assert_str_eq(expect_err("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n"
	    "\r\nabc", 1, MAX),
	    "connection closed before the end of the response");
	cr_assert_str_eq(expect_err("HTTP/1.1 200 OK\r\nContent-Len", 1, MAX),
	    "connection closed before the end of the response");
	{
		struct http_resp	r;

		http_resp_init(&r, MAX);
		cr_assert_eq(http_resp_eof(&r, NULL, 0), HTTP_RESP_ERROR);
		cr_assert_str_eq(r.err,
		    "connection closed before any response");
	}
}

Test(resp, done_is_sticky)
{
	struct http_resp	 r;
	char			 buf[] = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
	    "\r\nxy";

	http_resp_init(&r, MAX);
	cr_assert_eq(http_resp_parse(&r, buf, strlen(buf)), HTTP_RESP_DONE);
	cr_assert_eq(r.used, strlen(buf) - 1);
	cr_assert_eq(http_resp_parse(&r, buf, strlen(buf)), HTTP_RESP_DONE);
	cr_assert_eq(http_resp_eof(&r, buf, strlen(buf)), HTTP_RESP_DONE);
}
