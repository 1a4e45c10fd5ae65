/*
 * dns/serial.c: RFC 1982 serial number arithmetic.
 */
#include "dns/serial.h"

int
serial_cmp(uint32_t a, uint32_t b)
{
	uint32_t	d = a - b;

	if (d == 0)
		return SERIAL_EQ;
	if (d == 0x80000000U)
		return SERIAL_UNDEF;
	return d < 0x80000000U ? SERIAL_GT : SERIAL_LT;
}

int
serial_gt(uint32_t a, uint32_t b)
{
	return serial_cmp(a, b) == SERIAL_GT;
}
