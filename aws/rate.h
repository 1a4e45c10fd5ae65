/*
 * rate.h: the per-account request rate limiter for Route 53 calls.
 * Pure: no I/O, no clock; the caller passes monotonic milliseconds
 * (`now`) in, so tests can fix the clock.
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

#endif
