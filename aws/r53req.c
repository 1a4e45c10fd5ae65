/*
 * aws/r53req.c: Route 53 requests (aws/r53msg.h): the
 * ChangeResourceRecordSets body, checked against Route 53's limits and
 * escaped for XML, and the method, path and query parameters of each
 * operation.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "aws/r53msg.h"
#include "aws/r53msg_impl.h"
#include "aws/util.h"

#define API	"/" R53_API_VERSION

/* Bounded output; invariant: buf[0..len) written and len < cap unless err. */
struct out {
	char	*buf;
	size_t	 cap;
	size_t	 len;
	int	 err;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->err)
		return;
	if (n >= o->cap - o->len) {
		o->err = 1;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/*
 * Number of characters in s (UTF-8 sequences), or -1 if s holds a
 * control character (below 0x20) or malformed UTF-8.
 */
static long
text_chars(const char *s)
{
	size_t	n;
	long	count = 0;

	while (*s != '\0') {
		if ((unsigned char)*s < 0x20)
			return -1;
		n = util_utf8_len((const unsigned char *)s, strlen(s), NULL);
		if (n == 0)
			return -1;
		s += n;
		count++;
	}
	return count;
}

/* Element with escaped text content.  s was checked with text_chars(). */
static void
put_elem(struct out *o, const char *name, const char *s)
{
	const char	*e;

	put(o, "<", 1);
	puts_(o, name);
	put(o, ">", 1);
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			e = "&amp;";
			break;
		case '<':
			e = "&lt;";
			break;
		case '>':
			e = "&gt;";
			break;
		case '"':
			e = "&quot;";
			break;
		case '\'':
			e = "&apos;";
			break;
		default:
			put(o, s, 1);
			continue;
		}
		puts_(o, e);
	}
	put(o, "</", 2);
	puts_(o, name);
	put(o, ">", 1);
}

static int
valid_type(const char *t)
{
	size_t	n;

	for (n = 0; t[n] != '\0'; n++)
		if (!((t[n] >= 'A' && t[n] <= 'Z') ||
		    (t[n] >= '0' && t[n] <= '9')))
			return 0;
	return n >= 1 && n <= R53_TYPE_MAX;
}

void
r53_change_cost(const struct r53_change *c, size_t *records, size_t *chars)
{
	size_t	i, n = 0, mult = (c->action == R53_UPSERT) ? 2 : 1;

	for (i = 0; i < c->nvalues; i++)
		if (c->values[i] != NULL)
			n += chars_of(c->values[i]);
	*records = c->nvalues * mult;
	*chars = n * mult;
}

static int
valid_change(const struct r53_change *c)
{
	long	n;
	size_t	i;

	if (c->action != R53_CREATE && c->action != R53_DELETE &&
	    c->action != R53_UPSERT)
		return 0;
	if (c->name == NULL || c->type == NULL || !valid_type(c->type) ||
	    c->ttl > R53_TTL_MAX || c->nvalues == 0 ||
	    c->nvalues > R53_VALUES_MAX || c->values == NULL)
		return 0;
	n = text_chars(c->name);
	if (n < 1 || n > R53_NAME_MAX)
		return 0;
	for (i = 0; i < c->nvalues; i++) {
		if (c->values[i] == NULL)
			return 0;
		n = text_chars(c->values[i]);
		if (n < 1 || n > R53_VALUE_MAX)
			return 0;
	}
	return 1;
}

int
r53_change_batch_xml(char *buf, size_t cap, const char *comment,
    const struct r53_change *c, size_t n)
{
	static const char *const actions[] = { "CREATE", "DELETE", "UPSERT" };
	struct out	o;
	char		ttl[16];
	size_t		i, j, rec = 0, chr = 0, r, ch;
	long		cn;

	if (buf == NULL || cap == 0 || cap > INT_MAX || c == NULL || n == 0)
		return -1;
	if (comment != NULL) {
		cn = text_chars(comment);
		if (cn < 0 || cn > R53_COMMENT_MAX)
			return -1;
	}
	for (i = 0; i < n; i++) {
		if (!valid_change(&c[i]))
			return -1;
		r53_change_cost(&c[i], &r, &ch);
		rec += r;
		chr += ch;
	}
	if (rec > R53_BATCH_RECORDS_MAX || chr > R53_BATCH_CHARS_MAX)
		return -1;

	o.buf = buf;
	o.cap = cap;
	o.len = 0;
	o.err = 0;
	buf[0] = '\0';
	puts_(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<ChangeResourceRecordSetsRequest xmlns=\"" R53_XMLNS "\">"
	    "<ChangeBatch>");
	if (comment != NULL)
		put_elem(&o, "Comment", comment);
	puts_(&o, "<Changes>");
	for (i = 0; i < n; i++) {
		puts_(&o, "<Change>");
		put_elem(&o, "Action", actions[c[i].action]);
		puts_(&o, "<ResourceRecordSet>");
		put_elem(&o, "Name", c[i].name);
		put_elem(&o, "Type", c[i].type);
		snprintf(ttl, sizeof(ttl), "%lu", (unsigned long)c[i].ttl);
		put_elem(&o, "TTL", ttl);
		puts_(&o, "<ResourceRecords>");
		for (j = 0; j < c[i].nvalues; j++) {
			puts_(&o, "<ResourceRecord>");
			put_elem(&o, "Value", c[i].values[j]);
			puts_(&o, "</ResourceRecord>");
		}
		puts_(&o, "</ResourceRecords></ResourceRecordSet></Change>");
	}
	puts_(&o, "</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>");
	if (o.err)
		return -1;
	return (int)o.len;
}

/*
 * ---- Requests ----
 */

/* The bare form of id (after the last '/'), or NULL if invalid. */
static const char *
bare_id(const char *id)
{
	const char	*b, *p;

	if (id == NULL)
		return NULL;
	b = strrchr(id, '/');
	b = b != NULL ? b + 1 : id;
	for (p = b; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9')))
			return NULL;
	if (p == b || p - b > R53_ID_MAX)
		return NULL;
	return b;
}

/* path = API prefix id suffix */
static int
req_init(struct r53_req *r, const char *method, const char *prefix,
    const char *id, const char *suffix)
{
	int	n;

	memset(r, 0, sizeof(*r));
	r->method = method;
	n = snprintf(r->path, sizeof(r->path), "%s%s%s%s", API, prefix, id,
	    suffix);
	return (n < 0 || (size_t)n >= sizeof(r->path)) ? -1 : 0;
}

static void
req_param(struct r53_req *r, const char *key, const char *value)
{
	r->params[r->nparams].key = key;
	r->params[r->nparams++].value = value;
}

static int
req_maxitems(struct r53_req *r, unsigned maxitems, unsigned limit)
{
	if (maxitems > limit)
		return -1;
	if (maxitems > 0) {
		snprintf(r->maxitems, sizeof(r->maxitems), "%u", maxitems);
		req_param(r, "maxitems", r->maxitems);
	}
	return 0;
}

int
r53_req_change_rrsets(struct r53_req *r, const char *zoneid)
{
	const char	*id = bare_id(zoneid);

	if (id == NULL)
		return -1;
	return req_init(r, "POST", "/hostedzone/", id, "/rrset/");
}

int
r53_req_list_rrsets(struct r53_req *r, const char *zoneid, const char *name,
    const char *type, const char *identifier, unsigned maxitems)
{
	const char	*id = bare_id(zoneid);

	if (id == NULL || (type != NULL && name == NULL) ||
	    (identifier != NULL && type == NULL))
		return -1;
	if (req_init(r, "GET", "/hostedzone/", id, "/rrset") == -1)
		return -1;
	if (name != NULL)
		req_param(r, "name", name);
	if (type != NULL)
		req_param(r, "type", type);
	if (identifier != NULL)
		req_param(r, "identifier", identifier);
	return req_maxitems(r, maxitems, R53_LIST_RRSETS_MAX);
}

int
r53_req_get_change(struct r53_req *r, const char *changeid)
{
	const char	*id = bare_id(changeid);

	if (id == NULL)
		return -1;
	return req_init(r, "GET", "/change/", id, "");
}

int
r53_req_list_zones_by_name(struct r53_req *r, const char *dnsname,
    const char *zoneid, unsigned maxitems)
{
	const char	*id = NULL;

	if (zoneid != NULL && (dnsname == NULL ||
	    (id = bare_id(zoneid)) == NULL))
		return -1;
	if (req_init(r, "GET", "/hostedzonesbyname", "", "") == -1)
		return -1;
	if (dnsname != NULL)
		req_param(r, "dnsname", dnsname);
	if (id != NULL)
		req_param(r, "hostedzoneid", id);
	return req_maxitems(r, maxitems, R53_LIST_ZONES_MAX);
}

int
r53_req_get_zone(struct r53_req *r, const char *zoneid)
{
	const char	*id = bare_id(zoneid);

	if (id == NULL)
		return -1;
	return req_init(r, "GET", "/hostedzone/", id, "");
}
