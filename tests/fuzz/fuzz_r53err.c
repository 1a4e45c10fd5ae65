/*
 * fuzz_r53err.c: libFuzzer harness for Route 53's error answers to a
 * change batch: the error document (r53_parse_error(), both the
 * ErrorResponse form and the InvalidChangeBatch form with its list of
 * messages) and what batch.c reads from the message, the names of the
 * changes that failed ("name='x.'", "DNS name x."), which it reads
 * again.  batch.c is included for that static function.
 *
 * The input is the document, in a buffer of exactly its size.  When it
 * parses, its message (and then the input itself, as text) is searched
 * for names.  Invariants: code, type, message and request ID are
 * NUL-terminated within their arrays; at most the names asked for are
 * returned, each a well-formed name, lowercased, none twice, and each
 * goes to Route 53's text and back unchanged.
 */
#include "../../batch.c"

#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_names(const char *msg)
{
	uint8_t	 names[MIRROR_REREAD_MAX + 1][DNS_NAME_MAX];
	uint8_t	 back[DNS_NAME_MAX], low[DNS_NAME_MAX];
	char	 t[DNS_NAME_TEXTMAX];
	size_t	 n, i, j, l;

	memset(names[MIRROR_REREAD_MAX], 0xa5, DNS_NAME_MAX);
	n = names_in_message(msg, names, MIRROR_REREAD_MAX);
	if (n > MIRROR_REREAD_MAX || names[MIRROR_REREAD_MAX][0] != 0xa5)
		abort();
	for (i = 0; i < n; i++) {
		l = name_len(names[i], DNS_NAME_MAX);
		if (l == 0 || l > DNS_NAME_MAX)
			abort();
		memcpy(low, names[i], l);
		name_lower(low);
		if (memcmp(low, names[i], l) != 0)
			abort();
		for (j = 0; j < i; j++)
			if (name_equal(names[j], names[i]))
				abort();
		if (name_to_r53(names[i], t, sizeof(t)) == -1 ||
		    name_from_r53n(t, strlen(t), back, NULL) == -1 ||
		    !name_equal(back, names[i]))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct r53_error	 e;
	struct r53_why		 why;
	char			*b;

	if ((b = malloc(size + 1)) == NULL)
		abort();
	memcpy(b, data, size);
	if (r53_parse_error(b, size, &e, &why) == R53_OK) {
		if (memchr(e.code, '\0', sizeof(e.code)) == NULL ||
		    memchr(e.type, '\0', sizeof(e.type)) == NULL ||
		    memchr(e.message, '\0', sizeof(e.message)) == NULL ||
		    memchr(e.request_id, '\0', sizeof(e.request_id)) == NULL)
			abort();
		check_names(e.message);
	}
	memcpy(b, data, size);
	b[size] = '\0';
	check_names(b);
	free(b);
	return 0;
}
