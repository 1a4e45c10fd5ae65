/*
 * creds.h: AWS credentials for signing Route 53 requests.
 *
 * Sources, first found wins (creds_init):
 *   1. the owner's settings: access_key_id and secret_key (struct
 *      aws_settings, from the configuration's access-key-id and
 *      secret-access-key-file);
 *   2. the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 *      optionally AWS_SESSION_TOKEN;
 *   3. the shared credentials file: AWS_SHARED_CREDENTIALS_FILE, else
 *      $HOME/.aws/credentials; section [AWS_PROFILE], else [default];
 *      keys aws_access_key_id, aws_secret_access_key and optionally
 *      aws_session_token;
 *   4. the EC2 instance metadata service, IMDSv2, only with "imds yes":
 *	PUT /latest/api/token	(X-aws-ec2-metadata-token-ttl-seconds)
 *	GET /latest/meta-data/iam/security-credentials/	-> role name
 *	GET /latest/meta-data/iam/security-credentials/ROLE -> JSON
 *      over plain HTTP to the imds_endpoint, driven by the poll loop,
 *      refreshed CREDS_REFRESH_S seconds before they expire and retried
 *      with backoff when the service fails.
 * Sources 1-3 are read once, at start-up, with blocking file reads.
 *
 * A struct creds owns copies of the secrets; they are wiped when they
 * are replaced and by creds_free().  Nothing here logs a secret.
 *
 * Call order:
 *	creds_init			once, at start-up
 *	creds_get			any time; NULL while none are known
 *	creds_pollfd, creds_deadline, creds_step
 *					every loop pass (no-ops unless IMDS)
 *	creds_free			once
 */
#ifndef R53D_AWS_CREDS_H
#define R53D_AWS_CREDS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <poll.h>

#include "aws/settings.h"
#include "aws/sigv4.h"

struct http_resolver;
struct imds;

#define CREDS_AKID_MAX		128
#define CREDS_SECRET_MAX	SIGV4_MAX_SECRET
#define CREDS_TOKEN_MAX		4096
#define CREDS_FILE_MAX		(64 * 1024)	/* shared credentials file */
#define CREDS_REFRESH_S		300	/* refresh this long before expiry */

enum creds_source {
	CREDS_NONE,
	CREDS_CONFIG,
	CREDS_ENV,
	CREDS_FILE,
	CREDS_IMDS
};

/* A set of keys.  Strings are NUL-terminated; token "" for none. */
struct creds_keys {
	char		 akid[CREDS_AKID_MAX];
	char		 secret[CREDS_SECRET_MAX];
	char		 token[CREDS_TOKEN_MAX];
	time_t		 expiration;	/* wall clock; 0: does not expire */
};

struct creds {
	enum creds_source	 source;
	int			 have;		/* keys are usable */
	struct creds_keys	 keys;
	struct sigv4_creds	 sv;		/* points into keys */
	struct imds		*imds;		/* NULL unless source IMDS */
	char			 where[128];	/* source, for messages */
};

/*
 * Find credentials (see above).  With the IMDS source nothing is known
 * yet: the first fetch starts at the first creds_step().  Returns 0,
 * or -1 after logging why (no source has credentials, an unreadable or
 * malformed credentials file, or IMDS set up failed).  res is the
 * resolver IMDS uses (borrowed; it must outlive c).
 */
int	creds_init(struct creds *c, const struct aws_settings *aws,
	    struct http_resolver *res);

/* Wipe the secrets, stop any IMDS exchange and free what it holds. */
void	creds_free(struct creds *c);

/* The credentials to sign with, or NULL while none are available. */
const struct sigv4_creds *creds_get(struct creds *c);

/*
 * The loop: wait on *pfd (fd -1: none) until creds_deadline() (0:
 * none), then creds_step() with its revents.  No-ops unless IMDS.
 */
void	creds_pollfd(struct creds *c, struct pollfd *pfd);
uint64_t creds_deadline(const struct creds *c);
void	creds_step(struct creds *c, short revents, uint64_t now);

/* "configuration", "environment", "file ~/.aws/credentials [default]"... */
const char *creds_describe(const struct creds *c);

/*
 * The shared credentials file that creds_init() would read when neither
 * the settings nor the environment hold credentials (source 3), into
 * buf: 0, or -1 when there is none (no HOME, or a path too long).
 * Reads the environment only; for checking its permissions (r53d -n).
 */
int	creds_file_path(char *buf, size_t size);

/*
 * ---- Parsers, exposed for tests ----
 */

/*
 * Read section [profile] of a shared credentials file held in buf[0..len)
 * into *k.  Lines are "key = value" (or ":"), "#" and ";" start comment
 * lines, keys are case-insensitive, values are trimmed.  Returns 0 if
 * the section has both an access key ID and a secret, 1 if it lacks
 * them or does not exist, -1 if the file is malformed or a value too
 * long (*line then holds the line number, when line is not NULL).
 */
int	creds_parse_ini(const char *buf, size_t len, const char *profile,
	    struct creds_keys *k, int *line);

/*
 * Parse the IMDS security-credentials JSON document in buf[0..len): a
 * flat object whose members AccessKeyId, SecretAccessKey, Token and
 * Expiration ("YYYY-MM-DDTHH:MM:SSZ") are strings; "Code", if present,
 * must be "Success".  Other members (strings, numbers, true, false,
 * null) are skipped; nested values are refused.  Returns 0 with *k
 * filled, or -1 with a static reason in *why.
 */
int	creds_parse_imds(const char *buf, size_t len, struct creds_keys *k,
	    const char **why);

/* Parse "YYYY-MM-DDTHH:MM:SS[.fff]Z" as UTC; -1 if malformed. */
time_t	creds_parse_time(const char *s);

#endif
