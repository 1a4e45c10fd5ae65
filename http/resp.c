/*
 * resp.c: incremental HTTP/1.1 response parser.  See resp.h.
 */
#include <stdint.h>
#include <string.h>

#include "http/resp.h"

enum {
	RS_HEAD,	/* [start, pos) are complete head lines, no blank one */
	RS_BODY_LEN,	/* Content-Length body; remain bytes still to come */
	RS_BODY_EOF,	/* body runs to the end of the stream */
	RS_CHUNK_SIZE,	/* pos is at the start of a chunk-size line */
	RS_CHUNK_DATA,	/* remain bytes of chunk data start at pos */
	RS_CHUNK_END,	/* pos is at the CRLF that ends chunk data */
	RS_TRAILER,	/* pos is at the start of a trailer line */
	RS_DONE,	/* complete: used, body, bodylen are final */
	RS_ERROR	/* err says why; nothing changes any more */
};

static int
fail(struct http_resp *r, const char *why)
{
	r->state = RS_ERROR;
	r->err = why;
	r->keepalive = 0;
	return HTTP_RESP_ERROR;
}

static int
lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Case-insensitive compare of p[0..len) with the NUL-terminated s. */
static int
eqi(const char *p, size_t len, const char *s)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (s[i] == '\0' ||
		    lower((unsigned char)p[i]) != lower((unsigned char)s[i]))
			return 0;
	return s[len] == '\0';
}

static int
istchar(int c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Field content: VCHAR, obs-text, SP and HTAB; no other controls. */
static int
isfieldc(int c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Find the line starting at from and ending with LF, looking at no more
 * than lim bytes.  Returns 1 and sets *endp to the line end (CR removed)
 * and *nextp past the LF; 0 if no LF yet.
 */
static int
getline_(const char *buf, size_t from, size_t len, size_t lim,
    size_t *endp, size_t *nextp)
{
	const char	*nl;
	size_t		 n;

	n = len - from;
	if (n > lim)
		n = lim;
	if (n == 0)
		return 0;
	if ((nl = memchr(buf + from, '\n', n)) == NULL)
		return 0;
	*nextp = (size_t)(nl - buf) + 1;
	*endp = (size_t)(nl - buf);
	if (*endp > from && buf[*endp - 1] == '\r')
		(*endp)--;
	return 1;
}

static int
parse_status(struct http_resp *r, const char *buf, size_t ls, size_t le)
{
	const char	*p = buf + ls;
	size_t		 n = le - ls, i;

	if (n < 12 || memcmp(p, "HTTP/1.", 7) != 0 ||
	    (p[7] != '0' && p[7] != '1') || p[8] != ' ')
		return -1;
	r->minor = p[7] - '0';
	r->status = 0;
	for (i = 9; i < 12; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		r->status = r->status * 10 + (p[i] - '0');
	}
	if (r->status < 100 || r->status > 599)
		return -1;
	r->reason = (uint32_t)(ls + n);
	r->reasonlen = 0;
	if (n == 12)
		return 0;
	if (p[12] != ' ')
		return -1;
	for (i = 13; i < n; i++)
		if (!isfieldc((unsigned char)p[i]))
			return -1;
	r->reason = (uint32_t)(ls + 13);
	r->reasonlen = (uint32_t)(n - 13);
	return 0;
}

static int
parse_field(struct http_resp *r, const char *buf, size_t ls, size_t le)
{
	struct http_hdr	*h;
	size_t		 i, colon, vs, ve;

	for (i = ls; i < le && buf[i] != ':'; i++)
		if (!istchar((unsigned char)buf[i]))
			return -1;	/* also refuses obs-fold */
	if (i == ls || i == le)
		return -1;
	if (r->nhdrs == HTTP_RESP_MAXHDRS)
		return -2;
	colon = i;
	vs = i + 1;
	while (vs < le && (buf[vs] == ' ' || buf[vs] == '\t'))
		vs++;
	ve = le;
	while (ve > vs && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t'))
		ve--;
	for (i = vs; i < ve; i++)
		if (!isfieldc((unsigned char)buf[i]))
			return -1;
	h = &r->hdrs[r->nhdrs++];
	h->name = (uint32_t)ls;
	h->namelen = (uint32_t)(colon - ls);
	h->value = (uint32_t)vs;
	h->valuelen = (uint32_t)(ve - vs);
	return 0;
}

/* Does the comma-separated token list p[0..n) contain tok? */
static int
hastoken(const char *p, size_t n, const char *tok)
{
	size_t	i = 0, s, e;

	while (i < n) {
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == ','))
			i++;
		s = i;
		while (i < n && p[i] != ',')
			i++;
		e = i;
		while (e > s && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		if (e > s && eqi(p + s, e - s, tok))
			return 1;
	}
	return 0;
}

/*
 * The head [start, end) is complete: parse it and choose how the body is
 * delimited.  Returns 0, or -1 after fail().
 */
static int
parse_head(struct http_resp *r, const char *buf, size_t end)
{
	struct http_hdr	*h;
	size_t		 ls, le, next, i;
	uint64_t	 cl = 0;
	int		 havecl = 0, chunked = 0, havete = 0, rc;

	r->nhdrs = 0;
	ls = r->start;
	(void)getline_(buf, ls, end, end - ls, &le, &next);
	if (parse_status(r, buf, ls, le) == -1) {
		fail(r, "malformed status line");
		return -1;
	}
	r->keepalive = r->minor >= 1;
	for (ls = next; ls < end; ls = next) {
		(void)getline_(buf, ls, end, end - ls, &le, &next);
		if (le == ls)
			break;		/* the blank line */
		if ((rc = parse_field(r, buf, ls, le)) == -2) {
			fail(r, "too many header fields");
			return -1;
		} else if (rc == -1) {
			fail(r, "malformed header field");
			return -1;
		}
	}
	for (i = 0; i < r->nhdrs; i++) {
		const char	*v;
		size_t		 vl, j;
		uint64_t	 x = 0;

		h = &r->hdrs[i];
		v = buf + h->value;
		vl = h->valuelen;
		if (eqi(buf + h->name, h->namelen, "content-length")) {
			if (vl == 0 || vl > 19) {
				fail(r, "bad Content-Length");
				return -1;
			}
			for (j = 0; j < vl; j++) {
				if (v[j] < '0' || v[j] > '9') {
					fail(r, "bad Content-Length");
					return -1;
				}
				x = x * 10 + (uint64_t)(v[j] - '0');
			}
			if (havecl && x != cl) {
				fail(r, "conflicting Content-Length fields");
				return -1;
			}
			havecl = 1;
			cl = x;
		} else if (eqi(buf + h->name, h->namelen,
		    "transfer-encoding")) {
			if (havete || !eqi(v, vl, "chunked")) {
				fail(r, "unsupported Transfer-Encoding");
				return -1;
			}
			havete = chunked = 1;
		} else if (eqi(buf + h->name, h->namelen, "connection")) {
			if (hastoken(v, vl, "close"))
				r->keepalive = 0;
			else if (r->minor == 0 && hastoken(v, vl, "keep-alive"))
				r->keepalive = 1;
		}
	}
	if (havecl && havete) {
		fail(r, "both Content-Length and Transfer-Encoding");
		return -1;
	}
	r->body = r->pos = end;
	r->bodylen = 0;
	if (r->status == 204 || r->status == 304) {
		r->state = RS_DONE;
		r->used = end;
	} else if (chunked) {
		r->state = RS_CHUNK_SIZE;
		if (r->minor == 0)
			r->keepalive = 0;
	} else if (havecl) {
		if (cl > r->max || end + cl > r->max) {
			fail(r, "response too large");
			return -1;
		}
		r->remain = cl;
		r->state = RS_BODY_LEN;
	} else {
		r->state = RS_BODY_EOF;
		r->keepalive = 0;
	}
	return 0;
}

/* Parse a chunk-size line [ls, le).  Returns 0 and sets *sizep, or -1. */
static int
parse_chunk_size(struct http_resp *r, const char *buf, size_t ls, size_t le,
    uint64_t *sizep)
{
	uint64_t	 x = 0;
	size_t		 i;
	int		 d;

	for (i = ls; i < le && (d = hexval((unsigned char)buf[i])) != -1;
	    i++) {
		x = x * 16 + (uint64_t)d;
		if (x > r->max)
			return fail(r, "chunk too large");
	}
	if (i == ls)
		return fail(r, "malformed chunk size");
	while (i < le && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	if (i < le && buf[i] != ';')
		return fail(r, "malformed chunk size");
	for (; i < le; i++)
		if (!isfieldc((unsigned char)buf[i]))
			return fail(r, "malformed chunk extension");
	*sizep = x;
	return 0;
}

void
http_resp_init(struct http_resp *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	if (max < HTTP_RESP_MAXHEAD)
		max = HTTP_RESP_MAXHEAD;
	if (max > UINT32_MAX)
		max = UINT32_MAX;
	r->max = max;
	r->state = RS_HEAD;
}

int
http_resp_parse(struct http_resp *r, char *buf, size_t len)
{
	size_t		 le, next, n;
	uint64_t	 sz;

	r->base = buf;
	if (r->state == RS_DONE)
		return HTTP_RESP_DONE;
	if (r->state == RS_ERROR)
		return HTTP_RESP_ERROR;
	if (len > r->max)
		len = r->max;	/* never look past the cap */

	for (;;) {
		switch (r->state) {
		case RS_HEAD:
			if (!getline_(buf, r->pos, len,
			    HTTP_RESP_MAXHEAD - (r->pos - r->start),
			    &le, &next)) {
				if (len - r->start >= HTTP_RESP_MAXHEAD)
					return fail(r,
					    "response head too large");
				goto more;
			}
			if (r->pos == r->start &&
			    parse_status(r, buf, r->pos, le) == -1)
				return fail(r, "malformed status line");
			if (le > r->pos || r->pos == r->start) {
				r->pos = next;	/* a status or field line */
				break;
			}
			if (parse_head(r, buf, next) == -1)
				return HTTP_RESP_ERROR;
			if (r->status >= 100 && r->status < 200) {
				if (r->status == 101)
					return fail(r,
					    "unexpected 101 response");
				r->start = r->pos = next;
				r->state = RS_HEAD;
			}
			break;
		case RS_BODY_LEN:
			n = len - r->pos;
			if (n > r->remain)
				n = (size_t)r->remain;
			r->pos += n;
			r->bodylen += n;
			r->remain -= n;
			if (r->remain > 0)
				goto more;
			r->used = r->pos;
			r->state = RS_DONE;
			break;
		case RS_BODY_EOF:
			r->pos = len;
			r->bodylen = len - r->body;
			goto more;
		case RS_CHUNK_SIZE:
		case RS_TRAILER:
			if (!getline_(buf, r->pos, len, HTTP_RESP_MAXLINE,
			    &le, &next)) {
				if (len - r->pos >= HTTP_RESP_MAXLINE)
					return fail(r, "chunked framing "
					    "line too long");
				goto more;
			}
			if (r->state == RS_TRAILER) {
				if (le == r->pos) {	/* blank: the end */
					r->pos = r->used = next;
					r->state = RS_DONE;
					break;
				}
				if (++r->ntrailers > HTTP_RESP_MAXHDRS)
					return fail(r, "too many trailer "
					    "fields");
				r->pos = next;
				break;
			}
			if (parse_chunk_size(r, buf, r->pos, le, &sz) == -1)
				return HTTP_RESP_ERROR;
			r->pos = next;
			if (sz == 0) {
				r->state = RS_TRAILER;
				break;
			}
			if (r->body + r->bodylen + sz > r->max)
				return fail(r, "response too large");
			r->remain = sz;
			r->state = RS_CHUNK_DATA;
			break;
		case RS_CHUNK_DATA:
			n = len - r->pos;
			if (n > r->remain)
				n = (size_t)r->remain;
			if (n > 0 && r->body + r->bodylen != r->pos)
				memmove(buf + r->body + r->bodylen,
				    buf + r->pos, n);
			r->bodylen += n;
			r->pos += n;
			r->remain -= n;
			if (r->remain > 0)
				goto more;
			r->state = RS_CHUNK_END;
			break;
		case RS_CHUNK_END:
			if (r->pos >= len)
				goto more;
			if (buf[r->pos] == '\r') {
				if (r->pos + 1 >= len)
					goto more;
				if (buf[r->pos + 1] != '\n')
					return fail(r, "missing CRLF after "
					    "chunk data");
				r->pos += 2;
			} else if (buf[r->pos] == '\n')
				r->pos++;
			else
				return fail(r, "missing CRLF after chunk data");
			r->state = RS_CHUNK_SIZE;
			break;
		case RS_DONE:
			return HTTP_RESP_DONE;
		default:
			return HTTP_RESP_ERROR;
		}
	}
more:
	if (len >= r->max)
		return fail(r, "response too large");
	return HTTP_RESP_NEED_MORE;
}

int
http_resp_eof(struct http_resp *r, char *buf, size_t len)
{
	int	rc;

	if ((rc = http_resp_parse(r, buf, len)) != HTTP_RESP_NEED_MORE)
		return rc;
	r->keepalive = 0;
	if (r->state == RS_BODY_EOF) {
		r->used = len;
		r->state = RS_DONE;
		return HTTP_RESP_DONE;
	}
	if (len == 0)
		return fail(r, "connection closed before any response");
	return fail(r, "connection closed before the end of the response");
}

const char *
http_resp_header(const struct http_resp *r, const char *name, size_t *lenp)
{
	size_t	i;

	for (i = 0; i < r->nhdrs; i++)
		if (eqi(r->base + r->hdrs[i].name, r->hdrs[i].namelen, name)) {
			*lenp = r->hdrs[i].valuelen;
			return r->base + r->hdrs[i].value;
		}
	return NULL;
}

const char *
http_resp_reason(const struct http_resp *r, size_t *lenp)
{
	*lenp = r->reasonlen;
	return r->base + r->reason;
}
