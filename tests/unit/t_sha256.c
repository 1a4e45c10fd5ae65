/*
 * t_sha256.c: SHA-256 against published vectors and against BearSSL's
 * br_sha256 and br_hmac, for every compression variant this CPU runs.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "sha256.h"

static const char *const vname[SHA256_NVARIANT] = {
	"portable", "bmi2", "avx", "sha-ni"
};

/* Deterministic generator (xorshift64*), so failures reproduce. */
static uint64_t	rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dULL) >> 32);
}

static void
rndfill(unsigned char *p, size_t n)
{
	while (n-- > 0)
		*p++ = (unsigned char)rnd();
}

static void
unhex(unsigned char *dst, const char *hex)
{
	unsigned int	 v;

	while (hex[0] != '\0' && hex[1] != '\0') {
		cr_assert(sscanf(hex, "%2x", &v) == 1);
		*dst++ = (unsigned char)v;
		hex += 2;
	}
}

/* Hash len bytes of msg, fed in pieces of random sizes up to maxchunk. */
static void
hash_chunked(unsigned char out[SHA256_LEN], const unsigned char *msg,
    size_t len, size_t maxchunk)
{
	struct sha256_ctx	 ctx;
	size_t			 n;

	sha256_init(&ctx);
	while (len > 0) {
		n = rnd() % (maxchunk + 1);
		if (n > len)
			n = len;
		sha256_update(&ctx, msg, n);
		msg += n;
		len -= n;
	}
	sha256_out(&ctx, out);
}

static void
ref_sha256(unsigned char out[SHA256_LEN], const void *msg, size_t len)
{
	br_sha256_context	 ctx;

	br_sha256_init(&ctx);
	br_sha256_update(&ctx, msg, len);
	br_sha256_out(&ctx, out);
}

/* Known-answer vectors: NIST FIPS 180-2 appendix B.1, B.2, B.3 and the
 * Len = 0 entry of NIST CAVP SHA256ShortMsg.rsp. */
Test(sha256, nist_vectors)
{
	static const struct {
		const char	*msg;
		const char	*md;
	} kat[] = {
		{ "abc", "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		    "248d6a61d20638b8e5c026930c3e6039"
		    "a33ce45964ff2167f6ecedd419db06c1" },
		{ "", "e3b0c44298fc1c149afbf4c8996fb924"
		    "27ae41e4649b934ca495991b7852b855" }
	};
	static const char million_a[] = "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0";
	struct sha256_ctx	 ctx;
	unsigned char		 want[SHA256_LEN], got[SHA256_LEN];
	unsigned char		*a;
	size_t			 i;
	int			 v, tested = 0;

	a = malloc(1000000);
	cr_assert(a != NULL);
	memset(a, 'a', 1000000);
	for (v = 0; v < SHA256_NVARIANT; v++) {
		if (sha256_force(v) != v)
			continue;
		tested++;
		for (i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
			unhex(want, kat[i].md);
			sha256_init(&ctx);
			sha256_update(&ctx, kat[i].msg, strlen(kat[i].msg));
			sha256_out(&ctx, got);
			cr_expect(memcmp(got, want, SHA256_LEN) == 0,
			    "%s: \"%s\"", vname[v], kat[i].msg);
		}
		unhex(want, million_a);
		sha256_init(&ctx);
		sha256_update(&ctx, a, 1000000);
		sha256_out(&ctx, got);
		cr_expect(memcmp(got, want, SHA256_LEN) == 0,
		    "%s: a million 'a' at once", vname[v]);
		sha256_init(&ctx);
		for (i = 0; i < 1000000; i += 1000)
			sha256_update(&ctx, a + i, 1000);
		sha256_out(&ctx, got);
		cr_expect(memcmp(got, want, SHA256_LEN) == 0,
		    "%s: a million 'a' by 1000", vname[v]);
	}
	free(a);
	cr_expect(tested >= 1);
}

/* sha256_out() does not disturb the context; NULL with length 0 is fine. */
Test(sha256, out_keeps_context)
{
	struct sha256_ctx	 ctx;
	unsigned char		 msg[200], want[SHA256_LEN], got[SHA256_LEN];
	size_t			 i;

	rndfill(msg, sizeof(msg));
	sha256_init(&ctx);
	sha256_update(&ctx, NULL, 0);
	for (i = 0; i < sizeof(msg); i++) {
		sha256_update(&ctx, msg + i, 1);
		sha256_out(&ctx, got);
		ref_sha256(want, msg, i + 1);
		cr_assert(memcmp(got, want, SHA256_LEN) == 0, "prefix %zu",
		    i + 1);
	}
}

Test(sha256, random_vs_bearssl)
{
	static const size_t	 longlen[] = { 1000, 4095, 4096, 4097, 65599,
	    300001 };
	unsigned char		*msg, want[SHA256_LEN], got[SHA256_LEN];
	size_t			 len, i, maxchunk;
	int			 v;

	msg = malloc(300001);
	cr_assert(msg != NULL);
	for (v = 0; v < SHA256_NVARIANT; v++) {
		if (sha256_force(v) != v) {
			cr_log_info("sha256: %s not available", vname[v]);
			continue;
		}
		for (len = 0; len <= 300; len++) {
			for (i = 0; i < 4; i++) {
				rndfill(msg, len);
				ref_sha256(want, msg, len);
				maxchunk = i == 0 ? len : 1 + rnd() % 70;
				hash_chunked(got, msg, len, maxchunk);
				cr_assert(memcmp(got, want, SHA256_LEN) == 0,
				    "%s: length %zu, chunks up to %zu",
				    vname[v], len, maxchunk);
			}
		}
		for (i = 0; i < sizeof(longlen) / sizeof(longlen[0]); i++) {
			len = longlen[i];
			rndfill(msg, len);
			ref_sha256(want, msg, len);
			hash_chunked(got, msg, len, len);
			cr_assert(memcmp(got, want, SHA256_LEN) == 0,
			    "%s: length %zu", vname[v], len);
			hash_chunked(got, msg, len, 1 + rnd() % 1000);
			cr_assert(memcmp(got, want, SHA256_LEN) == 0,
			    "%s: length %zu chunked", vname[v], len);
		}
	}
	free(msg);
}

/* The class describes SHA-256 as BearSSL's does, and states interchange. */
Test(sha256, hash_class)
{
	const br_hash_class	*vt = &sha256_vtable;
	br_hash_compat_context	 ours, ref;
	unsigned char		 msg[300], st1[32], st2[32];
	unsigned char		 want[SHA256_LEN], got[SHA256_LEN];
	uint64_t		 n1, n2;

	cr_expect_eq(vt->desc, br_sha256_vtable.desc);
	cr_expect_eq(vt->context_size, sizeof(struct sha256_ctx));
	cr_expect(vt->context_size <= sizeof(br_hash_compat_context));
	cr_expect_eq((vt->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK,
	    32);

	rndfill(msg, sizeof(msg));
	vt->init(&ours.vtable);
	cr_expect(ours.vtable == vt);
	br_sha256_vtable.init(&ref.vtable);
	vt->update(&ours.vtable, msg, 130);
	br_sha256_vtable.update(&ref.vtable, msg, 130);
	n1 = vt->state(&ours.vtable, st1);
	n2 = br_sha256_vtable.state(&ref.vtable, st2);
	cr_expect_eq(n1, 130);
	cr_expect_eq(n2, 130);
	cr_expect(memcmp(st1, st2, 32) == 0, "state() differs");

	/* BearSSL state after two blocks, continued by ours, and back. */
	br_sha256_vtable.init(&ref.vtable);
	br_sha256_vtable.update(&ref.vtable, msg, 128);
	n2 = br_sha256_vtable.state(&ref.vtable, st2);
	vt->init(&ours.vtable);
	vt->set_state(&ours.vtable, st2, n2);
	vt->update(&ours.vtable, msg + 128, 172);
	vt->out(&ours.vtable, got);
	ref_sha256(want, msg, 300);
	cr_expect(memcmp(got, want, SHA256_LEN) == 0, "set_state(ref)");

	vt->init(&ours.vtable);
	vt->update(&ours.vtable, msg, 192);
	n1 = vt->state(&ours.vtable, st1);
	br_sha256_vtable.init(&ref.vtable);
	br_sha256_vtable.set_state(&ref.vtable, st1, n1);
	br_sha256_vtable.update(&ref.vtable, msg + 192, 108);
	br_sha256_vtable.out(&ref.vtable, got);
	cr_expect(memcmp(got, want, SHA256_LEN) == 0, "state() to ref");
}

static void
hmac(const br_hash_class *vt, unsigned char out[32], const void *key,
    size_t keylen, const void *msg, size_t len)
{
	br_hmac_key_context	 kc;
	br_hmac_context		 hc;

	br_hmac_key_init(&kc, vt, key, keylen);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, len);
	cr_assert_eq(br_hmac_out(&hc, out), 32);
}

/* RFC 4231 section 4, test cases 1-4, 6 and 7 (HMAC-SHA-256 values). */
Test(sha256, hmac_rfc4231)
{
	static const char tc7[] = "This is a test using a larger than "
	    "block-size key and a larger than block-size data. The key "
	    "needs to be hashed before being used by the HMAC algorithm.";
	struct {
		unsigned char	 key[131];
		size_t		 keylen;
		unsigned char	 data[160];
		size_t		 datalen;
		const char	*mac;
	} tc[6];
	unsigned char		 want[32], got[32], ref[32];
	size_t			 i;
	int			 v;

	memset(tc, 0, sizeof(tc));
	memset(tc[0].key, 0x0b, tc[0].keylen = 20);
	memcpy(tc[0].data, "Hi There", tc[0].datalen = 8);
	tc[0].mac = "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7";
	memcpy(tc[1].key, "Jefe", tc[1].keylen = 4);
	memcpy(tc[1].data, "what do ya want for nothing?",
	    tc[1].datalen = 28);
	tc[1].mac = "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843";
	memset(tc[2].key, 0xaa, tc[2].keylen = 20);
	memset(tc[2].data, 0xdd, tc[2].datalen = 50);
	tc[2].mac = "773ea91e36800e46854db8ebd09181a7"
	    "2959098b3ef8c122d9635514ced565fe";
	for (i = 0; i < 25; i++)
		tc[3].key[i] = (unsigned char)(i + 1);
	tc[3].keylen = 25;
	memset(tc[3].data, 0xcd, tc[3].datalen = 50);
	tc[3].mac = "82558a389a443c0ea4cc819899f2083a"
	    "85f0faa3e578f8077a2e3ff46729665b";
	memset(tc[4].key, 0xaa, tc[4].keylen = 131);
	memcpy(tc[4].data, "Test Using Larger Than Block-Size Key - "
	    "Hash Key First", tc[4].datalen = 54);
	tc[4].mac = "60e431591ee0b67f0d8a26aacbf5b77f"
	    "8e0bc6213728c5140546040f0ee37f54";
	memset(tc[5].key, 0xaa, tc[5].keylen = 131);
	memcpy(tc[5].data, tc7, tc[5].datalen = strlen(tc7));
	tc[5].mac = "9b09ffa71b942fcb27635fbcd5b0e944"
	    "bfdc63644f0713938a7f51535c3a35e2";

	for (v = 0; v < SHA256_NVARIANT; v++) {
		if (sha256_force(v) != v)
			continue;
		for (i = 0; i < 6; i++) {
			unhex(want, tc[i].mac);
			hmac(&sha256_vtable, got, tc[i].key, tc[i].keylen,
			    tc[i].data, tc[i].datalen);
			hmac(&br_sha256_vtable, ref, tc[i].key,
			    tc[i].keylen, tc[i].data, tc[i].datalen);
			cr_expect(memcmp(got, want, 32) == 0,
			    "%s: RFC 4231 case %zu", vname[v], i < 4 ? i + 1 :
			    i + 2);
			cr_expect(memcmp(ref, want, 32) == 0,
			    "BearSSL: RFC 4231 case %zu", i < 4 ? i + 1 : i + 2);
		}
	}
}

/*
 * Random keys (shorter, equal to and longer than a block) and messages;
 * one precomputed key context serves two messages, fed in random
 * pieces, and br_hmac_outCT (which drives state() byte by byte) agrees.
 */
Test(sha256, hmac_random)
{
	br_hmac_key_context	 kc, rkc;
	br_hmac_context		 hc, rhc;
	unsigned char		 key[200], msg[2][400];
	unsigned char		 got[32], ref[32], ct[32];
	size_t			 keylen, len[2], off, n, round;
	int			 v, j;

	for (v = 0; v < SHA256_NVARIANT; v++) {
		if (sha256_force(v) != v)
			continue;
		for (round = 0; round < 300; round++) {
			keylen = round < 200 ? round : rnd() % sizeof(key);
			rndfill(key, keylen);
			br_hmac_key_init(&kc, &sha256_vtable, key, keylen);
			br_hmac_key_init(&rkc, &br_sha256_vtable, key,
			    keylen);
			for (j = 0; j < 2; j++) {
				len[j] = rnd() % sizeof(msg[j]);
				rndfill(msg[j], len[j]);
			}
			for (j = 0; j < 2; j++) {
				br_hmac_init(&hc, &kc, 0);
				br_hmac_init(&rhc, &rkc, 0);
				br_hmac_update(&rhc, msg[j], len[j]);
				for (off = 0; off < len[j]; off += n) {
					n = 1 + rnd() % 100;
					if (n > len[j] - off)
						n = len[j] - off;
					br_hmac_update(&hc, msg[j] + off, n);
				}
				cr_assert_eq(br_hmac_out(&hc, got), 32);
				cr_assert_eq(br_hmac_out(&rhc, ref), 32);
				cr_assert(memcmp(got, ref, 32) == 0,
				    "%s: key %zu bytes, message %d (%zu bytes)",
				    vname[v], keylen, j, len[j]);

				br_hmac_init(&hc, &kc, 0);
				cr_assert_eq(br_hmac_outCT(&hc, msg[j], len[j],
				    0, sizeof(msg[j]), ct), 32);
				cr_assert(memcmp(ct, ref, 32) == 0,
				    "%s: outCT, key %zu bytes", vname[v],
				    keylen);
			}
		}
	}
}

/* The automatic choice is the best variant available. */
Test(sha256, selection)
{
	int	 v, best = -1, avail = 0;

	for (v = 0; v < SHA256_NVARIANT; v++) {
		if (sha256_force(v) == v) {
			cr_expect_eq(sha256_variant(), v);
			best = v;
			avail++;
		}
	}
	cr_assert_eq(sha256_force(SHA256_PORTABLE), SHA256_PORTABLE);
	cr_expect_eq(sha256_force(SHA256_AUTO), best);
	cr_expect_eq(sha256_variant(), best);
	cr_expect_eq(sha256_force(SHA256_NVARIANT), -1);
	cr_expect_eq(sha256_force(-2), -1);
	cr_expect_eq(sha256_variant(), best, "a refused force changed it");
	cr_log_info("sha256: %d variants here, using %s", avail, vname[best]);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* Whether the first "flags" line of /proc/cpuinfo lists flag; -1 if none. */
static int
cpuinfo_flag(const char *flag)
{
	FILE	*f;
	char	 line[8192], *tok;
	int	 found = -1;

	if ((f = fopen("/proc/cpuinfo", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		found = 0;
		for (tok = strtok(line, " \t\n"); tok != NULL;
		    tok = strtok(NULL, " \t\n"))
			if (strcmp(tok, flag) == 0)
				found = 1;
		break;
	}
	fclose(f);
	return found;
}
#endif

/* On Linux x86-64, what CPUID finds matches what the kernel reports. */
Test(sha256, detection_matches_cpuinfo)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	int	 bmi1, bmi2, avx, sha, sse41;

	bmi1 = cpuinfo_flag("bmi1");
	bmi2 = cpuinfo_flag("bmi2");
	avx = cpuinfo_flag("avx");
	sha = cpuinfo_flag("sha_ni");
	sse41 = cpuinfo_flag("sse4_1");
	if (bmi1 < 0) {
		cr_skip_test("no flags in /proc/cpuinfo");
		return;
	}
	cr_expect_eq(sha256_force(SHA256_BMI2) == SHA256_BMI2,
	    bmi1 == 1 && bmi2 == 1);
	cr_expect_eq(sha256_force(SHA256_AVX) == SHA256_AVX,
	    bmi1 == 1 && bmi2 == 1 && avx == 1);
	cr_expect_eq(sha256_force(SHA256_SHANI) == SHA256_SHANI,
	    sha == 1 && sse41 == 1);
#else
	cr_expect_eq(sha256_force(SHA256_BMI2), -1);
	cr_expect_eq(sha256_force(SHA256_AVX), -1);
	cr_expect_eq(sha256_force(SHA256_SHANI), -1);
#endif
}
