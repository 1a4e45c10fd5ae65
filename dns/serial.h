/*
 * dns/serial.h: SOA serial number arithmetic (RFC 1982).
 *
 * Serials live on a circle of 2^32 values.  a is greater than b when it
 * lies less than 2^31 steps ahead of b; two serials exactly 2^31 apart
 * are not ordered at all (RFC 1982 3.2), so neither is greater and
 * serial_cmp() says SERIAL_UNDEF.  The order is not transitive: compare
 * only serials known to be close.  Pure functions.
 */
#ifndef R53D_DNS_SERIAL_H
#define R53D_DNS_SERIAL_H

#include <stdint.h>

#define SERIAL_LT	(-1)
#define SERIAL_EQ	0
#define SERIAL_GT	1
#define SERIAL_UNDEF	2	/* a and b are 2^31 apart */

/* SERIAL_LT, SERIAL_EQ, SERIAL_GT or SERIAL_UNDEF, for a against b. */
int	serial_cmp(uint32_t a, uint32_t b);
/* 1 if a is greater than b, else 0. */
int	serial_gt(uint32_t a, uint32_t b);

#endif
