/*
 * t_xml.c: the XML pull reader on Route 53 shaped documents and on
 * hostile input.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"

static char	doc[XML_MAX_TEXT + 4096];

/* Copy s (n bytes) into the writable doc[] and start a reader on it. */
static void
load(struct xml *x, const char *s, size_t n)
{
	cr_assert(n <= sizeof(doc));
	memcpy(doc, s, n);
	xml_init(x, doc, n);
}

#define LOAD(x, lit)	load((x), (lit), sizeof(lit) - 1)

/*
 * Token trace: "<name" for START, ">name" for END, "'text'" for TEXT
 * (white-space-only text shown as "_"), "$" at EOF, "!" + error number.
 */
static void
trace(struct xml *x, char *out, size_t cap)
{
	size_t	n = 0, i;
	int	tok, ws;

	out[0] = '\0';
	for (;;) {
		tok = xml_next(x);
		switch (tok) {
		case XML_START:
			n += (size_t)snprintf(out + n, cap - n, "<%.*s",
			    (int)x->namelen, x->name);
			break;
		case XML_END:
			n += (size_t)snprintf(out + n, cap - n, ">%.*s",
			    (int)x->namelen, x->name);
			break;
		case XML_TEXT:
			cr_assert_eq(strlen(x->text), x->textlen);
			for (ws = 1, i = 0; i < x->textlen; i++)
				if (strchr(" \t\n", x->text[i]) == NULL)
					ws = 0;
			if (ws)
				n += (size_t)snprintf(out + n, cap - n, "_");
			else
				n += (size_t)snprintf(out + n, cap - n, "'%s'",
				    x->text);
			break;
		case XML_EOF:
			snprintf(out + n, cap - n, "$");
			return;
		default:
			snprintf(out + n, cap - n, "!%d", xml_error(x, NULL));
			return;
		}
		cr_assert(n < cap);
	}
}

static void
expect_trace(const char *in, size_t len, const char *want)
{
	struct xml	x;
	char		got[4096];

	load(&x, in, len);
	trace(&x, got, sizeof(got));
	cr_expect_str_eq(got, want, "input: %.*s", (int)len, in);
}

#define TRACE(lit, want)	expect_trace((lit), sizeof(lit) - 1, (want))

static void
expect_error(const char *in, size_t len, int err)
{
	struct xml	x;
	int		tok;
	size_t		steps = 0;

	load(&x, in, len);
	do {
		tok = xml_next(&x);
		cr_assert(++steps < 100000, "reader does not stop");
	} while (tok != XML_ERROR && tok != XML_EOF);
	cr_expect_eq(tok, XML_ERROR, "accepted: %.*s", (int)(len > 200 ?
	    200 : len), in);
	cr_expect_eq(xml_error(&x, NULL), err, "error %d (%s), want %d: "
	    "%.*s", xml_error(&x, NULL), xml_strerror(xml_error(&x, NULL)),
	    err, (int)(len > 200 ? 200 : len), in);
	/* Sticky. */
	cr_expect_eq(xml_next(&x), XML_ERROR);
	cr_expect_eq(xml_next(&x), XML_ERROR);
}

#define ERR(lit, e)	expect_error((lit), sizeof(lit) - 1, (e))

Test(xml, structure)
{
	TRACE("<a/>", "<a>a$");
	TRACE("<a></a>", "<a>a$");
	TRACE("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>x</a>\n",
	    "<a'x'>a$");
	TRACE("\xef\xbb\xbf<?xml version=\"1.0\"?><a><b>1</b> <c/></a>",
	    "<a<b'1'>b_<c>c>a$");
	TRACE("<!-- lead --><?pi data?><a x='1' y = \"2\" ns:z='&amp;'>t</a>"
	    "<!-- tail -->\n",
	    "<a't'>a$");
	TRACE("<p:a xmlns:p=\"u\"><p:b>v</p:b></p:a>", "<p:a<p:b'v'>p:b>p:a$");
}

Test(xml, text_decoding)
{
	TRACE("<a>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;&#xe9;&#x1F600;</a>",
	    "<a'<>&'\"AB\xc3\xa9\xf0\x9f\x98\x80'>a$");
	TRACE("<a>x<!-- c -->y<![CDATA[<&>]]>z</a>", "<a'xy<&>z'>a$");
	TRACE("<a>1\r\n2\r3</a>", "<a'1\n2\n3'>a$");
	TRACE("<a>\"TXT \\\"q\\\" \\\\\" &amp;&#9;</a>",
	    "<a'\"TXT \\\"q\\\" \\\\\" &\t'>a$");
	TRACE("<a>caf\xc3\xa9 > 1</a>", "<a'caf\xc3\xa9 > 1'>a$");
}

Test(xml, pointers_stay_valid)
{
	struct xml	 x;
	const char	*v[3];
	size_t		 n = 0, len;

	LOAD(&x, "<r><v>1&amp;2</v><v>x</v><v></v><v>y&#x41;</v></r>");
	cr_assert_eq(xml_child(&x), 1);
	while (xml_child(&x) == 1) {
		cr_assert(xml_is(&x, "v"));
		if (n < 3)
			cr_assert_eq(xml_text(&x, &v[n++], &len), 0);
		else
			cr_assert_eq(xml_text(&x, &v[2], &len), 0);
	}
	cr_assert_eq(xml_next(&x), XML_EOF);
	cr_expect_str_eq(v[0], "1&2");
	cr_expect_str_eq(v[1], "x");
	cr_expect_str_eq(v[2], "yA");
	cr_expect_eq(len, 2);
}

Test(xml, helpers)
{
	struct xml	 x;
	const char	*t;

	LOAD(&x, "<r><skip><deep><er/></deep>text</skip><n>v</n>"
	    "<bad>a<c/>b</bad></r>");
	cr_assert_eq(xml_child(&x), 1);
	cr_expect(xml_is(&x, "r"));
	cr_assert_eq(xml_child(&x), 1);
	cr_expect(xml_is(&x, "skip"));
	cr_assert_eq(xml_skip(&x), 0);
	cr_assert_eq(xml_child(&x), 1);
	cr_expect(xml_is(&x, "n"));
	cr_expect_eq(xml_depth(&x), 2);
	cr_assert_eq(xml_text(&x, &t, NULL), 0);
	cr_expect_str_eq(t, "v");
	cr_expect_eq(xml_depth(&x), 1);
	cr_assert_eq(xml_child(&x), 1);
	cr_expect(xml_is(&x, "bad"));
	cr_expect_eq(xml_text(&x, &t, NULL), -1);
	cr_expect_eq(xml_error(&x, NULL), XML_EUNEXPECTED);
	cr_expect_eq(xml_next(&x), XML_ERROR);
}

Test(xml, path)
{
	static char	 buf[XML_MAX_DEPTH * (XML_MAX_NAME + 2) + 16];
	struct xml	 x;
	char		 path[64], small[8], name[XML_MAX_NAME + 1];
	const char	*t;
	size_t		 n;
	int		 i;

	LOAD(&x, "<r:A xmlns:r=\"u\"><r:B><C>t</C><D/></r:B>&bad;</r:A>");
	xml_path(&x, path, sizeof(path));
	cr_expect_str_eq(path, "");
	cr_assert_eq(xml_child(&x), 1);
	xml_path(&x, path, sizeof(path));
	cr_expect_str_eq(path, "A");
	cr_assert_eq(xml_child(&x), 1);
	cr_assert_eq(xml_child(&x), 1);
	xml_path(&x, path, sizeof(path));
	cr_expect_str_eq(path, "A/B/C");
	cr_assert_eq(xml_text(&x, &t, NULL), 0);
	xml_path(&x, path, sizeof(path));
	cr_expect_str_eq(path, "A/B");		/* C is closed */
	xml_path(&x, small, sizeof(small));
	cr_expect_str_eq(small, "A/B");
	cr_assert_eq(xml_child(&x), 1);
	xml_path(&x, small, 4);
	cr_expect_str_eq(small, "...");		/* "A/B/D" does not fit */
	xml_path(&x, small, 6);
	cr_expect_str_eq(small, "A/B/D");
	xml_path(&x, small, 5);
	cr_expect_str_eq(small, "A...");
	xml_path(&x, small, 1);
	cr_expect_str_eq(small, "");
	cr_assert_eq(xml_next(&x), XML_END);
	cr_assert_eq(xml_next(&x), XML_END);
	/* After an error: where the reader stopped. */
	cr_expect_eq(xml_next(&x), XML_ERROR);
	xml_path(&x, path, sizeof(path));
	cr_expect_str_eq(path, "A");

	/* The deepest path with the longest names, cut. */
	memset(name, 'n', XML_MAX_NAME);
	name[XML_MAX_NAME] = '\0';
	for (n = 0, i = 0; i < XML_MAX_DEPTH; i++)
		n += (size_t)sprintf(buf + n, "<%s>", name);
	load(&x, buf, n);
	for (i = 0; i < XML_MAX_DEPTH; i++)
		cr_assert_eq(xml_next(&x), XML_START);
	xml_path(&x, path, sizeof(path));
	cr_expect_eq(strlen(path), sizeof(path) - 1);
	cr_expect_eq(strspn(path, "n"), sizeof(path) - 4);
	cr_expect_str_eq(path + sizeof(path) - 4, "...");
}

/* Bodies in the shapes ROUTE53.md documents must read without error. */
Test(xml, route53_shapes)
{
	TRACE("<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"https://"
	    "route53.amazonaws.com/doc/2013-04-01/\">\n  <Error>\n    <Type>"
	    "Sender</Type>\n    <Code>NoSuchHostedZone</Code>\n    <Message>"
	    "No hosted zone found with ID: Z0123456789ABCDEFGHIJ</Message>\n"
	    "  </Error>\n  <RequestId>b25f48e8-84fd-11e6-80d9-574e0c4664cb"
	    "</RequestId>\n</ErrorResponse>",
	    "<ErrorResponse_<Error_<Type'Sender'>Type_<Code'NoSuchHostedZone'"
	    ">Code_<Message'No hosted zone found with ID: Z0123456789ABCDEFGHIJ"
	    "'>Message_>Error_<RequestId'b25f48e8-84fd-11e6-80d9-574e0c4664cb'"
	    ">RequestId_>ErrorResponse$");
	TRACE("<GetChangeResponse xmlns=\"https://route53.amazonaws.com/doc/"
	    "2013-04-01/\"><ChangeInfo><Id>/change/C0021990I7F3JHLHICJ4</Id>"
	    "<Status>INSYNC</Status><SubmittedAt>2025-01-02T03:04:05.678Z"
	    "</SubmittedAt></ChangeInfo></GetChangeResponse>",
	    "<GetChangeResponse<ChangeInfo<Id'/change/C0021990I7F3JHLHICJ4'>Id"
	    "<Status'INSYNC'>Status<SubmittedAt'2025-01-02T03:04:05.678Z'>"
	    "SubmittedAt>ChangeInfo>GetChangeResponse$");
	TRACE("<ListResourceRecordSetsResponse><ResourceRecordSets>"
	    "<ResourceRecordSet><Name>\\052.example.com.</Name><Type>TXT</Type>"
	    "<TTL>60</TTL><ResourceRecords><ResourceRecord><Value>&quot;a b"
	    "&quot; &quot;\\&quot;q\\&quot;&quot;</Value></ResourceRecord>"
	    "</ResourceRecords></ResourceRecordSet></ResourceRecordSets>"
	    "<IsTruncated>false</IsTruncated><MaxItems>100</MaxItems>"
	    "</ListResourceRecordSetsResponse>",
	    "<ListResourceRecordSetsResponse<ResourceRecordSets"
	    "<ResourceRecordSet<Name'\\052.example.com.'>Name<Type'TXT'>Type"
	    "<TTL'60'>TTL<ResourceRecords<ResourceRecord<Value'\"a b\" "
	    "\"\\\"q\\\"\"'>Value>ResourceRecord>ResourceRecords"
	    ">ResourceRecordSet>ResourceRecordSets<IsTruncated'false'>"
	    "IsTruncated<MaxItems'100'>MaxItems"
	    ">ListResourceRecordSetsResponse$");
}

Test(xml, hostile_structure)
{
	ERR("", XML_ETRUNC);
	ERR("   \n", XML_ETRUNC);
	ERR("<?xml version=\"1.0\"?>", XML_ETRUNC);
	ERR("<a><b>text</b>", XML_ETRUNC);
	ERR("<a>text", XML_ETRUNC);
	ERR("<a", XML_ETRUNC);
	ERR("<a x=\"1", XML_ETRUNC);
	ERR("<a><!-- never closed </a>", XML_ETRUNC);
	ERR("<a><![CDATA[x</a>", XML_ETRUNC);
	ERR("<a><b></a></b>", XML_EMISMATCH);
	ERR("<a></A>", XML_EMISMATCH);
	ERR("<a/>x", XML_ETRAILING);
	ERR("<a/><b/>", XML_ETRAILING);
	ERR("<a/></a>", XML_ETRAILING);
	ERR("x<a/>", XML_ESYNTAX);
	ERR("</a>", XML_ESYNTAX);
	ERR("<a>< b</a>", XML_ESYNTAX);
	ERR("<1a/>", XML_ESYNTAX);
	ERR("<a x='1'y='2'/>", XML_ESYNTAX);
	ERR("<a x=1/>", XML_ESYNTAX);
	ERR("<a x='<'/>", XML_ESYNTAX);
	ERR("<a x/>", XML_ESYNTAX);
	ERR("<a>]]></a>", XML_ESYNTAX);
	ERR("<a><!-- a -- b --></a>", XML_ESYNTAX);
	ERR("<a><?xml version='1.0'?></a>", XML_ESYNTAX);
	ERR("<!-- c --><?xml version='1.0'?><a/>", XML_ESYNTAX);
	ERR("<![CDATA[x]]><a/>", XML_ESYNTAX);
	ERR("<a/>&amp;", XML_ESYNTAX);
}

Test(xml, hostile_declarations)
{
	ERR("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"y\">]>"
	    "<a>&x;</a>", XML_EDTD);
	ERR("<!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a/>", XML_EDTD);
	ERR("<a><!ENTITY x \"y\"></a>", XML_EDTD);
	ERR("<a><!ELEMENT a ANY></a>", XML_EDTD);
}

Test(xml, hostile_entities)
{
	ERR("<a>&x;</a>", XML_EENTITY);
	ERR("<a>&lt</a>", XML_EENTITY);
	ERR("<a>& b</a>", XML_EENTITY);
	ERR("<a>&#;</a>", XML_EENTITY);
	ERR("<a>&#x;</a>", XML_EENTITY);
	ERR("<a>&#0;</a>", XML_EENTITY);
	ERR("<a>&#x1;</a>", XML_EENTITY);
	ERR("<a>&#xD800;</a>", XML_EENTITY);
	ERR("<a>&#xFFFE;</a>", XML_EENTITY);
	ERR("<a>&#x110000;</a>", XML_EENTITY);
	ERR("<a>&#99999999999999999999;</a>", XML_EENTITY);
	ERR("<a>&#12a;</a>", XML_EENTITY);
	ERR("<a x='&bogus;'/>", XML_EENTITY);
	ERR("<a>&LT;</a>", XML_EENTITY);
}

Test(xml, hostile_bytes)
{
	expect_error("<a>x\0y</a>", 10, XML_ECHAR);
	expect_error("<a\0/>", 5, XML_ESYNTAX);
	expect_error("\0<a/>", 5, XML_ECHAR);
	ERR("<a>\x01</a>", XML_ECHAR);
	ERR("<a>\xff</a>", XML_ECHAR);
	ERR("<a>\xc3</a>", XML_ECHAR);
	ERR("<a>\xc0\xaf</a>", XML_ECHAR);	/* overlong "/" */
	ERR("<a>\xed\xa0\x80</a>", XML_ECHAR);	/* surrogate */
	ERR("<a>\xef\xbf\xbe</a>", XML_ECHAR);	/* U+FFFE */
	ERR("<a x='\x02'/>", XML_ECHAR);
	ERR("<a><!-- \x03 --></a>", XML_ECHAR);
	ERR("<a\xff/>", XML_ECHAR);
}

Test(xml, limits)
{
	static char	buf[XML_MAX_TEXT + 512];
	char		name[XML_MAX_NAME + 2];
	char		want[2 * XML_MAX_NAME + 8];
	size_t		n, i;
	int		d;

	/* Depth: XML_MAX_DEPTH levels are fine, one more is not. */
	for (d = XML_MAX_DEPTH; d <= XML_MAX_DEPTH + 1; d++) {
		n = 0;
		for (i = 0; i < (size_t)d; i++)
			n += (size_t)sprintf(buf + n, "<e>");
		for (i = 0; i < (size_t)d; i++)
			n += (size_t)sprintf(buf + n, "</e>");
		if (d == XML_MAX_DEPTH) {
			struct xml	x;
			int		tok;

			load(&x, buf, n);
			while ((tok = xml_next(&x)) > 0)
				continue;
			cr_expect_eq(tok, XML_EOF);
		} else
			expect_error(buf, n, XML_EDEPTH);
	}
	/* A deep bomb stops at the cap, not at the end of the input. */
	n = 0;
	for (i = 0; i < 10000; i++)
		n += (size_t)sprintf(buf + n, "<e>");
	expect_error(buf, n, XML_EDEPTH);

	/* Names. */
	memset(name, 'n', sizeof(name));
	name[XML_MAX_NAME] = '\0';
	n = (size_t)sprintf(buf, "<%s/>", name);
	snprintf(want, sizeof(want), "<%s>%s$", name, name);
	expect_trace(buf, n, want);
	name[XML_MAX_NAME] = 'n';
	name[XML_MAX_NAME + 1] = '\0';
	n = (size_t)sprintf(buf, "<%s/>", name);
	expect_error(buf, n, XML_ENAME);

	/* Attributes. */
	n = (size_t)sprintf(buf, "<a");
	for (i = 0; i < XML_MAX_ATTRS + 1; i++)
		n += (size_t)sprintf(buf + n, " a%zu='v'", i);
	n += (size_t)sprintf(buf + n, "/>");
	expect_error(buf, n, XML_EATTRS);

	/* Text. */
	n = (size_t)sprintf(buf, "<a>");
	memset(buf + n, 'x', XML_MAX_TEXT + 1);
	n += XML_MAX_TEXT + 1;
	n += (size_t)sprintf(buf + n, "</a>");
	expect_error(buf, n, XML_ETEXT);
}
