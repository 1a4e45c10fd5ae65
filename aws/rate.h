/*
 * rate.h: the per-account request rate limiter and the retry policy for
 * Route 53 calls.  Pure: no I/O, no clock; the caller passes monotonic
 * milliseconds (`now`) in, so tests can fix the clock and the seed.
 *
 * Rate limiter.  One token bucket for the whole account stands in front
 * of every Route 53 request (first attempts, retries, GetChange polls,
 * listing pages).  It holds at most `burst` tokens and gains `per_sec`
 * tokens per second, kept in thousandths of a token so that any rate
 * from 1 to RATE_MAX_PER_SEC refills exactly.  A request may go when a
 * whole token is there.
 *
 *	rate_init(&b, 5, 5, now);
 *	if (rate_take(&b, now)) send; else wait until rate_ready(&b, now)
 *
 * Retry policy.  Throttling, PriorRequestNotComplete, HTTP 5xx and
 * network failures are transient (retry_transient()); anything else is
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
#ifndef R53D_AWS_RATE_H
#define R53D_AWS_RATE_H

#include <stdint.h>

#define RATE_MAX_PER_SEC	1000000	/* larger rates are clamped */

struct rate {
	uint64_t	 milli;		/* tokens * 1000, <= cap */
	uint64_t	 cap;		/* burst * 1000 */
	uint64_t	 per_sec;	/* tokens per second, >= 1 */
	uint64_t	 last;		/* time of the last refill */
};

/*
 * Start a full bucket: per_sec tokens a second, at most burst at once
 * (burst 0 means per_sec).  per_sec 0 is taken as 1.
 */
void		rate_init(struct rate *b, unsigned per_sec, unsigned burst,
		    uint64_t now);

/* 1 if a token was there and was taken, 0 if the caller must wait. */
int		rate_take(struct rate *b, uint64_t now);

/*
 * The earliest time (>= now) at which rate_take() will succeed: now if a
 * token is there already.
 */
uint64_t	rate_ready(struct rate *b, uint64_t now);

/* Whole tokens available now (for tests and logs). */
unsigned	rate_tokens(struct rate *b, uint64_t now);

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
