/*
 * tls.h: BearSSL glue for HTTP connections.
 *
 * Trust anchors are loaded once from a PEM bundle at start-up (or on
 * reload) into a struct http_tls_anchors that owns all their memory and
 * must outlive every connection that uses it.
 *
 * A struct http_tls is one connection's TLS client: a BearSSL client
 * context, its X.509 validator and one BR_SSL_BUFSIZE_BIDI I/O buffer
 * (allocated by http_tls_init, the only allocation).  The engine never
 * touches a socket itself: http_tls_pump() moves records between the
 * engine and a non-blocking socket and returns as soon as the socket
 * would block.  Legal call order:
 *
 *	http_tls_init			once
 *	  http_tls_reset		for each new TCP connection
 *	    http_tls_events/pump	until http_tls_ready() or failure
 *	    http_tls_write/flush/read, http_tls_events/pump
 *	http_tls_free			once
 *
 * TLS 1.2 only (BearSSL's full client profile: ECDHE with AES-GCM,
 * ChaCha20-Poly1305, AES-CBC), SNI and host name verification with the
 * name given to http_tls_reset().
 */
#ifndef R53D_HTTP_TLS_H
#define R53D_HTTP_TLS_H

#include <stddef.h>
#include <time.h>

/* Debian's BearSSL headers test an undefined macro under -Wundef. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wundef"
#include <bearssl.h>
#pragma GCC diagnostic pop

#define HTTP_TLS_DEFAULT_CA	"/etc/ssl/certs/ca-certificates.crt"
#define HTTP_TLS_MAXANCHORS	1024

struct http_tls_anchors {
	br_x509_trust_anchor	*ta;		/* owned, with their DN and keys */
	size_t			 n;
};

/*
 * Load every CERTIFICATE in the PEM file into ta (which is replaced only
 * on success).  Returns the number of anchors, or -1 after logging why
 * (unreadable file, bad PEM, no certificate, unsupported key).
 */
int	 http_tls_anchors_load(struct http_tls_anchors *ta, const char *file);
void	 http_tls_anchors_free(struct http_tls_anchors *ta);

#define HTTP_TLS_MAXEECERT	16384	/* end-entity cert, IP names only */

struct http_tls {
	br_ssl_client_context	 sc;
	br_x509_minimal_context	 xc;
	unsigned char		*iobuf;		/* BR_SSL_BUFSIZE_BIDI, owned */
	time_t			 fixed_time;	/* 0: the system clock */
	int			 sockerr;	/* errno of a failed send/recv */
	int			 eof;		/* the peer closed TCP */

	/*
	 * BearSSL matches server names against dNSName only.  For a literal
	 * IP address a wrapper around xc keeps the end-entity certificate
	 * (in ee, allocated at the first such handshake and kept) and
	 * requires a matching iPAddress subjectAltName (RFC 6125); no SNI
	 * is sent then (RFC 6066).
	 */
	const br_x509_class	*ipvt;
	unsigned char		 ip[16];
	size_t			 iplen;		/* 0: the name is a DNS name */
	unsigned char		*ee;
	size_t			 eelen;
	int			 ncert;
	int			 eeover;
};

/*
 * Prepare t with the anchors (borrowed).  Returns 0, or -1 if the buffer
 * cannot be allocated.
 */
int	 http_tls_init(struct http_tls *t, const struct http_tls_anchors *ta);
void	 http_tls_free(struct http_tls *t);

/*
 * Validate certificates against this wall-clock time instead of time(3)
 * (for tests; 0 restores the system clock).  Takes effect at the next
 * http_tls_reset().
 */
void	 http_tls_set_time(struct http_tls *t, time_t when);

/* Start a new handshake for server name (SNI and verification). */
int	 http_tls_reset(struct http_tls *t, const char *servername);

/*
 * Poll events the engine needs on its socket: POLLOUT if it has records
 * to send, POLLIN if it can take records and want_read is set.
 */
short	 http_tls_events(struct http_tls *t, int want_read);

/*
 * Move records between fd and the engine until the socket would block.
 * Records are read only if want_read.  Returns 0 while the engine lives;
 * -1 once it is closed or failed: see http_tls_error().  Any record bytes
 * sent to the socket set *sentp (if not NULL) to 1.
 */
int	 http_tls_pump(struct http_tls *t, int fd, int want_read, int *sentp);

/* Handshake complete: application data can flow. */
int	 http_tls_ready(struct http_tls *t);

/*
 * Queue up to len application bytes; returns how many were taken (0 if
 * the engine has no room now).  http_tls_flush() makes the engine turn
 * queued bytes into a record at once.
 */
size_t	 http_tls_write(struct http_tls *t, const void *buf, size_t len);
void	 http_tls_flush(struct http_tls *t);

/* Take up to len decrypted bytes; returns how many (0 if none now). */
size_t	 http_tls_read(struct http_tls *t, void *buf, size_t len);

/*
 * After http_tls_pump() returned -1: 0 if the peer closed cleanly
 * (close_notify or TCP end of stream), else the BearSSL error code, or
 * -1 for a socket error (t->sockerr).
 */
int	 http_tls_error(struct http_tls *t);

/*
 * Human-readable text for a failure code from http_tls_error(), written
 * to buf.  An expired or not-yet-valid certificate names the validation
 * time and asks whether the system clock is set.
 */
void	 http_tls_describe(struct http_tls *t, int err, char *buf,
	    size_t len);

/* Static text for a BearSSL error code. */
const char *http_tls_strerror(int err);

#endif
