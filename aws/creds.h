/*
 * creds.h: AWS credentials for signing Route 53 requests: the standard
 * chain of the AWS SDKs.
 *
 * Sources, in this order, the first that has credentials wins
 * (creds_init); settings "source" pins one of them instead:
 *   1. the owner's settings: access_key_id and secret_key (struct
 *      aws_settings, from the configuration);
 *   2. the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 *      optionally AWS_SESSION_TOKEN;
 *   3. web identity (EKS IRSA): AWS_ROLE_ARN and
 *      AWS_WEB_IDENTITY_TOKEN_FILE (AWS_ROLE_SESSION_NAME), STS
 *      AssumeRoleWithWebIdentity;
 *   4. a profile of the shared files: the settings' profile, else
 *      AWS_PROFILE, else "default"; the credentials file
 *      (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials, sections
 *      [NAME]) and the config file (AWS_CONFIG_FILE, else
 *      ~/.aws/config, sections [profile NAME] and [default]), the
 *      former winning for a key both hold.  In a profile: role_arn with
 *      web_identity_token_file (AssumeRoleWithWebIdentity), role_arn
 *      with source_profile (another profile, chained) or
 *      credential_source (Environment, EcsContainer,
 *      Ec2InstanceMetadata), with external_id, role_session_name and
 *      duration_seconds (STS AssumeRole); else credential_process; else
 *      aws_access_key_id, aws_secret_access_key, aws_session_token;
 *   5. the container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 *      (ECS, under the container_endpoint, http://169.254.170.2), else
 *      AWS_CONTAINER_CREDENTIALS_FULL_URI (EKS Pod Identity; plain http
 *      only to a loopback or the ECS and EKS link-local addresses) with
 *      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or
 *      AWS_CONTAINER_AUTHORIZATION_TOKEN;
 *   6. the EC2 instance metadata service, IMDSv2, only with "imds"
 *      (imds.h).
 * Files are read at creds_init() (before privileges are dropped); token
 * files again at each refresh (cfetch.h).
 *
 * Temporary credentials come from a chain of at most CREDS_STAGES
 * stages: the first has keys of its own (static, IMDS or a fetch), each
 * further one is an AssumeRole signed with the keys of the one before.
 * A stage is fetched again CREDS_REFRESH_S seconds before its keys
 * expire (half their life when that is shorter), one fetch at a time,
 * from the poll loop; the keys in use stay in use meanwhile.  A failed
 * fetch is retried with capped exponential backoff and jitter
 * (CREDS_RETRY_BASE_MS to CREDS_RETRY_CAP_MS), without end; an expired
 * or refused token is logged once per run of failures.  Keys past their
 * expiration are not handed out.
 *
 * A struct creds owns copies of the secrets; they are wiped when they
 * are replaced and by creds_free().  Nothing here logs a secret.
 *
 * Call order:
 *	creds_init			once, at start-up
 *	creds_get			any time; NULL while none are known
 *	creds_pollfds, creds_deadline, creds_step
 *					every loop pass (no-ops unless the
 *					credentials are fetched)
 *	creds_expired			when AWS says the token expired
 *	creds_free			once
 */
#ifndef R53D_AWS_CREDS_H
#define R53D_AWS_CREDS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <poll.h>

#include "aws/retry.h"
#include "aws/settings.h"
#include "aws/sigv4.h"

struct cfetch;
struct http_resolver;
struct http_tls_anchors;
struct imds;

#define CREDS_AKID_MAX		128
#define CREDS_SECRET_MAX	SIGV4_MAX_SECRET
#define CREDS_TOKEN_MAX		4096
#define CREDS_FILE_MAX		(64 * 1024)	/* a shared file */
#define CREDS_REFRESH_S		300	/* refresh this long before expiry */
#define CREDS_MIN_REFRESH_MS	2000	/* ... but never sooner than this */
#define CREDS_RETRY_BASE_MS	1000
#define CREDS_RETRY_CAP_MS	60000
#define CREDS_STAGES		4	/* keys and up to 3 roles chained */
#define CREDS_FDS_MAX		2	/* IMDS and one fetch */
#define CREDS_VALUE_MAX		2048	/* a value in a shared file */
#define CREDS_ECS_ENDPOINT	"http://169.254.170.2"

enum creds_source {
	CREDS_NONE,
	CREDS_CONFIG,
	CREDS_ENV,
	CREDS_WEBID,
	CREDS_FILE,		/* a profile of the shared files */
	CREDS_CONTAINER,
	CREDS_IMDS
};

/* A set of keys.  Strings are NUL-terminated; token "" for none. */
struct creds_keys {
	char		 akid[CREDS_AKID_MAX];
	char		 secret[CREDS_SECRET_MAX];
	char		 token[CREDS_TOKEN_MAX];
	time_t		 expiration;	/* wall clock; 0: does not expire */
};

/* One stage of the chain (see above). */
struct creds_stage {
	struct creds_keys	 keys;
	int			 have;
	struct sigv4_creds	 sv;		/* points into keys */
	struct cfetch		*fetch;		/* NULL: static or IMDS */
	uint64_t		 next_at;	/* fetch then; 0: never */
	unsigned		 failures;	/* in a row */
	int			 logged;	/* the failure is logged */
};

struct creds {
	enum creds_source	 source;
	int			 have;		/* keys are usable */
	struct creds_keys	 keys;
	struct sigv4_creds	 sv;		/* points into keys */
	struct imds		*imds;		/* stage 0 from IMDS, or NULL */
	struct creds_stage	 st[CREDS_STAGES];
	size_t			 nst;
	int			 busy;		/* stage fetching, or -1 */
	int			 pfetch;	/* creds_pollfds() slots */
	int			 pimds;
	uint64_t		 now;
	struct retry_rng	 rng;
	char			 where[160];	/* source, for messages */
};

/*
 * Find credentials (see above).  With the IMDS source nothing is known
 * yet: the first fetch starts at the first creds_step().  Returns 0,
 * or -1 after logging why (no source has credentials, an unreadable or
 * malformed shared file, a profile that is named but missing, a broken
 * role chain, or a fetch cannot be set up).  res and ta are the
 * resolver and trust anchors the fetches use (borrowed; they must
 * outlive c; ta may be NULL when no https fetch is needed).
 */
int	creds_init(struct creds *c, const struct aws_settings *aws,
	    struct http_resolver *res, const struct http_tls_anchors *ta);

/* Wipe the secrets, stop any IMDS exchange and free what it holds. */
void	creds_free(struct creds *c);

/* The credentials to sign with, or NULL while none are available. */
const struct sigv4_creds *creds_get(struct creds *c);

/*
 * The loop: wait on the pfd[] creds_pollfds() filled (at most
 * CREDS_FDS_MAX, their number returned) until creds_deadline() (0:
 * none), then creds_step() with the same array, revents set.
 */
size_t	creds_pollfds(struct creds *c, struct pollfd *pfd, size_t max);
uint64_t creds_deadline(const struct creds *c);
void	creds_step(struct creds *c, const struct pollfd *pfd, size_t n,
	    uint64_t now);

/*
 * AWS refused the keys in use as expired.  Returns 1 if new ones are
 * being fetched (creds_get() is NULL until they come), 0 if the source
 * cannot give new ones (static keys).  Logs once per set of keys.
 */
int	creds_expired(struct creds *c);

/* Whether the chain runs commands (credential_process). */
int	creds_runs_commands(const struct creds *c);

/* "configuration", "environment", "file ~/.aws/credentials [default]"... */
const char *creds_describe(const struct creds *c);

/*
 * The shared credentials file that creds_init() would read when neither
 * the settings nor the environment hold credentials (source 4), into
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

/*
 * Look up key in section [section] of an INI file in buf[0..len) (same
 * syntax as creds_parse_ini()).  Returns 0 with the trimmed value in
 * out (cap bytes), 1 if the key (or the section) is not there or its
 * value is empty, -1 if the file is malformed or the value too long or
 * holds a control character (*line then holds the line number).  With
 * key NULL, returns 0 if the section exists, else 1.
 */
int	creds_ini_get(const char *buf, size_t len, const char *section,
	    const char *key, char *out, size_t cap, int *line);

/*
 * Parse the output of a credential_process command: a flat JSON object
 * with "Version": 1, AccessKeyId, SecretAccessKey, optionally
 * SessionToken and Expiration; other members as creds_parse_imds().
 * Returns 0 with *k filled, or -1 with a static reason in *why.
 */
int	creds_parse_process(const char *buf, size_t len, struct creds_keys *k,
	    const char **why);

/*
 * Parse an STS Query answer in buf[0..len) (modified: aws/xml.h): an
 * AssumeRole or AssumeRoleWithWebIdentity response, whose
 * Result/Credentials hold AccessKeyId, SecretAccessKey, SessionToken and
 * Expiration (all required), or an ErrorResponse/Error with Code and
 * Message.  Returns 0 with *k filled, 1 for an error document with
 * code and msg filled (cut to fit), -1 if malformed with *why set.
 */
int	creds_parse_sts(char *buf, size_t len, struct creds_keys *k,
	    char *code, size_t codecap, char *msg, size_t msgcap,
	    const char **why);

/* Parse "YYYY-MM-DDTHH:MM:SS[.fff]Z" as UTC; -1 if malformed. */
time_t	creds_parse_time(const char *s);

#endif
