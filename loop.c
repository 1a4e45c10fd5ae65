/*
 * loop.c: poll set and monotonic clock.
 */
#include <time.h>

#include "log.h"
#include "loop.h"

uint64_t
loop_now(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
loop_reset(struct loop *io)
{
	io->n = 0;
	io->deadline = 0;
}

void
loop_add(struct loop *io, int fd, short events, loop_cb cb, void *arg)
{
	if (fd < 0)
		return;
	if (io->n >= IO_MAX)
		fatalx("io_add: more than %d descriptors", IO_MAX);
	io->pfd[io->n].fd = fd;
	io->pfd[io->n].events = events;
	io->pfd[io->n].revents = 0;
	io->cb[io->n] = cb;
	io->arg[io->n] = arg;
	io->n++;
}

static void
set_revents(void *arg, int fd, short revents)
{
	struct pollfd	*p = arg;

	(void)fd;
	p->revents |= revents;
}

void
loop_add_pollfds(struct loop *io, struct pollfd *pfd, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		pfd[i].revents = 0;
		loop_add(io, pfd[i].fd, pfd[i].events, set_revents, &pfd[i]);
	}
}

void
loop_deadline(struct loop *io, uint64_t when)
{
	if (when != 0 && (io->deadline == 0 || when < io->deadline))
		io->deadline = when;
}

int
loop_timeout(const struct loop *io, uint64_t now)
{
	uint64_t	d;

	if (io->deadline == 0)
		return -1;
	if (io->deadline <= now)
		return 0;
	d = io->deadline - now;
	return d > 60000 ? 60000 : (int)d;
}

void
loop_dispatch(struct loop *io)
{
	int	i;

	for (i = 0; i < io->n; i++)
		if (io->pfd[i].revents != 0)
			io->cb[i](io->arg[i], io->pfd[i].fd,
			    io->pfd[i].revents);
}
