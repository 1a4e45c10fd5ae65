/*
 * priv.h: the privileged parent.
 *
 * When r53d starts as root it splits in two after binding its sockets
 * and writing its pid file: the parent keeps root, and the child (the
 * worker) drops to the configured user and does all the network work.
 * The parent does three things only:
 *
 *  - it reads the configuration again on SIGHUP (as root, so key files
 *    may be readable by root alone: mode 0600) and, when it is good,
 *    sends every file it read to the worker over a socket, which parses
 *    the same bytes (conf_load_files()); when it is bad, it logs every
 *    file:line problem and sends nothing, and the worker keeps its
 *    configuration;
 *  - it passes the other signals (SIGTERM, SIGINT, SIGUSR1, SIGUSR2) on
 *    to the worker;
 *  - when the worker exits, it removes the pid file (which the worker
 *    could not do from a directory only root may write) and exits with
 *    the worker's status.
 *
 * The worker watches the socket: a configuration from the parent comes
 * in on it, and end of file means the parent is gone (killed with
 * SIGKILL); the worker then exits at once, so that the addresses are
 * free for the next start.  A SIGHUP sent to the worker itself is passed
 * up to the parent, so that every reload reads as root.
 *
 * Call order: priv_split() once, with the signals not yet handled; it
 * returns only in the worker, which then installs its signal handlers
 * and calls priv_unblock().  In the worker, priv_fd() is the socket to
 * poll for POLLIN (-1 when there is no parent), priv_read() takes what
 * came on it, and priv_reload() asks the parent for a reload.
 */
#ifndef R53D_PRIV_H
#define R53D_PRIV_H

struct conf_files;

enum priv_input {
	PRIV_NOTHING,	/* nothing whole yet */
	PRIV_CONF,	/* a configuration: *files, the caller's to free */
	PRIV_GONE	/* the parent is gone, or sent something broken */
};

/*
 * Split into parent and worker (see above); pidfile may be NULL, conf is
 * the configuration file's path.  The parent calls closefn() first, to
 * close what it inherited and does not need (the listeners).  Returns in
 * the worker only.
 */
void		 priv_split(const char *pidfile, const char *conf,
		    void (*closefn)(void));
/* The worker: let the signals blocked for the split through. */
void		 priv_unblock(void);
int		 priv_fd(void);
/* The worker: read what the parent sent, after POLLIN on priv_fd(). */
enum priv_input	 priv_read(struct conf_files **files);
/* The worker: ask the parent to read the configuration again. */
void		 priv_reload(void);

#endif
