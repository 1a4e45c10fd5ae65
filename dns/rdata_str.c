/*
 * dns/rdata_str.c: the text primitives of RDATA <-> Route 53 text: a
 * bounded writer (struct tb) with Route 53's or the master file's
 * character-string escapes, names, hex and addresses, and a reader
 * (struct tin) of fields, numbers, quoted strings and their escapes,
 * names, hex and addresses.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rdata_impl.h"
#include "dns/wire.h"
#include "dns/fmt.h"

void
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

void
tb_str(struct tb *t, const char *p)
{
	tb_put(t, p, strlen(p));
}

void
tb_c(struct tb *t, char c)
{
	if (t->err || t->cap - t->len <= 1) {
		t->err = 1;
		return;
	}
	t->s[t->len++] = c;
	t->s[t->len] = '\0';
}

void
tb_u(struct tb *t, unsigned long v)
{
	char	 buf[24], *p;

	p = fmt_u64(buf + sizeof(buf), v);
	tb_put(t, p, (size_t)(buf + sizeof(buf) - p));
}

/*
 * One byte of a character-string: \" and \\, and three digits (octal
 * for Route 53, decimal in a master file) for 000-037 and 177-377, and
 * for space too unless quoted.  Unquoted in a master file, ; ( and )
 * would end the field or open a comment or group: they are \X too.
 */
void
tb_esc(struct tb *t, uint8_t c, int quoted)
{
	char	buf[4];

	if (c == '"' || c == '\\' || (t->mf && !quoted &&
	    (c == ';' || c == '(' || c == ')'))) {
		buf[0] = '\\';
		buf[1] = (char)c;
		tb_put(t, buf, 2);
	} else if (c < 0x20 || c >= 0x7f || (c == ' ' && !quoted)) {
		buf[0] = '\\';
		if (t->mf) {
			buf[1] = (char)('0' + c / 100);
			buf[2] = (char)('0' + (c / 10) % 10);
			buf[3] = (char)('0' + c % 10);
		} else {
			buf[1] = (char)('0' + (c >> 6));
			buf[2] = (char)('0' + ((c >> 3) & 7));
			buf[3] = (char)('0' + (c & 7));
		}
		tb_put(t, buf, 4);
	} else
		tb_c(t, (char)c);
}

/*
 * Bytes tb_esc(, 1) writes as they are, one bit each: 0x20-0x7e but
 * '"' (0x22) and '\\' (0x5c).
 */
static const uint32_t	qs_plain_bits[8] = {
	0, 0xfffffffbU, 0xefffffffU, 0x7fffffffU, 0, 0, 0, 0
};

static int
qs_plain(uint8_t c)
{
	return qs_plain_bits[c >> 5] >> (c & 31) & 1;
}

/*
 * A quoted character-string from len bytes: runs of bytes that need no
 * escape are copied at once.
 */
void
tb_qstr(struct tb *t, const uint8_t *p, size_t len)
{
	size_t	i = 0, j;

	tb_c(t, '"');
	while (i < len) {
		for (j = i; j < len && qs_plain(p[j]); j++)
			;
		if (j > i)
			tb_put(t, (const char *)p + i, j - i);
		if (j < len)
			tb_esc(t, p[j++], 1);
		i = j;
	}
	tb_c(t, '"');
}

/*
 * The name is written in place after the text so far; name_to_r53_case()
 * and name_to_text() fail exactly when it does not fit with the NUL.
 */
void
tb_name(struct tb *t, const uint8_t *n)
{
	int	r;

	if (t->err)
		return;
	if (t->mf)
		r = name_to_text(n, t->s + t->len, t->cap - t->len);
	else
		r = name_to_r53_case(n, t->s + t->len, t->cap - t->len);
	if (r == -1) {
		t->s[t->len] = '\0';
		t->err = 1;
	} else
		t->len += strlen(t->s + t->len);
}

void
tb_hex(struct tb *t, const uint8_t *p, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	char			*o;
	size_t			 i;

	if (t->err || (t->cap - t->len - 1) / 2 < len) {
		t->err = 1;
		return;
	}
	o = t->s + t->len;
	for (i = 0; i < len; i++) {
		*o++ = hex[p[i] >> 4];
		*o++ = hex[p[i] & 15];
	}
	*o = '\0';
	t->len += 2 * len;
}

/* 1-3 decimal digits of v; returns the position after them. */
static char *
dec8(char *o, unsigned v)
{
	if (v >= 100) {
		*o++ = (char)('0' + v / 100);
		v %= 100;
		*o++ = (char)('0' + v / 10);
	} else if (v >= 10)
		*o++ = (char)('0' + v / 10);
	*o++ = (char)('0' + v % 10);
	return o;
}

/* Dotted quad of p[0..4) into o (15 bytes at most); returns the end. */
static char *
fmt_ip4(char *o, const uint8_t *p)
{
	o = dec8(o, p[0]);
	*o++ = '.';
	o = dec8(o, p[1]);
	*o++ = '.';
	o = dec8(o, p[2]);
	*o++ = '.';
	return dec8(o, p[3]);
}

/*
 * p[0..16) into o (45 bytes at most) as glibc's inet_ntop() writes it
 * (RFC 5952 section 4): groups in lowercase hex without leading zeros;
 * the first longest run of two or more zero groups as "::"; and when
 * that run starts the address and is six groups long, or five followed
 * by ffff, the last 32 bits as a dotted quad (::a.b.c.d, ::ffff:a.b.c.d).
 * Returns the end.
 */
static char *
fmt_ip6(char *o, const uint8_t *p)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned		 w[8];
	int			 i, best = -1, blen = 0, cur = -1, clen = 0;

	for (i = 0; i < 8; i++) {
		w[i] = wire_load16(p + 2 * i);
		if (w[i] != 0) {
			cur = -1;
			continue;
		}
		if (cur == -1) {
			cur = i;
			clen = 0;
		}
		if (++clen > blen) {
			best = cur;
			blen = clen;
		}
	}
	if (blen < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (best != -1 && i >= best && i < best + blen) {
			if (i == best)
				*o++ = ':';
			continue;
		}
		if (i != 0)
			*o++ = ':';
		if (i == 6 && best == 0 &&
		    (blen == 6 || (blen == 5 && w[5] == 0xffff)))
			return fmt_ip4(o, p + 12);
		if (w[i] >= 0x1000)
			*o++ = hex[w[i] >> 12];
		if (w[i] >= 0x100)
			*o++ = hex[(w[i] >> 8) & 15];
		if (w[i] >= 0x10)
			*o++ = hex[(w[i] >> 4) & 15];
		*o++ = hex[w[i] & 15];
	}
	if (best != -1 && best + blen == 8)
		*o++ = ':';
	return o;
}

/*
 * An address of family af as text with a NUL into o (ADDR_TEXTMAX
 * bytes); returns its length, 0 for an unknown family.
 */
#define ADDR_TEXTMAX	46
static size_t
addr_to_text(char *o, int af, const uint8_t *p)
{
	char	*e;

	if (af == AF_INET)
		e = fmt_ip4(o, p);
	else if (af == AF_INET6)
		e = fmt_ip6(o, p);
	else
		return 0;
	*e = '\0';
	return (size_t)(e - o);
}

void
tb_addr(struct tb *t, int af, const uint8_t *p)
{
	char	buf[ADDR_TEXTMAX];
	size_t	n;

	if ((n = addr_to_text(buf, af, p)) == 0)
		t->err = 1;
	else
		tb_put(t, buf, n);
}

void
tin_sp(struct tin *t)
{
	while (t->pos < t->len && is_sp(t->s[t->pos]))
		t->pos++;
}

int
tin_more(struct tin *t)
{
	tin_sp(t);
	return t->pos < t->len;
}

/* The next non-empty field. */
int
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
int
tin_decimal(const char *p, size_t n, uint32_t max, uint32_t *v)
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

int
tin_num(struct tin *t, uint32_t max, uint32_t *v)
{
	const char	*p;
	size_t		 n;

	if (tin_token(t, &p, &n) == -1)
		return -1;
	return tin_decimal(p, n, max, v);
}

/*
 * Decode the escapes of a character-string body s[0..n) (no quotes):
 * \ooo octal (exactly three digits, at most 377) and \X for any other X.
 * Output into out (cap bytes).
 */
int
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
int
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
int
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

int
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
int
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

int
tin_addr(const char *p, size_t n, int af, uint8_t *out)
{
	char	buf[INET6_ADDRSTRLEN + 1];

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return inet_pton(af, buf, out) == 1 ? 0 : -1;
}
