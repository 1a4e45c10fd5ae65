/*
 * partition.h: the AWS partitions r53d knows, and where Route 53 is in
 * each: the host of its API endpoint (standard, FIPS, dual-stack), the
 * region requests are signed for, and the partition's DNS suffix, from
 * which the endpoints of other AWS services in it are formed.
 *
 * Sources (see r53d(8)): the AWS General Reference, "Amazon Route 53
 * endpoints and quotas"; botocore's endpoints.json (route53 entries
 * aws-global, aws-cn-global and aws-us-gov-global, with their "fips"
 * variants and credentialScope regions).  A variant no source names
 * is NULL: r53d never guesses a host.
 *
 * The table is static and read-only; every pointer stays valid for the
 * life of the program.  No I/O, no allocation.
 */
#ifndef R53D_AWS_PARTITION_H
#define R53D_AWS_PARTITION_H

struct partition {
	const char	*name;		/* "aws", "aws-cn", "aws-us-gov" */
	const char	*dns_suffix;	/* "amazonaws.com", "amazonaws.com.cn" */
	const char	*host;		/* route53.amazonaws.com */
	const char	*fips_host;	/* NULL: no FIPS endpoint */
	const char	*dualstack_host; /* NULL: none documented */
	const char	*region;	/* the region to sign for */
};

/* The partition of this name (case-insensitive), or NULL. */
const struct partition	*partition_find(const char *name);

/* The commercial partition, "aws": what is meant when none is named. */
const struct partition	*partition_default(void);

/* The names, for messages: "aws, aws-cn, aws-us-gov". */
const char		*partition_names(void);

#endif
