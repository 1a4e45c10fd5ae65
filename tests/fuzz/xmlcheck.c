/*
 * xmlcheck.c: read a change batch body back; see xmlcheck.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "xmlcheck.h"

static const char *
action_text(enum r53_action a)
{
	switch (a) {
	case R53_CREATE:
		return "CREATE";
	case R53_DELETE:
		return "DELETE";
	case R53_UPSERT:
		return "UPSERT";
	}
	abort();
}

void
xmlcheck_batch(const char *xml, size_t len, const char *comment,
    const struct r53_change *c, size_t n)
{
	struct xml	 x;
	char		*b, elem[XML_MAX_NAME + 1], ttl[16];
	const char	*want;
	size_t		 ci = 0, vi = 0, ncomment = 0, nvalues = 0;
	int		 tok, inchange = 0;

	if (strlen(xml) != len)
		abort();
	if ((b = malloc(len + 1)) == NULL)
		abort();
	memcpy(b, xml, len + 1);
	xml_init(&x, b, len);
	elem[0] = '\0';
	while ((tok = xml_next(&x)) != XML_EOF) {
		switch (tok) {
		case XML_ERROR:
			abort();	/* not well formed */
		case XML_START:
			if (x.namelen > XML_MAX_NAME)
				abort();
			memcpy(elem, x.name, x.namelen);
			elem[x.namelen] = '\0';
			if (strcmp(elem, "Change") == 0) {
				if (inchange || ci >= n)
					abort();
				inchange = 1;
				vi = 0;
			}
			break;
		case XML_END:
			if (xml_is(&x, "Change")) {
				if (vi != c[ci].nvalues)
					abort();
				nvalues += vi;
				inchange = 0;
				ci++;
			}
			elem[0] = '\0';
			break;
		case XML_TEXT:
			want = NULL;
			if (strcmp(elem, "Comment") == 0) {
				want = comment;
				ncomment++;
			} else if (!inchange)
				break;
			else if (strcmp(elem, "Action") == 0)
				want = action_text(c[ci].action);
			else if (strcmp(elem, "Name") == 0)
				want = c[ci].name;
			else if (strcmp(elem, "Type") == 0)
				want = c[ci].type;
			else if (strcmp(elem, "TTL") == 0) {
				snprintf(ttl, sizeof(ttl), "%u",
				    (unsigned)c[ci].ttl);
				want = ttl;
			} else if (strcmp(elem, "Value") == 0) {
				if (vi >= c[ci].nvalues)
					abort();
				want = c[ci].values[vi++];
			} else
				break;
			/* Every text as given: the escaping round trip. */
			if (want == NULL || strlen(want) != x.textlen ||
			    memcmp(want, x.text, x.textlen) != 0)
				abort();
			break;
		}
	}
	if (ci != n || ncomment != (comment != NULL && *comment != '\0'))
		abort();
	(void)nvalues;
	free(b);
}
