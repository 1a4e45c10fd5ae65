/*
 * url.h: HTTP endpoints ("https://host[:port][/path]").
 *
 * An endpoint is what a connection is bound to: scheme, host and port.
 * Nothing here allocates or does I/O.
 */
#ifndef R53D_HTTP_URL_H
#define R53D_HTTP_URL_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_MAXHOST	253	/* a DNS name, or a literal address */

struct http_endpoint {
	int		tls;			/* https */
	uint16_t	port;
	char		host[HTTP_MAXHOST + 1];	/* IPv6 without brackets */
};

/*
 * Parse an absolute http or https URL: scheme (case-insensitive),
 * "//", host (a name, an IPv4 address or a bracketed IPv6 address),
 * optional ":port" (1-65535), optional path starting with "/".  No user
 * info, query or fragment checks beyond that: the path (with any query)
 * is returned in *pathp, pointing into url ("" if absent).  Returns 0, or
 * -1 with *errp set to a static reason.
 */
int	 http_url_parse(const char *url, struct http_endpoint *ep,
	    const char **pathp, const char **errp);

/*
 * Write the Host header value for ep into buf: the host ("[...]" around
 * IPv6), with ":port" only when it is not the scheme's default.  Returns
 * its length, or -1 if buf is too small.
 */
int	 http_url_authority(const struct http_endpoint *ep, char *buf,
	    size_t len);

#endif
