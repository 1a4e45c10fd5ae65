/*
 * priv.c: the privileged parent.  See priv.h.
 *
 * Between the two processes, one socket pair.  Parent to worker: each
 * configuration as a length (4 octets, native order) and the packed file
 * set (conf_files_pack()).  Worker to parent: one octet 'H' for "read
 * the configuration again".
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "priv.h"

/* A packed configuration: its files and the pack's own overhead. */
#define PACK_MAX	(CONF_FILES_BYTES + 4 * 1024 * 1024)

static const int fwd[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };

static int	 pfd = -1;		/* the worker's end */
static sigset_t	 oldmask;
static int	 sigp[2] = { -1, -1 };	/* the parent's signal pipe */

/* The worker's reading of a configuration. */
static uint8_t	 hdr[4];
static size_t	 nhdr;
static uint8_t	*in;
static size_t	 inlen, ingot;

static void
on_signal(int sig)
{
	int		saved = errno;
	unsigned char	c = (unsigned char)sig;

	if (write(sigp[1], &c, 1) == -1) {
		/* full: the signal is lost only if it is already there */
	}
	errno = saved;
}

static void
report(void *arg, const char *msg)
{
	(void)arg;
	log_warnx("%s", msg);
}

/* Write all of buf to the worker; -1 when it is gone. */
static int
write_all(int fd, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	ssize_t		 w;

	while (len > 0) {
		if ((w = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* SIGHUP: read the configuration as root; a good one goes down. */
static void
reload(int sock, const char *path)
{
	struct conf_files	*fs;
	struct conf		*c;
	uint8_t			*buf;
	size_t			 len;
	uint32_t		 n;

	log_info("reloading configuration %s", path);
	if ((c = conf_load_record(path, report, NULL, &fs)) == NULL) {
		log_warnx("configuration %s has errors; keeping the old one",
		    path);
		return;
	}
	conf_free(c);
	if (conf_files_pack(fs, &buf, &len) == -1 || len > PACK_MAX) {
		if (len > PACK_MAX) {
			explicit_bzero(buf, len);
			free(buf);
		}
		log_warnx("configuration %s: out of memory; keeping the old "
		    "one", path);
		conf_files_free(fs);
		return;
	}
	conf_files_free(fs);
	n = (uint32_t)len;
	if (write_all(sock, &n, sizeof(n)) == -1 ||
	    write_all(sock, buf, len) == -1)
		log_warn("cannot pass the configuration to the worker");
	explicit_bzero(buf, len);
	free(buf);
}

/* Wait for the worker; pass signals on; clean up after it. */
static void __attribute__((__noreturn__))
parent(pid_t child, int sock, const char *pidfile, const char *path)
{
	struct sigaction sa;
	struct pollfd	 pfds[2];
	unsigned char	 c[64];
	ssize_t		 r, i;
	pid_t		 w;
	size_t		 k;
	int		 status = 0, done = 0;

	if (pipe(sigp) == -1)
		fatal("pipe");
	for (k = 0; k < 2; k++)
		if (fcntl(sigp[k], F_SETFL, O_NONBLOCK) == -1 ||
		    fcntl(sigp[k], F_SETFD, FD_CLOEXEC) == -1)
			fatal("fcntl");
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	for (k = 0; k < sizeof(fwd) / sizeof(fwd[0]); k++)
		sigaction(fwd[k], &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGPIPE, &sa, NULL);
#ifdef __OpenBSD__
	/* Read the configuration, signal and reap the worker, unlink. */
	if (pledge("stdio rpath cpath proc", NULL) == -1)
		fatal("pledge");
#endif
	/* The signals that came since the fork are delivered now. */
	sigprocmask(SIG_SETMASK, &oldmask, NULL);

	while (!done) {
		pfds[0].fd = sigp[0];
		pfds[0].events = POLLIN;
		pfds[1].fd = sock;
		pfds[1].events = POLLIN;
		if (poll(pfds, sock == -1 ? 1 : 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (sock != -1 && (pfds[1].revents & (POLLIN | POLLHUP))) {
			r = read(sock, c, sizeof(c));
			if (r <= 0 && !(r == -1 && errno == EINTR)) {
				/* The worker is going: SIGCHLD follows. */
				close(sock);
				sock = -1;
			}
			for (i = 0; i < r; i++)
				if (c[i] == 'H')
					reload(sock, path);
		}
		if (!(pfds[0].revents & POLLIN))
			continue;
		while ((r = read(sigp[0], c, sizeof(c))) > 0) {
			for (i = 0; i < r; i++) {
				if (c[i] == SIGHUP) {
					if (sock != -1)
						reload(sock, path);
				} else if (c[i] != SIGCHLD)
					kill(child, c[i]);
			}
		}
		w = waitpid(child, &status, WNOHANG);
		if (w == child || (w == -1 && errno == ECHILD))
			done = 1;
	}
	if (pidfile != NULL && unlink(pidfile) == -1 && errno != ENOENT)
		log_warn("%s", pidfile);
	if (WIFSIGNALED(status)) {
		log_warnx("worker killed by signal %d", WTERMSIG(status));
		_exit(128 + WTERMSIG(status));
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

void
priv_split(const char *pidfile, const char *path, void (*closefn)(void))
{
	sigset_t	 set;
	pid_t		 pid;
	size_t		 i;
	int		 sp[2];

	/* Blocked from before the fork: none is lost in between. */
	sigemptyset(&set);
	for (i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		sigaddset(&set, fwd[i]);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &oldmask) == -1)
		fatal("sigprocmask");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1)
		fatal("socketpair");
	switch (pid = fork()) {
	case -1:
		fatal("fork");
	case 0:
		close(sp[1]);
		pfd = sp[0];
		if (fcntl(pfd, F_SETFD, FD_CLOEXEC) == -1 ||
		    fcntl(pfd, F_SETFL, O_NONBLOCK) == -1)
			fatal("fcntl");
		return;
	default:
		close(sp[0]);
		if (fcntl(sp[1], F_SETFD, FD_CLOEXEC) == -1)
			fatal("fcntl");
		if (closefn != NULL)
			closefn();
		parent(pid, sp[1], pidfile, path);
	}
}

void
priv_unblock(void)
{
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
}

int
priv_fd(void)
{
	return pfd;
}

void
priv_reload(void)
{
	char	c = 'H';

	if (pfd != -1 && write(pfd, &c, 1) == -1)
		log_warn("cannot ask for a reload");
}

static void
in_reset(void)
{
	if (in != NULL) {
		explicit_bzero(in, inlen);
		free(in);
	}
	in = NULL;
	inlen = ingot = nhdr = 0;
}

enum priv_input
priv_read(struct conf_files **files)
{
	ssize_t		 r;
	uint32_t	 n;

	*files = NULL;
	for (;;) {
		if (nhdr < sizeof(hdr))
			r = read(pfd, hdr + nhdr, sizeof(hdr) - nhdr);
		else
			r = read(pfd, in + ingot, inlen - ingot);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return PRIV_NOTHING;
		if (r <= 0) {
			in_reset();
			return PRIV_GONE;
		}
		if (nhdr < sizeof(hdr)) {
			nhdr += (size_t)r;
			if (nhdr < sizeof(hdr))
				continue;
			memcpy(&n, hdr, sizeof(n));
			if (n == 0 || n > PACK_MAX ||
			    (in = malloc(n)) == NULL) {
				log_warnx("the parent sent a configuration "
				    "of %u octets", (unsigned)n);
				in_reset();
				return PRIV_GONE;
			}
			inlen = n;
			ingot = 0;
			continue;
		}
		ingot += (size_t)r;
		if (ingot < inlen)
			continue;
		*files = conf_files_unpack(in, inlen);
		in_reset();
		if (*files == NULL) {
			log_warnx("the parent sent a configuration that "
			    "cannot be read");
			return PRIV_GONE;
		}
		return PRIV_CONF;
	}
}
