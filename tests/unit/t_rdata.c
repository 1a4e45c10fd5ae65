/*
 * Unit tests for dns/rdata.c: Route 53 text <-> wire for every Route 53
 * type, validity checks, decompression, canonical form and order.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "listen.h"

static size_t
unhex(const char *s, uint8_t *out)
{
	size_t		 n = 0;
	unsigned	 v;

	while (*s != '\0') {
		if (*s == ' ') {
			s++;
			continue;
		}
		cr_assert_eq(sscanf(s, "%2x", &v), 1, "bad hex in test");
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static char *
tohex(const uint8_t *p, size_t n, char *buf)
{
	size_t	i;

	for (i = 0; i < n; i++)
		sprintf(buf + 2 * i, "%02x", p[i]);
	buf[2 * n] = '\0';
	return buf;
}

static uint8_t	 rd[RDATA_MAX], want[RDATA_MAX];
static char	 text[20000], hexa[2 * RDATA_MAX + 1], hexb[2 * RDATA_MAX + 1];

/* text parses to hex, and hex prints as text again. */
static void
round_trip(uint16_t type, const char *t, const char *hex)
{
	size_t	 len, wlen;
	int	 n;

	wlen = unhex(hex, want);
	cr_assert_eq(rdata_from_r53(type, t, strlen(t), rd, sizeof(rd), &len),
	    0, "type %u: %s refused", type, t);
	cr_assert(len == wlen && memcmp(rd, want, len) == 0,
	    "type %u: %s -> %s, want %s", type, t, tohex(rd, len, hexa),
	    tohex(want, wlen, hexb));
	cr_assert_eq(rdata_check(type, want, wlen), 0);
	n = rdata_to_r53(type, want, wlen, text, sizeof(text));
	cr_assert_geq(n, 0, "type %u: %s not printed", type, hex);
	cr_assert_str_eq(text, t);
	cr_assert_eq((size_t)n, strlen(t));
}

/* Accepted input in a non-canonical spelling prints as canon. */
static void
accepts(uint16_t type, const char *in, const char *canon)
{
	size_t	len;

	cr_assert_eq(rdata_from_r53(type, in, strlen(in), rd, sizeof(rd),
	    &len), 0, "type %u: %s refused", type, in);
	cr_assert_geq(rdata_to_r53(type, rd, len, text, sizeof(text)), 0);
	cr_assert_str_eq(text, canon, "type %u: %s", type, in);
}

static void
refuses(uint16_t type, const char *in)
{
	size_t	len;

	cr_assert_eq(rdata_from_r53(type, in, strlen(in), rd, sizeof(rd),
	    &len), -1, "type %u: accepted %s", type, in);
}

static void
bad_wire(uint16_t type, const char *hex)
{
	size_t	n = unhex(hex, want);

	cr_assert_eq(rdata_check(type, want, n), -1, "type %u: %s accepted",
	    type, hex);
	cr_assert_eq(rdata_to_r53(type, want, n, text, sizeof(text)),
	    RDATA_EBAD);
}

Test(rdata, a_aaaa)
{
	round_trip(DNS_T_A, "192.0.2.1", "c0000201");
	round_trip(DNS_T_A, "0.0.0.0", "00000000");
	round_trip(DNS_T_AAAA, "2001:db8:85a3::8a2e:370:7334",
	    "20010db885a3000000008a2e03707334");
	round_trip(DNS_T_AAAA, "::", "00000000000000000000000000000000");
	round_trip(DNS_T_AAAA, "::ffff:192.0.2.1",
	    "00000000000000000000ffffc0000201");
	accepts(DNS_T_AAAA, "2001:0db8:85a3:0:0:8a2e:0370:7334",
	    "2001:db8:85a3::8a2e:370:7334");
	accepts(DNS_T_AAAA, "2001:DB8::1", "2001:db8::1");
	accepts(DNS_T_A, "  192.0.2.1 ", "192.0.2.1");
	refuses(DNS_T_A, "192.0.2");
	refuses(DNS_T_A, "192.0.2.256");
	refuses(DNS_T_A, "192.0.2.1 x");
	refuses(DNS_T_A, "");
	refuses(DNS_T_AAAA, "1::2::3");
	refuses(DNS_T_AAAA, "192.0.2.1");
	bad_wire(DNS_T_A, "c00002");
	bad_wire(DNS_T_A, "c000020100");
	bad_wire(DNS_T_AAAA, "20010db885a3000000008a2e037073");
	bad_wire(DNS_T_AAAA, "");
}

Test(rdata, names)
{
	round_trip(DNS_T_CNAME, "www.example.com.",
	    "03777777076578616d706c6503636f6d00");
	round_trip(DNS_T_CNAME, ".", "00");
	/* An escaped dot inside a label, and case kept. */
	round_trip(DNS_T_NS, "a\\056b.Example.", "03612e62074578616d706c6500");
	round_trip(DNS_T_PTR, "\\052.x.", "012a017800");
	round_trip(DNS_T_PTR, "\\000\\377\\040.x.", "0300ff20017800");
	accepts(DNS_T_CNAME, "www.example.com", "www.example.com.");
	accepts(DNS_T_CNAME, "*.x", "\\052.x.");
	accepts(DNS_T_CNAME, "a\\.b.x", "a\\056b.x.");
	refuses(DNS_T_CNAME, "a..b");
	refuses(DNS_T_CNAME, "a b");
	refuses(DNS_T_CNAME, "a\\9");
	refuses(DNS_T_CNAME, "");
	bad_wire(DNS_T_CNAME, "03777777");		/* no root */
	bad_wire(DNS_T_CNAME, "0000");			/* trailing byte */
	bad_wire(DNS_T_CNAME, "c00c");			/* a pointer */
	bad_wire(DNS_T_NS, "");
}

Test(rdata, mx_srv_soa)
{
	round_trip(DNS_T_MX, "10 mail.example.com.",
	    "000a046d61696c076578616d706c6503636f6d00");
	round_trip(DNS_T_MX, "65535 .", "ffff00");
	accepts(DNS_T_MX, "0\tmx.example", "0 mx.example.");
	refuses(DNS_T_MX, "65536 mx.");
	refuses(DNS_T_MX, "-1 mx.");
	refuses(DNS_T_MX, "10");
	refuses(DNS_T_MX, "x mx.");
	bad_wire(DNS_T_MX, "000a");

	round_trip(DNS_T_SRV, "10 5 80 hostname.example.com.",
	    "000a0005005008686f73746e616d65076578616d706c6503636f6d00");
	round_trip(DNS_T_SRV, "0 0 0 .", "00000000000000");
	refuses(DNS_T_SRV, "1 2 target.");
	bad_wire(DNS_T_SRV, "00000000000000ff");

	round_trip(DNS_T_SOA, "ns-2048.awsdns-64.net. hostmaster.example.com. "
	    "1 7200 900 1209600 86400",
	    "076e732d32303438096177 73646e732d3634036e657400"
	    "0a686f73746d6173746572076578616d706c6503636f6d00"
	    "00000001 00001c20 00000384 00127500 00015180");
	round_trip(DNS_T_SOA, ". . 4294967295 0 4294967295 2147483647 0",
	    "0000 ffffffff 00000000 ffffffff 7fffffff 00000000");
	refuses(DNS_T_SOA, ". . 4294967296 0 0 0 0");
	refuses(DNS_T_SOA, ". . 1 2 3 4");
	refuses(DNS_T_SOA, ". . 1 2 3 4 5 6");
	/* SOA length must be exact: one byte short or long. */
	bad_wire(DNS_T_SOA, "0000 ffffffff 00000000 ffffffff 7fffffff 000000");
	bad_wire(DNS_T_SOA, "0000 ffffffff 00000000 ffffffff 7fffffff "
	    "0000000000");
}

Test(rdata, txt)
{
	char	 in[1100], out[1100];
	size_t	 len;

	round_trip(DNS_T_TXT, "\"v=spf1 -all\"", "0b763d73706631202d616c6c");
	round_trip(DNS_T_TXT, "\"\"", "00");
	round_trip(DNS_T_TXT, "\"a\" \"\" \"b c\"", "0161 00 0362 2063");
	round_trip(DNS_T_TXT, "\"\\\"quoted\\\" and \\\\\"",
	    "0e 227175 6f746564 2220616e 64205c");
	/* Route 53 octal: 0x00, 0x1f, 0x7f, 0x80, 0xff; space literal. */
	round_trip(DNS_T_TXT, "\"\\000\\037 \\177\\200\\377\"",
	    "06001f207f80ff");
	round_trip(DNS_T_TXT, "\"ex\\344mple.com\"", "0b6578e46d706c652e636f6d");
	round_trip(DNS_T_SPF, "\"v=spf1 ip4:192.168.0.1/16 -all\"",
	    "1e763d7370663120697034 3a3139322e3136382e302e312f3136202d616c6c");
	accepts(DNS_T_TXT, "\"a\"   \"b\"", "\"a\" \"b\"");
	accepts(DNS_T_TXT, "\"\\a\\b\"", "\"ab\"");
	accepts(DNS_T_TXT, "\"semi;colon (x)\"", "\"semi;colon (x)\"");

	/* 255 bytes fit one string, 256 do not. */
	in[0] = '"';
	memset(in + 1, 'x', 255);
	strcpy(in + 256, "\"");
	cr_assert_eq(rdata_from_r53(DNS_T_TXT, in, strlen(in), rd, sizeof(rd),
	    &len), 0);
	cr_assert_eq(len, 256);
	cr_assert_eq(rd[0], 255);
	cr_assert_geq(rdata_to_r53(DNS_T_TXT, rd, len, out, sizeof(out)), 0);
	cr_assert_str_eq(out, in);
	/* 255 bytes written as escapes are still 255 bytes. */
	strcpy(in, "\"");
	for (len = 0; len < 255; len++)
		strcat(in, "\\001");
	strcat(in, "\"");
	cr_assert_eq(rdata_from_r53(DNS_T_TXT, in, strlen(in), rd, sizeof(rd),
	    &len), 0);
	cr_assert_eq(len, 256);
	in[0] = '"';
	memset(in + 1, 'x', 256);
	strcpy(in + 257, "\"");
	refuses(DNS_T_TXT, in);

	refuses(DNS_T_TXT, "unquoted");
	refuses(DNS_T_TXT, "\"unterminated");
	refuses(DNS_T_TXT, "\"a\"b");
	refuses(DNS_T_TXT, "\"a\" b");
	refuses(DNS_T_TXT, "\"bad \\9 escape\"");
	refuses(DNS_T_TXT, "\"decimal \\255 is octal 255 = 173\" \"\\400\"");
	refuses(DNS_T_TXT, "\"trailing backslash\\\"");
	refuses(DNS_T_TXT, "");
	cr_assert_eq(rdata_from_r53(DNS_T_TXT, "\"a\0b\"", 5, rd, sizeof(rd),
	    &len), -1, "NUL in text");

	bad_wire(DNS_T_TXT, "");
	bad_wire(DNS_T_TXT, "0561");		/* string runs past the end */
	bad_wire(DNS_T_TXT, "0161 02");
}

Test(rdata, caa)
{
	round_trip(DNS_T_CAA, "0 issue \"ca.example.net\"",
	    "00 05697373756563612e6578616d706c652e6e6574");
	round_trip(DNS_T_CAA, "128 iodef \"mailto:a@example.com\"",
	    "80 05696f646566 6d61696c746f3a61406578616d706c652e636f6d");
	round_trip(DNS_T_CAA, "0 issue \"\"", "00 056973737565");
	round_trip(DNS_T_CAA, "0 tbs \"a\\\"b\\\\c \\012\"",
	    "00 03746273 6122625c63200a");
	refuses(DNS_T_CAA, "0 issue ca.example.net");
	refuses(DNS_T_CAA, "0 is-sue \"x\"");
	refuses(DNS_T_CAA, "256 issue \"x\"");
	refuses(DNS_T_CAA, "0 issue");
	bad_wire(DNS_T_CAA, "00 00");			/* empty tag */
	bad_wire(DNS_T_CAA, "00 02 692d");		/* '-' in tag */
	bad_wire(DNS_T_CAA, "00 09 6973");		/* tag past end */
}

Test(rdata, naptr)
{
	/* The Route 53 documentation's example. */
	round_trip(DNS_T_NAPTR, "100 50 \"u\" \"E2U+sip\" "
	    "\"!^(\\\\+441632960083)$!sip:\\\\1@example.com!\" .",
	    "0064 0032 0175 0745 32552b736970 "
	    "27215e285c2b34343136333239363030383329 24217369703a5c3140"
	    "6578616d706c652e636f6d21 00");
	round_trip(DNS_T_NAPTR, "0 0 \"\" \"\" \"\" _sip._udp.Example.",
	    "0000 0000 00 00 00 045f736970045f756470074578616d706c6500");
	refuses(DNS_T_NAPTR, "1 2 \"a\" \"b\" .");
	refuses(DNS_T_NAPTR, "1 2 a b c .");
	bad_wire(DNS_T_NAPTR, "0000 0000 00 00 00");	/* no replacement */
	bad_wire(DNS_T_NAPTR, "0000 0000 00 00 05 00");
}

Test(rdata, ds_sshfp_tlsa)
{
	char	in[300], hex[600];

	round_trip(DNS_T_DS, "60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118",
	    "ec45 05 01 2bb183af5f22588179a53b0a98631fad1a292118");
	accepts(DNS_T_DS, "60485 5 1 2BB183AF5F22588179A5 3B0A98631FAD1A292118",
	    "60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118");
	/* SHA-384: 48 bytes. */
	snprintf(in, sizeof(in), "1 13 4 %s", "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	snprintf(hex, sizeof(hex), "0001 0d 04 %s", in + 7);
	round_trip(DNS_T_DS, in, hex);
	/* Unknown digest types take any length. */
	round_trip(DNS_T_DS, "1 8 9 00", "0001 08 09 00");
	refuses(DNS_T_DS, "1 8 1 0011");		/* SHA-1 is 20 bytes */
	refuses(DNS_T_DS, "1 8 2 001");			/* odd digits */
	refuses(DNS_T_DS, "1 8 2 zz");
	refuses(DNS_T_DS, "1 8 9");			/* no digest */
	refuses(DNS_T_DS, "65536 8 9 00");
	bad_wire(DNS_T_DS, "0001 08 02 00");
	bad_wire(DNS_T_DS, "0001 08 00 00");		/* reserved type */

	round_trip(DNS_T_SSHFP, "4 2 "
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	    "0402 0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef");
	refuses(DNS_T_SSHFP, "4 2");
	bad_wire(DNS_T_SSHFP, "0402");

	round_trip(DNS_T_TLSA, "3 1 1 0f0f", "030101 0f0f");
	refuses(DNS_T_TLSA, "3 1 256 0f");
	bad_wire(DNS_T_TLSA, "030101");
}

Test(rdata, svcb_https)
{
	round_trip(DNS_T_HTTPS, "1 . alpn=h3,h2", "0001 00 0001 0006 026833 026832");
	round_trip(DNS_T_SVCB, "0 foo.example.com.",
	    "0000 03666f6f076578616d706c6503636f6d00");
	/* RFC 9460 appendix D vectors. */
	round_trip(DNS_T_SVCB, "16 foo.example.com. port=53",
	    "0010 03666f6f076578616d706c6503636f6d00 0003 0002 0035");
	round_trip(DNS_T_SVCB, "1 foo.example.com. key667=hello",
	    "0001 03666f6f076578616d706c6503636f6d00 029b 0005 68656c6c6f");
	round_trip(DNS_T_SVCB,
	    "1 foo.example.com. ipv6hint=2001:db8::1,2001:db8::53:1",
	    "0001 03666f6f076578616d706c6503636f6d00 0006 0020"
	    "20010db8000000000000000000000001"
	    "20010db8000000000000000000530001");
	accepts(DNS_T_SVCB, "16 foo.example.org. alpn=h2,h3-19 "
	    "mandatory=ipv4hint,alpn ipv4hint=192.0.2.1",
	    "16 foo.example.org. mandatory=alpn,ipv4hint alpn=h2,h3-19 "
	    "ipv4hint=192.0.2.1");
	/* Appendix D.2 figure 11: escaped commas and backslashes in alpn. */
	accepts(DNS_T_SVCB, "16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"",
	    "16 foo.example.org. alpn=f\\\\\\\\oo\\\\,bar,h2");
	round_trip(DNS_T_SVCB, "16 foo.example.org. alpn=f\\\\\\\\oo\\\\,bar,h2",
	    "0010 03666f6f076578616d706c65036f726700 0001 000c"
	    "08665c6f6f2c626172 026832");
	/* Every key, in order; quoted input values; generic keys. */
	round_trip(DNS_T_HTTPS, "1 svc.example. mandatory=alpn,port "
	    "alpn=h2,sp\\040ace no-default-alpn port=8443 "
	    "ipv4hint=192.0.2.1,192.0.2.2 ech=AEX+DQ== ipv6hint=2001:db8::1 "
	    "key7=/dns-query{?dns} key8 key65534=\\\"\\000",
	    "0001 03737663076578616d706c6500"
	    "0000 0004 0001 0003"
	    "0001 000a 026832 06737020616365"
	    "0002 0000"
	    "0003 0002 20fb"
	    "0004 0008 c0000201 c0000202"
	    "0005 0004 0045fe0d"
	    "0006 0010 20010db8000000000000000000000001"
	    "0007 0010 2f646e732d71756572797b3f646e737d"
	    "0008 0000"
	    "fffe 0002 2200");
	accepts(DNS_T_HTTPS, "1 . port=\"443\" alpn=\"h2\"",
	    "1 . alpn=h2 port=443");
	accepts(DNS_T_HTTPS, "1 . key3=\"\\001\\273\"", "1 . port=443");
	refuses(DNS_T_HTTPS, "1 . port=80 port=81");		/* twice */
	refuses(DNS_T_HTTPS, "1 . key65535=x");
	refuses(DNS_T_HTTPS, "1 . key01=x");			/* leading 0 */
	refuses(DNS_T_HTTPS, "1 . frob=x");
	refuses(DNS_T_HTTPS, "1 . no-default-alpn=x");
	refuses(DNS_T_HTTPS, "1 . alpn=");
	refuses(DNS_T_HTTPS, "1 . alpn=a,,b");
	refuses(DNS_T_HTTPS, "1 . alpn=a\\\\b");		/* bad \b */
	refuses(DNS_T_HTTPS, "1 . port=65536");
	refuses(DNS_T_HTTPS, "1 . ipv4hint=1.2.3");
	refuses(DNS_T_HTTPS, "1 . ech=!!");
	refuses(DNS_T_HTTPS, "1 . mandatory=port");		/* port absent */
	refuses(DNS_T_HTTPS, "1 . mandatory=mandatory alpn=h2");
	refuses(DNS_T_HTTPS, "1 . mandatory=alpn,alpn alpn=h2");
	refuses(DNS_T_HTTPS, "0 . alpn=h2");			/* AliasMode */
	refuses(DNS_T_HTTPS, "1 . alpn=\"h2");

	bad_wire(DNS_T_HTTPS, "0001 00 0003 0002 0050 0001 0003 026832");
	bad_wire(DNS_T_HTTPS, "0001 00 0003 0003 005000");	/* port len */
	bad_wire(DNS_T_HTTPS, "0001 00 0001 0003 006832");	/* empty id */
	bad_wire(DNS_T_HTTPS, "0001 00 0001 0003 036832");	/* id past */
	bad_wire(DNS_T_HTTPS, "0001 00 0002 0001 00");
	bad_wire(DNS_T_HTTPS, "0001 00 0004 0005 c000020100");
	bad_wire(DNS_T_HTTPS, "0001 00 0001 00");		/* short */
	bad_wire(DNS_T_HTTPS, "0000 00 0003 0002 0050");
}

/* Route 53 text r53 prints in master-file form as mf. */
static void
master(uint16_t type, const char *r53, const char *mf)
{
	size_t	len;
	int	n;

	cr_assert_eq(rdata_from_r53(type, r53, strlen(r53), rd, sizeof(rd),
	    &len), 0, "type %u: %s refused", type, r53);
	n = rdata_to_text(type, rd, len, text, sizeof(text));
	cr_assert_geq(n, 0, "type %u: %s not printed", type, r53);
	cr_assert_str_eq(text, mf, "type %u: %s", type, r53);
	cr_assert_eq((size_t)n, strlen(mf));
}

Test(rdata, master_file_text)
{
	/* Decimal escapes in strings; quote, backslash, space as they are. */
	master(DNS_T_TXT, "\"caf\\303\\251\"", "\"caf\\195\\169\"");
	master(DNS_T_TXT, "\"a \\\"b\\\\\" \"\" \"\\000\\011\\177\\377;()\"",
	    "\"a \\\"b\\\\\" \"\" \"\\000\\009\\127\\255;()\"");
	master(DNS_T_SPF, "\"v=spf1 -all\"", "\"v=spf1 -all\"");
	master(DNS_T_CAA, "128 tbs \"\\351 \\\"\"", "128 tbs \"\\233 \\\"\"");
	master(DNS_T_NAPTR, "100 50 \"u\" \"E2U+sip\" "
	    "\"!^(\\\\+4416)$!sip:\\\\1@example.com!\" .",
	    "100 50 \"u\" \"E2U+sip\" "
	    "\"!^(\\\\+4416)$!sip:\\\\1@example.com!\" .");
	/* Names: absolute, case kept, RFC 1035 escapes. */
	master(DNS_T_CNAME, "Target.Example.net", "Target.Example.net.");
	master(DNS_T_NS, "a\\040b\\303.example.net.",
	    "a\\032b\\195.example.net.");
	master(DNS_T_PTR, "\\050\\051\\073\\100\\044\\042\\134\\056.x",
	    "\\(\\)\\;\\@\\$\\\"\\\\\\..x.");
	master(DNS_T_MX, "10 mail.example.net", "10 mail.example.net.");
	master(DNS_T_SRV, "1 2 3 \\052.example.net", "1 2 3 *.example.net.");
	master(DNS_T_SOA, "ns.example.net host\\056master.example.net "
	    "1 2 3 4 5", "ns.example.net. host\\.master.example.net. "
	    "1 2 3 4 5");
	/* SVCB values unquoted: space and ; ( ) escaped too. */
	master(DNS_T_SVCB, "1 svc.example.net key65000=a\\040;(b)\\\"\\303",
	    "1 svc.example.net. key65000=a\\032\\;\\(b\\)\\\"\\195");
	master(DNS_T_HTTPS, "1 . alpn=a\\\\\\,b,h2 port=443",
	    "1 . alpn=a\\\\,b,h2 port=443");
	/* Fields without escapes are as in the Route 53 form. */
	master(DNS_T_A, "192.0.2.1", "192.0.2.1");
	master(DNS_T_AAAA, "2001:0db8::0001", "2001:db8::1");
	master(DNS_T_DS, "1 13 2 " "E06D44B80B8F1D39A95C0B0D7C65D084"
	    "58E880409BBC683457104237C7F8EC8D", "1 13 2 "
	    "e06d44b80b8f1d39a95c0b0d7c65d08458e880409bbc683457104237c7f8ec8d");
	master(DNS_T_SSHFP, "1 1 AB CD", "1 1 abcd");
	master(DNS_T_TLSA, "3 1 1 abcd", "3 1 1 abcd");
	cr_assert_geq(rdata_to_text(1000, (const uint8_t *)"\1\2", 2, text,
	    sizeof(text)), 0);
	cr_assert_str_eq(text, "\\# 2 0102");
	/* The Route 53 form is unchanged by the master-file one. */
	accepts(DNS_T_TXT, "\"caf\\303\\251\"", "\"caf\\303\\251\"");
	cr_assert_eq(rdata_to_text(DNS_T_A, (const uint8_t *)"\xc0\0\2", 3,
	    text, sizeof(text)), RDATA_EBAD);
	cr_assert_eq(rdata_to_text(DNS_T_A, (const uint8_t *)"\xc0\0\2\1", 4,
	    text, 8), RDATA_ESPACE);
}

Test(rdata, generic_and_limits)
{
	uint8_t	 b[3] = { 1, 2, 0xff };
	char	 small[8];
	size_t	 len;

	cr_assert_geq(rdata_to_r53(99 + 1000, b, 3, text, sizeof(text)), 0);
	cr_assert_str_eq(text, "\\# 3 0102ff");
	cr_assert_geq(rdata_to_r53(DNS_T_LOC, b, 0, text, sizeof(text)), 0);
	cr_assert_str_eq(text, "\\# 0");
	accepts(DNS_T_A, "\\# 4 c0000201", "192.0.2.1");
	refuses(DNS_T_A, "\\# 3 c00002");
	refuses(DNS_T_A, "\\# 5 c0000201");
	cr_assert_eq(rdata_from_r53(1000, "\\# 2 AB cd", 10, rd, sizeof(rd),
	    &len), 0);
	cr_assert_eq(len, 2);
	cr_assert_eq(rd[1], 0xcd);
	refuses(1000, "something");

	/* Output that does not fit: RDATA_ESPACE, never a cut value. */
	cr_assert_eq(rdata_to_r53(DNS_T_A, (const uint8_t *)"\xc0\0\2\1", 4,
	    small, sizeof(small)), RDATA_ESPACE);
	cr_assert_eq(rdata_to_r53(DNS_T_A, (const uint8_t *)"\xc0\0\2\1", 4,
	    small, 0), RDATA_ESPACE);
	/*
	 * An SVCB value whose text the parser could not read back (260
	 * IPv4 hints, over 4000 characters) is refused, not printed.
	 */
	memcpy(rd, "\0\1\0\0\4\4\20", 7);
	memset(rd + 7, 0xff, 1040);
	cr_assert_eq(rdata_check(DNS_T_HTTPS, rd, 1047), 0);
	cr_assert_eq(rdata_to_r53(DNS_T_HTTPS, rd, 1047, text, sizeof(text)),
	    RDATA_ESPACE);
	cr_assert_str_eq(text, "");
	/* Input that does not fit the output buffer. */
	cr_assert_eq(rdata_from_r53(DNS_T_TXT, "\"abc\"", 5, rd, 3, &len),
	    -1);
}

/* Every strict prefix of these RDATA is malformed. */
Test(rdata, truncations_rejected)
{
	static const struct {
		uint16_t	 type;
		const char	*hex;
	} full[] = {
		{ DNS_T_A, "c0000201" },
		{ DNS_T_MX, "000a046d61696c00" },
		{ DNS_T_SRV, "000a00050050046d61696c00" },
		{ DNS_T_SOA, "00 00 00000001 00000002 00000003 00000004 "
		    "00000005" },
		{ DNS_T_NAPTR, "0064 0032 0175 00 00 00" },
		{ DNS_T_CNAME, "03777777076578616d706c6500" },
		{ DNS_T_DS, "0001 08 01 0102030405060708090a0b0c0d0e0f1011121314" },
		{ DNS_T_TXT, "03616263" },
	};
	size_t	 i, n, cut;

	for (i = 0; i < sizeof(full) / sizeof(full[0]); i++) {
		n = unhex(full[i].hex, want);
		cr_assert_eq(rdata_check(full[i].type, want, n), 0);
		for (cut = 0; cut < n; cut++)
			cr_assert_eq(rdata_check(full[i].type, want, cut), -1,
			    "type %u cut at %zu", full[i].type, cut);
	}
}

Test(rdata, read_from_message)
{
	/*
	 * A fake message: "example." at 12, then RDATA of an MX whose name
	 * is "mail" + pointer to 12, and a CNAME that is only a pointer.
	 */
	uint8_t	 msg[64], out[RDATA_MAX];
	size_t	 len;

	memset(msg, 0, sizeof(msg));
	memcpy(msg + 12, "\7example", 9);
	memcpy(msg + 21, "\0\12\4mail\300\14", 9);	/* MX at 21, 9 bytes */
	cr_assert_eq(rdata_read(msg, 30, 21, 9, DNS_T_MX, out, sizeof(out),
	    &len), 0);
	cr_assert_eq(len, 2 + 5 + 9);
	cr_assert_arr_eq(out, "\0\12\4mail\7example", 16);
	memcpy(msg + 30, "\300\14", 2);			/* CNAME at 30 */
	cr_assert_eq(rdata_read(msg, 32, 30, 2, DNS_T_CNAME, out,
	    sizeof(out), &len), 0);
	cr_assert_eq(len, 9);
	/*
	 * SRV and NAPTR names are decompressed (RFC 3597 section 4; dnspython
	 * compresses them); the SVCB target must not be compressed.
	 */
	memcpy(msg + 32, "\0\1\0\2\0\3\300\14", 8);
	cr_assert_eq(rdata_read(msg, 40, 32, 8, DNS_T_SRV, out, sizeof(out),
	    &len), 0);
	cr_assert_eq(len, 6 + 9);
	cr_assert_arr_eq(out, "\0\1\0\2\0\3\7example", 15);
	memcpy(msg + 32, "\0\1\0\2\1u\0\0\300\14", 10);
	cr_assert_eq(rdata_read(msg, 42, 32, 10, DNS_T_NAPTR, out,
	    sizeof(out), &len), 0);
	cr_assert_eq(len, 8 + 9);
	cr_assert_arr_eq(out, "\0\1\0\2\1u\0\0\7example", 17);
	memcpy(msg + 32, "\0\1\300\14", 4);
	cr_assert_eq(rdata_read(msg, 36, 32, 4, DNS_T_SVCB, out, sizeof(out),
	    &len), -1);
	/* Forward pointer out of the RDATA. */
	memcpy(msg + 30, "\300\40", 2);
	cr_assert_eq(rdata_read(msg, 40, 30, 2, DNS_T_CNAME, out,
	    sizeof(out), &len), -1);
	/* RDATA running past the message. */
	cr_assert_eq(rdata_read(msg, 30, 21, 10, DNS_T_MX, out, sizeof(out),
	    &len), -1);
	/* A name that continues past RDLENGTH. */
	cr_assert_eq(rdata_read(msg, 30, 21, 8, DNS_T_MX, out, sizeof(out),
	    &len), -1);
	/* Output buffer too small. */
	cr_assert_eq(rdata_read(msg, 30, 21, 9, DNS_T_MX, out, 10, &len), -1);
	/* A bad A record read from a message. */
	cr_assert_eq(rdata_read(msg, 30, 21, 3, DNS_T_A, out, sizeof(out),
	    &len), -1);
}

Test(rdata, canonical_form_and_order)
{
	uint8_t	 a[64], b[64];
	size_t	 na, nb;

	/* MX: name lowercased, priority untouched. */
	na = unhex("000a 044d41494c 074578416d706c6500", a);
	cr_assert_eq(rdata_canon(DNS_T_MX, a, na, b, sizeof(b)), 0);
	cr_assert_arr_eq(b, "\0\12\4mail\7example", 16);
	/* In place. */
	cr_assert_eq(rdata_canon(DNS_T_MX, a, na, a, sizeof(a)), 0);
	cr_assert_arr_eq(a, "\0\12\4mail\7example", 16);
	/* TXT and the SVCB target are not names to lowercase. */
	na = unhex("024142", a);
	cr_assert_eq(rdata_canon(DNS_T_TXT, a, na, b, sizeof(b)), 0);
	cr_assert_arr_eq(b, "\2AB", 3);
	na = unhex("0001 0141 00", a);
	cr_assert_eq(rdata_canon(DNS_T_SVCB, a, na, b, sizeof(b)), 0);
	cr_assert_eq(b[3], 'A');
	cr_assert_eq(rdata_canon(DNS_T_MX, a, 3, b, sizeof(b)), -1);

	/* CNAME compares case-insensitively, TXT does not. */
	na = unhex("0141 00", a);
	nb = unhex("0161 00", b);
	cr_assert_eq(rdata_cmp(DNS_T_CNAME, a, na, b, nb), 0);
	cr_assert_lt(rdata_cmp(DNS_T_TXT, a, na, b, nb), 0);
	/* SOA: rname case folds, serials order as bytes. */
	na = unhex("00 0141 00 00000001 00000000 00000000 00000000 00000000",
	    a);
	nb = unhex("00 0161 00 00000002 00000000 00000000 00000000 00000000",
	    b);
	cr_assert_lt(rdata_cmp(DNS_T_SOA, a, na, b, nb), 0);
	b[7] = 1;
	cr_assert_eq(rdata_cmp(DNS_T_SOA, a, na, b, nb), 0);
	/* A shorter RDATA that is a prefix sorts first (RFC 4034 6.3). */
	na = unhex("0161", a);
	nb = unhex("0161 0162", b);
	cr_assert_lt(rdata_cmp(DNS_T_TXT, a, na, b, nb), 0);
	cr_assert_gt(rdata_cmp(DNS_T_TXT, b, nb, a, na), 0);
}

Test(rdata, put_compresses_rfc1035_names_only)
{
	uint8_t		 buf[128];
	struct wire	 w;
	struct wire_ctab ct;
	uint8_t		 r[64];
	size_t		 n, mark;

	memset(&ct, 0, sizeof(ct));
	wire_winit(&w, buf, sizeof(buf));
	wire_putname(&w, (const uint8_t *)"\7example", &ct);
	n = unhex("046d61696c 076578616d706c6500", r);
	mark = wire_mark(&w);
	rdata_put(&w, DNS_T_CNAME, r, n, &ct);
	cr_assert_eq(wire_mark(&w) - mark, 5 + 2);
	n = unhex("0000 0000 0000 076578616d706c6500", r);
	mark = wire_mark(&w);
	rdata_put(&w, DNS_T_SRV, r, n, &ct);
	cr_assert_eq(wire_mark(&w) - mark, n, "SRV target compressed");
	cr_assert(wire_ok(&w));
	rdata_put(&w, DNS_T_A, r, 3, &ct);
	cr_assert(!wire_ok(&w), "malformed RDATA written");
}

Test(rdata, rrtype_mnemonics)
{
	char		 buf[RRTYPE_TEXTMAX];
	uint16_t	 t;
	int		 n = 0;
	unsigned	 i;

	cr_assert_str_eq(rrtype_to_text(DNS_T_HTTPS, buf), "HTTPS");
	cr_assert_str_eq(rrtype_to_text(65280, buf), "TYPE65280");
	cr_assert_eq(rrtype_from_text("caa", &t), 0);
	cr_assert_eq(t, DNS_T_CAA);
	cr_assert_eq(rrtype_from_text("TYPE257", &t), 0);
	cr_assert_eq(t, DNS_T_CAA);
	cr_assert_eq(rrtype_from_text("type65535", &t), 0);
	cr_assert_eq(t, 65535);
	cr_assert_eq(rrtype_from_text("TYPE65536", &t), -1);
	cr_assert_eq(rrtype_from_text("TYPE01", &t), -1);
	cr_assert_eq(rrtype_from_text("TYPE", &t), -1);
	cr_assert_eq(rrtype_from_text("AA", &t), -1);
	cr_assert_str_eq(rrtype_class_to_text(DNS_C_NONE, buf), "NONE");
	cr_assert_str_eq(rrtype_class_to_text(42, buf), "CLASS42");
	cr_assert_eq(rrtype_class_from_text("in", &t), 0);
	cr_assert_eq(t, DNS_C_IN);
	/* Every mnemonic reads back as its number. */
	for (i = 0; i < 65536; i++) {
		const char	*s = rrtype_name((uint16_t)i);

		if (s == NULL)
			continue;
		cr_assert_eq(rrtype_from_text(s, &t), 0);
		cr_assert_eq(t, i);
	}
	for (i = 0; i < 65536; i++)
		n += rrtype_r53_ok((uint16_t)i);
	cr_assert_eq(n, 17);
	cr_assert(rrtype_r53_ok(DNS_T_SPF));
	cr_assert(!rrtype_r53_ok(DNS_T_DNAME));
	cr_assert(rrtype_is_meta(DNS_T_TSIG));
	cr_assert(!rrtype_is_meta(DNS_T_CAA));
}

/*
 * The hand-written formatters against the C library: addresses against
 * inet_ntop(), numbers against printf, escapes against a byte-by-byte
 * model, over edge cases and many pseudo-random inputs (fixed seed, so
 * a failure repeats).
 */
static uint64_t	 rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

/*
 * Whether a has two longest runs of zero groups (two groups or more),
 * where RFC 5952 4.2.3 compresses the first.  Some C libraries' inet_ntop
 * (musl 1.2) compress another; for such addresses they are no oracle.
 */
static int
zero_run_tie(const uint8_t *a)
{
	int	 i, run = 0, best = 0, nbest = 0;

	for (i = 0; i <= 8; i++) {
		if (i < 8 && a[2 * i] == 0 && a[2 * i + 1] == 0) {
			run++;
			continue;
		}
		if (run >= 2 && run > best) {
			best = run;
			nbest = 1;
		} else if (run >= 2 && run == best)
			nbest++;
		run = 0;
	}
	return nbest > 1;
}

/* ::a.b.c.d (IPv4-compatible, RFC 4291 2.5.5.1), written as such by
 * r53d as by BIND and glibc; musl writes hex groups. */
static int
v4compat(const uint8_t *a)
{
	static const uint8_t	zero[12];

	return memcmp(a, zero, 12) == 0 && (a[12] | a[13]) != 0;
}

/* Whether this C library's inet_ntop breaks ties as RFC 5952 says and
 * writes ::a.b.c.d in dotted quad, as r53d does. */
static int
libc_ntop_alike(void)
{
	static const uint8_t	a[16] = { 0, 0, 0, 0, 0, 1, 0, 1,
	    0, 0, 0, 0, 0, 1, 0, 1 };
	static const uint8_t	b[16] = { [12] = 16 };
	char			s[INET6_ADDRSTRLEN], t[INET6_ADDRSTRLEN];

	return inet_ntop(AF_INET6, a, s, sizeof(s)) != NULL &&
	    strcmp(s, "::1:1:0:0:1:1") == 0 &&
	    inet_ntop(AF_INET6, b, t, sizeof(t)) != NULL &&
	    strcmp(t, "::16.0.0.0") == 0;
}

/*
 * The oracle for a: inet_ntop, except for the two cases above where the
 * C library writes otherwise (then r53d's own text, checked to denote
 * a; address_zero_run_tie checks its form).
 */
static void
ntop_oracle(int af, const uint8_t *a, char *out, size_t cap)
{
	uint8_t	 back[16];
	char	 own[64];

	cr_assert_neq(inet_ntop(af, a, out, (socklen_t)cap), NULL);
	if (af != AF_INET6 || !(zero_run_tie(a) || v4compat(a)) ||
	    libc_ntop_alike())
		return;
	rdata_to_r53(DNS_T_AAAA, a, 16, own, sizeof(own));
	cr_assert_eq(inet_pton(AF_INET6, own, back), 1, "%s", own);
	cr_assert_arr_eq(back, a, 16, "%s, libc %s", own, out);
	cr_assert_lt(strlen(own), cap);
	memcpy(out, own, strlen(own) + 1);
}

static void
check_addr(int af, const uint8_t *a)
{
	char	 want6[INET6_ADDRSTRLEN], got[64];
	int	 n;

	ntop_oracle(af, a, want6, sizeof(want6));
	n = rdata_to_r53(af == AF_INET ? DNS_T_A : DNS_T_AAAA, a,
	    af == AF_INET ? 4 : 16, got, sizeof(got));
	cr_assert_str_eq(got, want6, "r53d %s, libc %s", got, want6);
	cr_assert_eq(n, (int)strlen(want6));
}

/* RFC 5952 4.2.3: of two equal runs of zeros, the first is compressed;
 * ::a.b.c.d in dotted quad; the same on every C library. */
Test(rdata, address_zero_run_tie)
{
	static const struct {
		uint8_t		 a[16];
		const char	*text;
	} t[] = {
		{ { 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1 },
		    "::1:1:0:0:1:1" },
		{ { 0, 0, 0, 0, 0x72, 0x67, 0, 0xc9, 0, 0, 0, 0, 0x19, 0,
		    0, 0xa5 }, "::7267:c9:0:0:1900:a5" },
		{ { 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1 },
		    "2001:db8::1:0:0:1" },
	};
	static const uint8_t	compat[16] = { [12] = 16 };
	char	 got[64];
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cr_assert(zero_run_tie(t[i].a));
		rdata_to_r53(DNS_T_AAAA, t[i].a, 16, got, sizeof(got));
		cr_expect_str_eq(got, t[i].text);
	}
	rdata_to_r53(DNS_T_AAAA, compat, 16, got, sizeof(got));
	cr_expect_str_eq(got, "::16.0.0.0");
}

/* A 16-bit group with 1 to 4 significant hex digits. */
static unsigned
rnd_group(void)
{
	static const unsigned	mask[] = { 0xf, 0xff, 0xfff, 0xffff };
	unsigned		v = rnd() & mask[rnd() % 4];

	return v == 0 ? 1 : v;
}

Test(rdata, addresses_as_inet_ntop)
{
	static const unsigned	vals[] = { 1, 0xf, 0x10, 0xff, 0x100, 0xfff,
	    0x1000, 0xabcd, 0xfffe, 0xffff };
	uint8_t			a[16];
	unsigned		pat, v, i, k, w6, w7;

	/* Every pattern of zero and non-zero groups, several values. */
	for (pat = 0; pat < 256; pat++) {
		for (v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
			for (i = 0; i < 8; i++) {
				k = (pat >> i & 1) ? vals[(v + i) %
				    (sizeof(vals) / sizeof(vals[0]))] : 0;
				a[2 * i] = (uint8_t)(k >> 8);
				a[2 * i + 1] = (uint8_t)k;
			}
			check_addr(AF_INET6, a);
		}
	}
	/* ::a.b.c.d, ::ffff:a.b.c.d and their neighbours. */
	for (i = 0; i < 4000; i++) {
		memset(a, 0, sizeof(a));
		switch (i % 4) {
		case 0:
			break;
		case 1:
			a[10] = a[11] = 0xff;
			break;
		case 2:
			a[10] = 0xff;
			a[11] = 0xfe;
			break;
		case 3:
			a[rnd() % 10] = (uint8_t)(1 + rnd() % 255);
			break;
		}
		w6 = (i / 4) % 4 == 0 ? 0 : rnd_group();
		w7 = (i / 16) % 4 == 0 ? 0 : (i / 16) % 4 == 1 ? 1 :
		    rnd_group();
		a[12] = (uint8_t)(w6 >> 8);
		a[13] = (uint8_t)w6;
		a[14] = (uint8_t)(w7 >> 8);
		a[15] = (uint8_t)w7;
		check_addr(AF_INET6, a);
	}
	/* Random: each group zero half the time, ties of zero runs. */
	for (i = 0; i < 300000; i++) {
		for (k = 0; k < 8; k++) {
			v = (rnd() & 1) ? 0 : rnd_group();
			a[2 * k] = (uint8_t)(v >> 8);
			a[2 * k + 1] = (uint8_t)v;
		}
		check_addr(AF_INET6, a);
		for (k = 0; k < 16; k++)
			a[k] = (uint8_t)rnd();
		check_addr(AF_INET6, a);
	}
	/* IPv4: every value in every position, then random. */
	for (i = 0; i < 4 * 256; i++) {
		memset(a, 0, 4);
		a[(i / 256 + 1) % 4] = (uint8_t)(rnd() % 3 == 0 ? 0 : rnd());
		a[i / 256] = (uint8_t)i;
		check_addr(AF_INET, a);
	}
	for (i = 0; i < 200000; i++) {
		for (k = 0; k < 4; k++)
			a[k] = (uint8_t)(rnd() >> (rnd() % 8));
		check_addr(AF_INET, a);
	}
}

Test(rdata, client_str_as_printf)
{
	struct client		 cl;
	struct sockaddr_in	*s4 = (struct sockaddr_in *)&cl.peer;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)&cl.peer;
	char			 addr[INET6_ADDRSTRLEN], expect[80], got[80];
	unsigned		 i, k, port;
	size_t			 len;

	for (i = 0; i < 20000; i++) {
		memset(&cl, 0, sizeof(cl));
		port = i < 6 ? (unsigned[]){ 0, 9, 10, 53, 65535, 1000 }[i] :
		    (rnd() & 0xffff) >> (rnd() % 16);
		if (i % 2 == 0) {
			s4->sin_family = AF_INET;
			s4->sin_port = htons((uint16_t)port);
			for (k = 0; k < 4; k++)
				((uint8_t *)&s4->sin_addr)[k] = (uint8_t)rnd();
			inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
		} else {
			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons((uint16_t)port);
			for (k = 0; k < 16; k++)
				s6->sin6_addr.s6_addr[k] = (rnd() & 1) ? 0 :
				    (uint8_t)rnd();
			ntop_oracle(AF_INET6, s6->sin6_addr.s6_addr, addr,
			    sizeof(addr));
		}
		/* Every buffer size truncates as snprintf() does. */
		for (len = 0; len <= 56; len += (i % 50 == 0) ? 1 : 7) {
			memset(expect, 'x', sizeof(expect));
			memset(got, 'x', sizeof(got));
			snprintf(expect, len, "%s#%u", addr, port);
			cr_assert_eq(listen_client_str(&cl, got, len), got);
			cr_assert_eq(memcmp(got, expect, sizeof(got)), 0,
			    "%s#%u in %zu bytes: %.*s", addr, port, len,
			    (int)len, got);
		}
	}
	memset(&cl, 0, sizeof(cl));
	cl.peer.ss_family = AF_UNIX;
	cr_assert_str_eq(listen_client_str(&cl, got, sizeof(got)), "?#0");
}

Test(rdata, numbers_as_printf)
{
	static const uint32_t	edge[] = { 0, 1, 9, 10, 99, 100, 999, 1000,
	    65535, 65536, 99999, 100000, 999999999, 1000000000, 4294967295U };
	uint8_t			r[64];
	char			expect[200];
	uint32_t		v[5];
	unsigned		i, k;

	/* MX: every preference. */
	memcpy(r + 2, "\1a\0", 3);
	for (i = 0; i < 65536; i++) {
		r[0] = (uint8_t)(i >> 8);
		r[1] = (uint8_t)i;
		snprintf(expect, sizeof(expect), "%u a.", i);
		cr_assert_geq(rdata_to_r53(DNS_T_MX, r, 5, text,
		    sizeof(text)), 0);
		cr_assert_str_eq(text, expect);
	}
	/* SOA: 32-bit fields, edges then random. */
	memcpy(r, "\1m\0\1r\0", 6);
	for (i = 0; i < 50000; i++) {
		for (k = 0; k < 5; k++) {
			v[k] = i < 3 * 15 ? edge[(i + k * 7) % 15] :
			    rnd() >> (rnd() % 32);
			r[6 + 4 * k] = (uint8_t)(v[k] >> 24);
			r[7 + 4 * k] = (uint8_t)(v[k] >> 16);
			r[8 + 4 * k] = (uint8_t)(v[k] >> 8);
			r[9 + 4 * k] = (uint8_t)v[k];
		}
		snprintf(expect, sizeof(expect), "m. r. %u %u %u %u %u",
		    v[0], v[1], v[2], v[3], v[4]);
		cr_assert_geq(rdata_to_r53(DNS_T_SOA, r, 26, text,
		    sizeof(text)), 0);
		cr_assert_str_eq(text, expect);
	}
}

/* The quoted form of a character-string, one byte at a time. */
static void
model_qstr(char *o, const uint8_t *p, size_t len)
{
	size_t	i;

	*o++ = '"';
	for (i = 0; i < len; i++) {
		if (p[i] == '"' || p[i] == '\\')
			o += sprintf(o, "\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			o += sprintf(o, "\\%03o", p[i]);
		else
			*o++ = (char)p[i];
	}
	*o++ = '"';
	*o = '\0';
}

Test(rdata, strings_and_hex_as_before)
{
	static const uint8_t	pick[] = "aZ9 \"\\;~\x1f\x7f\x80\xff\t.";
	uint8_t			r[800];
	char			expect[4000], *w;
	size_t			len, n, k, i;
	unsigned		it;

	for (it = 0; it < 20000; it++) {
		/* TXT of 1-3 strings of 0-255 bytes, plain runs and escapes. */
		len = 0;
		w = expect;
		for (k = 0; k < 1 + it % 3; k++) {
			n = rnd() % (it % 10 == 0 ? 256 : 40);
			r[len] = (uint8_t)n;
			for (i = 0; i < n; i++)
				r[len + 1 + i] = (rnd() % 4 != 0) ?
				    (uint8_t)(0x20 + rnd() % 95) :
				    (rnd() % 2) ? (uint8_t)rnd() :
				    pick[rnd() % (sizeof(pick) - 1)];
			if (k > 0)
				*w++ = ' ';
			model_qstr(w, r + len + 1, n);
			w += strlen(w);
			len += 1 + n;
		}
		cr_assert_eq(rdata_to_r53(DNS_T_TXT, r, len, text,
		    sizeof(text)), (int)strlen(expect));
		cr_assert_str_eq(text, expect);
		/* SSHFP: alg, type and a hex fingerprint. */
		n = 1 + rnd() % 64;
		for (i = 0; i < n + 2; i++)
			r[i] = (uint8_t)rnd();
		w = expect + sprintf(expect, "%u %u ", r[0], r[1]);
		for (i = 0; i < n; i++)
			w += sprintf(w, "%02x", r[2 + i]);
		cr_assert_eq(rdata_to_r53(DNS_T_SSHFP, r, n + 2, text,
		    sizeof(text)), (int)strlen(expect));
		cr_assert_str_eq(text, expect);
	}
}

/* Every output size below the text's needs is RDATA_ESPACE, empty. */
Test(rdata, output_space_exact)
{
	static const char *const cases[][2] = {
		{ "1", "c0000201" },
		{ "28", "20010db8000000000000000000000001" },
		{ "28", "00000000000000000000ffffc0000201" },
		{ "16", "03616263 05\"\\x\001" },
		{ "15", "000a 046d61696c 076578616d706c65 00" },
		{ "6", "016d00 017200 00000001 00000002 00000003 00000004"
		    " 00000005" },
		{ "44", "0102 00112233445566778899aabbccddeeff" },
		{ "43", "3039 08 02 0000000000000000000000000000000000000000"
		    "000000000000000000000000" },
		{ "257", "0005 697373756574 6361" },
		{ "65", "0001 00 0001 0003 026832" },
		{ "10", "" },
		{ "10", "0102ff" },
	};
	char	 out[512];
	size_t	 i, len, cap;
	int	 n, m;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint16_t type = (uint16_t)atoi(cases[i][0]);

		if (strchr(cases[i][1], '"') != NULL) {
			/* TXT "abc" and "\"\\x\001y" */
			memcpy(want, "\3abc\5\"\\x\001y", 10);
			len = 10;
		} else
			len = unhex(cases[i][1], want);
		n = rdata_to_r53(type, want, len, out, sizeof(out));
		cr_assert_gt(n, 0, "case %zu", i);
		cr_assert_eq((size_t)n, strlen(out));
		for (cap = 1; cap <= (size_t)n; cap++) {
			memset(text, 'x', cap);
			m = rdata_to_r53(type, want, len, text, cap);
			cr_assert_eq(m, RDATA_ESPACE, "case %zu cap %zu", i,
			    cap);
			cr_assert_eq(text[0], '\0');
		}
		cr_assert_eq(rdata_to_r53(type, want, len, text, 0),
		    RDATA_ESPACE);
		cr_assert_eq(rdata_to_r53(type, want, len, text,
		    (size_t)n + 1), n);
		cr_assert_str_eq(text, out);
	}
}

Test(rdata, rrtype_text_as_printf)
{
	/* The IANA mnemonics this module knows, listed independently. */
	static const struct {
		uint16_t	 num;
		const char	*name;
	} known[] = {
		{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" },
		{ 12, "PTR" }, { 13, "HINFO" }, { 15, "MX" }, { 16, "TXT" },
		{ 17, "RP" }, { 18, "AFSDB" }, { 24, "SIG" }, { 25, "KEY" },
		{ 28, "AAAA" }, { 29, "LOC" }, { 33, "SRV" }, { 35, "NAPTR" },
		{ 36, "KX" }, { 37, "CERT" }, { 39, "DNAME" }, { 41, "OPT" },
		{ 42, "APL" }, { 43, "DS" }, { 44, "SSHFP" },
		{ 45, "IPSECKEY" }, { 46, "RRSIG" }, { 47, "NSEC" },
		{ 48, "DNSKEY" }, { 49, "DHCID" }, { 50, "NSEC3" },
		{ 51, "NSEC3PARAM" }, { 52, "TLSA" }, { 53, "SMIMEA" },
		{ 55, "HIP" }, { 59, "CDS" }, { 60, "CDNSKEY" },
		{ 61, "OPENPGPKEY" }, { 62, "CSYNC" }, { 63, "ZONEMD" },
		{ 64, "SVCB" }, { 65, "HTTPS" }, { 99, "SPF" },
		{ 249, "TKEY" }, { 250, "TSIG" }, { 251, "IXFR" },
		{ 252, "AXFR" }, { 255, "ANY" }, { 256, "URI" },
		{ 257, "CAA" },
	};
	char		 buf[RRTYPE_TEXTMAX + 8], expect[32];
	const char	*name;
	unsigned	 i, k, named = 0;

	for (i = 0; i < 65536; i++) {
		name = NULL;
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (known[k].num == i)
				name = known[k].name;
		if (name != NULL) {
			snprintf(expect, sizeof(expect), "%s", name);
			named++;
			cr_assert_str_eq(rrtype_name((uint16_t)i), name);
		} else {
			snprintf(expect, sizeof(expect), "TYPE%u", i);
			cr_assert_eq(rrtype_name((uint16_t)i), NULL, "%u", i);
		}
		memset(buf, 'x', sizeof(buf));
		cr_assert_eq(rrtype_to_text((uint16_t)i, buf), buf);
		cr_assert_str_eq(buf, expect);
		cr_assert_lt(strlen(buf), RRTYPE_TEXTMAX);
		for (k = strlen(buf) + 1; k < sizeof(buf); k++)
			cr_assert_eq(buf[k], 'x', "wrote past the NUL");

		switch (i) {
		case 1: name = "IN"; break;
		case 3: name = "CH"; break;
		case 4: name = "HS"; break;
		case 254: name = "NONE"; break;
		case 255: name = "ANY"; break;
		default: name = NULL; break;
		}
		if (name != NULL)
			snprintf(expect, sizeof(expect), "%s", name);
		else
			snprintf(expect, sizeof(expect), "CLASS%u", i);
		cr_assert_str_eq(rrtype_class_to_text((uint16_t)i, buf),
		    expect);
		cr_assert_lt(strlen(buf), RRTYPE_TEXTMAX);
	}
	cr_assert_eq(named, sizeof(known) / sizeof(known[0]));
}
