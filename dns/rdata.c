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
 * What the RDATA of each type is made of: one table, as Knot's rdata
 * descriptors, from which checking, canonical form, decompression and
 * both text forms are all derived.  Field codes:
 *   4 IPv4 address	6 IPv6 address
 *   b 8 bits		s 16 bits	l 32 bits	(decimal in text)
 *   n name, RFC 1035 type: may be compressed, lowercased in canonical form
 *   N name never compressed on output, lowercased in canonical form;
 *     decompressed on input (RFC 3597 section 4: receivers SHOULD
 *     decompress SRV, NAPTR, RP, AFSDB, RT, PX, SIG; BIND and dnspython
 *     clients compress SRV and NAPTR names)
 *   T name never compressed, kept as is in canonical form (SVCB target)
 *   c one character-string		C one or more, to the end
 *   x one or more opaque bytes, to the end (hex in text)
 *   r zero or more opaque bytes, to the end
 *   v zero or more bytes, to the end, a quoted string in text (CAA value)
 *   g CAA tag (1-255 letters and digits)
 *   p SVCB parameters, to the end
 * Types marked RD_TEXT have a presentation form here (the types Route 53
 * holds); the others are written and read only in RFC 3597's generic
 * form.  Types not in the table are opaque.
 */
#define RD_TEXT		0x01

struct rdesc {
	uint8_t		 flags;
	const char	*fields;
};

static const struct rdesc rdesc[] = {
	[DNS_T_A] =	{ RD_TEXT, "4" },
	[DNS_T_NS] =	{ RD_TEXT, "n" },
	[3] =		{ 0, "n" },		/* MD */
	[4] =		{ 0, "n" },		/* MF */
	[DNS_T_CNAME] =	{ RD_TEXT, "n" },
	[DNS_T_SOA] =	{ RD_TEXT, "nnlllll" },
	[7] =		{ 0, "n" },		/* MB */
	[8] =		{ 0, "n" },		/* MG */
	[9] =		{ 0, "n" },		/* MR */
	[DNS_T_PTR] =	{ RD_TEXT, "n" },
	[DNS_T_HINFO] =	{ 0, "cc" },
	[14] =		{ 0, "nn" },		/* MINFO */
	[DNS_T_MX] =	{ RD_TEXT, "sn" },
	[DNS_T_TXT] =	{ RD_TEXT, "C" },
	[DNS_T_RP] =	{ 0, "NN" },
	[DNS_T_AFSDB] =	{ 0, "sN" },
	[21] =		{ 0, "sN" },		/* RT */
	[DNS_T_SIG] =	{ 0, "sbblllsNr" },
	[26] =		{ 0, "sNN" },		/* PX */
	[DNS_T_AAAA] =	{ RD_TEXT, "6" },
	[DNS_T_SRV] =	{ RD_TEXT, "sssN" },
	[DNS_T_NAPTR] =	{ RD_TEXT, "sscccN" },
	[DNS_T_KX] =	{ 0, "sN" },
	[DNS_T_DNAME] =	{ 0, "N" },
	[DNS_T_DS] =	{ RD_TEXT, "sbbx" },
	[DNS_T_SSHFP] =	{ RD_TEXT, "bbx" },
	[DNS_T_RRSIG] =	{ 0, "sbblllsNr" },
	[DNS_T_TLSA] =	{ RD_TEXT, "bbbx" },
	[DNS_T_SMIMEA] = { 0, "bbbx" },
	[DNS_T_CDS] =	{ 0, "sbbx" },
	[DNS_T_SVCB] =	{ RD_TEXT, "sTp" },
	[DNS_T_HTTPS] =	{ RD_TEXT, "sTp" },
	[DNS_T_SPF] =	{ RD_TEXT, "C" },
	[DNS_T_CAA] =	{ RD_TEXT, "bgv" },
};

/* The descriptor of type, or NULL when its RDATA is opaque. */
static const struct rdesc *
desc(uint16_t type)
{
	if (type >= sizeof(rdesc) / sizeof(rdesc[0]) ||
	    rdesc[type].fields == NULL)
		return NULL;
	return &rdesc[type];
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
	const struct rdesc	*d;
	const char		*f;
	size_t			 start = k->pos, n, i;

	if ((d = desc(type)) == NULL)
		return w_copy(k, k->end - k->pos);
	for (f = d->fields; *f != '\0'; f++) {
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
		case 'v':
			if (w_copy(k, k->end - k->pos) == -1)
				return -1;
			break;
		case 'p':
			/* AliasMode (priority 0) carries no parameters. */
			if (wire_load16(k->base + start) == 0 && k->pos < k->end)
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
	const struct rdesc	*d = desc(type);
	const char		*f = d != NULL ? d->fields : NULL;
	size_t			 pos = 0, m;
	int			 c = 0;

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
	const struct rdesc	*d;
	const char		*f;
	struct tb		 t;
	size_t			 p, n;
	static const uint8_t	 empty[1];

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
	if ((d = desc(type)) == NULL || !(d->flags & RD_TEXT)) {
		tb_generic(&t, rd, rdlen);
		goto done;
	}
	/* Fields one space apart; SVCB parameters bring their own. */
	for (f = d->fields, p = 0; *f != '\0'; f++) {
		if (f != d->fields && *f != 'p')
			tb_c(&t, ' ');
		switch (*f) {
		case '4':
			tb_addr(&t, AF_INET, rd + p);
			p += 4;
			break;
		case '6':
			tb_addr(&t, AF_INET6, rd + p);
			p += 16;
			break;
		case 'b':
			tb_u(&t, rd[p]);
			p += 1;
			break;
		case 's':
			tb_u(&t, wire_load16(rd + p));
			p += 2;
			break;
		case 'l':
			tb_u(&t, wire_load32(rd + p));
			p += 4;
			break;
		case 'n':
		case 'N':
		case 'T':
			tb_name(&t, rd + p);
			p += name_len(rd + p, rdlen - p);
			break;
		case 'c':
			tb_qstr(&t, rd + p + 1, rd[p]);
			p += 1 + (size_t)rd[p];
			break;
		case 'C':
			for (n = 0; p < rdlen; n++, p += 1 + (size_t)rd[p]) {
				if (n > 0)
					tb_c(&t, ' ');
				tb_qstr(&t, rd + p + 1, rd[p]);
			}
			break;
		case 'g':
			tb_put(&t, (const char *)rd + p + 1, rd[p]);
			p += 1 + (size_t)rd[p];
			break;
		case 'v':
			tb_qstr(&t, rd + p, rdlen - p);
			p = rdlen;
			break;
		case 'x':
			tb_hex(&t, rd + p, rdlen - p);
			p = rdlen;
			break;
		case 'p':
			tb_svcb(&t, rd + p, rdlen - p);
			p = rdlen;
			break;
		default:
			return RDATA_EBAD;
		}
	}
done:
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
	const struct rdesc	*d;
	const char		*f, *p;
	size_t			 n, i;
	uint8_t			 addr[16];
	uint32_t		 v;

	tin_sp(t);
	if (t->len - t->pos >= 2 && t->s[t->pos] == '\\' &&
	    t->s[t->pos + 1] == '#' &&
	    (t->len - t->pos == 2 || is_sp(t->s[t->pos + 2]))) {
		t->pos += 2;
		return tin_generic(t, w);
	}
	if ((d = desc(type)) == NULL || !(d->flags & RD_TEXT))
		return -1;	/* other types only in the generic form */
	for (f = d->fields; *f != '\0'; f++) {
		switch (*f) {
		case '4':
		case '6':
			if (tin_token(t, &p, &n) == -1 || tin_addr(p, n,
			    *f == '4' ? AF_INET : AF_INET6, addr) == -1)
				return -1;
			wire_putbytes(w, addr, *f == '4' ? 4 : 16);
			break;
		case 'b':
		case 's':
		case 'l':
			if (tin_num(t, *f == 'b' ? 255 : *f == 's' ? 65535 :
			    UINT32_MAX, &v) == -1)
				return -1;
			if (*f == 'b')
				wire_put8(w, (uint8_t)v);
			else if (*f == 's')
				wire_put16(w, (uint16_t)v);
			else
				wire_put32(w, v);
			break;
		case 'n':
		case 'N':
		case 'T':
			if (tin_name(t, w) == -1)
				return -1;
			break;
		case 'c':
			if (tin_cstring(t, w) == -1)
				return -1;
			break;
		case 'C':
			do {
				if (tin_cstring(t, w) == -1)
					return -1;
			} while (tin_more(t));
			break;
		case 'g':
			if (tin_token(t, &p, &n) == -1 || n > 255)
				return -1;
			for (i = 0; i < n; i++)
				if (!is_alnum((uint8_t)p[i]))
					return -1;
			wire_put8(w, (uint8_t)n);
			wire_putbytes(w, p, n);
			break;
		case 'v':
			if (tin_quoted(t, &p, &n) == -1 ||
			    cs_decode(p, n, w->wbase + w->pos, wire_left(w),
			    &i) == -1)
				return -1;
			wire_skip(w, i);
			break;
		case 'x':
			if (!tin_more(t) || tin_hex(t, w, &n) == -1)
				return -1;
			break;
		case 'p':
			if (tin_svcb(t, w) == -1)
				return -1;
			break;
		default:
			return -1;
		}
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

/* Offset of the SOA serial (after MNAME and RNAME), or -1. */
static int
soa_off(const uint8_t *rd, size_t len)
{
	size_t	a, b;

	if ((a = name_len(rd, len)) == 0)
		return -1;
	if ((b = name_len(rd + a, len - a)) == 0)
		return -1;
	if (len != a + b + 20)
		return -1;
	return (int)(a + b);
}

int
rdata_soa(const uint8_t *rd, size_t len, struct rdata_soa *t)
{
	struct wire	w;
	int		off;

	if ((off = soa_off(rd, len)) < 0)
		return -1;
	wire_rinit(&w, rd + off, 20);
	t->serial = wire_get32(&w);
	t->refresh = wire_get32(&w);
	t->retry = wire_get32(&w);
	t->expire = wire_get32(&w);
	t->minimum = wire_get32(&w);
	return 0;
}

int
rdata_soa_serial(const uint8_t *rd, size_t len, uint32_t *serial)
{
	int	off;

	if ((off = soa_off(rd, len)) < 0)
		return -1;
	*serial = wire_load32(rd + off);
	return 0;
}

int
rdata_soa_set_serial(uint8_t *rd, size_t len, uint32_t serial)
{
	int	off;

	if ((off = soa_off(rd, len)) < 0)
		return -1;
	wire_store32(rd + off, serial);
	return 0;
}
