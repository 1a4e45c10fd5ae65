/*
 * aws/r53msg_impl.h: what aws/r53req.c (request bodies and paths) and
 * aws/r53resp.c (response parsing) share.  Private to those two files;
 * everything else uses aws/r53msg.h.
 */
#ifndef R53D_AWS_R53MSG_IMPL_H
#define R53D_AWS_R53MSG_IMPL_H

#include <stddef.h>

/*
 * Characters in t as Route 53 counts them: the bytes that do not continue
 * a UTF-8 sequence (exact for valid UTF-8, which the XML reader has
 * already checked in responses).
 */
static inline size_t
chars_of(const char *t)
{
	size_t	n = 0;

	for (; *t != '\0'; t++)
		if (((unsigned char)*t & 0xc0) != 0x80)
			n++;
	return n;
}

#endif
