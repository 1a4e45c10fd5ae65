/*
 * r53.h: the Route 53 client, an engine in the daemon's poll loop.
 *
 * A struct r53 owns one kept-alive HTTP/1.1 connection to the endpoint
 * (TLS unless the endpoint is http://), the resolver, the credentials
 * (creds.h), the account's token bucket and the retry policy (rate.h),
 * and a bounded FIFO of operations.  One request is in flight at a time;
 * every request (first attempts, retries, listing pages) first takes a
 * token from the bucket.  It never calls poll(): each loop pass, the
 * owner asks what to wait for and then lets it take its step,
 *
 *	n = r53_pollfds(r, pfd, R53_FDS_MAX);	(fd, events)
 *	poll(pfd, n, until r53_deadline(r), with the owner's own fds);
 *	r53_step(r, pfd, n, now);		(revents as poll set them)
 *
 * and all work, and every completion callback, happens in r53_step().
 * The descriptors change from pass to pass: always ask again.
 *
 * Operations.  Each r53_*() submit function checks and copies what it is
 * given (the caller's strings and change list need not outlive the call)
 * and returns an operation id (> 0), or 0 if the operation was refused
 * at once (invalid input, body too large, queue full: logged, and no
 * callback).  An accepted operation ends with exactly one done callback
 * from r53_step(), unless it is cancelled first.  Callbacks may submit
 * and cancel operations; they must not call r53_free().
 *
 * Outcomes (struct r53_result):
 *   R53_SUCCESS	Route 53 answered 200 and the answer parsed.
 *   R53_AWS_ERROR	Route 53 answered an error that is not transient
 *			(or kept answering a transient one until the
 *			retries ran out): status, code and message are
 *			Route 53's.
 *   R53_FAILURE	no usable answer (connection, TLS, time-out,
 *			malformed response) after the retries; nothing was
 *			changed by a ChangeResourceRecordSets.
 *   R53_UNKNOWN	ChangeResourceRecordSets only: the request may have
 *			reached Route 53 but no answer came back.  It may
 *			or may not have been applied; the client does not
 *			retry it.  The caller must re-read the names it
 *			touched before trying again.
 * Throttling, PriorRequestNotComplete, 5xx and network failures are
 * retried (capped exponential backoff, full jitter) up to max_attempts
 * attempts or the operation's deadline, except that a POST whose request
 * may have reached the server is never sent again (R53_UNKNOWN).  GET
 * operations are retried freely.
 *
 * Every HTTP attempt is logged once: success at debug level, a failure
 * that will be retried at info level, a final failure at warning level,
 * with operation, zone or change, HTTP status, Route 53 code and
 * latency; for an answer that does not parse, what is wrong with it
 * (struct r53_why in aws/r53msg.h).  Neither secrets nor signed requests
 * are logged.
 */
#ifndef R53D_AWS_R53_H
#define R53D_AWS_R53_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <poll.h>

#include "aws/r53msg.h"
#include "aws/settings.h"

struct r53;

#define R53_QUEUE_MAX		256	/* operations queued or in flight */
#define R53_BODY_MAX		(512 * 1024)	/* one change batch */
#define R53_RESP_MAX		(4 * 1024 * 1024)	/* one response */
#define R53_OP_TIMEOUT_MS	120000	/* default deadline */
/* Descriptors r53_pollfds() gives at most: connection, credentials (IMDS
 * and one fetch), resolver. */
#define R53_FDS_MAX		(1 + 2 + 16)

struct r53_opts {
	unsigned	 rate;		/* requests/s; 0: conf rate */
	unsigned	 max_attempts;	/* 0: RETRY_MAX_ATTEMPTS */
	unsigned	 base_ms;	/* 0: RETRY_BASE_MS */
	unsigned	 cap_ms;	/* 0: RETRY_CAP_MS */
	unsigned	 op_timeout_ms;	/* per operation; 0: R53_OP_TIMEOUT_MS */
	unsigned	 connect_ms;	/* 0: 10 s */
	unsigned	 response_ms;	/* per attempt; 0: 30 s */
	uint64_t	 seed;		/* jitter; 0: from pid and clock */
	int		 quiet;		/* do not log final failures */
	/*
	 * Monotonic milliseconds: the owner's loop clock, read whenever
	 * an operation is submitted, so that its deadline and latency
	 * start then and not at the last r53_step(); NULL: the client
	 * reads CLOCK_MONOTONIC itself.
	 */
	uint64_t	(*clock)(void);
};

enum r53_outcome {
	R53_SUCCESS,
	R53_AWS_ERROR,
	R53_FAILURE,
	R53_UNKNOWN
};

/* Valid only during the callback. */
struct r53_result {
	enum r53_outcome	 outcome;
	int			 status;	/* HTTP status, 0 if none */
	const char		*code;		/* Route 53 code or "" */
	const char		*message;	/* why, for people; "" on success */
	unsigned		 attempts;	/* HTTP requests sent */
	unsigned		 pages;		/* listings: pages read */
	int			 stopped;	/* listings: stopped early */
	uint64_t		 elapsed_ms;	/* since submission */
};

/* ChangeResourceRecordSets and GetChange; ci is NULL unless success. */
typedef void	(*r53_change_done)(void *arg, const struct r53_result *res,
		    const struct r53_change_info *ci);
/* Listings, after the last page (or the failure). */
typedef void	(*r53_list_done)(void *arg, const struct r53_result *res);
/* GetHostedZone; z is NULL unless success. */
typedef void	(*r53_zone_done)(void *arg, const struct r53_result *res,
		    const struct r53_zone *z);

/*
 * Start-up: load the trust anchors (https), set up the resolver, the
 * connection and the credentials (creds_init), all from aws; opts may be
 * NULL.  Returns NULL after logging why.
 */
struct r53	*r53_new(const struct aws_settings *aws,
		    const struct r53_opts *opts);

/* Drop everything; pending operations get no callback. */
void		 r53_free(struct r53 *r);

/*
 * The loop (see above): the descriptors to wait on into pfd[0..max)
 * (max at least R53_FDS_MAX), their number returned; the earliest time
 * something is due (0: none); and the step after poll(2), given the
 * same array with revents set.
 */
size_t		 r53_pollfds(struct r53 *r, struct pollfd *pfd, size_t max);
uint64_t	 r53_deadline(struct r53 *r);
void		 r53_step(struct r53 *r, const struct pollfd *pfd, size_t n,
		    uint64_t now);

/* Operations accepted and not yet completed or cancelled. */
size_t		 r53_pending(const struct r53 *r);

/*
 * The earliest monotonic time (>= now) at which the token bucket holds a
 * token for another request: now if one is there.  Requests already
 * queued take tokens first.  A caller that gathers work into one request
 * (a change batch) can wait until then to build it, so that whatever
 * arrives in between joins it.
 */
uint64_t	 r53_send_at(struct r53 *r, uint64_t now);

/*
 * Forget an operation: its callback will not be called.  A request in
 * flight is left to finish and its answer dropped.  Unknown ids are
 * ignored.
 */
void		 r53_cancel(struct r53 *r, uint32_t id);

/* Close the connection when it is idle (tests, reload). */
void		 r53_disconnect(struct r53 *r);

/*
 * What the client has done since r53_new(), for the daemon's statistics:
 * operations completed (not cancelled) by operation (r53_op_name()) and
 * outcome; HTTP requests sent; answers that were Route 53 throttling
 * (Throttling, ThrottlingException, HTTP 429), and attempts sent again
 * after a transient failure.  Valid as long as r.
 */
#define R53_NOPS		5

struct r53_counters {
	unsigned long	 ops[R53_NOPS][R53_UNKNOWN + 1];
	unsigned long	 requests;
	unsigned long	 throttles;
	unsigned long	 retries;
};

const struct r53_counters *r53_counters(const struct r53 *r);
/* "ChangeResourceRecordSets", ... for op < R53_NOPS, else NULL. */
const char	*r53_op_name(size_t op);

/* 1 if the credentials come from a command (it forks and execs). */
int		 r53_runs_commands(const struct r53 *r);

/* HTTP-level counters: connections, TLS handshakes, requests. */
void		 r53_stats(const struct r53 *r, unsigned long *connects,
		    unsigned long *handshakes, unsigned long *requests);

/*
 * ChangeResourceRecordSets: c[0..n) in one batch, comment optional (see
 * r53_change_batch_xml()).  Never retried once it may have reached the
 * server (R53_UNKNOWN).
 */
uint32_t	 r53_change(struct r53 *r, const char *zoneid,
		    const char *comment, const struct r53_change *c, size_t n,
		    r53_change_done done, void *arg);

/* GetChange. */
uint32_t	 r53_get_change(struct r53 *r, const char *changeid,
		    r53_change_done done, void *arg);

/*
 * ListResourceRecordSets, every page, from (name, type) when given (type
 * needs name).  each() sees every record set as its page arrives (once
 * the whole page has parsed: a page fetched again after a malformed
 * answer is delivered once) and returns non-zero to stop the listing
 * (done then reports success with stopped set).  With R53_LIST_ONLY_NAME the listing stops by itself at
 * the first record set whose name is not name: name must then be in the
 * form Route 53 lists it (lower case, \ooo escapes; the final dot is
 * optional), as name_to_r53() writes it.  If done reports anything but
 * success, every record set this listing delivered must be dropped.
 */
#define R53_LIST_ONLY_NAME	0x01

uint32_t	 r53_list_rrsets(struct r53 *r, const char *zoneid,
		    const char *name, const char *type, unsigned flags,
		    r53_rrset_cb each, r53_list_done done, void *arg);

/*
 * ListHostedZonesByName from dnsname (NULL: the first zone), every page
 * until each() returns non-zero.
 */
uint32_t	 r53_list_zones_by_name(struct r53 *r, const char *dnsname,
		    r53_zone_cb each, r53_list_done done, void *arg);

/* GetHostedZone. */
uint32_t	 r53_get_zone(struct r53 *r, const char *zoneid,
		    r53_zone_done done, void *arg);

/*
 * 1 if a failure is transient and worth trying again later: no HTTP
 * answer, any 5xx, or Throttling, ThrottlingException,
 * PriorRequestNotComplete or RequestExpired (retry_transient()).  The
 * one classification for the client's own retries and for its callers.
 */
int		 r53_transient(const struct r53_result *res);

/* "success", "error", "failure" or "unknown", for messages. */
const char	*r53_outcome_name(enum r53_outcome o);

#endif
