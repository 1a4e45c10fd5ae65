/*
 * dns/rdata.c: RDATA layouts, checks, canonical form, Route 53 text and
 * master-file text.
 *
 * Each type with a known layout is described by a short string, one
 * character per field, walked by one function for checking, lowering,
 * copying with (de)compression.  Text conversion is per type on top of
 * the same layouts, after the RDATA has passed the check.
 *
 * The text primitives (output and input cursors, character-string
 * escapes) are in dns/rdata_str.c, SVCB/HTTPS parameters in
 * dns/rdata_svcb.c; dns/rdata_impl.h holds what the three share.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdint.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rdata_impl.h"
#include "dns/rrtype.h"
#include "dns/wire.h"

/*
 * Field codes:
 *   4 IPv4 address	6 IPv6 address
 *   b 8 bits		s 16 bits	l 32 bits
 *   n name, RFC 1035 type: may be compressed, lowercased in canonical form
 *   N name never compressed on output, lowercased in canonical form;
 *     decompressed on input (RFC 3597 section 4: receivers SHOULD
 *     decompress SRV, NAPTR, RP, AFSDB, RT, PX, SIG; BIND and dnspython
 *     clients compress SRV and NAPTR names)
 *   T name never compressed, kept as is in canonical form (SVCB target)
 *   c one character-string		C one or more, to the end
 *   x one or more opaque bytes, to the end	r zero or more, to the end
 *   g CAA tag (1-255 letters and digits)
 *   p SVCB parameters, to the end
 */
static const char *
layout(uint16_t type)
{
	switch (type) {
	case DNS_T_A:
		return "4";
	case DNS_T_AAAA:
		return "6";
	case DNS_T_NS:
	case 3:		/* MD */
	case 4:		/* MF */
	case DNS_T_CNAME:
	case 7:		/* MB */
	case 8:		/* MG */
	case 9:		/* MR */
	case DNS_T_PTR:
		return "n";
	case 14:	/* MINFO */
		return "nn";
	case DNS_T_SOA:
		return "nnlllll";
	case DNS_T_MX:
		return "sn";
	case DNS_T_HINFO:
		return "cc";
	case DNS_T_TXT:
	case DNS_T_SPF:
		return "C";
	case DNS_T_RP:
		return "NN";
	case DNS_T_AFSDB:
	case 21:	/* RT */
	case DNS_T_KX:
		return "sN";
	case 26:	/* PX */
		return "sNN";
	case DNS_T_SRV:
		return "sssN";
	case DNS_T_NAPTR:
		return "sscccN";
	case DNS_T_DNAME:
		return "N";
	case DNS_T_SIG:
	case DNS_T_RRSIG:
		return "sbblllsNr";
	case DNS_T_DS:
	case DNS_T_CDS:
		return "sbbx";
	case DNS_T_SSHFP:
		return "bbx";
	case DNS_T_TLSA:
	case DNS_T_SMIMEA:
		return "bbbx";
	case DNS_T_CAA:
		return "bgr";
	case DNS_T_SVCB:
	case DNS_T_HTTPS:
		return "sTp";
	default:
		return NULL;
	}
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int
is_alnum(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/*
 * The walker.  Input is base[pos..end): the RDATA, or in a message the
 * RDATA at rdoff with the message before it for compression pointers
 * (decompress).  Output, if out is set, goes to a wire writer, names
 * compressed against ct for 'n' fields.  lower, if set, is a writable
 * alias of base whose names are lowercased in place ('n' and 'N').
 */
struct walk {
	const uint8_t	*base;
	size_t		 pos;
	size_t		 end;
	int		 decompress;
	uint8_t		*lower;
	struct wire	*out;
	struct wire_ctab *ct;
};

static int
w_copy(struct walk *k, size_t n)
{
	if (k->end - k->pos < n)
		return -1;
	if (k->out != NULL)
		wire_putbytes(k->out, k->base + k->pos, n);
	k->pos += n;
	return 0;
}

static int
w_name(struct walk *k, char f)
{
	uint8_t		 buf[DNS_NAME_MAX];
	struct wire	 r;
	size_t		 len;

	if (k->decompress && f != 'T') {
		wire_rinit(&r, k->base, k->end);
		r.pos = k->pos;
		if (wire_getname(&r, buf, &len) == 0 || !wire_ok(&r))
			return -1;
		k->pos = r.pos;
	} else {
		if ((len = name_len(k->base + k->pos, k->end - k->pos)) == 0)
			return -1;
		memcpy(buf, k->base + k->pos, len);
		if (k->lower != NULL && f != 'T')
			name_lower(k->lower + k->pos);
		k->pos += len;
	}
	if (k->out != NULL)
		wire_putname(k->out, buf, f == 'n' ? k->ct : NULL);
	return 0;
}

static int
walk(uint16_t type, struct walk *k)
{
	const char	*f;
	size_t		 start = k->pos, n, i;

	if ((f = layout(type)) == NULL)
		return w_copy(k, k->end - k->pos);
	for (; *f != '\0'; f++) {
		switch (*f) {
		case '4':
			n = 4;
			goto fixed;
		case '6':
			n = 16;
			goto fixed;
		case 'b':
			n = 1;
			goto fixed;
		case 's':
			n = 2;
			goto fixed;
		case 'l':
			n = 4;
fixed:
			if (w_copy(k, n) == -1)
				return -1;
			break;
		case 'n':
		case 'N':
		case 'T':
			if (w_name(k, *f) == -1)
				return -1;
			break;
		case 'C':
			if (k->pos >= k->end)
				return -1;
			while (k->pos < k->end)
				if (w_copy(k, 1 + (size_t)k->base[k->pos]) == -1)
					return -1;
			break;
		case 'c':
			if (k->pos >= k->end ||
			    w_copy(k, 1 + (size_t)k->base[k->pos]) == -1)
				return -1;
			break;
		case 'g':
			if (k->pos >= k->end || (n = k->base[k->pos]) == 0 ||
			    k->end - k->pos - 1 < n)
				return -1;
			for (i = 1; i <= n; i++)
				if (!is_alnum(k->base[k->pos + i]))
					return -1;
			if (w_copy(k, 1 + n) == -1)
				return -1;
			break;
		case 'x':
			if (k->pos >= k->end)
				return -1;
			/* FALLTHROUGH */
		case 'r':
			if (w_copy(k, k->end - k->pos) == -1)
				return -1;
			break;
		case 'p':
			/* AliasMode (priority 0) carries no parameters. */
			if (get16(k->base + start) == 0 && k->pos < k->end)
				return -1;
			if (svcb_check(k->base + k->pos, k->end - k->pos) == -1)
				return -1;
			if (w_copy(k, k->end - k->pos) == -1)
				return -1;
			break;
		default:
			return -1;
		}
	}
	if (k->pos != k->end)
		return -1;
	if (type == DNS_T_DS || type == DNS_T_CDS) {
		/*
		 * Digest lengths of SHA-1, SHA-256, GOST and SHA-384; type 0
		 * is reserved, except in a CDS that asks for deletion.
		 */
		n = k->end - start - 4;
		switch (k->base[start + 3]) {
		case 0:
			return type == DNS_T_CDS ? 0 : -1;
		case 1:
			return n == 20 ? 0 : -1;
		case 2:
		case 3:
			return n == 32 ? 0 : -1;
		case 4:
			return n == 48 ? 0 : -1;
		}
	}
	return 0;
}

int
rdata_check(uint16_t type, const uint8_t *rd, size_t rdlen)
{
	struct walk	 k;
	static const uint8_t empty[1];

	if (rdlen > RDATA_MAX || (rd == NULL && rdlen != 0))
		return -1;
	if (rd == NULL)
		rd = empty;	/* no arithmetic on a null pointer */
	memset(&k, 0, sizeof(k));
	k.base = rd;
	k.end = rdlen;
	return walk(type, &k);
}

int
rdata_read(const uint8_t *msg, size_t msglen, size_t rdoff, size_t rdlen,
    uint16_t type, uint8_t *out, size_t cap, size_t *lenp)
{
	struct walk	 k;
	struct wire	 w;

	if (rdoff > msglen || msglen - rdoff < rdlen)
		return -1;
	memset(&k, 0, sizeof(k));
	k.base = msg;
	k.pos = rdoff;
	k.end = rdoff + rdlen;
	k.decompress = 1;
	wire_winit(&w, out, cap);
	k.out = &w;
	if (walk(type, &k) == -1 || !wire_ok(&w))
		return -1;
	if (lenp != NULL)
		*lenp = wire_mark(&w);
	return 0;
}

int
rdata_canon(uint16_t type, const uint8_t *rd, size_t rdlen, uint8_t *out,
    size_t cap)
{
	struct walk	 k;

	if (cap < rdlen || rdlen > RDATA_MAX)
		return -1;
	if (out != rd)
		memmove(out, rd, rdlen);
	memset(&k, 0, sizeof(k));
	k.base = out;
	k.end = rdlen;
	k.lower = out;
	return walk(type, &k);
}

/*
 * Spans [start, end) of the names a canonical form lowercases, in
 * well-formed RDATA; returns how many (layouts hold at most 2).
 */
#define SPANS_MAX	4
static int
name_spans(uint16_t type, const uint8_t *rd, size_t len, size_t *st,
    size_t *en)
{
	const char	*f = layout(type);
	size_t		 pos = 0, m;
	int		 c = 0;

	for (; f != NULL && *f != '\0' && pos < len; f++) {
		switch (*f) {
		case 'b':
			pos += 1;
			break;
		case 's':
			pos += 2;
			break;
		case 'l':
		case '4':
			pos += 4;
			break;
		case '6':
			pos += 16;
			break;
		case 'c':
			pos += 1 + (size_t)rd[pos];
			break;
		case 'n':
		case 'N':
		case 'T':
			m = name_len(rd + pos, len - pos);
			if (*f != 'T' && c < SPANS_MAX) {
				st[c] = pos;
				en[c] = pos + m;
				c++;
			}
			pos += m;
			break;
		default:
			return c;	/* names never follow open fields */
		}
	}
	return c;
}

static int
in_span(size_t i, const size_t *st, const size_t *en, int n)
{
	int	k;

	for (k = 0; k < n; k++)
		if (i >= st[k] && i < en[k])
			return 1;
	return 0;
}

/*
 * The canonical form differs from well-formed RDATA only in the case of
 * letters inside the name spans, so comparing bytes with those folded
 * is comparing canonical forms, without a copy.
 */
int
rdata_cmp(uint16_t type, const uint8_t *a, size_t alen, const uint8_t *b,
    size_t blen)
{
	size_t	 sa[SPANS_MAX], ea[SPANS_MAX], sb[SPANS_MAX], eb[SPANS_MAX];
	size_t	 i, m = alen < blen ? alen : blen;
	int	 na = 0, nb = 0;
	uint8_t	 ca, cb;

	if (rdata_check(type, a, alen) == 0 && rdata_check(type, b, blen) == 0) {
		na = name_spans(type, a, alen, sa, ea);
		nb = name_spans(type, b, blen, sb, eb);
	}
	for (i = 0; i < m; i++) {
		ca = a[i];
		cb = b[i];
		if (na > 0 && ca >= 'A' && ca <= 'Z' && in_span(i, sa, ea, na))
			ca += 'a' - 'A';
		if (nb > 0 && cb >= 'A' && cb <= 'Z' && in_span(i, sb, eb, nb))
			cb += 'a' - 'A';
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

void
rdata_put(struct wire *w, uint16_t type, const uint8_t *rd, size_t rdlen,
    struct wire_ctab *ct)
{
	struct walk	 k;

	memset(&k, 0, sizeof(k));
	k.base = rd;
	k.end = rdlen;
	k.out = w;
	k.ct = ct;
	if (rdlen > RDATA_MAX || walk(type, &k) == -1)
		wire_fail(w);
}

/* "\# len hex" of RFC 3597 section 5. */
static void
tb_generic(struct tb *t, const uint8_t *rd, size_t rdlen)
{
	tb_str(t, "\\# ");
	tb_u(t, rdlen);
	if (rdlen > 0) {
		tb_c(t, ' ');
		tb_hex(t, rd, rdlen);
	}
}

/* Both text forms: Route 53's, or the master file's when mf is set. */
static int
to_text(uint16_t type, const uint8_t *rd, size_t rdlen, char *out,
    size_t cap, int mf)
{
	struct tb	 t;
	size_t		 p, n;
	int		 i;
	static const uint8_t empty[1];

	if (cap == 0)
		return RDATA_ESPACE;
	if (rd == NULL && rdlen == 0)
		rd = empty;	/* no arithmetic on a null pointer */
	out[0] = '\0';
	t.s = out;
	t.cap = cap;
	t.len = 0;
	t.err = 0;
	t.mf = mf;
	if (rdata_check(type, rd, rdlen) == -1)
		return RDATA_EBAD;
	switch (type) {
	case DNS_T_A:
		tb_addr(&t, AF_INET, rd);
		break;
	case DNS_T_AAAA:
		tb_addr(&t, AF_INET6, rd);
		break;
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_PTR:
		tb_name(&t, rd);
		break;
	case DNS_T_MX:
		tb_u(&t, get16(rd));
		tb_c(&t, ' ');
		tb_name(&t, rd + 2);
		break;
	case DNS_T_SOA:
		tb_name(&t, rd);
		p = name_len(rd, rdlen);
		tb_c(&t, ' ');
		tb_name(&t, rd + p);
		p += name_len(rd + p, rdlen - p);
		for (i = 0; i < 5; i++, p += 4) {
			tb_c(&t, ' ');
			tb_u(&t, get32(rd + p));
		}
		break;
	case DNS_T_TXT:
	case DNS_T_SPF:
		for (p = 0; p < rdlen; p += 1 + (size_t)rd[p]) {
			if (p > 0)
				tb_c(&t, ' ');
			tb_qstr(&t, rd + p + 1, rd[p]);
		}
		break;
	case DNS_T_CAA:
		tb_u(&t, rd[0]);
		tb_c(&t, ' ');
		tb_put(&t, (const char *)rd + 2, rd[1]);
		tb_c(&t, ' ');
		p = 2 + (size_t)rd[1];
		tb_qstr(&t, rd + p, rdlen - p);
		break;
	case DNS_T_NAPTR:
		tb_u(&t, get16(rd));
		tb_c(&t, ' ');
		tb_u(&t, get16(rd + 2));
		for (i = 0, p = 4; i < 3; i++, p += 1 + (size_t)rd[p]) {
			tb_c(&t, ' ');
			tb_qstr(&t, rd + p + 1, rd[p]);
		}
		tb_c(&t, ' ');
		tb_name(&t, rd + p);
		break;
	case DNS_T_SRV:
		for (p = 0; p < 6; p += 2) {
			tb_u(&t, get16(rd + p));
			tb_c(&t, ' ');
		}
		tb_name(&t, rd + 6);
		break;
	case DNS_T_DS:
	case DNS_T_TLSA:
	case DNS_T_SSHFP:
		/* DS: keytag, then two octets; TLSA three, SSHFP two. */
		p = 0;
		if (type == DNS_T_DS) {
			tb_u(&t, get16(rd));
			tb_c(&t, ' ');
			p = 2;
		}
		n = type == DNS_T_TLSA ? 3 : (type == DNS_T_DS ? 4 : 2);
		for (; p < n; p++) {
			tb_u(&t, rd[p]);
			tb_c(&t, ' ');
		}
		tb_hex(&t, rd + n, rdlen - n);
		break;
	case DNS_T_SVCB:
	case DNS_T_HTTPS:
		tb_u(&t, get16(rd));
		tb_c(&t, ' ');
		tb_name(&t, rd + 2);
		p = 2 + name_len(rd + 2, rdlen - 2);
		tb_svcb(&t, rd + p, rdlen - p);
		break;
	default:
		tb_generic(&t, rd, rdlen);
		break;
	}
	if (t.err) {
		out[0] = '\0';
		return RDATA_ESPACE;
	}
	return (int)t.len;
}

int
rdata_to_r53(uint16_t type, const uint8_t *rd, size_t rdlen, char *out,
    size_t cap)
{
	return to_text(type, rd, rdlen, out, cap, 0);
}

int
rdata_to_text(uint16_t type, const uint8_t *rd, size_t rdlen, char *out,
    size_t cap)
{
	return to_text(type, rd, rdlen, out, cap, 1);
}

static int
tin_generic(struct tin *t, struct wire *w)
{
	uint32_t	len;
	size_t		n;

	if (tin_num(t, RDATA_MAX, &len) == -1)
		return -1;
	if (tin_hex(t, w, &n) == -1 || n != len)
		return -1;
	return 0;
}

static int
from_r53(uint16_t type, struct tin *t, struct wire *w)
{
	const char	*p;
	size_t		 n, i;
	uint8_t		 addr[16];
	uint32_t	 v;
	int		 k;

	tin_sp(t);
	if (t->len - t->pos >= 2 && t->s[t->pos] == '\\' &&
	    t->s[t->pos + 1] == '#' &&
	    (t->len - t->pos == 2 || is_sp(t->s[t->pos + 2]))) {
		t->pos += 2;
		return tin_generic(t, w);
	}
	switch (type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		if (tin_token(t, &p, &n) == -1 || tin_addr(p, n,
		    type == DNS_T_A ? AF_INET : AF_INET6, addr) == -1)
			return -1;
		wire_putbytes(w, addr, type == DNS_T_A ? 4 : 16);
		break;
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_PTR:
		return tin_name(t, w);
	case DNS_T_MX:
		if (tin_num(t, 65535, &v) == -1)
			return -1;
		wire_put16(w, (uint16_t)v);
		return tin_name(t, w);
	case DNS_T_SOA:
		if (tin_name(t, w) == -1 || tin_name(t, w) == -1)
			return -1;
		for (k = 0; k < 5; k++) {
			if (tin_num(t, UINT32_MAX, &v) == -1)
				return -1;
			wire_put32(w, v);
		}
		break;
	case DNS_T_TXT:
	case DNS_T_SPF:
		do {
			if (tin_cstring(t, w) == -1)
				return -1;
		} while (tin_more(t));
		break;
	case DNS_T_CAA:
		if (tin_num(t, 255, &v) == -1 || tin_token(t, &p, &n) == -1 ||
		    n > 255)
			return -1;
		for (i = 0; i < n; i++)
			if (!is_alnum((uint8_t)p[i]))
				return -1;
		wire_put8(w, (uint8_t)v);
		wire_put8(w, (uint8_t)n);
		wire_putbytes(w, p, n);
		{
			const char	*q;
			size_t		 qn, len;

			if (tin_quoted(t, &q, &qn) == -1 ||
			    cs_decode(q, qn, w->wbase + w->pos, wire_left(w),
			    &len) == -1)
				return -1;
			wire_skip(w, len);
		}
		break;
	case DNS_T_NAPTR:
		for (k = 0; k < 2; k++) {
			if (tin_num(t, 65535, &v) == -1)
				return -1;
			wire_put16(w, (uint16_t)v);
		}
		for (k = 0; k < 3; k++)
			if (tin_cstring(t, w) == -1)
				return -1;
		return tin_name(t, w);
	case DNS_T_SRV:
		for (k = 0; k < 3; k++) {
			if (tin_num(t, 65535, &v) == -1)
				return -1;
			wire_put16(w, (uint16_t)v);
		}
		return tin_name(t, w);
	case DNS_T_DS:
	case DNS_T_TLSA:
	case DNS_T_SSHFP:
		k = 0;
		if (type == DNS_T_DS) {
			if (tin_num(t, 65535, &v) == -1)
				return -1;
			wire_put16(w, (uint16_t)v);
			k = 1;
		}
		for (; k < (type == DNS_T_SSHFP ? 2 : 3); k++) {
			if (tin_num(t, 255, &v) == -1)
				return -1;
			wire_put8(w, (uint8_t)v);
		}
		if (!tin_more(t) || tin_hex(t, w, &n) == -1)
			return -1;
		break;
	case DNS_T_SVCB:
	case DNS_T_HTTPS:
		if (tin_num(t, 65535, &v) == -1)
			return -1;
		wire_put16(w, (uint16_t)v);
		if (tin_name(t, w) == -1)
			return -1;
		return tin_svcb(t, w);
	default:
		return -1;	/* other types only in the generic form */
	}
	return 0;
}

int
rdata_from_r53(uint16_t type, const char *text, size_t textlen,
    uint8_t *out, size_t cap, size_t *lenp)
{
	struct tin	 t;
	struct wire	 w;

	if (memchr(text, '\0', textlen) != NULL)
		return -1;
	t.s = text;
	t.len = textlen;
	t.pos = 0;
	wire_winit(&w, out, cap);
	if (from_r53(type, &t, &w) == -1 || tin_more(&t) || !wire_ok(&w))
		return -1;
	if (wire_mark(&w) > RDATA_MAX ||
	    rdata_check(type, out, wire_mark(&w)) == -1)
		return -1;
	if (lenp != NULL)
		*lenp = wire_mark(&w);
	return 0;
}
