/*
 * dns/tsig.h: transaction signatures (TSIG, RFC 8945) with HMAC-MD5,
 * HMAC-SHA1, HMAC-SHA224, HMAC-SHA256, HMAC-SHA384 and HMAC-SHA512.
 *
 * Everything works on raw message bytes: the caller (the message parser)
 * finds the TSIG RR, which must be the last RR of the message, and passes
 * its offset.  This module parses that RR itself with the wire cursor and
 * never reads outside [msg, msg + len).  Nothing here allocates, logs or
 * reads the clock: the wall-clock time is passed in as time_t.
 *
 * Ownership.  The caller owns every buffer and every context.  Keys are
 * owned by the configuration; a struct tsig_result or tsig_stream keeps a
 * pointer to one and must not outlive it.  Results copy everything else
 * they need from the message (names, request MAC), so the request buffer
 * may be reused as soon as tsig_verify() returns.
 *
 * Server side: one request, one response.
 *
 *	tsig_verify(&res, msg, len, tsigoff, lookup, arg, now);
 *	switch (res.rcode):
 *	TSIG_RCODE_NOERROR:	process the request; build the response
 *				(keeping tsig_space(&res) bytes free); then
 *				tsig_sign_response(&res, ...).
 *	TSIG_RCODE_NOTAUTH:	build an error response with header RCODE
 *				NOTAUTH (9) and nothing else processed, then
 *				tsig_sign_response(&res, ...), which writes
 *				  BADKEY, BADSIG: an unsigned TSIG RR (MAC size
 *				    0) carrying the error, as RFC 8945 5.3.2;
 *				  BADTIME: a signed TSIG RR whose Time Signed
 *				    is the request's and whose Other Data is
 *				    the server's time (6 octets, 48 bits);
 *				  BADTRUNC: a signed TSIG RR with the error.
 *	TSIG_RCODE_FORMERR:	answer FORMERR without any TSIG RR;
 *				tsig_sign_response() refuses this result.
 *
 * The response header (ID, flags, RCODE, counts) must be final before
 * tsig_sign_response() is called: the MAC covers it.  Only ARCOUNT is
 * changed afterwards, by the call itself.  Call it exactly once per
 * response.
 *
 * Verification order is RFC 8945 section 5.2: parse (FORMERR), key and
 * algorithm (BADKEY), MAC size (FORMERR, 5.2.2.1), MAC (BADSIG), time
 * (BADTIME, only once the MAC is good), then the key's truncation policy
 * (BADTRUNC).  Time Signed values are not cached here, so a request
 * replayed within its fudge window verifies again; the daemon keeps the
 * MACs it took (replay.h) as the guard against replay.
 *
 * Client side and zone transfers (RFC 8945 5.3.1): a struct tsig_stream.
 *
 *	tsig_sign_request(key, ...)		(keep the MAC it returns)
 *	tsig_stream_init(&st, key, reqmac, reqmaclen);
 *	for each response message received:
 *		tsig_stream_verify(&st, msg, len, tsigoff or TSIG_NONE, now);
 *	tsig_stream_end(&st);	(the last message must have been signed)
 *	tsig_stream_wipe(&st);
 *
 * and, to send a signed multi-message answer to a signed request:
 *
 *	tsig_stream_init(&st, res.key, res.mac, res.maclen);
 *	for each message built: tsig_stream_sign(&st, buf, ..., sign, now);
 *	tsig_stream_end(&st); tsig_stream_wipe(&st);
 *
 * The first message of a stream must be signed and its MAC covers the
 * request MAC and all TSIG variables.  Each later signed message covers
 * the previous MAC (with its 2-octet length), every unsigned message
 * since, itself, and the timers (Time Signed, Fudge) only.  At most
 * TSIG_UNSIGNED_MAX unsigned messages may follow each other; one more
 * fails the stream.  A stream that failed stays failed.
 */
#ifndef R53D_DNS_TSIG_H
#define R53D_DNS_TSIG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Debian's BearSSL headers test an undefined macro under -Wundef. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wundef"
#include <bearssl.h>
#pragma GCC diagnostic pop

#include "dns/wire.h"
#include "dns/tsigalg.h"

#define TSIG_TYPE		250	/* RR type */
#define TSIG_CLASS_ANY		255
#define TSIG_MAC_MAX		64	/* HMAC-SHA512 */
#define TSIG_MAC_MIN		10	/* RFC 8945 5.2.2.1 */
/*
 * Secrets up to 256 octets: HMAC hashes longer keys down to the block
 * size (64 or 128 octets) anyway, and tsig-keygen makes keys the size of
 * the digest.  Longer secrets are refused by tsig_key_init().
 */
#define TSIG_SECRET_MAX		256
#define TSIG_FUDGE		300	/* seconds, in everything we sign */
#define TSIG_UNSIGNED_MAX	99	/* unsigned messages in a row */
#define TSIG_NONE		0	/* "no TSIG RR" for tsig_stream_* */
/*
 * Largest TSIG RR: owner and algorithm names of 255 octets, 10 octets
 * of type, class, TTL and RDLENGTH, 16 fixed RDATA octets, a 64-octet
 * MAC and 6 octets of Other Data.
 */
#define TSIG_RR_MAX		(DNS_NAME_MAX * 2 + 10 + 16 + TSIG_MAC_MAX + 6)

/* RCODEs tsig_verify() asks for in the response header. */
#define TSIG_RCODE_NOERROR	0
#define TSIG_RCODE_FORMERR	1
#define TSIG_RCODE_NOTAUTH	9

/* TSIG RR Error field values (RFC 8945 section 3). */
#define TSIG_NOERROR		0
#define TSIG_BADSIG		16
#define TSIG_BADKEY		17
#define TSIG_BADTIME		18
#define TSIG_BADTRUNC		22
/* Not on the wire: tsig_stream_verify()'s verdicts beyond those above. */
#define TSIG_E_FORMERR		1	/* malformed TSIG RR or MAC size */
#define TSIG_E_UNSIGNED		(-1)	/* unsigned where a TSIG is required */
#define TSIG_E_PEER		(-2)	/* peer sent a nonzero error: see
					   peer_error */

/*
 * A shared secret.  name is the key name in uncompressed wire form,
 * lowercased.  trunc is the MAC length in octets used when signing and
 * the shortest MAC accepted when verifying; 0 means: sign with the full
 * digest and accept any MAC length within RFC 8945 5.2.2.1, as BIND
 * does for keys without a truncation policy.  Fill with tsig_key_init(); erase with
 * tsig_key_wipe().
 */
struct tsig_key {
	uint8_t		 name[DNS_NAME_MAX];
	enum tsig_alg	 alg;
	size_t		 secretlen;
	uint8_t		 secret[TSIG_SECRET_MAX];
	size_t		 trunc;
	/* The secret as HMAC key, prepared once: secret material too. */
	br_hmac_key_context kc;
};

/*
 * Finds the key for a request: return the key whose name equals name
 * (wire form, lowercased) and whose algorithm is alg, or NULL.  The key
 * must stay valid while the result that points to it is in use.
 */
typedef const struct tsig_key *(*tsig_lookup_fn)(void *arg,
    const uint8_t *name, enum tsig_alg alg);

/*
 * What tsig_verify() found.  rcode is the RCODE to answer with; error is
 * the TSIG error to put in the response's TSIG RR.  Unless rcode is
 * FORMERR, keyname and algname are the request's (lowercased wire form),
 * mac/maclen its MAC exactly as received (possibly truncated, as RFC
 * 8945 5.2.2.1 wants it for the response), origid, timesigned and fudge
 * its fields.  key is set when a key was found (NOERROR, BADSIG,
 * BADTIME, BADTRUNC), NULL otherwise.
 */
struct tsig_result {
	int			 rcode;
	int			 error;
	const struct tsig_key	*key;
	uint8_t			 keyname[DNS_NAME_MAX];
	uint8_t			 algname[DNS_NAME_MAX];
	uint8_t			 mac[TSIG_MAC_MAX];
	size_t			 maclen;
	uint16_t		 origid;
	uint16_t		 fudge;
	uint64_t		 timesigned;
};

/*
 * Multi-message state.  Owned and allocated by the caller, opaque.
 * Invariant: while ok, hc holds the HMAC of everything the next signed
 * message's MAC must cover before the message itself: nothing yet
 * (first), or the previous MAC and all unsigned messages since.
 */
struct tsig_stream {
	const struct tsig_key	*key;
	br_hmac_key_context	 kc;
	br_hmac_context		 hc;
	uint8_t			 reqmac[TSIG_MAC_MAX];
	size_t			 reqmaclen;
	int			 nsigned;	/* signed messages so far */
	int			 nunsigned;	/* unsigned ones in a row */
	int			 failed;
	int			 error;		/* why it failed: TSIG_* */
	int			 peer_error;	/* error field received */
};

/* Algorithms. */
/* From a wire name (case-insensitive); -1 if unknown. */
int		 tsig_alg_from_name(const uint8_t *, enum tsig_alg *);
/*
 * From text, case-insensitive, with or without the trailing dot: the
 * wire names ("hmac-sha256", "hmac-md5.sig-alg.reg.int") and "hmac-md5".
 * -1 if unknown.
 */
int		 tsig_alg_from_text(const char *, enum tsig_alg *);
const uint8_t	*tsig_alg_name(enum tsig_alg);	/* wire form */
const char	*tsig_alg_text(enum tsig_alg);	/* "hmac-sha256" */
size_t		 tsig_alg_size(enum tsig_alg);	/* digest octets */

/*
 * Fill a key.  name is a wire name (it is lowercased in the copy).
 * Returns -1 if the name is malformed, the secret is empty or longer
 * than TSIG_SECRET_MAX, or trunc is neither 0 nor within
 * [max(10, digest / 2), digest] octets.
 */
int		 tsig_key_init(struct tsig_key *, const uint8_t *name,
		    enum tsig_alg, const uint8_t *secret, size_t secretlen,
		    size_t trunc);
void		 tsig_key_wipe(struct tsig_key *);

/*
 * Verify a request.  tsigoff is the offset of the TSIG RR, which must end
 * exactly at len.  Always fills *res (see struct tsig_result) and
 * returns 0 when res->rcode is NOERROR, -1 otherwise.
 */
int		 tsig_verify(struct tsig_result *, const uint8_t *msg,
		    size_t len, size_t tsigoff, tsig_lookup_fn, void *arg,
		    time_t now);

/*
 * Octets tsig_sign_response() will append for this result: reserve them
 * before filling the response.  0 for a FORMERR result.
 */
size_t		 tsig_space(const struct tsig_result *);
/* Octets a request or stream message signed with this key needs. */
size_t		 tsig_key_space(const struct tsig_key *);

/*
 * Append the response TSIG RR to the message in buf[0, len), whose
 * capacity is cap, as described above, and increment ARCOUNT.  Stores the
 * new length in *outlen.  Returns -1, leaving buf[0, len) untouched, if
 * it does not fit, len < 12, or res is a FORMERR result.
 */
int		 tsig_sign_response(const struct tsig_result *, uint8_t *buf,
		    size_t len, size_t cap, size_t *outlen, time_t now);

/*
 * Sign a request (query, UPDATE, NOTIFY) in buf[0, len) with key, time
 * now, fudge TSIG_FUDGE: append the TSIG RR, increment ARCOUNT, store the
 * new length in *outlen and the MAC in mac[TSIG_MAC_MAX] (*maclen octets)
 * for tsig_stream_init().  Returns -1 if it does not fit or len < 12.
 */
int		 tsig_sign_request(const struct tsig_key *, uint8_t *buf,
		    size_t len, size_t cap, size_t *outlen, time_t now,
		    uint8_t *mac, size_t *maclen);

/*
 * Start a stream for the answers to a request signed with reqmac
 * (maclen 0: none, as for an unsigned request).  key must be non-NULL.
 */
void		 tsig_stream_init(struct tsig_stream *,
		    const struct tsig_key *key, const uint8_t *reqmac,
		    size_t reqmaclen);
/*
 * Account for one received message: tsigoff is its TSIG RR's offset or
 * TSIG_NONE.  Returns 0 if the message is acceptable so far, -1 if the
 * stream failed (st->error says why: TSIG_E_FORMERR, TSIG_BADKEY when the
 * RR names another key or algorithm, TSIG_BADSIG, TSIG_BADTIME,
 * TSIG_BADTRUNC, TSIG_E_UNSIGNED, or TSIG_E_PEER when the peer answered
 * with a TSIG error, which is then in st->peer_error).  A signed error
 * (BADTIME, BADTRUNC) gives TSIG_E_PEER only if its MAC is good, so
 * the Other Data of a BADTIME answer can be trusted then; an unsigned
 * one (BADKEY, BADSIG) gives TSIG_E_PEER unauthenticated.
 * An accepted unsigned message is only provisionally good: its content
 * is authenticated by the next signed message.
 */
int		 tsig_stream_verify(struct tsig_stream *, const uint8_t *msg,
		    size_t len, size_t tsigoff, time_t now);
/*
 * Account for one message to send in buf[0, len): if sign, append a TSIG
 * RR (error NOERROR, time now) and increment ARCOUNT; otherwise leave it
 * unsigned.  Stores the length to send in *outlen.  Returns -1 if it does
 * not fit, if an unsigned message is not allowed here (the first, or the
 * 100th in a row), or if the stream had failed.
 */
int		 tsig_stream_sign(struct tsig_stream *, uint8_t *buf,
		    size_t len, size_t cap, size_t *outlen, int sign,
		    time_t now);
/*
 * At the end of a transfer: 0 if the stream never failed and its last
 * message was signed, -1 otherwise (st->error is then set).
 */
int		 tsig_stream_end(struct tsig_stream *);
/* Erase the HMAC state; the stream must be initialised again to reuse. */
void		 tsig_stream_wipe(struct tsig_stream *);

#endif
