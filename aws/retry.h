/*
 * retry.h: the retry policy for Route 53 and IMDS calls.  Pure: no I/O,
 * no clock; the caller passes monotonic milliseconds in, so tests can fix
 * the clock and the seed.
 *
 * Throttling, PriorRequestNotComplete, HTTP 5xx and network failures
 * are transient (retry_transient()); anything else is
 * final.  A transient failure waits a capped exponential backoff with
 * full jitter: the n-th retry (n = 1, 2, ...) waits a uniformly random
 * time in [0, min(cap, base * 2^(n-1))] milliseconds.  An operation
 * stops retrying after max_attempts attempts in all, or when the next
 * attempt would start after its deadline.
 *
 *	struct retry_policy pol = { 100, 20000, 5 };
 *	struct retry r; retry_start(&r, now, deadline);
 *	... attempt fails transiently ...
 *	if (retry_next(&pol, &r, &rng, now, &when) == 0) wait until when;
 *	else give up: report the last error.
 *
 * The jitter comes from a small deterministic generator (splitmix64)
 * owned by the caller; it is not meant for cryptography.
 */
#ifndef R53D_AWS_RETRY_H
#define R53D_AWS_RETRY_H

#include <stdint.h>

struct retry_policy {
	unsigned	 base_ms;	/* first retry waits up to this */
	unsigned	 cap_ms;	/* no wait is longer than this */
	unsigned	 max_attempts;	/* first attempt included; 0: 1 */
};

#define RETRY_BASE_MS		100
#define RETRY_CAP_MS		20000
#define RETRY_MAX_ATTEMPTS	8

/* One operation's retry state. */
struct retry {
	unsigned	 attempts;	/* attempts started so far */
	uint64_t	 deadline;	/* absolute; 0 for none */
};

/* A splitmix64 generator; any seed is fine. */
struct retry_rng {
	uint64_t	 s;
};

void		retry_seed(struct retry_rng *g, uint64_t seed);
/* A uniformly distributed value in [0, bound] (bound < 2^63). */
uint64_t	retry_rand(struct retry_rng *g, uint64_t bound);

/* A new operation: no attempt made yet; deadline 0 for none. */
void		retry_start(struct retry *r, uint64_t deadline);

/* Record that an attempt is being sent (counts it). */
void		retry_attempt(struct retry *r);

/*
 * The upper bound of the wait before retry number n (n >= 1):
 * min(cap, base * 2^(n-1)).
 */
uint64_t	retry_ceiling(const struct retry_policy *p, unsigned n);

/*
 * After a transient failure of the last attempt: 0 and *when set to the
 * absolute time of the next attempt (now + jittered backoff), or -1 when
 * the attempts are used up or *when would pass the deadline.
 */
int		retry_next(const struct retry_policy *p, struct retry *r,
		    struct retry_rng *g, uint64_t now, uint64_t *when);

/*
 * 1 if a failure is transient and worth retrying: status 0 (no HTTP
 * answer: a network failure or timeout), any 5xx, or a Route 53 error
 * code Throttling, ThrottlingException, PriorRequestNotComplete or
 * RequestExpired (code may be NULL).  0 otherwise.  The only list of
 * transient failures: r53_transient() uses it too.
 */
int		retry_transient(int status, const char *code);

#endif
