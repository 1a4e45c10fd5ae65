/*
 * dns/name.c: wire-form domain names and their two text forms.
 */
#include <string.h>

#include "dns/name.h"

static uint8_t
lc(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/*
 * Lowercase eight bytes at once: a byte gets 0x20 added iff it is in
 * 'A'..'Z'.  Adding 0x3f (0x25) to the low seven bits sets a byte's top
 * bit iff it is >= 'A' (> 'Z'), without carrying into the next byte.
 */
static uint64_t
lc8(uint64_t w)
{
	const uint64_t	hi = 0x8080808080808080ULL;
	uint64_t	x = w & ~hi, ge_a, gt_z;

	ge_a = x + 0x3f3f3f3f3f3f3f3fULL;
	gt_z = x + 0x2525252525252525ULL;
	return w | ((ge_a & ~gt_z & ~w & hi) >> 2);
}

/* Wire length of a name already known to be well formed. */
static size_t
wlen(const uint8_t *n)
{
	size_t	len = 0;

	while (n[len] != 0)
		len += (size_t)n[len] + 1;
	return len + 1;
}

/*
 * Case-insensitive comparison of n bytes of two wire names.  Length
 * octets (0..63) are never letters, so comparing whole names byte for
 * byte compares their label structure too.
 */
static int
ci_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t	wa, wb;

	for (; n >= 8; a += 8, b += 8, n -= 8) {
		memcpy(&wa, a, sizeof(wa));
		memcpy(&wb, b, sizeof(wb));
		if (wa != wb && lc8(wa) != lc8(wb))
			return 0;
	}
	for (; n > 0; a++, b++, n--)
		if (*a != *b && lc(*a) != lc(*b))
			return 0;
	return 1;
}

size_t
name_len(const uint8_t *n, size_t max)
{
	size_t	len = 0;

	for (;;) {
		if (len >= max || (n[len] & 0xc0))
			return 0;
		if (n[len] == 0)
			break;
		len += 1 + (size_t)n[len];
		if (len >= DNS_NAME_MAX)
			return 0;
	}
	return len + 1;
}

int
name_labels(const uint8_t *n)
{
	int	k = 0;

	while (*n != 0) {
		k++;
		n += 1 + *n;
	}
	return k;
}

/*
 * Shared text parser.  octal selects Route 53's "\ooo" escapes instead of
 * RFC 1035's "\DDD"; both forms accept "\X" for any other character X.
 */
static int
from_text(const char *s, size_t slen, uint8_t *out, size_t *lenp, int octal)
{
	size_t	 i = 0, len = 0, lab = 0;
	unsigned v;
	int	 base = octal ? 8 : 10, d, k;
	uint8_t	 c;

	if (slen == 0 || (slen == 1 && s[0] == '.')) {
		out[0] = 0;
		if (lenp != NULL)
			*lenp = 1;
		return 0;
	}
	out[0] = 0;		/* length of the first label, filled in later */
	len = 1;
	while (i < slen) {
		c = (uint8_t)s[i++];
		if (c == '.') {
			if (out[lab] == 0)	/* empty label */
				return -1;
			if (i == slen)
				break;
			lab = len;
			if (len >= DNS_NAME_MAX)
				return -1;
			out[len++] = 0;
			continue;
		}
		if (c == '\\') {
			if (i >= slen)
				return -1;
			if (s[i] >= '0' && s[i] <= '9') {
				v = 0;
				for (k = 0; k < 3; k++) {
					if (i >= slen)
						return -1;
					d = s[i] - '0';
					if (d < 0 || d >= base)
						return -1;
					v = v * base + d;
					i++;
				}
				if (v > 255)
					return -1;
				c = (uint8_t)v;
			} else
				c = (uint8_t)s[i++];
		}
		if (out[lab] >= DNS_LABEL_MAX || len >= DNS_NAME_MAX - 1)
			return -1;
		out[len++] = c;
		out[lab]++;
	}
	if (out[lab] == 0)
		return -1;
	out[len++] = 0;
	if (len > DNS_NAME_MAX)
		return -1;
	if (lenp != NULL)
		*lenp = len;
	return 0;
}

int
name_from_textn(const char *s, size_t slen, uint8_t *out, size_t *lenp)
{
	return from_text(s, slen, out, lenp, 0);
}

int
name_from_text(const char *s, uint8_t *out, size_t *lenp)
{
	return from_text(s, strlen(s), out, lenp, 0);
}

int
name_from_r53n(const char *s, size_t slen, uint8_t *out, size_t *lenp)
{
	if (from_text(s, slen, out, lenp, 1) == -1)
		return -1;
	name_lower(out);
	return 0;
}

int
name_from_r53n_case(const char *s, size_t slen, uint8_t *out, size_t *lenp)
{
	return from_text(s, slen, out, lenp, 1);
}

int
name_from_r53(const char *s, uint8_t *out, size_t *lenp)
{
	return name_from_r53n(s, strlen(s), out, lenp);
}

/* Bytes of a label Route 53 writes literally (after lowercasing). */
static int
r53_plain(uint8_t c, int keepcase)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_' || (keepcase && c >= 'A' && c <= 'Z');
}

/* Printable bytes RFC 1035 text writes as "\X". */
static int
dns_special(uint8_t c)
{
	switch (c) {
	case '.':
	case '\\':
	case '"':
	case '(':
	case ')':
	case ';':
	case '@':
	case '$':
		return 1;
	default:
		return 0;
	}
}

/*
 * The text of label bytes p[0..len) into o, which has room for 4 * len
 * bytes; returns the end.  r53: 0 DNS text, 1 Route 53 lowercased,
 * 2 Route 53 keeping case.  Each byte becomes one piece: itself, "\X"
 * (DNS text only) or a backslash and three digits.
 */
static char *
label_text(char *o, const uint8_t *p, size_t len, int r53)
{
	const uint8_t	*end = p + len;
	uint8_t		 c;

	if (r53 == 0) {
		for (; p < end; p++) {
			c = *p;
			if (c > 0x20 && c < 0x7f) {
				if (dns_special(c))
					*o++ = '\\';
				*o++ = (char)c;
				continue;
			}
			o[0] = '\\';
			o[1] = (char)('0' + c / 100);
			o[2] = (char)('0' + (c / 10) % 10);
			o[3] = (char)('0' + c % 10);
			o += 4;
		}
		return o;
	}
	for (; p < end; p++) {
		c = *p;
		if (r53 == 1)
			c = lc(c);
		if (r53_plain(c, r53 == 2)) {
			*o++ = (char)c;
			continue;
		}
		o[0] = '\\';
		o[1] = (char)('0' + (c >> 6));
		o[2] = (char)('0' + ((c >> 3) & 7));
		o[3] = (char)('0' + (c & 7));
		o += 4;
	}
	return o;
}

/*
 * Each label is written straight into out when its worst case fits.
 * Otherwise it goes through a scratch buffer and is copied a piece at a
 * time (a piece is one character, or a backslash and the one character
 * or three digits after it): output stops before the first piece that
 * does not fit with a NUL, leaving the text so far NUL-terminated.
 */
static int
to_text(const uint8_t *n, char *out, size_t cap, int r53)
{
	char	 lab[4 * 255], *e;	/* a length octet's worst case */
	size_t	 pos = 0, len, i, k;

	if (cap == 0)
		return -1;
	out[0] = '\0';
	if (n[0] == 0) {
		if (cap < 2)
			return -1;
		out[0] = '.';
		out[1] = '\0';
		return 0;
	}
	for (; n[0] != 0; n += 1 + n[0]) {
		len = n[0];
		if (cap - pos > 4 * len + 1) {
			e = label_text(out + pos, n + 1, len, r53);
			pos = (size_t)(e - out);
			out[pos++] = '.';
			continue;
		}
		e = label_text(lab, n + 1, len, r53);
		for (i = 0; lab + i < e; i += k) {
			k = 1;
			if (lab[i] == '\\')
				k = (lab[i + 1] >= '0' && lab[i + 1] <= '9') ? 4 : 2;
			if (cap - pos <= k) {
				out[pos] = '\0';
				return -1;
			}
			memcpy(out + pos, lab + i, k);
			pos += k;
		}
		if (cap - pos <= 1) {
			out[pos] = '\0';
			return -1;
		}
		out[pos++] = '.';
	}
	out[pos] = '\0';
	return 0;
}

int
name_to_text(const uint8_t *n, char *out, size_t cap)
{
	return to_text(n, out, cap, 0);
}

int
name_to_r53(const uint8_t *n, char *out, size_t cap)
{
	return to_text(n, out, cap, 1);
}

int
name_to_r53_case(const uint8_t *n, char *out, size_t cap)
{
	return to_text(n, out, cap, 2);
}

void
name_lower(uint8_t *n)
{
	uint64_t	w;
	size_t		len = wlen(n);

	/* Length octets are never letters: lowercase the whole name. */
	for (; len >= 8; n += 8, len -= 8) {
		memcpy(&w, n, sizeof(w));
		w = lc8(w);
		memcpy(n, &w, sizeof(w));
	}
	for (; len > 0; n++, len--)
		*n = lc(*n);
}

int
name_equal(const uint8_t *a, const uint8_t *b)
{
	size_t	la = wlen(a);

	return la == wlen(b) && ci_equal(a, b, la);
}

/* Collect label offsets; returns the label count. */
static int
label_offsets(const uint8_t *n, const uint8_t **lab)
{
	int	k = 0;

	while (n[0] != 0 && k < DNS_NAME_MAX / 2) {
		lab[k++] = n;
		n += 1 + n[0];
	}
	return k;
}

int
name_cmp(const uint8_t *a, const uint8_t *b)
{
	const uint8_t	*la[DNS_NAME_MAX / 2], *lb[DNS_NAME_MAX / 2];
	const uint8_t	*p, *q, *ea, *eb;
	int		 na, nb, i, j, k, m;
	uint8_t		 ca, cb;

	if (a == b)
		return 0;
	na = label_offsets(a, la);
	nb = label_offsets(b, lb);
	i = na - 1;
	j = nb - 1;
	/*
	 * Names in a zone mostly differ in their first label only: when all
	 * labels of the shorter one but its first are byte for byte those
	 * of the other, one memcmp skips them (equal bytes from a label
	 * boundary to the end are equal labels).  This runs in every
	 * lookup's binary search.
	 */
	m = na < nb ? na : nb;
	if (m >= 2) {
		p = la[na - m + 1];
		q = lb[nb - m + 1];
		ea = la[na - 1] + 1 + la[na - 1][0];
		eb = lb[nb - 1] + 1 + lb[nb - 1][0];
		if (ea - p == eb - q && memcmp(p, q, (size_t)(ea - p)) == 0) {
			i = na - m;
			j = nb - m;
		}
	}
	for (; i >= 0 && j >= 0; i--, j--) {
		/* Fold case only where the bytes differ. */
		p = la[i];
		q = lb[j];
		m = p[0] < q[0] ? p[0] : q[0];
		for (k = 1; k <= m; k++) {
			if (p[k] == q[k])
				continue;
			ca = lc(p[k]);
			cb = lc(q[k]);
			if (ca != cb)
				return ca < cb ? -1 : 1;
		}
		if (p[0] != q[0])
			return p[0] < q[0] ? -1 : 1;
	}
	if (na == nb)
		return 0;
	return na < nb ? -1 : 1;
}

const uint8_t *
name_suffix(const uint8_t *n, int labels)
{
	int	skip = name_labels(n) - labels;

	while (skip-- > 0)
		n += 1 + n[0];
	return n;
}

int
name_is_sub(const uint8_t *a, const uint8_t *b)
{
	size_t	la = wlen(a), lb = wlen(b);

	/* Skip a's labels until what is left is as long as b. */
	while (la > lb) {
		la -= (size_t)a[0] + 1;
		a += a[0] + 1;
	}
	return la == lb && ci_equal(a, b, lb);
}

int
name_is_wild(const uint8_t *n)
{
	return n[0] == 1 && n[1] == '*';
}

size_t
name_key(const uint8_t *n, uint64_t *w, uint32_t *hash)
{
	uint64_t	h = 0x243f6a8885a308d3ULL, x;
	uint8_t		*b = (uint8_t *)w;
	size_t		len = 0, nw, i;

	while (n[len] != 0) {
		len += (size_t)n[len] + 1;
		if (len >= DNS_NAME_MAX)
			return 0;
	}
	len++;
	nw = (len + 7) / 8;
	/* The tail word first, byte by byte, zero-padded. */
	w[nw - 1] = 0;
	for (i = (nw - 1) * 8; i < len; i++)
		b[i] = n[i];
	for (i = 0; i < nw; i++) {
		if (i < nw - 1)
			memcpy(&x, n + 8 * i, sizeof(x));
		else
			x = w[i];
		x = lc8(x);
		w[i] = x;
		h = (h ^ x) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	/* Final mix (MurmurHash3's fmix64): every bit reaches the low ones. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	*hash = (uint32_t)h;
	return len;
}
