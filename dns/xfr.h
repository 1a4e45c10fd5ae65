/*
 * dns/xfr.h: the client side of zone transfers, without I/O: the SOA,
 * AXFR (RFC 5936) and IXFR (RFC 1995) requests a secondary sends, the
 * reader of an SOA answer, and a streaming parser of the answer to a
 * transfer request that reports what it finds to a caller's sink.
 *
 * The parser is fed the response messages of one transfer one at a time,
 * as the TCP framing delivers them, and never holds the transfer: only
 * its state, the first SOA of an IXFR answer and one decompressed RDATA.
 * It does no I/O, reads no clock (the time is passed in for TSIG), logs
 * nothing and allocates nothing.
 *
 * Ownership.  The caller owns the struct xfr (about 67 kilobytes: the
 * RDATA buffer is RDATA_MAX bytes), every message buffer, the sink and
 * the tsig_stream.  A message buffer need only live during the
 * xfr_feed() call that reads it; the struct xfr_rr passed to the sink
 * points into it and into the struct xfr, and is valid only during that
 * callback.  The origin is copied at xfr_init().  A NULL sink hears
 * nothing.
 *
 * Legal order:
 *
 *	xfr_query(buf, ...)			the request; sign it with
 *						tsig_sign_request() and keep
 *						the MAC, or send it unsigned
 *	tsig_stream_init(&ts, key, mac, maclen)	when signed
 *	xfr_init(&x, origin, qtype, serial, id, &ts or NULL, limits)
 *	for each response message received:
 *		switch (xfr_feed(&x, msg, len, now, &sink, arg)):
 *		XFR_MORE:	read the next message
 *		XFR_DONE:	the transfer is complete; stop reading
 *		XFR_ERR:	x.error says why; the transfer failed
 *	if the connection ends (or the caller gives up) before XFR_DONE:
 *		xfr_eof(&x)			says why, in x.error
 *	tsig_stream_wipe(&ts)
 *
 * After XFR_DONE or XFR_ERR, xfr_feed() reports nothing more: it returns
 * XFR_ERR (a message after the end is XFR_E_TRAILING).
 *
 * What the sink hears.  Every callback may be NULL (ignored) and returns
 * 0 to go on or -1 to stop the transfer (XFR_ERR, XFR_E_SINK).
 *
 *   AXFR, and an IXFR answered with the whole zone (RFC 1995 4):
 *	axfr_begin(N)  axfr_rr(SOA N)  axfr_rr(rr) ...  axfr_end(N)
 *   every RR of the zone once, the opening SOA included, the closing SOA
 *   not.  axfr_end comes only with XFR_DONE.
 *
 *   IXFR, incremental (RFC 1995 4): one group per difference sequence,
 *	diff_begin(from)  diff_del(SOA from)  diff_del(rr) ...
 *	diff_add(SOA to)  diff_add(rr) ...  diff_end(to)  [commit(to)]
 *   from is the client's serial for the first sequence and the previous
 *   sequence's to for the others; the last one ends at the server's
 *   serial N.  Condensed and uncondensed answers are read alike.
 *
 *   IXFR, up to date: uptodate(N), when the first message holds only the
 *   server's SOA and N is not greater than the client's serial.  A lone
 *   newer SOA may be followed by more messages; if none comes, xfr_eof()
 *   says XFR_E_NEWER (ask with AXFR instead).
 *
 * Applying.  Nothing of a sequence may be applied before its commit,
 * nor anything of a zone before axfr_end.  commit(s) says that every
 * sequence ended so far, up to the one ending at serial s, is complete
 * and authentic.  Without TSIG it follows each diff_end at once.  With
 * TSIG every message is verified before anything in it is reported, but
 * an unsigned message is only provisionally good until the next signed
 * one verifies (RFC 8945 5.3.1): a sequence that ends in an unsigned
 * message is committed when the next signed message has verified,
 * before anything of that message is reported.  axfr_end, uptodate and
 * the last diff_end (with its commit) come only at XFR_DONE, after
 * tsig_stream_end() found the last message signed.  A transfer that
 * fails or stops early simply never commits what it reported since the
 * last commit: the caller drops it.
 *
 * The rules checked are listed in xfr.c.
 */
#ifndef R53D_DNS_XFR_H
#define R53D_DNS_XFR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dns/rdata.h"
#include "dns/tsig.h"
#include "dns/wire.h"

/* xfr_feed() and xfr_eof() results. */
#define XFR_MORE	0
#define XFR_DONE	1
#define XFR_ERR		(-1)

/* Why a transfer or an SOA answer was refused; xfr_strerror() names it. */
enum xfr_error {
	XFR_E_NONE = 0,
	XFR_E_MALFORMED,	/* message or RDATA malformed, meta type */
	XFR_E_ID,		/* ID is not the request's */
	XFR_E_NOTRESP,		/* QR clear or opcode not QUERY */
	XFR_E_TC,		/* TC set */
	XFR_E_RCODE,		/* first (or only) message: rcode in x->rcode */
	XFR_E_ABORTED,		/* later message: rcode in x->rcode */
	XFR_E_QUESTION,		/* not the question asked */
	XFR_E_NOTAUTH,		/* SOA answer without AA */
	XFR_E_CLASS,		/* data RR of a class other than IN */
	XFR_E_OUTZONE,		/* data RR outside the zone */
	XFR_E_NOSOA,		/* first RR (or answer) lacks the zone's SOA */
	XFR_E_BADSOA,		/* SOA RR away from the zone apex */
	XFR_E_SERIAL,		/* SOA serials out of order */
	XFR_E_TRAILING,		/* data or message after the end */
	XFR_E_NEWER,		/* IXFR: lone SOA newer than ours; use AXFR */
	XFR_E_INCOMPLETE,	/* xfr_eof() before the end */
	XFR_E_TSIG,		/* TSIG failure: x->tsig_error says which */
	XFR_E_SINK,		/* a sink callback returned -1 */
	XFR_E_MAXRRS,		/* over xfr_limits.max_rrs */
	XFR_E_MAXBYTES,		/* over xfr_limits.max_bytes */
	XFR_E_MAXMSGS		/* over xfr_limits.max_msgs */
};

/*
 * Limits of one transfer; exceeding one is XFR_ERR with its own error.
 * A field of 0, or a NULL struct, means the default below.
 */
struct xfr_limits {
	size_t		 max_rrs;	/* answer RRs, all messages */
	size_t		 max_bytes;	/* message bytes, framing excluded */
	size_t		 max_msgs;	/* messages */
};
#define XFR_DEF_MAX_RRS		1000000
#define XFR_DEF_MAX_BYTES	((size_t)256 * 1024 * 1024)
#define XFR_DEF_MAX_MSGS	100000

/*
 * One RR as the sink sees it.  owner is in uncompressed wire form with
 * its letter case as received; rdata is uncompressed and was checked for
 * its type (rdata_read()).  Both point into the message or the parser and
 * are valid only during the callback.
 */
struct xfr_rr {
	const uint8_t	*owner;
	size_t		 owner_len;
	uint16_t	 type;
	uint16_t	 class;		/* always DNS_C_IN */
	uint32_t	 ttl;
	const uint8_t	*rdata;
	uint16_t	 rdlen;
};

/* Callbacks: see the top of this file.  0 goes on, -1 stops. */
struct xfr_sink {
	int	(*axfr_begin)(void *arg, uint32_t serial);
	int	(*axfr_rr)(void *arg, const struct xfr_rr *rr);
	int	(*axfr_end)(void *arg, uint32_t serial);
	int	(*diff_begin)(void *arg, uint32_t from);
	int	(*diff_del)(void *arg, const struct xfr_rr *rr);
	int	(*diff_add)(void *arg, const struct xfr_rr *rr);
	int	(*diff_end)(void *arg, uint32_t to);
	int	(*commit)(void *arg, uint32_t to);
	int	(*uptodate)(void *arg, uint32_t serial);
};

/*
 * Parser state, owned by the caller; read error, rcode and tsig_error
 * after XFR_ERR, the counters at any time; the rest is private.
 */
struct xfr {
	/* What was asked. */
	uint8_t			 origin[DNS_NAME_MAX];
	uint16_t		 qtype;		/* DNS_T_AXFR or DNS_T_IXFR */
	uint16_t		 id;
	uint32_t		 client_serial;	/* IXFR */
	struct tsig_stream	*ts;		/* NULL: unsigned */
	struct xfr_limits	 lim;

	/* Progress. */
	int			 state;
	int			 end;		/* which end state reports */
	size_t			 nmsgs, nbytes, nrrs;
	uint32_t		 serial;	/* the server's, N */
	uint32_t		 from, to;	/* current sequence */
	int			 pending;	/* a diff_end awaits commit */
	uint32_t		 pending_to;

	/* Outcome. */
	enum xfr_error		 error;
	uint16_t		 rcode;		/* XFR_E_RCODE, XFR_E_ABORTED */
	int			 tsig_error;	/* XFR_E_TSIG: ts->error */

	/* IXFR: the first SOA, kept until the second RR tells the form. */
	uint8_t			 soa_owner[DNS_NAME_MAX];
	size_t			 soa_owner_len;
	uint32_t		 soa_ttl;
	uint16_t		 soa_rdlen;
	uint8_t			 soa_rd[2 * DNS_NAME_MAX + 20];

	uint8_t			 rd[RDATA_MAX];	/* the current RDATA */
};

/*
 * Start parsing the answer to a transfer request.  origin is the zone
 * (wire form); qtype DNS_T_AXFR or DNS_T_IXFR; client_serial the serial
 * sent in an IXFR request (ignored for AXFR); id the request's ID; ts a
 * stream initialised with the request's MAC (tsig_stream_init()), or
 * NULL for an unsigned request; lim NULL for the defaults.  Returns 0,
 * or -1 if origin is malformed or qtype is another type.
 */
int		 xfr_init(struct xfr *x, const uint8_t *origin, uint16_t qtype,
		    uint32_t client_serial, uint16_t id,
		    struct tsig_stream *ts, const struct xfr_limits *lim);
/*
 * Feed one response message msg[0, len) (without its TCP length
 * prefix); now is the wall-clock time for TSIG.  Returns XFR_MORE,
 * XFR_DONE or XFR_ERR as described at the top of this file.
 */
int		 xfr_feed(struct xfr *x, const uint8_t *msg, size_t len,
		    time_t now, const struct xfr_sink *s, void *arg);
/*
 * The server closed the connection, or the caller gives up, before
 * XFR_DONE.  Returns XFR_DONE if the transfer had completed, else
 * XFR_ERR with x->error: the error already found, XFR_E_NEWER if all
 * that came is the server's SOA with a serial greater than the
 * client's (RFC 1995 4 answers so over UDP only; ask with AXFR), or
 * XFR_E_INCOMPLETE.  Reports nothing to any sink.
 */
int		 xfr_eof(struct xfr *x);
/* A short static text for the log, e.g. "SOA serials out of order". */
const char	*xfr_strerror(enum xfr_error);

/*
 * Build a request for zone origin into buf (cap bytes) with the given
 * ID, opcode QUERY and no flags, leaving reserve bytes free at the end
 * for the TSIG RR (tsig_key_space() of the key, or 0 for unsigned):
 *   DNS_T_SOA	the SOA query of a refresh (RFC 1034 4.3.5);
 *   DNS_T_AXFR	a full transfer (RFC 5936 2.1);
 *   DNS_T_IXFR	an incremental one, with the client's SOA in the
 *		authority section (RFC 1995 3): soa[0, soalen) is its
 *		uncompressed RDATA, whose serial is what the server reads;
 *		its TTL is written as 0.
 * soa is ignored for the other types.  *lenp gets the length; sign with
 * tsig_sign_request(key, buf, *lenp, cap, ...).  Returns 0, or -1 if it
 * does not fit, origin or soa is malformed, or qtype is another type.
 */
int		 xfr_query(uint8_t *buf, size_t cap, size_t reserve,
		    const uint8_t *origin, uint16_t qtype, uint16_t id,
		    const uint8_t *soa, size_t soalen, size_t *lenp);

/* What an SOA answer says (RFC 1035 3.3.13). */
struct xfr_soa {
	uint32_t	 serial;
	uint32_t	 refresh;
	uint32_t	 retry;
	uint32_t	 expire;
	uint32_t	 minimum;
	uint32_t	 ttl;
};

/*
 * Read the answer to an SOA query for origin sent with ID id.  With ts
 * (initialised with the request's MAC) the answer must be signed and
 * verify; ts is then finished (tsig_stream_end()).  Checks, in order:
 * the message parses (XFR_E_MALFORMED), the ID (XFR_E_ID), QR and
 * opcode (XFR_E_NOTRESP), TC (XFR_E_TC: ask again over TCP; nothing
 * else is checked and ts has not seen the message), TSIG (XFR_E_TSIG,
 * ts->error says why), the rcode (XFR_E_RCODE, *rcode set when rcode
 * is not NULL), the question (none, or the one asked: XFR_E_QUESTION),
 * AA (XFR_E_NOTAUTH), and an SOA RR of class IN owned by origin in the
 * answer section (XFR_E_NOSOA; XFR_E_MALFORMED if its RDATA is bad).
 * Returns XFR_E_NONE with *soa filled, or the error.
 */
enum xfr_error	 xfr_soa_answer(const uint8_t *msg, size_t len,
		    const uint8_t *origin, uint16_t id,
		    struct tsig_stream *ts, time_t now, struct xfr_soa *soa,
		    uint16_t *rcode);

#endif
