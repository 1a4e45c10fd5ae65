/*
 * conf.c: the r53d.conf(5) parser: the top level, listen addresses,
 * blocks, the checks and defaults after parsing, and the interface of
 * conf.h.
 *
 * A lexer over a stack of in-memory files (includes are pushed in place)
 * feeds a recursive-descent parser with one token of lookahead.  Every
 * statement parser reports its first problem and returns -1; the caller then
 * skips to the end of that statement (the next ";" at the same nesting, or
 * just before the "}" that closes the enclosing block), so that all errors
 * of a file are found in one pass.  Checks that need the whole file
 * (undefined keys, missing fields) run after parsing, then defaults are
 * filled in.
 *
 * The other files of the parser: conf_lex.c (errors, the lexer, values,
 * files and includes), conf_key.c (key blocks), conf_zone.c (zone blocks
 * and address match lists), conf_aws.c (the aws block) and conf_print.c
 * (printing for -nv); conf_impl.h holds what they share.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acl.h"
#include "conf.h"
#include "conf_impl.h"
#include "log.h"

/* Addresses */

/* Numeric address and port into ss; -1 if not an address. */
static int
sockaddr_parse(const char *s, uint16_t port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return 0;
	}
	return -1;
}

void
cf_sockaddr_str(const struct sockaddr_storage *ss, char *buf, size_t size,
    unsigned *port)
{
	const struct sockaddr_in	*sin = (const void *)ss;
	const struct sockaddr_in6	*sin6 = (const void *)ss;

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, buf, size);
		*port = ntohs(sin->sin_port);
	} else {
		inet_ntop(AF_INET6, &sin6->sin6_addr, buf, size);
		*port = ntohs(sin6->sin6_port);
	}
}

/* ADDR [port N] [key NAME]; the key is allowed when keybuf is not NULL. */
int
cf_addrport(struct parser *p, const char *what, struct sockaddr_storage *ss,
    socklen_t *sslen, char *keybuf, const char **kfile, int *kline)
{
	char		 addr[64], kw[16], name[ACL_NAME_MAX], b[100];
	unsigned	 port = CONF_DEFAULT_PORT;
	struct tok	*t;
	unsigned	 seen = 0;

	if (cf_word(p, what, addr, sizeof(addr)) == -1)
		return -1;
	if (sockaddr_parse(addr, 0, ss, sslen) == -1) {
		TERR(p, "invalid address %s", cf_tokdesc(&p->tok, b,
		    sizeof(b)));
		return -1;
	}
	for (;;) {
		t = cf_peek(p);
		if (t->type != T_WORD)
			break;
		if (cf_word(p, "option", kw, sizeof(kw)) == -1)
			return -1;
		if (strcasecmp(kw, "port") == 0) {
			if (cf_once(p, &seen, 1, "port") == -1 ||
			    cf_number(p, "port", 1, 65535, &port) == -1)
				return -1;
		} else if (keybuf != NULL && strcasecmp(kw, "key") == 0) {
			if (cf_once(p, &seen, 2, "key") == -1 ||
			    cf_word(p, "key name", name, sizeof(name)) == -1)
				return -1;
			if (acl_name_canon(keybuf, ACL_NAME_MAX, name) == -1 ||
			    keybuf[0] == '\0') {
				TERR(p, "invalid key name %s",
				    cf_tokdesc(&p->tok, b, sizeof(b)));
				return -1;
			}
			*kfile = p->tok.file;
			*kline = p->tok.line;
		} else {
			TERR(p, "unexpected %s after address",
			    cf_tokdesc(&p->tok, b, sizeof(b)));
			return -1;
		}
	}
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	return 0;
}

/* listen ADDR [port N]; */
static int
st_listen(struct parser *p)
{
	struct conf		*c = p->conf;
	struct conf_listen	*l, tmp;
	char			 b[64];
	unsigned		 port;
	size_t			 i;

	memset(&tmp, 0, sizeof(tmp));	/* callers may memcmp listen[] */
	if (cf_addrport(p, "address", &tmp.ss, &tmp.sslen, NULL, NULL, NULL) ==
	    -1)
		return -1;
	for (i = 0; i < c->nlisten; i++) {
		if (c->listen[i].sslen == tmp.sslen &&
		    memcmp(&c->listen[i].ss, &tmp.ss, tmp.sslen) == 0) {
			cf_sockaddr_str(&tmp.ss, b, sizeof(b), &port);
			TERR(p, "duplicate listen %s port %u", b, port);
			return -1;
		}
	}
	if ((l = cf_grow(p, &c->listen, &c->nlisten, sizeof(*l),
	    CONF_LISTEN_MAX, "listen addresses")) == NULL)
		return -1;
	*l = tmp;
	return expect_semi(p);
}

/* Blocks and the top level */

/*
 * The statements of a block, after its "{": up to "}" and the ";" after
 * it.  Each statement starts with a keyword handed to opt(); include is
 * handled here, so it works in every block.
 */
int
cf_stmt_block(struct parser *p, const char *what,
    int (*opt)(struct parser *, const char *, void *), void *arg)
{
	char		 kw[64], b[100];
	struct tok	*t;

	for (;;) {
		t = cf_peek(p);
		if (p->stop)
			return -1;
		if (t->type == T_RBRACE) {
			cf_next(p);
			/* A missing ";" needs no recovery. */
			expect_semi(p);
			return 0;
		}
		if (t->type == T_EOF) {
			TERR(p, "unexpected end of file in %s block", what);
			return -1;
		}
		if (t->type != T_WORD) {
			TERR(p, "unexpected %s in %s block", cf_tokdesc(t, b,
			    sizeof(b)), what);
			cf_recover(p);
			continue;
		}
		if (strlen(t->text) >= sizeof(kw)) {
			cf_next(p);
			TERR(p, "unknown keyword %s in %s", cf_tokdesc(t, b,
			    sizeof(b)), what);
			cf_skip(p);
			continue;
		}
		memcpy(kw, t->text, strlen(t->text) + 1);
		if (strcmp(what, "primaries") == 0) {
			/* Statements start with an address, not a keyword. */
			if (opt(p, kw, arg) == -1)
				cf_skip(p);
			continue;
		}
		cf_next(p);
		if (strcasecmp(kw, "include") == 0) {
			if (cf_include(p) == -1)
				cf_skip(p);
			continue;
		}
		if (opt(p, kw, arg) == -1)
			cf_skip(p);
	}
}

/* version and hostname: a string of one TXT string, or none. */
static int
txt_opt(struct parser *p, const char *kw, unsigned *seen, unsigned bit,
    char **dst, int *none)
{
	struct tok	*t;

	if (cf_once(p, seen, bit, kw) == -1)
		return -1;
	t = cf_peek(p);
	if (t->type == T_WORD && !t->quoted &&
	    strcasecmp(t->text, "none") == 0) {
		cf_next(p);
		*none = 1;
		return expect_semi(p);
	}
	if ((*dst = calloc(1, CONF_TXT_MAX + 1)) == NULL) {
		cf_oom(p);
		return -1;
	}
	if (cf_word(p, kw, *dst, CONF_TXT_MAX + 1) == -1)
		return -1;
	return expect_semi(p);
}

static int
top_opt(struct parser *p, const char *kw, void *arg)
{
	struct conf	*c = p->conf;
	unsigned	*seen = arg;
	int		 rv;

	if (strcasecmp(kw, "listen") == 0)
		return st_listen(p);
	if (strcasecmp(kw, "key") == 0)
		return cf_key(p);
	if (strcasecmp(kw, "zone") == 0)
		return cf_zone(p);
	if (strcasecmp(kw, "aws") == 0) {
		int aws = (*seen & 1) != 0;

		rv = cf_aws(p, &aws);
		*seen |= 1;
		return rv;
	}
	if (strcasecmp(kw, "user") == 0) {
		if (cf_once(p, seen, 2, kw) == -1)
			return -1;
		if ((c->user = calloc(1, 256)) == NULL) {
			cf_oom(p);
			return -1;
		}
		if (cf_word(p, kw, c->user, 256) == -1)
			return -1;
		if (c->user[0] == '\0') {
			TERR(p, "user: empty name");
			return -1;
		}
		return expect_semi(p);
	}
	if (strcasecmp(kw, "pid-file") == 0) {
		if (cf_once(p, seen, 4, kw) == -1)
			return -1;
		return cf_end(p, cf_pathopt(p, kw, &c->pid_file));
	}
	if (strcasecmp(kw, "chroot") == 0) {
		if (cf_once(p, seen, 0x400, kw) == -1)
			return -1;
		if ((c->chroot = calloc(1, CONF_STRING_MAX)) == NULL) {
			cf_oom(p);
			return -1;
		}
		if (cf_word(p, kw, c->chroot, CONF_STRING_MAX) == -1)
			return -1;
		if (c->chroot[0] != '/') {
			TERR(p, "chroot: not an absolute path");
			return -1;
		}
		return expect_semi(p);
	}
	if (strcasecmp(kw, "tcp-clients") == 0) {
		if (cf_once(p, seen, 8, kw) == -1)
			return -1;
		rv = cf_number(p, kw, 1, CONF_TCP_CLIENTS_MAX,
		    &c->tcp_clients);
		return cf_end(p, rv);
	}
	if (strcasecmp(kw, "dry-run") == 0) {
		if (cf_once(p, seen, 0x1000, kw) == -1)
			return -1;
		return cf_end(p, cf_boolean(p, kw, &c->dry_run));
	}
	if (strcasecmp(kw, "shutdown-timeout") == 0) {
		if (cf_once(p, seen, 0x800, kw) == -1)
			return -1;
		rv = cf_number(p, kw, 0, 3600, &c->shutdown_timeout);
		return cf_end(p, rv);
	}
	if (strcasecmp(kw, "allow-stats") == 0)
		return cf_acl_list(p, kw, &c->allow_stats, seen, 0x2000);
	if (strcasecmp(kw, "version") == 0)
		return txt_opt(p, kw, seen, 0x4000, &c->version,
		    &c->version_none);
	if (strcasecmp(kw, "hostname") == 0)
		return txt_opt(p, kw, seen, 0x8000, &c->hostname,
		    &c->hostname_none);
	if (strcasecmp(kw, "tcp-idle-timeout") == 0) {
		if (cf_once(p, seen, 16, kw) == -1)
			return -1;
		rv = cf_number(p, kw, 1, 3600, &c->tcp_idle_timeout);
		return cf_end(p, rv);
	}
	TERR(p, "unknown keyword \"%s\"", kw);
	return -1;
}

/* The whole input: statements until the end of the main file. */
static void
toplevel(struct parser *p)
{
	char		 kw[64], b[100];
	struct tok	*t;
	unsigned	 seen = 0;

	for (;;) {
		t = cf_peek(p);
		if (t->type == T_EOF || p->stop)
			return;
		if (t->type != T_WORD) {
			TERR(p, "unexpected %s", cf_tokdesc(t, b, sizeof(b)));
			cf_recover(p);
			continue;
		}
		cf_next(p);
		if (strlen(t->text) >= sizeof(kw)) {
			TERR(p, "unknown keyword %s", cf_tokdesc(t, b,
			    sizeof(b)));
			cf_skip(p);
			continue;
		}
		memcpy(kw, t->text, strlen(t->text) + 1);
		if (strcasecmp(kw, "include") == 0) {
			if (cf_include(p) == -1)
				cf_skip(p);
			continue;
		}
		if (top_opt(p, kw, &seen) == -1)
			cf_skip(p);
	}
}

/* Checks after parsing, defaults */

static void
checkkey(struct parser *p, const char *key, const char *file, int line)
{
	if (key[0] != '\0' && cf_key_lookup(p->conf, key) == NULL)
		cf_perr(p, file, line, "undefined key \"%s\"", key);
}

static void
checkacl(struct parser *p, const struct acl *acl)
{
	size_t	 i;

	for (i = 0; i < acl->nelems; i++)
		if (acl->elems[i].type == ACL_KEY)
			checkkey(p, acl->elems[i].key, acl->elems[i].file,
			    acl->elems[i].line);
}

static int
defurl(struct parser *p, struct conf_url *u, const char *def)
{
	const char	*s = def + (strncmp(def, "https", 5) == 0 ? 8 : 7);

	(void)p;
	if (u->url[0] != '\0')
		return 0;
	snprintf(u->url, sizeof(u->url), "%s", def);
	u->tls = strncmp(def, "https", 5) == 0;
	u->port = u->tls ? 443 : 80;
	snprintf(u->host, sizeof(u->host), "%s", s);
	return 0;
}

/*
 * Route 53's endpoint and signing region, where not given: the
 * partition's, its FIPS or dual-stack host if asked for (cf_aws() has
 * refused the variants a partition does not have).
 */
static void
aws_defaults(struct parser *p, struct conf_aws *a)
{
	const struct partition	*pt;
	const char		*host;
	char			 url[300];

	if (a->partition == NULL)
		a->partition = partition_default();
	pt = a->partition;
	host = pt->host;
	if (a->fips && pt->fips_host != NULL)
		host = pt->fips_host;
	else if (a->dual_stack && pt->dualstack_host != NULL)
		host = pt->dualstack_host;
	snprintf(url, sizeof(url), "https://%s", host);
	defurl(p, &a->endpoint, url);
	if (a->region[0] == '\0')
		snprintf(a->region, sizeof(a->region), "%s", pt->region);
}

static int
strdef(struct parser *p, char **dst, const char *def)
{
	if (*dst != NULL)
		return 0;
	if ((*dst = strdup(def)) == NULL) {
		cf_oom(p);
		return -1;
	}
	return 0;
}

static void
finish(struct parser *p)
{
	struct conf		*c = p->conf;
	struct zone_conf	*z;
	struct conf_listen	*l;
	struct acl_elem		*e;
	size_t			 i, j, k;
	int			 dup;

	for (i = 0; i < c->nzones; i++) {
		z = &c->zones[i];
		checkacl(p, &z->allow_update);
		checkacl(p, &z->allow_query);
		checkacl(p, &z->allow_notify);
		for (j = 0; j < z->ngrants; j++)
			checkkey(p, z->grants[j].key, z->grants[j].file,
			    z->grants[j].line);
		for (j = 0; j < z->nprimaries; j++)
			checkkey(p, z->primaries[j].key, z->primaries[j].file,
			    z->primaries[j].line);
		if (z->min_refresh > z->max_refresh)
			cf_perr(p, z->file, z->line, "zone \"%s\": "
			    "min-refresh-time %u above max-refresh-time %u",
			    z->name, z->min_refresh, z->max_refresh);
		if (z->min_retry > z->max_retry)
			cf_perr(p, z->file, z->line, "zone \"%s\": "
			    "min-retry-time %u above max-retry-time %u",
			    z->name, z->min_retry, z->max_retry);
	}
	checkacl(p, &c->allow_stats);
	if (p->nerrors > 0 || p->stop)
		return;

	if (c->nlisten == 0) {
		if ((l = cf_grow(p, &c->listen, &c->nlisten, sizeof(*l),
		    CONF_LISTEN_MAX, "listen addresses")) == NULL)
			return;
		sockaddr_parse("0.0.0.0", CONF_DEFAULT_PORT, &l->ss,
		    &l->sslen);
		if ((l = cf_grow(p, &c->listen, &c->nlisten, sizeof(*l),
		    CONF_LISTEN_MAX, "listen addresses")) == NULL)
			return;
		sockaddr_parse("::", CONF_DEFAULT_PORT, &l->ss, &l->sslen);
	}
	aws_defaults(p, &c->aws);
	defurl(p, &c->aws.imds_endpoint, CONF_DEFAULT_IMDS_ENDPOINT);
	if (c->aws.rate == 0)
		c->aws.rate = CONF_DEFAULT_RATE;
	if (c->aws.burst == 0)
		c->aws.burst = CONF_DEFAULT_BURST;
	if (c->aws.change_rate == 0)
		c->aws.change_rate = CONF_DEFAULT_CHANGE_RATE;
	if (c->aws.change_burst == 0)
		c->aws.change_burst = CONF_DEFAULT_CHANGE_BURST;
	if (strdef(p, &c->aws.ca_file, CONF_DEFAULT_CA_FILE) == -1)
		return;
	if (c->tcp_clients == 0)
		c->tcp_clients = CONF_DEFAULT_TCP_CLIENTS;
	if (c->tcp_idle_timeout == 0)
		c->tcp_idle_timeout = CONF_DEFAULT_TCP_IDLE;
	if (c->shutdown_timeout == -1U)
		c->shutdown_timeout = CONF_DEFAULT_SHUTDOWN;
	if (c->allow_stats.nelems == 0) {
		/* Loopback only: 127.0.0.0/8 and ::1. */
		if ((e = cf_acl_add(p, &c->allow_stats)) == NULL)
			return;
		e->type = ACL_PREFIX;
		e->family = AF_INET;
		e->plen = 8;
		e->addr[0] = 127;
		if ((e = cf_acl_add(p, &c->allow_stats)) == NULL)
			return;
		e->type = ACL_PREFIX;
		e->family = AF_INET6;
		e->plen = 128;
		e->addr[15] = 1;
	}

	for (i = 0; i < c->nzones; i++) {
		z = &c->zones[i];
		if (z->dry_run == -1)
			z->dry_run = c->dry_run;
		if (z->allow_query.nelems == 0) {
			if ((e = cf_acl_add(p, &z->allow_query)) == NULL)
				return;
			e->type = ACL_ANY;
		}
		/* Without allow-update, the keys with grants may update. */
		if (z->allow_update.nelems == 0) {
			for (j = 0; j < z->ngrants; j++) {
				dup = 0;
				for (k = 0; k < j; k++)
					if (strcmp(z->grants[k].key,
					    z->grants[j].key) == 0)
						dup = 1;
				if (dup)
					continue;
				if ((e = cf_acl_add(p, &z->allow_update)) ==
				    NULL)
					return;
				e->type = ACL_KEY;
				memcpy(e->key, z->grants[j].key,
				    sizeof(e->key));
				e->file = z->grants[j].file;
				e->line = z->grants[j].line;
			}
		}
		if (z->allow_update.nelems == 0) {
			if ((e = cf_acl_add(p, &z->allow_update)) == NULL)
				return;
			e->type = ACL_NONE;
		}
		/* allow-notify defaults to the primaries' addresses. */
		if (z->allow_notify.nelems == 0) {
			for (j = 0; j < z->nprimaries; j++) {
				if ((e = cf_acl_add(p, &z->allow_notify)) ==
				    NULL)
					return;
				e->type = ACL_PREFIX;
				if (z->primaries[j].ss.ss_family == AF_INET) {
					e->family = AF_INET;
					e->plen = 32;
					memcpy(e->addr, &((struct sockaddr_in *)
					    &z->primaries[j].ss)->sin_addr, 4);
				} else {
					e->family = AF_INET6;
					e->plen = 128;
					memcpy(e->addr, &((struct sockaddr_in6 *)
					    &z->primaries[j].ss)->sin6_addr, 16);
				}
			}
		}
		if (z->allow_notify.nelems == 0) {
			if ((e = cf_acl_add(p, &z->allow_notify)) == NULL)
				return;
			e->type = ACL_NONE;
		}
	}
}

/* Public interface */

static struct conf *
run(struct parser *p, const char *name, char *buf, size_t len,
    const struct stat *st)
{
	struct conf	*c;
	int		 i;

	cf_pushsrc(p, name, buf, len, st);
	p->eoffile = name;
	p->eofline = 1;
	toplevel(p);
	for (i = 0; i < p->nsrc; i++)
		cf_freesrc(&p->src[i]);
	p->nsrc = 0;
	explicit_bzero(&p->tok, sizeof(p->tok));
	finish(p);
	c = p->conf;
	if (p->nerrors > 0 || p->stop) {
		conf_free(c);
		return NULL;
	}
	return c;
}

static int
parser_init(struct parser *p, const char *name, int flags,
    conf_report_fn *report, void *arg, const char **keptname)
{
	memset(p, 0, sizeof(*p));
	p->flags = flags;
	p->report = report;
	p->arg = arg;
	p->eoffile = name;
	p->tok.file = name;
	p->tok.line = 0;
	if ((p->conf = calloc(1, sizeof(*p->conf))) == NULL ||
	    (*keptname = cf_keepname(p, name)) == NULL) {
		if (p->conf == NULL)
			cf_perr(p, name, 0, "out of memory");
		conf_free(p->conf);
		return -1;
	}
	p->conf->shutdown_timeout = -1U;	/* 0 is a value */
	return 0;
}

/* conf_load() and its recording and replaying forms. */
static struct conf *
load(const char *path, conf_report_fn *report, void *arg,
    struct conf_files *record, const struct conf_files *replay)
{
	struct parser	*p;
	struct conf	*c;
	struct stat	 st;
	const char	*name;
	char		*buf;
	size_t		 len;

	if ((p = malloc(sizeof(*p))) == NULL) {
		if (report != NULL)
			report(arg, "out of memory");
		else
			log_warnx("%s: out of memory", path);
		return NULL;
	}
	if (parser_init(p, path, 0, report, arg, &name) == -1) {
		free(p);
		return NULL;
	}
	p->record = record;
	p->replay = replay;
	if (cf_readfile(p, path, CONF_FILE_MAX, &buf, &len, &st) == -1) {
		if (errno == EFBIG)
			cf_perr(p, path, 0, "file too large (max %d bytes)",
			    CONF_FILE_MAX);
		else
			cf_perr(p, path, 0, "%s", strerror(errno));
		conf_free(p->conf);
		free(p);
		return NULL;
	}
	if (cf_check_writable(p, &st, name, 0, "the configuration") == -1) {
		explicit_bzero(buf, len);
		free(buf);
		conf_free(p->conf);
		explicit_bzero(p, sizeof(*p));
		free(p);
		return NULL;
	}
	c = run(p, name, buf, len, &st);
	explicit_bzero(p, sizeof(*p));
	free(p);
	return c;
}

struct conf *
conf_load(const char *path, conf_report_fn *report, void *arg)
{
	return load(path, report, arg, NULL, NULL);
}

struct conf *
conf_load_record(const char *path, conf_report_fn *report, void *arg,
    struct conf_files **files)
{
	struct conf_files	*fs;
	struct conf		*c;

	*files = NULL;
	if ((fs = conf_files_new()) == NULL) {
		if (report != NULL)
			report(arg, "out of memory");
		else
			log_warnx("%s: out of memory", path);
		return NULL;
	}
	if ((c = load(path, report, arg, fs, NULL)) == NULL) {
		conf_files_free(fs);
		return NULL;
	}
	*files = fs;
	return c;
}

struct conf *
conf_load_files(const struct conf_files *fs, conf_report_fn *report,
    void *arg)
{
	const char	*path = conf_files_main(fs);

	if (path == NULL)
		return NULL;
	return load(path, report, arg, NULL, fs);
}

struct conf *
conf_parse(const char *name, const char *text, size_t len, int flags,
    conf_report_fn *report, void *arg)
{
	struct parser	*p;
	struct conf	*c;
	const char	*kept;
	char		*buf;

	if ((p = malloc(sizeof(*p))) == NULL)
		return NULL;
	if (parser_init(p, name, flags, report, arg, &kept) == -1) {
		free(p);
		return NULL;
	}
	if (len > CONF_FILE_MAX) {
		cf_perr(p, name, 0, "file too large (max %d bytes)",
		    CONF_FILE_MAX);
		conf_free(p->conf);
		free(p);
		return NULL;
	}
	if ((buf = malloc(len + 1)) == NULL) {
		cf_perr(p, name, 0, "out of memory");
		conf_free(p->conf);
		free(p);
		return NULL;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	c = run(p, kept, buf, len, NULL);
	explicit_bzero(p, sizeof(*p));
	free(p);
	return c;
}

void
conf_free(struct conf *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	free(c->listen);
	if (c->keys != NULL) {
		explicit_bzero(c->keys, c->nkeys * sizeof(*c->keys));
		free(c->keys);
	}
	for (i = 0; i < c->nzones; i++) {
		free(c->zones[i].allow_update.elems);
		free(c->zones[i].allow_query.elems);
		free(c->zones[i].allow_notify.elems);
		free(c->zones[i].grants);
		free(c->zones[i].primaries);
	}
	free(c->zones);
	free(c->aws.ca_file);
	free(c->aws.secret_key_file);
	free(c->user);
	free(c->pid_file);
	free(c->chroot);
	free(c->allow_stats.elems);
	free(c->version);
	free(c->hostname);
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	explicit_bzero(c, sizeof(*c));
	free(c);
}
