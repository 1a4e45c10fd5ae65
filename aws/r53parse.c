/*
 * aws/r53parse.c: what the Route 53 response parsers (aws/r53resp.c,
 * aws/r53err.c) share, declared in aws/r53msg_impl.h: one parse with
 * the XML reader (begin, text, skip, finish), its failure message
 * (struct r53_why) with element paths and quoted values, descriptions
 * cut with "...", and r53_strerror() (aws/r53msg.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aws/r53msg.h"
#include "aws/r53msg_impl.h"
#include "aws/xml.h"

int
r53_rp_fail(struct rp *p, int status, const char *fmt, ...)
{
	va_list	ap;

	if (p->why != NULL && p->why->text[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(p->why->text, sizeof(p->why->text), fmt, ap);
		va_end(ap);
	}
	return status;
}

/* Append to a message already written (context added by a caller). */
void
r53_rp_fail_more(struct rp *p, const char *fmt, ...)
{
	va_list	ap;
	size_t	n;

	if (p->why == NULL || (n = strlen(p->why->text)) == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(p->why->text + n, sizeof(p->why->text) - n, fmt, ap);
	va_end(ap);
}

const char *
r53_rp_path(struct rp *p)
{
	xml_path(&p->x, p->path, sizeof(p->path));
	return p->path;
}

const char *
r53_rp_closed(struct rp *p)
{
	const char	*name = p->x.name, *colon;
	size_t		 n = p->x.namelen, len;

	if ((colon = memchr(name, ':', n)) != NULL) {
		n -= (size_t)(colon + 1 - name);
		name = colon + 1;
	}
	xml_path(&p->x, p->path, sizeof(p->path));
	len = strlen(p->path);
	if (len + n + 2 <= sizeof(p->path)) {
		if (len > 0)
			p->path[len++] = '/';
		memcpy(p->path + len, name, n);
		p->path[len + n] = '\0';
	}
	return p->path;
}

/* t in double quotes, cut, with \xHH for what is not printable ASCII. */
const char *
r53_rp_quote(struct rp *p, const char *t)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*u = (const unsigned char *)t;
	char			*o = p->quoted;
	size_t			 i;

	*o++ = '"';
	for (i = 0; u[i] != '\0' && i < QUOTE_MAX; i++) {
		if (u[i] < 0x20 || u[i] >= 0x7f) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[u[i] >> 4];
			*o++ = hex[u[i] & 15];
			continue;
		}
		if (u[i] == '"' || u[i] == '\\')
			*o++ = '\\';
		*o++ = (char)u[i];
	}
	*o++ = '"';
	if (u[i] != '\0') {
		memcpy(o, "...", 3);
		o += 3;
	}
	*o = '\0';
	return p->quoted;
}

/* The reader's error as a status and a message. */
int
r53_rp_xerr(struct rp *p)
{
	size_t	off;
	int	e;

	e = xml_error(&p->x, &off);
	if (e == XML_EUNEXPECTED)
		return r53_rp_fail(p, R53_ESHAPE, "%s: an element where text "
		    "belongs", r53_rp_path(p));
	r53_rp_path(p);
	return r53_rp_fail(p, R53_EXML, "%s at byte %zu%s%s", xml_strerror(e),
	    off, p->path[0] != '\0' ? " in " : "", p->path);
}

/* Start reading; the root element must be root (any if NULL). */
int
r53_rp_begin(struct rp *p, char *body, size_t len, const char *root,
    struct r53_why *why)
{
	p->why = why;
	if (why != NULL)
		why->text[0] = '\0';
	if (body == NULL)
		return r53_rp_fail(p, R53_EXML, "no document");
	xml_init(&p->x, body, len);
	if (xml_child(&p->x) != 1)
		return r53_rp_xerr(p);
	if (root != NULL && !xml_is(&p->x, root))
		return r53_rp_fail(p, R53_ESHAPE, "root element is %s, not %s",
		    r53_rp_path(p), root);
	return R53_OK;
}

/* After the loop over the root's children: r is xml_child()'s result. */
int
r53_rp_finish(struct rp *p, int r)
{
	if (r != 0 || xml_next(&p->x) != XML_EOF)
		return r53_rp_xerr(p);
	return R53_OK;
}

/* Text of the current element; *t points into the body. */
int
r53_rp_text(struct rp *p, const char **t)
{
	return xml_text(&p->x, t, NULL) == 0 ? R53_OK : r53_rp_xerr(p);
}

void
r53_desc_put(struct desc *d, const char *s, size_t n)
{
	size_t	keep;

	if (d->cut)
		return;
	if (n < d->cap - d->len) {
		memcpy(d->buf + d->len, s, n);
		d->len += n;
		d->buf[d->len] = '\0';
		return;
	}
	/* Keep what fits before "...", cut at a character boundary. */
	keep = d->cap - d->len > 4 ? d->cap - d->len - 4 : 0;
	while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--;
	memcpy(d->buf + d->len, s, keep);
	d->len += keep;
	if (d->len > d->cap - 4)
		d->len = d->cap - 4;
	memcpy(d->buf + d->len, "...", 4);
	d->len += 3;
	d->cut = 1;
}

/* Skip the element at its START. */
int
r53_rp_skip(struct rp *p)
{
	return xml_skip(&p->x) == 0 ? R53_OK : r53_rp_xerr(p);
}

const char *
r53_strerror(int status)
{
	switch (status) {
	case R53_OK:
		return "no error";
	case R53_EXML:
		return "malformed XML";
	case R53_ESHAPE:
		return "unexpected response document";
	case R53_ELIMIT:
		return "field longer than Route 53 allows";
	case R53_EABORT:
		return "stopped by the caller";
	default:
		return "unknown error";
	}
}
