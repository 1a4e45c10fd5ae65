/*
 * resolve.h: host name lookups for the poll loop, on c-ares.
 *
 * One struct http_resolver wraps one c-ares channel; the daemon has one
 * and every connection shares it.  c-ares opens its own sockets; the
 * resolver tracks them (ARES_OPT_SOCK_STATE_CB) and hands them to the
 * loop:
 *
 *	each pass:
 *		n = http_resolver_pollfds(res, pfd, room);
 *		d = http_resolver_deadline(res, now);	(0: none)
 *		... poll ...
 *		http_resolver_step(res, pfd, n, now);
 *
 * The hosts file is read before DNS (lookups "fb"), so /etc/hosts names
 * such as localhost work without a name server.  A literal IPv4 or IPv6
 * address never reaches c-ares: http_resolve_start() answers it at once.
 *
 * A lookup is a struct http_lookup owned by the caller (a connection
 * embeds one).  It must stay in place from http_resolve_start() until
 * its callback has run or http_resolve_cancel() returned.  The callback
 * runs from http_resolver_step() (or from http_resolve_start() for names
 * found in the hosts file) and never after a cancel; it may start a new
 * lookup, cancel others, or reuse the lookup it was given.
 */
#ifndef R53D_HTTP_RESOLVE_H
#define R53D_HTTP_RESOLVE_H

#include <sys/types.h>
#include <sys/socket.h>

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include <ares.h>

#define HTTP_MAXADDRS		8	/* addresses kept per lookup */
#define HTTP_RESOLVE_MAXQ	16	/* lookups in flight per resolver */
#define HTTP_RESOLVE_MAXFDS	16	/* c-ares sockets tracked */

struct http_addrs {
	size_t			 n;
	struct sockaddr_storage	 a[HTTP_MAXADDRS];	/* port set */
	socklen_t		 len[HTTP_MAXADDRS];
};

/*
 * Completion: err is 0 and lk->addrs holds at least one address in
 * c-ares' preference order (RFC 6724 sorting; IPv6 and IPv4 mixed), or
 * err is -1 and errtext (static) says why.
 */
struct http_lookup;
typedef void	 (*http_resolve_cb)(struct http_lookup *lk, int err,
		    const char *errtext, void *arg);

struct http_lookup {
	struct http_addrs	 addrs;		/* the result */
	/* Private. */
	http_resolve_cb		 cb;
	void			*arg;
	struct http_resolver	*res;
	int			 slot;		/* -1: not in flight */
};

struct http_resolver_slot {
	struct http_resolver	*res;
	struct http_lookup	*owner;		/* NULL: cancelled */
	uint16_t		 port;
	int			 busy;
};

struct http_resolver {
	ares_channel		 ch;
	size_t			 nsocks;
	struct {
		ares_socket_t	 fd;
		short		 events;
	}			 socks[HTTP_RESOLVE_MAXFDS];
	struct http_resolver_slot slots[HTTP_RESOLVE_MAXQ];
	int			 inflight;	/* busy slots */
};

/*
 * Start-up: create the channel (reads /etc/resolv.conf).  timeout_ms and
 * tries are c-ares' per-server retransmission settings (0: 2000 ms and
 * 3 tries).  Returns 0, or -1 after logging why.
 */
int	 http_resolver_init(struct http_resolver *res, int timeout_ms,
	    int tries);
/* Cancels every lookup without calling back, then frees the channel. */
void	 http_resolver_free(struct http_resolver *res);

/* Fill up to room pollfds for c-ares' sockets; returns how many. */
size_t	 http_resolver_pollfds(struct http_resolver *res, struct pollfd *pfd,
	    size_t room);
/* Absolute monotonic ms at which c-ares must be stepped, 0 for none. */
uint64_t http_resolver_deadline(struct http_resolver *res, uint64_t now);
/*
 * Process the pfd[0..n) filled by the last http_resolver_pollfds() (their
 * revents) and any expired c-ares timeout.  Callbacks run from here.
 */
void	 http_resolver_step(struct http_resolver *res,
	    const struct pollfd *pfd, size_t n, uint64_t now);

/*
 * Look up host (a name, or a literal IPv4/IPv6 address without brackets)
 * for TCP port.  Returns 1 if the answer is already in lk->addrs (a
 * literal; cb is not called), 0 if cb will be called (possibly before
 * this returns, for a hosts file match), -1 if the lookup could not be
 * started (too many in flight; logged).
 */
int	 http_resolve_start(struct http_resolver *res, struct http_lookup *lk,
	    const char *host, uint16_t port, http_resolve_cb cb, void *arg);
/* Forget a lookup in flight; cb will not be called.  Safe if idle. */
void	 http_resolve_cancel(struct http_lookup *lk);
/* Initialise lk as not in flight (before its first use). */
void	 http_lookup_init(struct http_lookup *lk);

/* Fill *addrs from a literal address; 0 if host is one, else -1. */
int	 http_resolve_literal(const char *host, uint16_t port,
	    struct http_addrs *addrs);

#endif
