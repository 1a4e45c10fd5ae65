/*
 * settings.h: what the aws/ engines are told by their owner: where Route
 * 53 is, how to sign for it, which credentials to use and how fast to
 * go.  The owner fills it from its own configuration; aws/ never sees
 * that configuration.  Every string is the owner's, NUL-terminated, and
 * needs to live only during the call it is passed to (r53_new(),
 * creds_init()); NULL and "" both mean "not set".
 */
#ifndef R53D_AWS_SETTINGS_H
#define R53D_AWS_SETTINGS_H

/* Which credential source to use: the chain (creds.h), or one alone. */
enum aws_creds_pin {
	AWS_CREDS_CHAIN = 0,
	AWS_CREDS_CONFIG,
	AWS_CREDS_ENV,
	AWS_CREDS_WEBID,
	AWS_CREDS_PROFILE,
	AWS_CREDS_CONTAINER,
	AWS_CREDS_IMDS
};

struct aws_settings {
	const char	*endpoint;	/* https://route53.amazonaws.com */
	const char	*region;	/* signing region; default us-east-1 */
	/*
	 * The partition (aws/partition.h) the account is in: "aws",
	 * "aws-cn" or "aws-us-gov", and its DNS suffix, "amazonaws.com"
	 * or "amazonaws.com.cn", for the endpoints of other services
	 * (https://sts.REGION.SUFFIX).  Route 53's own endpoint and
	 * region are above, already chosen for the partition.
	 */
	const char	*partition;
	const char	*dns_suffix;
	const char	*ca_file;	/* trust anchors; default the system's */
	const char	*access_key_id;	/* with secret_key: configured keys */
	const char	*secret_key;	/* a secret: never logged */
	unsigned	 rate;		/* API requests per second */
	unsigned	 burst;		/* requests at once; 0: rate */
	unsigned	 change_rate;	/* record changes/s; 0: no limit */
	unsigned	 change_burst;	/* changes at once; 0: change_rate */
	int		 imds;		/* 1: the instance metadata service */
	const char	*imds_endpoint;	/* its http:// URL */
	enum aws_creds_pin pin;		/* 0: the whole chain */
	const char	*profile;	/* of the shared files; before AWS_PROFILE */
	const char	*sts_endpoint;	/* default https://sts.REGION.SUFFIX */
	const char	*container_endpoint; /* for RELATIVE_URI; default ECS's */
};

#endif
