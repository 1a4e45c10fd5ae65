/*
 * fuzz_xmlesc.c: libFuzzer harness for the XML escaping of client
 * values in ChangeResourceRecordSets bodies (aws/r53req.c), read back by
 * the XML reader (aws/xml.c).
 *
 * Input: an octet of flags (bits 0-1 the action, 2-3 the number of
 * values less one, 4 a comment), an octet choosing the type (the table
 * below, or a made-up one), four octets of TTL, then NUL-separated
 * strings: the name, the values, the comment.  They come straight from
 * the input, as an UPDATE's TXT and CAA values or a key's text do.
 *
 * Invariants: a body r53_change_batch_xml() writes is well formed and
 * gives every string back exactly (tests/fuzz/xmlcheck.h); strings of
 * printable ASCII within Route 53's limits are never refused; a body is
 * never longer than the buffer says.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/r53msg.h"
#include "xmlcheck.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const types[] = {
	"A", "AAAA", "TXT", "CAA", "MX", "SPF", "NAPTR", "SRV", "CNAME",
	"TYPE65280", "a", "", "TXT ", "SOA", "HTTPS", "TLSA",
};

/* Printable ASCII, 1..max characters. */
static int
plain(const char *s, size_t max)
{
	size_t	n;

	for (n = 0; s[n] != '\0'; n++)
		if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] > 0x7e)
			return 0;
	return n >= 1 && n <= max;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct r53_change	 c;
	const char		*vals[4], *comment = NULL, *s[6];
	char			*buf, *str;
	size_t			 ns = 0, nv, i, cap = 4 * 256 * 1024;
	int			 len, ok;

	if (size < 6)
		return 0;
	if ((str = malloc(size - 6 + 1)) == NULL ||
	    (buf = malloc(cap)) == NULL)
		abort();
	memcpy(str, data + 6, size - 6);
	str[size - 6] = '\0';
	/* Split at NULs: the last string ends at the input's end. */
	s[ns++] = str;
	for (i = 0; i < size - 6 && ns < 6; i++)
		if (str[i] == '\0')
			s[ns++] = str + i + 1;
	nv = (size_t)(data[0] >> 2 & 3) + 1;
	memset(&c, 0, sizeof(c));
	c.action = (data[0] & 3) == 1 ? R53_DELETE : (data[0] & 3) == 2 ?
	    R53_UPSERT : R53_CREATE;
	c.type = types[data[1] % (sizeof(types) / sizeof(types[0]))];
	c.ttl = (uint32_t)data[2] << 24 | (uint32_t)data[3] << 16 |
	    (uint32_t)data[4] << 8 | data[5];
	c.name = s[0];
	for (i = 0; i < nv; i++)
		vals[i] = 1 + i < ns ? s[1 + i] : "v";
	c.values = vals;
	c.nvalues = nv;
	if (data[0] & 16)
		comment = 1 + nv < ns ? s[1 + nv] : "";
	len = r53_change_batch_xml(buf, cap, comment, &c, 1);
	if (len >= 0) {
		if ((size_t)len >= cap)
			abort();
		xmlcheck_batch(buf, (size_t)len, comment, &c, 1);
	} else {
		/* Plain text within the limits is never refused. */
		ok = plain(c.name, 255) && c.ttl <= R53_TTL_MAX &&
		    (comment == NULL || (comment[0] == '\0' ||
		    plain(comment, 256)));
		for (i = 0; i < nv; i++)
			ok = ok && plain(vals[i], 4000);
		if (ok && (c.type == types[0] || c.type == types[2] ||
		    c.type == types[9]))
			abort();
	}
	free(buf);
	free(str);
	return 0;
}
