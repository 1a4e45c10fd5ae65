/*
 * dns/msg.h: DNS messages (RFC 1035 section 4), EDNS(0) (RFC 6891) and
 * the position of TSIG (RFC 8945), parsed and built in caller-owned
 * buffers.
 *
 * Parsing.  dns_msg_parse() checks a whole message once: header, every
 * question, every RR of the three RR sections (owner names with
 * compression pointers that point backwards only, RDLENGTH inside the
 * message, nothing after the last RR), the OPT RR (at most one, owner
 * root, additional section only, options well formed) and the TSIG RR
 * (at most one, and it must be the last RR of the additional section).
 * It copies nothing but the first question and small scalars into the
 * struct dns_msg; everything else is found again by offset, so the
 * message buffer must stay alive and unchanged while the struct is used.
 * RDATA is only delimited here; dns_rr_rdata() (rdata.h) decompresses
 * and checks it per type.
 *
 * Building.  A struct dns_wmsg writes into a caller-owned buffer of a
 * fixed capacity: header, question, then RRs in section order (answer,
 * authority, additional), owner names and RFC 1035 RDATA names
 * compressed.  Space can be reserved at the end (OPT, TSIG): an RR that
 * would reach into it is refused whole, the message keeps every RR
 * before it, and TC is set.  dns_wmsg_finish() writes the counts, the
 * rcode and, if asked for, the OPT RR; after it the TSIG code may append
 * its RR inside the reserved space and increment ARCOUNT itself.
 *
 * Nothing here allocates, logs or does I/O.
 */
#ifndef R53D_DNS_MSG_H
#define R53D_DNS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "dns/wire.h"
#include "dns/rrtype.h"

#define DNS_HDR_LEN		12
#define DNS_MSG_MAX		65535	/* TCP and largest UDP message */
#define DNS_UDP_MIN		512	/* without EDNS, RFC 1035 */
#define DNS_EDNS_UDP		1232	/* our advertised payload size */
#define DNS_OPT_LEN		11	/* OPT RR without options */

/* Flags in the second header word. */
#define DNS_F_QR		0x8000
#define DNS_F_AA		0x0400
#define DNS_F_TC		0x0200
#define DNS_F_RD		0x0100
#define DNS_F_RA		0x0080
#define DNS_F_AD		0x0020
#define DNS_F_CD		0x0010
#define DNS_F_OPCODE(f)		(((f) >> 11) & 0xf)
#define DNS_F_RCODE(f)		((f) & 0xf)

#define DNS_OP_QUERY		0
#define DNS_OP_IQUERY		1
#define DNS_OP_STATUS		2
#define DNS_OP_NOTIFY		4
#define DNS_OP_UPDATE		5
#define DNS_OP_DSO		6

/* Response codes; values above 15 need OPT (or TSIG's error field). */
#define DNS_R_NOERROR		0
#define DNS_R_FORMERR		1
#define DNS_R_SERVFAIL		2
#define DNS_R_NXDOMAIN		3
#define DNS_R_NOTIMP		4
#define DNS_R_REFUSED		5
#define DNS_R_YXDOMAIN		6
#define DNS_R_YXRRSET		7
#define DNS_R_NXRRSET		8
#define DNS_R_NOTAUTH		9
#define DNS_R_NOTZONE		10
#define DNS_R_BADVERS		16	/* in OPT */
#define DNS_R_BADSIG		16	/* in TSIG */
#define DNS_R_BADKEY		17
#define DNS_R_BADTIME		18
#define DNS_R_BADMODE		19
#define DNS_R_BADNAME		20
#define DNS_R_BADALG		21
#define DNS_R_BADTRUNC		22
#define DNS_R_BADCOOKIE		23

/* EDNS flags (low 16 bits of the OPT TTL). */
#define DNS_EDNS_DO		0x8000

/*
 * Sections.  In UPDATE (RFC 2136) they are zone, prerequisite, update
 * and additional.
 */
#define DNS_SEC_QD		0
#define DNS_SEC_AN		1
#define DNS_SEC_NS		2
#define DNS_SEC_AR		3
#define DNS_SEC_COUNT		4
#define DNS_SEC_ZONE		DNS_SEC_QD
#define DNS_SEC_PREREQ		DNS_SEC_AN
#define DNS_SEC_UPDATE		DNS_SEC_NS

/* dns_msg_parse() results. */
#define DNS_PARSE_OK		0
#define DNS_PARSE_SHORT		(-1)	/* under 12 bytes: drop silently */
#define DNS_PARSE_FORMERR	(-2)	/* header valid, body is not */

struct dns_opt {
	int		 present;
	size_t		 off;		/* first byte of the OPT RR */
	uint16_t	 udpsize;	/* CLASS field, as sent */
	uint8_t		 ext_rcode;	/* upper 8 bits of the 12-bit rcode */
	uint8_t		 version;
	uint16_t	 flags;		/* DNS_EDNS_DO and the Z bits */
	size_t		 rdoff;		/* options start here ... */
	uint16_t	 rdlen;		/* ... and take this many bytes */
};

struct dns_msg {
	const uint8_t	*buf;		/* the caller's message, not copied */
	size_t		 len;

	uint16_t	 id;
	uint16_t	 flags;		/* whole second header word */
	uint8_t		 opcode;
	uint16_t	 rcode;		/* 12 bits: header | OPT ext << 4 */
	uint16_t	 count[DNS_SEC_COUNT];	/* QD, AN, NS, AR as sent */

	/* First question, when count[DNS_SEC_QD] >= 1 and it parsed. */
	int		 has_q;
	uint8_t		 qname[DNS_NAME_MAX];	/* uncompressed, case kept */
	size_t		 qname_len;
	uint16_t	 qtype;
	uint16_t	 qclass;

	size_t		 sec_off[DNS_SEC_COUNT];	/* first entry of each */
	size_t		 end;		/* after the last RR (== len if ok) */

	struct dns_opt	 opt;		/* valid if opt.present */

	/*
	 * TSIG, valid if has_tsig.  tsig_off is where the TSIG RR starts
	 * (the MAC covers buf[0 .. tsig_off) with ARCOUNT decremented);
	 * tsig_arcount is ARCOUNT as received, TSIG included.
	 */
	int		 has_tsig;
	size_t		 tsig_off;
	uint16_t	 tsig_arcount;
	uint8_t		 tsig_name[DNS_NAME_MAX];	/* key name */
	size_t		 tsig_name_len;
	size_t		 tsig_rdoff;
	uint16_t	 tsig_rdlen;
};

/* One question or RR as found by the iterator. */
struct dns_rr {
	int		 sec;		/* DNS_SEC_* */
	uint16_t	 idx;		/* index within its section */
	size_t		 off;		/* first byte of the entry */
	uint8_t		 owner[DNS_NAME_MAX];	/* uncompressed, case kept */
	size_t		 owner_len;
	uint16_t	 type;
	uint16_t	 class;
	uint32_t	 ttl;		/* 0 for questions */
	uint16_t	 rdlen;		/* 0 for questions */
	size_t		 rdoff;		/* RDATA offset in the message */
};

struct dns_rr_iter {
	const struct dns_msg	*m;
	struct wire		 w;
	int			 sec;
	uint16_t		 idx;
};

/*
 * Parse buf[0..len).  Fills *m and returns DNS_PARSE_OK; on
 * DNS_PARSE_FORMERR id, flags, opcode, rcode and count are valid, and
 * has_q/opt.present say whether the question and OPT were reached (a
 * FORMERR answer echoes what is there); on DNS_PARSE_SHORT nothing is.
 * QDCOUNT above 1 is not an error here: the caller decides.
 */
int	dns_msg_parse(struct dns_msg *m, const uint8_t *buf, size_t len);

/*
 * Iterate one section of a message that parsed OK.  Every entry is
 * returned, OPT and TSIG included (check rr->type).  dns_rr_next()
 * returns 1 with *rr filled, 0 at the end of the section, -1 if the
 * section is malformed (cannot happen after DNS_PARSE_OK).
 */
void	dns_rr_iter_init(struct dns_rr_iter *, const struct dns_msg *, int sec);
int	dns_rr_next(struct dns_rr_iter *, struct dns_rr *rr);

/*
 * Copy the RDATA of rr into out (cap bytes) in uncompressed wire form,
 * checked per type as rdata_read() does; 0 ok, -1 malformed (FORMERR)
 * or does not fit.
 */
int	dns_rr_rdata(const struct dns_msg *, const struct dns_rr *,
	    uint8_t *out, size_t cap, size_t *lenp);

/*
 * Walk the EDNS options of m->opt.  *pos starts at 0.  Returns 1 with
 * the option's code and data (pointing into the message), 0 at the end.
 */
int	dns_opt_next(const struct dns_msg *, size_t *pos, uint16_t *code,
	    const uint8_t **data, uint16_t *len);

/*
 * Largest UDP response the sender of req can take: 512 without EDNS,
 * else its payload size clamped to [512, DNS_EDNS_UDP].
 */
size_t	dns_msg_udp_max(const struct dns_msg *req);

struct dns_wmsg {
	struct wire		 w;
	struct wire_ctab	 ct;
	uint8_t			*buf;
	size_t			 cap;		/* buffer capacity */
	size_t			 reserve;	/* kept free for OPT/TSIG */
	uint16_t		 count[DNS_SEC_COUNT];
	int			 sec;		/* section of the last entry */
	uint16_t		 flags;		/* header word, rcode bits 0 */
	uint16_t		 rcode;		/* 12 bits */
	int			 full;		/* an RR was refused: TC set */
	int			 edns;		/* write OPT at finish */
	uint16_t		 edns_udp;
	uint16_t		 edns_flags;
};

/* dns_wmsg_rr() results. */
#define DNS_W_OK		0
#define DNS_W_FULL		(-1)	/* did not fit; TC set, msg intact */
#define DNS_W_BAD		(-2)	/* out of order or malformed RDATA */

/*
 * Start a message in buf (cap bytes, at least DNS_HDR_LEN) with the given
 * id and header word (opcode and flags; rcode bits are ignored, use
 * dns_wmsg_rcode()).  Returns 0, or -1 if cap is too small.
 */
int	dns_wmsg_init(struct dns_wmsg *, uint8_t *buf, size_t cap,
	    uint16_t id, uint16_t flags);
/*
 * Start the response to req: id and opcode copied, QR set, RD and CD
 * copied, plus the flags given (DNS_F_AA, ...), and the first question
 * of req echoed if it has one.  Returns 0, -1 if it does not fit.
 */
int	dns_wmsg_reply(struct dns_wmsg *, uint8_t *buf, size_t cap,
	    const struct dns_msg *req, uint16_t flags);
/* Add a question; only before any RR.  0 ok, -1 no room or order. */
int	dns_wmsg_question(struct dns_wmsg *, const uint8_t *name,
	    uint16_t type, uint16_t class);
/*
 * Keep n more bytes free at the end of the buffer for what is appended
 * after dns_wmsg_finish() (a TSIG RR).  -1 if they are already used.
 */
int	dns_wmsg_reserve(struct dns_wmsg *, size_t n);
/*
 * Ask for an OPT RR at the end of the additional section (written by
 * dns_wmsg_finish(); its space is reserved now): payload size and EDNS
 * flags (DNS_EDNS_DO), version 0.  -1 if the space is already used.
 */
int	dns_wmsg_edns(struct dns_wmsg *, uint16_t udpsize, uint16_t flags);
/* Set the 12-bit rcode; bits above 4 go to OPT (needs dns_wmsg_edns). */
void	dns_wmsg_rcode(struct dns_wmsg *, uint16_t rcode);
void	dns_wmsg_setflags(struct dns_wmsg *, uint16_t set, uint16_t clear);
/*
 * Append one RR to section sec (DNS_SEC_AN..AR, never going back to an
 * earlier section).  owner is an uncompressed wire name; rd is
 * uncompressed wire RDATA, whose names are compressed for NS, CNAME,
 * SOA, PTR and MX.  Returns DNS_W_OK, DNS_W_FULL (nothing written,
 * TC set, every later call also returns DNS_W_FULL) or DNS_W_BAD.
 */
int	dns_wmsg_rr(struct dns_wmsg *, int sec, const uint8_t *owner,
	    uint16_t type, uint16_t class, uint32_t ttl, const uint8_t *rd,
	    uint16_t rdlen);
/*
 * Write the OPT RR if asked for, the counts, flags and rcode.  *lenp
 * gets the message length; bytes [*lenp, cap) are free for TSIG.
 * Returns 0, or -1 (rcode above 15 without EDNS, or a write error).
 * The writer must not be used for more RRs afterwards.
 */
int	dns_wmsg_finish(struct dns_wmsg *, size_t *lenp);

/*
 * Bare error response to req: header and first question echoed, rcode
 * set (above 15 forces OPT), OPT added if with_opt, with the DO bit of
 * req's OPT copied (RFC 3225 3).  0 ok, -1 no room.
 */
int	dns_msg_error(uint8_t *buf, size_t cap, const struct dns_msg *req,
	    uint16_t rcode, int with_opt, size_t *lenp);

/* "NOERROR", "SERVFAIL", ... "BADVERS"; "RCODE?" for others. */
const char *dns_rcode_name(int rcode);
/* "QUERY", "IQUERY", "STATUS", "NOTIFY", "UPDATE", "DSO"; NULL for others. */
const char *dns_opcode_name(int opcode);

#endif
