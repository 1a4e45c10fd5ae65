/*
 * rig.h: the daemon's front half for the harnesses that run whole zones
 * (fuzz_serve, fuzz_update): the configuration, the dispatch (serve.c),
 * the zones on the stand-in Route 53 of fakes.h, and a datagram socket
 * pair for the answers.  Any failure here aborts: it is the harness's.
 *
 * Call order:
 *	rig_setup(), once;
 *	each input: rig_load(), then rig_udp() or rig_tcp() clients for
 *	serve_request() or listen_tcp_add(), then rig_end().
 */
#ifndef R53D_TESTS_FUZZ_RIG_H
#define R53D_TESTS_FUZZ_RIG_H

#include <stddef.h>

#include "fakes.h"
#include "listen.h"

struct conf;

/* How Route 53 ends a change batch. */
enum rig_end {
	RIG_ACCEPTED,		/* PENDING, then INSYNC */
	RIG_INVALID,		/* 400 InvalidChangeBatch naming a change */
	RIG_FAILURE,		/* no answer, nothing applied */
	RIG_UNKNOWN		/* no answer, may have been applied */
};

/*
 * Parse text[0..len) as the configuration (errors to stderr), open the
 * socket pair: UDP answers are sent on rig_udpfd[0] and read from
 * rig_udpfd[1], both non-blocking. Set up serve.c and the zones.
 */
struct conf	*rig_setup(const char *text, size_t len);
extern int	 rig_udpfd[2];

/*
 * Start every zone afresh from listing (see fake_r53_listing, held
 * fixed), with on_change (may be NULL) answering change batches, and
 * step them until all are loaded.
 */
void		 rig_load(struct conf *cf, const char *listing,
		    void (*on_change)(const char *, const struct r53_change *,
		    size_t, const char *, size_t, struct fake_answer *));

/*
 * Fill a for how: for RIG_INVALID, Route 53's text naming the record
 * set (name, type).
 */
void		 rig_answer(enum rig_end how, const char *name,
		    const char *type, struct fake_answer *a);

/*
 * A client from 127.0.0.1: over UDP from port 5300, answered on
 * rig_udpfd[0] (peerlen 0: the socket pair's peer), or over TCP.
 */
void		 rig_udp(struct client *cl);
void		 rig_tcp(struct client *cl);

/*
 * Drop the zones, every Route 53 operation and the replay cache; move
 * the clocks past anything the input left.
 */
void		 rig_end(void);

#endif
