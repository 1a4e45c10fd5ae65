/*
 * Unit tests for dns/name.c: the DNS and Route 53 text forms, limits,
 * comparisons and the RFC 4034 canonical order.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"

static void
from_dns(const char *s, uint8_t *n)
{
	size_t	len;

	cr_assert_eq(name_from_text(s, n, &len), 0, "parse %s", s);
	cr_assert_eq(name_len(n, DNS_NAME_MAX), len);
}

Test(name, dns_text_round_trip)
{
	static const char *const ok[] = {
		".", "example.", "www.example.com.", "a\\.b.example.",
		"\\000\\255\\032.x.", "\\\\\\\".q.", "\\(\\)\\;\\@\\$.x.",
	};
	uint8_t	 n[DNS_NAME_MAX];
	char	 t[DNS_NAME_TEXTMAX];
	size_t	 i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		from_dns(ok[i], n);
		cr_assert_eq(name_to_text(n, t, sizeof(t)), 0);
		cr_assert_str_eq(t, ok[i]);
	}
	from_dns("a\\.b.example", n);
	cr_assert_eq(n[0], 3, "escaped dot stays inside the label");
	cr_assert_eq(n[2], '.');
	from_dns("\\065bc", n);		/* decimal */
	cr_assert_arr_eq(n, "\3Abc", 5);
	from_dns("", n);
	cr_assert_eq(n[0], 0);
	from_dns("Mixed.Case", n);
	cr_assert_eq(name_to_text(n, t, sizeof(t)), 0);
	cr_assert_str_eq(t, "Mixed.Case.", "DNS text keeps case");
}

Test(name, route53_text)
{
	uint8_t	 n[DNS_NAME_MAX];
	char	 t[DNS_NAME_TEXTMAX];
	size_t	 len;

	/* Octal escapes; literal and escaped forms mean the same. */
	cr_assert_eq(name_from_r53("\\052.example.com", n, &len), 0);
	cr_assert_arr_eq(n, "\1*\7example\3com", 14);
	cr_assert_eq(name_from_r53("*.Example.COM.", n, &len), 0);
	cr_assert_arr_eq(n, "\1*\7example\3com", 14, "lowercased");
	cr_assert_eq(name_to_r53(n, t, sizeof(t)), 0);
	cr_assert_str_eq(t, "\\052.example.com.");
	/* \101 is octal 65 'A', lowercased; \056 is a dot in a label. */
	cr_assert_eq(name_from_r53("\\101b\\056c.x", n, &len), 0);
	cr_assert_arr_eq(n, "\4ab.c\1x", 8);
	cr_assert_eq(name_to_r53(n, t, sizeof(t)), 0);
	cr_assert_str_eq(t, "ab\\056c.x.");
	/* Octal digits only: \8 and \9 are not escapes in this form. */
	cr_assert_eq(name_from_r53("a\\089", n, &len), -1);
	cr_assert_eq(name_from_r53("a\\400", n, &len), -1);
	/* _ and - stay literal; space and high bytes escape. */
	cr_assert_eq(name_from_r53("_a-b\\040\\377", n, &len), 0);
	cr_assert_eq(name_to_r53(n, t, sizeof(t)), 0);
	cr_assert_str_eq(t, "_a-b\\040\\377.");

	/* The case-keeping forms used inside RDATA. */
	cr_assert_eq(name_from_r53n_case("Mail.Example\\056X", 17, n, &len),
	    0);
	cr_assert_arr_eq(n, "\4Mail\11Example.X", 16);
	cr_assert_eq(name_to_r53_case(n, t, sizeof(t)), 0);
	cr_assert_str_eq(t, "Mail.Example\\056X.");
}

Test(name, bad_text_rejected)
{
	static const char *const bad[] = {
		"a..b", ".a", "..", "a\\", "a\\25", "a\\256",
	};
	uint8_t	 n[DNS_NAME_MAX];
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(name_from_text(bad[i], n, NULL), -1, "%s", bad[i]);
}

Test(name, label_and_name_limits)
{
	char	 s[600];
	uint8_t	 n[DNS_NAME_MAX];
	char	 t[DNS_NAME_TEXTMAX];
	size_t	 len;
	int	 i;

	memset(s, 'a', 63);
	strcpy(s + 63, ".x");
	cr_assert_eq(name_from_text(s, n, &len), 0, "63-byte label");
	memset(s, 'a', 64);
	strcpy(s + 64, ".x");
	cr_assert_eq(name_from_text(s, n, &len), -1, "64-byte label");

	/* 3 x 63 + 61: 255 bytes on the wire, the maximum. */
	s[0] = '\0';
	for (i = 0; i < 3; i++) {
		memset(s + strlen(s), 'b', 63);
		s[64 * i + 63] = '.';
		s[64 * i + 64] = '\0';
	}
	memset(s + strlen(s), 'c', 61);
	s[3 * 64 + 61] = '\0';
	cr_assert_eq(name_from_text(s, n, &len), 0);
	cr_assert_eq(len, 255);
	cr_assert_eq(name_len(n, sizeof(n)), 255);
	/* With the trailing dot it is the same name. */
	strcat(s, ".");
	cr_assert_eq(name_from_text(s, n, &len), 0);
	cr_assert_eq(len, 255);
	/* One more byte is too long, in either form. */
	s[strlen(s) - 1] = 'c';
	cr_assert_eq(name_from_text(s, n, &len), -1);
	cr_assert_eq(name_from_r53(s, n, &len), -1);
	/* Escapes count as one byte each. */
	cr_assert_eq(name_from_r53("\\141\\142", n, &len), 0);
	cr_assert_eq(len, 4);

	/* Output that does not fit is refused, not cut. */
	cr_assert_eq(name_from_text("abc.def", n, &len), 0);
	cr_assert_eq(name_to_text(n, t, 8), -1);
	cr_assert_eq(name_to_text(n, t, 9), 0);
	cr_assert_str_eq(t, "abc.def.");

	/* name_len() refuses pointers, overlong and unterminated names. */
	cr_assert_eq(name_len((const uint8_t *)"\1a\300\0", 4), 0);
	cr_assert_eq(name_len((const uint8_t *)"\1a\1b", 4), 0);
}

Test(name, compare_and_relations)
{
	uint8_t	 a[DNS_NAME_MAX], b[DNS_NAME_MAX], c[DNS_NAME_MAX];

	from_dns("WWW.Example.", a);
	from_dns("www.example.", b);
	from_dns("example.", c);
	cr_assert(name_equal(a, b));
	cr_assert_eq(name_cmp(a, b), 0);
	cr_assert(name_is_sub(a, c));
	cr_assert(name_is_sub(c, c));
	cr_assert(!name_is_sub(c, a));
	cr_assert_eq(name_labels(a), 2);
	cr_assert_eq(name_suffix(a, 1), a + 4);
	from_dns("*.example.", a);
	cr_assert(name_is_wild(a));
	cr_assert(!name_is_wild(c));
	/* "aexample." is not below "example.". */
	from_dns("aexample.", a);
	cr_assert(!name_is_sub(a, c));
	name_lower(b);
	cr_assert_arr_eq(b, "\3www\7example", 13);
}

/* RFC 4034 section 6.1: the example names in canonical order. */
Test(name, rfc4034_canonical_order)
{
	static const char *const order[] = {
		"example.",
		"a.example.",
		"yljkjljk.a.example.",
		"Z.a.example.",
		"zABC.a.EXAMPLE.",
		"z.example.",
		"\\001.z.example.",
		"*.z.example.",
		"\\200.z.example.",
	};
	uint8_t	 n[9][DNS_NAME_MAX];
	size_t	 i, j;
	int	 c;

	for (i = 0; i < 9; i++)
		from_dns(order[i], n[i]);
	for (i = 0; i < 9; i++) {
		for (j = 0; j < 9; j++) {
			c = name_cmp(n[i], n[j]);
			if (i < j)
				cr_assert_lt(c, 0, "%s < %s", order[i],
				    order[j]);
			else if (i > j)
				cr_assert_gt(c, 0, "%s > %s", order[i],
				    order[j]);
			else
				cr_assert_eq(c, 0);
		}
	}
}

/*
 * The text forms against a byte-at-a-time model of them (escapes by
 * snprintf), over pseudo-random names (fixed seed) and every output
 * size: same result, same bytes written, same text left on failure.
 */
static uint64_t	 rng = 0x2545f4914f6cdd1dULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

static int
mput(char *out, size_t cap, size_t *pos, const char *s, size_t n)
{
	if (*pos + n + 1 > cap)
		return -1;
	memcpy(out + *pos, s, n);
	*pos += n;
	out[*pos] = '\0';
	return 0;
}

/* form: 0 DNS text, 1 Route 53, 2 Route 53 keeping case. */
static int
model_text(const uint8_t *n, char *out, size_t cap, int form)
{
	char	 piece[8];
	size_t	 pos = 0;
	int	 i, plain;
	uint8_t	 c;

	if (cap == 0)
		return -1;
	out[0] = '\0';
	if (n[0] == 0)
		return mput(out, cap, &pos, ".", 1);
	for (; n[0] != 0; n += 1 + n[0]) {
		for (i = 1; i <= n[0]; i++) {
			c = n[i];
			if (form != 0) {
				if (form == 1 && c >= 'A' && c <= 'Z')
					c += 'a' - 'A';
				plain = (c >= 'a' && c <= 'z') ||
				    (c >= '0' && c <= '9') || c == '-' ||
				    c == '_' ||
				    (form == 2 && c >= 'A' && c <= 'Z');
				if (plain)
					snprintf(piece, sizeof(piece), "%c", c);
				else
					snprintf(piece, sizeof(piece),
					    "\\%03o", c);
			} else if (c <= 0x20 || c >= 0x7f)
				snprintf(piece, sizeof(piece), "\\%03u", c);
			else if (strchr(".\\\"();@$", c) != NULL)
				snprintf(piece, sizeof(piece), "\\%c", c);
			else
				snprintf(piece, sizeof(piece), "%c", c);
			if (mput(out, cap, &pos, piece, strlen(piece)) == -1)
				return -1;
		}
		if (mput(out, cap, &pos, ".", 1) == -1)
			return -1;
	}
	return 0;
}

static uint8_t
rnd_byte(void)
{
	static const char	 some[] = "aZm09-_.\\\"();@$ *";

	switch (rnd() % 4) {
	case 0:
		return (uint8_t)rnd();
	case 1:
		return (uint8_t)some[rnd() % (sizeof(some) - 1)];
	default:
		return (uint8_t)(0x21 + rnd() % 94);
	}
}

/* A random well-formed wire name. */
static size_t
rnd_name(uint8_t *n)
{
	size_t	len = 0, l, i;
	int	labels = (int)(rnd() % 9);

	while (labels-- > 0) {
		l = 1 + rnd() % (rnd() % 4 == 0 ? 63 : 12);
		if (len + 1 + l + 1 > DNS_NAME_MAX)
			break;
		n[len++] = (uint8_t)l;
		for (i = 0; i < l; i++)
			n[len++] = rnd_byte();
	}
	n[len++] = 0;
	return len;
}

Test(name, text_forms_as_model)
{
	static int (*const fn[3])(const uint8_t *, char *, size_t) = {
		name_to_text, name_to_r53, name_to_r53_case,
	};
	uint8_t		 n[DNS_NAME_MAX];
	char		 want[DNS_NAME_TEXTMAX + 8], got[DNS_NAME_TEXTMAX + 8];
	size_t		 len, full, cap, i;
	unsigned	 it;
	int		 form, r, w;

	for (it = 0; it < 12000; it++) {
		if (it == 0) {
			n[0] = 0;
		} else if (it < 4) {
			/* Longest names: every byte escaped. */
			for (len = 0; len + 64 <= DNS_NAME_MAX - 1; len += 64) {
				n[len] = 63;
				for (i = 1; i <= 63; i++)
					n[len + i] = it == 1 ? 0xff :
					    it == 2 ? '.' : (uint8_t)rnd();
			}
			n[len] = 0;
			cr_assert_eq(name_len(n, DNS_NAME_MAX), len + 1);
		} else
			rnd_name(n);
		for (form = 0; form < 3; form++) {
			cr_assert_eq(model_text(n, want, sizeof(want), form), 0);
			full = strlen(want);
			cr_assert_leq(full + 1, DNS_NAME_TEXTMAX);
			memset(got, 'x', sizeof(got));
			cr_assert_eq(fn[form](n, got, DNS_NAME_TEXTMAX), 0);
			cr_assert_str_eq(got, want, "form %d", form);
			/* Short outputs: all of them for a few names. */
			for (cap = 0; cap <= full + 2;
			    cap += (it % 100 < 3) ? 1 : 1 + rnd() % 9) {
				memset(want, 'x', sizeof(want));
				memset(got, 'x', sizeof(got));
				w = model_text(n, want, cap, form);
				r = fn[form](n, got, cap);
				cr_assert_eq(r, w, "form %d cap %zu", form, cap);
				cr_assert_eq(memcmp(got, want, sizeof(got)), 0,
				    "form %d cap %zu: %.*s", form, cap,
				    (int)cap, got);
			}
		}
	}
}

/* Label-by-label models of the relations, byte by byte. */
static uint8_t
mlc(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int
m_equal(const uint8_t *a, const uint8_t *b)
{
	int	i;

	for (;;) {
		if (a[0] != b[0])
			return 0;
		if (a[0] == 0)
			return 1;
		for (i = 1; i <= a[0]; i++)
			if (mlc(a[i]) != mlc(b[i]))
				return 0;
		a += 1 + a[0];
		b += 1 + b[0];
	}
}

static int
m_is_sub(const uint8_t *a, const uint8_t *b)
{
	int	la = name_labels(a), lb = name_labels(b);

	if (la < lb)
		return 0;
	while (la-- > lb)
		a += 1 + a[0];
	return m_equal(a, b);
}

/*
 * A random name of short labels over a small alphabet (letters of both
 * cases, digits, and bytes that are near letters or look like length
 * octets), so that equal and related names turn up often.
 */
static size_t
rand_name(uint8_t *n, unsigned *seed)
{
	static const uint8_t	al[] = { 'a', 'A', 'b', 'B', 'z', 'Z', '@',
	    '[', '`', '{', '0', 1, 2, 3, 0xc1, 0xe1 };
	size_t			len = 0;
	int			nl, l, i;

	nl = (int)(rand_r(seed) % 5);
	while (nl-- > 0) {
		l = 1 + (int)(rand_r(seed) % (rand_r(seed) % 4 == 0 ? 20 : 3));
		n[len++] = (uint8_t)l;
		for (i = 0; i < l; i++)
			n[len++] = al[rand_r(seed) % sizeof(al)];
	}
	n[len++] = 0;
	return len;
}

Test(name, relations_as_model)
{
	uint8_t		a[DNS_NAME_MAX], b[DNS_NAME_MAX], c[DNS_NAME_MAX];
	unsigned	seed = 20261125;
	size_t		la, lb, i;
	int		k, same = 0, sub = 0;

	for (k = 0; k < 200000; k++) {
		la = rand_name(a, &seed);
		lb = rand_name(b, &seed);
		if (k % 3 == 0 && la + lb - 1 <= DNS_NAME_MAX) {
			/* b as a suffix of a, in another letter case. */
			memcpy(c, a, la - 1);
			for (i = 0; i < lb; i++)
				c[la - 1 + i] = (uint8_t)(b[i] ^
				    (mlc(b[i]) != b[i] || (b[i] >= 'a' &&
				    b[i] <= 'z') ? 0x20 : 0));
			memcpy(a, c, la - 1 + lb);
		}
		cr_assert_eq(name_equal(a, b), m_equal(a, b), "case %d", k);
		cr_assert_eq(name_equal(b, a), m_equal(b, a), "case %d", k);
		cr_assert_eq(name_is_sub(a, b), m_is_sub(a, b), "case %d", k);
		cr_assert_eq(name_is_sub(b, a), m_is_sub(b, a), "case %d", k);
		same += m_equal(a, b);
		sub += m_is_sub(a, b);
		memcpy(c, a, sizeof(c));
		name_lower(c);
		for (i = 0; i < name_len(a, DNS_NAME_MAX); i++)
			cr_assert_eq(c[i], mlc(a[i]), "case %d byte %zu", k, i);
	}
	/* The generator did reach the interesting cases. */
	cr_assert_gt(same, 1000);
	cr_assert_gt(sub, 20000);
}
