/*
 * sha256.c: SHA-256 (FIPS 180-4) and its BearSSL hash class.
 *
 * Buffering and padding exist once, above a compression function that
 * takes whole blocks.  The 64 rounds exist once too, as the macro
 * ROUNDS64, and are instantiated as: portable C; on x86-64 with GCC or
 * clang, the same C compiled for BMI1+BMI2 (rorx, andn); the same again
 * with the message schedule computed in AVX registers.  A fourth variant
 * uses the SHA extensions.  The fastest one the CPU runs is picked on
 * first use from CPUID.  Built for size (-Os), the portable variant is a
 * loop instead.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sha256.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SHA256_X86	1
#include <cpuid.h>
#include <immintrin.h>
#else
#define SHA256_X86	0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ALWAYS_INLINE	inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE	inline
#endif

/* br_hmac and br_hmac_outCT keep our context in a br_hash_compat_context. */
_Static_assert(sizeof(struct sha256_ctx) <= sizeof(br_hash_compat_context),
    "struct sha256_ctx does not fit in br_hash_compat_context");
_Static_assert(_Alignof(struct sha256_ctx) <=
    _Alignof(br_hash_compat_context),
    "struct sha256_ctx is more aligned than br_hash_compat_context");

/* Compress nblk >= 1 consecutive 64-byte blocks at p into st. */
typedef void compress_fn(uint32_t st[8], const unsigned char *p,
    size_t nblk);

static const uint32_t IV[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
};

/* Round constants; 16-byte aligned for the SHA-extension loads. */
static _Alignas(16) const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

static ALWAYS_INLINE uint32_t
dec32be(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static ALWAYS_INLINE void
enc32be(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/*
 * The portable compression body.  It is instantiated below by functions
 * that differ only in the instructions the compiler may use.
 */
#define ROR(x, n)	((x) >> (n) | (x) << (32 - (n)))
#define BSIG0(x)	(ROR(x, 2) ^ ROR(x, 13) ^ ROR(x, 22))
#define BSIG1(x)	(ROR(x, 6) ^ ROR(x, 11) ^ ROR(x, 25))
#define SSIG0(x)	(ROR(x, 7) ^ ROR(x, 18) ^ (x) >> 3)
#define SSIG1(x)	(ROR(x, 17) ^ ROR(x, 19) ^ (x) >> 10)
#define CH(e, f, g)	(((e) & (f)) ^ (~(e) & (g)))

/* Message word i: read for i < 16, then kept in a 16-word ring. */
#define WLOAD(i)	(w[i] = dec32be(p + 4 * (i)))
#define WSCHED(i)	(w[(i) & 15] += SSIG1(w[((i) - 2) & 15]) + \
			    w[((i) - 7) & 15] + SSIG0(w[((i) - 15) & 15]))

/* K[i] + W[i], with W[i] read from the block or from the schedule. */
#define KWLOAD(i)	(K[i] + WLOAD(i))
#define KWSCHED(i)	(K[i] + WSCHED(i))

/*
 * Round i with the working variables in the roles a..h, kw = K[i] + W[i].
 * On entry y holds b ^ c (the a ^ b of the previous round); on exit x
 * holds a ^ b, so Maj(a, b, c) = ((a ^ b) & (b ^ c)) ^ b costs two
 * operations.  The next round swaps x and y.
 */
#define RND(a, b, c, d, e, f, g, h, x, y, kw) do {			\
	h += BSIG1(e) + CH(e, f, g) + (kw);				\
	d += h;								\
	x = a ^ b;							\
	h += BSIG0(a) + ((x & y) ^ b);					\
} while (0)

/* Eight rounds from i, KW(j) giving K[j] + W[j]; roles back in place. */
#define RND8(i, KW) do {						\
	RND(a, b, c, d, e, f, g, h, x, y, KW(i));			\
	RND(h, a, b, c, d, e, f, g, y, x, KW((i) + 1));			\
	RND(g, h, a, b, c, d, e, f, x, y, KW((i) + 2));			\
	RND(f, g, h, a, b, c, d, e, y, x, KW((i) + 3));			\
	RND(e, f, g, h, a, b, c, d, x, y, KW((i) + 4));			\
	RND(d, e, f, g, h, a, b, c, y, x, KW((i) + 5));			\
	RND(c, d, e, f, g, h, a, b, x, y, KW((i) + 6));			\
	RND(b, c, d, e, f, g, h, a, y, x, KW((i) + 7));			\
} while (0)

/*
 * The 64 rounds of one block on st[], KW1 giving K[i] + W[i] for
 * i < 16 and KW2 after; STEP(j), j = 0..7, runs after round 8j + 7 (it
 * lets a variant compute its schedule among the rounds).  Uses the
 * locals a..h, x, y.
 */
#define ROUNDS64(KW1, KW2, STEP) do {					\
	a = st[0];							\
	b = st[1];							\
	c = st[2];							\
	d = st[3];							\
	e = st[4];							\
	f = st[5];							\
	g = st[6];							\
	h = st[7];							\
	y = b ^ c;							\
	RND8(0, KW1);							\
	STEP(0);							\
	RND8(8, KW1);							\
	STEP(1);							\
	RND8(16, KW2);							\
	STEP(2);							\
	RND8(24, KW2);							\
	STEP(3);							\
	RND8(32, KW2);							\
	STEP(4);							\
	RND8(40, KW2);							\
	STEP(5);							\
	RND8(48, KW2);							\
	STEP(6);							\
	RND8(56, KW2);							\
	STEP(7);							\
	st[0] += a;							\
	st[1] += b;							\
	st[2] += c;							\
	st[3] += d;							\
	st[4] += e;							\
	st[5] += f;							\
	st[6] += g;							\
	st[7] += h;							\
} while (0)
#define NOSTEP(j)	do { } while (0)

static ALWAYS_INLINE void
compress_body(uint32_t st[8], const unsigned char *p, size_t nblk)
{
	uint32_t	 a, b, c, d, e, f, g, h, x, y, w[16];

	for (; nblk > 0; nblk--, p += SHA256_BLOCK)
		ROUNDS64(KWLOAD, KWSCHED, NOSTEP);
}

#ifdef __OPTIMIZE_SIZE__
/*
 * Built for size (-Os, routers): the rounds in a loop, the working
 * variables in an array shifted each round; a tenth of the code of the
 * unrolled body and about a third of its speed.
 */
static void
compress_portable(uint32_t st[8], const unsigned char *p, size_t nblk)
{
	uint32_t	 v[8], w[16], t1, t2;
	int		 i, j;

	for (; nblk > 0; nblk--, p += SHA256_BLOCK) {
		memcpy(v, st, sizeof(v));
		for (i = 0; i < 64; i++) {
			if (i < 16)
				WLOAD(i);
			else
				WSCHED(i);
			t1 = v[7] + BSIG1(v[4]) + CH(v[4], v[5], v[6]) + K[i] +
			    w[i & 15];
			t2 = BSIG0(v[0]) + (((v[0] ^ v[1]) & (v[1] ^ v[2])) ^
			    v[1]);
			for (j = 7; j > 0; j--)
				v[j] = v[j - 1];
			v[4] += t1;
			v[0] = t1 + t2;
		}
		for (j = 0; j < 8; j++)
			st[j] += v[j];
	}
}
#else
static void
compress_portable(uint32_t st[8], const unsigned char *p, size_t nblk)
{
	compress_body(st, p, nblk);
}
#endif

#if SHA256_X86
__attribute__((target("bmi,bmi2"))) static void
compress_bmi2(uint32_t st[8], const unsigned char *p, size_t nblk)
{
	compress_body(st, p, nblk);
}

/*
 * The same rounds fed from a schedule computed four words at a time in
 * AVX registers, among the rounds, and stored with K added; m[] holds
 * the last four groups of four message words.  The small sigma1 of two
 * words at a time is taken on 64-bit lanes holding each word twice,
 * where a 64-bit shift right leaves the 32-bit rotation in the low half.
 */
#define VROR(x, n)	_mm_xor_si128(_mm_srli_epi32(x, n),		\
			    _mm_slli_epi32(x, 32 - (n)))
#define VSSIG0(x)	_mm_xor_si128(_mm_xor_si128(VROR(x, 7),	\
			    VROR(x, 18)), _mm_srli_epi32(x, 3))
/* sigma1 of lanes 0 and 2 of x (each duplicated), into lanes 0 and 2. */
#define VSSIG1_2(x)	_mm_xor_si128(_mm_xor_si128(_mm_srli_epi64(x, 17), \
			    _mm_srli_epi64(x, 19)), _mm_srli_epi32(x, 10))
#define VLOAD(i)	(m[i] = _mm_shuffle_epi8(_mm_loadu_si128(	\
			    (const __m128i *)(const void *)(p + 16 * (i))), \
			    bswap))
/* Words 4i..4i+3 from groups i-4 .. i-1 (m[(i-4) & 3] is replaced). */
#define VSCHED(i) do {							\
	s = _mm_add_epi32(_mm_add_epi32(m[(i) & 3],			\
	    VSSIG0(_mm_alignr_epi8(m[((i) + 1) & 3], m[(i) & 3], 4))),	\
	    _mm_alignr_epi8(m[((i) + 3) & 3], m[((i) + 2) & 3], 4));	\
	t = VSSIG1_2(_mm_shuffle_epi32(m[((i) + 3) & 3], 0xfa));	\
	s = _mm_add_epi32(s, _mm_shuffle_epi8(t, lo2));			\
	t = VSSIG1_2(_mm_shuffle_epi32(s, 0x50));			\
	m[(i) & 3] = _mm_add_epi32(s, _mm_shuffle_epi8(t, hi2));	\
} while (0)
#define VSTORE(i)	_mm_store_si128((__m128i *)(void *)(wk + 4 * (i)), \
			    _mm_add_epi32(m[(i) & 3], _mm_load_si128(	\
			    (const __m128i *)(const void *)(K + 4 * (i)))))
#define KWSTACK(i)	(wk[i])
/* After rounds 8j..8j+7, the groups that rounds 8j+16..8j+23 read. */
#define VSTEP(j)	VSTEP_##j
#define VSTEP2(i) do {							\
	VSCHED(i);							\
	VSTORE(i);							\
	VSCHED((i) + 1);						\
	VSTORE((i) + 1);						\
} while (0)
#define VSTEP_0		VSTEP2(4)
#define VSTEP_1		VSTEP2(6)
#define VSTEP_2		VSTEP2(8)
#define VSTEP_3		VSTEP2(10)
#define VSTEP_4		VSTEP2(12)
#define VSTEP_5		VSTEP2(14)
#define VSTEP_6		do { } while (0)
#define VSTEP_7		do { } while (0)

__attribute__((target("avx,bmi,bmi2"))) static void
compress_avx(uint32_t st[8], const unsigned char *p, size_t nblk)
{
	_Alignas(16) uint32_t	 wk[64];
	uint32_t		 a, b, c, d, e, f, g, h, x, y;
	__m128i			 m[4], s, t, bswap, lo2, hi2;

	bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	/* Dwords 0 and 2 to lanes 0 and 1 (lo2) or 2 and 3 (hi2), 0 else. */
	lo2 = _mm_set_epi64x(-1LL, 0x0b0a090803020100LL);
	hi2 = _mm_set_epi64x(0x0b0a090803020100LL, -1LL);
	for (; nblk > 0; nblk--, p += SHA256_BLOCK) {
		VLOAD(0);
		VSTORE(0);
		VLOAD(1);
		VSTORE(1);
		VLOAD(2);
		VSTORE(2);
		VLOAD(3);
		VSTORE(3);
		ROUNDS64(KWSTACK, KWSTACK, VSTEP);
	}
}

/*
 * SHA extensions.  sha256rnds2 does two rounds on the state split as
 * ABEF and CDGH (a, e in the high lanes) and leaves the new ABEF in its
 * destination, the old ABEF becoming the new CDGH; m[] holds the last
 * four groups of four message words.
 */
#define QLOAD(i)	(m[i] = _mm_shuffle_epi8(_mm_loadu_si128(	\
			    (const __m128i *)(const void *)(p + 16 * (i))), \
			    bswap))
/* Words 4i..4i+3 from groups i-4 .. i-1 (m[(i-4) & 3] is replaced). */
#define QSCHED(i)	(m[(i) & 3] = _mm_sha256msg2_epu32(_mm_add_epi32( \
			    _mm_sha256msg1_epu32(m[(i) & 3],		\
			    m[((i) + 1) & 3]),				\
			    _mm_alignr_epi8(m[((i) + 3) & 3],		\
			    m[((i) + 2) & 3], 4)), m[((i) + 3) & 3]))
#define QRND(i, M) do {							\
	t = _mm_add_epi32(M(i),						\
	    _mm_load_si128((const __m128i *)(const void *)(K + 4 * (i)))); \
	cdgh = _mm_sha256rnds2_epu32(cdgh, abef, t);			\
	t = _mm_shuffle_epi32(t, 0x0e);					\
	abef = _mm_sha256rnds2_epu32(abef, cdgh, t);			\
} while (0)

__attribute__((target("sha,sse4.1"))) static void
compress_shani(uint32_t st[8], const unsigned char *p, size_t nblk)
{
	__m128i		 abef, cdgh, abef0, cdgh0, t, bswap, m[4];

	bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	/* st[0..3] = a b c d, st[4..7] = e f g h (lane 0 first). */
	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)st),
	    0xb1);				/* b a d c */
	cdgh = _mm_shuffle_epi32(_mm_loadu_si128(
	    (const __m128i *)(const void *)(st + 4)), 0x1b);	/* h g f e */
	abef = _mm_alignr_epi8(t, cdgh, 8);	/* f e b a */
	cdgh = _mm_blend_epi16(cdgh, t, 0xf0);	/* h g d c */

	for (; nblk > 0; nblk--, p += SHA256_BLOCK) {
		abef0 = abef;
		cdgh0 = cdgh;
		QRND(0, QLOAD);
		QRND(1, QLOAD);
		QRND(2, QLOAD);
		QRND(3, QLOAD);
		QRND(4, QSCHED);
		QRND(5, QSCHED);
		QRND(6, QSCHED);
		QRND(7, QSCHED);
		QRND(8, QSCHED);
		QRND(9, QSCHED);
		QRND(10, QSCHED);
		QRND(11, QSCHED);
		QRND(12, QSCHED);
		QRND(13, QSCHED);
		QRND(14, QSCHED);
		QRND(15, QSCHED);
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}

	t = _mm_shuffle_epi32(abef, 0x1b);	/* a b e f */
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);	/* g h c d */
	_mm_storeu_si128((__m128i *)(void *)st,
	    _mm_blend_epi16(t, cdgh, 0xf0));	/* a b c d */
	_mm_storeu_si128((__m128i *)(void *)(st + 4),
	    _mm_alignr_epi8(cdgh, t, 8));	/* e f g h */
}
#endif /* SHA256_X86 */

static compress_fn	compress_first;

static compress_fn *const variants[SHA256_NVARIANT] = {
	compress_portable,
#if SHA256_X86
	compress_bmi2,
	compress_avx,
	compress_shani
#else
	NULL,
	NULL,
	NULL
#endif
};

/* The compression function in use; compress_first until chosen. */
static compress_fn	*compress = compress_first;
static int		 current = SHA256_AUTO;

#if SHA256_X86
/* The XCR0 bits saying which register sets the OS saves. */
static uint64_t
xgetbv0(void)
{
	uint32_t	 lo, hi;

	__asm__ __volatile__("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	return (uint64_t)hi << 32 | lo;
}
#endif

/* Whether this build and CPU can run the given variant. */
static int
cpu_has(int variant)
{
#if SHA256_X86
	unsigned int	 eax, ebx, ecx, edx, ebx7;

	if (variant == SHA256_PORTABLE)
		return 1;
	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid_count(7, 0, eax, ebx7, ecx, edx);
	__cpuid(1, eax, ebx, ecx, edx);
	switch (variant) {
	case SHA256_BMI2:
		return (ebx7 & bit_BMI) != 0 && (ebx7 & bit_BMI2) != 0;
	case SHA256_AVX:
		return (ebx7 & bit_BMI) != 0 && (ebx7 & bit_BMI2) != 0 &&
		    (ecx & bit_AVX) != 0 && (ecx & bit_OSXSAVE) != 0 &&
		    (xgetbv0() & 6) == 6;
	case SHA256_SHANI:
		return (ebx7 & bit_SHA) != 0 && (ecx & bit_SSSE3) != 0 &&
		    (ecx & bit_SSE4_1) != 0;
	}
	return 0;
#else
	return variant == SHA256_PORTABLE;
#endif
}

int
sha256_force(int variant)
{
	if (variant == SHA256_AUTO) {
		variant = SHA256_NVARIANT - 1;
		while (variant > SHA256_PORTABLE && !cpu_has(variant))
			variant--;
	}
	if (variant < 0 || variant >= SHA256_NVARIANT || !cpu_has(variant))
		return -1;
	compress = variants[variant];
	current = variant;
	return variant;
}

int
sha256_variant(void)
{
	if (current == SHA256_AUTO)
		(void)sha256_force(SHA256_AUTO);
	return current;
}

static void
compress_first(uint32_t st[8], const unsigned char *p, size_t nblk)
{
	(void)sha256_force(SHA256_AUTO);
	compress(st, p, nblk);
}

void
sha256_init(struct sha256_ctx *ctx)
{
	ctx->vtable = &sha256_vtable;
	ctx->count = 0;
	memcpy(ctx->h, IV, sizeof(ctx->h));
}

void
sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	const unsigned char	*p = data;
	size_t			 used, n;

	used = (size_t)ctx->count & (SHA256_BLOCK - 1);
	ctx->count += len;
	if (used != 0) {
		n = SHA256_BLOCK - used;
		if (n > len) {
			if (len > 0)
				memcpy(ctx->buf + used, p, len);
			return;
		}
		memcpy(ctx->buf + used, p, n);
		compress(ctx->h, ctx->buf, 1);
		p += n;
		len -= n;
	}
	if (len >= SHA256_BLOCK) {
		compress(ctx->h, p, len / SHA256_BLOCK);
		p += len & ~(size_t)(SHA256_BLOCK - 1);
		len &= SHA256_BLOCK - 1;
	}
	if (len > 0)
		memcpy(ctx->buf, p, len);
}

void
sha256_out(const struct sha256_ctx *ctx, void *out)
{
	unsigned char	 blk[SHA256_BLOCK], *o = out;
	uint32_t	 h[8];
	uint64_t	 bits = ctx->count << 3;
	size_t		 used, i;

	/* Fixed-size copies: the bytes past used are overwritten. */
	used = (size_t)ctx->count & (SHA256_BLOCK - 1);
	memcpy(blk, ctx->buf, sizeof(blk));
	memcpy(h, ctx->h, sizeof(h));
	blk[used++] = 0x80;
	if (used > SHA256_BLOCK - 8) {
		memset(blk + used, 0, SHA256_BLOCK - used);
		compress(h, blk, 1);
		used = 0;
	}
	memset(blk + used, 0, SHA256_BLOCK - 8 - used);
	enc32be(blk + SHA256_BLOCK - 8, (uint32_t)(bits >> 32));
	enc32be(blk + SHA256_BLOCK - 4, (uint32_t)bits);
	compress(h, blk, 1);
	for (i = 0; i < 8; i++)
		enc32be(o + 4 * i, h[i]);
}

/*
 * The hash class.  The wrappers have the exact types br_hash_class
 * expects; the context starts with the vtable pointer they receive.
 */
static void
vt_init(const br_hash_class **vt)
{
	sha256_init((struct sha256_ctx *)(void *)vt);
}

static void
vt_update(const br_hash_class **vt, const void *data, size_t len)
{
	sha256_update((struct sha256_ctx *)(void *)vt, data, len);
}

static void
vt_out(const br_hash_class *const *vt, void *out)
{
	sha256_out((const struct sha256_ctx *)(const void *)vt, out);
}

static uint64_t
vt_state(const br_hash_class *const *vt, void *dst)
{
	const struct sha256_ctx	*ctx = (const void *)vt;
	unsigned char		*d = dst;
	size_t			 i;

	for (i = 0; i < 8; i++)
		enc32be(d + 4 * i, ctx->h[i]);
	return ctx->count;
}

static void
vt_set_state(const br_hash_class **vt, const void *stb, uint64_t count)
{
	struct sha256_ctx	*ctx = (void *)vt;
	const unsigned char	*s = stb;
	size_t			 i;

	for (i = 0; i < 8; i++)
		ctx->h[i] = dec32be(s + 4 * i);
	ctx->count = count;
}

const br_hash_class sha256_vtable = {
	sizeof(struct sha256_ctx),
	BR_HASHDESC_ID(br_sha256_ID) | BR_HASHDESC_OUT(32) |
	    BR_HASHDESC_STATE(32) | BR_HASHDESC_LBLEN(6) |
	    BR_HASHDESC_MD_PADDING | BR_HASHDESC_MD_PADDING_BE,
	vt_init,
	vt_update,
	vt_out,
	vt_state,
	vt_set_state
};
