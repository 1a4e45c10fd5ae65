/*
 * aws/r53resp.c: Route 53's success responses (aws/r53msg.h): ChangeInfo,
 * ListResourceRecordSets and hosted zone pages, parsed in place with the
 * helpers of aws/r53parse.c.  Error documents are aws/r53err.c's.
 */
#include <limits.h>
#include <string.h>

#include "aws/r53msg.h"
#include "aws/r53msg_impl.h"
#include "aws/xml.h"

/*
 * ---- Element text and routing descriptions ----
 */

/* Text of at most max characters (ELIMIT beyond, ESHAPE if empty). */
static int
text_max(struct rp *p, const char **t, size_t max)
{
	size_t	n;
	int	s;

	if ((s = r53_rp_text(p, t)) != R53_OK)
		return s;
	if (**t == '\0')
		return r53_rp_fail(p, R53_ESHAPE, "%s is empty",
		    r53_rp_closed(p));
	if ((n = chars_of(*t)) > max)
		return r53_rp_fail(p, R53_ELIMIT, "%s: %zu characters, more "
		    "than %zu", r53_rp_closed(p), n, max);
	return R53_OK;
}

/* Copy t, the text just read, into dst[cap] or fail with ELIMIT. */
static int
copy_exact(struct rp *p, char *dst, size_t cap, const char *t)
{
	size_t	n = strlen(t);

	if (n >= cap)
		return r53_rp_fail(p, R53_ELIMIT, "%s: %zu bytes, more than "
		    "%zu", r53_rp_closed(p), n, cap - 1);
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

/* Element text as an ID: prefix up to the last '/' removed. */
static int
text_id(struct rp *p, const char **id)
{
	const char	*t, *s;
	int		 st;

	if ((st = r53_rp_text(p, &t)) != R53_OK)
		return st;
	s = strrchr(t, '/');
	s = s != NULL ? s + 1 : t;
	if (*s == '\0')
		return r53_rp_fail(p, R53_ESHAPE, "%s: %s is not an ID",
		    r53_rp_closed(p), r53_rp_quote(p, t));
	if (strlen(s) > R53_ID_MAX)
		return r53_rp_fail(p, R53_ELIMIT, "%s: ID of %zu characters, "
		    "more than %d", r53_rp_closed(p), strlen(s), R53_ID_MAX);
	*id = s;
	return R53_OK;
}

static int
text_bool(struct rp *p, int *v)
{
	const char	*t;
	int		 s;

	if ((s = r53_rp_text(p, &t)) != R53_OK)
		return s;
	if (strcmp(t, "true") == 0)
		*v = 1;
	else if (strcmp(t, "false") == 0)
		*v = 0;
	else
		return r53_rp_fail(p, R53_ESHAPE, "%s: %s is not true or "
		    "false", r53_rp_closed(p), r53_rp_quote(p, t));
	return R53_OK;
}

static int
text_num(struct rp *p, unsigned long long max, unsigned long long *v)
{
	const char		*t, *d;
	unsigned long long	 n = 0;
	int			 s;

	if ((s = r53_rp_text(p, &t)) != R53_OK)
		return s;
	if (*t == '\0')
		return r53_rp_fail(p, R53_ESHAPE, "%s is empty",
		    r53_rp_closed(p));
	for (d = t; *d != '\0'; d++) {
		if (*d < '0' || *d > '9')
			return r53_rp_fail(p, R53_ESHAPE, "%s: %s is not a "
			    "number", r53_rp_closed(p), r53_rp_quote(p, t));
		if (n > (max - (unsigned long long)(*d - '0')) / 10)
			return r53_rp_fail(p, R53_ESHAPE, "%s: %s is more than "
			    "%llu", r53_rp_closed(p), r53_rp_quote(p, t), max);
		n = n * 10 + (unsigned long long)(*d - '0');
	}
	*v = n;
	return R53_OK;
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
		r53_desc_put(d, " ", 1);
	r53_desc_put(d, x->name, x->namelen);
	r53_desc_put(d, "=", 1);
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
					r53_desc_put(d, ",", 1);
				r53_desc_put(d, leaf, leaflen);
				r53_desc_put(d, ":", 1);
			}
			r53_desc_put(d, x->text, x->textlen);
			first = 0;
			break;
		case XML_END:
			if (xml_depth(x) < d0)
				return R53_OK;
			break;
		default:
			return r53_rp_xerr(p);
		}
	}
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
			if ((s = r53_rp_text(p, &t)) != R53_OK)
				return s;
			if (strcmp(t, "PENDING") == 0)
				out->status = R53_PENDING;
			else if (strcmp(t, "INSYNC") == 0)
				out->status = R53_INSYNC;
			else
				return r53_rp_fail(p, R53_ESHAPE, "%s: %s is "
				    "neither PENDING nor INSYNC",
				    r53_rp_closed(p), r53_rp_quote(p, t));
			have_status = 1;
		} else if (xml_is(x, "SubmittedAt")) {
			if ((s = r53_rp_text(p, &t)) != R53_OK)
				return s;
			if ((s = copy_exact(p, out->submitted_at,
			    sizeof(out->submitted_at), t)) != R53_OK)
				return s;
		} else if ((s = r53_rp_skip(p)) != R53_OK)
			return s;
	}
	if (r != 0)
		return r53_rp_xerr(p);
	if (!have_id || !have_status)
		return r53_rp_fail(p, R53_ESHAPE, "%s/%s missing",
		    r53_rp_closed(p), !have_id ? "Id" : "Status");
	return R53_OK;
}

int
r53_parse_change_info(char *body, size_t len, struct r53_change_info *out,
    struct r53_why *why)
{
	struct rp	p;
	int		r, s, found = 0;

	memset(out, 0, sizeof(*out));
	if ((s = r53_rp_begin(&p, body, len, NULL, why)) != R53_OK)
		return s;
	while ((r = xml_child(&p.x)) == 1) {
		if (xml_is(&p.x, "ChangeInfo") && !found) {
			if ((s = parse_change_info(&p, out)) != R53_OK)
				return s;
			found = 1;
		} else if ((s = r53_rp_skip(&p)) != R53_OK)
			return s;
	}
	if ((s = r53_rp_finish(&p, r)) != R53_OK)
		return s;
	if (!found)
		return r53_rp_fail(&p, R53_ESHAPE, "%s/ChangeInfo missing",
		    r53_rp_closed(&p));
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
			if ((s = r53_rp_skip(p)) != R53_OK)
				return s;
			continue;
		}
		have = 0;
		while ((r2 = xml_child(x)) == 1) {
			if (xml_is(x, "Value") && !have) {
				if ((s = r53_rp_text(p, &v)) != R53_OK)
					return s;
				if (chars_of(v) > R53_VALUE_MAX)
					return r53_rp_fail(p, R53_ELIMIT,
					    "%s: %zu characters, more than "
					    "%d", r53_rp_closed(p),
					    chars_of(v), R53_VALUE_MAX);
				if (rr->nvalues == R53_VALUES_MAX)
					return r53_rp_fail(p, R53_ELIMIT,
					    "%s: more than %d in a record "
					    "set", r53_rp_path(p),
					    R53_VALUES_MAX);
				rr->values[rr->nvalues++] = v;
				have = 1;
			} else if ((s = r53_rp_skip(p)) != R53_OK)
				return s;
		}
		if (r2 != 0)
			return r53_rp_xerr(p);
		if (!have)
			return r53_rp_fail(p, R53_ESHAPE, "%s/Value missing",
			    r53_rp_closed(p));
	}
	return r == 0 ? R53_OK : r53_rp_xerr(p);
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
		} else if ((s = r53_rp_skip(p)) != R53_OK)
			return s;
	}
	if (r != 0)
		return r53_rp_xerr(p);
	if (rr->alias_zone_id == NULL || rr->alias_dns_name == NULL)
		return r53_rp_fail(p, R53_ESHAPE, "%s/%s missing",
		    r53_rp_closed(p), rr->alias_zone_id == NULL ?
		    "HostedZoneId" : "DNSName");
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
				return r53_rp_fail(p, R53_ELIMIT, "%s: %zu "
				    "bytes, more than %d", r53_rp_closed(p),
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
			return r53_rp_fail(p, R53_ESHAPE, "%s repeated",
			    r53_rp_path(p));
		} else {
			/* Routing policy, or something new: not plain. */
			rr->flags |= R53_RRSET_ROUTING;
			if ((s = describe(p, &d)) != R53_OK)
				return s;
		}
	}
	if (r != 0)
		return r53_rp_xerr(p);
	if (rr->name == NULL || rr->type == NULL)
		return r53_rp_fail(p, R53_ESHAPE, "%s/%s missing",
		    r53_rp_closed(p), rr->name == NULL ? "Name" : "Type");
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
	if ((s = r53_rp_begin(&p, body, len, "ListResourceRecordSetsResponse",
	    why)) != R53_OK)
		return s;
	while ((r = xml_child(x)) == 1) {
		if (xml_is(x, "ResourceRecordSets")) {
			while ((r2 = xml_child(x)) == 1) {
				if (!xml_is(x, "ResourceRecordSet")) {
					if ((s = r53_rp_skip(&p)) != R53_OK)
						return s;
					continue;
				}
				if ((s = parse_rrset(&p, &rr)) != R53_OK) {
					if (rr.name != NULL &&
					    rr.name[0] != '\0')
						r53_rp_fail_more(&p, " (record "
						    "set %s)", r53_rp_quote(&p,
						    rr.name));
					return s;
				}
				page->count++;
				if (cb != NULL && cb(arg, &rr) != 0)
					return R53_EABORT;
			}
			if (r2 != 0)
				return r53_rp_xerr(&p);
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
		} else if ((s = r53_rp_skip(&p)) != R53_OK)
			return s;
	}
	if ((s = r53_rp_finish(&p, r)) != R53_OK)
		return s;
	if (!seen_trunc)
		return r53_rp_fail(&p, R53_ESHAPE, "%s/IsTruncated missing",
		    r53_rp_closed(&p));
	if (page->truncated && (page->next_name[0] == '\0' ||
	    page->next_type[0] == '\0'))
		return r53_rp_fail(&p, R53_ESHAPE, "%s/%s missing (IsTruncated "
		    "is true)", r53_rp_closed(&p), page->next_name[0] == '\0' ?
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
			if ((s = r53_rp_text(p, &z->comment)) != R53_OK)
				return s;
		} else if (xml_is(x, "PrivateZone")) {
			if ((s = text_bool(p, &z->private_zone)) != R53_OK)
				return s;
		} else if ((s = r53_rp_skip(p)) != R53_OK)
			return s;
	}
	return r == 0 ? R53_OK : r53_rp_xerr(p);
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
		} else if ((s = r53_rp_skip(p)) != R53_OK)
			return s;
	}
	if (r != 0)
		return r53_rp_xerr(p);
	if (z->id == NULL || z->name == NULL)
		return r53_rp_fail(p, R53_ESHAPE, "%s/%s missing",
		    r53_rp_closed(p), z->id == NULL ? "Id" : "Name");
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
	if ((s = r53_rp_begin(&p, body, len, "ListHostedZonesByNameResponse",
	    why)) != R53_OK)
		return s;
	while ((r = xml_child(x)) == 1) {
		if (xml_is(x, "HostedZones")) {
			while ((r2 = xml_child(x)) == 1) {
				if (!xml_is(x, "HostedZone")) {
					if ((s = r53_rp_skip(&p)) != R53_OK)
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
				return r53_rp_xerr(&p);
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
		} else if ((s = r53_rp_skip(&p)) != R53_OK)
			return s;
	}
	if ((s = r53_rp_finish(&p, r)) != R53_OK)
		return s;
	if (!seen_trunc)
		return r53_rp_fail(&p, R53_ESHAPE, "%s/IsTruncated missing",
		    r53_rp_closed(&p));
	if (page->truncated && (page->next_dns_name[0] == '\0' ||
	    page->next_zone_id[0] == '\0'))
		return r53_rp_fail(&p, R53_ESHAPE, "%s/%s missing (IsTruncated "
		    "is true)", r53_rp_closed(&p),
		    page->next_dns_name[0] == '\0' ? "NextDNSName" :
		    "NextHostedZoneId");
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
			if ((s = r53_rp_skip(p)) != R53_OK)
				return s;
			continue;
		}
		while ((r2 = xml_child(x)) == 1) {
			if (!xml_is(x, "NameServer")) {
				if ((s = r53_rp_skip(p)) != R53_OK)
					return s;
				continue;
			}
			if ((s = text_max(p, &t, R53_NAME_MAX)) != R53_OK)
				return s;
			if (z->nname_servers < R53_NS_MAX)
				z->name_servers[z->nname_servers++] = t;
		}
		if (r2 != 0)
			return r53_rp_xerr(p);
	}
	return r == 0 ? R53_OK : r53_rp_xerr(p);
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
			if ((s = r53_rp_skip(p)) != R53_OK)
				return s;
			continue;
		}
		id = NULL;
		while ((r2 = xml_child(x)) == 1) {
			if (xml_is(x, "VPCId")) {
				if ((s = text_max(p, &id, R53_VPCID_MAX)) !=
				    R53_OK)
					return s;
			} else if ((s = r53_rp_skip(p)) != R53_OK)
				return s;
		}
		if (r2 != 0)
			return r53_rp_xerr(p);
		if (id == NULL)
			return r53_rp_fail(p, R53_ESHAPE, "%s/VPCId missing",
			    r53_rp_closed(p));
		if (z->nvpcs < R53_VPCS_MAX)
			z->vpcs[z->nvpcs++] = id;
		z->nvpcs_listed++;
	}
	return r == 0 ? R53_OK : r53_rp_xerr(p);
}

int
r53_parse_get_zone(char *body, size_t len, struct r53_zone *out,
    struct r53_why *why)
{
	struct rp	p;
	int		r, s, found = 0;

	zone_init(out);
	if ((s = r53_rp_begin(&p, body, len, "GetHostedZoneResponse", why)) !=
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
		} else if ((s = r53_rp_skip(&p)) != R53_OK)
			return s;
	}
	if ((s = r53_rp_finish(&p, r)) != R53_OK)
		return s;
	if (!found)
		return r53_rp_fail(&p, R53_ESHAPE, "%s/HostedZone missing",
		    r53_rp_closed(&p));
	return R53_OK;
}
