/*
 * rate.c: the token buckets in front of Route 53 requests and changes,
 * and their adaptation to throttling.  See rate.h.
 */
#include <string.h>

#include "aws/rate.h"

#define MICRO	1000000

/* One second's worth at the present rate, within [1 token, max_cap]. */
static int64_t
second_cap(const struct rate *b)
{
	int64_t	c = (int64_t)b->milli * 1000;

	if (c < MICRO)
		c = MICRO;
	return c < b->max_cap ? c : b->max_cap;
}

/*
 * Add the tokens earned since b->last at the rate in force then (never
 * more than the cap), then move the rate along its recovery line.
 */
static void
refill(struct rate *b, uint64_t now)
{
	uint64_t	dt, up, done;

	if (now <= b->last)
		return;
	dt = now - b->last;
	b->last = now;
	/* milli tokens per 1000 s is milli micro-tokens per ms. */
	if (b->micro >= b->cap)
		b->micro = b->cap;
	else if (dt > (uint64_t)(b->cap - b->micro) / b->milli)
		b->micro = b->cap;
	else
		b->micro += (int64_t)(dt * b->milli);
	if (!b->adapting)
		return;
	dt = now - b->low_at;
	up = dt >= RATE_RECOVER_MS ? b->max_milli :
	    b->max_milli * dt / RATE_RECOVER_MS;
	if (b->low_milli + up < b->max_milli) {
		b->milli = b->low_milli + up;
		b->cap = second_cap(b);
		if (b->micro > b->cap)
			b->micro = b->cap;
		return;
	}
	b->milli = b->max_milli;
	b->cap = b->max_cap;
	if (now - b->thr_at < RATE_QUIET_MS)
		return;
	/* When it ended: back at the rate and quiet, whichever came last. */
	done = b->low_at + ((b->max_milli - b->low_milli) * RATE_RECOVER_MS +
	    b->max_milli - 1) / b->max_milli;
	b->adapting = 0;
	b->ended = done > b->thr_at + RATE_QUIET_MS ? done :
	    b->thr_at + RATE_QUIET_MS;
}

void
rate_init(struct rate *b, unsigned per_sec, unsigned burst, uint64_t now)
{
	memset(b, 0, sizeof(*b));
	if (per_sec == 0)
		per_sec = 1;
	if (per_sec > RATE_MAX_PER_SEC)
		per_sec = RATE_MAX_PER_SEC;
	if (burst == 0)
		burst = per_sec;
	if (burst > RATE_MAX_PER_SEC)
		burst = RATE_MAX_PER_SEC;
	b->max_milli = b->milli = (uint64_t)per_sec * 1000;
	b->max_cap = b->cap = (int64_t)burst * MICRO;
	b->micro = b->cap;
	b->last = now;
}

void
rate_reserve(struct rate *b, unsigned n)
{
	b->reserve = (int64_t)(n > RATE_MAX_PER_SEC ? RATE_MAX_PER_SEC : n) *
	    MICRO;
}

/*
 * What a draw of n needs in the bucket: n tokens and the reserve, or a
 * full bucket.
 */
static int64_t
need(const struct rate *b, unsigned n)
{
	int64_t	want = (int64_t)(n == 0 ? 1 : n) * MICRO + b->reserve;

	return want < b->cap ? want : b->cap;
}

int
rate_take(struct rate *b, unsigned n, uint64_t now)
{
	refill(b, now);
	if (b->micro < need(b, n))
		return 0;
	b->micro -= (int64_t)(n == 0 ? 1 : n) * MICRO;
	return 1;
}

uint64_t
rate_ready(struct rate *b, unsigned n, uint64_t now)
{
	int64_t	want;

	refill(b, now);
	want = need(b, n);
	if (b->micro >= want)
		return now;
	/* Round up: the tokens must be whole at the returned time. */
	return now + ((uint64_t)(want - b->micro) + b->milli - 1) / b->milli;
}

unsigned
rate_tokens(struct rate *b, uint64_t now)
{
	refill(b, now);
	return b->micro <= 0 ? 0 : (unsigned)(b->micro / MICRO);
}

int
rate_throttled(struct rate *b, uint64_t now)
{
	int		 start;
	uint64_t	 low, floor;

	refill(b, now);
	if (now < b->last)
		now = b->last;
	if (b->micro > 0)
		b->micro = 0;
	start = !b->adapting;
	if (start) {
		b->adapting = 1;
		b->since = now;
		b->ended = 0;
		b->throttles = 0;
	}
	b->throttles++;
	b->thr_at = now;
	if (!start && now - b->low_at < RATE_HOLD_MS)
		return 0;
	floor = b->max_milli < RATE_MIN_MILLI ? b->max_milli : RATE_MIN_MILLI;
	low = b->milli * RATE_BETA_PCT / 100;
	b->low_milli = b->milli = low > floor ? low : floor;
	b->low_at = now;
	b->cap = second_cap(b);
	return start;
}

int
rate_adapting(struct rate *b, uint64_t now)
{
	refill(b, now);
	return b->adapting;
}

uint64_t
rate_milli(struct rate *b, uint64_t now)
{
	refill(b, now);
	return b->milli;
}
