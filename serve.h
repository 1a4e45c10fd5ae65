/*
 * serve.h: what r53d does with each DNS message that arrives.
 *
 * serve_setconf() installs the configuration in force (at start-up and
 * after every successful reload); the struct conf stays the caller's and
 * must outlive its use here.  serve_request() is the listeners' handler:
 * it parses, checks EDNS and TSIG, dispatches on the opcode and answers
 * with listen_reply().  Malformed input gets the rcode RFC 1035, 6891 and
 * 8945 ask for; a message too short for a header, or a response, is
 * dropped.
 *
 * Work that waits on Route 53 (UPDATE) is answered later: the request is
 * described by a struct dnsreq, which its owner (the zone engine) keeps
 * and finally passes to serve_answer() exactly once, or to
 * serve_forget() when it drops the request unanswered.  A struct dnsreq
 * holds copies of everything it needs; the request buffer need not stay.
 */
#ifndef R53D_SERVE_H
#define R53D_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "dns/msg.h"
#include "dns/tsig.h"
#include "listen.h"

struct conf;

struct dnsreq {
	struct client		 cl;
	struct dns_msg		 hdr;	/* the parse of the request; buf NULL */
	size_t			 cap;	/* largest answer the client takes */
	int			 tsig;	/* the request was signed */
	struct tsig_result	 ts;	/* its verification, if so */
	unsigned		 keygen;	/* keys as they were then */
	char			 key[256];	/* key name, "" if unsigned */
	uint64_t		 start;	/* monotonic ms when it came in */
};

void	serve_setconf(const struct conf *);
/* Shutting down: UPDATEs from now on are answered SERVFAIL. */
void	serve_drain(void);
void	serve_request(const struct client *, const uint8_t *, size_t, void *);
/* Answer a kept request with a bare rcode (zone section echoed). */
void	serve_answer(struct dnsreq *, int rcode);
void	serve_forget(struct dnsreq *);

#endif
