/*
 * fmt.c: number formatting without stdio (fmt.h).
 */
#include "dns/fmt.h"

char *
fmt_u64(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return end;
}
