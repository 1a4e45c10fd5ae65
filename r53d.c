/*
 * r53d: a DNS front end for Amazon Route 53.
 *
 * main() parses options, loads the configuration, binds the listeners,
 * detaches, leaves root to a waiting parent (priv.h), drops privileges
 * and runs the single poll(2) loop.  Signals
 * arrive through a self-pipe: SIGTERM and SIGINT end the loop, SIGUSR1
 * writes the counters to the log (stats.h), SIGHUP
 * reloads the configuration and keeps the old one when the new one is bad;
 * SIGUSR2 is ignored.
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

#include "aws/creds.h"
#include "aws/r53.h"
#include "conf.h"
#include "export.h"
#include "listen.h"
#include "log.h"
#include "loop.h"
#include "priv.h"
#include "replay.h"
#include "serve.h"
#include "stats.h"
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
static volatile sig_atomic_t sig_term, sig_hup, sig_usr1;
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
	else if (sig == SIGUSR1)
		sig_usr1 = 1;
	else if (sig_term < 2)
		sig_term++;		/* a second one: exit at once */
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
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);	/* no meaning: never fatal */
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
	s->partition = a->partition->name;
	s->dns_suffix = a->partition->dns_suffix;
	s->ca_file = a->ca_file;
	s->access_key_id = a->access_key_id;
	s->secret_key = a->secret_key;
	s->rate = a->rate;
	s->burst = a->burst;
	s->change_rate = a->change_rate;
	s->change_burst = a->change_burst;
	s->imds = a->imds;
	s->imds_endpoint = a->imds_endpoint.url;
	switch (a->credentials) {
	case CONF_CREDS_CONFIG:
		s->pin = AWS_CREDS_CONFIG;
		break;
	case CONF_CREDS_ENV:
		s->pin = AWS_CREDS_ENV;
		break;
	case CONF_CREDS_WEBID:
		s->pin = AWS_CREDS_WEBID;
		break;
	case CONF_CREDS_PROFILE:
		s->pin = AWS_CREDS_PROFILE;
		break;
	case CONF_CREDS_CONTAINER:
		s->pin = AWS_CREDS_CONTAINER;
		break;
	case CONF_CREDS_IMDS:
		s->pin = AWS_CREDS_IMDS;
		break;
	default:
		s->pin = AWS_CREDS_CHAIN;
		break;
	}
	s->profile = a->profile;
	s->sts_endpoint = a->sts_endpoint.url;
	s->container_endpoint = a->container_endpoint.url;
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

/* The user to run as, looked up while /etc/passwd can be read. */
static struct passwd *
run_as(const char *user)
{
	struct passwd	*pw;
	static struct passwd saved;

	if (geteuid() != 0)
		return NULL;
	if (user == NULL || *user == '\0')
		user = CONF_DEFAULT_USER;
	if ((pw = getpwnam(user)) == NULL)
		fatalx("unknown user %s", user);
	saved = *pw;
	if ((saved.pw_name = strdup(pw->pw_name)) == NULL)
		fatal("strdup");
	return &saved;
}

/*
 * -n: what the configuration alone does not say.  The shared credentials
 * file, read at start-up when neither the configuration nor the
 * environment holds credentials, holds a secret: a warning when others
 * may read it.  Started as root, r53d reads every file as root and its
 * worker reads none (conf_files_check_worker() in conf.h): as root, a
 * warning for each file the worker's user could change, and an error
 * when that user does not exist, as at start-up.  0, or -1 after an
 * error.
 */
static int
check_files(const struct conf *cf, const struct conf_files *fs,
    const char *path)
{
	struct passwd	*pw;
	struct stat	 st;
	const char	*user, *extra[3], *id, *sec;
	char		 creds[1024];
	size_t		 n = 0;

	id = getenv("AWS_ACCESS_KEY_ID");
	sec = getenv("AWS_SECRET_ACCESS_KEY");
	if (cf->aws.access_key_id[0] == '\0' && (id == NULL || *id == '\0' ||
	    sec == NULL || *sec == '\0') &&
	    creds_file_path(creds, sizeof(creds)) == 0 &&
	    stat(creds, &st) == 0) {
		if (S_ISREG(st.st_mode) && (st.st_mode & S_IROTH))
			fprintf(stderr, "%s: warning: this AWS credentials "
			    "file is readable by others (mode %04o)\n", creds,
			    (unsigned)(st.st_mode & 07777));
		extra[n++] = creds;
	}
	if (cf->aws.ca_file != NULL)
		extra[n++] = cf->aws.ca_file;
	extra[n] = NULL;
	if (geteuid() != 0)
		return 0;
	user = cf->user != NULL && *cf->user != '\0' ? cf->user :
	    CONF_DEFAULT_USER;
	if ((pw = getpwnam(user)) == NULL) {
		fprintf(stderr, "%s: user %s: no such user\n", path, user);
		return -1;
	}
	conf_files_check_worker(fs, extra, pw->pw_uid, pw->pw_gid,
	    pw->pw_name, report_stderr, NULL);
	return 0;
}

static void
drop_privileges(const struct passwd *pw)
{
	if (pw == NULL)
		return;
	if (setgroups(1, &pw->pw_gid) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1)
		fatal("cannot drop privileges to %s", pw->pw_name);
	if (setuid(0) != -1)
		fatalx("privileges could be regained after dropping them");
	log_debug("running as %s", pw->pw_name);
}

/*
 * chroot(2) into dir, as root, before dropping privileges.  What r53d
 * reads afterwards comes through the privileged parent or was read
 * before (the CA certificates, resolv.conf); the host name lookups of
 * the resolver look for etc/hosts inside dir.
 */
static void
enter_chroot(const char *dir)
{
	if (dir == NULL)
		return;
	if (geteuid() != 0)
		fatalx("chroot %s: only root can chroot", dir);
	if (chroot(dir) == -1 || chdir("/") == -1)
		fatal("chroot %s", dir);
	log_debug("chroot %s", dir);
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

/* Put a new configuration in place of old; returns the one in use. */
static struct conf *
apply_conf(struct conf *cf, struct conf *old)
{
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
	if ((cf->user == NULL) != (old->user == NULL) || (cf->user != NULL &&
	    strcmp(cf->user, old->user) != 0))
		log_warnx("a new user takes effect at restart");
	if ((cf->chroot == NULL) != (old->chroot == NULL) ||
	    (cf->chroot != NULL && strcmp(cf->chroot, old->chroot) != 0))
		log_warnx("a new chroot takes effect at restart");
	conf_free(old);
	log_info("configuration reloaded");
	return cf;
}

/* SIGHUP without a privileged parent: read the files ourselves. */
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
	return apply_conf(cf, old);
}

static void
report_debug(void *arg, const char *msg)
{
	(void)arg;
	log_debug("%s", msg);
}

/* What the privileged parent sent: a configuration it read, or its end. */
static void
priv_input(void *arg, int fd, short revents)
{
	struct conf		**cfp = arg;
	struct conf_files	 *fs;
	struct conf		 *cf;

	(void)fd;
	(void)revents;
	switch (priv_read(&fs)) {
	case PRIV_NOTHING:
		return;
	case PRIV_GONE:
		log_warnx("the privileged parent is gone; exiting");
		_exit(1);
	case PRIV_CONF:
		/* The parent reported its problems and warnings already. */
		cf = conf_load_files(fs, report_debug, NULL);
		conf_files_free(fs);
		if (cf == NULL) {
			log_warnx("the configuration from the privileged "
			    "parent cannot be used; keeping the old one");
			return;
		}
		*cfp = apply_conf(cf, *cfp);
		return;
	}
}

/* A request held by a zone, handed back (zone.h). */
static void
dispatch(const struct client *cl, const uint8_t *msg, size_t len)
{
	serve_request(cl, msg, len, NULL);
}

/* SIGTERM: no new work; returns when it must be done by. */
static uint64_t
drain_begin(const struct conf *cf, uint64_t now)
{
	log_info("shutting down: finishing the work in progress, for %u s "
	    "at most", cf->shutdown_timeout);
	listen_drain();
	serve_drain();
	zones_drain();
	/* At least 1 ms, so that 0 still means "not yet". */
	return now + cf->shutdown_timeout * 1000ULL + 1;
}

/*
 * While draining: 1 when it is time to exit (nothing left, the time is
 * up, or a second signal).
 */
static int
drain_over(uint64_t end, uint64_t now)
{
	if (sig_term > 1) {
		log_info("exiting at once on a second signal");
		return 1;
	}
	if (zones_idle() && !listen_busy())
		return 1;
	if (now >= end) {
		log_warnx("shutdown-timeout passed with work in progress: "
		    "what was not sent is answered SERVFAIL");
		return 1;
	}
	return 0;
}

/*
 * The start of a pass: SIGTERM begins the drain (*drain_end), SIGUSR1
 * logs the statistics.  1 when the drain is over: time to exit.
 */
static int
signals_take(const struct conf *cf, uint64_t now, uint64_t *drain_end)
{
	if (sig_term > 0 && *drain_end == 0)
		*drain_end = drain_begin(cf, now);
	if (*drain_end != 0 && drain_over(*drain_end, now))
		return 1;
	if (sig_usr1) {
		sig_usr1 = 0;
		stats_log();
	}
	return 0;
}

/*
 * The rest of a pass, once io holds the caller's descriptors and
 * deadlines: add the Route 53 client's, wait in poll(), then let each
 * engine take its step.  An interrupted poll() ends the pass there.
 */
static void
pass(void)
{
	uint64_t	now;

	if (r53 != NULL)
		r53_wait();
	now = loop_now();
	if (poll(io.pfd, (nfds_t)io.n, loop_timeout(&io, now)) == -1) {
		if (errno == EINTR)
			return;
		fatal("poll");
	}
	loop_dispatch(&io);
	now = loop_now();
	listen_timer(now);
	if (r53 != NULL)
		r53_step(r53, r53pfd, nr53pfd, now);
	zones_timer(now);
}

/*
 * After the loop: units the zones still hold are answered before the
 * sockets close; then the engines are freed.
 */
static void
engines_free(void)
{
	zones_free();
	listen_close();
	replay_free();
	if (r53 != NULL)
		r53_free(r53);
	r53 = NULL;
}

/* 1 when standard output or error is a socket (inetd's). */
static int
stdio_socket(void)
{
	struct stat	st;
	int		fd;

	for (fd = STDOUT_FILENO; fd <= STDERR_FILENO; fd++)
		if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode))
			return 1;
	return 0;
}

/*
 * "r53d -i": serve the socket inetd or systemd passed as standard input
 * (listen_adopt()), then exit: after one TCP connection, or when nothing
 * has come for tcp-idle-timeout seconds and nothing is pending.  Zones
 * are read only as far as the requests need (zones_init()).
 */
static int
run_inetd(struct conf *cf)
{
	struct r53_opts		 ro;
	struct aws_settings	 as;
	struct passwd		*pw;
	enum listen_kind	 kind;
	uint64_t		 now, idle_ms, drain_end = 0;
	int			 fd;

	/* Standard output and error may be the socket: not for us. */
	if (stdio_socket() && (fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	idle_ms = (uint64_t)cf->tcp_idle_timeout * 1000;
	memset(&ro, 0, sizeof(ro));
	ro.clock = loop_now;
	aws_settings_of(&cf->aws, &as);
	if (cf->nzones > 0 && (r53 = r53_new(&as, &ro)) == NULL)
		fatalx("cannot set up the Route 53 client");
	zones_init(r53, 1, dispatch);
	stats_init(r53);
	kind = listen_adopt(STDIN_FILENO, serve_request, NULL,
	    (int)cf->tcp_idle_timeout * 1000);
	if (kind == LISTEN_NONE)
		fatalx("-i: standard input is not a UDP or TCP socket");
	pw = run_as(cf->user);
	enter_chroot(cf->chroot);
	drop_privileges(pw);
	signals_init();
	serve_setconf(cf);
	zones_setconf(cf);
	log_debug("inetd mode: serving %s", kind == LISTEN_UDP ? "UDP" :
	    kind == LISTEN_TCP ? "TCP connections" : "a TCP connection");

	for (;;) {
		now = loop_now();
		if (signals_take(cf, now, &drain_end))
			break;
		if (zones_idle() && !listen_busy() && listen_nconns() == 0 &&
		    (kind == LISTEN_CONN || now >= listen_last() + idle_ms))
			break;
		loop_reset(&io);
		loop_add(&io, sigpipe[0], POLLIN, sig_drain, NULL);
		listen_poll(&io);
		zones_poll(&io);
		if (kind != LISTEN_CONN)
			loop_deadline(&io, listen_last() + idle_ms);
		loop_deadline(&io, drain_end);
		pass();
	}
	log_debug("inetd mode: done");
	engines_free();
	conf_free(cf);
	return 0;
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
	char			*abspath = NULL;
	struct passwd		*pw;
	struct conf_files	*files = NULL;
	int			 ch, debug = 0, check = 0, verbose = 0, inetd = 0;
	int			 rv;
	uint64_t		 now, drain_end = 0;

	while ((ch = getopt(argc, argv, "c:de:hinv")) != -1) {
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
		case 'i':
			inetd = 1;
			break;
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
	if (verbose && !check && !debug && !inetd && export == NULL) {
		printf("r53d %s\n", R53D_VERSION);
		return 0;
	}

	if (inetd && stdio_socket())
		/* inetd's standard error is the socket: syslog instead. */
		log_init(0, verbose);
	else
		log_init(1, debug || inetd ? 1 + verbose : 0);
	if (check)
		cf = conf_load_record(path, report_stderr, NULL, &files);
	else
		cf = conf_load(path, report_stderr, NULL);
	if (cf == NULL) {
		if (check)
			return 1;
		fatalx("%s: configuration has errors", path);
	}
	if (check) {
		rv = check_files(cf, files, path);
		conf_files_free(files);
		if (rv == -1) {
			conf_free(cf);
			return 1;
		}
		if (verbose)
			conf_print(stdout, cf);
		else
			fprintf(stderr, "%s: configuration OK\n", path);
		conf_free(cf);
		return 0;
	}
	if (export != NULL)
		return run_export(cf, export);
	if (inetd)
		return run_inetd(cf);
	/* Reloads come after chdir("/"). */
	if ((abspath = realpath(path, NULL)) != NULL)
		path = abspath;

	memset(&ro, 0, sizeof(ro));
	ro.clock = loop_now;
	aws_settings_of(&cf->aws, &as);
	if (cf->nzones > 0 && (r53 = r53_new(&as, &ro)) == NULL)
		fatalx("cannot set up the Route 53 client");
	zones_init(r53, 0, dispatch);
	stats_init(r53);
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
		priv_split(cf->pid_file, path, listen_close);
	pw = run_as(cf->user);
	enter_chroot(cf->chroot);
	drop_privileges(pw);
#ifdef __OpenBSD__
	/*
	 * Sockets, name lookups (etc/hosts), nothing else; and running
	 * the credential_process command when the credentials need it.
	 */
	if (pledge(r53 != NULL && r53_runs_commands(r53) ?
	    "stdio rpath inet dns proc exec" : "stdio rpath inet dns",
	    NULL) == -1)
		fatal("pledge");
#endif
	signals_init();
	priv_unblock();
	serve_setconf(cf);
	zones_setconf(cf);
	log_info("r53d %s started", R53D_VERSION);
	listen_log();

	for (;;) {
		now = loop_now();
		if (signals_take(cf, now, &drain_end))
			break;
		if (sig_hup) {
			sig_hup = 0;
			/* With a privileged parent, it reads as root. */
			if (priv_fd() != -1)
				priv_reload();
			else
				cf = reload(path, cf);
		}
		loop_reset(&io);
		loop_add(&io, sigpipe[0], POLLIN, sig_drain, NULL);
		loop_add(&io, priv_fd(), POLLIN, priv_input, &cf);
		listen_poll(&io);
		zones_poll(&io);
		loop_deadline(&io, drain_end);
		pass();
	}
	log_info("exiting");
	engines_free();
	/* With a privileged parent, the parent removes it. */
	if (cf->pid_file != NULL && priv_fd() == -1)
		unlink(cf->pid_file);
	conf_free(cf);
	free(abspath);
	return 0;
}
