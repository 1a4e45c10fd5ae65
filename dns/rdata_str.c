/*
 * dns/rdata_str.c: the text primitives of RDATA <-> Route 53 text: a
 * bounded writer (struct tb) with Route 53's character-string escapes,
 * names, hex and addresses, and a reader (struct tin) of fields, numbers,
 * quoted strings and their escapes, names, hex and addresses.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rdata_impl.h"
#include "dns/wire.h"

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
	tb_put(t, &c, 1);
}

void
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
void
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
void
tb_qstr(struct tb *t, const uint8_t *p, size_t len)
{
	size_t	i;

	tb_c(t, '"');
	for (i = 0; i < len; i++)
		tb_esc(t, p[i], 1);
	tb_c(t, '"');
}

void
tb_name(struct tb *t, const uint8_t *n)
{
	char	buf[DNS_NAME_TEXTMAX];

	if (name_to_r53_case(n, buf, sizeof(buf)) == -1)
		t->err = 1;
	else
		tb_str(t, buf);
}

void
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

void
tb_addr(struct tb *t, int af, const uint8_t *p)
{
	char	buf[INET6_ADDRSTRLEN];

	if (inet_ntop(af, p, buf, sizeof(buf)) == NULL)
		t->err = 1;
	else
		tb_str(t, buf);
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
