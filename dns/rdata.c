/*
 * dns/rdata.c: RDATA layouts, checks, canonical form and Route 53 text.
 *
 * Each type with a known layout is described by a short string, one
 * character per field, walked by one function for checking, lowering,
 * copying with (de)compression.  Text conversion is per type on top of
 * the same layouts, after the RDATA has passed the check.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"

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

#define SVCB_MANDATORY		0
#define SVCB_ALPN		1
#define SVCB_NODEFALPN		2
#define SVCB_PORT		3
#define SVCB_IPV4HINT		4
#define SVCB_ECH		5
#define SVCB_IPV6HINT		6
#define SVCB_KEY_INVALID	65535
#define SVCB_PARAMS_MAX		32	/* keys accepted in one text value */
#define SVCB_VALUE_MAX		4096	/* decoded text of one value */

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
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

/* Is the key present in the SVCB parameters p[0..len)? */
static int
svcb_has(const uint8_t *p, size_t len, uint16_t key)
{
	size_t	i = 0;

	while (i + 4 <= len) {
		if (get16(p + i) == key)
			return 1;
		i += 4 + (size_t)get16(p + i + 2);
	}
	return 0;
}

/* SvcParams in wire form (RFC 9460 section 2.2), p[0..len). */
static int
svcb_check(const uint8_t *p, size_t len)
{
	size_t		 i = 0, j, vl;
	long		 prev = -1;
	uint16_t	 key;
	const uint8_t	*v;

	while (i < len) {
		if (len - i < 4)
			return -1;
		key = get16(p + i);
		vl = get16(p + i + 2);
		v = p + i + 4;
		if (len - i - 4 < vl || (long)key <= prev ||
		    key == SVCB_KEY_INVALID)
			return -1;
		prev = key;
		switch (key) {
		case SVCB_MANDATORY:
			if (vl == 0 || vl % 2 != 0)
				return -1;
			for (j = 0; j < vl; j += 2) {
				if (get16(v + j) == SVCB_MANDATORY ||
				    (j > 0 && get16(v + j) <= get16(v + j - 2)))
					return -1;
				if (!svcb_has(p, len, get16(v + j)))
					return -1;
			}
			break;
		case SVCB_ALPN:
			if (vl == 0)
				return -1;
			for (j = 0; j < vl; j += 1 + (size_t)v[j])
				if (v[j] == 0 || vl - j - 1 < v[j])
					return -1;
			break;
		case SVCB_NODEFALPN:
			if (vl != 0)
				return -1;
			break;
		case SVCB_PORT:
			if (vl != 2)
				return -1;
			break;
		case SVCB_IPV4HINT:
			if (vl == 0 || vl % 4 != 0)
				return -1;
			break;
		case SVCB_ECH:
			if (vl == 0)
				return -1;
			break;
		case SVCB_IPV6HINT:
			if (vl == 0 || vl % 16 != 0)
				return -1;
			break;
		default:
			break;
		}
		i += 4 + vl;
	}
	return 0;
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

	if (rdlen > RDATA_MAX)
		return -1;
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

/*
 * Text output.  A struct tb collects text into the caller's buffer; the
 * first overflow is sticky and the result is then RDATA_ESPACE.
 */
struct tb {
	char	*s;
	size_t	 cap;
	size_t	 len;
	int	 err;
};

static void
tb_put(struct tb *t, const char *p, size_t n)
{
	if (t->err || t->cap - t->len <= n) {
		t->err = 1;
		return;
	}
	memcpy(t->s + t->len, p, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void
tb_str(struct tb *t, const char *p)
{
	tb_put(t, p, strlen(p));
}

static void
tb_c(struct tb *t, char c)
{
	tb_put(t, &c, 1);
}

static void
tb_u(struct tb *t, unsigned long v)
{
	char	buf[24];
	int	n;

	n = snprintf(buf, sizeof(buf), "%lu", v);
	tb_put(t, buf, (size_t)n);
}

/*
 * One byte of a character-string: \" and \\, Route 53's \ooo for
 * 000-037 and 177-377, and for space too unless space_ok (inside
 * quotes).
 */
static void
tb_esc(struct tb *t, uint8_t c, int space_ok)
{
	char	buf[4];

	if (c == '"' || c == '\\') {
		buf[0] = '\\';
		buf[1] = (char)c;
		tb_put(t, buf, 2);
	} else if (c < 0x20 || c >= 0x7f || (c == ' ' && !space_ok)) {
		buf[0] = '\\';
		buf[1] = (char)('0' + (c >> 6));
		buf[2] = (char)('0' + ((c >> 3) & 7));
		buf[3] = (char)('0' + (c & 7));
		tb_put(t, buf, 4);
	} else
		tb_c(t, (char)c);
}

/* A quoted character-string from len bytes. */
static void
tb_qstr(struct tb *t, const uint8_t *p, size_t len)
{
	size_t	i;

	tb_c(t, '"');
	for (i = 0; i < len; i++)
		tb_esc(t, p[i], 1);
	tb_c(t, '"');
}

static void
tb_name(struct tb *t, const uint8_t *n)
{
	char	buf[DNS_NAME_TEXTMAX];

	if (name_to_r53_case(n, buf, sizeof(buf)) == -1)
		t->err = 1;
	else
		tb_str(t, buf);
}

static void
tb_hex(struct tb *t, const uint8_t *p, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	char			 buf[2];
	size_t			 i;

	for (i = 0; i < len; i++) {
		buf[0] = hex[p[i] >> 4];
		buf[1] = hex[p[i] & 15];
		tb_put(t, buf, 2);
	}
}

static void
tb_addr(struct tb *t, int af, const uint8_t *p)
{
	char	buf[INET6_ADDRSTRLEN];

	if (inet_ntop(af, p, buf, sizeof(buf)) == NULL)
		t->err = 1;
	else
		tb_str(t, buf);
}

static const struct {
	uint16_t	 key;
	const char	*name;
} svcb_keys[] = {
	{ SVCB_MANDATORY, "mandatory" },
	{ SVCB_ALPN, "alpn" },
	{ SVCB_NODEFALPN, "no-default-alpn" },
	{ SVCB_PORT, "port" },
	{ SVCB_IPV4HINT, "ipv4hint" },
	{ SVCB_ECH, "ech" },
	{ SVCB_IPV6HINT, "ipv6hint" },
};
#define SVCB_NKEYS	(sizeof(svcb_keys) / sizeof(svcb_keys[0]))

static void
tb_svcbkey(struct tb *t, uint16_t key)
{
	size_t	i;

	for (i = 0; i < SVCB_NKEYS; i++) {
		if (svcb_keys[i].key == key) {
			tb_str(t, svcb_keys[i].name);
			return;
		}
	}
	tb_str(t, "key");
	tb_u(t, key);
}

/* SvcParams of well-formed RDATA, each preceded by a space. */
static void
tb_svcb(struct tb *t, const uint8_t *p, size_t len)
{
	size_t		 i = 0, j, vl, start;
	uint16_t	 key;
	const uint8_t	*v;
	char		 b64[SVCB_VALUE_MAX];

	while (i < len) {
		key = get16(p + i);
		vl = get16(p + i + 2);
		v = p + i + 4;
		i += 4 + vl;
		tb_c(t, ' ');
		tb_svcbkey(t, key);
		start = t->len;
		switch (key) {
		case SVCB_MANDATORY:
			tb_c(t, '=');
			for (j = 0; j < vl; j += 2) {
				if (j > 0)
					tb_c(t, ',');
				tb_svcbkey(t, get16(v + j));
			}
			break;
		case SVCB_ALPN:
			tb_c(t, '=');
			for (j = 0; j < vl; j += 1 + (size_t)v[j]) {
				size_t	 e;

				if (j > 0)
					tb_c(t, ',');
				for (e = j + 1; e <= j + v[j]; e++) {
					if (v[e] == ',' || v[e] == '\\')
						tb_esc(t, '\\', 0);
					tb_esc(t, v[e], 0);
				}
			}
			break;
		case SVCB_NODEFALPN:
			break;
		case SVCB_PORT:
			tb_c(t, '=');
			tb_u(t, get16(v));
			break;
		case SVCB_IPV4HINT:
		case SVCB_IPV6HINT:
			tb_c(t, '=');
			for (j = 0; j < vl; j += key == SVCB_IPV4HINT ? 4 : 16) {
				if (j > 0)
					tb_c(t, ',');
				tb_addr(t, key == SVCB_IPV4HINT ? AF_INET :
				    AF_INET6, v + j);
			}
			break;
		case SVCB_ECH:
			tb_c(t, '=');
			if (base64_encode(v, vl, b64, sizeof(b64)) == -1)
				t->err = 1;
			else
				tb_str(t, b64);
			break;
		default:
			if (vl == 0)
				break;
			tb_c(t, '=');
			for (j = 0; j < vl; j++)
				tb_esc(t, v[j], 0);
			break;
		}
		/*
		 * The parser decodes one value in SVCB_VALUE_MAX bytes: print
		 * nothing it could not read back.  (A Route 53 Value is at
		 * most 4000 characters in all.)
		 */
		if (!t->err && t->len - start >= SVCB_VALUE_MAX)
			t->err = 1;
	}
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

int
rdata_to_r53(uint16_t type, const uint8_t *rd, size_t rdlen, char *out,
    size_t cap)
{
	struct tb	 t;
	size_t		 p, n;
	int		 i;

	if (cap == 0)
		return RDATA_ESPACE;
	out[0] = '\0';
	t.s = out;
	t.cap = cap;
	t.len = 0;
	t.err = 0;
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

/*
 * Text input.  A struct tin is a cursor over the caller's text; fields
 * are separated by spaces or tabs.  Every reader returns -1 on anything
 * it does not expect.
 */
struct tin {
	const char	*s;
	size_t		 len;
	size_t		 pos;
};

static int
is_sp(char c)
{
	return c == ' ' || c == '\t';
}

static void
tin_sp(struct tin *t)
{
	while (t->pos < t->len && is_sp(t->s[t->pos]))
		t->pos++;
}

static int
tin_more(struct tin *t)
{
	tin_sp(t);
	return t->pos < t->len;
}

/* The next non-empty field. */
static int
tin_token(struct tin *t, const char **p, size_t *n)
{
	size_t	start;

	tin_sp(t);
	start = t->pos;
	while (t->pos < t->len && !is_sp(t->s[t->pos]))
		t->pos++;
	if (t->pos == start)
		return -1;
	*p = t->s + start;
	*n = t->pos - start;
	return 0;
}

/* Decimal digits only, at most max. */
static int
parse_num(const char *p, size_t n, uint32_t max, uint32_t *v)
{
	uint64_t	x = 0;
	size_t		i;

	if (n == 0 || n > 10)
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(p[i] - '0');
	}
	if (x > max)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int
tin_num(struct tin *t, uint32_t max, uint32_t *v)
{
	const char	*p;
	size_t		 n;

	if (tin_token(t, &p, &n) == -1)
		return -1;
	return parse_num(p, n, max, v);
}

/*
 * Decode the escapes of a character-string body s[0..n) (no quotes):
 * \ooo octal (exactly three digits, at most 377) and \X for any other X.
 * Output into out (cap bytes).
 */
static int
cs_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *lenp)
{
	size_t		 i = 0, o = 0;
	unsigned	 v;
	int		 k;
	uint8_t		 c;

	while (i < n) {
		c = (uint8_t)s[i++];
		if (c == '\\') {
			if (i >= n)
				return -1;
			if (s[i] >= '0' && s[i] <= '9') {
				for (v = 0, k = 0; k < 3; k++, i++) {
					if (i >= n || s[i] < '0' || s[i] > '7')
						return -1;
					v = v * 8 + (unsigned)(s[i] - '0');
				}
				if (v > 255)
					return -1;
				c = (uint8_t)v;
			} else
				c = (uint8_t)s[i++];
		}
		if (o >= cap)
			return -1;
		out[o++] = c;
	}
	*lenp = o;
	return 0;
}

/*
 * Span of a quoted string at the cursor: returns the body (between the
 * quotes, escapes still in it); the closing quote must be followed by a
 * separator or the end.
 */
static int
tin_quoted(struct tin *t, const char **p, size_t *n)
{
	size_t	start;

	tin_sp(t);
	if (t->pos >= t->len || t->s[t->pos] != '"')
		return -1;
	start = ++t->pos;
	for (;;) {
		if (t->pos >= t->len)
			return -1;
		if (t->s[t->pos] == '\\') {
			t->pos += 2;
			continue;
		}
		if (t->s[t->pos] == '"')
			break;
		t->pos++;
	}
	*p = t->s + start;
	*n = t->pos - start;
	t->pos++;
	if (t->pos < t->len && !is_sp(t->s[t->pos]))
		return -1;
	return 0;
}

/* A quoted string as a character-string (length octet, at most 255). */
static int
tin_cstring(struct tin *t, struct wire *w)
{
	uint8_t		 buf[255];
	const char	*p;
	size_t		 n, len;

	if (tin_quoted(t, &p, &n) == -1 ||
	    cs_decode(p, n, buf, sizeof(buf), &len) == -1)
		return -1;
	wire_put8(w, (uint8_t)len);
	wire_putbytes(w, buf, len);
	return 0;
}

static int
tin_name(struct tin *t, struct wire *w)
{
	uint8_t		 name[DNS_NAME_MAX];
	const char	*p;
	size_t		 n, len;

	if (tin_token(t, &p, &n) == -1 ||
	    name_from_r53n_case(p, n, name, &len) == -1)
		return -1;
	wire_putbytes(w, name, len);
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The rest of the text as hex digits, spaces allowed between them. */
static int
tin_hex(struct tin *t, struct wire *w, size_t *count)
{
	int	hi = -1, d;
	size_t	n = 0;

	for (; t->pos < t->len; t->pos++) {
		if (is_sp(t->s[t->pos]))
			continue;
		if ((d = hexval(t->s[t->pos])) == -1)
			return -1;
		if (hi == -1)
			hi = d;
		else {
			wire_put8(w, (uint8_t)(hi << 4 | d));
			hi = -1;
			n++;
		}
	}
	if (hi != -1)
		return -1;
	*count = n;
	return 0;
}

static int
tin_addr(const char *p, size_t n, int af, uint8_t *out)
{
	char	buf[INET6_ADDRSTRLEN + 1];

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return inet_pton(af, buf, out) == 1 ? 0 : -1;
}

/* SVCB key name or keyNNNN; generic is set for the keyNNNN form. */
static int
svcb_key(const char *p, size_t n, uint16_t *key, int *generic)
{
	uint32_t	v;
	size_t		i;

	*generic = 0;
	for (i = 0; i < SVCB_NKEYS; i++) {
		if (strlen(svcb_keys[i].name) == n &&
		    strncmp(svcb_keys[i].name, p, n) == 0) {
			*key = svcb_keys[i].key;
			return 0;
		}
	}
	if (n < 4 || strncmp(p, "key", 3) != 0 || (p[3] == '0' && n > 4) ||
	    parse_num(p + 3, n - 3, 65534, &v) == -1)
		return -1;
	*key = (uint16_t)v;
	*generic = 1;
	return 0;
}

struct sparam {
	uint16_t	 key;
	int		 generic;
	int		 hasv;
	const char	*v;	/* escapes still in */
	size_t		 vlen;
};

/* key, key=value or key="value" */
static int
tin_sparam(struct tin *t, struct sparam *sp)
{
	const char	*p;
	size_t		 start, klen;

	tin_sp(t);
	start = t->pos;
	while (t->pos < t->len && !is_sp(t->s[t->pos]) &&
	    t->s[t->pos] != '=')
		t->pos++;
	p = t->s + start;
	klen = t->pos - start;
	if (svcb_key(p, klen, &sp->key, &sp->generic) == -1)
		return -1;
	sp->hasv = 0;
	sp->v = NULL;
	sp->vlen = 0;
	if (t->pos >= t->len || t->s[t->pos] != '=')
		return 0;
	t->pos++;
	sp->hasv = 1;
	if (t->pos < t->len && t->s[t->pos] == '"')
		return tin_quoted(t, &sp->v, &sp->vlen);
	start = t->pos;
	while (t->pos < t->len && !is_sp(t->s[t->pos])) {
		if (t->s[t->pos] == '"')
			return -1;
		t->pos += t->s[t->pos] == '\\' ? 2 : 1;
	}
	if (t->pos > t->len)
		return -1;
	sp->v = t->s + start;
	sp->vlen = t->pos - start;
	return 0;
}

/*
 * Write the wire value of one SvcParam from its text: the character-
 * string is decoded first, then read per key (comma lists, numbers,
 * base64).
 */
static int
svcb_value(struct wire *w, const struct sparam *sp)
{
	uint8_t		 dec[SVCB_VALUE_MAX], item[256], addr[16];
	uint8_t		 raw[BASE64_DECMAX(SVCB_VALUE_MAX)];
	uint16_t	 keys[SVCB_PARAMS_MAX], k;
	size_t		 n = 0, i, s, il;
	uint32_t	 v;
	int		 nk = 0, g, j;

	if (sp->hasv && cs_decode(sp->v, sp->vlen, dec, sizeof(dec), &n) == -1)
		return -1;
	if (sp->generic) {
		wire_putbytes(w, dec, n);
		return 0;
	}
	if (sp->key == SVCB_NODEFALPN)
		return sp->hasv ? -1 : 0;
	if (n == 0)
		return -1;
	switch (sp->key) {
	case SVCB_PORT:
		if (parse_num((const char *)dec, n, 65535, &v) == -1)
			return -1;
		wire_put16(w, (uint16_t)v);
		return 0;
	case SVCB_ECH:
		if (base64_decode((const char *)dec, n, raw, sizeof(raw),
		    &il) == -1 || il == 0)
			return -1;
		wire_putbytes(w, raw, il);
		return 0;
	case SVCB_ALPN:
		/* Value list: "\," is a comma and "\\" a backslash. */
		for (i = 0, il = 0; i <= n; i++) {
			if (i == n || dec[i] == ',') {
				if (il == 0)
					return -1;
				wire_put8(w, (uint8_t)il);
				wire_putbytes(w, item, il);
				il = 0;
				continue;
			}
			if (dec[i] == '\\') {
				if (++i == n || (dec[i] != ',' && dec[i] != '\\'))
					return -1;
			}
			if (il >= 255)
				return -1;
			item[il++] = dec[i];
		}
		return 0;
	default:
		break;
	}
	/* mandatory, ipv4hint, ipv6hint: plain comma lists. */
	for (i = 0, s = 0; i <= n; i++) {
		if (i < n && dec[i] != ',')
			continue;
		if (i == s)
			return -1;
		switch (sp->key) {
		case SVCB_MANDATORY:
			if (svcb_key((const char *)dec + s, i - s, &k, &g) == -1 ||
			    k == SVCB_MANDATORY || nk >= SVCB_PARAMS_MAX)
				return -1;
			for (j = nk; j > 0 && keys[j - 1] > k; j--)
				keys[j] = keys[j - 1];
			keys[j] = k;
			nk++;
			break;
		case SVCB_IPV4HINT:
			if (tin_addr((const char *)dec + s, i - s, AF_INET,
			    addr) == -1)
				return -1;
			wire_putbytes(w, addr, 4);
			break;
		case SVCB_IPV6HINT:
			if (tin_addr((const char *)dec + s, i - s, AF_INET6,
			    addr) == -1)
				return -1;
			wire_putbytes(w, addr, 16);
			break;
		}
		s = i + 1;
	}
	for (j = 0; j < nk; j++) {
		if (j > 0 && keys[j] == keys[j - 1])
			return -1;
		wire_put16(w, keys[j]);
	}
	return 0;
}

static int
tin_svcb(struct tin *t, struct wire *w)
{
	struct sparam	 sp[SVCB_PARAMS_MAX], tmp;
	size_t		 at;
	int		 n = 0, i, j;

	while (tin_more(t)) {
		if (n >= SVCB_PARAMS_MAX || tin_sparam(t, &tmp) == -1)
			return -1;
		for (j = n; j > 0 && sp[j - 1].key > tmp.key; j--)
			sp[j] = sp[j - 1];
		sp[j] = tmp;
		n++;
	}
	for (i = 0; i < n; i++) {
		if (i > 0 && sp[i].key == sp[i - 1].key)
			return -1;
		wire_put16(w, sp[i].key);
		at = wire_mark(w);
		wire_put16(w, 0);
		if (svcb_value(w, &sp[i]) == -1)
			return -1;
		if (wire_ok(w) && wire_mark(w) - at - 2 > 65535)
			return -1;
		wire_set16(w, at, (uint16_t)(wire_mark(w) - at - 2));
	}
	return 0;
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
