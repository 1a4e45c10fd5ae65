/*
 * Unit tests for replay.c: signed UPDATEs taken once, answered again as
 * the first copy was, the window, and the floor when the table is full.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "replay.h"

/* "k1." and "k2." and "hmac-sha256." in wire form. */
static const uint8_t K1[] = { 2, 'k', '1', 0 };
static const uint8_t K2[] = { 2, 'k', '2', 0 };
static const uint8_t ALG[] = { 11, 'h', 'm', 'a', 'c', '-', 's', 'h', 'a',
    '2', '5', '6', 0 };
static const uint8_t ALG2[] = { 8, 'h', 'm', 'a', 'c', '-', 'm', 'd', '5',
    0 };

#define NOW	1700000000ULL

/* A MAC that differs for every i. */
static void
mac_of(uint8_t *mac, unsigned i)
{
	unsigned	k;

	for (k = 0; k < 32; k++)
		mac[k] = (uint8_t)((i * 2654435761u) >> (k % 4 * 8)) ^
		    (uint8_t)k;
	memcpy(mac + 20, &i, sizeof(i));
}

static void
fini(void)
{
	replay_free();
}

TestSuite(replay, .fini = fini);

Test(replay, first_copy_then_pending_then_answered)
{
	uint8_t	mac[32];
	int	rc = -5;

	mac_of(mac, 1);
	cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW, NOW, &rc),
	    REPLAY_NEW);
	cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW, NOW + 1, &rc),
	    REPLAY_PENDING);
	replay_answer(K1, ALG, mac, 32, 0);
	cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW, NOW + 2, &rc),
	    REPLAY_DONE);
	cr_assert_eq(rc, 0);
	/* Any rcode is kept, and the answer can be given many times. */
	mac_of(mac, 2);
	cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW, NOW, &rc),
	    REPLAY_NEW);
	replay_answer(K1, ALG, mac, 32, 8);
	cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW, NOW, &rc),
	    REPLAY_DONE);
	cr_assert_eq(rc, 8);
	cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW, NOW, &rc),
	    REPLAY_DONE);
	cr_assert_eq(replay_count(), 2);
}

Test(replay, keys_and_algorithms_are_apart)
{
	uint8_t	mac[32];
	int	rc;

	mac_of(mac, 7);
	cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW, NOW, &rc),
	    REPLAY_NEW);
	cr_assert_eq(replay_check(K2, ALG, mac, 32, NOW, NOW, &rc),
	    REPLAY_NEW);
	cr_assert_eq(replay_check(K1, ALG2, mac, 32, NOW, NOW, &rc),
	    REPLAY_NEW);
	/* A truncated copy of the MAC is the same MAC. */
	cr_assert_eq(replay_check(K1, ALG, mac, 16, NOW, NOW, &rc),
	    REPLAY_PENDING);
	/* Another MAC is another message. */
	mac[31] ^= 1;
	mac[0] ^= 1;
	cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW, NOW, &rc),
	    REPLAY_NEW);
}

Test(replay, entries_leave_with_the_window)
{
	uint8_t		mac[32];
	unsigned	i;
	int		rc;

	for (i = 0; i < 100; i++) {
		mac_of(mac, i);
		cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW + i, NOW + i,
		    &rc), REPLAY_NEW);
		replay_answer(K1, ALG, mac, 32, 0);
	}
	cr_assert_eq(replay_count(), 100);
	/* Still remembered at the edge of the window. */
	mac_of(mac, 0);
	cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW, NOW + REPLAY_WINDOW,
	    &rc), REPLAY_DONE);
	/* Past it, the first 50 are gone (they could not verify anyway). */
	mac_of(mac, 200);
	cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW + 150,
	    NOW + 50 + REPLAY_WINDOW, &rc), REPLAY_NEW);
	cr_assert_eq(replay_count(), 51);
	cr_assert_eq(replay_forced(), 0);
}

Test(replay, full_table_raises_the_floor)
{
	uint8_t		mac[32];
	unsigned	i;
	int		rc;

	/* REPLAY_MAX messages, one second apart in groups of 1000. */
	for (i = 0; i < REPLAY_MAX; i++) {
		mac_of(mac, i);
		cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW + i / 1000,
		    NOW + i / 1000, &rc), REPLAY_NEW);
		replay_answer(K1, ALG, mac, 32, 0);
	}
	cr_assert_eq(replay_count(), REPLAY_MAX);
	cr_assert_eq(replay_forced(), 0);
	/* One more pushes out the oldest, signed at NOW. */
	mac_of(mac, REPLAY_MAX);
	cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW + 20, NOW + 20, &rc),
	    REPLAY_NEW);
	cr_assert_eq(replay_count(), REPLAY_MAX);
	cr_assert_eq(replay_forced(), 1);
	/* The pushed-out one cannot be told from new: refused. */
	mac_of(mac, 0);
	cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW, NOW + 20, &rc),
	    REPLAY_STALE);
	/* Nor can a new message of that key signed at the floor... */
	mac_of(mac, 999999);
	cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW, NOW + 20, &rc),
	    REPLAY_STALE);
	/* ... but one signed later can, and so can other keys. */
	cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW + 1, NOW + 20, &rc),
	    REPLAY_NEW);
	mac_of(mac, 999998);
	cr_assert_eq(replay_check(K2, ALG, mac, 32, NOW, NOW + 20, &rc),
	    REPLAY_NEW);
	/* Those still in the table are still answered as before. */
	mac_of(mac, 5000);
	cr_assert_eq(replay_check(K1, ALG, mac, 32, NOW + 5, NOW + 20, &rc),
	    REPLAY_DONE);
}
