/*
 * rate.c: the token bucket in front of every Route 53 request.
 */
#include <string.h>

#include "aws/rate.h"

/* Add the tokens earned since b->last; never more than the cap. */
static void
refill(struct rate *b, uint64_t now)
{
	uint64_t	dt, add;

	if (now <= b->last)
		return;
	dt = now - b->last;
	b->last = now;
	/* per_sec tokens/s is per_sec milli-tokens per ms. */
	if (dt >= b->cap / b->per_sec + 1) {
		b->milli = b->cap;
		return;
	}
	add = dt * b->per_sec;
	b->milli = b->cap - b->milli < add ? b->cap : b->milli + add;
}

void
rate_init(struct rate *b, unsigned per_sec, unsigned burst, uint64_t now)
{
	if (per_sec == 0)
		per_sec = 1;
	if (per_sec > RATE_MAX_PER_SEC)
		per_sec = RATE_MAX_PER_SEC;
	if (burst == 0)
		burst = per_sec;
	if (burst > RATE_MAX_PER_SEC)
		burst = RATE_MAX_PER_SEC;
	b->per_sec = per_sec;
	b->cap = (uint64_t)burst * 1000;
	b->milli = b->cap;
	b->last = now;
}

int
rate_take(struct rate *b, uint64_t now)
{
	refill(b, now);
	if (b->milli < 1000)
		return 0;
	b->milli -= 1000;
	return 1;
}

uint64_t
rate_ready(struct rate *b, uint64_t now)
{
	uint64_t	need;

	refill(b, now);
	if (b->milli >= 1000)
		return now;
	need = 1000 - b->milli;
	/* Round up: the token must be whole at the returned time. */
	return now + (need + b->per_sec - 1) / b->per_sec;
}

unsigned
rate_tokens(struct rate *b, uint64_t now)
{
	refill(b, now);
	return (unsigned)(b->milli / 1000);
}
