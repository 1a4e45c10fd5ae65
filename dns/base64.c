/*
 * base64.c: RFC 4648 base64 encoding and strict decoding.
 */
#include <stddef.h>
#include <stdint.h>

#include "dns/base64.h"

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Value of a base64 digit, -1 for anything else. */
static int
b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
base64_decode(const char *src, size_t srclen, uint8_t *dst, size_t dstsize,
    size_t *dstlen)
{
	uint32_t	 acc = 0;
	size_t		 i, out = 0;
	int		 n = 0, pad = 0, v;
	unsigned char	 c;

	/*
	 * Invariant: n digits (0..3) of the current group are in acc; once
	 * pad > 0 only further "=" and whitespace are legal.
	 */
	for (i = 0; i < srclen; i++) {
		c = (unsigned char)src[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			/* "=" only in the 3rd or 4th place of a group. */
			if (n + pad < 2 || n + pad > 3)
				return -1;
			pad++;
			if (n + pad == 4) {
				if (pad == 2) {
					if (acc & 0xf)
						return -1;
					if (out + 1 > dstsize)
						return -1;
					dst[out++] = (uint8_t)(acc >> 4);
				} else {
					if (acc & 0x3)
						return -1;
					if (out + 2 > dstsize)
						return -1;
					dst[out++] = (uint8_t)(acc >> 10);
					dst[out++] = (uint8_t)(acc >> 2);
				}
				n = 4;	/* group closed by padding */
			}
			continue;
		}
		if (pad > 0 || n == 4)
			return -1;	/* data after padding */
		if ((v = b64val(c)) < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		if (++n == 4) {
			if (out + 3 > dstsize)
				return -1;
			dst[out++] = (uint8_t)(acc >> 16);
			dst[out++] = (uint8_t)(acc >> 8);
			dst[out++] = (uint8_t)acc;
			acc = 0;
			n = 0;
		}
	}
	/* Either every group is complete or padding closed the last one. */
	if (pad == 0 && n != 0)
		return -1;
	if (pad > 0 && n != 4)
		return -1;
	*dstlen = out;
	return 0;
}

int
base64_encode(const uint8_t *src, size_t srclen, char *dst, size_t dstsize)
{
	size_t		 i, o = 0;
	uint32_t	 v;

	if (srclen > SIZE_MAX / 2 ||
	    dstsize < BASE64_ENCLEN(srclen) + 1)
		return -1;
	for (i = 0; i + 3 <= srclen; i += 3) {
		v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8 |
		    src[i + 2];
		dst[o++] = b64chars[v >> 18];
		dst[o++] = b64chars[(v >> 12) & 0x3f];
		dst[o++] = b64chars[(v >> 6) & 0x3f];
		dst[o++] = b64chars[v & 0x3f];
	}
	if (srclen - i == 1) {
		v = (uint32_t)src[i] << 16;
		dst[o++] = b64chars[v >> 18];
		dst[o++] = b64chars[(v >> 12) & 0x3f];
		dst[o++] = '=';
		dst[o++] = '=';
	} else if (srclen - i == 2) {
		v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8;
		dst[o++] = b64chars[v >> 18];
		dst[o++] = b64chars[(v >> 12) & 0x3f];
		dst[o++] = b64chars[(v >> 6) & 0x3f];
		dst[o++] = '=';
	}
	dst[o] = '\0';
	return (int)o;
}
