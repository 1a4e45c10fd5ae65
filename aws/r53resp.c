/*
 * aws/r53resp.c: Route 53 responses (aws/r53msg.h): ChangeInfo,
 * ListResourceRecordSets and hosted zone pages, and error documents,
 * parsed in place with the XML reader.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aws/r53msg.h"
#include "aws/r53msg_impl.h"
#include "aws/xml.h"

/*
 * ---- Parsing helpers ----
 *
 * A struct rp is one parse: the reader, and where to say why it failed.
 * The first failure writes the message (fail()); callers above it pass
 * the status up unchanged.  Paths name elements from the root: path()
 * the open ones, closed() also the element whose END was read last (or
 * the root, once the document has ended).
 */

#define QUOTE_MAX	40	/* bytes of a value quoted in a message */

struct rp {
	struct xml	 x;
	struct r53_why	*why;		/* NULL: no message wanted */
	char		 path[R53_WHY_SIZE];
	char		 quoted[QUOTE_MAX * 4 + 8];
};

static int	fail(struct rp *, int, const char *, ...)
		    __attribute__((__format__(printf, 3, 4)));

static int
fail(struct rp *p, int status, const char *fmt, ...)
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
static void	fail_more(struct rp *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));

static void
fail_more(struct rp *p, const char *fmt, ...)
{
	va_list	ap;
	size_t	n;

	if (p->why == NULL || (n = strlen(p->why->text)) == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(p->why->text + n, sizeof(p->why->text) - n, fmt, ap);
	va_end(ap);
}

static const char *
path(struct rp *p)
{
	xml_path(&p->x, p->path, sizeof(p->path));
	return p->path;
}

static const char *
closed(struct rp *p)
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
static const char *
quote(struct rp *p, const char *t)
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
static int
xerr(struct rp *p)
{
	size_t	off;
	int	e;

	e = xml_error(&p->x, &off);
	if (e == XML_EUNEXPECTED)
		return fail(p, R53_ESHAPE, "%s: an element where text belongs",
		    path(p));
	path(p);
	return fail(p, R53_EXML, "%s at byte %zu%s%s", xml_strerror(e), off,
	    p->path[0] != '\0' ? " in " : "", p->path);
}

/* Start reading; the root element must be root (any if NULL). */
static int
begin(struct rp *p, char *body, size_t len, const char *root,
    struct r53_why *why)
{
	p->why = why;
	if (why != NULL)
		why->text[0] = '\0';
	if (body == NULL)
		return fail(p, R53_EXML, "no document");
	xml_init(&p->x, body, len);
	if (xml_child(&p->x) != 1)
		return xerr(p);
	if (root != NULL && !xml_is(&p->x, root))
		return fail(p, R53_ESHAPE, "root element is %s, not %s",
		    path(p), root);
	return R53_OK;
}

/* After the loop over the root's children: r is xml_child()'s result. */
static int
finish(struct rp *p, int r)
{
	if (r != 0 || xml_next(&p->x) != XML_EOF)
		return xerr(p);
	return R53_OK;
}

/* Text of the current element; *t points into the body. */
static int
text(struct rp *p, const char **t)
{
	return xml_text(&p->x, t, NULL) == 0 ? R53_OK : xerr(p);
}

/* Text of at most max characters (ELIMIT beyond, ESHAPE if empty). */
static int
text_max(struct rp *p, const char **t, size_t max)
{
	size_t	n;
	int	s;

	if ((s = text(p, t)) != R53_OK)
		return s;
	if (**t == '\0')
		return fail(p, R53_ESHAPE, "%s is empty", closed(p));
	if ((n = chars_of(*t)) > max)
		return fail(p, R53_ELIMIT, "%s: %zu characters, more than %zu",
		    closed(p), n, max);
	return R53_OK;
}

/* Copy t, the text just read, into dst[cap] or fail with ELIMIT. */
static int
copy_exact(struct rp *p, char *dst, size_t cap, const char *t)
{
	size_t	n = strlen(t);

	if (n >= cap)
		return fail(p, R53_ELIMIT, "%s: %zu bytes, more than %zu",
		    closed(p), n, cap - 1);
	memcpy(dst, t, n + 1);
	return R53_OK;
}

/* Text of at most max characters, copied into dst[cap]. */
static int
text_copy(struct rp *p, char *dst, size_t cap, size_t max)
{
	const char	*t;
	int		 s;

	if ((s = text_max(p, &t, max)) != R53_OK)
		return s;
	return copy_exact(p, dst, cap, t);
}

/* Copy t into dst[cap], cutting it (at a character boundary) with "...". */
static void
copy_trunc(char *dst, size_t cap, const char *t)
{
	size_t	n = strlen(t);

	if (n < cap) {
		memcpy(dst, t, n + 1);
		return;
	}
	n = cap - 4;
	while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
		n--;
	memcpy(dst, t, n);
	memcpy(dst + n, "...", 4);
}

/* Element text as an ID: prefix up to the last '/' removed. */
static int
text_id(struct rp *p, const char **id)
{
	const char	*t, *s;
	int		 st;

	if ((st = text(p, &t)) != R53_OK)
		return st;
	s = strrchr(t, '/');
	s = s != NULL ? s + 1 : t;
	if (*s == '\0')
		return fail(p, R53_ESHAPE, "%s: %s is not an ID", closed(p),
		    quote(p, t));
	if (strlen(s) > R53_ID_MAX)
		return fail(p, R53_ELIMIT, "%s: ID of %zu characters, more "
		    "than %d", closed(p), strlen(s), R53_ID_MAX);
	*id = s;
	return R53_OK;
}

static int
text_bool(struct rp *p, int *v)
{
	const char	*t;
	int		 s;

	if ((s = text(p, &t)) != R53_OK)
		return s;
	if (strcmp(t, "true") == 0)
		*v = 1;
	else if (strcmp(t, "false") == 0)
		*v = 0;
	else
		return fail(p, R53_ESHAPE, "%s: %s is not true or false",
		    closed(p), quote(p, t));
	return R53_OK;
}

static int
text_num(struct rp *p, unsigned long long max, unsigned long long *v)
{
	const char		*t, *d;
	unsigned long long	 n = 0;
	int			 s;

	if ((s = text(p, &t)) != R53_OK)
		return s;
	if (*t == '\0')
		return fail(p, R53_ESHAPE, "%s is empty", closed(p));
	for (d = t; *d != '\0'; d++) {
		if (*d < '0' || *d > '9')
			return fail(p, R53_ESHAPE, "%s: %s is not a number",
			    closed(p), quote(p, t));
		if (n > (max - (unsigned long long)(*d - '0')) / 10)
			return fail(p, R53_ESHAPE, "%s: %s is more than %llu",
			    closed(p), quote(p, t), max);
		n = n * 10 + (unsigned long long)(*d - '0');
	}
	*v = n;
	return R53_OK;
}

/* A description being built, truncated with "..." when full. */
struct desc {
	char	*buf;
	size_t	 cap;
	size_t	 len;
	int	 cut;
};

static void
desc_put(struct desc *d, const char *s, size_t n)
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

/*
 * At the START of element E: append " E=text" for a leaf, or
 * " E=Leaf:text,Leaf:text" for nested content, through E's END.
 */
static int
describe(struct rp *p, struct desc *d)
{
	struct xml	*x = &p->x;
	const char	*leaf = NULL;
	size_t		 leaflen = 0, i;
	int		 d0 = xml_depth(x), tok, first = 1, ws;

	if (d->len > 0)
		desc_put(d, " ", 1);
	desc_put(d, x->name, x->namelen);
	desc_put(d, "=", 1);
	for (;;) {
		tok = xml_next(x);
		switch (tok) {
		case XML_START:
			leaf = x->name;
			leaflen = x->namelen;
			break;
		case XML_TEXT:
			for (ws = 1, i = 0; i < x->textlen; i++)
				if (strchr(" \t\n", x->text[i]) == NULL)
					ws = 0;
			if (ws)
				break;
			if (xml_depth(x) > d0 && leaf != NULL) {
				if (!first)
					desc_put(d, ",", 1);
				desc_put(d, leaf, leaflen);
				desc_put(d, ":", 1);
			}
			desc_put(d, x->text, x->textlen);
			first = 0;
			break;
		case XML_END:
			if (xml_depth(x) < d0)
				return R53_OK;
			break;
		default:
			return xerr(p);
		}
	}
}

/* Skip the element at its START. */
static int
skip(struct rp *p)
{
	return xml_skip(&p->x) == 0 ? R53_OK : xerr(p);
}

/*
 * ---- ChangeInfo ----
 */

static int
parse_change_info(struct rp *p, struct r53_change_info *out)
{
	struct xml	*x = &p->x;
	const char	*t;
	int		 r, s, have_id = 0, have_status = 0;

	while ((r = xml_child(x)) == 1) {
		if (xml_is(x, "Id")) {
			if ((s = text_id(p, &t)) != R53_OK)
				return s;
			memcpy(out->id, t, strlen(t) + 1);
			have_id = 1;
		} else if (xml_is(x, "Status")) {
			if ((s = text(p, &t)) != R53_OK)
				return s;
			if (strcmp(t, "PENDING") == 0)
				out->status = R53_PENDING;
			else if (strcmp(t, "INSYNC") == 0)
				out->status = R53_INSYNC;
			else
				return fail(p, R53_ESHAPE, "%s: %s is neither "
				    "PENDING nor INSYNC", closed(p),
				    quote(p, t));
			have_status = 1;
		} else if (xml_is(x, "SubmittedAt")) {
			if ((s = text(p, &t)) != R53_OK)
				return s;
			if ((s = copy_exact(p, out->submitted_at,
			    sizeof(out->submitted_at), t)) != R53_OK)
				return s;
		} else if ((s = skip(p)) != R53_OK)
			return s;
	}
	if (r != 0)
		return xerr(p);
	if (!have_id || !have_status)
		return fail(p, R53_ESHAPE, "%s/%s missing", closed(p),
		    !have_id ? "Id" : "Status");
	return R53_OK;
}

int
r53_parse_change_info(char *body, size_t len, struct r53_change_info *out,
    struct r53_why *why)
{
	struct rp	p;
	int		r, s, found = 0;

	memset(out, 0, sizeof(*out));
	if ((s = begin(&p, body, len, NULL, why)) != R53_OK)
		return s;
	while ((r = xml_child(&p.x)) == 1) {
		if (xml_is(&p.x, "ChangeInfo") && !found) {
			if ((s = parse_change_info(&p, out)) != R53_OK)
				return s;
			found = 1;
		} else if ((s = skip(&p)) != R53_OK)
			return s;
	}
	if ((s = finish(&p, r)) != R53_OK)
		return s;
	if (!found)
		return fail(&p, R53_ESHAPE, "%s/ChangeInfo missing",
		    closed(&p));
	return R53_OK;
}

/*
 * ---- ListResourceRecordSets ----
 */

static int
parse_records(struct rp *p, struct r53_rrset *rr)
{
	struct xml	*x = &p->x;
	const char	*v;
	int		 r, r2, s, have;

	while ((r = xml_child(x)) == 1) {
		if (!xml_is(x, "ResourceRecord")) {
			if ((s = skip(p)) != R53_OK)
				return s;
			continue;
		}
		have = 0;
		while ((r2 = xml_child(x)) == 1) {
			if (xml_is(x, "Value") && !have) {
				if ((s = text(p, &v)) != R53_OK)
					return s;
				if (chars_of(v) > R53_VALUE_MAX)
					return fail(p, R53_ELIMIT, "%s: %zu "
					    "characters, more than %d",
					    closed(p), chars_of(v),
					    R53_VALUE_MAX);
				if (rr->nvalues == R53_VALUES_MAX)
					return fail(p, R53_ELIMIT, "%s: more "
					    "than %d in a record set",
					    path(p), R53_VALUES_MAX);
				rr->values[rr->nvalues++] = v;
				have = 1;
			} else if ((s = skip(p)) != R53_OK)
				return s;
		}
		if (r2 != 0)
			return xerr(p);
		if (!have)
			return fail(p, R53_ESHAPE, "%s/Value missing",
			    closed(p));
	}
	return r == 0 ? R53_OK : xerr(p);
}

static int
parse_alias(struct rp *p, struct r53_rrset *rr)
{
	struct xml	*x = &p->x;
	int		 r, s;

	rr->flags |= R53_RRSET_ALIAS;
	while ((r = xml_child(x)) == 1) {
		if (xml_is(x, "HostedZoneId")) {
			if ((s = text_id(p, &rr->alias_zone_id)) != R53_OK)
				return s;
		} else if (xml_is(x, "DNSName")) {
			if ((s = text_max(p, &rr->alias_dns_name,
			    R53_NAME_MAX)) != R53_OK)
				return s;
		} else if (xml_is(x, "EvaluateTargetHealth")) {
			if ((s = text_bool(p, &rr->alias_evaluate_health)) !=
			    R53_OK)
				return s;
		} else if ((s = skip(p)) != R53_OK)
			return s;
	}
	if (r != 0)
		return xerr(p);
	if (rr->alias_zone_id == NULL || rr->alias_dns_name == NULL)
		return fail(p, R53_ESHAPE, "%s/%s missing", closed(p),
		    rr->alias_zone_id == NULL ? "HostedZoneId" : "DNSName");
	return R53_OK;
}

static int
parse_rrset(struct rp *p, struct r53_rrset *rr)
{
	struct xml		*x = &p->x;
	struct desc		 d;
	unsigned long long	 ttl;
	int			 r, s;

	memset(rr, 0, sizeof(*rr));
	d.buf = rr->routing;
	d.cap = sizeof(rr->routing);
	d.len = 0;
	d.cut = 0;
	while ((r = xml_child(x)) == 1) {
		if (xml_is(x, "Name") && rr->name == NULL) {
			if ((s = text_max(p, &rr->name, R53_NAME_MAX)) !=
			    R53_OK)
				return s;
		} else if (xml_is(x, "Type") && rr->type == NULL) {
			if ((s = text_max(p, &rr->type, R53_TYPE_MAX)) !=
			    R53_OK)
				return s;
			if (strlen(rr->type) > R53_TYPE_MAX)
				return fail(p, R53_ELIMIT, "%s: %zu bytes, "
				    "more than %d", closed(p),
				    strlen(rr->type), R53_TYPE_MAX);
		} else if (xml_is(x, "TTL") && !rr->has_ttl) {
			if ((s = text_num(p, R53_TTL_MAX, &ttl)) != R53_OK)
				return s;
			rr->ttl = (uint32_t)ttl;
			rr->has_ttl = 1;
		} else if (xml_is(x, "ResourceRecords") && rr->nvalues == 0) {
			if ((s = parse_records(p, rr)) != R53_OK)
				return s;
		} else if (xml_is(x, "AliasTarget") &&
		    !(rr->flags & R53_RRSET_ALIAS)) {
			if ((s = parse_alias(p, rr)) != R53_OK)
				return s;
		} else if (xml_is(x, "SetIdentifier") &&
		    rr->set_identifier == NULL) {
			if ((s = text_max(p, &rr->set_identifier,
			    R53_SETID_MAX)) != R53_OK)
				return s;
			rr->flags |= R53_RRSET_ROUTING;
		} else if (xml_is(x, "Name") || xml_is(x, "Type") ||
		    xml_is(x, "TTL") || xml_is(x, "ResourceRecords") ||
		    xml_is(x, "AliasTarget") || xml_is(x, "SetIdentifier")) {
			return fail(p, R53_ESHAPE, "%s repeated", path(p));
		} else {
			/* Routing policy, or something new: not plain. */
			rr->flags |= R53_RRSET_ROUTING;
			if ((s = describe(p, &d)) != R53_OK)
				return s;
		}
	}
	if (r != 0)
		return xerr(p);
	if (rr->name == NULL || rr->type == NULL)
		return fail(p, R53_ESHAPE, "%s/%s missing", closed(p),
		    rr->name == NULL ? "Name" : "Type");
	return R53_OK;
}

int
r53_parse_list_rrsets(char *body, size_t len, r53_rrset_cb cb, void *arg,
    struct r53_rrset_page *page, struct r53_why *why)
{
	struct r53_rrset	 rr;
	struct rp		 p;
	struct xml		*x = &p.x;
	unsigned long long	 n;
	int			 r, r2, s, seen_trunc = 0;

	memset(page, 0, sizeof(*page));
	if ((s = begin(&p, body, len, "ListResourceRecordSetsResponse",
	    why)) != R53_OK)
		return s;
	while ((r = xml_child(x)) == 1) {
		if (xml_is(x, "ResourceRecordSets")) {
			while ((r2 = xml_child(x)) == 1) {
				if (!xml_is(x, "ResourceRecordSet")) {
					if ((s = skip(&p)) != R53_OK)
						return s;
					continue;
				}
				if ((s = parse_rrset(&p, &rr)) != R53_OK) {
					if (rr.name != NULL &&
					    rr.name[0] != '\0')
						fail_more(&p, " (record set "
						    "%s)", quote(&p, rr.name));
					return s;
				}
				page->count++;
				if (cb != NULL && cb(arg, &rr) != 0)
					return R53_EABORT;
			}
			if (r2 != 0)
				return xerr(&p);
		} else if (xml_is(x, "IsTruncated")) {
			if ((s = text_bool(&p, &page->truncated)) != R53_OK)
				return s;
			seen_trunc = 1;
		} else if (xml_is(x, "NextRecordName")) {
			if ((s = text_copy(&p, page->next_name,
			    sizeof(page->next_name), R53_NAME_MAX)) != R53_OK)
				return s;
		} else if (xml_is(x, "NextRecordType")) {
			if ((s = text_copy(&p, page->next_type,
			    sizeof(page->next_type), R53_TYPE_MAX)) != R53_OK)
				return s;
		} else if (xml_is(x, "NextRecordIdentifier")) {
			if ((s = text_copy(&p, page->next_identifier,
			    sizeof(page->next_identifier),
			    R53_SETID_MAX)) != R53_OK)
				return s;
		} else if (xml_is(x, "MaxItems")) {
			if ((s = text_num(&p, UINT_MAX, &n)) != R53_OK)
				return s;
			page->max_items = (unsigned)n;
		} else if ((s = skip(&p)) != R53_OK)
			return s;
	}
	if ((s = finish(&p, r)) != R53_OK)
		return s;
	if (!seen_trunc)
		return fail(&p, R53_ESHAPE, "%s/IsTruncated missing",
		    closed(&p));
	if (page->truncated && (page->next_name[0] == '\0' ||
	    page->next_type[0] == '\0'))
		return fail(&p, R53_ESHAPE, "%s/%s missing (IsTruncated is "
		    "true)", closed(&p), page->next_name[0] == '\0' ?
		    "NextRecordName" : "NextRecordType");
	return R53_OK;
}

/*
 * ---- Hosted zones ----
 */

static int
parse_config(struct rp *p, struct r53_zone *z)
{
	struct xml	*x = &p->x;
	int		 r, s;

	while ((r = xml_child(x)) == 1) {
		if (xml_is(x, "Comment")) {
			if ((s = text(p, &z->comment)) != R53_OK)
				return s;
		} else if (xml_is(x, "PrivateZone")) {
			if ((s = text_bool(p, &z->private_zone)) != R53_OK)
				return s;
		} else if ((s = skip(p)) != R53_OK)
			return s;
	}
	return r == 0 ? R53_OK : xerr(p);
}

static int
parse_zone(struct rp *p, struct r53_zone *z)
{
	struct xml		*x = &p->x;
	unsigned long long	 n;
	int			 r, s;

	while ((r = xml_child(x)) == 1) {
		if (xml_is(x, "Id")) {
			if ((s = text_id(p, &z->id)) != R53_OK)
				return s;
		} else if (xml_is(x, "Name")) {
			if ((s = text_max(p, &z->name, R53_NAME_MAX)) != R53_OK)
				return s;
		} else if (xml_is(x, "Config")) {
			if ((s = parse_config(p, z)) != R53_OK)
				return s;
		} else if (xml_is(x, "ResourceRecordSetCount")) {
			if ((s = text_num(p, LLONG_MAX, &n)) != R53_OK)
				return s;
			z->rrset_count = (long long)n;
		} else if ((s = skip(p)) != R53_OK)
			return s;
	}
	if (r != 0)
		return xerr(p);
	if (z->id == NULL || z->name == NULL)
		return fail(p, R53_ESHAPE, "%s/%s missing", closed(p),
		    z->id == NULL ? "Id" : "Name");
	return R53_OK;
}

static void
zone_init(struct r53_zone *z)
{
	memset(z, 0, sizeof(*z));
	z->rrset_count = -1;
}

int
r53_parse_list_zones_by_name(char *body, size_t len, r53_zone_cb cb,
    void *arg, struct r53_zone_page *page, struct r53_why *why)
{
	struct r53_zone		 z;
	struct rp		 p;
	struct xml		*x = &p.x;
	const char		*t;
	unsigned long long	 n;
	int			 r, r2, s, seen_trunc = 0;

	memset(page, 0, sizeof(*page));
	if ((s = begin(&p, body, len, "ListHostedZonesByNameResponse",
	    why)) != R53_OK)
		return s;
	while ((r = xml_child(x)) == 1) {
		if (xml_is(x, "HostedZones")) {
			while ((r2 = xml_child(x)) == 1) {
				if (!xml_is(x, "HostedZone")) {
					if ((s = skip(&p)) != R53_OK)
						return s;
					continue;
				}
				zone_init(&z);
				if ((s = parse_zone(&p, &z)) != R53_OK)
					return s;
				page->count++;
				if (cb != NULL && cb(arg, &z) != 0)
					return R53_EABORT;
			}
			if (r2 != 0)
				return xerr(&p);
		} else if (xml_is(x, "IsTruncated")) {
			if ((s = text_bool(&p, &page->truncated)) != R53_OK)
				return s;
			seen_trunc = 1;
		} else if (xml_is(x, "NextDNSName")) {
			if ((s = text_copy(&p, page->next_dns_name,
			    sizeof(page->next_dns_name), R53_NAME_MAX)) != R53_OK)
				return s;
		} else if (xml_is(x, "NextHostedZoneId")) {
			if ((s = text_id(&p, &t)) != R53_OK)
				return s;
			memcpy(page->next_zone_id, t, strlen(t) + 1);
		} else if (xml_is(x, "MaxItems")) {
			if ((s = text_num(&p, UINT_MAX, &n)) != R53_OK)
				return s;
			page->max_items = (unsigned)n;
		} else if ((s = skip(&p)) != R53_OK)
			return s;
	}
	if ((s = finish(&p, r)) != R53_OK)
		return s;
	if (!seen_trunc)
		return fail(&p, R53_ESHAPE, "%s/IsTruncated missing",
		    closed(&p));
	if (page->truncated && (page->next_dns_name[0] == '\0' ||
	    page->next_zone_id[0] == '\0'))
		return fail(&p, R53_ESHAPE, "%s/%s missing (IsTruncated is "
		    "true)", closed(&p), page->next_dns_name[0] == '\0' ?
		    "NextDNSName" : "NextHostedZoneId");
	return R53_OK;
}

static int
parse_delegation(struct rp *p, struct r53_zone *z)
{
	struct xml	*x = &p->x;
	const char	*t;
	int		 r, r2, s;

	while ((r = xml_child(x)) == 1) {
		if (!xml_is(x, "NameServers")) {
			if ((s = skip(p)) != R53_OK)
				return s;
			continue;
		}
		while ((r2 = xml_child(x)) == 1) {
			if (!xml_is(x, "NameServer")) {
				if ((s = skip(p)) != R53_OK)
					return s;
				continue;
			}
			if ((s = text_max(p, &t, R53_NAME_MAX)) != R53_OK)
				return s;
			if (z->nname_servers < R53_NS_MAX)
				z->name_servers[z->nname_servers++] = t;
		}
		if (r2 != 0)
			return xerr(p);
	}
	return r == 0 ? R53_OK : xerr(p);
}

/* VPCs { VPC { VPCRegion?, VPCId } ... } */
static int
parse_vpcs(struct rp *p, struct r53_zone *z)
{
	struct xml	*x = &p->x;
	const char	*id;
	int		 r, r2, s;

	while ((r = xml_child(x)) == 1) {
		if (!xml_is(x, "VPC")) {
			if ((s = skip(p)) != R53_OK)
				return s;
			continue;
		}
		id = NULL;
		while ((r2 = xml_child(x)) == 1) {
			if (xml_is(x, "VPCId")) {
				if ((s = text_max(p, &id, R53_VPCID_MAX)) !=
				    R53_OK)
					return s;
			} else if ((s = skip(p)) != R53_OK)
				return s;
		}
		if (r2 != 0)
			return xerr(p);
		if (id == NULL)
			return fail(p, R53_ESHAPE, "%s/VPCId missing",
			    closed(p));
		if (z->nvpcs < R53_VPCS_MAX)
			z->vpcs[z->nvpcs++] = id;
		z->nvpcs_listed++;
	}
	return r == 0 ? R53_OK : xerr(p);
}

int
r53_parse_get_zone(char *body, size_t len, struct r53_zone *out,
    struct r53_why *why)
{
	struct rp	p;
	int		r, s, found = 0;

	zone_init(out);
	if ((s = begin(&p, body, len, "GetHostedZoneResponse", why)) !=
	    R53_OK)
		return s;
	while ((r = xml_child(&p.x)) == 1) {
		if (xml_is(&p.x, "HostedZone") && !found) {
			if ((s = parse_zone(&p, out)) != R53_OK)
				return s;
			found = 1;
		} else if (xml_is(&p.x, "DelegationSet")) {
			if ((s = parse_delegation(&p, out)) != R53_OK)
				return s;
		} else if (xml_is(&p.x, "VPCs")) {
			if ((s = parse_vpcs(&p, out)) != R53_OK)
				return s;
		} else if ((s = skip(&p)) != R53_OK)
			return s;
	}
	if ((s = finish(&p, r)) != R53_OK)
		return s;
	if (!found)
		return fail(&p, R53_ESHAPE, "%s/HostedZone missing",
		    closed(&p));
	return R53_OK;
}

/*
 * ---- Errors ----
 */

static int
parse_error_elem(struct rp *p, struct r53_error *out)
{
	struct xml	*x = &p->x;
	const char	*t;
	int		 r, s;

	while ((r = xml_child(x)) == 1) {
		if (xml_is(x, "Type") || xml_is(x, "Code") ||
		    xml_is(x, "Message")) {
			if ((s = text(p, &t)) != R53_OK)
				return s;
			if (xml_is(x, "Type"))
				copy_trunc(out->type, sizeof(out->type), t);
			else if (xml_is(x, "Code"))
				copy_trunc(out->code, sizeof(out->code), t);
			else
				copy_trunc(out->message, sizeof(out->message),
				    t);
		} else if ((s = skip(p)) != R53_OK)
			return s;
	}
	return r == 0 ? R53_OK : xerr(p);
}

/* Form B: Messages { Message* } joined as "[m1, m2]". */
static int
parse_messages(struct rp *p, struct desc *d)
{
	struct xml	*x = &p->x;
	const char	*t;
	int		 r, s, n = 0;

	desc_put(d, "[", 1);
	while ((r = xml_child(x)) == 1) {
		if (!xml_is(x, "Message")) {
			if ((s = skip(p)) != R53_OK)
				return s;
			continue;
		}
		if ((s = text(p, &t)) != R53_OK)
			return s;
		if (n++ > 0)
			desc_put(d, ", ", 2);
		desc_put(d, t, strlen(t));
	}
	desc_put(d, "]", 1);
	return r == 0 ? R53_OK : xerr(p);
}

int
r53_parse_error(char *body, size_t len, struct r53_error *out,
    struct r53_why *why)
{
	struct rp	 p;
	struct xml	*x = &p.x;
	struct desc	 d;
	const char	*t;
	int		 r, s, form_a, have_list = 0, have_msg = 0;

	memset(out, 0, sizeof(*out));
	if ((s = begin(&p, body, len, NULL, why)) != R53_OK)
		return s;
	form_a = xml_is(x, "ErrorResponse");
	if (!form_a) {
		if (x->namelen >= sizeof(out->code))
			return fail(&p, R53_ESHAPE, "root element name of %zu "
			    "bytes is too long for an error code", x->namelen);
		memcpy(out->code, x->name, x->namelen);
		out->code[x->namelen] = '\0';
	}
	d.buf = out->message;
	d.cap = sizeof(out->message);
	d.len = 0;
	d.cut = 0;
	while ((r = xml_child(x)) == 1) {
		if (form_a && xml_is(x, "Error")) {
			if ((s = parse_error_elem(&p, out)) != R53_OK)
				return s;
		} else if (xml_is(x, "RequestId")) {
			if ((s = text(&p, &t)) != R53_OK)
				return s;
			copy_trunc(out->request_id, sizeof(out->request_id), t);
		} else if (!form_a && xml_is(x, "Messages") && !have_list) {
			out->message[0] = '\0';
			d.len = 0;
			if ((s = parse_messages(&p, &d)) != R53_OK)
				return s;
			have_list = have_msg = 1;
		} else if (!form_a && !have_list && (xml_is(x, "Message") ||
		    xml_is(x, "message"))) {
			if ((s = text(&p, &t)) != R53_OK)
				return s;
			copy_trunc(out->message, sizeof(out->message), t);
			have_msg = 1;
		} else if ((s = skip(&p)) != R53_OK)
			return s;
	}
	if ((s = finish(&p, r)) != R53_OK)
		return s;
	/* Another root counts only with a message (not some HTML page). */
	if (form_a && out->code[0] == '\0')
		return fail(&p, R53_ESHAPE, "%s/Error/Code missing",
		    closed(&p));
	if (!form_a && !have_msg)
		return fail(&p, R53_ESHAPE, "%s/Message missing: not an error "
		    "document", closed(&p));
	return R53_OK;
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
