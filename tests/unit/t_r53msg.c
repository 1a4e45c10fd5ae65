/*
 * t_r53msg.c: Route 53 request bodies, paths and response parsing, on
 * the documented shapes (ROUTE53.md) and on hostile bodies.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/r53msg.h"
#include "aws/sigv4.h"
#include "aws/xml.h"

#define NS	"xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\""

static char	body[1 << 21];

/* Copy a document into the writable body[] buffer; returns its length. */
static size_t
load(const char *s)
{
	size_t	n = strlen(s);

	cr_assert(n < sizeof(body));
	memcpy(body, s, n + 1);
	return n;
}

/*
 * ---- Request bodies ----
 */

static const char *const a_old[] = { "192.0.2.10" };
static const char *const a_new[] = { "192.0.2.10", "192.0.2.11" };

Test(r53msg, change_batch_exact)
{
	struct r53_change	c[2] = {
		{ R53_DELETE, "host.example.com.", "A", 300, a_old, 1 },
		{ R53_CREATE, "host.example.com.", "A", 300, a_new, 2 },
	};
	char			buf[2048];
	int			n;

	n = r53_change_batch_xml(buf, sizeof(buf), "rfc2136 update id 4711",
	    c, 2);
	cr_assert(n > 0);
	cr_expect_eq((size_t)n, strlen(buf));
	cr_expect_str_eq(buf,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<ChangeResourceRecordSetsRequest " NS "><ChangeBatch>"
	    "<Comment>rfc2136 update id 4711</Comment><Changes>"
	    "<Change><Action>DELETE</Action><ResourceRecordSet>"
	    "<Name>host.example.com.</Name><Type>A</Type><TTL>300</TTL>"
	    "<ResourceRecords><ResourceRecord><Value>192.0.2.10</Value>"
	    "</ResourceRecord></ResourceRecords></ResourceRecordSet>"
	    "</Change>"
	    "<Change><Action>CREATE</Action><ResourceRecordSet>"
	    "<Name>host.example.com.</Name><Type>A</Type><TTL>300</TTL>"
	    "<ResourceRecords><ResourceRecord><Value>192.0.2.10</Value>"
	    "</ResourceRecord><ResourceRecord><Value>192.0.2.11</Value>"
	    "</ResourceRecord></ResourceRecords></ResourceRecordSet>"
	    "</Change></Changes></ChangeBatch>"
	    "</ChangeResourceRecordSetsRequest>");

	/* Without a comment there is no Comment element. */
	cr_assert(r53_change_batch_xml(buf, sizeof(buf), NULL, c, 1) > 0);
	cr_expect(strstr(buf, "Comment") == NULL);
	cr_expect(strstr(buf, "<ChangeBatch><Changes><Change>") != NULL);
}

Test(r53msg, change_batch_escaping_round_trip)
{
	static const char *const txt[] = {
		"\"v=spf1 -all\"",
		"\"say \\\"hi\\\" & <bye> 'x' \\\\ \\344\"",
		"\"caf\xc3\xa9\"",
	};
	struct r53_change	 c = { R53_UPSERT, "\\052.example.com.", "TXT",
	    60, txt, 3 };
	struct xml		 x;
	char			 buf[2048];
	const char		*t;
	size_t			 nv = 0;
	int			 tok;

	cr_assert(r53_change_batch_xml(buf, sizeof(buf), "a<b&c", &c, 1) > 0);
	cr_expect(strstr(buf, "<Value>&quot;say \\&quot;hi\\&quot; &amp; "
	    "&lt;bye&gt; &apos;x&apos; \\\\ \\344&quot;</Value>") != NULL,
	    "%s", buf);
	cr_expect(strstr(buf, "<Comment>a&lt;b&amp;c</Comment>") != NULL);
	cr_expect(strstr(buf, "<Name>\\052.example.com.</Name>") != NULL);
	cr_expect(strstr(buf, "<Action>UPSERT</Action>") != NULL);

	/* The reader gives back exactly what went in. */
	xml_init(&x, buf, strlen(buf));
	while ((tok = xml_next(&x)) != XML_EOF) {
		cr_assert_neq(tok, XML_ERROR, "%s",
		    xml_strerror(xml_error(&x, NULL)));
		if (tok == XML_START && xml_is(&x, "Value")) {
			cr_assert_eq(xml_text(&x, &t, NULL), 0);
			cr_assert(nv < 3);
			cr_expect_str_eq(t, txt[nv]);
			nv++;
		} else if (tok == XML_START && xml_is(&x, "Comment")) {
			cr_assert_eq(xml_text(&x, &t, NULL), 0);
			cr_expect_str_eq(t, "a<b&c");
		}
	}
	cr_expect_eq(nv, 3);
}

Test(r53msg, change_batch_capacity)
{
	struct r53_change	c = { R53_CREATE, "a.example.", "A", 0,
	    a_new, 2 };
	char			buf[1024], ref[1024];
	int			n;
	size_t			cap;

	n = r53_change_batch_xml(ref, sizeof(ref), "c", &c, 1);
	cr_assert(n > 0);
	for (cap = 1; cap <= (size_t)n; cap++) {
		memset(buf, 'x', sizeof(buf));
		cr_expect_eq(r53_change_batch_xml(buf, cap, "c", &c, 1), -1);
		cr_expect_eq(buf[cap], 'x', "wrote past cap %zu", cap);
	}
	cr_expect_eq(r53_change_batch_xml(buf, (size_t)n + 1, "c", &c, 1), n);
	cr_expect_str_eq(buf, ref);
}

Test(r53msg, change_batch_invalid)
{
	static const char *const bad_ctl[] = { "\"a\tb\"" };
	static const char *const bad_utf8[] = { "\"\xc3\"" };
	static const char *const empty[] = { "" };
	static const char *const nul[] = { NULL };
	struct r53_change	c = { R53_CREATE, "a.example.", "A", 60,
	    a_old, 1 };
	struct r53_change	d;
	char			buf[4096], longname[R53_NAME_MAX + 2];
	char			comment[R53_COMMENT_MAX + 2];

	cr_assert(r53_change_batch_xml(buf, sizeof(buf), NULL, &c, 1) > 0);
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, &c, 0), -1);
	d = c; d.nvalues = 0;
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, &d, 1), -1);
	d = c; d.values = bad_ctl;
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, &d, 1), -1);
	d = c; d.values = bad_utf8;
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, &d, 1), -1);
	d = c; d.values = empty;
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, &d, 1), -1);
	d = c; d.values = nul;
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, &d, 1), -1);
	d = c; d.type = "txt";
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, &d, 1), -1);
	d = c; d.type = "";
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, &d, 1), -1);
	d = c; d.ttl = R53_TTL_MAX + 1;
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, &d, 1), -1);
	d = c; d.ttl = R53_TTL_MAX;
	cr_expect(r53_change_batch_xml(buf, sizeof(buf), NULL, &d, 1) > 0);
	cr_expect(strstr(buf, "<TTL>2147483647</TTL>") != NULL);
	d = c; d.name = "";
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, &d, 1), -1);
	memset(longname, 'a', sizeof(longname));
	longname[R53_NAME_MAX] = '\0';
	d = c; d.name = longname;
	cr_expect(r53_change_batch_xml(buf, sizeof(buf), NULL, &d, 1) > 0);
	longname[R53_NAME_MAX] = 'a';
	longname[R53_NAME_MAX + 1] = '\0';
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, &d, 1), -1);
	memset(comment, 'c', sizeof(comment));
	comment[R53_COMMENT_MAX] = '\0';
	cr_expect(r53_change_batch_xml(buf, sizeof(buf), comment, &c, 1) > 0);
	comment[R53_COMMENT_MAX] = 'c';
	comment[R53_COMMENT_MAX + 1] = '\0';
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), comment, &c, 1),
	    -1);
}

Test(r53msg, change_cost_and_limits)
{
	static char		 big[R53_VALUE_MAX + 2];
	static const char	*vals[R53_VALUES_MAX + 1];
	static char		 buf[1 << 20];
	struct r53_change	 c[9];
	size_t			 rec, chr, i;

	c[0].action = R53_UPSERT;
	c[0].name = "a.";
	c[0].type = "TXT";
	c[0].ttl = 1;
	c[0].values = a_new;
	c[0].nvalues = 2;
	r53_change_cost(&c[0], &rec, &chr);
	cr_expect_eq(rec, 4);
	cr_expect_eq(chr, 2 * (10 + 10));
	c[0].action = R53_DELETE;
	r53_change_cost(&c[0], &rec, &chr);
	cr_expect_eq(rec, 2);
	cr_expect_eq(chr, 20);

	/* Characters, not bytes. */
	vals[0] = "\"caf\xc3\xa9\"";
	c[0].values = vals;
	c[0].nvalues = 1;
	r53_change_cost(&c[0], &rec, &chr);
	cr_expect_eq(chr, 6);

	/* 400 values per record set, no more. */
	for (i = 0; i <= R53_VALUES_MAX; i++)
		vals[i] = "\"x\"";
	c[0].nvalues = R53_VALUES_MAX;
	cr_expect(r53_change_batch_xml(buf, sizeof(buf), NULL, c, 1) > 0);
	c[0].nvalues = R53_VALUES_MAX + 1;
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, c, 1), -1);

	/* 1,000 records: 2 x 300 UPSERT counts 1,200. */
	c[0].action = R53_UPSERT;
	c[0].nvalues = 300;
	c[1] = c[0];
	c[1].name = "b.";
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, c, 2), -1);
	c[1].nvalues = 200;
	cr_expect(r53_change_batch_xml(buf, sizeof(buf), NULL, c, 2) > 0);

	/* 32,000 characters: eight 4,000-character values fit, nine not. */
	memset(big, 'v', R53_VALUE_MAX);
	big[R53_VALUE_MAX] = '\0';
	vals[0] = big;
	for (i = 0; i < 9; i++) {
		c[i].action = R53_CREATE;
		c[i].name = "big.";
		c[i].type = "TXT";
		c[i].ttl = 1;
		c[i].values = vals;
		c[i].nvalues = 1;
	}
	cr_expect(r53_change_batch_xml(buf, sizeof(buf), NULL, c, 8) > 0);
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, c, 9), -1);
	big[R53_VALUE_MAX] = 'v';
	big[R53_VALUE_MAX + 1] = '\0';
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, c, 1), -1);
}

/*
 * ---- Requests ----
 */

static void
expect_query(const struct r53_req *r, const char *want)
{
	char	q[512];

	cr_assert(sigv4_canonical_query(r->params, r->nparams, q,
	    sizeof(q)) >= 0);
	cr_expect_str_eq(q, want);
}

Test(r53msg, requests)
{
	struct r53_req	r;

	cr_assert_eq(r53_req_change_rrsets(&r,
	    "/hostedzone/Z0123456789ABCDEFGHIJ"), 0);
	cr_expect_str_eq(r.method, "POST");
	cr_expect_str_eq(r.path,
	    "/2013-04-01/hostedzone/Z0123456789ABCDEFGHIJ/rrset/");
	cr_expect_eq(r.nparams, 0);

	cr_assert_eq(r53_req_list_rrsets(&r, "Z1D633PJN98FT9",
	    "\\052.example.com.", "TXT", NULL, 0), 0);
	cr_expect_str_eq(r.method, "GET");
	cr_expect_str_eq(r.path, "/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset");
	expect_query(&r, "name=%5C052.example.com.&type=TXT");

	cr_assert_eq(r53_req_list_rrsets(&r, "Z1", "www.example.com.", "A",
	    "blue sky", 300), 0);
	expect_query(&r, "identifier=blue%20sky&maxitems=300&"
	    "name=www.example.com.&type=A");
	cr_assert_eq(r53_req_list_rrsets(&r, "Z1", NULL, NULL, NULL, 0), 0);
	expect_query(&r, "");

	cr_assert_eq(r53_req_get_change(&r, "/change/C0021990I7F3JHLHICJ4"),
	    0);
	cr_expect_str_eq(r.path, "/2013-04-01/change/C0021990I7F3JHLHICJ4");

	cr_assert_eq(r53_req_list_zones_by_name(&r, "example.com.",
	    "/hostedzone/Z9876543210ZYXWVUTSRQ", 100), 0);
	cr_expect_str_eq(r.path, "/2013-04-01/hostedzonesbyname");
	expect_query(&r, "dnsname=example.com.&"
	    "hostedzoneid=Z9876543210ZYXWVUTSRQ&maxitems=100");

	cr_assert_eq(r53_req_get_zone(&r, "Z0441723226OZ66S5ZCNZ"), 0);
	cr_expect_str_eq(r.path, "/2013-04-01/hostedzone/Z0441723226OZ66S5ZCNZ");
}

Test(r53msg, requests_invalid)
{
	struct r53_req	r;

	cr_expect_eq(r53_req_get_zone(&r, ""), -1);
	cr_expect_eq(r53_req_get_zone(&r, "/hostedzone/"), -1);
	cr_expect_eq(r53_req_get_zone(&r, NULL), -1);
	cr_expect_eq(r53_req_get_zone(&r, "Z1/../x y"), -1);
	cr_expect_eq(r53_req_get_zone(&r, "Z1?x=1"), -1);
	cr_expect_eq(r53_req_get_zone(&r,
	    "Z12345678901234567890123456789012"), -1);	/* 33 */
	cr_expect_eq(r53_req_get_zone(&r,
	    "Z1234567890123456789012345678901"), 0);	/* 32 */
	cr_expect_eq(r53_req_get_change(&r, "C1%2F"), -1);
	cr_expect_eq(r53_req_list_rrsets(&r, "Z1", NULL, "A", NULL, 0), -1);
	cr_expect_eq(r53_req_list_rrsets(&r, "Z1", "a.", NULL, "id", 0), -1);
	cr_expect_eq(r53_req_list_rrsets(&r, "Z1", "a.", "A", NULL, 301), -1);
	cr_expect_eq(r53_req_list_zones_by_name(&r, NULL, "Z1", 0), -1);
	cr_expect_eq(r53_req_list_zones_by_name(&r, "a.", NULL, 101), -1);
	cr_expect_eq(r53_req_list_zones_by_name(&r, NULL, NULL, 0), 0);
	cr_expect_eq(r.nparams, 0);
}

/*
 * ---- ChangeInfo ----
 */

Test(r53msg, change_info)
{
	struct r53_change_info	ci;

	load("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<ChangeResourceRecordSetsResponse " NS ">\n"
	    "  <ChangeInfo>\n"
	    "    <Id>/change/C0021990I7F3JHLHICJ4</Id>\n"
	    "    <Status>PENDING</Status>\n"
	    "    <SubmittedAt>2025-01-02T03:04:05.678Z</SubmittedAt>\n"
	    "    <Comment>rfc2136 update id 4711</Comment>\n"
	    "  </ChangeInfo>\n"
	    "</ChangeResourceRecordSetsResponse>\n");
	cr_assert_eq(r53_parse_change_info(body, strlen(body), &ci, NULL),
	    R53_OK);
	cr_expect_str_eq(ci.id, "C0021990I7F3JHLHICJ4");
	cr_expect_eq(ci.status, R53_PENDING);
	cr_expect_str_eq(ci.submitted_at, "2025-01-02T03:04:05.678Z");

	load("<GetChangeResponse " NS "><ChangeInfo><Id>/change/"
	    "C2682N5HXP0BZ4</Id><Status>INSYNC</Status><SubmittedAt>"
	    "2017-03-27T17:48:16.751Z</SubmittedAt></ChangeInfo>"
	    "</GetChangeResponse>");
	cr_assert_eq(r53_parse_change_info(body, strlen(body), &ci, NULL),
	    R53_OK);
	cr_expect_str_eq(ci.id, "C2682N5HXP0BZ4");
	cr_expect_eq(ci.status, R53_INSYNC);

	load("<GetChangeResponse><ChangeInfo><Id>/change/C1</Id><Status>DONE"
	    "</Status></ChangeInfo></GetChangeResponse>");
	cr_expect_eq(r53_parse_change_info(body, strlen(body), &ci, NULL),
	    R53_ESHAPE);
	load("<GetChangeResponse><ChangeInfo><Status>INSYNC</Status>"
	    "</ChangeInfo></GetChangeResponse>");
	cr_expect_eq(r53_parse_change_info(body, strlen(body), &ci, NULL),
	    R53_ESHAPE);
	load("<GetChangeResponse></GetChangeResponse>");
	cr_expect_eq(r53_parse_change_info(body, strlen(body), &ci, NULL),
	    R53_ESHAPE);
	load("<GetChangeResponse><ChangeInfo><Id>/change/"
	    "C123456789012345678901234567890123</Id><Status>INSYNC</Status>"
	    "</ChangeInfo></GetChangeResponse>");
	cr_expect_eq(r53_parse_change_info(body, strlen(body), &ci, NULL),
	    R53_ELIMIT);
	load("<GetChangeResponse><ChangeInfo><Id>/change/C1</Id>"
	    "<Status>INSYNC</Status></ChangeInfo>");
	cr_expect_eq(r53_parse_change_info(body, strlen(body), &ci, NULL),
	    R53_EXML);
	cr_expect_eq(r53_parse_change_info(body, 0, &ci, NULL), R53_EXML);
}

/*
 * ---- ListResourceRecordSets ----
 */

#define MAXRR	16

/* Copies of what the callback saw (the body is reused between tests). */
struct seen {
	size_t	n;
	int	stop_after;
	struct {
		char		name[64], type[16], v0[128], vlast[128];
		char		routing[R53_ROUTING_SIZE], setid[64];
		char		alias_zone[40], alias_name[128];
		int		has_ttl, alias_eval;
		uint32_t	ttl;
		size_t		nvalues;
		unsigned	flags;
	} rr[MAXRR];
};

static void
cp(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src != NULL ? src : "(null)");
}

static int
rr_cb(void *arg, const struct r53_rrset *rr)
{
	struct seen	*s = arg;
	size_t		 i = s->n++;

	if (i < MAXRR) {
		cp(s->rr[i].name, sizeof(s->rr[i].name), rr->name);
		cp(s->rr[i].type, sizeof(s->rr[i].type), rr->type);
		cp(s->rr[i].v0, sizeof(s->rr[i].v0),
		    rr->nvalues ? rr->values[0] : NULL);
		cp(s->rr[i].vlast, sizeof(s->rr[i].vlast),
		    rr->nvalues ? rr->values[rr->nvalues - 1] : NULL);
		cp(s->rr[i].routing, sizeof(s->rr[i].routing), rr->routing);
		cp(s->rr[i].setid, sizeof(s->rr[i].setid),
		    rr->set_identifier);
		cp(s->rr[i].alias_zone, sizeof(s->rr[i].alias_zone),
		    rr->alias_zone_id);
		cp(s->rr[i].alias_name, sizeof(s->rr[i].alias_name),
		    rr->alias_dns_name);
		s->rr[i].has_ttl = rr->has_ttl;
		s->rr[i].ttl = rr->ttl;
		s->rr[i].nvalues = rr->nvalues;
		s->rr[i].flags = rr->flags;
		s->rr[i].alias_eval = rr->alias_evaluate_health;
	}
	return s->stop_after > 0 && s->n >= (size_t)s->stop_after;
}

static const char list_doc[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ListResourceRecordSetsResponse " NS ">\n"
    "  <ResourceRecordSets>\n"
    "    <ResourceRecordSet>\n"
    "      <Name>example.com.</Name><Type>NS</Type><TTL>172800</TTL>\n"
    "      <ResourceRecords>\n"
    "        <ResourceRecord><Value>ns-144.awsdns-18.com.</Value>"
    "</ResourceRecord>\n"
    "        <ResourceRecord><Value>ns-1790.awsdns-31.co.uk.</Value>"
    "</ResourceRecord>\n"
    "        <ResourceRecord><Value>ns-599.awsdns-10.net.</Value>"
    "</ResourceRecord>\n"
    "        <ResourceRecord><Value>ns-1094.awsdns-08.org.</Value>"
    "</ResourceRecord>\n"
    "      </ResourceRecords>\n"
    "    </ResourceRecordSet>\n"
    "    <ResourceRecordSet>\n"
    "      <Name>example.com.</Name><Type>SOA</Type><TTL>900</TTL>\n"
    "      <ResourceRecords>\n"
    "        <ResourceRecord><Value>ns-144.awsdns-18.com. "
    "awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400</Value>"
    "</ResourceRecord>\n"
    "      </ResourceRecords>\n"
    "    </ResourceRecordSet>\n"
    "    <ResourceRecordSet>\n"
    "      <Name>\\052.example.com.</Name><Type>A</Type>\n"
    "      <AliasTarget><HostedZoneId>Z35SXDOTRQ7X7K</HostedZoneId>\n"
    "        <DNSName>dualstack.my-lb-123.us-east-1.elb.amazonaws.com."
    "</DNSName>\n"
    "        <EvaluateTargetHealth>false</EvaluateTargetHealth>"
    "</AliasTarget>\n"
    "    </ResourceRecordSet>\n"
    "  </ResourceRecordSets>\n"
    "  <IsTruncated>true</IsTruncated>\n"
    "  <NextRecordName>www.example.com.</NextRecordName>\n"
    "  <NextRecordType>A</NextRecordType>\n"
    "  <MaxItems>3</MaxItems>\n"
    "</ListResourceRecordSetsResponse>\n";

Test(r53msg, list_rrsets)
{
	static struct seen	s;
	struct r53_rrset_page	pg;

	memset(&s, 0, sizeof(s));
	load(list_doc);
	cr_assert_eq(r53_parse_list_rrsets(body, strlen(body), rr_cb, &s,
	    &pg, NULL), R53_OK);
	cr_assert_eq(s.n, 3);
	cr_expect_eq(pg.count, 3);
	cr_expect_str_eq(s.rr[0].name, "example.com.");
	cr_expect_str_eq(s.rr[0].type, "NS");
	cr_expect(s.rr[0].has_ttl);
	cr_expect_eq(s.rr[0].ttl, 172800);
	cr_expect_eq(s.rr[0].nvalues, 4);
	cr_expect_str_eq(s.rr[0].v0, "ns-144.awsdns-18.com.");
	cr_expect_str_eq(s.rr[0].vlast, "ns-1094.awsdns-08.org.");
	cr_expect_eq(s.rr[0].flags, 0);
	cr_expect_str_eq(s.rr[0].routing, "");
	cr_expect_str_eq(s.rr[0].setid, "(null)");
	cr_expect_str_eq(s.rr[1].type, "SOA");
	cr_expect_eq(s.rr[1].nvalues, 1);
	cr_expect_str_eq(s.rr[1].v0, "ns-144.awsdns-18.com. "
	    "awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400");
	cr_expect_str_eq(s.rr[2].name, "\\052.example.com.");
	cr_expect_eq(s.rr[2].flags, R53_RRSET_ALIAS);
	cr_expect_not(s.rr[2].has_ttl);
	cr_expect_eq(s.rr[2].nvalues, 0);
	cr_expect_str_eq(s.rr[2].alias_zone, "Z35SXDOTRQ7X7K");
	cr_expect_str_eq(s.rr[2].alias_name,
	    "dualstack.my-lb-123.us-east-1.elb.amazonaws.com.");
	cr_expect_eq(s.rr[2].alias_eval, 0);
	cr_expect(pg.truncated);
	cr_expect_str_eq(pg.next_name, "www.example.com.");
	cr_expect_str_eq(pg.next_type, "A");
	cr_expect_str_eq(pg.next_identifier, "");
	cr_expect_eq(pg.max_items, 3);

	/* The callback can stop the walk. */
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	load(list_doc);
	cr_expect_eq(r53_parse_list_rrsets(body, strlen(body), rr_cb, &s,
	    &pg, NULL), R53_EABORT);
	cr_expect_eq(s.n, 2);
}

Test(r53msg, list_rrsets_routing_and_txt)
{
	static struct seen	s;
	struct r53_rrset_page	pg;

	memset(&s, 0, sizeof(s));
	load("<ListResourceRecordSetsResponse " NS "><ResourceRecordSets>"
	    "<ResourceRecordSet><Name>www.example.com.</Name><Type>A</Type>"
	    "<SetIdentifier>blue</SetIdentifier><Weight>10</Weight>"
	    "<GeoLocation><CountryCode>DE</CountryCode><SubdivisionCode>BE"
	    "</SubdivisionCode></GeoLocation><TTL>60</TTL><ResourceRecords>"
	    "<ResourceRecord><Value>192.0.2.1</Value></ResourceRecord>"
	    "</ResourceRecords><HealthCheckId>abc-123</HealthCheckId>"
	    "</ResourceRecordSet>"
	    "<ResourceRecordSet><Name>t.example.com.</Name><Type>TXT</Type>"
	    "<TTL>0</TTL><ResourceRecords><ResourceRecord><Value>&quot;a b"
	    "&quot; &quot;\\&quot;q\\&quot; \\\\ \\344&quot;</Value>"
	    "</ResourceRecord><ResourceRecord><Value><![CDATA[\"<raw>\"]]>"
	    "</Value></ResourceRecord></ResourceRecords>"
	    "<MultiValueAnswer>true</MultiValueAnswer></ResourceRecordSet>"
	    "</ResourceRecordSets><IsTruncated>true</IsTruncated>"
	    "<NextRecordName>www.example.com.</NextRecordName>"
	    "<NextRecordType>A</NextRecordType>"
	    "<NextRecordIdentifier>green</NextRecordIdentifier>"
	    "<MaxItems>2</MaxItems></ListResourceRecordSetsResponse>");
	cr_assert_eq(r53_parse_list_rrsets(body, strlen(body), rr_cb, &s,
	    &pg, NULL), R53_OK);
	cr_assert_eq(s.n, 2);
	cr_expect_eq(s.rr[0].flags, R53_RRSET_ROUTING);
	cr_expect_str_eq(s.rr[0].setid, "blue");
	cr_expect_str_eq(s.rr[0].routing, "Weight=10 GeoLocation=CountryCode:"
	    "DE,SubdivisionCode:BE HealthCheckId=abc-123");
	cr_expect_eq(s.rr[0].ttl, 60);
	cr_expect_str_eq(s.rr[0].v0, "192.0.2.1");
	cr_expect_eq(s.rr[1].flags, R53_RRSET_ROUTING);
	cr_expect_str_eq(s.rr[1].routing, "MultiValueAnswer=true");
	cr_expect(s.rr[1].has_ttl);
	cr_expect_eq(s.rr[1].ttl, 0);
	cr_expect_str_eq(s.rr[1].v0, "\"a b\" \"\\\"q\\\" \\\\ \\344\"");
	cr_expect_str_eq(s.rr[1].vlast, "\"<raw>\"");
	cr_expect_str_eq(pg.next_identifier, "green");
	cr_expect_eq(pg.max_items, 2);
}

Test(r53msg, list_rrsets_empty_zone_page)
{
	struct r53_rrset_page	pg;

	load("<ListResourceRecordSetsResponse><ResourceRecordSets/>"
	    "<IsTruncated>false</IsTruncated><MaxItems>100</MaxItems>"
	    "</ListResourceRecordSetsResponse>");
	cr_assert_eq(r53_parse_list_rrsets(body, strlen(body), NULL, NULL,
	    &pg, NULL), R53_OK);
	cr_expect_eq(pg.count, 0);
	cr_expect_not(pg.truncated);
	cr_expect_eq(pg.max_items, 100);
}

/* Parse a one-RRset listing with the RRset's inner XML given. */
static int
list_one(const char *inner)
{
	static char		 doc[1 << 21];
	struct r53_rrset_page	 pg;
	int			 n;

	n = snprintf(doc, sizeof(doc), "<ListResourceRecordSetsResponse>"
	    "<ResourceRecordSets><ResourceRecordSet>%s</ResourceRecordSet>"
	    "</ResourceRecordSets><IsTruncated>false</IsTruncated>"
	    "</ListResourceRecordSetsResponse>", inner);
	cr_assert(n > 0 && (size_t)n < sizeof(doc));
	return r53_parse_list_rrsets(doc, (size_t)n, NULL, NULL, &pg, NULL);
}

static char *
repeat(const char *pre, char c, size_t n, const char *post)
{
	static char	buf[1 << 20];
	size_t		l = strlen(pre);

	cr_assert(l + n + strlen(post) < sizeof(buf));
	memcpy(buf, pre, l);
	memset(buf + l, c, n);
	strcpy(buf + l + n, post);
	return buf;
}

Test(r53msg, list_rrsets_limits)
{
	static char	inner[1 << 20];
	size_t		n, i;

	/* Name: 1,024 characters are fine, 1,025 are not. */
	cr_expect_eq(list_one(repeat("<Name>", 'a', R53_NAME_MAX,
	    "</Name><Type>A</Type>")), R53_OK);
	cr_expect_eq(list_one(repeat("<Name>", 'a', R53_NAME_MAX + 1,
	    "</Name><Type>A</Type>")), R53_ELIMIT);
	/* Value: 4,000 characters are fine, 4,001 are not. */
	cr_expect_eq(list_one(repeat("<Name>a.</Name><Type>TXT</Type><TTL>1"
	    "</TTL><ResourceRecords><ResourceRecord><Value>", 'v',
	    R53_VALUE_MAX, "</Value></ResourceRecord></ResourceRecords>")),
	    R53_OK);
	cr_expect_eq(list_one(repeat("<Name>a.</Name><Type>TXT</Type><TTL>1"
	    "</TTL><ResourceRecords><ResourceRecord><Value>", 'v',
	    R53_VALUE_MAX + 1, "</Value></ResourceRecord></ResourceRecords>")),
	    R53_ELIMIT);
	/* Values: 400 are fine, 401 are not. */
	n = (size_t)sprintf(inner, "<Name>a.</Name><Type>A</Type><TTL>1</TTL>"
	    "<ResourceRecords>");
	for (i = 0; i < R53_VALUES_MAX; i++)
		n += (size_t)sprintf(inner + n, "<ResourceRecord><Value>"
		    "192.0.2.1</Value></ResourceRecord>");
	strcpy(inner + n, "</ResourceRecords>");
	cr_expect_eq(list_one(inner), R53_OK);
	n += (size_t)sprintf(inner + n, "<ResourceRecord><Value>192.0.2.1"
	    "</Value></ResourceRecord>");
	strcpy(inner + n, "</ResourceRecords>");
	cr_expect_eq(list_one(inner), R53_ELIMIT);
	/* Type. */
	cr_expect_eq(list_one("<Name>a.</Name><Type>ABCDEFGHIJKLMNOP</Type>"),
	    R53_ELIMIT);
}

Test(r53msg, list_rrsets_bad_shapes)
{
	struct r53_rrset_page	pg;

	cr_expect_eq(list_one("<Type>A</Type>"), R53_ESHAPE);
	cr_expect_eq(list_one("<Name>a.</Name>"), R53_ESHAPE);
	cr_expect_eq(list_one("<Name></Name><Type>A</Type>"), R53_ESHAPE);
	cr_expect_eq(list_one("<Name>a.</Name><Name>b.</Name><Type>A</Type>"),
	    R53_ESHAPE);
	cr_expect_eq(list_one("<Name>a.</Name><Type>A</Type><TTL>x</TTL>"),
	    R53_ESHAPE);
	cr_expect_eq(list_one("<Name>a.</Name><Type>A</Type><TTL>-1</TTL>"),
	    R53_ESHAPE);
	cr_expect_eq(list_one("<Name>a.</Name><Type>A</Type>"
	    "<TTL>2147483648</TTL>"), R53_ESHAPE);
	cr_expect_eq(list_one("<Name>a.</Name><Type>A</Type>"
	    "<TTL>99999999999999999999999</TTL>"), R53_ESHAPE);
	cr_expect_eq(list_one("<Name>a.</Name><Type>A</Type>"
	    "<TTL>2147483647</TTL>"), R53_OK);
	cr_expect_eq(list_one("<Name>a.</Name><Type>A</Type><ResourceRecords>"
	    "<ResourceRecord/></ResourceRecords>"), R53_ESHAPE);
	cr_expect_eq(list_one("<Name>a.</Name><Type>A</Type><ResourceRecords>"
	    "<ResourceRecord><Value>1<b/></Value></ResourceRecord>"
	    "</ResourceRecords>"), R53_ESHAPE);
	cr_expect_eq(list_one("<Name><x/></Name><Type>A</Type>"), R53_ESHAPE);
	cr_expect_eq(list_one("<Name>a.</Name><Type>A</Type><AliasTarget>"
	    "<DNSName>b.</DNSName></AliasTarget>"), R53_ESHAPE);
	cr_expect_eq(list_one("<Name>a.</Name><Type>A</Type><AliasTarget>"
	    "<HostedZoneId>Z1</HostedZoneId><DNSName>b.</DNSName>"
	    "<EvaluateTargetHealth>maybe</EvaluateTargetHealth>"
	    "</AliasTarget>"), R53_ESHAPE);
	cr_expect_eq(list_one("<Name>a.&bad;</Name><Type>A</Type>"), R53_EXML);
	/* Unknown elements are skipped but make the set non-plain. */
	cr_expect_eq(list_one("<Name>a.</Name><Type>A</Type><Future><X>1</X>"
	    "</Future>"), R53_OK);

	load("<ListHostedZonesResponse><IsTruncated>false</IsTruncated>"
	    "</ListHostedZonesResponse>");
	cr_expect_eq(r53_parse_list_rrsets(body, strlen(body), NULL, NULL,
	    &pg, NULL), R53_ESHAPE);
	load("<ListResourceRecordSetsResponse><ResourceRecordSets/>"
	    "</ListResourceRecordSetsResponse>");
	cr_expect_eq(r53_parse_list_rrsets(body, strlen(body), NULL, NULL,
	    &pg, NULL), R53_ESHAPE);
	load("<ListResourceRecordSetsResponse><IsTruncated>true</IsTruncated>"
	    "<NextRecordType>A</NextRecordType>"
	    "</ListResourceRecordSetsResponse>");
	cr_expect_eq(r53_parse_list_rrsets(body, strlen(body), NULL, NULL,
	    &pg, NULL), R53_ESHAPE);
	load("<ListResourceRecordSetsResponse><IsTruncated>false</IsTruncated>"
	    "</ListResourceRecordSetsResponse>trailing");
	cr_expect_eq(r53_parse_list_rrsets(body, strlen(body), NULL, NULL,
	    &pg, NULL), R53_EXML);
	load("<!DOCTYPE x [<!ENTITY a \"b\">]><ListResourceRecordSetsResponse>"
	    "<IsTruncated>false</IsTruncated>"
	    "</ListResourceRecordSetsResponse>");
	cr_expect_eq(r53_parse_list_rrsets(body, strlen(body), NULL, NULL,
	    &pg, NULL), R53_EXML);
	load("<ListResourceRecordSetsResponse><ResourceRecordSets>"
	    "<ResourceRecordSet><Name>a.</Name>");
	cr_expect_eq(r53_parse_list_rrsets(body, strlen(body), NULL, NULL,
	    &pg, NULL), R53_EXML);
	memcpy(body, "<ListResourceRecordSetsResponse>\0</ListResource"
	    "RecordSetsResponse>", 66);
	cr_expect_eq(r53_parse_list_rrsets(body, 66, NULL, NULL, &pg, NULL),
	    R53_EXML);
}

/*
 * ---- Hosted zones ----
 */

struct zseen {
	size_t	n;
	char	id[4][40], name[4][64], comment[4][64];
	int	priv[4];
	long long count[4];
};

static int
zone_cb(void *arg, const struct r53_zone *z)
{
	struct zseen	*s = arg;
	size_t		 i = s->n++;

	if (i < 4) {
		cp(s->id[i], sizeof(s->id[i]), z->id);
		cp(s->name[i], sizeof(s->name[i]), z->name);
		cp(s->comment[i], sizeof(s->comment[i]), z->comment);
		s->priv[i] = z->private_zone;
		s->count[i] = z->rrset_count;
	}
	return 0;
}

Test(r53msg, list_zones_by_name)
{
	struct zseen		s;
	struct r53_zone_page	pg;

	memset(&s, 0, sizeof(s));
	load("<ListHostedZonesByNameResponse " NS ">\n"
	    "  <HostedZones>\n"
	    "    <HostedZone>\n"
	    "      <Id>/hostedzone/Z0123456789ABCDEFGHIJ</Id><Name>example.com."
	    "</Name>\n"
	    "      <CallerReference>2025-01-01T00:00:00Z-1</CallerReference>\n"
	    "      <Config><Comment>primary</Comment><PrivateZone>false"
	    "</PrivateZone></Config>\n"
	    "      <ResourceRecordSetCount>12</ResourceRecordSetCount>\n"
	    "    </HostedZone>\n"
	    "    <HostedZone>\n"
	    "      <Id>/hostedzone/Z1D633PJN98FT9</Id><Name>example.com.</Name>"
	    "\n      <CallerReference>x</CallerReference>\n"
	    "      <Config><PrivateZone>true</PrivateZone></Config>\n"
	    "    </HostedZone>\n"
	    "  </HostedZones>\n"
	    "  <DNSName>example.com.</DNSName>\n"
	    "  <IsTruncated>true</IsTruncated>\n"
	    "  <NextDNSName>example.net.</NextDNSName>\n"
	    "  <NextHostedZoneId>Z9876543210ZYXWVUTSRQ</NextHostedZoneId>\n"
	    "  <MaxItems>2</MaxItems>\n"
	    "</ListHostedZonesByNameResponse>");
	cr_assert_eq(r53_parse_list_zones_by_name(body, strlen(body), zone_cb,
	    &s, &pg, NULL), R53_OK);
	cr_assert_eq(s.n, 2);
	cr_expect_eq(pg.count, 2);
	cr_expect_str_eq(s.id[0], "Z0123456789ABCDEFGHIJ");
	cr_expect_str_eq(s.name[0], "example.com.");
	cr_expect_str_eq(s.comment[0], "primary");
	cr_expect_eq(s.priv[0], 0);
	cr_expect_eq(s.count[0], 12);
	cr_expect_str_eq(s.id[1], "Z1D633PJN98FT9");
	cr_expect_str_eq(s.comment[1], "(null)");
	cr_expect_eq(s.priv[1], 1);
	cr_expect_eq(s.count[1], -1);
	cr_expect(pg.truncated);
	cr_expect_str_eq(pg.next_dns_name, "example.net.");
	cr_expect_str_eq(pg.next_zone_id, "Z9876543210ZYXWVUTSRQ");
	cr_expect_eq(pg.max_items, 2);

	load("<ListHostedZonesByNameResponse><HostedZones><HostedZone>"
	    "<Name>a.</Name></HostedZone></HostedZones><IsTruncated>false"
	    "</IsTruncated></ListHostedZonesByNameResponse>");
	cr_expect_eq(r53_parse_list_zones_by_name(body, strlen(body), NULL,
	    NULL, &pg, NULL), R53_ESHAPE);
	load("<ListHostedZonesByNameResponse><HostedZones/><IsTruncated>true"
	    "</IsTruncated><NextDNSName>a.</NextDNSName>"
	    "</ListHostedZonesByNameResponse>");
	cr_expect_eq(r53_parse_list_zones_by_name(body, strlen(body), NULL,
	    NULL, &pg, NULL), R53_ESHAPE);
}

/* GetHostedZone of a private zone: VPCs/VPC/VPCId, with their bounds. */
Test(r53msg, get_zone_vpcs)
{
	struct r53_zone	 z;
	struct r53_why	 why;
	char		*b, *p;
	size_t		 i, cap = 120000;

	load("<GetHostedZoneResponse " NS "><HostedZone><Id>/hostedzone/Z2"
	    "</Id><Name>corp.example.</Name><Config><PrivateZone>true"
	    "</PrivateZone></Config></HostedZone><VPCs>"
	    "<VPC><VPCRegion>us-east-1</VPCRegion><VPCId>vpc-0a1b2c3d</VPCId>"
	    "</VPC><VPC><VPCId>vpc-77</VPCId><VPCRegion>cn-northwest-1"
	    "</VPCRegion><Future>x</Future></VPC><Other/></VPCs>"
	    "</GetHostedZoneResponse>");
	cr_assert_eq(r53_parse_get_zone(body, strlen(body), &z, NULL), R53_OK);
	cr_expect_str_eq(z.name, "corp.example.");
	cr_assert_eq(z.nvpcs, 2);
	cr_expect_eq(z.nvpcs_listed, 2);
	cr_expect_str_eq(z.vpcs[0], "vpc-0a1b2c3d");
	cr_expect_str_eq(z.vpcs[1], "vpc-77");

	/* A VPC without its ID, or an empty one: not Route 53's shape. */
	load("<GetHostedZoneResponse><HostedZone><Id>Z2</Id><Name>p.</Name>"
	    "</HostedZone><VPCs><VPC><VPCRegion>us-east-1</VPCRegion></VPC>"
	    "</VPCs></GetHostedZoneResponse>");
	cr_expect_eq(r53_parse_get_zone(body, strlen(body), &z, &why),
	    R53_ESHAPE);
	cr_expect_str_eq(why.text, "GetHostedZoneResponse/VPCs/VPC/VPCId "
	    "missing");
	load("<GetHostedZoneResponse><HostedZone><Id>Z2</Id><Name>p.</Name>"
	    "</HostedZone><VPCs><VPC><VPCId></VPCId></VPC></VPCs>"
	    "</GetHostedZoneResponse>");
	cr_expect_eq(r53_parse_get_zone(body, strlen(body), &z, NULL),
	    R53_ESHAPE);

	/* More than R53_VPCS_MAX: the first kept, all counted. */
	cr_assert_not_null(b = malloc(cap));
	p = b + sprintf(b, "<GetHostedZoneResponse><HostedZone><Id>Z2</Id>"
	    "<Name>p.</Name></HostedZone><VPCs>");
	for (i = 0; i < R53_VPCS_MAX + 5; i++)
		p += sprintf(p, "<VPC><VPCId>vpc-%zx</VPCId></VPC>", i);
	p += sprintf(p, "</VPCs></GetHostedZoneResponse>");
	cr_assert_lt((size_t)(p - b), cap);
	cr_assert_eq(r53_parse_get_zone(b, (size_t)(p - b), &z, NULL),
	    R53_OK);
	cr_expect_eq(z.nvpcs, R53_VPCS_MAX);
	cr_expect_eq(z.nvpcs_listed, R53_VPCS_MAX + 5);
	cr_expect_str_eq(z.vpcs[R53_VPCS_MAX - 1], "vpc-12b");
	free(b);
}

Test(r53msg, get_zone)
{
	struct r53_zone	z;

	load("<?xml version=\"1.0\"?>\n<GetHostedZoneResponse " NS ">"
	    "<HostedZone><Id>/hostedzone/Z1D633PJN98FT9</Id>"
	    "<Name>example.com.</Name><CallerReference>ref</CallerReference>"
	    "<Config><Comment>c &amp; d</Comment><PrivateZone>false"
	    "</PrivateZone></Config><ResourceRecordSetCount>2"
	    "</ResourceRecordSetCount></HostedZone>"
	    "<DelegationSet><NameServers>"
	    "<NameServer>ns-2048.awsdns-64.com</NameServer>"
	    "<NameServer>ns-2049.awsdns-65.net</NameServer>"
	    "</NameServers></DelegationSet></GetHostedZoneResponse>");
	cr_assert_eq(r53_parse_get_zone(body, strlen(body), &z, NULL), R53_OK);
	cr_expect_str_eq(z.id, "Z1D633PJN98FT9");
	cr_expect_str_eq(z.name, "example.com.");
	cr_expect_str_eq(z.comment, "c & d");
	cr_expect_eq(z.private_zone, 0);
	cr_expect_eq(z.rrset_count, 2);
	cr_assert_eq(z.nname_servers, 2);
	cr_expect_str_eq(z.name_servers[0], "ns-2048.awsdns-64.com");
	cr_expect_str_eq(z.name_servers[1], "ns-2049.awsdns-65.net");

	load("<GetHostedZoneResponse><HostedZone><Id>/hostedzone/Z1</Id>"
	    "<Name>p.</Name><Config><PrivateZone>true</PrivateZone></Config>"
	    "</HostedZone><VPCs><VPC><VPCRegion>eu-west-1</VPCRegion><VPCId>"
	    "vpc-1</VPCId></VPC></VPCs></GetHostedZoneResponse>");
	cr_assert_eq(r53_parse_get_zone(body, strlen(body), &z, NULL), R53_OK);
	cr_expect_eq(z.private_zone, 1);
	cr_expect_eq(z.nname_servers, 0);
	cr_assert_eq(z.nvpcs, 1);
	cr_expect_eq(z.nvpcs_listed, 1);
	cr_expect_str_eq(z.vpcs[0], "vpc-1");

	load("<GetHostedZoneResponse><DelegationSet/></GetHostedZoneResponse>");
	cr_expect_eq(r53_parse_get_zone(body, strlen(body), &z, NULL),
	    R53_ESHAPE);
	load("<GetHostedZoneResponse><HostedZone><Id>/hostedzone/Z1</Id>"
	    "<Name>p.</Name><ResourceRecordSetCount>many"
	    "</ResourceRecordSetCount></HostedZone></GetHostedZoneResponse>");
	cr_expect_eq(r53_parse_get_zone(body, strlen(body), &z, NULL),
	    R53_ESHAPE);
}

/*
 * ---- Errors ----
 */

Test(r53msg, error_form_a)
{
	struct r53_error	e;

	load("<?xml version=\"1.0\"?>\n<ErrorResponse " NS ">\n  <Error>\n"
	    "    <Type>Sender</Type>\n    <Code>NoSuchHostedZone</Code>\n"
	    "    <Message>No hosted zone found with ID: Z0123456789ABCDEFGHIJ"
	    "</Message>\n  </Error>\n  <RequestId>"
	    "b25f48e8-84fd-11e6-80d9-574e0c4664cb</RequestId>\n"
	    "</ErrorResponse>");
	cr_assert_eq(r53_parse_error(body, strlen(body), &e, NULL), R53_OK);
	cr_expect_str_eq(e.type, "Sender");
	cr_expect_str_eq(e.code, "NoSuchHostedZone");
	cr_expect_str_eq(e.message,
	    "No hosted zone found with ID: Z0123456789ABCDEFGHIJ");
	cr_expect_str_eq(e.request_id, "b25f48e8-84fd-11e6-80d9-574e0c4664cb");

	load("<?xml version=\"1.0\"?>\n<ErrorResponse " NS ">\n"
	    "  <Error><Type>Sender</Type><Code>InvalidChangeBatch</Code>\n"
	    "    <Message>[Tried to delete resource record set [name="
	    "&apos;a.example.com.&apos;, type=&apos;A&apos;] but it was not "
	    "found, RRSet with DNS name b.other.org. is not permitted in zone "
	    "example.com.]</Message>\n  </Error>\n"
	    "  <RequestId>0d3c7a52-5b6f-4d1e-9a62-1c2f7f3b8a10</RequestId>\n"
	    "</ErrorResponse>");
	cr_assert_eq(r53_parse_error(body, strlen(body), &e, NULL), R53_OK);
	cr_expect_str_eq(e.code, "InvalidChangeBatch");
	cr_expect_str_eq(e.message, "[Tried to delete resource record set "
	    "[name='a.example.com.', type='A'] but it was not found, RRSet "
	    "with DNS name b.other.org. is not permitted in zone "
	    "example.com.]");

	load("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
	    "<Message>Rate exceeded</Message></Error><RequestId>r1</RequestId>"
	    "</ErrorResponse>");
	cr_assert_eq(r53_parse_error(body, strlen(body), &e, NULL), R53_OK);
	cr_expect_str_eq(e.code, "Throttling");
	cr_expect_str_eq(e.message, "Rate exceeded");
}

Test(r53msg, error_form_b)
{
	struct r53_error	e;

	load("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<InvalidChangeBatch " NS ">\n  <Messages>\n"
	    "    <Message>Tried to create resource record set [name="
	    "'x.example.com.', type='TXT'] but it already exists</Message>\n"
	    "    <Message>Duplicate Resource Record: '10.160.0.188'"
	    "</Message>\n  </Messages>\n"
	    "  <RequestId>9197fef4-03cc-11e9-9a1b-4f2d8a3c1e77</RequestId>\n"
	    "</InvalidChangeBatch>");
	cr_assert_eq(r53_parse_error(body, strlen(body), &e, NULL), R53_OK);
	cr_expect_str_eq(e.code, "InvalidChangeBatch");
	cr_expect_str_eq(e.type, "");
	cr_expect_str_eq(e.message, "[Tried to create resource record set "
	    "[name='x.example.com.', type='TXT'] but it already exists, "
	    "Duplicate Resource Record: '10.160.0.188']");
	cr_expect_str_eq(e.request_id, "9197fef4-03cc-11e9-9a1b-4f2d8a3c1e77");

	load("<InvalidChangeBatch><Messages><Message>only</Message></Messages>"
	    "</InvalidChangeBatch>");
	cr_assert_eq(r53_parse_error(body, strlen(body), &e, NULL), R53_OK);
	cr_expect_str_eq(e.message, "[only]");
	cr_expect_str_eq(e.request_id, "");
}

Test(r53msg, error_other_roots)
{
	struct r53_error	 e;
	static char		 doc[8192];
	size_t			 i, n;

	load("<InvalidSignatureException><Message>Signature expired"
	    "</Message></InvalidSignatureException>");
	cr_assert_eq(r53_parse_error(body, strlen(body), &e, NULL), R53_OK);
	cr_expect_str_eq(e.code, "InvalidSignatureException");
	cr_expect_str_eq(e.message, "Signature expired");

	/* Long messages are cut, marked, and stay within the field. */
	n = (size_t)sprintf(doc, "<ErrorResponse><Error><Code>InvalidChange"
	    "Batch</Code><Message>[");
	for (i = 0; i < 2000; i++)
		doc[n++] = (i % 2) ? '\xa9' : '\xc3';	/* "é" x 1000 */
	n += (size_t)sprintf(doc + n, "]</Message></Error></ErrorResponse>");
	load(doc);
	cr_assert_eq(r53_parse_error(body, n, &e, NULL), R53_OK);
	cr_expect_lt(strlen(e.message), sizeof(e.message));
	cr_expect_eq(strncmp(e.message, "[\xc3\xa9", 3), 0);
	cr_expect_str_eq(e.message + strlen(e.message) - 5, "\xc3\xa9...");

	load("<ErrorResponse><Error><Type>Sender</Type></Error>"
	    "</ErrorResponse>");
	cr_expect_eq(r53_parse_error(body, strlen(body), &e, NULL), R53_ESHAPE);
	load("");
	cr_expect_eq(r53_parse_error(body, 0, &e, NULL), R53_EXML);
	/* A proxy's HTML page is not a Route 53 error. */
	load("<html><body>502 Bad Gateway</body></html>");
	cr_expect_eq(r53_parse_error(body, strlen(body), &e, NULL), R53_ESHAPE);
	load("<ErrorResponse><Error><Code>X</Code></Error>");
	cr_expect_eq(r53_parse_error(body, strlen(body), &e, NULL), R53_EXML);
}

/*
 * ---- Why an answer was refused ----
 *
 * Each malformed answer must be refused with a message that names the
 * element by its path, and say what is wrong with it.
 */

enum { OP_CHANGE, OP_LIST_RRSETS, OP_LIST_ZONES, OP_GET_ZONE, OP_ERROR };

static int
parse_as(int op, char *doc, size_t len, struct r53_why *why)
{
	struct r53_change_info	ci;
	struct r53_rrset_page	rp;
	struct r53_zone_page	zp;
	struct r53_zone		z;
	struct r53_error	e;

	memset(why, 'x', sizeof(*why));		/* no stale text */
	switch (op) {
	case OP_CHANGE:
		return r53_parse_change_info(doc, len, &ci, why);
	case OP_LIST_RRSETS:
		return r53_parse_list_rrsets(doc, len, NULL, NULL, &rp, why);
	case OP_LIST_ZONES:
		return r53_parse_list_zones_by_name(doc, len, NULL, NULL, &zp,
		    why);
	case OP_GET_ZONE:
		return r53_parse_get_zone(doc, len, &z, why);
	default:
		return r53_parse_error(doc, len, &e, why);
	}
}

/* doc, parsed as op, fails with status and exactly the message want. */
static void
refused(int op, const char *doc, int status, const char *want)
{
	struct r53_why	why;
	size_t		n = load(doc);

	cr_expect_eq(parse_as(op, body, n, &why), status, "%s", doc);
	cr_expect(strcmp(why.text, want) == 0, "got \"%s\",\nwant \"%s\"\n"
	    "for %s", why.text, want, doc);
}

/* The same for a message that starts with want. */
static void
refused_prefix(int op, const char *doc, size_t n, int status,
    const char *want)
{
	struct r53_why	why;

	cr_assert(n < sizeof(body));
	memcpy(body, doc, n);
	cr_expect_eq(parse_as(op, body, n, &why), status);
	cr_expect_eq(strncmp(why.text, want, strlen(want)), 0,
	    "\"%s\" does not start with \"%s\"", why.text, want);
}

#define RRSET	"ListResourceRecordSetsResponse/ResourceRecordSets/" \
		"ResourceRecordSet"

/* A one-record-set listing with the set's inner XML given. */
static const char *
one_rrset(const char *inner)
{
	static char	doc[1 << 20];

	snprintf(doc, sizeof(doc), "<ListResourceRecordSetsResponse " NS ">"
	    "<ResourceRecordSets><ResourceRecordSet>%s</ResourceRecordSet>"
	    "</ResourceRecordSets><IsTruncated>false</IsTruncated>"
	    "</ListResourceRecordSetsResponse>", inner);
	return doc;
}

Test(r53msg, why_change_info)
{
	struct r53_why	why;
	char		doc[256];

	/* ChangeResourceRecordSets */
	refused(OP_CHANGE, "<ChangeResourceRecordSetsResponse " NS ">"
	    "<ChangeInfo><Id>/change/C1</Id></ChangeInfo>"
	    "</ChangeResourceRecordSetsResponse>", R53_ESHAPE,
	    "ChangeResourceRecordSetsResponse/ChangeInfo/Status missing");
	refused(OP_CHANGE, "<ChangeResourceRecordSetsResponse " NS "/>",
	    R53_ESHAPE, "ChangeResourceRecordSetsResponse/ChangeInfo missing");
	refused(OP_CHANGE, "<ChangeResourceRecordSetsResponse><ChangeInfo>"
	    "<Id>/change/C1</Id><Status>DONE</Status></ChangeInfo>"
	    "</ChangeResourceRecordSetsResponse>", R53_ESHAPE,
	    "ChangeResourceRecordSetsResponse/ChangeInfo/Status: \"DONE\" "
	    "is neither PENDING nor INSYNC");
	refused(OP_CHANGE, "<ChangeResourceRecordSetsResponse><ChangeInfo>"
	    "<Id>/change/C123456789012345678901234567890123</Id>"
	    "<Status>INSYNC</Status></ChangeInfo>"
	    "</ChangeResourceRecordSetsResponse>", R53_ELIMIT,
	    "ChangeResourceRecordSetsResponse/ChangeInfo/Id: ID of 34 "
	    "characters, more than 32");
	refused(OP_CHANGE, "<ChangeResourceRecordSetsResponse><ChangeInfo>"
	    "<Id>/change/C1</Id><Status>INSYNC</Status><SubmittedAt>"
	    "2025-01-02T03:04:05.678901234567890123456Z</SubmittedAt>"
	    "</ChangeInfo></ChangeResourceRecordSetsResponse>", R53_ELIMIT,
	    "ChangeResourceRecordSetsResponse/ChangeInfo/SubmittedAt: 42 "
	    "bytes, more than 39");
	/* GetChange */
	refused(OP_CHANGE, "<GetChangeResponse><ChangeInfo><Status>INSYNC"
	    "</Status></ChangeInfo></GetChangeResponse>", R53_ESHAPE,
	    "GetChangeResponse/ChangeInfo/Id missing");
	refused(OP_CHANGE, "<GetChangeResponse><ChangeInfo><Id>/change/C1"
	    "</Id><Status><b>INSYNC</b></Status></ChangeInfo>"
	    "</GetChangeResponse>", R53_ESHAPE,
	    "GetChangeResponse/ChangeInfo/Status/b: an element where text "
	    "belongs");
	refused(OP_CHANGE, "<GetChangeResponse><ChangeInfo><Id>/change/</Id>"
	    "<Status>INSYNC</Status></ChangeInfo></GetChangeResponse>",
	    R53_ESHAPE, "GetChangeResponse/ChangeInfo/Id: \"/change/\" is "
	    "not an ID");
	snprintf(doc, sizeof(doc), "<GetChangeResponse><ChangeInfo><Id>"
	    "/change/C1</Id>");
	refused(OP_CHANGE, doc, R53_EXML, "document ends early at byte 50 "
	    "in GetChangeResponse/ChangeInfo");
	refused(OP_CHANGE, "<a:GetChangeResponse xmlns:a=\"x\"><a:ChangeInfo>"
	    "<a:Id>C1</a:Id></a:ChangeInfo></a:GetChangeResponse>",
	    R53_ESHAPE, "GetChangeResponse/ChangeInfo/Status missing");

	/* Success says nothing. */
	load("<GetChangeResponse><ChangeInfo><Id>/change/C1</Id><Status>"
	    "INSYNC</Status></ChangeInfo></GetChangeResponse>");
	cr_expect_eq(parse_as(OP_CHANGE, body, strlen(body), &why), R53_OK);
	cr_expect_str_eq(why.text, "");
}

Test(r53msg, why_list_rrsets)
{
	static char	big[R53_VALUE_MAX + 200], inner[1 << 16];
	char		deep[1024];
	size_t		n, i;

	refused(OP_LIST_RRSETS, one_rrset("<Name>www.example.com.</Name>"
	    "<Type>A</Type><TTL>abc</TTL>"), R53_ESHAPE,
	    RRSET "/TTL: \"abc\" is not a number (record set "
	    "\"www.example.com.\")");
	refused(OP_LIST_RRSETS, one_rrset("<Name>a.</Name><Type>A</Type>"
	    "<TTL>2147483648</TTL>"), R53_ESHAPE, RRSET "/TTL: \"2147483648\" "
	    "is more than 2147483647 (record set \"a.\")");
	refused(OP_LIST_RRSETS, one_rrset("<Name>a.</Name><Type>A</Type>"
	    "<TTL></TTL>"), R53_ESHAPE, RRSET "/TTL is empty (record set "
	    "\"a.\")");
	refused(OP_LIST_RRSETS, one_rrset("<Name>a.</Name>"), R53_ESHAPE,
	    RRSET "/Type missing (record set \"a.\")");
	refused(OP_LIST_RRSETS, one_rrset("<Type>A</Type>"), R53_ESHAPE,
	    RRSET "/Name missing");
	refused(OP_LIST_RRSETS, one_rrset("<Name></Name><Type>A</Type>"),
	    R53_ESHAPE, RRSET "/Name is empty");
	refused(OP_LIST_RRSETS, one_rrset("<Name>a.</Name><Name>b.</Name>"),
	    R53_ESHAPE, RRSET "/Name repeated (record set \"a.\")");
	refused(OP_LIST_RRSETS, one_rrset("<Name>a.</Name><Type>A</Type>"
	    "<ResourceRecords><ResourceRecord/></ResourceRecords>"),
	    R53_ESHAPE, RRSET "/ResourceRecords/ResourceRecord/Value missing "
	    "(record set \"a.\")");
	refused(OP_LIST_RRSETS, one_rrset("<Name>a.</Name><Type>A</Type>"
	    "<AliasTarget><HostedZoneId>Z1</HostedZoneId></AliasTarget>"),
	    R53_ESHAPE, RRSET "/AliasTarget/DNSName missing (record set "
	    "\"a.\")");
	refused(OP_LIST_RRSETS, one_rrset("<Name>a.</Name><Type>A</Type>"
	    "<AliasTarget><HostedZoneId>Z1</HostedZoneId><DNSName>b.</DNSName>"
	    "<EvaluateTargetHealth>maybe</EvaluateTargetHealth>"
	    "</AliasTarget>"), R53_ESHAPE, RRSET "/AliasTarget/"
	    "EvaluateTargetHealth: \"maybe\" is not true or false (record set "
	    "\"a.\")");
	refused(OP_LIST_RRSETS, one_rrset("<Name>a.</Name><Type>"
	    "ABCDEFGHIJKLMNOP</Type>"), R53_ELIMIT, RRSET "/Type: 16 "
	    "characters, more than 15 (record set \"a.\")");
	/* Quoted text: escaped and cut. */
	refused(OP_LIST_RRSETS, one_rrset("<Name>a.</Name><Type>A</Type>"
	    "<TTL>1&#10;\"\\\xc3\xa9</TTL>"), R53_ESHAPE, RRSET "/TTL: "
	    "\"1\\x0a\\\"\\\\\\xc3\\xa9\" is not a number (record set \"a.\")");
	refused(OP_LIST_RRSETS, one_rrset("<Name>a.</Name><Type>A</Type>"
	    "<TTL>1234567890123456789012345678901234567890123456789</TTL>"),
	    R53_ESHAPE, RRSET "/TTL: \"1234567890123456789012345678901234567890"
	    "\"... is more than 2147483647 (record set \"a.\")");

	/* Sizes. */
	n = (size_t)snprintf(big, sizeof(big), "<Name>a.</Name><Type>TXT"
	    "</Type><ResourceRecords><ResourceRecord><Value>");
	memset(big + n, 'v', R53_VALUE_MAX + 1);
	strcpy(big + n + R53_VALUE_MAX + 1, "</Value></ResourceRecord>"
	    "</ResourceRecords>");
	refused(OP_LIST_RRSETS, one_rrset(big), R53_ELIMIT, RRSET
	    "/ResourceRecords/ResourceRecord/Value: 4001 characters, more "
	    "than 4000 (record set \"a.\")");
	n = (size_t)sprintf(inner, "<Name>a.</Name><Type>A</Type>"
	    "<ResourceRecords>");
	for (i = 0; i <= R53_VALUES_MAX; i++)
		n += (size_t)sprintf(inner + n, "<ResourceRecord><Value>"
		    "192.0.2.1</Value></ResourceRecord>");
	strcpy(inner + n, "</ResourceRecords>");
	refused(OP_LIST_RRSETS, one_rrset(inner), R53_ELIMIT, RRSET
	    "/ResourceRecords/ResourceRecord: more than 400 in a record set "
	    "(record set \"a.\")");

	/* The page. */
	refused(OP_LIST_RRSETS, "<ListResourceRecordSetsResponse " NS ">"
	    "<ResourceRecordSets/><MaxItems>100</MaxItems>"
	    "</ListResourceRecordSetsResponse>", R53_ESHAPE,
	    "ListResourceRecordSetsResponse/IsTruncated missing");
	refused(OP_LIST_RRSETS, "<ListResourceRecordSetsResponse>"
	    "<IsTruncated>true</IsTruncated><NextRecordType>A</NextRecordType>"
	    "</ListResourceRecordSetsResponse>", R53_ESHAPE,
	    "ListResourceRecordSetsResponse/NextRecordName missing "
	    "(IsTruncated is true)");
	refused(OP_LIST_RRSETS, "<ListResourceRecordSetsResponse>"
	    "<IsTruncated>true</IsTruncated><NextRecordName>a.</NextRecordName>"
	    "</ListResourceRecordSetsResponse>", R53_ESHAPE,
	    "ListResourceRecordSetsResponse/NextRecordType missing "
	    "(IsTruncated is true)");
	refused(OP_LIST_RRSETS, "<ListResourceRecordSetsResponse>"
	    "<IsTruncated>no</IsTruncated></ListResourceRecordSetsResponse>",
	    R53_ESHAPE, "ListResourceRecordSetsResponse/IsTruncated: \"no\" "
	    "is not true or false");
	refused(OP_LIST_RRSETS, "<ListResourceRecordSetsResponse>"
	    "<IsTruncated>false</IsTruncated><MaxItems>-1</MaxItems>"
	    "</ListResourceRecordSetsResponse>", R53_ESHAPE,
	    "ListResourceRecordSetsResponse/MaxItems: \"-1\" is not a number");
	refused(OP_LIST_RRSETS, "<ListHostedZonesResponse><IsTruncated>false"
	    "</IsTruncated></ListHostedZonesResponse>", R53_ESHAPE,
	    "root element is ListHostedZonesResponse, not "
	    "ListResourceRecordSetsResponse");

	/* Not XML as the reader takes it. */
	refused(OP_LIST_RRSETS, one_rrset("<Name>a.&bad;</Name>"), R53_EXML,
	    "bad entity or character reference at byte 134 in " RRSET "/Name");
	refused(OP_LIST_RRSETS, "<ListResourceRecordSetsResponse>"
	    "<IsTruncated>false</IsTruncated></ListResourceRecordSetsResponse>"
	    "trailing", R53_EXML, "content after the root element at byte 105");
	refused(OP_LIST_RRSETS, "<!DOCTYPE x [<!ENTITY a \"b\">]>"
	    "<ListResourceRecordSetsResponse/>", R53_EXML,
	    "declarations are not allowed at byte 0");
	refused(OP_LIST_RRSETS, "", R53_EXML, "document ends early at byte 0");
	n = (size_t)sprintf(deep, "<ListResourceRecordSetsResponse>");
	for (i = 0; i < XML_MAX_DEPTH; i++)
		n += (size_t)sprintf(deep + n, "<a>");
	refused_prefix(OP_LIST_RRSETS, deep, n, R53_EXML,
	    "elements nested too deeply at byte 125 in "
	    "ListResourceRecordSetsResponse/a/a/a/");
}

Test(r53msg, why_text_too_long)
{
	static char	doc[XML_MAX_TEXT + 256];
	size_t		n;

	n = (size_t)sprintf(doc, "<ListResourceRecordSetsResponse><a>");
	memset(doc + n, 't', XML_MAX_TEXT + 1);
	n += XML_MAX_TEXT + 1;
	n += (size_t)sprintf(doc + n, "</a></ListResourceRecordSetsResponse>");
	refused_prefix(OP_LIST_RRSETS, doc, n, R53_EXML,
	    "text too long at byte ");
}

Test(r53msg, why_list_zones_by_name)
{
	refused(OP_LIST_ZONES, "<ListHostedZonesByNameResponse " NS ">"
	    "<HostedZones/><DNSName>example.com.</DNSName><MaxItems>100"
	    "</MaxItems></ListHostedZonesByNameResponse>", R53_ESHAPE,
	    "ListHostedZonesByNameResponse/IsTruncated missing");
	refused(OP_LIST_ZONES, "<ListHostedZonesByNameResponse><HostedZones>"
	    "<HostedZone><Name>a.</Name></HostedZone></HostedZones>"
	    "<IsTruncated>false</IsTruncated>"
	    "</ListHostedZonesByNameResponse>", R53_ESHAPE,
	    "ListHostedZonesByNameResponse/HostedZones/HostedZone/Id missing");
	refused(OP_LIST_ZONES, "<ListHostedZonesByNameResponse><HostedZones>"
	    "<HostedZone><Id>/hostedzone/Z1</Id><Name>a.</Name><Config>"
	    "<PrivateZone>yes</PrivateZone></Config></HostedZone>"
	    "</HostedZones><IsTruncated>false</IsTruncated>"
	    "</ListHostedZonesByNameResponse>", R53_ESHAPE,
	    "ListHostedZonesByNameResponse/HostedZones/HostedZone/Config/"
	    "PrivateZone: \"yes\" is not true or false");
	refused(OP_LIST_ZONES, "<ListHostedZonesByNameResponse><HostedZones/>"
	    "<IsTruncated>true</IsTruncated><NextDNSName>b.</NextDNSName>"
	    "</ListHostedZonesByNameResponse>", R53_ESHAPE,
	    "ListHostedZonesByNameResponse/NextHostedZoneId missing "
	    "(IsTruncated is true)");
	refused(OP_LIST_ZONES, "<ListHostedZonesByNameResponse><HostedZones/>"
	    "<IsTruncated>true</IsTruncated><NextHostedZoneId>Z2"
	    "</NextHostedZoneId></ListHostedZonesByNameResponse>", R53_ESHAPE,
	    "ListHostedZonesByNameResponse/NextDNSName missing (IsTruncated "
	    "is true)");
	refused(OP_LIST_ZONES, "<ListHostedZonesByNameResponse><HostedZones>"
	    "<HostedZone><Id>/hostedzone/Z1</Id><Name>a.</Name>"
	    "<ResourceRecordSetCount>18446744073709551620"
	    "</ResourceRecordSetCount></HostedZone></HostedZones>"
	    "<IsTruncated>false</IsTruncated>"
	    "</ListHostedZonesByNameResponse>", R53_ESHAPE,
	    "ListHostedZonesByNameResponse/HostedZones/HostedZone/"
	    "ResourceRecordSetCount: \"18446744073709551620\" is more than "
	    "9223372036854775807");
	refused(OP_LIST_ZONES, "<GetHostedZoneResponse/>", R53_ESHAPE,
	    "root element is GetHostedZoneResponse, not "
	    "ListHostedZonesByNameResponse");
}

Test(r53msg, why_get_zone)
{
	refused(OP_GET_ZONE, "<GetHostedZoneResponse " NS "><DelegationSet/>"
	    "</GetHostedZoneResponse>", R53_ESHAPE,
	    "GetHostedZoneResponse/HostedZone missing");
	refused(OP_GET_ZONE, "<GetHostedZoneResponse><HostedZone><Id>"
	    "/hostedzone/Z1</Id><Name>p.</Name><ResourceRecordSetCount>many"
	    "</ResourceRecordSetCount></HostedZone></GetHostedZoneResponse>",
	    R53_ESHAPE, "GetHostedZoneResponse/HostedZone/"
	    "ResourceRecordSetCount: \"many\" is not a number");
	refused(OP_GET_ZONE, "<GetHostedZoneResponse><HostedZone><Id>"
	    "/hostedzone/</Id><Name>p.</Name></HostedZone>"
	    "</GetHostedZoneResponse>", R53_ESHAPE,
	    "GetHostedZoneResponse/HostedZone/Id: \"/hostedzone/\" is not an "
	    "ID");
	refused(OP_GET_ZONE, "<GetHostedZoneResponse><HostedZone><Id>"
	    "/hostedzone/Z1</Id></HostedZone></GetHostedZoneResponse>",
	    R53_ESHAPE, "GetHostedZoneResponse/HostedZone/Name missing");
	refused(OP_GET_ZONE, "<GetHostedZoneResponse><HostedZone><Id>"
	    "/hostedzone/Z1</Id><Name>p.</Name></HostedZone><DelegationSet>"
	    "<NameServers><NameServer></NameServer></NameServers>"
	    "</DelegationSet></GetHostedZoneResponse>", R53_ESHAPE,
	    "GetHostedZoneResponse/DelegationSet/NameServers/NameServer is "
	    "empty");
	refused(OP_GET_ZONE, "<GetHostedZoneResponse><HostedZone><Id>"
	    "/hostedzone/Z1</Id><Name>p.</Name></HostedZone>"
	    "</GetHostedZone>", R53_EXML, "end tag does not match at byte 102 "
	    "in GetHostedZoneResponse");
	refused(OP_GET_ZONE, "<ErrorResponse/>", R53_ESHAPE,
	    "root element is ErrorResponse, not GetHostedZoneResponse");
}

Test(r53msg, why_error_documents)
{
	char	doc[256];

	refused(OP_ERROR, "<ErrorResponse " NS "><Error><Type>Sender</Type>"
	    "<Message>m</Message></Error></ErrorResponse>", R53_ESHAPE,
	    "ErrorResponse/Error/Code missing");
	refused(OP_ERROR, "<html><body>502 Bad Gateway</body></html>",
	    R53_ESHAPE, "html/Message missing: not an error document");
	refused(OP_ERROR, "<ErrorResponse><Error><Code>X</Code></Error>",
	    R53_EXML, "document ends early at byte 44 in ErrorResponse");
	refused(OP_ERROR, "<ErrorResponse><Error><Code>X<y/></Code></Error>"
	    "</ErrorResponse>", R53_ESHAPE, "ErrorResponse/Error/Code/y: an "
	    "element where text belongs");
	refused(OP_ERROR, "<InvalidChangeBatch><Messages><Message>a<b/>"
	    "</Message></Messages></InvalidChangeBatch>", R53_ESHAPE,
	    "InvalidChangeBatch/Messages/Message/b: an element where text "
	    "belongs");
	snprintf(doc, sizeof(doc), "<%0*d/>", 64, 0);
	doc[1] = 'X';
	refused(OP_ERROR, doc, R53_ESHAPE, "root element name of 64 bytes is "
	    "too long for an error code");
	refused(OP_ERROR, "not xml", R53_EXML, "malformed markup at byte 7");
}

Test(r53msg, strerror)
{
	cr_expect_str_eq(r53_strerror(R53_OK), "no error");
	cr_expect_str_neq(r53_strerror(R53_ELIMIT), "unknown error");
	cr_expect_str_eq(r53_strerror(42), "unknown error");
}

/*
 * ---- Request bodies against a model ----
 *
 * Random names, values and comments of printable ASCII (XML's five
 * special characters included) and 2-, 3- and 4-byte UTF-8, encoded
 * here independently; the body must be what a character-at-a-time
 * escaper and printf give.  Then every kind of bad byte at every
 * position must be refused.  Fixed seed, so a failure repeats.
 */
static uint64_t	 rng = 0x853c49e6748fea9bULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

/* Append a random character to s (NUL-terminated); returns its bytes. */
static size_t
rnd_char(char *s)
{
	unsigned char	*o = (unsigned char *)s + strlen(s);
	uint32_t	 cp;

	switch (rnd() % 8) {
	case 0:
		cp = 0x80 + rnd() % (0x800 - 0x80);
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		o[2] = '\0';
		return 2;
	case 1:
		do
			cp = 0x800 + rnd() % (0x10000 - 0x800);
		while (cp >= 0xd800 && cp <= 0xdfff);
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		o[3] = '\0';
		return 3;
	case 2:
		cp = 0x10000 + rnd() % (0x110000 - 0x10000);
		o[0] = (unsigned char)(0xf0 | cp >> 18);
		o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[3] = (unsigned char)(0x80 | (cp & 0x3f));
		o[4] = '\0';
		return 4;
	case 3:
		o[0] = (unsigned char)"&<>\"'\x7f"[rnd() % 6];
		o[1] = '\0';
		return 1;
	default:
		o[0] = (unsigned char)(0x20 + rnd() % 95);
		o[1] = '\0';
		return 1;
	}
}

/* A random string of 1..max characters into s. */
static void
rnd_text(char *s, size_t max)
{
	size_t	n = 1 + rnd() % max;

	s[0] = '\0';
	while (n-- > 0)
		rnd_char(s);
}

/* Text content escaped a character at a time, appended to out. */
static void
model_elem(char *out, const char *name, const char *s)
{
	out += strlen(out);
	out += sprintf(out, "<%s>", name);
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			out += sprintf(out, "&amp;");
			break;
		case '<':
			out += sprintf(out, "&lt;");
			break;
		case '>':
			out += sprintf(out, "&gt;");
			break;
		case '"':
			out += sprintf(out, "&quot;");
			break;
		case '\'':
			out += sprintf(out, "&apos;");
			break;
		default:
			*out++ = *s;
			*out = '\0';
		}
	}
	sprintf(out, "</%s>", name);
}

Test(r53msg, change_batch_as_model)
{
	static const char *const actions[] = { "CREATE", "DELETE", "UPSERT" };
	static const char *const types[] = { "A", "AAAA", "TXT", "TYPE65280" };
	static const uint32_t	ttls[] = { 0, 9, 10, 300, 86400,
	    R53_TTL_MAX };
	static char		 names[3][200], vals[3][4][300], comment[600];
	static char		 want[1 << 16], got[1 << 16], ttl[16];
	const char		*vp[3][4];
	struct r53_change	 c[3];
	unsigned		 it, i, j, n;

	for (it = 0; it < 3000; it++) {
		n = 1 + rnd() % 3;
		rnd_text(comment, it % 2 ? 40 : R53_COMMENT_MAX);
		strcpy(want, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<ChangeResourceRecordSetsRequest " NS "><ChangeBatch>");
		if (it % 5 != 0)
			model_elem(want, "Comment", comment);
		strcat(want, "<Changes>");
		for (i = 0; i < n; i++) {
			rnd_text(names[i], 40);
			c[i].action = (enum r53_action)(rnd() % 3);
			c[i].name = names[i];
			c[i].type = types[rnd() % 4];
			c[i].ttl = it < 6 ? ttls[it] :
			    (rnd() & 0x7fffffff) >> (rnd() % 31);
			c[i].nvalues = 1 + rnd() % 4;
			for (j = 0; j < c[i].nvalues; j++) {
				rnd_text(vals[i][j], 70);
				vp[i][j] = vals[i][j];
			}
			c[i].values = vp[i];
			strcat(want, "<Change>");
			model_elem(want, "Action", actions[c[i].action]);
			strcat(want, "<ResourceRecordSet>");
			model_elem(want, "Name", c[i].name);
			model_elem(want, "Type", c[i].type);
			snprintf(ttl, sizeof(ttl), "%u", c[i].ttl);
			model_elem(want, "TTL", ttl);
			strcat(want, "<ResourceRecords>");
			for (j = 0; j < c[i].nvalues; j++) {
				strcat(want, "<ResourceRecord>");
				model_elem(want, "Value", vals[i][j]);
				strcat(want, "</ResourceRecord>");
			}
			strcat(want, "</ResourceRecords></ResourceRecordSet>"
			    "</Change>");
		}
		strcat(want, "</Changes></ChangeBatch>"
		    "</ChangeResourceRecordSetsRequest>");
		cr_assert_eq(r53_change_batch_xml(got, sizeof(got),
		    it % 5 != 0 ? comment : NULL, c, n), (int)strlen(want));
		cr_assert_str_eq(got, want);
	}
}

Test(r53msg, change_batch_bad_bytes_anywhere)
{
	/* Each refused wherever it stands; DEL is an ordinary character. */
	static const char *const bad[] = {
		"\x01", "\x1f", "\t", "\x80", "\xbf", "\xc0\x80", "\xc1\xbf",
		"\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf8",
		"\xff", "\xc3", "\xe2\x82", "\xf0\x9f\x98",
	};
	static const char *const ok_v[] = { "v" };
	struct r53_change	 c = { R53_CREATE, "n.", "TXT", 1, ok_v, 1 };
	static char		 buf[1 << 14];
	char			 s[128], *p;
	const char		*vp[1];
	size_t			 len, pos, b, where;

	vp[0] = s;
	for (len = 0; len <= 40; len++) {
		for (pos = 0; pos <= len; pos++) {
			for (b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
				memset(s, 'a', len);
				memcpy(s + pos, bad[b], strlen(bad[b]));
				p = s + pos + strlen(bad[b]);
				memset(p, 'z', len - pos);
				p[len - pos] = '\0';
				for (where = 0; where < 3; where++) {
					c.name = where == 0 ? s : "n.";
					c.values = where == 1 ? vp : ok_v;
					cr_assert_eq(r53_change_batch_xml(buf,
					    sizeof(buf), where == 2 ? s : NULL,
					    &c, 1), -1, "bad %zu at %zu of %zu"
					    " in %zu", b, pos, len, where);
				}
			}
			/* The same places with DEL and é are accepted. */
			memset(s, 'a', len);
			memcpy(s + pos, "\x7f\xc3\xa9", 3);
			memset(s + pos + 3, 'z', len - pos);
			s[len + 3] = '\0';
			c.name = s;
			c.values = vp;
			cr_assert_gt(r53_change_batch_xml(buf, sizeof(buf), s,
			    &c, 1), 0, "len %zu pos %zu", len, pos);
		}
	}
}

Test(r53msg, change_batch_counts_characters)
{
	static char		 name[4 * R53_NAME_MAX + 8];
	static char		 big[2 * R53_VALUE_MAX + 8];
	static char		 buf[1 << 20];
	static const char	*vals[1];
	struct r53_change	 c[9];
	size_t			 i;

	/* 1,024 two-byte characters make a name; 1,025 do not. */
	for (i = 0; i < R53_NAME_MAX; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);
	name[2 * R53_NAME_MAX] = '\0';
	vals[0] = "v";
	c[0] = (struct r53_change){ R53_CREATE, name, "A", 1, vals, 1 };
	cr_expect_gt(r53_change_batch_xml(buf, sizeof(buf), NULL, c, 1), 0);
	memcpy(name + 2 * R53_NAME_MAX, "\xc3\xa9", 3);
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, c, 1), -1);
	/*
	 * A value of 4,000 two-byte characters; the batch limit counts
	 * characters too: eight such values fit, nine do not.
	 */
	for (i = 0; i < R53_VALUE_MAX; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[2 * R53_VALUE_MAX] = '\0';
	vals[0] = big;
	for (i = 0; i < 9; i++)
		c[i] = (struct r53_change){ R53_CREATE, "big.", "TXT", 1,
		    vals, 1 };
	cr_expect_gt(r53_change_batch_xml(buf, sizeof(buf), NULL, c, 8), 0);
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, c, 9), -1);
	c[0].action = R53_UPSERT;	/* counts twice */
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, c, 8), -1);
	cr_expect_gt(r53_change_batch_xml(buf, sizeof(buf), NULL, c, 7), 0);
	memcpy(big + 2 * R53_VALUE_MAX, "\xc3\xa9", 3);
	cr_expect_eq(r53_change_batch_xml(buf, sizeof(buf), NULL, c, 1), -1);
}

Test(r53msg, request_paths_and_maxitems_as_printf)
{
	struct r53_req	 r;
	char		 id[R53_ID_MAX + 2], want[256];
	unsigned	 i, k;

	for (i = 1; i <= R53_ID_MAX; i++) {
		for (k = 0; k < i; k++)
			id[k] = "Z0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[
			    (i * 7 + k) % 37];
		id[i] = '\0';
		snprintf(want, sizeof(want), "/2013-04-01/hostedzone/%s/rrset/",
		    id);
		cr_assert_eq(r53_req_change_rrsets(&r, id), 0);
		cr_assert_str_eq(r.path, want);
		snprintf(want, sizeof(want), "/2013-04-01/change/%s", id);
		cr_assert_eq(r53_req_get_change(&r, id), 0);
		cr_assert_str_eq(r.path, want);
	}
	for (i = 0; i <= R53_LIST_RRSETS_MAX; i++) {
		cr_assert_eq(r53_req_list_rrsets(&r, "Z1", NULL, NULL, NULL,
		    i), 0);
		if (i == 0) {
			cr_assert_eq(r.nparams, 0);
			continue;
		}
		snprintf(want, sizeof(want), "maxitems=%u", i);
		expect_query(&r, want);
		cr_assert_eq(r.params[0].value, r.maxitems);
	}
}
