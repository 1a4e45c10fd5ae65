/*
 * imds.h: credentials from the EC2 instance metadata service (IMDSv2),
 * fetched and refreshed from the poll loop.  Used by creds.c only.
 *
 * One fetch is three plain-HTTP requests on one kept-alive connection:
 *	PUT /latest/api/token		X-aws-ec2-metadata-token-ttl-seconds
 *	GET /latest/meta-data/iam/security-credentials/		role name
 *	GET /latest/meta-data/iam/security-credentials/ROLE	JSON keys
 * the two GETs carrying X-aws-ec2-metadata-token.  The first fetch
 * starts at the first imds_step(); the next one CREDS_REFRESH_S seconds
 * before the keys expire (never sooner than IMDS_MIN_REFRESH_MS).  A
 * failed fetch is retried with capped exponential backoff and jitter
 * (IMDS_RETRY_BASE_MS to IMDS_RETRY_CAP_MS), without end; keys already
 * fetched stay in use meanwhile.  IMDS calls are not rate limited.
 *
 * The struct is allocated by imds_new() and owns its connection.
 */
#ifndef R53D_AWS_IMDS_H
#define R53D_AWS_IMDS_H

#include <stdint.h>

#include <poll.h>

struct creds_keys;
struct http_resolver;
struct imds;

#define IMDS_TOKEN_TTL_S	21600
#define IMDS_MIN_REFRESH_MS	2000
#define IMDS_RETRY_BASE_MS	500
#define IMDS_RETRY_CAP_MS	60000

/*
 * A fetcher for the service at url (http only; res is borrowed and must
 * outlive it).  NULL after logging why.
 */
struct imds	*imds_new(const char *url, struct http_resolver *res);
void		 imds_free(struct imds *m);

/*
 * The loop: wait on *pfd (fd -1: none) until imds_deadline() (0: none),
 * then imds_step() with the revents poll(2) gave (0 after a timeout).
 */
void		 imds_pollfd(struct imds *m, struct pollfd *pfd);
uint64_t	 imds_deadline(const struct imds *m);
void		 imds_step(struct imds *m, short revents, uint64_t now);

/*
 * 1 and *k filled (the internal copy is wiped) if keys were fetched
 * since the last call; 0 otherwise.
 */
int		 imds_take(struct imds *m, struct creds_keys *k);

/* Fetch again at the next step (the keys were refused as expired). */
void		 imds_kick(struct imds *m);

/* Completed fetches so far (tests and logs). */
unsigned long	 imds_fetches(const struct imds *m);

#endif
