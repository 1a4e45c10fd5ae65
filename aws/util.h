/*
 * util.h: small helpers shared by the aws/ modules: lower-case hex,
 * SHA-256 and HMAC-SHA-256 through BearSSL, secret wiping, a
 * constant-time comparison, a UTF-8 checker and a monotonic clock.
 *
 * Nothing here allocates or fails except where a return value says so.
 * All buffers belong to the caller.
 */
#ifndef R53D_AWS_UTIL_H
#define R53D_AWS_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define UTIL_SHA256_LEN		32	/* digest bytes */
#define UTIL_SHA256_HEXLEN	64	/* hex characters, without NUL */

/*
 * Write 2 * n lower-case hex digits of src to dst, followed by a NUL.
 * dst must have room for 2 * n + 1 bytes.
 */
void	util_hex(char *dst, const void *src, size_t n);

/* dst receives the 64 hex digits of SHA-256(data) and a NUL (65 bytes). */
void	util_sha256_hex(char *dst, const void *data, size_t len);

/*
 * out receives HMAC-SHA-256(key, msg) (32 bytes).  The BearSSL key
 * context, which holds key material, is wiped before returning.
 */
void	util_hmac_sha256(uint8_t out[UTIL_SHA256_LEN], const void *key,
	    size_t keylen, const void *msg, size_t msglen);

/* Overwrite n bytes at p with zeros in a way the compiler keeps. */
void	util_wipe(void *p, size_t n);

/* 0 when the n bytes at a and b are equal, in time independent of them. */
int	util_ctcmp(const void *a, const void *b, size_t n);

/*
 * Length (1..4) of the well-formed UTF-8 sequence at s (at most n bytes
 * available), or 0 if the bytes there are not one (overlong forms,
 * surrogates and values above U+10FFFF are rejected).  If cp is not NULL
 * it receives the code point.
 */
size_t	util_utf8_len(const unsigned char *s, size_t n, uint32_t *cp);

/* Encode code point cp (at most U+10FFFF) as UTF-8 into out; returns 1..4. */
size_t	util_utf8_put(unsigned char out[4], uint32_t cp);

/*
 * Monotonic milliseconds (CLOCK_MONOTONIC): the clock of the aws/
 * engines when their owner gives them none.
 */
uint64_t util_mono_ms(void);

#endif
