/*
 * cfetch.h: one fetch of temporary AWS credentials from a source that
 * hands them out on request, driven by the poll loop.  Used by creds.c
 * (and credsfile.c, which describes the fetches a profile names) only;
 * creds.c decides when to fetch (refresh) and chains the results.
 *
 * Kinds:
 *   CFETCH_ASSUME_ROLE	STS AssumeRole, Query protocol over https,
 *			signed (SigV4, service "sts") with the source
 *			credentials given to cfetch_start():
 *			  POST /  Action=AssumeRole&Version=2011-06-15
 *			  &RoleArn=..&RoleSessionName=..&DurationSeconds=..
 *			  [&ExternalId=..]
 *   CFETCH_WEB_IDENTITY	STS AssumeRoleWithWebIdentity, unsigned: the
 *			token read from token_file is the authentication.
 *			The file is read again at every fetch (Kubernetes
 *			rotates it); when it cannot be read then, the copy
 *			read by cfetch_new() is sent and this is logged once.
 *   CFETCH_CONTAINER	GET url (ECS and EKS Pod Identity), with the
 *			header "Authorization: TOKEN" when a token (or a
 *			token file, read again at every fetch) is set;
 *			the answer is the JSON document IMDS gives.
 *   CFETCH_PROCESS	credential_process: "/bin/sh -c COMMAND" with
 *			stdin /dev/null, its standard output read without
 *			blocking, at most CFETCH_PROC_MAX bytes within
 *			CFETCH_PROC_MS (else it is killed); the JSON
 *			document {"Version":1,"AccessKeyId":..,
 *			"SecretAccessKey":..,"SessionToken":..,
 *			"Expiration":..}, exit status 0.
 * STS answers are read with aws/xml.h (creds_parse_sts()); an STS error
 * ExpiredToken, ExpiredTokenException or InvalidIdentityToken makes the
 * fetch end in CFETCH_EXPIRED rather than CFETCH_FAILED.
 *
 * Call order: cfetch_new() (at start-up: it reads the token file, and
 * sets up its connection); then any number of times cfetch_start(),
 * and every loop pass cfetch_pollfd(), cfetch_deadline(), cfetch_step()
 * until cfetch_state() is no longer CFETCH_BUSY, then cfetch_take();
 * cfetch_free() once.  Between fetches nothing is held open.
 */
#ifndef R53D_AWS_CFETCH_H
#define R53D_AWS_CFETCH_H

#include <stdint.h>

#include <poll.h>

struct creds_keys;
struct http_resolver;
struct http_tls_anchors;
struct sigv4_creds;
struct cfetch;

#define CFETCH_MAXRESP		(64 * 1024)	/* an STS or container answer */
#define CFETCH_PROC_MAX		(64 * 1024)	/* credential_process output */
#define CFETCH_PROC_MS		30000		/* ... and its time */
#define CFETCH_TOKEN_MAX	(20 * 1024)	/* a web identity token */

enum cfetch_kind {
	CFETCH_ASSUME_ROLE,
	CFETCH_WEB_IDENTITY,
	CFETCH_CONTAINER,
	CFETCH_PROCESS
};

enum cfetch_state {
	CFETCH_IDLE,		/* nothing started, or the result taken */
	CFETCH_BUSY,
	CFETCH_OK,		/* keys to take */
	CFETCH_FAILED,		/* cfetch_why() says why */
	CFETCH_EXPIRED		/* a token has expired or is refused */
};

/* What to fetch.  Strings are borrowed for cfetch_new() only. */
struct cfetch_spec {
	enum cfetch_kind	 kind;
	const char		*url;		/* STS endpoint, container URL */
	const char		*region;	/* STS signing region */
	const char		*role_arn;
	const char		*session_name;	/* NULL: "r53d" */
	const char		*external_id;	/* NULL: none */
	unsigned		 duration;	/* seconds; 0: STS's default */
	const char		*token_file;	/* web identity, container */
	const char		*token;		/* container, without a file */
	const char		*command;	/* credential_process */
};

/* NULL after logging why (bad URL, unreadable token file, no memory). */
struct cfetch	*cfetch_new(const struct cfetch_spec *spec,
		    struct http_resolver *res,
		    const struct http_tls_anchors *ta);
void		 cfetch_free(struct cfetch *f);

/*
 * Start a fetch; signer signs AssumeRole (ignored by the other kinds).
 * Returns 0, or -1 when it cannot start (the state is then
 * CFETCH_FAILED with a reason).
 */
int		 cfetch_start(struct cfetch *f, const struct sigv4_creds *signer,
		    uint64_t now);

void		 cfetch_pollfd(struct cfetch *f, struct pollfd *pfd);
uint64_t	 cfetch_deadline(const struct cfetch *f);
void		 cfetch_step(struct cfetch *f, short revents, uint64_t now);

enum cfetch_state cfetch_state(const struct cfetch *f);

/*
 * After CFETCH_OK: *k receives the keys (the internal copy is wiped).
 * After any end the state goes back to CFETCH_IDLE.
 */
void		 cfetch_take(struct cfetch *f, struct creds_keys *k);

/* Why the last fetch failed (a sentence), and what this fetch is. */
const char	*cfetch_why(const struct cfetch *f);
const char	*cfetch_describe(const struct cfetch *f);

#endif
