/*
 * resp.h: incremental HTTP/1.1 response parser (RFC 9112).
 *
 * The parser never owns memory and never blocks.  The caller keeps the
 * whole raw response in one buffer and calls http_resp_parse() each time
 * more bytes were appended:
 *
 *	http_resp_init(&r, max);
 *	for (;;) {
 *		append bytes to buf, len grows;
 *		switch (http_resp_parse(&r, buf, len)) {
 *		case HTTP_RESP_NEED_MORE: continue;
 *		case HTTP_RESP_DONE: use r; break;
 *		case HTTP_RESP_ERROR: r.err says why; break;
 *		}
 *	}
 *	on end of stream: http_resp_eof(&r, buf, len)
 *
 * Rules for the buffer: on every call buf holds the same logical stream;
 * it may have moved (realloc) and it may have grown, but bytes the caller
 * already passed are never changed by the caller.  The parser itself
 * rewrites the buffer in place: a chunked body is decoded into one
 * contiguous run (the chunk framing is squeezed out), so after DONE the
 * body is buf[r.body .. r.body + r.bodylen).  The parser never reads or
 * writes at or past buf[len].
 *
 * Header names and values are kept as offsets; http_resp_header() and
 * http_resp_reason() return pointers into the buffer passed to the last
 * parse call, valid while that buffer stays where it is.
 *
 * What is accepted: "HTTP/1.0" and "HTTP/1.1" status lines with a three
 * digit status 100-599; interim 1xx responses (except 101) are skipped;
 * bodies delimited by Content-Length, by "Transfer-Encoding: chunked"
 * (chunk extensions and trailers are read and ignored) or, without
 * either, by the end of the stream; no body for 1xx, 204 and 304.
 * Lines may end in CRLF or a bare LF.  Refused (HTTP_RESP_ERROR): a bad
 * status line, obs-fold, control characters in header fields, more than
 * HTTP_RESP_MAXHDRS header fields, a head larger than HTTP_RESP_MAXHEAD,
 * a malformed or conflicting Content-Length, Content-Length together with
 * Transfer-Encoding, any transfer coding other than chunked, a chunk size
 * that is not hex or overflows, a chunk-size line or trailer line longer
 * than HTTP_RESP_MAXLINE, and any response whose raw size reaches the
 * caller's cap without being complete.
 *
 * Bytes after a complete response are not looked at: r.used says where
 * the response ended, and the caller decides what trailing bytes mean.
 */
#ifndef R53D_HTTP_RESP_H
#define R53D_HTTP_RESP_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_RESP_MAXHDRS	64	/* header fields per response */
#define HTTP_RESP_MAXHEAD	16384	/* status line and header section */
#define HTTP_RESP_MAXLINE	4096	/* chunk-size line, trailer line */

#define HTTP_RESP_NEED_MORE	0
#define HTTP_RESP_DONE		1
#define HTTP_RESP_ERROR		(-1)

struct http_hdr {
	uint32_t	name;		/* offsets into the caller's buffer */
	uint32_t	namelen;
	uint32_t	value;		/* without surrounding whitespace */
	uint32_t	valuelen;
};

struct http_resp {
	/* Results: valid after DONE (status also once the head is read). */
	int		 status;	/* 100-599 */
	int		 minor;		/* 0 for HTTP/1.0, 1 for HTTP/1.1 */
	int		 keepalive;	/* the connection may carry another */
	size_t		 body;		/* offset of the (decoded) body */
	size_t		 bodylen;
	size_t		 used;		/* raw bytes this response took */
	const char	*err;		/* static reason after ERROR */
	size_t		 nhdrs;
	struct http_hdr	 hdrs[HTTP_RESP_MAXHDRS];

	/* Private. */
	const char	*base;		/* buffer of the last call */
	size_t		 max;		/* cap on raw bytes */
	size_t		 start;		/* start of the current head */
	size_t		 pos;		/* next raw byte to parse */
	uint64_t	 remain;	/* bytes left in body or chunk */
	uint32_t	 reason;
	uint32_t	 reasonlen;
	int		 state;
	int		 ntrailers;
};

/*
 * Prepare r for a new response.  max caps the raw size (head, framing and
 * body) of the response; it must be at least HTTP_RESP_MAXHEAD.
 */
void	 http_resp_init(struct http_resp *r, size_t max);

/*
 * Parse what is new in buf[0..len).  Returns HTTP_RESP_NEED_MORE,
 * HTTP_RESP_DONE or HTTP_RESP_ERROR (r->err says why).  After DONE or
 * ERROR further calls return the same result and change nothing.
 * NEED_MORE is never returned when len >= max: that is an error.
 */
int	 http_resp_parse(struct http_resp *r, char *buf, size_t len);

/*
 * The stream ended after buf[0..len).  Returns HTTP_RESP_DONE if the
 * response is complete (a body delimited by the end of the stream, or a
 * response that was already DONE), otherwise HTTP_RESP_ERROR.
 */
int	 http_resp_eof(struct http_resp *r, char *buf, size_t len);

/*
 * Value of the first header field called name (case-insensitive), its
 * length in *lenp; NULL if there is none.  Not NUL-terminated.
 */
const char *http_resp_header(const struct http_resp *r, const char *name,
	    size_t *lenp);

/* Reason phrase of the status line (may be empty), length in *lenp. */
const char *http_resp_reason(const struct http_resp *r, size_t *lenp);

#endif
