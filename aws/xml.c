/*
 * xml.c: strict, bounded, non-allocating XML pull reader (see xml.h).
 *
 * Every loop advances pos by at least one byte or ends; every read is
 * checked against len.  Text is decoded in place: the write index w
 * never passes the read index pos.
 */
#include <stdint.h>
#include <string.h>

#include "aws/util.h"
#include "aws/xml.h"

enum {
	ST_PROLOG,	/* before the root element */
	ST_ROOT,	/* inside the root element */
	ST_EPILOG,	/* after the root element */
	ST_DONE		/* XML_EOF returned */
};

#define NO_LT	((size_t)-1)

static int
fail(struct xml *x, int err)
{
	if (x->err == XML_EOK) {
		x->err = err;
		x->errpos = x->pos;
	}
	return XML_ERROR;
}

/* Byte at pos + i, or -1 past the end. */
static int
at(const struct xml *x, size_t i)
{
	if (i >= x->len - x->pos)
		return -1;
	if (x->pos + i == x->ltpos)
		return '<';
	return (unsigned char)x->buf[x->pos + i];
}

static int
starts(const struct xml *x, const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (at(x, i) != (unsigned char)s[i])
			return 0;
	return 1;
}

static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
name_start(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    c == '_' || c == ':' || c >= 0x80;
}

static int
name_char(int c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' ||
	    c == '.';
}

static int
xml_char(uint32_t c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 &&
	    c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) ||
	    (c >= 0x10000 && c <= 0x10ffff);
}

/*
 * Length of the valid character at pos (1..4), or 0.  The '<' hidden
 * behind ltpos is never examined here.
 */
static size_t
char_len(const struct xml *x)
{
	uint32_t	cp;
	size_t		n;

	n = util_utf8_len((const unsigned char *)x->buf + x->pos,
	    x->len - x->pos, &cp);
	if (n == 0 || !xml_char(cp))
		return 0;
	return n;
}

static void
skip_ws(struct xml *x)
{
	while (is_ws(at(x, 0)))
		x->pos++;
}

/* A name at pos; sets *start and *n.  Returns 0 or XML_ERROR. */
static int
read_name(struct xml *x, size_t *start, size_t *n)
{
	size_t	l;

	if (!name_start(at(x, 0)))
		return fail(x, XML_ESYNTAX);
	*start = x->pos;
	while (name_char(at(x, 0))) {
		if (at(x, 0) >= 0x80) {
			if ((l = char_len(x)) == 0)
				return fail(x, XML_ECHAR);
		} else
			l = 1;
		x->pos += l;
		if (x->pos - *start > XML_MAX_NAME)
			return fail(x, XML_ENAME);
	}
	*n = x->pos - *start;
	return 0;
}

/*
 * An entity or character reference at pos ('&').  On success pos is
 * past the ';' and, if out is not NULL, the character is written there
 * (at most 4 bytes, never more than the reference's own length).
 */
static int
read_ref(struct xml *x, unsigned char *out, size_t *outlen)
{
	static const struct {
		const char	*name;
		char		 c;
	} ents[] = {
		{ "lt;", '<' }, { "gt;", '>' }, { "amp;", '&' },
		{ "apos;", '\'' }, { "quot;", '"' }
	};
	unsigned char	tmp[4];
	uint32_t	cp = 0;
	size_t		i, ndig = 0;
	int		c, hex;

	if (out == NULL)
		out = tmp;
	x->pos++;
	if (at(x, 0) != '#') {
		for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
			if (starts(x, ents[i].name)) {
				x->pos += strlen(ents[i].name);
				out[0] = (unsigned char)ents[i].c;
				*outlen = 1;
				return 0;
			}
		}
		return fail(x, XML_EENTITY);
	}
	x->pos++;
	hex = (at(x, 0) == 'x');
	if (hex)
		x->pos++;
	for (;;) {
		c = at(x, 0);
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (hex && c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (hex && c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			break;
		cp = cp * (hex ? 16 : 10) + (uint32_t)c;
		if (cp > 0x10ffff)
			return fail(x, XML_EENTITY);
		ndig++;
		x->pos++;
	}
	if (ndig == 0 || at(x, 0) != ';' || !xml_char(cp))
		return fail(x, XML_EENTITY);
	x->pos++;
	*outlen = util_utf8_put(out, cp);
	return 0;
}

/* Skip "<!--" ... "-->" at pos; "--" may not occur inside. */
static int
skip_comment(struct xml *x)
{
	size_t	l;

	x->pos += 4;
	for (;;) {
		if (at(x, 0) == -1)
			return fail(x, XML_ETRUNC);
		if (starts(x, "--")) {
			if (at(x, 2) != '>')
				return fail(x, XML_ESYNTAX);
			x->pos += 3;
			return 0;
		}
		if ((l = char_len(x)) == 0)
			return fail(x, XML_ECHAR);
		x->pos += l;
	}
}

/* Skip a processing instruction "<?target ...?>"; the target "xml" is
 * reserved for the declaration, which only the prolog code accepts. */
static int
skip_pi(struct xml *x, int decl)
{
	size_t	start, n, l;

	x->pos += 2;
	if (read_name(x, &start, &n) == XML_ERROR)
		return XML_ERROR;
	if (!decl && n == 3 && (x->buf[start] | 0x20) == 'x' &&
	    (x->buf[start + 1] | 0x20) == 'm' &&
	    (x->buf[start + 2] | 0x20) == 'l')
		return fail(x, XML_ESYNTAX);
	if (!is_ws(at(x, 0)) && !starts(x, "?>"))
		return fail(x, XML_ESYNTAX);
	for (;;) {
		if (at(x, 0) == -1)
			return fail(x, XML_ETRUNC);
		if (starts(x, "?>")) {
			x->pos += 2;
			return 0;
		}
		if ((l = char_len(x)) == 0)
			return fail(x, XML_ECHAR);
		x->pos += l;
	}
}

/*
 * Character data from pos up to the next tag (or the end), with
 * comments, PIs and CDATA sections folded in.  The decoded bytes go to
 * buf[start..w).  Outside the root only white space is allowed.
 */
static int
read_text(struct xml *x)
{
	size_t	start = x->pos, w = x->pos, l, i;
	int	c, inside = (x->state == ST_ROOT), nonws = 0;

	for (;;) {
		c = at(x, 0);
		if (c == -1) {
			if (inside)
				return fail(x, XML_ETRUNC);
			break;
		}
		if (c == '<') {
			if (at(x, 1) == '/' || name_start(at(x, 1)))
				break;
			if (starts(x, "<!--")) {
				if (skip_comment(x) == XML_ERROR)
					return XML_ERROR;
			} else if (starts(x, "<?")) {
				if (skip_pi(x, 0) == XML_ERROR)
					return XML_ERROR;
			} else if (starts(x, "<![CDATA[")) {
				if (!inside)
					return fail(x, XML_ESYNTAX);
				x->pos += 9;
				for (;;) {
					if (at(x, 0) == -1)
						return fail(x, XML_ETRUNC);
					if (starts(x, "]]>"))
						break;
					if (at(x, 0) == '\r') {
						x->buf[w++] = '\n';
						x->pos++;
						if (at(x, 0) == '\n')
							x->pos++;
						continue;
					}
					if ((l = char_len(x)) == 0)
						return fail(x, XML_ECHAR);
					memmove(x->buf + w, x->buf + x->pos,
					    l);
					w += l;
					x->pos += l;
				}
				x->pos += 3;
				nonws = 1;
			} else if (starts(x, "<!"))
				return fail(x, XML_EDTD);
			else
				return fail(x, XML_ESYNTAX);
		} else if (c == '&') {
			if (!inside)
				return fail(x, XML_ESYNTAX);
			if (read_ref(x, (unsigned char *)x->buf + w, &l) ==
			    XML_ERROR)
				return XML_ERROR;
			w += l;
			nonws = 1;
		} else if (c == '\r') {
			x->buf[w++] = '\n';
			x->pos++;
			if (at(x, 0) == '\n')
				x->pos++;
		} else {
			if (c == ']' && starts(x, "]]>"))
				return fail(x, XML_ESYNTAX);
			if ((l = char_len(x)) == 0)
				return fail(x, XML_ECHAR);
			if (!is_ws(c))
				nonws = 1;
			for (i = 0; i < l; i++)
				x->buf[w + i] = x->buf[x->pos + i];
			w += l;
			x->pos += l;
		}
		if (w - start > XML_MAX_TEXT)
			return fail(x, XML_ETEXT);
	}
	if (!inside) {
		if (nonws)
			return fail(x, x->state == ST_EPILOG ? XML_ETRAILING :
			    XML_ESYNTAX);
		x->textlen = 0;
		return 0;
	}
	/* Inside the root the run ends at a tag: buf[pos] is '<'. */
	if (w == x->pos)
		x->ltpos = x->pos;
	x->buf[w] = '\0';
	x->text = x->buf + start;
	x->textlen = w - start;
	return 0;
}

/* An attribute value in quotes: checked, not decoded. */
static int
skip_attr_value(struct xml *x)
{
	size_t	l;
	int	q, c;

	q = at(x, 0);
	if (q != '"' && q != '\'')
		return fail(x, XML_ESYNTAX);
	x->pos++;
	for (;;) {
		c = at(x, 0);
		if (c == -1)
			return fail(x, XML_ETRUNC);
		if (c == q) {
			x->pos++;
			return 0;
		}
		if (c == '<')
			return fail(x, XML_ESYNTAX);
		if (c == '&') {
			if (read_ref(x, NULL, &l) == XML_ERROR)
				return XML_ERROR;
			continue;
		}
		if ((l = char_len(x)) == 0)
			return fail(x, XML_ECHAR);
		x->pos += l;
	}
}

static int
start_tag(struct xml *x)
{
	size_t	start, n, as, an;
	int	nattr = 0, ws;

	if (x->state == ST_EPILOG)
		return fail(x, XML_ETRAILING);
	if (x->depth >= XML_MAX_DEPTH)
		return fail(x, XML_EDEPTH);
	x->pos++;
	if (read_name(x, &start, &n) == XML_ERROR)
		return XML_ERROR;
	for (;;) {
		ws = is_ws(at(x, 0));
		skip_ws(x);
		if (at(x, 0) == '>') {
			x->pos++;
			break;
		}
		if (starts(x, "/>")) {
			x->pos += 2;
			x->pending_end = 1;
			break;
		}
		if (at(x, 0) == -1)
			return fail(x, XML_ETRUNC);
		if (!ws)
			return fail(x, XML_ESYNTAX);
		if (++nattr > XML_MAX_ATTRS)
			return fail(x, XML_EATTRS);
		if (read_name(x, &as, &an) == XML_ERROR)
			return XML_ERROR;
		skip_ws(x);
		if (at(x, 0) != '=')
			return fail(x, at(x, 0) == -1 ? XML_ETRUNC :
			    XML_ESYNTAX);
		x->pos++;
		skip_ws(x);
		if (skip_attr_value(x) == XML_ERROR)
			return XML_ERROR;
	}
	x->stack[x->depth] = start;
	x->stacklen[x->depth] = n;
	x->depth++;
	x->state = ST_ROOT;
	x->name = x->buf + start;
	x->namelen = n;
	return XML_START;
}

static int
end_tag(struct xml *x)
{
	size_t	start, n;

	x->pos += 2;
	if (read_name(x, &start, &n) == XML_ERROR)
		return XML_ERROR;
	skip_ws(x);
	if (at(x, 0) != '>')
		return fail(x, at(x, 0) == -1 ? XML_ETRUNC : XML_ESYNTAX);
	x->pos++;
	if (x->depth == 0)
		return fail(x, x->state == ST_EPILOG ? XML_ETRAILING :
		    XML_ESYNTAX);
	if (x->stacklen[x->depth - 1] != n ||
	    memcmp(x->buf + x->stack[x->depth - 1], x->buf + start, n) != 0)
		return fail(x, XML_EMISMATCH);
	x->depth--;
	if (x->depth == 0)
		x->state = ST_EPILOG;
	x->name = x->buf + start;
	x->namelen = n;
	return XML_END;
}

void
xml_init(struct xml *x, char *buf, size_t len)
{
	memset(x, 0, sizeof(*x));
	x->buf = buf;
	x->len = buf != NULL ? len : 0;
	x->ltpos = NO_LT;
	x->state = ST_PROLOG;
	x->text = "";
	x->name = "";
}

static int
prolog(struct xml *x)
{
	if (starts(x, "\xef\xbb\xbf"))
		x->pos += 3;
	if (starts(x, "<?xml") && (is_ws(at(x, 5)) || at(x, 5) == '?'))
		return skip_pi(x, 1);
	return 0;
}

int
xml_next(struct xml *x)
{
	int	c;

	if (x->err != XML_EOK)
		return XML_ERROR;
	if (x->pending_end) {
		x->pending_end = 0;
		x->depth--;
		if (x->depth == 0)
			x->state = ST_EPILOG;
		return XML_END;
	}
	if (x->state == ST_DONE)
		return XML_EOF;
	if (x->pos == 0 && prolog(x) == XML_ERROR)
		return XML_ERROR;
	for (;;) {
		c = at(x, 0);
		if (c == -1) {
			if (x->state != ST_EPILOG)
				return fail(x, XML_ETRUNC);
			x->state = ST_DONE;
			return XML_EOF;
		}
		if (c == '<' && at(x, 1) == '/')
			return end_tag(x);
		if (c == '<' && name_start(at(x, 1)))
			return start_tag(x);
		if (read_text(x) == XML_ERROR)
			return XML_ERROR;
		if (x->state == ST_ROOT && x->textlen > 0)
			return XML_TEXT;
	}
}

int
xml_child(struct xml *x)
{
	for (;;) {
		switch (xml_next(x)) {
		case XML_START:
			return 1;
		case XML_END:
		case XML_EOF:
			return 0;
		case XML_TEXT:
			break;
		default:
			return -1;
		}
	}
}

int
xml_text(struct xml *x, const char **text, size_t *len)
{
	const char	*t = "";
	size_t		 n = 0;
	int		 tok;

	for (;;) {
		tok = xml_next(x);
		if (tok == XML_TEXT) {
			t = x->text;
			n = x->textlen;
		} else if (tok == XML_END) {
			break;
		} else if (tok == XML_START) {
			fail(x, XML_EUNEXPECTED);
			return -1;
		} else {
			if (tok == XML_EOF)
				fail(x, XML_ETRUNC);
			return -1;
		}
	}
	*text = t;
	if (len != NULL)
		*len = n;
	return 0;
}

int
xml_skip(struct xml *x)
{
	int	d = x->depth, tok;

	for (;;) {
		tok = xml_next(x);
		if (tok == XML_ERROR)
			return -1;
		if (tok == XML_EOF) {
			fail(x, XML_ETRUNC);
			return -1;
		}
		if (tok == XML_END && x->depth < d)
			return 0;
	}
}

/* The local part of the name[0..*n), its length in *n. */
static const char *
local_name(const char *name, size_t *n)
{
	const char	*colon;

	if ((colon = memchr(name, ':', *n)) != NULL) {
		*n -= (size_t)(colon + 1 - name);
		name = colon + 1;
	}
	return name;
}

int
xml_is(const struct xml *x, const char *local)
{
	const char	*n;
	size_t		 len = x->namelen;

	n = local_name(x->name, &len);
	return strlen(local) == len && memcmp(n, local, len) == 0;
}

int
xml_depth(const struct xml *x)
{
	return x->depth;
}

void
xml_path(const struct xml *x, char *buf, size_t cap)
{
	const char	*name;
	size_t		 len = 0, n;
	int		 i;

	if (cap == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < x->depth; i++) {
		n = x->stacklen[i];
		name = local_name(x->buf + x->stack[i], &n);
		if (cap - len <= n + (i > 0)) {
			/* It does not fit: what does, then "...". */
			if (cap < 4)
				return;
			if (i > 0 && len < cap - 4)
				buf[len++] = '/';
			if (len > cap - 4)
				len = cap - 4;
			if (n > cap - 4 - len)
				n = cap - 4 - len;
			memcpy(buf + len, name, n);
			memcpy(buf + len + n, "...", 4);
			return;
		}
		if (i > 0)
			buf[len++] = '/';
		memcpy(buf + len, name, n);
		len += n;
		buf[len] = '\0';
	}
}

int
xml_error(const struct xml *x, size_t *off)
{
	if (off != NULL)
		*off = x->errpos;
	return x->err;
}

const char *
xml_strerror(int err)
{
	static const char *const msgs[] = {
		"no error",
		"malformed markup",
		"document ends early",
		"invalid character",
		"bad entity or character reference",
		"declarations are not allowed",
		"elements nested too deeply",
		"name too long",
		"too many attributes",
		"text too long",
		"end tag does not match",
		"content after the root element",
		"unexpected element"
	};

	if (err < 0 || (size_t)err >= sizeof(msgs) / sizeof(msgs[0]))
		return "unknown error";
	return msgs[err];
}
