/*
 * dns/msg.c: message parsing and building over the wire cursor.
 */
#include <string.h>

#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"

/* EDNS options must exactly fill the OPT RDATA. */
static int
opt_check(const uint8_t *p, size_t len)
{
	size_t	i = 0, ol;

	while (i < len) {
		if (len - i < 4)
			return -1;
		ol = wire_load16(p + i + 2);
		if (len - i - 4 < ol)
			return -1;
		i += 4 + ol;
	}
	return 0;
}

int
dns_msg_parse(struct dns_msg *m, const uint8_t *buf, size_t len)
{
	struct wire	 w;
	uint8_t		 owner[DNS_NAME_MAX];
	size_t		 olen, off;
	uint16_t	 type, class, rdlen, i;
	uint32_t	 ttl;
	int		 sec;

	memset(m, 0, sizeof(*m));
	m->buf = buf;
	m->len = len;
	if (len < DNS_HDR_LEN)
		return DNS_PARSE_SHORT;
	wire_rinit(&w, buf, len);
	m->id = wire_get16(&w);
	m->flags = wire_get16(&w);
	m->opcode = DNS_F_OPCODE(m->flags);
	m->rcode = DNS_F_RCODE(m->flags);
	for (sec = 0; sec < DNS_SEC_COUNT; sec++)
		m->count[sec] = wire_get16(&w);

	m->sec_off[DNS_SEC_QD] = wire_mark(&w);
	for (i = 0; i < m->count[DNS_SEC_QD]; i++) {
		wire_getname(&w, owner, &olen);
		type = wire_get16(&w);
		class = wire_get16(&w);
		if (!wire_ok(&w))
			return DNS_PARSE_FORMERR;
		if (i == 0) {
			memcpy(m->qname, owner, olen);
			m->qname_len = olen;
			m->qtype = type;
			m->qclass = class;
			m->has_q = 1;
		}
	}

	for (sec = DNS_SEC_AN; sec < DNS_SEC_COUNT; sec++) {
		m->sec_off[sec] = wire_mark(&w);
		for (i = 0; i < m->count[sec]; i++) {
			off = wire_mark(&w);
			wire_getname(&w, owner, &olen);
			type = wire_get16(&w);
			class = wire_get16(&w);
			ttl = wire_get32(&w);
			rdlen = wire_get16(&w);
			wire_skip(&w, rdlen);
			if (!wire_ok(&w))
				return DNS_PARSE_FORMERR;
			if (type == DNS_T_OPT) {
				if (sec != DNS_SEC_AR || m->opt.present ||
				    olen != 1 || m->has_tsig)
					return DNS_PARSE_FORMERR;
				if (opt_check(buf + wire_mark(&w) - rdlen,
				    rdlen) == -1)
					return DNS_PARSE_FORMERR;
				m->opt.present = 1;
				m->opt.off = off;
				m->opt.udpsize = class;
				m->opt.ext_rcode = ttl >> 24;
				m->opt.version = (ttl >> 16) & 0xff;
				m->opt.flags = ttl & 0xffff;
				m->opt.rdoff = wire_mark(&w) - rdlen;
				m->opt.rdlen = rdlen;
				m->rcode |= (uint16_t)(m->opt.ext_rcode << 4);
			} else if (type == DNS_T_TSIG) {
				if (sec != DNS_SEC_AR ||
				    i + 1 != m->count[DNS_SEC_AR])
					return DNS_PARSE_FORMERR;
				m->has_tsig = 1;
				m->tsig_off = off;
				m->tsig_arcount = m->count[DNS_SEC_AR];
				memcpy(m->tsig_name, owner, olen);
				m->tsig_name_len = olen;
				m->tsig_rdoff = wire_mark(&w) - rdlen;
				m->tsig_rdlen = rdlen;
			}
		}
	}
	m->end = wire_mark(&w);
	if (m->end != len)
		return DNS_PARSE_FORMERR;
	return DNS_PARSE_OK;
}

void
dns_rr_iter_init(struct dns_rr_iter *it, const struct dns_msg *m, int sec)
{
	it->m = m;
	it->sec = sec;
	it->idx = 0;
	wire_rinit(&it->w, m->buf, m->len);
	if (sec < 0 || sec >= DNS_SEC_COUNT) {
		wire_fail(&it->w);
		return;
	}
	it->w.pos = m->sec_off[sec];
}

int
dns_rr_next(struct dns_rr_iter *it, struct dns_rr *rr)
{
	struct wire	*w = &it->w;

	if (!wire_ok(w))
		return -1;
	if (it->idx >= it->m->count[it->sec])
		return 0;
	memset(rr, 0, sizeof(*rr));
	rr->sec = it->sec;
	rr->idx = it->idx;
	rr->off = wire_mark(w);
	wire_getname(w, rr->owner, &rr->owner_len);
	rr->type = wire_get16(w);
	rr->class = wire_get16(w);
	if (it->sec != DNS_SEC_QD) {
		rr->ttl = wire_get32(w);
		rr->rdlen = wire_get16(w);
		rr->rdoff = wire_mark(w);
		wire_skip(w, rr->rdlen);
	}
	if (!wire_ok(w))
		return -1;
	it->idx++;
	return 1;
}

int
dns_rr_rdata(const struct dns_msg *m, const struct dns_rr *rr, uint8_t *out,
    size_t cap, size_t *lenp)
{
	return rdata_read(m->buf, m->len, rr->rdoff, rr->rdlen, rr->type,
	    out, cap, lenp);
}

int
dns_opt_next(const struct dns_msg *m, size_t *pos, uint16_t *code,
    const uint8_t **data, uint16_t *len)
{
	const uint8_t	*p;
	size_t		 left;

	if (!m->opt.present || *pos >= m->opt.rdlen)
		return 0;
	p = m->buf + m->opt.rdoff + *pos;
	left = m->opt.rdlen - *pos;
	if (left < 4 || left - 4 < (size_t)wire_load16(p + 2))
		return 0;
	*code = wire_load16(p);
	*len = wire_load16(p + 2);
	*data = p + 4;
	*pos += 4 + (size_t)*len;
	return 1;
}

size_t
dns_msg_udp_max(const struct dns_msg *req)
{
	if (!req->opt.present || req->opt.udpsize <= DNS_UDP_MIN)
		return DNS_UDP_MIN;
	if (req->opt.udpsize >= DNS_EDNS_UDP)
		return DNS_EDNS_UDP;
	return req->opt.udpsize;
}

int
dns_wmsg_init(struct dns_wmsg *m, uint8_t *buf, size_t cap, uint16_t id,
    uint16_t flags)
{
	memset(m, 0, sizeof(*m));
	if (cap < DNS_HDR_LEN)
		return -1;
	if (cap > DNS_MSG_MAX)
		cap = DNS_MSG_MAX;
	m->buf = buf;
	m->cap = cap;
	m->flags = flags & ~0xf;
	m->sec = DNS_SEC_QD;
	wire_winit(&m->w, buf, cap);
	memset(buf, 0, DNS_HDR_LEN);
	wire_put16(&m->w, id);
	wire_skip(&m->w, DNS_HDR_LEN - 2);
	return 0;
}

int
dns_wmsg_reply(struct dns_wmsg *m, uint8_t *buf, size_t cap,
    const struct dns_msg *req, uint16_t flags)
{
	uint16_t	f;

	f = DNS_F_QR | (uint16_t)(req->opcode << 11) |
	    (req->flags & (DNS_F_RD | DNS_F_CD)) | flags;
	if (dns_wmsg_init(m, buf, cap, req->id, f) == -1)
		return -1;
	if (req->has_q)
		return dns_wmsg_question(m, req->qname, req->qtype,
		    req->qclass);
	return 0;
}

/* Room for RRs and questions: everything but the reserve. */
static size_t
limit(const struct dns_wmsg *m)
{
	return m->cap - m->reserve;
}

/* Undo a failed entry written from mark on. */
static void
rollback(struct dns_wmsg *m, size_t mark)
{
	m->w.cap = m->cap;
	m->w.err = 0;
	m->w.pos = mark;
	wire_ctab_trim(&m->ct, mark);
}

int
dns_wmsg_question(struct dns_wmsg *m, const uint8_t *name, uint16_t type,
    uint16_t class)
{
	size_t	mark = wire_mark(&m->w);

	if (m->sec != DNS_SEC_QD || m->count[DNS_SEC_QD] == 0xffff ||
	    !wire_ok(&m->w) || name_len(name, DNS_NAME_MAX) == 0)
		return -1;
	m->w.cap = limit(m);
	wire_putname(&m->w, name, &m->ct);
	wire_put16(&m->w, type);
	wire_put16(&m->w, class);
	if (!wire_ok(&m->w)) {
		rollback(m, mark);
		return -1;
	}
	m->w.cap = m->cap;
	m->count[DNS_SEC_QD]++;
	return 0;
}

int
dns_wmsg_reserve(struct dns_wmsg *m, size_t n)
{
	if (n > m->cap - wire_mark(&m->w) - m->reserve)
		return -1;
	m->reserve += n;
	return 0;
}

int
dns_wmsg_edns(struct dns_wmsg *m, uint16_t udpsize, uint16_t flags)
{
	if (!m->edns && dns_wmsg_reserve(m, DNS_OPT_LEN) == -1)
		return -1;
	m->edns = 1;
	m->edns_udp = udpsize;
	m->edns_flags = flags;
	return 0;
}

void
dns_wmsg_rcode(struct dns_wmsg *m, uint16_t rcode)
{
	m->rcode = rcode & 0xfff;
}

void
dns_wmsg_setflags(struct dns_wmsg *m, uint16_t set, uint16_t clear)
{
	m->flags = (uint16_t)((m->flags | set) & ~clear & ~0xf);
}

int
dns_wmsg_rr(struct dns_wmsg *m, int sec, const uint8_t *owner,
    uint16_t type, uint16_t class, uint32_t ttl, const uint8_t *rd,
    uint16_t rdlen)
{
	size_t	mark, at;

	if (sec < DNS_SEC_AN || sec >= DNS_SEC_COUNT || sec < m->sec ||
	    !wire_ok(&m->w) || name_len(owner, DNS_NAME_MAX) == 0 ||
	    rdata_check(type, rd, rdlen) == -1)
		return DNS_W_BAD;
	if (m->full)
		return DNS_W_FULL;
	mark = wire_mark(&m->w);
	if (m->count[sec] == 0xffff)
		goto full;
	m->w.cap = limit(m);
	wire_putname(&m->w, owner, &m->ct);
	wire_put16(&m->w, type);
	wire_put16(&m->w, class);
	wire_put32(&m->w, ttl);
	at = wire_mark(&m->w);
	wire_put16(&m->w, 0);
	rdata_put(&m->w, type, rd, rdlen, &m->ct);
	if (!wire_ok(&m->w) || wire_mark(&m->w) - at - 2 > 0xffff)
		goto full;
	wire_set16(&m->w, at, (uint16_t)(wire_mark(&m->w) - at - 2));
	m->w.cap = m->cap;
	m->count[sec]++;
	m->sec = sec;
	return DNS_W_OK;
full:
	rollback(m, mark);
	m->full = 1;
	m->flags |= DNS_F_TC;
	return DNS_W_FULL;
}

int
dns_wmsg_finish(struct dns_wmsg *m, size_t *lenp)
{
	struct wire	*w = &m->w;
	int		 sec;

	if (m->rcode > 15 && !m->edns)
		return -1;
	if (!wire_ok(w))
		return -1;
	w->cap = m->cap;
	if (m->edns) {
		wire_put8(w, 0);
		wire_put16(w, DNS_T_OPT);
		wire_put16(w, m->edns_udp);
		wire_put32(w, (uint32_t)(m->rcode >> 4) << 24 | m->edns_flags);
		wire_put16(w, 0);
		m->reserve -= DNS_OPT_LEN;
		m->edns = 0;
		m->count[DNS_SEC_AR]++;
	}
	wire_set16(w, 2, (uint16_t)(m->flags | (m->rcode & 0xf)));
	for (sec = 0; sec < DNS_SEC_COUNT; sec++)
		wire_set16(w, 4 + 2 * (size_t)sec, m->count[sec]);
	if (!wire_ok(w))
		return -1;
	m->sec = DNS_SEC_COUNT;		/* no more RRs */
	*lenp = wire_mark(w);
	return 0;
}

int
dns_msg_error(uint8_t *buf, size_t cap, const struct dns_msg *req,
    uint16_t rcode, int with_opt, size_t *lenp)
{
	struct dns_wmsg	 m;

	if (dns_wmsg_reply(&m, buf, cap, req, 0) == -1)
		return -1;
	/* RFC 3225 3: the DO bit of the query is copied into the answer. */
	if ((with_opt || rcode > 15) && dns_wmsg_edns(&m, DNS_EDNS_UDP,
	    req->opt.present ? req->opt.flags & DNS_EDNS_DO : 0) == -1)
		return -1;
	dns_wmsg_rcode(&m, rcode);
	return dns_wmsg_finish(&m, lenp);
}

const char *
dns_rcode_name(int rc)
{
	static const char *names[] = { "NOERROR", "FORMERR", "SERVFAIL",
	    "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
	    "NXRRSET", "NOTAUTH", "NOTZONE" };

	if (rc >= 0 && rc < (int)(sizeof(names) / sizeof(names[0])))
		return names[rc];
	switch (rc) {
	case DNS_R_BADVERS:
		return "BADVERS";
	default:
		return "RCODE?";
	}
}

const char *
dns_opcode_name(int op)
{
	static const char *names[] = { "QUERY", "IQUERY", "STATUS", NULL,
	    "NOTIFY", "UPDATE", "DSO" };

	if (op >= 0 && op < (int)(sizeof(names) / sizeof(names[0])))
		return names[op];
	return NULL;
}
