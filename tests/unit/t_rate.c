/*
 * t_rate.c: the token bucket and the retry policy with a fixed clock and
 * a fixed seed.
 */
#include <criterion/criterion.h>

#include "aws/rate.h"
#include "aws/retry.h"

Test(rate, starts_full_then_waits)
{
	struct rate	b;
	uint64_t	t0 = 1000000;
	int		i;

	rate_init(&b, 5, 5, t0);
	for (i = 0; i < 5; i++)
		cr_assert(rate_take(&b, 1, t0), "token %d", i);
	cr_assert_not(rate_take(&b, 1, t0));
	/* One token every 200 ms at 5/s. */
	cr_assert_eq(rate_ready(&b, 1, t0), t0 + 200);
	cr_assert_not(rate_take(&b, 1, t0 + 199));
	cr_assert(rate_take(&b, 1, t0 + 200));
	cr_assert_not(rate_take(&b, 1, t0 + 200));
	cr_assert_eq(rate_ready(&b, 1, t0 + 250), t0 + 400);
}

Test(rate, refill_is_capped_by_burst)
{
	struct rate	b;
	int		i, n;

	rate_init(&b, 5, 2, 0);
	cr_assert(rate_take(&b, 1, 0));
	cr_assert(rate_take(&b, 1, 0));
	cr_assert_not(rate_take(&b, 1, 0));
	/* An hour idle still gives only two tokens. */
	cr_assert_eq(rate_tokens(&b, 3600000), 2);
	for (n = 0, i = 0; i < 10; i++)
		n += rate_take(&b, 1, 3600000);
	cr_assert_eq(n, 2);
}

Test(rate, sustained_rate_matches)
{
	struct rate	b;
	uint64_t	t;
	int		n = 0;

	rate_init(&b, 5, 5, 0);
	/* Polling every ms for 10 s: the burst plus 5 per second. */
	for (t = 0; t < 10000; t++)
		while (rate_take(&b, 1, t))
			n++;
	cr_assert_eq(n, 5 + 5 * 10 - 1, "got %d", n);
}

Test(rate, odd_rate_refills_exactly)
{
	struct rate	b;

	rate_init(&b, 3, 1, 0);
	cr_assert(rate_take(&b, 1, 0));
	/* 1/3 s is 333.33 ms: the token is whole at 334 ms. */
	cr_assert_eq(rate_ready(&b, 1, 0), 334);
	cr_assert_not(rate_take(&b, 1, 333));
	cr_assert(rate_take(&b, 1, 334));
}

Test(rate, high_rate_and_clock_going_back)
{
	struct rate	b;
	int		i;

	rate_init(&b, 100000, 0, 50);
	for (i = 0; i < 100000; i++)
		cr_assert(rate_take(&b, 1, 50));
	cr_assert_not(rate_take(&b, 1, 50));
	cr_assert_not(rate_take(&b, 1, 10));	/* earlier: nothing earned */
	cr_assert_eq(rate_tokens(&b, 51), 100);
}

Test(rate, route53_default_burst_then_rate)
{
	struct rate	b;
	uint64_t	t;
	int		i, n = 0;

	/* Route 53 since 2026-07-30: burst 50, 10 per second. */
	rate_init(&b, 10, 50, 0);
	for (i = 0; i < 50; i++)
		cr_assert(rate_take(&b, 1, 0), "token %d", i);
	cr_assert_not(rate_take(&b, 1, 0));
	cr_assert_eq(rate_ready(&b, 1, 0), 100);
	for (t = 1; t <= 10000; t++)
		while (rate_take(&b, 1, t))
			n++;
	cr_assert_eq(n, 100, "got %d", n);
}

Test(rate, draws_of_many_tokens)
{
	struct rate	b;

	rate_init(&b, 100, 1000, 0);
	cr_assert(rate_take(&b, 600, 0));
	cr_assert_not(rate_take(&b, 600, 0));
	cr_assert_eq(rate_tokens(&b, 0), 400);
	/* 200 more at 100/s: 2 s. */
	cr_assert_eq(rate_ready(&b, 600, 0), 2000);
	cr_assert_not(rate_take(&b, 600, 1999));
	cr_assert(rate_take(&b, 600, 2000));
	cr_assert_eq(rate_tokens(&b, 2000), 0);
}

Test(rate, draw_larger_than_burst_waits_for_full_and_owes)
{
	struct rate	b;

	rate_init(&b, 100, 1000, 0);
	cr_assert(rate_take(&b, 1, 0));
	/* 1500 > burst: goes once the bucket is full again (10 ms). */
	cr_assert_eq(rate_ready(&b, 1500, 0), 10);
	cr_assert_not(rate_take(&b, 1500, 9));
	cr_assert(rate_take(&b, 1500, 10));
	/* 500 owed: nothing for 5 s, then one token 10 ms later. */
	cr_assert_eq(rate_tokens(&b, 10), 0);
	cr_assert_eq(rate_ready(&b, 1, 10), 10 + 5000 + 10);
	cr_assert_not(rate_take(&b, 1, 5019));
	cr_assert(rate_take(&b, 1, 5020));
}

Test(rate, throttle_decreases_once_per_episode_and_recovers)
{
	struct rate	b;
	uint64_t	t;

	rate_init(&b, 10, 50, 0);
	cr_assert_not(rate_adapting(&b, 0));
	/* The first throttle starts an episode: 10/s -> 7/s, bucket empty,
	 * burst one second's worth. */
	cr_assert_eq(rate_throttled(&b, 1000), 1);
	cr_assert(rate_adapting(&b, 1000));
	cr_assert_eq(rate_milli(&b, 1000), 7000);
	cr_assert_eq(rate_tokens(&b, 1000), 0);
	/* Within RATE_HOLD_MS: counted, no further decrease. */
	cr_assert_eq(rate_throttled(&b, 1500), 0);
	cr_assert_eq(b.throttles, 2);
	cr_assert_eq(rate_milli(&b, 1500), 7000 + 500);
	/* A second after the decrease (grown to 8/s): 8 * 0.7 = 5.6/s. */
	cr_assert_eq(rate_throttled(&b, 2000), 0);
	cr_assert_eq(rate_milli(&b, 2000), 5600);
	/* Additive increase: 1/s per second, back to 10/s after 4.4 s. */
	cr_assert_eq(rate_milli(&b, 3000), 6600);
	cr_assert_eq(rate_tokens(&b, 3000), 5);
	cr_assert_eq(rate_milli(&b, 6399), 9999);
	cr_assert_eq(rate_milli(&b, 6400), 10000);
	/* The episode ends 5 s after the last throttle. */
	cr_assert(rate_adapting(&b, 6999));
	cr_assert_not(rate_adapting(&b, 7000));
	cr_assert_eq(b.ended, 7000);
	cr_assert_eq(b.throttles, 3);
	/* The burst is back: 50 tokens after 5 s idle. */
	t = 7000 + 5000;
	cr_assert_eq(rate_tokens(&b, t), 50);
	/* A new throttle is a new episode. */
	cr_assert_eq(rate_throttled(&b, t), 1);
	cr_assert_eq(b.throttles, 1);
}

Test(rate, throttles_at_full_rate_extend_the_episode)
{
	struct rate	b;

	rate_init(&b, 10, 50, 0);
	cr_assert_eq(rate_throttled(&b, 0), 1);
	/* Back at 10/s after 3 s; throttled again at 4 s: same episode. */
	cr_assert_eq(rate_milli(&b, 3000), 10000);
	cr_assert(rate_adapting(&b, 3000));
	cr_assert_eq(rate_throttled(&b, 4000), 0);
	cr_assert_eq(rate_milli(&b, 4000), 7000);
	/* Back at 10/s at 7 s, quiet from 9 s: ends after the ramp, late
	 * seen. */
	cr_assert(rate_adapting(&b, 8999));
	cr_assert_not(rate_adapting(&b, 60000));
	cr_assert_eq(b.ended, 9000);
	cr_assert_eq(b.throttles, 2);
}

Test(rate, reserve_stays_behind)
{
	struct rate	b;
	int		i;

	rate_init(&b, 10, 50, 0);
	rate_reserve(&b, 1);
	for (i = 0; i < 49; i++)
		cr_assert(rate_take(&b, 1, 0), "token %d", i);
	cr_assert_not(rate_take(&b, 1, 0));
	/* One token left: the next goes when there are two. */
	cr_assert_eq(rate_ready(&b, 1, 0), 100);
	cr_assert(rate_take(&b, 1, 100));
	/* A draw of the whole burst still goes once the bucket is full. */
	cr_assert_eq(rate_ready(&b, 50, 100), 100 + 4900);
	cr_assert(rate_take(&b, 50, 5000));
}

Test(rate, throttle_floor)
{
	struct rate	b;
	uint64_t	t;

	rate_init(&b, 1, 1, 0);
	for (t = 0; t < 20000; t += 1000)
		rate_throttled(&b, t);
	/* Never below 0.5/s; a token still comes within 2 s. */
	cr_assert(rate_milli(&b, t) >= RATE_MIN_MILLI);
	cr_assert(rate_ready(&b, 1, t) <= t + 2000);
}

Test(retry, ceiling_grows_and_caps)
{
	struct retry_policy	p = { 100, 20000, 10 };

	cr_assert_eq(retry_ceiling(&p, 1), 100);
	cr_assert_eq(retry_ceiling(&p, 2), 200);
	cr_assert_eq(retry_ceiling(&p, 3), 400);
	cr_assert_eq(retry_ceiling(&p, 8), 12800);
	cr_assert_eq(retry_ceiling(&p, 9), 20000);
	cr_assert_eq(retry_ceiling(&p, 50), 20000);
	cr_assert_eq(retry_ceiling(&p, 1000), 20000);
}

Test(retry, jitter_within_bounds_and_spread)
{
	struct retry_policy	p = { 100, 20000, 100 };
	struct retry_rng	g;
	struct retry		r;
	uint64_t		when, lo, hi, c;
	unsigned		n;
	int			k;

	retry_seed(&g, 42);
	for (n = 1; n <= 12; n++) {
		c = retry_ceiling(&p, n);
		lo = UINT64_MAX;
		hi = 0;
		for (k = 0; k < 2000; k++) {
			retry_start(&r, 0);
			r.attempts = n;
			cr_assert_eq(retry_next(&p, &r, &g, 5000, &when), 0);
			cr_assert_geq(when, 5000);
			cr_assert_leq(when, 5000 + c);
			if (when < lo)
				lo = when;
			if (when > hi)
				hi = when;
		}
		/* Full jitter: the whole range is used, not just the top. */
		cr_assert_lt(lo - 5000, c / 10 + 1, "n %u lo %lu", n,
		    (unsigned long)lo);
		cr_assert_gt(hi - 5000, c - c / 10 - 1, "n %u hi %lu", n,
		    (unsigned long)hi);
	}
}

Test(retry, same_seed_same_waits)
{
	struct retry_policy	p = { 100, 20000, 8 };
	struct retry_rng	g1, g2;
	struct retry		r1, r2;
	uint64_t		w1, w2;
	int			differ = 0, i;

	retry_seed(&g1, 7);
	retry_seed(&g2, 7);
	retry_start(&r1, 0);
	retry_start(&r2, 0);
	while (retry_attempt(&r1), retry_attempt(&r2),
	    retry_next(&p, &r1, &g1, 0, &w1) == 0) {
		cr_assert_eq(retry_next(&p, &r2, &g2, 0, &w2), 0);
		cr_assert_eq(w1, w2);
	}
	retry_seed(&g2, 8);
	retry_start(&r1, 0);
	retry_start(&r2, 0);
	retry_seed(&g1, 7);
	retry_attempt(&r1);
	retry_attempt(&r2);
	for (i = 0; i < 5; i++) {
		retry_next(&p, &r1, &g1, 0, &w1);
		retry_next(&p, &r2, &g2, 0, &w2);
		differ |= w1 != w2;
	}
	cr_assert(differ);
}

Test(retry, attempts_are_bounded)
{
	struct retry_policy	p = { 100, 20000, 3 };
	struct retry_rng	g;
	struct retry		r;
	uint64_t		when;

	retry_seed(&g, 1);
	retry_start(&r, 0);
	retry_attempt(&r);
	cr_assert_eq(retry_next(&p, &r, &g, 0, &when), 0);
	retry_attempt(&r);
	cr_assert_eq(retry_next(&p, &r, &g, 0, &when), 0);
	retry_attempt(&r);
	cr_assert_eq(retry_next(&p, &r, &g, 0, &when), -1);
}

Test(retry, deadline_stops_retries)
{
	struct retry_policy	p = { 1000, 1000, 100 };
	struct retry_rng	g;
	struct retry		r;
	uint64_t		when;
	int			k, ok = 0, refused = 0;

	retry_seed(&g, 3);
	/* Waits are in [0, 1000]; deadline 500 ms away: some fit, some not. */
	for (k = 0; k < 200; k++) {
		retry_start(&r, 10500);
		retry_attempt(&r);
		if (retry_next(&p, &r, &g, 10000, &when) == 0) {
			cr_assert_lt(when, 10500);
			ok++;
		} else
			refused++;
	}
	cr_assert_gt(ok, 0);
	cr_assert_gt(refused, 0);
	/* Past the deadline nothing is retried. */
	retry_start(&r, 10000);
	retry_attempt(&r);
	cr_assert_eq(retry_next(&p, &r, &g, 10000, &when), -1);
}

Test(retry, transient_classification)
{
	cr_assert(retry_transient(0, NULL));
	cr_assert(retry_transient(500, "InternalFailure"));
	cr_assert(retry_transient(503, NULL));
	cr_assert(retry_transient(400, "Throttling"));
	cr_assert(retry_transient(400, "PriorRequestNotComplete"));
	cr_assert(retry_transient(400, "ThrottlingException"));
	cr_assert_not(retry_transient(400, "InvalidChangeBatch"));
	cr_assert_not(retry_transient(400, "InvalidInput"));
	cr_assert_not(retry_transient(403, "SignatureDoesNotMatch"));
	cr_assert_not(retry_transient(404, "NoSuchHostedZone"));
	cr_assert_not(retry_transient(400, NULL));
}

Test(retry, rand_is_uniform_enough)
{
	struct retry_rng	g;
	unsigned		hist[4] = { 0 };
	int			i;

	retry_seed(&g, 99);
	for (i = 0; i < 40000; i++)
		hist[retry_rand(&g, 3)]++;
	for (i = 0; i < 4; i++) {
		cr_assert_gt(hist[i], 9000);
		cr_assert_lt(hist[i], 11000);
	}
	cr_assert_eq(retry_rand(&g, 0), 0);
}
