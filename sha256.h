/*
 * sha256.h: SHA-256 (FIPS 180-4), with a BearSSL-compatible hash class.
 *
 * The caller allocates every context; nothing here allocates, keeps a
 * pointer to caller data after returning, or touches global state other
 * than the choice of compression function (below).  Contexts hold no
 * pointer but the vtable, so they may be copied to fork a computation.
 *
 * Call order: sha256_init(), then any number of sha256_update(), then
 * sha256_out(); sha256_out() does not change the context, so more data
 * may follow it.  sha256_init() may be called again at any time to start
 * over.  Through sha256_vtable the same context works with every BearSSL
 * function taking a br_hash_class, e.g. br_hmac_key_init(&kc,
 * &sha256_vtable, key, keylen) and then br_hmac_init/update/out: its
 * state() writes the eight chaining words big-endian (32 bytes, the same
 * encoding as br_sha256_vtable, so states are interchangeable) and returns
 * the number of bytes injected; set_state() takes them back and expects a
 * count that is a multiple of 64, as br_hmac does.
 *
 * Timing depends only on the lengths hashed, never on the data: there is
 * no data-dependent branch or table index.
 *
 * The compression function is chosen once, on first use, from what the
 * CPU offers (x86-64: SHA extensions, else AVX with BMI1+BMI2, else
 * BMI1+BMI2, else portable C).
 * The choice is a single pointer store; the daemon has no threads, and
 * every thread racing on it would store the same value.
 */
#ifndef R53D_SHA256_H
#define R53D_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#define SHA256_LEN	32	/* digest bytes */
#define SHA256_BLOCK	64	/* block bytes */

/*
 * Running SHA-256 computation.  The vtable pointer comes first, as in
 * BearSSL's contexts, so a pointer to it is a pointer to the context.
 * Invariant: buf holds the count % 64 bytes not yet compressed.
 */
struct sha256_ctx {
	const br_hash_class	*vtable;
	uint64_t		 count;		/* bytes injected */
	uint32_t		 h[8];		/* chaining value */
	unsigned char		 buf[SHA256_BLOCK];
};

/* BearSSL hash class; context_size is sizeof(struct sha256_ctx). */
extern const br_hash_class sha256_vtable;

/* Start a new computation (also sets ctx->vtable). */
void	sha256_init(struct sha256_ctx *ctx);

/*
 * Inject len bytes from data, which is only read during the call and may
 * be NULL when len is 0.
 */
void	sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);

/* Write the digest of everything injected so far to out[SHA256_LEN]. */
void	sha256_out(const struct sha256_ctx *ctx, void *out);

/*
 * For tests and benchmarks only: the compression functions this file
 * may use.  sha256_force(v) makes every later computation in the process
 * use variant v (or the best available for SHA256_AUTO) and returns the
 * variant now in use, or -1 without changing anything when this CPU or
 * build lacks v.  sha256_variant() returns the variant in use, choosing
 * it first if nothing has been hashed yet.  The daemon never calls
 * either: the automatic choice is always the fastest.
 */
#define SHA256_AUTO	(-1)
#define SHA256_PORTABLE	0	/* plain C */
#define SHA256_BMI2	1	/* the same C compiled for BMI1+BMI2, x86-64 */
#define SHA256_AVX	2	/* BMI2 rounds, AVX message schedule, x86-64 */
#define SHA256_SHANI	3	/* SHA extensions, x86-64 */
#define SHA256_NVARIANT	4

int	sha256_force(int variant);
int	sha256_variant(void);

#endif
