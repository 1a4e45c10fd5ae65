/*
 * priv.c: the privileged parent.  See priv.h.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "priv.h"

static const int fwd[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };

static int	 pfd = -1;
static sigset_t	 oldmask;

static void
on_chld(int sig)
{
	(void)sig;
}

/* Wait for the worker; pass signals on; clean up after it. */
static void __attribute__((__noreturn__))
parent(pid_t child, const char *pidfile)
{
	sigset_t	 set;
	pid_t		 r;
	size_t		 i;
	int		 sig, status = 0;

	sigemptyset(&set);
	for (i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		sigaddset(&set, fwd[i]);
	sigaddset(&set, SIGCHLD);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig != SIGCHLD) {
			kill(child, sig);
			continue;
		}
		r = waitpid(child, &status, WNOHANG);
		if (r == child || (r == -1 && errno == ECHILD))
			break;
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
priv_split(const char *pidfile, void (*closefn)(void))
{
	struct sigaction sa;
	sigset_t	 set;
	pid_t		 pid;
	size_t		 i;
	int		 p[2];

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_chld;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	/* Blocked from before the fork: none is lost in between. */
	sigemptyset(&set);
	for (i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		sigaddset(&set, fwd[i]);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &oldmask) == -1)
		fatal("sigprocmask");
	if (pipe(p) == -1)
		fatal("pipe");
	switch (pid = fork()) {
	case -1:
		fatal("fork");
	case 0:
		close(p[1]);
		pfd = p[0];
		if (fcntl(pfd, F_SETFD, FD_CLOEXEC) == -1 ||
		    fcntl(pfd, F_SETFL, O_NONBLOCK) == -1)
			fatal("fcntl");
		sa.sa_handler = SIG_DFL;
		sa.sa_flags = 0;
		sigaction(SIGCHLD, &sa, NULL);
		return;
	default:
		close(p[0]);
		if (closefn != NULL)
			closefn();
		parent(pid, pidfile);
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
