/*
 * fuzz_xml.c: libFuzzer harness for the XML reader and the Route 53
 * response parsers.  Each input is copied into a fresh heap buffer of
 * exactly its size (so ASan sees any read or write past the end) before
 * each parser, since the parsers decode in place.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/r53msg.h"
#include "aws/xml.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
rr_cb(void *arg, const struct r53_rrset *rr)
{
	size_t	i, *total = arg;

	/* Touch everything handed out. */
	*total += strlen(rr->name) + strlen(rr->type) + strlen(rr->routing);
	for (i = 0; i < rr->nvalues; i++)
		*total += strlen(rr->values[i]);
	if (rr->set_identifier != NULL)
		*total += strlen(rr->set_identifier);
	if (rr->alias_dns_name != NULL)
		*total += strlen(rr->alias_dns_name) +
		    strlen(rr->alias_zone_id);
	return 0;
}

static int
zone_cb(void *arg, const struct r53_zone *z)
{
	size_t	*total = arg;

	*total += strlen(z->id) + strlen(z->name);
	if (z->comment != NULL)
		*total += strlen(z->comment);
	return 0;
}

/* A failure says why, in one line; a success says nothing. */
static void
check_why(int rc, const struct r53_why *why)
{
	size_t	i, n = strnlen(why->text, sizeof(why->text));

	if (n == sizeof(why->text))
		abort();
	if ((rc == R53_OK || rc == R53_EABORT) != (n == 0))
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)why->text[i] < 0x20 || why->text[i] == 0x7f)
			abort();
}

static char *
copy(const uint8_t *data, size_t size)
{
	char	*b = malloc(size > 0 ? size : 1);

	if (b == NULL)
		abort();
	if (size > 0)
		memcpy(b, data, size);
	return b;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct r53_rrset_page	rp;
	struct r53_zone_page	zp;
	struct r53_change_info	ci;
	struct r53_zone		z;
	struct r53_error	e;
	struct r53_why		why;
	struct xml		x;
	size_t			total = 0, steps = 0;
	char			*b;
	int			tok, rc;

	b = copy(data, size);
	xml_init(&x, b, size);
	while ((tok = xml_next(&x)) != XML_EOF && tok != XML_ERROR) {
		if (tok == XML_TEXT && (x.text[x.textlen] != '\0' ||
		    memchr(x.text, '\0', x.textlen) != NULL))
			abort();	/* text is a NUL-terminated string */
		if (++steps > 2 * size + 2)
			abort();	/* every token consumes input */
	}
	free(b);

	b = copy(data, size);
	rc = r53_parse_list_rrsets(b, size, rr_cb, &total, &rp, &why);
	check_why(rc, &why);
	free(b);
	b = copy(data, size);
	rc = r53_parse_list_zones_by_name(b, size, zone_cb, &total, &zp,
	    &why);
	check_why(rc, &why);
	free(b);
	b = copy(data, size);
	if ((rc = r53_parse_get_zone(b, size, &z, &why)) == R53_OK)
		total += strlen(z.id) + strlen(z.name);
	check_why(rc, &why);
	free(b);
	b = copy(data, size);
	if ((rc = r53_parse_change_info(b, size, &ci, &why)) == R53_OK &&
	    strlen(ci.id) > R53_ID_MAX)
		abort();
	check_why(rc, &why);
	free(b);
	b = copy(data, size);
	if ((rc = r53_parse_error(b, size, &e, &why)) == R53_OK &&
	    strlen(e.message) >= sizeof(e.message))
		abort();
	check_why(rc, &why);
	free(b);
	return total == (size_t)-1;
}
