/*
 * aws/r53class.c: the names of the Route 53 client's operations and
 * outcomes, and which failures are transient; see r53.h.  Pure, so that
 * the fuzz harnesses' stand-in client (tests/fuzz/fakes.c) links these
 * rather than a copy.
 */
#include <stddef.h>

#include "aws/r53.h"
#include "aws/r53_impl.h"
#include "aws/retry.h"

/* By enum op_type. */
static const char *const opname[R53_NOPS] = {
	[OP_CHANGE] =		"ChangeResourceRecordSets",
	[OP_GET_CHANGE] =	"GetChange",
	[OP_LIST_RRSETS] =	"ListResourceRecordSets",
	[OP_LIST_ZONES] =	"ListHostedZonesByName",
	[OP_GET_ZONE] =		"GetHostedZone"
};

const char *
r53_op_name(size_t op)
{
	return op < R53_NOPS ? opname[op] : NULL;
}

int
r53_transient(const struct r53_result *res)
{
	return res->outcome != R53_SUCCESS &&
	    retry_transient(res->status, res->code);
}

const char *
r53_outcome_name(enum r53_outcome o)
{
	switch (o) {
	case R53_SUCCESS:
		return "success";
	case R53_AWS_ERROR:
		return "error";
	case R53_FAILURE:
		return "failure";
	case R53_UNKNOWN:
		return "unknown";
	}
	return "?";
}
