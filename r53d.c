/*
 * r53d: a DNS front end for Amazon Route 53.
 *
 * main() parses options, loads the configuration, binds the listeners,
 * detaches, leaves root to a waiting parent (priv.h), drops privileges
 * and runs the single poll(2) loop.  Signals
 * arrive through a self-pipe: SIGTERM and SIGINT end the loop, SIGHUP
 * reloads the configuration and keeps the old one when the new one is bad.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/r53.h"
#include "conf.h"
#include "export.h"
#include "listen.h"
#include "log.h"
#include "loop.h"
#include "priv.h"
#include "replay.h"
#include "serve.h"
#include "zone.h"

#define R53D_CONF	"/etc/r53d.conf"
/* Descriptors beyond the poll set: configuration, pid file, syslog. */
#define NOFILE_SPARE	32

_Static_assert(IO_MAX >= LISTEN_CONN_MAX + LISTEN_SOCK_MAX + 2 + R53_FDS_MAX,
    "IO_MAX: every connection, listener, the two pipes and Route 53");
_Static_assert(CONF_TCP_CLIENTS_MAX <= LISTEN_CONN_MAX,
    "tcp-clients: the listener has a slot for every connection allowed");
_Static_assert(2 * CONF_LISTEN_MAX <= LISTEN_SOCK_MAX,
    "a UDP and a TCP socket for every listen address");

static int		 sigpipe[2] = { -1, -1 };
static struct pollfd	 r53pfd[R53_FDS_MAX];	/* the client's, this pass */
static size_t		 nr53pfd;
static volatile sig_atomic_t sig_term, sig_hup;
static struct loop	 io;
static struct r53	*r53;

#define USAGE	"usage: r53d [-dhinv] [-c file] [-e zone]\n"

static void
usage(void)
{
	fputs(USAGE, stderr);
	exit(1);
}

/* -h: every option, one line each, on standard output. */
static void __attribute__((__noreturn__))
help(void)
{
	fputs(USAGE
	    "  -c file  read the configuration from file, not " R53D_CONF "\n"
	    "  -d       stay in the foreground and log to standard error,"
	    " with debug lines\n"
	    "  -e zone  print the hosted zone of zone as a zone file and exit\n"
	    "  -h       print this help and exit\n"
	    "  -i       inetd mode: serve the socket on standard input,"
	    " exit when idle\n"
	    "  -n       check the configuration and exit; with -v, print it"
	    " back too\n"
	    "  -v       print the version and exit; with -d or -n,"
	    " be more verbose\n", stdout);
	exit(0);
}

static void
on_signal(int sig)
{
	int	saved = errno;
	char	c = (char)sig;

	if (sig == SIGHUP)
		sig_hup = 1;
	else
		sig_term = 1;
	if (write(sigpipe[1], &c, 1) == -1) {
		/* the pipe is full: a wake-up is pending anyway */
	}
	errno = saved;
}

static void
sig_drain(void *arg, int fd, short revents)
{
	char	buf[64];

	(void)arg;
	(void)revents;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/* The privileged parent died (SIGKILL): go with it. */
static void
parent_gone(void *arg, int fd, short revents)
{
	(void)arg;
	(void)fd;
	(void)revents;
	log_warnx("the privileged parent is gone; exiting");
	_exit(1);
}

static void
signals_init(void)
{
	struct sigaction	sa;
	int			i;

	if (pipe(sigpipe) == -1)
		fatal("pipe");
	for (i = 0; i < 2; i++)
		if (fcntl(sigpipe[i], F_SETFL, O_NONBLOCK) == -1 ||
		    fcntl(sigpipe[i], F_SETFD, FD_CLOEXEC) == -1)
			fatal("fcntl");
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* The Route 53 client's descriptors and deadline, for this pass. */
static void
r53_wait(void)
{
	nr53pfd = r53_pollfds(r53, r53pfd, R53_FDS_MAX);
	loop_add_pollfds(&io, r53pfd, nr53pfd);
	loop_deadline(&io, r53_deadline(r53));
}

/* The aws/ settings from the configuration's aws block. */
static void
aws_settings_of(const struct conf_aws *a, struct aws_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->endpoint = a->endpoint.url;
	s->region = a->region;
	s->ca_file = a->ca_file;
	s->access_key_id = a->access_key_id;
	s->secret_key = a->secret_key;
	s->rate = a->rate;
	s->imds = a->imds;
	s->imds_endpoint = a->imds_endpoint.url;
}

static void
report_stderr(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

static void
report_log(void *arg, const char *msg)
{
	(void)arg;
	log_warnx("%s", msg);
}

static void
detach(void)
{
	int	fd;

	switch (fork()) {
	case -1:
		fatal("fork");
	case 0:
		break;
	default:
		_exit(0);
	}
	if (setsid() == -1)
		fatal("setsid");
	if (chdir("/") == -1)
		fatal("chdir /");
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > 2)
			close(fd);
	}
}

static void
write_pidfile(const char *path)
{
	FILE	*f;

	if (path == NULL)
		return;
	if ((f = fopen(path, "w")) == NULL) {
		log_warn("%s", path);
		return;
	}
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
}

static void
drop_privileges(const char *user)
{
	struct passwd	*pw;

	if (geteuid() != 0)
		return;
	if (user == NULL || *user == '\0')
		user = CONF_DEFAULT_USER;
	if ((pw = getpwnam(user)) == NULL)
		fatalx("unknown user %s", user);
	if (setgroups(1, &pw->pw_gid) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1)
		fatal("cannot drop privileges to %s", user);
	if (setuid(0) != -1)
		fatalx("privileges could be regained after dropping them");
	log_debug("running as %s", user);
}

/*
 * Let the process open every descriptor the poll set can hold; a soft
 * limit of 1024, common by default, would stop tcp-clients short.  Root
 * may raise the hard limit too; otherwise the soft one goes up to it.
 */
static void
raise_nofile(void)
{
	struct rlimit	rl;
	rlim_t		want = IO_MAX + NOFILE_SPARE;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= want)
		return;
	if (rl.rlim_max < want) {
		rl.rlim_cur = rl.rlim_max = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) == 0 ||
		    getrlimit(RLIMIT_NOFILE, &rl) == -1)
			return;
		want = rl.rlim_max;
	}
	rl.rlim_cur = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_warn("setrlimit");
}

/* Say so when the open files limit is below what tcp-clients needs. */
static void
check_nofile(const struct conf *cf)
{
	struct rlimit	rl;
	rlim_t		need;

	need = cf->tcp_clients + (IO_MAX - LISTEN_CONN_MAX) + NOFILE_SPARE;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < need)
		log_warnx("open files limited to %llu: fewer than %u TCP "
		    "connections may be served",
		    (unsigned long long)rl.rlim_cur, cf->tcp_clients);
}

/* Listener addresses of a configuration, in a flat array. */
static void
listen_conf_of(const struct conf *cf, struct listen_conf *lc,
    struct sockaddr_storage *addrs)
{
	size_t	i;

	for (i = 0; i < cf->nlisten && i < CONF_LISTEN_MAX; i++)
		addrs[i] = cf->listen[i].ss;
	lc->addrs = addrs;
	lc->naddrs = (int)i;
	lc->tcp_clients = (int)cf->tcp_clients;
	lc->tcp_idle_ms = (int)cf->tcp_idle_timeout * 1000;
}

static struct conf *
reload(const char *path, struct conf *old)
{
	struct conf	*cf;

	log_info("reloading configuration %s", path);
	if ((cf = conf_load(path, report_log, NULL)) == NULL) {
		log_warnx("configuration %s has errors; keeping the old one",
		    path);
		return old;
	}
	serve_setconf(cf);
	zones_setconf(cf);
	listen_set_limits((int)cf->tcp_clients,
	    (int)cf->tcp_idle_timeout * 1000);
	check_nofile(cf);
	if (cf->nlisten != old->nlisten || memcmp(cf->listen, old->listen,
	    cf->nlisten * sizeof(cf->listen[0])) != 0)
		log_warnx("listen addresses change only at restart");
	if (memcmp(&cf->aws, &old->aws, offsetof(struct conf_aws, ca_file)) != 0)
		log_warnx("changes to the aws block take effect at restart");
	conf_free(old);
	log_info("configuration reloaded");
	return cf;
}

/* "r53d -e ZONE": print the hosted zone and exit. */
static int
run_export(struct conf *cf, const char *zone)
{
	struct export	*ex;
	struct r53_opts		 o;
	struct aws_settings	 as;
	int			 rv;

	signals_init();
	/* A person is waiting: give up sooner than the daemon would. */
	memset(&o, 0, sizeof(o));
	o.max_attempts = 3;
	o.op_timeout_ms = 30000;
	o.connect_ms = 5000;
	o.quiet = 1;
	o.clock = loop_now;
	aws_settings_of(&cf->aws, &as);
	if ((r53 = r53_new(&as, &o)) == NULL)
		return 1;
	if ((ex = export_start(r53, cf, zone, stdout)) == NULL) {
		r53_free(r53);
		return 1;
	}
	while (!export_finished(ex) && !sig_term) {
		loop_reset(&io);
		loop_add(&io, sigpipe[0], POLLIN, sig_drain, NULL);
		r53_wait();
		if (poll(io.pfd, (nfds_t)io.n, loop_timeout(&io,
		    loop_now())) == -1 && errno != EINTR)
			fatal("poll");
		loop_dispatch(&io);
		r53_step(r53, r53pfd, nr53pfd, loop_now());
	}
	rv = export_finished(ex) ? export_status(ex) : 1;
	fflush(stdout);
	export_free(ex);
	r53_free(r53);
	conf_free(cf);
	return rv;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_storage	 addrs[CONF_LISTEN_MAX];
	struct listen_conf	 lc;
	struct r53_opts		 ro;
	struct aws_settings	 as;
	struct conf		*cf;
	const char		*path = R53D_CONF, *export = NULL;
	int			 ch, debug = 0, check = 0, verbose = 0;
	uint64_t		 now;

	while ((ch = getopt(argc, argv, "c:de:hnv")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'd':
			debug = 1;
			break;
		case 'e':
			export = optarg;
			break;
		case 'h':
			help();
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (verbose && !check && !debug && export == NULL) {
		printf("r53d %s\n", R53D_VERSION);
		return 0;
	}

	log_init(1, debug ? 1 + verbose : 0);
	if ((cf = conf_load(path, report_stderr, NULL)) == NULL) {
		if (check)
			return 1;
		fatalx("%s: configuration has errors", path);
	}
	if (check) {
		if (verbose)
			conf_print(stdout, cf);
		else
			fprintf(stderr, "%s: configuration OK\n", path);
		conf_free(cf);
		return 0;
	}
	if (export != NULL)
		return run_export(cf, export);

	memset(&ro, 0, sizeof(ro));
	ro.clock = loop_now;
	aws_settings_of(&cf->aws, &as);
	if (cf->nzones > 0 && (r53 = r53_new(&as, &ro)) == NULL)
		fatalx("cannot set up the Route 53 client");
	zones_init(r53);
	raise_nofile();
	check_nofile(cf);
	listen_conf_of(cf, &lc, addrs);
	if (listen_open(&lc, serve_request, NULL) == -1)
		fatalx("cannot listen on every configured address");
	if (!debug) {
		log_init(0, 0);
		detach();
	}
	write_pidfile(cf->pid_file);
	/* Root stays in a parent that waits and removes the pid file. */
	if (geteuid() == 0)
		priv_split(cf->pid_file, listen_close);
	drop_privileges(cf->user);
	signals_init();
	priv_unblock();
	serve_setconf(cf);
	zones_setconf(cf);
	log_info("r53d %s started", R53D_VERSION);
	listen_log();

	while (!sig_term) {
		if (sig_hup) {
			sig_hup = 0;
			cf = reload(path, cf);
		}
		loop_reset(&io);
		loop_add(&io, sigpipe[0], POLLIN, sig_drain, NULL);
		loop_add(&io, priv_fd(), POLLIN, parent_gone, NULL);
		listen_poll(&io);
		zones_poll(&io);
		if (r53 != NULL)
			r53_wait();
		now = loop_now();
		if (poll(io.pfd, (nfds_t)io.n, loop_timeout(&io, now)) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		loop_dispatch(&io);
		now = loop_now();
		listen_timer(now);
		if (r53 != NULL)
			r53_step(r53, r53pfd, nr53pfd, now);
		zones_timer(now);
	}
	log_info("exiting on signal");
	listen_close();
	zones_free();
	replay_free();
	if (r53 != NULL)
		r53_free(r53);
	/* With a privileged parent, the parent removes it. */
	if (cf->pid_file != NULL && priv_fd() == -1)
		unlink(cf->pid_file);
	conf_free(cf);
	return 0;
}
