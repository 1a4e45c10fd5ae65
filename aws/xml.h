/*
 * xml.h: a small, strict, bounded XML pull reader for Route 53 responses.
 *
 * The reader walks one complete document held in a caller buffer and
 * returns one token per call: the start or end of an element, a run of
 * character data, end of document, or an error.  It never allocates and
 * never reads outside [buf, buf + len).
 *
 * In-place decoding.  Character data is decoded (entities, character
 * references, CDATA, CR LF -> LF) inside the caller's buffer, which must
 * therefore be writable; the decoded form is never longer than its
 * source.  Each text token is NUL-terminated in the buffer.  Every
 * pointer the reader returns (names and texts) points into buf and stays
 * valid, unchanged, until the caller reuses buf, so a caller may keep
 * several texts (all Values of a record set) at once.  Names are NOT
 * NUL-terminated: use their length or xml_is().
 *
 * Accepted: an optional UTF-8 byte order mark; the XML declaration, only
 * at the start; comments and processing instructions outside and inside
 * the root element; one root element; elements with attributes
 * (attributes are checked and skipped); character data with the five
 * predefined entities (&lt; &gt; &amp; &apos; &quot;) and numeric
 * references (&#NN; &#xHH;, written out as UTF-8); CDATA sections.
 * Namespace prefixes are kept in names; xml_is() compares the local part.
 *
 * Rejected (the error is sticky: every later call returns XML_ERROR):
 * DOCTYPE and any other "<!" declaration, so there is no entity
 * expansion at all; unknown or malformed entities; NUL and other control
 * bytes, malformed UTF-8 and non-characters; nesting deeper than
 * XML_MAX_DEPTH; names longer than XML_MAX_NAME; more than XML_MAX_ATTRS
 * attributes on an element; a text token longer than XML_MAX_TEXT bytes;
 * mismatched end tags; a second root element or other content after the
 * root; a document that ends early or has no root.
 *
 * Call order: xml_init(), then xml_next() (or the helpers below) until
 * XML_EOF or XML_ERROR.  The struct is the whole state; copying it is not
 * supported (it refers to buf).
 */
#ifndef R53D_AWS_XML_H
#define R53D_AWS_XML_H

#include <stddef.h>

#define XML_MAX_DEPTH	32
#define XML_MAX_NAME	128
#define XML_MAX_ATTRS	16
#define XML_MAX_TEXT	(256 * 1024)

enum xml_tok {
	XML_ERROR = -1,
	XML_EOF = 0,	/* the root element is closed and nothing follows */
	XML_START,	/* name/namelen set; depth() counts this element */
	XML_END,	/* name/namelen set; depth() no longer counts it */
	XML_TEXT	/* text/textlen set; only inside the root element */
};

enum xml_err {
	XML_EOK = 0,
	XML_ESYNTAX,	/* malformed markup */
	XML_ETRUNC,	/* document ends early, or has no root element */
	XML_ECHAR,	/* NUL, control byte, bad UTF-8 or non-character */
	XML_EENTITY,	/* unknown or malformed entity or reference */
	XML_EDTD,	/* DOCTYPE, ENTITY or another declaration */
	XML_EDEPTH,	/* nesting deeper than XML_MAX_DEPTH */
	XML_ENAME,	/* name longer than XML_MAX_NAME */
	XML_EATTRS,	/* more than XML_MAX_ATTRS attributes */
	XML_ETEXT,	/* text token longer than XML_MAX_TEXT */
	XML_EMISMATCH,	/* end tag does not match the open element */
	XML_ETRAILING,	/* content after the root element */
	XML_EUNEXPECTED	/* a helper found an element where text belongs */
};

struct xml {
	/* Read-only for the caller: the current token. */
	const char	*name;		/* START, END */
	size_t		 namelen;
	const char	*text;		/* TEXT: NUL-terminated, in buf */
	size_t		 textlen;

	/* Private. */
	char		*buf;
	size_t		 len;
	size_t		 pos;		/* next byte to read */
	size_t		 ltpos;		/* a '<' overwritten by a text NUL */
	size_t		 errpos;
	int		 err;		/* enum xml_err, sticky */
	int		 depth;		/* open elements */
	int		 state;
	int		 pending_end;	/* "<a/>": END still to return */
	size_t		 stack[XML_MAX_DEPTH];	/* open names: offsets */
	size_t		 stacklen[XML_MAX_DEPTH];
};

/* Start reading buf[0..len).  buf is modified (see above). */
void	xml_init(struct xml *x, char *buf, size_t len);

/* The next token (enum xml_tok). */
int	xml_next(struct xml *x);

/*
 * Move to the next child element of the element whose START was the
 * last token returned (or to the root element if nothing was read yet),
 * skipping text.  Returns 1 at the child's START, 0 when the parent's
 * END (or the end of the document) is reached instead, -1 on error.
 */
int	xml_child(struct xml *x);

/*
 * Right after a START: read the element's text content through its END.
 * *text receives the NUL-terminated text ("" for an empty element) and
 * *len its length (len may be NULL).  Returns 0, or -1 on error, which
 * includes a child element inside it (XML_EUNEXPECTED).
 */
int	xml_text(struct xml *x, const char **text, size_t *len);

/* Right after a START: skip the element and all it holds through END. */
int	xml_skip(struct xml *x);

/* 1 if the current START/END name, without any prefix, equals local. */
int	xml_is(const struct xml *x, const char *local);

/* Number of open elements (the current START's element included). */
int	xml_depth(const struct xml *x);

/*
 * The local names (prefixes dropped) of the open elements, outermost
 * first, joined by "/", into buf (cap > 0 bytes) with a NUL; "" outside
 * the root element.  Cut with "..." when it does not fit.  Right after
 * an END the element just closed is no longer open; after an error the
 * path says where the reader stopped.
 */
void	xml_path(const struct xml *x, char *buf, size_t cap);

/* The sticky error (enum xml_err) and, if off is not NULL, its offset. */
int	xml_error(const struct xml *x, size_t *off);

/* A short English description of an enum xml_err. */
const char *xml_strerror(int err);

#endif
