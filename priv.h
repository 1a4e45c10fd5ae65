/*
 * priv.h: the privileged parent.
 *
 * When r53d starts as root it splits in two after binding its sockets
 * and writing its pid file: the parent keeps root and does nothing but
 * wait, and the child (the worker) drops to the configured user and does
 * all the work.  The parent passes every signal it gets (SIGTERM, SIGINT,
 * SIGHUP, SIGUSR1, SIGUSR2) on to the worker, and when the worker exits
 * it removes the pid file, which the worker could not do from a
 * directory only root may write, and exits with the worker's status.
 * The worker watches a pipe from the parent: when the parent is gone
 * (killed with SIGKILL), the worker exits at once, as if killed with it,
 * so that the addresses are free for the next start.
 *
 * Call order: priv_split() once, with the signals not yet handled; it
 * returns only in the worker, which then installs its signal handlers
 * and calls priv_unblock().  In the worker, priv_fd() is the pipe to
 * watch for POLLIN/POLLHUP (-1 when there is no parent).
 */
#ifndef R53D_PRIV_H
#define R53D_PRIV_H

/*
 * Split into parent and worker (see above); pidfile may be NULL.  The
 * parent calls closefn(arg) first, to close what it inherited and does
 * not need (the listeners).  Returns in the worker only.
 */
void	priv_split(const char *pidfile, void (*closefn)(void));
/* The worker: let the signals blocked for the split through. */
void	priv_unblock(void);
int	priv_fd(void);

#endif
