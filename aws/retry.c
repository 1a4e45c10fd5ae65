/*
 * retry.c: capped exponential backoff with full jitter, and the one list
 * of transient failures.  See retry.h.
 */
#include <string.h>

#include "aws/retry.h"

void
retry_seed(struct retry_rng *g, uint64_t seed)
{
	g->s = seed;
}

/* splitmix64 (Steele, Lea and Flood, 2014). */
static uint64_t
next64(struct retry_rng *g)
{
	uint64_t	z;

	z = (g->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t
retry_rand(struct retry_rng *g, uint64_t bound)
{
	uint64_t	range, lim, v;

	if (bound == 0)
		return 0;
	range = bound + 1;
	/* Reject the top partial range so every value is equally likely. */
	lim = UINT64_MAX - UINT64_MAX % range;
	do
		v = next64(g);
	while (v >= lim);
	return v % range;
}

void
retry_start(struct retry *r, uint64_t deadline)
{
	r->attempts = 0;
	r->deadline = deadline;
}

void
retry_attempt(struct retry *r)
{
	r->attempts++;
}

uint64_t
retry_ceiling(const struct retry_policy *p, unsigned n)
{
	uint64_t	c;
	unsigned	i;

	if (n == 0)
		return 0;
	c = p->base_ms;
	for (i = 1; i < n && c < p->cap_ms; i++)
		c *= 2;
	return c < p->cap_ms ? c : p->cap_ms;
}

int
retry_next(const struct retry_policy *p, struct retry *r,
    struct retry_rng *g, uint64_t now, uint64_t *when)
{
	unsigned	max;
	uint64_t	t;

	max = p->max_attempts == 0 ? 1 : p->max_attempts;
	if (r->attempts >= max)
		return -1;
	t = now + retry_rand(g, retry_ceiling(p, r->attempts));
	if (r->deadline != 0 && t >= r->deadline)
		return -1;
	*when = t;
	return 0;
}

int
retry_transient(int status, const char *code)
{
	if (status == 0 || (status >= 500 && status <= 599))
		return 1;
	if (code == NULL)
		return 0;
	return strcmp(code, "Throttling") == 0 ||
	    strcmp(code, "ThrottlingException") == 0 ||
	    strcmp(code, "PriorRequestNotComplete") == 0 ||
	    strcmp(code, "RequestExpired") == 0;
}
