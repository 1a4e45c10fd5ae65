/*
 * t_conf.c: the configuration parser, ACL matching and grants.
 *
 * Runs in tests/conf (found from the current directory or R53D_SRCDIR) so
 * that error messages carry the short file names the files are loaded by.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/base64.h"
#include "conf.h"

static char	msgs[8192];
static int	nmsgs;
/*
 * Warnings (files others may read) depend on the modes a checkout gave
 * the files here: kept apart from the errors.
 */
static char	warns[8192];

static void
capture(void *arg, const char *msg)
{
	char	*b = strstr(msg, ": warning: ") != NULL ? warns : msgs;

	(void)arg;
	if (b == msgs)
		nmsgs++;
	strncat(b, msg, sizeof(msgs) - strlen(b) - 2);
	strcat(b, "\n");
}

static void
setup(void)
{
	const char	*src = getenv("R53D_SRCDIR");
	char		 dir[4096];

	msgs[0] = '\0';
	warns[0] = '\0';
	nmsgs = 0;
	if (src != NULL) {
		snprintf(dir, sizeof(dir), "%s/tests/conf", src);
		cr_assert(chdir(dir) == 0, "chdir %s", dir);
	} else if (chdir("tests/conf") != 0 && chdir("../conf") != 0 &&
	    chdir("../../tests/conf") != 0)
		cr_assert_fail("cannot find tests/conf; set R53D_SRCDIR");
}

TestSuite(conf, .init = setup);

static struct conf *
load(const char *path)
{
	return conf_load(path, capture, NULL);
}

static struct conf *
parse(const char *text)
{
	return conf_parse("buf", text, strlen(text), CONF_NOFILES, capture,
	    NULL);
}

static struct sockaddr_storage ssbuf;

static const struct sockaddr *
sa(const char *addr)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ssbuf;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ssbuf;

	memset(&ssbuf, 0, sizeof(ssbuf));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1)
		sin->sin_family = AF_INET;
	else {
		cr_assert(inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1);
		sin6->sin6_family = AF_INET6;
	}
	return (const struct sockaddr *)&ssbuf;
}

static void
check_listen(const struct conf_listen *l, const char *addr, unsigned port)
{
	char	 buf[64];

	if (l->ss.ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)&l->ss;

		inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf));
		cr_expect_eq(ntohs(sin->sin_port), port);
		cr_expect_eq(l->sslen, sizeof(*sin));
	} else {
		const struct sockaddr_in6 *sin6 = (const void *)&l->ss;

		cr_assert_eq(l->ss.ss_family, AF_INET6);
		inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf));
		cr_expect_eq(ntohs(sin6->sin6_port), port);
		cr_expect_eq(l->sslen, sizeof(*sin6));
	}
	cr_expect_str_eq(buf, addr);
}

/* The secret of a key equals the decoding of the given base64. */
static void
check_secret(const struct conf_key *k, const char *b64)
{
	uint8_t	 want[CONF_SECRET_MAX];
	size_t	 wl;

	cr_assert_eq(base64_decode(b64, strlen(b64), want, sizeof(want), &wl),
	    0);
	cr_expect_eq(k->secretlen, wl);
	cr_expect(memcmp(k->secret, want, wl) == 0, "secret of %s", k->name);
}

Test(conf, shipped_example)
{
	struct conf			*c;
	const struct conf_key		*k;
	const struct zone_conf		*z;

	c = load("../demo/r53d.conf.example");
	cr_assert_not_null(c, "r53d.conf.example rejected:\n%s", msgs);
	cr_expect_str_eq(msgs, "");
	cr_assert_eq(c->nlisten, 2);
	check_listen(&c->listen[0], "127.0.0.1", 5300);
	check_listen(&c->listen[1], "::1", 5300);
	cr_assert_not_null(k = conf_key_find(c, "ddns-key"));
	cr_expect_eq(k->alg, TSIG_HMAC_SHA256);
	cr_expect_eq(k->secretlen, 32);
	cr_expect_eq(c->aws.endpoint.tls, 0);
	cr_expect_str_eq(c->aws.endpoint.host, "127.0.0.1");
	cr_expect_eq(c->aws.endpoint.port, 8053);
	cr_expect_str_eq(c->aws.access_key_id, "AKIDEXAMPLE");
	cr_expect_str_eq(c->aws.secret_key_file, "../demo/aws-secret.example");
	cr_expect_str_eq(c->aws.secret_key,
	    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
	cr_assert_not_null(z = conf_zone_find(c, "example.com"));
	cr_expect(acl_match(&z->allow_update, sa("127.0.0.1"), NULL));
	cr_expect(acl_grant_allows(z, "acme", "_acme-challenge.example.com",
	    16));
	cr_expect(!acl_grant_allows(z, "acme", "www.example.com", 16));
	cr_expect(acl_grant_scoped(z, "acme"));
	cr_expect(acl_grant_scoped(z, "ACME."));
	cr_expect(!acl_grant_scoped(z, "ddns-key"));
	cr_expect(!acl_grant_scoped(z, NULL));
	cr_expect(acl_grant_allows(z, "ddns-key", "www.example.com", 16));
	conf_free(c);
}

Test(conf, every_statement)
{
	struct conf			*c;
	const struct conf_key		*k;
	const struct zone_conf		*z;
	const struct grant		*g;

	c = load("good-all.conf");
	cr_assert_not_null(c, "good-all.conf rejected:\n%s", msgs);
	cr_expect_str_eq(msgs, "");
	cr_assert_eq(c->nlisten, 3);
	check_listen(&c->listen[0], "127.0.0.1", 5353);
	check_listen(&c->listen[1], "::1", 5353);
	check_listen(&c->listen[2], "192.0.2.1", 53);
	cr_expect_str_eq(c->user, "_r53d");
	cr_expect_str_eq(c->pid_file, "/run/r53d.pid");
	cr_expect_eq(c->tcp_clients, 128);
	cr_expect_eq(c->tcp_idle_timeout, 30);

	cr_expect_eq(c->nkeys, 7);
	cr_assert_not_null(k = conf_key_find(c, "DDNS-KEY."));
	cr_expect_str_eq(k->name, "ddns-key");
	cr_expect_eq(k->alg, TSIG_HMAC_SHA256);
	cr_expect_eq(k->truncbits, 0);
	check_secret(k, "dt3VXTwDhGcTRyOzTceHkquGopBDj00mpd3SO955CqA=");
	cr_expect_eq(k->secret[0], 118);	/* independent decoding */
	cr_expect_eq(k->secret[3], 93);
	cr_assert_not_null(k = conf_key_find(c, "acme"));
	cr_expect_eq(k->alg, TSIG_HMAC_SHA512);
	cr_expect_eq(k->truncbits, 256);
	cr_expect_eq(k->secretlen, 64);
	cr_assert_not_null(k = conf_key_find(c, "old"));
	cr_expect_eq(k->alg, TSIG_HMAC_MD5);
	cr_assert_not_null(k = conf_key_find(c, "sha1"));
	cr_expect_eq(k->alg, TSIG_HMAC_SHA1);
	check_secret(k, "c2hhMXNlY3JldA==");
	cr_expect_eq(conf_key_find(c, "sha224")->alg, TSIG_HMAC_SHA224);
	cr_expect_eq(conf_key_find(c, "sha384")->alg, TSIG_HMAC_SHA384);
	cr_expect_eq(conf_key_find(c, "sha384")->truncbits, 192);
	cr_expect_null(conf_key_find(c, "nokey"));

	cr_expect_eq(c->aws.endpoint.tls, 1);
	cr_expect_str_eq(c->aws.endpoint.host, "route53.example.net");
	cr_expect_eq(c->aws.endpoint.port, 8443);
	cr_expect_str_eq(c->aws.region, "eu-west-1");
	cr_expect_str_eq(c->aws.ca_file, "certs/ca.pem");
	cr_expect_str_eq(c->aws.secret_key, "AKIAsecretValue/With+Chars");
	cr_expect_eq(c->aws.rate, 3);
	cr_expect_eq(c->aws.burst, 7);
	cr_expect_eq(c->aws.change_rate, 300);
	cr_expect_eq(c->aws.change_burst, 2000);
	cr_expect_eq(c->aws.imds, 1);
	cr_expect_eq(c->aws.imds_endpoint.tls, 0);
	cr_expect_str_eq(c->aws.imds_endpoint.host, "::1");
	cr_expect_eq(c->aws.imds_endpoint.port, 8080);

	cr_assert_eq(c->nzones, 2);
	cr_assert_not_null(z = conf_zone_find(c, "EXAMPLE.com."));
	cr_expect_str_eq(z->name, "example.com");
	cr_expect_str_eq(z->hosted_zone, "Z0123456789ABCDEFGHIJ");
	cr_expect_eq(z->allow_update.nelems, 5);
	cr_assert_eq(z->ngrants, 3);
	g = &z->grants[1];
	cr_expect_str_eq(g->key, "ddns-key");
	cr_expect_eq(g->match, GRANT_WILDCARD);
	cr_expect_str_eq(g->name, "*.dyn.example.com");
	cr_assert_eq(g->ntypes, 3);
	cr_expect_eq(g->types[0], 1);
	cr_expect_eq(g->types[1], 28);
	cr_expect_eq(g->types[2], 65280);
	cr_expect_eq(z->serial_policy, SERIAL_UNIXTIME);
	cr_expect_eq(z->wait_insync, 1);
	cr_expect_eq(z->update_timeout, 120);
	cr_expect_eq(z->queue_limit, 50);
	cr_assert_eq(z->nprimaries, 2);
	cr_expect_str_eq(z->primaries[0].key, "");
	cr_expect_str_eq(z->primaries[1].key, "xfr");
	cr_expect_eq(ntohs(((const struct sockaddr_in6 *)(const void *)
	    &z->primaries[1].ss)->sin6_port), 5300);
	cr_expect(acl_match(&z->allow_notify, sa("192.0.2.53"), "xfr"));
	cr_expect(!acl_match(&z->allow_notify, sa("192.0.2.53"), NULL));
	cr_expect(acl_match(&z->allow_query, sa("127.0.0.2"), NULL));
	cr_expect(!acl_match(&z->allow_query, sa("192.0.2.1"), NULL));

	/* update-policy alone lets its keys update; notify: primaries. */
	cr_assert_not_null(z = conf_zone_find(c, "example.net"));
	cr_expect(acl_match(&z->allow_update, NULL, "acme"));
	cr_expect(!acl_match(&z->allow_update, sa("192.0.2.1"), NULL));
	cr_expect(acl_grant_allows(z, "acme", "x.y.example.net", 16));
	cr_expect(!acl_grant_allows(z, "acme", "x.y.example.net", 1));
	cr_expect(acl_match(&z->allow_notify, sa("198.51.100.1"), NULL));
	cr_expect(!acl_match(&z->allow_notify, sa("198.51.100.2"), NULL));
	cr_expect(acl_match(&z->allow_query, sa("203.0.113.9"), NULL));
	conf_free(c);
}

Test(conf, defaults)
{
	struct conf		*c;
	const struct zone_conf	*z;

	c = parse("zone \"example.org\" { };");
	cr_assert_not_null(c, "%s", msgs);
	cr_assert_eq(c->nlisten, 2);
	check_listen(&c->listen[0], "0.0.0.0", 53);
	check_listen(&c->listen[1], "::", 53);
	cr_expect_null(c->user);
	cr_expect_null(c->pid_file);
	cr_expect_eq(c->tcp_clients, 64);
	cr_expect_eq(c->tcp_idle_timeout, 10);
	cr_expect_str_eq(c->aws.endpoint.url, "https://route53.amazonaws.com");
	cr_expect_str_eq(c->aws.endpoint.host, "route53.amazonaws.com");
	cr_expect_eq(c->aws.endpoint.port, 443);
	cr_expect_eq(c->aws.endpoint.tls, 1);
	cr_expect_str_eq(c->aws.region, "us-east-1");
	cr_expect_str_eq(c->aws.ca_file, "/etc/ssl/certs/ca-certificates.crt");
	cr_expect_str_eq(c->aws.access_key_id, "");
	cr_expect_null(c->aws.secret_key_file);
	/* Route 53's quotas since 2026-07-30; the change bucket chosen. */
	cr_expect_eq(c->aws.rate, 10);
	cr_expect_eq(c->aws.burst, 50);
	cr_expect_eq(c->aws.change_rate, 1000);
	cr_expect_eq(c->aws.change_burst, 5000);
	cr_expect_eq(c->aws.imds, 0);
	cr_expect_str_eq(c->aws.imds_endpoint.host, "169.254.169.254");
	cr_expect_eq(c->aws.imds_endpoint.port, 80);
	cr_assert_not_null(z = conf_zone_find(c, "example.org"));
	cr_expect_str_eq(z->hosted_zone, "");
	cr_expect_eq(z->serial_policy, SERIAL_INCREMENT);
	cr_expect_eq(z->wait_insync, 0);
	cr_expect_eq(z->update_timeout, 60);
	cr_expect_eq(z->queue_limit, 1000);
	/* allow-update none, allow-query any, allow-notify none */
	cr_expect(!acl_match(&z->allow_update, sa("127.0.0.1"), NULL));
	cr_expect(!acl_match(&z->allow_update, sa("127.0.0.1"), "k"));
	cr_expect(acl_match(&z->allow_query, sa("2001:db8::1"), NULL));
	cr_expect(!acl_match(&z->allow_notify, sa("127.0.0.1"), NULL));
	conf_free(c);
}

Test(conf, tsig_keygen_output)
{
	struct conf		*c;
	const struct conf_key	*k;

	/* Written by "tsig-keygen -a hmac-sha512 tsig-sample" and
	 * "tsig-keygen host1.example." (BIND 9.18). */
	c = load("tsig.conf");
	cr_assert_not_null(c, "%s", msgs);
	cr_assert_not_null(k = conf_key_find(c, "tsig-sample"));
	cr_expect_eq(k->alg, TSIG_HMAC_SHA512);
	check_secret(k, "nMlaSOr6njLW+d4/4s8TwrPKji7e5jEa08A2RMOitpOrKTB2erYo"
	    "+7uVKLZtxsnivs/B2Rko+8SqWj5Z1Y/hhw==");
	cr_assert_not_null(k = conf_key_find(c, "host1.example."));
	cr_expect_str_eq(k->name, "host1.example");
	cr_expect_eq(k->alg, TSIG_HMAC_SHA256);
	cr_expect_eq(k->secretlen, 32);
	conf_free(c);
}

Test(conf, ddns_confgen_output)
{
	struct conf		*c;
	const struct conf_key	*k;
	const struct zone_conf	*z;

	/* "ddns-confgen -k upd-key -z example.com": the key with its
	 * comments, and its update-policy hint pasted into the zone. */
	c = load("ddns.conf");
	cr_assert_not_null(c, "%s", msgs);
	cr_assert_not_null(k = conf_key_find(c, "upd-key"));
	check_secret(k, "plPILNiCJZXfowBmizs6nbYSEO+TsngqsPlsNjCnN6Y=");
	cr_assert_not_null(z = conf_zone_find(c, "example.com"));
	cr_expect(acl_match(&z->allow_update, sa("192.0.2.1"), "upd-key"));
	cr_expect(!acl_match(&z->allow_update, sa("192.0.2.1"), NULL));
	cr_expect(acl_grant_allows(z, "upd-key", "example.com", 1));
	cr_expect(acl_grant_allows(z, "upd-key", "a.b.example.com", 16));
	/* zonesub ANY: every type but NSEC and NSEC3, SOA and NS too */
	cr_expect(acl_grant_allows(z, "upd-key", "example.com", 6));
	cr_expect(acl_grant_allows(z, "upd-key", "sub.example.com", 2));
	cr_expect(!acl_grant_allows(z, "upd-key", "example.com", 47));
	conf_free(c);
}

Test(conf, include_relative)
{
	struct conf		*c;
	const struct conf_key	*k;

	/* inc/keys.conf includes "secret.conf" inside the key block. */
	c = load("inc-main.conf");
	cr_assert_not_null(c, "%s", msgs);
	cr_assert_not_null(k = conf_key_find(c, "inc-key"));
	cr_expect_str_eq(k->file, "inc/keys.conf");
	cr_expect_eq(k->line, 2);
	check_secret(k, "dt3VXTwDhGcTRyOzTceHkquGopBDj00mpd3SO955CqA=");
	cr_expect_not_null(conf_zone_find(c, "example.org"));
	conf_free(c);
}

Test(conf, include_missing)
{
	cr_expect_null(load("include-missing.conf"));
	cr_expect_str_eq(msgs,
	    "include-missing.conf:2: include \"inc/missing.conf\": "
	    "No such file or directory\n"
	    "include-missing.conf:3: unknown keyword \"bogus\"\n");
}

Test(conf, include_cycle)
{
	cr_expect_null(load("cycle-a.conf"));
	cr_expect_str_eq(msgs,
	    "cycle-b.conf:1: include \"cycle-a.conf\": include cycle\n");
}

Test(conf, include_depth)
{
	cr_expect_null(load("deep.conf"));
	cr_expect_str_eq(msgs, "deep.conf.d/8.conf:1: include "
	    "\"deep.conf.d/9.conf\": nested too deeply (max 8)\n");
}

Test(conf, missing_file)
{
	cr_expect_null(load("no-such.conf"));
	cr_expect_str_eq(msgs, "no-such.conf: No such file or directory\n");
}

Test(conf, bad1_every_error)
{
	cr_expect_null(load("bad1.conf"));
	cr_expect_str_eq(msgs,
	    "bad1.conf:2: invalid address \"192.0.2.300\"\n"
	    "bad1.conf:3: port 70000 out of range (1..65535)\n"
	    "bad1.conf:4: unknown keyword \"bogus-statement\"\n"
	    "bad1.conf:6: key \"k1\": unknown algorithm \"hmac-sha257\"\n"
	    "bad1.conf:7: key \"k1\": invalid base64 in secret\n"
	    "bad1.conf:9: duplicate key \"k1\" (first defined at "
	    "bad1.conf:5)\n"
	    "bad1.conf:13: key \"nosecret\": missing secret\n"
	    "bad1.conf:17: rate 0 out of range (1..100000)\n"
	    "bad1.conf:18: imds: expected yes or no, got \"maybe\"\n"
	    "bad1.conf:19: endpoint: invalid URL \"ftp://example.net\" "
	    "(want http[s]://host[:port])\n"
	    "bad1.conf:22: invalid prefix length in \"192.0.2.0/33\"\n"
	    "bad1.conf:22: prefix \"2001:db8::1/64\" has bits set beyond "
	    "its length\n"
	    "bad1.conf:24: unknown type \"BOGUS\"\n"
	    "bad1.conf:26: serial-policy: expected increment or unixtime, "
	    "got \"sometimes\"\n"
	    "bad1.conf:27: unknown keyword \"frobnicate\" in zone\n"
	    "bad1.conf:29: duplicate zone \"example.com\" (first defined at "
	    "bad1.conf:21)\n"
	    "bad1.conf:22: undefined key \"nokey\"\n"
	    "bad1.conf:25: undefined key \"k3\"\n");
}

Test(conf, bad2_every_error)
{
	cr_expect_null(load("bad2.conf"));
	cr_expect_str_eq(msgs,
	    "bad2.conf:1: include \"missing.conf\": No such file or "
	    "directory\n"
	    "bad2.conf:4: secret-access-key-file \"no-such-secret\": "
	    "No such file or directory\n"
	    "bad2.conf:6: duplicate aws block\n"
	    "bad2.conf:9: expected \";\", got \"queue-limit\"\n"
	    "bad2.conf:11: key \"t\": digest bits 130 not a multiple of 8\n"
	    "bad2.conf:12: key \"u\": digest bits 64 out of range "
	    "(128..256)\n"
	    "bad2.conf:13: update-timeout 99999999999999999999 out of range "
	    "(1..3600)\n"
	    "bad2.conf:14: unexpected end of file in zone block\n");
}

Test(conf, bad3_every_error)
{
	cr_expect_null(load("bad3.conf"));
	cr_expect_str_eq(msgs,
	    "bad3.conf:1: unexpected \"}\"\n"
	    "bad3.conf:3: duplicate user\n"
	    "bad3.conf:4: tcp-clients: expected a number, got \"x\"\n"
	    "bad3.conf:5: pid-file: empty path\n"
	    "bad3.conf:6: duplicate listen 127.0.0.1 port 53\n"
	    "bad3.conf:7: invalid zone name \"bad..name\"\n"
	    "bad3.conf:8: nested address match lists are not supported\n"
	    "bad3.conf:8: \"localnets\" is not supported; list the "
	    "prefixes\n"
	    "bad3.conf:8: port 0 out of range (1..65535)\n"
	    "bad3.conf:9: unknown keyword \"grant\"\n"
	    "bad3.conf:10: key \"nothing\": missing algorithm\n"
	    "bad3.conf:10: key \"nothing\": missing secret\n"
	    "bad3.conf:11: aws: access-key-id needs secret-access-key-file\n"
	    "bad3.conf:8: undefined key \"pk\"\n");
}

Test(conf, lexical_errors)
{
	cr_expect_null(parse("listen 127.0.0.1;\n/* open\ncomment"));
	cr_expect_str_eq(msgs, "buf:2: unterminated comment\n");

	msgs[0] = '\0';
	cr_expect_null(parse("\n\nuser \"nobody;\n"));
	cr_expect_str_eq(msgs, "buf:3: unterminated string\n");

	msgs[0] = '\0';
	cr_expect_null(parse("user\x01 \"x\";\nlisten ::1 port 1 port 2;"));
	cr_expect_str_eq(msgs, "buf:1: invalid character 0x01\n"
	    "buf:2: duplicate port\n");

	msgs[0] = '\0';
	cr_expect_null(parse("key k { algorithm hmac-sha256; secret \"\"; };"
	    "aws { imds-endpoint \"http://h/x\"; };"));
	cr_expect_str_eq(msgs,
	    "buf:1: key \"k\": secret must be 1 to 512 bytes\n"
	    "buf:1: imds-endpoint \"http://h/x\": a path is not allowed\n");
}

/*
 * A string ends on its line: a missing closing quote is one error at the
 * line the string starts on, not a string swallowing the next lines and
 * the errors that follow from it.
 */
Test(conf, unterminated_string)
{
	cr_expect_null(parse("key \"k\" {\n\talgorithm hmac-sha256;\n"
	    "\tsecret \"c2VjcmV0;\n};\nzone \"example.com\" {\n"
	    "\tallow-update { key \"k\"; };\n};\n"));
	cr_expect_str_eq(msgs, "buf:3: unterminated string\n");
	cr_expect_eq(nmsgs, 1);

	msgs[0] = '\0';
	nmsgs = 0;
	cr_expect_null(parse("key \"k\" { algorithm hmac-sha256; "
	    "secret \"c2VjcmV0\"; };\n\nzone \"example.com {\n"
	    "\tallow-update { key \"k\"; };\n};\nuser \"nobody\";\n"));
	cr_expect_str_eq(msgs, "buf:3: unterminated string\n");
	cr_expect_eq(nmsgs, 1);

	/* At the end of the file, with no newline after it. */
	msgs[0] = '\0';
	nmsgs = 0;
	cr_expect_null(parse("listen 127.0.0.1;\nzone \"example.com\" {\n"
	    "\tallow-update { key \"k"));
	cr_expect_str_eq(msgs, "buf:3: unterminated string\n");
	cr_expect_eq(nmsgs, 1);

	/* In an included file: its name and line. */
	msgs[0] = '\0';
	nmsgs = 0;
	cr_expect_null(load("unterminated.conf"));
	cr_expect_str_eq(msgs, "inc/unterminated.key:4: unterminated "
	    "string\n");
	cr_expect_eq(nmsgs, 1);
}

Test(conf, missing_semicolon_after_block)
{
	const char	*text = "key \"a\" { algorithm hmac-sha1; secret \"YQ==\"; }\n"
	    "zone \"example.com\" { allow-update { key \"a\"; } };\n";

	cr_expect_null(parse(text));
	cr_expect_str_eq(msgs,
	    "buf:2: expected \";\", got \"zone\"\n"
	    "buf:2: expected \";\", got \"}\"\n");
}

/*
 * "user" set to CONF_STRING_MAX + 10 octets of fill, quoted with q ("\""
 * or ""): one "string too long", then the value's own limit, shown cut.
 */
static void
user_too_long(const char *q, char fill)
{
	char	*text, want[256], shown[61];
	size_t	 n = CONF_STRING_MAX + 10, pre = 5 + strlen(q);

	cr_assert_not_null(text = malloc(n + 32));
	snprintf(text, n + 32, "user %s", q);
	memset(text + pre, fill, n);
	snprintf(text + pre + n, 32, "%s;", q);
	memset(shown, fill, 60);
	shown[60] = '\0';
	snprintf(want, sizeof(want), "buf:1: string too long\n"
	    "buf:1: user too long: \"%s...\"\n", shown);
	cr_expect_null(parse(text));
	cr_expect_str_eq(msgs, want);
	free(text);
}

Test(conf, string_too_long)
{
	user_too_long("\"", 'a');
}

Test(conf, word_too_long)
{
	/* The same limit, and one report, for a word without quotes. */
	user_too_long("", 'b');
}

Test(conf, too_many_errors)
{
	char	 text[4000];
	int	 i;

	text[0] = '\0';
	for (i = 0; i < 150; i++)
		strcat(text, "x;\n");
	cr_expect_null(parse(text));
	cr_expect_eq(nmsgs, CONF_ERRORS_MAX + 1);
	cr_expect(strstr(msgs, "buf:100: unknown keyword \"x\"\n"
	    "buf:101: too many errors\n") != NULL, "%s", msgs);
}

Test(conf, file_too_large)
{
	char	*text;

	cr_assert_not_null(text = malloc(CONF_FILE_MAX + 2));
	memset(text, '#', CONF_FILE_MAX + 1);
	text[CONF_FILE_MAX + 1] = '\0';
	cr_expect_null(parse(text));
	cr_expect_str_eq(msgs, "buf: file too large (max 1048576 bytes)\n");
	free(text);
}

/* Write text to dir/name with mode; returns the path in a static buffer. */
static const char *
put_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	static char	path[4][512];
	static int	i;
	FILE		*f;
	char		*p = path[i++ % 4];

	snprintf(p, 512, "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
	cr_assert_eq(chmod(p, mode), 0);
	return p;
}

/* Files others may read: a warning; files others may write: an error. */
Test(conf, file_permissions)
{
	char		 dir[] = "/tmp/t_conf.XXXXXX", want[2048];
	const char	*main_, *keys, *secret;
	struct conf	*c;

	cr_assert_not_null(mkdtemp(dir));
	keys = put_file(dir, "keys.conf", "key \"k\" {\n\talgorithm "
	    "hmac-sha256;\n\tsecret \"c2VjcmV0\";\n};\n", 0600);
	secret = put_file(dir, "secret", "wJalrXUtnFEMI\n", 0600);
	main_ = put_file(dir, "main.conf", "include \"keys.conf\";\naws {\n"
	    "\taccess-key-id \"A\";\n\tsecret-access-key-file \"secret\";\n"
	    "};\n", 0600);
	cr_assert_not_null(c = load(main_));
	conf_free(c);
	cr_expect_str_eq(msgs, "");
	cr_expect_str_eq(warns, "");

	chmod(keys, 0604);
	chmod(secret, 0644);
	cr_assert_not_null(c = load(main_));
	conf_free(c);
	cr_expect_str_eq(msgs, "");
	snprintf(want, sizeof(want), "%s:3: warning: key \"k\": secret: this "
	    "file is readable by others (mode 0604)\n%s:4: warning: "
	    "secret-access-key-file \"%s\" is readable by others (mode "
	    "0644)\n", keys, main_, secret);
	cr_expect_str_eq(warns, want);

	warns[0] = '\0';
	chmod(keys, 0602);
	chmod(secret, 0646);
	cr_expect_null(load(main_));
	snprintf(want, sizeof(want), "%s:1: include \"%s\" is writable by "
	    "others (mode 0602); refusing it\n%s:4: secret-access-key-file "
	    "\"%s\" is writable by others (mode 0646); refusing it\n", main_,
	    keys, main_, secret);
	cr_expect_str_eq(msgs, want);

	msgs[0] = '\0';
	chmod(keys, 0600);
	chmod(secret, 0600);
	chmod(main_, 0666);
	cr_expect_null(load(main_));
	snprintf(want, sizeof(want), "%s: the configuration is writable by "
	    "others (mode 0666); refusing it\n", main_);
	cr_expect_str_eq(msgs, want);
	unlink(keys);
	unlink(secret);
	unlink(main_);
	rmdir(dir);
}

/*
 * What the worker could change of the files read as root: the files it
 * may write and those in directories it may write; files it cannot read
 * are fine (it reads none).  The worker is played by this test's uid or
 * by another one, with this test's group or another one, so that no
 * chown() is needed.
 */
Test(conf, worker_may_change)
{
	char		 dir[] = "/tmp/t_conf.XXXXXX", want[4096], ca[200];
	const char	*main_, *keys, *secret, *extra[3];
	struct conf_files *fs;
	struct conf	*c;
	uid_t		 me = getuid(), other;
	gid_t		 grp = getgid(), ogrp;

	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chmod(dir, 0755), 0);
	keys = put_file(dir, "keys.conf", "key \"k\" {\n\talgorithm "
	    "hmac-sha256;\n\tsecret \"c2VjcmV0\";\n};\n", 0400);
	secret = put_file(dir, "secret", "wJalrXUtnFEMI\n", 0400);
	main_ = put_file(dir, "main.conf", "include \"keys.conf\";\naws {\n"
	    "\taccess-key-id \"A\";\n\tsecret-access-key-file \"secret\";\n"
	    "};\n", 0400);
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	put_file(dir, "ca.pem", "-\n", 0444);
	/* A worker never runs as root: as root, give the files away. */
	if (me == 0) {
		me = grp = 4242;
		cr_assert_eq(chown(dir, me, grp), 0);
		cr_assert_eq(chown(keys, me, grp), 0);
		cr_assert_eq(chown(secret, me, grp), 0);
		cr_assert_eq(chown(main_, me, grp), 0);
		cr_assert_eq(chown(ca, me, grp), 0);
	}
	other = me + 4321;
	ogrp = grp + 4321;
	extra[0] = ca;
	extra[1] = "/nonexistent/ca.pem";
	extra[2] = NULL;
	cr_assert_not_null(c = conf_load_record(main_, capture, NULL, &fs));
	conf_free(c);
	cr_assert_str_eq(msgs, "");
	cr_expect_eq(conf_files_count(fs), 3);
	warns[0] = '\0';

	/* Nobody but root may write them; unreadable to the other user. */
	cr_expect_eq(conf_files_check_worker(fs, extra, other, ogrp, "w",
	    capture, NULL), 0);
	cr_expect_str_eq(warns, "");
	cr_expect_eq(conf_files_check_worker(fs, extra, me, grp, "w",
	    capture, NULL), 4);
	snprintf(want, sizeof(want),
	    "%s: warning: user w may replace this file, which r53d reads as "
	    "root: it may write the directory %s (owner uid %u, group %u, "
	    "mode 0755)\n"
	    "%s: warning: user w may replace this file, which r53d reads as "
	    "root: it may write the directory %s (owner uid %u, group %u, "
	    "mode 0755)\n"
	    "%s: warning: user w may replace this file, which r53d reads as "
	    "root: it may write the directory %s (owner uid %u, group %u, "
	    "mode 0755)\n", main_, dir, me, grp, keys, dir, me, grp, secret,
	    dir, me, grp);
	/* The CA file is in the same directory: also named. */
	cr_expect(strstr(warns, want) != NULL, "%s", warns);
	warns[0] = '\0';
	conf_files_free(fs);

	/* Written through the owner's or the group's permission. */
	cr_assert_eq(chmod(dir, 0555), 0);
	cr_assert_eq(chmod(keys, 0600), 0);
	cr_assert_eq(chmod(secret, 0460), 0);
	cr_assert_not_null(c = conf_load_record(main_, capture, NULL, &fs));
	conf_free(c);
	cr_expect_str_eq(msgs, "");
	cr_expect_eq(conf_files_check_worker(fs, NULL, me, ogrp, "w",
	    capture, NULL), 1);
	snprintf(want, sizeof(want), "%s: warning: user w may write this "
	    "file, which r53d reads as root (owner uid %u, group %u, mode "
	    "0600)\n", keys, me, grp);
	cr_expect_str_eq(warns, want);
	warns[0] = '\0';
	cr_expect_eq(conf_files_check_worker(fs, NULL, other, grp, "w",
	    capture, NULL), 1);
	snprintf(want, sizeof(want), "%s: warning: user w may write this "
	    "file, which r53d reads as root (owner uid %u, group %u, mode "
	    "0460)\n", secret, me, grp);
	cr_expect_str_eq(warns, want);
	warns[0] = '\0';

	/* A sticky directory: only the owner of a file may replace it. */
	cr_assert_eq(chmod(keys, 0400), 0);
	cr_assert_eq(chmod(secret, 0400), 0);
	cr_assert_eq(chmod(dir, 01777), 0);
	cr_expect_eq(conf_files_check_worker(fs, NULL, other, ogrp, "w",
	    capture, NULL), 0);
	cr_expect_str_eq(warns, "");
	cr_assert_eq(chmod(dir, 0777), 0);
	cr_expect_eq(conf_files_check_worker(fs, NULL, other, ogrp, "w",
	    capture, NULL), 3);

	/* A worker running as root: nothing to say. */
	warns[0] = '\0';
	cr_expect_eq(conf_files_check_worker(fs, extra, 0, 0, "root",
	    capture, NULL), 0);
	cr_expect_str_eq(warns, "");
	conf_files_free(fs);
	cr_assert_eq(chmod(dir, 0700), 0);
	unlink(keys);
	unlink(secret);
	unlink(main_);
	unlink(ca);
	rmdir(dir);
}

Test(conf, nofiles)
{
	cr_expect_null(parse("include \"good-all.conf\";\naws { "
	    "access-key-id \"A\"; secret-access-key-file \"aws-secret\"; };"));
	cr_expect_str_eq(msgs, "buf:1: include not allowed here\n"
	    "buf:2: secret-access-key-file not allowed here\n");
}

Test(conf, rates_and_bursts)
{
	struct conf	*c;

	cr_assert_not_null(c = parse("aws { rate 100000; burst 1; "
	    "change-rate 1; change-burst 100000; };"), "%s", msgs);
	cr_expect_eq(c->aws.rate, 100000);
	cr_expect_eq(c->aws.burst, 1);
	cr_expect_eq(c->aws.change_rate, 1);
	cr_expect_eq(c->aws.change_burst, 100000);
	conf_free(c);
	cr_expect_null(parse("aws {\nrate 100001;\nburst 0;\n"
	    "change-rate -1;\nchange-burst 1x;\nburst 2;\n};"));
	cr_expect_str_eq(msgs,
	    "buf:2: rate 100001 out of range (1..100000)\n"
	    "buf:3: burst 0 out of range (1..100000)\n"
	    "buf:4: change-rate: expected a number, got \"-1\"\n"
	    "buf:5: change-burst: expected a number, got \"1x\"\n"
	    "buf:6: duplicate burst\n");
}

Test(conf, print_hides_secrets_and_reparses)
{
	struct conf	*c, *c2;
	char		*out = NULL, *out2 = NULL, *fixed, *s;
	size_t		 outlen = 0, outlen2 = 0, i;
	FILE		*fp;
	char		 b64[BASE64_ENCLEN(CONF_SECRET_MAX) + 1];
	const char	*sec = "secret \"...\";";
	const char	*rep = "secret \"YWJj\";";

	cr_assert_not_null(c = load("good-all.conf"), "%s", msgs);
	cr_assert_not_null(fp = open_memstream(&out, &outlen));
	conf_print(fp, c);
	fclose(fp);
	/* No secret, in any encoding, appears. */
	for (i = 0; i < c->nkeys; i++) {
		base64_encode(c->keys[i].secret, c->keys[i].secretlen, b64,
		    sizeof(b64));
		cr_expect_null(strstr(out, b64), "secret of %s printed",
		    c->keys[i].name);
	}
	cr_expect_null(strstr(out, c->aws.secret_key));
	cr_expect(strstr(out, "\tsecret \"...\";\n") != NULL);

	/* With the secrets put back, the output is a fixed point. */
	cr_assert_not_null(fixed = calloc(1, outlen * 2 + 1));
	for (s = out; *s != '\0'; ) {
		if (strncmp(s, sec, strlen(sec)) == 0) {
			strcat(fixed, rep);
			s += strlen(sec);
		} else
			strncat(fixed, s++, 1);
	}
	c2 = conf_parse("printed.conf", fixed, strlen(fixed), 0, capture,
	    NULL);
	cr_assert_not_null(c2, "printed form rejected:\n%s\n%s", msgs, fixed);
	cr_assert_not_null(fp = open_memstream(&out2, &outlen2));
	conf_print(fp, c2);
	fclose(fp);
	cr_expect_str_eq(out2, out);
	conf_free(c);
	conf_free(c2);
	free(out);
	free(out2);
	free(fixed);
}

Test(conf, find_helpers)
{
	struct conf	*c;

	c = parse("zone \"Example.com\" { };\nzone \"sub.example.com.\" { };\n"
	    "key \"K\" { algorithm hmac-sha256; secret \"YWJj\"; };");
	cr_assert_not_null(c, "%s", msgs);
	cr_expect_not_null(conf_zone_find(c, "EXAMPLE.COM."));
	cr_expect_null(conf_zone_find(c, "www.example.com"));
	cr_expect_str_eq(conf_zone_for(c, "www.Example.com.")->name,
	    "example.com");
	cr_expect_str_eq(conf_zone_for(c, "a.b.sub.example.com")->name,
	    "sub.example.com");
	cr_expect_str_eq(conf_zone_for(c, "sub.example.com")->name,
	    "sub.example.com");
	cr_expect_null(conf_zone_for(c, "example.net"));
	cr_expect_null(conf_zone_for(c, "com"));
	cr_expect_null(conf_zone_for(c, "."));
	cr_expect_not_null(conf_key_find(c, "k."));
	cr_expect_str_eq(conf_tsig_alg_name(TSIG_HMAC_SHA384), "hmac-sha384");
	conf_free(c);
}

Test(conf, duplicate_zone_spellings)
{
	cr_expect_null(parse("zone example.com { };\nzone \"EXAMPLE.COM.\" "
	    "{ };\nkey a { algorithm hmac-md5; secret \"YQ==\"; };\n"
	    "key \"A.\" { algorithm hmac-md5; secret \"YQ==\"; };"));
	cr_expect_str_eq(msgs,
	    "buf:2: duplicate zone \"example.com\" (first defined at buf:1)\n"
	    "buf:4: duplicate key \"a\" (first defined at buf:3)\n");
}

Test(conf, acl_matching)
{
	struct conf		*c;
	const struct acl	*a;

	c = parse("key k1 { algorithm hmac-sha256; secret \"YWJj\"; };\n"
	    "key k2 { algorithm hmac-sha256; secret \"YWJj\"; };\n"
	    "zone example.com { allow-update {\n"
	    "  !192.0.2.66; !key k2; 192.0.2.0/24; 10.1.2.3;\n"
	    "  2001:db8:1::/48; !2001:db8::/32; ::1; key k1;\n"
	    "  !198.51.100.0/25; 198.51.100.0/24; }; };");
	cr_assert_not_null(c, "%s", msgs);
	a = &conf_zone_find(c, "example.com")->allow_update;
	/* IPv4 prefixes, exact address, negation first */
	cr_expect_eq(acl_match(a, sa("192.0.2.1"), NULL), 1);
	cr_expect_eq(acl_match(a, sa("192.0.2.255"), NULL), 1);
	cr_expect_eq(acl_match(a, sa("192.0.2.66"), NULL), 0);
	cr_expect_eq(acl_match(a, sa("192.0.2.66"), "k1"), 0);
	cr_expect_eq(acl_match(a, sa("192.0.3.1"), NULL), 0);
	cr_expect_eq(acl_match(a, sa("10.1.2.3"), NULL), 1);
	cr_expect_eq(acl_match(a, sa("10.1.2.4"), NULL), 0);
	/* /25 boundary: .127 denied, .128 allowed by the /24 */
	cr_expect_eq(acl_match(a, sa("198.51.100.127"), NULL), 0);
	cr_expect_eq(acl_match(a, sa("198.51.100.128"), NULL), 1);
	/* IPv6: the /48 comes before the negated /32 */
	cr_expect_eq(acl_match(a, sa("2001:db8:1:ffff::1"), NULL), 1);
	cr_expect_eq(acl_match(a, sa("2001:db8:2::1"), NULL), 0);
	cr_expect_eq(acl_match(a, sa("2001:db8:2::1"), "k1"), 0);
	cr_expect_eq(acl_match(a, sa("::1"), NULL), 1);
	cr_expect_eq(acl_match(a, sa("::2"), NULL), 0);
	/* IPv4-mapped IPv6 counts as IPv4 */
	cr_expect_eq(acl_match(a, sa("::ffff:192.0.2.1"), NULL), 1);
	cr_expect_eq(acl_match(a, sa("::ffff:192.0.2.66"), NULL), 0);
	/* keys: k2 denied before its address could allow it */
	cr_expect_eq(acl_match(a, sa("203.0.113.1"), "K1."), 1);
	cr_expect_eq(acl_match(a, sa("203.0.113.1"), "k2"), 0);
	cr_expect_eq(acl_match(a, sa("192.0.2.1"), "k2"), 0);
	cr_expect_eq(acl_match(a, sa("203.0.113.1"), "k3"), 0);
	cr_expect_eq(acl_match(a, NULL, "k1"), 1);
	cr_expect_eq(acl_match(a, NULL, NULL), 0);
	conf_free(c);
}

Test(conf, acl_any_none)
{
	struct conf	*c;
	const struct zone_conf *z;

	c = parse("zone a.example { allow-query { none; any; }; "
	    "allow-update { !10.0.0.0/8; any; }; };");
	cr_assert_not_null(c, "%s", msgs);
	z = conf_zone_find(c, "a.example");
	/* "none" never matches, so "any" decides */
	cr_expect_eq(acl_match(&z->allow_query, sa("10.0.0.1"), NULL), 1);
	cr_expect_eq(acl_match(&z->allow_update, sa("10.0.0.1"), NULL), 0);
	cr_expect_eq(acl_match(&z->allow_update, sa("11.0.0.1"), NULL), 1);
	cr_expect_eq(acl_match(&z->allow_update, sa("::"), NULL), 1);
	conf_free(c);
}

Test(conf, grants)
{
	struct conf		*c;
	const struct zone_conf	*z;

	c = parse("key acme { algorithm hmac-sha256; secret \"YWJj\"; };\n"
	    "key dhcp { algorithm hmac-sha256; secret \"YWJj\"; };\n"
	    "key admin { algorithm hmac-sha256; secret \"YWJj\"; };\n"
	    "key web { algorithm hmac-sha256; secret \"YWJj\"; };\n"
	    "zone example.com {\n"
	    "  allow-update { any; };\n"
	    "  grant acme subdomain _acme-challenge.example.com TXT;\n"
	    "  grant acme name example.com txt;\n"
	    "  grant dhcp wildcard *.dhcp.example.com A AAAA DHCID;\n"
	    "  grant web name www.example.com;\n"
	    "};");
	cr_assert_not_null(c, "%s", msgs);
	z = conf_zone_find(c, "example.com");

	/* subdomain: the name and below, only the listed type */
	cr_expect(acl_grant_allows(z, "acme", "_acme-challenge.example.com",
	    16));
	cr_expect(acl_grant_allows(z, "ACME.", "x._ACME-challenge.Example.COM.",
	    16));
	cr_expect(!acl_grant_allows(z, "acme", "_acme-challenge.example.com",
	    1));
	cr_expect(!acl_grant_allows(z, "acme", "x_acme-challenge.example.com",
	    16));
	/* name: exactly */
	cr_expect(acl_grant_allows(z, "acme", "example.com.", 16));
	cr_expect(!acl_grant_allows(z, "acme", "www.example.com", 16));
	/* wildcard: strictly below the suffix, like BIND */
	cr_expect(acl_grant_allows(z, "dhcp", "pc1.dhcp.example.com", 1));
	cr_expect(acl_grant_allows(z, "dhcp", "a.b.dhcp.example.com", 28));
	cr_expect(acl_grant_allows(z, "dhcp", "*.dhcp.example.com", 49));
	cr_expect(!acl_grant_allows(z, "dhcp", "dhcp.example.com", 1));
	cr_expect(!acl_grant_allows(z, "dhcp", "pc1.dhcp.example.com", 16));
	/* no types: all but RRSIG, NS, SOA, NSEC, NSEC3 */
	cr_expect(acl_grant_allows(z, "web", "www.example.com", 1));
	cr_expect(acl_grant_allows(z, "web", "www.example.com", 257));
	cr_expect(acl_grant_allows(z, "web", "www.example.com", 255 + 1000));
	cr_expect(!acl_grant_allows(z, "web", "www.example.com", 2));
	cr_expect(!acl_grant_allows(z, "web", "www.example.com", 6));
	cr_expect(!acl_grant_allows(z, "web", "www.example.com", 46));
	cr_expect(!acl_grant_allows(z, "web", "www.example.com", 47));
	cr_expect(!acl_grant_allows(z, "web", "www.example.com", 50));
	/* a key without grants: the whole zone, any type */
	cr_expect(acl_grant_allows(z, "admin", "example.com", 6));
	cr_expect(acl_grant_allows(z, "admin", "deep.www.example.com", 2));
	cr_expect(acl_grant_allows(z, NULL, "example.com", 1));
	/* never outside the zone, nor a malformed owner */
	cr_expect(!acl_grant_allows(z, "admin", "example.net", 1));
	cr_expect(!acl_grant_allows(z, "admin", "com", 1));
	cr_expect(!acl_grant_allows(z, NULL, "a..example.com", 1));
	cr_expect(!acl_grant_allows(z, "acme", "_acme-challenge.example.net",
	    16));
	/* escapes: "a\.b" is one label, not a subdomain of b */
	cr_expect(acl_grant_allows(z, "dhcp", "a\\.b.dhcp.example.com", 1));
	cr_expect(!acl_grant_allows(z, "acme",
	    "x\\._acme-challenge.example.com", 16));
	conf_free(c);
}

Test(conf, acme_challenge_grant)
{
	struct conf		*c, *c2;
	const struct zone_conf	*z;
	const struct grant	*g;
	char			*out = NULL, *out2 = NULL, *fixed, *s;
	size_t			 outlen = 0, outlen2 = 0;
	FILE			*fp;

	c = parse("key acme { algorithm hmac-sha256; secret \"YWJj\"; };\n"
	    "key acme2 { algorithm hmac-sha256; secret \"YWJj\"; };\n"
	    "zone example.com {\n"
	    "  grant acme acme-challenge;\n"
	    "  grant ACME2. Acme-Challenge txt;\n"
	    "};\n"
	    "zone example.net { update-policy { grant acme acme-challenge; }; };");
	cr_assert_not_null(c, "%s", msgs);
	z = conf_zone_find(c, "example.com");
	cr_assert_eq(z->ngrants, 2);
	g = &z->grants[0];
	cr_expect_eq(g->match, GRANT_ACME);
	cr_expect_str_eq(g->name, "example.com");
	cr_assert_eq(g->ntypes, 1);
	cr_expect_eq(g->types[0], 16);
	cr_expect_eq(z->grants[1].match, GRANT_ACME);
	cr_expect_eq(z->grants[1].ntypes, 1);

	/* TXT at _acme-challenge.X for the apex and any X in the zone */
	cr_expect(acl_grant_allows(z, "acme", "_acme-challenge.example.com",
	    16));
	cr_expect(acl_grant_allows(z, "acme",
	    "_acme-challenge.host.example.com", 16));
	cr_expect(acl_grant_allows(z, "acme2",
	    "_ACME-Challenge.a.b.c.Example.COM.", 16));
	cr_expect(acl_grant_allows(z, "acme",
	    "_acme-challenge.*.example.com", 16));
	/* no other type, not even ANY */
	cr_expect(!acl_grant_allows(z, "acme",
	    "_acme-challenge.host.example.com", 1));
	cr_expect(!acl_grant_allows(z, "acme",
	    "_acme-challenge.host.example.com", 255));
	cr_expect(!acl_grant_allows(z, "acme",
	    "_acme-challenge.host.example.com", 5));
	/* no other name: not X itself, nothing below the challenge name */
	cr_expect(!acl_grant_allows(z, "acme", "host.example.com", 16));
	cr_expect(!acl_grant_allows(z, "acme", "example.com", 16));
	cr_expect(!acl_grant_allows(z, "acme",
	    "x._acme-challenge.host.example.com", 16));
	cr_expect(!acl_grant_allows(z, "acme",
	    "host._acme-challenge.example.com", 16));
	cr_expect(!acl_grant_allows(z, "acme",
	    "_acme-challengex.host.example.com", 16));
	cr_expect(!acl_grant_allows(z, "acme",
	    "x_acme-challenge.host.example.com", 16));
	cr_expect(!acl_grant_allows(z, "acme", "_acme-challenge", 16));
	cr_expect(!acl_grant_allows(z, "acme", "_acme-challenge.com", 16));
	cr_expect(!acl_grant_allows(z, "acme", "_acme-challenge.example.net",
	    16));
	cr_expect(!acl_grant_allows(z, "acme",
	    "_acme-challenge\\.host.example.com", 16));
	cr_expect(!acl_grant_allows(z, "acme",
	    "_acme-challenge.host\\.example.com", 16));
	/* other keys are not limited by it */
	cr_expect(!acl_grant_scoped(z, "other"));
	cr_expect(acl_grant_scoped(z, "acme2"));
	z = conf_zone_find(c, "example.net");
	cr_expect(acl_grant_allows(z, "acme", "_acme-challenge.www.example.net",
	    16));
	cr_expect(!acl_grant_allows(z, "acme",
	    "_acme-challenge.www.example.com", 16));
	cr_expect(acl_match(&z->allow_update, NULL, "acme"));

	/* -nv prints the rule without a name; the printed form reparses */
	cr_assert_not_null(fp = open_memstream(&out, &outlen));
	conf_print(fp, c);
	fclose(fp);
	cr_expect(strstr(out, "\tgrant \"acme\" acme-challenge TXT;\n") !=
	    NULL, "%s", out);
	cr_expect(strstr(out, "\tgrant \"acme2\" acme-challenge TXT;\n") !=
	    NULL, "%s", out);
	/* with the hidden secrets put back */
	cr_assert_not_null(fixed = calloc(1, outlen * 2 + 1));
	for (s = out; *s != '\0'; ) {
		if (strncmp(s, "\"...\"", 5) == 0) {
			strcat(fixed, "\"YWJj\"");
			s += 5;
		} else
			strncat(fixed, s++, 1);
	}
	c2 = conf_parse("printed.conf", fixed, strlen(fixed), 0, capture,
	    NULL);
	cr_assert_not_null(c2, "printed form rejected:\n%s\n%s", msgs, fixed);
	cr_assert_not_null(fp = open_memstream(&out2, &outlen2));
	conf_print(fp, c2);
	fclose(fp);
	cr_expect_str_eq(out2, out);
	conf_free(c);
	conf_free(c2);
	free(out);
	free(out2);
	free(fixed);
}

Test(conf, grant_errors)
{
	cr_expect_null(parse("key k { algorithm hmac-sha1; secret \"YQ==\"; };\n"
	    "zone z.example {\n"
	    "grant k wildcard www.z.example;\n"
	    "grant k self z.example A;\n"
	    "grant k name z.example A TYPE70000;\n"
	    "update-policy { grant k zonesub; deny k zonesub; };\n"
	    "grant k acme-challenge A;\n"
	    "grant k acme-challenge TXT ANY;\n"
	    "grant k acme-challenge z.example TXT;\n"
	    "};"));
	cr_expect_str_eq(msgs,
	    "buf:3: wildcard name \"www.z.example\" does not start with "
	    "\"*.\"\n"
	    "buf:4: unsupported grant rule \"self\" (use name, subdomain, "
	    "wildcard, zonesub or acme-challenge)\n"
	    "buf:5: unknown type \"TYPE70000\"\n"
	    "buf:6: unsupported update-policy rule \"deny\" (only grant)\n"
	    "buf:7: acme-challenge grants allow only TXT, not \"A\"\n"
	    "buf:8: acme-challenge grants allow only TXT, not \"ANY\"\n"
	    "buf:9: unknown type \"z.example\"\n");
}

Test(conf, algorithms)
{
	struct conf	*c;

	c = parse("key a { algorithm HMAC-MD5.SIG-ALG.REG.INT.; "
	    "secret \"YQ==\"; };\n"
	    "key b { algorithm hmac-md5-80; secret \"YQ==\"; };\n"
	    "key c { algorithm hmac-sha512-512; secret \"YQ==\"; };\n"
	    "key d { algorithm hmac-sha1-80; secret \"YQ==\"; };\n");
	cr_assert_not_null(c, "%s", msgs);
	cr_expect_eq(conf_key_find(c, "a")->alg, TSIG_HMAC_MD5);
	cr_expect_eq(conf_key_find(c, "a")->truncbits, 0);
	cr_expect_eq(conf_key_find(c, "b")->truncbits, 80);
	cr_expect_eq(conf_key_find(c, "c")->truncbits, 0);
	cr_expect_eq(conf_key_find(c, "d")->alg, TSIG_HMAC_SHA1);
	cr_expect_eq(conf_key_find(c, "d")->truncbits, 80);
	conf_free(c);

	cr_expect_null(parse("key e { algorithm hmac-sha1-72; "
	    "secret \"YQ==\"; };\nkey f { algorithm gss-tsig; "
	    "secret \"YQ==\"; };\nkey g { algorithm hmac-sha256-520; "
	    "secret \"YQ==\"; };"));
	cr_expect_str_eq(msgs,
	    "buf:1: key \"e\": digest bits 72 out of range (80..160)\n"
	    "buf:2: key \"f\": unknown algorithm \"gss-tsig\"\n"
	    "buf:3: key \"g\": digest bits 520 out of range (128..256)\n");
}

Test(conf, canonical_names)
{
	struct conf	*c;
	char		 buf[ACL_NAME_MAX];

	cr_expect_eq(acl_name_canon(buf, sizeof(buf), "WWW.Example.COM."), 0);
	cr_expect_str_eq(buf, "www.example.com");
	cr_expect_eq(acl_name_canon(buf, sizeof(buf), "\\065b\\.C.x"), 0);
	cr_expect_str_eq(buf, "ab\\.c.x");
	cr_expect_eq(acl_name_canon(buf, sizeof(buf), "a\\ b\\\"\\255"), 0);
	cr_expect_str_eq(buf, "a\\032b\\034\\255");
	cr_expect_eq(acl_name_canon(buf, sizeof(buf), "."), 0);
	cr_expect_str_eq(buf, "");
	cr_expect_eq(acl_name_canon(buf, sizeof(buf), "a..b"), -1);
	cr_expect_eq(acl_name_canon(buf, sizeof(buf), ".a"), -1);
	cr_expect_eq(acl_name_canon(buf, sizeof(buf), "a b"), -1);
	cr_expect_eq(acl_name_canon(buf, sizeof(buf), "a\\25"), -1);
	cr_expect_eq(acl_name_canon(buf, sizeof(buf), "a\\256"), -1);
	/* 63-byte labels are fine, 64 are not; 255 bytes of wire at most */
	cr_expect_eq(acl_name_canon(buf, sizeof(buf),
	    "123456789012345678901234567890123456789012345678901234567890123"),
	    0);
	cr_expect_eq(acl_name_canon(buf, sizeof(buf),
	    "1234567890123456789012345678901234567890123456789012345678901234"),
	    -1);
	cr_expect_eq(acl_name_canon(buf, 4, "abcd"), -1);

	cr_expect_null(parse("zone \"ex\\097mple.com\" { };\n"
	    "zone \"EXAMPLE.com\" { };"));
	cr_expect_str_eq(msgs, "buf:2: duplicate zone \"example.com\" "
	    "(first defined at buf:1)\n");
	msgs[0] = '\0';
	c = parse("key \"k\\.1\" { algorithm hmac-sha1; secret \"YQ==\"; };");
	cr_assert_not_null(c, "%s", msgs);
	cr_expect_str_eq(c->keys[0].name, "k\\.1");
	cr_expect_not_null(conf_key_find(c, "K\\046\\049."));
	cr_expect_null(conf_key_find(c, "k.1"));
	conf_free(c);
}

Test(conf, large_and_special_files)
{
	char		 dir[] = "/tmp/t_conf.XXXXXX", path[64], inc[512];
	FILE		*fp;
	struct conf	*c;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/big.conf", dir);
	cr_assert_not_null(fp = fopen(path, "w"));
	cr_assert_eq(ftruncate(fileno(fp), CONF_FILE_MAX + 1), 0);
	fclose(fp);
	cr_expect_null(load(path));
	snprintf(inc, sizeof(inc), "%s: file too large (max 1048576 bytes)\n",
	    path);
	cr_expect_str_eq(msgs, inc);

	/* A character device works too: /dev/null is an empty file. */
	msgs[0] = '\0';
	snprintf(inc, sizeof(inc), "include \"%s\";\ninclude \"/dev/null\";"
	    "\ninclude \"/\";", path);
	cr_expect_null(parse(inc));
	cr_expect_str_eq(msgs, "buf:1: include not allowed here\n"
	    "buf:2: include not allowed here\nbuf:3: include not allowed "
	    "here\n");
	msgs[0] = '\0';
	snprintf(path, sizeof(path), "%s/inc.conf", dir);
	cr_assert_not_null(fp = fopen(path, "w"));
	fprintf(fp, "include \"big.conf\";\ninclude \"/dev/null\";\n"
	    "include \"/\";\n");
	fclose(fp);
	cr_expect_null(load(path));
	snprintf(inc, sizeof(inc),
	    "%s:1: include \"%s/big.conf\": file too large (max 1048576 "
	    "bytes)\n%s:3: include \"/\": Is a directory\n", path, dir, path);
	cr_expect_str_eq(msgs, inc);
	c = load("/dev/null");
	cr_expect_not_null(c);
	conf_free(c);
	snprintf(path, sizeof(path), "%s/big.conf", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/inc.conf", dir);
	unlink(path);
	rmdir(dir);
}

/*
 * A configuration recorded by one load and replayed, packed and
 * unpacked on the way, by another: the same configuration, though the
 * files are gone; and no pack cut short or altered is taken.
 */
Test(conf, recorded_and_replayed)
{
	char			 dir[] = "/tmp/t_conf.XXXXXX", a[4096], b[4096];
	const char		*main_, *keys, *secret;
	struct conf_files	*fs, *back;
	struct conf		*c, *r;
	uint8_t			*pk;
	size_t			 len, cut;
	FILE			*f;

	cr_assert_not_null(mkdtemp(dir));
	keys = put_file(dir, "keys.conf", "key \"k\" {\n\talgorithm "
	    "hmac-sha256;\n\tsecret \"c2VjcmV0\";\n};\n", 0600);
	secret = put_file(dir, "secret", "wJalrXUtnFEMI\n", 0600);
	main_ = put_file(dir, "main.conf", "include \"keys.conf\";\naws {\n"
	    "\taccess-key-id \"A\";\n\tsecret-access-key-file \"secret\";\n"
	    "};\nzone \"example.com\" { allow-update { key \"k\"; }; };\n",
	    0600);
	cr_assert_not_null(c = conf_load_record(main_, capture, NULL, &fs));
	cr_assert_eq(conf_files_count(fs), 3);
	cr_assert_str_eq(conf_files_main(fs), main_);
	cr_assert_eq(conf_files_pack(fs, &pk, &len), 0);
	conf_files_free(fs);
	unlink(keys);
	unlink(secret);
	unlink(main_);
	rmdir(dir);

	cr_assert_not_null(back = conf_files_unpack(pk, len));
	cr_assert_not_null(r = conf_load_files(back, capture, NULL));
	cr_expect_str_eq(msgs, "");
	cr_assert_str_eq(r->aws.secret_key, "wJalrXUtnFEMI");
	cr_assert_eq(r->nkeys, 1);
	cr_assert_eq(memcmp(r->keys[0].secret, c->keys[0].secret,
	    c->keys[0].secretlen), 0);
	cr_assert_not_null(f = fmemopen(a, sizeof(a), "w"));
	conf_print(f, c);
	fclose(f);
	cr_assert_not_null(f = fmemopen(b, sizeof(b), "w"));
	conf_print(f, r);
	fclose(f);
	cr_assert_str_eq(a, b);
	conf_free(r);
	conf_files_free(back);

	for (cut = 0; cut < len; cut++)
		cr_assert_null(conf_files_unpack(pk, cut), "cut at %zu", cut);
	pk[0] ^= 1;
	cr_assert_null(conf_files_unpack(pk, len));
	free(pk);
	conf_free(c);
	/* Nothing recorded from a bad configuration. */
	cr_assert_null(conf_load_record("/nonexistent/r53d.conf", capture,
	    NULL, &fs));
	cr_assert_null(fs);
}

/* allow-stats, version and hostname: defaults, values, none, errors. */
Test(conf, stats_and_chaos_options)
{
	struct conf	*c, *c2;
	char		*out = NULL, *out2 = NULL;
	size_t		 outlen = 0, outlen2 = 0;
	FILE		*fp;
	char		 big[400];

	/* Defaults: loopback may read the counters; BIND-like names on. */
	cr_assert_not_null(c = parse("tcp-clients 2;"), "%s", msgs);
	cr_expect(acl_match(&c->allow_stats, sa("127.0.0.1"), NULL));
	cr_expect(acl_match(&c->allow_stats, sa("127.255.0.9"), NULL));
	cr_expect(acl_match(&c->allow_stats, sa("::1"), NULL));
	cr_expect(!acl_match(&c->allow_stats, sa("192.0.2.1"), NULL));
	cr_expect(!acl_match(&c->allow_stats, sa("::2"), NULL));
	cr_expect(!acl_match(&c->allow_stats, NULL, "k"));
	cr_expect_null(c->version);
	cr_expect_null(c->hostname);
	cr_expect_eq(c->version_none, 0);
	cr_expect_eq(c->hostname_none, 0);
	cr_assert_not_null(fp = open_memstream(&out, &outlen));
	conf_print(fp, c);
	fclose(fp);
	cr_expect(strstr(out, "\nallow-stats { 127.0.0.0/8; ::1/128; };\n")
	    != NULL, "%s", out);
	cr_expect(strstr(out, "\n# version not set: \"r53d ") != NULL);
	cr_expect(strstr(out, "\n# hostname not set: ") != NULL);
	free(out);
	out = NULL;
	conf_free(c);

	c = parse("key \"k\" { algorithm hmac-sha256; secret \"YWJj\"; };\n"
	    "allow-stats { 192.0.2.0/24; !198.51.100.1; key \"k\"; };\n"
	    "version \"v \\\"1\\\"\";\nhostname none;\n");
	cr_assert_not_null(c, "%s", msgs);
	cr_expect(acl_match(&c->allow_stats, sa("192.0.2.7"), NULL));
	cr_expect(!acl_match(&c->allow_stats, sa("127.0.0.1"), NULL));
	cr_expect(!acl_match(&c->allow_stats, sa("198.51.100.1"), "k"));
	cr_expect(acl_match(&c->allow_stats, sa("203.0.113.1"), "k"));
	cr_expect_str_eq(c->version, "v \"1\"");
	cr_expect_eq(c->version_none, 0);
	cr_expect_null(c->hostname);
	cr_expect_eq(c->hostname_none, 1);
	/* Printed, it parses back to the same. */
	cr_assert_not_null(fp = open_memstream(&out, &outlen));
	conf_print(fp, c);
	fclose(fp);
	cr_expect(strstr(out, "\nallow-stats { 192.0.2.0/24; !198.51.100.1/32;"
	    " key \"k\"; };\n") != NULL, "%s", out);
	cr_expect(strstr(out, "\nversion \"v \\\"1\\\"\";\n") != NULL, "%s",
	    out);
	cr_expect(strstr(out, "\nhostname none;\n") != NULL, "%s", out);
	cr_expect_null(strstr(out, "YWJj"));
	conf_free(c);

	/* Quoted, "none" is a name, as in BIND; bare, any case, it is off. */
	c = parse("version \"none\";\nhostname NONE;\n");
	cr_assert_not_null(c, "%s", msgs);
	cr_expect_str_eq(c->version, "none");
	cr_expect_eq(c->version_none, 0);
	cr_expect_eq(c->hostname_none, 1);
	cr_assert_not_null(fp = open_memstream(&out2, &outlen2));
	conf_print(fp, c);
	fclose(fp);
	cr_expect(strstr(out2, "\nversion \"none\";\n") != NULL, "%s", out2);
	conf_free(c);
	c2 = parse(out2);
	cr_assert_not_null(c2, "%s\n%s", msgs, out2);
	cr_expect_str_eq(c2->version, "none");
	cr_expect_eq(c2->hostname_none, 1);
	conf_free(c2);
	free(out);
	free(out2);

	/* Errors, all in one pass. */
	memset(big, 'x', sizeof(big));
	memcpy(big, "hostname \"", 10);
	memcpy(big + 10 + 256, "\";\n", 4);
	cr_expect_null(parse("version \"a\";\nversion \"b\";\n"
	    "allow-stats { key \"nokey\"; };\nallow-stats { any; };\n"
	    "version;\n"));
	cr_expect_str_eq(msgs,
	    "buf:2: duplicate version\n"
	    "buf:4: duplicate allow-stats\n"
	    "buf:5: duplicate version\n"
	    "buf:3: undefined key \"nokey\"\n");
	msgs[0] = '\0';
	cr_expect_null(parse(big));
	cr_expect(strstr(msgs, "buf:1: hostname too long") == msgs, "%s",
	    msgs);
	msgs[0] = '\0';
	cr_expect_null(parse("hostname;\n"));
	cr_expect(strstr(msgs, "buf:1: expected hostname, got") == msgs, "%s",
	    msgs);
}

/* Route 53's endpoint and signing region follow the partition. */
Test(conf, partitions)
{
	static const struct {
		const char	*aws;
		const char	*url, *region, *suffix;
	} t[] = {
		{ "", "https://route53.amazonaws.com", "us-east-1",
		    "amazonaws.com" },
		{ "partition aws; fips no; dual-stack no;",
		    "https://route53.amazonaws.com", "us-east-1",
		    "amazonaws.com" },
		{ "fips yes;", "https://route53-fips.amazonaws.com",
		    "us-east-1", "amazonaws.com" },
		{ "dual-stack yes;", "https://route53.global.api.aws",
		    "us-east-1", "amazonaws.com" },
		{ "partition aws-cn;", "https://route53.amazonaws.com.cn",
		    "cn-northwest-1", "amazonaws.com.cn" },
		{ "partition \"AWS-US-GOV\";",
		    "https://route53.us-gov.amazonaws.com", "us-gov-west-1",
		    "amazonaws.com" },
		{ "fips yes; partition aws-us-gov;",
		    "https://route53.us-gov.amazonaws.com", "us-gov-west-1",
		    "amazonaws.com" },
		/* An explicit endpoint or region still wins. */
		{ "partition aws-cn; endpoint \"http://127.0.0.1:8053\";",
		    "http://127.0.0.1:8053", "cn-northwest-1",
		    "amazonaws.com.cn" },
		{ "region eu-west-1; partition aws-us-gov;",
		    "https://route53.us-gov.amazonaws.com", "eu-west-1",
		    "amazonaws.com" },
	};
	struct conf	*c;
	char		 text[512];
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(text, sizeof(text), "aws { %s };", t[i].aws);
		cr_assert_not_null(c = parse(text), "%s: %s", t[i].aws, msgs);
		cr_expect_str_eq(c->aws.endpoint.url, t[i].url, "%s",
		    t[i].aws);
		cr_expect_str_eq(c->aws.region, t[i].region, "%s", t[i].aws);
		cr_expect_str_eq(c->aws.partition->dns_suffix, t[i].suffix,
		    "%s", t[i].aws);
		conf_free(c);
	}
	cr_assert_not_null(c = parse("listen 127.0.0.1;"), "%s", msgs);
	cr_expect_str_eq(c->aws.partition->name, "aws");
	cr_expect_str_eq(c->aws.endpoint.host, "route53.amazonaws.com");
	cr_expect_eq(c->aws.endpoint.port, 443);
	cr_expect_eq(c->aws.endpoint.tls, 1);
	conf_free(c);
	cr_assert_not_null(c = parse("aws { partition aws-cn; };"));
	cr_expect_str_eq(c->aws.endpoint.host, "route53.amazonaws.com.cn");
	conf_free(c);
}

Test(conf, partition_errors)
{
	cr_expect_null(parse("aws {\n\tfips yes;\n\tpartition aws-cn;\n};"));
	cr_expect_str_eq(msgs, "buf:2: fips: partition aws-cn has no FIPS "
	    "endpoint for Route 53\n");

	msgs[0] = '\0';
	cr_expect_null(parse("aws { partition aws-cn;\ndual-stack yes; };\n"
	    "aws { };"));
	cr_expect_str_eq(msgs, "buf:2: dual-stack: partition aws-cn has no "
	    "documented dual-stack endpoint for Route 53\n"
	    "buf:3: duplicate aws block\n");

	msgs[0] = '\0';
	cr_expect_null(parse("aws { dual-stack yes;\npartition aws-us-gov; "
	    "};"));
	cr_expect_str_eq(msgs, "buf:1: dual-stack: partition aws-us-gov has "
	    "no documented dual-stack endpoint for Route 53\n");

	msgs[0] = '\0';
	cr_expect_null(parse("aws { fips yes;\n dual-stack yes; };"));
	cr_expect_str_eq(msgs, "buf:2: dual-stack: no endpoint is documented "
	    "for FIPS and dual-stack together\n");

	msgs[0] = '\0';
	cr_expect_null(parse("aws {\npartition aws-iso;\nfips maybe;\n"
	    "partition aws;\npartition aws-cn; };"));
	cr_expect_str_eq(msgs, "buf:2: partition: expected one of aws, "
	    "aws-cn, aws-us-gov, got \"aws-iso\"\n"
	    "buf:3: fips: expected yes or no, got \"maybe\"\n"
	    "buf:4: duplicate partition\n"
	    "buf:5: duplicate partition\n");
}

/* private and vpc: which of several same-name hosted zones. */
Test(conf, private_and_vpc)
{
	struct conf		*c, *c2;
	const struct zone_conf	*z;
	char			*out = NULL, *out2 = NULL;
	size_t			 outlen = 0, outlen2 = 0;
	FILE			*fp;

	c = parse("zone a.example { private yes; };\n"
	    "zone b.example { private no; };\n"
	    "zone c.example { vpc vpc-0a1b2c3d4e5f60718; };\n"
	    "zone d.example { private yes; vpc \"vpc-ABC\"; };\n"
	    "zone e.example { };\n");
	cr_assert_not_null(c, "%s", msgs);
	cr_expect_str_eq(msgs, "");
	z = conf_zone_find(c, "a.example");
	cr_expect_eq(z->private_zone, 1);
	cr_expect_str_eq(z->vpc, "");
	z = conf_zone_find(c, "b.example");
	cr_expect_eq(z->private_zone, 0);
	z = conf_zone_find(c, "c.example");
	cr_expect_eq(z->private_zone, 1, "vpc means private");
	cr_expect_str_eq(z->vpc, "vpc-0a1b2c3d4e5f60718");
	z = conf_zone_find(c, "d.example");
	cr_expect_str_eq(z->vpc, "vpc-ABC");
	z = conf_zone_find(c, "e.example");
	cr_expect_eq(z->private_zone, -1);
	cr_expect_str_eq(z->vpc, "");

	/* Printed back, and read again to the same. */
	cr_assert_not_null(fp = open_memstream(&out, &outlen));
	conf_print(fp, c);
	fclose(fp);
	cr_expect_not_null(strstr(out, "zone \"a.example\" {\n"
	    "\tprivate yes;\n\tallow-update"));
	cr_expect_not_null(strstr(out, "zone \"b.example\" {\n"
	    "\tprivate no;\n\tallow-update"));
	cr_expect_not_null(strstr(out, "zone \"c.example\" {\n"
	    "\tprivate yes;\n\tvpc \"vpc-0a1b2c3d4e5f60718\";\n"));
	cr_expect_not_null(strstr(out, "zone \"e.example\" {\n"
	    "\tallow-update"));
	cr_expect_not_null(strstr(out, "aws {\n\tpartition aws;\n"
	    "\tfips no;\n\tdual-stack no;\n"
	    "\tendpoint \"https://route53.amazonaws.com\";\n"
	    "\tregion \"us-east-1\";\n"));
	c2 = conf_parse("printed.conf", out, outlen, 0, capture, NULL);
	cr_assert_not_null(c2, "%s", msgs);
	cr_assert_not_null(fp = open_memstream(&out2, &outlen2));
	conf_print(fp, c2);
	fclose(fp);
	cr_expect_str_eq(out2, out);
	conf_free(c);
	conf_free(c2);
	free(out);
	free(out2);

	/* The partition's settings printed back. */
	cr_assert_not_null(c = parse("aws { partition aws-us-gov; fips yes; "
	    "};"), "%s", msgs);
	out = NULL;
	cr_assert_not_null(fp = open_memstream(&out, &outlen));
	conf_print(fp, c);
	fclose(fp);
	cr_expect_not_null(strstr(out, "aws {\n\tpartition aws-us-gov;\n"
	    "\tfips yes;\n\tdual-stack no;\n"
	    "\tendpoint \"https://route53.us-gov.amazonaws.com\";\n"
	    "\tregion \"us-gov-west-1\";\n"), "%s", out);
	conf_free(c);
	free(out);
}

Test(conf, private_and_vpc_errors)
{
	cr_expect_null(parse("zone a {\n\tprivate no;\n\tvpc vpc-12ab;\n};\n"
	    "zone b {\n\tvpc vpc-1;\n\thosted-zone Z123;\n\tprivate yes;\n};\n"
	    "zone c { vpc subnet-12; vpc-12; };\n"
	    "zone d { vpc vpc-; private maybe; private yes; private no; };\n"));
	cr_expect_str_eq(msgs,
	    "buf:3: zone \"a\": vpc means a private hosted zone, but private "
	    "is no (line 2)\n"
	    "buf:8: zone \"b\": private chooses among zones found by name; "
	    "hosted-zone (line 7) already names one\n"
	    "buf:6: zone \"b\": vpc chooses among zones found by name; "
	    "hosted-zone (line 7) already names one\n"
	    "buf:10: invalid VPC ID \"subnet-12\" (want vpc- and up to 60 "
	    "hexadecimal digits)\n"
	    "buf:10: unknown keyword \"vpc-12\" in zone\n"
	    "buf:11: invalid VPC ID \"vpc-\" (want vpc- and up to 60 "
	    "hexadecimal digits)\n"
	    "buf:11: private: expected yes or no, got \"maybe\"\n"
	    "buf:11: duplicate private\n"
	    "buf:11: duplicate private\n");
}

/* A VPC ID is at most CONF_VPC_MAX characters. */
Test(conf, vpc_length)
{
	struct conf	*c;
	char		 text[200], hex[CONF_VPC_MAX];

	memset(hex, 'f', sizeof(hex));
	hex[CONF_VPC_MAX - 4] = '\0';
	snprintf(text, sizeof(text), "zone z { vpc vpc-%s; };", hex);
	cr_assert_not_null(c = parse(text), "%s", msgs);
	cr_expect_eq(strlen(conf_zone_find(c, "z")->vpc), CONF_VPC_MAX);
	conf_free(c);
	snprintf(text, sizeof(text), "zone z { vpc vpc-%sf; };", hex);
	cr_expect_null(parse(text));
	cr_expect_eq(nmsgs, 1);
	cr_expect_not_null(strstr(msgs, "invalid VPC ID"));
}
