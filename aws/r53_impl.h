/*
 * aws/r53_impl.h: the Route 53 client's state, shared by aws/r53.c (the
 * operation queue, scheduling, completion, submission) and aws/r53http.c
 * (one HTTP attempt: the signed request, and what its answer means).
 * Private to those two files; everything else uses aws/r53.h.  The
 * states of an operation and the queue's invariants are described at the
 * top of aws/r53.c.
 */
#ifndef R53D_AWS_R53_IMPL_H
#define R53D_AWS_R53_IMPL_H

#include <sys/queue.h>
#include <poll.h>

#include <stddef.h>
#include <stdint.h>

#include "aws/creds.h"
#include "aws/r53.h"
#include "aws/rate.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "http/conn.h"

#define HEAD_MAX	(32 * 1024)
#define PBUF_MIN	(64 * 1024)
#define TARGET_MAX	80
#define NAMEBUF		(R53_NAME_MAX * 4 + 1)
#define IDENTBUF	(R53_SETID_MAX * 4 + 1)

enum op_type {
	OP_CHANGE,
	OP_GET_CHANGE,
	OP_LIST_RRSETS,
	OP_LIST_ZONES,
	OP_GET_ZONE
};
_Static_assert(OP_GET_ZONE + 1 == R53_NOPS, "R53_NOPS: every operation");

enum op_state {
	QUEUED,
	INFLIGHT,
	PARSING
};

struct op {
	TAILQ_ENTRY(op)		 entry;
	uint32_t		 id;
	enum op_type		 type;
	enum op_state		 state;
	int			 cancelled;
	char			 target[TARGET_MAX];	/* zone or change id */
	char			*body;		/* POST body, owned */
	size_t			 bodylen;
	unsigned		 nchanges;	/* change tokens it draws */

	/* Listings: where the next page starts ("" for absent). */
	int			 started;	/* a page was read */
	char			 name[NAMEBUF];
	char			 rtype[R53_TYPE_MAX + 1];
	char			 ident[IDENTBUF];	/* or the zone id */
	char			 only[NAMEBUF];	/* R53_LIST_ONLY_NAME */
	unsigned		 flags;
	int			 stopped;
	unsigned		 pages;

	union {
		r53_change_done	 change;
		r53_list_done	 list;
		r53_zone_done	 zone;
	}			 done;
	r53_rrset_cb		 each_rr;
	r53_zone_cb		 each_zone;
	void			*arg;

	struct retry		 retry;
	unsigned		 attempts;	/* over all pages */
	uint64_t		 submitted;
	uint64_t		 not_before;
	uint64_t		 sent_at;

	/* The last failure, reported if the retries run out. */
	int			 status;
	char			 code[64];
	char			 message[R53_ERRMSG_SIZE];
};

TAILQ_HEAD(opq, op);

struct r53 {
	struct http_resolver	 res;
	int			 res_inited;
	struct http_tls_anchors	 ta;
	struct http_conn	 conn;
	int			 conn_inited;
	struct http_endpoint	 ep;
	char			 authority[HTTP_MAXHOST + 9];
	char			 region[64];
	struct creds		 creds;
	int			 creds_inited;
	struct rate		 bucket;	/* requests */
	struct rate		 changes;	/* record changes */
	int			 adapt_logged;	/* a lowering was logged */
	struct retry_policy	 pol;
	struct retry_rng	 rng;
	unsigned		 op_timeout_ms;
	int			 quiet;

	struct opq		 ops;
	size_t			 nops;
	uint32_t		 nextid;
	struct op		*inflight;
	uint64_t		 now;		/* refreshed by r53_step()
						   and every submission */
	uint64_t		(*clock)(void);
	int			 waiting_creds;	/* logged once */
	struct r53_counters	 ctr;		/* r53_counters() */

	/* Where r53_pollfds() put each descriptor; -1: not there. */
	int			 pconn;
	size_t			 pcreds, ncreds;	/* the credentials' */
	size_t			 pres;		/* the resolver's from here */
	struct pollfd		 rpfd[HTTP_RESOLVE_MAXFDS];
	size_t			 nrpfd;

	char			 head[HEAD_MAX];
	char			*pbuf;		/* answers are parsed here */
	size_t			 pcap;
};

/*
 * aws/r53.c
 */

/*
 * Log one attempt of op once: level 0 debug (success), 1 info (will be
 * retried), 2 warning (final; not with the quiet option).  status 0: no
 * HTTP answer, msg says why.
 */
void	r53_log_attempt(struct r53 *, struct op *, int level, uint64_t ms,
	    int status, const char *code, const char *msg, const char *extra);

/*
 * Remove op from the queue, call its done callback with outcome and
 * payload (unless it was cancelled) and free it.  op is gone afterwards.
 */
void	r53_complete(struct r53 *, struct op *, enum r53_outcome,
	    const void *payload);

/*
 * Route 53 answered Throttling: lower the request rate (rate.h) and log
 * it once per episode.
 */
void	r53_throttled(struct r53 *, struct op *);

/* Keep the last failure of op; control characters become spaces. */
void	r53_set_error(struct op *, int status, const char *code,
	    const char *msg);

/*
 * aws/r53http.c
 */

/*
 * Build, sign and send op's request on the idle connection; its answer
 * comes back through the connection's callback.  -1 if that is
 * impossible (nothing was sent).
 */
int	r53_send(struct r53 *, struct op *, const struct sigv4_creds *);

#endif
