/*
 * Unit tests for dns/rdata.c: Route 53 text <-> wire for every Route 53
 * type, validity checks, decompression, canonical form and order.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dns/rdata.h"
#include "dns/rrtype.h"

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
	cr_assert_str_eq(rrclass_to_text(DNS_C_NONE, buf), "NONE");
	cr_assert_str_eq(rrclass_to_text(42, buf), "CLASS42");
	cr_assert_eq(rrclass_from_text("in", &t), 0);
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
