/*
 * partition.c: the AWS partitions and Route 53's endpoints in them.
 * See partition.h.
 */
#include <stddef.h>
#include <strings.h>

#include "aws/partition.h"

static const struct partition partitions[] = {
	/*
	 * General Reference: sign for us-east-1; IPv4 endpoint
	 * route53.amazonaws.com, dual-stack route53.global.api.aws.
	 * endpoints.json: "fips" variant route53-fips.amazonaws.com.
	 */
	{ "aws", "amazonaws.com", "route53.amazonaws.com",
	    "route53-fips.amazonaws.com", "route53.global.api.aws",
	    "us-east-1" },
	/*
	 * General Reference: sign for cn-northwest-1 in the Beijing and
	 * Ningxia Regions.  endpoints.json: route53.amazonaws.com.cn, no
	 * "fips" variant; no dual-stack host is documented.
	 */
	{ "aws-cn", "amazonaws.com.cn", "route53.amazonaws.com.cn",
	    NULL, NULL, "cn-northwest-1" },
	/*
	 * endpoints.json: route53.us-gov.amazonaws.com signed for
	 * us-gov-west-1, and its "fips" variant is the same host.
	 */
	{ "aws-us-gov", "amazonaws.com", "route53.us-gov.amazonaws.com",
	    "route53.us-gov.amazonaws.com", NULL, "us-gov-west-1" }
};

const struct partition *
partition_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(partitions) / sizeof(partitions[0]); i++)
		if (strcasecmp(partitions[i].name, name) == 0)
			return &partitions[i];
	return NULL;
}

const struct partition *
partition_default(void)
{
	return &partitions[0];
}

const char *
partition_names(void)
{
	return "aws, aws-cn, aws-us-gov";
}
