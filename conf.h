/*
 * conf.h: r53d's configuration (r53d.conf(5)), parsed into one struct conf.
 *
 * Life cycle: conf_load() (or conf_parse()) builds a complete struct conf
 * with every default filled in, or reports every problem it found and
 * returns NULL.  The struct conf and everything it points to belongs to the
 * caller until conf_free(); it is never modified after it is returned, so
 * the daemon may keep pointers into it (zones, keys, ACLs) until it frees
 * it, e.g. after a successful reload on SIGHUP has replaced it.  Loading
 * allocates with malloc and reads files; it is meant for start-up and
 * reload only.  Nothing here calls fatal() or exits.
 *
 * Errors are reported one per call of the report callback as a single line
 * without a newline, "FILE:LINE: MESSAGE", where FILE is the path as given
 * to conf_load() or as resolved for an include ("FILE: MESSAGE" when the
 * main file itself cannot be read).  Syntax and value errors come in file
 * order; then come the errors that need the whole configuration
 * ('undefined key "k"', at the line that names the key).  After
 * CONF_ERRORS_MAX errors a last "too many errors" ends the list.  Messages
 * never contain a secret.  Examples:
 *
 *	r53d.conf:7: unknown keyword "frobnicate" in zone
 *	r53d.conf:9: duplicate key "k1" (first defined at keys.conf:5)
 *	r53d.conf:12: key "k1": invalid base64 in secret
 *	r53d.conf:17: rate 0 out of range (1..100000)
 *	r53d.conf:22: undefined key "nokey"
 */
#ifndef R53D_CONF_H
#define R53D_CONF_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "acl.h"
#include "aws/partition.h"
#include "dns/tsigalg.h"

/* Limits.  Exceeding one is a configuration error. */
#define CONF_FILE_MAX		(1024 * 1024)	/* bytes per file */
#define CONF_INCLUDE_DEPTH	8		/* nested includes */
#define CONF_INCLUDE_MAX	64		/* includes per load */
#define CONF_ERRORS_MAX		100		/* then "too many errors" */
#define CONF_LISTEN_MAX		32
#define CONF_TCP_CLIENTS_MAX	1024		/* tcp-clients */
#define CONF_KEYS_MAX		1024
#define CONF_ZONES_MAX		1024
#define CONF_ACL_MAX		64		/* elements per list */
#define CONF_GRANTS_MAX		64		/* per zone */
#define CONF_PRIMARIES_MAX	16		/* per zone */
#define CONF_VPC_MAX		64		/* characters of a VPC ID */
#define CONF_SECRET_MAX		512		/* decoded TSIG secret */
#define CONF_STRING_MAX		4096		/* any quoted or bare word */
#define CONF_PATH_MAX		(2 * CONF_STRING_MAX)	/* resolved path */
/* Everything one load may read: every include and secret file full. */
#define CONF_FILES_BYTES	((CONF_INCLUDE_MAX + 1) * CONF_FILE_MAX + \
				    CONF_KEYS_MAX * 4096)

/* Defaults. */
#define CONF_DEFAULT_PORT		53
/* Route 53's endpoint and signing region: the partition's (partition.h). */
#define CONF_DEFAULT_CA_FILE		"/etc/ssl/certs/ca-certificates.crt"
/* Route 53's account quotas since 2026-07-30 (see r53d.conf.5). */
#define CONF_DEFAULT_RATE		10
#define CONF_DEFAULT_BURST		50
#define CONF_DEFAULT_CHANGE_RATE	1000	/* not published: chosen */
#define CONF_DEFAULT_CHANGE_BURST	5000	/* not published: chosen */
#define CONF_RATE_MAX			100000
#define CONF_DEFAULT_IMDS_ENDPOINT	"http://169.254.169.254"
#define CONF_DEFAULT_USER		"nobody"	/* when run as root */
#define CONF_DEFAULT_TCP_CLIENTS	64
#define CONF_DEFAULT_TCP_IDLE		10		/* seconds */
#define CONF_DEFAULT_SHUTDOWN		5	/* seconds to drain */
#define CONF_DEFAULT_UPDATE_TIMEOUT	60		/* seconds */
#define CONF_DEFAULT_QUEUE_LIMIT	1000
#define CONF_DEFAULT_VERSION		"r53d " R53D_VERSION
#define CONF_TXT_MAX			255	/* version, hostname */
/* Secondary zones: as BIND's defaults, the transfer limits r53d's own. */
#define CONF_DEFAULT_MIN_REFRESH	300		/* seconds */
#define CONF_DEFAULT_MAX_REFRESH	2419200
#define CONF_DEFAULT_MIN_RETRY		500
#define CONF_DEFAULT_MAX_RETRY		1209600
#define CONF_DEFAULT_XFR_SIZE		(64 * 1024 * 1024)	/* octets */
#define CONF_DEFAULT_XFR_TIMEOUT	3600		/* seconds */

/* listen ADDR [port N]; */
struct conf_listen {
	struct sockaddr_storage	 ss;	/* address and port, ready to bind */
	socklen_t		 sslen;
};

/* key "NAME" { algorithm ALG; secret "BASE64"; }; */
struct conf_key {
	char		 name[ACL_NAME_MAX];	/* canonical: lowercase, no dot */
	enum tsig_alg	 alg;
	unsigned	 truncbits;	/* "hmac-sha256-128": 128; 0: full */
	uint8_t		 secret[CONF_SECRET_MAX];	/* decoded; never log */
	size_t		 secretlen;	/* 1..CONF_SECRET_MAX */
	const char	*file;		/* where the key was defined */
	int		 line;
};

/* A parsed endpoint URL: scheme://host[:port][/] */
struct conf_url {
	char		 url[CONF_STRING_MAX];	/* as written (for messages) */
	int		 tls;		/* 1: https, 0: http (tests only) */
	char		 host[256];	/* name or address, no brackets */
	uint16_t	 port;		/* explicit or 443 / 80 */
};

/* aws { credentials ...; }: the chain, or one source alone. */
enum conf_creds {
	CONF_CREDS_CHAIN,
	CONF_CREDS_CONFIG,
	CONF_CREDS_ENV,
	CONF_CREDS_WEBID,
	CONF_CREDS_PROFILE,
	CONF_CREDS_CONTAINER,
	CONF_CREDS_IMDS
};

/* Their names, as written, NULL-terminated. */
extern const char *const conf_creds_names[];

/* aws { ... }; */
struct conf_aws {
	const struct partition *partition;	/* never NULL after load */
	int		 fips;		/* 1: the partition's FIPS endpoint */
	int		 dual_stack;	/* 1: its dual-stack endpoint */
	struct conf_url	 endpoint;	/* explicit, or the partition's */
	char		 region[64];	/* explicit, or the partition's */
	char		*ca_file;	/* path, resolved like include */
	char		 access_key_id[128];	/* "" when not configured */
	char		*secret_key_file;	/* NULL when not configured */
	char		 secret_key[256];	/* its first line; never log */
	unsigned	 rate;		/* API requests per second */
	unsigned	 burst;		/* API requests at once */
	unsigned	 change_rate;	/* record changes per second */
	unsigned	 change_burst;	/* record changes at once */
	int		 imds;		/* 1: use instance metadata */
	struct conf_url	 imds_endpoint;
	int		 credentials;	/* enum conf_creds */
	char		 profile[128];	/* "" when not configured */
	struct conf_url	 sts_endpoint;	/* url "" when not configured */
	struct conf_url	 container_endpoint;	/* likewise */
};

enum serial_policy {
	SERIAL_INCREMENT,	/* serial + 1 (RFC 1982) */
	SERIAL_UNIXTIME		/* max(now, serial + 1) */
};

/* primaries { ADDR [port N] [key "k"]; ... }; */
struct conf_primary {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 key[ACL_NAME_MAX];	/* "" for none */
	const char		*file;
	int			 line;
};

/* zone "NAME" { ... }; */
struct zone_conf {
	char		 name[ACL_NAME_MAX];	/* canonical: lowercase, no dot */
	char		 hosted_zone[64];	/* "" : look it up by name */
	/* Among same-name hosted zones, looked up by name: */
	int		 private_zone;		/* -1 either, 0 public, 1 private */
	char		 vpc[CONF_VPC_MAX + 1];	/* "": any; else private, with
						   this VPC associated */
	struct acl	 allow_update;		/* default none */
	struct acl	 allow_query;		/* default any */
	struct acl	 allow_notify;		/* default: the primaries */
	struct grant	*grants;		/* update-policy grants */
	size_t		 ngrants;
	struct conf_primary *primaries;
	size_t		 nprimaries;
	enum serial_policy serial_policy;	/* default increment */
	int		 wait_insync;		/* default 0 */
	int		 coalesce;		/* default 1 */
	int		 dhcid;			/* DHCID as shadow TXT; 1 */
	int		 dry_run;		/* default: the top level's */
	unsigned	 update_timeout;	/* seconds, default 60 */
	unsigned	 queue_limit;		/* default 1000 */
	/* Secondary zones (with primaries). */
	int		 request_ixfr;		/* default 1 */
	unsigned	 max_transfer_size;	/* octets */
	unsigned	 transfer_timeout;	/* seconds */
	unsigned	 min_refresh, max_refresh;	/* seconds: clamps of */
	unsigned	 min_retry, max_retry;		/* the SOA's timers */
	const char	*file;			/* where the zone was defined */
	int		 line;
};

struct conf {
	struct conf_listen *listen;	/* at least one after defaults */
	size_t		 nlisten;
	struct conf_key	*keys;
	size_t		 nkeys;
	struct zone_conf *zones;
	size_t		 nzones;
	struct conf_aws	 aws;
	char		*user;		/* NULL: not set; then switch to
					   CONF_DEFAULT_USER if run as root */
	char		*pid_file;	/* NULL: none */
	char		*chroot;	/* NULL: none */
	unsigned	 tcp_clients;
	unsigned	 tcp_idle_timeout;	/* seconds */
	unsigned	 shutdown_timeout;	/* seconds; -1U: not set */
	int		 dry_run;		/* default 0 */
	struct acl	 allow_stats;	/* default loopback */
	/*
	 * version.bind and hostname.bind (CHAOS TXT): NULL when not set
	 * (CONF_DEFAULT_VERSION, the system's host name), unless *_none:
	 * "version none;", answered without data.
	 */
	char		*version;
	int		 version_none;
	char		*hostname;
	int		 hostname_none;
	char		**files;	/* private: names for file fields */
	size_t		 nfiles;
};

/*
 * Report callback: msg is "FILE:LINE: MESSAGE", NUL-terminated, no newline,
 * valid only during the call.
 */
typedef void conf_report_fn(void *arg, const char *msg);

/* Flags for conf_parse(). */
#define CONF_NOFILES	0x01	/* refuse include and *-file (fuzzing) */

/*
 * Read, parse and check the configuration file at path, following
 * includes.  Every problem is passed to report(arg, msg); with report NULL
 * they go to log_warnx().  Relative paths inside a file (include,
 * secret-access-key-file, ca-file, pid-file) are relative to the directory
 * of that file.  Returns the configuration, or NULL if anything was wrong
 * (or memory ran out, which is also reported).
 */
struct conf	*conf_load(const char *path, conf_report_fn *report, void *arg);

/*
 * The same from a buffer of len bytes (need not be NUL-terminated);
 * name is used in messages and as the base of relative paths.
 */
struct conf	*conf_parse(const char *name, const char *text, size_t len,
		    int flags, conf_report_fn *report, void *arg);

/*
 * The files of a configuration, kept so that another process can parse
 * the same configuration without reading them (a privileged parent
 * reads, its unprivileged worker parses: priv.h).  conf_load_record()
 * is conf_load() that also returns, when the configuration is good,
 * every file it read (path, contents, fstat()); conf_load_files() parses
 * such a set, reading nothing from disk: the same bytes give the same
 * configuration, relative paths included.  conf_files_pack() gives the
 * set as one malloc'd buffer and conf_files_unpack() takes it back
 * (NULL when it is not well formed); a set may hold secrets, and
 * conf_files_free() wipes them.
 */
struct conf_files;

struct conf	*conf_load_record(const char *path, conf_report_fn *report,
		    void *arg, struct conf_files **files);
struct conf	*conf_load_files(const struct conf_files *,
		    conf_report_fn *report, void *arg);
/* The path of the main file (the first one read), or NULL. */
const char	*conf_files_main(const struct conf_files *);
size_t		 conf_files_count(const struct conf_files *);
int		 conf_files_pack(const struct conf_files *, uint8_t **buf,
		    size_t *len);
struct conf_files *conf_files_unpack(const uint8_t *buf, size_t len);
void		 conf_files_free(struct conf_files *);

/*
 * For "r53d -n" as root.  r53d started as root reads every file of its
 * configuration as root: at start-up, before the worker drops to its
 * user, and on SIGHUP in the privileged parent (priv.h); the worker
 * reads none of them, so they need not be readable by the user, and
 * are not checked for that.  What matters is the other way round: a
 * file that the worker, running as uid with the single group gid,
 * could change (write it, or replace it in its directory) would let it
 * change what root reads next.  Reports a warning "FILE: warning: ..."
 * for each such file of the set, and for each of extra (a
 * NULL-terminated list of other files read as root at start-up, such
 * as the CA certificates; missing ones are skipped).  user names the
 * user in the messages.  Returns the number of warnings.
 */
int		 conf_files_check_worker(const struct conf_files *,
		    const char *const *extra, uid_t uid, gid_t gid,
		    const char *user, conf_report_fn *report, void *arg);

/* Free a configuration and wipe its secrets.  NULL is fine. */
void		 conf_free(struct conf *);

/*
 * Print the configuration in canonical form, defaults included, for
 * "r53d -nv".  Secrets are printed as "...".  The output parses again
 * except for the redacted secrets.
 */
void		 conf_print(FILE *, const struct conf *);

/*
 * Find a key or a zone by name (any case, trailing dot optional, escapes
 * allowed).  Return a pointer into conf, or NULL.
 */
const struct conf_key	*conf_key_find(const struct conf *, const char *);
const struct zone_conf	*conf_zone_find(const struct conf *, const char *);

/*
 * The zone that contains owner name: the configured zone with the longest
 * name equal to or above it, or NULL.
 */
const struct zone_conf	*conf_zone_for(const struct conf *, const char *);

/*
 * The configuration name of an algorithm: "hmac-md5", "hmac-sha1", ...
 * (not the TSIG wire name, which for MD5 is hmac-md5.sig-alg.reg.int).
 */
const char	*conf_tsig_alg_name(enum tsig_alg);

#endif
