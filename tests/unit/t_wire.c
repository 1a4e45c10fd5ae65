/*
 * Unit tests for dns/wire.c: the bounds-checked cursor, name reading
 * with compression pointers, name writing with compression.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "dns/wire.h"

Test(wire, reads_are_bounded_and_sticky)
{
	static const uint8_t	 buf[] = { 0x12, 0x34, 0x56, 0x78, 0x9a };
	struct wire		 w;
	uint8_t			 out[4] = { 1, 1, 1, 1 };

	wire_rinit(&w, buf, sizeof(buf));
	cr_assert_eq(wire_get16(&w), 0x1234);
	cr_assert_eq(wire_get16(&w), 0x5678);
	cr_assert_eq(wire_left(&w), 1);
	cr_assert_eq(wire_get16(&w), 0, "short read yields 0");
	cr_assert(!wire_ok(&w));
	/* After the error even a 1-byte read that would fit fails. */
	cr_assert_eq(wire_get8(&w), 0);
	cr_assert_eq(wire_left(&w), 0);
	wire_getbytes(&w, out, sizeof(out));
	cr_assert_eq(out[0], 0);
	cr_assert_null(wire_getptr(&w, 1));

	wire_rinit(&w, buf, sizeof(buf));
	cr_assert_eq(wire_get32(&w), 0x12345678u);
	wire_skip(&w, 2);
	cr_assert(!wire_ok(&w));
}

Test(wire, writes_are_bounded_and_sticky)
{
	uint8_t		 buf[6];
	struct wire	 w;

	memset(buf, 0xee, sizeof(buf));
	wire_winit(&w, buf, 5);
	wire_put16(&w, 0xabcd);
	wire_put16(&w, 0x0102);
	wire_put16(&w, 0x0304);		/* one byte short */
	cr_assert(!wire_ok(&w));
	cr_assert_eq(buf[4], 0xee, "nothing written on overrun");
	wire_put8(&w, 7);
	cr_assert_eq(buf[4], 0xee);
	cr_assert_eq(buf[0], 0xab);
	cr_assert_eq(buf[3], 0x02);

	wire_winit(&w, buf, 4);
	wire_put32(&w, 0xdeadbeef);
	cr_assert(wire_ok(&w));
	wire_set16(&w, 1, 0x1122);
	cr_assert_eq(buf[1], 0x11);
	cr_assert_eq(buf[2], 0x22);
	wire_set16(&w, 3, 0x1122);	/* would pass the capacity */
	cr_assert(!wire_ok(&w));
}

Test(wire, reader_cannot_write)
{
	static const uint8_t	 buf[4];
	struct wire		 w;

	wire_rinit(&w, buf, sizeof(buf));
	wire_put8(&w, 1);
	cr_assert(!wire_ok(&w));
}

/* "a.example." at offset 0, then names using pointers to it. */
static const uint8_t msgbuf[] = {
	1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,	/* 0..10 */
	3, 'w', 'w', 'w', 0xc0, 0x00,				/* 11..16 */
	0xc0, 0x02,						/* 17..18 */
	0xc0, 0x0b,						/* 19..20 */
};

Test(wire, backward_pointers_decompress)
{
	struct wire	 w;
	uint8_t		 name[DNS_NAME_MAX];
	size_t		 len;
	static const uint8_t want[] = { 3, 'w', 'w', 'w', 1, 'a', 7, 'e', 'x',
	    'a', 'm', 'p', 'l', 'e', 0 };

	wire_rinit(&w, msgbuf, sizeof(msgbuf));
	cr_assert_eq(wire_getname(&w, name, &len), 11);
	cr_assert_eq(wire_mark(&w), 11);
	cr_assert_eq(wire_getname(&w, name, &len), sizeof(want));
	cr_assert_arr_eq(name, want, sizeof(want));
	cr_assert_eq(wire_mark(&w), 17, "cursor ends after the pointer");
	cr_assert_eq(wire_getname(&w, name, &len), 9);	/* example. */
	cr_assert_eq(name[0], 7);
	/* A pointer to a name that itself ends with a pointer. */
	cr_assert_eq(wire_getname(&w, name, &len), sizeof(want));
	cr_assert_arr_eq(name, want, sizeof(want));
	cr_assert(wire_ok(&w));
	cr_assert_eq(wire_left(&w), 0);
}

Test(wire, forward_and_self_pointers_rejected)
{
	static const uint8_t fwd[] = { 0xc0, 0x02, 1, 'a', 0 };
	static const uint8_t self[] = { 0xc0, 0x00 };
	/* a label then a pointer back to that label: a loop */
	static const uint8_t loop[] = { 1, 'a', 0xc0, 0x00 };
	/* two pointers pointing at each other */
	static const uint8_t pair[] = { 0, 0xc0, 0x03, 0xc0, 0x01 };
	struct wire	 w;
	uint8_t		 name[DNS_NAME_MAX];
	size_t		 len = 99;

	wire_rinit(&w, fwd, sizeof(fwd));
	cr_assert_eq(wire_getname(&w, name, &len), 0);
	cr_assert(!wire_ok(&w));
	cr_assert_eq(len, 0);

	wire_rinit(&w, self, sizeof(self));
	wire_getname(&w, name, &len);
	cr_assert(!wire_ok(&w));

	wire_rinit(&w, loop, sizeof(loop));
	wire_getname(&w, name, &len);
	cr_assert(!wire_ok(&w));

	wire_rinit(&w, pair, sizeof(pair));
	w.pos = 3;
	wire_getname(&w, name, &len);
	cr_assert(!wire_ok(&w));
}

Test(wire, truncated_names_rejected)
{
	static const uint8_t full[] = { 3, 'w', 'w', 'w', 1, 'a', 0, 0xc0,
	    0x00 };
	struct wire	 w;
	uint8_t		 name[DNS_NAME_MAX];
	size_t		 cut;

	for (cut = 0; cut < 7; cut++) {
		wire_rinit(&w, full, cut);
		wire_getname(&w, name, NULL);
		cr_assert(!wire_ok(&w), "cut at %zu", cut);
	}
	/* Half a pointer. */
	wire_rinit(&w, full, 8);
	w.pos = 7;
	wire_getname(&w, name, NULL);
	cr_assert(!wire_ok(&w));
	wire_rinit(&w, full, 9);
	w.pos = 7;
	cr_assert_eq(wire_getname(&w, name, NULL), 7);
}

Test(wire, reserved_label_types_rejected)
{
	static const uint8_t b40[] = { 0x41, 'a', 0 };
	static const uint8_t b80[] = { 0x81, 'a', 0 };
	struct wire	 w;
	uint8_t		 name[DNS_NAME_MAX];

	wire_rinit(&w, b40, sizeof(b40));
	wire_skipname(&w);
	cr_assert(!wire_ok(&w));
	wire_rinit(&w, b80, sizeof(b80));
	wire_getname(&w, name, NULL);
	cr_assert(!wire_ok(&w));
}

/* Build a name of n labels of length l (plus root) into buf. */
static size_t
mkname(uint8_t *buf, int n, int l)
{
	size_t	p = 0;
	int	i;

	for (i = 0; i < n; i++) {
		buf[p++] = (uint8_t)l;
		memset(buf + p, 'x', (size_t)l);
		p += (size_t)l;
	}
	buf[p++] = 0;
	return p;
}

Test(wire, name_length_limits)
{
	uint8_t		 buf[600], name[DNS_NAME_MAX];
	struct wire	 w;
	size_t		 n;

	/* 63-byte labels: 3 of them plus a 61-byte one make 255. */
	n = mkname(buf, 3, 63);
	n--;			/* drop the root, add a 61-byte label */
	buf[n++] = 61;
	memset(buf + n, 'y', 61);
	n += 61;
	buf[n++] = 0;
	cr_assert_eq(n, 255);
	wire_rinit(&w, buf, n);
	cr_assert_eq(wire_getname(&w, name, NULL), 255);
	cr_assert(wire_ok(&w));

	/* One byte more: labels of 63, 63, 63 and 62 make 256. */
	n = mkname(buf, 3, 63) - 1;
	buf[n++] = 62;
	memset(buf + n, 'y', 62);
	n += 62;
	buf[n++] = 0;
	cr_assert_eq(n, 256);
	wire_rinit(&w, buf, n);
	wire_getname(&w, name, NULL);
	cr_assert(!wire_ok(&w), "256-byte name accepted");

	/* A 64-byte label has the 0x40 bit set: rejected. */
	n = mkname(buf, 1, 64);
	wire_rinit(&w, buf, n);
	wire_getname(&w, name, NULL);
	cr_assert(!wire_ok(&w));

	/* 127 hops of pointers through a chain of one-label names work. */
	n = 0;
	buf[n++] = 0;
	while (n < 2 * 127 + 1) {	/* pointers at 1, 3, ..., 253 */
		buf[n] = 0xc0;
		buf[n + 1] = (uint8_t)(n == 1 ? 0 : n - 2);
		n += 2;
	}
	wire_rinit(&w, buf, n);
	w.pos = n - 2;
	wire_getname(&w, name, NULL);
	cr_assert(wire_ok(&w));
	cr_assert_eq(name[0], 0);
	/* ... and one more is too many. */
	buf[n] = 0xc0;
	buf[n + 1] = (uint8_t)(n - 2);
	wire_rinit(&w, buf, n + 2);
	w.pos = n;
	wire_getname(&w, name, NULL);
	cr_assert(!wire_ok(&w), "hop cap not enforced");
}

Test(wire, putname_compresses_and_trims)
{
	uint8_t		 buf[64], name[DNS_NAME_MAX];
	static const uint8_t n1[] = { 3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm',
	    'p', 'l', 'e', 0 };
	static const uint8_t n2[] = { 4, 'm', 'a', 'i', 'l', 7, 'E', 'X', 'A',
	    'M', 'P', 'L', 'E', 0 };
	struct wire	 w, r;
	struct wire_ctab ct;
	size_t		 mark;

	memset(&ct, 0, sizeof(ct));
	wire_winit(&w, buf, sizeof(buf));
	wire_putname(&w, n1, &ct);
	cr_assert_eq(wire_mark(&w), sizeof(n1));
	mark = wire_mark(&w);
	wire_putname(&w, n2, &ct);
	/* "mail" + pointer to "example" (case-insensitive match). */
	cr_assert_eq(wire_mark(&w) - mark, 5 + 2);
	cr_assert_eq(buf[mark + 5], 0xc0);
	cr_assert_eq(buf[mark + 6], 4);
	wire_putname(&w, n1, &ct);	/* whole name: one pointer */
	cr_assert_eq(wire_mark(&w) - mark, 5 + 2 + 2);

	wire_rinit(&r, buf, wire_mark(&w));
	r.pos = mark;
	wire_getname(&r, name, NULL);
	/* Suffixes match case-insensitively: the first spelling wins. */
	cr_assert_arr_eq(name, "\4mail\7example", 14);
	wire_getname(&r, name, NULL);
	cr_assert_arr_eq(name, n1, sizeof(n1));

	/* Seeking back forgets what was written after the mark. */
	wire_ctab_trim(&ct, mark);
	wire_seek(&w, mark);
	cr_assert_eq(ct.n, 2);	/* www.example, example */
	wire_putname(&w, n2, NULL);
	cr_assert_eq(wire_mark(&w) - mark, sizeof(n2), "NULL: uncompressed");
}
