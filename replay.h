/*
 * replay.h: signed UPDATEs already taken, so that one captured and sent
 * again (from another port, over TCP, after later UPDATEs) is answered
 * as the first one was and never applied twice.
 *
 * A TSIG-signed message verifies only while its Time Signed is within
 * the fudge of the server's clock (RFC 8945 5.2.3), so a replay can come
 * only while that window lasts.  Every signed UPDATE whose MAC verified
 * is entered under its key (name and algorithm) and MAC before anything
 * else is done with it, marked pending until it is answered, then with
 * the rcode it got.  A message that finds its entry is a replay (or a
 * retransmission, which is the same thing): replay_check() says whether
 * its first copy is still in progress or what it was answered.
 *
 * Memory is bounded: at most REPLAY_MAX entries, kept while their Time
 * Signed is within REPLAY_WINDOW of the clock.  When the table is full
 * while its oldest entry could still be replayed, that entry goes and
 * the latest Time Signed among the entries that went this way is kept
 * per key (the floor): a message of that key signed at or before its
 * floor can no longer be told from a replay and is refused
 * (REPLAY_STALE), as RFC 8945's rule of keeping the latest Time Signed
 * per key would refuse it.  Only a sustained rate above
 * REPLAY_MAX / REPLAY_WINDOW signed UPDATEs a second reaches that.
 *
 * Call order: replay_check() for each signed UPDATE; after REPLAY_NEW,
 * exactly one replay_answer() with the same key and MAC when it is
 * answered.  replay_free() at exit.  Times are the wall clock in seconds,
 * as TSIG's.  Not for unsigned messages: anybody can send those anyway.
 */
#ifndef R53D_REPLAY_H
#define R53D_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#define REPLAY_MAX	16384	/* entries, 17 octets each */
#define REPLAY_WINDOW	(2 * 300 + 60)	/* seconds: 2 fudges and slack */

enum replay_verdict {
	REPLAY_NEW,		/* entered as pending: go on */
	REPLAY_PENDING,		/* the first copy is not answered yet */
	REPLAY_DONE,		/* answered: *rcode is what it got */
	REPLAY_STALE		/* signed at or before the key's floor */
};

/*
 * Look a signed UPDATE up: key and algorithm names (wire form,
 * lowercased, as struct tsig_result holds them), its MAC as received,
 * its Time Signed; now is the wall clock.  Enters it when new.
 */
enum replay_verdict replay_check(const uint8_t *keyname,
		    const uint8_t *algname,
		    const uint8_t *mac, size_t maclen, uint64_t timesigned,
		    uint64_t now, int *rcode);

/* The UPDATE entered by replay_check() was answered with rcode. */
void		 replay_answer(const uint8_t *keyname, const uint8_t *algname,
		    const uint8_t *mac, size_t maclen, int rcode);

/* Entries in the table, and entries dropped while still needed. */
size_t		 replay_count(void);
unsigned long	 replay_forced(void);

void		 replay_free(void);

#endif
