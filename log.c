/*
 * log.c: stderr or syslog(3) logging.
 */
#include <sys/uio.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int	log_fg = 1;
static int	log_verbose = 0;

void
log_init(int foreground, int verbose)
{
	log_fg = foreground;
	log_verbose = verbose;
	if (!log_fg)
		openlog("r53d", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return log_verbose;
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	char	buf[1024];

	if (log_fg) {
		vsnprintf(buf, sizeof(buf), fmt, ap);
		fprintf(stderr, "r53d: %s\n", buf);
		fflush(stderr);
	} else
		vsyslog(pri, fmt, ap);
}

static void	vlog_errno(int, int, const char *, va_list)
		    __attribute__((__format__(printf, 3, 0)));

static void
vlog_errno(int pri, int saved, const char *fmt, va_list ap)
{
	char	buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_fg) {
		fprintf(stderr, "r53d: %s: %s\n", buf, strerror(saved));
		fflush(stderr);
	} else
		syslog(pri, "%s: %s", buf, strerror(saved));
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	vlog_errno(LOG_ERR, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_infoline(const char *line)
{
	struct iovec	iov[3];

	if (!log_fg) {
		syslog(LOG_INFO, "%s", line);
		return;
	}
	iov[0].iov_base = (void *)(uintptr_t)"r53d: ";
	iov[0].iov_len = 6;
	iov[1].iov_base = (void *)(uintptr_t)line;
	iov[1].iov_len = strlen(line);
	iov[2].iov_base = (void *)(uintptr_t)"\n";
	iov[2].iov_len = 1;
	(void)writev(STDERR_FILENO, iov, 3);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	vlog_errno(LOG_CRIT, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}
