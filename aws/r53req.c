/*
 * aws/r53req.c: Route 53 requests (aws/r53msg.h): the
 * ChangeResourceRecordSets body, checked against Route 53's limits and
 * escaped for XML, and the method, path and query parameters of each
 * operation.
 */
#include <limits.h>
#include <stdint.h>
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

/* A string literal, its length known at compile time. */
#define PUTLIT(o, lit)	put((o), (lit), sizeof(lit) - 1)

/* Eight bytes at once: each in [0x20, 0x80) (no borrow, no high bit). */
#define ONES	0x0101010101010101ULL
#define ASCII8(w)	(((((w) - 0x20 * ONES) | (w)) & (0x80 * ONES)) == 0)

/*
 * Number of characters in s (UTF-8 sequences), or -1 if s holds a
 * control character (below 0x20) or malformed UTF-8.  Printable ASCII is
 * counted eight bytes at a time where it can, without decoding.
 */
static long
text_chars(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	const unsigned char	*end = p + strlen(s);
	uint64_t		 w;
	size_t			 n;
	long			 count = 0;

	for (;;) {
		for (; end - p >= 8; p += 8, count += 8) {
			memcpy(&w, p, sizeof(w));
			if (!ASCII8(w))
				break;
		}
		for (; p < end && *p >= 0x20 && *p < 0x80; p++)
			count++;
		if (p == end)
			return count;
		if (*p < 0x20 || (n = util_utf8_len(p, (size_t)(end - p),
		    NULL)) == 0)
			return -1;
		p += n;
		count++;
	}
}

/* '"', '&', '\'', '<' and '>', the characters text content escapes. */
#define XML_SPECIAL	(1ULL << '"' | 1ULL << '&' | 1ULL << '\'' | \
			    1ULL << '<' | 1ULL << '>')

/* 1 for NUL and the characters XML text content needs as references. */
static int
xml_stop(unsigned char c)
{
	return c < 64 && ((XML_SPECIAL | 1) >> c & 1);
}

/*
 * Element with escaped text content between the tags open and close:
 * runs of characters that need no reference are copied at once.  s was
 * checked with text_chars().
 */
static void
put_elem(struct out *o, const char *open, size_t olen, const char *close,
    size_t clen, const char *s)
{
	const char	*e, *run;

	put(o, open, olen);
	for (;;) {
		for (run = s; !xml_stop((unsigned char)*s); s++)
			;
		if (s > run)
			put(o, run, (size_t)(s - run));
		if (*s == '\0')
			break;
		switch (*s++) {
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
		default:
			e = "&apos;";
			break;
		}
		puts_(o, e);
	}
	put(o, close, clen);
}

/* put_elem() for an element named by a string literal. */
#define PUT_ELEM(o, name, s)	put_elem((o), "<" name ">",		\
				    sizeof(name) + 1, "</" name ">",	\
				    sizeof(name) + 2, (s))

/* v in decimal with a NUL at the start of buf (11 bytes); returns buf. */
static const char *
dec32(char *buf, uint32_t v)
{
	char	 d[10], *p = d + sizeof(d);
	size_t	 n;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	n = (size_t)(d + sizeof(d) - p);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
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

/*
 * 1 if the change is valid; *vchars then holds the characters of its
 * values (what chars_of() counts, the values being valid UTF-8).
 */
static int
valid_change(const struct r53_change *c, size_t *vchars)
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
	*vchars = 0;
	for (i = 0; i < c->nvalues; i++) {
		if (c->values[i] == NULL)
			return 0;
		n = text_chars(c->values[i]);
		if (n < 1 || n > R53_VALUE_MAX)
			return 0;
		*vchars += (size_t)n;
	}
	return 1;
}

int
r53_change_batch_xml(char *buf, size_t cap, const char *comment,
    const struct r53_change *c, size_t n)
{
	static const char *const actions[] = { "CREATE", "DELETE", "UPSERT" };
	struct out	o;
	char		ttl[11];
	size_t		i, j, rec = 0, chr = 0, vc, mult;
	long		cn;

	if (buf == NULL || cap == 0 || cap > INT_MAX || c == NULL || n == 0)
		return -1;
	if (comment != NULL) {
		cn = text_chars(comment);
		if (cn < 0 || cn > R53_COMMENT_MAX)
			return -1;
	}
	for (i = 0; i < n; i++) {
		/* As r53_change_cost() counts. */
		if (!valid_change(&c[i], &vc))
			return -1;
		mult = c[i].action == R53_UPSERT ? 2 : 1;
		rec += c[i].nvalues * mult;
		chr += vc * mult;
	}
	if (rec > R53_BATCH_RECORDS_MAX || chr > R53_BATCH_CHARS_MAX)
		return -1;

	o.buf = buf;
	o.cap = cap;
	o.len = 0;
	o.err = 0;
	buf[0] = '\0';
	PUTLIT(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<ChangeResourceRecordSetsRequest xmlns=\"" R53_XMLNS "\">"
	    "<ChangeBatch>");
	if (comment != NULL)
		PUT_ELEM(&o, "Comment", comment);
	PUTLIT(&o, "<Changes>");
	for (i = 0; i < n; i++) {
		PUTLIT(&o, "<Change>");
		PUT_ELEM(&o, "Action", actions[c[i].action]);
		PUTLIT(&o, "<ResourceRecordSet>");
		PUT_ELEM(&o, "Name", c[i].name);
		PUT_ELEM(&o, "Type", c[i].type);
		PUT_ELEM(&o, "TTL", dec32(ttl, c[i].ttl));
		PUTLIT(&o, "<ResourceRecords>");
		for (j = 0; j < c[i].nvalues; j++) {
			PUTLIT(&o, "<ResourceRecord>");
			PUT_ELEM(&o, "Value", c[i].values[j]);
			PUTLIT(&o, "</ResourceRecord>");
		}
		PUTLIT(&o, "</ResourceRecords></ResourceRecordSet></Change>");
	}
	PUTLIT(&o, "</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>");
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
	const char	*part[4];
	size_t		 i, n, len = 0;

	memset(r, 0, sizeof(*r));
	r->method = method;
	part[0] = API;
	part[1] = prefix;
	part[2] = id;
	part[3] = suffix;
	for (i = 0; i < 4; i++) {
		n = strlen(part[i]);
		if (n >= sizeof(r->path) - len)
			return -1;
		memcpy(r->path + len, part[i], n);
		len += n;
	}
	r->path[len] = '\0';
	return 0;
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
		req_param(r, "maxitems", dec32(r->maxitems, maxitems));
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
