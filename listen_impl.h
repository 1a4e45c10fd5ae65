/*
 * listen_impl.h: what listen.c (sockets, UDP, inetd) and listen_tcp.c
 * (TCP connections) share.  Private to those two files; everything else
 * uses listen.h.
 *
 * listen.c sets the handler (listen_open() or listen_adopt()) before any
 * connection is added; both files hand each complete message to it and
 * note in listen_last_io when a datagram or connection came.
 */
#ifndef R53D_LISTEN_IMPL_H
#define R53D_LISTEN_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "listen.h"
#include "loop.h"

extern listen_handler	 listen_cb;	/* where messages go */
extern void		*listen_cb_arg;
extern uint64_t		 listen_last_io; /* a datagram or connection came */

/*
 * A connection to serve (accepted, or given by inetd): a slot for it.
 * Takes nfd; closes it and returns -1 when there is none.
 */
int	listen_tcp_add(int nfd, const struct client *);
/* The connections' part of listen_poll(), listen_reply(), listen_close(). */
void	listen_tcp_poll(struct loop *);
int	listen_tcp_reply(const struct client *, const uint8_t *, size_t);
void	listen_tcp_close(void);

#endif
