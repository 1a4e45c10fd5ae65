/*
 * cfetch.c: fetches of temporary credentials from STS, a container
 * endpoint or a credential_process command.  See cfetch.h.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/cfetch.h"
#include "aws/creds.h"
#include "aws/sigv4.h"
#include "aws/util.h"
#include "http/conn.h"
#include "log.h"

#ifndef R53D_VERSION
#define R53D_VERSION	"0"
#endif

#define STS_VERSION	"2011-06-15"
#define ARN_MAX		2048
#define EXTID_MAX	1224
#define SESSION_MAX	64

struct cfetch {
	enum cfetch_kind	 kind;
	enum cfetch_state	 state;
	char			 desc[160];
	char			 why[300];

	/* HTTP kinds. */
	struct http_conn	 conn;
	int			 conn_inited;
	struct http_endpoint	 ep;
	char			 authority[HTTP_MAXHOST + 9];
	char			 path[512];
	char			 region[64];
	char			*role_arn;
	char			*session;
	char			*external_id;
	unsigned		 duration;
	char			*token_file;
	char			*token;		/* the last one read */
	size_t			 toklen;
	int			 tok_warned;
	char			*head;
	size_t			 headlen;
	char			*body;
	size_t			 bodylen;

	/* CFETCH_PROCESS. */
	char			*command;
	pid_t			 pid;
	int			 fd;
	char			*out;
	size_t			 outlen;
	uint64_t		 until;
	int			 eof;

	uint64_t		 now;
	struct creds_keys	 keys;
};

static char *
dup_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? strdup(s) : NULL;
}

/*
 * Read a token file into f->token (trimmed).  0, or -1 with errno or
 * EFBIG / EINVAL for a file too large or empty.
 */
static int
read_token(struct cfetch *f)
{
	char		*buf;
	ssize_t		 n;
	size_t		 got = 0, b, e;
	int		 fd, saved;

	if ((fd = open(f->token_file, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((buf = malloc(CFETCH_TOKEN_MAX + 1)) == NULL) {
		close(fd);
		return -1;
	}
	for (;;) {
		n = read(fd, buf + got, CFETCH_TOKEN_MAX + 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got > CFETCH_TOKEN_MAX)
			break;
	}
	saved = errno;
	close(fd);
	if (n == -1) {
		util_wipe(buf, CFETCH_TOKEN_MAX + 1);
		free(buf);
		errno = saved;
		return -1;
	}
	for (b = 0; b < got && (buf[b] == ' ' || buf[b] == '\n' ||
	    buf[b] == '\r' || buf[b] == '\t'); b++)
		;
	for (e = got; e > b && (buf[e - 1] == ' ' || buf[e - 1] == '\n' ||
	    buf[e - 1] == '\r' || buf[e - 1] == '\t'); e--)
		;
	if (got > CFETCH_TOKEN_MAX || e == b) {
		util_wipe(buf, CFETCH_TOKEN_MAX + 1);
		free(buf);
		errno = got > CFETCH_TOKEN_MAX ? EFBIG : EINVAL;
		return -1;
	}
	for (n = (ssize_t)b; (size_t)n < e; n++)
		if ((unsigned char)buf[n] < 0x20 || buf[n] == 0x7f) {
			util_wipe(buf, CFETCH_TOKEN_MAX + 1);
			free(buf);
			errno = EINVAL;
			return -1;
		}
	memmove(buf, buf + b, e - b);
	buf[e - b] = '\0';
	if (f->token != NULL) {
		util_wipe(f->token, f->toklen);
		free(f->token);
	}
	f->token = buf;
	f->toklen = e - b;
	return 0;
}

static const char *
token_error(void)
{
	return errno == EFBIG ? "larger than 20 KiB" : errno == EINVAL ?
	    "empty, or holds a control character" : strerror(errno);
}

struct cfetch *
cfetch_new(const struct cfetch_spec *s, struct http_resolver *res,
    const struct http_tls_anchors *ta)
{
	struct cfetch		*f;
	struct http_timeouts	 to = { 5000, 5000, 15000, 1000 };
	const char		*path, *err;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		log_warn("credentials");
		return NULL;
	}
	f->kind = s->kind;
	f->state = CFETCH_IDLE;
	f->fd = -1;
	f->pid = -1;
	f->duration = s->duration;
	if ((s->role_arn != NULL && strlen(s->role_arn) > ARN_MAX) ||
	    (s->external_id != NULL && strlen(s->external_id) > EXTID_MAX) ||
	    (s->session_name != NULL && strlen(s->session_name) >
	    SESSION_MAX)) {
		log_warnx("role_arn, external_id or role_session_name too "
		    "long");
		goto fail;
	}
	f->role_arn = dup_or_null(s->role_arn);
	f->session = strdup(s->session_name != NULL &&
	    *s->session_name != '\0' ? s->session_name : "r53d");
	f->external_id = dup_or_null(s->external_id);
	f->token_file = dup_or_null(s->token_file);
	f->command = dup_or_null(s->command);
	if (f->session == NULL || (s->token_file != NULL &&
	    f->token_file == NULL) || (s->command != NULL &&
	    f->command == NULL)) {
		log_warn("credentials");
		goto fail;
	}
	switch (f->kind) {
	case CFETCH_ASSUME_ROLE:
		snprintf(f->desc, sizeof(f->desc), "STS AssumeRole %.120s",
		    f->role_arn != NULL ? f->role_arn : "");
		break;
	case CFETCH_WEB_IDENTITY:
		snprintf(f->desc, sizeof(f->desc), "STS "
		    "AssumeRoleWithWebIdentity %.110s",
		    f->role_arn != NULL ? f->role_arn : "");
		break;
	case CFETCH_CONTAINER:
		snprintf(f->desc, sizeof(f->desc), "container endpoint %.130s",
		    s->url != NULL ? s->url : "");
		break;
	case CFETCH_PROCESS:
		snprintf(f->desc, sizeof(f->desc), "credential_process");
		if (f->command == NULL) {
			log_warnx("credential_process: empty command");
			goto fail;
		}
		return f;
	}
	if ((f->kind == CFETCH_ASSUME_ROLE ||
	    f->kind == CFETCH_WEB_IDENTITY) && f->role_arn == NULL) {
		log_warnx("%s: no role ARN", f->desc);
		goto fail;
	}
	if (f->token_file != NULL && read_token(f) == -1) {
		log_warnx("%s: token file %s: %s", f->desc, f->token_file,
		    token_error());
		goto fail;
	}
	if (f->kind == CFETCH_WEB_IDENTITY && f->token == NULL) {
		log_warnx("%s: no web identity token file", f->desc);
		goto fail;
	}
	if (f->kind == CFETCH_CONTAINER && f->token == NULL &&
	    s->token != NULL && *s->token != '\0') {
		if ((f->token = strdup(s->token)) == NULL) {
			log_warn("credentials");
			goto fail;
		}
		f->toklen = strlen(f->token);
		if (strpbrk(f->token, "\r\n") != NULL) {
			log_warnx("%s: malformed authorization token",
			    f->desc);
			goto fail;
		}
	}
	if (s->url == NULL || http_url_parse(s->url, &f->ep, &path,
	    &err) == -1) {
		log_warnx("%s: %s", f->desc, s->url != NULL ? err :
		    "no endpoint");
		goto fail;
	}
	if (f->kind != CFETCH_CONTAINER && *path != '\0' &&
	    strcmp(path, "/") != 0) {
		log_warnx("%s: %s: a path is not supported", f->desc, s->url);
		goto fail;
	}
	if (f->kind == CFETCH_CONTAINER && (*path == '\0' ||
	    strlen(path) >= sizeof(f->path) ||
	    strpbrk(path, " \r\n\t") != NULL)) {
		log_warnx("%s: no path, or a malformed one", f->desc);
		goto fail;
	}
	snprintf(f->path, sizeof(f->path), "%s", *path != '\0' ? path : "/");
	snprintf(f->region, sizeof(f->region), "%s", s->region != NULL &&
	    *s->region != '\0' ? s->region : "us-east-1");
	if (f->ep.tls && (ta == NULL || ta->n == 0)) {
		log_warnx("%s: no trust anchors for https", f->desc);
		goto fail;
	}
	if (http_url_authority(&f->ep, f->authority,
	    sizeof(f->authority)) == -1 ||
	    http_conn_init(&f->conn, &f->ep, res, ta, &to,
	    CFETCH_MAXRESP) == -1) {
		log_warnx("%s: cannot set up", f->desc);
		goto fail;
	}
	f->conn_inited = 1;
	return f;
 fail:
	cfetch_free(f);
	return NULL;
}

static void
reset(struct cfetch *f)
{
	if (f->head != NULL) {
		util_wipe(f->head, f->headlen);
		free(f->head);
	}
	if (f->body != NULL) {
		util_wipe(f->body, f->bodylen);
		free(f->body);
	}
	f->head = f->body = NULL;
	f->headlen = f->bodylen = 0;
	if (f->fd != -1)
		close(f->fd);
	f->fd = -1;
	if (f->pid > 0) {
		kill(f->pid, SIGKILL);
		while (waitpid(f->pid, NULL, 0) == -1 && errno == EINTR)
			;
	}
	f->pid = -1;
	if (f->out != NULL) {
		util_wipe(f->out, CFETCH_PROC_MAX);
		free(f->out);
	}
	f->out = NULL;
	f->outlen = 0;
	f->eof = 0;
}

void
cfetch_free(struct cfetch *f)
{
	if (f == NULL)
		return;
	reset(f);
	if (f->conn_inited)
		http_conn_free(&f->conn);
	if (f->token != NULL) {
		util_wipe(f->token, f->toklen);
		free(f->token);
	}
	free(f->role_arn);
	free(f->session);
	if (f->external_id != NULL)
		util_wipe(f->external_id, strlen(f->external_id));
	free(f->external_id);
	free(f->token_file);
	free(f->command);
	util_wipe(&f->keys, sizeof(f->keys));
	free(f);
}

/*
 * End the fetch.  The reason may quote the answer (STS's error code and
 * message): control characters become spaces, as it goes to the log.
 */
static void
finish(struct cfetch *f, enum cfetch_state st, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static void
finish(struct cfetch *f, enum cfetch_state st, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	f->why[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(f->why, sizeof(f->why), fmt, ap);
		va_end(ap);
	}
	for (p = f->why; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	reset(f);
	if (f->conn_inited)
		http_conn_close(&f->conn);
	f->state = st;
}

/* Append "&key=value", the value form-encoded, to buf (cap bytes). */
static int
form_add(char *buf, size_t cap, size_t *len, const char *key,
    const char *val)
{
	static const char	hex[] = "0123456789ABCDEF";
	size_t			n = *len;
	int			w;

	w = snprintf(buf + n, cap - n, "%s%s=", n > 0 ? "&" : "", key);
	if (w < 0 || (size_t)w >= cap - n)
		return -1;
	n += (size_t)w;
	for (; *val != '\0'; val++) {
		unsigned char ch = (unsigned char)*val;

		if (n + 4 > cap)
			return -1;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		    ch == '.' || ch == '~')
			buf[n++] = (char)ch;
		else {
			buf[n++] = '%';
			buf[n++] = hex[ch >> 4];
			buf[n++] = hex[ch & 15];
		}
	}
	buf[n] = '\0';
	*len = n;
	return 0;
}

static void	on_done(const struct http_result *, void *);

/* Build and send the STS request. */
static int
start_sts(struct cfetch *f, const struct sigv4_creds *signer)
{
	struct sigv4_request	 sr;
	struct sigv4_header	 hdr[2];
	char			 authz[512], date[SIGV4_DATE_SIZE], dur[16];
	size_t			 cap, len = 0, hcap;
	int			 n, web = f->kind == CFETCH_WEB_IDENTITY;

	cap = 512 + 3 * (ARN_MAX + EXTID_MAX + SESSION_MAX) +
	    (web ? 3 * f->toklen : 0);
	if ((f->body = malloc(cap)) == NULL) {
		finish(f, CFETCH_FAILED, "out of memory");
		return -1;
	}
	f->body[0] = '\0';
	snprintf(dur, sizeof(dur), "%u", f->duration);
	if (form_add(f->body, cap, &len, "Action", web ?
	    "AssumeRoleWithWebIdentity" : "AssumeRole") == -1 ||
	    form_add(f->body, cap, &len, "Version", STS_VERSION) == -1 ||
	    form_add(f->body, cap, &len, "RoleArn", f->role_arn) == -1 ||
	    form_add(f->body, cap, &len, "RoleSessionName",
	    f->session) == -1 ||
	    (f->duration != 0 && form_add(f->body, cap, &len,
	    "DurationSeconds", dur) == -1) ||
	    (!web && f->external_id != NULL && form_add(f->body, cap, &len,
	    "ExternalId", f->external_id) == -1) ||
	    (web && form_add(f->body, cap, &len, "WebIdentityToken",
	    f->token) == -1)) {
		finish(f, CFETCH_FAILED, "request too large");
		return -1;
	}
	f->bodylen = len;
	hcap = 1024 + sizeof(authz) + (signer != NULL &&
	    signer->session_token != NULL ? strlen(signer->session_token) :
	    0);
	if ((f->head = malloc(hcap)) == NULL) {
		finish(f, CFETCH_FAILED, "out of memory");
		return -1;
	}
	authz[0] = '\0';
	if (!web) {
		if (signer == NULL) {
			finish(f, CFETCH_FAILED, "no source credentials");
			return -1;
		}
		hdr[0].name = "Host";
		hdr[0].value = f->authority;
		hdr[1].name = "Content-Type";
		hdr[1].value = "application/x-www-form-urlencoded; "
		    "charset=utf-8";
		memset(&sr, 0, sizeof(sr));
		sr.method = "POST";
		sr.path = "/";
		sr.headers = hdr;
		sr.nheaders = 2;
		sr.body = f->body;
		sr.bodylen = f->bodylen;
		sr.region = f->region;
		sr.service = "sts";
		sr.when = time(NULL);
		if (sigv4_sign(&sr, signer, date, authz, sizeof(authz)) ==
		    -1) {
			finish(f, CFETCH_FAILED, "cannot sign the request "
			    "with the source credentials");
			return -1;
		}
	}
	n = snprintf(f->head, hcap,
	    "POST / HTTP/1.1\r\nHost: %s\r\n"
	    "Content-Type: application/x-www-form-urlencoded; "
	    "charset=utf-8\r\n"
	    "%s%s%s%s%s%s%s%s%s"
	    "User-Agent: r53d/%s\r\nContent-Length: %zu\r\n\r\n",
	    f->authority,
	    web ? "" : "X-Amz-Date: ", web ? "" : date, web ? "" : "\r\n",
	    !web && signer->session_token != NULL ?
	    "X-Amz-Security-Token: " : "",
	    !web && signer->session_token != NULL ?
	    signer->session_token : "",
	    !web && signer->session_token != NULL ? "\r\n" : "",
	    web ? "" : "Authorization: ", authz, web ? "" : "\r\n",
	    R53D_VERSION, f->bodylen);
	util_wipe(authz, sizeof(authz));
	if (n < 0 || (size_t)n >= hcap) {
		finish(f, CFETCH_FAILED, "request too large");
		return -1;
	}
	f->headlen = (size_t)n;
	return 0;
}

static int
start_container(struct cfetch *f)
{
	size_t	hcap = 1024 + f->toklen;
	int	n;

	if ((f->head = malloc(hcap)) == NULL) {
		finish(f, CFETCH_FAILED, "out of memory");
		return -1;
	}
	n = snprintf(f->head, hcap, "GET %s HTTP/1.1\r\nHost: %s\r\n"
	    "%s%s%s"
	    "User-Agent: r53d/%s\r\nAccept: application/json\r\n\r\n",
	    f->path, f->authority,
	    f->token != NULL ? "Authorization: " : "",
	    f->token != NULL ? f->token : "",
	    f->token != NULL ? "\r\n" : "", R53D_VERSION);
	if (n < 0 || (size_t)n >= hcap) {
		finish(f, CFETCH_FAILED, "request too large");
		return -1;
	}
	f->headlen = (size_t)n;
	return 0;
}

static int
start_process(struct cfetch *f)
{
	int	p[2], fd, devnull;
	long	max;

	if ((f->out = malloc(CFETCH_PROC_MAX)) == NULL) {
		finish(f, CFETCH_FAILED, "out of memory");
		return -1;
	}
	if (pipe(p) == -1) {
		finish(f, CFETCH_FAILED, "pipe: %s", strerror(errno));
		return -1;
	}
	switch (f->pid = fork()) {
	case -1:
		close(p[0]);
		close(p[1]);
		finish(f, CFETCH_FAILED, "fork: %s", strerror(errno));
		return -1;
	case 0: {
		sigset_t	 set;
		char		 sh[] = "sh", dashc[] = "-c", *argv[4];

		if ((devnull = open("/dev/null", O_RDONLY)) == -1 ||
		    dup2(devnull, 0) == -1 || dup2(p[1], 1) == -1)
			_exit(127);
		max = sysconf(_SC_OPEN_MAX);
		if (max < 0 || max > 65536)
			max = 65536;
		for (fd = 3; fd < max; fd++)
			close(fd);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		sigemptyset(&set);
		sigprocmask(SIG_SETMASK, &set, NULL);
		argv[0] = sh;
		argv[1] = dashc;
		argv[2] = f->command;
		argv[3] = NULL;
		execv("/bin/sh", argv);
		_exit(127);
	}
	default:
		break;
	}
	close(p[1]);
	f->fd = p[0];
	if (fcntl(f->fd, F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(f->fd, F_SETFD, FD_CLOEXEC) == -1) {
		finish(f, CFETCH_FAILED, "fcntl: %s", strerror(errno));
		return -1;
	}
	f->until = f->now + CFETCH_PROC_MS;
	return 0;
}

int
cfetch_start(struct cfetch *f, const struct sigv4_creds *signer,
    uint64_t now)
{
	if (f->state == CFETCH_BUSY)
		return 0;
	reset(f);
	f->now = now;
	f->why[0] = '\0';
	f->state = CFETCH_BUSY;
	if (f->kind == CFETCH_PROCESS)
		return start_process(f);
	/* A rotated token: read it again. */
	if (f->token_file != NULL) {
		if (read_token(f) == 0)
			f->tok_warned = 0;
		else if (!f->tok_warned) {
			log_warnx("%s: token file %s: %s; sending the token "
			    "read before", f->desc, f->token_file,
			    token_error());
			f->tok_warned = 1;
		}
	}
	if ((f->kind == CFETCH_CONTAINER ? start_container(f) :
	    start_sts(f, signer)) == -1)
		return -1;
	if (http_conn_request(&f->conn, f->head, f->headlen, f->body,
	    f->bodylen, on_done, f) == -1) {
		finish(f, CFETCH_FAILED, "connection busy");
		return -1;
	}
	return 0;
}

/* Copy body into a writable, NUL-terminated buffer. */
static char *
copy_body(const struct http_result *res)
{
	char	*b;

	if ((b = malloc(res->bodylen + 1)) == NULL)
		return NULL;
	memcpy(b, res->body, res->bodylen);
	b[res->bodylen] = '\0';
	return b;
}

static int
expired_code(const char *code)
{
	return strcmp(code, "ExpiredToken") == 0 ||
	    strcmp(code, "ExpiredTokenException") == 0 ||
	    strcmp(code, "InvalidIdentityToken") == 0 ||
	    strcmp(code, "IDPRejectedClaim") == 0;
}

static void
on_done(const struct http_result *res, void *arg)
{
	struct cfetch		*f = arg;
	struct creds_keys	 k;
	char			*b, code[64], msg[200];
	const char		*why;
	int			 rv;

	if (res->error != HTTP_OK) {
		finish(f, CFETCH_FAILED, "%s", res->errtext != NULL ?
		    res->errtext : http_conn_strerror(res->error));
		return;
	}
	if (f->kind == CFETCH_CONTAINER) {
		if (res->status != 200) {
			finish(f, res->status == 401 || res->status == 403 ?
			    CFETCH_EXPIRED : CFETCH_FAILED,
			    "HTTP status %d", res->status);
			return;
		}
		if (creds_parse_imds(res->body, res->bodylen, &k, &why) ==
		    -1) {
			finish(f, CFETCH_FAILED, "%s", why);
			return;
		}
		f->keys = k;
		util_wipe(&k, sizeof(k));
		finish(f, CFETCH_OK, NULL);
		return;
	}
	if ((b = copy_body(res)) == NULL) {
		finish(f, CFETCH_FAILED, "out of memory");
		return;
	}
	rv = creds_parse_sts(b, res->bodylen, &k, code, sizeof(code), msg,
	    sizeof(msg), &why);
	util_wipe(b, res->bodylen);
	free(b);
	if (rv == 0 && res->status == 200) {
		f->keys = k;
		util_wipe(&k, sizeof(k));
		finish(f, CFETCH_OK, NULL);
	} else if (rv == 1)
		finish(f, expired_code(code) ? CFETCH_EXPIRED : CFETCH_FAILED,
		    "HTTP status %d %s: %s", res->status, code, msg);
	else
		finish(f, CFETCH_FAILED, "HTTP status %d%s%s", res->status,
		    rv == -1 ? ", malformed answer: " : "",
		    rv == -1 ? why : "");
}

void
cfetch_pollfd(struct cfetch *f, struct pollfd *pfd)
{
	pfd->fd = -1;
	pfd->events = 0;
	pfd->revents = 0;
	if (f->state != CFETCH_BUSY)
		return;
	if (f->kind == CFETCH_PROCESS) {
		if (!f->eof) {
			pfd->fd = f->fd;
			pfd->events = POLLIN;
		}
		return;
	}
	http_conn_pollfd(&f->conn, pfd);
}

uint64_t
cfetch_deadline(const struct cfetch *f)
{
	if (f->state != CFETCH_BUSY)
		return 0;
	if (f->kind == CFETCH_PROCESS)
		/* After end of file, look for the exit every 20 ms. */
		return f->eof && f->now + 20 < f->until ? f->now + 20 :
		    f->until;
	return http_conn_deadline(&f->conn);
}

/* The command's output is all there and it has exited: read it. */
static void
process_done(struct cfetch *f, int status)
{
	struct creds_keys	 k;
	const char		*why;

	if (WIFSIGNALED(status)) {
		finish(f, CFETCH_FAILED, "killed by signal %d",
		    WTERMSIG(status));
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		finish(f, CFETCH_FAILED, "exit status %d",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return;
	}
	if (creds_parse_process(f->out, f->outlen, &k, &why) == -1) {
		finish(f, CFETCH_FAILED, "output: %s", why);
		return;
	}
	f->keys = k;
	util_wipe(&k, sizeof(k));
	finish(f, CFETCH_OK, NULL);
}

static void
step_process(struct cfetch *f, short revents)
{
	ssize_t	n;
	pid_t	w;
	int	status;

	if (!f->eof && (revents & (POLLIN | POLLHUP | POLLERR))) {
		for (;;) {
			if (f->outlen == CFETCH_PROC_MAX) {
				finish(f, CFETCH_FAILED, "more than %d bytes "
				    "of output", CFETCH_PROC_MAX);
				return;
			}
			n = read(f->fd, f->out + f->outlen,
			    CFETCH_PROC_MAX - f->outlen);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1 && errno == EAGAIN)
				break;
			if (n <= 0) {
				f->eof = 1;
				close(f->fd);
				f->fd = -1;
				break;
			}
			f->outlen += (size_t)n;
		}
	}
	if (f->eof) {
		w = waitpid(f->pid, &status, WNOHANG);
		if (w == f->pid) {
			f->pid = -1;
			process_done(f, status);
			return;
		}
		if (w == -1 && errno != EINTR) {
			f->pid = -1;
			finish(f, CFETCH_FAILED, "waitpid: %s",
			    strerror(errno));
			return;
		}
	}
	if (f->now >= f->until)
		finish(f, CFETCH_FAILED, "no answer within %d s; killed",
		    CFETCH_PROC_MS / 1000);
}

void
cfetch_step(struct cfetch *f, short revents, uint64_t now)
{
	f->now = now;
	if (f->state != CFETCH_BUSY)
		return;
	if (f->kind == CFETCH_PROCESS)
		step_process(f, revents);
	else
		http_conn_step(&f->conn, revents, now);
}

enum cfetch_state
cfetch_state(const struct cfetch *f)
{
	return f->state;
}

void
cfetch_take(struct cfetch *f, struct creds_keys *k)
{
	if (f->state == CFETCH_OK) {
		*k = f->keys;
		util_wipe(&f->keys, sizeof(f->keys));
	}
	if (f->state != CFETCH_BUSY)
		f->state = CFETCH_IDLE;
}

const char *
cfetch_why(const struct cfetch *f)
{
	return f->why[0] != '\0' ? f->why : "unknown failure";
}

const char *
cfetch_describe(const struct cfetch *f)
{
	return f->desc;
}
