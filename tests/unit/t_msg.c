/*
 * Unit tests for dns/msg.c: parsing rules (compression, truncation, OPT,
 * TSIG placement) and the response writer (compression, TC, OPT, errors).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"

/* Append hex (spaces ignored) to b at *n. */
static void
hx(uint8_t *b, size_t *n, const char *s)
{
	unsigned	v;

	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		cr_assert_eq(sscanf(s, "%2x", &v), 1);
		b[(*n)++] = (uint8_t)v;
		s++;
	}
}

#define HDR(id, flags, qd, an, ns, ar)	id " " flags " " qd " " an " " ns " " ar
/* "www.example." */
#define WWW	"03777777 076578616d706c65 00"
/* OPT RR: root, type 41, payload 4096, ext 0, version 0, DO, no options */
#define OPT	"00 0029 1000 00 00 8000 0000"

static uint8_t	 m[4096];
static size_t	 n;

static void
query(void)
{
	n = 0;
	hx(m, &n, HDR("abcd", "0100", "0001", "0000", "0000", "0000"));
	hx(m, &n, WWW "0001 0001");
}

Test(msg, short_messages_are_dropped)
{
	struct dns_msg	 d;
	size_t		 i;

	query();
	for (i = 0; i < DNS_HDR_LEN; i++)
		cr_assert_eq(dns_msg_parse(&d, m, i), DNS_PARSE_SHORT);
}

Test(msg, query_parses)
{
	struct dns_msg	 d;

	query();
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_OK);
	cr_assert_eq(d.id, 0xabcd);
	cr_assert_eq(d.opcode, DNS_OP_QUERY);
	cr_assert(d.flags & DNS_F_RD);
	cr_assert(d.has_q);
	cr_assert_eq(d.qname_len, 13);
	cr_assert_arr_eq(d.qname, "\3www\7example", 13);
	cr_assert_eq(d.qtype, DNS_T_A);
	cr_assert_eq(d.qclass, DNS_C_IN);
	cr_assert(!d.opt.present);
	cr_assert(!d.has_tsig);
	cr_assert_eq(dns_msg_udp_max(&d), 512);

	/* A trailing byte: the header is fine, the body is not. */
	m[n] = 0;
	cr_assert_eq(dns_msg_parse(&d, m, n + 1), DNS_PARSE_FORMERR);
	cr_assert_eq(d.id, 0xabcd, "header valid on FORMERR");

	/* Two questions: parsed, counted, the caller decides. */
	n = 0;
	hx(m, &n, HDR("0001", "0000", "0002", "0000", "0000", "0000"));
	hx(m, &n, WWW "0001 0001" "c00c 001c 0001");
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_OK);
	cr_assert_eq(d.count[DNS_SEC_QD], 2);
	cr_assert_eq(d.qtype, DNS_T_A);

	/* No question at all. */
	n = 0;
	hx(m, &n, HDR("0001", "2800", "0000", "0000", "0000", "0000"));
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_OK);
	cr_assert(!d.has_q);
	cr_assert_eq(d.opcode, DNS_OP_UPDATE);
}

/*
 * A response: question www.example A, answer CNAME to mail.example (via
 * pointers), MX in authority with a compressed exchange, OPT, TSIG.
 */
static void
response(void)
{
	n = 0;
	hx(m, &n, HDR("1234", "8400", "0001", "0001", "0001", "0002"));
	hx(m, &n, WWW "0001 0001");
	/* answer at 29: owner -> 12, CNAME "mail" + ptr to 16 */
	hx(m, &n, "c00c 0005 0001 00000e10 0007 046d61696c c010");
	/* authority: owner example (16), MX 10 ptr to "mail.example" (41) */
	hx(m, &n, "c010 000f 0001 00000e10 0004 000a c029");
	hx(m, &n, OPT);
	/* TSIG: owner "k.", type 250, class ANY, ttl 0, 3 bytes of RDATA */
	hx(m, &n, "016b00 00fa 00ff 00000000 0003 aabbcc");
}

Test(msg, sections_iterate_and_decompress)
{
	struct dns_msg		 d;
	struct dns_rr_iter	 it;
	struct dns_rr		 rr;
	uint8_t			 rd[RDATA_MAX];
	size_t			 len;

	response();
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_OK);
	cr_assert_eq(d.end, n);

	dns_rr_iter_init(&it, &d, DNS_SEC_AN);
	cr_assert_eq(dns_rr_next(&it, &rr), 1);
	cr_assert_arr_eq(rr.owner, "\3www\7example", 13);
	cr_assert_eq(rr.type, DNS_T_CNAME);
	cr_assert_eq(rr.ttl, 3600);
	cr_assert_eq(rr.rdlen, 7);
	cr_assert_eq(dns_rr_rdata(&d, &rr, rd, sizeof(rd), &len), 0);
	cr_assert_eq(len, 14);
	cr_assert_arr_eq(rd, "\4mail\7example", 14);
	cr_assert_eq(dns_rr_next(&it, &rr), 0);

	dns_rr_iter_init(&it, &d, DNS_SEC_NS);
	cr_assert_eq(dns_rr_next(&it, &rr), 1);
	cr_assert_eq(rr.owner_len, 9);
	cr_assert_eq(dns_rr_rdata(&d, &rr, rd, sizeof(rd), &len), 0);
	cr_assert_arr_eq(rd, "\0\12\4mail\7example", 16);

	dns_rr_iter_init(&it, &d, DNS_SEC_AR);
	cr_assert_eq(dns_rr_next(&it, &rr), 1);
	cr_assert_eq(rr.type, DNS_T_OPT);
	cr_assert_eq(dns_rr_next(&it, &rr), 1);
	cr_assert_eq(rr.type, DNS_T_TSIG);
	cr_assert_eq(rr.off, d.tsig_off);
	cr_assert_eq(dns_rr_next(&it, &rr), 0);

	dns_rr_iter_init(&it, &d, DNS_SEC_QD);
	cr_assert_eq(dns_rr_next(&it, &rr), 1);
	cr_assert_eq(rr.type, DNS_T_A);
	cr_assert_eq(rr.rdlen, 0);

	cr_assert(d.opt.present);
	cr_assert_eq(d.opt.udpsize, 4096);
	cr_assert_eq(d.opt.flags & DNS_EDNS_DO, DNS_EDNS_DO);
	cr_assert_eq(dns_msg_udp_max(&d), DNS_EDNS_UDP);
	cr_assert(d.has_tsig);
	cr_assert_eq(d.tsig_off, n - 16);
	cr_assert_eq(d.tsig_arcount, 2);
	cr_assert_arr_eq(d.tsig_name, "\1k", 3);
	cr_assert_eq(d.tsig_rdoff, n - 3);
	cr_assert_eq(d.tsig_rdlen, 3);
}

Test(msg, every_truncation_is_an_error)
{
	struct dns_msg	 d;
	size_t		 cut;
	int		 rv;

	response();
	for (cut = 0; cut < n; cut++) {
		rv = dns_msg_parse(&d, m, cut);
		cr_assert_neq(rv, DNS_PARSE_OK, "cut at %zu parsed", cut);
		cr_assert_eq(rv, cut < DNS_HDR_LEN ? DNS_PARSE_SHORT :
		    DNS_PARSE_FORMERR);
	}
}

Test(msg, compression_pointer_rules)
{
	struct dns_msg	 d;

	/* Answer owner pointing forwards, to the RR's own RDATA. */
	n = 0;
	hx(m, &n, HDR("0001", "8000", "0001", "0001", "0000", "0000"));
	hx(m, &n, WWW "0001 0001");
	hx(m, &n, "c02b 0001 0001 00000000 0004 c0000201");
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_FORMERR);
	/* Pointing to itself. */
	m[29] = 0xc0;
	m[30] = 29;
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_FORMERR);
	/* Backwards: fine. */
	m[30] = 12;
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_OK);
	/* Question name pointing into the header is a loop-free name but
	 * reads header bytes as labels; a pointer back to a pointer loop: */
	n = 0;
	hx(m, &n, HDR("0001", "0000", "0001", "0000", "0000", "0000"));
	hx(m, &n, "c00c 0001 0001");
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_FORMERR);
	/* Reserved label type 0x40. */
	n = 0;
	hx(m, &n, HDR("0001", "0000", "0001", "0000", "0000", "0000"));
	hx(m, &n, "4177 00 0001 0001");
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_FORMERR);
}

Test(msg, opt_rules)
{
	struct dns_msg	 d;
	const uint8_t	*data;
	uint16_t	 code, len;
	size_t		 pos = 0;

	/* One OPT with ext rcode 1 (BADVERS 16 with rcode 0), version 1,
	 * and two options (cookie, unknown 65001). */
	query();
	m[11] = 1;
	hx(m, &n, "00 0029 0200 01 01 0000 0010 000a 0008 0102030405060708"
	    " fde9 0000");
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_OK);
	cr_assert_eq(d.rcode, 16);
	cr_assert_eq(d.opt.version, 1);
	cr_assert_eq(d.opt.flags & DNS_EDNS_DO, 0);
	cr_assert_eq(dns_msg_udp_max(&d), 512);
	cr_assert_eq(dns_opt_next(&d, &pos, &code, &data, &len), 1);
	cr_assert_eq(code, 10);
	cr_assert_eq(len, 8);
	cr_assert_eq(data[7], 8);
	cr_assert_eq(dns_opt_next(&d, &pos, &code, &data, &len), 1);
	cr_assert_eq(code, 65001);
	cr_assert_eq(len, 0);
	cr_assert_eq(dns_opt_next(&d, &pos, &code, &data, &len), 0);

	/* An option running past the RDATA. */
	query();
	m[11] = 1;
	hx(m, &n, "00 0029 0200 00 00 0000 0006 000a 0008 0102");
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_FORMERR);

	/* Two OPTs. */
	query();
	m[11] = 2;
	hx(m, &n, OPT OPT);
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_FORMERR);

	/* Owner not root. */
	query();
	m[11] = 1;
	hx(m, &n, "c00c 0029 1000 00 00 8000 0000");
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_FORMERR);

	/* In the answer section. */
	query();
	m[7] = 1;
	hx(m, &n, OPT);
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_FORMERR);

	/* A small payload size is clamped up to 512. */
	query();
	m[11] = 1;
	hx(m, &n, "00 0029 0010 00 00 0000 0000");
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_OK);
	cr_assert_eq(dns_msg_udp_max(&d), 512);
}

Test(msg, tsig_must_be_last)
{
	struct dns_msg	 d;

	/* TSIG then OPT in additional. */
	query();
	m[11] = 2;
	hx(m, &n, "016b00 00fa 00ff 00000000 0000" OPT);
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_FORMERR);
	/* TSIG in the answer section. */
	query();
	m[7] = 1;
	hx(m, &n, "016b00 00fa 00ff 00000000 0000");
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_FORMERR);
	/* Two TSIGs. */
	query();
	m[11] = 2;
	hx(m, &n, "016b00 00fa 00ff 00000000 0000 016b00 00fa 00ff 00000000 "
	    "0000");
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_FORMERR);
	/* OPT then TSIG: fine. */
	query();
	m[11] = 2;
	hx(m, &n, OPT "016b00 00fa 00ff 00000000 0000");
	cr_assert_eq(dns_msg_parse(&d, m, n), DNS_PARSE_OK);
	cr_assert(d.has_tsig);
	cr_assert_eq(d.tsig_off, n - 13);
	cr_assert_eq(d.tsig_arcount, 2);
}

Test(msg, reply_copies_request_and_compresses)
{
	struct dns_msg		 req, d;
	struct dns_wmsg		 w;
	struct dns_rr_iter	 it;
	struct dns_rr		 rr;
	uint8_t			 out[512], rd[RDATA_MAX];
	static const uint8_t	 mx[] = "\0\12\4mail\7example";
	size_t			 len, rlen;

	query();
	m[3] |= DNS_F_CD;
	cr_assert_eq(dns_msg_parse(&req, m, n), DNS_PARSE_OK);
	cr_assert_eq(dns_wmsg_reply(&w, out, sizeof(out), &req, DNS_F_AA), 0);
	cr_assert_eq(dns_wmsg_rr(&w, DNS_SEC_AN, req.qname, DNS_T_MX,
	    DNS_C_IN, 300, mx, sizeof(mx)), DNS_W_OK);
	cr_assert_eq(dns_wmsg_rr(&w, DNS_SEC_AN, req.qname, DNS_T_MX,
	    DNS_C_IN, 300, mx, sizeof(mx)), DNS_W_OK);
	cr_assert_eq(dns_wmsg_finish(&w, &len), 0);
	/*
	 * Owners are pointers; the first exchange is "mail" + a pointer to
	 * "example", the second one pointer to the first.
	 */
	cr_assert_eq(len, 12 + 17 + (2 + 10 + 2 + 5 + 2) + (2 + 10 + 2 + 2));
	cr_assert_eq(dns_msg_parse(&d, out, len), DNS_PARSE_OK);
	cr_assert_eq(d.id, 0xabcd);
	cr_assert_eq(d.flags & (DNS_F_QR | DNS_F_AA | DNS_F_RD | DNS_F_CD |
	    DNS_F_TC), DNS_F_QR | DNS_F_AA | DNS_F_RD | DNS_F_CD);
	cr_assert_eq(d.opcode, DNS_OP_QUERY);
	cr_assert_eq(d.rcode, 0);
	cr_assert_eq(d.count[DNS_SEC_AN], 2);
	cr_assert_arr_eq(d.qname, req.qname, req.qname_len);
	dns_rr_iter_init(&it, &d, DNS_SEC_AN);
	while (dns_rr_next(&it, &rr) == 1) {
		cr_assert_arr_eq(rr.owner, req.qname, req.qname_len);
		cr_assert_eq(rr.ttl, 300);
		cr_assert_eq(dns_rr_rdata(&d, &rr, rd, sizeof(rd), &rlen), 0);
		cr_assert_eq(rlen, sizeof(mx));
		cr_assert_arr_eq(rd, mx, sizeof(mx));
	}
}

Test(msg, full_message_stops_at_last_whole_rr_and_sets_tc)
{
	struct dns_msg		 req, d;
	struct dns_wmsg		 w;
	uint8_t			 out[512];
	uint8_t			 txt[200];
	size_t			 len;
	int			 added = 0, rv;

	query();
	cr_assert_eq(dns_msg_parse(&req, m, n), DNS_PARSE_OK);
	cr_assert_eq(dns_wmsg_reply(&w, out, sizeof(out), &req, DNS_F_AA), 0);
	cr_assert_eq(dns_wmsg_reserve(&w, 100), 0);	/* a TSIG */
	cr_assert_eq(dns_wmsg_edns(&w, DNS_EDNS_UDP, 0), 0);
	memset(txt, 'x', sizeof(txt));
	txt[0] = sizeof(txt) - 1;
	while ((rv = dns_wmsg_rr(&w, DNS_SEC_AN, req.qname, DNS_T_TXT,
	    DNS_C_IN, 60, txt, sizeof(txt))) == DNS_W_OK)
		added++;
	cr_assert_eq(rv, DNS_W_FULL);
	cr_assert_eq(added, 1, "512 - 29 - 100 - 11 holds one 212-byte RR");
	/* Everything later is refused too, even a small RR. */
	cr_assert_eq(dns_wmsg_rr(&w, DNS_SEC_AR, req.qname, DNS_T_A, DNS_C_IN,
	    60, (const uint8_t *)"\1\2\3\4", 4), DNS_W_FULL);
	cr_assert_eq(dns_wmsg_finish(&w, &len), 0);
	cr_assert_leq(len + 100, sizeof(out), "reserve kept free");
	cr_assert_eq(dns_msg_parse(&d, out, len), DNS_PARSE_OK);
	cr_assert(d.flags & DNS_F_TC);
	cr_assert_eq(d.count[DNS_SEC_AN], 1);
	cr_assert_eq(d.count[DNS_SEC_AR], 1);
	cr_assert(d.opt.present);
	cr_assert_eq(d.opt.udpsize, DNS_EDNS_UDP);

	/* A reserve bigger than what is left is refused. */
	cr_assert_eq(dns_wmsg_reply(&w, out, 40, &req, 0), 0);
	cr_assert_eq(dns_wmsg_reserve(&w, 12), -1);
	cr_assert_eq(dns_wmsg_reserve(&w, 11), 0);
}

/* RFC 3225 3: an error answer copies the DO bit of the request. */
Test(msg, error_copies_do_bit)
{
	struct dns_msg	 req, d;
	uint8_t		 out[512];
	size_t		 len;

	query();
	m[11] = 1;
	hx(m, &n, OPT);
	cr_assert_eq(dns_msg_parse(&req, m, n), DNS_PARSE_OK);
	cr_assert(req.opt.flags & DNS_EDNS_DO);
	cr_assert_eq(dns_msg_error(out, sizeof(out), &req, DNS_R_REFUSED, 1,
	    &len), 0);
	cr_assert_eq(dns_msg_parse(&d, out, len), DNS_PARSE_OK);
	cr_assert(d.opt.present);
	cr_assert_eq(d.opt.flags, DNS_EDNS_DO);

	/* Without DO in the request, none in the answer. */
	m[n - 4] = 0;
	cr_assert_eq(dns_msg_parse(&req, m, n), DNS_PARSE_OK);
	cr_assert_eq(dns_msg_error(out, sizeof(out), &req, DNS_R_REFUSED, 1,
	    &len), 0);
	cr_assert_eq(dns_msg_parse(&d, out, len), DNS_PARSE_OK);
	cr_assert_eq(d.opt.flags, 0);
}

Test(msg, extended_rcode_and_errors)
{
	struct dns_msg	 req, d;
	struct dns_wmsg	 w;
	uint8_t		 out[512];
	size_t		 len;

	query();
	cr_assert_eq(dns_msg_parse(&req, m, n), DNS_PARSE_OK);

	/* BADVERS: header rcode 0, OPT carries the upper bits. */
	cr_assert_eq(dns_msg_error(out, sizeof(out), &req, DNS_R_BADVERS, 0,
	    &len), 0);
	cr_assert_eq(dns_msg_parse(&d, out, len), DNS_PARSE_OK);
	cr_assert_eq(DNS_F_RCODE(d.flags), 0);
	cr_assert(d.opt.present);
	cr_assert_eq(d.opt.ext_rcode, 1);
	cr_assert_eq(d.opt.version, 0);
	cr_assert_eq(d.rcode, DNS_R_BADVERS);
	cr_assert(d.has_q);
	cr_assert(!(d.flags & DNS_F_AA));

	cr_assert_eq(dns_msg_error(out, sizeof(out), &req, DNS_R_REFUSED, 0,
	    &len), 0);
	cr_assert_eq(len, n, "header and question only");
	cr_assert_eq(dns_msg_parse(&d, out, len), DNS_PARSE_OK);
	cr_assert_eq(d.rcode, DNS_R_REFUSED);
	cr_assert(!d.opt.present);
	cr_assert_eq(dns_msg_error(out, sizeof(out), &req, DNS_R_NOTAUTH, 1,
	    &len), 0);
	cr_assert_eq(len, n + DNS_OPT_LEN);

	/* FORMERR for a body that did not parse: no question echoed. */
	m[n] = 0xc0;
	m[n + 1] = 0xff;
	m[5] = 2;
	cr_assert_eq(dns_msg_parse(&req, m, n + 2), DNS_PARSE_FORMERR);
	cr_assert(req.has_q);
	m[12] = 0xc0;
	m[13] = 0xff;
	cr_assert_eq(dns_msg_parse(&req, m, n), DNS_PARSE_FORMERR);
	cr_assert(!req.has_q);
	cr_assert_eq(dns_msg_error(out, sizeof(out), &req, DNS_R_FORMERR, 0,
	    &len), 0);
	cr_assert_eq(len, DNS_HDR_LEN);
	cr_assert_eq(out[0], 0xab);
	cr_assert_eq(out[3] & 0xf, DNS_R_FORMERR);

	/* rcode above 15 without EDNS cannot be written. */
	cr_assert_eq(dns_wmsg_init(&w, out, sizeof(out), 1, 0), 0);
	dns_wmsg_rcode(&w, DNS_R_BADCOOKIE);
	cr_assert_eq(dns_wmsg_finish(&w, &len), -1);
	cr_assert_eq(dns_wmsg_init(&w, out, 11, 1, 0), -1);
}

Test(msg, writer_refuses_bad_input)
{
	struct dns_wmsg	 w;
	uint8_t		 out[512];
	static const uint8_t	 owner[] = "\1a";

	cr_assert_eq(dns_wmsg_init(&w, out, sizeof(out), 7,
	    DNS_OP_UPDATE << 11), 0);
	cr_assert_eq(dns_wmsg_rr(&w, DNS_SEC_AR, owner, DNS_T_A, DNS_C_IN, 0,
	    (const uint8_t *)"\1\2\3\4", 4), DNS_W_OK);
	/* Back to an earlier section. */
	cr_assert_eq(dns_wmsg_rr(&w, DNS_SEC_AN, owner, DNS_T_A, DNS_C_IN, 0,
	    (const uint8_t *)"\1\2\3\4", 4), DNS_W_BAD);
	/* Malformed RDATA. */
	cr_assert_eq(dns_wmsg_rr(&w, DNS_SEC_AR, owner, DNS_T_A, DNS_C_IN, 0,
	    (const uint8_t *)"\1\2\3", 3), DNS_W_BAD);
	/* Question after an RR. */
	cr_assert_eq(dns_wmsg_question(&w, owner, DNS_T_SOA, DNS_C_IN), -1);
	cr_assert_eq(dns_wmsg_rr(&w, DNS_SEC_QD, owner, DNS_T_A, DNS_C_IN, 0,
	    (const uint8_t *)"\1\2\3\4", 4), DNS_W_BAD);
}

Test(msg, opcode_and_rcode_names)
{
	cr_assert_str_eq(dns_opcode_name(DNS_OP_QUERY), "QUERY");
	cr_assert_str_eq(dns_opcode_name(DNS_OP_IQUERY), "IQUERY");
	cr_assert_str_eq(dns_opcode_name(DNS_OP_STATUS), "STATUS");
	cr_assert_str_eq(dns_opcode_name(DNS_OP_NOTIFY), "NOTIFY");
	cr_assert_str_eq(dns_opcode_name(DNS_OP_UPDATE), "UPDATE");
	cr_assert_str_eq(dns_opcode_name(DNS_OP_DSO), "DSO");
	/* Unassigned, and out of the four bits. */
	cr_assert_null(dns_opcode_name(3));
	cr_assert_null(dns_opcode_name(7));
	cr_assert_null(dns_opcode_name(15));
	cr_assert_null(dns_opcode_name(-1));
	cr_assert_null(dns_opcode_name(16));
	cr_assert_str_eq(dns_rcode_name(DNS_R_NOERROR), "NOERROR");
	cr_assert_str_eq(dns_rcode_name(DNS_R_NOTAUTH), "NOTAUTH");
	cr_assert_str_eq(dns_rcode_name(DNS_R_BADVERS), "BADVERS");
	cr_assert_str_eq(dns_rcode_name(12), "RCODE?");
}
