/*
 * loop.h: the pieces of the daemon's single poll(2) loop that modules see.
 *
 * Every pass, r53d.c empties a struct loop and asks each module to add the
 * descriptors it waits on (io_add) and its next deadline (io_deadline).
 * After poll(2) returns, each callback whose descriptor has any revents
 * is called once, with POLLERR/POLLHUP passed through so the handler
 * finds the error itself by reading or writing.  Then every module's
 * timer function runs with the current monotonic time.
 *
 * Deadlines are absolute monotonic milliseconds (loop_now()).  0 means
 * none.  The io array is sized for the daemon's limits; an io_add beyond
 * IO_MAX is a broken invariant (fatalx).
 */
#ifndef R53D_LOOP_H
#define R53D_LOOP_H

#include <poll.h>
#include <stdint.h>

/*
 * Every descriptor one pass can add: LISTEN_CONN_MAX (1024) TCP
 * connections, LISTEN_SOCK_MAX (64) listening sockets, the signal pipe,
 * the pipe from the privileged parent, and R53_FDS_MAX (19) for the
 * Route 53 client: its HTTPS connection, an IMDS connection, a
 * credential fetch and its resolver sockets.  This header cannot see those constants; r53d.c
 * checks the sum at compile time.
 */
#define IO_MAX	(1024 + 64 + 2 + 19)

typedef void	(*loop_cb)(void *, int, short);

struct loop {
	struct pollfd	 pfd[IO_MAX];
	loop_cb		 cb[IO_MAX];
	void		*arg[IO_MAX];
	int		 n;
	uint64_t	 deadline;	/* earliest, 0 = none */
};

uint64_t	loop_now(void);
void		loop_reset(struct loop *);
void		loop_add(struct loop *, int, short, loop_cb, void *);
void		loop_deadline(struct loop *, uint64_t);
/* Milliseconds to wait from now, for poll(2): -1 when no deadline. */
int		loop_timeout(const struct loop *, uint64_t);
/*
 * Add pfd[0..n) as an engine gave them (fd, events; fd -1 skipped) and
 * clear their revents: after loop_dispatch() each holds what poll(2) said,
 * ready for the engine's step.
 */
void		loop_add_pollfds(struct loop *, struct pollfd *, size_t);
/* Call the callbacks of every descriptor that has revents. */
void		loop_dispatch(struct loop *);

#endif
