/*
 * xmlcheck.h: the check harnesses make of a ChangeResourceRecordSets
 * body (r53_change_batch_xml()): read back with the XML reader
 * (aws/xml.c), it must be well formed and hold exactly the changes
 * c[0..n) and the comment (NULL: none), every text as it was given.
 * Aborts otherwise.
 */
#ifndef R53D_TESTS_FUZZ_XMLCHECK_H
#define R53D_TESTS_FUZZ_XMLCHECK_H

#include <stddef.h>

#include "aws/r53msg.h"

void	xmlcheck_batch(const char *xml, size_t len, const char *comment,
	    const struct r53_change *c, size_t n);

#endif
