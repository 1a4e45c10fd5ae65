/*
 * r53msg.h: Route 53 (API 2013-04-01) request bodies, request paths and
 * response parsing.  No I/O, no allocation.
 *
 * Requests.  r53_change_batch_xml() writes a ChangeResourceRecordSets
 * body; the r53_req_*() functions fill a struct r53_req with the method,
 * the raw path and the raw query parameters of an operation, ready for
 * sigv4 (which encodes and sorts them: send sigv4_canonical_uri() and
 * sigv4_canonical_query() of the same data on the request line).
 *
 * Responses.  The r53_parse_*() functions take the body of an HTTP
 * response in a WRITABLE caller buffer: it is decoded in place by the
 * XML reader (see xml.h) and its previous contents are lost.  Strings
 * the parsers hand out as pointers (struct r53_rrset, struct r53_zone)
 * point into that buffer and stay valid until the caller reuses it;
 * strings in the fixed arrays of the result structs are copies.
 * Unknown elements are skipped, so new fields Route 53 may add do not
 * break parsing; a missing required element, a malformed number or
 * boolean, or an unexpected root element is R53_ESHAPE.  Names longer
 * than R53_NAME_MAX characters, Values longer than R53_VALUE_MAX
 * characters, more than R53_VALUES_MAX values in a record set and IDs
 * longer than R53_ID_MAX are R53_ELIMIT, never a truncation.
 *
 * Every parser takes a struct r53_why (NULL if not wanted) that, when
 * the result is R53_EXML, R53_ESHAPE or R53_ELIMIT, says what is wrong,
 * naming the element by its path from the root:
 *
 *	ListHostedZonesByNameResponse/IsTruncated missing
 *	ListResourceRecordSetsResponse/ResourceRecordSets/ResourceRecordSet/
 *	    TTL: "abc" is not a number (record set "www.example.com.")
 *	root element is GetChangeResponse, not GetHostedZoneResponse
 *	elements nested too deeply at byte 812 in ListResourceRecordSets...
 *
 * One line: values from the body are quoted, cut after 40 bytes, with
 * bytes outside printable ASCII written as \xHH; element names are as
 * the document spells them (XML names hold no control characters).
 * Route 53 answers hold no secrets.  The text is "" on success and for
 * R53_EABORT.
 *
 * Characters are counted as Route 53 counts them: Unicode characters,
 * i.e. UTF-8 sequences (the same as bytes for the ASCII presentation
 * forms Route 53 uses).
 */
#ifndef R53D_AWS_R53MSG_H
#define R53D_AWS_R53MSG_H

#include <stddef.h>
#include <stdint.h>

#include "aws/sigv4.h"

#define R53_API_VERSION		"2013-04-01"
#define R53_XMLNS		"https://route53.amazonaws.com/doc/2013-04-01/"
#define R53_SERVICE		"route53"

#define R53_NAME_MAX		1024	/* Name, DNSName: characters */
#define R53_VALUE_MAX		4000	/* one Value: characters */
#define R53_VALUES_MAX		400	/* values in one record set */
#define R53_BATCH_RECORDS_MAX	1000	/* ResourceRecords per request */
#define R53_BATCH_CHARS_MAX	32000	/* Value characters per request */
#define R53_COMMENT_MAX		256	/* ChangeBatch Comment */
#define R53_ID_MAX		32	/* zone and change IDs, bare */
#define R53_TYPE_MAX		15	/* RR type mnemonic */
#define R53_SETID_MAX		128	/* SetIdentifier */
#define R53_TTL_MAX		2147483647u
#define R53_LIST_RRSETS_MAX	300	/* maxitems for ListResourceRecordSets */
#define R53_LIST_ZONES_MAX	100	/* maxitems for ListHostedZonesByName */
#define R53_NS_MAX		16	/* name servers kept from GetHostedZone */
#define R53_VPCS_MAX		300	/* VPCs per private zone (quota) */
#define R53_VPCID_MAX		1024	/* VPCId: characters */
#define R53_ROUTING_SIZE	256	/* routing description, truncated */
#define R53_ERRMSG_SIZE		1024	/* error message, truncated */

/* Results of the parsers. */
enum r53_status {
	R53_OK = 0,
	R53_EXML = -1,		/* not well-formed or hostile XML */
	R53_ESHAPE = -2,	/* well-formed, but not the expected document */
	R53_ELIMIT = -3,	/* a field is longer than Route 53 allows */
	R53_EABORT = -4		/* a callback returned non-zero */
};

const char *r53_strerror(int status);

#define R53_WHY_SIZE		320

struct r53_why {
	char	text[R53_WHY_SIZE];
};

/*
 * ---- ChangeResourceRecordSets request body ----
 */

enum r53_action {
	R53_CREATE,
	R53_DELETE,
	R53_UPSERT
};

/*
 * One change to a plain (non-alias, no routing policy) record set.  All
 * strings are borrowed, NUL-terminated, in Route 53 presentation form:
 * name with \ooo escapes as Route 53 lists them (a trailing dot is
 * optional for Route 53), type a mnemonic such as "TXT", each value one
 * RR's RDATA text (TXT values in quotes, with \" and \\ inside).  The
 * writer escapes them for XML; it does not check them as DNS data.
 */
struct r53_change {
	enum r53_action		 action;
	const char		*name;
	const char		*type;
	uint32_t		 ttl;		/* 0..R53_TTL_MAX */
	const char *const	*values;	/* 1..R53_VALUES_MAX */
	size_t			 nvalues;
};

/*
 * What the change counts against the per-request limits: *records
 * ResourceRecord elements and *chars Value characters, UPSERT counting
 * twice (R53_BATCH_RECORDS_MAX, R53_BATCH_CHARS_MAX).
 */
void	r53_change_cost(const struct r53_change *c, size_t *records,
	    size_t *chars);

/*
 * Write the ChangeResourceRecordSetsRequest body for changes c[0..n) (in
 * that order) with an optional comment (NULL for none) into buf, with a
 * NUL.  Elements are in model order with the Route 53 namespace.
 * Returns the length, or -1 if it does not fit in cap or an input is
 * invalid: n == 0, no values, an empty or overlong name, type, value or
 * comment, a TTL above R53_TTL_MAX, a control character or malformed
 * UTF-8 anywhere, or a batch over the record or character limit.
 */
int	r53_change_batch_xml(char *buf, size_t cap, const char *comment,
	    const struct r53_change *c, size_t n);

/*
 * ---- Request paths and query parameters ----
 *
 * IDs may be given bare ("Z0123...") or with their prefix
 * ("/hostedzone/Z0123...", "/change/C..."): everything up to the last
 * "/" is dropped, as botocore does.  A bare ID must be 1..R53_ID_MAX
 * letters and digits.  Query values (names, types, identifiers) are
 * borrowed as given and must outlive the struct r53_req; maxitems 0
 * leaves the parameter out.  Each function returns 0, or -1 on invalid
 * input (the struct is then unusable).
 */

#define R53_PATH_SIZE		96
#define R53_PARAMS_MAX		4

struct r53_req {
	const char		*method;	/* "GET" or "POST" */
	char			 path[R53_PATH_SIZE];	/* raw */
	struct sigv4_param	 params[R53_PARAMS_MAX];
	size_t			 nparams;
	char			 maxitems[12];	/* storage for a param */
};

/* POST /2013-04-01/hostedzone/{Id}/rrset/ (body: r53_change_batch_xml) */
int	r53_req_change_rrsets(struct r53_req *r, const char *zoneid);

/*
 * GET /2013-04-01/hostedzone/{Id}/rrset?name=&type=&identifier=&maxitems=
 * name, type and identifier may be NULL; type needs name and identifier
 * needs type (Route 53 refuses the others).  maxitems 0..300.
 */
int	r53_req_list_rrsets(struct r53_req *r, const char *zoneid,
	    const char *name, const char *type, const char *identifier,
	    unsigned maxitems);

/* GET /2013-04-01/change/{Id} */
int	r53_req_get_change(struct r53_req *r, const char *changeid);

/*
 * GET /2013-04-01/hostedzonesbyname?dnsname=&hostedzoneid=&maxitems=
 * dnsname and zoneid may be NULL; zoneid needs dnsname.  maxitems 0..100.
 */
int	r53_req_list_zones_by_name(struct r53_req *r, const char *dnsname,
	    const char *zoneid, unsigned maxitems);

/* GET /2013-04-01/hostedzone/{Id} */
int	r53_req_get_zone(struct r53_req *r, const char *zoneid);

/*
 * ---- ChangeInfo (ChangeResourceRecordSets, GetChange, ...) ----
 */

enum r53_change_status {
	R53_PENDING,
	R53_INSYNC
};

struct r53_change_info {
	char			id[R53_ID_MAX + 1];	/* "/change/" removed */
	enum r53_change_status	status;
	char			submitted_at[40];	/* ISO 8601, as sent */
};

/* Any root element with a ChangeInfo child {Id, Status, SubmittedAt}. */
int	r53_parse_change_info(char *body, size_t len,
	    struct r53_change_info *out, struct r53_why *why);

/*
 * ---- ListResourceRecordSets ----
 */

#define R53_RRSET_ALIAS		0x01	/* AliasTarget present */
#define R53_RRSET_ROUTING	0x02	/* SetIdentifier, a routing policy or
					   an element r53d does not know */

/* One record set as listed.  Pointers are into the body buffer. */
struct r53_rrset {
	const char	*name;		/* lower case, \ooo escapes, final dot */
	const char	*type;
	int		 has_ttl;	/* no TTL for alias record sets */
	uint32_t	 ttl;
	const char	*values[R53_VALUES_MAX];
	size_t		 nvalues;	/* 0 for alias record sets */
	unsigned	 flags;		/* R53_RRSET_* */
	const char	*set_identifier;	/* NULL when absent */
	const char	*alias_zone_id;		/* NULL unless alias */
	const char	*alias_dns_name;	/* NULL unless alias */
	int		 alias_evaluate_health;
	/*
	 * For exporters: the routing elements as text, e.g.
	 * "Weight=10 GeoLocation=CountryCode:DE HealthCheckId=abc",
	 * "" when there are none; truncated with "..." if long.
	 */
	char		 routing[R53_ROUTING_SIZE];
};

/* Called once per record set, in document order; non-zero stops. */
typedef int	(*r53_rrset_cb)(void *arg, const struct r53_rrset *rr);

struct r53_rrset_page {
	size_t		count;		/* record sets passed to the callback */
	int		truncated;	/* IsTruncated */
	/* When truncated: where the next page starts; "" when absent. */
	char		next_name[R53_NAME_MAX * 4 + 1];
	char		next_type[R53_TYPE_MAX + 1];
	char		next_identifier[R53_SETID_MAX * 4 + 1];
	unsigned	max_items;	/* MaxItems echoed, 0 if absent */
};

/*
 * Parse a ListResourceRecordSetsResponse.  The callback sees each record
 * set before the paging fields are known; if the result is not R53_OK,
 * the page is incomplete and everything it delivered must be dropped.
 */
int	r53_parse_list_rrsets(char *body, size_t len, r53_rrset_cb cb,
	    void *arg, struct r53_rrset_page *page, struct r53_why *why);

/*
 * ---- Hosted zones: ListHostedZonesByName, GetHostedZone ----
 */

/* Pointers are into the body buffer. */
struct r53_zone {
	const char	*id;		/* "/hostedzone/" removed */
	const char	*name;
	const char	*comment;	/* NULL when absent */
	int		 private_zone;	/* Config/PrivateZone, 0 if absent */
	long long	 rrset_count;	/* -1 when absent */
	/* GetHostedZone DelegationSet only; beyond R53_NS_MAX are dropped. */
	const char	*name_servers[R53_NS_MAX];
	size_t		 nname_servers;
	/*
	 * GetHostedZone VPCs/VPC/VPCId, private zones only: the first
	 * R53_VPCS_MAX in vpcs, all of them counted in nvpcs_listed
	 * (so nvpcs < nvpcs_listed says some were not kept).
	 */
	const char	*vpcs[R53_VPCS_MAX];
	size_t		 nvpcs, nvpcs_listed;
};

typedef int	(*r53_zone_cb)(void *arg, const struct r53_zone *z);

struct r53_zone_page {
	size_t		count;
	int		truncated;
	char		next_dns_name[R53_NAME_MAX * 4 + 1];	/* "" if absent */
	char		next_zone_id[R53_ID_MAX + 1];		/* "" if absent */
	unsigned	max_items;
};

int	r53_parse_list_zones_by_name(char *body, size_t len, r53_zone_cb cb,
	    void *arg, struct r53_zone_page *page, struct r53_why *why);

/*
 * GetHostedZoneResponse: HostedZone and, if present, DelegationSet or
 * VPCs.  A VPC without a VPCId is R53_ESHAPE.
 */
int	r53_parse_get_zone(char *body, size_t len, struct r53_zone *out,
	    struct r53_why *why);

/*
 * ---- Errors ----
 *
 * Both forms Route 53 uses:
 *   A: ErrorResponse { Error { Type, Code, Message }, RequestId }
 *   B: InvalidChangeBatch { Messages { Message* }, RequestId }; code
 *      "InvalidChangeBatch", message the Messages joined as "[m1, m2]"
 *      like form A.
 * Any other root with a Message child (e.g. a bare
 * <InvalidSignatureException>) gives the root's name as code.  Fields
 * are copied and silently truncated ("..." marks a cut message).
 * Returns R53_OK when a code was found.
 */
struct r53_error {
	char	type[16];
	char	code[64];
	char	message[R53_ERRMSG_SIZE];
	char	request_id[64];
};

int	r53_parse_error(char *body, size_t len, struct r53_error *out,
	    struct r53_why *why);

#endif
