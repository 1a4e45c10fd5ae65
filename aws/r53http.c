/*
 * aws/r53http.c: one HTTP attempt of a Route 53 operation: its request,
 * built from aws/r53msg.h, signed (SigV4) and sent on the client's
 * connection, and its answer: parsed on success (listings go on with
 * their next page), or classified as a transient failure to retry after
 * a backoff, a final failure, or for ChangeResourceRecordSets an unknown
 * outcome, which is never retried.
 */
#include <sys/queue.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/r53.h"
#include "aws/r53_impl.h"
#include "aws/rate.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "aws/util.h"
#include "http/conn.h"
#include "log.h"

#ifndef R53D_VERSION
#define R53D_VERSION	"0"
#endif

static void	on_done(const struct http_result *, void *);

/* Build, sign and send op's request.  -1 if that is impossible. */
int
r53_send(struct r53 *r, struct op *op, const struct sigv4_creds *sv)
{
	struct r53_req		 req;
	struct sigv4_request	 sr;
	struct sigv4_header	 hdr[2];
	char			 uri[R53_PATH_SIZE * 3 + 1];
	char			 query[NAMEBUF * 3 + IDENTBUF * 3 + 256];
	char			 authz[512], date[SIGV4_DATE_SIZE];
	int			 rc, n;
	const char		*name, *type, *ident;

	name = op->name[0] != '\0' ? op->name : NULL;
	type = op->rtype[0] != '\0' ? op->rtype : NULL;
	ident = op->ident[0] != '\0' ? op->ident : NULL;
	switch (op->type) {
	case OP_CHANGE:
		rc = r53_req_change_rrsets(&req, op->target);
		break;
	case OP_GET_CHANGE:
		rc = r53_req_get_change(&req, op->target);
		break;
	case OP_LIST_RRSETS:
		rc = r53_req_list_rrsets(&req, op->target, name, type, ident,
		    R53_LIST_RRSETS_MAX);
		break;
	case OP_LIST_ZONES:
		rc = r53_req_list_zones_by_name(&req, name, name != NULL ?
		    ident : NULL, R53_LIST_ZONES_MAX);
		break;
	case OP_GET_ZONE:
	default:
		rc = r53_req_get_zone(&req, op->target);
		break;
	}
	if (rc == -1 ||
	    sigv4_canonical_uri(req.path, uri, sizeof(uri)) == -1 ||
	    sigv4_canonical_query(req.params, req.nparams, query,
	    sizeof(query)) == -1)
		return -1;
	hdr[0].name = "Host";
	hdr[0].value = r->authority;
	hdr[1].name = "Content-Type";
	hdr[1].value = "application/xml";
	memset(&sr, 0, sizeof(sr));
	sr.method = req.method;
	sr.path = req.path;
	sr.params = req.params;
	sr.nparams = req.nparams;
	sr.headers = hdr;
	sr.nheaders = op->body != NULL ? 2 : 1;
	sr.body = op->body;
	sr.bodylen = op->bodylen;
	sr.region = r->region;
	sr.service = R53_SERVICE;
	sr.when = time(NULL);
	if (sigv4_sign(&sr, sv, date, authz, sizeof(authz)) == -1)
		return -1;
	n = snprintf(r->head, sizeof(r->head),
	    "%s %s%s%s HTTP/1.1\r\n"
	    "Host: %s\r\n"
	    "X-Amz-Date: %s\r\n"
	    "%s%s%s"
	    "Authorization: %s\r\n"
	    "User-Agent: r53d/%s\r\n"
	    "Connection: keep-alive\r\n",
	    req.method, uri, query[0] != '\0' ? "?" : "", query,
	    r->authority, date,
	    sv->session_token != NULL ? "X-Amz-Security-Token: " : "",
	    sv->session_token != NULL ? sv->session_token : "",
	    sv->session_token != NULL ? "\r\n" : "",
	    authz, R53D_VERSION);
	util_wipe(authz, sizeof(authz));
	if (n < 0 || (size_t)n >= sizeof(r->head))
		return -1;
	if (op->body != NULL)
		rc = snprintf(r->head + n, sizeof(r->head) - (size_t)n,
		    "Content-Type: application/xml\r\n"
		    "Content-Length: %zu\r\n\r\n", op->bodylen);
	else
		rc = snprintf(r->head + n, sizeof(r->head) - (size_t)n,
		    "\r\n");
	if (rc < 0 || (size_t)rc >= sizeof(r->head) - (size_t)n)
		return -1;
	n += rc;
	if (http_conn_request(&r->conn, r->head, (size_t)n, op->body,
	    op->bodylen, on_done, r) == -1)
		return -1;
	return 0;
}

/*
 * ---- Answers ----
 */

/*
 * The last attempt failed transiently: queue it again after a backoff,
 * or complete it with the error when the retries are used up.
 */
static void
retry_or_fail(struct r53 *r, struct op *op, uint64_t ms,
    enum r53_outcome final)
{
	uint64_t	when;
	char		extra[64];

	if (retry_next(&r->pol, &op->retry, &r->rng, r->now, &when) == 0) {
		snprintf(extra, sizeof(extra), "; retrying in %llu ms",
		    (unsigned long long)(when - r->now));
		r53_log_attempt(r, op, 1, ms, op->status, op->code,
		    op->message, extra);
		op->state = QUEUED;
		op->not_before = when;
		r->ctr.retries++;
		return;
	}
	r53_log_attempt(r, op, 2, ms, op->status, op->code, op->message,
	    op->retry.attempts > 1 ? "; giving up" : "");
	r53_complete(r, op, final, NULL);
}

/* The name r53 lists equals want, ignoring case and the final dot. */
static int
same_name(const char *listed, const char *want)
{
	size_t	a = strlen(listed), b = strlen(want);

	if (a > 0 && listed[a - 1] == '.')
		a--;
	if (b > 0 && want[b - 1] == '.')
		b--;
	return a == b && strncasecmp(listed, want, a) == 0;
}

static int
each_rrset(void *arg, const struct r53_rrset *rr)
{
	struct op	*op = arg;

	if (op->cancelled)
		return 1;
	if ((op->flags & R53_LIST_ONLY_NAME) && !same_name(rr->name,
	    op->only)) {
		op->stopped = 1;
		return 1;
	}
	if (op->each_rr(op->arg, rr) != 0) {
		op->stopped = 1;
		return 1;
	}
	return 0;
}

static int
each_zone(void *arg, const struct r53_zone *z)
{
	struct op	*op = arg;

	if (op->cancelled)
		return 1;
	if (op->each_zone(op->arg, z) != 0) {
		op->stopped = 1;
		return 1;
	}
	return 0;
}

/* Copy the body where the parsers may rewrite it.  -1 if too large. */
static int
to_pbuf(struct r53 *r, const struct http_result *res)
{
	size_t	 ncap;
	char	*nb;

	if (res->bodylen + 1 > r->pcap) {
		ncap = r->pcap != 0 ? r->pcap : PBUF_MIN;
		while (ncap < res->bodylen + 1)
			ncap *= 2;
		if ((nb = realloc(r->pbuf, ncap)) == NULL)
			return -1;
		r->pbuf = nb;
		r->pcap = ncap;
	}
	memcpy(r->pbuf, res->body, res->bodylen);
	r->pbuf[res->bodylen] = '\0';
	return 0;
}

/* A 200 answer: parse it and go on or complete. */
static void
success(struct r53 *r, struct op *op, const struct http_result *res,
    uint64_t ms)
{
	struct r53_change_info	 ci;
	struct r53_rrset_page	 rp;
	struct r53_zone_page	 zp;
	struct r53_zone		 z;
	struct r53_why		 why;
	const void		*payload = NULL;
	int			 rc = R53_OK, more = 0;
	char			 extra[64], msg[R53_WHY_SIZE + 32];

	extra[0] = '\0';
	why.text[0] = '\0';
	if (to_pbuf(r, res) == -1) {
		rc = R53_ELIMIT;
		snprintf(why.text, sizeof(why.text), "no memory for an answer "
		    "of %zu bytes", res->bodylen);
		goto bad;
	}
	op->state = PARSING;
	switch (op->type) {
	case OP_CHANGE:
	case OP_GET_CHANGE:
		rc = r53_parse_change_info(r->pbuf, res->bodylen, &ci, &why);
		payload = &ci;
		if (rc == R53_OK)
			snprintf(extra, sizeof(extra), " %s %s", ci.id,
			    ci.status == R53_INSYNC ? "INSYNC" : "PENDING");
		break;
	case OP_GET_ZONE:
		rc = r53_parse_get_zone(r->pbuf, res->bodylen, &z, &why);
		payload = &z;
		break;
	case OP_LIST_RRSETS:
		/*
		 * The whole page is checked before any of it is handed out,
		 * so that a page fetched again after a malformed answer is
		 * not delivered twice.
		 */
		rc = r53_parse_list_rrsets(r->pbuf, res->bodylen, NULL, NULL,
		    &rp, &why);
		if (rc == R53_OK && to_pbuf(r, res) == 0)
			rc = r53_parse_list_rrsets(r->pbuf, res->bodylen,
			    each_rrset, op, &rp, &why);
		if (rc == R53_EABORT && op->stopped)
			rc = R53_OK;
		if (rc != R53_OK)
			break;
		op->pages++;
		snprintf(extra, sizeof(extra), " page %u, %zu record sets",
		    op->pages, rp.count);
		if (!op->stopped && rp.truncated) {
			if (rp.next_name[0] == '\0') {
				rc = R53_ESHAPE;
				snprintf(why.text, sizeof(why.text),
				    "NextRecordName missing");
				break;
			}
			more = 1;
			memcpy(op->name, rp.next_name, sizeof(op->name));
			memcpy(op->rtype, rp.next_type, sizeof(op->rtype));
			memcpy(op->ident, rp.next_identifier,
			    sizeof(op->ident));
		}
		break;
	case OP_LIST_ZONES:
		/* Checked whole first, as a record set page. */
		rc = r53_parse_list_zones_by_name(r->pbuf, res->bodylen, NULL,
		    NULL, &zp, &why);
		if (rc == R53_OK && to_pbuf(r, res) == 0)
			rc = r53_parse_list_zones_by_name(r->pbuf,
			    res->bodylen, each_zone, op, &zp, &why);
		if (rc == R53_EABORT && op->stopped)
			rc = R53_OK;
		if (rc != R53_OK)
			break;
		op->pages++;
		if (!op->stopped && zp.truncated) {
			if (zp.next_dns_name[0] == '\0') {
				rc = R53_ESHAPE;
				snprintf(why.text, sizeof(why.text),
				    "NextDNSName missing");
				break;
			}
			more = 1;
			memcpy(op->name, zp.next_dns_name, sizeof(op->name));
			snprintf(op->ident, sizeof(op->ident), "%s",
			    zp.next_zone_id);
		}
		break;
	}
	if (op->cancelled) {
		r53_complete(r, op, R53_FAILURE, NULL);
		return;
	}
	if (rc != R53_OK)
		goto bad;
	op->status = res->status;
	r53_log_attempt(r, op, 0, ms, res->status, "", "", extra);
	if (more) {
		op->started = 1;
		op->state = QUEUED;
		op->not_before = 0;
		retry_start(&op->retry, op->retry.deadline);
		return;
	}
	r53_complete(r, op, R53_SUCCESS, payload);
	return;
 bad:
	snprintf(msg, sizeof(msg), "malformed answer: %s",
	    why.text[0] != '\0' ? why.text : r53_strerror(rc));
	r53_set_error(op, res->status, "", msg);
	if (op->type == OP_CHANGE) {
		/* Route 53 said 200: the batch was probably applied. */
		r53_log_attempt(r, op, 2, ms, op->status, "", op->message, "");
		r53_complete(r, op, R53_UNKNOWN, NULL);
		return;
	}
	op->state = INFLIGHT;
	retry_or_fail(r, op, ms, R53_FAILURE);
}

/* Route 53 clock skew: point at the system clock. */
static void
clock_hint(const char *code, const char *msg)
{
	char		 buf[32];
	time_t		 t;
	struct tm	 tm;

	if (strcmp(code, "SignatureDoesNotMatch") != 0 ||
	    (strstr(msg, "Signature expired") == NULL &&
	    strstr(msg, "Signature not yet current") == NULL))
		return;
	t = time(NULL);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, sizeof(buf), "?");
	log_warnx("route 53 refused the request time: the system clock "
	    "(%s UTC) is probably wrong; set it (e.g. with NTP)", buf);
}

static void
on_done(const struct http_result *res, void *arg)
{
	struct r53		*r = arg;
	struct op		*op = r->inflight;
	struct r53_error	 e;
	struct r53_why		 why;
	uint64_t		 ms;
	char			 msg[R53_WHY_SIZE + 64];

	r->inflight = NULL;
	if (op == NULL)
		return;
	ms = r->now - op->sent_at;
	if (res->error != HTTP_OK) {
		r53_set_error(op, 0, "", res->errtext != NULL ? res->errtext :
		    http_conn_strerror(res->error));
		if (op->type == OP_CHANGE && res->may_have_reached) {
			r53_log_attempt(r, op, 2, ms, 0, "", op->message,
			    "; outcome unknown");
			r53_complete(r, op, R53_UNKNOWN, NULL);
		} else if (res->error == HTTP_ERR_TLS) {
			/* Certificates and names do not fix themselves. */
			r53_log_attempt(r, op, 2, ms, 0, "", op->message, "");
			r53_complete(r, op, R53_FAILURE, NULL);
		} else
			retry_or_fail(r, op, ms, R53_FAILURE);
		return;
	}
	if (res->status == 200) {
		success(r, op, res, ms);
		return;
	}
	why.text[0] = '\0';
	if (to_pbuf(r, res) == 0 &&
	    r53_parse_error(r->pbuf, res->bodylen, &e, &why) == R53_OK)
		r53_set_error(op, res->status, e.code, e.message);
	else {
		/* Say why the body is no error document, unless empty. */
		if (res->bodylen > 0 && why.text[0] != '\0')
			snprintf(msg, sizeof(msg), "HTTP status %d, no "
			    "Route 53 error in the answer: %s", res->status,
			    why.text);
		else
			snprintf(msg, sizeof(msg), "HTTP status %d",
			    res->status);
		r53_set_error(op, res->status, "", msg);
	}
	clock_hint(op->code, op->message);
	if (res->status == 429 || strcmp(op->code, "Throttling") == 0 ||
	    strcmp(op->code, "ThrottlingException") == 0)
		r->ctr.throttles++;
	if (strcmp(op->code, "Throttling") == 0 ||
	    strcmp(op->code, "ThrottlingException") == 0)
		r53_throttled(r, op);
	if ((strcmp(op->code, "ExpiredToken") == 0 ||
	    strcmp(op->code, "ExpiredTokenException") == 0) &&
	    creds_expired(&r->creds))
		/* New keys are being fetched: this waits for them. */
		retry_or_fail(r, op, ms, R53_AWS_ERROR);
	else if (retry_transient(res->status, op->code))
		retry_or_fail(r, op, ms, R53_AWS_ERROR);
	else {
		r53_log_attempt(r, op, 2, ms, op->status, op->code,
		    op->message, "");
		r53_complete(r, op, R53_AWS_ERROR, NULL);
	}
}
