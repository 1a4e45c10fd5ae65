/*
 * t_http_url.c: endpoint URLs and Host header values.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "http/url.h"

static void
ok(const char *url, int tls, const char *host, unsigned port,
    const char *path, const char *authority)
{
	struct http_endpoint	 ep;
	const char		*p, *err = NULL;
	char			 a[300];

	cr_assert_eq(http_url_parse(url, &ep, &p, &err), 0, "%s: %s", url,
	    err ? err : "");
	cr_assert_eq(ep.tls, tls, "%s", url);
	cr_assert_str_eq(ep.host, host);
	cr_assert_eq(ep.port, port, "%s", url);
	cr_assert_str_eq(p, path);
	cr_assert_eq(http_url_authority(&ep, a, sizeof(a)),
	    (int)strlen(authority));
	cr_assert_str_eq(a, authority);
}

static void
bad(const char *url)
{
	struct http_endpoint	 ep;
	const char		*p, *err = NULL;

	cr_assert_eq(http_url_parse(url, &ep, &p, &err), -1, "%s", url);
	cr_assert_not_null(err);
}

Test(url, good)
{
	ok("https://route53.amazonaws.com", 1, "route53.amazonaws.com", 443,
	    "", "route53.amazonaws.com");
	ok("HTTPS://route53.amazonaws.com/2013-04-01/hostedzone?x=1", 1,
	    "route53.amazonaws.com", 443, "/2013-04-01/hostedzone?x=1",
	    "route53.amazonaws.com");
	ok("http://localhost:8080/", 0, "localhost", 8080, "/",
	    "localhost:8080");
	ok("http://127.0.0.1:80", 0, "127.0.0.1", 80, "", "127.0.0.1");
	ok("https://[::1]:8443/x", 1, "::1", 8443, "/x", "[::1]:8443");
	ok("https://[::1]/", 1, "::1", 443, "/", "[::1]");
}

Test(url, bad)
{
	bad("ftp://example.com/");
	bad("route53.amazonaws.com");
	bad("https://");
	bad("https:///path");
	bad("https://host:0/");
	bad("https://host:65536/");
	bad("https://host:/");
	bad("https://host:12x/");
	bad("https://user@host/");
	bad("https://[::1/");
	bad("https://[::1%eth0]/");
}

Test(url, authority_too_small)
{
	struct http_endpoint	 ep;
	const char		*p, *err;
	char			 a[8];

	cr_assert_eq(http_url_parse("https://example.com:8443", &ep, &p,
	    &err), 0);
	cr_assert_eq(http_url_authority(&ep, a, sizeof(a)), -1);
}
