/*
 * resolve.c: c-ares glue for the poll loop.  See resolve.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <poll.h>
#include <stdint.h>
#include <string.h>

#include <ares.h>

#include "http/resolve.h"
#include "log.h"

static char	lookups_fb[] = "fb";	/* hosts file, then DNS */

/* ARES_OPT_SOCK_STATE_CB: c-ares opened, changed or closed a socket. */
static void
sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct http_resolver	*res = data;
	size_t			 i;
	short			 ev;

	ev = (short)((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));
	for (i = 0; i < res->nsocks; i++)
		if (res->socks[i].fd == fd)
			break;
	if (ev == 0) {
		if (i < res->nsocks)
			res->socks[i] = res->socks[--res->nsocks];
		return;
	}
	if (i == res->nsocks) {
		if (res->nsocks == HTTP_RESOLVE_MAXFDS) {
			/* Unwatched: its query times out in c-ares. */
			log_warnx("resolver: too many sockets");
			return;
		}
		res->nsocks++;
	}
	res->socks[i].fd = fd;
	res->socks[i].events = ev;
}

int
http_resolver_init(struct http_resolver *res, int timeout_ms, int tries)
{
	struct ares_options	 o;
	int			 rc, i;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < HTTP_RESOLVE_MAXQ; i++)
		res->slots[i].res = res;
	if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
		log_warnx("resolver: %s", ares_strerror(rc));
		return -1;
	}
	memset(&o, 0, sizeof(o));
	o.sock_state_cb = sock_state;
	o.sock_state_cb_data = res;
	o.lookups = lookups_fb;
	o.timeout = timeout_ms > 0 ? timeout_ms : 2000;
	o.tries = tries > 0 ? tries : 3;
	rc = ares_init_options(&res->ch, &o, ARES_OPT_SOCK_STATE_CB |
	    ARES_OPT_LOOKUPS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
	if (rc != ARES_SUCCESS) {
		log_warnx("resolver: %s", ares_strerror(rc));
		ares_library_cleanup();
		return -1;
	}
	return 0;
}

void
http_resolver_free(struct http_resolver *res)
{
	int	i;

	for (i = 0; i < HTTP_RESOLVE_MAXQ; i++)
		if (res->slots[i].owner != NULL)
			http_resolve_cancel(res->slots[i].owner);
	ares_destroy(res->ch);
	ares_library_cleanup();
	res->nsocks = 0;
}

size_t
http_resolver_pollfds(struct http_resolver *res, struct pollfd *pfd,
    size_t room)
{
	size_t	i;

	for (i = 0; i < res->nsocks && i < room; i++) {
		pfd[i].fd = res->socks[i].fd;
		pfd[i].events = res->socks[i].events;
		pfd[i].revents = 0;
	}
	return i;
}

uint64_t
http_resolver_deadline(struct http_resolver *res, uint64_t now)
{
	struct timeval	 tv, *tp;

	if (res->inflight == 0)
		return 0;
	if ((tp = ares_timeout(res->ch, NULL, &tv)) == NULL)
		return 0;
	return now + (uint64_t)tp->tv_sec * 1000 +
	    ((uint64_t)tp->tv_usec + 999) / 1000;
}

void
http_resolver_step(struct http_resolver *res, const struct pollfd *pfd,
    size_t n, uint64_t now)
{
	size_t		 i;
	ares_socket_t	 r, w;

	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		r = (pfd[i].revents & (POLLIN | POLLERR | POLLHUP)) ?
		    pfd[i].fd : ARES_SOCKET_BAD;
		w = (pfd[i].revents & (POLLOUT | POLLERR | POLLHUP)) ?
		    pfd[i].fd : ARES_SOCKET_BAD;
		ares_process_fd(res->ch, r, w);
	}
	/* Retransmissions and timeouts. */
	if (res->inflight > 0) {
		uint64_t	d = http_resolver_deadline(res, now);

		if (d != 0 && d <= now + 1)
			ares_process_fd(res->ch, ARES_SOCKET_BAD,
			    ARES_SOCKET_BAD);
	}
}

static void
fill(struct http_addrs *addrs, const struct sockaddr *sa, socklen_t salen,
    uint16_t port)
{
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;
	size_t			 i = addrs->n;

	if (i == HTTP_MAXADDRS || salen > sizeof(addrs->a[i]))
		return;
	if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
		return;
	memset(&addrs->a[i], 0, sizeof(addrs->a[i]));
	memcpy(&addrs->a[i], sa, salen);
	if (sa->sa_family == AF_INET) {
		sin = (struct sockaddr_in *)&addrs->a[i];
		sin->sin_port = htons(port);
	} else {
		sin6 = (struct sockaddr_in6 *)&addrs->a[i];
		sin6->sin6_port = htons(port);
	}
	addrs->len[i] = salen;
	addrs->n++;
}

static void
ai_done(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
	struct http_resolver_slot	*s = arg;
	struct http_lookup		*lk = s->owner;
	struct ares_addrinfo_node	*nd;

	(void)timeouts;
	s->busy = 0;
	s->owner = NULL;
	s->res->inflight--;
	if (lk == NULL) {
		if (ai != NULL)
			ares_freeaddrinfo(ai);
		return;
	}
	lk->slot = -1;
	lk->addrs.n = 0;
	if (status == ARES_SUCCESS && ai != NULL)
		for (nd = ai->nodes; nd != NULL; nd = nd->ai_next)
			fill(&lk->addrs, nd->ai_addr,
			    (socklen_t)nd->ai_addrlen, s->port);
	if (ai != NULL)
		ares_freeaddrinfo(ai);
	if (status == ARES_SUCCESS && lk->addrs.n == 0)
		status = ARES_ENODATA;
	if (status != ARES_SUCCESS)
		lk->cb(lk, -1, ares_strerror(status), lk->arg);
	else
		lk->cb(lk, 0, NULL, lk->arg);
}

void
http_lookup_init(struct http_lookup *lk)
{
	memset(lk, 0, sizeof(*lk));
	lk->slot = -1;
}

int
http_resolve_literal(const char *host, uint16_t port,
    struct http_addrs *addrs)
{
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;

	addrs->n = 0;
	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (inet_pton(AF_INET, host, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		fill(addrs, (struct sockaddr *)&sin, sizeof(sin), port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		fill(addrs, (struct sockaddr *)&sin6, sizeof(sin6), port);
		return 0;
	}
	return -1;
}

int
http_resolve_start(struct http_resolver *res, struct http_lookup *lk,
    const char *host, uint16_t port, http_resolve_cb cb, void *arg)
{
	struct ares_addrinfo_hints	 hints;
	struct http_resolver_slot	*s;
	int				 i;

	http_resolve_cancel(lk);
	if (http_resolve_literal(host, port, &lk->addrs) == 0)
		return 1;
	for (i = 0; i < HTTP_RESOLVE_MAXQ; i++)
		if (!res->slots[i].busy)
			break;
	if (i == HTTP_RESOLVE_MAXQ) {
		log_warnx("resolver: too many lookups in flight");
		return -1;
	}
	s = &res->slots[i];
	s->busy = 1;
	s->owner = lk;
	s->port = port;
	res->inflight++;
	lk->res = res;
	lk->slot = i;
	lk->cb = cb;
	lk->arg = arg;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	/* May call ai_done before returning (hosts file). */
	ares_getaddrinfo(res->ch, host, NULL, &hints, ai_done, s);
	return 0;
}

void
http_resolve_cancel(struct http_lookup *lk)
{
	if (lk->slot < 0 || lk->res == NULL)
		return;
	/* The query runs on in c-ares; its answer is dropped. */
	lk->res->slots[lk->slot].owner = NULL;
	lk->slot = -1;
}
