/*
 * t_base64.c: RFC 4648 base64, with the test vectors of its section 10.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/base64.h"

/* RFC 4648 section 10 */
static const struct {
	const char	*plain;
	const char	*b64;
} rfc[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" }
};

Test(base64, rfc4648_encode)
{
	char	 out[16];
	size_t	 i;

	for (i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
		cr_expect_eq(base64_encode((const uint8_t *)rfc[i].plain,
		    strlen(rfc[i].plain), out, sizeof(out)),
		    (int)strlen(rfc[i].b64));
		cr_expect_str_eq(out, rfc[i].b64);
	}
}

Test(base64, rfc4648_decode)
{
	uint8_t	 out[16];
	size_t	 i, n;

	for (i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
		n = 99;
		cr_expect_eq(base64_decode(rfc[i].b64, strlen(rfc[i].b64),
		    out, sizeof(out), &n), 0, "%s", rfc[i].b64);
		cr_expect_eq(n, strlen(rfc[i].plain));
		cr_expect(memcmp(out, rfc[i].plain, n) == 0, "%s",
		    rfc[i].b64);
	}
}

Test(base64, whitespace)
{
	uint8_t		 out[16];
	size_t		 n;
	const char	*s = " Zm9v\n YmFy\r\n\t";

	cr_expect_eq(base64_decode(s, strlen(s), out, sizeof(out), &n), 0);
	cr_expect_eq(n, 6);
	cr_expect(memcmp(out, "foobar", 6) == 0);
	s = "Zm9vYg =\n=";
	cr_expect_eq(base64_decode(s, strlen(s), out, sizeof(out), &n), 0);
	cr_expect_eq(n, 4);
}

Test(base64, strict)
{
	static const char *bad[] = {
		"Zg",		/* missing padding */
		"Zg=",		/* short padding */
		"Zg===",	/* too much padding */
		"Z===",		/* padding in second place */
		"====",
		"Zm9=v",	/* data after padding */
		"Zg==Zm9v",	/* data after a padded group */
		"Zh==",		/* discarded bits not zero */
		"Zm9=",		/* discarded bits not zero */
		"Zm9v!",	/* not base64 */
		"Zm9v-_8=",	/* base64url alphabet */
		"Z",
		"Zm9vY"
	};
	uint8_t	 out[16];
	size_t	 i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(base64_decode(bad[i], strlen(bad[i]), out,
		    sizeof(out), &n), -1, "accepted \"%s\"", bad[i]);
}

Test(base64, bounds)
{
	uint8_t	 out[6];
	char	 enc[9];
	size_t	 n;

	/* exactly fitting, one byte short */
	cr_expect_eq(base64_decode("Zm9vYmFy", 8, out, 6, &n), 0);
	cr_expect_eq(base64_decode("Zm9vYmFy", 8, out, 5, &n), -1);
	cr_expect_eq(base64_decode("Zm9vYg==", 8, out, 3, &n), -1);
	cr_expect_eq(base64_decode("Zm9vYmE=", 8, out, 4, &n), -1);
	/* the decoder reads no further than srclen */
	cr_expect_eq(base64_decode("Zm9vYmFy", 4, out, 6, &n), 0);
	cr_expect_eq(n, 3);
	/* encoding needs room for the NUL */
	cr_expect_eq(base64_encode((const uint8_t *)"foobar", 6, enc, 8), -1);
	cr_expect_eq(base64_encode((const uint8_t *)"foobar", 6, enc, 9), 8);
	cr_expect_eq(BASE64_ENCLEN(0), 0);
	cr_expect_eq(BASE64_ENCLEN(1), 4);
	cr_expect_eq(BASE64_ENCLEN(64), 88);
}

Test(base64, round_trip_all_lengths)
{
	uint8_t	 in[70], out[70];
	char	 enc[BASE64_ENCLEN(70) + 1];
	size_t	 len, i, n;
	int	 el;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 37 + 11);
	for (len = 0; len <= sizeof(in); len++) {
		el = base64_encode(in, len, enc, sizeof(enc));
		cr_assert_eq(el, (int)BASE64_ENCLEN(len));
		cr_assert_eq(base64_decode(enc, (size_t)el, out, sizeof(out),
		    &n), 0, "%s", enc);
		cr_assert_eq(n, len);
		cr_assert(memcmp(in, out, len) == 0);
	}
}
