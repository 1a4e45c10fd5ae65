/*
 * t_fmt.c: fmt.c's number formatting against snprintf.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dns/fmt.h"

static void
check(uint64_t v)
{
	char	 buf[FMT_U64_MAX + 2], want[32], *p;

	buf[FMT_U64_MAX] = '\0';
	buf[FMT_U64_MAX + 1] = 'x';
	p = fmt_u64(buf + FMT_U64_MAX, v);
	snprintf(want, sizeof(want), "%" PRIu64, v);
	cr_assert_str_eq(p, want);
	cr_assert_geq(p, buf);
	cr_assert_eq(buf[FMT_U64_MAX + 1], 'x');	/* nothing past end */
}

Test(fmt, u64_as_printf)
{
	uint64_t	v, x = 88172645463325252ULL;
	int		i;

	check(0);
	check(UINT64_MAX);
	for (v = 1; v != 0 && v <= UINT64_MAX / 10; v *= 10) {
		check(v - 1);
		check(v);
		check(v + 1);
	}
	for (i = 0; i < 100000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		check(x >> (i % 64));
	}
}
