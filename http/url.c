/*
 * url.c: HTTP endpoint parsing.  See url.h.
 */
#include <stdio.h>
#include <string.h>

#include "http/url.h"

static int
prefix_ci(const char *s, const char *p)
{
	for (; *p != '\0'; s++, p++)
		if (*s == '\0' || (*s | 0x20) != *p)
			return 0;
	return 1;
}

static int
hostchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

int
http_url_parse(const char *url, struct http_endpoint *ep,
    const char **pathp, const char **errp)
{
	const char	*p, *h, *he;
	unsigned long	 port = 0;
	size_t		 hl, i;

	memset(ep, 0, sizeof(*ep));
	if (prefix_ci(url, "https://")) {
		ep->tls = 1;
		ep->port = 443;
		p = url + 8;
	} else if (prefix_ci(url, "http://")) {
		ep->port = 80;
		p = url + 7;
	} else {
		*errp = "URL must start with http:// or https://";
		return -1;
	}
	if (*p == '[') {
		h = p + 1;
		if ((he = strchr(h, ']')) == NULL) {
			*errp = "unterminated IPv6 address";
			return -1;
		}
		for (i = 0; h + i < he; i++)
			if (!(hostchar(h[i]) || h[i] == ':'))
				break;
		if (h + i != he) {
			*errp = "bad IPv6 address";
			return -1;
		}
		p = he + 1;
	} else {
		h = p;
		while (hostchar(*p))
			p++;
		he = p;
	}
	hl = (size_t)(he - h);
	if (hl == 0 || hl > HTTP_MAXHOST) {
		*errp = hl == 0 ? "missing host" : "host name too long";
		return -1;
	}
	memcpy(ep->host, h, hl);
	ep->host[hl] = '\0';
	if (*p == ':') {
		p++;
		if (*p < '0' || *p > '9') {
			*errp = "bad port";
			return -1;
		}
		while (*p >= '0' && *p <= '9') {
			port = port * 10 + (unsigned long)(*p++ - '0');
			if (port > 65535) {
				*errp = "bad port";
				return -1;
			}
		}
		if (port == 0) {
			*errp = "bad port";
			return -1;
		}
		ep->port = (uint16_t)port;
	}
	if (*p != '\0' && *p != '/') {
		*errp = "bad character after host";
		return -1;
	}
	*pathp = p;
	return 0;
}

int
http_url_authority(const struct http_endpoint *ep, char *buf,
    size_t len)
{
	const char	*lb = "", *rb = "";
	int		 n;

	if (strchr(ep->host, ':') != NULL) {
		lb = "[";
		rb = "]";
	}
	if (ep->port == (ep->tls ? 443 : 80))
		n = snprintf(buf, len, "%s%s%s", lb, ep->host, rb);
	else
		n = snprintf(buf, len, "%s%s%s:%u", lb, ep->host, rb,
		    (unsigned)ep->port);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}
