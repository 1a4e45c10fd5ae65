/*
 * sigv4.h: AWS Signature Version 4 (AWS4-HMAC-SHA256) as a pure function.
 *
 * The signer follows botocore's SigV4Auth, which is what Route 53 clients
 * use, and is checked against the AWS SigV4 test suite and against
 * botocore itself (tests/unit/t_sigv4.c, tests/sigv4_botocore.py):
 *
 *   canonical request =
 *	METHOD "\n"			upper-cased
 *	canonical URI "\n"		see sigv4_canonical_uri()
 *	canonical query "\n"		see sigv4_canonical_query()
 *	canonical headers "\n"		"name:value\n" for each signed header
 *	signed headers "\n"		"host;x-amz-date;..."
 *	hex(SHA-256(body))
 *   string to sign =
 *	"AWS4-HMAC-SHA256\n" X-Amz-Date "\n" scope "\n" hex(SHA-256(creq))
 *   scope = YYYYMMDD "/" region "/" service "/aws4_request"
 *   signing key = HMAC chain over "AWS4" secret, date, region, service,
 *	"aws4_request"; signature = hex(HMAC(signing key, string to sign)).
 *
 * Headers.  The caller lists the headers it will send, Host included (it
 * is required: the signer does not invent one).  Names are compared and
 * written in lower case; values are trimmed and runs of white space
 * (space, tab, CR, LF, VT, FF) collapse to one space; several headers
 * with the same name are joined with "," in the order given.  These are
 * never signed: Authorization, and botocore's skip list (connection,
 * expect, keep-alive, proxy-authenticate, proxy-authorization, te,
 * trailer, transfer-encoding, upgrade, user-agent, x-amzn-trace-id).
 *
 * Date and session token.  The signer adds two headers itself and the
 * caller must send them exactly as returned:
 *   - "X-Amz-Date: <amzdate>" (always; any X-Amz-Date the caller lists is
 *     ignored and replaced), and
 *   - "X-Amz-Security-Token: <creds->session_token>" when the credentials
 *     carry a session token (any X-Amz-Security-Token the caller lists is
 *     then ignored and replaced).  The token is signed, as botocore does.
 * No X-Amz-Content-SHA256 header is added; Route 53 does not need one.
 * Do not send a Date header: it would be signed as an ordinary header.
 *
 * Path and query.  The path is given raw (not %-encoded).  Query
 * parameters are given raw as key/value pairs; the canonical form
 * encodes them and sorts them.  The client should put
 * sigv4_canonical_uri() and sigv4_canonical_query() on its request line
 * so that what is sent and what is signed cannot differ.
 *
 * Limits: at most SIGV4_MAX_HEADERS headers, SIGV4_MAX_PARAMS parameters,
 * SIGV4_MAX_SEGMENTS path segments, a secret of at most SIGV4_MAX_SECRET
 * bytes, region and service of at most SIGV4_MAX_SCOPE bytes each.
 *
 * Nothing here allocates or does I/O.  The only state is a cache of one
 * signing key: sigv4_sign() keeps the key it derived from the secret,
 * the date, the region and the service, together with copies of those
 * (secret material, in static memory), and reuses it while all four stay
 * the same, which saves four of the five HMACs.  The signature does not
 * depend on the cache; sigv4_forget() erases it.  Not for concurrent use
 * from several threads.  Every output goes to
 * a caller buffer of stated capacity and is NUL-terminated.  Functions
 * that return int return the length written (without the NUL) or -1 when
 * an input is invalid or the output does not fit; on -1 the buffer
 * contents are unspecified.  Key material on the stack is wiped before
 * return.
 */
#ifndef R53D_AWS_SIGV4_H
#define R53D_AWS_SIGV4_H

#include <stddef.h>
#include <time.h>

#define SIGV4_MAX_HEADERS	32
#define SIGV4_MAX_PARAMS	16
#define SIGV4_MAX_SEGMENTS	32
#define SIGV4_MAX_SECRET	128
#define SIGV4_MAX_SCOPE		64
#define SIGV4_DATE_SIZE		17	/* "YYYYMMDDTHHMMSSZ" + NUL */
/* String to sign: fixed parts plus a 64-character hash. */
#define SIGV4_STS_SIZE		(17 + 17 + 10 + 2 * SIGV4_MAX_SCOPE + 14 + 65)

/* One header; name and value are NUL-terminated and owned by the caller. */
struct sigv4_header {
	const char	*name;
	const char	*value;
};

/* One raw (unencoded) query parameter; value NULL is the same as "". */
struct sigv4_param {
	const char	*key;
	const char	*value;
};

struct sigv4_creds {
	const char	*access_key_id;	/* e.g. "AKIDEXAMPLE" */
	const char	*secret_key;
	const char	*session_token;	/* NULL or "" when there is none */
};

/* Everything that is signed.  All pointers are borrowed for the call. */
struct sigv4_request {
	const char			*method;	/* "GET", "POST" */
	const char			*path;		/* raw, e.g. "/2013-04-01/change/C1" */
	const struct sigv4_param	*params;
	size_t				 nparams;
	const struct sigv4_header	*headers;	/* must include Host */
	size_t				 nheaders;
	const void			*body;		/* may be NULL if bodylen == 0 */
	size_t				 bodylen;
	const char			*region;	/* "us-east-1" */
	const char			*service;	/* "route53" */
	time_t				 when;		/* wall clock, UTC */
};

/*
 * Format t as the X-Amz-Date value "YYYYMMDDTHHMMSSZ" into out.
 * Returns 0, or -1 if t is outside the years 1970-9999.
 */
int	sigv4_amzdate(time_t t, char out[SIGV4_DATE_SIZE]);

/*
 * Canonical URI of a raw path: dot segments and empty segments are
 * removed (a trailing slash is kept), then every byte outside
 * A-Z a-z 0-9 - _ . ~ / is written as %XX (upper-case hex).  An empty
 * path becomes "/".
 */
int	sigv4_canonical_uri(const char *path, char *buf, size_t cap);

/*
 * Canonical query string: "k=v" pairs joined by "&", keys and values
 * encoded with only A-Z a-z 0-9 - _ . ~ left bare, sorted by encoded key
 * and then encoded value.  No parameters give "".
 */
int	sigv4_canonical_query(const struct sigv4_param *params, size_t n,
	    char *buf, size_t cap);

/* The canonical request, as defined above (for tests and debugging). */
int	sigv4_canonical_request(const struct sigv4_request *req,
	    const struct sigv4_creds *creds, char *buf, size_t cap);

/* The string to sign (for tests and debugging). */
int	sigv4_string_to_sign(const struct sigv4_request *req,
	    const struct sigv4_creds *creds, char *buf, size_t cap);

/*
 * Sign req.  amzdate receives the X-Amz-Date value and authz the whole
 * Authorization header value ("AWS4-HMAC-SHA256 Credential=...,
 * SignedHeaders=..., Signature=...").  The canonical request is hashed
 * as it is produced and never stored, so no scratch space is needed.
 * Returns the length of authz, or -1.
 */
int	sigv4_sign(const struct sigv4_request *req,
	    const struct sigv4_creds *creds, char amzdate[SIGV4_DATE_SIZE],
	    char *authz, size_t authzcap);

/*
 * Erase the signing key sigv4_sign() keeps (see above), e.g. when the
 * credentials are dropped.  Signing afterwards derives it again.
 */
void	sigv4_forget(void);

#endif
