/*
 * base64.h: RFC 4648 section 4 base64, bounded, into caller buffers.
 *
 * Nothing here allocates.  Both functions are pure.
 */
#ifndef R53D_BASE64_H
#define R53D_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Characters base64_encode() writes for n bytes, not counting the NUL. */
#define BASE64_ENCLEN(n)	(((n) + 2) / 3 * 4)
/* Upper bound of the bytes base64_decode() yields from n characters. */
#define BASE64_DECMAX(n)	((n) / 4 * 3)

/*
 * Decode srclen characters of src into dst, which holds dstsize bytes.
 * Whitespace (space, tab, CR, LF) anywhere is ignored.  Padding is strict:
 * the other characters must come in groups of four, "=" may only end the
 * last group (one or two of them), and the bits the padding discards must
 * be zero.  Empty input decodes to zero bytes.
 * Returns 0 and sets *dstlen, or -1 on malformed input or when dst is too
 * small (dst contents are then unspecified).
 */
int	base64_decode(const char *src, size_t srclen, uint8_t *dst,
	    size_t dstsize, size_t *dstlen);

/*
 * Encode srclen bytes of src as padded base64 into dst, which holds
 * dstsize bytes, and NUL-terminate it; dstsize must be at least
 * BASE64_ENCLEN(srclen) + 1.  Returns the length written without the NUL,
 * or -1 (dst untouched) when it does not fit.
 */
int	base64_encode(const uint8_t *src, size_t srclen, char *dst,
	    size_t dstsize);

#endif
