/*
 * serve.c: parse, authenticate and dispatch each DNS message.
 */
#include <sys/socket.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chaos.h"
#include "conf.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/tsig.h"
#include "listen.h"
#include "log.h"
#include "loop.h"
#include "replay.h"
#include "serve.h"
#include "stats.h"
#include "upd.h"
#include "zone.h"

/* TSIG keys of the configuration in force, in wire form for dns/tsig.c. */
static int		 draining;	/* shutting down: no new UPDATEs */
static const struct conf *cur;		/* the configuration in force */
static struct tsig_key	 keys[CONF_KEYS_MAX];
static char		*keytext[CONF_KEYS_MAX];	/* as logged, ACLs */
static size_t		 nkeys;
static unsigned		 keygen;	/* bumped when keys[] changes */

/*
 * A key's name as text in t (DNS_NAME_TEXTMAX bytes), lowercased and
 * without the final dot: what the log and the ACLs see.  Returns t, or
 * NULL if it cannot be written.
 */
static const char *
key_name_text(const uint8_t *wname, char *t)
{
	uint8_t	 low[DNS_NAME_MAX];
	size_t	 kl;

	memcpy(low, wname, name_len(wname, DNS_NAME_MAX));
	name_lower(low);
	if (name_to_text(low, t, DNS_NAME_TEXTMAX) == -1)
		return NULL;
	kl = strlen(t);
	if (kl > 1 && t[kl - 1] == '.')
		t[kl - 1] = '\0';
	return t;
}

/* The same, allocated: NULL if it cannot be written or allocated. */
static char *
key_text(const uint8_t *wname)
{
	char	 t[DNS_NAME_TEXTMAX];

	if (key_name_text(wname, t) == NULL)
		return NULL;
	return strdup(t);
}

static uint8_t		 resp[DNS_MSG_MAX];

void
serve_setconf(const struct conf *cf)
{
	uint8_t	 wname[DNS_NAME_MAX];
	size_t	 i, n = 0;

	cur = cf;
	keygen++;
	for (i = 0; i < nkeys; i++) {
		tsig_key_wipe(&keys[i]);
		free(keytext[i]);
		keytext[i] = NULL;
	}
	for (i = 0; i < cf->nkeys && n < CONF_KEYS_MAX; i++) {
		const struct conf_key *k = &cf->keys[i];

		if (name_from_text(k->name, wname, NULL) == -1 ||
		    tsig_key_init(&keys[n], wname, k->alg, k->secret,
		    k->secretlen, k->truncbits / 8) == -1) {
			log_warnx("%s:%d: key \"%s\" cannot be used for TSIG",
			    k->file, k->line, k->name);
			continue;
		}
		keytext[n] = key_text(keys[n].name);
		n++;
	}
	nkeys = n;
}

static const struct tsig_key *
key_lookup(void *arg, const uint8_t *name, enum tsig_alg alg)
{
	size_t	i;

	(void)arg;
	for (i = 0; i < nkeys; i++)
		if (keys[i].alg == alg && name_equal(keys[i].name, name))
			return &keys[i];
	return NULL;
}

/*
 * Send len bytes of resp, TSIG-signed first when the request was signed;
 * rcode is the answer's, for the statistics.
 */
static void
send_resp(const struct client *cl, size_t len, size_t cap,
    const struct tsig_result *ts, int rcode)
{
	size_t	outlen = len;

	if (ts != NULL && tsig_sign_response(ts, resp, len, cap, &outlen,
	    time(NULL)) == -1) {
		log_warnx("cannot sign a response");
		listen_done(cl);
		return;
	}
	stats_answer((resp[2] >> 3) & 0xf, rcode);
	listen_reply(cl, resp, outlen);
}

/*
 * Answer with a bare rcode: header and question echoed, OPT when the
 * request had one.
 */
static void
answer_rcode(const struct client *cl, const struct dns_msg *m, size_t cap,
    int rcode, const struct tsig_result *ts)
{
	size_t	len, room = cap;

	if (ts != NULL)
		room = cap - tsig_space(ts);
	if (dns_msg_error(resp, room, m, (uint16_t)rcode,
	    m->opt.present, &len) == -1 &&
	    dns_msg_error(resp, room, m, (uint16_t)rcode, 0, &len) == -1) {
		listen_done(cl);
		return;
	}
	send_resp(cl, len, cap, ts, rcode);
}

/*
 * One line per request answered here, with -d: opcode, client, key,
 * transport, question and rcode, then why when there is more to say:
 * "query 192.0.2.1#5353 key - udp example.com. SOA: NOERROR".
 * UPDATEs taken by their zone are logged by upd.c instead.
 */
static void
log_req(const struct client *cl, const struct dns_msg *m, int rcode,
    const char *keyname, const char *why)
{
	char		 q[DNS_NAME_TEXTMAX + 2 * RRTYPE_TEXTMAX];
	char		 tt[RRTYPE_TEXTMAX], ct[RRTYPE_TEXTMAX];
	char		 cs[64], op[16];
	const char	*on;
	size_t		 i;

	if (log_getverbose() < 1)
		return;
	if ((on = dns_opcode_name(m->opcode)) != NULL) {
		for (i = 0; on[i] != '\0' && i < sizeof(op) - 1; i++)
			op[i] = (char)tolower((unsigned char)on[i]);
		op[i] = '\0';
	} else
		snprintf(op, sizeof(op), "opcode %d", m->opcode);
	if (!m->has_q || name_to_text(m->qname, q, DNS_NAME_TEXTMAX) == -1)
		snprintf(q, sizeof(q), "-");
	else if (m->qclass != DNS_C_IN)
		snprintf(q + strlen(q), sizeof(q) - strlen(q), " %s %s",
		    rrtype_class_to_text(m->qclass, ct),
		    rrtype_to_text(m->qtype, tt));
	else
		snprintf(q + strlen(q), sizeof(q) - strlen(q), " %s",
		    rrtype_to_text(m->qtype, tt));
	log_debug("%s %s key %s %s %s: %s%s%s", op,
	    listen_client_str(cl, cs, sizeof(cs)),
	    keyname != NULL ? keyname : "-",
	    cl->proto == CLIENT_TCP ? "tcp" : "udp", q,
	    dns_rcode_name(rcode), why != NULL ? ": " : "",
	    why != NULL ? why : "");
}

/*
 * Start the answer to m in resp (cap octets): the header with flags
 * (DNS_F_AA or 0), the question, room kept for the TSIG when ts, and
 * an OPT when m had one.  -1 when it does not fit.
 */
static int
reply_start(struct dns_wmsg *w, size_t cap, const struct dns_msg *m,
    uint16_t flags, const struct tsig_result *ts)
{
	if (dns_wmsg_reply(w, resp, cap, m, flags) == -1 ||
	    (ts != NULL && dns_wmsg_reserve(w, tsig_space(ts)) == -1) ||
	    (m->opt.present && dns_wmsg_edns(w, DNS_EDNS_UDP,
	    m->opt.flags & DNS_EDNS_DO) == -1))
		return -1;
	return 0;
}

/*
 * A CHAOS query (chaos.h): answered from r53d's own zones, REFUSED for
 * other names, and for stats.r53d to clients allow-stats does not
 * allow.  Returns -1 when it answered, else the rcode for a bare answer.
 */
static int
do_chaos(const struct client *cl, const struct dns_msg *m, size_t cap,
    const char *keyname, const struct tsig_result *ts)
{
	struct dns_wmsg		 w;
	enum chaos_zone		 cz;
	const uint8_t		*apex = NULL;
	size_t			 len;
	int			 rcode;

	if ((cz = chaos_find(m->qname, &apex)) == CHAOS_NONE ||
	    m->qtype == DNS_T_AXFR || m->qtype == DNS_T_IXFR ||
	    !chaos_allowed(cur, cz, (const struct sockaddr *)&cl->peer,
	    keyname))
		return DNS_R_REFUSED;
	if (reply_start(&w, cap, m, DNS_F_AA, ts) == -1)
		return DNS_R_SERVFAIL;
	rcode = chaos_answer(cur, cz, apex, m, &w);
	dns_wmsg_rcode(&w, (uint16_t)rcode);
	if (dns_wmsg_finish(&w, &len) == -1)
		return DNS_R_SERVFAIL;
	log_req(cl, m, rcode, keyname, NULL);
	send_resp(cl, len, cap, ts, rcode);
	return -1;
}

/*
 * Answer a query from the zone's mirror.  Returns -1 when it answered,
 * else the rcode for a bare answer.
 */
static int
do_query(const struct client *cl, const struct dns_msg *m, size_t cap,
    const char *keyname, const struct tsig_result *ts, const uint8_t *buf,
    size_t buflen)
{
	struct dns_wmsg		 w;
	struct zone		*z;
	const struct zone_conf	*zc;
	size_t			 len;
	int			 rcode;

	if (m->count[DNS_SEC_QD] != 1 || !m->has_q)
		return DNS_R_FORMERR;
	if (m->qclass == DNS_C_CH)
		return do_chaos(cl, m, cap, keyname, ts);
	if ((z = zone_find(m->qname)) == NULL)
		return DNS_R_REFUSED;
	zc = zone_conf(z);
	if (!acl_match(&zc->allow_query,
	    (const struct sockaddr *)&cl->peer, keyname))
		return DNS_R_REFUSED;
	if (m->qtype == DNS_T_AXFR || m->qtype == DNS_T_IXFR)
		return DNS_R_REFUSED;
	if (m->qclass != DNS_C_IN && m->qclass != DNS_C_ANY)
		return DNS_R_REFUSED;
	switch (zone_query_wait(z, m->qname)) {
	case ZQ_HOLD:
		/* inetd mode: answered once the names it needs are read. */
		if (zone_query_hold(z, cl, m->qname, buf, buflen) == 0)
			return -1;
		return DNS_R_SERVFAIL;
	case ZQ_FAIL:
		return DNS_R_SERVFAIL;
	}
	if (!zone_loaded(z))
		return DNS_R_SERVFAIL;
	if (reply_start(&w, cap, m, 0, ts) == -1)
		return DNS_R_SERVFAIL;
	rcode = zone_query(z, m, &w);
	dns_wmsg_rcode(&w, (uint16_t)rcode);
	if (dns_wmsg_finish(&w, &len) == -1)
		return DNS_R_SERVFAIL;
	log_req(cl, m, rcode, keyname, NULL);
	send_resp(cl, len, cap, ts, rcode);
	return -1;
}

/* The serial of an SOA for the zone in a NOTIFY's answer section. */
static int
notify_serial(const struct dns_msg *m, const uint8_t *origin,
    uint32_t *serial)
{
	struct dns_rr_iter	 it;
	struct dns_rr		 rr;
	uint8_t			 rd[RDATA_MAX];
	size_t			 len;

	dns_rr_iter_init(&it, m, DNS_SEC_AN);
	while (dns_rr_next(&it, &rr) == 1)
		if (rr.type == DNS_T_SOA && name_equal(rr.owner, origin) &&
		    dns_rr_rdata(m, &rr, rd, sizeof(rd), &len) == 0 &&
		    rdata_soa_serial(rd, len, serial) == 0)
			return 1;
	return 0;
}

/*
 * NOTIFY (RFC 1996) for a secondary zone, from an address or key its
 * allow-notify allows: answered at once (AA, the question echoed), and
 * the zone refreshes.  The SOA in the answer section is optional.
 * Returns -1 when it answered, else the rcode for a bare answer.
 */
static int
do_notify(const struct client *cl, const struct dns_msg *m, size_t cap,
    const char *keyname, const struct tsig_result *ts)
{
	struct dns_wmsg		 w;
	struct zone		*z;
	const struct zone_conf	*zc;
	char			 cs[64], qn[DNS_NAME_TEXTMAX];
	uint32_t		 serial = 0;
	size_t			 len;
	int			 has;

	if (m->count[DNS_SEC_QD] != 1 || !m->has_q ||
	    m->qtype != DNS_T_SOA)
		return DNS_R_FORMERR;
	if (name_to_text(m->qname, qn, sizeof(qn)) == -1)
		snprintf(qn, sizeof(qn), "?");
	listen_client_str(cl, cs, sizeof(cs));
	if ((z = zone_find(m->qname)) == NULL ||
	    !name_equal(zone_origin(z), m->qname) || m->qclass != DNS_C_IN ||
	    !zone_is_secondary(z)) {
		log_info("notify %s key %s zone %s: NOTAUTH: not a secondary "
		    "zone here", cs, keyname ? keyname : "-", qn);
		return DNS_R_NOTAUTH;
	}
	zc = zone_conf(z);
	if (!acl_match(&zc->allow_notify, (const struct sockaddr *)&cl->peer,
	    keyname)) {
		log_info("notify %s key %s zone %s: REFUSED: not allowed by "
		    "allow-notify", cs, keyname ? keyname : "-", zc->name);
		return DNS_R_REFUSED;
	}
	has = notify_serial(m, zone_origin(z), &serial);
	if (reply_start(&w, cap, m, DNS_F_AA, ts) == -1 ||
	    dns_wmsg_finish(&w, &len) == -1)
		return DNS_R_SERVFAIL;
	send_resp(cl, len, cap, ts, DNS_R_NOERROR);
	if (has)
		log_info("notify %s key %s zone %s: serial %u", cs,
		    keyname ? keyname : "-", zc->name, serial);
	else
		log_info("notify %s key %s zone %s", cs,
		    keyname ? keyname : "-", zc->name);
	zone_notify(z, has, serial);
	return -1;
}

/*
 * Hand an UPDATE to its zone's engine.  Returns -1 when the engine took
 * it, else the rcode for a bare answer.
 */
static int
do_update(const struct client *cl, const struct dns_msg *m,
    const uint8_t *buf, size_t len, size_t cap, const char *keyname,
    const struct tsig_result *ts)
{
	struct dnsreq		 req;
	struct zone		*z;
	const struct zone_conf	*zc;
	size_t			 kl;

	if (m->count[DNS_SEC_ZONE] != 1 || !m->has_q ||
	    m->qtype != DNS_T_SOA)
		return DNS_R_FORMERR;
	if ((z = zone_find(m->qname)) == NULL)
		return DNS_R_NOTAUTH;
	zc = zone_conf(z);
	if (!name_equal(zone_origin(z), m->qname) || m->qclass != DNS_C_IN)
		return DNS_R_NOTAUTH;
	if (zone_is_secondary(z)) {
		char	cs[64];

		log_info("update %s key %s zone %s: REFUSED: the zone is a "
		    "secondary: change it on its primary",
		    listen_client_str(cl, cs, sizeof(cs)),
		    keyname ? keyname : "-", zc->name);
		return DNS_R_REFUSED;
	}
	if (!acl_match(&zc->allow_update,
	    (const struct sockaddr *)&cl->peer, keyname)) {
		char	cs[64];

		log_info("update %s key %s zone %s: REFUSED: not allowed by "
		    "allow-update", listen_client_str(cl, cs, sizeof(cs)),
		    keyname ? keyname : "-", zc->name);
		return DNS_R_REFUSED;
	}
	if (draining) {
		char	cs[64];

		log_info("update %s key %s zone %s: SERVFAIL: shutting down",
		    listen_client_str(cl, cs, sizeof(cs)),
		    keyname ? keyname : "-", zc->name);
		return DNS_R_SERVFAIL;
	}
	/* Each field set: the struct is large, and copied once more. */
	req.cl = *cl;
	req.hdr = *m;
	req.hdr.buf = NULL;
	req.hdr.len = 0;
	req.cap = cap;
	req.tsig = ts != NULL;
	req.keygen = keygen;
	if (ts != NULL)
		req.ts = *ts;
	else
		memset(&req.ts, 0, sizeof(req.ts));
	kl = keyname != NULL ? strlen(keyname) : 0;
	if (kl >= sizeof(req.key))
		kl = sizeof(req.key) - 1;
	memcpy(req.key, keyname != NULL ? keyname : "", kl);
	req.key[kl] = '\0';
	req.start = loop_now();
	upd_take(zone_upd(z), &req, buf, len);
	return -1;
}

void
serve_drain(void)
{
	draining = 1;
}

void
serve_answer(struct dnsreq *req, int rcode)
{
	enum tsig_alg	 alg;
	size_t		 len, room = req->cap;

	if (req->tsig) {
		replay_answer(req->ts.keyname, req->ts.algname, req->ts.mac,
		    req->ts.maclen, rcode);
		/* The key may have gone with a reload meanwhile. */
		if (req->keygen != keygen &&
		    (tsig_alg_from_name(req->ts.algname, &alg) == -1 ||
		    (req->ts.key = key_lookup(NULL, req->ts.keyname,
		    alg)) == NULL)) {
			log_warnx("answer to an UPDATE signed with key %s "
			    "cannot be signed: the key is gone", req->key);
			listen_done(&req->cl);
			return;
		}
		room -= tsig_space(&req->ts);
	}
	if (dns_msg_error(resp, room, &req->hdr, (uint16_t)rcode,
	    req->hdr.opt.present, &len) == -1) {
		listen_done(&req->cl);
		return;
	}
	send_resp(&req->cl, len, req->cap, req->tsig ? &req->ts : NULL,
	    rcode);
}

void
serve_forget(struct dnsreq *req)
{
	/* Not applied and not answered: its copies fail alike. */
	if (req->tsig)
		replay_answer(req->ts.keyname, req->ts.algname, req->ts.mac,
		    req->ts.maclen, DNS_R_SERVFAIL);
	listen_done(&req->cl);
}

/*
 * A signed UPDATE seen before (replay.h): answer as the first copy was,
 * or not at all while it is in progress.  Returns 1 when it is handled
 * here, 0 when it is new and goes on.
 */
static int
replayed(const struct client *cl, const struct dns_msg *m, size_t cap,
    const char *kn, struct tsig_result *ts)
{
	char	cs[64];
	int	rcode = DNS_R_SERVFAIL;

	switch (replay_check(ts->keyname, ts->algname, ts->mac, ts->maclen,
	    ts->timesigned, (uint64_t)time(NULL), &rcode)) {
	case REPLAY_NEW:
		return 0;
	case REPLAY_PENDING:
		log_debug("update %s key %s: a copy of an update in progress; "
		    "its answer serves both", listen_client_str(cl, cs,
		    sizeof(cs)), kn);
		listen_done(cl);
		return 1;
	case REPLAY_DONE:
		log_info("update %s key %s: %s again, as before: a copy of an "
		    "update already taken is not applied again",
		    listen_client_str(cl, cs, sizeof(cs)), kn,
		    dns_rcode_name(rcode));
		answer_rcode(cl, m, cap, rcode, ts);
		return 1;
	case REPLAY_STALE:
		log_info("update %s key %s: NOTAUTH (BADTIME): signed before "
		    "updates of this key that can no longer be told from "
		    "replays", listen_client_str(cl, cs, sizeof(cs)), kn);
		ts->rcode = TSIG_RCODE_NOTAUTH;
		ts->error = TSIG_BADTIME;
		answer_rcode(cl, m, cap, DNS_R_NOTAUTH, ts);
		return 1;
	}
	return 0;
}

void
serve_request(const struct client *cl, const uint8_t *buf, size_t len,
    void *arg)
{
	struct dns_msg		 m;
	struct tsig_result	 tres, *ts = NULL;
	char			 keyname[DNS_NAME_TEXTMAX];
	const char		*kn = NULL;
	size_t			 cap;
	int			 rv, rcode;

	(void)arg;
	rv = dns_msg_parse(&m, buf, len);
	if (rv == DNS_PARSE_SHORT || (len >= DNS_HDR_LEN &&
	    (buf[2] & 0x80))) {
		/* Too short for a header, or a response: never answered. */
		stats_dropped();
		listen_done(cl);
		return;
	}
	cap = cl->proto == CLIENT_UDP ? dns_msg_udp_max(&m) : DNS_MSG_MAX;
	if (rv != DNS_PARSE_OK) {
		log_req(cl, &m, DNS_R_FORMERR, NULL, "malformed");
		answer_rcode(cl, &m, cap, DNS_R_FORMERR, NULL);
		return;
	}
	if (m.opt.present && m.opt.version != 0) {
		log_req(cl, &m, DNS_R_BADVERS, NULL, NULL);
		answer_rcode(cl, &m, cap, DNS_R_BADVERS, NULL);
		return;
	}
	if (m.has_tsig) {
		tsig_verify(&tres, buf, len, m.tsig_off, key_lookup, NULL,
		    time(NULL));
		if (tres.rcode == TSIG_RCODE_FORMERR) {
			log_req(cl, &m, DNS_R_FORMERR, NULL, "malformed TSIG");
			answer_rcode(cl, &m, cap, DNS_R_FORMERR, NULL);
			return;
		}
		ts = &tres;
		if (tres.rcode != TSIG_RCODE_NOERROR) {
			static const char *why[] = { [TSIG_BADSIG] = "BADSIG",
			    [TSIG_BADKEY] = "BADKEY", [TSIG_BADTIME] =
			    "BADTIME", [TSIG_BADTRUNC] = "BADTRUNC" };
			const char *w = (tres.error >= 0 && tres.error <=
			    TSIG_BADTRUNC) ? why[tres.error] : NULL;

			/* The key the client named, known or not. */
			kn = key_name_text(tres.keyname, keyname);
			log_req(cl, &m, DNS_R_NOTAUTH, kn, w ? w : "TSIG");
			answer_rcode(cl, &m, cap, DNS_R_NOTAUTH, ts);
			return;
		}
		/* Made when the keys were set: the same text as ever. */
		kn = keytext[tres.key - keys];
		if (kn == NULL)
			kn = key_name_text(tres.keyname, keyname);
	}
	switch (m.opcode) {
	case DNS_OP_QUERY:
		rcode = do_query(cl, &m, cap, kn, ts, buf, len);
		break;
	case DNS_OP_UPDATE:
		if (ts != NULL && replayed(cl, &m, cap, kn, ts))
			return;
		rcode = do_update(cl, &m, buf, len, cap, kn, ts);
		if (rcode != -1 && ts != NULL)
			replay_answer(ts->keyname, ts->algname, ts->mac,
			    ts->maclen, rcode);
		break;
	case DNS_OP_NOTIFY:
		rcode = do_notify(cl, &m, cap, kn, ts);
		break;
	default:
		rcode = DNS_R_NOTIMP;
		break;
	}
	if (rcode == -1)
		return;
	log_req(cl, &m, rcode, kn, NULL);
	answer_rcode(cl, &m, cap, rcode, ts);
}
