/*
 * aws/r53resp.c: Route 53 responses (aws/r53msg.h): ChangeInfo,
 * ListResourceRecordSets and hosted zone pages, and error documents,
 * parsed in place with the XML reader.
 */
#include <limits.h>
#include <string.h>

#include "aws/r53msg.h"
#include "aws/r53msg_impl.h"
#include "aws/xml.h"

/*
 * ---- Parsing helpers ----
 */

/* Map the reader's error to a status. */
static int
xstatus(const struct xml *x)
{
	return xml_error(x, NULL) == XML_EUNEXPECTED ? R53_ESHAPE : R53_EXML;
}

/* Start reading; the root element must be root (any if NULL). */
static int
begin(struct xml *x, char *body, size_t len, const char *root)
{
	if (body == NULL)
		return R53_EXML;
	xml_init(x, body, len);
	if (xml_child(x) != 1)
		return xstatus(x);
	if (root != NULL && !xml_is(x, root))
		return R53_ESHAPE;
	return R53_OK;
}

/* After the loop over the root's children: r is xml_child()'s result. */
static int
finish(struct xml *x, int r)
{
	if (r != 0)
		return xstatus(x);
	if (xml_next(x) != XML_EOF)
		return R53_EXML;
	return R53_OK;
}

/* Text of the current element; *t points into the body. */
static int
text(struct xml *x, const char **t)
{
	return xml_text(x, t, NULL) == 0 ? R53_OK : xstatus(x);
}

/* Text of at most max characters (ELIMIT beyond, ESHAPE if empty). */
static int
text_max(struct xml *x, const char **t, size_t max)
{
	int	s;

	if ((s = text(x, t)) != R53_OK)
		return s;
	if (**t == '\0')
		return R53_ESHAPE;
	return chars_of(*t) > max ? R53_ELIMIT : R53_OK;
}

/* Copy t into dst[cap] or fail with ELIMIT. */
static int
copy_exact(char *dst, size_t cap, const char *t)
{
	size_t	n = strlen(t);

	if (n >= cap)
		return R53_ELIMIT;
	memcpy(dst, t, n + 1);
	return R53_OK;
}

/* Text of at most max characters, copied into dst[cap]. */
static int
text_copy(struct xml *x, char *dst, size_t cap, size_t max)
{
	const char	*t;
	int		 s;

	if ((s = text_max(x, &t, max)) != R53_OK)
		return s;
	return copy_exact(dst, cap, t);
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
text_id(struct xml *x, const char **id)
{
	const char	*t, *s;
	int		 st;

	if ((st = text(x, &t)) != R53_OK)
		return st;
	s = strrchr(t, '/');
	s = s != NULL ? s + 1 : t;
	if (*s == '\0')
		return R53_ESHAPE;
	if (strlen(s) > R53_ID_MAX)
		return R53_ELIMIT;
	*id = s;
	return R53_OK;
}

static int
text_bool(struct xml *x, int *v)
{
	const char	*t;
	int		 s;

	if ((s = text(x, &t)) != R53_OK)
		return s;
	if (strcmp(t, "true") == 0)
		*v = 1;
	else if (strcmp(t, "false") == 0)
		*v = 0;
	else
		return R53_ESHAPE;
	return R53_OK;
}

static int
text_num(struct xml *x, unsigned long long max, unsigned long long *v)
{
	const char		*t;
	unsigned long long	 n = 0;
	int			 s;

	if ((s = text(x, &t)) != R53_OK)
		return s;
	if (*t == '\0')
		return R53_ESHAPE;
	for (; *t != '\0'; t++) {
		if (*t < '0' || *t > '9')
			return R53_ESHAPE;
		n = n * 10 + (unsigned long long)(*t - '0');
		if (n > max)
			return R53_ESHAPE;
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
describe(struct xml *x, struct desc *d)
{
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
			return xstatus(x);
		}
	}
}

/*
 * ---- ChangeInfo ----
 */

static int
parse_change_info(struct xml *x, struct r53_change_info *out)
{
	const char	*t;
	int		 r, s, have_id = 0, have_status = 0;

	while ((r = xml_child(x)) == 1) {
		if (xml_is(x, "Id")) {
			if ((s = text_id(x, &t)) != R53_OK)
				return s;
			memcpy(out->id, t, strlen(t) + 1);
			have_id = 1;
		} else if (xml_is(x, "Status")) {
			if ((s = text(x, &t)) != R53_OK)
				return s;
			if (strcmp(t, "PENDING") == 0)
				out->status = R53_PENDING;
			else if (strcmp(t, "INSYNC") == 0)
				out->status = R53_INSYNC;
			else
				return R53_ESHAPE;
			have_status = 1;
		} else if (xml_is(x, "SubmittedAt")) {
			if ((s = text(x, &t)) != R53_OK)
				return s;
			if ((s = copy_exact(out->submitted_at,
			    sizeof(out->submitted_at), t)) != R53_OK)
				return s;
		} else if (xml_skip(x) == -1)
			return xstatus(x);
	}
	if (r != 0)
		return xstatus(x);
	return (have_id && have_status) ? R53_OK : R53_ESHAPE;
}

int
r53_parse_change_info(char *body, size_t len, struct r53_change_info *out)
{
	struct xml	x;
	int		r, s, found = 0;

	memset(out, 0, sizeof(*out));
	if ((s = begin(&x, body, len, NULL)) != R53_OK)
		return s;
	while ((r = xml_child(&x)) == 1) {
		if (xml_is(&x, "ChangeInfo") && !found) {
			if ((s = parse_change_info(&x, out)) != R53_OK)
				return s;
			found = 1;
		} else if (xml_skip(&x) == -1)
			return xstatus(&x);
	}
	if ((s = finish(&x, r)) != R53_OK)
		return s;
	return found ? R53_OK : R53_ESHAPE;
}

/*
 * ---- ListResourceRecordSets ----
 */

static int
parse_records(struct xml *x, struct r53_rrset *rr)
{
	const char	*v;
	int		 r, r2, s, have;

	while ((r = xml_child(x)) == 1) {
		if (!xml_is(x, "ResourceRecord")) {
			if (xml_skip(x) == -1)
				return xstatus(x);
			continue;
		}
		have = 0;
		while ((r2 = xml_child(x)) == 1) {
			if (xml_is(x, "Value") && !have) {
				if ((s = text(x, &v)) != R53_OK)
					return s;
				if (chars_of(v) > R53_VALUE_MAX ||
				    rr->nvalues == R53_VALUES_MAX)
					return R53_ELIMIT;
				rr->values[rr->nvalues++] = v;
				have = 1;
			} else if (xml_skip(x) == -1)
				return xstatus(x);
		}
		if (r2 != 0)
			return xstatus(x);
		if (!have)
			return R53_ESHAPE;
	}
	return r == 0 ? R53_OK : xstatus(x);
}

static int
parse_alias(struct xml *x, struct r53_rrset *rr)
{
	int	r, s;

	rr->flags |= R53_RRSET_ALIAS;
	while ((r = xml_child(x)) == 1) {
		if (xml_is(x, "HostedZoneId")) {
			if ((s = text_id(x, &rr->alias_zone_id)) != R53_OK)
				return s;
		} else if (xml_is(x, "DNSName")) {
			if ((s = text_max(x, &rr->alias_dns_name,
			    R53_NAME_MAX)) != R53_OK)
				return s;
		} else if (xml_is(x, "EvaluateTargetHealth")) {
			if ((s = text_bool(x, &rr->alias_evaluate_health)) !=
			    R53_OK)
				return s;
		} else if (xml_skip(x) == -1)
			return xstatus(x);
	}
	if (r != 0)
		return xstatus(x);
	if (rr->alias_zone_id == NULL || rr->alias_dns_name == NULL)
		return R53_ESHAPE;
	return R53_OK;
}

static int
parse_rrset(struct xml *x, struct r53_rrset *rr)
{
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
			if ((s = text_max(x, &rr->name, R53_NAME_MAX)) != R53_OK)
				return s;
		} else if (xml_is(x, "Type") && rr->type == NULL) {
			if ((s = text_max(x, &rr->type, R53_TYPE_MAX)) != R53_OK)
				return s;
			if (strlen(rr->type) > R53_TYPE_MAX)
				return R53_ELIMIT;
		} else if (xml_is(x, "TTL") && !rr->has_ttl) {
			if ((s = text_num(x, R53_TTL_MAX, &ttl)) != R53_OK)
				return s;
			rr->ttl = (uint32_t)ttl;
			rr->has_ttl = 1;
		} else if (xml_is(x, "ResourceRecords") && rr->nvalues == 0) {
			if ((s = parse_records(x, rr)) != R53_OK)
				return s;
		} else if (xml_is(x, "AliasTarget") &&
		    !(rr->flags & R53_RRSET_ALIAS)) {
			if ((s = parse_alias(x, rr)) != R53_OK)
				return s;
		} else if (xml_is(x, "SetIdentifier") &&
		    rr->set_identifier == NULL) {
			if ((s = text_max(x, &rr->set_identifier,
			    R53_SETID_MAX)) != R53_OK)
				return s;
			rr->flags |= R53_RRSET_ROUTING;
		} else if (xml_is(x, "Name") || xml_is(x, "Type") ||
		    xml_is(x, "TTL") || xml_is(x, "ResourceRecords") ||
		    xml_is(x, "AliasTarget") || xml_is(x, "SetIdentifier")) {
			return R53_ESHAPE;	/* repeated */
		} else {
			/* Routing policy, or something new: not plain. */
			rr->flags |= R53_RRSET_ROUTING;
			if ((s = describe(x, &d)) != R53_OK)
				return s;
		}
	}
	if (r != 0)
		return xstatus(x);
	if (rr->name == NULL || rr->type == NULL)
		return R53_ESHAPE;
	return R53_OK;
}

int
r53_parse_list_rrsets(char *body, size_t len, r53_rrset_cb cb, void *arg,
    struct r53_rrset_page *page)
{
	struct r53_rrset	 rr;
	struct xml		 x;
	unsigned long long	 n;
	int			 r, r2, s, seen_trunc = 0;

	memset(page, 0, sizeof(*page));
	if ((s = begin(&x, body, len, "ListResourceRecordSetsResponse")) !=
	    R53_OK)
		return s;
	while ((r = xml_child(&x)) == 1) {
		if (xml_is(&x, "ResourceRecordSets")) {
			while ((r2 = xml_child(&x)) == 1) {
				if (!xml_is(&x, "ResourceRecordSet")) {
					if (xml_skip(&x) == -1)
						return xstatus(&x);
					continue;
				}
				if ((s = parse_rrset(&x, &rr)) != R53_OK)
					return s;
				page->count++;
				if (cb != NULL && cb(arg, &rr) != 0)
					return R53_EABORT;
			}
			if (r2 != 0)
				return xstatus(&x);
		} else if (xml_is(&x, "IsTruncated")) {
			if ((s = text_bool(&x, &page->truncated)) != R53_OK)
				return s;
			seen_trunc = 1;
		} else if (xml_is(&x, "NextRecordName")) {
			if ((s = text_copy(&x, page->next_name,
			    sizeof(page->next_name), R53_NAME_MAX)) != R53_OK)
				return s;
		} else if (xml_is(&x, "NextRecordType")) {
			if ((s = text_copy(&x, page->next_type,
			    sizeof(page->next_type), R53_TYPE_MAX)) != R53_OK)
				return s;
		} else if (xml_is(&x, "NextRecordIdentifier")) {
			if ((s = text_copy(&x, page->next_identifier,
			    sizeof(page->next_identifier),
			    R53_SETID_MAX)) != R53_OK)
				return s;
		} else if (xml_is(&x, "MaxItems")) {
			if ((s = text_num(&x, UINT_MAX, &n)) != R53_OK)
				return s;
			page->max_items = (unsigned)n;
		} else if (xml_skip(&x) == -1)
			return xstatus(&x);
	}
	if ((s = finish(&x, r)) != R53_OK)
		return s;
	if (!seen_trunc || (page->truncated && (page->next_name[0] == '\0' ||
	    page->next_type[0] == '\0')))
		return R53_ESHAPE;
	return R53_OK;
}

/*
 * ---- Hosted zones ----
 */

static int
parse_config(struct xml *x, struct r53_zone *z)
{
	int	r, s;

	while ((r = xml_child(x)) == 1) {
		if (xml_is(x, "Comment")) {
			if ((s = text(x, &z->comment)) != R53_OK)
				return s;
		} else if (xml_is(x, "PrivateZone")) {
			if ((s = text_bool(x, &z->private_zone)) != R53_OK)
				return s;
		} else if (xml_skip(x) == -1)
			return xstatus(x);
	}
	return r == 0 ? R53_OK : xstatus(x);
}

static int
parse_zone(struct xml *x, struct r53_zone *z)
{
	unsigned long long	n;
	int			r, s;

	while ((r = xml_child(x)) == 1) {
		if (xml_is(x, "Id")) {
			if ((s = text_id(x, &z->id)) != R53_OK)
				return s;
		} else if (xml_is(x, "Name")) {
			if ((s = text_max(x, &z->name, R53_NAME_MAX)) != R53_OK)
				return s;
		} else if (xml_is(x, "Config")) {
			if ((s = parse_config(x, z)) != R53_OK)
				return s;
		} else if (xml_is(x, "ResourceRecordSetCount")) {
			if ((s = text_num(x, LLONG_MAX, &n)) != R53_OK)
				return s;
			z->rrset_count = (long long)n;
		} else if (xml_skip(x) == -1)
			return xstatus(x);
	}
	if (r != 0)
		return xstatus(x);
	return (z->id != NULL && z->name != NULL) ? R53_OK : R53_ESHAPE;
}

static void
zone_init(struct r53_zone *z)
{
	memset(z, 0, sizeof(*z));
	z->rrset_count = -1;
}

int
r53_parse_list_zones_by_name(char *body, size_t len, r53_zone_cb cb,
    void *arg, struct r53_zone_page *page)
{
	struct r53_zone		 z;
	struct xml		 x;
	const char		*t;
	unsigned long long	 n;
	int			 r, r2, s, seen_trunc = 0;

	memset(page, 0, sizeof(*page));
	if ((s = begin(&x, body, len, "ListHostedZonesByNameResponse")) !=
	    R53_OK)
		return s;
	while ((r = xml_child(&x)) == 1) {
		if (xml_is(&x, "HostedZones")) {
			while ((r2 = xml_child(&x)) == 1) {
				if (!xml_is(&x, "HostedZone")) {
					if (xml_skip(&x) == -1)
						return xstatus(&x);
					continue;
				}
				zone_init(&z);
				if ((s = parse_zone(&x, &z)) != R53_OK)
					return s;
				page->count++;
				if (cb != NULL && cb(arg, &z) != 0)
					return R53_EABORT;
			}
			if (r2 != 0)
				return xstatus(&x);
		} else if (xml_is(&x, "IsTruncated")) {
			if ((s = text_bool(&x, &page->truncated)) != R53_OK)
				return s;
			seen_trunc = 1;
		} else if (xml_is(&x, "NextDNSName")) {
			if ((s = text_copy(&x, page->next_dns_name,
			    sizeof(page->next_dns_name), R53_NAME_MAX)) != R53_OK)
				return s;
		} else if (xml_is(&x, "NextHostedZoneId")) {
			if ((s = text_id(&x, &t)) != R53_OK)
				return s;
			memcpy(page->next_zone_id, t, strlen(t) + 1);
		} else if (xml_is(&x, "MaxItems")) {
			if ((s = text_num(&x, UINT_MAX, &n)) != R53_OK)
				return s;
			page->max_items = (unsigned)n;
		} else if (xml_skip(&x) == -1)
			return xstatus(&x);
	}
	if ((s = finish(&x, r)) != R53_OK)
		return s;
	if (!seen_trunc || (page->truncated &&
	    (page->next_dns_name[0] == '\0' || page->next_zone_id[0] == '\0')))
		return R53_ESHAPE;
	return R53_OK;
}

static int
parse_delegation(struct xml *x, struct r53_zone *z)
{
	const char	*t;
	int		 r, r2, s;

	while ((r = xml_child(x)) == 1) {
		if (!xml_is(x, "NameServers")) {
			if (xml_skip(x) == -1)
				return xstatus(x);
			continue;
		}
		while ((r2 = xml_child(x)) == 1) {
			if (!xml_is(x, "NameServer")) {
				if (xml_skip(x) == -1)
					return xstatus(x);
				continue;
			}
			if ((s = text_max(x, &t, R53_NAME_MAX)) != R53_OK)
				return s;
			if (z->nname_servers < R53_NS_MAX)
				z->name_servers[z->nname_servers++] = t;
		}
		if (r2 != 0)
			return xstatus(x);
	}
	return r == 0 ? R53_OK : xstatus(x);
}

int
r53_parse_get_zone(char *body, size_t len, struct r53_zone *out)
{
	struct xml	x;
	int		r, s, found = 0;

	zone_init(out);
	if ((s = begin(&x, body, len, "GetHostedZoneResponse")) != R53_OK)
		return s;
	while ((r = xml_child(&x)) == 1) {
		if (xml_is(&x, "HostedZone") && !found) {
			if ((s = parse_zone(&x, out)) != R53_OK)
				return s;
			found = 1;
		} else if (xml_is(&x, "DelegationSet")) {
			if ((s = parse_delegation(&x, out)) != R53_OK)
				return s;
		} else if (xml_skip(&x) == -1)
			return xstatus(&x);
	}
	if ((s = finish(&x, r)) != R53_OK)
		return s;
	return found ? R53_OK : R53_ESHAPE;
}

/*
 * ---- Errors ----
 */

static int
parse_error_elem(struct xml *x, struct r53_error *out)
{
	const char	*t;
	int		 r, s;

	while ((r = xml_child(x)) == 1) {
		if (xml_is(x, "Type") || xml_is(x, "Code") ||
		    xml_is(x, "Message")) {
			if ((s = text(x, &t)) != R53_OK)
				return s;
			if (xml_is(x, "Type"))
				copy_trunc(out->type, sizeof(out->type), t);
			else if (xml_is(x, "Code"))
				copy_trunc(out->code, sizeof(out->code), t);
			else
				copy_trunc(out->message, sizeof(out->message),
				    t);
		} else if (xml_skip(x) == -1)
			return xstatus(x);
	}
	return r == 0 ? R53_OK : xstatus(x);
}

/* Form B: Messages { Message* } joined as "[m1, m2]". */
static int
parse_messages(struct xml *x, struct desc *d)
{
	const char	*t;
	int		 r, s, n = 0;

	desc_put(d, "[", 1);
	while ((r = xml_child(x)) == 1) {
		if (!xml_is(x, "Message")) {
			if (xml_skip(x) == -1)
				return xstatus(x);
			continue;
		}
		if ((s = text(x, &t)) != R53_OK)
			return s;
		if (n++ > 0)
			desc_put(d, ", ", 2);
		desc_put(d, t, strlen(t));
	}
	desc_put(d, "]", 1);
	return r == 0 ? R53_OK : xstatus(x);
}

int
r53_parse_error(char *body, size_t len, struct r53_error *out)
{
	struct xml	 x;
	struct desc	 d;
	const char	*t;
	int		 r, s, form_a, have_list = 0, have_msg = 0;

	memset(out, 0, sizeof(*out));
	if ((s = begin(&x, body, len, NULL)) != R53_OK)
		return s;
	form_a = xml_is(&x, "ErrorResponse");
	if (!form_a) {
		if (x.namelen >= sizeof(out->code))
			return R53_ESHAPE;
		memcpy(out->code, x.name, x.namelen);
		out->code[x.namelen] = '\0';
	}
	d.buf = out->message;
	d.cap = sizeof(out->message);
	d.len = 0;
	d.cut = 0;
	while ((r = xml_child(&x)) == 1) {
		if (form_a && xml_is(&x, "Error")) {
			if ((s = parse_error_elem(&x, out)) != R53_OK)
				return s;
		} else if (xml_is(&x, "RequestId")) {
			if ((s = text(&x, &t)) != R53_OK)
				return s;
			copy_trunc(out->request_id, sizeof(out->request_id), t);
		} else if (!form_a && xml_is(&x, "Messages") && !have_list) {
			out->message[0] = '\0';
			d.len = 0;
			if ((s = parse_messages(&x, &d)) != R53_OK)
				return s;
			have_list = have_msg = 1;
		} else if (!form_a && !have_list && (xml_is(&x, "Message") ||
		    xml_is(&x, "message"))) {
			if ((s = text(&x, &t)) != R53_OK)
				return s;
			copy_trunc(out->message, sizeof(out->message), t);
			have_msg = 1;
		} else if (xml_skip(&x) == -1)
			return xstatus(&x);
	}
	if ((s = finish(&x, r)) != R53_OK)
		return s;
	/* Another root counts only with a message (not some HTML page). */
	if (out->code[0] == '\0' || (!form_a && !have_msg))
		return R53_ESHAPE;
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
