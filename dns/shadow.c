/*
 * dns/shadow.c: DHCID RRsets as TXT RRsets at a shadow owner.  See
 * dns/shadow.h.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/base64.h"
#include "dns/name.h"
#include "dns/rrset.h"
#include "dns/rrtype.h"
#include "dns/shadow.h"
#include "dns/wire.h"

#define LABEL_LEN	(sizeof(SHADOW_LABEL) - 1)
#define MARK_LEN	(sizeof(SHADOW_MARK) - 1)

int
shadow_is_name(const uint8_t *name)
{
	return name[0] == LABEL_LEN &&
	    strncasecmp((const char *)name + 1, SHADOW_LABEL, LABEL_LEN) == 0;
}

const uint8_t *
shadow_owner(const uint8_t *name)
{
	return name + 1 + name[0];
}

int
shadow_name(const uint8_t *name, uint8_t *out)
{
	size_t	len;

	if ((len = name_len(name, DNS_NAME_MAX)) == 0 ||
	    len + 1 + LABEL_LEN > DNS_NAME_MAX || name_is_wild(name) ||
	    shadow_is_name(name))
		return -1;
	out[0] = LABEL_LEN;
	memcpy(out + 1, SHADOW_LABEL, LABEL_LEN);
	memcpy(out + 1 + LABEL_LEN, name, len);
	name_lower(out);
	return 0;
}

int
shadow_rdata_ok(size_t rdlen)
{
	return rdlen >= 1 && rdlen <= SHADOW_RDATA_MAX;
}

int
shadow_value(const uint8_t *rd, size_t rdlen, char *out, size_t cap)
{
	int	n;

	if (!shadow_rdata_ok(rdlen) || cap < MARK_LEN + 3)
		return -1;
	out[0] = '"';
	memcpy(out + 1, SHADOW_MARK, MARK_LEN);
	n = base64_encode(rd, rdlen, out + 1 + MARK_LEN, cap - 2 - MARK_LEN);
	if (n < 0)
		return -1;
	/* base64 needs no escapes inside the quotes. */
	out[1 + MARK_LEN + n] = '"';
	out[2 + MARK_LEN + n] = '\0';
	return (int)(2 + MARK_LEN + (size_t)n);
}

int
shadow_rdata(const uint8_t *txt, size_t txtlen, uint8_t *out, size_t cap,
    size_t *lenp)
{
	const char	*b64;
	size_t		 slen, i;

	/* Exactly one character-string: the marker, then base64. */
	if (txtlen < 1 || (size_t)txt[0] + 1 != txtlen || txt[0] <= MARK_LEN ||
	    memcmp(txt + 1, SHADOW_MARK, MARK_LEN) != 0)
		return -1;
	b64 = (const char *)txt + 1 + MARK_LEN;
	slen = txt[0] - MARK_LEN;
	/* base64_decode() skips white space; a shadow value has none. */
	for (i = 0; i < slen; i++)
		if (b64[i] == ' ' || b64[i] == '\t' || b64[i] == '\r' ||
		    b64[i] == '\n')
			return -1;
	if (base64_decode(b64, slen, out, cap, lenp) == -1 ||
	    !shadow_rdata_ok(*lenp))
		return -1;
	return 0;
}

int
shadow_set(const struct rrset *txt, struct rrset **out)
{
	struct rr	 rrs[RRSET_MAXRR];
	uint8_t		*data;
	size_t		 i, len;
	int		 rv = 1;

	*out = NULL;
	if (txt->type != DNS_T_TXT || (txt->flags & RRSET_OPAQUE) ||
	    txt->nrr == 0 || txt->nrr > RRSET_MAXRR)
		return 1;
	if ((data = malloc((size_t)txt->nrr * SHADOW_RDATA_MAX)) == NULL)
		return -1;
	for (i = 0; i < txt->nrr; i++) {
		if (shadow_rdata(txt->rr[i].rdata, txt->rr[i].len,
		    data + i * SHADOW_RDATA_MAX, SHADOW_RDATA_MAX, &len) == -1)
			goto out;
		rrs[i].rdata = data + i * SHADOW_RDATA_MAX;
		rrs[i].len = (uint16_t)len;
		rrs[i].text = txt->rr[i].text;
	}
	*out = rrset_new(DNS_T_DHCID, txt->ttl, 0, NULL, rrs, txt->nrr);
	rv = *out == NULL ? -1 : 0;
out:
	free(data);
	return rv;
}
