/*
 * util.c: hex, hashing, wiping and UTF-8 helpers for aws/.
 */
/* Debian's BearSSL headers test an undefined macro under -Wundef. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wundef"
#include <bearssl.h>
#pragma GCC diagnostic pop
#include <string.h>
#include <time.h>

#include "aws/util.h"
#include "sha256.h"

void
util_hex(char *dst, const void *src, size_t n)
{
	static const char	 digits[] = "0123456789abcdef";
	const unsigned char	*s = src;
	size_t			 i;

	for (i = 0; i < n; i++) {
		dst[2 * i] = digits[s[i] >> 4];
		dst[2 * i + 1] = digits[s[i] & 0x0f];
	}
	dst[2 * n] = '\0';
}

void
util_sha256_hex(char *dst, const void *data, size_t len)
{
	struct sha256_ctx	ctx;
	uint8_t			md[UTIL_SHA256_LEN];

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_out(&ctx, md);
	util_hex(dst, md, sizeof(md));
}

void
util_hmac_sha256(uint8_t out[UTIL_SHA256_LEN], const void *key, size_t keylen,
    const void *msg, size_t msglen)
{
	br_hmac_key_context	kc;
	br_hmac_context		hc;

	br_hmac_key_init(&kc, &sha256_vtable, key, keylen);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, msglen);
	br_hmac_out(&hc, out);
	util_wipe(&kc, sizeof(kc));
	util_wipe(&hc, sizeof(hc));
}

/*
 * memset called through a volatile pointer: the compiler cannot prove
 * the stores dead and drop them, and the wipe runs at memset's speed.
 */
static void *(*const volatile wipe_memset)(void *, int, size_t) = memset;

void
util_wipe(void *p, size_t n)
{
	(void)wipe_memset(p, 0, n);
}

int
util_ctcmp(const void *a, const void *b, size_t n)
{
	const unsigned char	*x = a, *y = b;
	unsigned char		 d = 0;
	size_t			 i;

	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d != 0;
}

size_t
util_utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t	c, min;
	size_t		len, i;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		if (cp != NULL)
			*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	if (cp != NULL)
		*cp = c;
	return len;
}

size_t
util_utf8_put(unsigned char out[4], uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | (cp >> 18));
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

uint64_t
util_mono_ms(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
