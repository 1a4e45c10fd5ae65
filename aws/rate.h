/*
 * rate.h: the request and change rate limiters for Route 53 calls.
 * Pure: no I/O, no clock; the caller passes monotonic milliseconds
 * (`now`) in, so tests can fix the clock.
 *
 * Token bucket.  A bucket holds at most `burst` tokens and gains
 * `per_sec` tokens per second, kept in millionths of a token so that any
 * rate from 0.001 to RATE_MAX_PER_SEC refills exactly.  It starts full.
 * A draw of n tokens goes when n tokens are there; a draw larger than the
 * burst goes when the bucket is full and leaves it in debt by the rest,
 * so that the long-run rate holds and such a draw is never refused for
 * ever.
 *
 * A reserve of r tokens (rate_reserve()) makes every draw wait until r
 * more than it takes are there (at most a full bucket): a client whose
 * bucket mirrors the server's stays a little behind it.
 *
 *	rate_init(&b, 10, 50, now);
 *	if (rate_take(&b, 1, now)) send; else wait until rate_ready(&b, 1, now)
 *
 * Adaptation (AIMD).  When the server throttles anyway (other callers
 * share the account), the owner calls rate_throttled(): the bucket is
 * emptied (the server's is) and the refill rate is multiplied by
 * RATE_BETA_PCT percent, at most once per RATE_HOLD_MS, never below
 * RATE_MIN_MILLI thousandths of a token per second; the burst shrinks to
 * one second's worth.  From each decrease the rate grows back linearly,
 * by the configured rate every RATE_RECOVER_MS, up to the configured
 * rate (burst restored).  The episode ends once the rate is back there
 * and RATE_QUIET_MS have passed since the last throttle, so that a
 * client sharing the account for a while makes one episode.  The first
 * throttle of an episode makes rate_throttled() return 1, so the owner
 * logs once per episode; rate_adapting() says whether one is going on.
 * Every function that takes `now` brings the bucket up to that time
 * first; a time earlier than the last one seen counts as that one.
 */
#ifndef R53D_AWS_RATE_H
#define R53D_AWS_RATE_H

#include <stdint.h>

#define RATE_MAX_PER_SEC	1000000	/* larger rates and bursts clamped */
#define RATE_BETA_PCT		70	/* decrease: rate * 0.7 */
#define RATE_HOLD_MS		1000	/* at most one decrease per second */
#define RATE_MIN_MILLI		500	/* never below 0.5 per second */
#define RATE_RECOVER_MS		10000	/* 0 to the configured rate */
#define RATE_QUIET_MS		5000	/* no throttle: the episode ends */

struct rate {
	int64_t		 micro;		/* tokens * 10^6; < 0: debt */
	int64_t		 cap;		/* burst now, * 10^6 */
	uint64_t	 milli;		/* refill now: tokens per 1000 s,
					   i.e. micro-tokens per ms */
	uint64_t	 last;		/* time of the last refill */
	int64_t		 max_cap;	/* as configured */
	uint64_t	 max_milli;	/* as configured */
	/* Adaptation; the last three stay readable after an episode. */
	int		 adapting;	/* an episode is going on */
	uint64_t	 low_milli;	/* the rate after the last decrease */
	uint64_t	 low_at;	/* its time */
	uint64_t	 thr_at;	/* the last throttle */
	uint64_t	 since;		/* the episode's first throttle */
	uint64_t	 ended;		/* when it ended (0: not yet) */
	unsigned	 throttles;	/* throttled answers in it */
	int64_t		 reserve;	/* * 10^6 */
};

/*
 * Start a full bucket: per_sec tokens a second, at most burst at once
 * (burst 0 means per_sec).  per_sec 0 is taken as 1.
 */
void		rate_init(struct rate *b, unsigned per_sec, unsigned burst,
		    uint64_t now);

/* Keep n tokens in reserve from now on (0: none, the default). */
void		rate_reserve(struct rate *b, unsigned n);

/* 1 if n tokens (n >= 1) were there and were taken, 0 if not. */
int		rate_take(struct rate *b, unsigned n, uint64_t now);

/*
 * The earliest time (>= now) at which rate_take() of n will succeed at
 * the present refill rate: now if it would already.
 */
uint64_t	rate_ready(struct rate *b, unsigned n, uint64_t now);

/* Whole tokens available now (0 in debt; for tests and logs). */
unsigned	rate_tokens(struct rate *b, uint64_t now);

/*
 * The server answered Throttling: adapt as above.  1 if this starts an
 * episode, 0 if one was going on.
 */
int		rate_throttled(struct rate *b, uint64_t now);

/* 1 while an episode goes on (the rate is below the configured one). */
int		rate_adapting(struct rate *b, uint64_t now);

/* The refill rate now, in thousandths of a token per second. */
uint64_t	rate_milli(struct rate *b, uint64_t now);

#endif
