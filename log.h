/*
 * log.h: the daemon's log, OpenBSD style.
 *
 * log_init() is called once before anything else logs; until then messages
 * go to stderr.  In foreground mode (-d) everything goes to stderr with
 * log_debug() enabled; otherwise to syslog(3) with LOG_DAEMON.
 *
 * log_warn() appends ": strerror(errno)", log_warnx() does not.  fatal()
 * and fatalx() log and exit(1); they are for start-up and broken
 * invariants only, never reachable from network input.
 *
 * Nothing here allocates.  Never pass a secret to any of these.
 */
#ifndef R53D_LOG_H
#define R53D_LOG_H

#include <stdarg.h>

void	log_init(int foreground, int verbose);
void	log_setverbose(int);
int	log_getverbose(void);
void	log_warn(const char *, ...)
	    __attribute__((__format__(printf, 1, 2)));
void	log_warnx(const char *, ...)
	    __attribute__((__format__(printf, 1, 2)));
void	log_info(const char *, ...)
	    __attribute__((__format__(printf, 1, 2)));
void	log_debug(const char *, ...)
	    __attribute__((__format__(printf, 1, 2)));
/* A line already formatted (no printf directives interpreted). */
void	log_infoline(const char *);
void	vlog(int, const char *, va_list)
	    __attribute__((__format__(printf, 2, 0)));
void	fatal(const char *, ...)
	    __attribute__((__format__(printf, 1, 2), __noreturn__));
void	fatalx(const char *, ...)
	    __attribute__((__format__(printf, 1, 2), __noreturn__));

#endif
