/*
 * replay.c: signed UPDATEs already taken.  See replay.h.
 *
 * The entries live in a ring in the order they were taken; a hash index
 * (chains through the entries) finds them by key and MAC.  The oldest
 * entry is at the tail: it leaves when its Time Signed is out of the
 * window, or, when the ring is full, to make room (raising its key's
 * floor).  Invariant: every entry in the ring is on exactly one chain,
 * the one of its bucket.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "replay.h"

#define NBUCKET		REPLAY_MAX	/* a power of two */
#define NFLOOR		1024		/* keys with a floor */
#define PENDING		(-1)

/*
 * 16 octets an entry, and its rcode beside it: 64 bits of the MAC and 16
 * of a hash of the key tell messages apart (the MAC is an HMAC, which
 * nobody without the key can choose).
 */
struct entry {
	uint64_t	 mac;		/* the MAC's first 8 octets */
	uint32_t	 ts;		/* Time Signed, low 32 bits */
	uint16_t	 next;		/* index + 1 on the chain; 0 ends */
	uint16_t	 khash;		/* key name and algorithm */
};

struct floor {
	uint16_t	 khash;
	uint32_t	 ts;
};

static struct entry	*ring;
static int8_t		*rcodes;	/* PENDING until answered */
static uint16_t		*bucket;	/* index + 1 of a chain's head */
static size_t		 head;		/* where the next entry goes */
static size_t		 count;
static struct floor	 floors[NFLOOR];
static size_t		 nfloors;
static uint32_t		 allfloor;	/* when floors[] is full */
static int		 hasallfloor;
static unsigned long	 forced;

/* Serial comparison of 32-bit seconds: a before or at b. */
static int
ts_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

/* FNV-1a of a wire name (at most 255 octets, ending at the root). */
static uint64_t
name_hash(uint64_t h, const uint8_t *name)
{
	size_t	i, n;

	for (i = 0; i < 255 && name[i] != 0; i += (size_t)name[i] + 1)
		;
	n = i < 255 ? i + 1 : 255;
	for (i = 0; i < n; i++)
		h = (h ^ name[i]) * 1099511628211ULL;
	return h;
}

static uint16_t
key_hash(const uint8_t *keyname, const uint8_t *algname)
{
	uint64_t	h;

	h = name_hash(name_hash(1469598103934665603ULL, keyname), algname);
	return (uint16_t)(h ^ h >> 16 ^ h >> 32 ^ h >> 48);
}

/* The first 8 octets of a MAC (at least 10 are sent), zero-padded. */
static uint64_t
mac_key(const uint8_t *mac, size_t maclen)
{
	uint8_t		b[8];
	uint64_t	m;

	memset(b, 0, sizeof(b));
	memcpy(b, mac, maclen < sizeof(b) ? maclen : sizeof(b));
	memcpy(&m, b, sizeof(m));
	return m;
}

static size_t
bucket_of(uint16_t khash, uint64_t mac)
{
	mac ^= khash;
	mac *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(mac >> 32) & (NBUCKET - 1);
}

/* The index of the entry, or -1. */
static long
find(uint16_t khash, uint64_t mac)
{
	uint16_t	i;

	if (ring == NULL)
		return -1;
	for (i = bucket[bucket_of(khash, mac)]; i != 0; i = ring[i - 1].next)
		if (ring[i - 1].khash == khash && ring[i - 1].mac == mac)
			return (long)i - 1;
	return -1;
}

static void
unlink_entry(size_t idx)
{
	struct entry	*e = &ring[idx];
	uint16_t	*p;

	for (p = &bucket[bucket_of(e->khash, e->mac)]; *p != 0;
	    p = &ring[*p - 1].next)
		if (*p == idx + 1) {
			*p = e->next;
			return;
		}
}

static int
floor_of(uint16_t khash, uint32_t *ts)
{
	size_t	i;

	for (i = 0; i < nfloors; i++)
		if (floors[i].khash == khash) {
			*ts = floors[i].ts;
			return 1;
		}
	if (hasallfloor) {
		*ts = allfloor;
		return 1;
	}
	return 0;
}

static void
raise_floor(uint16_t khash, uint32_t ts)
{
	size_t	i;

	for (i = 0; i < nfloors; i++)
		if (floors[i].khash == khash) {
			if (!ts_le(ts, floors[i].ts))
				floors[i].ts = ts;
			return;
		}
	if (nfloors < NFLOOR) {
		floors[nfloors].khash = khash;
		floors[nfloors].ts = ts;
		nfloors++;
		return;
	}
	/* Too many keys to tell apart: one floor for the others. */
	if (!hasallfloor || !ts_le(ts, allfloor))
		allfloor = ts;
	hasallfloor = 1;
}

/* Drop the tail: out of the window, or (force) to make room. */
static void
drop_tail(int force)
{
	size_t	tail = (head + REPLAY_MAX - count) % REPLAY_MAX;

	unlink_entry(tail);
	if (force) {
		raise_floor(ring[tail].khash, ring[tail].ts);
		if (forced++ == 0)
			log_warnx("more signed UPDATEs within %d s than the "
			    "%d remembered against replays: older ones are "
			    "refused", REPLAY_WINDOW, REPLAY_MAX);
	}
	count--;
}

static void
expire(uint32_t now)
{
	size_t	tail;

	while (count > 0) {
		tail = (head + REPLAY_MAX - count) % REPLAY_MAX;
		if (ts_le(now - REPLAY_WINDOW, ring[tail].ts))
			break;
		drop_tail(0);
	}
}

enum replay_verdict
replay_check(const uint8_t *keyname, const uint8_t *algname,
    const uint8_t *mac, size_t maclen, uint64_t timesigned, uint64_t now,
    int *rcode)
{
	uint16_t	 kh = key_hash(keyname, algname);
	uint64_t	 m = mac_key(mac, maclen);
	uint32_t	 ts = (uint32_t)timesigned, fl;
	struct entry	*e;
	long		 k;
	size_t		 b;

	if (ring == NULL) {
		ring = calloc(REPLAY_MAX, sizeof(*ring));
		rcodes = calloc(REPLAY_MAX, sizeof(*rcodes));
		bucket = calloc(NBUCKET, sizeof(*bucket));
		if (ring == NULL || rcodes == NULL || bucket == NULL) {
			replay_free();
			log_warn("replay table");
			/* Without memory: refuse rather than risk a replay. */
			return REPLAY_STALE;
		}
	}
	expire((uint32_t)now);
	if ((k = find(kh, m)) != -1) {
		if (rcodes[k] == PENDING)
			return REPLAY_PENDING;
		*rcode = rcodes[k];
		return REPLAY_DONE;
	}
	if (floor_of(kh, &fl) && ts_le(ts, fl))
		return REPLAY_STALE;
	if (count == REPLAY_MAX)
		drop_tail(1);
	e = &ring[head];
	e->khash = kh;
	e->mac = m;
	e->ts = ts;
	rcodes[head] = PENDING;
	b = bucket_of(kh, m);
	e->next = bucket[b];
	bucket[b] = (uint16_t)(head + 1);
	head = (head + 1) % REPLAY_MAX;
	count++;
	return REPLAY_NEW;
}

void
replay_answer(const uint8_t *keyname, const uint8_t *algname,
    const uint8_t *mac, size_t maclen, int rcode)
{
	long	k;

	if ((k = find(key_hash(keyname, algname), mac_key(mac, maclen))) != -1)
		rcodes[k] = (int8_t)rcode;
}

size_t
replay_count(void)
{
	return count;
}

unsigned long
replay_forced(void)
{
	return forced;
}

void
replay_free(void)
{
	free(ring);
	free(rcodes);
	free(bucket);
	ring = NULL;
	rcodes = NULL;
	bucket = NULL;
	head = count = nfloors = 0;
	hasallfloor = 0;
	forced = 0;
}
