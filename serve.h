/*
 * serve.h: what r53d does with each DNS message that arrives.
 *
 * serve_setconf() installs the configuration in force (at start-up and
 * after every successful reload); the struct conf stays the caller's and
 * must outlive its use here.  serve_request() is the listeners' handler:
 * it parses, checks EDNS and TSIG, dispatches on the opcode, and sends
 * the answer with listen_reply() (now or, for work that waits on Route 53,
 * later).  Malformed input gets the rcode RFC 1035, 6891 and 8945 ask for;
 * a message too short for a header, or a response, is dropped.
 */
#ifndef R53D_SERVE_H
#define R53D_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "listen.h"

struct conf;

void	serve_setconf(const struct conf *);
void	serve_request(const struct client *, const uint8_t *, size_t, void *);

#endif
