/*
 * aws/r53.c: the Route 53 client engine.  See r53.h.
 *
 * Operations live on one FIFO.  Each is in one state:
 *   QUEUED	waiting to be sent: for not_before (backoff), for a
 *		token, for credentials and for the connection to be free
 *   INFLIGHT	its request is on the connection (r->inflight is it)
 *   PARSING	its answer is being read; callbacks into the caller run
 * and it leaves the FIFO, freed, once its done callback has returned (or
 * at once when cancelled while QUEUED).  At most one operation is
 * INFLIGHT or PARSING.  The scheduler (kick) takes the first QUEUED
 * operation that is due, so one waiting out a backoff does not hold up
 * the others.
 *
 * This file holds the queue, the loop hooks, the scheduler and
 * completion, and the submit functions; aws/r53http.c sends an
 * operation's request and decides what its answer means (success, next
 * listing page, retry or failure); aws/r53class.c names operations and
 * outcomes.  aws/r53_impl.h holds what they share.
 */
#include <sys/queue.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/creds.h"
#include "aws/r53.h"
#include "aws/r53_impl.h"
#include "aws/sigv4.h"
#include "aws/rate.h"
#include "aws/retry.h"
#include "aws/util.h"
#include "http/conn.h"
#include "log.h"

struct r53 *
r53_new(const struct aws_settings *aws, const struct r53_opts *o)
{
	static const struct r53_opts	 zero;
	struct r53			*r;
	struct http_timeouts		 to;
	const char			*path, *err;
	unsigned			 rate;

	if (o == NULL)
		o = &zero;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_warn("r53");
		return NULL;
	}
	TAILQ_INIT(&r->ops);
	r->nextid = 1;
	r->clock = o->clock != NULL ? o->clock : util_mono_ms;
	r->now = r->clock();
	if (aws->endpoint == NULL ||
	    http_url_parse(aws->endpoint, &r->ep, &path, &err) == -1) {
		log_warnx("endpoint %s: %s", aws->endpoint ? aws->endpoint :
		    "(none)", aws->endpoint ? err : "not set");
		goto fail;
	}
	if (*path != '\0' && strcmp(path, "/") != 0) {
		log_warnx("endpoint %s: a path is not supported",
		    aws->endpoint);
		goto fail;
	}
	if (http_url_authority(&r->ep, r->authority,
	    sizeof(r->authority)) == -1)
		goto fail;
	snprintf(r->region, sizeof(r->region), "%s",
	    aws->region != NULL && aws->region[0] != '\0' ? aws->region :
	    "us-east-1");
	if (r->ep.tls && http_tls_anchors_load(&r->ta, aws->ca_file) == -1)
		goto fail;
	if (http_resolver_init(&r->res, 0, 0) == -1)
		goto fail;
	r->res_inited = 1;
	memset(&to, 0, sizeof(to));
	to.connect_ms = o->connect_ms;
	to.handshake_ms = o->connect_ms;
	to.response_ms = o->response_ms;
	to.idle_ms = 20000;
	if (http_conn_init(&r->conn, &r->ep, &r->res, &r->ta, &to,
	    R53_RESP_MAX) == -1)
		goto fail;
	r->conn_inited = 1;
	if (creds_init(&r->creds, aws, &r->res, &r->ta) == -1)
		goto fail;
	r->creds_inited = 1;
	/*
	 * The buckets as Route 53 keeps them for the account (or as the
	 * owner says): full at start, so the first requests do not wait.
	 */
	rate = o->rate != 0 ? o->rate : aws->rate;
	rate_init(&r->bucket, rate, o->rate != 0 ? o->rate : aws->burst,
	    r->now);
	/*
	 * Our bucket runs a little ahead of Route 53's (a token is ours
	 * when we send, Route 53's when the request arrives): one token
	 * in reserve keeps us behind it, or the end of a burst would be
	 * throttled.
	 */
	rate_reserve(&r->bucket, 1);
	if (aws->change_rate != 0)
		rate_init(&r->changes, aws->change_rate, aws->change_burst,
		    r->now);
	else
		rate_init(&r->changes, RATE_MAX_PER_SEC, RATE_MAX_PER_SEC,
		    r->now);
	r->pol.base_ms = o->base_ms != 0 ? o->base_ms : RETRY_BASE_MS;
	r->pol.cap_ms = o->cap_ms != 0 ? o->cap_ms : RETRY_CAP_MS;
	r->pol.max_attempts = o->max_attempts != 0 ? o->max_attempts :
	    RETRY_MAX_ATTEMPTS;
	r->op_timeout_ms = o->op_timeout_ms != 0 ? o->op_timeout_ms :
	    R53_OP_TIMEOUT_MS;
	r->quiet = o->quiet;
	retry_seed(&r->rng, o->seed != 0 ? o->seed :
	    ((uint64_t)getpid() << 32) ^ r->now ^ (uint64_t)time(NULL));
	log_debug("route 53 endpoint %s, region %s, credentials from %s",
	    aws->endpoint, r->region, creds_describe(&r->creds));
	return r;
 fail:
	r53_free(r);
	return NULL;
}

static void
op_free(struct op *op)
{
	free(op->body);
	free(op);
}

void
r53_free(struct r53 *r)
{
	struct op	*op;

	if (r == NULL)
		return;
	while ((op = TAILQ_FIRST(&r->ops)) != NULL) {
		TAILQ_REMOVE(&r->ops, op, entry);
		op_free(op);
	}
	if (r->conn_inited)
		http_conn_free(&r->conn);
	if (r->creds_inited)
		creds_free(&r->creds);
	sigv4_forget();		/* the signing key derived from them */
	if (r->res_inited)
		http_resolver_free(&r->res);
	http_tls_anchors_free(&r->ta);
	free(r->pbuf);
	util_wipe(r->head, sizeof(r->head));
	free(r);
}

size_t
r53_pending(const struct r53 *r)
{
	size_t		 n = 0;
	struct op	*op;

	TAILQ_FOREACH(op, &r->ops, entry)
		if (!op->cancelled)
			n++;
	return n;
}

uint64_t
r53_send_at(struct r53 *r, uint64_t now)
{
	return rate_ready(&r->bucket, 1, now);
}

void
r53_cancel(struct r53 *r, uint32_t id)
{
	struct op	*op;

	TAILQ_FOREACH(op, &r->ops, entry) {
		if (op->id != id)
			continue;
		if (op->state == QUEUED) {
			TAILQ_REMOVE(&r->ops, op, entry);
			r->nops--;
			op_free(op);
		} else
			op->cancelled = 1;
		return;
	}
}

void
r53_disconnect(struct r53 *r)
{
	if (r->inflight == NULL && http_conn_idle(&r->conn))
		http_conn_close(&r->conn);
}

const struct r53_counters *
r53_counters(const struct r53 *r)
{
	return &r->ctr;
}

int
r53_runs_commands(const struct r53 *r)
{
	return creds_runs_commands(&r->creds);
}

void
r53_stats(const struct r53 *r, unsigned long *connects,
    unsigned long *handshakes, unsigned long *requests)
{
	const struct http_conn_stats	*s = http_conn_stats(&r->conn);

	*connects = s->connects;
	*handshakes = s->handshakes;
	*requests = s->requests;
}

/*
 * ---- Loop hooks ----
 */

/*
 * When op may go as far as its backoff and the change bucket say (not
 * the request bucket).  Only the first queued change may draw change
 * tokens: the ones behind it wait their turn, so a large batch waiting
 * for a full bucket is not starved by small ones.  *chg says whether a
 * change came before.
 */
static uint64_t
op_due(struct r53 *r, struct op *op, int *chg)
{
	uint64_t	t = op->not_before;
	uint64_t	c;

	if (op->type != OP_CHANGE)
		return t;
	if (*chg)
		return UINT64_MAX;
	*chg = 1;
	c = rate_ready(&r->changes, op->nchanges, r->now);
	return c > t ? c : t;
}

/* Due time of the next send (>= 1), 0 if nothing can be sent. */
static uint64_t
next_send(struct r53 *r)
{
	struct op	*op;
	uint64_t	 t = UINT64_MAX, d;
	int		 chg = 0;

	if (r->inflight != NULL || !http_conn_idle(&r->conn) ||
	    creds_get(&r->creds) == NULL)
		return 0;
	TAILQ_FOREACH(op, &r->ops, entry)
		if (op->state == QUEUED && (d = op_due(r, op, &chg)) < t)
			t = d;
	if (t == UINT64_MAX)
		return 0;
	return t == 0 ? 1 : t;
}

_Static_assert(R53_FDS_MAX >= 1 + CREDS_FDS_MAX + HTTP_RESOLVE_MAXFDS,
    "R53_FDS_MAX: the connection, the credentials' and every resolver "
    "socket");

size_t
r53_pollfds(struct r53 *r, struct pollfd *pfd, size_t max)
{
	struct pollfd	 p;
	size_t		 n = 0, i;

	r->pconn = -1;
	r->ncreds = 0;
	if (max < R53_FDS_MAX)
		return 0;
	http_conn_pollfd(&r->conn, &p);
	if (p.fd != -1) {
		r->pconn = (int)n;
		pfd[n++] = p;
	}
	r->pcreds = n;
	r->ncreds = creds_pollfds(&r->creds, pfd + n, CREDS_FDS_MAX);
	n += r->ncreds;
	r->pres = n;
	r->nrpfd = http_resolver_pollfds(&r->res, r->rpfd,
	    HTTP_RESOLVE_MAXFDS);
	for (i = 0; i < r->nrpfd; i++)
		pfd[n++] = r->rpfd[i];
	for (i = 0; i < n; i++)
		pfd[i].revents = 0;
	return n;
}

/* d, or t when t comes first (0 is none). */
static uint64_t
sooner(uint64_t d, uint64_t t)
{
	return t != 0 && (d == 0 || t < d) ? t : d;
}

uint64_t
r53_deadline(struct r53 *r)
{
	struct op	*op;
	uint64_t	 d = 0, t, ready;
	int		 queued = 0;

	d = sooner(d, http_conn_deadline(&r->conn));
	d = sooner(d, http_resolver_deadline(&r->res, r->now));
	d = sooner(d, creds_deadline(&r->creds));
	TAILQ_FOREACH(op, &r->ops, entry)
		if (op->state == QUEUED) {
			d = sooner(d, op->retry.deadline);
			queued = 1;
		}
	if (queued && (t = next_send(r)) != 0) {
		/* A token may be needed first. */
		ready = rate_ready(&r->bucket, 1, r->now);
		d = sooner(d, t > ready ? t : ready);
	}
	return d;
}

/*
 * ---- Completion ----
 */

void
r53_log_attempt(struct r53 *r, struct op *op, int level, uint64_t ms,
    int status, const char *code, const char *msg, const char *extra)
{
	char	line[R53_ERRMSG_SIZE + 256], st[16];

	/* Status 0: no HTTP answer, msg says why. */
	st[0] = '\0';
	if (status != 0)
		snprintf(st, sizeof(st), "%d%s", status,
		    *code != '\0' || *msg != '\0' ? " " : "");
	snprintf(line, sizeof(line), "route 53 %s %s%s: %s%s%s%s "
	    "(%llu ms, attempt %u)%s", r53_op_name(op->type),
	    op->type == OP_GET_CHANGE ? "change " : op->type == OP_LIST_ZONES ?
	    "name " : "zone ", op->target, st, code,
	    *code != '\0' && *msg != '\0' ? ": " : "", msg,
	    (unsigned long long)ms, op->attempts, extra);
	if (level == 0)
		log_debug("%s", line);
	else if (level == 1)
		log_info("%s", line);
	else if (!r->quiet)
		log_warnx("%s", line);
}

/* Remove op and call its done callback with the given outcome. */
void
r53_complete(struct r53 *r, struct op *op, enum r53_outcome outcome,
    const void *payload)
{
	struct r53_result	res;

	TAILQ_REMOVE(&r->ops, op, entry);
	r->nops--;
	if (op->cancelled) {
		op_free(op);
		return;
	}
	r->ctr.ops[op->type][outcome]++;
	memset(&res, 0, sizeof(res));
	res.outcome = outcome;
	res.status = op->status;
	res.code = outcome == R53_SUCCESS ? "" : op->code;
	res.message = outcome == R53_SUCCESS ? "" : op->message;
	res.attempts = op->attempts;
	res.pages = op->pages;
	res.stopped = op->stopped;
	res.elapsed_ms = r->now - op->submitted;
	switch (op->type) {
	case OP_CHANGE:
	case OP_GET_CHANGE:
		op->done.change(op->arg, &res, payload);
		break;
	case OP_LIST_RRSETS:
	case OP_LIST_ZONES:
		op->done.list(op->arg, &res);
		break;
	case OP_GET_ZONE:
		op->done.zone(op->arg, &res, payload);
		break;
	}
	op_free(op);
}

/* Keep the last failure; control characters become spaces. */
void
r53_set_error(struct op *op, int status, const char *code, const char *msg)
{
	char	*p;

	op->status = status;
	snprintf(op->code, sizeof(op->code), "%s", code);
	snprintf(op->message, sizeof(op->message), "%s", msg);
	for (p = op->code; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	for (p = op->message; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

/*
 * ---- Sending ----
 */

/* Send the first due operation if the connection, credentials and bucket
 * allow it. */
static void
kick(struct r53 *r)
{
	const struct sigv4_creds	*sv;
	struct op			*op;
	int				 chg = 0;

	if (r->inflight != NULL || !http_conn_idle(&r->conn))
		return;
	TAILQ_FOREACH(op, &r->ops, entry)
		if (op->state == QUEUED && op_due(r, op, &chg) <= r->now)
			break;
	if (op == NULL)
		return;
	if ((sv = creds_get(&r->creds)) == NULL) {
		if (!r->waiting_creds)
			log_info("route 53: waiting for credentials from %s",
			    creds_describe(&r->creds));
		r->waiting_creds = 1;
		return;
	}
	r->waiting_creds = 0;
	if (!rate_take(&r->bucket, 1, r->now))
		return;
	/* op_due() said the change tokens are there. */
	if (op->type == OP_CHANGE)
		(void)rate_take(&r->changes, op->nchanges, r->now);
	op->attempts++;
	r->ctr.requests++;
	retry_attempt(&op->retry);
	op->sent_at = r->now;
	if (r53_send(r, op, sv) == -1) {
		r53_set_error(op, 0, "", "cannot build the request");
		r53_log_attempt(r, op, 2, 0, 0, "", op->message, "");
		r53_complete(r, op, R53_FAILURE, NULL);
		return;
	}
	op->state = INFLIGHT;
	r->inflight = op;
}

/* Fail queued operations whose deadline has passed. */
static void
expire(struct r53 *r)
{
	struct op	*op, *next;

	for (op = TAILQ_FIRST(&r->ops); op != NULL; op = next) {
		next = TAILQ_NEXT(op, entry);
		if (op->state != QUEUED || op->retry.deadline == 0 ||
		    r->now < op->retry.deadline)
			continue;
		if (op->message[0] == '\0')
			r53_set_error(op, 0, "", creds_get(&r->creds) == NULL ?
			    "timed out waiting for credentials" :
			    "timed out in the queue");
		r53_log_attempt(r, op, 2, r->now - op->submitted, op->status,
		    op->code, op->message, "; deadline passed");
		r53_complete(r, op, op->status != 0 ? R53_AWS_ERROR :
		    R53_FAILURE, NULL);
		/* Callbacks may have changed the queue: start over. */
		next = TAILQ_FIRST(&r->ops);
	}
}

/* Log the end of a throttling episode once. */
static void
recovered(struct r53 *r)
{
	if (!r->adapt_logged || rate_adapting(&r->bucket, r->now))
		return;
	r->adapt_logged = 0;
	log_info("route 53 request rate back to %llu/s after %llu s, "
	    "%u requests throttled",
	    (unsigned long long)(r->bucket.max_milli / 1000),
	    (unsigned long long)((r->bucket.ended - r->bucket.since) / 1000),
	    r->bucket.throttles);
}

void
r53_throttled(struct r53 *r, struct op *op)
{
	uint64_t	m;

	recovered(r);
	if (!rate_throttled(&r->bucket, r->now))
		return;
	r->adapt_logged = 1;
	m = rate_milli(&r->bucket, r->now);
	log_warnx("route 53 throttled %s: lowering the request rate from "
	    "%llu/s to %llu.%llu/s until Route 53 stops throttling",
	    r53_op_name(op->type),
	    (unsigned long long)(r->bucket.max_milli / 1000),
	    (unsigned long long)(m / 1000),
	    (unsigned long long)(m % 1000 / 100));
}

void
r53_step(struct r53 *r, const struct pollfd *pfd, size_t n, uint64_t now)
{
	size_t	i;

	if (now > r->now)
		r->now = now;
	/* pfd is what r53_pollfds() gave, revents set; n may be 0. */
	for (i = 0; i < r->nrpfd; i++)
		r->rpfd[i].revents = r->pres + i < n ?
		    pfd[r->pres + i].revents : 0;
	http_resolver_step(&r->res, r->rpfd, n > 0 ? r->nrpfd : 0, now);
	r->nrpfd = 0;
	creds_step(&r->creds, pfd + r->pcreds, r->pcreds + r->ncreds <= n ?
	    r->ncreds : 0, now);
	http_conn_step(&r->conn, r->pconn >= 0 && (size_t)r->pconn < n ?
	    pfd[r->pconn].revents : 0, now);
	r->pconn = -1;
	r->ncreds = 0;
	expire(r);
	recovered(r);
	kick(r);
}

/*
 * ---- Submitting ----
 */

static struct op *
op_new(struct r53 *r, enum op_type type, const char *target)
{
	struct op	*op;

	if (r->nops >= R53_QUEUE_MAX) {
		log_warnx("route 53 %s: queue full (%d operations)",
		    r53_op_name(type), R53_QUEUE_MAX);
		return NULL;
	}
	if (target != NULL && strlen(target) >= TARGET_MAX) {
		log_warnx("route 53 %s: id too long", r53_op_name(type));
		return NULL;
	}
	if ((op = calloc(1, sizeof(*op))) == NULL) {
		log_warn("route 53 %s", r53_op_name(type));
		return NULL;
	}
	/*
	 * Submissions come from the owner's callbacks, between two
	 * r53_step() calls: r->now may be as old as the last poll(2)
	 * wait.  The operation starts now.
	 */
	r->now = r->clock();
	op->type = type;
	op->state = QUEUED;
	snprintf(op->target, sizeof(op->target), "%s",
	    target != NULL ? target : "");
	op->submitted = r->now;
	retry_start(&op->retry, r->now + r->op_timeout_ms);
	return op;
}

static uint32_t
enqueue(struct r53 *r, struct op *op)
{
	op->id = r->nextid++;
	if (r->nextid == 0)
		r->nextid = 1;
	TAILQ_INSERT_TAIL(&r->ops, op, entry);
	r->nops++;
	return op->id;
}

uint32_t
r53_change(struct r53 *r, const char *zoneid, const char *comment,
    const struct r53_change *c, size_t n, r53_change_done done, void *arg)
{
	struct r53_req	 req;
	struct op	*op;
	char		*body, *p;
	int		 len;

	if (r53_req_change_rrsets(&req, zoneid) == -1) {
		log_warnx("route 53 ChangeResourceRecordSets: bad zone id %s",
		    zoneid);
		return 0;
	}
	/* Written in place, then shrunk (no copy) to what it holds. */
	if ((body = malloc(R53_BODY_MAX)) == NULL) {
		log_warn("route 53 ChangeResourceRecordSets");
		return 0;
	}
	len = r53_change_batch_xml(body, R53_BODY_MAX, comment, c, n);
	if (len < 0) {
		log_warnx("route 53 ChangeResourceRecordSets zone %s: invalid "
		    "or too large change batch (%zu changes)", zoneid, n);
		free(body);
		return 0;
	}
	if ((p = realloc(body, (size_t)len + 1)) != NULL)
		body = p;
	if ((op = op_new(r, OP_CHANGE, zoneid)) == NULL) {
		free(body);
		return 0;
	}
	op->body = body;
	op->bodylen = (size_t)len;
	op->nchanges = n > UINT32_MAX ? UINT32_MAX : (unsigned)n;
	op->done.change = done;
	op->arg = arg;
	return enqueue(r, op);
}

uint32_t
r53_get_change(struct r53 *r, const char *changeid, r53_change_done done,
    void *arg)
{
	struct r53_req	 req;
	struct op	*op;

	if (r53_req_get_change(&req, changeid) == -1) {
		log_warnx("route 53 GetChange: bad change id %s", changeid);
		return 0;
	}
	if ((op = op_new(r, OP_GET_CHANGE, changeid)) == NULL)
		return 0;
	op->done.change = done;
	op->arg = arg;
	return enqueue(r, op);
}

/* Copy a listing start into a field; -1 if it does not fit. */
static int
setstr(char *dst, size_t cap, const char *src)
{
	if (src == NULL) {
		dst[0] = '\0';
		return 0;
	}
	if (strlen(src) >= cap)
		return -1;
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

uint32_t
r53_list_rrsets(struct r53 *r, const char *zoneid, const char *name,
    const char *type, unsigned flags, r53_rrset_cb each, r53_list_done done,
    void *arg)
{
	struct r53_req	 req;
	struct op	*op;

	if (r53_req_list_rrsets(&req, zoneid, name, type, NULL, 0) == -1 ||
	    ((flags & R53_LIST_ONLY_NAME) && name == NULL)) {
		log_warnx("route 53 ListResourceRecordSets: bad zone id, "
		    "name or type");
		return 0;
	}
	if ((op = op_new(r, OP_LIST_RRSETS, zoneid)) == NULL)
		return 0;
	if (setstr(op->name, sizeof(op->name), name) == -1 ||
	    setstr(op->rtype, sizeof(op->rtype), type) == -1 ||
	    setstr(op->only, sizeof(op->only), name) == -1) {
		log_warnx("route 53 ListResourceRecordSets: name too long");
		op_free(op);
		return 0;
	}
	op->flags = flags;
	op->each_rr = each;
	op->done.list = done;
	op->arg = arg;
	return enqueue(r, op);
}

uint32_t
r53_list_zones_by_name(struct r53 *r, const char *dnsname, r53_zone_cb each,
    r53_list_done done, void *arg)
{
	struct r53_req	 req;
	struct op	*op;

	if (r53_req_list_zones_by_name(&req, dnsname, NULL, 0) == -1) {
		log_warnx("route 53 ListHostedZonesByName: bad name");
		return 0;
	}
	if ((op = op_new(r, OP_LIST_ZONES, NULL)) == NULL)
		return 0;
	if (setstr(op->name, sizeof(op->name), dnsname) == -1) {
		op_free(op);
		return 0;
	}
	/* For messages only. */
	snprintf(op->target, sizeof(op->target), "%.*s",
	    (int)sizeof(op->target) - 1, dnsname != NULL ? dnsname : "");
	op->each_zone = each;
	op->done.list = done;
	op->arg = arg;
	return enqueue(r, op);
}

uint32_t
r53_get_zone(struct r53 *r, const char *zoneid, r53_zone_done done,
    void *arg)
{
	struct r53_req	 req;
	struct op	*op;

	if (r53_req_get_zone(&req, zoneid) == -1) {
		log_warnx("route 53 GetHostedZone: bad zone id %s", zoneid);
		return 0;
	}
	if ((op = op_new(r, OP_GET_ZONE, zoneid)) == NULL)
		return 0;
	op->done.zone = done;
	op->arg = arg;
	return enqueue(r, op);
}
