/*
 * t_shadow.c: DHCID RRsets as TXT at the shadow owner, and back.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "dns/base64.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrset.h"
#include "dns/rrtype.h"
#include "dns/shadow.h"

/* RFC 4701 section 3.6, example 3: "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=" */
static const char	*ex_b64 = "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=";

static size_t
ex_rdata(uint8_t *rd)
{
	size_t	len;

	cr_assert_eq(base64_decode(ex_b64, strlen(ex_b64), rd, 64, &len), 0);
	cr_assert_eq(len, 35);
	return len;
}

Test(shadow, names)
{
	uint8_t	 n[DNS_NAME_MAX], s[DNS_NAME_MAX];
	char	 t[DNS_NAME_TEXTMAX];

	cr_assert_eq(name_from_text("Client.Example.COM", n, NULL), 0);
	cr_assert_eq(shadow_name(n, s), 0);
	cr_assert_eq(name_to_text(s, t, sizeof(t)), 0);
	cr_expect_str_eq(t, "_r53d-dhcid.client.example.com.");
	cr_expect(shadow_is_name(s));
	cr_expect(!shadow_is_name(n));
	cr_expect(name_equal(shadow_owner(s), n));
	/* None for a shadow, a wildcard, or when too long. */
	cr_expect_eq(shadow_name(s, n), -1);
	cr_assert_eq(name_from_text("*.example.com", n, NULL), 0);
	cr_expect_eq(shadow_name(n, s), -1);
	cr_assert_eq(name_from_text("_R53D-DHCID.x.example.com", n, NULL), 0);
	cr_expect(shadow_is_name(n));
	cr_assert_eq(name_from_text("_r53d-dhcidx.example.com", n, NULL), 0);
	cr_expect(!shadow_is_name(n));
	memset(t, 0, sizeof(t));
	/* 4 labels of 60 bytes: 245 octets; plus 12 is over 255 */
	strcpy(t, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	cr_assert_eq(name_from_text(t, n, NULL), 0);
	cr_expect_eq(shadow_name(n, s), -1);
}

Test(shadow, value_round_trip)
{
	uint8_t	 rd[64], txt[300], back[SHADOW_RDATA_MAX];
	char	 v[300];
	size_t	 len, tl, bl;
	int	 n;

	len = ex_rdata(rd);
	n = shadow_value(rd, len, v, sizeof(v));
	cr_assert_gt(n, 0);
	cr_expect_str_eq(v, "\"r53d-dhcid:AAIBY2/AuCccgoJbsaxcQc9TUapptP69"
	    "lOjxfNuVAA2kjEA=\"");
	cr_expect_eq((size_t)n, strlen(v));
	/* As Route 53 would hold it: TXT. */
	cr_assert_eq(rdata_from_r53(DNS_T_TXT, v, strlen(v), txt, sizeof(txt),
	    &tl), 0);
	cr_assert_eq(shadow_rdata(txt, tl, back, sizeof(back), &bl), 0);
	cr_expect_eq(bl, len);
	cr_expect_eq(memcmp(back, rd, len), 0);
}

Test(shadow, limits)
{
	uint8_t	 rd[SHADOW_RDATA_MAX + 1], txt[300], back[SHADOW_RDATA_MAX];
	char	 v[400];
	size_t	 tl, bl;

	memset(rd, 0xa5, sizeof(rd));
	cr_expect_eq(shadow_value(rd, 0, v, sizeof(v)), -1);
	cr_expect_eq(shadow_value(rd, SHADOW_RDATA_MAX + 1, v, sizeof(v)), -1);
	cr_assert_gt(shadow_value(rd, SHADOW_RDATA_MAX, v, sizeof(v)), 0);
	/* The longest value is one character-string. */
	cr_assert_eq(rdata_from_r53(DNS_T_TXT, v, strlen(v), txt, sizeof(txt),
	    &tl), 0);
	cr_expect_eq(tl, 256);
	cr_assert_eq(shadow_rdata(txt, tl, back, sizeof(back), &bl), 0);
	cr_expect_eq(bl, SHADOW_RDATA_MAX);
	cr_expect_eq(shadow_value(rd, 35, v, 20), -1);
}

/* TXT values that are not shadow values. */
Test(shadow, not_shadow_values)
{
	static const char *bad[] = {
		"\"hello\"",
		"\"r53d-dhcid:\"",
		"\"r53d-dhcid:AAIB\" \"more\"",
		"\"R53D-DHCID:AAIB\"",
		"\"r53d-dhcid:AAI\"",
		"\"r53d-dhcid:AA IB\"",
		"\"r53d-dhcid:AAIB=\"",
		"\"x r53d-dhcid:AAIB\"",
	};
	uint8_t	 txt[300], back[SHADOW_RDATA_MAX];
	size_t	 i, tl, bl;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(rdata_from_r53(DNS_T_TXT, bad[i], strlen(bad[i]),
		    txt, sizeof(txt), &tl), 0, "%s", bad[i]);
		cr_expect_eq(shadow_rdata(txt, tl, back, sizeof(back), &bl),
		    -1, "%s", bad[i]);
	}
}

Test(shadow, sets)
{
	uint8_t		 rd[64], t1[300], t2[300];
	char		 v[300];
	const char	*own = "\"v=spf1 -all\"";
	struct rr	 rrs[2];
	struct rrset	*txt, *d;
	size_t		 len, l1, l2;

	len = ex_rdata(rd);
	cr_assert_gt(shadow_value(rd, len, v, sizeof(v)), 0);
	cr_assert_eq(rdata_from_r53(DNS_T_TXT, v, strlen(v), t1, sizeof(t1),
	    &l1), 0);
	rrs[0].rdata = t1;
	rrs[0].len = (uint16_t)l1;
	rrs[0].text = v;
	txt = rrset_new(DNS_T_TXT, 300, 0, NULL, rrs, 1);
	cr_assert_not_null(txt);
	cr_assert_eq(shadow_set(txt, &d), 0);
	cr_expect_eq(d->type, DNS_T_DHCID);
	cr_expect_eq(d->ttl, 300);
	cr_expect_eq(d->nrr, 1);
	cr_expect_eq(d->rr[0].len, len);
	cr_expect_eq(memcmp(d->rr[0].rdata, rd, len), 0);
	/* The DELETE repeats the value as Route 53 listed it. */
	cr_expect_str_eq(d->rr[0].text, v);
	rrset_unref(d);
	rrset_unref(txt);

	/* One value of somebody's own: the set stays TXT. */
	cr_assert_eq(rdata_from_r53(DNS_T_TXT, own, strlen(own), t2,
	    sizeof(t2), &l2), 0);
	rrs[1].rdata = t2;
	rrs[1].len = (uint16_t)l2;
	rrs[1].text = own;
	txt = rrset_new(DNS_T_TXT, 300, 0, NULL, rrs, 2);
	cr_assert_not_null(txt);
	cr_expect_eq(shadow_set(txt, &d), 1);
	cr_expect_null(d);
	rrset_unref(txt);
}
